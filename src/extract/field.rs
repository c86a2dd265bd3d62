//! One field selector applied to a page or an item: find the first match
//! whose text passes `contains` / `matches`, take its text (without the
//! `exclude` descendants) or an attribute, then keep what the regex keeps.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};

use crate::config::spec::{CssSelector, FieldSelector};

/// What a field yields when its selector names no `attr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fallback {
    /// The element's text (`src` for an `<img>`).
    Text,
    /// The element's `href` (links and the next page).
    Href,
    /// A date: a `<time datetime>` or `<meta content>` (the element or
    /// one below it) before the visible text.
    Date,
}

/// Where a machine-readable date hides, compiled once.
static MACHINE_DATE: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("time[datetime], meta[content]").expect("valid selector") // ok: a constant selector, covered by the tests
});

/// The first element matching `css` inside `scope`, in document order.
///
/// `scope` itself counts only when the selector depends on `:scope` (it
/// matches with `scope` as the `:scope` element but not without), so
/// `:scope` or `:scope.hot` name the item element itself, `:scope > a`
/// names a child, and plain selectors such as `a` only ever name
/// descendants.
pub(crate) fn first_in<'a>(scope: ElementRef<'a>, css: &CssSelector) -> Option<ElementRef<'a>> {
    let sel = &css.selector;
    if sel.matches_with_scope(&scope, Some(scope)) && !sel.matches_with_scope(&scope, None) {
        return Some(scope);
    }
    scope.select(sel).next()
}

/// Every element matching `selector` in the document, in document order.
///
/// Walks the tree from its root rather than `Html::select`, which scans the
/// node arena: that scan still finds the descendants of detached (removed)
/// nodes, and its order is creation order, not always document order.
pub(crate) fn select_doc<'a, 'b>(
    doc: &'a Html,
    selector: &'b Selector,
) -> impl Iterator<Item = ElementRef<'a>> + use<'a, 'b> {
    doc.tree
        .root()
        .children()
        .filter_map(ElementRef::wrap)
        .flat_map(move |top| {
            let this = selector.matches(&top).then_some(top);
            this.into_iter().chain(top.select(selector))
        })
}

/// The value of `field` on the first match inside `scope`.
pub(crate) fn value_in(
    scope: ElementRef<'_>,
    field: &FieldSelector,
    fallback: Fallback,
) -> Option<String> {
    if !has_text_filter(field) {
        return first_in(scope, &field.css).and_then(|el| value_of(el, field, fallback));
    }
    let sel = &field.css.selector;
    let this = (sel.matches_with_scope(&scope, Some(scope))
        && !sel.matches_with_scope(&scope, None))
    .then_some(scope);
    this.into_iter()
        .chain(scope.select(sel))
        .find(|el| passes(*el, field))
        .and_then(|el| value_of(el, field, fallback))
}

/// True when the field keeps only some matches by their text.
fn has_text_filter(field: &FieldSelector) -> bool {
    field.contains.is_some() || field.matches.is_some()
}

/// True when `el`'s text (without the `exclude` descendants) passes the
/// field's `contains` and `matches`.
pub(crate) fn passes(el: ElementRef<'_>, field: &FieldSelector) -> bool {
    if !has_text_filter(field) {
        return true;
    }
    let text = folded_text_without(el, &field.exclude);
    field.contains.as_deref().is_none_or(|c| text.contains(c))
        && field.matches.as_ref().is_none_or(|re| re.is_match(&text))
}

/// The value of `field` on its first match in the document.
pub(crate) fn value_in_doc(
    doc: &Html,
    field: &FieldSelector,
    fallback: Fallback,
) -> Option<String> {
    select_doc(doc, &field.css.selector)
        .find(|el| passes(*el, field))
        .and_then(|el| value_of(el, field, fallback))
}

/// The value of `field` on the element it matched: the attribute (trimmed)
/// or the folded text, then the regex. Empty values are `None`.
pub(crate) fn value_of(
    el: ElementRef<'_>,
    field: &FieldSelector,
    fallback: Fallback,
) -> Option<String> {
    let attr = match (&field.attr, fallback) {
        (Some(name), _) => Some(name.as_str()),
        (None, Fallback::Href) => Some("href"),
        (None, Fallback::Text | Fallback::Date) if el.value().name() == "img" => Some("src"),
        (None, Fallback::Text | Fallback::Date) => None,
    };
    if let (None, Fallback::Date) = (attr, fallback) {
        if let Some(machine) = machine_date(el).and_then(|d| keep(d, field)) {
            return Some(machine);
        }
    }
    let raw = match attr {
        Some(name) => el.value().attr(name)?.trim().to_owned(),
        None => folded_text_without(el, &field.exclude),
    };
    keep(raw, field)
}

/// The `datetime` of a `<time>` or the `content` of a `<meta>`: `el`
/// itself, else the first such element below it.
fn machine_date(el: ElementRef<'_>) -> Option<String> {
    let value = |e: ElementRef<'_>| {
        let v = e.value();
        match v.name() {
            "time" => v.attr("datetime"),
            "meta" => v.attr("content"),
            _ => None,
        }
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
    };
    value(el).or_else(|| el.select(&MACHINE_DATE).find_map(value))
}

/// Applies the field's regex to `raw` (first group, else the whole match),
/// trims, and drops an empty result.
pub(crate) fn keep(raw: String, field: &FieldSelector) -> Option<String> {
    let kept = match &field.regex {
        None => raw,
        Some(re) => {
            let caps = re.captures(&raw)?;
            let m = if caps.len() > 1 {
                caps.get(1)
            } else {
                caps.get(0)
            };
            m?.as_str().trim().to_owned()
        }
    };
    (!kept.trim().is_empty()).then_some(kept)
}

/// [`folded_text_without`] with nothing excluded.
pub(crate) fn folded_text(el: ElementRef<'_>) -> String {
    folded_text_without(el, &[])
}

/// Every text node under `el` except those of `<script>`, `<style>` and
/// `<template>`, joined, with runs of whitespace folded to one space and the
/// ends trimmed. Entities are already decoded by the parser.
///
/// The text of descendants matching `exclude` is left out too (a "more…"
/// link in a summary, a view count in a date cell).
pub(crate) fn folded_text_without(el: ElementRef<'_>, exclude: &[CssSelector]) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for node in el.descendants() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().take_while(|a| a.id() != el.id()).any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "template"))
                || ElementRef::wrap(a)
                    .is_some_and(|a| exclude.iter().any(|x| x.selector.matches(&a)))
        });
        if hidden {
            continue;
        }
        for ch in text.chars() {
            if ch.is_whitespace() {
                pending_space = true;
            } else {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(ch);
            }
        }
    }
    out
}
