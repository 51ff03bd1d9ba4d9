#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared invariants.
#[allow(dead_code)]
#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        properties::front_matter(text);
    }
});
