//! Fetching a host's `robots.txt`: anything but a readable 2xx allows all.

use std::time::Duration;

use url::Url;

use super::body::{OverCap, read_body};
use super::request::base_headers;
use super::robots::{MAX_ROBOTS_LEN, PRODUCT_TOKEN, Robots};
use super::stats::Counters;
use crate::config::spec::Settings;

/// How long robots rules are trusted.
const ROBOTS_TTL: Duration = Duration::from_secs(3600);
/// How long "robots.txt was unreachable, allow all" is trusted, so a host
/// that was down gets its robots.txt read soon after it is back.
const ROBOTS_FAILED_TTL: Duration = Duration::from_secs(600);

/// Fetches and parses one `robots.txt`; anything but a readable 2xx
/// allows everything.
pub(crate) async fn fetch_robots(
    client: &reqwest::Client,
    stats: &Counters,
    url: &Url,
    settings: &Settings,
) -> (Robots, Duration) {
    let Ok(headers) = base_headers(url, settings) else {
        return (Robots::allow_all(), ROBOTS_FAILED_TTL);
    };
    stats.request();
    let sent = client
        .get(url.clone())
        .headers(headers)
        .timeout(settings.timeout)
        .send()
        .await;
    let mut resp = match sent {
        Ok(resp) => resp,
        Err(e) => {
            tracing::debug!(url = %url, error = %e, "robots.txt unreachable; allowing all");
            return (Robots::allow_all(), ROBOTS_FAILED_TTL);
        }
    };
    let status = resp.status();
    if status.is_client_error() {
        tracing::debug!(url = %url, status = status.as_u16(), "no robots.txt; allowing all");
        return (Robots::allow_all(), ROBOTS_TTL);
    }
    if !status.is_success() {
        tracing::debug!(url = %url, status = status.as_u16(), "robots.txt failed; allowing all");
        return (Robots::allow_all(), ROBOTS_FAILED_TTL);
    }
    let limit = MAX_ROBOTS_LEN as u64;
    match read_body(&mut resp, limit, OverCap::Truncate, stats).await {
        Ok(body) => (
            Robots::parse(&String::from_utf8_lossy(&body), PRODUCT_TOKEN),
            ROBOTS_TTL,
        ),
        Err(_) => {
            tracing::debug!(url = %url, "robots.txt body broke off; allowing all");
            (Robots::allow_all(), ROBOTS_FAILED_TTL)
        }
    }
}
