//! Status pages paced per client address, so that a monitor polling
//! `/healthz` in a tight loop cannot take the CPU that feed readers need.
//!
//! A kept page costs little to answer, but not nothing: at 1,000 sections
//! `/healthz` is 250 KB, and a keep-alive client reading it back to back
//! gets an answer every 0.2 ms, which is 1.2 GB/s of socket writes per
//! client. Each address may have [`BURST`] status answers at once and
//! [`PER_SECOND`] a second after that; a request beyond it waits for its
//! turn (the page shows nothing new more often: it is kept for up to a
//! second), and one that would wait more than [`MAX_WAIT`] is answered
//! `429` with `Retry-After`. A health checker or a dashboard stays far
//! below the limit.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Status answers a second per client address, past the burst.
pub const PER_SECOND: u32 = 100;
/// Status answers a client address may have at once.
pub const BURST: u32 = 200;
/// Longest a request waits for its turn before it gets `429`.
pub const MAX_WAIT: Duration = Duration::from_secs(1);

/// Addresses tracked before those with a full budget are forgotten.
const MAX_TRACKED: usize = 10_000;

/// The pace of status answers, per client address.
#[derive(Debug)]
pub struct StatusPacer {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    max_wait: Duration,
}

impl Default for StatusPacer {
    fn default() -> Self {
        let nonzero = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(nonzero(PER_SECOND)).allow_burst(nonzero(BURST));
        Self::new(quota, MAX_WAIT)
    }
}

impl StatusPacer {
    /// Answers at `quota` per address; a request waits at most `max_wait`
    /// for its turn.
    pub fn new(quota: Quota, max_wait: Duration) -> Self {
        Self {
            limiter: RateLimiter::keyed(quota),
            max_wait,
        }
    }

    /// Waits for `ip`'s turn; `Err(wait)` (how long until it would come)
    /// when that is more than the longest wait.
    pub async fn admit(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.limiter.len() > MAX_TRACKED {
            self.limiter.retain_recent();
        }
        let mut waited = Duration::ZERO;
        loop {
            let Err(not_until) = self.limiter.check_key(&ip) else {
                return Ok(());
            };
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            if waited + wait > self.max_wait {
                return Err(wait);
            }
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }
}

/// `Retry-After` seconds for `wait` (rounded up).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    #[tokio::test]
    async fn a_burst_then_refusal_without_waiting() {
        let per_hour = Quota::with_period(Duration::from_secs(3600)).expect("a period");
        let pacer = StatusPacer::new(
            per_hour.allow_burst(NonZeroU32::new(3).expect("3")),
            Duration::ZERO,
        );
        for _ in 0..3 {
            assert_eq!(pacer.admit(A).await, Ok(()));
        }
        let wait = pacer.admit(A).await.expect_err("past the burst");
        assert!(wait > Duration::from_secs(3000), "{wait:?}");
        assert_eq!(retry_after_secs(wait), wait.as_secs() + 1);
        // Another address has its own budget.
        assert_eq!(pacer.admit(B).await, Ok(()));
    }

    #[tokio::test]
    async fn past_the_burst_a_request_waits_for_its_turn() {
        let quota = Quota::per_second(NonZeroU32::new(50).expect("50"));
        let pacer = StatusPacer::new(quota.allow_burst(NonZeroU32::MIN), Duration::from_secs(1));
        for _ in 0..5 {
            assert_eq!(pacer.admit(A).await, Ok(()), "each waits 20 ms at most");
        }
    }
}
