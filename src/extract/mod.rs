//! Compiled selectors applied to a page: a list page gives raw items, an
//! article page gives the raw parts of one article. Nothing is normalized
//! here; values are the text or attribute as found.

pub(crate) mod field;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use scraper::{Html, Selector};
use serde::{Deserialize, Serialize};

use crate::config::spec::{ArticleSpec, CssSelector, FieldSelector, ListSpec};
use field::Fallback;

/// `base[href]`, compiled once.
static BASE: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("base[href]").expect("valid selector") // ok: a constant selector, covered by the tests
});

/// One entry as a list page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawItem {
    /// Text of the title selector.
    pub title: Option<String>,
    /// The link (`href`), as written (maybe relative).
    pub link: Option<String>,
    /// Text of the date selector.
    pub date: Option<String>,
    /// Text of the summary selector.
    pub summary: Option<String>,
    /// Text of the list's author selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Text of the list's category selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// What one list page yields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    /// One per `item` match, in page order.
    pub items: Vec<RawItem>,
    /// The next page's link, as written.
    pub next_page: Option<String>,
    /// `<base href>` if the page has one.
    pub base_href: Option<String>,
}

/// The raw parts of an article page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawArticle {
    /// Text of the title selector.
    pub title: Option<String>,
    /// Inner HTML of the content selector, `remove` applied.
    pub content_html: Option<String>,
    /// Text of the date selector.
    pub date: Option<String>,
    /// Text (or regex group) of the author selector.
    pub author: Option<String>,
    /// `<base href>` if the page has one.
    pub base_href: Option<String>,
}

/// Reads a list page: one [`RawItem`] per match of `list.item`, each field
/// taken from the first match of its selector inside the item, plus the
/// next page's link (first match in the page) and `<base href>`.
///
/// Field rules: the first match whose text (without the `exclude`
/// descendants) contains `contains` and matches `matches` counts; the value
/// is the attribute `attr` when set (`href` by default for `link` and
/// `next_page`, `src` for an `<img>` match), else for a date the
/// `datetime` of a `<time>` or the `content` of a `<meta>` (the element or
/// the first one below it), else the element's text with whitespace folded
/// (script and style text and the `exclude` descendants left out); then
/// `regex` keeps its first group (or the whole match); no match or an empty
/// value gives `None`. Item fields select descendants of the item;
/// a selector built on `:scope` (`:scope`, `:scope.top`) may name the item
/// element itself.
pub fn list_page(html: &str, list: &ListSpec, next_page: Option<&FieldSelector>) -> ListPage {
    let doc = Html::parse_document(html);
    let items = field::select_doc(&doc, &list.item.selector)
        .map(|item| RawItem {
            title: field::value_in(item, &list.title, Fallback::Text),
            link: field::value_in(item, &list.link, Fallback::Href),
            date: list
                .date
                .as_ref()
                .and_then(|f| field::value_in(item, f, Fallback::Date)),
            summary: list
                .summary
                .as_ref()
                .and_then(|f| field::value_in(item, f, Fallback::Text)),
            author: list
                .author
                .as_ref()
                .and_then(|f| field::value_in(item, f, Fallback::Text)),
            category: list
                .category
                .as_ref()
                .and_then(|f| field::value_in(item, f, Fallback::Text)),
        })
        .collect();
    ListPage {
        items,
        next_page: next_page.and_then(|f| field::value_in_doc(&doc, f, Fallback::Href)),
        base_href: base_href(&doc),
    }
}

/// Reads an article page: drops every element matching `article.remove`
/// from the whole page first, then takes the inner HTML of the first
/// `content` match (its `attr`, when set, instead; `regex` applies to the
/// HTML) and the `title`, `date` and `author` values by the rules of
/// [`list_page`], searched in the whole document.
pub fn article_page(html: &str, article: &ArticleSpec) -> RawArticle {
    let mut doc = Html::parse_document(html);
    remove_all(&mut doc, &article.remove);
    let content_html = article.content.as_ref().and_then(|f| {
        let el = field::select_doc(&doc, &f.css.selector).find(|el| field::passes(*el, f))?;
        match &f.attr {
            Some(_) => field::value_of(el, f, Fallback::Text),
            None => field::keep(el.inner_html(), f),
        }
    });
    let text = |f: &Option<FieldSelector>| {
        f.as_ref()
            .and_then(|f| field::value_in_doc(&doc, f, Fallback::Text))
    };
    RawArticle {
        title: text(&article.title),
        content_html,
        date: article
            .date
            .as_ref()
            .and_then(|f| field::value_in_doc(&doc, f, Fallback::Date)),
        author: text(&article.author),
        base_href: base_href(&doc),
    }
}

/// Detaches every element matching one of `remove` from the tree.
fn remove_all(doc: &mut Html, remove: &[CssSelector]) {
    for css in remove {
        let ids: Vec<_> = field::select_doc(doc, &css.selector)
            .map(|el| el.id())
            .collect();
        for id in ids {
            if let Some(mut node) = doc.tree.get_mut(id) {
                node.detach();
            }
        }
    }
}

/// The `href` of the first `<base>` element, trimmed, if not empty.
fn base_href(doc: &Html) -> Option<String> {
    field::select_doc(doc, &BASE)
        .find_map(|el| el.value().attr("href"))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
}
