//! HTTP client for portal pages: politeness per host, conditional requests,
//! size caps, charset decoding, and errors sorted into kinds a person knows.

mod charset;
mod prescan;

pub use charset::decode_html;

use std::time::Duration;

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

/// Why a fetch failed, in kinds a person understands.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Placeholder until the fetch module lands.
    #[error("{url}: fetch not implemented")]
    Unimplemented {
        /// The page.
        url: String,
    },
}

/// The shared HTTP client.
#[derive(Debug, Clone)]
pub struct Fetcher {
    _private: (),
}

impl Fetcher {
    /// A client allowing `max_concurrent` fetches at once overall.
    pub fn new(max_concurrent: usize) -> Result<Self, FetchError> {
        let _ = max_concurrent;
        Ok(Self { _private: () })
    }

    /// Fetches one page, waiting for the host's turn first.
    pub async fn get(&self, req: &FetchRequest<'_>) -> Result<FetchOutcome, FetchError> {
        let _ = Duration::ZERO;
        Err(FetchError::Unimplemented {
            url: req.url.to_string(),
        })
    }
}
