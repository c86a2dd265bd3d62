//! Checks of single values: durations, sizes, numbers, URLs, ids, time
//! zones, encodings (field selectors are in `fields`). Each pushes a
//! [`Problem`] at the value's path and returns `None` when the value is wrong.

use std::ops::RangeInclusive;
use std::time::Duration;

use chrono_tz::Tz;
use encoding_rs::Encoding;
use url::Url;

use super::path::{KeyPath, Problem, closest};
use super::raw::RawSize;

/// Collects problems; stays quiet below paths whose value was dropped
/// (already reported as a type error).
#[derive(Debug)]
pub(super) struct Ctx<'a> {
    /// Everything found so far.
    pub problems: Vec<Problem>,
    removed: &'a [KeyPath],
}

impl<'a> Ctx<'a> {
    /// A context that ignores problems at or below `removed`.
    pub fn new(removed: &'a [KeyPath]) -> Self {
        Self {
            problems: Vec::new(),
            removed,
        }
    }

    /// Records `problem` unless its value was dropped already.
    pub fn push(&mut self, problem: Problem) {
        if !self.was_removed(&problem.path) {
            self.problems.push(problem);
        }
    }

    /// True when the value at `path` (or above it) was dropped.
    pub fn was_removed(&self, path: &KeyPath) -> bool {
        self.removed.iter().any(|r| path.starts_with(r))
    }

    /// The value, or a "required key is missing" problem.
    pub fn required<'v, T>(
        &mut self,
        path: &KeyPath,
        value: Option<&'v T>,
        hint: &str,
    ) -> Option<&'v T> {
        if value.is_none() {
            self.push(Problem::new(path.clone(), "required key is missing").hint(hint));
        }
        value
    }
}

const DURATION_HINT: &str = "a duration like \"90s\" or \"15m\"";

/// A humantime duration of at least `min`.
pub(super) fn duration(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    s: &str,
    min: Duration,
) -> Option<Duration> {
    let d = match humantime::parse_duration(s.trim()) {
        Ok(d) => d,
        Err(e) => {
            ctx.push(
                Problem::new(path.clone(), format!("invalid duration `{s}`: {e}"))
                    .hint(DURATION_HINT),
            );
            return None;
        }
    };
    if d < min {
        let min_text = humantime::format_duration(min);
        ctx.push(
            Problem::new(
                path.clone(),
                format!("`{s}` is too short: at least {min_text}"),
            )
            .hint(DURATION_HINT),
        );
        return None;
    }
    Some(d)
}

/// An integer in `range`.
pub(super) fn int_in(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    v: i64,
    range: RangeInclusive<i64>,
) -> Option<i64> {
    if range.contains(&v) {
        return Some(v);
    }
    let message = if *range.end() == i64::MAX {
        format!("{v} is too small: at least {}", range.start())
    } else {
        format!("{v} is out of range: {}..={}", range.start(), range.end())
    };
    ctx.push(Problem::new(path.clone(), message));
    None
}

const SIZE_HINT: &str = "a number of bytes, or a size like \"10MiB\" or \"512KiB\"";

/// A size in bytes, at least 1 KiB.
pub(super) fn size(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &RawSize) -> Option<u64> {
    let bytes = match raw {
        RawSize::Bytes(n) => u64::try_from(*n).ok(),
        RawSize::Text(s) => parse_size(s),
    };
    let shown = match raw {
        RawSize::Bytes(n) => n.to_string(),
        RawSize::Text(s) => format!("\"{s}\""),
    };
    match bytes {
        None => {
            ctx.push(Problem::new(path.clone(), format!("invalid size {shown}")).hint(SIZE_HINT));
            None
        }
        Some(b) if b < 1024 => {
            ctx.push(
                Problem::new(
                    path.clone(),
                    format!("{shown} is too small: at least 1024 bytes"),
                )
                .hint(SIZE_HINT),
            );
            None
        }
        Some(b) => Some(b),
    }
}

/// `"10MiB"`, `"512 KiB"`, `"1MB"`, `"2048"` -> bytes.
fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(digits);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "kib" => 1 << 10,
        "mb" => 1_000_000,
        "mib" => 1 << 20,
        "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// An absolute http(s) URL.
