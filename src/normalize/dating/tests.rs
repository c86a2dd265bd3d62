use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use url::Url;

use super::{Dating, Slot, settle, year_in_url};
use crate::normalize::dates::{DateRules, find_date};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 4, 0, 0)
        .single()
        .expect("test now")
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("test date")
}

/// A slot from list text: a full date, a month-day, or nothing.
fn slot(text: &str) -> Slot {
    let parts = find_date(text, &DateRules::text(Shanghai, &[]), now());
    let (published, dating) = match parts {
        Some(p) if p.has_year() => (p.place(Shanghai, now()), Dating::Dated),
        Some(p) => (None, Dating::Yearless(p)),
        None => (None, Dating::Undated),
    };
    Slot {
        published,
        dating,
        known: None,
        note: None,
    }
}

fn settled(texts: &[&str], first_scrape: bool) -> Vec<String> {
    let mut slots: Vec<Slot> = texts.iter().map(|t| slot(t)).collect();
    settle(&mut slots, Shanghai, now(), first_scrape);
    slots
        .iter()
        .map(|s| s.published.map(|d| d.to_rfc3339()).unwrap_or_default())
        .collect()
}

#[test]
fn years_from_urls() {
    let year = |u: &str| year_in_url(&Url::parse(u).expect("url"));
    assert_eq!(
        year("http://a.gov.cn/xxgk/201710/t20171020_123.html"),
        Some(2017)
    );
    assert_eq!(
        year("http://a.gov.cn/art/2016/11/22/art_1_2.html"),
        Some(2016)
    );
    assert_eq!(year("https://blog.example/2016/11/22/slug/"), Some(2016));
    assert_eq!(year("https://x.example/news/2019-05-13/story"), Some(2019));
    assert_eq!(year("http://a.gov.cn/news/12345.html"), None);
    assert_eq!(year("http://a.gov.cn/2016/"), None);
}

#[test]
fn a_page_of_month_days_is_not_split_across_years_by_guessing() {
    // Now is 2026-01-05: guessing each alone would put 01-06 in 2025 and
    // 01-04 in 2026, above it. The top one decides; the rest follow order.
    assert_eq!(
        settled(&["01-06", "01-04", "12-30", "12-28"], true),
        [
            "2025-01-06T00:00:00+08:00",
            "2025-01-04T00:00:00+08:00",
            "2024-12-30T00:00:00+08:00",
            "2024-12-28T00:00:00+08:00",
        ]
    );
    // Across New Year below a dated entry: the year turns once.
    assert_eq!(
        settled(&["2026-01-03", "01-02", "12-31", "12-30"], true),
        [
            "2026-01-03T00:00:00+08:00",
            "2026-01-02T00:00:00+08:00",
            "2025-12-31T00:00:00+08:00",
            "2025-12-30T00:00:00+08:00",
        ]
    );
    // The first entries take the year of the full date below them.
    assert_eq!(
        settled(&["11-24", "11-23", "2016-11-22 09:53"], true),
        [
            "2016-11-24T00:00:00+08:00",
            "2016-11-23T00:00:00+08:00",
            "2016-11-22T09:53:00+08:00",
        ]
    );
}

#[test]
fn undated_entries_are_estimated_on_the_first_scrape_only() {
    assert_eq!(
        settled(&["2017-10-20 08:00", "", "2017-10-18"], true),
        [
            "2017-10-20T08:00:00+08:00",
            "2017-10-20T08:00:00+08:00",
            "2017-10-18T00:00:00+08:00",
        ]
    );
    // First on the page: the neighbour below.
    assert_eq!(
        settled(&["", "2017-10-18"], true)[0],
        "2017-10-18T00:00:00+08:00"
    );
    // Later scrapes: the first-seen time, in the site's zone.
    assert_eq!(
        settled(&["2017-10-20", "", "2017-10-18"], false)[1],
        "2026-01-05T12:00:00+08:00"
    );
    let mut slots = vec![slot("2017-10-20"), slot("")];
    settle(&mut slots, Shanghai, now(), true);
    let note = slots[1].note.as_deref().expect("a note");
    assert!(note.contains("estimated from the entry above"), "{note}");
    // A known entry keeps the date it had.
    let mut slots = vec![slot("2017-10-20"), slot("")];
    slots[1].known = Some(at("2020-02-02T10:00:00+00:00"));
    settle(&mut slots, Shanghai, now(), false);
    assert_eq!(
        slots[1].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2020-02-02T18:00:00+08:00")
    );
}
