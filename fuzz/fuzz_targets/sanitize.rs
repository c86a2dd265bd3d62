//! The sanitizer on any HTML: never panics, never lets a script or an
//! event handler through.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portalfeed::normalize::sanitize_html;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(base) = Url::parse("http://portal.test/news/local/index.html") else {
        return;
    };
    let clean = sanitize_html(html, &base);
    let lower = clean.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{clean}");
    assert!(!lower.contains("javascript:"), "{clean}");
});
