//! Links the `forklar` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable, the default, carries some 34,000
//! relocations that the loader applies at every start, copying each page of
//! data it touches: about a millisecond of every run, a tenth of a build of
//! the sample site. What is given up: the binary's own code and data sit at
//! a fixed address (the heap, the stack and the shared libraries are still
//! placed at random). Other systems keep their default.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
