//! The service over real sockets: routes, caching headers, compression,
//! history across scrapes, faults, restarts, politeness.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::time::Duration;

use common::{client, demo_config, parse_feed, set_default, wait_scraped};
use portalfeed::app::Service;
use portalfeed::demo::{Fault, FixturePortal};
use portalfeed::model::{SectionId, SiteId};
use reqwest::StatusCode;
use reqwest::header;

const LOCAL_LIST: &str = "/shishixinwen/hotnews/bendixinwen3/index.html";

fn key(section: &str) -> (SiteId, SectionId) {
    (
        SiteId::new("demo").expect("site id"),
        SectionId::new(section).expect("section id"),
    )
}

async fn start(portal: &FixturePortal) -> Service {
    let cfg = demo_config(portal, |t| set_default(&t, "interval", "\"1h\""));
    let service = Service::start(cfg, None).await.expect("service starts");
    wait_scraped(&service, 1).await;
    service
}

#[tokio::test]
async fn every_route_answers() {
    let portal = FixturePortal::start().await.expect("portal");
    let service = start(&portal).await;
    let base = service.base_url();
    let http = client();

    // Feeds in three formats, for a section, a group and the site.
    for path in ["demo/local", "demo/hot-news", "demo"] {
        for (ext, ctype) in [
            ("rss", "application/rss+xml; charset=utf-8"),
            ("atom", "application/atom+xml; charset=utf-8"),
            ("json", "application/feed+json; charset=utf-8"),
        ] {
            let r = http
                .get(format!("{base}/feeds/{path}.{ext}"))
                .send()
                .await
                .expect("feed");
            assert_eq!(r.status(), StatusCode::OK, "{path}.{ext}");
            assert_eq!(r.headers()[header::CONTENT_TYPE], ctype);
            assert!(r.headers()[header::ETAG].to_str().unwrap().starts_with('"'));
            assert!(r.headers().contains_key(header::LAST_MODIFIED));
            assert!(
                r.headers()[header::CACHE_CONTROL]
                    .to_str()
                    .unwrap()
                    .starts_with("public, max-age=")
            );
            assert_eq!(r.headers()[header::VARY], "Accept-Encoding");
            let body = r.bytes().await.expect("body");
            let feed = parse_feed(&body);
            assert!(!feed.entries.is_empty(), "{path}.{ext} has entries");
        }
    }
    // A group merges its children.
    let group = parse_feed(&get(&http, &format!("{base}/feeds/demo/hot-news.atom")).await);
    let local = parse_feed(&get(&http, &format!("{base}/feeds/demo/local.atom")).await);
    assert!(group.entries.len() > local.entries.len());
    for e in &local.entries {
        assert!(
            group.entries.iter().any(|g| g.id == e.id),
            "group has {}",
            e.id
        );
    }

    // Index, OPML, healthz, metrics.
    let index = http.get(format!("{base}/")).send().await.expect("index");
    assert_eq!(index.status(), StatusCode::OK);
    let html = index.text().await.expect("html");
    assert!(html.contains("rel=\"alternate\""));
    assert!(html.contains("/feeds/demo/local.atom"));
    let opml = http.get(format!("{base}/opml")).send().await.expect("opml");
    assert_eq!(opml.status(), StatusCode::OK);
    let opml = opml.text().await.expect("opml text");
    assert!(opml.contains("<opml version=\"2.0\">"));
    assert!(opml.contains("/feeds/demo/local.rss"));
    let health = common::get_json(&http, &format!("{base}/healthz")).await;
    let sections = health["sections"].as_array().expect("sections");
    assert!(sections.iter().all(|s| s["state"] == "ok"), "{health}");
    let metrics = common::get_text(&http, &format!("{base}/metrics")).await;
    assert!(metrics.contains("portalfeed_scrapes_total{site=\"demo\",section=\"local\"} 1"));
    assert!(metrics.contains("portalfeed_http_requests_total{route=\"feed\",status=\"200\"}"));
    assert!(metrics.contains("portalfeed_render_cache_hits_total"));

    // 404 and 400 with one-line bodies.
    for bad in [
        "/feeds/demo/nope.rss",
        "/feeds/nope.rss",
        "/feeds/demo/local.xml",
    ] {
        let r = http.get(format!("{base}{bad}")).send().await.expect("404");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
        let body = r.text().await.expect("body");
        assert_eq!(body.trim_end().lines().count(), 1, "{body}");
    }
    for bad in ["limit=0", "limit=x", "limit=100000"] {
        let r = http
            .get(format!("{base}/feeds/demo/local.rss?{bad}"))
            .send()
            .await
            .expect("400");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.text().await.expect("body").trim_end().lines().count(), 1);
    }
    service.shutdown().await.expect("shutdown");
}

