//! The built binary: `scrape` (each format, the diagnosis, a broken
//! selector, a dead portal, an unknown section) and `check` (every invalid
//! fixture config, the shipped configs). Feeds are read back with feed-rs
//! and compared with the hand-written expectations of `tests/expected/`.

mod expected;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Utc};
use expected::Want;
use portalfeed::demo::FixturePortal;
use portalfeed::render::Format;

const LOCAL_LIST: &str = "/shishixinwen/hotnews/bendixinwen3/";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the crate root with `args`.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portalfeed"))
        .args(args)
        .current_dir(root())
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> &str {
    std::str::from_utf8(&out.stdout).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> &str {
    std::str::from_utf8(&out.stderr).expect("stderr is UTF-8")
}

/// No panic, whatever happened.
fn assert_no_panic(out: &Output) {
    let err = stderr(out);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "panic:\n{err}"
    );
    assert_ne!(out.status.code(), Some(101), "exit code of a panic");
}

/// `http://127.0.0.1:PORT` of the portal the binary started, read from the
/// first list page line of the diagnosis.
fn portal_base(err: &str) -> String {
    let line = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("page 1: "))
        .unwrap_or_else(|| panic!("no `page 1:` line in\n{err}"));
    let after_scheme = line.find("://").map_or(0, |i| i + 3);
    let end = line[after_scheme..]
        .find('/')
        .map_or(line.len(), |i| i + after_scheme);
    line[..end].to_owned()
}

/// `scrape --demo demo/local --format <format>`, checked in full; returns
/// stderr.
fn scrape_local(format: &str, fmt: Format) -> String {
    let before = Utc::now();
    let out = run(&["scrape", "--demo", "demo/local", "--format", format]);
    let after = Utc::now();
    assert_no_panic(&out);
    let err = stderr(&out).to_owned();
    assert!(out.status.success(), "exit {:?}\n{err}", out.status);
    let base = portal_base(&err);
    let want = Want::section(expected::section("local"));
    // The undated entry shows when this run first saw it.
    let first_seen = trunc(before)..=after;
    expected::check_feed(
        fmt,
        &out.stdout,
        &base,
        &want,
        first_seen,
        &format!("scrape demo/local --format {format}"),
    );
    err
}

/// Feeds print whole seconds for the first-seen time in RSS.
fn trunc(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).expect("in range")
}

#[test]
fn scrape_demo_local_atom_with_diagnosis() {
    let err = scrape_local("atom", Format::Atom);
    let base = portal_base(&err);
    let title = expected::BRIDGE.title;
    let camphor = expected::CAMPHOR.title;
    for line in [
        "demo/local: 2 list page(s) fetched, 9 items matched, 7 entries, 7 article(s) fetched"
            .to_owned(),
        format!("  page 1: {base}{LOCAL_LIST}: 6 items"),
        format!("  page 2: {base}{LOCAL_LIST}index_1.html: 3 items"),
        // The same article with tracking parameters, then with a fragment.
        format!(
            "  item 2: {title}: link: duplicate of an earlier item (same canonical URL); skipped"
        ),
        format!(
            "  item 8: {title}: link: duplicate of an earlier item (same canonical URL); skipped"
        ),
        // The undated item, named, and what its date becomes.
        format!(
            "  item 9: {camphor}: article.date: no date understood in `From:衡阳市电子政务办 | [A A]`"
        ),
        format!(
            "  item 9: {camphor}: date: no date on the list or the article; date estimated from the entry above it (2019-04-29T17:20:03+08:00)"
        ),
    ] {
        assert!(
            err.lines().any(|l| l == line),
            "`{line}` not on stderr:\n{err}"
        );
    }
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("demo/local: 7 entries in "),
        "summary line: {last}"
    );
}

#[test]
fn scrape_demo_local_rss() {
    scrape_local("rss", Format::Rss);
}

#[test]
fn scrape_demo_local_json() {
    scrape_local("json", Format::Json);
}

