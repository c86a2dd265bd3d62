//! Runs every scraped section on its own interval (with ±10% jitter),
//! backs off a failing section up to 4× its interval, and lets an admin
//! scrape one now. Politeness (global cap, one request at a time per host,
//! `min_delay`, robots.txt, retries) lives in the shared [`Fetcher`].
//!
//! [`Fetcher`]: crate::fetch::Fetcher

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use crate::catalog::SectionKey;
use crate::config::spec::{Config, SectionSpec, SiteSpec};
use crate::fetch::Fetcher;
use crate::metrics::Metrics;
use crate::scrape::{self, Previous, ScrapeOptions, ScrapeOutcome};
use crate::store::{Attempt, LeaseKind, ScrapeLease, Scraped, Store};

/// Warnings kept per section (the first ones of the last scrape).
const MAX_WARNINGS: usize = 50;

/// What one scrape of a section did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    /// `site/section`.
    pub section: String,
    /// `ok`, `not_modified` or `failed`.
    pub outcome: &'static str,
    /// Entries new in this scrape.
    pub new: usize,
    /// Entries whose content changed.
    pub updated: usize,
    /// Entries the section keeps now.
    pub total: usize,
    /// Scrape duration in milliseconds.
    pub duration_ms: u64,
    /// Scrape duration in microseconds (a loopback scrape takes under 1 ms).
    pub duration_us: u64,
    /// The error, when it failed.
    pub error: Option<String>,
    /// Per-item problems (field and what), when it ran.
    pub problems: Vec<String>,
    /// What did not stop the scrape (paging ended early, charset notes).
    pub warnings: Vec<String>,
}

impl RunReport {
    /// No scrape: another instance held the section's lease throughout.
    fn busy(key: &SectionKey) -> Self {
        Self {
            section: format!("{}/{}", key.0, key.1),
            outcome: "failed",
            new: 0,
            updated: 0,
            total: 0,
            duration_ms: 0,
            duration_us: 0,
            error: Some(
                "another instance is scraping this section and kept its lease; try again later"
                    .to_owned(),
            ),
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

struct Task {
    handle: JoinHandle<()>,
    /// Set while the section's config changed and no scrape succeeded since.
    fresh: Arc<AtomicBool>,
    fingerprint: String,
    next_at: Arc<AtomicI64>,
    busy: Arc<tokio::sync::Mutex<()>>,
}

/// Told when a section's entries changed (the render cache drops the
/// renderings that show it).
pub trait OnChange: Send + Sync + std::fmt::Debug {
    /// `key`'s entries changed.
    fn section_changed(&self, key: &SectionKey);
}

/// What scraping needs: where results go, how pages are fetched, whom to
/// tell, what to count. Nothing else of the application.
#[derive(Debug, Clone)]
pub struct Scraping {
    /// Where scrapes are merged.
    pub store: Arc<dyn Store>,
    /// The HTTP client for portals.
    pub fetcher: Fetcher,
    /// Told when a section's entries changed.
    pub changes: Arc<dyn OnChange>,
    /// Scrape counters.
    pub metrics: Arc<Metrics>,
    /// How long a scrape lease lasts unless renewed (`[store] lease`).
    pub lease: Duration,
}

/// A section of a site whose config is shared (one copy per site, not per
/// section).
#[derive(Debug, Clone)]
struct SectionRef {
    site: Arc<SiteSpec>,
    index: usize,
}

impl SectionRef {
    fn section(&self) -> &SectionSpec {
        &self.site.sections[self.index]
    }
}

/// One gate per host for first scrapes: the sections of a host that the
/// store has nothing for scrape one after the other (each one whole, its
/// articles included), so the first feeds appear within seconds instead
/// of all at the end, while other hosts go on in parallel.
#[derive(Debug, Default)]
struct FirstGates {
    by_host: Mutex<HashMap<String, Arc<tokio::sync::Semaphore>>>,
}

impl FirstGates {
    fn gate(&self, host: &str) -> Arc<tokio::sync::Semaphore> {
        let mut map = self.by_host.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(host.to_owned())
            .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(1)))
            .clone()
    }
}

/// Longest random offset of a first scrape (hosts not hit in lockstep).
const FIRST_SPREAD_MS: u64 = 500;

/// The set of running section tasks.
pub struct Scheduler {
    deps: Arc<Scraping>,
    tasks: Mutex<HashMap<SectionKey, Task>>,
    gates: Arc<FirstGates>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("sections", &self.lock().len())
            .finish()
    }
}

