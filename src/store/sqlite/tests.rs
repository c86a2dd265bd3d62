//! The conformance bodies on SQLite (in memory and on disk), and what is
//! SQLite's own: files, writes per scrape, import, corruption, failures.

use chrono::Utc;

use super::SqliteStore;
use crate::store::conformance::{self, entry, key, scraped};
use crate::store::{Attempt, Store, StoreError};

fn expect<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn conformance_in_memory() {
    let store = expect(SqliteStore::open(None).await);
    conformance::all(&store).await;
}

#[tokio::test]
async fn conformance_on_disk_and_everything_survives_a_reopen() {
    let dir = expect(tempfile::tempdir());
    let store = expect(SqliteStore::open(Some(dir.path().to_path_buf())).await);
    conformance::all(&store).await;
    let before = expect(store.summaries().await);
    let feed = expect(store.feed_entries(&[key("a")], 10).await);
    drop(store);
    assert!(dir.path().join("portalfeed.db").exists());
    let again = expect(SqliteStore::open(Some(dir.path().to_path_buf())).await);
    assert_eq!(expect(again.summaries().await), before);
    let after = expect(again.feed_entries(&[key("a")], 10).await);
    assert_eq!(after.entries, feed.entries);
    assert_eq!(after.changed, feed.changed);
}

/// Counts the rows each statement kind writes to `entries` (a trigger
/// into a temporary table), so a test sees what a scrape wrote.
async fn count_entry_writes(store: &SqliteStore) {
    expect(
        store
            .execute_batch(
                "CREATE TEMP TABLE writes (n INTEGER);
                 INSERT INTO writes VALUES (0);
                 CREATE TEMP TRIGGER w1 AFTER INSERT ON entries BEGIN UPDATE writes SET n = n + 1; END;
                 CREATE TEMP TRIGGER w2 AFTER UPDATE ON entries BEGIN UPDATE writes SET n = n + 1; END;
                 CREATE TEMP TRIGGER w3 AFTER DELETE ON entries BEGIN UPDATE writes SET n = n + 1; END;",
            )
            .await,
    );
}

async fn entry_writes(store: &SqliteStore) -> i64 {
    expect(
        store
            .call(|w| {
                w.conn
                    .query_row("SELECT n FROM writes", [], |r| r.get(0))
                    .map_err(|e| StoreError::Database(e.to_string()))
            })
            .await,
    )
}

#[tokio::test]
async fn an_unchanged_scrape_writes_no_entry_and_k_changes_write_k_rows() {
    let store = expect(SqliteStore::open(None).await);
    count_entry_writes(&store).await;
    let k = key("a");
    let list: Vec<_> = (1..=5).map(|n| entry(n, &format!("e{n}"))).collect();
    let now = Utc::now();
    expect(store.merge(&k, scraped(list.clone(), 10, now)).await);
    assert_eq!(entry_writes(&store).await, 5, "five new rows");
    expect(store.merge(&k, scraped(list.clone(), 10, now)).await);
    assert_eq!(
        entry_writes(&store).await,
        5,
        "nothing changed, nothing written"
    );
    expect(store.record_not_modified(&k, Attempt::new(now, 1)).await);
    expect(
        store
            .record_failure(&k, "down".to_owned(), Attempt::new(now, 1))
            .await,
    );
    assert_eq!(entry_writes(&store).await, 5);
    let mut changed = list;
    changed[1].title = "e2 corrected".to_owned();
    changed[3].title = "e4 corrected".to_owned();
    let out = expect(store.merge(&k, scraped(changed, 10, now)).await);
    assert_eq!(out.updated, 2);
    assert_eq!(entry_writes(&store).await, 7, "two changed rows");
}

