//! The render cache: each feed rendered once per change, with its gzip and
//! brotli bodies compressed at render time and every header value prebuilt,
//! so serving a cached feed is a lookup and a few cheap clones. A miss
//! reads the store and renders (see [`FeedCache`]).

mod feeds;
mod hot;

#[cfg(test)]
pub(crate) use feeds::parse_limit as feeds_parse_limit;
pub use feeds::{FeedCache, LiveFeeds, Lookup};
pub use hot::HotTable;

use std::io::Write;
use std::time::{Duration, SystemTime};

use axum::http::HeaderValue;
use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::render::Format;

/// Identifies one cached rendering: the feed (by its slot in the current
/// feed index, which a config reload renumbers: hence the epoch), the format
/// and the `?limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// Feed index epoch (bumped by each config reload).
    pub epoch: u32,
    /// The feed's slot in that index.
    pub slot: u32,
    /// The format.
    pub format: Format,
    /// `?limit=N`, or 0 for none.
    pub limit: u32,
}

/// A rendered feed in its three encodings with prebuilt headers.
#[derive(Debug)]
pub struct Rendered {
    /// Uncompressed bytes.
    pub identity: Bytes,
    /// gzip-compressed.
    pub gzip: Bytes,
    /// brotli-compressed.
    pub br: Bytes,
    /// Strong ETags of the three representations.
    pub etag_identity: HeaderValue,
    /// ETag of the gzip body.
    pub etag_gzip: HeaderValue,
    /// ETag of the brotli body.
    pub etag_br: HeaderValue,
    /// The content hash all three ETags share (what `If-None-Match` matches).
    pub hash: String,
    /// `Last-Modified`.
    pub last_modified: HeaderValue,
    /// The same, as a time (for `If-Modified-Since`), whole seconds.
    pub modified: SystemTime,
    /// `Content-Type`.
    pub content_type: HeaderValue,
    /// `Cache-Control`.
    pub cache_control: HeaderValue,
    /// The feed's generation when it was rendered (see [`HotTable`]).
    pub generation: u64,
}

impl Rendered {
    /// Compresses and hashes `body` once.
    pub fn new(
        body: Vec<u8>,
        format: Format,
        modified: DateTime<Utc>,
        max_age: Duration,
        generation: u64,
    ) -> Self {
        let hash = crate::digest::sha256_hex(&body, 12);
        let gzip = gzip(&body);
        let br = brotli(&body);
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{hash}{suffix}\""))
                .unwrap_or(HeaderValue::from_static("\"\""))
        };
        let secs = modified.timestamp().max(0) as u64;
        let modified_time = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        Self {
            etag_identity: etag(""),
            etag_gzip: etag("-gz"),
            etag_br: etag("-br"),
            last_modified: HeaderValue::from_str(&http_date(modified))
                .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
            modified: modified_time,
            content_type: HeaderValue::from_static(format.content_type()),
            cache_control: HeaderValue::from_str(&format!("public, max-age={}", max_age.as_secs()))
                .unwrap_or(HeaderValue::from_static("public, max-age=60")),
            hash,
            generation,
            identity: Bytes::from(body),
            gzip,
            br,
        }
    }

    /// Bytes held (the cache's weight).
    pub fn weight(&self) -> u32 {
        let n = self.identity.len() + self.gzip.len() + self.br.len() + 512;
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn gzip(body: &[u8]) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::new(6),
    );
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(body);
    Bytes::from(enc.finish().unwrap_or_default())
}

fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        let _ = w.write_all(body);
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn rendered(generation: u64) -> Arc<Rendered> {
        Arc::new(Rendered::new(
            b"<rss/>".to_vec(),
            Format::Rss,
            Utc::now(),
            Duration::from_secs(60),
            generation,
        ))
    }

    #[test]
    fn a_render_older_than_a_change_is_not_installed() {
        let hot = HotTable::new(2);
        let g = hot.generation(1);
        hot.fill(1, Format::Rss, g, rendered(g));
        assert!(hot.get(1, Format::Rss).is_some());
        assert!(hot.get(1, Format::Atom).is_none());
        assert!(hot.get(0, Format::Rss).is_none());
        // A render starts, the feed changes, the render ends: not installed.
        let before = hot.generation(1);
        hot.invalidate(&[1]);
        assert!(hot.get(1, Format::Rss).is_none());
        hot.fill(1, Format::Rss, before, rendered(before));
        assert!(hot.get(1, Format::Rss).is_none());
        let now = hot.generation(1);
        hot.fill(1, Format::Rss, now, rendered(now));
        assert!(hot.get(1, Format::Rss).is_some());
        // Out of range slots are ignored.
        hot.fill(9, Format::Rss, 0, rendered(0));
        assert!(hot.get(9, Format::Rss).is_none());
    }

    #[test]
    fn encodings_and_headers_are_prepared_once() {
        let r = rendered(0);
        let mut gz = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&r.gzip[..]), &mut gz)
            .unwrap_or_default();
        assert_eq!(gz, b"<rss/>");
        let mut br = Vec::new();
        std::io::Read::read_to_end(&mut brotli::Decompressor::new(&r.br[..], 4096), &mut br)
            .unwrap_or_default();
        assert_eq!(br, b"<rss/>");
        assert_ne!(r.etag_identity, r.etag_gzip);
        assert_eq!(r.cache_control, "public, max-age=60");
    }
}
