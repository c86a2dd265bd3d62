//! Finding a date inside any text and placing it in the portal's zone.

mod explicit;
mod forms;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

/// How dates are read on one site and field.
#[derive(Debug, Clone, Copy)]
pub struct DateRules<'a> {
    /// Zone of dates printed without an offset.
    pub tz: Tz,
    /// Explicit formats (chrono strftime), tried first.
    pub formats: &'a [String],
    /// Ambiguous slashed dates (`05/06/2019`) are day-first: the site's
    /// `language` reads them so ([`day_first_language`]).
    pub day_first: bool,
    /// The text is a date field: the compact `20171020` counts.
    pub compact: bool,
}

impl<'a> DateRules<'a> {
    /// Free-text rules: month-first slashed dates, no compact form.
    pub fn text(tz: Tz, formats: &'a [String]) -> Self {
        Self {
            tz,
            formats,
            day_first: false,
            compact: false,
        }
    }
}

/// True when `language` (a BCP 47 tag such as `de`, `en-GB`, `fr-CA`)
/// writes numeric dates day first. US English, Chinese, Japanese and
/// Korean (and no language at all) do not.
pub fn day_first_language(language: Option<&str>) -> bool {
    let Some(tag) = language else {
        return false;
    };
    let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let region = parts.next().unwrap_or_default();
    match primary {
        "en" => matches!(
            region,
            "gb" | "ie" | "au" | "nz" | "in" | "za" | "sg" | "hk" | "ng" | "ke"
        ),
        "zh" | "ja" | "ko" | "hu" | "lt" | "mn" | "" => false,
        _ => true,
    }
}

/// A date as read from text, before a year from context places it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateParts {
    day: Day,
    time: Option<NaiveTime>,
    offset: Option<FixedOffset>,
}

impl DateParts {
    /// True when the text gave the year.
    pub fn has_year(&self) -> bool {
        matches!(self.day, Day::Full(_))
    }

    /// True when the text gave a time of day.
    pub fn has_time(&self) -> bool {
        self.time.is_some()
    }

    /// The instant, a month-day taking the latest year that does not put
    /// it after `now`.
    pub fn place(&self, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
        resolve(self.day, self.time, self.offset, tz, now)
    }

    /// The instant with `year` for a month-day (a full date keeps its own);
    /// `None` when the day does not exist in that year.
    pub fn in_year(&self, year: i32, tz: Tz) -> Option<DateTime<FixedOffset>> {
        let date = match self.day {
            Day::Full(date) => date,
            Day::MonthDay { month, day } => NaiveDate::from_ymd_opt(year, month, day)?,
        };
        place_date(date, self.time, self.offset, tz)
    }
}

/// Finds a date inside `text` (`From:衡阳新闻网 | Date Add in:2019-05-13
/// 14:01:05`, `发布时间：2024-05-13 09:30`, `(2019-05-13)`) with free-text
/// rules ([`DateRules::text`]) and places it in time ([`DateParts::place`]).
pub fn parse_date(
    text: &str,
    tz: Tz,
    formats: &[String],
    now: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    find_date(text, &DateRules::text(tz, formats), now)?.place(tz, now)
}

/// Finds a date inside `text` by `rules`.
///
/// `formats` are tried first, in order, against the whole trimmed text and
/// then at every start position. Then the common forms are searched:
/// numeric `Y-M-D`, `Y/M/D`, `Y.M.D`, `Y年M月D日` (each with an optional
/// time), the dotted `D.M.Y` (always day-first, `09.10.2017, 01:40 Uhr`),
/// the slashed `D/M/Y` or `M/D/Y` (by `day_first`; the other order when
/// that one is impossible), month names in English, German, French and
/// Spanish (`May 13, 2019`, `13 May 2019`, `28. September 2017`, `1er mars
/// 2024`, `12 de noviembre de 2025`, RFC 2822, with an optional time:
/// `November 12 @ 11:00 am`) and RFC 3339; the earliest date in the text
/// wins, the most precise one when several start at the same place. In a
/// date field (`compact`) the form `20171020` comes next. Only when none of
/// these matches is a month-day taken: `05-13`, `5月13日`, `Nov 12`, `12
/// Nov`, `3. Juli`.
///
/// An explicit offset (`+08:00`, `Z`, `GMT`) is kept; other times are local
/// time in `tz` (an ambiguous time takes the earlier instant, a time in a DST
/// gap is shifted forward by the gap); a date alone is 00:00 local. Impossible
/// dates and years before 1970 or after next year are rejected.
pub fn find_date(text: &str, rules: &DateRules<'_>, now: DateTime<Utc>) -> Option<DateParts> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    explicit::find(text, rules.formats, rules.tz, now).or_else(|| forms::find(text, rules, now))
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
    match day {
        Day::Full(date) => in_range(date)
            .then(|| place_date(date, time, offset, tz))
            .flatten(),
        Day::MonthDay { month, day } => (this_year - MONTH_DAY_YEARS..=this_year)
            .rev()
            .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
            .filter(|&date| in_range(date))
            .filter_map(|date| place_date(date, time, offset, tz))
            .find(|placed| *placed <= now),
    }
}

/// `date` at `time` (00:00 without one), in `offset` or else local in `tz`.
fn place_date(
    date: NaiveDate,
    time: Option<NaiveTime>,
    offset: Option<FixedOffset>,
    tz: Tz,
) -> Option<DateTime<FixedOffset>> {
    let naive = date.and_time(time.unwrap_or(NaiveTime::MIN));
    match offset {
        Some(offset) => offset.from_local_datetime(&naive).single(),
        None => local(naive, tz),
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
