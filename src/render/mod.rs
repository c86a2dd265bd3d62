//! Entries to feed bytes: RSS 2.0, Atom 1.0, JSON Feed 1.1. A render is a
//! pure function of the feed's metadata and entries: the same input gives
//! the same bytes, so a hash of the bytes is a valid `ETag`.

mod atom;
mod json;
mod rss;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Utc};
use url::Url;

use crate::model::Entry;

/// The `generator` of every feed: `portalfeed <version>`.
const GENERATOR: &str = concat!("portalfeed ", env!("CARGO_PKG_VERSION"));

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl Format {
    /// All formats.
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// File extension used in feed URLs.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// `Content-Type` of the rendered bytes.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "rss" => Ok(Format::Rss),
            "atom" => Ok(Format::Atom),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown feed format `{other}` (rss, atom or json)")),
        }
    }
}

/// What a feed says about itself.
#[derive(Debug, Clone)]
pub struct FeedMeta {
    /// Feed title, e.g. "Hengyang Municipal People's Government: Local".
    pub title: String,
    /// One-line description.
    pub description: String,
    /// Path under `/feeds/` without extension: `site` or `site/section`.
    pub path: String,
    /// The portal page the feed mirrors (`alternate` link).
    pub home_url: String,
    /// Base of self links (`server.public_url`).
    pub public_url: Url,
    /// Feed language.
    pub language: Option<String>,
    /// Scrape interval in minutes (RSS `ttl`).
    pub ttl_minutes: u64,
    /// Feed author (the site's title).
    pub author: String,
    /// Used as `updated`/`lastBuildDate` when there are no entries.
    pub fallback_updated: DateTime<Utc>,
}

impl FeedMeta {
    /// The feed's own URL in `format`.
    pub fn self_url(&self, format: Format) -> String {
        format!(
            "{}/feeds/{}.{}",
            self.public_url.as_str().trim_end_matches('/'),
            self.path,
            format.extension()
        )
    }

    /// Stable feed id (Atom `id`): does not change with `public_url`.
    pub fn feed_id(&self) -> String {
        format!("urn:portalfeed:{}", self.path.replace('/', ":"))
    }
}

/// Renders `entries` (already newest first) in `format`, as UTF-8 bytes.
///
/// Characters that XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are
/// dropped from every string first, in every format, so the same entry reads
/// the same in all three.
pub fn render(format: Format, meta: &FeedMeta, entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(estimated_len(format, meta, entries));
    match format {
        Format::Rss => rss::write(meta, entries, &mut out),
        Format::Atom => atom::write(meta, entries, &mut out),
        Format::Json => json::write(meta, entries, &mut out),
    }
    // The bytes are cached for as long as the section does not change: give
    // back what the estimate reserved in excess.
    out.shrink_to_fit();
    out
}

/// The feed's `updated` / `lastBuildDate`: the newest of every entry's
/// `updated` and [`Entry::date`], or `meta.fallback_updated` without entries.
fn feed_updated(meta: &FeedMeta, entries: &[Entry]) -> DateTime<Utc> {
    entries
        .iter()
        .map(|e| e.updated.max(e.date().to_utc()))
        .max()
        .unwrap_or(meta.fallback_updated)
}

/// When an entry last changed: the later of its `updated` and its date,
/// expressed in the offset of its date (the portal's zone).
fn entry_updated(entry: &Entry) -> DateTime<FixedOffset> {
    let date = entry.date();
    if entry.updated > date {
        entry.updated.with_timezone(date.offset())
    } else {
        date
    }
}

/// True for the characters XML 1.0 allows (the `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..)
}

/// `s` without the characters XML 1.0 forbids; borrowed when it has none.
fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// [`xml_safe`] as an owned string, for the crates whose structs own theirs.
fn xml_string(s: &str) -> String {
    xml_safe(s).into_owned()
}

