//! Admin authentication: a bearer token from the environment, compared in
//! constant time; the admin page keeps it in an `HttpOnly; SameSite=Strict`
//! cookie, and its mutating requests must come from the same origin.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap, Method, header};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

/// Name of the cookie the admin page keeps the token in.
pub const COOKIE: &str = "portalfeed_admin";

/// The admin token, if the admin API is on.
#[derive(Clone)]
pub struct Token {
    digest: [u8; 32],
    fingerprint: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

impl Token {
    /// Reads the token from the env var `name`; `None` when unset or empty.
    pub fn from_env(name: Option<&str>) -> Option<Self> {
        let value = std::env::var(name?).ok()?;
        Self::new(value.trim())
    }

    /// A token with this secret (`None` when empty).
    pub fn new(secret: &str) -> Option<Self> {
        if secret.is_empty() {
            return None;
        }
        Some(Self {
            digest: Sha256::digest(secret.as_bytes()).into(),
            fingerprint: fingerprint(secret),
        })
    }

    /// Short, non-secret name of the token, for logs ("who").
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Compares `candidate` with the token in constant time (over digests,
    /// so the length does not leak either).
    pub fn matches(&self, candidate: &str) -> bool {
        let other: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        let diff = self
            .digest
            .iter()
            .zip(other.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        diff == 0
    }
}

/// First 8 hex digits of the token's SHA-256.
pub fn fingerprint(secret: &str) -> String {
    crate::digest::sha256_hex(secret.as_bytes(), 4)
}

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer …` (scripts).
    Bearer,
    /// The admin page's cookie (a browser).
    Cookie,
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No or wrong token: `401`.
    Unauthorized,
    /// A cookie-authenticated change from another origin: `403`.
    CrossOrigin,
}

/// Checks a request's credentials; cookie-authenticated changes must carry
/// an `Origin` equal to the request's own host.
pub fn check(token: &Token, method: &Method, headers: &HeaderMap) -> Result<Credential, Refusal> {
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return if token.matches(bearer.trim()) {
            Ok(Credential::Bearer)
        } else {
            Err(Refusal::Unauthorized)
        };
    }
    let Some(cookie) = cookie_value(headers, COOKIE) else {
        return Err(Refusal::Unauthorized);
    };
    if !token.matches(&cookie) {
        return Err(Refusal::Unauthorized);
    }
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(headers) {
        return Err(Refusal::CrossOrigin);
    }
    Ok(Credential::Cookie)
}

/// True when the request presents a credential (a bearer token or the
/// admin cookie), right or wrong: only those count as failed attempts.
pub fn presents_credential(headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|v| !v.as_bytes().trim_ascii().is_empty());
    bearer || cookie_value(headers, COOKIE).is_some_and(|c| !c.is_empty())
}

/// True when `Origin` names the host the request was sent to.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    origin_host.eq_ignore_ascii_case(host)
}

/// The value of cookie `name`, percent-decoding nothing (tokens are plain).
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Failed authentications allowed per client address and minute.
pub const FAILURES_PER_MINUTE: u32 = 10;

/// Limits failed authentications per client address: [`FAILURES_PER_MINUTE`]
/// (a burst, then one more every few seconds); past that the address gets
/// `429` with `Retry-After` for every admin request that needs a token, right
/// or wrong, until the wait is over (so guessing gets no faster).
#[derive(Debug)]
pub struct Limiter {
    failures: DefaultKeyedRateLimiter<IpAddr>,
    /// Addresses refused until then.
    blocked: Mutex<HashMap<IpAddr, Instant>>,
}

/// Entries kept before old ones are dropped.
const MAX_TRACKED: usize = 10_000;

impl Default for Limiter {
    fn default() -> Self {
        Self::new(NonZeroU32::new(FAILURES_PER_MINUTE).unwrap_or(NonZeroU32::MIN))
    }
}

impl Limiter {
    /// `per_minute` failures a minute per address.
    pub fn new(per_minute: NonZeroU32) -> Self {
        Self {
            failures: RateLimiter::keyed(Quota::per_minute(per_minute)),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` while `ip` must wait before trying again.
    pub fn admit(&self, ip: IpAddr) -> Result<(), Duration> {
        let blocked = self.blocked.lock().unwrap_or_else(PoisonError::into_inner);
        match blocked.get(&ip) {
            Some(until) => match until.checked_duration_since(Instant::now()) {
                Some(wait) if !wait.is_zero() => Err(wait),
                _ => Ok(()),
            },
            None => Ok(()),
        }
    }

    /// Records a failed authentication from `ip`; `Some(wait)` when that
    /// was one too many (the address now waits).
    pub fn failed(&self, ip: IpAddr) -> Option<Duration> {
        if self.failures.len() > MAX_TRACKED {
            self.failures.retain_recent();
        }
        let not_until = self.failures.check_key(&ip).err()?;
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let wait = wait.max(Duration::from_secs(1));
        let mut blocked = self.blocked.lock().unwrap_or_else(PoisonError::into_inner);
        if blocked.len() > MAX_TRACKED {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
        }
        blocked.insert(ip, Instant::now() + wait);
        Some(wait)
    }
}

/// The client address of a request (the TCP peer); unspecified when the
/// request came without a socket (tests driving the router directly).
pub fn client_ip(extensions: &Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn bearer_and_cookie() {
        let t = Token::new("s3cret").expect("token");
        assert!(t.matches("s3cret"));
        assert!(!t.matches("s3cre"));
        assert!(!t.matches(""));
        let ok = headers(&[(header::AUTHORIZATION, "Bearer s3cret")]);
        assert_eq!(check(&t, &Method::PUT, &ok), Ok(Credential::Bearer));
        let bad = headers(&[(header::AUTHORIZATION, "Bearer nope")]);
        assert_eq!(check(&t, &Method::GET, &bad), Err(Refusal::Unauthorized));
        assert_eq!(
            check(&t, &Method::GET, &HeaderMap::new()),
            Err(Refusal::Unauthorized)
        );
        let cookie = headers(&[(header::COOKIE, "a=b; portalfeed_admin=s3cret")]);
        assert_eq!(check(&t, &Method::GET, &cookie), Ok(Credential::Cookie));
        assert_eq!(check(&t, &Method::POST, &cookie), Err(Refusal::CrossOrigin));
        let same = headers(&[
            (header::COOKIE, "portalfeed_admin=s3cret"),
            (header::HOST, "127.0.0.1:8080"),
            (header::ORIGIN, "http://127.0.0.1:8080"),
        ]);
        assert_eq!(check(&t, &Method::DELETE, &same), Ok(Credential::Cookie));
        let other = headers(&[
            (header::COOKIE, "portalfeed_admin=s3cret"),
            (header::HOST, "127.0.0.1:8080"),
            (header::ORIGIN, "http://evil.example"),
        ]);
        assert_eq!(check(&t, &Method::PUT, &other), Err(Refusal::CrossOrigin));
    }

    #[test]
    fn failures_past_the_limit_make_the_address_wait() {
        let limiter = Limiter::new(NonZeroU32::new(3).expect("non-zero"));
        let ip: IpAddr = "192.0.2.7".parse().expect("ip");
        let other: IpAddr = "192.0.2.8".parse().expect("ip");
        for _ in 0..3 {
            assert_eq!(limiter.admit(ip), Ok(()));
            assert_eq!(limiter.failed(ip), None);
        }
        let wait = limiter
            .failed(ip)
            .expect("the fourth failure is one too many");
        assert!(
            wait >= Duration::from_secs(1) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        let refused = limiter.admit(ip).expect_err("waits");
        assert!(refused <= wait);
        assert!(crate::http::pace::retry_after_secs(refused) >= 1);
        assert_eq!(
            limiter.admit(other),
            Ok(()),
            "other addresses are not affected"
        );
    }

    #[test]
    fn empty_token_means_off() {
        assert!(Token::new("").is_none());
        assert_eq!(fingerprint("x").len(), 8);
    }
}
