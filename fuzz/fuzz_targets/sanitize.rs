//! The sanitizer on any HTML: never panics; its output, parsed again, has
//! no script element, no event handler and no `javascript:` link (text
//! that merely mentions one is harmless).
#![no_main]

use libfuzzer_sys::fuzz_target;
use portalfeed::normalize::sanitize_html;
use scraper::Html;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(base) = Url::parse("http://portal.test/news/local/index.html") else {
        return;
    };
    let clean = sanitize_html(html, &base);
    let doc = Html::parse_fragment(&clean);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        assert_ne!(el.name(), "script", "{clean}");
        for (name, value) in el.attrs() {
            assert!(!name.starts_with("on"), "{name} in {clean}");
            let value = value.trim_start().to_ascii_lowercase();
            assert!(!value.starts_with("javascript:"), "{clean}");
        }
    }
});
