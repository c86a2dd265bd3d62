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
        .clean(html)
        .to_string();
    EMPTY_PARAGRAPH.replace_all(&clean, "").into_owned()
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
