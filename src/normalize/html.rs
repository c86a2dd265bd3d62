//! Article HTML made safe to embed in a feed, and its first image.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use regex::Regex;
use scraper::{Html, Selector};
use url::Url;

/// Elements kept (without their attributes unless [`TAG_ATTRIBUTES`] says
/// otherwise): text formatting, headings, lists, tables, figures, images and
/// links. Every other element is unwrapped: its children stay.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
];

/// Elements dropped together with everything inside: scripts and styles,
/// embedded documents and plugins, forms and their controls, raw-text
/// elements whose content would otherwise leak as text, and foreign markup.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "button", "select", "textarea", "noscript", "noembed", "noframes", "xmp", "template", "title",
    "svg", "math",
];

/// Attributes kept per element. No `style`, `class`, `id`, `srcset` or event
/// handler anywhere; `rel` is set on links by [`sanitize_html`].
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title"]),
    ("img", &["src", "alt", "title", "width", "height"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("ol", &["start", "reversed"]),
    ("blockquote", &["cite"]),
    ("q", &["cite"]),
    ("del", &["cite", "datetime"]),
    ("ins", &["cite", "datetime"]),
    ("time", &["datetime"]),
    ("abbr", &["title"]),
];

/// URL schemes allowed in `href`/`src` after relative URLs are made absolute.
/// No `javascript:`, `vbscript:` or `data:`.
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Paragraphs with nothing visible in them, as ammonia writes them.
static EMPTY_PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<p>(?:\s|&nbsp;|<br>)*</p>").expect("constant pattern") // ok: constant, covered by tests
});

/// Sanitizes article HTML for embedding as feed content: only [`TAGS`] with
/// their [`TAG_ATTRIBUTES`] survive, [`DROPPED_WITH_CONTENT`] goes with its
/// content, comments go, every relative `href`/`src` is made absolute
/// against `base`, URLs of other schemes than [`URL_SCHEMES`] are dropped,
/// links get `rel="noopener noreferrer"`, and empty paragraphs are removed.
pub fn sanitize_html(html: &str, base: &Url) -> String {
    let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
        .collect();
    let clean = Builder::default()
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(tag_attributes)
        .generic_attributes(["lang", "dir"].into_iter().collect())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::RewriteWithBase(base.clone()))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .clean(&promote_lazy_images(html))
        .to_string();
    EMPTY_PARAGRAPH.replace_all(&clean, "").into_owned()
}

/// An `<img ...>` tag.
static IMG_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<img\b[^>]*>").expect("constant pattern") // ok: constant, covered by tests
});

/// The real address of a lazily loaded image (`data-src`, `data-original`, …).
static LAZY_SRC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\sdata-(?:src|original|lazy-src|lazyload|url)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
        .expect("constant pattern") // ok: constant, covered by tests
});

/// An image's `src` attribute, in any quoting.
static SRC_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).expect("constant pattern") // ok: constant, covered by tests
});

/// True for a `src` that only holds a placeholder until a script swaps in
/// the real image.
fn is_placeholder(src: &str) -> bool {
    let s = src.trim().to_ascii_lowercase();
    s.is_empty()
        || s.starts_with("data:")
        || [
            "blank",
            "placeholder",
            "loading",
            "spacer",
            "lazy",
            "grey.gif",
            "pixel",
        ]
        .iter()
        .any(|p| s.contains(p))
}

/// Lazily loaded images (common on WeChat-style and CMS pages) keep their
/// real address in `data-src` and a placeholder in `src`, which a feed
/// reader would show. The real address becomes the `src`; sanitizing then
/// checks and absolutizes it like any other.
fn promote_lazy_images(html: &str) -> std::borrow::Cow<'_, str> {
    IMG_TAG.replace_all(html, |caps: &regex::Captures<'_>| {
        let tag = &caps[0];
        let Some(lazy) = LAZY_SRC
            .captures(tag)
            .and_then(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().trim())
            .filter(|v| !v.is_empty())
        else {
            return tag.to_owned();
        };
        let src = SRC_ATTR.captures(tag);
        let current = src
            .as_ref()
            .and_then(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
            .map_or("", |m| m.as_str());
        if !is_placeholder(current) {
            return tag.to_owned();
        }
        let without_src = match &src {
            Some(c) => tag.replacen(&c[0], "", 1),
            None => tag.to_owned(),
        };
        let value = lazy.replace('"', "&quot;");
        format!("<img src=\"{value}\"{}", &without_src[4..])
    })
}

/// `img` elements with a `src`.
static IMG_SRC: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("img[src]").expect("constant selector") // ok: constant, covered by tests
});

/// The first non-empty `<img src>` of `html` (sanitized HTML has absolute
/// URLs there), trimmed.
pub fn first_image(html: &str) -> Option<String> {
    let doc = Html::parse_fragment(html);
    doc.select(&IMG_SRC)
        .filter_map(|img| img.value().attr("src"))
        .map(str::trim)
        .find(|src| !src.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
