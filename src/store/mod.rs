//! Entries per section, kept across scrapes, with each section's health,
//! snapshotted to disk after every change and loaded at start.

mod snapshot;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::RwLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, EntryId, sort_newest_first};

pub use snapshot::{SNAPSHOT_VERSION, SnapshotError};

/// A section's health as `/healthz` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Never scraped yet.
    Pending,
    /// The last scrape succeeded.
    Ok,
    /// No success for three intervals (and the last attempt did not fail).
    Stale,
    /// The last scrape failed.
    Failing,
}

/// What the store knows about one section's scrapes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Last successful scrape (a `304` counts).
    pub last_success: Option<DateTime<Utc>>,
    /// Last attempt, successful or not.
    pub last_attempt: Option<DateTime<Utc>>,
    /// The last error, kept until the next success.
    pub last_error: Option<String>,
    /// Failures in a row.
    pub consecutive_failures: u32,
    /// Scrapes attempted since the store was created.
    pub scrapes: u64,
    /// Scrapes that failed.
    pub failures: u64,
    /// Entries the last successful scrape added.
    pub last_new: usize,
    /// Entries the last successful scrape saw on the list.
    pub last_seen: usize,
    /// Duration of the last scrape, in milliseconds.
    pub last_duration_ms: u64,
}

impl Health {
    /// The state, given the section's interval and the current time.
    pub fn state(&self, interval: std::time::Duration, now: DateTime<Utc>) -> State {
        if self.consecutive_failures > 0 {
            return State::Failing;
        }
        match self.last_success {
            None => State::Pending,
            Some(t) => {
                let stale_after =
                    chrono::Duration::from_std(interval * 3).unwrap_or(chrono::Duration::MAX);
                if now.signed_duration_since(t) > stale_after {
                    State::Stale
                } else {
                    State::Ok
                }
            }
        }
    }
}

/// One section's data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SectionData {
    /// Newest first, at most `max_items`.
    pub entries: Vec<Entry>,
    /// Validators of the first list page, for conditional requests.
    pub list_validators: Option<Validators>,
    /// Scrape history.
    pub health: Health,
    /// When the entries last changed.
    pub changed: Option<DateTime<Utc>>,
}

/// What a merge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeOutcome {
    /// Entries not seen before.
    pub new: usize,
    /// Known entries whose content changed.
    pub updated: usize,
    /// Entries kept after the merge.
    pub total: usize,
}

impl MergeOutcome {
    /// True when the feed changed.
    pub fn changed(&self) -> bool {
        self.new > 0 || self.updated > 0
    }
}

/// The store.
#[derive(Debug)]
pub struct Store {
    sections: RwLock<HashMap<SectionKey, SectionData>>,
    data_dir: Option<PathBuf>,
}

impl Store {
    /// An empty store that snapshots to `data_dir` (if any).
    pub fn new(data_dir: Option<PathBuf>) -> Self {
        Self {
            sections: RwLock::new(HashMap::new()),
            data_dir,
        }
    }

