//! Portals as they are (issue 7): list pages in the styles of TRS WCM,
//! Hanweb, WordPress and a German city site (`fixtures/real/`), scraped
//! through the library and through the `scrape` binary. Each section's
//! outcome (pages, warnings, problems, entries) must equal
//! `fixtures/real/expected/<site>.<section>.json`; after a deliberate change,
//! `PORTALFEED_BLESS=1 cargo test --test real_portals` rewrites them.

use std::path::PathBuf;
use std::process::Command;

use chrono::{DateTime, Utc};
use portalfeed::config::{self, Config};
use portalfeed::demo::{self, FixturePortal};
use portalfeed::fetch::Fetcher;
use portalfeed::scrape::{self, Previous, ScrapeOptions, ScrapeOutcome, ScrapeReport};
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/real")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-05T04:00:00Z")
        .expect("test date")
        .to_utc()
}

async fn start() -> (FixturePortal, String) {
    let portal = FixturePortal::start_dir(root(), "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("fixture server");
    let text = std::fs::read_to_string(root().join("portal.toml")).expect("portal.toml");
    let text = demo::rebase_config(&text, &portal.base_url());
    (portal, text)
}

fn parse(text: &str) -> Config {
    config::parse(text, "fixtures/real/portal.toml").expect("portal.toml parses")
}

async fn scrape(cfg: &Config, site: &str, section: &str) -> ScrapeReport {
    let fetcher = Fetcher::new(4).expect("fetcher");
    let site = cfg.site(site).expect("site");
    let spec = site.section(section).expect("section");
    let opts = ScrapeOptions {
        fetch_articles: spec.settings.fetch_articles,
        now: now(),
        article_limit: usize::MAX,
    };
    match scrape::scrape_section(&fetcher, site, spec, &Previous::default(), opts).await {
        Ok(ScrapeOutcome::Scraped(report)) => report,
        Ok(ScrapeOutcome::NotModified) => panic!("{section}: 304 without validators"),
        Err(e) => panic!("{section}: scrape failed: {e}"),
    }
}

/// The outcome with the server's address taken out, as JSON.
fn outcome_json(report: &ScrapeReport, base: &str) -> Value {
    let strip = |s: &str| s.replace(base, "");
    json!({
        "pages": report.pages.iter().map(|(u, n)| json!([strip(u), n])).collect::<Vec<_>>(),
        "warnings": report.warning_lines().iter().map(|w| strip(w)).collect::<Vec<_>>(),
        "problems": report.problem_lines().iter().map(|p| strip(p)).collect::<Vec<_>>(),
        "raw": report.items.iter().map(|i| serde_json::to_value(&i.raw).expect("json")).collect::<Vec<_>>(),
        "entries": report.entries.iter().map(|e| json!({
            "url": strip(&e.url),
            "title": e.title,
            "published": e.published.map(|d| d.to_rfc3339()),
            "author": e.author,
            "categories": e.categories,
            "summary": e.summary,
        })).collect::<Vec<_>>(),
    })
}

fn check_golden(site: &str, section: &str, actual: &Value) {
    let file = root().join(format!("expected/{site}.{section}.json"));
    let text = serde_json::to_string_pretty(actual).expect("json") + "\n";
    if std::env::var("PORTALFEED_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(root().join("expected")).expect("dir");
        std::fs::write(&file, &text).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e}\n--- actual\n{text}", file.display()));
    assert_eq!(
        expected,
        text,
        "{} (bless after a deliberate change)",
        file.display()
    );
}

fn published(report: &ScrapeReport, path: &str) -> Option<String> {
    report
        .entries
        .iter()
        .find(|e| e.url.ends_with(path))
        .and_then(|e| e.published)
        .map(|d| d.to_rfc3339())
}

#[tokio::test]
async fn trs_script_pager_years_from_urls_and_list_time_precision() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let report = scrape(&cfg, "trs", "notices").await;
    check_golden("trs", "notices", &outcome_json(&report, &portal.base_url()));
    // createPageHTML(3, …) is followed with pages = 5, never past its count.
    assert_eq!(report.pages.len(), 3, "{:?}", report.pages);
    assert!(report.pages[2].0.ends_with("/trs/index_2.html"));
    assert!(
        !portal.requests().iter().any(|r| r.path.contains("index_3")),
        "past the pager's page count"
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.entries.len(), 6);
    // "11-24" takes 2016 from /201611/t20161124_…, not 2025 by guessing.
    assert_eq!(
        published(&report, "t20161124_503.html").as_deref(),
        Some("2016-11-24T00:00:00+08:00")
    );
    // List 2016-11-22 09:53, article 发布日期：2016-11-22: the time is kept.
    assert_eq!(
        report.articles_fetched, 1,
        "one article page is in the fixture"
    );
    assert_eq!(
        published(&report, "t20161122_501.html").as_deref(),
        Some("2016-11-22T09:53:00+08:00")
    );
}

