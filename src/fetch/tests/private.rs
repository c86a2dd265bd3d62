//! Private addresses and schemes: what a portal URL, a redirect target or
//! a link may reach without `allow_private`.

use std::net::SocketAddr;

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get as route;

use super::*;
use crate::fetch::address::Guard;

/// Strict settings: private addresses refused.
fn strict() -> Settings {
    Settings {
        allow_private: false,
        ..settings()
    }
}

/// An origin that redirects `/to?u=X` to `X` and serves a page at `/page`.
async fn redirecting(hits: &Hits) -> Url {
    let hits = Arc::clone(hits);
    serve(
        Router::new()
            .route(
                "/to",
                route(
                    |axum::extract::Query(q): axum::extract::Query<
                        std::collections::HashMap<String, String>,
                    >| async move {
                        let target = q.get("u").cloned().unwrap_or_default();
                        (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
                    },
                ),
            )
            .route(
                "/page",
                route(move || {
                    hit(&hits);
                    async { "<p>inside</p>" }
                }),
            ),
    )
    .await
}

fn addr(url: &Url) -> SocketAddr {
    url.socket_addrs(|| None).expect("an address")[0]
}

fn expect_private(outcome: Result<FetchOutcome, FetchError>, address: &str) -> String {
    match outcome {
        Err(e @ FetchError::Private { .. }) => {
            let text = e.to_string();
            assert!(
                text.ends_with(&format!(
                    "address {address} is private (set allow_private = true to allow)"
                )),
                "{text}"
            );
            assert!(!e.is_transient());
            text
        }
        other => panic!("expected a private-address refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn loopback_in_every_spelling_is_refused_and_never_requested() {
    let n = Hits::default();
    let base = redirecting(&n).await;
    let port = base.port().expect("a port");
    let f = fetcher();
    for spelling in [
        format!("http://127.0.0.1:{port}/page"),
        format!("http://2130706433:{port}/page"),
        format!("http://0x7f.0.0.1:{port}/page"),
        format!("http://0177.0.0.1:{port}/page"),
        format!("http://127.1:{port}/page"),
        format!("http://localhost:{port}/page"),
    ] {
        let url = Url::parse(&spelling).expect("a URL");
        let text = expect_private(get(&f, &url, &strict()).await, "127.0.0.1");
        assert!(
            text.starts_with("http://127.0.0.1:") || text.starts_with("http://localhost:"),
            "{text}"
        );
    }
    assert_eq!(hits(&n), 0, "the inside page was never requested");
    let p = page(get(&f, &join(&base, "/page"), &settings()).await);
    assert_eq!(p.html, "<p>inside</p>", "allow_private = true reaches it");
}

#[tokio::test]
async fn a_redirect_into_the_inside_is_refused() {
    let n = Hits::default();
    let origin = redirecting(&n).await;
    let inside = redirecting(&n).await;
    // The origin stands in for a public portal; the other port is "inside".
    let f = Fetcher::with_guard(4, Guard::trusting(&[addr(&origin)])).expect("client");
    let inside_port = inside.port().expect("a port");
    for target in [
        format!("http://127.0.0.1:{inside_port}/page"),
        format!("http://2130706433:{inside_port}/page"),
        format!("http://localhost:{inside_port}/page"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let mut url = join(&origin, "/to");
        url.query_pairs_mut().append_pair("u", &target);
        let want = if target.contains("169.254") {
            "169.254.169.254"
        } else {
            "127.0.0.1"
        };
        expect_private(get(&f, &url, &strict()).await, want);
    }
    assert_eq!(hits(&n), 0, "no inside page was requested");
    // The trusted origin itself still answers.
    let p = page(get(&f, &join(&origin, "/page"), &strict()).await);
    assert_eq!(p.html, "<p>inside</p>");
}

#[tokio::test]
async fn a_redirect_to_another_scheme_is_named() {
    let n = Hits::default();
    let base = redirecting(&n).await;
    for target in ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/"] {
        let mut url = join(&base, "/to");
        url.query_pairs_mut().append_pair("u", target);
        match get(&fetcher(), &url, &settings()).await {
            Err(e @ FetchError::RedirectScheme { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains(&format!("redirected to `{target}`")),
                    "{text}"
                );
                assert!(text.contains("only http and https"), "{text}");
            }
            other => panic!("expected a scheme refusal for {target}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn only_http_and_https_are_fetched() {
    for u in [
        "file:///etc/passwd",
        "ftp://example.org/",
        "data:text/html,<p>x</p>",
    ] {
        let url = Url::parse(u).expect("a URL");
        match get(&fetcher(), &url, &settings()).await {
            Err(FetchError::InvalidUrl { .. }) => {}
            other => panic!("expected InvalidUrl for {u}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_body_that_is_not_markup_is_not_a_page() {
    let base = serve(
        Router::new()
            .route(
                "/secret",
                route(|| async { "root:x:0:0:root:/root:/bin/bash\n" }),
            )
            .route("/page", route(|| async { "  <p>a mislabelled page</p>" })),
    )
    .await;
    match get(&fetcher(), &join(&base, "/secret"), &settings()).await {
        Err(e @ FetchError::NotHtml { .. }) => {
            assert!(e.to_string().contains("text/plain"), "{e}");
        }
        other => panic!("expected NotHtml, got {other:?}"),
    }
    let p = page(get(&fetcher(), &join(&base, "/page"), &settings()).await);
    assert!(p.html.contains("mislabelled"));
}