/// The group and the site through the binary: merged, no duplicate ids.
#[test]
fn scrape_demo_group_and_site() {
    for (target, sections) in [
        (
            "demo/hot-news",
            &["domestic", "internationale", "local"][..],
        ),
        (
            "demo",
            &[
                "domestic",
                "internationale",
                "local",
                "recommendation",
                "food-safety",
                "funeral-reform",
                "hot-report",
            ][..],
        ),
    ] {
        let before = Utc::now();
        let out = run(&["scrape", "--demo", target, "--format", "json"]);
        let after = Utc::now();
        assert_no_panic(&out);
        let err = stderr(&out);
        assert!(out.status.success(), "{target}: {:?}\n{err}", out.status);
        let want = Want::merged(sections, before);
        expected::check_feed(
            Format::Json,
            &out.stdout,
            &portal_base(err),
            &want,
            trunc(before)..=after,
            &format!("scrape {target}"),
        );
        for s in sections {
            assert!(
                err.lines().any(|l| l.starts_with(&format!("demo/{s}: "))),
                "{target}: no diagnosis for {s}:\n{err}"
            );
        }
    }
}

/// `--no-articles`: the GBK list alone, dates `2019年05月13日` at midnight +08:00.
#[test]
fn scrape_hot_report_list_only() {
    let out = run(&[
        "scrape",
        "--demo",
        "demo/hot-report",
        "--no-articles",
        "--format",
        "atom",
    ]);
    assert_no_panic(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    let xml = stdout(&out);
    expected::assert_nothing_executable(xml, "hot-report --no-articles");
    let feed = expected::parse(&out.stdout);
    let titles: Vec<&str> = feed
        .entries
        .iter()
        .filter_map(|e| e.title.as_ref().map(|t| t.content.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            "衡阳市第三届全民健身运动会开幕",
            "市区新增5条公交线路 方便市民出行",
            "蒸水河综合治理工程进展顺利"
        ]
    );
    for d in ["2019-05-13", "2019-05-10", "2019-05-08"] {
        assert!(
            xml.contains(&format!("<published>{d}T00:00:00+08:00</published>")),
            "{d} at midnight +08:00:\n{xml}"
        );
    }
    assert!(
        stderr(&out).contains("demo/hot-report: 1 list page(s) fetched, 3 items matched, 3 entries, 0 article(s) fetched"),
        "{}",
        stderr(&out)
    );
}

/// The `.toml` files in `fixtures/configs` starting with `prefix`.
fn fixture_configs(prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/configs"))
        .expect("fixtures/configs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with(prefix) && name.ends_with(".toml")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn check_rejects_every_invalid_fixture_with_its_expected_lines() {
    let files = fixture_configs("invalid-");
    assert!(files.len() >= 10, "invalid fixtures: {files:?}");
    for path in files {
        let rel = path
            .strip_prefix(root())
            .expect("under the crate")
            .to_str()
            .expect("UTF-8 path");
        let text = std::fs::read_to_string(&path).expect("fixture");
        let mut want: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .map(str::to_owned)
            .collect();
        assert!(!want.is_empty(), "{rel} has no `# expect:` line");
        let n = want.len();
        want.push(format!("{rel}: {n} error{}", if n == 1 { "" } else { "s" }));
        let out = run(&["check", "--config", rel]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{rel}: exit code");
        let got: Vec<&str> = stderr(&out).lines().collect();
        assert_eq!(got, want, "{rel}: stderr");
        assert_eq!(stdout(&out), "", "{rel}: stdout");
    }
}

#[test]
fn check_accepts_the_shipped_and_valid_configs() {
    for (rel, summary) in [
        (
            "config/demo.toml",
            "1 site, 9 sections (7 scraped, 2 groups)",
        ),
        (
            "config/portalfeed.toml",
            "1 site, 4 sections (2 scraped, 2 groups)",
        ),
    ] {
        let out = run(&["check", "--config", rel]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(0), "{rel}: {}", stderr(&out));
        assert_eq!(stdout(&out), format!("{rel}: ok: {summary}\n"));
        assert_eq!(stderr(&out), "", "{rel}: stderr");
    }
    for path in fixture_configs("valid-") {
        let rel = path.strip_prefix(root()).expect("under the crate");
        let rel = rel.to_str().expect("UTF-8 path");
        let out = run(&["check", "--config", rel]);
        assert_eq!(out.status.code(), Some(0), "{rel}: {}", stderr(&out));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 1, "{rel}: {text}");
        assert!(text.starts_with(&format!("{rel}: ok: ")), "{rel}: {text}");
    }
}

/// `config/demo.toml` pointed at `base`, written to a temp file.
fn temp_config(base: &str, tweak: impl FnOnce(String) -> String) -> tempfile::NamedTempFile {
    let text = std::fs::read_to_string(root().join("config/demo.toml")).expect("demo config");
    let text = tweak(portalfeed::demo::rebase_config(&text, base));
    let file = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .expect("temp file");
    std::fs::write(file.path(), text).expect("write temp config");
    file
}

/// Replaces the first `item = "ul.list > li"` after `id = "local"`.
fn break_local_selector(text: String) -> String {
    let at = text.find("id = \"local\"").expect("local section");
    let old = "item = \"ul.list > li\"";
    let rel = text[at..].find(old).expect("local list.item");
    let mut out = text;
    out.replace_range(at + rel..at + rel + old.len(), "item = \"ul.nothing > li\"");
    out
}

#[test]
fn a_broken_selector_is_one_clear_error() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // The portal runs on the runtime's worker threads while this thread
    // waits for the binary.
    let portal = rt.block_on(FixturePortal::start()).expect("fixture portal");
    let base = portal.base_url();
    let config = temp_config(&base, break_local_selector);
    let path = config.path().to_str().expect("UTF-8 temp path");

    let out = run(&["scrape", "--config", path, "demo/local"]);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let first = err.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "demo/local: scrape failed: selector matched nothing: list.item `ul.nothing > li` \
             found no entries on {base}{LOCAL_LIST}; the page layout may have changed \
             (try `portalfeed scrape` and fix the selector)"
        )
    );
    assert!(err.lines().count() <= 2, "one paragraph:\n{err}");
    // No feed is printed for a scrape that found nothing.
    assert_eq!(stdout(&out), "", "stdout of a failed scrape");
    // The portal was asked, and only for the list page (and robots.txt).
    let paths: Vec<String> = portal.requests().into_iter().map(|r| r.path).collect();
    assert!(paths.iter().any(|p| p == LOCAL_LIST), "{paths:?}");
    assert!(
        paths.iter().all(|p| p == LOCAL_LIST || p == "/robots.txt"),
        "{paths:?}"
    );

    // The other sections of the same config still scrape.
    let out = run(&["scrape", "--config", path, "demo/domestic"]);
    assert!(out.status.success(), "{}", stderr(&out));
    drop(portal);
}

#[test]
fn a_dead_portal_is_one_clear_error() {
    // A port nothing listens on.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let config = temp_config(&base, |t| t);
    let path = config.path().to_str().expect("UTF-8 temp path");

    let out = run(&["scrape", "--config", path, "demo/local"]);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!(
            "demo/local: scrape failed: list page: {base}{LOCAL_LIST}: cannot connect ("
        )),
        "{err}"
    );
    assert!(first.to_lowercase().contains("connection refused"), "{err}");
    assert!(err.lines().count() <= 2, "one paragraph:\n{err}");
    assert_eq!(stdout(&out), "", "stdout of a failed scrape");
}

#[test]
fn an_unknown_site_or_section_is_named() {
    for target in ["demo/nope", "nope/local", "nope"] {
        let out = run(&["scrape", "--demo", target]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{target}");
        assert_eq!(
            stderr(&out).trim_end(),
            format!(
                "portalfeed: {target}: no such site or section (see `portalfeed check` for the ids)"
            ),
            "{target}"
        );
        assert_eq!(stdout(&out), "", "{target}");
    }
}
