//! The fetcher: one shared HTTP client, politeness per host, robots.txt,
//! retries, conditional requests, body caps and charset decoding.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Response;
use reqwest::header;
use url::{Position, Url};

use super::address::{Guard, PublicOnly};
use super::body::{BodyError, OverCap, declares_markup, is_not_html, looks_like_markup, read_body};
use super::charset::decode_html_tld;
use super::politeness::{CachedRobots, HostState, Politeness};
use super::request::{add_validators, base_headers, header_str, host_key, redirect_policy};

use super::retry::{RetryPolicy, Wait, parse_retry_after};
use super::robots::Robots;
use super::robots_fetch::fetch_robots;
use super::stats::{Counters, FetchStats};
use super::{FetchError, FetchOutcome, FetchRequest, Page, Validators, refresh};

/// The most page refreshes (`<meta http-equiv="refresh">`, a script
/// redirect) followed from one URL.
pub const MAX_REFRESHES: usize = 3;
use crate::config::spec::Settings;

/// The shared HTTP client. Cloning is cheap, and every clone shares the
/// connection pool, the politeness state, the robots cache and the counters.
#[derive(Debug, Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
    retry: RetryPolicy,
}

#[derive(Debug)]
struct Inner {
    /// Refuses private addresses (resolver and redirect policy).
    strict: reqwest::Client,
    /// For sections with `allow_private = true`.
    open: reqwest::Client,
    /// The IP-literal check of the strict side.
    guard: Guard,
    politeness: Politeness,
    stats: Counters,
}

impl Inner {
    /// The client for a section: strict unless it allows private addresses.
    fn client(&self, allow_private: bool) -> &reqwest::Client {
        if allow_private {
            &self.open
        } else {
            &self.strict
        }
    }
}

/// A failed attempt, with the `Retry-After` of its answer.
struct Failure {
    error: FetchError,
    retry_after: Option<Duration>,
}

