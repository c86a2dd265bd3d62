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

const LOCAL_LIST: &str = "/shishixinwen/hotnews/bendixinwen3/index.html";
const WORLD_LIST: &str = "/shishixinwen/hotnews/guojixinwen3/index.html";
const LOCAL_ARTICLE: &str = "/shishixinwen/hotnews/bendixinwen3/201905/t20190513_100123.html";

/// The `/healthz` row of `section`.
async fn health_of(http: &reqwest::Client, base: &str, section: &str) -> Value {
    let health = common::get_json(http, &format!("{base}/healthz")).await;
    health["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["section"] == section)
        .cloned()
        .unwrap_or_else(|| panic!("{section} in {health}"))
}

/// The demo config (interval 1h) with `tweak` applied, started.
async fn start(portal: &FixturePortal, tweak: impl FnOnce(String) -> String) -> Service {
    let cfg = demo_config(portal, |t| tweak(set_default(&t, "interval", "\"1h\"")));
    let service = Service::start(cfg, None).await.expect("service starts");
    wait_scraped(&service, 1).await;
    service
}

#[tokio::test]
async fn deeply_nested_list_pages_fail_their_section_and_nothing_else() {
    let portal = FixturePortal::start().await.expect("portal");
    // 100,000 nested <div>s (the page that cost 96 s of CPU), and 1 MiB of
    // <div>s never closed.
    portal.set_page(
        LOCAL_LIST,
        "<html><body>".to_owned() + &"<div>".repeat(100_000),
    );
    portal.set_page(WORLD_LIST, "<div>".repeat((1 << 20) / 5));
    let service = start(&portal, |t| t).await;
    let http = client();
    let base = service.base_url();
    let local = health_of(&http, &base, "local").await;
    assert_eq!(local["state"], "failing", "{local}");
    let error = local["last_error"].as_str().unwrap_or("");
    assert!(error.starts_with("list page http://127.0.0.1:"), "{error}");
    assert!(error.contains("/bendixinwen3/: "), "{error}");
    assert!(
        error.ends_with("page nested 100002 levels deep (limit 512)"),
        "{error}"
    );
    let world = health_of(&http, &base, "internationale").await;
    assert_eq!(world["state"], "failing", "{world}");
    assert!(
        world["last_error"]
            .as_str()
            .unwrap_or("")
            .ends_with("page nested 209715 levels deep (limit 512)"),
        "{world}"
    );
    // Every other section scraped, and its feed answers.
    let domestic = health_of(&http, &base, "domestic").await;
    assert_eq!(domestic["state"], "ok", "{domestic}");
    let r = http
        .get(format!("{base}/feeds/demo/domestic.atom"))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        !common::parse_feed(&r.bytes().await.expect("body"))
            .entries
            .is_empty()
    );
}

#[tokio::test]
async fn a_deeply_nested_article_is_a_problem_of_its_item() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    portal.set_page(LOCAL_ARTICLE, "<b>".repeat(50_000));
    let section = local_section(&http, &base).await;
    let out = preview(&http, &base, section).await;
    assert_eq!(out["ok"], true, "the list still gives entries: {out}");
    let items = out["items"].as_array().expect("items");
    let deep = items
        .iter()
        .find(|i| {
            i["link"]
                .as_str()
                .is_some_and(|l| l.ends_with(LOCAL_ARTICLE))
        })
        .expect("the item of the deep article");
    let problems = deep["problems"].to_string();
    assert!(
        problems.contains("page nested 50000 levels deep (limit 512)"),
        "{problems}"
    );
    assert!(deep["title"].is_string(), "the list title is kept: {deep}");
}

#[tokio::test]
async fn a_scrape_over_its_parse_deadline_is_failing_with_it() {
    let portal = FixturePortal::start().await.expect("portal");
    // A big page within the depth cap: far more than 1 ms of parsing.
    let list = std::fs::read_to_string(format!("fixtures/portal{LOCAL_LIST}")).expect("fixture");
    let padding = "<p>filler <b>text</b></p>".repeat(40_000);
    portal.set_page(
        LOCAL_LIST,
        list.replace("</body>", &format!("{padding}</body>")),
    );
    let service = start(&portal, |t| {
        t.replace(
            "  [sites.sections.list]",
            "  scrape_deadline = \"1ms\"\n  [sites.sections.list]",
        )
    })
    .await;
    let http = client();
    let base = service.base_url();
    let local = health_of(&http, &base, "local").await;
    assert_eq!(local["state"], "failing", "{local}");
    let error = local["last_error"].as_str().unwrap_or("");
    assert!(
        error.contains("parsing took longer than the scrape deadline of 1ms"),
        "{error}"
    );
}

