//! Hostile portals and abuse, against loopback origins started here:
//! URLs that reach inside, pages that are not pages.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TOKEN, client, demo_config, set_default, start_from_file, wait_scraped};
use portalfeed::app::Service;
use portalfeed::demo::FixturePortal;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

const PRIVATE: &str = "address 127.0.0.1 is private (set allow_private = true to allow)";

/// `POST /api/preview` of `section` in site `demo`.
async fn preview(http: &reqwest::Client, base: &str, section: Value) -> Value {
    let r = http
        .request(Method::POST, format!("{base}/api/preview"))
        .bearer_auth(TOKEN)
        .header(header::CONTENT_TYPE, "application/json")
        .body(json!({"site": "demo", "section": section}).to_string())
        .send()
        .await
        .expect("preview");
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_slice(&r.bytes().await.expect("body")).expect("JSON")
}

/// The `local` section's config as the admin API shows it.
async fn local_section(http: &reqwest::Client, base: &str) -> Value {
    http.get(format!("{base}/api/sites/demo/sections/local"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("section")
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).expect("JSON"))
        .expect("body")
}

#[tokio::test]
async fn private_addresses_are_refused_by_default() {
    let portal = FixturePortal::start().await.expect("portal");
    // The demo config without its `allow_private = true`: every section
    // points at 127.0.0.1.
    let cfg = demo_config(&portal, |t| {
        set_default(
            &set_default(&t, "interval", "\"1h\""),
            "allow_private",
            "false",
        )
    });
    let service = Service::start(cfg, None).await.expect("service starts");
    wait_scraped(&service, 1).await;
    let http = client();
    let base = service.base_url();
    let health = common::get_json(&http, &format!("{base}/healthz")).await;
    let sections = health["sections"].as_array().expect("sections");
    assert!(!sections.is_empty());
    for s in sections.iter().filter(|s| s["group"] != true) {
        assert_eq!(s["state"], "failing", "{s}");
        let error = s["last_error"].as_str().unwrap_or("");
        assert!(error.ends_with(PRIVATE), "{error}");
    }
    assert!(
        portal.requests().is_empty(),
        "nothing was requested from the inside address: {:?}",
        portal.requests()
    );
}

#[tokio::test]
async fn preview_and_put_of_an_inside_url_fetch_nothing() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let section = local_section(&http, &base).await;
    let list = section["url"].as_str().expect("url").to_owned();
    let port = portal.addr().port();
    portal.clear_requests();
    for spelling in [
        list.clone(),
        list.replace("127.0.0.1", "2130706433"),
        list.replace("127.0.0.1", "0x7f.1"),
        list.replace(&format!("127.0.0.1:{port}"), "169.254.169.254"),
    ] {
        let mut inside = section.clone();
        inside["url"] = json!(spelling);
        inside["allow_private"] = json!(false);
        let out = preview(&http, &base, inside).await;
        assert_eq!(out["ok"], false, "{out}");
        let error = out["error"].as_str().unwrap_or("");
        assert!(
            error.contains("is private (set allow_private = true to allow)"),
            "{error}"
        );
        assert!(out["entries"].as_array().is_none_or(Vec::is_empty), "{out}");
    }
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());

    // PUT: saved (the config is valid), but the section is failing and its
    // feed publishes nothing from inside.
    let mut inside = section.clone();
    inside["allow_private"] = json!(false);
    let r = http
        .put(format!("{base}/api/sites/demo/sections/local"))
        .bearer_auth(TOKEN)
        .header(header::CONTENT_TYPE, "application/json")
        .body(inside.to_string())
        .send()
        .await
        .expect("put");
    assert!(r.status().is_success(), "{}", r.status());
    let mut failing = None;
    for _ in 0..200 {
        let health = common::get_json(&http, &format!("{base}/healthz")).await;
        let local = health["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .find(|s| s["section"] == "local")
            .cloned()
            .expect("local");
        if local["state"] == "failing" {
            failing = Some(local);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let local = failing.expect("local turns failing after the PUT");
    assert!(
        local["last_error"]
            .as_str()
            .unwrap_or("")
            .ends_with(PRIVATE),
        "{local}"
    );
    assert!(
        portal.requests().is_empty(),
        "nothing fetched: {:?}",
        portal.requests()
    );
}

#[tokio::test]
async fn preview_never_shows_a_body_that_is_not_html() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    portal.set_page("/secret.txt", "db_password=hunter2\nroot:x:0:0\n");
    let mut section = local_section(&http, &base).await;
    section["url"] = json!(format!("{}/secret.txt", portal.base_url()));
    section["list"] = json!({"item": "body", "link": "a", "title": "body"});
    let out = preview(&http, &base, section).await;
    assert_eq!(out["ok"], false, "{out}");
    assert!(
        out["error"]
            .as_str()
            .unwrap_or("")
            .contains("not an HTML page"),
        "{out}"
    );
    assert!(!out.to_string().contains("hunter2"), "{out}");
}
