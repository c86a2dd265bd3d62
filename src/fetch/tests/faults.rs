//! Faults: statuses, retries, timeouts, refused connections, TLS, caps,
//! files that are not pages, bodies that break off.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get as route;

use super::*;

/// A router answering `/` with `answer(n)` for the n-th request (1-based).
fn counting<F>(hits: &Hits, answer: F) -> Router
where
    F: Fn(u32) -> axum::response::Response + Clone + Send + Sync + 'static,
{
    let hits = Arc::clone(hits);
    Router::new().route(
        "/",
        route(move || {
            let n = hit(&hits);
            let answer = answer.clone();
            async move { answer(n) }
        }),
    )
}

#[tokio::test]
async fn not_found_is_a_status_error() {
    let base = serve(Router::new()).await;
    match get(&fetcher(), &join(&base, "/gone"), &settings()).await {
        Err(e @ FetchError::Status { code: 404, .. }) => {
            assert!(e.to_string().contains("/gone: HTTP 404 (Not Found)"), "{e}");
            assert!(!e.is_transient());
        }
        other => panic!("expected 404, got {other:?}"),
    }
}

#[tokio::test]
async fn server_errors_are_retried() {
    let n = Hits::default();
    let base = serve(counting(&n, |n| {
        if n <= 2 {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        } else {
            "<p>third time</p>".into_response()
        }
    }))
    .await;
    let p = page(get(&fetcher(), &base, &settings()).await);
    assert_eq!(p.html, "<p>third time</p>");
    assert_eq!(hits(&n), 3);

    let n = Hits::default();
    let base = serve(counting(&n, |_| StatusCode::BAD_GATEWAY.into_response())).await;
    let f = fetcher();
    match get(&f, &base, &settings()).await {
        Err(e @ FetchError::Status { code: 502, .. }) => assert!(e.is_transient()),
        other => panic!("expected 502, got {other:?}"),
    }
    assert_eq!(hits(&n), 3, "first try and two retries");
    assert_eq!(f.stats().requests, 3);
    assert_eq!(f.stats().errors, 1);
}

#[tokio::test]
async fn retry_after_is_honoured_up_to_the_cap() {
    let n = Hits::default();
    let base = serve(counting(&n, |n| {
        if n == 1 {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "0")],
            )
                .into_response()
        } else {
            "<p>back</p>".into_response()
        }
    }))
    .await;
    page(get(&fetcher(), &base, &settings()).await);
    assert_eq!(hits(&n), 2);

    let n = Hits::default();
    let base = serve(counting(&n, |_| {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "3600")],
        )
            .into_response()
    }))
    .await;
    match get(&fetcher(), &base, &settings()).await {
        Err(
            e @ FetchError::Status {
                code: 429,
                retry_after: Some(d),
                ..
            },
        ) => {
            assert_eq!(d, Duration::from_secs(3600));
            assert!(e.to_string().contains("Retry-After 1h"), "{e}");
        }
        other => panic!("expected 429, got {other:?}"),
    }
    assert_eq!(hits(&n), 1, "a Retry-After over the cap is not waited for");
}

#[tokio::test]
async fn timeouts_are_their_own_kind_and_retried() {
    let n = Hits::default();
    let h = Arc::clone(&n);
    let base = serve(Router::new().route(
        "/",
        route(move || {
            hit(&h);
            async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "<p>late</p>"
            }
        }),
    ))
    .await;
    let settings = Settings {
        timeout: Duration::from_millis(150),
        ..settings()
    };
    match get(&fetcher(), &base, &settings).await {
        Err(e @ FetchError::Timeout { .. }) => {
            assert!(e.is_transient());
            assert!(e.to_string().contains("timed out after 150ms"), "{e}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(hits(&n), 3);
}

#[tokio::test]
async fn refused_connection_is_connect() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = Url::parse(&format!("http://{addr}/")).expect("url");
    match get(&fetcher(), &url, &settings()).await {
        Err(e @ FetchError::Connect { .. }) => {
            assert!(e.is_transient());
            assert!(e.to_string().contains("cannot connect"), "{e}");
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
}

#[tokio::test]
async fn https_to_a_plain_server_is_tls() {
    let addr = serve_raw(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
    let url = Url::parse(&format!("https://{addr}/")).expect("url");
    match get(&fetcher(), &url, &settings()).await {
        Err(e @ FetchError::Tls { .. }) => {
            assert!(e.to_string().contains("TLS handshake failed"), "{e}")
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test]
async fn body_over_the_cap_is_too_large() {
    // Streamed, no Content-Length: the cap must be enforced while reading.
    let streamed = Router::new().route(
        "/",
        route(|| async {
            let chunks = (0..64).map(|_| Ok::<_, Infallible>(Bytes::from(vec![b'x'; 1024])));
            Body::from_stream(futures_util::stream::iter(chunks))
        }),
    );
    let base = serve(streamed).await;
    let settings = Settings {
        max_body: 4096,
        ..settings()
    };
    let f = fetcher();
    match get(&f, &base, &settings).await {
        Err(e @ FetchError::TooLarge { limit: 4096, .. }) => assert!(!e.is_transient()),
        other => panic!("expected too large, got {other:?}"),
    }
    assert!(f.stats().bytes < 64 * 1024, "stopped reading early");

    // Declared too large: refused before reading.
    let declared = Router::new().route("/", route(|| async { vec![b'x'; 8192] }));
    let base = serve(declared).await;
    assert!(matches!(
        get(&fetcher(), &base, &settings).await,
        Err(FetchError::TooLarge { limit: 4096, .. })
    ));
}

#[tokio::test]
async fn files_are_not_html() {
    let base = serve(Router::new().route(
        "/logo.png",
        route(|| async {
            (
                [(header::CONTENT_TYPE, "image/png")],
                vec![0x89, b'P', b'N', b'G'],
            )
        }),
    ))
    .await;
    match get(&fetcher(), &join(&base, "/logo.png"), &settings()).await {
        Err(FetchError::NotHtml { content_type, .. }) => assert_eq!(content_type, "image/png"),
        other => panic!("expected not html, got {other:?}"),
    }
}

#[tokio::test]
async fn binary_labelled_html_is_undecodable() {
    let base = serve(Router::new().route(
        "/",
        route(|| async {
            let junk: Vec<u8> = (0..2048u32).map(|i| (i % 256) as u8).collect();
            ([(header::CONTENT_TYPE, "text/html")], junk)
        }),
    ))
    .await;
    assert!(matches!(
        get(&fetcher(), &base, &settings()).await,
        Err(FetchError::Undecodable { .. })
    ));
}

#[tokio::test]
async fn body_cut_short_is_body() {
    let addr = serve_raw(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 1000\r\n\r\n<p>only a bit",
    )
    .await;
    let url = Url::parse(&format!("http://{addr}/")).expect("url");
    match get(&fetcher(), &url, &settings()).await {
        Err(e @ FetchError::Body { .. }) => assert!(e.is_transient()),
        other => panic!("expected a broken body, got {other:?}"),
    }
}
