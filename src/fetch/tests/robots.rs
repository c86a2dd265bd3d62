//! robots.txt through the fetcher: obeyed, cached, ignorable, and absent.

use axum::http::StatusCode;
use axum::routing::get as route;

use super::*;

/// A portal whose robots.txt answers `status` with `body`; counts its fetches.
async fn portal(status: StatusCode, body: &'static str, robots_hits: &Hits) -> Url {
    let h = Arc::clone(robots_hits);
    serve(
        Router::new()
            .route(
                "/robots.txt",
                route(move || {
                    hit(&h);
                    async move { (status, body) }
                }),
            )
            .route("/private/{p}", route(|| async { "<p>secret</p>" }))
            .route("/public/{p}", route(|| async { "<p>open</p>" })),
    )
    .await
}

fn obeying() -> Settings {
    Settings {
        obey_robots: true,
        ..settings()
    }
}

#[tokio::test]
async fn disallow_is_obeyed_and_robots_fetched_once() {
    let n = Hits::default();
    let base = portal(
        StatusCode::OK,
        "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n",
        &n,
    )
    .await;
    let f = fetcher();
    match get(&f, &join(&base, "/private/1.html"), &obeying()).await {
        Err(e @ FetchError::RobotsDisallowed { .. }) => {
            assert!(
                e.to_string()
                    .contains("/private/1.html: robots.txt disallows"),
                "{e}"
            );
        }
        other => panic!("expected robots disallowed, got {other:?}"),
    }
    page(get(&f, &join(&base, "/public/1.html"), &obeying()).await);
    page(get(&f.clone(), &join(&base, "/public/2.html"), &obeying()).await);
    assert_eq!(hits(&n), 1, "robots.txt is cached per host");

    // The same fetcher with robots turned off for a site.
    let p = page(get(&f, &join(&base, "/private/1.html"), &settings()).await);
    assert_eq!(p.html, "<p>secret</p>");
}

#[tokio::test]
async fn robots_not_fetched_when_ignored() {
    let n = Hits::default();
    let base = portal(StatusCode::OK, "User-agent: *\nDisallow: /\n", &n).await;
    page(get(&fetcher(), &join(&base, "/private/1.html"), &settings()).await);
    assert_eq!(hits(&n), 0);
}

#[tokio::test]
async fn missing_or_failing_robots_allows_all() {
    for status in [
        StatusCode::NOT_FOUND,
        StatusCode::GONE,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        let n = Hits::default();
        let base = portal(status, "User-agent: *\nDisallow: /\n", &n).await;
        let f = fetcher();
        page(get(&f, &join(&base, "/private/1.html"), &obeying()).await);
        page(get(&f, &join(&base, "/private/2.html"), &obeying()).await);
        assert_eq!(hits(&n), 1, "{status}: the answer is cached too");
    }
}

#[tokio::test]
async fn unreachable_host_reports_the_connect_error_not_robots() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = Url::parse(&format!("http://{addr}/private/1.html")).expect("url");
    let f = fetcher().with_retry(RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    });
    assert!(matches!(
        get(&f, &url, &obeying()).await,
        Err(FetchError::Connect { .. })
    ));
    assert_eq!(f.stats().requests, 2, "robots.txt and the page");
}
