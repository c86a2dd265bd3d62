//! The identifiers and the entry every step of the pipeline passes along.

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps `s` if it is a valid slug (`[a-z0-9-]+`), else returns `None`.
            pub fn new(s: &str) -> Option<Self> {
                is_slug(s).then(|| Self(s.to_owned()))
            }

            /// The id as it appears in URLs and the config.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// A site's id: `[a-z0-9-]+`, used in feed URLs.
    SiteId
);
slug_id!(
    /// A section's id, unique within its site: `[a-z0-9-]+`.
    SectionId
);

/// True when `s` is non-empty and only has `a-z`, `0-9` and `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An entry's stable id: its canonical absolute URL (no fragment, no
/// tracking parameters). Also the RSS `guid` and the Atom `id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub String);

impl EntryId {
    /// The id as a string (an absolute URL).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One normalized entry, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Canonical URL; the guid.
    pub id: EntryId,
    /// The link readers open (same as the id).
    pub url: String,
    /// Plain text, trimmed and whitespace-folded.
    pub title: String,
    /// Plain-text summary: the list's summary, else an excerpt of the content.
    pub summary: Option<String>,
    /// Sanitized full article HTML with absolute links and images.
    pub content_html: Option<String>,
    /// The source or author (e.g. "衡阳新闻网").
    pub author: Option<String>,
    /// Publication date with the offset it was printed in (or the site's zone).
    pub published: Option<DateTime<FixedOffset>>,
    /// When portalfeed first saw the entry.
    pub first_seen: DateTime<Utc>,
    /// When the entry's content last changed (first_seen at first).
    pub updated: DateTime<Utc>,
    /// Category names: the section's title.
    pub categories: Vec<String>,
    /// First image of the article, absolute (JSON Feed `image`).
    pub image: Option<String>,
    /// Place in the portal's list at the last scrape (0: top of page 1):
    /// entries of the same date keep the portal's order.
    #[serde(default)]
    pub position: u32,
}

impl Entry {
    /// The date feeds show: `published`, else the time it was first seen.
    pub fn date(&self) -> DateTime<FixedOffset> {
        self.published
            .unwrap_or_else(|| self.first_seen.fixed_offset())
    }

    /// True when the parts a reader sees differ (used to bump `updated`).
    pub fn content_differs(&self, other: &Entry) -> bool {
        self.title != other.title
            || self.summary != other.summary
            || self.content_html != other.content_html
            || self.author != other.author
            || self.published != other.published
            || self.image != other.image
    }
}

/// Sorts entries newest first (by [`Entry::date`]); entries of the same
/// date keep the portal's order ([`Entry::position`]), then the id decides.
pub fn sort_newest_first(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        b.date()
            .cmp(&a.date())
            .then_with(|| a.position.cmp(&b.position))
            .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(SiteId::new("hot-news2").is_some());
        assert!(SiteId::new("Hot").is_none());
        assert!(SiteId::new("").is_none());
        assert!(SectionId::new("a_b").is_none());
    }
}
