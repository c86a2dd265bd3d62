//! Parsing pages off the async runtime, bounded: every list and article
//! page is parsed and extracted on the parser threads ([`pool`]), after a
//! nesting-depth check that runs before any tree is built ([`depth`]), and
//! within the scrape's parse deadline ([`Budget`], the section's
//! `scrape_deadline`, by default four times `timeout`).
//!
//! A page over the depth cap is refused; a scrape over its deadline stops
//! waiting for the parse (the thread finishes its page, bounded by the cap,
//! and its result is dropped). Either way the caller gets a [`ParseError`]
//! and the section turns `failing` with it; nothing else waits.

pub mod datastore;
pub mod depth;
pub mod pool;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::config::spec::{ArticleSpec, FieldSelector, ListSpec};
use crate::extract::{self, ListPage, RawArticle};
use depth::MAX_DEPTH;

/// Why a page was not parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The page nests elements deeper than the cap.
    #[error("page nested {depth} levels deep (limit {MAX_DEPTH})")]
    TooDeep {
        /// How deep it nests.
        depth: usize,
    },
    /// The scrape used up its parse deadline.
    #[error(
        "parsing took longer than the scrape deadline of {} (`scrape_deadline`); the pages are \
         too big or too complex",
        humantime::format_duration(*.limit)
    )]
    Deadline {
        /// The deadline.
        limit: Duration,
    },
    /// The parser failed (a bug; logged).
    #[error("the parser failed on this page (see the log)")]
    Failed,
}

/// The parse time one scrape has left. Shared by the pages of the scrape;
/// time spent waiting for a parser thread counts.
#[derive(Debug)]
pub struct Budget {
    limit: Duration,
    /// What is left, in nanoseconds.
    left: AtomicU64,
}

impl Budget {
    /// A budget of `limit`.
    pub fn new(limit: Duration) -> Self {
        Self {
            limit,
            left: AtomicU64::new(u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX)),
        }
    }

    /// The time left.
    pub fn left(&self) -> Duration {
        Duration::from_nanos(self.left.load(Ordering::Relaxed))
    }

    /// Runs `job` on a parser thread within the time left, which it uses up.
    pub async fn run<T, F>(&self, job: F) -> Result<T, ParseError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, ParseError> + Send + 'static,
    {
        let left = self.left();
        if left.is_zero() {
            return Err(ParseError::Deadline { limit: self.limit });
        }
        let started = Instant::now();
        let result = tokio::time::timeout(left, pool::submit(job)).await;
        let used = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some(l.saturating_sub(used))
            });
        match result {
            Err(_) => {
                self.left.store(0, Ordering::Relaxed);
                Err(ParseError::Deadline { limit: self.limit })
            }
            Ok(Err(_)) => Err(ParseError::Failed),
            Ok(Ok(out)) => out,
        }
    }
}

/// Refuses `html` when it nests deeper than [`MAX_DEPTH`].
pub fn check_depth(html: &str) -> Result<(), ParseError> {
    let depth = depth::max_depth(html);
    if depth > MAX_DEPTH {
        Err(ParseError::TooDeep { depth })
    } else {
        Ok(())
    }
}

/// [`extract::list_page`] on a parser thread, Hanweb datastore records put
/// in place ([`datastore`]) and the depth checked first.
pub async fn list_page(
    budget: &Budget,
    html: String,
    list: &ListSpec,
    next_page: Option<&FieldSelector>,
) -> Result<ListPage, ParseError> {
    let (list, next_page) = (list.clone(), next_page.cloned());
    budget
        .run(move || {
            let html = datastore::inline_records(&html).map_or(html, |d| d.html);
            check_depth(&html)?;
            Ok(extract::list_page(&html, &list, next_page.as_ref()))
        })
        .await
}

/// [`extract::article_page`] on a parser thread, depth checked first.
pub async fn article_page(
    budget: &Budget,
    html: String,
    spec: &ArticleSpec,
) -> Result<RawArticle, ParseError> {
    let spec = spec.clone();
    budget
        .run(move || {
            check_depth(&html)?;
            Ok(extract::article_page(&html, &spec))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_deep_page_is_refused_before_it_is_parsed() {
        let budget = Budget::new(Duration::from_secs(30));
        let html = "<div>".repeat(100_000);
        let err = budget
            .run(move || check_depth(&html))
            .await
            .expect_err("too deep");
        assert_eq!(
            err.to_string(),
            "page nested 100000 levels deep (limit 512)"
        );
        assert!(check_depth(&"<div>".repeat(MAX_DEPTH)).is_ok());
    }

    #[tokio::test]
    async fn the_deadline_is_shared_by_the_pages_of_a_scrape() {
        let budget = Budget::new(Duration::from_millis(200));
        let slow = || {
            std::thread::sleep(Duration::from_millis(120));
            Ok(())
        };
        budget.run(slow).await.expect("first page in time");
        assert!(budget.left() < Duration::from_millis(90));
        let err = budget.run(slow).await.expect_err("out of time");
        assert!(matches!(err, ParseError::Deadline { .. }), "{err}");
        assert!(err.to_string().contains("deadline of 200ms"), "{err}");
        let err = budget.run(|| Ok(())).await.expect_err("nothing left");
        assert!(matches!(err, ParseError::Deadline { .. }));
    }

    #[tokio::test]
    async fn a_panicking_parse_is_an_error_and_the_pool_lives_on() {
        let budget = Budget::new(Duration::from_secs(5));
        let err = budget
            .run::<(), _>(|| panic!("boom"))
            .await
            .expect_err("failed");
        assert_eq!(err, ParseError::Failed);
        for _ in 0..pool::threads() + 1 {
            assert_eq!(budget.run(|| Ok(7)).await, Ok(7));
        }
    }
}
