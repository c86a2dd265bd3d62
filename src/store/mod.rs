//! Entries per section, kept across scrapes, with each section's health.
//!
//! [`Store`] is the seam: the scheduler merges scrapes into it, the render
//! cache reads feeds from it, the status pages read [`Summary`]s (never
//! entries). [`SqliteStore`] is the default implementation (embedded,
//! `data_dir/portalfeed.db`, in memory without `data_dir`). Every method
//! is async and never blocks the runtime's workers.

#[cfg(test)]
pub(crate) mod conformance;
mod health;
mod merge;
mod postgres;
mod shared;
mod snapshot;
mod sqlite;

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, EntryId};

pub use health::{Attempt, Health, State, Summary};
pub use merge::{MergeOutcome, MergePlan, merge_entries, plan as plan_merge};
pub use postgres::PostgresStore;
pub use shared::{Lease, LeaseKind, ScrapeLease, StoreChange};
pub use snapshot::SnapshotError;
pub use sqlite::SqliteStore;

/// What a store method returns: a boxed future (so `dyn Store` works).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Every section's summary, by key.
pub type Summaries = HashMap<SectionKey, Summary>;

/// A successful scrape to merge.
#[derive(Debug, Clone, Default)]
pub struct Scraped {
    /// The entries the scrape produced.
    pub entries: Vec<Entry>,
    /// Validators of the first list page, for the next conditional request.
    pub validators: Validators,
    /// The section's `max_items`.
    pub max_items: usize,
    /// When, how long, warnings.
    pub attempt: Attempt,
}

/// A feed's entries as read from the store.
#[derive(Debug, Clone, Default)]
pub struct FeedEntries {
    /// Merged over the feed's sections (deduplicated by id), newest first,
    /// at most the limit asked for.
    pub entries: Vec<Entry>,
    /// The latest time any of those sections' entries changed.
    pub changed: Option<DateTime<Utc>>,
}

/// The store's own condition, shown on `/healthz` and `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreStatus {
    /// Writes that failed since start.
    pub write_failures: u64,
    /// The last write failure, until a write succeeds again.
    pub last_write_error: Option<String>,
}

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `data_dir` (or the database in it) cannot be written.
    #[error("data_dir {path} cannot be written: {reason}")]
    Unwritable {
        /// The directory or file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// The database file is damaged or is not a database.
    #[error(
        "the database {path} is corrupt ({reason}); move it aside (portalfeed starts with an empty store and scrapes again) or restore a backup"
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// The database was written by a newer portalfeed.
    #[error(
        "the database {path} has schema version {found}, this portalfeed knows up to {known}: run a newer portalfeed"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// A query failed.
    #[error("store: {0}")]
    Database(String),
    /// A stored row could not be read back.
    #[error("store: bad row in {table}: {reason}")]
    BadRow {
        /// The table.
        table: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The store was shut down.
    #[error("store: closed")]
    Closed,
}

/// Where a section's entries and health live. Implemented by
/// [`SqliteStore`]; a store for several instances implements the same.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Merges a successful scrape into `key` (see [`plan_merge`] for the
    /// rules) in one transaction: only new and changed entries are written,
    /// trimmed ones deleted, and the section's health, validators and
    /// warnings updated.
    fn merge(&self, key: &SectionKey, scraped: Scraped) -> StoreFuture<'_, MergeOutcome>;

    /// Records a `304`: the scrape succeeded, nothing changed. Writes the
    /// health row only.
    fn record_not_modified(&self, key: &SectionKey, attempt: Attempt) -> StoreFuture<'_, ()>;

    /// Records a failed scrape; the entries stay as they were. Writes the
    /// health row only.
    fn record_failure(
        &self,
        key: &SectionKey,
        error: String,
        attempt: Attempt,
    ) -> StoreFuture<'_, ()>;

    /// The entries of `keys` merged (deduplicated by id), newest first, at
    /// most `limit`, and the last time they changed.
    fn feed_entries(&self, keys: &[SectionKey], limit: usize) -> StoreFuture<'_, FeedEntries>;

    /// Every section's summary (health, counts; never entries). Cheap:
    /// the status pages call it on every request.
    fn summaries(&self) -> StoreFuture<'_, Summaries>;

    /// One section's summary (`None`: the store has nothing for it).
    fn summary(&self, key: &SectionKey) -> StoreFuture<'_, Option<Summary>>;

    /// The list validators remembered for `key`.
    fn list_validators(&self, key: &SectionKey) -> StoreFuture<'_, Option<Validators>>;

    /// Every known entry of `key`'s site, by id, `key`'s own winning: an
    /// article listed in two sections is fetched once.
    fn known_entries_of_site(&self, key: &SectionKey) -> StoreFuture<'_, HashMap<EntryId, Entry>>;

    /// Forgets a section (removed from the config); true when it existed.
    fn remove(&self, key: &SectionKey) -> StoreFuture<'_, bool>;

    /// The store's own condition (write failures), without waiting.
    fn status(&self) -> StoreStatus;

    /// Asks for the lease to scrape `key`, held for `hold` unless renewed
    /// (see [`shared`]). A store of one instance grants it at once.
    fn take_lease(
        &self,
        _key: &SectionKey,
        _kind: LeaseKind,
        _hold: std::time::Duration,
    ) -> StoreFuture<'_, Lease> {
        Box::pin(std::future::ready(Ok(Lease::Granted)))
    }

    /// Extends a granted lease by `hold` from now; false when it was lost
    /// (it expired and another instance took it).
    fn renew_lease(&self, _key: &SectionKey, _hold: std::time::Duration) -> StoreFuture<'_, bool> {
        Box::pin(std::future::ready(Ok(true)))
    }

    /// Ends a granted lease after the scrape: the section is due again in
    /// `due_in` (for every instance).
    fn release_lease(
        &self,
        _key: &SectionKey,
        _due_in: std::time::Duration,
    ) -> StoreFuture<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// The changes other instances commit, as they are announced; `None`
    /// for a store no other instance writes.
    fn changes(&self) -> Option<tokio::sync::broadcast::Receiver<StoreChange>> {
        None
    }
}

/// Opens the store the config asks for: PostgreSQL at `[store] url` (the
/// store several instances share), else SQLite in `data_dir` (created if
/// missing, `store.json` imported once), in memory without it.
pub async fn open(config: &crate::config::Config) -> Result<Arc<dyn Store>, StoreError> {
    match &config.store.url {
        Some(url) => Ok(Arc::new(PostgresStore::open(url).await?)),
        None => Ok(Arc::new(
            SqliteStore::open(config.server.data_dir.clone()).await?,
        )),
    }
}
