//! Reading an answer: is it a page at all, and its body under a cap.

use reqwest::Response;

use super::stats::Counters;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Longer than the cap.
    TooLarge,
    /// The client failed mid-body (timeout, broken connection, bad gzip).
    Client(reqwest::Error),
}

/// What to do with a body longer than the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OverCap {
    /// Fail with [`BodyError::TooLarge`].
    Fail,
    /// Keep the first `limit` bytes (robots.txt).
    Truncate,
}

/// Streams the body of `resp`, at most `limit` bytes.
pub(crate) async fn read_body(
    resp: &mut Response,
    limit: u64,
    over: OverCap,
    stats: &Counters,
) -> Result<Vec<u8>, BodyError> {
    let declared = resp.content_length();
    if over == OverCap::Fail && declared.is_some_and(|len| len > limit) {
        return Err(BodyError::TooLarge);
    }
    // Cap the preallocation: Content-Length is only a claim.
    let capacity = declared.unwrap_or(0).min(limit).min(1 << 20);
    let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Client)? {
        stats.bytes(chunk.len());
        let room = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_sub(body.len());
        if chunk.len() > room {
            match over {
                OverCap::Fail => return Err(BodyError::TooLarge),
                OverCap::Truncate => {
                    body.extend_from_slice(&chunk[..room]);
                    break;
                }
            }
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// True when a `Content-Type` names HTML or XML.
pub(crate) fn declares_markup(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let essence = ct.split(';').next().unwrap_or("").to_ascii_lowercase();
        essence.contains("html") || essence.contains("xml")
    })
}

/// True when the start of `body` looks like markup: a `<` opening a tag,
/// a comment, a doctype or a declaration within the first KiB. Bodies not
/// labelled HTML must pass this to be treated as a page, so a `text/plain`
/// file, a JSON answer or a bare "ok" are never shown as one.
pub(crate) fn looks_like_markup(body: &[u8]) -> bool {
    body[..body.len().min(1024)]
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'!' | b'?' | b'/')))
}

/// True when a `Content-Type` clearly names something other than a page
/// (an image, a PDF, JSON …). Text, HTML and XML pass, and so do
/// `application/octet-stream` and unparsable values: mislabelled pages are
/// common, and the decoder still rejects binary junk.
pub(crate) fn is_not_html(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let Some((top, sub)) = essence.split_once('/') else {
        return false;
    };
    let lenient = top == "text"
        || sub.contains("html")
        || sub.contains("xml")
        || matches!(sub, "octet-stream" | "unknown" | "x-unknown");
    !lenient
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        for ok in [
            "text/html",
            "text/html; charset=gbk",
            "TEXT/HTML",
            "application/xhtml+xml",
            "application/xml",
            "text/xml",
            "text/plain",
            "application/octet-stream",
            "",
            "html",
        ] {
            assert!(!is_not_html(ok), "{ok}");
        }
        assert!(looks_like_markup(b"\xef\xbb\xbf  <!DOCTYPE html><p>x"));
        assert!(looks_like_markup(b"some text then <div>"));
        for not in [
            &b"root:x:0:0:root:/root:/bin/bash"[..],
            b"{\"ok\": true}",
            b"ok",
            b"1 < 2",
            b"",
        ] {
            assert!(!looks_like_markup(not), "{not:?}");
        }
        assert!(declares_markup(Some("text/html; charset=gbk")));
        assert!(declares_markup(Some("application/xhtml+xml")));
        assert!(!declares_markup(Some("text/plain")));
        assert!(!declares_markup(None));
        for bad in [
            "image/png",
            "application/pdf",
            "application/zip",
            "video/mp4",
            "application/json",
        ] {
            assert!(is_not_html(bad), "{bad}");
        }
    }
}
