//! The sections of one site: ids, the parent tree, groups versus scraped
//! sections, list selectors.

use std::collections::HashMap;

use super::compile::{article, settings};
use super::fields::{self, FieldKind};
use super::path::{KeyPath, Problem, quoted_list};
use super::raw::{RawList, RawSection};
use super::spec::{ArticleSpec, ListSpec, PageTemplate, SectionSpec, Settings, SourceSpec};
use super::values::{self as v, Ctx};
use crate::model::SectionId;

/// Compiles every section of the site at `site_path`.
pub(super) fn sections(
    ctx: &mut Ctx<'_>,
    site_path: &KeyPath,
    site_settings: &Settings,
    site_article: Option<&ArticleSpec>,
    raw: &[RawSection],
) -> Option<Vec<SectionSpec>> {
    let path = site_path.key("sections");
    check_ids(ctx, &path, raw);
    check_parents(ctx, &path, raw);
    let out: Vec<_> = raw
        .iter()
        .enumerate()
        .map(|(i, s)| section(ctx, &path.index(i), site_settings, site_article, s))
        .collect();
    out.into_iter().collect()
}

/// Duplicate ids.
fn check_ids(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &[RawSection]) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, s) in raw.iter().enumerate() {
        let Some(id) = s.id.as_deref() else { continue };
        if let Some(j) = first.get(id) {
            ctx.push(
                Problem::new(
                    path.index(i).key("id"),
                    format!("duplicate section id `{id}`"),
                )
                .hint(format!(
                    "sections[{j}] already uses it; section ids must be unique within a site"
                )),
            );
        } else {
            first.insert(id, i);
        }
    }
}

/// Every `parent` names a section of the same site, and no chain loops.
fn check_parents(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &[RawSection]) {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in raw.iter().enumerate() {
        if let Some(id) = s.id.as_deref() {
            index.entry(id).or_insert(i);
        }
    }
    for (i, s) in raw.iter().enumerate() {
        let Some(parent) = s.parent.as_deref() else {
            continue;
        };
        if index.contains_key(parent) {
            if let Some(cycle) = cycle_from(raw, &index, i) {
                // Report a loop once, at its first section in file order.
                if cycle.iter().min() == Some(&i) {
                    let names: Vec<&str> = cycle
                        .iter()
                        .chain(cycle.first())
                        .filter_map(|&j| raw[j].id.as_deref())
                        .collect();
                    ctx.push(
                        Problem::new(path.index(i).key("parent"), format!("parent cycle: {}", arrows(&names)))
                            .hint("a section cannot be its own ancestor; remove one of these `parent` keys"),
                    );
                }
            }
            continue;
        }
        let mut others: Vec<&str> = Vec::new();
        for (j, other) in raw.iter().enumerate() {
            match other.id.as_deref() {
                Some(id) if j != i && !others.contains(&id) => others.push(id),
                _ => {}
            }
        }
        let hint = if others.is_empty() {
            "this site has no other section".to_owned()
        } else {
            format!("sections of this site: {}", quoted_list(others))
        };
        ctx.push(
            Problem::new(
                path.index(i).key("parent"),
                format!("unknown parent `{parent}`"),
            )
            .hint(hint),
        );
    }
}

/// The sections on the loop through `start`'s parents, if `start` is on one.
fn cycle_from(
    raw: &[RawSection],
    index: &HashMap<&str, usize>,
    start: usize,
) -> Option<Vec<usize>> {
    let mut chain = vec![start];
    let mut cur = start;
    while let Some(&next) = raw[cur].parent.as_deref().and_then(|p| index.get(p)) {
        if next == start {
            return Some(chain);
        }
        if chain.contains(&next) {
            return None; // a loop further up that `start` is not part of
        }
        chain.push(next);
        cur = next;
    }
    None
}

fn arrows(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" -> ")
}

fn section(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    site_settings: &Settings,
    site_article: Option<&ArticleSpec>,
    raw: &RawSection,
) -> Option<SectionSpec> {
    let id = ctx
        .required(
            &path.key("id"),
            raw.id.as_ref(),
            "a slug used in feed URLs, e.g. `local-news`",
        )
        .and_then(|id| v::slug(ctx, &path.key("id"), id))
        .and_then(|id| SectionId::new(&id));
    let title = ctx
        .required(
            &path.key("title"),
            raw.title.as_ref(),
            "the section's name, also the entries' category",
        )
        .and_then(|t| v::title(ctx, &path.key("title"), t));
    let parent = raw.parent.as_deref().and_then(SectionId::new);
    let source = source(ctx, path, raw);
    let article = match &raw.article {
        None => Some(site_article.cloned()),
        Some(a) => article(ctx, &path.key("article"), a).map(Some),
    };
    let settings = settings(ctx, path, site_settings, &raw.settings());
    if raw.parent.is_some() && parent.is_none() {
        return None; // reported by `check_parents` as an unknown parent
    }
    Some(SectionSpec {
        id: id?,
        title: title?,
        parent,
        source: source?,
        article: article?,
        settings,
    })
}

