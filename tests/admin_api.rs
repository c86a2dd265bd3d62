//! The admin API over real sockets: auth, every route, every error code,
//! edits that land in the file (comments kept) and survive a restart,
//! previews that save nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TOKEN, client, parse_feed, start_from_file};
use portalfeed::demo::FixturePortal;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

async fn call(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = http.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req
            .header(header::CONTENT_TYPE, "application/json")
            .body(b.to_string());
    }
    let r = req.send().await.expect("request");
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = r.bytes().await.expect("body");
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, value)
}

#[tokio::test]
async fn auth_is_required_and_checked() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, _path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    for (method, path) in [
        (Method::GET, "/api/sections"),
        (Method::GET, "/api/sites/demo/sections/local"),
        (Method::PUT, "/api/sites/demo/sections/local"),
        (Method::DELETE, "/api/sites/demo/sections/local"),
        (Method::POST, "/api/sites/demo/sections/local/refresh"),
        (Method::POST, "/api/preview"),
        (Method::POST, "/api/suggest"),
        (Method::GET, "/api/config"),
        (Method::PUT, "/api/config"),
    ] {
        for token in [None, Some("wrong")] {
            let r = http
                .request(method.clone(), format!("{base}{path}"))
                .header(
                    header::AUTHORIZATION,
                    token.map(|t| format!("Bearer {t}")).unwrap_or_default(),
                )
                .send()
                .await
                .expect("request");
            assert_eq!(
                r.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path} {token:?}"
            );
            assert_eq!(
                r.headers()[header::WWW_AUTHENTICATE],
                "Bearer realm=\"portalfeed\""
            );
            let v: Value = serde_json::from_slice(&r.bytes().await.expect("body")).expect("json");
            assert!(v["error"].as_str().is_some());
        }
    }
    // The cookie works for reads; a change with a cookie needs same-origin.
    let cookie = format!("portalfeed_admin={TOKEN}");
    let r = http
        .get(format!("{base}/api/sections"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("cookie read");
    assert_eq!(r.status(), StatusCode::OK);
    let r = http
        .post(format!("{base}/api/sites/demo/sections/local/refresh"))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "http://evil.example")
        .send()
        .await
        .expect("cross origin");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http
        .post(format!("{base}/api/sites/demo/sections/local/refresh"))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, base.clone())
        .send()
        .await
        .expect("same origin");
    assert_eq!(r.status(), StatusCode::OK);

    // Login form: wrong token 401, right one sets an HttpOnly SameSite cookie.
    portalfeed::fetch::install_tls_provider();
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = no_redirect
        .post(format!("{base}/admin/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("token=nope")
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = no_redirect
        .post(format!("{base}/admin/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("token={TOKEN}"))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r.headers()[header::SET_COOKIE].to_str().expect("cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn sections_get_put_delete_refresh_config() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, dir, path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let t = Some(TOKEN);

    // The list: every section, with health and feed links.
    let (status, _, list) =
        call(&http, Method::GET, &format!("{base}/api/sections"), t, None).await;
    assert_eq!(status, StatusCode::OK);
    let rows = list["sections"].as_array().expect("rows");
    let local = rows
        .iter()
        .find(|r| r["section"] == "local")
        .expect("local");
    assert_eq!(local["state"], "ok");
    assert!(local["entries"].as_u64().unwrap_or(0) > 0);
    assert!(
        local["feeds"]["atom"]
            .as_str()
            .unwrap_or("")
            .ends_with("/feeds/demo/local.atom")
    );
    assert!(
        rows.iter()
            .any(|r| r["section"] == "hot-news" && r["group"] == true)
    );

    // GET a section: its config as JSON, with the version as ETag.
    let url = format!("{base}/api/sites/demo/sections/local");
    let (status, headers, section) = call(&http, Method::GET, &url, t, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(section["list"]["item"], "ul.list > li");
    assert_eq!(section["parent"], "hot-news");
    let version = headers[header::ETAG].to_str().expect("etag").to_owned();
    let (status, _, _) = call(
        &http,
        Method::GET,
        &format!("{base}/api/sites/demo/sections/nope"),
        t,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 400 bad JSON; 422 naming the field for a bad selector, unknown parent,
    // a cycle; 412 for a stale If-Match.
    let r = http
        .put(&url)
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .await
        .expect("bad json");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let mut bad = section.clone();
    bad["list"]["item"] = json!("ul.list >> li[");
    let (status, _, err) = call(&http, Method::PUT, &url, t, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "list.item", "{err}");
    let mut bad = section.clone();
    bad["parent"] = json!("no-such-group");
    let (status, _, err) = call(&http, Method::PUT, &url, t, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "parent", "{err}");
    let (status, _, err) = call(
        &http,
        Method::PUT,
        &format!("{base}/api/sites/demo/sections/hot-news"),
        t,
        Some(json!({"id": "hot-news", "title": "Hot News", "parent": "local"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["error"].as_str().unwrap_or("").contains("cycle"),
        "{err}"
    );
    let mut bad = section.clone();
    bad["list"]["itme"] = json!("li");
    let (status, _, err) = call(&http, Method::PUT, &url, t, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["field"].as_str().unwrap_or("").starts_with("list"),
        "{err}"
    );
    let r = http
        .put(&url)
        .bearer_auth(TOKEN)
        .header(header::IF_MATCH, "\"0000000000000000\"")
        .body(section.to_string())
        .send()
        .await
        .expect("stale");
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let file_before = std::fs::read_to_string(&path).expect("file");
    assert_eq!(
        file_before,
        std::fs::read_to_string(&path).expect("file"),
        "refused edits change nothing"
    );

    // A good edit: only the first two items; written (comments kept) and live.
    let mut good = section.clone();
    good["list"]["item"] = json!("ul.list > li:nth-child(-n+3)");
    let r = http
        .put(&url)
        .bearer_auth(TOKEN)
        .header(header::IF_MATCH, &version)
        .body(good.to_string())
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = serde_json::from_slice(&r.bytes().await.expect("body")).expect("json");
    assert_eq!(saved["started"], json!(["demo/local"]));
    let file = std::fs::read_to_string(&path).expect("file");
    assert!(
        file.contains("item = \"ul.list > li:nth-child(-n+3)\""),
        "{file}"
    );
    assert!(file.contains("# one match per entry"), "comments kept");
    assert!(
        file.contains("# portalfeed demo config"),
        "header comment kept"
    );
    assert!(
        dir.path().join("portalfeed.toml.bak").exists(),
        "previous file kept"
    );
    // Applied live: the changed section rescrapes.
    let report = service
        .state
        .scrape_now(&(
            portalfeed::model::SiteId::new("demo").unwrap(),
            portalfeed::model::SectionId::new("local").unwrap(),
        ))
        .await
        .expect("runs");
    assert_eq!(report.error, None);

    // Refresh answers with the outcome.
    let (status, _, outcome) = call(&http, Method::POST, &format!("{url}/refresh"), t, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        outcome["outcome"] == "ok" || outcome["outcome"] == "not_modified",
        "{outcome}"
    );

    // Create a new section, then delete it; a group with children is 409.
    let new_url = format!("{base}/api/sites/demo/sections/local-copy");
    let mut copy = section.clone();
    copy["id"] = json!("local-copy");
    copy["title"] = json!("Local (copy)");
    let (status, _, _) = call(&http, Method::PUT, &new_url, t, Some(copy)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        service
            .state
            .config()
            .site("demo")
            .unwrap()
            .section("local-copy")
            .is_some()
    );
    let (status, _, _) = call(
        &http,
        Method::DELETE,
        &format!("{base}/api/sites/demo/sections/hot-news"),
        t,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, _) = call(&http, Method::DELETE, &new_url, t, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        service
            .state
            .config()
            .site("demo")
            .unwrap()
            .section("local-copy")
            .is_none()
    );
    let (status, _, _) = call(&http, Method::DELETE, &new_url, t, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = http
        .get(format!("{base}/feeds/demo/local-copy.rss"))
        .send()
        .await
        .expect("gone feed");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The whole config: GET as TOML, PUT validated first.
    let r = http
        .get(format!("{base}/api/config"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("config");
    assert_eq!(r.status(), StatusCode::OK);
    let version = r.headers()[header::ETAG].to_str().expect("etag").to_owned();
    let text = r.text().await.expect("text");
    assert_eq!(text, std::fs::read_to_string(&path).expect("file"));
    let r = http
        .put(format!("{base}/api/config"))
        .bearer_auth(TOKEN)
        .body(text.replace("[defaults]", "[defaults]\nbogus_key = 1"))
        .send()
        .await
        .expect("bad config");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = serde_json::from_slice(&r.bytes().await.expect("body")).expect("json");
    assert!(
        err["errors"][0]
            .as_str()
            .unwrap_or("")
            .contains("bogus_key"),
        "{err}"
    );
    let r = http
        .put(format!("{base}/api/config"))
        .bearer_auth(TOKEN)
        .header(header::IF_MATCH, &version)
        .body(text.replace("title = \"Local\"", "title = \"Local news\""))
        .send()
        .await
        .expect("good config");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        service
            .state
            .config()
            .site("demo")
            .unwrap()
            .section("local")
            .unwrap()
            .title,
        "Local news"
    );
    let r = http
        .put(format!("{base}/api/config"))
        .bearer_auth(TOKEN)
        .header(header::IF_MATCH, &version)
        .body(text)
        .send()
        .await
        .expect("stale config");
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    service.shutdown().await.expect("shutdown");

    // The edit survives a restart: it is in the file.
    let cfg = portalfeed::config::load(&path).expect("edited file loads");
    let local = cfg.site("demo").unwrap().section("local").unwrap();
    assert_eq!(
        local.source.as_ref().unwrap().list.item.source,
        "ul.list > li:nth-child(-n+3)"
    );
    assert_eq!(local.title, "Local news");
}

/// `POST /api/preview` of `section` in site `demo`.
async fn post_preview(
    http: &reqwest::Client,
    base: &str,
    section: Value,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    call(
        http,
        Method::POST,
        &format!("{base}/api/preview"),
        Some(TOKEN),
        Some(json!({"site": "demo", "section": section})),
    )
    .await
}

#[tokio::test]
async fn preview_reports_fields_and_saves_nothing() {
    let portal = FixturePortal::start().await.expect("portal");
    let (service, _dir, path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let t = Some(TOKEN);
    let before = std::fs::read_to_string(&path).expect("file");
    let (_, _, section) = call(
        &http,
        Method::GET,
        &format!("{base}/api/sites/demo/sections/local"),
        t,
        None,
    )
    .await;

    // A broken selector: reported with its field, nothing saved.
    let mut broken = section.clone();
    broken["list"]["item"] = json!("ul.gone > li");
    let (status, _, preview) = post_preview(&http, &base, broken).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(preview["ok"], false);
    assert_eq!(preview["field"], "list.item");
    assert!(
        preview["error"]
            .as_str()
            .unwrap_or("")
            .contains("ul.gone > li")
    );
    // An invalid one: 422 naming the field.
    let mut invalid = section.clone();
    invalid["list"]["date"] = json!({"css": "span", "regex": "(unclosed"});
    let (status, _, err) = post_preview(&http, &base, invalid).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "list.date.regex", "{err}");
    // A date selector that finds no date: the field's problem is reported.
    let mut nodate = section.clone();
    nodate["list"]["date"] = json!("a");
    let (_, _, preview) = post_preview(&http, &base, nodate).await;
    let item = &preview["items"][0];
    assert!(item["fields"]["date"]["raw"].is_string());
    assert!(
        item["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .any(|p| p["field"] == "date"),
        "{item}"
    );

    // Paging that stops early is a warning worded as in `scrape`; a field
    // with `contains` / `exclude` says so next to its value.
    let mut paged = section.clone();
    paged["pages"] = json!(2);
    paged["next_page"] = json!({"css": "a.next", "contains": "Nope"});
    paged["list"]["summary"] = json!({"css": "p", "exclude": ["b"]});
    let (_, _, preview) = post_preview(&http, &base, paged).await;
    assert_eq!(preview["ok"], true, "{preview}");
    let warnings = preview["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{preview}");
    assert!(
        warnings[0].as_str().unwrap_or("").contains(
            "next_page `a.next` matched nothing on page 1; paging stopped after page 1 of 2"
        ),
        "{warnings:?}"
    );
    assert_eq!(
        preview["items"][0]["fields"]["summary"]["rule"], "exclude `b`",
        "{}",
        preview["items"][0]
    );

    // A good one returns what a scrape publishes (same ids, same titles).
    let (status, _, preview) = post_preview(&http, &base, section).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(preview["ok"], true, "{preview}");
    let feed = parse_feed(
        &http
            .get(format!("{base}/feeds/demo/local.atom"))
            .send()
            .await
            .expect("feed")
            .bytes()
            .await
            .expect("body"),
    );
    let mut from_preview: Vec<(String, String)> = preview["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap_or("").to_owned(),
                e["title"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let mut from_feed: Vec<(String, String)> = feed
        .entries
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                e.title
                    .as_ref()
                    .map(|t| t.content.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    from_preview.sort();
    from_feed.sort();
    assert_eq!(from_preview, from_feed);
    assert_eq!(
        std::fs::read_to_string(&path).expect("file"),
        before,
        "preview saves nothing"
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn suggest_finds_a_section_that_previews_and_saves_nothing() {
    let portal = FixturePortal::start().await.expect("portal");
    portal.set_page("/empty/", "<!DOCTYPE html><html><body></body></html>");
    let (service, _dir, path) = start_from_file(&portal, |t| t).await;
    let base = service.base_url();
    let http = client();
    let before = std::fs::read_to_string(&path).expect("file");
    let url = format!("{}/shishixinwen/hotnews/guojixinwen3/", portal.base_url());
    let (status, _, found) = call(
        &http,
        Method::POST,
        &format!("{base}/api/suggest"),
        Some(TOKEN),
        Some(json!({ "url": url })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["site"], "demo");
    assert_eq!(found["site_exists"], true);
    assert_eq!(found["section"]["url"], url);
    assert_eq!(found["section"]["list"]["item"], "ul.list > li", "{found}");
    // The demo site's article rules read these articles: none of its own.
    assert!(found["section"]["article"].is_null(), "{found}");
    assert!(
        found["config"]
            .as_str()
            .unwrap_or("")
            .contains("[[sites.sections]]")
    );
    // What it found previews at once, with entries.
    let (status, _, preview) = post_preview(&http, &base, found["section"].clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(preview["ok"], true, "{preview}");
    assert!(
        preview["entries"].as_array().is_some_and(|e| e.len() >= 2),
        "{preview}"
    );
    // A page with no list, a missing and a bad url: 422 naming `url`.
    for body in [
        json!({ "url": format!("{}/empty/", portal.base_url()) }),
        json!({}),
        json!({ "url": "ftp://example.org/" }),
    ] {
        let (status, _, err) = call(
            &http,
            Method::POST,
            &format!("{base}/api/suggest"),
            Some(TOKEN),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {err}");
        assert_eq!(err["field"], "url", "{err}");
    }
    assert_eq!(std::fs::read_to_string(&path).expect("file"), before);
}
