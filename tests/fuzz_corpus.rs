//! Replays the fuzzing corpus in `fuzz/corpus/` through the same checks the fuzz
//! targets run, so every input kept there (the seeds, and any input that once
//! made a target fail) is a regression test in a plain `cargo test`.

use std::path::Path;

#[path = "../fuzz/properties.rs"]
mod properties;

fn replay(target: &str, check: fn(&str)) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("corpus entry").path();
        let bytes = std::fs::read(&path).expect("corpus file");
        // The targets skip input that is not UTF-8, as a file forklar reads would be refused.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check(text);
            count += 1;
        }
    }
    assert!(count > 0, "no inputs in {}", dir.display());
}

#[test]
fn front_matter_corpus() {
    replay("front_matter", properties::front_matter);
}

#[test]
fn markdown_corpus() {
    replay("markdown", properties::markdown);
}

#[test]
fn dates_corpus() {
    replay("dates", properties::date);
}

#[test]
fn slugs_corpus() {
    replay("slugs", properties::slug);
}

#[test]
fn manifest_corpus() {
    replay("manifest", properties::manifest);
}
