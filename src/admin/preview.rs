//! `POST /api/preview`: fetch and extract a section config without saving
//! anything, and say per entry what each field found and what it became.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Serialize;

use super::ApiError;
use super::api::{load_raw, parse_section, upsert, validate};
use crate::app::AppState;
use crate::config::raw::RawArticle;
use crate::config::spec::{FieldSelector, SectionSpec, SiteSpec};
use crate::model::Entry;
use crate::scrape::{
    self, FieldProblem, ItemReport, Previous, ScrapeOptions, ScrapeOutcome, ScrapeReport,
};

/// Most list pages a preview follows.
const MAX_PAGES: u32 = 2;
/// Most article pages a preview fetches.
const MAX_ARTICLES: usize = 10;
/// Longest a preview may take.
const TIME_LIMIT: Duration = Duration::from_secs(60);

#[derive(Serialize)]
struct FieldValue {
    raw: Option<String>,
    value: Option<String>,
    /// The field's `contains` / `matches` / `exclude`, when it has any:
    /// what picked or trimmed the raw value.
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
}

#[derive(Serialize)]
struct Item {
    link: Option<String>,
    title: Option<String>,
    problems: Vec<FieldProblem>,
    fields: BTreeMap<&'static str, FieldValue>,
}

#[derive(Serialize)]
struct PreviewEntry {
    id: String,
    url: String,
    title: String,
    date: Option<String>,
    author: Option<String>,
    summary: Option<String>,
    content_html: Option<String>,
}

#[derive(Serialize)]
struct PageRow {
    url: String,
    items: usize,
}

#[derive(Serialize, Default)]
struct Preview {
    ok: bool,
    error: Option<String>,
    field: Option<String>,
    pages: Vec<PageRow>,
    /// Paging and charset warnings, as `/healthz` and `scrape` word them.
    warnings: Vec<String>,
    /// Items past the first `max_items`, not considered.
    left_out: usize,
    entries: Vec<PreviewEntry>,
    items: Vec<Item>,
}

/// `POST /api/preview` with `{"site", "section", "article"?}`.
pub async fn preview(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("bad JSON: {e}")))?;
    let site_id = value
        .get("site")
        .and_then(|v| v.as_str())
        .ok_or_else(|| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "`site` is required").field("site")
        })?
        .to_owned();
    let section_json = value.get("section").ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "`section` is required").field("section")
    })?;
    let (_, mut raw_section) = parse_section(&Bytes::from(section_json.to_string()))?;
    if let Some(article) = value.get("article").filter(|a| !a.is_null()) {
        let article: RawArticle = serde_path_to_error::deserialize(article).map_err(|e| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.inner().to_string())
                .field(format!("article.{}", e.path()))
        })?;
        raw_section.article = Some(article);
    }
    let id = raw_section
        .id
        .clone()
        .unwrap_or_else(|| "preview".to_owned());
    raw_section.id = Some(id.clone());

    // The section in the context of its site, as the file would have it.
    let (_, _, mut raw) = load_raw(&state).await?;
    let si = raw
        .sites
        .iter()
        .position(|s| s.id.as_deref() == Some(site_id.as_str()))
        .ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, format!("no site `{site_id}`")).field("site")
        })?;
    let index = upsert(&mut raw.sites[si].sections, raw_section);
    let config = validate(&raw, si, Some(index))?;
    let site = config
        .sites
        .get(si)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no site"))?;
    let mut section = site
        .section(&id)
        .cloned()
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no section"))?;
    let Some(source) = section.source.as_mut() else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a group has no url to preview",
        )
        .field("url"));
    };
    source.pages = source.pages.min(MAX_PAGES);

    let opts = ScrapeOptions {
        fetch_articles: section.settings.fetch_articles,
        now: Utc::now(),
        article_limit: MAX_ARTICLES,
    };
    let previous = Previous::default();
    let run = scrape::scrape_section(&state.fetcher, site, &section, &previous, opts);
    let result = tokio::time::timeout(TIME_LIMIT, run).await;
    let mut out = Preview::default();
    match result {
        Err(_) => {
            out.error = Some(format!(
                "the preview took longer than {}s",
                TIME_LIMIT.as_secs()
            ));
        }
        Ok(Err(e)) => {
            out.field = e.field().map(str::to_owned);
            out.error = Some(e.to_string());
        }
        Ok(Ok(ScrapeOutcome::NotModified)) => out.ok = true,
        Ok(Ok(ScrapeOutcome::Scraped(report))) => {
            out.ok = true;
            out.left_out = report.left_out;
            out.pages = report
                .pages
                .iter()
                .map(|(url, items)| PageRow {
                    url: url.clone(),
                    items: *items,
                })
                .collect();
            out.warnings = report.warning_lines();
            let rules = Rules::of(site, &section);
            out.items = report
                .items
                .iter()
                .map(|item| preview_item(item, &report, &rules))
                .collect();
            out.entries = report.entries.iter().map(PreviewEntry::of).collect();
        }
    }
    Ok(Json(out).into_response())
}

