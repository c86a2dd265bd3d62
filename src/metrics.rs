//! Prometheus metrics: atomic counters on the request path, a lock only
//! per scrape.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::catalog::SectionKey;

/// Route classes counted in `portalfeed_http_requests_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/feeds/...`
    Feed = 0,
    /// `/`
    Index,
    /// `/opml`
    Opml,
    /// `/healthz`
    Healthz,
    /// `/metrics`
    Metrics,
    /// `/api/...`
    Api,
    /// `/admin...`
    Admin,
    /// Anything else.
    Other,
}

const ROUTES: [(Route, &str); 8] = [
    (Route::Feed, "feed"),
    (Route::Index, "index"),
    (Route::Opml, "opml"),
    (Route::Healthz, "healthz"),
    (Route::Metrics, "metrics"),
    (Route::Api, "api"),
    (Route::Admin, "admin"),
    (Route::Other, "other"),
];

/// Statuses with their own counter; the rest count as `other`.
const STATUSES: [u16; 15] = [
    200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 412, 422, 500, 503, 0,
];

/// Upper bounds (seconds) of the scrape duration histogram.
const BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

#[derive(Debug, Default, Clone)]
struct ScrapeStats {
    scrapes: u64,
    failures: u64,
    buckets: [u64; BUCKETS.len()],
    sum_seconds: f64,
}

/// Every counter of the service.
#[derive(Debug)]
pub struct Metrics {
    requests: [[AtomicU64; STATUSES.len()]; ROUTES.len()],
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    scrapes: Mutex<BTreeMap<SectionKey, ScrapeStats>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: std::array::from_fn(|_| std::array::from_fn(|_| AtomicU64::new(0))),
            cache_hits: AtomicU64::new(0),
            cache_misses: AtomicU64::new(0),
            scrapes: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    #[inline]
    pub fn request(&self, route: Route, status: u16) {
        let i = STATUSES
            .iter()
            .position(|&s| s == status)
            .unwrap_or(STATUSES.len() - 1);
        self.requests[route as usize][i].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a render-cache hit.
    #[inline]
    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a render-cache miss (a render).
    #[inline]
    pub fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    /// Render-cache hits and misses so far.
    pub fn cache_counts(&self) -> (u64, u64) {
        (
            self.cache_hits.load(Ordering::Relaxed),
            self.cache_misses.load(Ordering::Relaxed),
        )
    }

    /// Records one scrape of `key`.
    pub fn scrape(&self, key: &SectionKey, seconds: f64, failed: bool) {
        let mut map = self.scrapes.lock().unwrap_or_else(|e| e.into_inner());
        let s = map.entry(key.clone()).or_default();
        s.scrapes += 1;
        if failed {
            s.failures += 1;
        }
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                s.buckets[i] += 1;
            }
        }
        s.sum_seconds += seconds;
    }

    /// Prometheus text exposition; `entries` gives each section's entry count.
    pub fn render(
        &self,
        entries: &[(SectionKey, usize)],
        fetch: crate::fetch::FetchStats,
    ) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(
            out,
            "# HELP portalfeed_http_requests_total HTTP requests answered, by route and status."
        );
        let _ = writeln!(out, "# TYPE portalfeed_http_requests_total counter");
        for (r, name) in ROUTES {
            for (i, status) in STATUSES.iter().enumerate() {
                let n = self.requests[r as usize][i].load(Ordering::Relaxed);
                if n > 0 {
                    let status = if *status == 0 {
                        "other".to_owned()
                    } else {
                        status.to_string()
                    };
                    let _ = writeln!(
                        out,
                        "portalfeed_http_requests_total{{route=\"{name}\",status=\"{status}\"}} {n}"
                    );
                }
            }
        }
        let (hits, misses) = self.cache_counts();
        let _ = writeln!(
            out,
            "# HELP portalfeed_render_cache_hits_total Feed requests answered from the render cache."
        );
        let _ = writeln!(out, "# TYPE portalfeed_render_cache_hits_total counter");
        let _ = writeln!(out, "portalfeed_render_cache_hits_total {hits}");
        let _ = writeln!(
            out,
            "# HELP portalfeed_render_cache_misses_total Feed renders (cache misses)."
        );
        let _ = writeln!(out, "# TYPE portalfeed_render_cache_misses_total counter");
        let _ = writeln!(out, "portalfeed_render_cache_misses_total {misses}");

        let map = self
            .scrapes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let _ = writeln!(
            out,
            "# HELP portalfeed_scrapes_total Scrapes attempted, by section."
        );
        let _ = writeln!(out, "# TYPE portalfeed_scrapes_total counter");
        for ((site, section), s) in &map {
            let _ = writeln!(
                out,
                "portalfeed_scrapes_total{{site=\"{site}\",section=\"{section}\"}} {}",
                s.scrapes
            );
        }
        let _ = writeln!(
            out,
            "# HELP portalfeed_scrape_failures_total Scrapes that failed, by section."
        );
        let _ = writeln!(out, "# TYPE portalfeed_scrape_failures_total counter");
        for ((site, section), s) in &map {
            let _ = writeln!(
                out,
                "portalfeed_scrape_failures_total{{site=\"{site}\",section=\"{section}\"}} {}",
                s.failures
            );
        }
        let _ = writeln!(
            out,
            "# HELP portalfeed_scrape_duration_seconds Duration of scrapes, by section."
        );
        let _ = writeln!(out, "# TYPE portalfeed_scrape_duration_seconds histogram");
        for ((site, section), s) in &map {
            let labels = format!("site=\"{site}\",section=\"{section}\"");
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "portalfeed_scrape_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "portalfeed_scrape_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.scrapes
            );
            let _ = writeln!(
                out,
                "portalfeed_scrape_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "portalfeed_scrape_duration_seconds_count{{{labels}}} {}",
                s.scrapes
            );
        }
        let _ = writeln!(out, "# HELP portalfeed_entries Entries kept, by section.");
        let _ = writeln!(out, "# TYPE portalfeed_entries gauge");
        for ((site, section), n) in entries {
            let _ = writeln!(
                out,
                "portalfeed_entries{{site=\"{site}\",section=\"{section}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP portalfeed_fetch_requests_total Requests sent to portals."
        );
        let _ = writeln!(out, "# TYPE portalfeed_fetch_requests_total counter");
        let _ = writeln!(out, "portalfeed_fetch_requests_total {}", fetch.requests);
        let _ = writeln!(
            out,
            "# HELP portalfeed_fetch_errors_total Requests to portals that failed."
        );
        let _ = writeln!(out, "# TYPE portalfeed_fetch_errors_total counter");
        let _ = writeln!(out, "portalfeed_fetch_errors_total {}", fetch.errors);
        let _ = writeln!(
            out,
            "# HELP portalfeed_fetch_bytes_total Bytes read from portals."
        );
        let _ = writeln!(out, "# TYPE portalfeed_fetch_bytes_total counter");
        let _ = writeln!(out, "portalfeed_fetch_bytes_total {}", fetch.bytes);
        out
    }
}
