//! `/healthz` and `/metrics`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::AppState;

#[derive(Serialize)]
struct SectionHealth {
    site: String,
    section: String,
    state: &'static str,
    last_success: Option<DateTime<Utc>>,
    last_attempt: Option<DateTime<Utc>>,
    last_error: Option<String>,
    consecutive_failures: u32,
    entries: usize,
    next_scrape: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct HealthReport {
    status: &'static str,
    config_error: Option<String>,
    sections: Vec<SectionHealth>,
}

/// `GET /healthz`: each section's state; `503` only when every scraped
/// section is failing (the service itself is up otherwise).
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let config = state.config();
    let now = Utc::now();
    let mut sections = Vec::new();
    for site in &config.sites {
        for section in site.sections.iter().filter(|s| !s.is_group()) {
            let key = (site.id.clone(), section.id.clone());
            let data = state.store.section(&key).unwrap_or_default();
            let s = data.health.state(section.settings.interval, now);
            sections.push(SectionHealth {
                site: site.id.to_string(),
                section: section.id.to_string(),
                state: super::pages::health_name(s),
                last_success: data.health.last_success,
                last_attempt: data.health.last_attempt,
                last_error: data
                    .health
                    .last_error
                    .as_deref()
                    .map(super::pages::printable),
                consecutive_failures: data.health.consecutive_failures,
                entries: data.entries.len(),
                next_scrape: state.scheduler.next_scrape(&key),
            });
        }
    }
    let failing = sections.iter().filter(|s| s.state == "failing").count();
    let config_error = state
        .config_error
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_deref()
        .map(super::pages::printable);
    let status = if !sections.is_empty() && failing == sections.len() {
        "failing"
    } else if failing > 0 || config_error.is_some() {
        "degraded"
    } else {
        "ok"
    };
    let code = if status == "failing" {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (
        code,
        Json(HealthReport {
            status,
            config_error,
            sections,
        }),
    )
        .into_response()
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let config = state.config();
    let mut entries = Vec::new();
    for site in &config.sites {
        for section in site.sections.iter().filter(|s| !s.is_group()) {
            let key = (site.id.clone(), section.id.clone());
            let n = state.store.section(&key).map_or(0, |d| d.entries.len());
            entries.push((key, n));
        }
    }
    let text = state.metrics.render(&entries, state.fetcher.stats());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