impl PreviewEntry {
    fn of(e: &Entry) -> Self {
        Self {
            id: e.id.to_string(),
            url: e.url.clone(),
            title: e.title.clone(),
            date: e.published.map(|d| d.to_rfc3339()),
            author: e.author.clone(),
            summary: e.summary.clone(),
            content_html: e.content_html.clone(),
        }
    }
}

/// The text rules (`contains`, `matches`, `exclude`) of each previewed
/// field, by its name in the preview.
struct Rules(BTreeMap<&'static str, String>);

impl Rules {
    fn of(site: &SiteSpec, section: &SectionSpec) -> Self {
        let mut map = BTreeMap::new();
        let mut add = |name: &'static str, f: Option<&FieldSelector>| {
            if let Some(rule) = f.and_then(describe_rule) {
                map.insert(name, rule);
            }
        };
        if let Some(src) = &section.source {
            let l = &src.list;
            add("title", Some(&l.title));
            add("link", Some(&l.link));
            add("date", l.date.as_ref());
            add("summary", l.summary.as_ref());
            add("author", l.author.as_ref());
            add("category", l.category.as_ref());
            add("next_page", src.next_page.as_ref());
        }
        if let Some(a) = section.article.as_ref().or(site.article.as_ref()) {
            add("article.title", a.title.as_ref());
            add("article.date", a.date.as_ref());
            add("article.author", a.author.as_ref());
            add("article.content", a.content.as_ref());
        }
        Self(map)
    }

    fn get(&self, field: &str) -> Option<String> {
        self.0.get(field).cloned()
    }
}

/// `contains `下一页`; exclude `a.more`, `.views``, or `None` without rules.
fn describe_rule(f: &FieldSelector) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(c) = &f.contains {
        parts.push(format!("contains `{c}`"));
    }
    if let Some(m) = &f.matches {
        parts.push(format!("matches `{}`", m.as_str()));
    }
    if !f.exclude.is_empty() {
        let list: Vec<String> = f
            .exclude
            .iter()
            .map(|x| format!("`{}`", x.source))
            .collect();
        parts.push(format!("exclude {}", list.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// One item of the preview: each field as found and as it became.
fn preview_item(item: &ItemReport, report: &ScrapeReport, rules: &Rules) -> Item {
    let entry = item
        .entry_id
        .as_ref()
        .and_then(|id| report.entries.iter().find(|e| &e.id == id));
    let date = entry.and_then(|e| e.published).map(|d| d.to_rfc3339());
    let mut fields = BTreeMap::new();
    let mut put = |name: &'static str, raw: Option<String>, value: Option<String>| {
        fields.insert(
            name,
            FieldValue {
                raw,
                value,
                rule: rules.get(name),
            },
        );
    };
    let raw = &item.raw;
    put("title", raw.title.clone(), entry.map(|e| e.title.clone()));
    put("link", raw.link.clone(), entry.map(|e| e.url.clone()));
    put("date", raw.date.clone(), date.clone());
    put(
        "summary",
        raw.summary.clone(),
        entry.and_then(|e| e.summary.clone()),
    );
    if raw.author.is_some() || rules.get("author").is_some() {
        put(
            "author",
            raw.author.clone(),
            entry.and_then(|e| e.author.clone()),
        );
    }
    if raw.category.is_some() || rules.get("category").is_some() {
        put(
            "category",
            raw.category.clone(),
            entry.map(|e| e.categories.join(", ")),
        );
    }
    if let Some(a) = &item.article {
        put(
            "article.title",
            a.title.clone(),
            entry.map(|e| e.title.clone()),
        );
        put("article.date", a.date.clone(), date);
        put(
            "article.author",
            a.author.clone(),
            entry.and_then(|e| e.author.clone()),
        );
        put(
            "article.content",
            a.content_html
                .as_ref()
                .map(|h| format!("{} bytes of HTML", h.len())),
            entry.and_then(|e| e.content_html.clone()),
        );
    }
    Item {
        link: item.link.clone(),
        title: item.title.clone(),
        problems: item.problems.clone(),
        fields,
    }
}
