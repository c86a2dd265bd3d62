//! Counters of the fetcher, for metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the fetcher's counters since it was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// HTTP requests sent: every attempt, retry and `robots.txt` included.
    pub requests: u64,
    /// Calls to [`Fetcher::get`](super::Fetcher::get) that ended in an error.
    pub errors: u64,
    /// Body bytes read (after content decoding).
    pub bytes: u64,
}

/// The live counters behind [`FetchStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    errors: AtomicU64,
    bytes: AtomicU64,
}

impl Counters {
    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn bytes(&self, n: usize) {
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> FetchStats {
        FetchStats {
            requests: self.requests.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}
