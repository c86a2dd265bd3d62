//! The common date forms, found anywhere in a text with regexes.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Utc};
use regex::{Captures, Regex};

use super::{DateParts, DateRules, Day};

/// `H:MM[:SS[.frac]] [AM|PM] [Z|+08:00|+0800|GMT[+8]]`, groups `H M S ampm z off gmt gmtoff`.
const TIME: &str = r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,][0-9]{1,9})?)?(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?(?:(?P<z>Z)|\s?(?P<off>[+-][0-9]{2}:?[0-9]{2})|\s*(?P<gmt>GMT|UTC|UT)(?P<gmtoff>[+-][0-9]{1,2}(?::?[0-9]{2})?)?)?";

/// A Chinese time: `14:01[:05]`, `14时01分[05秒]`, `14点`, optionally after
/// 上午/下午; groups `noon H M S H2 M2 S2`.
const CJK_TIME: &str = r"(?:\s*(?P<noon>上午|下午)?\s*(?:(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?|(?P<H2>[0-9]{1,2})\s*[时時点點](?:\s*(?P<M2>[0-9]{1,2})\s*分(?:\s*(?P<S2>[0-9]{1,2})\s*秒)?)?))?";

/// Month names and abbreviations in English, German, French and Spanish,
/// group `mon` (looked up in [`MONTH_NAMES`]).
static MONTH: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<&str> = MONTH_NAMES.iter().map(|(name, _)| *name).collect();
    // Longest first, so `september` is not read as `sep` + `tember`.
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    format!("(?P<mon>(?i:{}))", names.join("|"))
});

/// Every month name and abbreviation [`MONTH`] knows, lower case.
const MONTH_NAMES: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("jän", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mär", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("janv", 1),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fév", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    // Spanish
    ("enero", 1),
    ("ene", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("abr", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("ago", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
];

/// What may join a date to its time: `, `, ` at `, ` @ `, ` um `, ` à `, ` a las `,
/// and a dash, bar or middle dot between spaces (Drupal's `03/20/2024 - 10:30`,
/// `20.03.2024 | 10:30 Uhr`).
const TIME_JOIN: &str = r"(?:,?\s*(?:(?i:at|um|à|a\s+las)\s+|@\s*|[-–|·]\s+)?)";

/// Compiles one of the constant patterns below.
fn compile(pattern: String) -> Regex {
    Regex::new(&pattern).expect("constant date pattern") // ok: constant patterns, each covered by tests
}

/// `2019-05-13`, `2019/5/13`, `2019.05.13`, with an optional time after a
/// space or `T` (RFC 3339 included).
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<y>[0-9]{{4}})(?P<s1>[-/.])(?P<m>[0-9]{{1,2}})(?P<s2>[-/.])(?P<d>[0-9]{{1,2}})(?:(?:T|{TIME_JOIN}){TIME})?"
    ))
});

/// `27.01.2020`, `09.10.2017, 01:40 Uhr`: the dotted form with the year
/// last, always day-first.
static DOTTED_DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<d>[0-9]{{1,2}})\.\s?(?P<m>[0-9]{{1,2}})\.\s?(?P<y>[0-9]{{4}})(?:{TIME_JOIN}{TIME})?"
    ))
});

/// `13/05/2019`, `05/13/2019 2:30 PM`: slashed (or dashed) with the year
/// last; which number is the day follows the site's language.
static SLASHED_YEAR_LAST: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<a>[0-9]{{1,2}})(?P<s1>[-/])(?P<b>[0-9]{{1,2}})(?P<s2>[-/])(?P<y>[0-9]{{4}})(?:{TIME_JOIN}{TIME})?"
    ))
});

/// `20.03.24`, `03/20/24 10:30`: a two-digit year (`yy`) after a two-digit
/// day and month, dotted (day first) or slashed (in the site's order). Only
/// zero-padded, so `2.1.24` (a version) is not a date.
static SHORT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?:(?P<d>[0-9]{{2}})\.(?P<m>[0-9]{{2}})\.|(?P<a>[0-9]{{2}})/(?P<b>[0-9]{{2}})/)(?P<yy>[0-9]{{2}})(?:{TIME_JOIN}{TIME})?"
    ))
});

/// `2019年5月13日`, `2019年05月13日 14:01`, `2019年05月13日 14时01分`.
static CJK: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?P<y>[0-9]{{4}})\s*年\s*(?P<m>[0-9]{{1,2}})\s*月\s*(?P<d>[0-9]{{1,2}})\s*[日号號]?{CJK_TIME}"
    ))
});

/// `May 13, 2019`, `Sept. 3rd 2019 2:30 PM`, `November 12 @ 11:00 am`,
/// `Nov 12`.
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"\b{}\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>[0-9]{{4}}))?(?:{TIME_JOIN}{TIME})?",
        *MONTH
    ))
});

/// `13 May 2019`, `13-May-2019`, RFC 2822 `Mon, 13 May 2019 14:01:05
/// +0800`, `28. September 2017`, `1er mars 2024`, `12 de noviembre de
/// 2025`, `12 Nov`.
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?:\b(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th|er|\.)?(?:\s*(?:(?i:of|de)\s+)?|-){}(?:\.|\b)(?:(?:,?\s+(?:(?i:de)\s+)?|-)(?P<y>[0-9]{{4}}))?(?:{TIME_JOIN}{TIME})?",
        *MONTH
    ))
});

/// `20171020`: only in a date field, where nothing else is meant.
static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?P<y>(?:19|20)[0-9]{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12][0-9]|3[01])".to_owned())
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
    /// What it says.
    parts: DateParts,
}

