//! Tests of the fetcher against servers on 127.0.0.1 started in each test.

mod client;
mod faults;
mod politeness;
mod private;
mod robots;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use url::Url;

use super::{FetchError, FetchOutcome, FetchRequest, Fetcher, Page, RetryPolicy, Validators};
use crate::config::spec::Settings;

/// Serves `router` on an ephemeral loopback port; returns its base URL.
async fn serve(router: Router) -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Url::parse(&format!("http://{addr}/")).expect("base url")
}

/// A raw TCP server that answers every connection with `reply` and closes.
async fn serve_raw(reply: &'static [u8]) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut sock, &mut buf).await;
                let _ = sock.write_all(reply).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    addr
}

/// Settings for tests: short timeout, no delay, robots off, loopback
/// allowed (the test servers are on 127.0.0.1).
fn settings() -> Settings {
    Settings {
        allow_private: true,
        timeout: Duration::from_secs(5),
        min_delay: Duration::ZERO,
        obey_robots: false,
        user_agent: "portalfeed-test/1.0".to_owned(),
        ..Settings::default()
    }
}

/// A fetcher whose retries wait milliseconds, not seconds.
fn fetcher() -> Fetcher {
    Fetcher::new(8).expect("client").with_retry(RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    })
}

async fn get(f: &Fetcher, url: &Url, settings: &Settings) -> Result<FetchOutcome, FetchError> {
    f.get(&FetchRequest {
        url,
        settings,
        encoding: None,
        validators: None,
    })
    .await
}

fn page(outcome: Result<FetchOutcome, FetchError>) -> Page {
    match outcome {
        Ok(FetchOutcome::Page(p)) => p,
        other => panic!("expected a page, got {other:?}"),
    }
}

fn join(base: &Url, path: &str) -> Url {
    base.join(path).expect("join")
}

/// A counter shared with a handler.
type Hits = Arc<Mutex<u32>>;

fn hit(hits: &Hits) -> u32 {
    let mut n = hits.lock().expect("hits");
    *n += 1;
    *n
}

fn hits(hits: &Hits) -> u32 {
    *hits.lock().expect("hits")
}
