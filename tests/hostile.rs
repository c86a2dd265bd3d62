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

#[tokio::test]
async fn wrong_tokens_are_limited_per_address() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let api = format!("{base}/api/sections");
    // No credential at all is not a guess: never limited.
    for _ in 0..15 {
        let r = http.get(&api).send().await.expect("request");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let mut statuses = Vec::new();
    for i in 0..12 {
        let r = http
            .get(&api)
            .bearer_auth(format!("guess-{i}"))
            .send()
            .await
            .expect("request");
        statuses.push(r.status().as_u16());
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let after: u64 = r.headers()[header::RETRY_AFTER]
                .to_str()
                .expect("text")
                .parse()
                .expect("seconds");
            assert!((1..=60).contains(&after), "Retry-After {after}");
        }
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
    // While it waits, the right token gets no answer either (no faster
    // guessing), nor does the login form.
    let r = http
        .get(&api)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = http
        .post(format!("{base}/admin/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("token=another-guess")
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Feeds are not affected.
    let r = http
        .get(format!("{base}/feeds/demo/local.atom"))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_slow_admin_body_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let addr = service.base_url().trim_start_matches("http://").to_owned();
    let mut sock = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let head = format!(
        "PUT /api/sites/demo/sections/local HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    );
    sock.write_all(head.as_bytes()).await.expect("head");
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    // One byte a second; the server must answer (408) long before the
    // 1,000 bytes are sent.
    for _ in 0..30 {
        tokio::select! {
            n = sock.read(&mut buf) => {
                let n = n.unwrap_or(0);
                answer.extend_from_slice(&buf[..n]);
                break;
            }
            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {
                if sock.write_all(b" ").await.is_err() {
                    break;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(started.elapsed() < std::time::Duration::from_secs(25));
}

#[tokio::test]
async fn pages_carry_a_content_security_policy() {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    for path in ["/", "/admin"] {
        let r = http
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("page");
        let h = r.headers().clone();
        let csp = h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("text")
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        let body = r.text().await.expect("body");
        if path == "/" {
            // Its one inline style is allowed by its hash, and nothing else.
            let style = body
                .split_once("<style>")
                .and_then(|(_, rest)| rest.split_once("</style>"))
                .map(|(s, _)| s)
                .expect("an inline style");
            let hash =
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
            assert!(csp.contains(&format!("style-src 'sha256-{hash}'")), "{csp}");
            assert!(!body.contains("<script"), "no script on the index");
        } else {
            assert!(csp.contains("script-src 'self'"), "{csp}");
        }
    }
}

#[tokio::test]
async fn control_characters_in_titles_and_ids_are_refused() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let section = local_section(&http, &base).await;
    let put = |body: Value, url: String| {
        let http = http.clone();
        async move {
            let r = http
                .put(url)
                .bearer_auth(TOKEN)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_string())
                .send()
                .await
                .expect("put");
            let status = r.status();
            let v: Value =
                serde_json::from_slice(&r.bytes().await.expect("body")).unwrap_or(Value::Null);
            (status, v)
        }
    };
    let mut bad = section.clone();
    bad["title"] = json!("Local\u{7}\u{1b}[31m news");
    let (status, err) = put(bad, format!("{base}/api/sites/demo/sections/local")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "title", "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap_or("")
            .contains("control character U+0007"),
        "{err}"
    );
    let mut bad = section.clone();
    bad["id"] = json!("lo\u{0}cal");
    let (status, err) = put(bad, format!("{base}/api/sites/demo/sections/lo%00cal")).await;
    assert!(status.is_client_error(), "{status} {err}");
    // Nothing of it reached an output.
    for path in ["/", "/opml", "/healthz"] {
        let body = http
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("body");
        assert!(
            !body
                .iter()
                .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')),
            "{path} has a control character"
        );
    }
}

#[test]
fn check_refuses_a_config_with_no_sites() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("empty.toml", ""),
        ("defaults-only.toml", "[defaults]\ninterval = \"15m\"\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_portalfeed"))
            .args(["check", "--config"])
            .arg(&path)
            .output()
            .expect("check runs");
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{name}:1:1: sites: no sites configured")),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn a_preview_stops_when_its_client_goes_away() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let section = local_section(&http, &base).await;
    // Every answer takes 700 ms: a preview with its articles takes ~8 s.
    portal.set_fault(Some(portalfeed::demo::Fault::Delay(
        std::time::Duration::from_millis(700),
    )));
    portal.clear_requests();
    portalfeed::fetch::install_tls_provider();
    let impatient = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(1_600))
        .build()
        .expect("client");
    let gone = impatient
        .post(format!("{base}/api/preview"))
        .bearer_auth(TOKEN)
        .header(header::CONTENT_TYPE, "application/json")
        .body(json!({"site": "demo", "section": section}).to_string())
        .send()
        .await;
    assert!(gone.is_err(), "the client gave up first");
    // Let the request in flight finish, then nothing more is fetched.
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    let after_leaving = portal.requests().len();
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let later = portal.requests().len();
    assert!(after_leaving >= 1, "the preview had started");
    assert_eq!(
        later, after_leaving,
        "no fetch after the client left ({after_leaving} then {later})"
    );
    portal.set_fault(None);
}

#[tokio::test]
async fn sigterm_ends_the_process_while_a_page_is_parsed() {
    let portal = FixturePortal::start().await.expect("portal");
    // 9 MiB within the depth cap: seconds of parsing in a debug build.
    let big = "<div><p>a paragraph <b>of</b> text</p></div>\n".repeat(9 * (1 << 20) / 44);
    portal.set_page(LOCAL_LIST, format!("<html><body>{big}</body></html>"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let text = portal.demo_config_text().expect("demo config").replace(
        "listen = \"127.0.0.1:8080\"",
        &format!("listen = \"127.0.0.1:{port}\""),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portalfeed.toml");
    std::fs::write(&path, text).expect("config");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portalfeed"))
        .args(["serve", "--config"])
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve starts");
    // Wait until the big page has been served (its parse is under way).
    let bendi = "/shishixinwen/hotnews/bendixinwen3/";
    for _ in 0..200 {
        if portal.requests().iter().any(|r| r.path == bendi) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        portal.requests().iter().any(|r| r.path == bendi),
        "the big page was fetched"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(status.success());
    let sent = std::time::Instant::now();
    let exit = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if sent.elapsed() > std::time::Duration::from_secs(10) {
            break None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    let exit = exit.expect("the process ended within 10 s of SIGTERM");
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn status_pages_are_paced_per_address_and_feeds_are_not() {
    use portalfeed::http::pace::StatusPacer;
    use std::num::NonZeroU32;
    use std::time::Duration;

    let portal = FixturePortal::start().await.expect("portal");
    let service = Service::start(demo_config(&portal, |t| t), None)
        .await
        .expect("service");
    wait_scraped(&service, 1).await;
    // The service's own routes, served with a pacer of two status answers
    // an hour and no waiting, so the third is refused on any machine.
    let mut routes = service.state.http();
    let quota = governor::Quota::with_period(Duration::from_secs(3600))
        .expect("a period")
        .allow_burst(NonZeroU32::new(2).expect("2"));
    routes.pacer = std::sync::Arc::new(StatusPacer::new(quota, Duration::ZERO));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(portalfeed::http::serve(listener, routes, stopped));
    let http = client();
    let get = |path: &str| http.get(format!("{base}{path}")).send();

    assert_eq!(get("/healthz").await.expect("1").status(), StatusCode::OK);
    assert_eq!(get("/").await.expect("2").status(), StatusCode::OK);
    // The budget is shared by the status pages.
    for path in ["/healthz", "/opml", "/metrics", "/"] {
        let r = get(path).await.expect("paced");
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        let retry: u64 = r.headers()[header::RETRY_AFTER]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!(retry > 3000, "{path}: Retry-After {retry}");
        assert!(
            r.text()
                .await
                .expect("body")
                .contains("too many status requests")
        );
    }
    // Feeds are never paced.
    for _ in 0..20 {
        let r = get("/feeds/demo/local.atom").await.expect("feed");
        assert_eq!(r.status(), StatusCode::OK);
        common::parse_feed(&r.bytes().await.expect("bytes"));
    }
    // The 429s are counted on /metrics (read through the service's own,
    // unpaced-for-this-test listener).
    let metrics = common::get_text(&client(), &format!("{}/metrics", service.base_url())).await;
    assert!(
        metrics
            .lines()
            .any(|l| l.contains("route=\"healthz\"") && l.contains("status=\"429\"")),
        "{metrics}"
    );
    let _ = stop.send(true);
    let _ = server.await;
    service.shutdown().await.expect("shutdown");
}