#[tokio::test]
async fn trs_pager_links_written_by_script_with_the_count_in_count_page() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let report = scrape(&cfg, "trs", "environment").await;
    check_golden(
        "trs",
        "environment",
        &outcome_json(&report, &portal.base_url()),
    );
    let pages: Vec<&str> = report.pages.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[1].ends_with("/trs-written/index_1.html"), "{pages:?}");
    assert!(pages[2].ends_with("/trs-written/index_2.html"), "{pages:?}");
    assert!(
        !portal.requests().iter().any(|r| r.path.contains("index_3")),
        "past countPage"
    );
    // pages = 5 but the pager has 3: done, not a warning.
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.entries.len(), 6);
}

#[tokio::test]
async fn a_later_page_that_fails_keeps_the_pages_before_it() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let report = scrape(&cfg, "trs", "policy").await;
    check_golden("trs", "policy", &outcome_json(&report, &portal.base_url()));
    assert_eq!(report.pages.len(), 2);
    assert_eq!(report.entries.len(), 3);
    let warnings = report.warning_lines();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("page 3 (") && warnings[0].contains("/trs-gap/index_2.html"),
        "{warnings:?}"
    );
    assert!(warnings[0].contains("404"), "{warnings:?}");
}

#[tokio::test]
async fn hanweb_next_link_by_text_department_author_and_utf8_behind_gb2312() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let report = scrape(&cfg, "hanweb", "departments").await;
    check_golden(
        "hanweb",
        "departments",
        &outcome_json(&report, &portal.base_url()),
    );
    // `contains = "下一页"` picks list_2.html among 1, 2, 下一页, 尾页.
    assert_eq!(report.pages.len(), 2, "{:?}", report.pages);
    assert!(report.pages[1].0.ends_with("/hanweb/list_2.html"));
    let first = &report.entries[0];
    assert_eq!(first.title, "衡州大道改造工程完成招标", "no mojibake");
    assert_eq!(first.author.as_deref(), Some("市住建局"));
    // `exclude` drops the view count from the date cell.
    assert_eq!(report.items[0].raw.date.as_deref(), Some("2019-05-13"));
    let charset: Vec<String> = report
        .warnings
        .iter()
        .filter(|w| w.kind == "charset")
        .map(ToString::to_string)
        .collect();
    assert_eq!(charset.len(), 2, "one per page: {charset:?}");
    assert!(charset[0].contains("GBK") && charset[0].contains("decoded as UTF-8"));
    // The last page matches nothing for `next_page`; pages = 3: said.
    assert!(
        report
            .warning_lines()
            .iter()
            .any(|w| w.contains("next_page `div.page a` matched nothing on page 2")),
        "{:?}",
        report.warnings
    );
}

#[tokio::test]
async fn hanweb_datastore_records_in_a_script_are_the_entries() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let report = scrape(&cfg, "hanweb", "notices").await;
    check_golden(
        "hanweb",
        "notices",
        &outcome_json(&report, &portal.base_url()),
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let titles: Vec<&str> = report.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "关于开展2024年春季森林防火专项检查的通知",
            "县人民政府办公室关于清明节期间值班安排的通知",
            "衡南县2024年第一批就业见习岗位公示",
            "关于征集县人大代表建议办理意见的公告",
        ]
    );
    assert!(
        report.entries[0]
            .url
            .ends_with("/art/2024/3/20/art_3231_90412.html")
    );
    // "[2024-03-20]" in the record's span, China Standard Time.
    assert_eq!(
        published(&report, "art_3231_90412.html").as_deref(),
        Some("2024-03-20T00:00:00+08:00")
    );
    // The pager's dataproxy.jsp (a POST) is not requested.
    assert!(
        !portal
            .requests()
            .iter()
            .any(|r| r.path.contains("dataproxy")),
        "{:?}",
        portal.requests()
    );
}

#[tokio::test]
async fn wordpress_time_datetime_excluded_more_link_list_author_and_category() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let report = scrape(&cfg, "wp", "news").await;
    check_golden("wp", "news", &outcome_json(&report, &portal.base_url()));
    let first = &report.entries[0];
    // <time datetime="2025-11-12T09:30:00+00:00">November 12, 2025</time>
    assert_eq!(
        first.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-11-12T09:30:00+00:00")
    );
    assert_eq!(
        first.summary.as_deref(),
        Some("From this week the town library opens on Sundays.")
    );
    assert_eq!(first.author.as_deref(), Some("Clerk"));
    assert_eq!(first.categories, ["News", "Community"]);
    assert_eq!(report.pages.len(), 2);
    assert_eq!(
        report.warning_lines(),
        [format!(
            "page 2 ({}/wp/page/2/): next_page `a.page-numbers` matched nothing on page 2; paging stopped after page 2 of 3",
            portal.base_url()
        )]
    );
}

