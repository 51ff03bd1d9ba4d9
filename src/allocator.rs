//! The memory allocator: jemalloc, on every platform it supports.
//!
//! A build allocates and frees millions of small blocks on several threads
//! (template values, parse trees, page buffers), and keeps a few of them per
//! article for the lists until its end. glibc's malloc served the render
//! from the holes the load left all over the heap: a fifth of a build's
//! instructions, and the main reason each article cost more at 100,000
//! articles than at 10,000 (docs/performance.md, "A full build's CPU
//! time"). jemalloc sorts blocks by size into pages of their own, so a
//! request is served from memory used a moment ago.
//!
//! Its options, read when the first block is asked for:
//! - `dirty_decay_ms:50`: freed pages go back to the kernel after 50 ms
//!   instead of 10 s, so a build's peak is what it holds, not what it held
//!   in the last seconds (at the default, 64 instead of 51 MiB at 10,000
//!   articles; a 10 MB one-line article more than 5× its size).
//! - `muzzy_decay_ms:0`: and at once for good (`MADV_DONTNEED`), not first
//!   lent back (`MADV_FREE`), which peak memory would still count.
//! - `disable_large_size_classes:false`: a block over 16 KiB is rounded up to
//!   one of four sizes per doubling, as in jemalloc's releases, instead of to
//!   whole pages. With whole pages a growing buffer is moved more often, and
//!   each move leaves a touched copy behind: a 10 MB one-line article then
//!   peaked at 5.2× its size instead of 4.3×.
//!
//! Off in builds without the default features (the fuzz targets, under the
//! sanitizer's own allocator), and on Windows' MSVC, which jemalloc does not
//! support: there the system's allocator serves.

/// Hands every page the program no longer uses back to the system at once,
/// rather than when the allocator next runs: `serve` sits idle after a
/// build until the next save.
pub fn give_back_freed() {
    #[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
    // Nothing to do if it fails: the pages go back on jemalloc's own
    // schedule instead.
    let _ = jemalloc::purge_all_arenas();
}

#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
mod jemalloc {
    #[global_allocator]
    static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

    /// jemalloc's options (see the module's documentation), as the C string
    /// its `malloc_conf` is: jemalloc declares it weak, so this definition is
    /// the one linked. `tikv-jemalloc-sys` prefixes jemalloc's symbols with
    /// `_rjem_` on every platform unless its feature
    /// `unprefixed_malloc_on_supported_platforms` is on, which forklar does
    /// not turn on.
    #[allow(unsafe_code)] // a symbol jemalloc reads at start-up; it is only read
    #[unsafe(export_name = "_rjem_malloc_conf")]
    static OPTIONS: &[u8; 68] =
        b"dirty_decay_ms:50,muzzy_decay_ms:0,disable_large_size_classes:false\0";

    /// `arena.<i>.purge` for `MALLCTL_ARENAS_ALL` (4096): every arena.
    const PURGE_ALL: &[u8] = b"arena.4096.purge\0";

    /// Purges every arena; the error is jemalloc's status code.
    #[allow(unsafe_code)] // a C library call Rust's allocator interface does not offer; see SAFETY
    pub(super) fn purge_all_arenas() -> Result<(), i32> {
        // SAFETY: the name is NUL-terminated; `arena.<i>.purge` reads and
        // writes nothing (all four pointers null), and jemalloc allows it
        // from any thread at any time.
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(
                PURGE_ALL.as_ptr().cast(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
            )
        };
        if status == 0 { Ok(()) } else { Err(status) }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// This test binary allocates through jemalloc too (the allocator is
        /// set by the library), so the purge runs for real, and what was
        /// freed before it can be allocated again after it.
        #[test]
        fn every_arena_is_purged_and_its_memory_used_again() {
            let blocks: Vec<Vec<u8>> = (0..1000).map(|i| vec![i as u8; 4096]).collect();
            drop(blocks);
            assert_eq!(purge_all_arenas(), Ok(()));
            let after: Vec<u8> = vec![7; 1 << 20];
            assert!(after.iter().all(|&b| b == 7));
        }
    }
}
