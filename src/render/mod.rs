//! Entries to feed bytes: RSS 2.0, Atom 1.0, JSON Feed 1.1. A render is a
//! pure function of the feed's metadata and entries.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use url::Url;

use crate::model::Entry;

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

/// Renders `entries` (already newest first) in `format`.
pub fn render(format: Format, meta: &FeedMeta, entries: &[Entry]) -> Vec<u8> {
    let _ = (format, meta, entries);
    Vec::new()
}
