//! Every shipped and fixture config loads, and every
//! `fixtures/configs/invalid-*.toml` fails with exactly the error lines its
//! `# expect:` comments list.

use std::path::{Path, PathBuf};

use portalfeed::config;

/// The `.toml` files in `dir` whose name starts with `prefix`, sorted;
/// none when `dir` does not exist.
fn tomls(dir: &str, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
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

fn must_load(path: &Path) -> config::Config {
    match config::load(path) {
        Ok(c) => c,
        Err(e) => panic!("{} should be valid:\n{e}", path.display()),
    }
}

#[test]
fn valid_fixtures_load() {
    let files = tomls("fixtures/configs", "valid-");
    assert!(
        files.len() >= 2,
        "valid-minimal.toml and valid-full.toml exist"
    );
    for path in files {
        must_load(&path);
    }
}

#[test]
fn shipped_configs_load() {
    for path in tomls("config", "") {
        must_load(&path);
    }
}

#[test]
fn the_full_fixture_uses_every_key() {
    let c = must_load(Path::new("fixtures/configs/valid-full.toml"));
    assert_eq!(c.summary(), "2 sites, 4 sections (3 scraped, 1 group)");
    let site = c.site("hengyang").expect("site");
    let local = site.section("local").expect("section");
    assert_eq!(local.settings.max_body, 512 * 1024);
    assert_eq!(site.settings.max_body, 5_242_880);
    assert_eq!(site.encoding, Some(encoding_rs::GB18030));
    assert!(!local.settings.fetch_articles);
    let top = site.section("top-news").expect("section");
    let own = top.article.as_ref().and_then(|a| a.content.as_ref());
    assert_eq!(own.map(|f| f.css.source.as_str()), Some("#content"));
    assert_eq!(
        c.server.admin_token_env.as_deref(),
        Some("PORTALFEED_ADMIN_TOKEN")
    );
}

#[test]
fn invalid_fixtures_fail_with_the_expected_lines() {
    let files = tomls("fixtures/configs", "invalid-");
    assert!(
        files.len() >= 10,
        "at least 10 invalid fixtures, found {}",
        files.len()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expected.is_empty(),
            "{} has no `# expect:` line",
            path.display()
        );
        let got = match config::load(&path) {
            Ok(_) => panic!("{} should be invalid", path.display()),
            Err(e) => e.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        };
        assert_eq!(got, expected, "errors of {}", path.display());
    }
}
