//! URL canonicalization on any link: never panics, and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portalfeed::normalize::canonical_url;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(href) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(base) = Url::parse("http://portal.test/news/local/index.html") else {
        return;
    };
    if let Some(once) = canonical_url(&base, href) {
        let twice = canonical_url(&base, once.as_str());
        assert_eq!(twice.as_ref(), Some(&once), "{href:?}");
    }
});
