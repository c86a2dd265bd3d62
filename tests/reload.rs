//! Hot reload: edits to the config file apply without a restart; a broken
//! edit leaves the old config running and says why on /healthz.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{client, get_json, start_from_file};
use portalfeed::app::Service;
use portalfeed::demo::FixturePortal;
use reqwest::StatusCode;

/// Waits until `cond` holds (the watcher debounces 250 ms).
async fn eventually(what: &str, mut cond: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if cond() {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}: not within 15 s");
}

fn has_section(service: &Service, id: &str) -> bool {
    service
        .state
        .config()
        .site("demo")
        .is_some_and(|s| s.section(id).is_some())
}

#[tokio::test]
async fn file_edits_add_change_and_remove_sections() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, path) = start_from_file(&portal, |t| t).await;
    let http = client();
    let base = service.base_url();
    let text = std::fs::read_to_string(&path).expect("config");

    // Add a section (a copy of Local under another id).
    let local_start = text.find("  id = \"local\"").expect("local section");
    let local_end = text[local_start..]
        .find("[[sites.sections]]")
        .map_or(text.len(), |i| i + local_start);
    let copy = text[local_start..local_end]
        .replace("id = \"local\"", "id = \"local-two\"")
        .replace("title = \"Local\"", "title = \"Local two\"");
    let added = format!("{text}\n  [[sites.sections]]\n{copy}");
    std::fs::write(&path, &added).expect("write");
    let latency = eventually("section added", || has_section(&service, "local-two")).await;
    println!("reload latency (file write to config applied): {latency:?}");
    let key = (
        portalfeed::model::SiteId::new("demo").expect("id"),
        portalfeed::model::SectionId::new("local-two").expect("id"),
    );
    let start = Instant::now();
    while common::health(&service, &key).await.scrapes == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "new section scraped: not within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = http
        .get(format!("{base}/feeds/demo/local-two.rss"))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), StatusCode::OK);

    // Untouched sections keep their schedule and store.
    let local = (
        portalfeed::model::SiteId::new("demo").expect("id"),
        portalfeed::model::SectionId::new("local").expect("id"),
    );
    assert_eq!(
        common::health(&service, &local).await.scrapes,
        1,
        "local not rescraped"
    );

    // Change it: a new title shows in the config in force.
    std::fs::write(
        &path,
        added.replace("title = \"Local two\"", "title = \"Local 2\""),
    )
    .expect("write");
    eventually("section changed", || {
        service
            .state
            .config()
            .site("demo")
            .and_then(|s| s.section("local-two").map(|x| x.title == "Local 2"))
            .unwrap_or(false)
    })
    .await;

    // Remove it: its feed goes away and its entries leave the store.
    std::fs::write(&path, &text).expect("write");
    eventually("section removed", || !has_section(&service, "local-two")).await;
    let start = Instant::now();
    while service
        .state
        .store
        .summary(&key)
        .await
        .expect("summary")
        .is_some()
    {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "entries gone: not within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = http
        .get(format!("{base}/feeds/demo/local-two.rss"))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_broken_edit_keeps_the_old_config_and_says_why() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, path) = start_from_file(&portal, |t| t).await;
    let http = client();
    let base = service.base_url();
    let text = std::fs::read_to_string(&path).expect("config");
    let feed_before = http
        .get(format!("{base}/feeds/demo/local.rss"))
        .send()
        .await
        .expect("feed")
        .bytes()
        .await
        .expect("body");

    std::fs::write(
        &path,
        text.replace("item = \"ul.list > li\"", "item = \"ul.list >> li[\""),
    )
    .expect("write");
    eventually("error recorded", || {
        service
            .state
            .config_error
            .read()
            .map(|e| e.is_some())
            .unwrap_or(false)
    })
    .await;
    let health = get_json(&http, &format!("{base}/healthz")).await;
    let error = health["config_error"]
        .as_str()
        .expect("config_error on /healthz");
    assert!(error.contains("list.item"), "{error}");
    assert!(error.contains(":"), "with its position: {error}");
    assert_eq!(health["status"], "degraded");
    // Still serving the old config's feed, unchanged.
    let feed_after = http
        .get(format!("{base}/feeds/demo/local.rss"))
        .send()
        .await
        .expect("feed")
        .bytes()
        .await
        .expect("body");
    assert_eq!(feed_before, feed_after);
    assert_eq!(
        service
            .state
            .config()
            .site("demo")
            .unwrap()
            .section("local")
            .unwrap()
            .source
            .as_ref()
            .unwrap()
            .list
            .item
            .source,
        "ul.list > li"
    );

    // Fixing the file clears the error.
    std::fs::write(&path, &text).expect("write");
    eventually("error cleared", || {
        service
            .state
            .config_error
            .read()
            .map(|e| e.is_none())
            .unwrap_or(false)
    })
    .await;
    service.shutdown().await.expect("shutdown");
}
