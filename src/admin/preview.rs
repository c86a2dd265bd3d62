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
use crate::scrape::{self, FieldProblem, Previous, ScrapeError, ScrapeOptions, ScrapeOutcome};

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
            out.field = match &e {
                ScrapeError::NothingMatched { .. } => Some("list.item".to_owned()),
                ScrapeError::Fetch(_) => Some("url".to_owned()),
                ScrapeError::Group { .. } | ScrapeError::Parse { .. } => Some("url".to_owned()),
                ScrapeError::OutOfTime(_) => None,
            };
            out.error = Some(e.to_string());
        }
        Ok(Ok(ScrapeOutcome::NotModified)) => {
            out.ok = true;
        }
        Ok(Ok(ScrapeOutcome::Scraped(report))) => {
            out.left_out = report.left_out;
            out.pages = report
                .pages
                .iter()
                .map(|(url, items)| PageRow {
                    url: url.clone(),
                    items: *items,
                })
                .collect();
            for item in &report.items {
                let entry = item
                    .entry_id
                    .as_ref()
                    .and_then(|id| report.entries.iter().find(|e| &e.id == id));
                let mut fields = BTreeMap::new();
                let pair = |raw: &Option<String>, value: Option<String>| FieldValue {
                    raw: raw.clone(),
                    value,
                };
                fields.insert(
                    "title",
                    pair(&item.raw.title, entry.map(|e| e.title.clone())),
                );
                fields.insert("link", pair(&item.raw.link, entry.map(|e| e.url.clone())));
                fields.insert(
                    "date",
                    pair(
                        &item.raw.date,
                        entry.and_then(|e| e.published).map(|d| d.to_rfc3339()),
                    ),
                );
                fields.insert(
                    "summary",
                    pair(&item.raw.summary, entry.and_then(|e| e.summary.clone())),
                );
                if let Some(a) = &item.article {
                    fields.insert(
                        "article.title",
                        pair(&a.title, entry.map(|e| e.title.clone())),
                    );
                    fields.insert(
                        "article.date",
                        pair(
                            &a.date,
                            entry.and_then(|e| e.published).map(|d| d.to_rfc3339()),
                        ),
                    );
                    fields.insert(
                        "article.author",
                        pair(&a.author, entry.and_then(|e| e.author.clone())),
                    );
                    fields.insert(
                        "article.content",
                        FieldValue {
                            raw: a
                                .content_html
                                .as_ref()
                                .map(|h| format!("{} bytes of HTML", h.len())),
                            value: entry.and_then(|e| e.content_html.clone()),
                        },
                    );
                }
                out.items.push(Item {
                    link: item.link.clone(),
                    title: item.title.clone(),
                    problems: item.problems.clone(),
                    fields,
                });
            }
            out.entries = report
                .entries
                .iter()
                .map(|e| PreviewEntry {
                    id: e.id.to_string(),
                    url: e.url.clone(),
                    title: e.title.clone(),
                    date: e.published.map(|d| d.to_rfc3339()),
                    author: e.author.clone(),
                    summary: e.summary.clone(),
                    content_html: e.content_html.clone(),
                })
                .collect();
            out.ok = !out.entries.is_empty();
            if !out.ok {
                out.field = Some("list.link".to_owned());
                out.error = Some("items matched but none had a usable link".to_owned());
            }
        }
    }
    Ok(Json(out).into_response())
}
