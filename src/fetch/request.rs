//! Building a request: which URLs we fetch, the headers we send, the
//! redirect policy, and reading headers of the answer.

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::redirect;
use url::Url;

use super::address::Guard;
use super::error::{RedirectLoop, RedirectScheme, TooManyRedirects};
use super::{FetchError, Validators};
use crate::config::spec::Settings;

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;
/// What we accept: pages first.
const ACCEPT_HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// Follows up to [`MAX_REDIRECTS`] redirects to http(s) URLs and stops at
/// the first loop; without `allow_private`, a redirect to a private IP
/// literal is refused too (names are checked by the resolver).
pub(crate) fn redirect_policy(allow_private: bool, guard: Guard) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        if !matches!(attempt.url().scheme(), "http" | "https") {
            let target = attempt.url().to_string();
            return attempt.error(RedirectScheme { target });
        }
        if !allow_private {
            if let Err(private) = guard.check(attempt.url()) {
                return attempt.error(private);
            }
        }
        follow_or_stop(attempt)
    })
}

fn follow_or_stop(attempt: redirect::Attempt<'_>) -> redirect::Action {
    if attempt.previous().contains(attempt.url()) {
        attempt.error(RedirectLoop)
    } else if attempt.previous().len() > MAX_REDIRECTS {
        attempt.error(TooManyRedirects)
    } else {
        attempt.follow()
    }
}

/// `host:port` of `url`, the unit of politeness; fails for what we do not fetch.
pub(crate) fn host_key(url: &Url) -> Result<String, FetchError> {
    let invalid = |reason| FetchError::InvalidUrl {
        url: url.to_string(),
        reason,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https URLs can be fetched"));
    }
    let host = url
        .host_str()
        .ok_or_else(|| invalid("the URL has no host"))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| invalid("the URL has no port"))?;
    Ok(format!("{host}:{port}"))
}

/// `User-Agent` and `Accept` for a request.
pub(crate) fn base_headers(url: &Url, settings: &Settings) -> Result<HeaderMap, FetchError> {
    let ua = HeaderValue::from_str(&settings.user_agent).map_err(|e| FetchError::Request {
        url: url.to_string(),
        source: format!(
            "user_agent `{}` is not a valid header value: {e}",
            settings.user_agent
        )
        .into(),
    })?;
    let mut headers = HeaderMap::new();
    headers.insert(header::USER_AGENT, ua);
    headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT_HTML));
    Ok(headers)
}

/// Adds `If-None-Match` / `If-Modified-Since`; true when one was added.
/// A validator that is not a valid header value is skipped.
pub(crate) fn add_validators(headers: &mut HeaderMap, validators: Option<&Validators>) -> bool {
    let Some(v) = validators else {
        return false;
    };
    let mut added = false;
    for (name, value) in [
        (header::IF_NONE_MATCH, &v.etag),
        (header::IF_MODIFIED_SINCE, &v.last_modified),
    ] {
        if let Some(value) = value.as_deref().and_then(|s| HeaderValue::from_str(s).ok()) {
            headers.insert(name, value);
            added = true;
        }
    }
    added
}

/// A header as text, if present and readable.
pub(crate) fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}
