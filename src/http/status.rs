//! `/healthz` and `/metrics`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::View;

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
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct StoreReport {
    write_failures: u64,
    last_write_error: Option<String>,
}

#[derive(Serialize)]
struct HealthReport {
    status: &'static str,
    config_error: Option<String>,
    store: StoreReport,
    sections: Vec<SectionHealth>,
}

/// `GET /healthz`: each section's state, from the store's summaries (no
/// entry is read); `503` only when every scraped section is failing (the
/// service itself is up otherwise); `degraded` when some section fails, the
/// last config reload failed or the store could not write.
pub async fn healthz(State(state): State<View>) -> Response {
    state.kept().healthz.answer(&state, health_report).await
}

fn health_report(state: &View, summaries: &crate::store::Summaries) -> Response {
    let config = state.config();
    let store = state.store_status();
    let now = Utc::now();
    let mut sections = Vec::new();
    for site in &config.sites {
        for section in site.sections.iter().filter(|s| !s.is_group()) {
            let key = (site.id.clone(), section.id.clone());
            let data = summaries.get(&key).cloned().unwrap_or_default();
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
                entries: data.entries,
                next_scrape: state.next_scrape(&key),
                warnings: data.health.warnings,
            });
        }
    }
    let failing = sections.iter().filter(|s| s.state == "failing").count();
    let config_error = state.config_error().as_deref().map(super::pages::printable);
    let status = if !sections.is_empty() && failing == sections.len() {
        "failing"
    } else if failing > 0 || config_error.is_some() || store.last_write_error.is_some() {
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
            store: StoreReport {
                write_failures: store.write_failures,
                last_write_error: store
                    .last_write_error
                    .as_deref()
                    .map(super::pages::printable),
            },
            sections,
        }),
    )
        .into_response()
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<View>) -> Response {
    let summaries = super::summaries(state.as_ref()).await;
    super::off_worker(move || metrics_text(&state, &summaries)).await
}

fn metrics_text(state: &View, summaries: &crate::store::Summaries) -> Response {
    let config = state.config();
    let mut entries = Vec::new();
    for site in &config.sites {
        for section in site.sections.iter().filter(|s| !s.is_group()) {
            let key = (site.id.clone(), section.id.clone());
            let n = summaries.get(&key).map_or(0, |s| s.entries);
            entries.push((key, n));
        }
    }
    let failures = state.store_status().write_failures;
    let text = state
        .metrics()
        .render_with_store(&entries, state.fetch_stats(), failures);
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response()
}
