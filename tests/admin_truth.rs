//! The admin API tells the truth about what a feed serves: a refresh that
//! failed says what is still served and how long it took; a PUT whose
//! selectors match nothing is saved with a `warning` saying what happens.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TOKEN, client, start_from_file};
use portalfeed::demo::FixturePortal;
use reqwest::StatusCode;
use serde_json::Value;

const LOCAL_LIST: &str = "/shishixinwen/hotnews/bendixinwen3/";
const EMPTY_LIST: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Local</title></head>\
    <body><div class=\"main\"><p>Redesigned: no list here.</p></div></body></html>";

async fn json(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap(),
    )
}

/// `PUT url` with `section` as its JSON body, with the token.
async fn put_json(http: &reqwest::Client, url: &str, section: &Value) -> (StatusCode, Value) {
    let r = http
        .put(url)
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(section.to_string())
        .send()
        .await
        .unwrap();
    json(r).await
}

#[tokio::test]
async fn a_failed_refresh_says_what_is_still_served() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let url = format!("{base}/api/sites/demo/sections/local/refresh");

    let (status, ok) = json(http.post(&url).bearer_auth(TOKEN).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    let served = ok["served"].as_u64().unwrap();
    assert!(served >= 5, "{ok}");
    assert!(
        ok["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{served} entries in the feed")),
        "{ok}"
    );

    portal.set_page(LOCAL_LIST, EMPTY_LIST);
    let (status, failed) = json(http.post(&url).bearer_auth(TOKEN).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{failed}");
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["served"].as_u64(), Some(served), "{failed}");
    let since: chrono::DateTime<chrono::Utc> =
        failed["served_since"].as_str().unwrap().parse().unwrap();
    let message = failed["message"].as_str().unwrap();
    assert!(
        message.starts_with("failed: selector matched nothing"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "still serving the {served} entries of {} UTC",
            since.format("%H:%M")
        )),
        "{message}"
    );
    assert!(failed["duration_us"].as_u64().unwrap() > 0, "{failed}");
    let duration = failed["duration"].as_str().unwrap();
    assert!(duration.ends_with(" ms") || duration.ends_with(" s"));
    assert!(message.ends_with(&format!("({duration})")), "{message}");
    // The feed still serves them.
    let feed = http
        .get(format!("{base}/feeds/demo/local.atom"))
        .send()
        .await
        .unwrap();
    let feed = common::parse_feed(&feed.bytes().await.unwrap());
    assert_eq!(feed.entries.len() as u64, served);
    service.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_put_that_matches_nothing_is_saved_with_a_warning() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let url = format!("{base}/api/sites/demo/sections/local");
    let (_, mut section) = json(http.get(&url).bearer_auth(TOKEN).send().await.unwrap()).await;

    // Unchanged: no warning.
    let (status, saved) = put_json(&http, &url, &section).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert!(saved.get("warning").is_none(), "{saved}");

    let kept = service
        .state
        .store
        .summary(&(
            portalfeed::model::SiteId::new("demo").unwrap(),
            portalfeed::model::SectionId::new("local").unwrap(),
        ))
        .await
        .unwrap()
        .unwrap()
        .entries;
    section["list"]["item"] = Value::from("div.no-such-list > li");
    let (status, saved) = put_json(&http, &url, &section).await;
    assert_eq!(status, StatusCode::OK, "saved all the same: {saved}");
    let warning = saved["warning"].as_str().unwrap();
    assert!(
        warning.contains("list.item `div.no-such-list > li` matches nothing"),
        "{warning}"
    );
    assert!(
        warning.contains(&format!(
            "demo/local turns failing at its next scrape and its last {kept} entries stay served"
        )),
        "{warning}"
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("div.no-such-list > li"),
        "the file has the new selector"
    );
    service.shutdown().await.unwrap();
}
