//! The date finder on any text: never panics, and a date without a year
//! is never more than a day after `now`.
#![no_main]

use chrono::{DateTime, Duration};
use libfuzzer_sys::fuzz_target;
use portalfeed::normalize::parse_date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(now) = DateTime::from_timestamp(1_715_000_000, 0) else {
        return;
    };
    let found = parse_date(text, chrono_tz::Asia::Shanghai, &[], now);
    let _ = parse_date(text, chrono_tz::UTC, &["%Y-%m-%d %H:%M".to_owned()], now);
    if let Some(date) = found {
        let has_year = text.chars().filter(char::is_ascii_digit).count() >= 4;
        assert!(
            has_year || date.to_utc() <= now + Duration::days(1),
            "{text:?} gave {date} after {now}"
        );
    }
});
