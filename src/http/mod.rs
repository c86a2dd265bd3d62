//! The HTTP front. Feed requests are answered before any routing or
//! middleware (see [`feed`]); everything else goes through an axum router
//! with compression, a request timeout and a body limit.

pub mod feed;
pub mod pages;
mod status;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, Response};
use axum::routing::get;
use futures_util::future::{Either, ready};
use http_body_util::Either as BodyEither;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::app::AppState;
use crate::metrics::Route;

pub use pages::escape;

/// Largest request body accepted (admin API bodies are config sections).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Every route of the service.
pub fn router(state: Arc<AppState>) -> Router {
    let others = Router::new()
        .route("/", get(pages::index))
        .route("/opml", get(pages::opml))
        .route("/healthz", get(status::healthz))
        .route("/metrics", get(status::metrics))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    let admin = state
        .admin
        .is_some()
        .then(|| crate::admin::routes(state.clone()).layer(RequestBodyLimitLayer::new(BODY_LIMIT)));
    let mut router = Router::new()
        .route("/feeds/{*path}", get(feed_route).head(feed_route))
        .merge(others);
    router = match admin {
        Some(admin) => router.merge(admin),
        None => router.merge(crate::admin::off_routes()),
    };
    router.fallback(not_found).with_state(state)
}

async fn feed_route(State(state): State<Arc<AppState>>, req: Request) -> Response<Body> {
    feed::serve_feed(
        &state,
        req.method(),
        req.uri().path(),
        req.uri().query(),
        req.headers(),
    )
    .await
}

async fn not_found(State(state): State<Arc<AppState>>) -> Response<Body> {
    state.metrics.request(Route::Other, 404);
    feed::text(axum::http::StatusCode::NOT_FOUND, "not found\n")
}

/// Serves `state` on `listener` until `stop` turns true, then lets in-flight
/// requests finish (up to 10 s).
pub async fn serve(listener: TcpListener, state: Arc<AppState>, mut stop: watch::Receiver<bool>) {
    let shared = Arc::new((state.clone(), router(state.clone())));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .keep_alive(true);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            // A cached feed is answered right here: no clone, no allocation
            // of a future.
            if let Some(r) = feed::serve_hot(
                &shared.0,
                req.method(),
                req.uri().path(),
                req.uri().query(),
                req.headers(),
            ) {
                return Either::Left(ready(Ok::<_, Infallible>(r.map(BodyEither::Left))));
            }
            let shared = shared.clone();
            Either::Right(Box::pin(async move {
                dispatch(&shared.0, &shared.1, req)
                    .await
                    .map(|r| r.map(BodyEither::Right))
            }))
        });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

/// Feeds first, without touching the router; the rest through it.
async fn dispatch(
    state: &Arc<AppState>,
    router: &Router,
    req: hyper::Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path();
    if path.starts_with("/feeds/") && (req.method() == Method::GET || req.method() == Method::HEAD)
    {
        return Ok(
            feed::serve_miss(state, req.method(), path, req.uri().query(), req.headers()).await,
        );
    }
    let route = route_of(path);
    let response = router.clone().oneshot(req.map(Body::new)).await?;
    if route != Route::Other {
        state.metrics.request(route, response.status().as_u16());
    }
    Ok(response)
}

fn route_of(path: &str) -> Route {
    match path {
        "/" => Route::Index,
        "/opml" => Route::Opml,
        "/healthz" => Route::Healthz,
        "/metrics" => Route::Metrics,
        p if p.starts_with("/api/") => Route::Api,
        p if p.starts_with("/admin") => Route::Admin,
        p if p.starts_with("/feeds/") => Route::Feed,
        _ => Route::Other,
    }
}
