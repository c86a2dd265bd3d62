//! Redirects that a page makes itself: many portals answer a section's or
//! an entry's URL with a stub that sends the browser on, by `<meta
//! http-equiv="refresh" content="0; url=./tzgg/">` or, on a page with
//! next to nothing else, by a script (`window.location.href = "…"`,
//! `location.replace("…")`). [`target`] reads where such a page sends its
//! reader; the fetcher follows it ([`super::Fetcher::get`]) as it follows
//! an HTTP redirect, with the same address, robots and politeness checks.
//!
//! Only a prompt refresh counts (at most [`MAX_DELAY_SECS`] seconds): a
//! page that reloads itself every few minutes is the page. Bounded: the
//! meta tag is looked for in the first [`HEAD_BYTES`] of the page, the
//! script only on a page of at most [`STUB_BYTES`].

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

/// The longest delay of a refresh that is followed.
pub const MAX_DELAY_SECS: f64 = 5.0;

/// How far into a page its `<meta>` refresh is looked for.
const HEAD_BYTES: usize = 32 * 1024;

/// The largest page whose script redirect is followed: a stub, not a page
/// with content of its own.
const STUB_BYTES: usize = 2048;

/// A `<meta>` tag naming `http-equiv="refresh"`.
static META_REFRESH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta\b[^>]*\bhttp-equiv\s*=\s*["']?refresh\b[^>]*>"#)
        .expect("constant regex") // ok: a constant pattern, covered by the tests
});

/// The `content` attribute of a tag.
static CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bcontent\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))"#)
        .expect("constant regex") // ok: a constant pattern, covered by the tests
});

/// `0; url=…`, `3;URL='…'`, `0,…`: the delay and the target.
static REFRESH_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)^\s*(?P<delay>[0-9]+(?:\.[0-9]*)?)\s*(?:[;,]\s*(?:url\s*=\s*)?["']?(?P<url>[^"']*)["']?)?\s*$"#,
    )
    .expect("constant regex") // ok: a constant pattern, covered by the tests
});

/// `location.href = "…"`, `window.location = '…'`, `location.replace("…")`.
static SCRIPT_LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\blocation(?:\.href)?\s*=\s*["'](?P<a>[^"']+)["']|\blocation\.(?:replace|assign)\(\s*["'](?P<b>[^"']+)["']\s*\)"#,
    )
    .expect("constant regex") // ok: a constant pattern, covered by the tests
});

/// Where `html`, fetched from `url`, sends its reader at once: an http(s)
/// URL other than `url` itself; `None` for an ordinary page.
pub fn target(html: &str, url: &Url) -> Option<Url> {
    let head = &html[..floor_char_boundary(html, HEAD_BYTES)];
    // Most pages say neither word: no regex runs (nor keeps a cache) for them.
    let meta = || {
        META_REFRESH
            .find_iter(head)
            .find_map(|tag| meta_target(tag.as_str()))
    };
    let script = || {
        let c = SCRIPT_LOCATION.captures(html)?;
        let m = c.name("a").or_else(|| c.name("b"))?;
        Some(m.as_str().trim().to_owned())
    };
    let href = match contains_ignore_case(head, b"refresh").then(meta).flatten() {
        Some(href) => href,
        None if html.len() <= STUB_BYTES && contains_ignore_case(html, b"location") => script()?,
        None => return None,
    };
    let next = url.join(&decode_amp(&href)).ok()?;
    let same = {
        let (mut a, mut b) = (next.clone(), url.clone());
        a.set_fragment(None);
        b.set_fragment(None);
        a == b
    };
    (matches!(next.scheme(), "http" | "https") && !same).then_some(next)
}

/// The target of one refresh tag when it is prompt.
fn meta_target(tag: &str) -> Option<String> {
    let content = CONTENT.captures(tag)?;
    let value = content
        .name("dq")
        .or_else(|| content.name("sq"))
        .or_else(|| content.name("bare"))?
        .as_str();
    let value = REFRESH_VALUE.captures(value)?;
    let delay: f64 = value["delay"].parse().ok()?;
    let url = value.name("url")?.as_str().trim();
    (delay <= MAX_DELAY_SECS && !url.is_empty()).then(|| url.to_owned())
}

/// Whether `text` has `word` (ASCII) in any case.
fn contains_ignore_case(text: &str, word: &[u8]) -> bool {
    text.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// An attribute's `&amp;` as the browser reads it.
fn decode_amp(href: &str) -> String {
    href.replace("&amp;", "&")
}

/// The largest index ≤ `at` on a char boundary of `s`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(html: &str) -> Option<String> {
        let url = Url::parse("http://portal.test/zwgk/index.html").expect("url");
        target(html, &url).map(|u| u.to_string())
    }

    #[test]
    fn prompt_meta_refreshes_are_followed() {
        assert_eq!(
            at(r#"<meta http-equiv="refresh" content="0; url=./tzgg/">"#).as_deref(),
            Some("http://portal.test/zwgk/tzgg/")
        );
        assert_eq!(
            at(r#"<META HTTP-EQUIV=Refresh CONTENT="3;URL='/col/col3231/index.html'">"#).as_deref(),
            Some("http://portal.test/col/col3231/index.html")
        );
        assert_eq!(
            at(r#"<meta content='0,https://other.test/a?x=1&amp;y=2' http-equiv='refresh'>"#)
                .as_deref(),
            Some("https://other.test/a?x=1&y=2")
        );
    }

    #[test]
    fn reloads_slow_refreshes_and_odd_targets_are_not() {
        // A page that reloads itself, or later, is the page.
        assert_eq!(at(r#"<meta http-equiv="refresh" content="300">"#), None);
        assert_eq!(
            at(r#"<meta http-equiv="refresh" content="600; url=index.html">"#),
            None
        );
        assert_eq!(
            at(r#"<meta http-equiv="refresh" content="0; url=index.html#top">"#),
            None
        );
        assert_eq!(
            at(r#"<meta http-equiv="refresh" content="0; url=javascript:alert(1)">"#),
            None
        );
        assert_eq!(
            at(r#"<meta http-equiv="refresh" content="0; url=mailto:a@b.test">"#),
            None
        );
        assert_eq!(at(r#"<meta name="refresh" content="0; url=/x">"#), None);
    }

    #[test]
    fn script_redirects_only_on_a_stub() {
        let stub = r#"<html><script>window.location.href = "../xxgk/index.shtml";</script></html>"#;
        assert_eq!(
            at(stub).as_deref(),
            Some("http://portal.test/xxgk/index.shtml")
        );
        assert_eq!(
            at(r#"<script>location.replace('/new/')</script>"#).as_deref(),
            Some("http://portal.test/new/")
        );
        // A page with content of its own and a script that navigates on a click.
        let page = format!(
            "<ul>{}</ul><script>function go(){{ location.href = '/search/'; }}</script>",
            "<li><a href=\"/a.html\">An entry of the list</a></li>".repeat(60)
        );
        assert_eq!(at(&page), None);
    }

    #[test]
    fn the_meta_tag_is_looked_for_in_the_head_only() {
        let late = format!(
            "{}<meta http-equiv=\"refresh\" content=\"0; url=/x\">",
            "<p>文字</p>".repeat(4000)
        );
        assert!(late.len() > HEAD_BYTES);
        assert_eq!(at(&late), None);
        // A cut inside a multi-byte character is no panic.
        let cjk = "字".repeat(HEAD_BYTES);
        assert_eq!(at(&cjk), None);
    }
}
