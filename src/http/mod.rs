//! The HTTP front. Feed requests are answered before any routing or
//! middleware (see [`feed`]); everything else goes through an axum router
//! with compression, a request timeout and a body limit.

pub mod feed;
pub mod kept;
pub mod opml;
pub mod pace;
pub mod pages;
pub mod security;
mod status;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{DateTime, Utc};
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

use crate::catalog::SectionKey;
use crate::config::Config;
use crate::metrics::{Metrics, Route};
use crate::store::{StoreFuture, StoreStatus, Summaries};

pub use pages::escape;

/// Largest request body accepted (admin API bodies are config sections).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What the status pages (`/`, `/opml`, `/healthz`, `/metrics`) read: the
/// config in force and read-only summaries, never entries.
pub trait StatusView: Send + Sync + std::fmt::Debug + 'static {
    /// The config in force.
    fn config(&self) -> Arc<Config>;
    /// The last failed config reload.
    fn config_error(&self) -> Option<String>;
    /// Every section's summary.
    fn summaries(&self) -> StoreFuture<'_, Summaries>;
    /// The store's own condition.
    fn store_status(&self) -> StoreStatus;
    /// When `key` is scraped next.
    fn next_scrape(&self, key: &SectionKey) -> Option<DateTime<Utc>>;
    /// The counters.
    fn metrics(&self) -> &Metrics;
    /// The fetcher's counters.
    fn fetch_stats(&self) -> crate::fetch::FetchStats;
    /// True when the admin API is on (the index links to it).
    fn admin_enabled(&self) -> bool;
    /// The status pages kept between requests.
    fn kept(&self) -> &kept::KeptPages;
}

/// The status pages' state.
pub type View = Arc<dyn StatusView>;

/// Every summary, empty (and logged) when the store cannot be read.
pub(crate) async fn summaries(view: &dyn StatusView) -> Summaries {
    view.summaries().await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "store summaries unreadable");
        Summaries::new()
    })
}

/// Runs `f` (a status page's rendering, linear in sections) off the async
/// workers, so feed serving never waits for it.
pub(crate) async fn off_worker(
    f: impl FnOnce() -> axum::response::Response + Send + 'static,
) -> axum::response::Response {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "status page task failed");
        feed::text(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal error\n",
        )
        .map(Body::new)
        .into_response()
    })
}

/// The HTTP side: the feed route and the router for everything else.
#[derive(Debug, Clone)]
pub struct Http {
    /// The feed route's handles.
    pub feeds: feed::Feeds,
    /// Every other route (the wiring adds the admin API).
    pub router: Router,
    /// The pace of status answers per client address.
    pub pacer: Arc<pace::StatusPacer>,
}

/// The status routes (and `/feeds/`, through the same entry as the
/// connection loop), with compression, a body limit and a timeout.
pub fn routes(view: View, feeds: feed::Feeds) -> Router {
    let others = Router::new()
        .route("/", get(pages::index))
        .route("/opml", get(opml::opml))
        .route("/healthz", get(status::healthz))
        .route("/metrics", get(status::metrics))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .fallback(not_found)
        .with_state(view);
    let feed_routes = Router::new()
        .route("/feeds/{*path}", get(feed_route).head(feed_route))
        .with_state(feeds);
    others.merge(feed_routes)
}

async fn feed_route(State(feeds): State<feed::Feeds>, req: Request) -> Response<Body> {
    feed::serve(
        &feeds,
        req.method(),
        req.uri().path(),
        req.uri().query(),
        req.headers(),
    )
    .wait()
    .await
    .map(Body::new)
}

async fn not_found(State(view): State<View>) -> Response<Body> {
    view.metrics().request(Route::Other, 404);
    feed::text(axum::http::StatusCode::NOT_FOUND, "not found\n").map(Body::new)
}

/// Serves `http` on `listener` until `stop` turns true, then lets in-flight
/// requests finish (up to 5 s).
pub async fn serve(listener: TcpListener, http: Http, mut stop: watch::Receiver<bool>) {
    let shared = Arc::new(http);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .keep_alive(true);
    loop {
        let (stream, peer) = tokio::select! {
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
            // Feeds first, without touching the router: a current feed is
            // answered right here, no allocation of a future.
            if req.uri().path().starts_with("/feeds/") {
                let answer = feed::serve(
                    &shared.feeds,
                    req.method(),
                    req.uri().path(),
                    req.uri().query(),
                    req.headers(),
                );
                return match answer {
                    feed::Answer::Now(r) => {
                        Either::Left(ready(Ok::<_, Infallible>(r.map(BodyEither::Left))))
                    }
                    feed::Answer::Later(f) => {
                        Either::Right(Box::pin(async move { Ok(f.await.map(BodyEither::Left)) })
                            as Pin<Box<dyn Future<Output = _> + Send>>)
                    }
                };
            }
            let shared = shared.clone();
            Either::Right(Box::pin(async move {
                dispatch(&shared, req, peer)
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
    // 5 s, not more: a preview in flight must not keep SIGTERM from ending
    // the process within 10 s (the store is closed after this).
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Everything but feeds, through the router.
async fn dispatch(
    http: &Http,
    mut req: hyper::Request<Incoming>,
    peer: std::net::SocketAddr,
) -> Result<Response<Body>, Infallible> {
    let route = route_of(req.uri().path());
    if matches!(
        route,
        Route::Index | Route::Opml | Route::Healthz | Route::Metrics
    ) && let Err(wait) = http.pacer.admit(peer.ip()).await
    {
        http.feeds.metrics.request(route, 429);
        return Ok(too_many_status_requests(wait));
    }
    // The client address, for the admin side's limit on failed logins.
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    let response = http.router.clone().oneshot(req.map(Body::new)).await?;
    if route != Route::Other {
        http.feeds
            .metrics
            .request(route, response.status().as_u16());
    }
    Ok(response)
}

/// `429` with `Retry-After` for an address past its pace of status answers.
fn too_many_status_requests(wait: Duration) -> Response<Body> {
    let mut r = feed::text(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        "too many status requests from this address: slow down\n",
    )
    .map(Body::new);
    r.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(pace::retry_after_secs(wait)),
    );
    r
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
