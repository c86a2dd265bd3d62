//! The article finder: in 2–3 article pages of one list, the selectors that
//! name, in every one of them, the title, the body, the date line and the
//! source/author, and the widgets to `remove`.
//!
//! The body is found by text and link density, readability-style: every
//! paragraph-like block of real text adds to its parent's score (half to
//! the grandparent), and a candidate's score is cut by the share of its
//! text that sits in links. No crate is used for this: the readability
//! crates (`readability`, `dom_smoothie`) return extracted text or HTML,
//! while a config needs a CSS selector for the element that holds the body,
//! the same element on every article of the section.

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html, Selector};

use super::Pick;
use super::dom::{self, MAX_ELEMENTS, units};

/// One fetched article page and the title the list gave it.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The article's URL.
    pub url: String,
    /// The page, decoded.
    pub html: String,
    /// The title as the list shows it (maybe cut).
    pub list_title: String,
}

/// What the article finder found.
#[derive(Debug, Clone)]
pub struct ArticleGuess {
    /// `title`.
    pub title: Option<Pick>,
    /// `content`.
    pub content: Pick,
    /// `date`.
    pub date: Option<Pick>,
    /// `author`.
    pub author: Option<Pick>,
    /// `remove`, each with what it matched.
    pub remove: Vec<(String, String)>,
}

/// Class or id parts of widgets dropped from the page (share, print,
/// font-size, related boxes).
const WIDGETS: &[&str] = &[
    "share", "bdshare", "jiathis", "print", "font", "fontsize", "zihao", "related", "relate",
    "tools", "toolbar", "qrcode", "close", "fav", "favorite", "social",
];

/// Words that open a date line.
const DATE_WORDS: &[&str] = &[
    "发布时间",
    "发布日期",
    "日期",
    "时间",
    "date",
    "posted",
    "published",
    "updated",
];

/// `(regex, what it reads)`: source and author lines.
static AUTHOR_FORMS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"来源[：:]\s*([^\s|│/]+)", "来源："),
        (
            r"作者[：:]\s*((?:记者|通讯员)\s*[^\s|│/]+|[^\s|│/]+)",
            "作者：",
        ),
        (r"(?i)From[：:]\s*([^|]+?)\s*(?:\||Date|$)", "From:"),
        (r"(?i)Source[：:]\s*([^|]+?)\s*(?:\||Date|$)", "Source:"),
        (r"\b[Bb]y\s+([^|·,\d]+?)\s*(?:\||·|,|\d|\bon\b|$)", "By …"),
    ]
    .into_iter()
    .map(|(re, what)| (Regex::new(re).expect("valid regex"), what)) // ok: constant regexes, covered by the tests
    .collect()
});

/// Blocks that hold a paragraph of text.
static BLOCKS: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("p, div, td, section, article, li, pre").expect("valid selector") // ok: a constant selector, covered by the tests
});

/// Headings and title-like elements.
static HEADINGS: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("h1, h2, h3, h4, [class*=tit], [id*=tit]").expect("valid selector") // ok: a constant selector, covered by the tests
});

/// A parsed sample with its widgets removed.
struct Doc {
    html: Html,
    list_title: String,
}

/// Finds the article selectors common to `samples` (at least one).
pub fn find(samples: &[Sample]) -> Result<ArticleGuess, String> {
    if samples.is_empty() {
        return Err("no article page could be fetched".to_owned());
    }
    let mut remove: Vec<(String, String)> = Vec::new();
    let mut docs: Vec<Doc> = Vec::new();
    for s in samples {
        let html = Html::parse_document(&s.html);
        for (css, note) in widgets(&html) {
            if !remove.iter().any(|(c, _)| *c == css) {
                remove.push((css, note));
            }
        }
        docs.push(Doc {
            html,
            list_title: s.list_title.clone(),
        });
    }
    for css in ["style", "script"] {
        if docs
            .iter()
            .any(|d| dom::parse(css).is_some_and(|sel| d.html.select(&sel).next().is_some()))
        {
            remove.insert(0, (css.to_owned(), format!("<{css}> elements")));
        }
    }
    for d in &mut docs {
        detach(&mut d.html, remove.iter().map(|(c, _)| c.as_str()));
    }
    let bodies: Vec<NodeId> = docs
        .iter()
        .map(|d| body(&d.html).ok_or("no element with paragraphs of text"))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("article {}: {e}", 1))?;
    let content = content_pick(&docs, &bodies)?;
    let title = title_pick(&docs);
    let date = date_pick(&docs, &bodies);
    let author = author_pick(&docs, &bodies, date.as_ref());
    Ok(ArticleGuess {
        title,
        content,
        date,
        author,
        remove,
    })
}