pub(super) fn http_url(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<Url> {
    const HINT: &str = "an absolute http(s) URL like `http://www.example.gov.cn/news/`";
    match Url::parse(s.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
        Ok(_) => {
            ctx.push(Problem::new(path.clone(), format!("`{s}` is not an http(s) URL")).hint(HINT));
            None
        }
        Err(e) => {
            ctx.push(Problem::new(path.clone(), format!("invalid URL `{s}`: {e}")).hint(HINT));
            None
        }
    }
}

/// A slug: `[a-z0-9-]+`.
pub(super) fn slug(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<String> {
    if crate::model::is_slug(s) {
        return Some(s.to_owned());
    }
    let suggestion: String = s
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let mut p = Problem::new(
        path.clone(),
        format!("invalid id `{s}`: use only lowercase letters, digits and `-`"),
    );
    if !suggestion.is_empty() {
        p = p.hint(format!("e.g. `{suggestion}`"));
    }
    ctx.push(p);
    None
}

/// A non-blank string.
pub(super) fn non_empty(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<String> {
    if s.trim().is_empty() {
        ctx.push(Problem::new(path.clone(), "must not be empty"));
        return None;
    }
    Some(s.trim().to_owned())
}

/// A title: not empty, no control characters (they break OPML and have no
/// place in a feed reader's list).
pub(super) fn title(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<String> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        ctx.push(
            Problem::new(
                path.clone(),
                format!("contains the control character U+{:04X}", u32::from(c)),
            )
            .hint("a title is one line of printable text"),
        );
        return None;
    }
    non_empty(ctx, path, s)
}

/// A chrono-tz zone name.
pub(super) fn timezone(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<Tz> {
    if let Ok(tz) = s.trim().parse::<Tz>() {
        return Some(tz);
    }
    let hint = match closest(s, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "an IANA time zone name, e.g. `Asia/Shanghai`".to_owned(),
    };
    ctx.push(Problem::new(path.clone(), format!("unknown time zone `{s}`")).hint(hint));
    None
}

/// An encoding_rs label; `gb2312` and `gbk` decode as GB18030 (a superset).
pub(super) fn encoding(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    label: &str,
) -> Option<&'static Encoding> {
    const HINT: &str = "an encoding label such as `utf-8`, `gb18030`, `big5` or `shift_jis`";
    match Encoding::for_label(label.trim().as_bytes()) {
        Some(e) if e == encoding_rs::REPLACEMENT => {
            ctx.push(
                Problem::new(
                    path.clone(),
                    format!("encoding `{label}` cannot be decoded"),
                )
                .hint(HINT),
            );
            None
        }
        Some(e) if e == encoding_rs::GBK => Some(encoding_rs::GB18030),
        Some(e) => Some(e),
        None => {
            ctx.push(Problem::new(path.clone(), format!("unknown encoding `{label}`")).hint(HINT));
            None
        }
    }
}

/// A language tag like `en` or `zh-CN`.
pub(super) fn language(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<String> {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    let ok = (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok {
        return Some(s.to_owned());
    }
    ctx.push(
        Problem::new(path.clone(), format!("invalid language tag `{s}`"))
            .hint("a tag like `en` or `zh-CN`"),
    );
    None
}

/// A printable-ASCII header value (for `User-Agent`).
pub(super) fn header_value(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<String> {
    let s = non_empty(ctx, path, s)?;
    if s.chars().all(|c| c == '\t' || (' '..='~').contains(&c)) {
        return Some(s);
    }
    ctx.push(Problem::new(
        path.clone(),
        "must be printable ASCII (it is sent as an HTTP header)",
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T>(f: impl FnOnce(&mut Ctx<'_>, &KeyPath) -> Option<T>) -> Result<T, String> {
        let mut ctx = Ctx::new(&[]);
        let v = f(&mut ctx, &KeyPath::root().key("x"));
        match v {
            Some(v) if ctx.problems.is_empty() => Ok(v),
            _ => Err(ctx
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")),
        }
    }

    #[test]
    fn durations() {
        let min = Duration::from_secs(10);
        assert_eq!(
            check(|c, p| duration(c, p, "15m", min)),
            Ok(Duration::from_secs(900))
        );
        assert_eq!(
            check(|c, p| duration(c, p, "0s", Duration::ZERO)),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            check(|c, p| duration(c, p, "5s", min)),
            Err(
                "x: `5s` is too short: at least 10s (hint: a duration like \"90s\" or \"15m\")"
                    .into()
            )
        );
        let err = check(|c, p| duration(c, p, "soon", min)).expect_err("bad");
        assert!(err.starts_with("x: invalid duration `soon`: "), "{err}");
    }

    #[test]
    fn sizes() {
        assert_eq!(check(|c, p| size(c, p, &RawSize::Bytes(4096))), Ok(4096));
        assert_eq!(
            check(|c, p| size(c, p, &RawSize::Text("10MiB".into()))),
            Ok(10 << 20)
        );
        assert_eq!(
            check(|c, p| size(c, p, &RawSize::Text("512 KiB".into()))),
            Ok(512 << 10)
        );
        assert_eq!(
            check(|c, p| size(c, p, &RawSize::Text("2kb".into()))),
            Ok(2000)
        );
        assert!(check(|c, p| size(c, p, &RawSize::Bytes(100))).is_err());
        assert!(check(|c, p| size(c, p, &RawSize::Bytes(-5))).is_err());
        assert!(check(|c, p| size(c, p, &RawSize::Text("ten".into()))).is_err());
        assert!(check(|c, p| size(c, p, &RawSize::Text("99999999999999GiB".into()))).is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(check(|c, p| int_in(c, p, 5, 1..=10)), Ok(5));
        assert_eq!(
            check(|c, p| int_in(c, p, 0, 1..=10)),
            Err("x: 0 is out of range: 1..=10".into())
        );
        assert_eq!(
            check(|c, p| int_in(c, p, 0, 1..=i64::MAX)),
            Err("x: 0 is too small: at least 1".into())
        );
    }

    #[test]
    fn urls() {
        assert!(check(|c, p| http_url(c, p, "https://a.test/x")).is_ok());
        let err = check(|c, p| http_url(c, p, "ftp://a.test/")).expect_err("scheme");
        assert!(err.contains("is not an http(s) URL"), "{err}");
        let err = check(|c, p| http_url(c, p, "/news/")).expect_err("relative");
        assert!(err.contains("invalid URL `/news/`"), "{err}");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            check(|c, p| slug(c, p, "hot-news2")),
            Ok("hot-news2".into())
        );
        assert_eq!(
            check(|c, p| slug(c, p, "Hot News")),
            Err("x: invalid id `Hot News`: use only lowercase letters, digits and `-` (hint: e.g. `hot-news`)".into())
        );
    }

    #[test]
    fn zones_and_encodings() {
        assert_eq!(
            check(|c, p| timezone(c, p, "Asia/Shanghai")),
            Ok(chrono_tz::Asia::Shanghai)
        );
        assert_eq!(
            check(|c, p| timezone(c, p, "Asia/Shanghia")),
            Err(
                "x: unknown time zone `Asia/Shanghia` (hint: did you mean `Asia/Shanghai`?)".into()
            )
        );
        assert_eq!(
            check(|c, p| timezone(c, p, "Mars")),
            Err(
                "x: unknown time zone `Mars` (hint: an IANA time zone name, e.g. `Asia/Shanghai`)"
                    .into()
            )
        );
        assert_eq!(
            check(|c, p| encoding(c, p, "gb2312")),
            Ok(encoding_rs::GB18030)
        );
        assert_eq!(
            check(|c, p| encoding(c, p, "GBK")),
            Ok(encoding_rs::GB18030)
        );
        assert_eq!(
            check(|c, p| encoding(c, p, "utf-8")),
            Ok(encoding_rs::UTF_8)
        );
        assert!(check(|c, p| encoding(c, p, "klingon")).is_err());
        assert!(check(|c, p| encoding(c, p, "iso-2022-kr")).is_err());
    }

    #[test]
    fn languages_and_headers() {
        assert!(check(|c, p| language(c, p, "zh-CN")).is_ok());
        assert!(check(|c, p| language(c, p, "en")).is_ok());
        assert!(check(|c, p| language(c, p, "english language")).is_err());
        assert!(check(|c, p| header_value(c, p, "bot/1.0 (+https://x)")).is_ok());
        assert!(check(|c, p| header_value(c, p, "bot\n")).is_ok(), "trimmed");
        assert!(check(|c, p| header_value(c, p, "机器人")).is_err());
        assert!(check(|c, p| header_value(c, p, "  ")).is_err());
    }
}
