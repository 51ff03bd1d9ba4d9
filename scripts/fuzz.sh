#!/usr/bin/env bash
# Fuzzes front-matter reading, Markdown rendering, dates, slugs and the output
# manifest (fuzz/) with a fixed seed and number of runs, so a result can be
# reproduced anywhere with the same command. About 10 minutes of compiling and
# 4 of runs on 2 cores; CI does not run it, to stay within its 30 minutes, so
# run it before a release and after changing a fuzzed module. The kept corpus
# (fuzz/corpus/) is replayed by `cargo test` (tests/fuzz_corpus.rs) on every run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# libFuzzer needs the compiler's unstable sanitizer flags; RUSTC_BOOTSTRAP lets
# the stable toolchain accept them for this step alone.
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked --quiet
fuzz_log="$(mktemp)"
trap 'rm -f "$fuzz_log"' EXIT
for spec in front_matter:40000 markdown:15000 dates:1000000 slugs:500000 manifest:500000; do
    target="${spec%%:*}"
    runs="${spec##*:}"
    # --dev: fuzz/Cargo.toml's dev profile (opt-level 1, overflow checks and
    # debug assertions on) compiles in a fraction of cargo-fuzz's release
    # build, which compiles the library as one codegen unit.
    # -s none: no AddressSanitizer. The library forbids unsafe code, and the C
    # it links (libwebp) is not instrumented by cargo-fuzz anyway, so ASan
    # would find nothing here that Rust's own checks do not; libFuzzer's
    # coverage guidance stays. The runs are bounded by count and time.
    if ! RUSTC_BOOTSTRAP=1 cargo fuzz run --dev -s none "$target" -- -seed=1 -runs="$runs" -max_total_time=90 >"$fuzz_log" 2>&1; then
        tail -n 60 "$fuzz_log"
        # A crash leaves its input in fuzz/artifacts/: add it to fuzz/corpus/ to keep it.
        echo "fuzz target $target failed; any crashing input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    grep -E '^Done' "$fuzz_log" | sed "s/^/$target: /"
done
