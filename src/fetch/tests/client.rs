//! The happy paths: pages, validators, 304, redirects, charsets, counters.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get as route;

use super::*;

const HTML: &str = "<html><head><title>新闻</title></head><body><p>衡阳新闻</p></body></html>";

#[tokio::test]
async fn page_with_validators_and_request_headers() {
    let seen: Arc<Mutex<Option<HeaderMap>>> = Arc::default();
    let s = Arc::clone(&seen);
    let base = serve(Router::new().route(
        "/news/",
        route(move |h: HeaderMap| async move {
            *s.lock().expect("seen") = Some(h);
            (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::ETAG, "\"v1\""),
                    (header::LAST_MODIFIED, "Mon, 13 May 2019 06:01:05 GMT"),
                ],
                HTML,
            )
        }),
    ))
    .await;
    let f = fetcher();
    let p = page(get(&f, &join(&base, "/news/"), &settings()).await);
    assert_eq!(p.status, 200);
    assert_eq!(p.html, HTML);
    assert_eq!(p.encoding, encoding_rs::UTF_8);
    assert_eq!(p.url, join(&base, "/news/"));
    assert_eq!(p.bytes, HTML.len());
    assert_eq!(
        p.validators,
        Validators {
            etag: Some("\"v1\"".into()),
            last_modified: Some("Mon, 13 May 2019 06:01:05 GMT".into()),
        }
    );
    let h = seen.lock().expect("seen").clone().expect("request seen");
    assert_eq!(
        h.get(header::USER_AGENT).and_then(|v| v.to_str().ok()),
        Some("portalfeed-test/1.0")
    );
    let accept = h
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(accept.starts_with("text/html"), "{accept}");
    assert!(h.get(header::IF_NONE_MATCH).is_none());
    let stats = f.stats();
    assert_eq!(
        (stats.requests, stats.errors, stats.bytes),
        (1, 0, HTML.len() as u64)
    );
}

/// The `If-None-Match` and `If-Modified-Since` a request carried.
type Conditional = (Option<String>, Option<String>);

#[tokio::test]
async fn conditional_request_gets_not_modified() {
    let seen: Arc<Mutex<Vec<Conditional>>> = Arc::default();
    let s = Arc::clone(&seen);
    let base = serve(Router::new().route(
        "/",
        route(move |h: HeaderMap| async move {
            let v = |n| {
                h.get(n)
                    .and_then(|v: &header::HeaderValue| v.to_str().ok())
                    .map(str::to_owned)
            };
            let inm = v(header::IF_NONE_MATCH);
            s.lock()
                .expect("seen")
                .push((inm.clone(), v(header::IF_MODIFIED_SINCE)));
            if inm.as_deref() == Some("\"v1\"") {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                ([(header::ETAG, "\"v1\"")], "<p>x</p>").into_response()
            }
        }),
    ))
    .await;
    let f = fetcher();
    let settings = settings();
    let first = page(get(&f, &base, &settings).await);
    let req = FetchRequest {
        url: &base,
        settings: &settings,
        encoding: None,
        validators: Some(&Validators {
            etag: first.validators.etag.clone(),
            last_modified: Some("Mon, 13 May 2019 06:01:05 GMT".into()),
        }),
    };
    assert!(matches!(f.get(&req).await, Ok(FetchOutcome::NotModified)));
    let seen = seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], (None, None));
    assert_eq!(
        seen[1],
        (
            Some("\"v1\"".into()),
            Some("Mon, 13 May 2019 06:01:05 GMT".into())
        )
    );
}

#[tokio::test]
async fn redirects_are_followed_and_loops_refused() {
    let base = serve(
        Router::new()
            .route("/old", route(|| async { Redirect::permanent("/new") }))
            .route("/new", route(|| async { "<p>moved</p>" }))
            .route("/a", route(|| async { Redirect::temporary("/b") }))
            .route("/b", route(|| async { Redirect::temporary("/a") }))
            .route(
                "/r/{n}",
                route(
                    |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                        Redirect::temporary(&format!("/r/{}", n + 1))
                    },
                ),
            ),
    )
    .await;
    let f = fetcher();
    let p = page(get(&f, &join(&base, "/old"), &settings()).await);
    assert_eq!(p.url, join(&base, "/new"));
    assert_eq!(p.html, "<p>moved</p>");

    match get(&f, &join(&base, "/a"), &settings()).await {
        Err(
            e @ FetchError::Redirects {
                problem: super::super::RedirectProblem::Loop,
                ..
            },
        ) => {
            assert!(e.to_string().contains("redirect loop"), "{e}");
            assert!(!e.is_transient());
        }
        other => panic!("expected a redirect loop, got {other:?}"),
    }
    match get(&f, &join(&base, "/r/0"), &settings()).await {
        Err(FetchError::Redirects { problem, last, .. }) => {
            assert_eq!(problem, super::super::RedirectProblem::TooMany);
            assert!(last.contains("/r/1"), "{last}");
        }
        other => panic!("expected too many redirects, got {other:?}"),
    }
}

