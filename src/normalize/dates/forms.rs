//! The common date forms, found anywhere in a text with regexes.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use regex::{Captures, Regex};

use super::{Day, resolve};

/// `H:MM[:SS[.frac]] [AM|PM] [Z|+08:00|+0800|GMT[+8]]`, groups `H M S ampm z off gmt gmtoff`.
const TIME: &str = r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,][0-9]{1,9})?)?(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?(?:(?P<z>Z)|\s?(?P<off>[+-][0-9]{2}:?[0-9]{2})|\s*(?P<gmt>GMT|UTC|UT)(?P<gmtoff>[+-][0-9]{1,2}(?::?[0-9]{2})?)?)?";

/// A Chinese time: `14:01[:05]`, `14时01分[05秒]`, `14点`, optionally after
/// 上午/下午; groups `noon H M S H2 M2 S2`.
const CJK_TIME: &str = r"(?:\s*(?P<noon>上午|下午)?\s*(?:(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?|(?P<H2>[0-9]{1,2})\s*[时時点點](?:\s*(?P<M2>[0-9]{1,2})\s*分(?:\s*(?P<S2>[0-9]{1,2})\s*秒)?)?))?";

/// English month names and abbreviations, group `mon`.
const MONTH: &str = r"(?P<mon>(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))";

/// Compiles one of the constant patterns below.
fn compile(pattern: String) -> Regex {
    Regex::new(&pattern).expect("constant date pattern") // ok: constant patterns, each covered by tests
}

/// `2019-05-13`, `2019/5/13`, `2019.05.13`, with an optional time after a
/// space or `T` (RFC 3339 included).
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<y>[0-9]{{4}})(?P<s1>[-/.])(?P<m>[0-9]{{1,2}})(?P<s2>[-/.])(?P<d>[0-9]{{1,2}})(?:(?:T|\s*){TIME})?"
    ))
});

/// `2019年5月13日`, `2019年05月13日 14:01`, `2019年05月13日 14时01分`.
static CJK: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<y>[0-9]{{4}})\s*年\s*(?P<m>[0-9]{{1,2}})\s*月\s*(?P<d>[0-9]{{1,2}})\s*[日号號]?{CJK_TIME}"
    ))
});

/// `May 13, 2019`, `Sept. 3rd 2019 2:30 PM`.
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"\b{MONTH}\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>[0-9]{{4}})(?:,?\s*(?:at\s+)?{TIME})?"
    ))
});

/// `13 May 2019`, `13-May-2019`, RFC 2822 `Mon, 13 May 2019 14:01:05 +0800`.
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?:\b(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-){MONTH}\.?(?:,?\s+|-)(?P<y>[0-9]{{4}})(?:,?\s*(?:at\s+)?{TIME})?"
    ))
});

/// `05-13`, `5-13 14:01`.
static MONTH_DAY_DASH: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<m>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}})(?:\s*{TIME})?"
    ))
});

/// `5月13日`, `05月13日 14:01`.
static MONTH_DAY_CJK: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<m>[0-9]{{1,2}})\s*月\s*(?P<d>[0-9]{{1,2}})\s*[日号號]{CJK_TIME}"
    ))
});

/// A date found in the text.
#[derive(Debug)]
struct Found {
    /// Byte offset of its start.
    start: usize,
    /// Byte length.
    len: usize,
    /// 0 date only, 1 with minutes, 2 with seconds, +1 with an offset.
    precision: u8,
    /// The instant.
    at: DateTime<FixedOffset>,
}

/// The earliest date of the common forms in `text`: forms with a year first,
/// month-days only when there is none.
pub(super) fn find(text: &str, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
    let text = ascii_digits(text);
    let with_year: [&Regex; 4] = [&NUMERIC, &CJK, &MONTH_DAY_YEAR, &DAY_MONTH_YEAR];
    let without_year: [&Regex; 2] = [&MONTH_DAY_DASH, &MONTH_DAY_CJK];
    [&with_year[..], &without_year[..]]
        .into_iter()
        .find_map(|tier| {
            tier.iter()
                .filter_map(|re| first_valid(re, &text, tz, now))
                .min_by_key(|f| (f.start, std::cmp::Reverse((f.precision, f.len))))
                .map(|f| f.at)
        })
}

