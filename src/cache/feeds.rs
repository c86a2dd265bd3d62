//! [`FeedCache`]: the feeds of the config in force, their renderings (the
//! hot table for plain requests, a byte-bounded cache for every request)
//! and render-on-miss from the store. The HTTP side only looks up here.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::DateTime;
use moka::future::Cache;
use moka::notification::RemovalCause;

use super::{CacheKey, HotTable, Rendered};
use crate::catalog::{FeedDef, FeedIndex, SectionKey};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::render::{self, Format};
use crate::store::Store;

/// The feeds of one config and their current plain renderings.
#[derive(Debug)]
pub struct LiveFeeds {
    /// The feeds, indexed (the epoch counts config changes).
    pub feeds: FeedIndex,
    /// The current renderings without `?limit`.
    pub hot: HotTable,
}

impl LiveFeeds {
    fn new(config: &Config, epoch: u32) -> Self {
        let feeds = FeedIndex::build(config, epoch);
        let hot = HotTable::new(feeds.defs().len());
        Self { feeds, hot }
    }
}

/// What a feed lookup found.
#[derive(Debug)]
pub enum Lookup {
    /// The rendering to send.
    Found(Arc<Rendered>),
    /// No feed has this path.
    NoFeed,
    /// `?limit` was not a number from 1 to the feed's `max_items`.
    BadLimit(&'static str),
    /// The store could not be read (nothing cached, nothing rendered).
    Unavailable,
}

type Live = Arc<RwLock<Arc<LiveFeeds>>>;

/// Rendered feeds, bounded by bytes (the hot table included: a rendering
/// the cache evicts leaves the hot table too).
#[derive(Debug)]
pub struct FeedCache {
    live: Live,
    renders: Cache<CacheKey, Arc<Rendered>>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
}

fn read(live: &Live) -> Arc<LiveFeeds> {
    live.read().unwrap_or_else(|e| e.into_inner()).clone()
}

impl FeedCache {
    /// A cache of the feeds of `config`, holding at most `max_bytes` of
    /// renderings, rendering from `store`.
    pub fn new(
        config: &Config,
        store: Arc<dyn Store>,
        metrics: Arc<Metrics>,
        max_bytes: u64,
    ) -> Self {
        let live: Live = Arc::new(RwLock::new(Arc::new(LiveFeeds::new(config, 0))));
        let on_evict = live.clone();
        let renders = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|_k: &CacheKey, v: &Arc<Rendered>| v.weight())
            .support_invalidation_closures()
            .eviction_listener(move |k: Arc<CacheKey>, v: Arc<Rendered>, cause| {
                if k.limit == 0 && matches!(cause, RemovalCause::Size | RemovalCause::Expired) {
                    let live = read(&on_evict);
                    if live.feeds.epoch == k.epoch {
                        live.hot.evict(k.slot, k.format, &v);
                    }
                }
            })
            .build();
        Self {
            live,
            renders,
            store,
            metrics,
        }
    }

    /// The feeds in force.
    pub fn live(&self) -> Arc<LiveFeeds> {
        read(&self.live)
    }

    /// The plain rendering of the feed at `path`, if one is current:
    /// no await, no allocation (the feed hot path).
    #[inline]
    pub fn hot(&self, path: &str, format: Format) -> Option<Arc<Rendered>> {
        let found = {
            let live = self.live.read().unwrap_or_else(|e| e.into_inner());
            let slot = live.feeds.lookup(path)?;
            live.hot.get(slot, format)
        };
        if found.is_some() {
            self.metrics.cache_hit();
        }
        found
    }

    /// The rendering of the feed at `path` in `format` for `query`
    /// (`?limit=N`): from the hot table or the cache, else read from the
    /// store and rendered once however many ask at the same time.
    pub async fn get(&self, path: &str, format: Format, query: Option<&str>) -> Lookup {
        let live = self.live();
        let Some(slot) = live.feeds.lookup(path) else {
            return Lookup::NoFeed;
        };
        let Some(def) = live.feeds.def(slot) else {
            return Lookup::NoFeed;
        };
        let limit = match parse_limit(query, def.max_items) {
            Ok(l) => l,
            Err(msg) => return Lookup::BadLimit(msg),
        };
        if limit == 0
            && let Some(r) = live.hot.get(slot, format)
        {
            self.metrics.cache_hit();
            return Lookup::Found(r);
        }
        let key = CacheKey {
            epoch: live.feeds.epoch,
            slot,
            format,
            limit,
        };
        // Read before rendering: a change during the render makes it stale.
        let generation = live.hot.generation(slot);
        if let Some(r) = self.renders.get(&key).await {
            if r.generation == generation {
                self.metrics.cache_hit();
                return self.found(&live, slot, format, limit, r);
            }
            self.renders.invalidate(&key).await;
        }
        let n = if limit == 0 {
            def.max_items
        } else {
            limit as usize
        };
        let job = render_from_store(
            self.store.clone(),
            self.metrics.clone(),
            def.clone(),
            format,
            n,
            generation,
        );
        match self.renders.try_get_with(key, job).await {
            Ok(r) => self.found(&live, slot, format, limit, r),
            Err(e) => {
                tracing::error!(feed = path, error = %e, "feed not rendered");
                Lookup::Unavailable
            }
        }
    }

    fn found(
        &self,
        live: &LiveFeeds,
        slot: u32,
        format: Format,
        limit: u32,
        r: Arc<Rendered>,
    ) -> Lookup {
        if limit == 0 {
            live.hot.fill(slot, format, r.generation, r.clone());
        }
        Lookup::Found(r)
    }

