//! `POST /api/sites/{site}/sections/{section}/refresh`: scrape now, and say
//! what the feed serves afterwards. After a failure that is the last good
//! entries, not "0 in the feed": "failed: selector matched nothing …; still
//! serving the 7 entries of 10:42 UTC (412 ms)".

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ApiError, audit};
use crate::app::AppState;
use crate::model::{SectionId, SiteId};
use crate::scheduler::RunReport;

/// The scheduler's report and what the feed serves now.
#[derive(Debug, Serialize)]
pub struct RefreshReport {
    /// What the scrape did (`outcome`, `new`, `updated`, `total`,
    /// `duration_ms`, `error`, `problems`).
    #[serde(flatten)]
    pub run: RunReport,
    /// Entries the section's feed serves now (after a failure: the ones
    /// kept from earlier scrapes).
    pub served: usize,
    /// The last successful scrape, which those entries come from.
    pub served_since: Option<DateTime<Utc>>,
    /// The scrape's duration, readable (`412 ms`, `0.8 ms`, `2.3 s`).
    pub duration: String,
    /// One sentence for a person.
    pub message: String,
}

/// A duration for people: sub-millisecond precision when it is short.
pub fn readable(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// `10:42 UTC` today, else `2026-11-30 10:42 UTC`.
fn when(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

fn entries(n: usize) -> String {
    format!("{n} {}", if n == 1 { "entry" } else { "entries" })
}

/// The sentence for `run`, given what the feed serves.
pub fn message(
    run: &RunReport,
    served: usize,
    since: Option<DateTime<Utc>>,
    duration: &str,
    now: DateTime<Utc>,
) -> String {
    match (&run.error, run.outcome) {
        (Some(error), _) => {
            // The error's first clause; the whole of it is in `error`.
            let head = error.split("; ").next().unwrap_or(error);
            let serving = match (served, since) {
                (0, _) => "the feed is empty (no entry kept from earlier scrapes)".to_owned(),
                (n, Some(t)) => format!("still serving the {} of {}", entries(n), when(t, now)),
                (n, None) => format!("still serving {}", entries(n)),
            };
            format!("failed: {head}; {serving} ({duration})")
        }
        (None, "not_modified") => {
            format!("not modified; {} in the feed ({duration})", entries(served))
        }
        (None, _) => format!(
            "ok: {} new, {} updated; {} in the feed ({duration})",
            run.new,
            run.updated,
            entries(served)
        ),
    }
}

/// `POST /api/sites/{site}/sections/{section}/refresh`: scrape now.
pub async fn refresh(
    State(state): State<Arc<AppState>>,
    Path((site, section)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let key = (
        SiteId::new(&site)
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no site `{site}`")))?,
        SectionId::new(&section).ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, format!("no section `{section}`"))
        })?,
    );
    let run = state.scrape_now(&key).await.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no scraped section `{site}/{section}` (a group cannot be refreshed)"),
        )
    })?;
    audit(&state, &format!("refreshed section {site}/{section}"));
    let summary = state.store.summary(&key).await.ok().flatten();
    let served = summary.as_ref().map_or(run.total, |s| s.entries);
    let served_since = summary.and_then(|s| s.health.last_success);
    let duration = readable(Duration::from_micros(run.duration_us));
    let message = message(&run, served, served_since, &duration, Utc::now());
    Ok(Json(RefreshReport {
        run,
        served,
        served_since,
        duration,
        message,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcome: &'static str, error: Option<&str>) -> RunReport {
        RunReport {
            section: "demo/local".to_owned(),
            outcome,
            new: 2,
            updated: 1,
            total: 0,
            duration_ms: 412,
            duration_us: 412_000,
            error: error.map(str::to_owned),
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_failure_says_what_is_still_served() {
        let now = "2026-12-01T15:00:00Z"
            .parse::<DateTime<Utc>>()
            .unwrap_or_default();
        let t = "2026-12-01T10:42:10Z"
            .parse::<DateTime<Utc>>()
            .unwrap_or_default();
        let failed = run(
            "failed",
            Some(
                "selector matched nothing: list.item `li` found no entries on http://x/; the page layout may have changed",
            ),
        );
        assert_eq!(
            message(&failed, 7, Some(t), "412 ms", now),
            "failed: selector matched nothing: list.item `li` found no entries on http://x/; still serving the 7 entries of 10:42 UTC (412 ms)"
        );
        let yesterday = now + chrono::Duration::days(1);
        assert!(
            message(&failed, 1, Some(t), "3 ms", yesterday)
                .contains("the 1 entry of 2026-12-01 10:42 UTC")
        );
        assert!(message(&failed, 0, None, "3 ms", now).contains("the feed is empty"));
        assert_eq!(
            message(&run("ok", None), 9, Some(t), "412 ms", now),
            "ok: 2 new, 1 updated; 9 entries in the feed (412 ms)"
        );
        assert_eq!(readable(Duration::from_micros(840)), "0.8 ms");
        assert_eq!(readable(Duration::from_millis(412)), "412 ms");
        assert_eq!(readable(Duration::from_millis(2345)), "2.3 s");
    }
}
