//! The list finder: repeated sibling elements that each carry a same-site
//! link with a title-like text, scored, and the best one's item selector.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use url::Url;

use super::dom::{self, LINKS, MAX_ELEMENTS, units};
use super::site::same_site;

/// Fewest entries a list has.
const MIN_ITEMS: usize = 3;
/// Most links of one item looked at.
const MAX_LINKS_PER_ITEM: usize = 12;

/// One scored candidate list.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The item selector (matches every entry and nothing else with a title).
    pub item: String,
    /// The entries and their title links, in page order.
    pub items: Vec<(NodeId, NodeId)>,
    /// Mean title weight ([`units`]).
    pub mean_title: f64,
    /// Share of entries with a date outside the title.
    pub dated: f64,
    /// The region outside the main content it sits in, if any.
    pub off_main: Option<String>,
    /// Mean number of links per entry.
    pub links_per_item: f64,
    /// The score (higher is better).
    pub score: f64,
}

impl Candidate {
    /// One line for stderr: selector, count and what the score is made of.
    pub fn describe(&self) -> String {
        format!(
            "`{}`: {} items, titles {:.0} units on average, {:.0}% dated, {:.1} links per item{}: score {:.0}",
            self.item,
            self.items.len(),
            self.mean_title,
            self.dated * 100.0,
            self.links_per_item,
            self.off_main
                .as_ref()
                .map(|r| format!(", inside {r} (menu, header, footer or side box)"))
                .unwrap_or_default(),
            self.score
        )
    }

    /// Whether it is good enough to be a section's list.
    pub fn acceptable(&self) -> bool {
        self.items.len() >= MIN_ITEMS
            && self.mean_title >= 12.0
            && self.score >= 30.0
            && (self.dated >= 0.5 || self.mean_title >= 16.0)
    }
}

/// The title link of a would-be entry: the same-site http(s) link with the
/// longest title-like text.
pub fn title_link<'a>(item: ElementRef<'a>, page: &Url) -> Option<ElementRef<'a>> {
    item.select(&LINKS)
        .take(MAX_LINKS_PER_ITEM)
        .filter(|a| {
            a.value()
                .attr("href")
                .and_then(|h| page.join(h.trim()).ok())
                .is_some_and(|u| matches!(u.scheme(), "http" | "https") && same_site(&u, page))
        })
        .filter_map(|a| {
            let t = dom::text(a);
            let t = if dom::title_like(&t) {
                t
            } else {
                a.value()
                    .attr("title")
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            dom::title_like(&t).then(|| (units(&t), a))
        })
        .max_by_key(|(u, _)| *u)
        .map(|(_, a)| a)
}