/// The earliest date of the common forms in `text`: forms with a year
/// first, then (in a date field) the compact `20171020`, month-days only
/// when there is none.
pub(super) fn find(text: &str, rules: &DateRules<'_>, now: DateTime<Utc>) -> Option<DateParts> {
    let text = ascii_digits(text);
    let all: [&Regex; 7] = [
        &NUMERIC,
        &DOTTED_DAY_FIRST,
        &SLASHED_YEAR_LAST,
        &SHORT_YEAR,
        &CJK,
        &MONTH_DAY_YEAR,
        &DAY_MONTH_YEAR,
    ];
    let compact: &[&Regex] = if rules.compact { &[&COMPACT] } else { &[] };
    let month_days: [&Regex; 4] = [
        &MONTH_DAY_DASH,
        &MONTH_DAY_CJK,
        &MONTH_DAY_YEAR,
        &DAY_MONTH_YEAR,
    ];
    let tiers: [(&[&Regex], bool); 3] = [(&all, true), (compact, true), (&month_days, false)];
    tiers.into_iter().find_map(|(tier, with_year)| {
        tier.iter()
            .filter_map(|re| first_valid(re, &text, rules, now, with_year))
            .min_by_key(|f| (f.start, std::cmp::Reverse((f.precision, f.len))))
            .map(|f| f.parts)
    })
}

/// The earliest match of `re` that stands alone (not inside a longer
/// number), is a real date and has a year when `with_year` (none when
/// not). Retries from just after each rejected start, so a rejected match
/// cannot hide an overlapping good one.
fn first_valid(
    re: &Regex,
    text: &str,
    rules: &DateRules<'_>,
    now: DateTime<Utc>,
    with_year: bool,
) -> Option<Found> {
    let mut from = 0;
    while let Some(caps) = re.captures_at(text, from) {
        let whole = caps.get(0)?;
        if (caps.name("y").is_some() || caps.name("yy").is_some()) == with_year {
            if let Some(found) = read(&caps, text, whole.start(), whole.end(), rules, now) {
                return Some(found);
            }
        }
        from = whole.start()
            + text[whole.start()..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
    }
    None
}

/// Month and day of a match: named, numeric, or the two numbers of a
/// slashed form read in the site's order (the other order when that one
/// is impossible).
fn month_and_day(caps: &Captures<'_>, rules: &DateRules<'_>) -> Option<(u32, u32)> {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    if let (Some(a), Some(b)) = (num("a"), num("b")) {
        let (month, day) = if rules.day_first { (b, a) } else { (a, b) };
        return if month <= 12 {
            Some((month, day))
        } else {
            Some((day, month))
        };
    }
    let month = match caps.name("mon") {
        Some(name) => month_number(name.as_str())?,
        None => num("m")?,
    };
    Some((month, num("d")?))
}

/// Reads one match; `None` when it is not a date.
fn read(
    caps: &Captures<'_>,
    text: &str,
    start: usize,
    end: usize,
    rules: &DateRules<'_>,
    now: DateTime<Utc>,
) -> Option<Found> {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    if before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (month, day_of_month) = month_and_day(caps, rules)?;
    let year = match (num("y"), num("yy")) {
        (Some(y), _) => Some(i32::try_from(y).ok()?),
        (None, Some(yy)) => Some(full_year(yy, now)?),
        (None, None) => None,
    };
    let day = match year {
        Some(year) => {
            if caps.name("s1").map(|m| m.as_str()) != caps.name("s2").map(|m| m.as_str()) {
                return None;
            }
            Day::Full(NaiveDate::from_ymd_opt(year, month, day_of_month)?)
        }
        None => {
            // A numeric month-day right after a year-ish separator is the
            // tail of a rejected full date (`1960-05-13`, `1960年5月13日`) or
            // the head of a US date (`05-13-2019`): not a date of its own.
            let joined =
                |c: Option<char>| c.is_some_and(|c| matches!(c, '-' | '/' | '.' | ':' | '年'));
            let before_trimmed = text[..start].trim_end().chars().next_back();
            let mut rest = text[end..].chars();
            let after_joined = match (rest.next(), rest.next()) {
                (Some('-' | '/' | ':'), _) => true,
                (Some('.'), Some(c)) => c.is_ascii_digit(),
                _ => false,
            };
            let numeric = caps.name("mon").is_none();
            if numeric && (joined(before) || joined(before_trimmed) || after_joined) {
                return None;
            }
            // Feb 29 exists in leap years only; any other impossible day never.
            NaiveDate::from_ymd_opt(2024, month, day_of_month)?;
            Day::MonthDay {
                month,
                day: day_of_month,
            }
        }
    };
    let (time, seconds) = time_of(caps)?;
    let offset = offset_of(caps, text)?;
    let parts = DateParts { day, time, offset };
    parts.place(rules.tz, now)?;
    let precision = match (time, seconds) {
        (None, _) => 0,
        (Some(_), false) => 1,
        (Some(_), true) => 2,
    } + u8::from(offset.is_some());
    Some(Found {
        start,
        len: end - start,
        precision,
        parts,
    })
}

/// The year a two-digit year means: this century's up to next year, else
/// the last century's (`24` is 2024, `95` is 1995; `60` is 1960, which the
/// placement rejects as before 1970).
fn full_year(yy: u32, now: DateTime<Utc>) -> Option<i32> {
    let yy = i32::try_from(yy).ok()?;
    let next = now.year() + 1;
    let this_century = next - next % 100 + yy;
    Some(if this_century <= next {
        this_century
    } else {
        this_century - 100
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

/// The number of a month name or abbreviation of [`MONTH_NAMES`].
fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    MONTH_NAMES
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, number)| *number)
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
