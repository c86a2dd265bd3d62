//! One field selector applied to a page or an item: find the first match,
//! take its text or an attribute, then keep what the regex keeps.

use scraper::{ElementRef, Html, Node, Selector};

use crate::config::spec::{CssSelector, FieldSelector};

/// What a field yields when its selector names no `attr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fallback {
    /// The element's text (`src` for an `<img>`).
    Text,
    /// The element's `href` (links and the next page).
    Href,
}

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

/// The first element matching `css` in the whole document.
pub(crate) fn first_in_doc<'a>(doc: &'a Html, css: &CssSelector) -> Option<ElementRef<'a>> {
    select_doc(doc, &css.selector).next()
}

/// The value of `field` on the first match inside `scope`.
pub(crate) fn value_in(
    scope: ElementRef<'_>,
    field: &FieldSelector,
    fallback: Fallback,
) -> Option<String> {
    first_in(scope, &field.css).and_then(|el| value_of(el, field, fallback))
}

/// The value of `field` on its first match in the document.
pub(crate) fn value_in_doc(
    doc: &Html,
    field: &FieldSelector,
    fallback: Fallback,
) -> Option<String> {
    first_in_doc(doc, &field.css).and_then(|el| value_of(el, field, fallback))
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
        (None, Fallback::Text) if el.value().name() == "img" => Some("src"),
        (None, Fallback::Text) => None,
    };
    let raw = match attr {
        Some(name) => el.value().attr(name)?.trim().to_owned(),
        None => folded_text(el),
    };
    keep(raw, field)
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

/// Every text node under `el` except those of `<script>`, `<style>` and
/// `<template>`, joined, with runs of whitespace folded to one space and the
/// ends trimmed. Entities are already decoded by the parser.
pub(crate) fn folded_text(el: ElementRef<'_>) -> String {
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
