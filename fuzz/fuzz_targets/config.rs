//! The config loader on any text: every error is a value, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(errors) = portalfeed::config::parse(text, "fuzz.toml") {
        for e in &errors.0 {
            let _ = e.to_string();
        }
    }
});
