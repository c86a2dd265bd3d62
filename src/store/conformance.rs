//! The behaviour every [`Store`] must have, as test bodies taking any
//! store: each implementation's tests run them all (see `tests` below for
//! SQLite).

use chrono::{DateTime, TimeZone, Utc};

use super::{Attempt, Scraped, State, Store};
use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, EntryId, SectionId, SiteId};

/// `s/<section>`.
pub fn key(section: &str) -> SectionKey {
    (
        SiteId::new("s").unwrap_or_else(|| unreachable!()),
        SectionId::new(section).unwrap_or_else(|| unreachable!()),
    )
}

/// Published 2019-05-`n` 06:00 UTC.
pub fn entry(n: u32, title: &str) -> Entry {
    let t = Utc
        .with_ymd_and_hms(2019, 5, n, 6, 0, 0)
        .single()
        .unwrap_or_default();
    Entry {
        id: EntryId(format!("http://p.example/{n}.html")),
        url: format!("http://p.example/{n}.html"),
        title: title.to_owned(),
        summary: Some(format!("about {title}")),
        content_html: Some(format!("<p>{title}</p>")),
        author: None,
        published: Some(t.fixed_offset()),
        first_seen: t,
        updated: t,
        categories: vec!["A".to_owned()],
        image: None,
        position: 0,
    }
}

/// A scrape of `entries` at `at`, capped at `max`.
pub fn scraped(entries: Vec<Entry>, max: usize, at: DateTime<Utc>) -> Scraped {
    Scraped {
        entries,
        validators: Validators {
            etag: Some("\"v1\"".to_owned()),
            last_modified: None,
        },
        max_items: max,
        attempt: Attempt::new(at, 1),
    }
}

fn expect<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("store: {e}"))
}

async fn entries_of(store: &dyn Store, key: &SectionKey) -> Vec<Entry> {
    expect(
        store
            .feed_entries(std::slice::from_ref(key), usize::MAX)
            .await,
    )
    .entries
}

/// New entries, changed entries, entries gone from the list, the cap, and
/// `updated`: publication time when new, the change time when changed.
pub async fn merge_keeps_history_first_seen_and_caps(store: &dyn Store) {
    let k = key("a");
    let t0 = Utc::now();
    let out = expect(
        store
            .merge(&k, scraped(vec![entry(1, "one"), entry(2, "two")], 3, t0))
            .await,
    );
    assert_eq!((out.new, out.updated, out.total), (2, 0, 2));
    let first = entries_of(store, &k).await;
    assert_eq!(first[0].first_seen, t0);
    assert_eq!(
        first[0].updated,
        entry(2, "")
            .published
            .map(|p| p.to_utc())
            .unwrap_or_default(),
        "a new entry's updated is its publication time"
    );
    let t1 = t0 + chrono::Duration::minutes(15);
    // "one" drops off the list, "two" changes, "three" and "four" are new.
    let second = vec![
        entry(2, "two, corrected"),
        entry(3, "three"),
        entry(4, "four"),
    ];
    let out = expect(store.merge(&k, scraped(second.clone(), 3, t1)).await);
    assert_eq!((out.new, out.updated, out.total), (2, 1, 3));
    let data = entries_of(store, &k).await;
    let titles: Vec<&str> = data.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        ["four", "three", "two, corrected"],
        "newest first, capped at 3"
    );
    assert_eq!(data[2].first_seen, t0);
    assert_eq!(
        data[2].updated, t1,
        "a changed entry's updated is the change time"
    );
    assert_eq!(data[2].summary.as_deref(), Some("about two, corrected"));
    let summary = expect(store.summary(&k).await).unwrap_or_default();
    assert_eq!(summary.entries, 3);
    assert_eq!(summary.changed, Some(t1));
    // The same scrape again changes nothing, `changed` stays.
    let t2 = t1 + chrono::Duration::minutes(15);
    let out = expect(store.merge(&k, scraped(second, 3, t2)).await);
    assert!(!out.changed());
    assert_eq!(entries_of(store, &k).await, data);
    let summary = expect(store.summary(&k).await).unwrap_or_default();
    assert_eq!(summary.changed, Some(t1));
    assert_eq!(summary.health.last_success, Some(t2));
    assert_eq!(summary.health.scrapes, 3);
}

/// An undated new entry's `updated` is its first-seen time.
pub async fn an_undated_entry_is_updated_when_first_seen(store: &dyn Store) {
    let k = key("undated");
    let mut e = entry(5, "undated");
    e.published = None;
    let t = Utc::now();
    expect(store.merge(&k, scraped(vec![e], 10, t)).await);
    let got = entries_of(store, &k).await;
    assert_eq!((got[0].first_seen, got[0].updated), (t, t));
}