/// `url`, `pages`, `next_page` and `list`; `Some(None)` for a group.
fn source(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &RawSection) -> Option<Option<SourceSpec>> {
    let pages = match raw.pages {
        None => Some(1),
        Some(n) => {
            v::int_in(ctx, &path.key("pages"), n, 1..=100).and_then(|n| u32::try_from(n).ok())
        }
    };
    let next_page = match &raw.next_page {
        None => Some(None),
        Some(f) => fields::field(ctx, &path.key("next_page"), f, FieldKind::Link).map(Some),
    };
    let list = raw.list.as_ref().map(|l| list(ctx, &path.key("list"), l));
    let base = raw.url.as_deref().and_then(|u| url::Url::parse(u).ok());
    let page_url = match &raw.page_url {
        None => Some(None),
        Some(t) => match PageTemplate::parse(t, base.as_ref()) {
            Ok(t) => Some(Some(t)),
            Err(e) => {
                ctx.push(
                    Problem::new(path.key("page_url"), e)
                        .hint("e.g. `index_{i}.html` (TRS: page 2 is index_1.html), `?page={p}`, `list_{p}.shtml`"),
                );
                None
            }
        },
    };
    let Some(url) = &raw.url else {
        if ctx.was_removed(&path.key("url")) {
            return None; // a wrong `url`, already reported
        }
        let extra: Vec<&str> = [
            ("list", raw.list.is_some()),
            ("pages", raw.pages.is_some()),
            ("next_page", raw.next_page.is_some()),
            ("page_url", raw.page_url.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, present)| present.then_some(k))
        .collect();
        if let Some(first) = extra.first() {
            let them = if extra.len() == 1 { "it" } else { "them" };
            ctx.push(
                Problem::new(
                    path.key(first),
                    format!(
                        "a group (a section without `url`) cannot have {}",
                        quoted_list(extra.iter().copied())
                    ),
                )
                .hint(format!("add `url` or remove {them}")),
            );
            return None;
        }
        return Some(None);
    };
    let url = v::http_url(ctx, &path.key("url"), url);
    let Some(list) = list else {
        ctx.push(
            Problem::new(path.key("list"), "a section with `url` needs a `list` table")
                .hint("add `[sites.sections.list]` with `item`, `link` and `title`, or remove `url` to make a group"),
        );
        return None;
    };
    Some(Some(SourceSpec {
        url: url?,
        pages: pages?,
        next_page: next_page?,
        page_url: page_url?,
        list: list?,
    }))
}

/// `[sites.sections.list]`.
fn list(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &RawList) -> Option<ListSpec> {
    let item = ctx
        .required(
            &path.key("item"),
            raw.item.as_ref(),
            "the CSS selector of one entry, e.g. `ul.list > li`",
        )
        .and_then(|s| fields::css(ctx, &path.key("item"), s));
    let link = ctx
        .required(
            &path.key("link"),
            raw.link.as_ref(),
            "the entry's link inside the item, e.g. `a`",
        )
        .and_then(|f| fields::field(ctx, &path.key("link"), f, FieldKind::Link));
    let title = ctx
        .required(
            &path.key("title"),
            raw.title.as_ref(),
            "the entry's title inside the item, e.g. `a`",
        )
        .and_then(|f| fields::field(ctx, &path.key("title"), f, FieldKind::Text));
    let date = match &raw.date {
        None => Some(None),
        Some(f) => fields::field(ctx, &path.key("date"), f, FieldKind::Date).map(Some),
    };
    let summary = match &raw.summary {
        None => Some(None),
        Some(f) => fields::field(ctx, &path.key("summary"), f, FieldKind::Text).map(Some),
    };
    let author = match &raw.author {
        None => Some(None),
        Some(f) => fields::field(ctx, &path.key("author"), f, FieldKind::Text).map(Some),
    };
    let category = match &raw.category {
        None => Some(None),
        Some(f) => fields::field(ctx, &path.key("category"), f, FieldKind::Text).map(Some),
    };
    Some(ListSpec {
        item: item?,
        link: link?,
        title: title?,
        date: date?,
        summary: summary?,
        author: author?,
        category: category?,
    })
}