async fn get(http: &reqwest::Client, url: &str) -> bytes::Bytes {
    let r = http.get(url).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::OK, "{url}");
    r.bytes().await.expect("body")
}

#[tokio::test]
async fn conditional_compression_head_and_limit() {
    let portal = FixturePortal::start().await.expect("portal");
    let service = start(&portal).await;
    let url = format!("{}/feeds/demo/local.rss", service.base_url());
    let http = client();

    let first = http.get(&url).send().await.expect("feed");
    let etag = first.headers()[header::ETAG].clone();
    let modified = first.headers()[header::LAST_MODIFIED].clone();
    let plain = first.bytes().await.expect("body");

    // 304 on If-None-Match and on If-Modified-Since.
    let r = http
        .get(&url)
        .header(header::IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .expect("inm");
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[header::ETAG], etag);
    assert!(r.bytes().await.expect("empty").is_empty());
    let r = http
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, modified.clone())
        .send()
        .await
        .expect("ims");
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = http
        .get(&url)
        .header(header::IF_NONE_MATCH, "\"something-else\"")
        .send()
        .await
        .expect("inm other");
    assert_eq!(r.status(), StatusCode::OK);

    // gzip and br decode to the same bytes; each has its own ETag, and
    // either validator gives a 304.
    let r = http
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("gzip");
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
    let gz_etag = r.headers()[header::ETAG].clone();
    assert_ne!(gz_etag, etag);
    let gz = r.bytes().await.expect("gz body");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut unzipped)
        .expect("gunzip");
    assert_eq!(unzipped, plain);
    let r = http
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .expect("br");
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
    let br = r.bytes().await.expect("br body");
    let mut unbr = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut unbr)
        .expect("unbrotli");
    assert_eq!(unbr, plain);
    let r = http
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::IF_NONE_MATCH, gz_etag)
        .send()
        .await
        .expect("gz 304");
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // HEAD: headers, no body.
    let r = http.head(&url).send().await.expect("head");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::ETAG], etag);
    assert_eq!(
        r.headers()[header::CONTENT_LENGTH].to_str().unwrap(),
        plain.len().to_string()
    );
    assert!(r.bytes().await.expect("head body").is_empty());

    // ?limit trims.
    let all = parse_feed(&plain);
    assert!(all.entries.len() >= 3);
    let two = parse_feed(&get(&http, &format!("{url}?limit=2")).await);
    assert_eq!(two.entries.len(), 2);
    assert_eq!(two.entries[0].id, all.entries[0].id);
    assert_eq!(two.entries[1].id, all.entries[1].id);

    // Served from the cache after the first render.
    let (hits, _) = service.state.metrics.cache_counts();
    assert!(hits > 0);
    service.shutdown().await.expect("shutdown");
}

