//! `portalfeed suggest` through the binary: on the fixture portal it must
//! give configs whose scrapes match `config/demo.toml`; on the corpus under
//! `fixtures/suggest/` it is measured entry by entry against
//! `expected.json`; on pages with no list it must exit 1 with a reason.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use portalfeed::demo::FixturePortal;
use serde::Deserialize;
use url::Url;

/// What a command printed.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs the binary (off the async workers, so the fixture portal answers).
async fn portalfeed(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_portalfeed"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .output()
    })
    .await
    .expect("join")
    .expect("run portalfeed");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `suggest URL` into a file in `dir`; the file and its `SITE/SECTION`.
async fn suggest_into(dir: &Path, name: &str, url: &str) -> (PathBuf, String) {
    let run = portalfeed(&["suggest", url]).await;
    assert_eq!(run.code, 0, "suggest {url} failed:\n{}", run.stderr);
    let text = String::from_utf8(run.stdout).expect("utf-8 config");
    assert!(
        text.contains("allow_private = true") && text.contains("is a loopback or private address"),
        "a config for 127.0.0.1 must allow private addresses, saying why:\n{text}"
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, &text).expect("write config");
    let check = portalfeed(&["check", "--config", path.to_str().expect("path")]).await;
    assert_eq!(
        check.code, 0,
        "check refused the suggested config for {url}:\n{}\n{text}",
        check.stderr
    );
    let cfg = portalfeed::config::parse(&text, name).expect("parses");
    let site = &cfg.sites[0];
    (path, format!("{}/{}", site.id, site.sections[0].id))
}

/// One entry of a feed, as compared.
#[derive(Debug, Clone, PartialEq)]
struct Got {
    link: String,
    title: String,
    date: Option<DateTime<Utc>>,
    author: Option<String>,
}

