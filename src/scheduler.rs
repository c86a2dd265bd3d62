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

use crate::app::AppState;
use crate::catalog::SectionKey;
use crate::config::spec::{Config, SectionSpec, SiteSpec};
use crate::scrape::{self, Previous, ScrapeOptions, ScrapeOutcome};

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
    /// The error, when it failed.
    pub error: Option<String>,
    /// Per-item problems (field and what), when it ran.
    pub problems: Vec<String>,
    /// What did not stop the scrape (paging ended early, charset notes).
    pub warnings: Vec<String>,
}

struct Task {
    handle: JoinHandle<()>,
    /// Set while the section's config changed and no scrape succeeded since.
    fresh: Arc<AtomicBool>,
    fingerprint: String,
    next_at: Arc<AtomicI64>,
    busy: Arc<tokio::sync::Mutex<()>>,
}

/// The set of running section tasks.
#[derive(Default)]
pub struct Scheduler {
    tasks: Mutex<HashMap<SectionKey, Task>>,
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
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SectionKey, Task>> {
        self.tasks.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the running tasks match `config`: new sections start, removed
    /// ones stop, changed ones restart (and scrape at once); untouched ones
    /// keep their schedule. Returns the keys started or restarted, and removed.
    pub fn apply(
        &self,
        state: &Arc<AppState>,
        config: &Config,
    ) -> (Vec<SectionKey>, Vec<SectionKey>) {
        let mut wanted: HashMap<SectionKey, (SiteSpec, SectionSpec)> = HashMap::new();
        for site in &config.sites {
            for section in site.sections.iter().filter(|s| !s.is_group()) {
                wanted.insert(
                    (site.id.clone(), section.id.clone()),
                    (site.clone(), section.clone()),
                );
            }
        }
        let mut tasks = self.lock();
        let mut removed = Vec::new();
        let mut changed = Vec::new();
        tasks.retain(|key, task| {
            let keep = wanted
                .get(key)
                .is_some_and(|(site, sec)| fingerprint(site, sec) == task.fingerprint);
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
        for (key, (site, section)) in wanted {
            if tasks.contains_key(&key) {
                continue;
            }
            let fingerprint = fingerprint(&site, &section);
            let restarted = changed.contains(&key);
            let first_delay = first_delay(state, &key, &section, restarted);
            let next_at = Arc::new(AtomicI64::new(0));
            let busy = Arc::new(tokio::sync::Mutex::new(()));
            let fresh = Arc::new(AtomicBool::new(changed.contains(&key)));
            let handle = tokio::spawn(section_loop(
                state.clone(),
                site,
                section,
                FirstRun {
                    delay: first_delay,
                    fresh: fresh.clone(),
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
    pub async fn scrape_now(&self, state: &Arc<AppState>, key: &SectionKey) -> Option<RunReport> {
        let busy = self.lock().get(key).map(|t| t.busy.clone())?;
        let config = state.config();
        let site = config.site(key.0.as_str())?;
        let section = site.section(key.1.as_str())?;
        let fresh = self.lock().get(key).map(|t| t.fresh.clone())?;
        let _guard = busy.lock().await;
        Some(run_fresh(state, site, section, &fresh).await)
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
fn first_delay(
    state: &AppState,
    key: &SectionKey,
    section: &SectionSpec,
    changed: bool,
) -> Duration {
    if changed {
        return Duration::ZERO;
    }
    let health = state.store.health(key);
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
    delay: Duration,
    fresh: Arc<AtomicBool>,
}

async fn section_loop(
    state: Arc<AppState>,
    site: SiteSpec,
    section: SectionSpec,
    first: FirstRun,
    next_at: Arc<AtomicI64>,
    busy: Arc<tokio::sync::Mutex<()>>,
) {
    let interval = section.settings.interval;
    let mut delay = first.delay;
    let fresh = first.fresh;
    loop {
        let due = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
        next_at.store(due.timestamp_millis(), Ordering::Relaxed);
        tokio::time::sleep(delay).await;
        let report = {
            let _guard = busy.lock().await;
            run_fresh(&state, &site, &section, &fresh).await
        };
        delay = if report.error.is_none() {
            jitter(interval)
        } else {
            let failures = state
                .store
                .health(&(site.id.clone(), section.id.clone()))
                .consecutive_failures
                .clamp(1, 3);
            // 1×, 2×, 4× the interval, never longer.
            jitter(interval * (1u32 << (failures - 1)))
        };
    }
}

/// A scrape that reuses nothing while `fresh` is set (the section's config
/// changed), and clears it once a scrape succeeds.
async fn run_fresh(
    state: &Arc<AppState>,
    site: &SiteSpec,
    section: &SectionSpec,
    fresh: &AtomicBool,
) -> RunReport {
    let report = run_scrape(state, site, section, fresh.load(Ordering::Acquire)).await;
    if report.error.is_none() {
        fresh.store(false, Ordering::Release);
    }
    report
}

/// One scrape of `section`, its result merged into the store, the feeds
/// that show it invalidated, one log line.
pub async fn run_once(state: &Arc<AppState>, site: &SiteSpec, section: &SectionSpec) -> RunReport {
    run_scrape(state, site, section, false).await
}

/// [`run_once`]; `fresh` (the section's config changed) reuses nothing from
/// earlier scrapes: no conditional request (a `304` would keep the old
/// selectors' results) and every article read again with the new rules.
async fn run_scrape(
    state: &Arc<AppState>,
    site: &SiteSpec,
    section: &SectionSpec,
    fresh: bool,
) -> RunReport {
    let key = (site.id.clone(), section.id.clone());
    let label = format!("{}/{}", site.id, section.id);
    let previous = if fresh {
        Previous::default()
    } else {
        Previous {
            list_validators: state.store.list_validators(&key),
            entries: state.store.known_entries_of_site(&key),
            section_known: state
                .store
                .section(&key)
                .is_some_and(|d| !d.entries.is_empty()),
        }
    };
    let opts = ScrapeOptions {
        fetch_articles: section.settings.fetch_articles,
        now: Utc::now(),
        article_limit: usize::MAX,
    };
    let started = Instant::now();
    let result = scrape::scrape_section(&state.fetcher, site, section, &previous, opts).await;
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
        error: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    match result {
        Ok(ScrapeOutcome::Scraped(scraped)) => {
            report.problems = scraped.problem_lines();
            report.warnings = scraped.warning_lines();
            let merged = state.store.merge(
                &key,
                scraped.entries,
                scraped.list_validators,
                section.settings.max_items,
                now,
                ms,
            );
            report.new = merged.new;
            report.updated = merged.updated;
            report.total = merged.total;
        }
        Ok(ScrapeOutcome::NotModified) => {
            state.store.record_not_modified(&key, now, ms);
            report.outcome = "not_modified";
            report.total = state.store.section(&key).map_or(0, |d| d.entries.len());
        }
        Err(e) => {
            let error = e.to_string();
            state.store.record_failure(&key, error.clone(), now, ms);
            report.outcome = "failed";
            report.error = Some(error);
        }
    }
    state
        .metrics
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
    state.section_changed(&key, report.new + report.updated > 0);
    report
}
