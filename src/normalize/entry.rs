//! Assembling one [`Entry`] from a list item and (maybe) its article.

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use url::Url;

use crate::config::spec::{SectionSpec, SiteSpec};
use crate::extract::{RawArticle, RawItem};
use crate::model::{Entry, EntryId};
use crate::scrape::FieldProblem;

use super::dates::{DateParts, DateRules};
use super::dating::Dating;

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
pub fn build(input: &Input<'_>) -> (Entry, Vec<FieldProblem>, Dating) {
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

    let rules = |formats| DateRules {
        tz: input.site.timezone,
        formats,
        day_first: super::day_first_language(input.site.language.as_deref()),
        compact: true,
    };
    let article_rules = rules(article_formats);
    let list_rules = rules(list_formats);
    let article_date = article
        .and_then(|a| a.date.as_deref())
        .map(|t| (t, super::find_date(t, &article_rules, input.now)));
    let list_date = input
        .item
        .date
        .as_deref()
        .map(|t| (t, super::find_date(t, &list_rules, input.now)));
    for (field, date) in [("article.date", &article_date), ("date", &list_date)] {
        if let Some((text, None)) = date {
            problem(
                field,
                format!("no date understood in `{}`", super::fold_whitespace(text)),
            );
        }
    }
    let (published, dating) = settle_own_date(
        article_date.and_then(|(_, d)| d),
        list_date.and_then(|(_, d)| d),
        input,
    );

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
    let author = non_empty(article.and_then(|a| a.author.as_deref()))
        .or_else(|| non_empty(input.item.author.as_deref()));
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
        position: 0,
        updated: input.now,
        categories: std::iter::once(input.section.title.clone())
            .chain(non_empty(input.item.category.as_deref()).filter(|c| *c != input.section.title))
            .collect(),
        image,
    };
    (entry, problems, dating)
}

/// The entry's date from its own article and list item. Article over list,
/// except that on the same day the one with a time wins (list `2016-11-22
/// 09:53`, article `2016-11-22` is 09:53). A month-day takes its year from
/// the other date, else from the URL (`/201710/t20171020_…`,
/// `/2016/11/22/`); failing both it stays [`Dating::Yearless`].
fn settle_own_date(
    article: Option<DateParts>,
    list: Option<DateParts>,
    input: &Input<'_>,
) -> (Option<DateTime<FixedOffset>>, Dating) {
    let tz = input.site.timezone;
    let full = |d: &Option<DateParts>| {
        d.filter(DateParts::has_year)
            .and_then(|d| d.place(tz, input.now))
    };
    let year = full(&article)
        .or_else(|| full(&list))
        .map(|d| d.with_timezone(&tz).year())
        .or_else(|| super::dating::year_in_url(input.url));
    let placed = |d: Option<DateParts>| {
        let d = d?;
        match (d.has_year(), year) {
            (true, _) => d.place(tz, input.now).map(|at| (at, d.has_time())),
            (false, Some(year)) => d.in_year(year, tz).map(|at| (at, d.has_time())),
            (false, None) => None,
        }
    };
    let same_day = |a: DateTime<FixedOffset>, b: DateTime<FixedOffset>| {
        a.with_timezone(&tz).date_naive() == b.with_timezone(&tz).date_naive()
    };
    let published = match (placed(article), placed(list)) {
        (Some((a, false)), Some((l, true))) if same_day(a, l) => Some(l),
        (Some((a, _)), _) => Some(a),
        (None, Some((l, _))) => Some(l),
        (None, None) => None,
    };
    let dating = match (published, article.or(list)) {
        (Some(_), _) => Dating::Dated,
        (None, Some(parts)) => Dating::Yearless(parts),
        (None, None) => Dating::Undated,
    };
    (published, dating)
}

/// Folded text, or `None` when there is none.
fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(super::fold_whitespace).filter(|s| !s.is_empty())
}