    /// Puts the feeds of `config` in force (renumbered: every rendering
    /// goes).
    pub fn install(&self, config: &Config) {
        let epoch = self.live().feeds.epoch.wrapping_add(1);
        *self.live.write().unwrap_or_else(|e| e.into_inner()) =
            Arc::new(LiveFeeds::new(config, epoch));
        self.renders.invalidate_all();
    }

    /// `key`'s entries changed: drops the renderings of every feed that
    /// shows it.
    pub fn section_changed(&self, key: &SectionKey) {
        let live = self.live();
        let slots = live.feeds.slots_for(key);
        if slots.is_empty() {
            return;
        }
        live.hot.invalidate(&slots);
        // Only fails when closures are not enabled, which `new` does.
        let _ = self
            .renders
            .invalidate_entries_if(move |k, _| slots.contains(&k.slot));
    }

    /// Drops every rendering.
    pub fn clear(&self) {
        let live = self.live();
        let all: Vec<u32> = (0..live.feeds.defs().len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        live.hot.invalidate(&all);
        self.renders.invalidate_all();
    }
}

/// Why a feed could not be rendered.
#[derive(Debug, thiserror::Error)]
enum RenderError {
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("render task: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Reads the feed's entries and renders them off the async workers.
async fn render_from_store(
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    def: FeedDef,
    format: Format,
    n: usize,
    generation: u64,
) -> Result<Arc<Rendered>, RenderError> {
    metrics.cache_miss();
    let feed = store.feed_entries(&def.sections, n).await?;
    let rendered = tokio::task::spawn_blocking(move || {
        let mut meta = def.meta.clone();
        // Stored data only, never this process's start time: every
        // instance sharing a store renders the same bytes. A feed never
        // scraped dates from the epoch.
        let modified = feed.changed.unwrap_or(DateTime::UNIX_EPOCH);
        meta.fallback_updated = modified;
        let body = render::render(format, &meta, &feed.entries);
        Rendered::new(body, format, modified, max_age(def.interval), generation)
    })
    .await?;
    Ok(Arc::new(rendered))
}

/// `max-age`: a quarter of the interval, at least 30 s, at most an hour.
fn max_age(interval: Duration) -> Duration {
    (interval / 4).clamp(Duration::from_secs(30), Duration::from_secs(3600))
}

/// `?limit=N`: 0 when absent; 1..=max else an error.
pub(crate) fn parse_limit(query: Option<&str>, max: usize) -> Result<u32, &'static str> {
    let Some(query) = query else { return Ok(0) };
    let mut limit = 0;
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("limit=") {
            let n: usize = v.parse().map_err(
                |_| "bad limit: ?limit takes a whole number from 1 to the feed's max_items\n",
            )?;
            if n == 0 || n > max {
                return Err(
                    "bad limit: ?limit takes a whole number from 1 to the feed's max_items\n",
                );
            }
            limit = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    Ok(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;
    use crate::store::conformance::{entry, scraped};

    fn config(sections: usize) -> Config {
        let mut text = String::from(
            "[server]\nlisten = \"127.0.0.1:0\"\npublic_url = \"http://127.0.0.1:0\"\n\n\
             [[sites]]\nid = \"s\"\ntitle = \"S\"\nurl = \"http://p.example/\"\n",
        );
        for i in 0..sections {
            text.push_str(&format!(
                "  [[sites.sections]]\n  id = \"x{i}\"\n  title = \"X{i}\"\n  url = \"http://p.example/{i}/\"\n    [sites.sections.list]\n    item = \"li\"\n    link = \"a\"\n    title = \"a\"\n"
            ));
        }
        crate::config::parse(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn the_hot_table_stays_inside_the_byte_bound() {
        let n = 30;
        let cfg = config(n);
        let store = Arc::new(
            SqliteStore::open(None)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
        for i in 0..n {
            let key = (
                crate::model::SiteId::new("s").unwrap_or_else(|| unreachable!()),
                crate::model::SectionId::new(&format!("x{i}")).unwrap_or_else(|| unreachable!()),
            );
            // ~20 KB of incompressible-ish content per feed.
            let entries = (1..=20)
                .map(|d| {
                    let mut e = entry(d, &format!("{i}-{d}"));
                    e.content_html = Some(
                        (0..300)
                            .map(|_| format!("{:x}", fastrand::u64(..)))
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                    e
                })
                .collect();
            store
                .merge(&key, scraped(entries, 50, chrono::Utc::now()))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let max: u64 = 400 * 1024;
        let cache = FeedCache::new(&cfg, store, Arc::new(Metrics::default()), max);
        for i in 0..n {
            let path = format!("s/x{i}");
            assert!(matches!(
                cache.get(&path, Format::Atom, None).await,
                Lookup::Found(_)
            ));
        }
        cache.renders.run_pending_tasks().await;
        let live = cache.live();
        let held = live.hot.weight();
        assert!(held > 0);
        assert!(
            held <= max,
            "the hot table holds {held} bytes, more than the cache's {max}"
        );
        // Every feed was rendered, far more than the bound: some left.
        let one = u64::from(match cache.get("s/x0", Format::Atom, None).await {
            Lookup::Found(r) => r.weight(),
            other => panic!("{other:?}"),
        });
        assert!(one * n as u64 > max, "the test renders more than the bound");
    }
}
