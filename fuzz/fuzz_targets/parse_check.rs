//! Any bytes through read, parse, check and both renderings: nothing may panic.
//! `tests/integration/token_soup.rs` runs the same body over a seeded corpus on stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let session = lrb::load::from_bytes(vec![(PathBuf::from("fuzz.rb"), data.to_vec())]);
    let diagnostics = &session.checked.diagnostics;
    lrb::diagnostic::human::render(diagnostics, &session.sources, false);
    for d in diagnostics {
        d.to_json(&session.sources);
    }
});