/// `scrape --config PATH TARGET --format json`, parsed with feed-rs.
async fn scrape(config: &Path, target: &str) -> Vec<Got> {
    let run = portalfeed(&[
        "scrape",
        "--config",
        config.to_str().expect("path"),
        target,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(run.code, 0, "scrape {target} failed:\n{}", run.stderr);
    let feed = common::parse_feed(&run.stdout);
    feed.entries
        .into_iter()
        .map(|e| Got {
            link: e.links.first().map(|l| l.href.clone()).unwrap_or_default(),
            title: e.title.map(|t| t.content).unwrap_or_default(),
            date: e.published,
            author: e.authors.first().map(|a| a.name.clone()),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_on_every_demo_section_scrapes_what_the_demo_config_scrapes() {
    let portal = FixturePortal::start().await.expect("portal");
    let dir = tempfile::tempdir().expect("tempdir");
    let demo_path = dir.path().join("demo.toml");
    std::fs::write(&demo_path, portal.demo_config_text().expect("demo text")).expect("write");
    let (demo, _) = portal.demo_config().expect("demo config");
    let site = &demo.sites[0];
    let mut checked = 0;
    for section in site.sections.iter().filter(|s| !s.is_group()) {
        let url = section.source.as_ref().expect("source").url.to_string();
        let (path, target) = suggest_into(dir.path(), section.id.as_str(), &url).await;
        let mut got = scrape(&path, &target).await;
        let mut want = scrape(&demo_path, &format!("{}/{}", site.id, section.id)).await;
        // An undated entry takes the time it was first seen: not compared.
        let recent = Utc::now() - chrono::TimeDelta::hours(1);
        let key = |g: &Got| {
            (
                g.link.clone(),
                g.title.clone(),
                g.date.filter(|d| *d < recent),
            )
        };
        got.sort_by_key(key);
        want.sort_by_key(key);
        let got: Vec<_> = got.iter().map(key).collect();
        let want: Vec<_> = want.iter().map(key).collect();
        assert!(!want.is_empty(), "{}: the demo scrape is empty", section.id);
        assert_eq!(
            got, want,
            "{url}: the suggested config scrapes other entries"
        );
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} demo sections");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_with_a_config_prints_a_fragment_that_fits_the_file() {
    let portal = FixturePortal::start().await.expect("portal");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portalfeed.toml");
    let text = portal.demo_config_text().expect("demo text");
    std::fs::write(&path, &text).expect("write");
    let url = format!("{}/shishixinwen/hotnews/guojixinwen3/", portal.base_url());
    let run = portalfeed(&["suggest", &url, "--config", path.to_str().expect("path")]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fragment = String::from_utf8(run.stdout).expect("utf-8");
    assert!(fragment.contains("id = \"demo\""), "{fragment}");
    assert!(
        !fragment.contains("[server]") && !fragment.contains("[[sites]]\n"),
        "{fragment}"
    );
    assert!(fragment.contains("id = \"guojixinwen3\""), "{fragment}");
    std::fs::write(&path, format!("{text}\n{fragment}")).expect("append");
    let check = portalfeed(&["check", "--config", path.to_str().expect("path")]).await;
    assert_eq!(check.code, 0, "{}\n{fragment}", check.stderr);
    let got = scrape(&path, "demo/guojixinwen3").await;
    let want = scrape(&path, "demo/internationale").await;
    assert_eq!(
        got.iter().map(|g| &g.link).collect::<Vec<_>>(),
        want.iter().map(|g| &g.link).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_on_a_page_with_no_list_exits_1_with_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/suggest/_not-lists");
    let portal = FixturePortal::start_dir(root, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("portal");
    for (page, why) in [
        ("article.html", "looks like an article"),
        ("login.html", "login page"),
        ("empty.html", "no links at all"),
    ] {
        let run = portalfeed(&["suggest", &format!("{}/{page}", portal.base_url())]).await;
        assert_eq!(run.code, 1, "{page}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{page}: a config was printed");
        assert!(
            run.stderr.contains("no list found"),
            "{page}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(why), "{page}: {}", run.stderr);
    }
}

/// `expected.json` of a corpus case.
#[derive(Debug, Deserialize)]
struct Expected {
    style: String,
    list: String,
    timezone: String,
    entries: Vec<ExpectedEntry>,
}

#[derive(Debug, Deserialize)]
struct ExpectedEntry {
    link: String,
    title: String,
    date: String,
    author: String,
}

/// An expected date (`2024-05-13`, `2024-05-13 09:30`, RFC 3339) as an instant.
fn instant(text: &str, tz: chrono_tz::Tz) -> DateTime<Utc> {
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return d.with_timezone(&Utc);
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight"))
        })
        .expect("expected date form");
    tz.from_local_datetime(&naive)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

/// One row of the benchmark table.
#[derive(Debug, Default, Clone, Copy)]
struct Score {
    expected: usize,
    found: usize,
    matched: usize,
    titles: usize,
    dates: usize,
    authors: usize,
}

impl Score {
    fn entries(&self) -> f64 {
        ratio(self.matched, self.expected + (self.found - self.matched))
    }
    fn titles(&self) -> f64 {
        ratio(self.titles, self.expected)
    }
    fn dates(&self) -> f64 {
        ratio(self.dates, self.expected)
    }
    fn authors(&self) -> f64 {
        ratio(self.authors, self.expected)
    }
    fn add(&mut self, o: &Score) {
        self.expected += o.expected;
        self.found += o.found;
        self.matched += o.matched;
        self.titles += o.titles;
        self.dates += o.dates;
        self.authors += o.authors;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

async fn measure(case: &Path) -> (Expected, Score, String) {
    let expected: Expected = serde_json::from_str(
        &std::fs::read_to_string(case.join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json parses");
    let tz: chrono_tz::Tz = expected.timezone.parse().expect("zone");
    let portal = FixturePortal::start_dir(case.to_owned(), "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("portal");
    let list = format!(
        "{}/{}",
        portal.base_url(),
        expected.list.trim_end_matches("index.html")
    );
    let list_url = Url::parse(&list).expect("list url");
    let dir = tempfile::tempdir().expect("tempdir");
    let name = case
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("case")
        .to_owned();
    let (path, target) = suggest_into(dir.path(), &name, &list).await;
    let config = std::fs::read_to_string(&path).expect("config");
    let got = scrape(&path, &target).await;
    let mut score = Score {
        expected: expected.entries.len(),
        found: got.len(),
        ..Score::default()
    };
    for e in &expected.entries {
        let url = portalfeed::normalize::canonical_url(&list_url, &e.link).expect("expected link");
        let Some(g) = got.iter().find(|g| g.link == url.as_str()) else {
            eprintln!("{name}: missing {url}");
            continue;
        };
        score.matched += 1;
        if g.title == e.title {
            score.titles += 1;
        } else {
            eprintln!("{name}: title {:?} != {:?}", g.title, e.title);
        }
        if g.date == Some(instant(&e.date, tz)) {
            score.dates += 1;
        } else {
            eprintln!(
                "{name}: date {:?} != {} ({})",
                g.date, e.date, expected.timezone
            );
        }
        if g.author.as_deref() == Some(e.author.as_str()) {
            score.authors += 1;
        } else {
            eprintln!("{name}: author {:?} != {:?}", g.author, e.author);
        }
    }
    (expected, score, config)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_corpus_benchmark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/suggest");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/suggest")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 12, "the corpus has {} cases", cases.len());
    let mut rows = Vec::new();
    let mut total = Score::default();
    let mut low = Vec::new();
    for case in &cases {
        let (expected, s, config) = measure(case).await;
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        for (what, v) in [
            ("entries", s.entries()),
            ("titles", s.titles()),
            ("dates", s.dates()),
            ("authors", s.authors()),
        ] {
            if v < 0.8 {
                low.push(format!("{name}: {what} {}\n{config}", pct(v)));
            }
        }
        rows.push(format!(
            "| {name} | {} | {}/{} ({} extra) | {}/{} | {}/{} | {}/{} |",
            expected.style,
            s.matched,
            s.expected,
            s.found - s.matched,
            s.titles,
            s.expected,
            s.dates,
            s.expected,
            s.authors,
            s.expected
        ));
        total.add(&s);
    }
    println!("| page | style | entries found/expected | titles exact | dates exact | authors |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for r in &rows {
        println!("{r}");
    }
    println!(
        "| **all {}** | | {} | {} | {} | {} |",
        cases.len(),
        pct(total.entries()),
        pct(total.titles()),
        pct(total.dates()),
        pct(total.authors())
    );
    assert!(low.is_empty(), "pages below 80%:\n{}", low.join("\n"));
    assert!(total.entries() >= 0.95, "entries {}", pct(total.entries()));
    assert!(total.titles() >= 0.95, "titles {}", pct(total.titles()));
    assert!(total.dates() >= 0.95, "dates {}", pct(total.dates()));
    assert!(total.authors() >= 0.90, "authors {}", pct(total.authors()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_known_by_its_text_only_is_followed_or_explained() {
    let portal = FixturePortal::start().await.expect("portal");
    let path = "/shishixinwen/hotnews/bendixinwen3/index.html";
    let page = std::fs::read_to_string(portal_file(path)).expect("fixture");
    let plain = page.replace(
        r#"<a class="next" href="index_1.html">Next</a>"#,
        r#"<a href="index.html">首页</a> <a href="index_1.html">下一页</a>"#,
    );
    assert_ne!(plain, page, "the fixture's next link changed");
    portal.set_page(path, plain);
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("{}/shishixinwen/hotnews/bendixinwen3/", portal.base_url());
    let (config, target) = suggest_into(dir.path(), "local", &url).await;
    let text = std::fs::read_to_string(&config).expect("config");
    let got = scrape(&config, &target).await;
    let page_two = format!(
        "{}/shishixinwen/hotnews/bendixinwen3/201904/",
        portal.base_url()
    );
    if text.contains("contains = \"下一页\"") {
        // A build that reads `contains`: the second page is followed.
        assert!(got.iter().any(|g| g.link.starts_with(&page_two)), "{text}");
    } else {
        // One that does not: the first page only, and the comment says why.
        assert!(text.contains("needs `contains`"), "{text}");
        assert!(!got.is_empty() && !got.iter().any(|g| g.link.starts_with(&page_two)));
    }
}

/// A file of the fixture portal.
fn portal_file(path: &str) -> PathBuf {
    portalfeed::demo::fixtures_dir().join(path.trim_start_matches('/'))
}
