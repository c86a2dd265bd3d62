//! Dates read with the formats a config gives (chrono strftime).

use chrono::format::{Item, Parsed, StrftimeItems, parse, parse_and_remainder};
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use super::{DateParts, Day};

/// Tries every format against the whole text, then every format at every
/// start position (not inside a number) with anything allowed after it.
pub(super) fn find(
    text: &str,
    formats: &[String],
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<DateParts> {
    let compiled: Vec<Vec<Item<'_>>> = formats
        .iter()
        .filter_map(|f| StrftimeItems::new(f).parse().ok())
        .filter(|items| !items.is_empty())
        .collect();
    for items in &compiled {
        let mut parsed = Parsed::new();
        if parse(&mut parsed, text, items.iter()).is_ok() {
            if let Some(found) = from_parsed(&parsed, tz, now) {
                return Some(found);
            }
        }
    }
    for items in &compiled {
        let mut prev: Option<char> = None;
        for (start, c) in text.char_indices() {
            let inside_number = prev.is_some_and(|p| p.is_ascii_digit()) && c.is_ascii_digit();
            prev = Some(c);
            if inside_number {
                continue;
            }
            let mut parsed = Parsed::new();
            if parse_and_remainder(&mut parsed, &text[start..], items.iter()).is_ok() {
                if let Some(found) = from_parsed(&parsed, tz, now) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// The date a format read: a full date, or a month-day when the format has
/// no year; the time when it has one; its offset when it has `%z`.
fn from_parsed(parsed: &Parsed, tz: Tz, now: DateTime<Utc>) -> Option<DateParts> {
    let day = match parsed.to_naive_date() {
        Ok(date) => Day::Full(date),
        Err(_) => match (parsed.year(), parsed.month(), parsed.day()) {
            (None, Some(month), Some(day)) => Day::MonthDay { month, day },
            _ => return None,
        },
    };
    let time = match parsed.to_naive_time() {
        Ok(time) => Some(time),
        Err(_) if parsed.hour_mod_12().is_none() && parsed.minute().is_none() => None,
        Err(_) => return None,
    };
    let offset = match parsed.offset() {
        Some(secs) => Some(FixedOffset::east_opt(secs)?),
        None => None,
    };
    let parts = DateParts { day, time, offset };
    parts.place(tz, now).map(|_| parts)
}