impl From<FetchError> for Failure {
    fn from(error: FetchError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// A successful attempt, body not yet decoded.
enum Fetched {
    NotModified,
    Body {
        url: Url,
        status: u16,
        content_type: Option<String>,
        validators: Validators,
        body: Vec<u8>,
    },
}

/// Installs ring as the process's TLS crypto provider, once (reqwest is
/// built without one: see `Cargo.toml`). Every `reqwest::Client` of the
/// process, the tests' own included, is built after this; a provider some
/// other part installed first is kept.
pub fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Fetcher {
    /// A client allowing `max_concurrent` fetches at once overall (at least 1).
    pub fn new(max_concurrent: usize) -> Result<Self, FetchError> {
        Self::with_guard(max_concurrent, Guard::default())
    }

    /// A client whose strict side checks IP-literal hosts with `guard`
    /// (tests trust a loopback origin this way; [`Fetcher::new`] trusts none).
    #[doc(hidden)]
    pub fn with_guard(max_concurrent: usize, guard: Guard) -> Result<Self, FetchError> {
        install_tls_provider();
        let build = |allow_private: bool| {
            let builder = reqwest::Client::builder()
                .redirect(redirect_policy(allow_private, guard.clone()))
                .gzip(true)
                .brotli(true);
            let builder = if allow_private {
                builder
            } else {
                builder.dns_resolver(PublicOnly)
            };
            builder
                .build()
                .map_err(|source| FetchError::Client { source })
        };
        Ok(Self {
            inner: Arc::new(Inner {
                strict: build(false)?,
                open: build(true)?,
                guard,
                politeness: Politeness::new(max_concurrent),
                stats: Counters::default(),
            }),
            retry: RetryPolicy::default(),
        })
    }

    /// This fetcher with another retry policy (the shared state stays shared).
    #[must_use]
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The counters so far, over every clone.
    pub fn stats(&self) -> FetchStats {
        self.inner.stats.snapshot()
    }

    /// Fetches one page, waiting for the host's turn first: checks
    /// `robots.txt`, retries transient failures, and decodes the body. A
    /// page that sends its reader on at once (a prompt `<meta>` refresh, a
    /// script redirect on a stub: [`super::refresh`]) is followed like an
    /// HTTP redirect, up to [`MAX_REFRESHES`] times and never back to a
    /// page of the chain; each hop is a fetch of its own, with every check.
    pub async fn get(&self, req: &FetchRequest<'_>) -> Result<FetchOutcome, FetchError> {
        let mut result = self.fetch(req).await;
        let mut seen = vec![req.url.clone()];
        for _ in 0..MAX_REFRESHES {
            let next = match &result {
                Ok(FetchOutcome::Page(page)) => {
                    seen.push(page.url.clone());
                    refresh::target(&page.html, &page.url).map(|next| (next, page.url.clone()))
                }
                _ => None,
            };
            let Some((next, from)) = next else {
                break;
            };
            if seen.contains(&next) {
                break;
            }
            tracing::debug!(%from, to = %next, "following the page's refresh");
            let hop = FetchRequest {
                url: &next,
                settings: req.settings,
                encoding: req.encoding,
                validators: None,
            };
            result = self.fetch(&hop).await;
        }
        if result.is_err() {
            self.inner.stats.error();
        }
        result
    }

    async fn fetch(&self, req: &FetchRequest<'_>) -> Result<FetchOutcome, FetchError> {
        let url = req.url;
        let key = host_key(url)?;
        if !req.settings.allow_private {
            self.inner
                .guard
                .check(url)
                .map_err(|address| FetchError::Private {
                    url: url.to_string(),
                    address,
                })?;
        }
        let host = self.inner.politeness.host(&key);
        let mut retry = 0;
        let fetched = loop {
            let result = {
                let mut state = host.lock().await;
                if req.settings.obey_robots {
                    let robots = self.robots(&mut state, url, req.settings).await;
                    if !robots.allowed(&url[Position::BeforePath..Position::AfterQuery]) {
                        return Err(FetchError::RobotsDisallowed {
                            url: url.to_string(),
                        });
                    }
                }
                let _turn = self
                    .inner
                    .politeness
                    .turn(&mut state, req.settings.min_delay)
                    .await;
                self.attempt(req).await
            };
            match result {
                Ok(fetched) => break fetched,
                Err(failure) => {
                    let wait = self
                        .retry
                        .decide(&failure.error, retry, failure.retry_after);
                    let Some(wait) = wait else {
                        return Err(failure.error);
                    };
                    tracing::debug!(url = %url, retry, ?wait, error = %failure.error, "retrying");
                    match wait {
                        Wait::Backoff(d) => tokio::time::sleep(d).await,
                        Wait::HostPause(d) => host.lock().await.pause(d),
                    }
                    retry += 1;
                }
            }
        };
        let Fetched::Body {
            url: final_url,
            status,
            content_type,
            validators,
            body,
        } = fetched
        else {
            return Ok(FetchOutcome::NotModified);
        };
        let tld = final_url
            .domain()
            .and_then(|d| d.rsplit('.').next())
            .map(str::to_ascii_lowercase);
        let decoded = decode_html_tld(
            &body,
            content_type.as_deref(),
            req.encoding,
            tld.as_deref().map(str::as_bytes),
        )
        .ok_or_else(|| FetchError::Undecodable {
            url: url.to_string(),
        })?;
        Ok(FetchOutcome::Page(Page {
            url: final_url,
            status,
            html: decoded.text,
            encoding: decoded.encoding,
            charset_note: decoded.note.map(Box::new),
            validators,
            bytes: body.len(),
        }))
    }

    /// One HTTP exchange, body included.
    async fn attempt(&self, req: &FetchRequest<'_>) -> Result<Fetched, Failure> {
        let (url, settings) = (req.url, req.settings);
        let mut headers = base_headers(url, settings)?;
        let conditional = add_validators(&mut headers, req.validators);
        self.inner.stats.request();
        let mut resp = self
            .inner
            .client(settings.allow_private)
            .get(url.clone())
            .headers(headers)
            .timeout(settings.timeout)
            .send()
            .await
            .map_err(|e| FetchError::from_reqwest(url, settings.timeout, e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED && conditional {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(self.status_failure(url, &resp));
        }
        let content_type = header_str(resp.headers(), header::CONTENT_TYPE);
        if let Some(ct) = content_type.as_deref().filter(|ct| is_not_html(ct)) {
            return Err(FetchError::NotHtml {
                url: url.to_string(),
                content_type: ct.to_owned(),
            }
            .into());
        }
        let body = read_body(
            &mut resp,
            settings.max_body,
            OverCap::Fail,
            &self.inner.stats,
        )
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => FetchError::TooLarge {
                url: url.to_string(),
                limit: settings.max_body,
            },
            BodyError::Client(e) => FetchError::from_reqwest(url, settings.timeout, e),
        })?;
        if !declares_markup(content_type.as_deref()) && !looks_like_markup(&body) {
            return Err(FetchError::NotHtml {
                url: url.to_string(),
                content_type: content_type.clone().map_or_else(
                    || "none".to_owned(),
                    |ct| format!("{ct}, and no markup in it"),
                ),
            }
            .into());
        }
        Ok(Fetched::Body {
            url: resp.url().clone(),
            status: status.as_u16(),
            content_type,
            validators: Validators {
                etag: header_str(resp.headers(), header::ETAG),
                last_modified: header_str(resp.headers(), header::LAST_MODIFIED),
            },
            body,
        })
    }

    /// The failure for a non-2xx answer, with its `Retry-After` on 429/503.
    fn status_failure(&self, url: &Url, resp: &Response) -> Failure {
        let code = resp.status().as_u16();
        if resp.status().is_redirection() {
            // The client follows http(s) targets itself; one it handed back
            // is a target it could not follow (`file:`, `ftp:`, `gopher:`).
            let target = header_str(resp.headers(), header::LOCATION)
                .and_then(|loc| resp.url().join(&loc).ok())
                .filter(|t| !matches!(t.scheme(), "http" | "https"));
            if let Some(target) = target {
                return FetchError::RedirectScheme {
                    url: url.to_string(),
                    target: target.to_string(),
                }
                .into();
            }
        }
        let retry_after = if matches!(code, 429 | 503) {
            header_str(resp.headers(), header::RETRY_AFTER)
                .and_then(|v| parse_retry_after(&v, chrono::Utc::now()))
        } else {
            None
        };
        Failure {
            error: FetchError::Status {
                url: url.to_string(),
                code,
                retry_after: retry_after.filter(|d| *d > self.retry.max_retry_after),
            },
            retry_after,
        }
    }

    /// The robots rules of the host of `url`: cached, else fetched now
    /// (the caller holds the host, so this is one polite request).
    async fn robots(&self, state: &mut HostState, url: &Url, settings: &Settings) -> Arc<Robots> {
        if let Some(robots) = state.fresh_robots() {
            return robots;
        }
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let turn = self.inner.politeness.turn(state, settings.min_delay).await;
        let client = self.inner.client(settings.allow_private);
        let (robots, ttl) = fetch_robots(client, &self.inner.stats, &robots_url, settings).await;
        drop(turn);
        let robots = Arc::new(robots);
        state.robots = Some(CachedRobots {
            robots: Arc::clone(&robots),
            expires: tokio::time::Instant::now() + ttl,
        });
        robots
    }
}
