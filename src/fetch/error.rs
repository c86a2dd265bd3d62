//! Why a fetch failed, sorted into kinds a person understands, each naming
//! the URL and, where it helps, what to do about it.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::Duration;

use url::Url;

use super::address::PrivateAddress;

/// What was wrong with a redirect chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectProblem {
    /// A URL of the chain redirected back to an earlier one.
    Loop,
    /// More redirects than the cap (10).
    TooMany,
}

impl fmt::Display for RedirectProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Loop => "redirect loop",
            Self::TooMany => "too many redirects",
        })
    }
}

/// Why a fetch failed, in kinds a person understands.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL cannot be fetched at all (not http/https, no host).
    #[error("{url}: cannot fetch this URL: {reason}")]
    InvalidUrl {
        /// The page.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No complete answer within the timeout.
    #[error(
        "{url}: timed out after {}; the portal is slow or down (raise `timeout` if it is only slow)",
        humantime::format_duration(*.after)
    )]
    Timeout {
        /// The page.
        url: String,
        /// The timeout that ran out.
        after: Duration,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// No connection: DNS failure, connection refused or reset.
    #[error("{url}: cannot connect ({detail}); check the host name and that the portal is up")]
    Connect {
        /// The page.
        url: String,
        /// The root cause, e.g. "DNS lookup failed" or "Connection refused".
        detail: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The TLS handshake failed (bad certificate, not TLS at all, old protocol).
    #[error(
        "{url}: TLS handshake failed ({detail}); the portal's certificate or HTTPS setup is \
         broken (try its http:// URL if it has one)"
    )]
    Tls {
        /// The page.
        url: String,
        /// The root cause as the TLS library put it.
        detail: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// A non-2xx answer (other than `304` to a conditional request).
    #[error("{url}: HTTP {code}{}", status_hint(*.code, *.retry_after))]
    Status {
        /// The page.
        url: String,
        /// The status code.
        code: u16,
        /// The `Retry-After` the portal asked for when it was longer than
        /// the retry policy waits (so we did not).
        retry_after: Option<Duration>,
    },
    /// The body is larger than the cap.
    #[error(
        "{url}: body larger than {limit} bytes, the cap (`max_body`); raise it only if the page is really that big"
    )]
    TooLarge {
        /// The page.
        url: String,
        /// The cap, in bytes.
        limit: u64,
    },
    /// The answer is a file (image, PDF, archive …), not a page.
    #[error(
        "{url}: not an HTML page (Content-Type: {content_type}); the URL points at a file, not a page"
    )]
    NotHtml {
        /// The page.
        url: String,
        /// The `Content-Type` header.
        content_type: String,
    },
    /// The body is not text in any charset we could find.
    #[error(
        "{url}: the body is not readable text in any charset we tried; set the site's `encoding` \
         if the portal uses an unusual one"
    )]
    Undecodable {
        /// The page.
        url: String,
    },
    /// A redirect loop or too many redirects.
    #[error(
        "{url}: {problem} (gave up at {last}); the portal keeps redirecting, often a moved section or a page that needs a cookie"
    )]
    Redirects {
        /// The page.
        url: String,
        /// Loop or too many.
        problem: RedirectProblem,
        /// The last URL of the chain.
        last: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// A redirect to something other than an http(s) URL.
    #[error("{url}: redirected to `{target}`; only http and https URLs are fetched")]
    RedirectScheme {
        /// The page.
        url: String,
        /// Where the portal sent us.
        target: String,
    },
    /// The page, a redirect target or a link resolves to a private address
    /// and the section does not set `allow_private`.
    #[error("{url}: {address}")]
    Private {
        /// The page (or the redirect target that was refused).
        url: String,
        /// The refused address.
        address: PrivateAddress,
    },
    /// `robots.txt` of the host disallows the page for portalfeed.
    #[error(
        "{url}: robots.txt disallows this page for portalfeed; set `obey_robots = false` for the \
         site only with the portal's permission"
    )]
    RobotsDisallowed {
        /// The page.
        url: String,
    },
    /// The connection broke while the body was read.
    #[error("{url}: connection broke while reading the body ({detail})")]
    Body {
        /// The page.
        url: String,
        /// The root cause.
        detail: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The request could not be built or sent for another reason.
    #[error("{url}: the request could not be sent: {source}")]
    Request {
        /// The page.
        url: String,
        /// What failed.
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
    /// The HTTP client itself could not be built.
    #[error("cannot build the HTTP client: {source}")]
    Client {
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
}

impl FetchError {
    /// True when trying again later may well succeed: timeouts, connection
    /// problems (refused, reset, broken mid-body), `5xx` and `429`.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Connect { .. } | Self::Body { .. } => true,
            Self::Status { code, .. } => *code == 429 || (500..600).contains(code),
            _ => false,
        }
    }

    /// The URL the error is about (`None` only for [`FetchError::Client`]).
    pub fn url(&self) -> Option<&str> {
        match self {
            Self::InvalidUrl { url, .. }
            | Self::Timeout { url, .. }
            | Self::Connect { url, .. }
            | Self::Tls { url, .. }
            | Self::Status { url, .. }
            | Self::TooLarge { url, .. }
            | Self::NotHtml { url, .. }
            | Self::Undecodable { url }
            | Self::Redirects { url, .. }
            | Self::RobotsDisallowed { url }
            | Self::RedirectScheme { url, .. }
            | Self::Private { url, .. }
            | Self::Body { url, .. }
            | Self::Request { url, .. } => Some(url),
            Self::Client { .. } => None,
        }
    }

    /// Sorts a client error into a kind. `timeout` is the one the request had.
    pub(crate) fn from_reqwest(url: &Url, timeout: Duration, err: reqwest::Error) -> Self {
        let url_s = url.to_string();
        if let Some(address) = chain(&err).find_map(|e| e.downcast_ref::<PrivateAddress>()) {
            return Self::Private {
                url: url_s,
                address: *address,
            };
        }
        if let Some(scheme) = chain(&err).find_map(|e| e.downcast_ref::<RedirectScheme>()) {
            return Self::RedirectScheme {
                url: url_s,
                target: scheme.target.clone(),
            };
        }
        if err.is_redirect() {
            let problem = if chain(&err).any(|e| e.is::<RedirectLoop>()) {
                RedirectProblem::Loop
            } else {
                RedirectProblem::TooMany
            };
            let last = err.url().map_or_else(|| url_s.clone(), Url::to_string);
            return Self::Redirects {
                url: url_s,
                problem,
                last,
                source: err,
            };
        }
        if err.is_timeout() {
            return Self::Timeout {
                url: url_s,
                after: timeout,
                source: err,
            };
        }
        if err.is_connect() {
            let detail = root_cause(&err);
            if url.scheme() == "https" && is_tls(&err) {
                return Self::Tls {
                    url: url_s,
                    detail,
                    source: err,
                };
            }
            let detail = if err.is_dns() {
                format!("DNS lookup failed: {detail}")
            } else {
                detail
            };
            return Self::Connect {
                url: url_s,
                detail,
                source: err,
            };
        }
        if err.is_body() || err.is_decode() {
            return Self::Body {
                url: url_s,
                detail: root_cause(&err),
                source: err,
            };
        }
        Self::Request {
            url: url_s,
            source: Box::new(err),
        }
    }
}

