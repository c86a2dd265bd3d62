//! [`PostgresStore`]: the store in PostgreSQL, shared by any number of
//! instances with one config (`[store] url`, or `PORTALFEED_DATABASE_URL`).
//!
//! The same rows and merge rules as SQLite (see [`plan_merge`]): a scrape
//! that changed nothing writes its section row only, one that changed k
//! entries writes those k rows, in one transaction that holds the section's
//! row lock (a concurrent writer of the same section waits, others do not).
//! Everything an instance serves is read from the database, so every
//! instance renders the same bytes; a commit that changes a section is
//! announced to the others (see [`listen`]), and scrapes are shared out
//! through leases (see [`lease`]).
//!
//! [`plan_merge`]: crate::store::plan_merge

mod lease;
mod listen;
mod rows;
mod schema;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_postgres::NoTls;

use super::{
    Attempt, FeedEntries, Lease, LeaseKind, MergeOutcome, Scraped, Store, StoreChange, StoreError,
    StoreFuture, StoreStatus, Summaries, Summary, merge_entries, plan_merge,
};
use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, EntryId};

/// Connections an instance opens at most (the change listener's aside).
const POOL_SIZE: usize = 8;

/// How long a query may wait for a connection, or run.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The store in PostgreSQL.
#[derive(Debug)]
pub struct PostgresStore {
    pool: Pool,
    /// This process among the instances (lease holder, announcement origin).
    instance: String,
    /// Where, for messages (no password).
    place: String,
    status: Mutex<StoreStatus>,
    changes: broadcast::Sender<StoreChange>,
    listener: JoinHandle<()>,
}

/// `postgres://user@host:port/db`, never the password.
fn describe(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{host}:{port}/{}",
        config.get_user().unwrap_or(""),
        config.get_dbname().unwrap_or("")
    )
}

/// Parses a connection URL (`postgres://…` or `key=value` pairs); the
/// error says what is wrong, never the password.
pub fn parse_url(url: &str) -> Result<tokio_postgres::Config, String> {
    tokio_postgres::Config::from_str(url).map_err(|e| e.to_string())
}

/// A pool error with the server's or the socket's own words.
fn pool_error(e: deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => rows::describe(&e),
        other => other.to_string(),
    }
}

