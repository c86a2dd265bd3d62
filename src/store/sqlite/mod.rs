//! [`SqliteStore`]: the store in an embedded SQLite database
//! (`data_dir/portalfeed.db`, WAL; in memory without `data_dir`).
//!
//! One dedicated thread owns the connection and runs the queries, fed by a
//! bounded queue, so no SQLite call ever runs on the async workers. The
//! section summaries live in memory too (updated after each commit), so the
//! status pages never touch the database. A scrape that changed nothing
//! writes only its section row; one that changed k entries writes those k
//! rows, in one transaction.

mod rows;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::snapshot;
use super::{
    Attempt, FeedEntries, MergeOutcome, Scraped, Store, StoreError, StoreFuture, StoreStatus,
    Summaries, Summary, merge_entries, plan_merge,
};
use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, EntryId};

/// Jobs waiting for the database thread at most; callers wait beyond.
const QUEUE: usize = 256;

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// The store in SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
    shared: Arc<Shared>,
    path: PathBuf,
}

/// What the database thread and the handles share.
#[derive(Debug, Default)]
struct Shared {
    summaries: RwLock<Summaries>,
    status: Mutex<StoreStatus>,
}

impl Shared {
    fn summaries(&self) -> std::sync::RwLockReadGuard<'_, Summaries> {
        self.summaries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn summaries_mut(&self) -> std::sync::RwLockWriteGuard<'_, Summaries> {
        self.summaries.write().unwrap_or_else(|e| e.into_inner())
    }

    fn status(&self) -> std::sync::MutexGuard<'_, StoreStatus> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The database thread's side.
struct Worker {
    conn: Connection,
    path: PathBuf,
    shared: Arc<Shared>,
}

impl SqliteStore {
    /// Opens the database in `data_dir` (created if missing; `store.json`
    /// imported once and renamed `store.json.imported`), or an in-memory
    /// one without it, and starts its thread. Fails when `data_dir` cannot
    /// be written or the database is corrupt.
    pub async fn open(data_dir: Option<PathBuf>) -> Result<Self, StoreError> {
        let (jobs, queue) = mpsc::channel::<Job>(QUEUE);
        let (ready, opened) = oneshot::channel();
        let shared = Arc::new(Shared::default());
        let for_thread = shared.clone();
        std::thread::Builder::new()
            .name("portalfeed-store".to_owned())
            .spawn(
                move || match Worker::open(data_dir.as_deref(), for_thread) {
                    Ok(worker) => {
                        let _ = ready.send(Ok(worker.path.clone()));
                        worker.run(queue);
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                    }
                },
            )
            .map_err(|e| StoreError::Database(format!("cannot start the store thread: {e}")))?;
        let path = opened.await.map_err(|_| StoreError::Closed)??;
        Ok(Self { jobs, shared, path })
    }

    /// The database file (`:memory:` without `data_dir`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the database thread and waits for its answer.
    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Worker) -> Result<T, StoreError> + Send + 'static,
    ) -> StoreFuture<'_, T> {
        let jobs = self.jobs.clone();
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            jobs.send(Box::new(move |w: &mut Worker| {
                let _ = tx.send(f(w));
            }))
            .await
            .map_err(|_| StoreError::Closed)?;
            rx.await.map_err(|_| StoreError::Closed)?
        })
    }

    /// Runs raw SQL on the database thread (tests: provoke failures).
    #[cfg(test)]
    pub(crate) async fn execute_batch(&self, sql: &'static str) -> Result<(), StoreError> {
        self.call(move |w| {
            w.conn
                .execute_batch(sql)
                .map_err(|e| StoreError::Database(e.to_string()))
        })
        .await
    }
}

impl Worker {
    fn open(dir: Option<&Path>, shared: Arc<Shared>) -> Result<Self, StoreError> {
        let (conn, path, created) = schema::open(dir)?;
        let mut worker = Self { conn, path, shared };
        if let Some(dir) = dir {
            worker.import_snapshot(dir, created)?;
        }
        let summaries = rows::load_summaries(&worker.conn).map_err(|e| match e {
            StoreError::Database(reason) => StoreError::Corrupt {
                path: worker.path.clone(),
                reason,
            },
            other => other,
        })?;
        *worker.shared.summaries_mut() = summaries;
        Ok(worker)
    }

    fn run(mut self, mut queue: mpsc::Receiver<Job>) {
        while let Some(job) = queue.blocking_recv() {
            job(&mut self);
        }
    }