#[tokio::test]
async fn german_dates_undated_estimate_and_portal_order() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let report = scrape(&cfg, "stadt", "presse").await;
    check_golden(
        "stadt",
        "presse",
        &outcome_json(&report, &portal.base_url()),
    );
    let dates: Vec<(String, String)> = report
        .entries
        .iter()
        .map(|e| {
            (
                e.url.rsplit('/').next().unwrap_or_default().to_owned(),
                e.published.map(|d| d.to_rfc3339()).unwrap_or_default(),
            )
        })
        .collect();
    let want = [
        (
            "strassensanierung-hauptstrasse.html",
            "2020-01-27T00:00:00+01:00",
        ),
        // Undated: the date of the entry above it less one second, and
        // after it (portal order, although its URL sorts first).
        ("abfallkalender.html", "2020-01-26T23:59:59+01:00"),
        ("sommerfest.html", "2018-07-03T00:00:00+02:00"),
        ("ratssitzung.html", "2017-10-09T01:40:00+02:00"),
        ("wahlergebnis.html", "2017-09-28T00:00:00+02:00"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(dates, want);
    assert!(
        report
            .problem_lines()
            .iter()
            .any(|p| p.contains("Abfallkalender") && p.contains("estimated from the entry above")),
        "{:?}",
        report.problem_lines()
    );
}

#[tokio::test]
async fn the_scrape_command_shows_the_same_warnings() {
    let (portal, text) = start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portal.toml");
    std::fs::write(&path, &text).expect("config");
    let cfg = parse(&text);
    for (target, want) in [
        (
            "hanweb/departments",
            "does not fit the bytes (valid UTF-8 that it turns into mojibake); decoded as UTF-8",
        ),
        (
            "wp/news",
            "next_page `a.page-numbers` matched nothing on page 2",
        ),
        ("trs/policy", "/trs-gap/index_2.html): "),
    ] {
        let path = path.clone();
        let target_owned = target.to_owned();
        let out = tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_portalfeed"))
                .args(["scrape", "--config"])
                .arg(&path)
                .args([target_owned.as_str(), "--format", "json"])
                .output()
                .expect("runs")
        })
        .await
        .expect("joined");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{target}: {stderr}");
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("  warning: page ") && l.contains(want)),
            "{target}: `{want}` not on stderr:\n{stderr}"
        );
        // The diagnosis reads as the library's outcome does.
        let (site, section) = target.split_once('/').expect("target");
        let report = scrape(&cfg, site, section).await;
        for w in report.warning_lines() {
            assert!(
                stderr.contains(&format!("  warning: {w}")),
                "{target}: {w}\n{stderr}"
            );
        }
        let feed = feed_rs::parser::parse(out.stdout.as_slice()).expect("a feed on stdout");
        assert_eq!(feed.entries.len(), report.entries.len(), "{target}");
    }
    drop(portal);
}

#[tokio::test]
async fn healthz_lists_the_same_warnings_and_the_section_stays_ok() {
    let (portal, text) = start().await;
    let cfg = parse(&text);
    let mut served = parse(&text);
    served.server.listen = "127.0.0.1:0".parse().expect("addr");
    served.server.data_dir = None;
    let service = portalfeed::app::Service::start(served, None)
        .await
        .expect("service");
    portalfeed::fetch::install_tls_provider();
    let http = reqwest::Client::new();
    let url = format!("{}/healthz", service.base_url());
    let mut found = None;
    for _ in 0..200 {
        let body = http
            .get(&url)
            .send()
            .await
            .expect("healthz")
            .bytes()
            .await
            .expect("body");
        let health: Value = serde_json::from_slice(&body).expect("json");
        let wp = health["sections"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["site"] == "wp" && s["section"] == "news" && s["last_success"].is_string())
            .cloned();
        if let Some(wp) = wp {
            found = Some(wp);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let wp = found.expect("wp/news scraped within 10 s");
    assert_eq!(wp["state"], "ok", "{wp}");
    let report = scrape(&cfg, "wp", "news").await;
    let want: Vec<Value> = report
        .warning_lines()
        .into_iter()
        .map(Value::from)
        .collect();
    assert_eq!(
        wp["warnings"].as_array().cloned().unwrap_or_default(),
        want,
        "{wp}"
    );
    drop(portal);
}