/// Widget selectors found on one page: elements whose class or id names a
/// share/print/font-size/related box and that hold little text.
fn widgets(doc: &Html) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .take(MAX_ELEMENTS)
    {
        let v = el.value();
        let named = v
            .classes()
            .filter(|c| dom::good_class(c))
            .map(|c| format!(".{c}"))
            .chain(
                v.id()
                    .filter(|i| dom::good_class(i))
                    .map(|i| format!("#{i}")),
            )
            .find(|n| {
                let lower = n[1..].to_ascii_lowercase();
                lower
                    .split(['-', '_'])
                    .any(|p| WIDGETS.iter().any(|w| p.starts_with(w)))
            });
        let Some(css) = named else { continue };
        if units(&dom::text(el)) > 400 || out.iter().any(|(c, _)| *c == css) {
            continue;
        }
        let note = format!("\"{}\"", dom::short(&dom::text(el), 30));
        out.push((css, note));
    }
    out
}

/// Detaches every element matching one of `css` (as `extract` does).
fn detach<'a>(doc: &mut Html, css: impl Iterator<Item = &'a str>) {
    for c in css {
        let Some(sel) = dom::parse(c) else { continue };
        let ids: Vec<NodeId> = doc.select(&sel).map(|e| e.id()).collect();
        for id in ids {
            if let Some(mut node) = doc.tree.get_mut(id) {
                node.detach();
            }
        }
    }
}

/// Text of `el` that sits in links, and all its text, in units.
fn link_density(el: ElementRef<'_>) -> f64 {
    let all = units(&dom::text(el)).max(1) as f64;
    let linked: usize = el
        .select(&dom::LINKS)
        .take(500)
        .map(|a| units(&dom::text(a)))
        .sum();
    (linked as f64 / all).min(1.0)
}

/// The element holding the article's body, by paragraph scores.
fn body(doc: &Html) -> Option<NodeId> {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    for block in doc.select(&BLOCKS).take(MAX_ELEMENTS) {
        // A block's own text: its text nodes that are not inside a child block.
        let own: String = block
            .children()
            .filter_map(|n| match n.value() {
                scraper::Node::Text(t) => Some(t.to_string()),
                scraper::Node::Element(e)
                    if matches!(
                        e.name(),
                        "span" | "strong" | "b" | "em" | "font" | "a" | "br" | "i" | "u"
                    ) =>
                {
                    ElementRef::wrap(n).map(dom::text)
                }
                _ => None,
            })
            .collect();
        let u = units(&own);
        if u < 40 {
            continue;
        }
        let commas = own
            .chars()
            .filter(|c| matches!(c, ',' | '，' | '、' | '。' | '.'))
            .count();
        let s = 1.0 + commas.min(20) as f64 + (u as f64 / 100.0).min(3.0);
        let is_p = block.value().name() == "p";
        let target = if is_p {
            block.parent().and_then(ElementRef::wrap)
        } else {
            Some(block)
        };
        let Some(target) = target else { continue };
        *scores.entry(target.id()).or_default() += s;
        if let Some(gp) = target.parent().and_then(ElementRef::wrap) {
            *scores.entry(gp.id()).or_default() += s / 2.0;
        }
    }
    scores
        .into_iter()
        .filter_map(|(id, s)| {
            let el = doc.tree.get(id).and_then(ElementRef::wrap)?;
            (!matches!(el.value().name(), "html" | "body"))
                .then(|| (s * (1.0 - link_density(el)), id))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// The element of `doc` with this id.
fn element(doc: &Html, id: NodeId) -> Option<ElementRef<'_>> {
    doc.tree.get(id).and_then(ElementRef::wrap)
}

/// Selectors naming `el` in its page: its own forms, then anchored on an
/// ancestor with an id or class (`.detail h2`).
fn forms_of(el: ElementRef<'_>) -> Vec<String> {
    let own = dom::simple_forms(el);
    let mut out = own.clone();
    for anc in el.ancestors().filter_map(ElementRef::wrap).take(4) {
        for f in dom::simple_forms(anc)
            .into_iter()
            .filter(|f| f.contains(['.', '#']))
        {
            for o in own.iter().rev() {
                out.push(format!("{f} {o}"));
            }
        }
    }
    out
}

/// The first element `css` matches in the page.
fn first<'a>(doc: &'a Html, css: &str) -> Option<ElementRef<'a>> {
    dom::parse(css).and_then(|sel| doc.select(&sel).next())
}