/// A capacity guess for the rendered bytes: the text the entries carry plus
/// room for markup, so the output buffer rarely grows.
fn estimated_len(format: Format, meta: &FeedMeta, entries: &[Entry]) -> usize {
    let head = 1024 + meta.title.len() + meta.description.len() + meta.home_url.len();
    entries.iter().fold(head, |acc, e| {
        let html = e.content_html.as_deref().map_or(0, str::len);
        // Atom escapes the HTML (`<` becomes `&lt;`); the others keep it as is.
        let html = match format {
            Format::Atom => html + html / 4,
            Format::Rss | Format::Json => html,
        };
        let text = e.title.len()
            + 3 * e.url.len()
            + 2 * e.summary.as_deref().map_or(0, str::len)
            + e.author.as_deref().map_or(0, str::len)
            + e.categories.iter().map(String::len).sum::<usize>();
        // 512 covers the tags and dates.
        acc + html + text + text / 16 + 512
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntryId;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("test date")
    }

    fn entry(published: Option<&str>, first_seen: &str, updated: &str) -> Entry {
        Entry {
            id: EntryId("http://example.org/a".to_owned()),
            url: "http://example.org/a".to_owned(),
            title: "a".to_owned(),
            summary: None,
            content_html: None,
            author: None,
            published: published.map(at),
            first_seen: at(first_seen).to_utc(),
            updated: at(updated).to_utc(),
            categories: Vec::new(),
            image: None,
            position: 0,
        }
    }

    fn meta() -> FeedMeta {
        FeedMeta {
            title: "t".to_owned(),
            description: String::new(),
            path: "site/section".to_owned(),
            home_url: "http://example.org/".to_owned(),
            public_url: Url::parse("http://127.0.0.1:8080").expect("test url"),
            language: None,
            ttl_minutes: 15,
            author: "site".to_owned(),
            fallback_updated: at("2020-01-01T00:00:00Z").to_utc(),
        }
    }

    #[test]
    fn xml_safe_borrows_clean_text_and_strips_forbidden_characters() {
        let clean = "衡阳 tab\there\nline\r 😀 \u{7f}";
        assert!(matches!(xml_safe(clean), Cow::Borrowed(s) if s == clean));
        let dirty = "a\u{0}b\u{1b}c\u{b}d\u{c}e\u{fffe}f\u{ffff}g\u{1f}h";
        assert_eq!(xml_safe(dirty), "abcdefgh");
    }

    #[test]
    fn feed_updated_is_the_newest_of_dates_and_updates() {
        let m = meta();
        assert_eq!(feed_updated(&m, &[]), m.fallback_updated);
        let old_but_edited = entry(
            Some("2024-05-01T08:00:00+08:00"),
            "2024-05-01T00:00:00Z",
            "2024-06-01T00:00:00Z",
        );
        let newer = entry(
            Some("2024-05-13T14:01:05+08:00"),
            "2024-05-13T07:00:00Z",
            "2024-05-13T07:00:00Z",
        );
        let undated = entry(None, "2024-05-20T00:00:00Z", "2024-05-20T00:00:00Z");
        let got = feed_updated(&m, &[newer.clone(), undated.clone()]);
        assert_eq!(got, at("2024-05-20T00:00:00Z"));
        let got = feed_updated(&m, &[newer, undated, old_but_edited]);
        assert_eq!(got, at("2024-06-01T00:00:00Z"));
    }

    #[test]
    fn entry_updated_is_the_later_instant_in_the_dates_offset() {
        let edited = entry(
            Some("2024-05-13T14:01:05+08:00"),
            "2024-05-13T07:00:00Z",
            "2024-05-14T01:00:00Z",
        );
        assert_eq!(
            entry_updated(&edited).to_rfc3339(),
            "2024-05-14T09:00:00+08:00"
        );
        // Published after it was first seen (a date in the portal's future).
        let ahead = entry(
            Some("2024-05-13T20:00:00+08:00"),
            "2024-05-13T07:00:00Z",
            "2024-05-13T07:00:00Z",
        );
        assert_eq!(
            entry_updated(&ahead).to_rfc3339(),
            "2024-05-13T20:00:00+08:00"
        );
    }

    #[test]
    fn capacity_estimate_covers_the_output() {
        let mut e = entry(None, "2024-05-20T00:00:00Z", "2024-05-20T00:00:00Z");
        let paragraph = format!("<p>{}</p>", "衡阳市人民政府召开新闻发布会。".repeat(10));
        e.content_html = Some(paragraph.repeat(20));
        e.summary = Some("摘要".repeat(50));
        let entries = vec![e; 20];
        for format in Format::ALL {
            let out = render(format, &meta(), &entries);
            assert!(
                out.len() <= estimated_len(format, &meta(), &entries),
                "{format}: {} > estimate",
                out.len()
            );
        }
    }
}