/// Failures and `304`s keep the entries and set the state; warnings are
/// the last attempt's.
pub async fn failures_keep_entries_and_set_the_state(store: &dyn Store) {
    let k = key("b");
    let now = Utc::now();
    let mut s = scraped(vec![entry(1, "one")], 10, now);
    s.attempt.warnings = vec!["item 2: date: no match".to_owned()];
    expect(store.merge(&k, s).await);
    let summary = expect(store.summary(&k).await).unwrap_or_default();
    assert_eq!(summary.health.warnings, ["item 2: date: no match"]);
    expect(
        store
            .record_failure(&k, "list page: timed out".to_owned(), Attempt::new(now, 1))
            .await,
    );
    assert_eq!(entries_of(store, &k).await.len(), 1);
    let interval = std::time::Duration::from_secs(900);
    let summary = expect(store.summary(&k).await).unwrap_or_default();
    assert_eq!(summary.health.state(interval, now), State::Failing);
    assert_eq!(
        summary.health.last_error.as_deref(),
        Some("list page: timed out")
    );
    assert!(summary.health.warnings.is_empty());
    assert_eq!(summary.entries, 1);
    expect(store.record_not_modified(&k, Attempt::new(now, 1)).await);
    let health = expect(store.summary(&k).await).unwrap_or_default().health;
    assert_eq!(health.state(interval, now), State::Ok);
    assert_eq!((health.scrapes, health.failures), (3, 1));
    let later = now + chrono::Duration::minutes(46);
    assert_eq!(health.state(interval, later), State::Stale);
    // The validators survive the failure and the 304.
    let v = expect(store.list_validators(&k).await).unwrap_or_default();
    assert_eq!(v.etag.as_deref(), Some("\"v1\""));
    assert!(expect(store.list_validators(&key("never")).await).is_none());
}

/// A group feed merges its sections without duplicates, categories of
/// every copy kept; the limit applies.
pub async fn feeds_merge_sections_without_duplicates(store: &dyn Store) {
    let (a, b) = (key("c"), key("d"));
    let now = Utc::now();
    expect(
        store
            .merge(&a, scraped(vec![entry(1, "one"), entry(2, "two")], 10, now))
            .await,
    );
    let mut shared = entry(2, "two");
    shared.categories = vec!["B".to_owned()];
    expect(
        store
            .merge(&b, scraped(vec![shared, entry(3, "three")], 10, now))
            .await,
    );
    let feed = expect(store.feed_entries(&[a.clone(), b.clone()], 10).await);
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "http://p.example/3.html",
            "http://p.example/2.html",
            "http://p.example/1.html"
        ]
    );
    assert_eq!(
        feed.entries[1].categories.len(),
        2,
        "both sections' categories"
    );
    assert_eq!(feed.changed, Some(now));
    let two = expect(store.feed_entries(&[a, b], 2).await);
    assert_eq!(two.entries.len(), 2);
}

/// Known entries of a site: every section's, the asking section's own
/// copy winning; removing a section forgets it.
pub async fn known_entries_and_remove(store: &dyn Store) {
    let (a, b) = (key("e"), key("f"));
    let now = Utc::now();
    expect(
        store
            .merge(&a, scraped(vec![entry(1, "as a has it")], 10, now))
            .await,
    );
    expect(
        store
            .merge(
                &b,
                scraped(vec![entry(1, "as b has it"), entry(2, "two")], 10, now),
            )
            .await,
    );
    let known = expect(store.known_entries_of_site(&a).await);
    let one = known.get(&EntryId("http://p.example/1.html".to_owned()));
    assert_eq!(one.map(|e| e.title.as_str()), Some("as a has it"));
    assert!(known.contains_key(&EntryId("http://p.example/2.html".to_owned())));
    assert!(expect(store.remove(&b).await));
    assert!(!expect(store.remove(&b).await));
    assert!(expect(store.summary(&b).await).is_none());
    assert!(entries_of(store, &b).await.is_empty());
    assert!(!expect(store.summaries().await).contains_key(&b));
    assert!(expect(store.summaries().await).contains_key(&a));
}

/// Every body above, on one store.
pub async fn all(store: &dyn Store) {
    merge_keeps_history_first_seen_and_caps(store).await;
    an_undated_entry_is_updated_when_first_seen(store).await;
    failures_keep_entries_and_set_the_state(store).await;
    feeds_merge_sections_without_duplicates(store).await;
    known_entries_and_remove(store).await;
    assert_eq!(store.status().write_failures, 0);
}