/// Every candidate list on the page, best first.
pub fn candidates(doc: &Html, page: &Url) -> Vec<Candidate> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for parent in doc
        .root_element()
        .descendants()
        .take(MAX_ELEMENTS)
        .filter_map(ElementRef::wrap)
    {
        let mut by_tag: HashMap<&str, Vec<ElementRef<'_>>> = HashMap::new();
        for child in parent.children().filter_map(ElementRef::wrap) {
            by_tag.entry(child.value().name()).or_default().push(child);
        }
        for (tag, members) in by_tag {
            if members.len() < MIN_ITEMS || matches!(tag, "script" | "style" | "option") {
                continue;
            }
            let with_link: Vec<ElementRef<'_>> = members
                .iter()
                .copied()
                .filter(|m| title_link(*m, page).is_some())
                .collect();
            if with_link.len() < MIN_ITEMS || with_link.len() * 5 < members.len() * 3 {
                continue;
            }
            let Some(item) = item_selector(doc, parent, tag, &with_link, page) else {
                continue;
            };
            if !seen.insert(item.clone()) {
                continue;
            }
            if let Some(c) = score(doc, &item, page) {
                out.push(c);
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// Scores the entries `item` matches.
fn score(doc: &Html, item: &str, page: &Url) -> Option<Candidate> {
    let sel = dom::parse(item)?;
    let items: Vec<(ElementRef<'_>, ElementRef<'_>)> = doc
        .select(&sel)
        .take(MAX_ELEMENTS)
        .filter_map(|el| title_link(el, page).map(|a| (el, a)))
        .collect();
    if items.is_empty() {
        return None;
    }
    let n = items.len() as f64;
    let mean_title = items
        .iter()
        .map(|(_, a)| full_title_units(*a).min(60) as f64)
        .sum::<f64>()
        / n;
    let dated = items
        .iter()
        .filter(|(el, a)| {
            let all = dom::text(*el);
            dom::has_date(&all.replacen(&dom::text(*a), " ", 1))
        })
        .count() as f64
        / n;
    let links_per_item = items
        .iter()
        .map(|(el, _)| el.select(&LINKS).take(50).count() as f64)
        .sum::<f64>()
        / n;
    let distinct: HashSet<&str> = items
        .iter()
        .filter_map(|(_, a)| a.value().attr("href"))
        .collect();
    let off_main = dom::off_main_region(items[0].0);
    let mut score = n.min(60.0).sqrt() * mean_title * (1.0 + 1.5 * dated);
    if off_main.is_some() {
        score *= 0.15;
    }
    if links_per_item > 4.0 {
        score *= 0.5;
    }
    score *= distinct.len() as f64 / n;
    Some(Candidate {
        item: item.to_owned(),
        items: items.iter().map(|(el, a)| (el.id(), a.id())).collect(),
        mean_title,
        dated,
        off_main,
        links_per_item,
        score,
    })
}

/// A selector matching the entries `members` (children `tag` of `parent`)
/// and no other element with a title link: classes and structure, the
/// nearest ancestor with an id or class as anchor, no `nth-child` chains.
fn item_selector(
    doc: &Html,
    parent: ElementRef<'_>,
    tag: &str,
    members: &[ElementRef<'_>],
    page: &Url,
) -> Option<String> {
    let mut common = dom::classes(members[0]);
    for m in &members[1..] {
        let cls = dom::classes(*m);
        common.retain(|c| cls.contains(c));
    }
    // One class names the item: the one fewest other elements carry
    // (`article.post`, not every WordPress class of the post).
    let class = common
        .iter()
        .filter_map(|c| {
            dom::parse(&format!(".{c}"))
                .map(|sel| (doc.select(&sel).take(MAX_ELEMENTS).count(), c.len(), c))
        })
        .min()
        .map(|(_, _, c)| c.clone());
    let common: Vec<String> = class.into_iter().collect();
    let mut item = tag.to_owned();
    for c in &common {
        item.push('.');
        item.push_str(c);
    }
    let mut tries = Vec::new();
    let mut chain: Vec<ElementRef<'_>> = Vec::new();
    let mut node = Some(parent);
    while let Some(el) = node {
        if matches!(el.value().name(), "html") || chain.len() >= 8 {
            break;
        }
        chain.push(el);
        node = el.parent().and_then(ElementRef::wrap);
    }
    for (k, anchor) in chain.iter().enumerate() {
        let named = dom::good_id(*anchor)
            .map(|id| format!("#{id}"))
            .or_else(|| {
                let cls = dom::classes(*anchor);
                (!cls.is_empty()).then(|| dom::tag_classes(*anchor, &cls[..cls.len().min(2)]))
            });
        let Some(named) = named else { continue };
        let between: Vec<&str> = chain[..k].iter().rev().map(|e| e.value().name()).collect();
        let mut css = named;
        if !between.is_empty() {
            css.push(' ');
            css.push_str(&between.join(" > "));
        }
        css.push_str(" > ");
        css.push_str(&item);
        tries.push(css);
    }
    if !common.is_empty() {
        tries.push(item.clone());
    }
    let path: Vec<&str> = chain.iter().rev().map(|e| e.value().name()).collect();
    tries.push(format!("{} > {item}", path.join(" > ")));
    let wanted: HashSet<NodeId> = members.iter().map(|m| m.id()).collect();
    let parent_sig = signature(parent);
    let grandparent = parent.parent().map(|g| g.id());
    // The rest of a list split into several `<ul>`s under one element may
    // match too; any other element with a title link may not.
    let same_build = |el: ElementRef<'_>| {
        el.value().name() == tag
            && el.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                signature(p) == parent_sig && p.parent().map(|g| g.id()) == grandparent
            })
    };
    tries.into_iter().find(|css| {
        let Some(sel) = dom::parse(css) else {
            return false;
        };
        let mut found = 0;
        for el in doc.select(&sel).take(MAX_ELEMENTS) {
            if wanted.contains(&el.id()) {
                found += 1;
            } else if !same_build(el) && title_link(el, page).is_some() {
                return false;
            }
        }
        found == wanted.len()
    })
}

/// Tag, id and classes of an element, to tell elements built alike.
fn signature(el: ElementRef<'_>) -> (String, Option<String>, Vec<String>) {
    (
        el.value().name().to_owned(),
        el.value().id().map(str::to_owned),
        dom::classes(el),
    )
}

/// The weight of a link's full title: its text, or its `title` attribute
/// when that holds more (a list that cuts its titles).
fn full_title_units(a: ElementRef<'_>) -> usize {
    let text = units(&dom::text(a));
    let attr = a.value().attr("title").map_or(0, units);
    text.max(attr)
}
