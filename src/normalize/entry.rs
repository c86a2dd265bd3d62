//! Assembling one [`Entry`] from a list item and (maybe) its article.

use chrono::{DateTime, Utc};
use url::Url;

use crate::config::spec::{SectionSpec, SiteSpec};
use crate::extract::{RawArticle, RawItem};
use crate::model::{Entry, EntryId};
use crate::scrape::FieldProblem;

/// Length of a generated summary, in characters.
pub const SUMMARY_CHARS: usize = 300;

/// What one entry is made of.
#[derive(Debug)]
pub struct Input<'a> {
    /// The site (zone, date rules).
    pub site: &'a SiteSpec,
    /// The section (category, list date formats).
    pub section: &'a SectionSpec,
    /// The list item.
    pub item: &'a RawItem,
    /// The item's canonical URL.
    pub url: &'a Url,
    /// The article's raw parts and the URL its links resolve against.
    pub article: Option<(&'a RawArticle, &'a Url)>,
    /// Now (first-seen time).
    pub now: DateTime<Utc>,
}

/// Builds the entry; the problems say which fields were missing or not
/// understood. Article values win over list values.
pub fn build(input: &Input<'_>) -> (Entry, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, problem: String| {
        problems.push(FieldProblem { field, problem });
    };
    let article = input.article.map(|(a, _)| a);
    let list_formats = input
        .section
        .source
        .as_ref()
        .and_then(|s| s.list.date.as_ref())
        .map(|f| f.formats.as_slice())
        .unwrap_or_default();
    let article_formats = input
        .section
        .article
        .as_ref()
        .and_then(|a| a.date.as_ref())
        .map(|f| f.formats.as_slice())
        .unwrap_or_default();

    let list_title = non_empty(input.item.title.as_deref());
    let article_title = non_empty(article.and_then(|a| a.title.as_deref()));
    let title = match article_title.or(list_title) {
        Some(t) => t,
        None => {
            problem(
                "title",
                "selector matched nothing; the link is used".to_owned(),
            );
            input.url.to_string()
        }
    };

    let parse = |text: &str, formats: &[String]| {
        super::parse_date(text, input.site.timezone, formats, input.now)
    };
    let article_date = article
        .and_then(|a| a.date.as_deref())
        .map(|d| (d, parse(d, article_formats)));
    let list_date = input
        .item
        .date
        .as_deref()
        .map(|d| (d, parse(d, list_formats)));
    for (field, date) in [("article.date", &article_date), ("date", &list_date)] {
        if let Some((text, None)) = date {
            problem(
                field,
                format!("no date understood in `{}`", super::fold_whitespace(text)),
            );
        }
    }
    let published = article_date
        .and_then(|(_, d)| d)
        .or(list_date.and_then(|(_, d)| d));
    // Also when the list or the article had a date field whose text held no
    // date: the entry is undated either way.
    if published.is_none() {
        problem(
            "date",
            "no date on the list or the article; the first-seen time is used".to_owned(),
        );
    }

    let content_html = match (input.article, article.map(|a| a.content_html.as_deref())) {
        (Some((_, base)), Some(Some(html))) => {
            let clean = super::sanitize_html(html, base);
            (!clean.trim().is_empty()).then_some(clean)
        }
        (Some(_), _) => {
            problem("article.content", "selector matched nothing".to_owned());
            None
        }
        (None, _) => None,
    };

    let summary = non_empty(input.item.summary.as_deref()).or_else(|| {
        content_html
            .as_deref()
            .map(|html| super::excerpt(html, SUMMARY_CHARS))
            .filter(|s| !s.is_empty())
    });
    let author = non_empty(article.and_then(|a| a.author.as_deref()));
    let image = content_html.as_deref().and_then(super::first_image);

    let entry = Entry {
        id: EntryId(input.url.to_string()),
        url: input.url.to_string(),
        title,
        summary,
        content_html,
        author,
        published,
        first_seen: input.now,
        updated: input.now,
        categories: vec![input.section.title.clone()],
        image,
    };
    (entry, problems)
}

/// Folded text, or `None` when there is none.
fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(super::fold_whitespace).filter(|s| !s.is_empty())
}
