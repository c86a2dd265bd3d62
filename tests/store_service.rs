//! The store through the service: the database file and its tables, the
//! refusal to start on an unwritable `data_dir` or a corrupt database, a
//! write failure turning `/healthz` degraded, warnings per section.
#![allow(clippy::unwrap_used)]

mod common;

use common::{client, demo_config, get_json, set_default, wait_scraped};
use portalfeed::app::Service;
use portalfeed::demo::FixturePortal;
use portalfeed::model::{SectionId, SiteId};

fn key(section: &str) -> (SiteId, SectionId) {
    (
        SiteId::new("demo").expect("site id"),
        SectionId::new(section).expect("section id"),
    )
}

#[tokio::test]
async fn the_database_has_readable_tables_and_healthz_shows_warnings() {
    let portal = FixturePortal::start().await.expect("portal");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = demo_config(&portal, |t| set_default(&t, "interval", "\"1h\""));
    cfg.server.data_dir = Some(dir.path().to_path_buf());
    let service = Service::start(cfg, None).await.expect("service");
    wait_scraped(&service, 1).await;

    // What an admin sees with `sqlite3 data/portalfeed.db`.
    let db = rusqlite::Connection::open(dir.path().join("portalfeed.db")).expect("open");
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    assert_eq!(tables, ["entries", "sections"]);
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert!(version >= 1);
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    let (n, title): (i64, String) = db
        .query_row(
            "SELECT count(*), max(title) FROM entries WHERE site = 'demo' AND section = 'local'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("local entries");
    let stored = common::stored_entries(&service, &key("local")).await;
    assert_eq!(n as usize, stored.len());
    assert!(stored.iter().any(|e| e.title == title));

    // Local's list repeats two links and has an undated item: warnings.
    let health = get_json(&client(), &format!("{}/healthz", service.base_url())).await;
    let local = health["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == "local")
        .expect("local on /healthz");
    let warnings = local["warnings"].as_array().expect("warnings");
    assert!(!warnings.is_empty(), "{local}");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("date")),
        "{warnings:?}"
    );
    assert_eq!(health["store"]["write_failures"], 0);
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn an_unwritable_data_dir_or_a_corrupt_database_refuses_to_start() {
    let portal = FixturePortal::start().await.expect("portal");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").expect("write");
    let mut cfg = demo_config(&portal, |t| t);
    cfg.server.data_dir = Some(file.join("data"));
    let err = Service::start(cfg.clone(), None)
        .await
        .expect_err("refused");
    let msg = format!("{err:#}");
    assert!(msg.contains("cannot be written"), "{msg}");
    assert!(msg.contains("refusing to start"), "{msg}");

    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("portalfeed.db"), vec![b'#'; 4096]).expect("write");
    cfg.server.data_dir = Some(data);
    let err = Service::start(cfg, None).await.expect_err("refused");
    let msg = format!("{err:#}");
    assert!(msg.contains("is corrupt"), "{msg}");
    assert!(msg.contains("move it aside"), "{msg}");
}

#[tokio::test]
async fn a_failed_write_turns_healthz_degraded_and_is_counted() {
    let portal = FixturePortal::start().await.expect("portal");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = demo_config(&portal, |t| set_default(&t, "interval", "\"1h\""));
    cfg.server.data_dir = Some(dir.path().to_path_buf());
    let service = Service::start(cfg, None).await.expect("service");
    wait_scraped(&service, 1).await;
    let http = client();
    let base = service.base_url();
    let health = get_json(&http, &format!("{base}/healthz")).await;
    assert_eq!(health["status"], "ok", "{health}");

    // Another process holds the write lock: the next scrape cannot be
    // stored (the database is busy past its timeout).
    let other = rusqlite::Connection::open(dir.path().join("portalfeed.db")).expect("open");
    other.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let state = service.state.clone();
    let report = state.scrape_now(&key("local")).await.expect("runs");
    let error = report.error.expect("not stored");
    assert!(error.contains("could not be stored"), "{error}");
    let health = get_json(&http, &format!("{base}/healthz")).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["store"]["write_failures"], 1);
    assert!(health["store"]["last_write_error"].is_string(), "{health}");
    let metrics = common::get_text(&http, &format!("{base}/metrics")).await;
    assert!(
        metrics.contains("portalfeed_store_write_failures_total 1"),
        "{metrics}"
    );
    // Feeds still answer from what was committed.
    let r = http
        .get(format!("{base}/feeds/demo/local.json"))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), 200);

    // The lock goes away: the next write succeeds, /healthz is ok again.
    other.execute_batch("ROLLBACK").expect("unlock");
    let report = state.scrape_now(&key("local")).await.expect("runs");
    assert_eq!(report.error, None);
    let health = get_json(&http, &format!("{base}/healthz")).await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["store"]["write_failures"], 1);
    service.shutdown().await.expect("shutdown");
}
