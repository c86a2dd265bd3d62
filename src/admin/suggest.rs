//! `POST /api/suggest {"url": …}`: a section config found from a list
//! page's URL alone (see [`crate::suggest`]); nothing is saved.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use url::Url;

use super::ApiError;
use crate::app::AppState;
use crate::config::raw::RawSection;
use crate::suggest::{self, SuggestError, SuggestOptions};

/// Longest a suggestion may take (a list page and 3 articles).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The answer.
#[derive(Debug, Serialize)]
pub struct Suggested {
    /// The site the section belongs to (an existing one for this host, or
    /// the id suggested for a new one).
    pub site: String,
    /// Whether the config already has that site (else `config` holds the
    /// `[[sites]]` block to add first).
    pub site_exists: bool,
    /// The section as the admin API's section JSON (with its own `article`
    /// unless the site's fits).
    pub section: RawSection,
    /// What to paste into the config file, commented.
    pub config: String,
    /// The candidates weighed and why one was chosen.
    pub report: Vec<String>,
}

/// `POST /api/suggest` with `{"url": "http://…/list/"}`.
pub async fn suggest(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Suggested>, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("bad JSON: {e}")))?;
    let text = value.get("url").and_then(|v| v.as_str()).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "`url` is required").field("url")
    })?;
    let url = Url::parse(text.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("`{text}` is not an absolute http(s) URL"),
            )
            .field("url")
        })?;
    let config = state.config();
    // The config's own settings for this host (user agent, allow_private):
    // the admin API reaches no address the config would not.
    let opts = SuggestOptions {
        ids: None,
        settings: suggest::settings_for(&config, &url),
        existing: Some(((*config).clone(), "the config file".to_owned())),
    };
    let found = tokio::time::timeout(TIME_LIMIT, suggest::suggest(&state.fetcher, &url, &opts))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                format!("no answer within {}s", TIME_LIMIT.as_secs()),
            )
            .field("url")
        })?
        .map_err(|e| {
            let status = match e {
                SuggestError::Fetch { .. } => StatusCode::BAD_GATEWAY,
                SuggestError::NoList { .. } | SuggestError::Parse(_) => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                SuggestError::SelfCheck { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            };
            ApiError::new(status, e.to_string()).field("url")
        })?;
    let full = suggest::writer::config(&found);
    let raw = crate::config::parse_raw(&full, "suggested config").map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("suggested config: {e}"),
        )
    })?;
    let site = raw.sites.into_iter().next();
    let mut section = site
        .as_ref()
        .and_then(|s| s.sections.first().cloned())
        .unwrap_or_default();
    if !found.reuse_site_article {
        section.article = site.and_then(|s| s.article);
    }
    Ok(Json(Suggested {
        site: found.site.id.clone(),
        site_exists: found.existing_site.is_some(),
        section,
        config: found.text,
        report: found.report,
    }))
}
