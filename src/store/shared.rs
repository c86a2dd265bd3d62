//! What a store shared by several instances adds to the [`Store`] trait:
//! scrape leases (one instance scrapes a section per interval) and change
//! announcements (every instance drops the renderings a change affects).
//! A store of one instance (SQLite) grants every lease and announces
//! nothing: the trait's default methods.
//!
//! [`Store`]: super::Store

use std::future::Future;
use std::time::Duration;

use super::Store;
use crate::catalog::SectionKey;

/// The answer to a lease request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// This instance scrapes the section now; it renews the lease while the
    /// scrape runs and releases it after.
    Granted,
    /// Another instance scrapes it, or scraped it and it is not due yet:
    /// ask again after `retry_in`.
    Busy {
        /// Until the other instance's lease ends or the section is due.
        retry_in: Duration,
    },
}

/// Why a lease is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseKind {
    /// The section's interval ran out here: granted when no instance
    /// scrapes it and it is due (no instance scraped it within its interval).
    Scheduled,
    /// An admin asked for a scrape now: granted when no other instance
    /// scrapes it at this moment, due or not.
    Now,
}

/// A change another instance committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChange {
    /// This section's entries (or its `changed` time) changed.
    Section(SectionKey),
    /// Changes may have been missed (the listening connection was lost and
    /// is back): everything may have changed.
    All,
}

/// A lease this instance holds on one section, from [`ScrapeLease::take`]
/// to [`ScrapeLease::release`].
#[derive(Debug)]
pub struct ScrapeLease<'a> {
    store: &'a dyn Store,
    key: &'a SectionKey,
    hold: Duration,
}

impl<'a> ScrapeLease<'a> {
    /// Asks `store` for `key`'s lease. `Err(retry_in)`: another instance
    /// has it or the section is not due; a store that cannot answer is
    /// asked again in `hold` (logged).
    pub async fn take(
        store: &'a dyn Store,
        key: &'a SectionKey,
        kind: LeaseKind,
        hold: Duration,
    ) -> Result<Self, Duration> {
        match store.take_lease(key, kind, hold).await {
            Ok(Lease::Granted) => Ok(Self { store, key, hold }),
            Ok(Lease::Busy { retry_in }) => Err(retry_in),
            Err(e) => {
                tracing::warn!(section = %format!("{}/{}", key.0, key.1), error = %e, "scrape lease unavailable");
                Err(hold)
            }
        }
    }

    /// Runs `work` while renewing the lease every third of its length, so
    /// it never runs out under a long scrape (and does within one lease
    /// time when this process dies).
    pub async fn hold_while<T>(&self, work: impl Future<Output = T>) -> T {
        let every = (self.hold / 3).max(Duration::from_millis(100));
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut work = std::pin::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => return out,
                _ = ticks.tick() => match self.store.renew_lease(self.key, self.hold).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(
                        section = %format!("{}/{}", self.key.0, self.key.1),
                        "scrape lease lost (expired and taken by another instance)"
                    ),
                    Err(e) => tracing::warn!(
                        section = %format!("{}/{}", self.key.0, self.key.1),
                        error = %e,
                        "scrape lease not renewed"
                    ),
                },
            }
        }
    }

    /// Ends the lease: the section is due again in `due_in`, for every
    /// instance.
    pub async fn release(self, due_in: Duration) {
        if let Err(e) = self.store.release_lease(self.key, due_in).await {
            tracing::warn!(
                section = %format!("{}/{}", self.key.0, self.key.1),
                error = %e,
                "scrape lease not released (it runs out by itself)"
            );
        }
    }
}
