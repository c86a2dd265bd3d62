//! The feed route: `/feeds/{site}[/{section}].{rss,atom,json}`. It parses
//! the path, looks the feed up in the [`FeedCache`] and answers (conditional
//! requests, encodings). A current feed is answered at once, without an
//! await; anything else (a render, `?limit`) waits for the cache.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use bytes::Bytes;
use http_body_util::Full;

use crate::cache::{FeedCache, Lookup, Rendered};
use crate::metrics::{Metrics, Route};
use crate::render::Format;

static VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding");
static GZIP: HeaderValue = HeaderValue::from_static("gzip");
static BR: HeaderValue = HeaderValue::from_static("br");
static TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
static ALLOW: HeaderValue = HeaderValue::from_static("GET, HEAD");

/// A feed answer.
pub type FeedResponse = Response<Full<Bytes>>;

/// An answer now, or one that waits for a render.
pub enum Answer {
    /// Answered from the hot table.
    Now(FeedResponse),
    /// Waits for the cache (a render, `?limit`).
    Later(Pin<Box<dyn Future<Output = FeedResponse> + Send>>),
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Now(r) => f.debug_tuple("Now").field(&r.status()).finish(),
            Self::Later(_) => f.write_str("Later"),
        }
    }
}

impl Answer {
    /// The response, waiting if needed.
    pub async fn wait(self) -> FeedResponse {
        match self {
            Self::Now(r) => r,
            Self::Later(f) => f.await,
        }
    }
}

/// What the feed route needs: the cache and the request counters.
#[derive(Debug, Clone)]
pub struct Feeds {
    /// The rendered feeds.
    pub cache: Arc<FeedCache>,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

/// Answers a feed request: the one entry of every feed request.
#[inline]
pub fn serve(
    feeds: &Feeds,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Answer {
    if method != Method::GET && method != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are allowed on feeds\n",
        );
        r.headers_mut().insert(header::ALLOW, ALLOW.clone());
        return Answer::Now(counted(&feeds.metrics, r));
    }
    let Some((feed_path, format)) = parse_path(path) else {
        let r = text(
            StatusCode::NOT_FOUND,
            "no such feed: feeds end in .rss, .atom or .json\n",
        );
        return Answer::Now(counted(&feeds.metrics, r));
    };
    if query.is_none()
        && let Some(rendered) = feeds.cache.hot(feed_path, format)
    {
        return Answer::Now(counted(&feeds.metrics, respond(&rendered, method, headers)));
    }
    let feeds = feeds.clone();
    let (method, feed_path, query, headers) = (
        method.clone(),
        feed_path.to_owned(),
        query.map(str::to_owned),
        headers.clone(),
    );
    Answer::Later(Box::pin(async move {
        let r = match feeds.cache.get(&feed_path, format, query.as_deref()).await {
            Lookup::Found(rendered) => respond(&rendered, &method, &headers),
            Lookup::NoFeed => text(
                StatusCode::NOT_FOUND,
                "no such feed: unknown site or section\n",
            ),
            Lookup::BadLimit(msg) => text(StatusCode::BAD_REQUEST, msg),
            Lookup::Unavailable => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "feed unavailable: the store cannot be read (see /healthz)\n",
            ),
        };
        counted(&feeds.metrics, r)
    }))
}

fn counted(metrics: &Metrics, r: FeedResponse) -> FeedResponse {
    metrics.request(Route::Feed, r.status().as_u16());
    r
}

/// Which body to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Br,
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
pub fn text(status: StatusCode, body: &'static str) -> FeedResponse {
    let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, TEXT.clone());
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::feeds_parse_limit as parse_limit;

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