#[tokio::test]
async fn a_list_of_20000_items_starts_at_most_max_items_article_fetches() {
    let portal = FixturePortal::start().await.expect("portal");
    let items: String = (0..20_000)
        .map(|i| format!("<li><a href=\"/a/{i}.html\">Item {i}</a><span>2019-05-13</span></li>"))
        .collect();
    portal.set_page(
        LOCAL_LIST,
        format!("<html><body><ul class=\"list\">{items}</ul></body></html>"),
    );
    let service = start(&portal, |t| t).await;
    let articles = portal
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/a/"))
        .count();
    assert!(
        articles <= 50,
        "{articles} article fetches for max_items = 50"
    );
    assert!(articles > 0, "the first items' articles were fetched");
    let http = client();
    let base = service.base_url();
    let r = http
        .get(format!("{base}/feeds/demo/local.json"))
        .send()
        .await
        .expect("feed");
    let feed = common::parse_feed(&r.bytes().await.expect("body"));
    assert_eq!(feed.entries.len(), 50);
    let first = feed.entries[0].links.first().map(|l| l.href.clone());
    assert!(
        feed.entries.iter().all(|e| e.links.iter().any(|l| {
            let n: usize = l
                .href
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_suffix(".html"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            n < 50
        })),
        "the first 50 in page order: {first:?}"
    );
}

#[tokio::test]
async fn the_preview_says_how_many_items_were_left_out() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let items: String = (0..300)
        .map(|i| format!("<li><a href=\"/a/{i}.html\">Item {i}</a><span>2019-05-13</span></li>"))
        .collect();
    portal.set_page(
        LOCAL_LIST,
        format!("<html><body><ul class=\"list\">{items}</ul></body></html>"),
    );
    let mut section = local_section(&http, &base).await;
    section["max_items"] = json!(20);
    section["fetch_articles"] = json!(false);
    let out = preview(&http, &base, section).await;
    assert_eq!(out["left_out"], 280, "{}", out["left_out"]);
    assert_eq!(out["items"].as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn huge_titles_and_contents_are_cut() {
    let portal = FixturePortal::start().await.expect("portal");
    let article =
        std::fs::read_to_string(format!("fixtures/portal{LOCAL_ARTICLE}")).expect("fixture");
    let title = "Bridge ".repeat(150_000); // 1 MB
    let content = "<p>A paragraph of the article.</p>".repeat(40_000); // 1.3 MB
    let hostile = article
        .replace(
            "<h1>Xiangjiang River Bridge Opens to Traffic Ahead of Schedule</h1>",
            &format!("<h1>{title}</h1>"),
        )
        .replace(
            "<div class=\"TRS_Editor\" id=\"zoom\">",
            &format!("<div class=\"TRS_Editor\" id=\"zoom\">{content}"),
        );
    portal.set_page(LOCAL_ARTICLE, hostile);
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let http = client();
    let base = service.base_url();
    let body = http
        .get(format!("{base}/feeds/demo/local.atom"))
        .send()
        .await
        .expect("feed")
        .bytes()
        .await
        .expect("body");
    assert!(body.len() < 3 << 20, "feed of {} bytes", body.len());
    let feed = common::parse_feed(&body);
    let entry = feed
        .entries
        .iter()
        .find(|e| e.links.iter().any(|l| l.href.ends_with(LOCAL_ARTICLE)))
        .expect("the hostile article's entry");
    let title = entry
        .title
        .as_ref()
        .map(|t| t.content.clone())
        .unwrap_or_default();
    assert!(
        title.chars().count() <= 1_000,
        "{} chars",
        title.chars().count()
    );
    assert!(
        title.starts_with("Bridge Bridge") && title.ends_with("Bridge…"),
        "{}",
        &title[..40]
    );
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_default();
    assert!(
        content.len() <= (1 << 20) + 1024,
        "{} bytes of content",
        content.len()
    );
    assert!(
        content.len() > 500_000,
        "the first MiB is kept: {}",
        content.len()
    );

    // The diagnosis says so.
    let section = local_section(&http, &base).await;
    let out = preview(&http, &base, section).await;
    let item = out["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| {
            i["link"]
                .as_str()
                .is_some_and(|l| l.ends_with(LOCAL_ARTICLE))
        })
        .cloned()
        .expect("item");
    assert!(
        item["problems"]
            .to_string()
            .contains("cut at 1048576 bytes (`max_content`)"),
        "{}",
        item["problems"]
    );
}
