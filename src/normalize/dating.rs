//! Dates that need more than one entry's own text: the year of a date
//! printed without one, taken from the entry's URL or its neighbours, and
//! the date of an undated entry.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, FixedOffset, TimeDelta, Utc};
use chrono_tz::Tz;
use regex::Regex;
use url::Url;

use super::dates::DateParts;

/// How an entry's date stands after its own list item and article were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dating {
    /// A full date was found (`Entry::published` is set).
    Dated,
    /// Only a month and day were found, and neither the article nor the URL
    /// gave a year: the neighbours decide ([`settle`]).
    Yearless(DateParts),
    /// No date at all.
    Undated,
}

/// One entry of a scrape, in portal order, as [`settle`] sees it.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The entry's date: set by [`settle`] when it is `None`.
    pub published: Option<DateTime<FixedOffset>>,
    /// How the date stood before.
    pub dating: Dating,
    /// The date the store already has for this entry (known entries only).
    pub known: Option<DateTime<FixedOffset>>,
    /// What [`settle`] did, for the diagnosis (`None`: nothing to say).
    pub note: Option<String>,
}

/// `/201710/t20171020_123.html` (TRS), `/2016/11/22/slug/` (WordPress),
/// `/2016-11-22/`: groups `y` (and `y2`, `y3`).
static URL_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"/t?(?P<y>(?:19|20)[0-9]{2})(?:0[1-9]|1[0-2])(?:[0-3][0-9])?(?:[/_.]|$)|/(?P<y2>(?:19|20)[0-9]{2})/(?:0?[1-9]|1[0-2])/|/(?P<y3>(?:19|20)[0-9]{2})-(?:0[1-9]|1[0-2])-[0-3][0-9]\b",
    )
    .expect("constant URL year pattern") // ok: a constant pattern, covered by the tests
});

/// The publication year an article URL shows, if any.
pub fn year_in_url(url: &Url) -> Option<i32> {
    let caps = URL_YEAR.captures(url.path())?;
    ["y", "y2", "y3"]
        .iter()
        .find_map(|name| caps.name(name))
        .and_then(|m| m.as_str().parse().ok())
}

/// Slack for a list that is ordered by day but not by minute.
const ORDER_SLACK: TimeDelta = TimeDelta::days(1);

/// Settles the dates of one scrape's entries, given in portal order (page
/// 1 first, top to bottom):
///
/// 1. A month-day takes the year that keeps the list ordered: the year of
///    the nearest dated entry above it (the year before when that would put
///    it above its neighbour), else of the nearest full date below it, else
///    the latest year that does not put it in the future. The top-down walk
///    means a page of month-days is never split across years by guessing.
/// 2. An undated entry the store knows keeps its date. A new one, on the
///    section's first scrape (`first_scrape`), takes the date of its nearest
///    dated neighbour above (below when it is first), marked as estimated;
///    on later scrapes, the time it was first seen (`now`). Either is
///    written in `tz`.
pub fn settle(slots: &mut [Slot], tz: Tz, now: DateTime<Utc>, first_scrape: bool) {
    for i in 0..slots.len() {
        let Dating::Yearless(parts) = slots[i].dating else {
            continue;
        };
        if slots[i].published.is_some() {
            continue;
        }
        let above = slots[..i].iter().rev().find_map(|s| s.published);
        let below = slots[i + 1..]
            .iter()
            .filter(|s| s.dating == Dating::Dated)
            .find_map(|s| s.published);
        slots[i].published = match (above, below) {
            (Some(above), _) => {
                let year = above.with_timezone(&tz).year();
                parts
                    .in_year(year, tz)
                    .filter(|d| *d <= above + ORDER_SLACK)
                    .or_else(|| parts.in_year(year - 1, tz))
            }
            (None, Some(below)) => {
                let year = below.with_timezone(&tz).year();
                parts
                    .in_year(year, tz)
                    .filter(|d| *d >= below - ORDER_SLACK)
                    .or_else(|| parts.in_year(year + 1, tz))
                    .filter(|d| *d <= now)
                    .or_else(|| parts.place(tz, now))
            }
            (None, None) => parts.place(tz, now),
        };
    }
    let in_tz = |d: DateTime<FixedOffset>| d.with_timezone(&tz).fixed_offset();
    let dated: Vec<Option<DateTime<FixedOffset>>> = slots.iter().map(|s| s.published).collect();
    for (i, slot) in slots.iter_mut().enumerate() {
        if slot.published.is_some() {
            continue;
        }
        const UNDATED: &str = "no date on the list or the article";
        if let Some(known) = slot.known {
            slot.published = Some(in_tz(known));
            slot.note = Some(format!(
                "{UNDATED}; the date it was first given ({}) is kept",
                in_tz(known).to_rfc3339()
            ));
            continue;
        }
        let first_seen = in_tz(now.fixed_offset());
        let estimate = first_scrape
            .then(|| {
                let above = dated[..i]
                    .iter()
                    .rev()
                    .flatten()
                    .next()
                    .map(|d| ("above", d));
                above.or_else(|| dated[i + 1..].iter().flatten().next().map(|d| ("below", d)))
            })
            .flatten();
        match estimate {
            Some((place, date)) => {
                slot.published = Some(in_tz(*date));
                slot.note = Some(format!(
                    "{UNDATED}; date estimated from the entry {place} it ({})",
                    in_tz(*date).to_rfc3339()
                ));
            }
            None => {
                slot.published = Some(first_seen);
                slot.note = Some(format!(
                    "{UNDATED}; the first-seen time ({}) is used",
                    first_seen.to_rfc3339()
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests;