/// The first of the forms that passes `ok` on every page, else the one
/// passing on most pages (at least half).
fn common(
    docs: &[Doc],
    forms: &[String],
    ok: impl Fn(usize, ElementRef<'_>) -> bool,
) -> Option<(String, usize)> {
    let mut best: Option<(String, usize)> = None;
    for css in forms {
        let hits = docs
            .iter()
            .enumerate()
            .filter(|(i, d)| first(&d.html, css).is_some_and(|e| ok(*i, e)))
            .count();
        if hits == docs.len() {
            return Some((css.clone(), hits));
        }
        if hits * 2 >= docs.len() && hits > 0 && best.as_ref().is_none_or(|(_, b)| hits > *b) {
            best = Some((css.clone(), hits));
        }
    }
    best
}

/// Whether `a` is `b` or one holds the other.
fn related(a: ElementRef<'_>, b: ElementRef<'_>) -> bool {
    a.id() == b.id()
        || a.ancestors().any(|n| n.id() == b.id())
        || b.ancestors().any(|n| n.id() == a.id())
}

fn content_pick(docs: &[Doc], bodies: &[NodeId]) -> Result<Pick, String> {
    let el0 = element(&docs[0].html, bodies[0]).ok_or("no body element")?;
    let forms = forms_of(el0);
    let (css, hits) = common(docs, &forms, |i, e| {
        element(&docs[i].html, bodies[i]).is_some_and(|b| {
            related(e, b)
                && units(&dom::text(e)) * 10 >= units(&dom::text(b)) * 8
                && units(&dom::text(e)) <= units(&dom::text(b)) * 3
        })
    })
    .ok_or_else(|| "the article bodies of the samples share no selector".to_owned())?;
    let sizes: Vec<String> = docs
        .iter()
        .filter_map(|d| first(&d.html, &css).map(|e| units(&dom::text(e)).to_string()))
        .collect();
    Ok(Pick::css(
        &css,
        format!(
            "the body on {hits} of {} articles ({} text units), by text and link density",
            docs.len(),
            sizes.join(", ")
        ),
    ))
}

/// How well an element's text matches the list title (0: not at all).
fn title_match(text: &str, list_title: &str) -> u8 {
    let t = text.trim();
    let lt = list_title.trim();
    let stem = lt.trim_end_matches("...").trim_end_matches('…').trim();
    if t.is_empty() || stem.is_empty() {
        0
    } else if t == lt {
        3
    } else if t.starts_with(stem) && units(t) <= units(stem) * 3 {
        2
    } else if stem.starts_with(t) && units(t) * 2 >= units(stem) {
        1
    } else {
        0
    }
}

fn title_pick(docs: &[Doc]) -> Option<Pick> {
    let mut targets: Vec<Option<NodeId>> = Vec::new();
    for d in docs {
        let best = d
            .html
            .select(&HEADINGS)
            .take(2000)
            .filter_map(|e| {
                let m = title_match(&dom::text(e), &d.list_title);
                let h1 = u8::from(e.value().name() == "h1");
                (m > 0).then_some((m * 2 + h1, e.id()))
            })
            .max_by_key(|(m, _)| *m)
            .map(|(_, id)| id);
        targets.push(best);
    }
    let (i0, id0) = targets
        .iter()
        .enumerate()
        .find_map(|(i, t)| t.map(|t| (i, t)))?;
    let forms = forms_of(element(&docs[i0].html, id0)?);
    let (css, hits) = common(docs, &forms, |i, e| {
        title_match(&dom::text(e), &docs[i].list_title) > 0
    })?;
    let first_text = first(&docs[i0].html, &css)
        .map(dom::text)
        .unwrap_or_default();
    Some(Pick::css(
        &css,
        format!(
            "the full title on {hits} of {} articles; first: \"{}\"",
            docs.len(),
            dom::short(&first_text, 50)
        ),
    ))
}

/// The smallest element outside the body holding a date (a date line
/// first), or inside it when there is none outside.
fn date_element(doc: &Html, body: NodeId) -> Option<ElementRef<'_>> {
    let b = element(doc, body)?;
    let mut best: Option<((bool, u8, usize), ElementRef<'_>)> = None;
    for pass in [false, true] {
        for e in doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .take(MAX_ELEMENTS)
        {
            if matches!(
                e.value().name(),
                "html" | "body" | "head" | "title" | "script" | "style"
            ) {
                continue;
            }
            // First outside the body; inside it only when nothing was found.
            let inside = e.ancestors().any(|a| a.id() == b.id());
            if e.id() == b.id() || b.ancestors().any(|a| a.id() == e.id()) || inside != pass {
                continue;
            }
            let t = dom::text(e);
            let u = units(&t);
            if u > 200 || !dom::has_date(&t) {
                continue;
            }
            let lower = t.to_lowercase();
            let worded = u8::from(DATE_WORDS.iter().any(|w| lower.contains(w)));
            let time = e.value().name() == "time" && e.value().attr("datetime").is_some();
            let key = (time, worded, usize::MAX - u);
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, e));
            }
        }
        if best.is_some() {
            break;
        }
    }
    best.map(|(_, e)| e)
}

