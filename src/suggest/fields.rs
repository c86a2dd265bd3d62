//! The fields of a found list: link, title, date and summary selectors
//! relative to the item, each checked on every item with the first-match
//! rule `extract` uses.

use scraper::{ElementRef, Html};

use super::Pick;
use super::dom::{self, units};
use super::list::Candidate;

/// The list fields found, with what they matched.
#[derive(Debug, Clone)]
pub struct ListFields {
    /// `link`.
    pub link: Pick,
    /// `title`.
    pub title: Pick,
    /// `date`, when the items show one.
    pub date: Option<Pick>,
    /// `summary`, when most items have one.
    pub summary: Option<Pick>,
    /// Each item's title as the list shows it.
    pub titles: Vec<String>,
    /// Each item's link, as written.
    pub links: Vec<String>,
}

/// The elements of a candidate: (item, title link).
pub fn elements<'a>(doc: &'a Html, c: &Candidate) -> Vec<(ElementRef<'a>, ElementRef<'a>)> {
    c.items
        .iter()
        .filter_map(|(i, a)| {
            Some((
                doc.tree.get(*i).and_then(ElementRef::wrap)?,
                doc.tree.get(*a).and_then(ElementRef::wrap)?,
            ))
        })
        .collect()
}

/// The first element `css` names inside `item` (`:scope` names the item).
pub fn first_in<'a>(item: ElementRef<'a>, css: &str) -> Option<ElementRef<'a>> {
    if css == ":scope" {
        return Some(item);
    }
    let sel = dom::parse(css)?;
    item.select(&sel).next()
}

/// Finds the fields of the list `c`.
pub fn find(doc: &Html, c: &Candidate) -> Option<ListFields> {
    let items = elements(doc, c);
    let (first_item, first_a) = *items.first()?;
    let link_css = pick_selector(
        &items,
        &anchor_forms(first_item, first_a),
        |item, a, found| found.id() == a.id() && item.id() != found.id(),
    )?;
    let titles: Vec<String> = items.iter().map(|(_, a)| dom::text(*a)).collect();
    let links: Vec<String> = items
        .iter()
        .filter_map(|(_, a)| a.value().attr("href").map(|h| h.trim().to_owned()))
        .collect();
    let n = items.len();
    let link = Pick::css(
        &link_css,
        format!(
            "href of the title link: {n} links; first: {}",
            links.first().map(String::as_str).unwrap_or_default()
        ),
    );
    let title = title_pick(&items, &link_css, &titles);
    let date = date_pick(&items);
    let summary = summary_pick(&items, date.as_ref());
    Some(ListFields {
        link,
        title,
        date,
        summary,
        titles,
        links,
    })
}

/// The list title: the link's text, or its `title` attribute when the
/// text is cut ("…") and the attribute holds more.
fn title_pick(items: &[(ElementRef<'_>, ElementRef<'_>)], css: &str, titles: &[String]) -> Pick {
    let attrs: Vec<Option<&str>> = items
        .iter()
        .map(|(_, a)| a.value().attr("title").map(str::trim))
        .collect();
    let cut = titles
        .iter()
        .zip(&attrs)
        .filter(|(t, a)| {
            let stem = t.trim_end_matches("...").trim_end_matches('…');
            a.is_some_and(|a| a.len() > t.len() && a.starts_with(stem.trim()))
        })
        .count();
    let all_attr = attrs.iter().all(|a| a.is_some_and(|a| !a.is_empty()));
    if cut > 0 && all_attr {
        let mut p = Pick::css(
            css,
            format!(
                "the link's title attribute: the text is cut on {cut} of {} items; first: \"{}\"",
                items.len(),
                dom::short(attrs[0].unwrap_or_default(), 60)
            ),
        );
        p.attr = Some("title".to_owned());
        return p;
    }
    let cut_texts = titles
        .iter()
        .filter(|t| t.ends_with("...") || t.ends_with('…'))
        .count();
    let extra = if cut_texts > 0 {
        format!(" ({cut_texts} cut with \"...\": the article's title replaces them)")
    } else {
        String::new()
    };
    Pick::css(
        css,
        format!(
            "text of the title link{extra}; first: \"{}\"",
            dom::short(titles.first().map(String::as_str).unwrap_or_default(), 60)
        ),
    )
}

