//! Every shipped and fixture config loads, and every
//! `fixtures/configs/invalid-*.toml` fails with exactly the error lines its
//! `# expect:` comments list.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use portalfeed::config;
use serde_json::Value;

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
    assert_eq!(
        c.store.url.as_deref(),
        Some("postgres://portalfeed@db.example.org:5432/portalfeed")
    );
    assert_eq!(c.store.lease.as_secs(), 90);
    let site = c.site("hengyang").expect("site");
    let local = site.section("local").expect("section");
    assert_eq!(local.settings.max_body, 512 * 1024);
    assert_eq!(site.settings.max_body, 5_242_880);
    assert_eq!(site.encoding, Some(encoding_rs::GB18030));
    assert!(!local.settings.fetch_articles);
    assert!(site.settings.allow_private, "from the site");
    assert!(!local.settings.allow_private, "the section overrides it");
    assert_eq!(site.settings.parse_deadline().as_secs(), 180);
    assert_eq!(local.settings.parse_deadline().as_secs(), 60);
    assert_eq!(site.settings.max_content, 524_288);
    assert_eq!(local.settings.max_content, 256 * 1024);
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

#[test]
fn an_unreadable_file_is_one_error() {
    let err = config::load(Path::new("fixtures/configs/does-not-exist.toml")).expect_err("missing");
    assert_eq!(err.0.len(), 1);
    assert!(
        err.0[0]
            .to_string()
            .starts_with("fixtures/configs/does-not-exist.toml:0:0: cannot read the config: "),
        "{err}"
    );
}

/// The keys a raw type accepts, read from serde's "unknown field" message.
fn fields_of<T: serde::de::DeserializeOwned>() -> BTreeSet<String> {
    let Err(err) = serde_json::from_str::<T>(r#"{"__probe": 0}"#) else {
        panic!("the probe key must be unknown");
    };
    let text = err.to_string();
    let expected = text.split(", expected").nth(1).unwrap_or_default();
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The keys used in every object of `values`.
fn keys_in<'a>(values: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    values
        .into_iter()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys().cloned())
        .collect()
}

#[test]
fn the_full_fixture_really_has_every_key() {
    use portalfeed::config::raw::{
        RawArticle, RawConfig, RawFieldTable, RawList, RawSection, RawServer, RawSettings, RawSite,
    };
    let text = std::fs::read_to_string("fixtures/configs/valid-full.toml").expect("readable");
    let raw = config::parse_raw(&text, "valid-full.toml").expect("valid");
    let json = serde_json::to_value(&raw).expect("serializable");
    let all = |v: &Value, key: &str| -> Vec<Value> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o.get(key).cloned())
            .collect()
    };
    let sites: Vec<Value> = json["sites"].as_array().cloned().unwrap_or_default();
    let sections: Vec<Value> = sites
        .iter()
        .flat_map(|s| s["sections"].as_array().cloned().unwrap_or_default())
        .collect();
    let sections_v = Value::Array(sections.clone());
    let lists = all(&sections_v, "list");
    let mut articles = all(&Value::Array(sites.clone()), "article");
    articles.extend(all(&sections_v, "article"));
    let mut fields: Vec<Value> = all(&sections_v, "next_page");
    for table in lists.iter().chain(&articles) {
        fields.extend(
            table
                .as_object()
                .into_iter()
                .flat_map(|o| o.values().cloned()),
        );
    }
    let formats: Vec<&Value> = fields.iter().filter_map(|f| f.get("format")).collect();

    assert_eq!(keys_in([&json]), fields_of::<RawConfig>());
    assert_eq!(keys_in([&json["server"]]), fields_of::<RawServer>());
    assert_eq!(keys_in([&json["defaults"]]), fields_of::<RawSettings>());
    assert_eq!(keys_in(&sites), fields_of::<RawSite>());
    assert_eq!(keys_in(&sections), fields_of::<RawSection>());
    assert_eq!(keys_in(&lists), fields_of::<RawList>());
    assert_eq!(keys_in(&articles), fields_of::<RawArticle>());
    assert_eq!(keys_in(&fields), fields_of::<RawFieldTable>());
    assert!(
        fields.iter().any(Value::is_string),
        "a field selector as a string"
    );
    assert!(
        formats.iter().any(|f| f.is_string()),
        "`format` as a string"
    );
    assert!(formats.iter().any(|f| f.is_array()), "`format` as an array");
}
