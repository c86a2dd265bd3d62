//! Golden tests of the extractors: every list page and article page of the
//! fixture portal (`fixtures/portal/`) is read with the rules of
//! `config/demo.toml`, and the result, as pretty JSON, must equal the
//! `<page>.expected.json` file beside the page.
//!
//! After a deliberate change, rewrite the expected files with
//! `PORTALFEED_BLESS=1 cargo test --test golden` and review the diff.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use portalfeed::config::Config;
use portalfeed::config::spec::SectionSpec;
use portalfeed::extract;

/// The placeholder base of every portal URL in `config/demo.toml`.
const PLACEHOLDER: &str = "http://portal.invalid";
/// What the test puts in its place (never contacted: nothing is fetched).
const LOOPBACK: &str = "http://127.0.0.1:1";
/// Suffix of the expected-output files.
const EXPECTED: &str = ".expected.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn demo_config() -> Config {
    let path = root().join("config/demo.toml");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .replace(PLACEHOLDER, LOOPBACK);
    portalfeed::config::parse(&text, "config/demo.toml")
        .unwrap_or_else(|e| panic!("config/demo.toml does not parse:\n{e}"))
}

/// Every file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()))
                .path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The URL path of a fixture file: `/` + its path under the portal root.
fn url_path(portal: &Path, file: &Path) -> String {
    let rel = file
        .strip_prefix(portal)
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    format!("/{}", parts.join("/"))
}

/// The section whose list URL is the longest prefix of `path`.
fn section_of<'a>(config: &'a Config, path: &str) -> Option<&'a SectionSpec> {
    config
        .sites
        .iter()
        .flat_map(|site| site.sections.iter())
        .filter_map(|s| s.source.as_ref().map(|src| (s, src.url.path().to_owned())))
        .filter(|(_, dir)| path.starts_with(dir.as_str()))
        .max_by_key(|(_, dir)| dir.len())
        .map(|(s, _)| s)
}

/// True for `index.html` and `index_N.html` right in the section's directory.
fn is_list_page(rest: &str) -> bool {
    rest == "index.html"
        || rest
            .strip_prefix("index_")
            .and_then(|r| r.strip_suffix(".html"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Extracts one page with its section's rules, as pretty JSON.
fn extract_page(section: &SectionSpec, rest: &str, html: &str) -> Result<String, String> {
    let json = if is_list_page(rest) {
        let source = section
            .source
            .as_ref()
            .ok_or_else(|| format!("section `{}` has no url", section.id))?;
        let page = extract::list_page(html, &source.list, source.next_page.as_ref());
        serde_json::to_string_pretty(&page)
    } else {
        let spec = section
            .article
            .as_ref()
            .ok_or_else(|| format!("section `{}` has no article rules", section.id))?;
        serde_json::to_string_pretty(&extract::article_page(html, spec))
    };
    json.map(|j| j + "\n").map_err(|e| e.to_string())
}

#[test]
fn fixture_pages_match_their_expected_json() {
    let config = demo_config();
    let portal = root().join("fixtures/portal");
    let bless = std::env::var("PORTALFEED_BLESS").is_ok_and(|v| v == "1");
    let files = files_under(&portal);
    let mut failures = Vec::new();
    let mut checked = 0;

    for file in &files {
        let name = file.to_string_lossy();
        if let Some(page) = name.strip_suffix(EXPECTED) {
            if !Path::new(page).is_file() {
                failures.push(format!("{name}: no page beside it; delete it"));
            }
            continue;
        }
        if !name.ends_with(".html") {
            continue;
        }
        let path = url_path(&portal, file);
        let Some(section) = section_of(&config, &path) else {
            if path != "/index.html" {
                failures.push(format!("{path}: under no section of config/demo.toml"));
            }
            continue;
        };
        let dir = section
            .source
            .as_ref()
            .map(|s| s.url.path().len())
            .unwrap_or_default();
        let rest = &path[dir..];
        let bytes = fs::read(file).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        let Some((html, _)) = portalfeed::fetch::decode_html(&bytes, None, None) else {
            failures.push(format!("{path}: cannot be decoded"));
            continue;
        };
        let actual = match extract_page(section, rest, &html) {
            Ok(json) => json,
            Err(e) => {
                failures.push(format!("{path}: {e}"));
                continue;
            }
        };
        checked += 1;
        let expected_file = PathBuf::from(format!("{name}{EXPECTED}"));
        if bless {
            fs::write(&expected_file, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", expected_file.display()));
            continue;
        }
        match fs::read_to_string(&expected_file) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{path}: differs from {}\n--- expected\n{expected}--- actual\n{actual}",
                expected_file.display()
            )),
            Err(e) => failures.push(format!(
                "{path}: cannot read {}: {e}\n--- actual\n{actual}",
                expected_file.display()
            )),
        }
    }

    assert!(checked >= 20, "only {checked} fixture pages were checked");
    assert!(
        failures.is_empty(),
        "{} golden failure(s) (after a deliberate change: PORTALFEED_BLESS=1 cargo test --test golden):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
