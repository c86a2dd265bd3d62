//! The error types of every layer, in one place for callers.

pub use crate::config::{ConfigError, ConfigErrors};
pub use crate::fetch::FetchError;
pub use crate::scrape::ScrapeError;