fn date_pick(docs: &[Doc], bodies: &[NodeId]) -> Option<Pick> {
    let found: Vec<Option<ElementRef<'_>>> = docs
        .iter()
        .zip(bodies)
        .map(|(d, b)| date_element(&d.html, *b))
        .collect();
    let (i0, e0) = found
        .iter()
        .enumerate()
        .find_map(|(i, e)| e.map(|e| (i, e)))?;
    if e0.value().name() == "time" && e0.value().attr("datetime").is_some() {
        let ok = docs
            .iter()
            .all(|d| first(&d.html, "time").is_some_and(|t| t.value().attr("datetime").is_some()));
        if ok {
            let mut p = Pick::css(
                "time",
                format!(
                    "datetime of <time>; first: \"{}\"",
                    e0.value().attr("datetime").unwrap_or_default()
                ),
            );
            p.attr = Some("datetime".to_owned());
            return Some(p);
        }
    }
    let forms = forms_of(e0);
    let (css, hits) = common(docs, &forms, |_, e| {
        units(&dom::text(e)) <= 300 && dom::has_date(&dom::text(e))
    })?;
    let text = first(&docs[i0].html, &css)
        .map(dom::text)
        .unwrap_or_default();
    Some(Pick::css(
        &css,
        format!(
            "a date on {hits} of {} articles: \"{}\"",
            docs.len(),
            dom::short(&text, 60)
        ),
    ))
}

/// The author or source: a known line form (`来源：`, `From:`, `By …`) in
/// a short element outside the body, read by a regex.
fn author_pick(docs: &[Doc], bodies: &[NodeId], date: Option<&Pick>) -> Option<Pick> {
    let mut tried: Vec<(String, usize)> = Vec::new();
    if let Some(d) = date.filter(|d| d.attr.is_none()) {
        for (k, _) in AUTHOR_FORMS.iter().enumerate() {
            tried.push((d.css.clone(), k));
        }
    }
    for (d, b) in docs.iter().zip(bodies).take(1) {
        let Some(body) = element(&d.html, *b) else {
            continue;
        };
        for e in d
            .html
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .take(MAX_ELEMENTS)
        {
            if related(e, body)
                || matches!(
                    e.value().name(),
                    "html" | "body" | "head" | "title" | "script" | "style"
                )
            {
                continue;
            }
            let t = dom::text(e);
            if units(&t) > 200 {
                continue;
            }
            for (k, (re, _)) in AUTHOR_FORMS.iter().enumerate() {
                if capture(re, &t).is_some() {
                    for f in forms_of(e) {
                        if !tried.contains(&(f.clone(), k)) {
                            tried.push((f, k));
                        }
                    }
                }
            }
        }
    }
    let mut best: Option<(usize, String, usize, String)> = None;
    for (css, k) in &tried {
        let re = &AUTHOR_FORMS[*k].0;
        let values: Vec<String> = docs
            .iter()
            .filter_map(|d| first(&d.html, css).and_then(|e| capture(re, &dom::text(e))))
            .collect();
        if values.is_empty() {
            continue;
        }
        if best.as_ref().is_none_or(|(n, ..)| values.len() > *n) {
            best = Some((values.len(), css.clone(), *k, values[0].clone()));
        }
        if values.len() == docs.len() {
            break;
        }
    }
    let (n, css, k, first_value) = best?;
    let (re, what) = &AUTHOR_FORMS[k];
    let mut p = Pick::css(
        &css,
        format!(
            "the {what} line on {n} of {} articles: \"{}\"",
            docs.len(),
            dom::short(&first_value, 30)
        ),
    );
    p.regex = Some(re.as_str().to_owned());
    Some(p)
}

/// The regex's first group in `text`, when it reads like a name.
fn capture(re: &Regex, text: &str) -> Option<String> {
    let v = re.captures(text)?.get(1)?.as_str().trim().to_owned();
    let u = units(&v);
    ((2..=60).contains(&u) && !dom::has_date(&v)).then_some(v)
}

/// The weight of the page's main text block (outside links), 0 when it has
/// none: a page with a long one and no list is an article.
pub fn main_text(doc: &Html) -> usize {
    body(doc)
        .and_then(|id| element(doc, id))
        .map(|el| {
            let all = units(&dom::text(el));
            let linked: usize = el
                .select(&dom::LINKS)
                .take(500)
                .map(|a| units(&dom::text(a)))
                .sum();
            all.saturating_sub(linked)
        })
        .unwrap_or(0)
}
