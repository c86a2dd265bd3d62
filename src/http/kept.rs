//! Status pages rendered once and answered again while nothing they show
//! has changed: `/healthz` polled in a loop by two monitors costs one
//! rendering per change (or per second), not one per request.
//!
//! A kept page is reused while the config in force, the last reload error,
//! the store's write failures and the number of recorded scrapes are those
//! it was rendered from, and for at most [`KEEP_FOR`]: states (`stale`) and
//! next-scrape times move with the clock, and with PostgreSQL other
//! instances record scrapes this one does not count.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::View;
use crate::config::Config;
use crate::store::Summaries;

/// Longest a kept page is answered.
pub const KEEP_FOR: Duration = Duration::from_secs(1);

/// Largest page kept (a bigger one is rendered for every request).
const KEEP_AT_MOST: usize = 64 * 1024 * 1024;

/// The kept status pages.
#[derive(Debug, Default)]
pub struct KeptPages {
    /// `/healthz`.
    pub healthz: Kept,
    /// `/`.
    pub index: Kept,
}

/// One kept page.
#[derive(Debug, Default)]
pub struct Kept(Mutex<Option<Page>>);

#[derive(Debug, Clone)]
struct Page {
    from: Basis,
    at: Instant,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// What a page was rendered from.
#[derive(Debug, Clone)]
struct Basis {
    config: Arc<Config>,
    config_error: Option<String>,
    write_failures: u64,
    scrapes: u64,
}

impl Basis {
    fn of(view: &View) -> Self {
        Self {
            config: view.config(),
            config_error: view.config_error(),
            write_failures: view.store_status().write_failures,
            scrapes: view.metrics().scrapes_recorded(),
        }
    }

    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.config, &other.config)
            && self.config_error == other.config_error
            && self.write_failures == other.write_failures
            && self.scrapes == other.scrapes
    }
}

impl Kept {
    /// The kept page when it is current, else `render` run off the async
    /// workers on fresh summaries, kept for the next request.
    pub async fn answer(&self, view: &View, render: fn(&View, &Summaries) -> Response) -> Response {
        let basis = Basis::of(view);
        if let Some(page) = self.current(&basis) {
            return page.into_response();
        }
        let summaries = super::summaries(view.as_ref()).await;
        let view = view.clone();
        let response = super::off_worker(move || render(&view, &summaries)).await;
        let (parts, body) = response.into_parts();
        let Ok(body) = axum::body::to_bytes(body, KEEP_AT_MOST).await else {
            return (StatusCode::INTERNAL_SERVER_ERROR, "page too large\n").into_response();
        };
        let page = Page {
            from: basis,
            at: Instant::now(),
            status: parts.status,
            headers: parts.headers,
            body,
        };
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(page.clone());
        page.into_response()
    }

    fn current(&self, basis: &Basis) -> Option<Page> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|p| p.at.elapsed() < KEEP_FOR && p.from.same(basis))
            .cloned()
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut r = Response::new(Body::from(self.body));
        *r.status_mut() = self.status;
        *r.headers_mut() = self.headers;
        r
    }
}
