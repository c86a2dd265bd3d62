//! Prometheus metrics through `prometheus-client` (text format 0.0.4).
//! The request path only bumps atomics (an array indexed by route and
//! status, encoded by a collector that skips zeros); scrapes update labelled
//! families; gauges known only at exposition time (entries, portal requests,
//! store write failures) are encoded from the values passed in.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::catalog::SectionKey;

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

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

/// Statuses with their own counter; the rest count as `other` (the `0`).
const STATUSES: [u16; 16] = [
    200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 412, 422, 429, 500, 503, 0,
];

/// Upper bounds (seconds) of the scrape duration histogram.
const BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// `{site, section}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct SectionLabels {
    site: String,
    section: String,
}

impl From<&SectionKey> for SectionLabels {
    fn from((site, section): &SectionKey) -> Self {
        Self {
            site: site.to_string(),
            section: section.to_string(),
        }
    }
}

type Requests = [[AtomicU64; STATUSES.len()]; ROUTES.len()];

/// Encodes the request counters that are not zero.
#[derive(Debug)]
struct RequestCollector(Arc<Requests>);

impl Collector for RequestCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut metric = encoder.encode_descriptor(
            "portalfeed_http_requests",
            "HTTP requests answered, by route and status.",
            None,
            MetricType::Counter,
        )?;
        for (route, name) in ROUTES {
            for (i, status) in STATUSES.iter().enumerate() {
                let n = self.0[route as usize][i].load(Ordering::Relaxed);
                if n == 0 {
                    continue;
                }
                let status = if *status == 0 {
                    "other".to_owned()
                } else {
                    status.to_string()
                };
                let labels = [("route", name.to_owned()), ("status", status)];
                ConstCounter::new(n).encode(metric.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

/// Values read at exposition time.
#[derive(Debug, Default)]
struct Snapshot {
    entries: Vec<(SectionLabels, i64)>,
    fetch: crate::fetch::FetchStats,
    store_write_failures: Option<u64>,
}

impl Collector for Snapshot {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut m = encoder.encode_descriptor(
            "portalfeed_entries",
            "Entries kept, by section.",
            None,
            MetricType::Gauge,
        )?;
        for (labels, n) in &self.entries {
            ConstGauge::new(*n).encode(m.encode_family(labels)?)?;
        }
        for (name, help, value) in [
            (
                "portalfeed_fetch_requests",
                "Requests sent to portals.",
                self.fetch.requests,
            ),
            (
                "portalfeed_fetch_errors",
                "Requests to portals that failed.",
                self.fetch.errors,
            ),
            (
                "portalfeed_fetch_bytes",
                "Bytes read from portals.",
                self.fetch.bytes,
            ),
        ] {
            let m = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            ConstCounter::new(value).encode(m)?;
        }
        if let Some(n) = self.store_write_failures {
            let m = encoder.encode_descriptor(
                "portalfeed_store_write_failures",
                "Store writes that failed.",
                None,
                MetricType::Counter,
            )?;
            ConstCounter::new(n).encode(m)?;
        }
        Ok(())
    }
}

fn duration_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// Every counter of the service.
#[derive(Debug)]
pub struct Metrics {
    requests: Arc<Requests>,
    cache_hits: Counter,
    cache_misses: Counter,
    scrapes: Family<SectionLabels, Counter>,
    failures: Family<SectionLabels, Counter>,
    durations: Family<SectionLabels, Histogram, fn() -> Histogram>,
    /// Scrapes recorded, every outcome (the status pages' change count).
    recorded: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: Arc::new(std::array::from_fn(|_| {
                std::array::from_fn(|_| AtomicU64::new(0))
            })),
            cache_hits: Counter::default(),
            cache_misses: Counter::default(),
            scrapes: Family::default(),
            failures: Family::default(),
            durations: Family::new_with_constructor(duration_histogram),
            recorded: AtomicU64::new(0),
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
        self.cache_hits.inc();
    }

    /// Counts a render-cache miss (a render).
    #[inline]
    pub fn cache_miss(&self) {
        self.cache_misses.inc();
    }

    /// Render-cache hits and misses so far.
    pub fn cache_counts(&self) -> (u64, u64) {
        (self.cache_hits.get(), self.cache_misses.get())
    }

    /// Records one scrape of `key`.
    pub fn scrape(&self, key: &SectionKey, seconds: f64, failed: bool) {
        let labels = SectionLabels::from(key);
        self.scrapes.get_or_create(&labels).inc();
        // Every scraped section has a failure counter, zero or not.
        let failures = self.failures.get_or_create(&labels);
        if failed {
            failures.inc();
        }
        self.durations.get_or_create(&labels).observe(seconds);
        self.recorded.fetch_add(1, Ordering::Release);
    }

    /// Scrapes recorded so far, whatever their outcome.
    pub fn scrapes_recorded(&self) -> u64 {
        self.recorded.load(Ordering::Acquire)
    }

    /// Prometheus text exposition; `entries` gives each section's entry count.
    pub fn render(
        &self,
        entries: &[(SectionKey, usize)],
        fetch: crate::fetch::FetchStats,
    ) -> String {
        self.encode(entries, fetch, None)
    }

    /// [`Metrics::render`] with the store's write-failure count too.
    pub fn render_with_store(
        &self,
        entries: &[(SectionKey, usize)],
        fetch: crate::fetch::FetchStats,
        store_write_failures: u64,
    ) -> String {
        self.encode(entries, fetch, Some(store_write_failures))
    }

    fn encode(
        &self,
        entries: &[(SectionKey, usize)],
        fetch: crate::fetch::FetchStats,
        store_write_failures: Option<u64>,
    ) -> String {
        // A registry per exposition: its metrics are handles onto the
        // counters above (cheap clones), plus this moment's values.
        let mut registry = Registry::default();
        registry.register_collector(Box::new(RequestCollector(self.requests.clone())));
        registry.register(
            "portalfeed_render_cache_hits",
            "Feed requests answered from the render cache",
            self.cache_hits.clone(),
        );
        registry.register(
            "portalfeed_render_cache_misses",
            "Feed renders (cache misses)",
            self.cache_misses.clone(),
        );
        registry.register(
            "portalfeed_scrapes",
            "Scrapes attempted, by section",
            self.scrapes.clone(),
        );
        registry.register(
            "portalfeed_scrape_failures",
            "Scrapes that failed, by section",
            self.failures.clone(),
        );
        registry.register(
            "portalfeed_scrape_duration_seconds",
            "Duration of scrapes, by section",
            self.durations.clone(),
        );
        registry.register_collector(Box::new(Snapshot {
            entries: entries
                .iter()
                .map(|(k, n)| {
                    (
                        SectionLabels::from(k),
                        i64::try_from(*n).unwrap_or(i64::MAX),
                    )
                })
                .collect(),
            fetch,
            store_write_failures,
        }));
        let mut out = String::with_capacity(4096);
        if let Err(e) = prometheus_client::encoding::prometheus_text::encode(&mut out, &registry) {
            tracing::error!(error = %e, "metrics not encoded");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SectionId, SiteId};

    fn key(section: &str) -> SectionKey {
        (
            SiteId::new("demo").expect("id"),
            SectionId::new(section).expect("id"),
        )
    }

    #[test]
    fn the_names_and_values_of_every_metric() {
        let m = Metrics::default();
        m.request(Route::Feed, 200);
        m.request(Route::Feed, 200);
        m.request(Route::Api, 418);
        m.cache_hit();
        m.cache_miss();
        m.scrape(&key("local"), 0.2, false);
        m.scrape(&key("local"), 3.0, true);
        let fetch = crate::fetch::FetchStats {
            requests: 5,
            errors: 1,
            bytes: 1234,
        };
        let text = m.render_with_store(&[(key("local"), 7)], fetch, 2);
        for line in [
            "# TYPE portalfeed_http_requests_total counter",
            "portalfeed_http_requests_total{route=\"feed\",status=\"200\"} 2",
            "portalfeed_http_requests_total{route=\"api\",status=\"other\"} 1",
            "portalfeed_render_cache_hits_total 1",
            "portalfeed_render_cache_misses_total 1",
            "portalfeed_scrapes_total{site=\"demo\",section=\"local\"} 2",
            "portalfeed_scrape_failures_total{site=\"demo\",section=\"local\"} 1",
            "# TYPE portalfeed_scrape_duration_seconds histogram",
            "portalfeed_scrape_duration_seconds_bucket{site=\"demo\",section=\"local\",le=\"0.25\"} 1",
            "portalfeed_scrape_duration_seconds_bucket{site=\"demo\",section=\"local\",le=\"5\"} 2",
            "portalfeed_scrape_duration_seconds_count{site=\"demo\",section=\"local\"} 2",
            "portalfeed_scrape_duration_seconds_sum{site=\"demo\",section=\"local\"} 3.2",
            "# TYPE portalfeed_entries gauge",
            "portalfeed_entries{site=\"demo\",section=\"local\"} 7",
            "portalfeed_fetch_requests_total 5",
            "portalfeed_fetch_errors_total 1",
            "portalfeed_fetch_bytes_total 1234",
            "portalfeed_store_write_failures_total 2",
        ] {
            assert!(text.lines().any(|l| l == line), "{line}\nin:\n{text}");
        }
        assert!(
            !text.contains("status=\"404\""),
            "zero counters are left out"
        );
        assert!(!m.render(&[], fetch).contains("store_write_failures"));
    }
}
