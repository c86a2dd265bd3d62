//! Scrape leases: one row per section in `leases`, with who scrapes it and
//! until when (`scraping_until`, renewed while the scrape runs, so a killed
//! instance's lease runs out on its own) and when it is next due (`due`,
//! set when the scrape ends, so no other instance scrapes it again within
//! its interval). Rows are taken with `FOR UPDATE SKIP LOCKED`: an instance
//! never waits for another's lease. Times are the database's clock, so the
//! instances' clocks need not agree.

use std::time::Duration;

use tokio_postgres::GenericClient;

use super::rows::db;
use crate::catalog::SectionKey;
use crate::store::{Lease, LeaseKind, StoreError};

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Asks for `key`'s lease for `holder`, held `hold` from now.
pub async fn take(
    c: &impl GenericClient,
    key: &SectionKey,
    holder: &str,
    kind: LeaseKind,
    hold: Duration,
) -> Result<Lease, StoreError> {
    let (site, section) = (key.0.as_str(), key.1.as_str());
    let any_time = kind == LeaseKind::Now;
    c.execute(
        "INSERT INTO leases (site, section) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&site, &section],
    )
    .await
    .map_err(db)?;
    let taken = c
        .query_opt(
            "WITH free AS (
                 SELECT site, section FROM leases
                 WHERE site = $1 AND section = $2
                   AND (scraping_until IS NULL OR scraping_until <= now() OR holder = $3)
                   AND ($4 OR due <= now())
                 FOR UPDATE SKIP LOCKED)
             UPDATE leases l
             SET holder = $3, scraping_until = now() + $5::bigint * interval '1 millisecond'
             FROM free WHERE l.site = free.site AND l.section = free.section
             RETURNING 1",
            &[&site, &section, &holder, &any_time, &millis(hold)],
        )
        .await
        .map_err(db)?;
    if taken.is_some() {
        return Ok(Lease::Granted);
    }
    // Held elsewhere, or not due: until when. (A row locked at this very
    // moment by another instance's request reads as free now: ask again soon.)
    let row = c
        .query_opt(
            "SELECT EXTRACT(EPOCH FROM greatest(
                 coalesce(scraping_until, now()),
                 CASE WHEN $3 THEN now() ELSE due END,
                 now()) - now())::float8
             FROM leases WHERE site = $1 AND section = $2",
            &[&site, &section, &any_time],
        )
        .await
        .map_err(db)?;
    let secs: f64 = match row {
        Some(r) => r.try_get(0).map_err(db)?,
        None => 0.0,
    };
    Ok(Lease::Busy {
        retry_in: Duration::try_from_secs_f64(secs).unwrap_or_default(),
    })
}

/// Extends `holder`'s running lease on `key`; false when it is not theirs
/// any more.
pub async fn renew(
    c: &impl GenericClient,
    key: &SectionKey,
    holder: &str,
    hold: Duration,
) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "UPDATE leases SET scraping_until = now() + $4::bigint * interval '1 millisecond'
             WHERE site = $1 AND section = $2 AND holder = $3 AND scraping_until IS NOT NULL",
            &[&key.0.as_str(), &key.1.as_str(), &holder, &millis(hold)],
        )
        .await
        .map_err(db)?;
    Ok(n > 0)
}

/// Ends `holder`'s lease on `key`: due again in `due_in`.
pub async fn release(
    c: &impl GenericClient,
    key: &SectionKey,
    holder: &str,
    due_in: Duration,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE leases SET scraping_until = NULL,
             due = now() + $4::bigint * interval '1 millisecond'
         WHERE site = $1 AND section = $2 AND holder = $3",
        &[&key.0.as_str(), &key.1.as_str(), &holder, &millis(due_in)],
    )
    .await
    .map_err(db)?;
    Ok(())
}
