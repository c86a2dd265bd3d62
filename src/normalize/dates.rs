//! Finding a date inside any text and placing it in the portal's zone.

mod explicit;
mod forms;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

/// Finds a date inside `text` (`From:衡阳新闻网 | Date Add in:2019-05-13
/// 14:01:05`, `发布时间：2024-05-13 09:30`, `(2019-05-13)`).
///
/// `formats` (chrono strftime) are tried first, in order, against the whole
/// trimmed text and then at every start position. Then the common forms are
/// searched: numeric `Y-M-D`, `Y/M/D`, `Y.M.D`, `Y年M月D日` (each with an
/// optional time), English month names (`May 13, 2019`, `13 May 2019`, RFC
/// 2822) and RFC 3339; the earliest date in the text wins, the most precise
/// one when several start at the same place. Only when no form with a year
/// matches is a month-day (`05-13`, `5月13日`) taken, in the latest year that
/// does not put it after `now`.
///
/// An explicit offset (`+08:00`, `Z`, `GMT`) is kept; other times are local
/// time in `tz` (an ambiguous time takes the earlier instant, a time in a DST
/// gap is shifted forward by the gap); a date alone is 00:00 local. Impossible
/// dates and years before 1970 or after next year are rejected.
pub fn parse_date(
    text: &str,
    tz: Tz,
    formats: &[String],
    now: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    explicit::find(text, formats, tz, now).or_else(|| forms::find(text, tz, now))
}

/// A date as read from text, before it is placed in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    /// A full calendar date.
    Full(NaiveDate),
    /// A month and day without a year.
    MonthDay { month: u32, day: u32 },
}

/// How far back a month-day looks for a year it exists in (Feb 29).
const MONTH_DAY_YEARS: i32 = 8;

/// Places a date read from text in time: `time` defaults to 00:00, no
/// `offset` means local time in `tz`. `None` when the year is out of range or
/// a month-day exists in no recent year not after `now`.
fn resolve(
    day: Day,
    time: Option<NaiveTime>,
    offset: Option<FixedOffset>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    let this_year = now.with_timezone(&tz).year();
    let in_range = |date: NaiveDate| (1970..=this_year + 1).contains(&date.year());
    let place = |date: NaiveDate| {
        let naive = date.and_time(time.unwrap_or(NaiveTime::MIN));
        match offset {
            Some(offset) => offset.from_local_datetime(&naive).single(),
            None => local(naive, tz),
        }
    };
    match day {
        Day::Full(date) => in_range(date).then(|| place(date)).flatten(),
        Day::MonthDay { month, day } => (this_year - MONTH_DAY_YEARS..=this_year)
            .rev()
            .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
            .filter(|&date| in_range(date))
            .filter_map(place)
            .find(|placed| *placed <= now),
    }
}

/// `naive` as local time in `tz`.
fn local(naive: chrono::NaiveDateTime, tz: Tz) -> Option<DateTime<FixedOffset>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.fixed_offset()),
        LocalResult::None => {
            // In a gap (clocks jumped forward): read the time with the offset
            // in force before the jump, which lands after the gap.
            let before = naive.checked_sub_signed(TimeDelta::days(1))?;
            let offset = tz.offset_from_utc_datetime(&before).fix();
            let utc =
                naive.checked_sub_signed(TimeDelta::seconds(offset.local_minus_utc().into()))?;
            Some(tz.from_utc_datetime(&utc).fixed_offset())
        }
    }
}

#[cfg(test)]
mod tests;