impl PostgresStore {
    /// Connects to `url`, applies the schema migrations this build knows,
    /// and starts listening for other instances' changes. Fails when the
    /// database cannot be reached or has a newer schema.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let mut config =
            parse_url(url).map_err(|e| StoreError::Database(format!("bad PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(30));
        if config.get_application_name().is_none() {
            config.application_name("portalfeed");
        }
        let place = describe(&config);
        let unreachable = |e: &dyn std::fmt::Display| {
            StoreError::Database(format!("cannot reach PostgreSQL at {place}: {e}"))
        };
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(TIMEOUT))
            .create_timeout(Some(TIMEOUT))
            .recycle_timeout(Some(TIMEOUT))
            .build()
            .map_err(|e| unreachable(&e))?;
        {
            let mut client = pool.get().await.map_err(|e| unreachable(&pool_error(e)))?;
            schema::migrate(&mut client, &place).await?;
        }
        let instance = format!("{}-{:08x}", std::process::id(), fastrand::u32(..));
        let (changes, _) = broadcast::channel(1024);
        let listener = listen::spawn(config, instance.clone(), changes.clone());
        tracing::info!(database = %place, %instance, "store: PostgreSQL");
        Ok(Self {
            pool,
            instance,
            place,
            status: Mutex::new(StoreStatus::default()),
            changes,
            listener,
        })
    }

    /// Where the store is (`postgres://user@host:port/db`).
    pub fn place(&self) -> &str {
        &self.place
    }

    /// This process's name among the instances.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|e| {
            StoreError::Database(format!(
                "no connection to PostgreSQL at {}: {}",
                self.place,
                pool_error(e)
            ))
        })
    }

    /// Records how a write ended, for `/healthz` and `/metrics`.
    fn wrote<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        match &result {
            Ok(_) => status.last_write_error = None,
            Err(e) => {
                tracing::error!(error = %e, "store write failed");
                status.write_failures += 1;
                status.last_write_error = Some(e.to_string());
            }
        }
        result
    }

    async fn merge_now(
        &self,
        key: &SectionKey,
        scraped: Scraped,
    ) -> Result<MergeOutcome, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(rows::db)?;
        let t: &tokio_postgres::Transaction<'_> = &tx;
        let mut summary = rows::lock_section(t, key).await?;
        let stored = rows::section_entries(t, key).await?;
        let seen = scraped.entries.len();
        let at = scraped.attempt.at;
        let plan = plan_merge(stored, scraped.entries, scraped.max_items, at);
        summary
            .health
            .succeeded(scraped.attempt, plan.outcome.new, Some(seen));
        let before = summary.changed;
        if plan.entries_changed || summary.changed.is_none() {
            summary.changed = Some(at);
        }
        summary.entries = plan.outcome.total;
        rows::put_section(t, key, &summary, Some(&scraped.validators)).await?;
        rows::apply_plan(t, key, &plan).await?;
        if summary.changed != before {
            listen::announce(t, &self.instance, key).await?;
        }
        tx.commit().await.map_err(rows::db)?;
        Ok(plan.outcome)
    }

    /// Updates `key`'s health alone, in one transaction.
    async fn record(
        &self,
        key: &SectionKey,
        update: impl FnOnce(&mut Summary) + Send,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(rows::db)?;
        let t: &tokio_postgres::Transaction<'_> = &tx;
        let mut summary = rows::lock_section(t, key).await?;
        update(&mut summary);
        rows::put_section(t, key, &summary, None).await?;
        tx.commit().await.map_err(rows::db)
    }

    async fn feed_now(&self, keys: &[SectionKey], limit: usize) -> Result<FeedEntries, StoreError> {
        let client = self.client().await?;
        let (all, changed) = rows::feed_rows(&**client, keys).await?;
        let mut entries = merge_entries(all);
        entries.truncate(limit);
        Ok(FeedEntries {
            entries,
            changed: changed.into_iter().flatten().max(),
        })
    }

    async fn remove_now(&self, key: &SectionKey) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(rows::db)?;
        let t: &tokio_postgres::Transaction<'_> = &tx;
        let existed = rows::delete_section(t, key).await?;
        if existed {
            listen::announce(t, &self.instance, key).await?;
        }
        tx.commit().await.map_err(rows::db)?;
        Ok(existed)
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl Store for PostgresStore {
    fn merge(&self, key: &SectionKey, scraped: Scraped) -> StoreFuture<'_, MergeOutcome> {
        let key = key.clone();
        Box::pin(async move {
            let result = self.merge_now(&key, scraped).await;
            self.wrote(result)
        })
    }

    fn record_not_modified(&self, key: &SectionKey, attempt: Attempt) -> StoreFuture<'_, ()> {
        let key = key.clone();
        Box::pin(async move {
            let result = self
                .record(&key, |s| s.health.succeeded(attempt, 0, None))
                .await;
            self.wrote(result)
        })
    }

    fn record_failure(
        &self,
        key: &SectionKey,
        error: String,
        attempt: Attempt,
    ) -> StoreFuture<'_, ()> {
        let key = key.clone();
        Box::pin(async move {
            let result = self.record(&key, |s| s.health.failed(error, attempt)).await;
            self.wrote(result)
        })
    }

    fn feed_entries(&self, keys: &[SectionKey], limit: usize) -> StoreFuture<'_, FeedEntries> {
        let keys = keys.to_vec();
        Box::pin(async move { self.feed_now(&keys, limit).await })
    }

    fn summaries(&self) -> StoreFuture<'_, Summaries> {
        Box::pin(async move { rows::summaries(&**self.client().await?).await })
    }

    fn summary(&self, key: &SectionKey) -> StoreFuture<'_, Option<Summary>> {
        let key = key.clone();
        Box::pin(async move { rows::summary_of(&**self.client().await?, &key, false).await })
    }

    fn list_validators(&self, key: &SectionKey) -> StoreFuture<'_, Option<Validators>> {
        let key = key.clone();
        Box::pin(async move { rows::validators(&**self.client().await?, &key).await })
    }

    fn known_entries_of_site(&self, key: &SectionKey) -> StoreFuture<'_, HashMap<EntryId, Entry>> {
        let key = key.clone();
        Box::pin(async move { rows::known_entries_of_site(&**self.client().await?, &key).await })
    }

    fn remove(&self, key: &SectionKey) -> StoreFuture<'_, bool> {
        let key = key.clone();
        Box::pin(async move {
            let result = self.remove_now(&key).await;
            self.wrote(result)
        })
    }

    fn status(&self) -> StoreStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn take_lease(
        &self,
        key: &SectionKey,
        kind: LeaseKind,
        hold: Duration,
    ) -> StoreFuture<'_, Lease> {
        let key = key.clone();
        Box::pin(async move {
            lease::take(&**self.client().await?, &key, &self.instance, kind, hold).await
        })
    }

    fn renew_lease(&self, key: &SectionKey, hold: Duration) -> StoreFuture<'_, bool> {
        let key = key.clone();
        Box::pin(
            async move { lease::renew(&**self.client().await?, &key, &self.instance, hold).await },
        )
    }

    fn release_lease(&self, key: &SectionKey, due_in: Duration) -> StoreFuture<'_, ()> {
        let key = key.clone();
        Box::pin(async move {
            lease::release(&**self.client().await?, &key, &self.instance, due_in).await
        })
    }

    fn changes(&self) -> Option<broadcast::Receiver<StoreChange>> {
        Some(self.changes.subscribe())
    }
}

#[cfg(test)]
mod tests;