#[tokio::test]
async fn page_refreshes_are_followed_within_bounds() {
    let stub = |to: &'static str| {
        route(move || async move {
            axum::response::Html(format!(
                r#"<html><head><meta http-equiv="refresh" content="0; url={to}"></head><body>moved</body></html>"#
            ))
        })
    };
    let base = serve(
        Router::new()
            .route("/zwgk/", stub("./tzgg/index.html"))
            .route(
                "/zwgk/tzgg/index.html",
                route(|| async { "<p>the list</p>" }),
            )
            .route(
                "/js",
                route(|| async {
                    axum::response::Html(
                        r#"<script>window.location.href="/zwgk/tzgg/index.html";</script>"#,
                    )
                }),
            )
            .route("/a", stub("/b"))
            .route("/b", stub("/a"))
            .route("/r1", stub("/r2"))
            .route("/r2", stub("/r3"))
            .route("/r3", stub("/r4"))
            .route("/r4", stub("/r5"))
            .route("/r5", route(|| async { "<p>too far</p>" })),
    )
    .await;
    let f = fetcher();
    let p = page(get(&f, &join(&base, "/zwgk/"), &settings()).await);
    assert_eq!(p.url, join(&base, "/zwgk/tzgg/index.html"));
    assert_eq!(p.html, "<p>the list</p>");
    let p = page(get(&f, &join(&base, "/js"), &settings()).await);
    assert_eq!(p.html, "<p>the list</p>");
    // A loop ends at the page that would go back: no endless fetching.
    let p = page(get(&f, &join(&base, "/a"), &settings()).await);
    assert_eq!(p.url, join(&base, "/b"));
    // At most MAX_REFRESHES hops: /r1 → r2 → r3 → r4, and r4 is kept.
    let p = page(get(&f, &join(&base, "/r1"), &settings()).await);
    assert_eq!(p.url, join(&base, "/r4"));
    assert!(p.html.contains("moved"), "{}", p.html);
}

#[tokio::test]
async fn charset_from_header_and_forced() {
    let gbk = encoding_rs::GBK.encode(HTML).0.into_owned();
    let body = gbk.clone();
    let base = serve(Router::new().route(
        "/",
        route(move || async move { ([(header::CONTENT_TYPE, "text/html; charset=gb2312")], body) }),
    ))
    .await;
    let f = fetcher();
    let p = page(get(&f, &base, &settings()).await);
    assert_eq!(p.encoding, encoding_rs::GB18030);
    assert_eq!(p.html, HTML);
    assert_eq!(p.bytes, gbk.len());

    let settings = settings();
    let forced = f
        .get(&FetchRequest {
            url: &base,
            settings: &settings,
            encoding: Some(encoding_rs::WINDOWS_1252),
            validators: None,
        })
        .await;
    assert_eq!(page(forced).encoding, encoding_rs::WINDOWS_1252);
}

#[tokio::test]
async fn clones_share_counters() {
    let base = serve(Router::new().route("/", route(|| async { "<p>ok</p>" }))).await;
    let f = fetcher();
    let g = f.clone();
    page(get(&g, &base, &settings()).await);
    let _ = get(&f, &join(&base, "/missing"), &settings()).await;
    let stats = f.stats();
    assert_eq!(stats.requests, 2);
    assert_eq!(stats.errors, 1);
    assert_eq!(g.stats(), stats);
}

#[tokio::test]
async fn invalid_urls() {
    let f = fetcher();
    let url = Url::parse("ftp://example.org/x").expect("url");
    assert!(matches!(
        get(&f, &url, &settings()).await,
        Err(FetchError::InvalidUrl { .. })
    ));
    let url = Url::parse("data:text/html,hi").expect("url");
    assert!(matches!(
        get(&f, &url, &settings()).await,
        Err(FetchError::InvalidUrl { .. })
    ));
    assert_eq!(f.stats().requests, 0);
}