/// The hint after `HTTP {code}`.
fn status_hint(code: u16, retry_after: Option<Duration>) -> String {
    let hint = match code {
        304 => " (Not Modified to a request that was not conditional)",
        401 => " (Unauthorized): the page needs a login",
        403 => " (Forbidden): the portal refuses us; it may block crawlers or this user_agent",
        404 => " (Not Found): the page is gone; check the section's url",
        410 => " (Gone): the page was removed; check the section's url",
        429 => {
            " (Too Many Requests): the portal wants fewer requests; raise `min_delay` or `interval`"
        }
        500..=599 => " (server error): a problem on the portal's side, usually temporary",
        _ => "",
    };
    match retry_after {
        Some(d) => format!(
            "{hint} (Retry-After {}, longer than we wait)",
            humantime::format_duration(d)
        ),
        None => hint.to_owned(),
    }
}

/// Every error in the source chain of `err`, starting with its source.
fn chain<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(err.source(), |e| (*e).source())
}

/// The innermost error's text, the part a person can act on.
fn root_cause(err: &reqwest::Error) -> String {
    chain(err)
        .last()
        .map_or_else(|| err.to_string(), ToString::to_string)
}

/// True when a connect error came from the TLS layer: rustls errors reach
/// us as `io::Error`s of kind `InvalidData` (often wrapped in another
/// `io::Error`, whose `source()` skips the inner one), or as a handshake
/// cut short.
fn is_tls(err: &reqwest::Error) -> bool {
    chain(err).any(|e| {
        let mut io = e.downcast_ref::<io::Error>();
        while let Some(cur) = io {
            if cur.kind() == io::ErrorKind::InvalidData || cur.to_string().contains("tls handshake")
            {
                return true;
            }
            io = cur
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<io::Error>());
        }
        false
    })
}

/// The redirect policy's error for a URL seen before in the chain.
#[derive(Debug)]
pub(crate) struct RedirectLoop;

impl fmt::Display for RedirectLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("redirect loop")
    }
}

impl StdError for RedirectLoop {}

/// The redirect policy's error for a target that is not http(s).
#[derive(Debug)]
pub(crate) struct RedirectScheme {
    /// The refused target.
    pub target: String,
}

impl fmt::Display for RedirectScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "redirect to `{}`, not an http(s) URL", self.target)
    }
}

impl StdError for RedirectScheme {}

/// The redirect policy's error past the cap.
#[derive(Debug)]
pub(crate) struct TooManyRedirects;

impl fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("too many redirects")
    }
}

impl StdError for TooManyRedirects {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_display_has_hints() {
        let e = FetchError::Status {
            url: "http://x/".into(),
            code: 404,
            retry_after: None,
        };
        assert_eq!(
            e.to_string(),
            "http://x/: HTTP 404 (Not Found): the page is gone; check the section's url"
        );
        assert!(!e.is_transient());
        let e = FetchError::Status {
            url: "http://x/".into(),
            code: 429,
            retry_after: Some(Duration::from_secs(600)),
        };
        assert!(e.to_string().contains("Retry-After 10m"), "{e}");
        assert!(e.is_transient());
        let e = FetchError::Status {
            url: "http://x/".into(),
            code: 502,
            retry_after: None,
        };
        assert!(e.is_transient());
        assert_eq!(e.url(), Some("http://x/"));
    }

    #[test]
    fn not_transient_kinds() {
        let e = FetchError::TooLarge {
            url: "http://x/".into(),
            limit: 10,
        };
        assert!(!e.is_transient());
        assert!(e.to_string().contains("10 bytes"));
        let e = FetchError::RobotsDisallowed {
            url: "http://x/a".into(),
        };
        assert!(!e.is_transient());
        assert!(e.to_string().starts_with("http://x/a: robots.txt"));
    }
}
