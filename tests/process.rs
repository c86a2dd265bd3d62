//! The real binary: `serve` killed with SIGKILL mid-life or stopped with
//! SIGTERM comes back with every feed answering from the snapshot, even with
//! the portal down.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{client, parse_feed, set_default};
use portalfeed::demo::{Fault, FixturePortal};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn spawn(path: &std::path::Path) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_portalfeed"))
            .args(["serve", "--config"])
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("portalfeed serve starts"),
    )
}

/// Polls `url` until it answers 200 with a feed of `min` entries or more.
async fn wait_feed(http: &reqwest::Client, url: &str, min: usize) -> Vec<String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if let Ok(r) = http.get(url).send().await {
            if r.status().is_success() {
                let body = r.bytes().await.expect("body");
                let feed = parse_feed(&body);
                if feed.entries.len() >= min {
                    return feed.entries.into_iter().map(|e| e.id).collect();
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not answer with {min}+ entries within 30 s");
}

#[tokio::test]
async fn sigkill_and_sigterm_lose_nothing() {
    let portal = FixturePortal::start().await.expect("portal");
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let text = portal.demo_config_text().expect("demo config");
    let text = set_default(&text, "interval", "\"1h\"")
        .replace(
            "listen = \"127.0.0.1:8080\"",
            &format!("listen = \"127.0.0.1:{port}\""),
        )
        .replace(
            "public_url = \"http://127.0.0.1:8080\"",
            &format!("public_url = \"http://127.0.0.1:{port}\""),
        )
        .replace(
            "# data_dir = \"data\"",
            &format!(
                "data_dir = {:?}",
                data.path().join("store").display().to_string()
            ),
        );
    assert!(
        text.contains("data_dir = "),
        "the demo config has a data_dir line to replace"
    );
    let path = data.path().join("portalfeed.toml");
    std::fs::write(&path, text).expect("config");
    let http = client();
    let feeds = ["demo/local", "demo/hot-news", "demo/special-report", "demo"];
    let url = |f: &str| format!("http://127.0.0.1:{port}/feeds/{f}.json");

    // First life: scrape everything (no section pending on /healthz; first
    // scrapes are spread), then SIGKILL.
    let mut server = spawn(&path);
    let health = format!("http://127.0.0.1:{port}/healthz");
    let start = Instant::now();
    loop {
        let all_scraped = match http.get(&health).send().await {
            Ok(r) => r
                .bytes()
                .await
                .ok()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .is_some_and(|h| {
                    h["sections"]
                        .as_array()
                        .is_some_and(|s| s.iter().all(|s| s["state"] != "pending"))
                }),
            Err(_) => false,
        };
        if all_scraped {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "not every section scraped within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut before = Vec::new();
    for f in feeds {
        before.push(wait_feed(&http, &url(f), 1).await);
    }
    // What a feed serves is committed already: kill hard at once.
    server.0.kill().expect("SIGKILL");
    let _ = server.0.wait();

    // Second life with the portal down: every feed answers at once, whole.
    portal.set_fault(Some(Fault::Status(503)));
    let server = spawn(&path);
    for (f, ids) in feeds.iter().zip(&before) {
        let now = wait_feed(&http, &url(f), ids.len()).await;
        assert_eq!(&now, ids, "{f} after SIGKILL");
    }

    // SIGTERM: a graceful stop (exit 0), then a third life still whole.
    let pid = server.0.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill -TERM");
    assert!(status.success());
    let mut server = server;
    let start = Instant::now();
    let exit = loop {
        if let Some(s) = server.0.try_wait().expect("wait") {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "graceful exit: {exit:?}");
    let _server = spawn(&path);
    for (f, ids) in feeds.iter().zip(&before) {
        let now = wait_feed(&http, &url(f), ids.len()).await;
        assert_eq!(&now, ids, "{f} after SIGTERM");
    }
}
