//! When and how long to wait before trying a failed request again.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::FetchError;

/// How failed requests are retried: timeouts, connection problems and `5xx`
/// with exponential backoff and jitter; `429` / `503` after their
/// `Retry-After` when it is short enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = no retries).
    pub max_retries: u32,
    /// The first backoff; each retry doubles it (then ±50 % jitter).
    pub base_delay: Duration,
    /// No backoff is longer than this.
    pub max_delay: Duration,
    /// The longest `Retry-After` we wait for; a longer one fails the fetch.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What to do before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Sleep this long (backoff).
    Backoff(Duration),
    /// The host asked for a pause (`Retry-After`): no request to it before.
    HostPause(Duration),
}

impl RetryPolicy {
    /// The backoff before retry number `retry` (0-based), with jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(16)));
        let jittered = exp.mul_f64(0.5 + fastrand::f64());
        jittered.min(self.max_delay)
    }

    /// Whether the failure `err` of attempt number `retry` (0-based) is
    /// retried, and after what. `retry_after` is the parsed header of the
    /// answer, if any.
    pub(crate) fn decide(
        &self,
        err: &FetchError,
        retry: u32,
        retry_after: Option<Duration>,
    ) -> Option<Wait> {
        if retry >= self.max_retries {
            return None;
        }
        match err {
            FetchError::Status { code, .. }
                if matches!(code, 429 | 503) && retry_after.is_some() =>
            {
                retry_after
                    .filter(|d| *d <= self.max_retry_after)
                    .map(Wait::HostPause)
            }
            FetchError::Status { code, .. } if (500..600).contains(code) => {
                Some(Wait::Backoff(self.backoff(retry)))
            }
            FetchError::Timeout { .. } | FetchError::Connect { .. } | FetchError::Body { .. } => {
                Some(Wait::Backoff(self.backoff(retry)))
            }
            _ => None,
        }
    }
}

/// Parses a `Retry-After` value: delay seconds or an HTTP date (a date in
/// the past means now).
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            // RFC 850 and asctime, the obsolete forms HTTP still allows.
            ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
                .map(|n| n.and_utc())
        })?;
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> FetchError {
        FetchError::Status {
            url: "http://x/".into(),
            code,
            retry_after: None,
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2024-05-01T12:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 01 May 2024 12:01:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Wednesday, 01-May-24 12:00:10 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed May  1 12:00:05 2024", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let b0 = p.backoff(0);
            assert!(
                b0 >= Duration::from_millis(50) && b0 < Duration::from_millis(150),
                "{b0:?}"
            );
            let b1 = p.backoff(1);
            assert!(
                b1 >= Duration::from_millis(100) && b1 < Duration::from_millis(300),
                "{b1:?}"
            );
            assert!(p.backoff(5) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn decisions() {
        let p = RetryPolicy::default();
        assert!(matches!(
            p.decide(&status(500), 0, None),
            Some(Wait::Backoff(_))
        ));
        assert!(matches!(
            p.decide(&status(503), 1, None),
            Some(Wait::Backoff(_))
        ));
        assert_eq!(p.decide(&status(503), 2, None), None, "retries used up");
        assert_eq!(p.decide(&status(404), 0, None), None);
        assert_eq!(
            p.decide(&status(429), 0, None),
            None,
            "429 without Retry-After"
        );
        assert_eq!(
            p.decide(&status(429), 0, Some(Duration::from_secs(3))),
            Some(Wait::HostPause(Duration::from_secs(3)))
        );
        assert_eq!(
            p.decide(&status(503), 0, Some(Duration::from_secs(121))),
            None,
            "Retry-After over the cap"
        );
        let none = RetryPolicy {
            max_retries: 0,
            ..p
        };
        assert_eq!(none.decide(&status(500), 0, None), None);
    }
}
