//! The feed hot path: `/feeds/{site}[/{section}].{rss,atom,json}`. A cached
//! feed is answered with a map lookup, a cache lookup and clones of
//! prebuilt `Bytes` and header values; a miss renders once.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use bytes::Bytes;
use http_body_util::Full;

use crate::app::AppState;
use crate::cache::{CacheKey, Rendered};
use crate::metrics::Route;
use crate::render::{self, Format};

static VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding");
static GZIP: HeaderValue = HeaderValue::from_static("gzip");
static BR: HeaderValue = HeaderValue::from_static("br");
static TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
static ALLOW: HeaderValue = HeaderValue::from_static("GET, HEAD");

/// Which body to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Br,
}

/// Answers a feed request from the hot table without awaiting anything, or
/// `None` when it needs the slow path (a miss, `?limit`, an error answer).
#[inline]
pub fn serve_hot(
    state: &AppState,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Option<Response<Full<Bytes>>> {
    if query.is_some() || (method != Method::GET && method != Method::HEAD) {
        return None;
    }
    let (feed_path, format) = parse_path(path)?;
    let rendered = state.with_live(|live| {
        let slot = live.feeds.lookup(feed_path)?;
        live.hot.get(slot, format)
    })?;
    state.metrics.cache_hit();
    let response = respond(&rendered, method, headers);
    state
        .metrics
        .request(Route::Feed, response.status().as_u16());
    Some(response)
}

/// Answers a feed request.
pub async fn serve_feed(
    state: &Arc<AppState>,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response<Body> {
    if let Some(r) = serve_hot(state, method, path, query, headers) {
        return r.map(Body::new);
    }
    serve_miss(state, method, path, query, headers).await
}

/// Answers a feed request the hot table could not (the connection loop
/// tried it already): a render, `?limit`, or an error answer.
pub async fn serve_miss(
    state: &Arc<AppState>,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response<Body> {
    let response = answer(state, method, path, query, headers).await;
    state
        .metrics
        .request(Route::Feed, response.status().as_u16());
    response
}

async fn answer(
    state: &Arc<AppState>,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are allowed on feeds\n",
        );
        r.headers_mut().insert(header::ALLOW, ALLOW.clone());
        return r;
    }
    let Some((feed_path, format)) = parse_path(path) else {
        return text(
            StatusCode::NOT_FOUND,
            "no such feed: feeds end in .rss, .atom or .json\n",
        );
    };
    let live = state.live();
    let Some(slot) = live.feeds.lookup(feed_path) else {
        return text(
            StatusCode::NOT_FOUND,
            "no such feed: unknown site or section\n",
        );
    };
    let Some(def) = live.feeds.def(slot) else {
        return text(StatusCode::NOT_FOUND, "no such feed\n");
    };
    let limit = match parse_limit(query, def.max_items) {
        Ok(l) => l,
        Err(msg) => return text(StatusCode::BAD_REQUEST, msg),
    };
    let key = CacheKey {
        epoch: live.feeds.epoch,
        slot,
        format,
        limit,
    };
    // Read before rendering: a change during the render makes it stale.
    let generation = live.hot.generation(slot);
    let mut rendered = None;
    if let Some(r) = state.cache.get(&key).await {
        if r.generation == generation {
            state.metrics.cache_hit();
            rendered = Some(r);
        } else {
            state.cache.invalidate(&key).await;
        }
    }
    let rendered = match rendered {
        Some(r) => r,
        None => {
            let def = def.clone();
            let store = state.store.clone();
            let started = state.started;
            let metrics_state = state.clone();
            state
                .cache
                .get_with(key, async move {
                    metrics_state.metrics.cache_miss();
                    let n = if limit == 0 {
                        def.max_items
                    } else {
                        limit as usize
                    };
                    let feed = match store.feed_entries(&def.sections, n).await {
                        Ok(feed) => feed,
                        Err(e) => {
                            tracing::error!(error = %e, "feed entries unreadable");
                            return Arc::new(Rendered::new(
                                Vec::new(),
                                format,
                                started,
                                Duration::ZERO,
                                u64::MAX,
                            ));
                        }
                    };
                    let job = tokio::task::spawn_blocking(move || {
                        let mut meta = def.meta.clone();
                        let modified = feed.changed.unwrap_or(started);
                        meta.fallback_updated = modified;
                        let body = render::render(format, &meta, &feed.entries);
                        Rendered::new(body, format, modified, max_age(def.interval), generation)
                    });
                    match job.await {
                        Ok(r) => Arc::new(r),
                        Err(e) => {
                            tracing::error!(error = %e, "feed render failed");
                            Arc::new(Rendered::new(
                                Vec::new(),
                                format,
                                started,
                                Duration::ZERO,
                                u64::MAX,
                            ))
                        }
                    }
                })
                .await
        }
    };
    if limit == 0 {
        live.hot
            .fill(slot, format, rendered.generation, rendered.clone());
    }
    respond(&rendered, method, headers).map(Body::new)
}

/// `max-age`: a quarter of the interval, at least 30 s, at most an hour.
fn max_age(interval: Duration) -> Duration {
    (interval / 4).clamp(Duration::from_secs(30), Duration::from_secs(3600))
}

/// `/feeds/demo/local.atom` → (`demo/local`, Atom).
fn parse_path(path: &str) -> Option<(&str, Format)> {
    let rest = path.strip_prefix("/feeds/")?;
    let (feed, ext) = rest.rsplit_once('.')?;
    let format = match ext {
        "rss" => Format::Rss,
        "atom" => Format::Atom,
        "json" => Format::Json,
        _ => return None,
    };
    Some((feed, format))
}

/// `?limit=N`: 0 when absent; 1..=max else an error.
fn parse_limit(query: Option<&str>, max: usize) -> Result<u32, &'static str> {
    let Some(query) = query else { return Ok(0) };
    let mut limit = 0;
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("limit=") {
            let n: usize = v.parse().map_err(
                |_| "bad limit: ?limit takes a whole number from 1 to the feed's max_items\n",
            )?;
            if n == 0 || n > max {
                return Err(
                    "bad limit: ?limit takes a whole number from 1 to the feed's max_items\n",
                );
            }
            limit = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    Ok(limit)
}

fn respond(r: &Rendered, method: &Method, headers: &HeaderMap) -> Response<Full<Bytes>> {
    let encoding = negotiate(headers.get(header::ACCEPT_ENCODING));
    let etag = match encoding {
        Encoding::Identity => &r.etag_identity,
        Encoding::Gzip => &r.etag_gzip,
        Encoding::Br => &r.etag_br,
    };
    let not_modified = match headers.get(header::IF_NONE_MATCH) {
        Some(inm) => etag_matches(inm, &r.hash),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| r.modified <= since),
    };
    let (status, body) = if not_modified {
        (StatusCode::NOT_MODIFIED, None)
    } else {
        let body = match encoding {
            Encoding::Identity => &r.identity,
            Encoding::Gzip => &r.gzip,
            Encoding::Br => &r.br,
        };
        (StatusCode::OK, Some(body))
    };
    let mut builder = Response::builder().status(status);
    if let Some(h) = builder.headers_mut() {
        h.insert(header::ETAG, etag.clone());
        h.insert(header::LAST_MODIFIED, r.last_modified.clone());
        h.insert(header::CACHE_CONTROL, r.cache_control.clone());
        h.insert(header::VARY, VARY.clone());
        if let Some(body) = body {
            h.insert(header::CONTENT_TYPE, r.content_type.clone());
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            match encoding {
                Encoding::Identity => {}
                Encoding::Gzip => {
                    h.insert(header::CONTENT_ENCODING, GZIP.clone());
                }
                Encoding::Br => {
                    h.insert(header::CONTENT_ENCODING, BR.clone());
                }
            }
        }
    }
    let body = match body {
        Some(b) if method != Method::HEAD => Full::new(b.clone()),
        _ => Full::new(Bytes::new()),
    };
    builder.body(body).unwrap_or_else(|_| {
        let mut r = Response::new(Full::new(Bytes::from_static(b"response error\n")));
        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

/// Picks br, then gzip, then identity from `Accept-Encoding` (q=0 refuses).
fn negotiate(accept: Option<&HeaderValue>) -> Encoding {
    let Some(accept) = accept.and_then(|v| v.to_str().ok()) else {
        return Encoding::Identity;
    };
    let mut gzip = false;
    let mut br = false;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let refused = it.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        if name.eq_ignore_ascii_case("br") {
            br = true;
        } else if name.eq_ignore_ascii_case("gzip") || name == "*" {
            gzip = true;
        }
    }
    if br {
        Encoding::Br
    } else if gzip {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// True when `If-None-Match` names any representation of `hash` (or `*`).
fn etag_matches(inm: &HeaderValue, hash: &str) -> bool {
    let Ok(inm) = inm.to_str() else { return false };
    inm.split(',').any(|tag| {
        let tag = tag.trim();
        if tag == "*" {
            return true;
        }
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        let inner = tag.trim_matches('"');
        inner == hash
            || inner
                .strip_suffix("-gz")
                .or_else(|| inner.strip_suffix("-br"))
                .is_some_and(|h| h == hash)
    })
}

fn parse_http_date(s: &str) -> Option<SystemTime> {
    let t = chrono::DateTime::parse_from_rfc2822(s).ok()?;
    let secs = u64::try_from(t.timestamp()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// A one-line plain-text answer.
pub fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, TEXT.clone());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("/feeds/demo/local.atom"),
            Some(("demo/local", Format::Atom))
        );
        assert_eq!(parse_path("/feeds/demo.rss"), Some(("demo", Format::Rss)));
        assert_eq!(parse_path("/feeds/demo.xml"), None);
        assert_eq!(parse_path("/feeds/demo"), None);
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None, 50), Ok(0));
        assert_eq!(parse_limit(Some("limit=5"), 50), Ok(5));
        assert!(parse_limit(Some("limit=0"), 50).is_err());
        assert!(parse_limit(Some("limit=51"), 50).is_err());
        assert!(parse_limit(Some("limit=x"), 50).is_err());
    }

    #[test]
    fn encodings() {
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(negotiate(None), Encoding::Identity);
        assert_eq!(negotiate(Some(&v("gzip, deflate, br"))), Encoding::Br);
        assert_eq!(negotiate(Some(&v("gzip"))), Encoding::Gzip);
        assert_eq!(negotiate(Some(&v("br;q=0, gzip"))), Encoding::Gzip);
        assert_eq!(negotiate(Some(&v("identity"))), Encoding::Identity);
    }

    #[test]
    fn etags() {
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert!(etag_matches(&v("\"abc\""), "abc"));
        assert!(etag_matches(&v("\"x\", \"abc-gz\""), "abc"));
        assert!(etag_matches(&v("W/\"abc-br\""), "abc"));
        assert!(!etag_matches(&v("\"abd\""), "abc"));
        assert!(etag_matches(&v("*"), "abc"));
    }
}
