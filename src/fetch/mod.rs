//! HTTP client for portal pages: politeness per host, robots.txt,
//! conditional requests, retries, size caps, charset decoding, and errors
//! sorted into kinds a person knows.
//!
//! [`Fetcher::get`] is the one entry point: it waits for the host's turn
//! (one request at a time per `host:port`, `min_delay` apart, under a global
//! cap), checks `robots.txt`, sends the request with the section's
//! `User-Agent`, timeout and validators, retries what is transient, streams
//! the body under the cap and decodes it with [`decode_html`].

pub mod address;
mod body;
mod charset;
mod client;
mod error;
mod politeness;
mod prescan;
pub mod refresh;
mod request;
mod retry;
mod robots;
mod robots_fetch;
mod stats;
#[cfg(test)]
mod tests;

pub use charset::{CharsetNote, decode_html};
pub use client::{Fetcher, install_tls_provider};
pub use error::{FetchError, RedirectProblem};
pub use retry::RetryPolicy;
pub use stats::FetchStats;

use encoding_rs::Encoding;
use url::Url;

use crate::config::spec::Settings;

/// Validators remembered from a previous answer, sent back as
/// `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag` header, verbatim.
    pub etag: Option<String>,
    /// The `Last-Modified` header, verbatim.
    pub last_modified: Option<String>,
}

/// What to fetch and how.
#[derive(Debug, Clone, Copy)]
pub struct FetchRequest<'a> {
    /// The page.
    pub url: &'a Url,
    /// User agent, timeout, min_delay and body cap come from here.
    pub settings: &'a Settings,
    /// Forced charset (the site's `encoding`).
    pub encoding: Option<&'static Encoding>,
    /// Send these for a conditional request.
    pub validators: Option<&'a Validators>,
}

/// A fetched page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Final URL after redirects (relative links resolve against it).
    pub url: Url,
    /// HTTP status (2xx).
    pub status: u16,
    /// The body decoded to UTF-8.
    pub html: String,
    /// The charset it was decoded from.
    pub encoding: &'static Encoding,
    /// Set when the declared charset did not fit the bytes and another was
    /// used: what was declared and what was done.
    pub charset_note: Option<Box<CharsetNote>>,
    /// Validators of this answer.
    pub validators: Validators,
    /// Bytes read off the wire (after content decoding).
    pub bytes: usize,
}

/// Either a new page or "nothing changed".
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// A `2xx` answer.
    Page(Page),
    /// `304 Not Modified` to a conditional request.
    NotModified,
}
