#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared invariants.
#[allow(dead_code)]
#[path = "../properties.rs"]
mod properties;

// The manifest reader takes any text; whatever it accepts must be a set of
// normalised relative paths inside the output folder, and must read back the
// same after forklar writes it.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        properties::manifest(text);
    }
});