/// The earliest match of `re` that stands alone (not inside a longer
/// number) and is a real date. Retries from just after each rejected start,
/// so a rejected match cannot hide an overlapping good one.
fn first_valid(re: &Regex, text: &str, tz: Tz, now: DateTime<Utc>) -> Option<Found> {
    let mut from = 0;
    while let Some(caps) = re.captures_at(text, from) {
        let whole = caps.get(0)?;
        if let Some(found) = read(&caps, text, whole.start(), whole.end(), tz, now) {
            return Some(found);
        }
        from = whole.start()
            + text[whole.start()..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
    }
    None
}

/// Reads one match; `None` when it is not a date.
fn read(
    caps: &Captures<'_>,
    text: &str,
    start: usize,
    end: usize,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<Found> {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    if before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let month = match caps.name("mon") {
        Some(name) => month_number(name.as_str())?,
        None => num("m")?,
    };
    let day_of_month = num("d")?;
    let day = match caps.name("y") {
        Some(_) => {
            if caps.name("s1").map(|m| m.as_str()) != caps.name("s2").map(|m| m.as_str()) {
                return None;
            }
            Day::Full(NaiveDate::from_ymd_opt(
                num("y")?.try_into().ok()?,
                month,
                day_of_month,
            )?)
        }
        None => {
            // A month-day right after a year-ish separator is the tail of a
            // rejected full date (`1960-05-13`, `1960年5月13日`) or the head of
            // a US date (`05-13-2019`): not a date of its own.
            let joined =
                |c: Option<char>| c.is_some_and(|c| matches!(c, '-' | '/' | '.' | ':' | '年'));
            let before_trimmed = text[..start].trim_end().chars().next_back();
            let mut rest = text[end..].chars();
            let after_joined = match (rest.next(), rest.next()) {
                (Some('-' | '/' | ':'), _) => true,
                (Some('.'), Some(c)) => c.is_ascii_digit(),
                _ => false,
            };
            if joined(before) || joined(before_trimmed) || after_joined {
                return None;
            }
            Day::MonthDay {
                month,
                day: day_of_month,
            }
        }
    };
    let (time, seconds) = time_of(caps)?;
    let offset = offset_of(caps, text)?;
    let at = resolve(day, time, offset, tz, now)?;
    let precision = match (time, seconds) {
        (None, _) => 0,
        (Some(_), false) => 1,
        (Some(_), true) => 2,
    } + u8::from(offset.is_some());
    Some(Found {
        start,
        len: end - start,
        precision,
        at,
    })
}

/// The time of a match, and whether it has seconds; `Some((None, _))` when
/// there is none, `None` when there is one but it is impossible (`25:00`).
fn time_of(caps: &Captures<'_>) -> Option<(Option<NaiveTime>, bool)> {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (hour, minute, second) = match (num("H"), num("H2")) {
        (Some(h), _) => (h, num("M")?, num("S")),
        (None, Some(h)) => (h, num("M2").unwrap_or(0), num("S2")),
        (None, None) => return Some((None, false)),
    };
    let pm = caps
        .name("ampm")
        .map(|m| m.as_str().starts_with(['p', 'P']))
        .or_else(|| caps.name("noon").map(|m| m.as_str() == "下午"));
    let hour = match pm {
        // "14:01 Amsterdam" is not a 12-hour clock: the marker is ignored.
        Some(pm) if (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        _ => hour,
    };
    let time = NaiveTime::from_hms_opt(hour, minute, second.unwrap_or(0))?;
    Some((Some(time), second.is_some()))
}

/// The explicit offset of a match: `Some(None)` when it has none, `None`
/// when it has one out of range.
fn offset_of(caps: &Captures<'_>, haystack: &str) -> Option<Option<FixedOffset>> {
    // `14:01Zhang`, `14:01 UTah`: a word, not a zone.
    let zone = caps.name("z").or_else(|| caps.name("gmt"));
    if zone.is_some_and(|m| {
        caps.name("gmtoff").is_none() && haystack[m.end()..].starts_with(char::is_alphanumeric)
    }) {
        return Some(None);
    }
    let text = if caps.name("z").is_some() {
        return Some(FixedOffset::east_opt(0));
    } else if let Some(off) = caps.name("off") {
        off.as_str()
    } else if caps.name("gmt").is_some() {
        match caps.name("gmtoff") {
            Some(off) => off.as_str(),
            None => return Some(FixedOffset::east_opt(0)),
        }
    } else {
        return Some(None);
    };
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => {
            let split = digits.len() - 2;
            (
                digits[..split].parse::<i32>().ok()?,
                digits[split..].parse::<i32>().ok()?,
            )
        }
        _ => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).map(Some)
}

/// The number of an English month name or abbreviation.
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let prefix = name.get(..3)?.to_ascii_lowercase();
    let index = MONTHS.iter().position(|m| *m == prefix)?;
    u32::try_from(index + 1).ok()
}

/// `text` with full-width digits and date punctuation (`２０１９－０５－１３`,
/// `１４：０１`) made ASCII.
fn ascii_digits(text: &str) -> Cow<'_, str> {
    let fullwidth = |c: char| matches!(c, '０'..='９' | '：' | '－' | '／' | '．');
    if !text.chars().any(fullwidth) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '０'..='９' => {
                    char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
                }
                '：' => ':',
                '－' => '-',
                '／' => '/',
                '．' => '.',
                _ => c,
            })
            .collect(),
    )
}
