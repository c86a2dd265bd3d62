//! Politeness: a global cap on concurrent fetches, and per host (host:port)
//! one request at a time with a pause between the end of one and the start
//! of the next. Shared by every clone of the fetcher.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, Semaphore, SemaphorePermit};
use tokio::time::Instant;

use super::robots::Robots;

/// The politeness state of the whole fetcher.
#[derive(Debug)]
pub(crate) struct Politeness {
    global: Semaphore,
    hosts: Mutex<HashMap<String, Arc<AsyncMutex<HostState>>>>,
}

/// What we remember about one host. Holding its lock means holding the
/// host: nobody else sends it a request meanwhile.
#[derive(Debug, Default)]
pub(crate) struct HostState {
    /// When the last request to the host ended.
    last_finish: Option<Instant>,
    /// No request before this (the host's `Retry-After`).
    not_before: Option<Instant>,
    /// The host's robots rules, while fresh.
    pub(crate) robots: Option<CachedRobots>,
}

/// Parsed robots rules and until when they are good.
#[derive(Debug, Clone)]
pub(crate) struct CachedRobots {
    /// The rules for us.
    pub(crate) robots: Arc<Robots>,
    /// Fetch again after this.
    pub(crate) expires: Instant,
}

impl HostState {
    /// Asks that no request reach the host for `pause` from now.
    pub(crate) fn pause(&mut self, pause: Duration) {
        let until = Instant::now() + pause;
        self.not_before = Some(self.not_before.map_or(until, |t| t.max(until)));
    }

    /// The fresh robots rules, if any.
    pub(crate) fn fresh_robots(&self) -> Option<Arc<Robots>> {
        self.robots
            .as_ref()
            .filter(|c| c.expires > Instant::now())
            .map(|c| Arc::clone(&c.robots))
    }
}

/// One request's turn at a host and a global slot; when dropped (request
/// done, failed or cancelled) the host's pause starts.
#[derive(Debug)]
pub(crate) struct Turn<'a> {
    host: &'a mut HostState,
    _permit: Option<SemaphorePermit<'a>>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.host.last_finish = Some(Instant::now());
    }
}

impl Politeness {
    /// At most `max_concurrent` requests in flight (at least 1).
    pub(crate) fn new(max_concurrent: usize) -> Self {
        Self {
            global: Semaphore::new(max_concurrent.clamp(1, Semaphore::MAX_PERMITS)),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The state of host `key` (`host:port`), created on first use.
    pub(crate) fn host(&self, key: &str) -> Arc<AsyncMutex<HostState>> {
        // A panic elsewhere while holding the map cannot leave it half-updated.
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(hosts.entry(key.to_owned()).or_default())
    }

    /// Waits until the host may be asked again (`min_delay` after its last
    /// request and past any pause it asked for), then for a global slot.
    pub(crate) async fn turn<'a>(
        &'a self,
        host: &'a mut HostState,
        min_delay: Duration,
    ) -> Turn<'a> {
        let ready = [host.last_finish.map(|t| t + min_delay), host.not_before]
            .into_iter()
            .flatten()
            .max();
        if let Some(ready) = ready {
            tokio::time::sleep_until(ready).await;
        }
        // The semaphore is never closed, so this only fails in theory; the
        // request then goes ahead without a slot rather than not at all.
        let permit = self.global.acquire().await.ok();
        Turn {
            host,
            _permit: permit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_keep_min_delay_and_pauses() {
        let p = Politeness::new(4);
        let host = p.host("example.org:80");
        let mut state = host.lock().await;
        let start = Instant::now();
        drop(p.turn(&mut state, Duration::from_millis(50)).await);
        assert!(
            start.elapsed() < Duration::from_millis(40),
            "first turn is immediate"
        );
        let t1 = Instant::now();
        drop(p.turn(&mut state, Duration::from_millis(50)).await);
        assert!(t1.elapsed() >= Duration::from_millis(50));
        state.pause(Duration::from_millis(120));
        let t2 = Instant::now();
        drop(p.turn(&mut state, Duration::ZERO).await);
        assert!(t2.elapsed() >= Duration::from_millis(110));
    }

    #[tokio::test]
    async fn same_key_same_state() {
        let p = Politeness::new(0);
        assert!(Arc::ptr_eq(&p.host("a:80"), &p.host("a:80")));
        assert!(!Arc::ptr_eq(&p.host("a:80"), &p.host("a:443")));
        // A cap of 0 is raised to 1 instead of blocking forever.
        let host = p.host("a:80");
        let mut state = host.lock().await;
        let turn =
            tokio::time::timeout(Duration::from_secs(1), p.turn(&mut state, Duration::ZERO)).await;
        assert!(turn.is_ok());
    }
}