/// The list page of Local with its last item removed and a new item first.
fn changed_list(original: &str, new_href: &str, new_title: &str, date: &str) -> String {
    let list_start = original.find("<ul class=\"list\">").expect("the list");
    let list_end = original[list_start..].find("</ul>").expect("list end") + list_start;
    let last = original[..list_end].rfind("<li").expect("list has items");
    let end = original[last..].find("</li>").expect("closed li") + last + "</li>".len();
    let mut html = format!("{}{}", &original[..last], &original[end..]);
    let first = html[list_start..].find("<li").expect("list has items") + list_start;
    html.insert_str(
        first,
        &format!("<li><a href=\"{new_href}\">{new_title}</a> <span>{date}</span></li>\n"),
    );
    html
}

/// A minute from now in the portal's zone, as the list prints it.
fn soon() -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(1))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[tokio::test]
async fn history_keeps_dropped_entries_and_adds_new_ones() {
    let portal = FixturePortal::start().await.expect("portal");
    let service = start(&portal).await;
    let state = service.state.clone();
    let local = key("local");
    let before = common::stored_entries(&service, &local).await;
    assert!(!before.is_empty());

    let root = portalfeed::demo::fixtures_dir();
    let original =
        std::fs::read_to_string(root.join(LOCAL_LIST.trim_start_matches('/'))).expect("list page");
    let new_article = "/shishixinwen/hotnews/bendixinwen3/203001/t20300102_999999.html";
    // The fixture's undated article: the list date is the new entry's date.
    let article = std::fs::read_to_string(
        root.join("shishixinwen/hotnews/bendixinwen3/201904/t20190425_100080.html"),
    )
    .expect("an article page to copy");
    portal.set_page(
        LOCAL_LIST,
        changed_list(&original, new_article, "A brand new entry", &soon()),
    );
    portal.set_page(
        new_article,
        article
            .replacen("<h1>", "<h1>A brand new entry<!-- ", 1)
            .replacen("</h1>", " --></h1>", 1),
    );
    // Change one known article's text too.
    let changed = &before[1];
    let changed_path = changed
        .url
        .split_once("://")
        .unwrap()
        .1
        .split_once('/')
        .unwrap()
        .1;
    let changed_html = std::fs::read_to_string(root.join(changed_path)).expect("article");
    portal.set_page(
        &format!("/{changed_path}"),
        changed_html.replacen(
            "<div class=\"TRS_Editor\" id=\"zoom\">",
            "<div class=\"TRS_Editor\" id=\"zoom\"><p>Correction added later.</p>",
            1,
        ),
    );

    assert!(changed_html.contains("<div class=\"TRS_Editor\" id=\"zoom\">"));
    let report = state.scrape_now(&local).await.expect("local runs");
    assert_eq!(report.error, None, "{report:?}");
    assert_eq!(report.new, 1, "{report:?}");

    let after = common::stored_entries(&service, &local).await;
    assert_eq!(
        after.len(),
        before.len() + 1,
        "dropped entry kept, new one added"
    );
    assert_eq!(
        after[0].title, "A brand new entry",
        "new entry on top (newest date)"
    );
    for old in &before {
        let now = after.iter().find(|e| e.id == old.id).expect("kept");
        assert_eq!(
            now.first_seen, old.first_seen,
            "first-seen stable for {}",
            old.id
        );
    }
    // The changed article was not refetched (its list title did not change),
    // so its content is unchanged: articles are fetched once per entry.
    let again = after.iter().find(|e| e.id == changed.id).expect("kept");
    assert_eq!(again.updated, changed.updated);

    // The feed shows the new entry.
    let http = client();
    let feed = parse_feed(
        &get(
            &http,
            &format!("{}/feeds/demo/local.atom", service.base_url()),
        )
        .await,
    );
    assert_eq!(
        feed.entries[0].title.as_ref().map(|t| t.content.as_str()),
        Some("A brand new entry")
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_changed_list_title_refetches_the_article_and_bumps_updated() {
    let portal = FixturePortal::start().await.expect("portal");
    let service = start(&portal).await;
    let state = service.state.clone();
    let local = key("local");
    let before = common::stored_entries(&service, &local).await;
    let list_text = std::fs::read_to_string(
        portalfeed::demo::fixtures_dir().join(LOCAL_LIST.trim_start_matches('/')),
    )
    .expect("list");
    let target = before
        .iter()
        .find(|e| list_text.contains(e.url.rsplit('/').next().unwrap_or("-")))
        .expect("an entry of the first list page");
    let path = target
        .url
        .split_once("://")
        .unwrap()
        .1
        .split_once('/')
        .unwrap()
        .1;
    let root = portalfeed::demo::fixtures_dir();
    let list =
        std::fs::read_to_string(root.join(LOCAL_LIST.trim_start_matches('/'))).expect("list");
    let article = std::fs::read_to_string(root.join(path)).expect("article");
    let file = path.rsplit('/').next().unwrap();
    // Retitle the entry on the list and in its article.
    let list = retitle_link(&list, file, "Retitled on the list");
    portal.set_page(LOCAL_LIST, list);
    portal.set_page(
        &format!("/{path}"),
        article.replacen(
            "<div class=\"TRS_Editor\" id=\"zoom\">",
            "<div class=\"TRS_Editor\" id=\"zoom\"><p>Updated text.</p>",
            1,
        ),
    );
    assert!(article.contains("<div class=\"TRS_Editor\" id=\"zoom\">"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let report = state.scrape_now(&local).await.expect("runs");
    assert_eq!(report.error, None);
    assert!(report.updated >= 1, "{report:?}");
    let after = common::stored_entries(&service, &local).await;
    let now = after.iter().find(|e| e.id == target.id).expect("kept");
    assert!(now.updated > target.updated);
    assert_eq!(now.first_seen, target.first_seen);
    assert!(
        now.content_html
            .as_deref()
            .unwrap_or("")
            .contains("Updated text.")
    );
    service.shutdown().await.expect("shutdown");
}

/// Replaces the text of the `<a>` whose href ends in `file`.
fn retitle_link(list: &str, file: &str, title: &str) -> String {
    let at = list.find(file).expect("link on the list");
    let open_end = list[at..].find('>').expect("a tag") + at + 1;
    let close = list[open_end..].find("</a>").expect("closing a") + open_end;
    format!("{}{}{}", &list[..open_end], title, &list[close..])
}

/// `/healthz` and `/` are kept between requests (so monitors polling them
/// cost one rendering per change), but a recorded scrape shows at once.
#[tokio::test]
async fn status_pages_show_a_recorded_scrape_at_once() {
    let portal = FixturePortal::start().await.expect("portal");
    let service = start(&portal).await;
    let state = service.state.clone();
    let http = client();
    let health_url = format!("{}/healthz", service.base_url());
    let index_url = format!("{}/", service.base_url());
    let local_state = |health: &serde_json::Value| {
        health["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .find(|s| s["section"] == "local")
            .expect("local in healthz")["state"]
            .clone()
    };
    let before = common::get_json(&http, &health_url).await;
    assert_eq!(local_state(&before), "ok", "{before}");
    let index = get(&http, &index_url).await;
    assert_eq!(index, get(&http, &index_url).await, "kept: the same page");

    // A fast failure (no retry), well within the time a page is kept.
    portal.set_page(LOCAL_LIST, "<html><body><p>Moved.</p></body></html>");
    let report = state.scrape_now(&key("local")).await.expect("runs");
    let error = report.error.expect("an empty list fails the scrape");
    let after = common::get_json(&http, &health_url).await;
    assert_eq!(local_state(&after), "failing", "{after}");
    let index = String::from_utf8(get(&http, &index_url).await.to_vec()).expect("utf-8");
    assert!(
        index.contains(&portalfeed::http::escape(&error)),
        "the index shows the new error: {error}"
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn faults_keep_the_last_good_feed() {
    let portal = FixturePortal::start().await.expect("portal");
    let cfg = demo_config(&portal, |t| {
        set_default(&set_default(&t, "interval", "\"1h\""), "timeout", "\"1s\"")
    });
    let service = Service::start(cfg, None).await.expect("service");
    wait_scraped(&service, 1).await;
    let state = service.state.clone();
    let local = key("local");
    let http = client();
    let url = format!("{}/feeds/demo/local.rss", service.base_url());
    let good = get(&http, &url).await;
    let health_url = format!("{}/healthz", service.base_url());

    type BreakIt = Box<dyn Fn(&FixturePortal)>;
    let cases: Vec<(&str, BreakIt)> = vec![
        (
            "500",
            Box::new(|p: &FixturePortal| p.set_fault(Some(Fault::Status(500)))),
        ),
        (
            "timeout",
            Box::new(|p: &FixturePortal| p.set_fault(Some(Fault::Delay(Duration::from_secs(3))))),
        ),
        (
            "selector matched nothing",
            Box::new(|p: &FixturePortal| {
                p.set_page(
                    LOCAL_LIST,
                    "<html><body><p>We moved things around.</p></body></html>",
                )
            }),
        ),
    ];
    for (what, break_it) in cases {
        break_it(&portal);
        let report = state.scrape_now(&local).await.expect("runs");
        let error = report
            .error
            .clone()
            .unwrap_or_else(|| panic!("{what}: scrape should fail"));
        assert_eq!(
            get(&http, &url).await,
            good,
            "{what}: the last good feed is served unchanged"
        );
        let health: serde_json::Value = common::get_json(&http, &health_url).await;
        let s = health["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .find(|s| s["section"] == "local")
            .expect("local in healthz")
            .clone();
        assert_eq!(s["state"], "failing", "{what}: {s}");
        assert_eq!(s["last_error"].as_str(), Some(error.as_str()), "{what}");
        match what {
            "500" => assert!(error.contains("500"), "{error}"),
            "timeout" => assert!(
                error.to_lowercase().contains("timed out")
                    || error.to_lowercase().contains("timeout"),
                "{error}"
            ),
            _ => assert!(error.contains("selector matched nothing"), "{error}"),
        }
        portal.set_fault(None);
        portal.clear_page(LOCAL_LIST);
    }
    // Healed: the next scrape succeeds and the section is ok again.
    let report = state.scrape_now(&local).await.expect("runs");
    assert_eq!(report.error, None);
    assert_eq!(
        common::health(&service, &local).await.consecutive_failures,
        0
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn conditional_requests_to_the_portal() {
    let portal = FixturePortal::start().await.expect("portal");
    let service = start(&portal).await;
    let state = service.state.clone();
    let local = key("local");
    portal.clear_requests();
    let report = state.scrape_now(&local).await.expect("runs");
    assert_eq!(report.outcome, "not_modified", "{report:?}");
    let requests = portal.requests();
    let list: Vec<_> = requests
        .iter()
        .filter(|r| {
            r.path.ends_with("bendixinwen3/") || r.path.ends_with("bendixinwen3/index.html")
        })
        .collect();
    assert_eq!(list.len(), 1, "{requests:?}");
    assert!(list[0].if_none_match.is_some(), "conditional request sent");
    assert_eq!(list[0].status, 304);
    // Nothing else was fetched: a 304 skips extraction and articles.
    assert_eq!(
        requests
            .iter()
            .filter(|r| !r.path.ends_with("robots.txt"))
            .count(),
        1,
        "{requests:?}"
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn politeness_one_request_at_a_time_with_min_delay() {
    let portal = FixturePortal::start().await.expect("portal");
    let cfg = demo_config(&portal, |t| {
        set_default(
            &set_default(&t, "interval", "\"1h\""),
            "min_delay",
            "\"150ms\"",
        )
    });
    let service = Service::start(cfg, None).await.expect("service");
    wait_scraped(&service, 1).await;
    let mut requests = portal.requests();
    requests.sort_by_key(|r| r.started);
    assert!(requests.len() > 10, "the whole portal was scraped");
    for pair in requests.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            b.started >= a.finished,
            "two requests in flight at once: {} and {}",
            a.path,
            b.path
        );
        let gap = b.started.duration_since(a.finished);
        assert!(
            gap >= Duration::from_millis(140),
            "{} then {} only {gap:?} apart",
            a.path,
            b.path
        );
    }
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn robots_disallow_is_obeyed() {
    let portal = FixturePortal::start().await.expect("portal");
    portal.set_page("/robots.txt", "User-agent: *\nDisallow: /tebielanmu/\n");
    let service = start(&portal).await;
    let recommendation = common::health(&service, &key("recommendation")).await;
    let error = recommendation.last_error.expect("disallowed section fails");
    assert!(error.to_lowercase().contains("robots"), "{error}");
    assert!(
        portal
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/tebielanmu/")),
        "no request under a disallowed path"
    );
    assert_eq!(
        common::health(&service, &key("local"))
            .await
            .consecutive_failures,
        0
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn restart_serves_every_feed_from_the_snapshot() {
    let portal = FixturePortal::start().await.expect("portal");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = demo_config(&portal, |t| set_default(&t, "interval", "\"1h\""));
    cfg.server.data_dir = Some(dir.path().to_path_buf());
    let service = Service::start(cfg.clone(), None).await.expect("service");
    wait_scraped(&service, 1).await;
    let http = client();
    let mut before = Vec::new();
    for path in ["demo/local", "demo/hot-news", "demo"] {
        let feed =
            parse_feed(&get(&http, &format!("{}/feeds/{path}.json", service.base_url())).await);
        before.push(
            feed.entries
                .iter()
                .map(|e| e.id.clone())
                .collect::<Vec<_>>(),
        );
    }
    service.shutdown().await.expect("shutdown");

    // The portal goes down; the new process answers at once from disk.
    portal.set_fault(Some(Fault::Status(503)));
    portal.clear_requests();
    let service = Service::start(cfg, None).await.expect("restart");
    for (i, path) in ["demo/local", "demo/hot-news", "demo"].iter().enumerate() {
        let feed =
            parse_feed(&get(&http, &format!("{}/feeds/{path}.json", service.base_url())).await);
        let ids: Vec<_> = feed.entries.iter().map(|e| e.id.clone()).collect();
        assert_eq!(ids, before[i], "{path} after restart");
    }
    // Sections the snapshot has are not scraped again before their interval.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        portal.requests().is_empty(),
        "no scrape at start for sections in the snapshot: {:?}",
        portal.requests()
    );
    service.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn an_article_listed_in_two_sections_is_fetched_once() {
    let portal = FixturePortal::start().await.expect("portal");
    let service = start(&portal).await;
    let state = service.state.clone();
    // Recommendation forgets what it had; Domestic still knows the article
    // both list (t20190512_100121).
    let recommendation = key("recommendation");
    assert!(state.store.remove(&recommendation).await.expect("remove"));
    portal.clear_requests();
    let report = state.scrape_now(&recommendation).await.expect("runs");
    assert_eq!(report.error, None);
    let requests = portal.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path.contains("/tebielanmu/TopNews/20")),
        "its own articles are fetched: {requests:?}"
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.path.ends_with("t20190512_100121.html")),
        "the shared article is reused from Domestic: {requests:?}"
    );
    let entries = common::stored_entries(&service, &recommendation).await;
    let shared = entries
        .iter()
        .find(|e| e.id.as_str().ends_with("t20190512_100121.html"))
        .expect("the shared entry is in Recommendation");
    assert!(shared.content_html.is_some(), "with its full text");
    assert_eq!(shared.categories, ["Recommendation"]);
    service.shutdown().await.expect("shutdown");
}
