//! Compiled selectors applied to a page: a list page gives raw items, an
//! article page gives the raw parts of one article. Nothing is normalized
//! here; values are the text or attribute as found.

use serde::{Deserialize, Serialize};

use crate::config::spec::{ArticleSpec, FieldSelector, ListSpec};

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

/// Reads a list page.
pub fn list_page(html: &str, list: &ListSpec, next_page: Option<&FieldSelector>) -> ListPage {
    let _ = (html, list, next_page);
    ListPage::default()
}

/// Reads an article page.
pub fn article_page(html: &str, article: &ArticleSpec) -> RawArticle {
    let _ = (html, article);
    RawArticle::default()
}