    /// Opens the store: loads the snapshot in `data_dir` if there is one.
    /// A corrupt or old snapshot is moved aside and reported, never fatal.
    pub fn open(data_dir: Option<PathBuf>) -> (Self, Option<SnapshotError>) {
        let store = Self::new(data_dir);
        let problem = match &store.data_dir {
            None => None,
            Some(dir) => match snapshot::load(dir) {
                Ok(Some(sections)) => {
                    *store.write() = sections;
                    None
                }
                Ok(None) => None,
                Err(e) => Some(e),
            },
        };
        (store, problem)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<SectionKey, SectionData>> {
        self.sections.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<SectionKey, SectionData>> {
        self.sections.write().unwrap_or_else(|e| e.into_inner())
    }

    /// True when the store has data for `key`.
    pub fn has(&self, key: &SectionKey) -> bool {
        self.read().contains_key(key)
    }

    /// A copy of one section's data.
    pub fn section(&self, key: &SectionKey) -> Option<SectionData> {
        self.read().get(key).cloned()
    }

    /// One section's health.
    pub fn health(&self, key: &SectionKey) -> Health {
        self.read()
            .get(key)
            .map(|d| d.health.clone())
            .unwrap_or_default()
    }

    /// Every known entry of `key`'s site, by id, `key`'s own first: an
    /// article listed in two sections is fetched once.
    pub fn known_entries_of_site(&self, key: &SectionKey) -> HashMap<EntryId, Entry> {
        let sections = self.read();
        let mut out = HashMap::new();
        for (_, d) in sections.iter().filter(|(k, _)| k.0 == key.0 && *k != key) {
            for e in &d.entries {
                out.insert(e.id.clone(), e.clone());
            }
        }
        if let Some(d) = sections.get(key) {
            for e in &d.entries {
                out.insert(e.id.clone(), e.clone());
            }
        }
        out
    }

    /// The list validators remembered for `key`.
    pub fn list_validators(&self, key: &SectionKey) -> Option<Validators> {
        self.read().get(key).and_then(|d| d.list_validators.clone())
    }

    /// Merges a successful scrape into `key`: new entries are added, known
    /// ones keep their first-seen time and get a new `updated` when their
    /// content changed, entries gone from the list stay; newest first,
    /// capped at `max_items`. Records the success in the section's health.
    pub fn merge(
        &self,
        key: &SectionKey,
        scraped: Vec<Entry>,
        validators: Validators,
        max_items: usize,
        now: DateTime<Utc>,
        duration_ms: u64,
    ) -> MergeOutcome {
        let mut sections = self.write();
        let data = sections.entry(key.clone()).or_default();
        let mut outcome = MergeOutcome::default();
        let seen = scraped.len();
        let mut index: HashMap<EntryId, usize> = data
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        for mut entry in scraped {
            match index.get(&entry.id) {
                Some(&i) => {
                    let old = &mut data.entries[i];
                    if old.content_differs(&entry) {
                        entry.first_seen = old.first_seen;
                        entry.updated = now;
                        *old = entry;
                        outcome.updated += 1;
                    }
                }
                None => {
                    entry.first_seen = now;
                    entry.updated = now;
                    index.insert(entry.id.clone(), data.entries.len());
                    data.entries.push(entry);
                    outcome.new += 1;
                }
            }
        }
        sort_newest_first(&mut data.entries);
        let trimmed = data.entries.len() > max_items;
        data.entries.truncate(max_items);
        outcome.total = data.entries.len();
        data.list_validators = Some(validators);
        let h = &mut data.health;
        h.last_success = Some(now);
        h.last_attempt = Some(now);
        h.last_error = None;
        h.consecutive_failures = 0;
        h.scrapes += 1;
        h.last_new = outcome.new;
        h.last_seen = seen;
        h.last_duration_ms = duration_ms;
        if outcome.changed() || trimmed || data.changed.is_none() {
            data.changed = Some(now);
        }
        outcome
    }

    /// Records a `304`: nothing changed, but the scrape succeeded.
    pub fn record_not_modified(&self, key: &SectionKey, now: DateTime<Utc>, duration_ms: u64) {
        let mut sections = self.write();
        let h = &mut sections.entry(key.clone()).or_default().health;
        h.last_success = Some(now);
        h.last_attempt = Some(now);
        h.last_error = None;
        h.consecutive_failures = 0;
        h.scrapes += 1;
        h.last_new = 0;
        h.last_duration_ms = duration_ms;
    }

    /// Records a failed scrape; the entries stay as they were.
    pub fn record_failure(
        &self,
        key: &SectionKey,
        error: String,
        now: DateTime<Utc>,
        duration_ms: u64,
    ) {
        let mut sections = self.write();
        let h = &mut sections.entry(key.clone()).or_default().health;
        h.last_attempt = Some(now);
        h.last_error = Some(error);
        h.consecutive_failures += 1;
        h.scrapes += 1;
        h.failures += 1;
        h.last_duration_ms = duration_ms;
    }

    /// Forgets a section (removed from the config).
    pub fn remove(&self, key: &SectionKey) -> bool {
        self.write().remove(key).is_some()
    }

    /// The entries of `keys` merged (deduplicated by id), newest first, and
    /// the time they last changed.
    pub fn feed_entries(
        &self,
        keys: &[SectionKey],
        max_items: usize,
    ) -> (Vec<Entry>, Option<DateTime<Utc>>) {
        let sections = self.read();
        let mut all = Vec::new();
        let mut changed = None;
        for key in keys {
            if let Some(d) = sections.get(key) {
                all.extend(d.entries.iter().cloned());
                changed = changed.max(d.changed);
            }
        }
        drop(sections);
        let mut merged = merge_entries(all);
        merged.truncate(max_items);
        (merged, changed)
    }

    /// Writes the snapshot now (no-op without `data_dir`).
    pub fn save(&self) -> Result<(), SnapshotError> {
        let Some(dir) = &self.data_dir else {
            return Ok(());
        };
        let sections = self.read().clone();
        snapshot::save(dir, &sections)
    }

    /// Every section key the store holds.
    pub fn keys(&self) -> Vec<SectionKey> {
        self.read().keys().cloned().collect()
    }
}

/// Deduplicates entries by id (the most recently updated wins) and sorts
/// them newest first. A group or site feed is built with it.
pub fn merge_entries(entries: Vec<Entry>) -> Vec<Entry> {
    let mut by_id: HashMap<EntryId, Entry> = HashMap::with_capacity(entries.len());
    for e in entries {
        match by_id.get_mut(&e.id) {
            Some(old) if old.updated >= e.updated => {
                for c in e.categories {
                    if !old.categories.contains(&c) {
                        old.categories.push(c);
                    }
                }
            }
            Some(old) => {
                let cats = std::mem::take(&mut old.categories);
                *old = e;
                for c in cats {
                    if !old.categories.contains(&c) {
                        old.categories.push(c);
                    }
                }
            }
            None => {
                by_id.insert(e.id.clone(), e);
            }
        }
    }
    let mut out: Vec<Entry> = by_id.into_values().collect();
    sort_newest_first(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SectionId, SiteId};
    use chrono::TimeZone;

    fn key() -> SectionKey {
        (
            SiteId::new("s").unwrap_or_else(|| unreachable!()),
            SectionId::new("a").unwrap_or_else(|| unreachable!()),
        )
    }

    fn entry(n: u32, title: &str) -> Entry {
        let t = Utc
            .with_ymd_and_hms(2019, 5, n, 6, 0, 0)
            .single()
            .unwrap_or_default();
        Entry {
            id: EntryId(format!("http://p.example/{n}.html")),
            url: format!("http://p.example/{n}.html"),
            title: title.to_owned(),
            summary: None,
            content_html: None,
            author: None,
            published: Some(t.fixed_offset()),
            first_seen: t,
            updated: t,
            categories: vec!["A".to_owned()],
            image: None,
            position: 0,
        }
    }

    #[test]
    fn merge_keeps_history_first_seen_and_caps() {
        let store = Store::new(None);
        let t0 = Utc::now();
        let out = store.merge(
            &key(),
            vec![entry(1, "one"), entry(2, "two")],
            Validators::default(),
            3,
            t0,
            1,
        );
        assert_eq!((out.new, out.updated, out.total), (2, 0, 2));
        let t1 = t0 + chrono::Duration::minutes(15);
        // "one" drops off the list, "two" changes, "three" and "four" are new.
        let out = store.merge(
            &key(),
            vec![
                entry(2, "two, corrected"),
                entry(3, "three"),
                entry(4, "four"),
            ],
            Validators::default(),
            3,
            t1,
            1,
        );
        assert_eq!((out.new, out.updated, out.total), (2, 1, 3));
        let data = store.section(&key()).unwrap_or_default();
        let titles: Vec<&str> = data.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            ["four", "three", "two, corrected"],
            "newest first, capped at 3"
        );
        let two = &data.entries[2];
        assert_eq!(two.first_seen, t0);
        assert_eq!(two.updated, t1);
        // The same scrape again changes nothing.
        let out = store.merge(
            &key(),
            vec![
                entry(2, "two, corrected"),
                entry(3, "three"),
                entry(4, "four"),
            ],
            Validators::default(),
            3,
            t1 + chrono::Duration::minutes(15),
            1,
        );
        assert!(!out.changed());
    }

    #[test]
    fn failures_keep_entries_and_set_the_state() {
        let store = Store::new(None);
        let now = Utc::now();
        store.merge(
            &key(),
            vec![entry(1, "one")],
            Validators::default(),
            10,
            now,
            1,
        );
        store.record_failure(&key(), "list page: timed out".to_owned(), now, 1);
        let data = store.section(&key()).unwrap_or_default();
        assert_eq!(data.entries.len(), 1);
        let interval = std::time::Duration::from_secs(900);
        assert_eq!(data.health.state(interval, now), State::Failing);
        store.record_not_modified(&key(), now, 1);
        assert_eq!(store.health(&key()).state(interval, now), State::Ok);
        let later = now + chrono::Duration::minutes(46);
        assert_eq!(store.health(&key()).state(interval, later), State::Stale);
    }

    #[test]
    fn snapshot_round_trip_and_bad_files_are_set_aside() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::new(Some(dir.path().to_path_buf()));
        store.merge(
            &key(),
            vec![entry(1, "one")],
            Validators::default(),
            10,
            Utc::now(),
            1,
        );
        store.save().unwrap_or_else(|e| panic!("{e}"));
        let (again, problem) = Store::open(Some(dir.path().to_path_buf()));
        assert!(problem.is_none());
        assert_eq!(again.section(&key()).map(|d| d.entries.len()), Some(1));

        for bad in ["{ not json", "{\"version\": 99, \"sections\": []}"] {
            std::fs::write(snapshot::path_in(dir.path()), bad).unwrap_or_else(|e| panic!("{e}"));
            let (empty, problem) = Store::open(Some(dir.path().to_path_buf()));
            assert!(
                matches!(problem, Some(SnapshotError::SetAside { .. })),
                "{problem:?}"
            );
            assert!(empty.keys().is_empty());
            assert!(!snapshot::path_in(dir.path()).exists(), "moved aside");
        }
        let aside = std::fs::read_dir(dir.path())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().contains(".bad-"))
                    .count()
            })
            .unwrap_or(0);
        assert!(aside >= 1);
    }

    #[test]
    fn feeds_merge_sections_without_duplicates() {
        let store = Store::new(None);
        let other: SectionKey = (
            key().0,
            SectionId::new("b").unwrap_or_else(|| unreachable!()),
        );
        let now = Utc::now();
        store.merge(
            &key(),
            vec![entry(1, "one"), entry(2, "two")],
            Validators::default(),
            10,
            now,
            1,
        );
        let mut shared = entry(2, "two");
        shared.categories = vec!["B".to_owned()];
        store.merge(
            &other,
            vec![shared, entry(3, "three")],
            Validators::default(),
            10,
            now,
            1,
        );
        let (merged, _) = store.feed_entries(&[key(), other.clone()], 10);
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "http://p.example/3.html",
                "http://p.example/2.html",
                "http://p.example/1.html"
            ]
        );
        assert_eq!(merged[1].categories.len(), 2, "both sections' categories");
        let (two, _) = store.feed_entries(&[key(), other], 2);
        assert_eq!(two.len(), 2);
    }
}
