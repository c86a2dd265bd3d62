//! Raw extracted values to clean values: absolute canonical URLs, dates in
//! the right zone, folded text, sanitized HTML, excerpts.

pub mod entry;
mod urls;

pub use urls::{TRACKING_PARAMS, TRACKING_PREFIXES, canonical_url};

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use url::Url;


/// Trims and folds every run of whitespace to one space.
pub fn fold_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds a date inside `text`. `formats` (chrono strftime) are tried first,
/// then the common forms; times without an offset are in `tz`; a month-day
/// without a year takes the latest year that is not after `now`.
pub fn parse_date(
    text: &str,
    tz: Tz,
    formats: &[String],
    now: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    let _ = (text, tz, formats, now);
    None
}

/// Sanitizes article HTML: no script, style, iframe, event handlers or
/// `javascript:` URLs; every link and image made absolute against `base`.
pub fn sanitize_html(html: &str, base: &Url) -> String {
    let _ = base;
    ammonia::clean(html)
}

/// Plain text of `html`, folded, cut to at most `max_chars` on a word
/// boundary (with "…" when cut).
pub fn excerpt(html: &str, max_chars: usize) -> String {
    let _ = max_chars;
    fold_whitespace(html)
}

/// The first `<img src>` of (sanitized, absolute) HTML.
pub fn first_image(html: &str) -> Option<String> {
    let _ = html;
    None
}
