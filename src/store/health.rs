//! What the store knows about a section's scrapes: its health, the summary
//! `/healthz`, `/`, `/metrics` and the admin API read (never entries), and
//! the facts of one scrape attempt.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A section's health as `/healthz` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Never scraped yet.
    Pending,
    /// The last scrape succeeded.
    Ok,
    /// No success for three intervals (and the last attempt did not fail).
    Stale,
    /// The last scrape failed.
    Failing,
}

/// What the store knows about one section's scrapes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Last successful scrape (a `304` counts).
    pub last_success: Option<DateTime<Utc>>,
    /// Last attempt, successful or not.
    pub last_attempt: Option<DateTime<Utc>>,
    /// The last error, kept until the next success.
    pub last_error: Option<String>,
    /// Failures in a row.
    pub consecutive_failures: u32,
    /// Scrapes attempted since the store was created.
    pub scrapes: u64,
    /// Scrapes that failed.
    pub failures: u64,
    /// Entries the last successful scrape added.
    pub last_new: usize,
    /// Entries the last successful scrape saw on the list.
    pub last_seen: usize,
    /// Duration of the last scrape, in milliseconds.
    pub last_duration_ms: u64,
    /// The last scrape's warnings (items skipped, fields missing, ...).
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Health {
    /// The state, given the section's interval and the current time.
    pub fn state(&self, interval: std::time::Duration, now: DateTime<Utc>) -> State {
        if self.consecutive_failures > 0 {
            return State::Failing;
        }
        match self.last_success {
            None => State::Pending,
            Some(t) => {
                let stale_after =
                    chrono::Duration::from_std(interval * 3).unwrap_or(chrono::Duration::MAX);
                if now.signed_duration_since(t) > stale_after {
                    State::Stale
                } else {
                    State::Ok
                }
            }
        }
    }

    /// Records a success (a merge or a `304`).
    pub(crate) fn succeeded(&mut self, attempt: Attempt, new: usize, seen: Option<usize>) {
        self.last_success = Some(attempt.at);
        self.last_attempt = Some(attempt.at);
        self.last_error = None;
        self.consecutive_failures = 0;
        self.scrapes += 1;
        self.last_new = new;
        if let Some(seen) = seen {
            self.last_seen = seen;
        }
        self.last_duration_ms = attempt.duration_ms;
        self.warnings = attempt.warnings;
    }

    /// Records a failure; entries stay as they were.
    pub(crate) fn failed(&mut self, error: String, attempt: Attempt) {
        self.last_attempt = Some(attempt.at);
        self.last_error = Some(error);
        self.consecutive_failures += 1;
        self.scrapes += 1;
        self.failures += 1;
        self.last_duration_ms = attempt.duration_ms;
        self.warnings = attempt.warnings;
    }
}

/// One section as the status pages see it: health and counts, no entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Scrape history.
    pub health: Health,
    /// Entries the section keeps.
    pub entries: usize,
    /// When the entries last changed (`Last-Modified` of its feed).
    pub changed: Option<DateTime<Utc>>,
}

/// The facts of one scrape attempt, whatever its result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attempt {
    /// When it ended.
    pub at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// Its warnings (kept until the next attempt).
    pub warnings: Vec<String>,
}

impl Attempt {
    /// An attempt at `at` that took `duration_ms`, without warnings.
    pub fn new(at: DateTime<Utc>, duration_ms: u64) -> Self {
        Self {
            at,
            duration_ms,
            warnings: Vec::new(),
        }
    }
}
