//! Outside tools (Chromium, Node, Java, Python packages) for the test binaries
//! that need them: a missing tool skips with a notice, unless
//! `FORKLAR_REQUIRE_TOOLS=1` (set by `.ci/run`) makes it a failure.

// Each test binary that includes this file uses a different part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Whether a missing tool must fail the test instead of skipping it.
pub fn require_tools() -> bool {
    std::env::var("FORKLAR_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Reports a missing tool: a SKIPPED notice on the real stderr (not captured by
/// the test harness, so it shows in every run), or a test failure when
/// FORKLAR_REQUIRE_TOOLS=1.
pub fn missing(check: &str, why: &str, install: &str) {
    let message = format!("{check}: {why} (install: {install})");
    if require_tools() {
        panic!("{message}; FORKLAR_REQUIRE_TOOLS=1 makes this a failure");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {message}");
}

/// The npm package with the browser scripts: `tests/browser/`.
pub fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("browser")
}

/// Whether `program arg` runs and succeeds (`node --version`, `java -version`).
pub fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Copies the folder `from` into `to`, file by file (the sample site into a
/// fixture): shared here by the test binaries that include this file.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("make folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
