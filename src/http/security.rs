//! Security headers of the HTML pages (`/`, `/admin`): a
//! `Content-Security-Policy` that allows no script but the admin page's own
//! file and no inline style but the index's (by hash), no framing, no
//! content sniffing.

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The index page's policy: no script at all; its one inline style sheet
/// by hash.
pub static INDEX_CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD
        .encode(Sha256::digest(super::pages::INDEX_STYLE.as_bytes()));
    HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"))
});

/// The admin page's policy: its own script, style sheet and API only.
pub static ADMIN_CSP: HeaderValue = HeaderValue::from_static(
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
);

/// Sets the policy `csp`, `X-Content-Type-Options: nosniff`,
/// `X-Frame-Options: DENY` (for browsers without `frame-ancestors`) and
/// `Referrer-Policy: same-origin`.
pub fn page_headers(headers: &mut HeaderMap, csp: &HeaderValue) {
    headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}