    /// Runs `f` in one write transaction; a failure is counted and kept
    /// for `/healthz` until a write succeeds again.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let v = f(&tx)?;
            tx.commit()?;
            Ok(v)
        })();
        let mut status = self.shared.status();
        match result {
            Ok(v) => {
                status.last_write_error = None;
                Ok(v)
            }
            Err(e) => {
                let e = schema::classify(&self.path, e);
                tracing::error!(error = %e, "store write failed");
                status.write_failures += 1;
                status.last_write_error = Some(e.to_string());
                Err(e)
            }
        }
    }

    fn summary(&self, key: &SectionKey) -> Summary {
        self.shared
            .summaries()
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    /// Writes `summary` as `key`'s row and, once committed, in memory.
    fn put_summary(
        &mut self,
        key: SectionKey,
        summary: Summary,
        validators: Option<&Validators>,
    ) -> Result<(), StoreError> {
        self.write(|tx| rows::put_section(tx, &key, &summary, validators))?;
        self.shared.summaries_mut().insert(key, summary);
        Ok(())
    }

    fn merge(&mut self, key: SectionKey, scraped: Scraped) -> Result<MergeOutcome, StoreError> {
        let stored = rows::section_entries(&self.conn, &key)?;
        let seen = scraped.entries.len();
        let at = scraped.attempt.at;
        let plan = plan_merge(stored, scraped.entries, scraped.max_items, at);
        let mut summary = self.summary(&key);
        summary
            .health
            .succeeded(scraped.attempt, plan.outcome.new, Some(seen));
        if plan.entries_changed || summary.changed.is_none() {
            summary.changed = Some(at);
        }
        summary.entries = plan.outcome.total;
        self.write(|tx| {
            rows::put_section(tx, &key, &summary, Some(&scraped.validators))?;
            rows::apply_plan(tx, &key, &plan)
        })?;
        self.shared.summaries_mut().insert(key, summary);
        Ok(plan.outcome)
    }

    fn feed_entries(&self, keys: &[SectionKey], limit: usize) -> Result<FeedEntries, StoreError> {
        let mut all = Vec::new();
        let mut changed = None;
        {
            let summaries = self.shared.summaries();
            for key in keys {
                changed = changed.max(summaries.get(key).and_then(|s| s.changed));
            }
        }
        for key in keys {
            all.extend(rows::section_entries(&self.conn, key)?);
        }
        let mut entries = merge_entries(all);
        entries.truncate(limit);
        Ok(FeedEntries { entries, changed })
    }

    fn known_entries_of_site(
        &self,
        key: &SectionKey,
    ) -> Result<HashMap<EntryId, Entry>, StoreError> {
        let mut own = Vec::new();
        let mut out = HashMap::new();
        for (section, e) in rows::site_entries(&self.conn, &key.0)? {
            if section == key.1 {
                own.push(e);
            } else {
                out.insert(e.id.clone(), e);
            }
        }
        for e in own {
            out.insert(e.id.clone(), e);
        }
        Ok(out)
    }

    /// Imports `store.json` into a database created now, then renames it
    /// `store.json.imported`. A bad snapshot is set aside and reported.
    fn import_snapshot(&mut self, dir: &Path, created: bool) -> Result<(), StoreError> {
        let file = snapshot::path_in(dir);
        if !file.exists() {
            return Ok(());
        }
        if !created {
            tracing::warn!(
                snapshot = %file.display(),
                "store.json not imported: the database has data already"
            );
            return Ok(());
        }
        let sections = match snapshot::load(dir) {
            Ok(Some(s)) => s,
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::warn!(problem = %e, "store.json not imported");
                return Ok(());
            }
        };
        let n = sections.len();
        self.write(|tx| {
            for (key, data) in &sections {
                let summary = Summary {
                    health: data.health.clone(),
                    entries: data.entries.len(),
                    changed: data.changed,
                };
                rows::put_section(tx, key, &summary, data.list_validators.as_ref())?;
                for e in &data.entries {
                    rows::put_entry(tx, key, e)?;
                }
            }
            Ok(())
        })?;
        let moved = dir.join(format!("{}.imported", snapshot::FILE));
        std::fs::rename(&file, &moved).map_err(|e| StoreError::Unwritable {
            path: file.clone(),
            reason: format!("imported, but cannot rename it: {e}"),
        })?;
        tracing::info!(sections = n, from = %file.display(), to = %moved.display(), "store.json imported");
        Ok(())
    }
}

impl Store for SqliteStore {
    fn merge(&self, key: &SectionKey, scraped: Scraped) -> StoreFuture<'_, MergeOutcome> {
        let key = key.clone();
        self.call(move |w| w.merge(key, scraped))
    }

    fn record_not_modified(&self, key: &SectionKey, attempt: Attempt) -> StoreFuture<'_, ()> {
        let key = key.clone();
        self.call(move |w| {
            let mut summary = w.summary(&key);
            summary.health.succeeded(attempt, 0, None);
            w.put_summary(key, summary, None)
        })
    }

    fn record_failure(
        &self,
        key: &SectionKey,
        error: String,
        attempt: Attempt,
    ) -> StoreFuture<'_, ()> {
        let key = key.clone();
        self.call(move |w| {
            let mut summary = w.summary(&key);
            summary.health.failed(error, attempt);
            w.put_summary(key, summary, None)
        })
    }

    fn feed_entries(&self, keys: &[SectionKey], limit: usize) -> StoreFuture<'_, FeedEntries> {
        let keys = keys.to_vec();
        self.call(move |w| w.feed_entries(&keys, limit))
    }

    fn summaries(&self) -> StoreFuture<'_, Summaries> {
        let all = self.shared.summaries().clone();
        Box::pin(std::future::ready(Ok(all)))
    }

    fn summary(&self, key: &SectionKey) -> StoreFuture<'_, Option<Summary>> {
        let one = self.shared.summaries().get(key).cloned();
        Box::pin(std::future::ready(Ok(one)))
    }

    fn list_validators(&self, key: &SectionKey) -> StoreFuture<'_, Option<Validators>> {
        let key = key.clone();
        self.call(move |w| rows::validators(&w.conn, &key))
    }

    fn known_entries_of_site(&self, key: &SectionKey) -> StoreFuture<'_, HashMap<EntryId, Entry>> {
        let key = key.clone();
        self.call(move |w| w.known_entries_of_site(&key))
    }

    fn remove(&self, key: &SectionKey) -> StoreFuture<'_, bool> {
        let key = key.clone();
        self.call(move |w| {
            let existed = w.write(|tx| rows::delete_section(tx, &key))?;
            w.shared.summaries_mut().remove(&key);
            Ok(existed)
        })
    }

    fn status(&self) -> StoreStatus {
        self.shared.status().clone()
    }
}

#[cfg(test)]
mod tests;