/// What identifies a section's scraping setup: when it changes, the
/// section is rescheduled and scraped again.
pub fn fingerprint(site: &SiteSpec, section: &SectionSpec) -> String {
    format!(
        "{:?}|{}|{:?}|{:?}",
        section, site.url, site.timezone, site.encoding
    )
}

impl Scheduler {
    /// A scheduler with no task yet.
    pub fn new(deps: Scraping) -> Self {
        Self {
            deps: Arc::new(deps),
            tasks: Mutex::new(HashMap::new()),
            gates: Arc::default(),
        }
    }

    /// What its tasks scrape with.
    pub fn scraping(&self) -> &Scraping {
        &self.deps
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SectionKey, Task>> {
        self.tasks.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the running tasks match `config`: new sections start, removed
    /// ones stop, changed ones restart (and scrape at once); untouched ones
    /// keep their schedule. Returns the keys started or restarted, and removed.
    pub fn apply(&self, config: &Config) -> (Vec<SectionKey>, Vec<SectionKey>) {
        let mut wanted: HashMap<SectionKey, SectionRef> = HashMap::new();
        for site in &config.sites {
            let shared = Arc::new(site.clone());
            for (index, section) in site.sections.iter().enumerate() {
                if !section.is_group() {
                    wanted.insert(
                        (site.id.clone(), section.id.clone()),
                        SectionRef {
                            site: shared.clone(),
                            index,
                        },
                    );
                }
            }
        }
        let mut tasks = self.lock();
        let mut removed = Vec::new();
        let mut changed = Vec::new();
        tasks.retain(|key, task| {
            let keep = wanted
                .get(key)
                .is_some_and(|r| fingerprint(&r.site, r.section()) == task.fingerprint);
            if !keep {
                task.handle.abort();
                if wanted.contains_key(key) {
                    changed.push(key.clone());
                } else {
                    removed.push(key.clone());
                }
            }
            keep
        });
        let mut started = Vec::new();
        for (key, target) in wanted {
            if tasks.contains_key(&key) {
                continue;
            }
            let fingerprint = fingerprint(&target.site, target.section());
            let restarted = changed.contains(&key);
            let next_at = Arc::new(AtomicI64::new(0));
            let busy = Arc::new(tokio::sync::Mutex::new(()));
            let fresh = Arc::new(AtomicBool::new(changed.contains(&key)));
            let handle = tokio::spawn(section_loop(
                self.deps.clone(),
                target,
                FirstRun {
                    restarted,
                    fresh: fresh.clone(),
                    gates: self.gates.clone(),
                },
                next_at.clone(),
                busy.clone(),
            ));
            started.push(key.clone());
            tasks.insert(
                key,
                Task {
                    handle,
                    fresh,
                    fingerprint,
                    next_at,
                    busy,
                },
            );
        }
        (started, removed)
    }

    /// When `key` is scraped next.
    pub fn next_scrape(&self, key: &SectionKey) -> Option<DateTime<Utc>> {
        let tasks = self.lock();
        let ms = tasks.get(key)?.next_at.load(Ordering::Relaxed);
        DateTime::from_timestamp_millis(ms)
    }

    /// Scrapes `key` now, waiting for a scrape already running, and answers
    /// with what it did. `None` when no such section runs.
    /// `config` is the config in force (the section's spec is read there).
    pub async fn scrape_now(&self, config: &Config, key: &SectionKey) -> Option<RunReport> {
        let busy = self.lock().get(key).map(|t| t.busy.clone())?;
        let site = config.site(key.0.as_str())?;
        let section = site.section(key.1.as_str())?;
        let fresh = self.lock().get(key).map(|t| t.fresh.clone())?;
        let _guard = busy.lock().await;
        // Another instance may be scraping it right now: wait for its end
        // (two lease times at most), then scrape.
        let (store, hold) = (self.deps.store.as_ref(), self.deps.lease);
        let mut waited = Duration::ZERO;
        let lease = loop {
            match ScrapeLease::take(store, key, LeaseKind::Now, hold).await {
                Ok(lease) => break lease,
                Err(_) if waited >= hold * 2 => return Some(RunReport::busy(key)),
                Err(retry_in) => {
                    let pause = retry_in.clamp(Duration::from_millis(100), hold);
                    tokio::time::sleep(pause).await;
                    waited += pause;
                }
            }
        };
        let report = lease
            .hold_while(run_fresh(&self.deps, site, section, &fresh))
            .await;
        lease.release(section.settings.interval).await;
        Some(report)
    }

    /// Stops every task.
    pub fn stop_all(&self) {
        for (_, task) in self.lock().drain() {
            task.handle.abort();
        }
    }
}

/// When a section's first scrape happens: at once if the store has nothing
/// for it (or its setup changed), else when its interval since the last
/// success runs out.
async fn first_delay(
    store: &dyn Store,
    key: &SectionKey,
    section: &SectionSpec,
    changed: bool,
) -> Duration {
    if changed {
        return Duration::ZERO;
    }
    let health = match store.summary(key).await {
        Ok(s) => s.unwrap_or_default().health,
        Err(e) => {
            tracing::warn!(error = %e, "store unreadable: scraping at once");
            return Duration::ZERO;
        }
    };
    match health.last_success {
        Some(t) if health.consecutive_failures == 0 => {
            let since = Utc::now()
                .signed_duration_since(t)
                .to_std()
                .unwrap_or_default();
            section.settings.interval.saturating_sub(since)
        }
        _ => Duration::ZERO,
    }
}

/// `d` ±10%.
fn jitter(d: Duration) -> Duration {
    let f = 0.9 + fastrand::f64() * 0.2;
    d.mul_f64(f)
}

/// How a section's task starts: when, and whether its config just changed
/// (then nothing from earlier scrapes is reused until one succeeds).
#[derive(Debug, Clone)]
struct FirstRun {
    restarted: bool,
    fresh: Arc<AtomicBool>,
    gates: Arc<FirstGates>,
}

async fn section_loop(
    deps: Arc<Scraping>,
    target: SectionRef,
    first: FirstRun,
    next_at: Arc<AtomicI64>,
    busy: Arc<tokio::sync::Mutex<()>>,
) {
    let (site, section) = (&*target.site, target.section());
    let interval = section.settings.interval;
    let key = (site.id.clone(), section.id.clone());
    let mut delay = first_delay(deps.store.as_ref(), &key, section, first.restarted).await;
    // A section scraped at once waits for its host's gate, after a small
    // random offset.
    let mut gate = delay.is_zero().then(|| {
        delay = Duration::from_millis(fastrand::u64(0..FIRST_SPREAD_MS));
        first.gates.gate(site.url.host_str().unwrap_or(""))
    });
    let fresh = first.fresh;
    loop {
        let due = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
        next_at.store(due.timestamp_millis(), Ordering::Relaxed);
        tokio::time::sleep(delay).await;
        let permit = match gate.take() {
            Some(g) => g.acquire_owned().await.ok(),
            None => None,
        };
        let _guard = busy.lock().await;
        // Instances sharing a store scrape a section in turn: the lease
        // says whether this one does now, or when to ask again.
        let lease =
            match ScrapeLease::take(deps.store.as_ref(), &key, LeaseKind::Scheduled, deps.lease)
                .await
            {
                Ok(lease) => lease,
                Err(retry_in) => {
                    delay = retry_in + jitter_up_to(deps.lease / 10);
                    continue;
                }
            };
        let report = lease
            .hold_while(run_fresh(&deps, site, section, &fresh))
            .await;
        drop(permit);
        delay = if report.error.is_none() {
            jitter(interval)
        } else {
            let failures = match deps.store.summary(&key).await {
                Ok(Some(s)) => s.health.consecutive_failures.clamp(1, 3),
                _ => 1,
            };
            // 1×, 2×, 4× the interval, never longer.
            jitter(interval * (1u32 << (failures - 1)))
        };
        lease.release(delay).await;
    }
}

/// A random duration up to `d`, so instances refused a lease do not all
/// ask again at the same instant.
fn jitter_up_to(d: Duration) -> Duration {
    d.mul_f64(fastrand::f64())
}

/// A scrape that reuses nothing while `fresh` is set (the section's config
/// changed), and clears it once a scrape succeeds.
async fn run_fresh(
    deps: &Scraping,
    site: &SiteSpec,
    section: &SectionSpec,
    fresh: &AtomicBool,
) -> RunReport {
    let report = run_scrape(deps, site, section, fresh.load(Ordering::Acquire)).await;
    if report.error.is_none() {
        fresh.store(false, Ordering::Release);
    }
    report
}

/// One scrape of `section`, its result merged into the store, the feeds
/// that show it invalidated, one log line.
pub async fn run_once(deps: &Scraping, site: &SiteSpec, section: &SectionSpec) -> RunReport {
    run_scrape(deps, site, section, false).await
}

/// [`run_once`]; `fresh` (the section's config changed) reuses nothing from
/// earlier scrapes: no conditional request (a `304` would keep the old
/// selectors' results) and every article read again with the new rules.
async fn run_scrape(
    deps: &Scraping,
    site: &SiteSpec,
    section: &SectionSpec,
    fresh: bool,
) -> RunReport {
    let key = (site.id.clone(), section.id.clone());
    let label = format!("{}/{}", site.id, section.id);
    let previous = if fresh {
        Previous::default()
    } else {
        previous(deps.store.as_ref(), &key).await
    };
    let opts = ScrapeOptions {
        fetch_articles: section.settings.fetch_articles,
        now: Utc::now(),
        article_limit: usize::MAX,
    };
    let started = Instant::now();
    let result = scrape::scrape_section(&deps.fetcher, site, section, &previous, opts).await;
    let elapsed = started.elapsed();
    let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    let now = Utc::now();
    let mut report = RunReport {
        section: label.clone(),
        outcome: "ok",
        new: 0,
        updated: 0,
        total: 0,
        duration_ms: ms,
        duration_us: u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        error: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let stored = match result {
        Ok(ScrapeOutcome::Scraped(scraped)) => {
            report.problems = scraped.problem_lines();
            report.warnings = scraped.warning_lines();
            // Health lists the section's warnings first, then the field problems.
            let attempt = Attempt {
                at: now,
                duration_ms: ms,
                warnings: report
                    .warnings
                    .iter()
                    .chain(&report.problems)
                    .take(MAX_WARNINGS)
                    .cloned()
                    .collect(),
            };
            let merged = deps
                .store
                .merge(
                    &key,
                    Scraped {
                        entries: scraped.entries,
                        validators: scraped.list_validators,
                        max_items: section.settings.max_items,
                        attempt,
                    },
                )
                .await;
            merged.map(|merged| {
                report.new = merged.new;
                report.updated = merged.updated;
                report.total = merged.total;
            })
        }
        Ok(ScrapeOutcome::NotModified) => {
            report.outcome = "not_modified";
            let done = deps
                .store
                .record_not_modified(&key, Attempt::new(now, ms))
                .await;
            if let Ok(Some(s)) = deps.store.summary(&key).await {
                report.total = s.entries;
            }
            done
        }
        Err(e) => {
            let error = e.to_string();
            report.outcome = "failed";
            report.error = Some(error.clone());
            deps.store
                .record_failure(&key, error, Attempt::new(now, ms))
                .await
        }
    };
    if let Err(e) = stored {
        report.outcome = "failed";
        report.error = Some(format!("the scrape could not be stored: {e}"));
    }
    deps.metrics
        .scrape(&key, elapsed.as_secs_f64(), report.error.is_some());
    match &report.error {
        None => tracing::info!(
            section = %label,
            new = report.new,
            updated = report.updated,
            total = report.total,
            duration_ms = ms,
            outcome = report.outcome,
            "scrape"
        ),
        Some(error) => tracing::warn!(
            section = %label,
            duration_ms = ms,
            outcome = report.outcome,
            %error,
            "scrape failed"
        ),
    }
    if report.new + report.updated > 0 {
        deps.changes.section_changed(&key);
    }
    report
}

/// What earlier scrapes left for this one: validators and known entries
/// (nothing when the store cannot be read: every article is fetched).
async fn previous(store: &dyn Store, key: &SectionKey) -> Previous {
    let list_validators = store.list_validators(key).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "store unreadable: no conditional request");
        None
    });
    let entries = store.known_entries_of_site(key).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "store unreadable: no article reused");
        HashMap::new()
    });
    // Entries stored before: a new undated entry takes its first-seen time
    // instead of an estimate from its neighbours.
    let section_known = store
        .summary(key)
        .await
        .ok()
        .flatten()
        .is_some_and(|s| s.entries > 0);
    Previous {
        list_validators,
        entries,
        section_known,
    }
}