#[tokio::test]
async fn store_json_is_imported_once_and_renamed() {
    let dir = expect(tempfile::tempdir());
    let snapshot = serde_json::json!({
        "version": 1,
        "sections": [{
            "site": "s", "section": "a",
            "data": {
                "entries": [entry(1, "from json")],
                "list_validators": {"etag": "\"j\"", "last_modified": null},
                "health": {
                    "last_success": "2024-05-01T00:00:00Z", "last_attempt": "2024-05-01T00:00:00Z",
                    "last_error": null, "consecutive_failures": 0, "scrapes": 7, "failures": 1,
                    "last_new": 1, "last_seen": 1, "last_duration_ms": 3
                },
                "changed": "2024-05-01T00:00:00Z"
            }
        }]
    });
    let json = dir.path().join("store.json");
    expect(std::fs::write(&json, snapshot.to_string()));
    let store = expect(SqliteStore::open(Some(dir.path().to_path_buf())).await);
    let feed = expect(store.feed_entries(&[key("a")], 10).await);
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.entries[0].title, "from json");
    let summary = expect(store.summary(&key("a")).await).unwrap_or_default();
    assert_eq!(summary.health.scrapes, 7);
    let v = expect(store.list_validators(&key("a")).await).unwrap_or_default();
    assert_eq!(v.etag.as_deref(), Some("\"j\""));
    assert!(!json.exists(), "renamed");
    assert!(dir.path().join("store.json.imported").exists());
    drop(store);
    // A second start does not import again (a store.json appearing later
    // is left alone).
    expect(std::fs::write(&json, snapshot.to_string()));
    let again = expect(SqliteStore::open(Some(dir.path().to_path_buf())).await);
    assert_eq!(
        expect(again.summary(&key("a")).await)
            .unwrap_or_default()
            .health
            .scrapes,
        7
    );
    assert!(json.exists());
}

#[tokio::test]
async fn a_corrupt_database_is_reported_as_corrupt() {
    let dir = expect(tempfile::tempdir());
    let db = dir.path().join("portalfeed.db");
    expect(std::fs::write(&db, vec![b'x'; 8192]));
    let err = SqliteStore::open(Some(dir.path().to_path_buf()))
        .await
        .err();
    assert!(matches!(err, Some(StoreError::Corrupt { .. })), "{err:?}");
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("portalfeed.db") && msg.contains("move it aside"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_data_dir_that_cannot_be_written_refuses() {
    let dir = expect(tempfile::tempdir());
    let file = dir.path().join("a-file");
    expect(std::fs::write(&file, b"not a directory"));
    let err = SqliteStore::open(Some(file.join("data"))).await.err();
    assert!(
        matches!(err, Some(StoreError::Unwritable { .. })),
        "{err:?}"
    );
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("cannot be written"), "{msg}");
}

#[tokio::test]
async fn a_failed_write_is_counted_and_shown_until_one_succeeds() {
    let dir = expect(tempfile::tempdir());
    let store = expect(SqliteStore::open(Some(dir.path().to_path_buf())).await);
    let k = key("a");
    let now = Utc::now();
    expect(
        store
            .merge(&k, scraped(vec![entry(1, "one")], 10, now))
            .await,
    );
    // The database may not grow any more: a scrape with big new entries
    // cannot be written (SQLITE_FULL).
    expect(
        store
            .call(|w| {
                let pages: i64 = w
                    .conn
                    .query_row("PRAGMA page_count", [], |r| r.get(0))
                    .map_err(|e| StoreError::Database(e.to_string()))?;
                w.conn
                    .pragma_update(None, "max_page_count", pages)
                    .map_err(|e| StoreError::Database(e.to_string()))
            })
            .await,
    );
    let mut big: Vec<_> = (2..=20).map(|n| entry(n, &format!("e{n}"))).collect();
    for e in &mut big {
        e.content_html = Some("<p>x</p>".repeat(2000));
    }
    let err = store.merge(&k, scraped(big, 50, now)).await.err();
    assert!(err.is_some());
    let status = store.status();
    assert_eq!(status.write_failures, 1);
    assert!(status.last_write_error.is_some(), "{status:?}");
    // Nothing half-written: the section is as before.
    let summary = expect(store.summary(&k).await).unwrap_or_default();
    assert_eq!((summary.entries, summary.health.scrapes), (1, 1));
    assert_eq!(
        expect(store.feed_entries(std::slice::from_ref(&k), 50).await)
            .entries
            .len(),
        1
    );
    expect(
        store
            .execute_batch("PRAGMA max_page_count = 1073741823")
            .await,
    );
    expect(store.record_not_modified(&k, Attempt::new(now, 1)).await);
    let status = store.status();
    assert_eq!(status.write_failures, 1);
    assert_eq!(status.last_write_error, None);
}
