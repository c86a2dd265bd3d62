//! Opening the database: the file, its pragmas, the versioned schema
//! (`PRAGMA user_version`), and the one-time import of `store.json`.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode};

use crate::store::StoreError;

/// The database file inside `data_dir`.
pub const FILE: &str = "portalfeed.db";

/// Schema migrations: entry `i` takes the database from version `i` to
/// `i + 1`. Append only; never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: sections (health, validators) and their entries.
    "CREATE TABLE sections (
        site                 TEXT    NOT NULL,
        section              TEXT    NOT NULL,
        last_success         TEXT,
        last_attempt         TEXT,
        last_error           TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        scrapes              INTEGER NOT NULL DEFAULT 0,
        failures             INTEGER NOT NULL DEFAULT 0,
        last_new             INTEGER NOT NULL DEFAULT 0,
        last_seen            INTEGER NOT NULL DEFAULT 0,
        last_duration_ms     INTEGER NOT NULL DEFAULT 0,
        warnings             TEXT    NOT NULL DEFAULT '[]',
        etag                 TEXT,
        last_modified        TEXT,
        changed              TEXT,
        PRIMARY KEY (site, section)
    ) WITHOUT ROWID;
    CREATE TABLE entries (
        site         TEXT NOT NULL,
        section      TEXT NOT NULL,
        id           TEXT NOT NULL,
        url          TEXT NOT NULL,
        title        TEXT NOT NULL,
        summary      TEXT,
        content_html TEXT,
        author       TEXT,
        published    TEXT,
        first_seen   TEXT NOT NULL,
        updated      TEXT NOT NULL,
        categories   TEXT NOT NULL DEFAULT '[]',
        image        TEXT,
        PRIMARY KEY (site, section, id),
        FOREIGN KEY (site, section) REFERENCES sections (site, section) ON DELETE CASCADE
    );",
    // 2: the entry's place in the portal's list (ties keep the portal's order).
    "ALTER TABLE entries ADD COLUMN position INTEGER NOT NULL DEFAULT 0;",
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Maps a SQLite error on `path` to a store error: damage is `Corrupt`,
/// a read-only or full disk `Unwritable`, the rest `Database`.
pub fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    let reason = e.to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_path_buf(),
            reason,
        },
        Some(
            ErrorCode::ReadOnly
            | ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure,
        ) => StoreError::Unwritable {
            path: path.to_path_buf(),
            reason,
        },
        _ => StoreError::Database(reason),
    }
}

/// Opens (creating if needed) the database in `dir`, or an in-memory one,
/// and brings its schema to [`VERSION`]. The second value is true when
/// the database was created now (then `store.json` may be imported).
pub fn open(dir: Option<&Path>) -> Result<(Connection, PathBuf, bool), StoreError> {
    let (conn, path) = match dir {
        None => {
            let path = PathBuf::from(":memory:");
            let conn = Connection::open_in_memory().map_err(|e| classify(&path, e))?;
            (conn, path)
        }
        Some(dir) => {
            check_writable(dir)?;
            let path = dir.join(FILE);
            let conn = Connection::open(&path).map_err(|e| classify(&path, e))?;
            (conn, path)
        }
    };
    let err = |e| classify(&path, e);
    if dir.is_some() {
        // Reading the journal mode reads the header: a file that is not a
        // database fails here.
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(err)?;
    let created = migrate(&conn, &path)?;
    Ok((conn, path, created))
}

/// Applies the migrations the database lacks, each in its transaction.
/// True when the database was empty (version 0).
fn migrate(conn: &Connection, path: &Path) -> Result<bool, StoreError> {
    let err = |e| classify(path, e);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err)?;
    if version > VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let next = i as i64 + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {next}; COMMIT;"
        ))
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            err(e)
        })?;
        tracing::info!(path = %path.display(), version = next, "store schema migrated");
    }
    Ok(version == 0)
}

/// `data_dir` exists (created if missing) and a file can be written in it.
fn check_writable(dir: &Path) -> Result<(), StoreError> {
    let unwritable = |path: &Path, e: std::io::Error| StoreError::Unwritable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, e))?;
    let probe = dir.join(".portalfeed-write-test");
    std::fs::write(&probe, b"ok").map_err(|e| unwritable(dir, e))?;
    std::fs::remove_file(&probe).map_err(|e| unwritable(dir, e))?;
    Ok(())
}
