//! Shared test helpers: the fixture portal, the demo config pointed at it,
//! a running service, and an HTTP client.
#![allow(dead_code)]

pub mod pg;

use std::time::Duration;

use portalfeed::app::Service;
use portalfeed::config::{self, Config};
use portalfeed::demo::FixturePortal;

/// The demo config for `portal`, with `tweak` applied to its text first
/// (e.g. replacing `interval = "15m"`), listening on an ephemeral port.
pub fn demo_config(portal: &FixturePortal, tweak: impl FnOnce(String) -> String) -> Config {
    let text = portal.demo_config_text().expect("read config/demo.toml");
    let text = tweak(text);
    let mut cfg = config::parse(&text, "config/demo.toml").expect("demo config parses");
    cfg.server.listen = "127.0.0.1:0".parse().expect("addr");
    cfg.server.public_url = url::Url::parse("http://127.0.0.1:0/").expect("url");
    cfg.server.data_dir = None;
    cfg
}

/// Every scraped section key of `cfg`.
pub fn scraped_keys(cfg: &Config) -> Vec<portalfeed::catalog::SectionKey> {
    cfg.sites
        .iter()
        .flat_map(|site| {
            site.sections
                .iter()
                .filter(|s| !s.is_group())
                .map(move |s| (site.id.clone(), s.id.clone()))
        })
        .collect()
}

/// Waits until every scraped section has been attempted at least `n` times.
pub async fn wait_scraped(service: &Service, n: u64) {
    let cfg = service.state.config();
    let keys = scraped_keys(&cfg);
    for _ in 0..600 {
        let summaries = service.state.store.summaries().await.expect("summaries");
        if keys
            .iter()
            .all(|k| summaries.get(k).is_some_and(|s| s.health.scrapes >= n))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("sections were not scraped {n} time(s) within 30 s");
}

/// One section's health as the store has it (default when never scraped).
pub async fn health(
    service: &Service,
    key: &portalfeed::catalog::SectionKey,
) -> portalfeed::store::Health {
    service
        .state
        .store
        .summary(key)
        .await
        .expect("summary")
        .unwrap_or_default()
        .health
}

/// One section's stored entries, newest first.
pub async fn stored_entries(
    service: &Service,
    key: &portalfeed::catalog::SectionKey,
) -> Vec<portalfeed::model::Entry> {
    service
        .state
        .store
        .feed_entries(std::slice::from_ref(key), usize::MAX)
        .await
        .expect("entries")
        .entries
}

/// A client that does not decompress (so tests see the raw encodings).
pub fn client() -> reqwest::Client {
    portalfeed::fetch::install_tls_provider();
    reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Parses feed bytes with the independent parser.
pub fn parse_feed(bytes: &[u8]) -> feed_rs::model::Feed {
    feed_rs::parser::parse(bytes).expect("feed-rs parses the feed")
}

/// GETs `url` and parses the body as JSON (any status).
pub async fn get_json(http: &reqwest::Client, url: &str) -> serde_json::Value {
    let bytes = http
        .get(url)
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("JSON body")
}

/// GETs `url` and returns the body as text (any status).
pub async fn get_text(http: &reqwest::Client, url: &str) -> String {
    http.get(url)
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text body")
}

/// Sets `key = value` in the config's `[defaults]` table (replacing it there).
pub fn set_default(text: &str, key: &str, value: &str) -> String {
    let mut out = String::new();
    let mut in_defaults = false;
    let mut done = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if in_defaults && !done {
                out.push_str(&format!("{key} = {value}\n"));
                done = true;
            }
            in_defaults = trimmed.starts_with("[defaults]");
        }
        if in_defaults
            && (trimmed.starts_with(&format!("{key} ")) || trimmed.starts_with(&format!("{key}=")))
        {
            out.push_str(&format!("{key} = {value}\n"));
            done = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert!(
        done,
        "config/demo.toml has a [defaults] table followed by another table"
    );
    out
}

/// The admin token the tests use.
pub const TOKEN: &str = "test-admin-token";

/// A service started from a config FILE (the demo config pointed at
/// `portal`, ephemeral port, `interval = "1h"`, `tweak` applied), with the
/// admin API on (token [`TOKEN`]). Returns the service, the temp dir that
/// holds the file, and the file's path.
pub async fn start_from_file(
    portal: &FixturePortal,
    tweak: impl FnOnce(String) -> String,
) -> (Service, tempfile::TempDir, std::path::PathBuf) {
    let text = portal.demo_config_text().expect("read config/demo.toml");
    let text = set_default(&text, "interval", "\"1h\"")
        .replace("listen = \"127.0.0.1:8080\"", "listen = \"127.0.0.1:0\"")
        .replace(
            "public_url = \"http://127.0.0.1:8080\"",
            "public_url = \"http://127.0.0.1:0\"",
        );
    let text = tweak(text);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portalfeed.toml");
    std::fs::write(&path, text).expect("write config");
    let cfg = config::load(&path).expect("config loads");
    let admin = portalfeed::admin::Admin::with_token(
        portalfeed::admin::auth::Token::new(TOKEN).expect("token"),
    );
    let service = Service::start_with(cfg, Some(path.clone()), Some(admin))
        .await
        .expect("service starts");
    wait_scraped(&service, 1).await;
    (service, dir, path)
}

/// Starts `cmd`, whose program is a file this test process just wrote (a
/// copied binary). Another test thread forking in the meantime holds the
/// copy's write descriptor until its child execs, and exec then fails with
/// "Text file busy": that is retried, for up to 5 s.
pub fn spawn_copied(cmd: &mut std::process::Command) -> std::process::Child {
    let start = std::time::Instant::now();
    loop {
        match cmd.spawn() {
            Err(e)
                if e.kind() == std::io::ErrorKind::ExecutableFileBusy
                    && start.elapsed() < Duration::from_secs(5) =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.expect("the copied binary starts"),
        }
    }
}

/// Sends SIGTERM to `child` and waits (at most 15 s) for it to exit.
pub async fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let start = std::time::Instant::now();
    loop {
        if let Some(s) = child.try_wait().expect("wait") {
            return s;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "no exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