/// Ways to name the title link inside its item, most general first.
fn anchor_forms(item: ElementRef<'_>, a: ElementRef<'_>) -> Vec<String> {
    let mut out = vec!["a".to_owned()];
    for c in dom::classes(a).into_iter().take(1) {
        out.push(format!("a.{c}"));
    }
    let mut node = a.parent().and_then(ElementRef::wrap);
    while let Some(anc) = node {
        if anc.id() == item.id() {
            break;
        }
        for f in dom::simple_forms(anc).into_iter().rev() {
            out.push(format!("{f} a"));
            out.push(format!("{f} > a"));
        }
        if let Some(k) = nth_child(anc) {
            out.push(format!("{}:nth-child({k}) a", anc.value().name()));
        }
        node = anc.parent().and_then(ElementRef::wrap);
    }
    out
}

/// 1-based position of an element among its parent's element children.
fn nth_child(el: ElementRef<'_>) -> Option<usize> {
    let parent = el.parent()?;
    parent
        .children()
        .filter(|n| n.value().is_element())
        .position(|n| n.id() == el.id())
        .map(|i| i + 1)
}

/// The first of `forms` whose first match inside every item passes `ok`;
/// failing that, the one that passes on most items (at least 80%).
fn pick_selector(
    items: &[(ElementRef<'_>, ElementRef<'_>)],
    forms: &[String],
    ok: impl Fn(ElementRef<'_>, ElementRef<'_>, ElementRef<'_>) -> bool,
) -> Option<String> {
    let mut best: Option<(usize, &String)> = None;
    for css in forms {
        if css != ":scope" && dom::parse(css).is_none() {
            continue;
        }
        let hits = items
            .iter()
            .filter(|(item, a)| first_in(*item, css).is_some_and(|f| ok(*item, *a, f)))
            .count();
        if hits == items.len() {
            return Some(css.clone());
        }
        if best.is_none_or(|(b, _)| hits > b) {
            best = Some((hits, css));
        }
    }
    best.filter(|(hits, _)| hits * 5 >= items.len() * 4)
        .map(|(_, css)| css.clone())
}

/// Whether `inner` is `outer` or inside it.
fn within(inner: ElementRef<'_>, outer: ElementRef<'_>) -> bool {
    inner.id() == outer.id() || inner.ancestors().any(|n| n.id() == outer.id())
}

/// The smallest element of `item` outside the title link whose text holds
/// a date.
fn date_element<'a>(item: ElementRef<'a>, a: ElementRef<'a>) -> Option<ElementRef<'a>> {
    item.descendants()
        .filter_map(ElementRef::wrap)
        .take(200)
        .filter(|e| e.id() != item.id() && !within(a, *e) && !within(*e, a))
        .filter_map(|e| {
            let t = dom::text(e);
            let u = units(&t);
            (u <= 80 && dom::has_date(&t)).then_some((u, e))
        })
        // The last of the smallest: the deepest (`<time>` inside `<a>`).
        .fold(
            None,
            |best: Option<(usize, ElementRef<'a>)>, (u, e)| match best {
                Some((bu, _)) if bu < u => best,
                _ => Some((u, e)),
            },
        )
        .map(|(_, e)| e)
}

/// The date field: a `<time datetime>`, an element holding a date, or the
/// item's own text.
fn date_pick(items: &[(ElementRef<'_>, ElementRef<'_>)]) -> Option<Pick> {
    let dated: Vec<(ElementRef<'_>, ElementRef<'_>, ElementRef<'_>)> = items
        .iter()
        .filter_map(|(item, a)| date_element(*item, *a).map(|d| (*item, *a, d)))
        .collect();
    let n = items.len();
    if dated.len() * 2 < n {
        // Dates in the item's own text (`<li><a>…</a> 2019-05-13</li>`).
        let own = items
            .iter()
            .filter(|(item, a)| dom::has_date(&dom::text(*item).replacen(&dom::text(*a), " ", 1)))
            .count();
        if own * 2 >= n && own > 0 {
            return Some(Pick::css(
                ":scope",
                format!(
                    "the item's own text: {own} of {n} items show a date; first: \"{}\"",
                    dom::short(&dom::text(items[0].0), 50)
                ),
            ));
        }
        return None;
    }
    let (item0, _, d0) = dated[0];
    let first_text = dom::text(d0);
    if d0.value().name() == "time"
        && dated
            .iter()
            .all(|(_, _, d)| d.value().attr("datetime").is_some())
    {
        let mut p = Pick::css(
            "time",
            format!(
                "datetime of <time>: {} of {n} items; first: \"{}\"",
                dated.len(),
                d0.value().attr("datetime").unwrap_or_default()
            ),
        );
        p.attr = Some("datetime".to_owned());
        return Some(p);
    }
    let mut forms = Vec::new();
    for f in dom::simple_forms(d0).into_iter().rev() {
        forms.push(f);
    }
    if let Some(parent) = d0.parent().and_then(ElementRef::wrap)
        && parent.id() != item0.id()
    {
        for f in dom::simple_forms(parent).into_iter().rev() {
            forms.push(format!("{f} > {}", d0.value().name()));
        }
    }
    if let Some(k) = nth_child(d0) {
        forms.push(format!("{}:nth-child({k})", d0.value().name()));
    }
    forms.push(format!("{}:last-child", d0.value().name()));
    let triples: Vec<(ElementRef<'_>, ElementRef<'_>)> =
        dated.iter().map(|(i, a, _)| (*i, *a)).collect();
    let css = pick_selector(&triples, &forms, |_, a, found| {
        !within(a, found) && dom::has_date(&dom::text(found))
    })?;
    Some(Pick::css(
        &css,
        format!(
            "{} of {n} items dated; first: \"{}\"",
            dated.len(),
            dom::short(&first_text, 50)
        ),
    ))
}

/// The summary: a longer text beside the title in at least half the items.
fn summary_pick(items: &[(ElementRef<'_>, ElementRef<'_>)], date: Option<&Pick>) -> Option<Pick> {
    let n = items.len();
    let date_css = date.map(|d| d.css.as_str());
    let mut forms: Vec<String> = Vec::new();
    for (item, a) in items.iter().take(5) {
        for e in item.descendants().filter_map(ElementRef::wrap).take(200) {
            if e.id() == item.id() || within(*a, e) || within(e, *a) {
                continue;
            }
            let t = dom::text(e);
            if units(&t) < 30 || !matches!(e.value().name(), "p" | "div" | "span" | "dd") {
                continue;
            }
            for f in dom::simple_forms(e).into_iter().rev() {
                if !forms.contains(&f) && Some(f.as_str()) != date_css {
                    forms.push(f);
                }
            }
        }
    }
    for css in &forms {
        let texts: Vec<String> = items
            .iter()
            .filter_map(|(item, a)| {
                let f = first_in(*item, css)?;
                (!within(*a, f) && !within(f, *a)).then(|| dom::text(f))
            })
            .filter(|t| units(t) >= 20)
            .collect();
        if texts.len() * 2 >= n && texts.len() >= 2 {
            return Some(Pick::css(
                css,
                format!(
                    "{} of {n} items have one; first: \"{}\"",
                    texts.len(),
                    dom::short(&texts[0], 50)
                ),
            ));
        }
    }
    None
}
