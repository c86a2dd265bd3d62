//! The versioned schema, applied at start under an advisory lock (several
//! instances may start at once), each version in the same transaction as
//! the version number it records.

use tokio_postgres::Client;

use crate::store::StoreError;

/// Schema migrations: entry `i` takes the database from version `i` to
/// `i + 1`. Append only; never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: sections (health, validators, counts), their entries, and the
    // scrape leases. Times of entries and health are RFC 3339 text (the
    // exact value, offset included, as SQLite keeps them); lease times are
    // the database's own clock.
    "CREATE TABLE sections (
        site                 text    NOT NULL,
        section              text    NOT NULL,
        last_success         text,
        last_attempt         text,
        last_error           text,
        consecutive_failures integer NOT NULL DEFAULT 0,
        scrapes              bigint  NOT NULL DEFAULT 0,
        failures             bigint  NOT NULL DEFAULT 0,
        last_new             bigint  NOT NULL DEFAULT 0,
        last_seen            bigint  NOT NULL DEFAULT 0,
        last_duration_ms     bigint  NOT NULL DEFAULT 0,
        warnings             text[]  NOT NULL DEFAULT '{}',
        etag                 text,
        last_modified        text,
        changed              text,
        entry_count          bigint  NOT NULL DEFAULT 0,
        PRIMARY KEY (site, section)
    );
    CREATE TABLE entries (
        site         text   NOT NULL,
        section      text   NOT NULL,
        id           text   NOT NULL,
        url          text   NOT NULL,
        title        text   NOT NULL,
        summary      text,
        content_html text,
        author       text,
        published    text,
        first_seen   text   NOT NULL,
        updated      text   NOT NULL,
        categories   text[] NOT NULL DEFAULT '{}',
        image        text,
        PRIMARY KEY (site, section, id),
        FOREIGN KEY (site, section) REFERENCES sections (site, section) ON DELETE CASCADE
    );
    CREATE TABLE leases (
        site           text        NOT NULL,
        section        text        NOT NULL,
        holder         text,
        scraping_until timestamptz,
        due            timestamptz NOT NULL DEFAULT '-infinity',
        PRIMARY KEY (site, section)
    );",
    // 2: an entry's place on its list page (orders entries of one date).
    "ALTER TABLE entries ADD COLUMN position bigint NOT NULL DEFAULT 0;",
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Key of the advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x706f_7274_616c_6664; // "portalfd"

use super::rows::db;

/// Brings the schema to [`VERSION`]; `place` names the database in errors.
pub async fn migrate(client: &mut Client, place: &str) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(db)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS portalfeed_schema (version bigint NOT NULL);
         INSERT INTO portalfeed_schema (version)
             SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM portalfeed_schema);",
    )
    .await
    .map_err(db)?;
    let version: i64 = tx
        .query_one("SELECT max(version) FROM portalfeed_schema", &[])
        .await
        .map_err(db)?
        .get(0);
    if version > VERSION {
        return Err(StoreError::TooNew {
            path: place.into(),
            found: version,
            known: VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql).await.map_err(db)?;
        let next = i as i64 + 1;
        tx.execute("UPDATE portalfeed_schema SET version = $1", &[&next])
            .await
            .map_err(db)?;
        tracing::info!(database = place, version = next, "store schema migrated");
    }
    tx.commit().await.map_err(db)
}
