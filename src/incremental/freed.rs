//! The memory a full build freed. A build frees millions of blocks at its
//! end (every page's data); `serve` then waits for the next save with that
//! memory still held unless it is handed back.
//!
//! With jemalloc (the default, see [`crate::allocator`]) the freed pages are
//! handed back at once. Built without it, on glibc: glibc's malloc keeps the
//! freed blocks unsorted, per arena, and sorts them into its size lists on
//! the next request it cannot serve from a cache, at most 10,000 blocks a
//! request: on a large site the first save after a build spent most of its
//! time there. They are sorted and handed back to the system after the
//! build instead, on the threads that made them, which are the threads that
//! render saves: once nothing of the build is left to free
//! ([`super::Session::rebuild_all`]). A block freed after the sorting waits
//! for the next save: a report naming every file of the site, freed after
//! it, filled the lists again and the first save sorted them, which is why
//! a full build's report names no files.

/// After a full build: hands the free memory back in one go; on glibc, after
/// sorting the freed blocks of every rendering thread's arena and of this
/// thread's.
pub(super) fn tidy_after_full_build() {
    crate::allocator::give_back_freed();
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "jemalloc")))]
    {
        rayon::broadcast(|_| glibc::sort_freed_blocks());
        glibc::sort_freed_blocks();
        glibc::trim();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "jemalloc")))]
mod glibc {
    use std::time::{Duration, Instant};

    /// Too large for the per-thread caches and the lists of one block size,
    /// and below the size glibc maps on its own: each such request sorts
    /// freed blocks first.
    const SORTING_REQUEST: usize = 64 * 1024;
    /// A request with nothing left to sort is served in about a microsecond;
    /// one that sorted 10,000 blocks takes hundreds.
    const NOTHING_LEFT: Duration = Duration::from_micros(50);
    /// A bound, should the machine be so busy that every request looks slow.
    const AT_MOST: Duration = Duration::from_secs(3);

    /// Sorts the calling thread's arena's freed blocks, by asking for
    /// [`SORTING_REQUEST`] bytes until a request finds nothing to sort.
    pub(super) fn sort_freed_blocks() {
        let started = Instant::now();
        while started.elapsed() < AT_MOST {
            let asked = Instant::now();
            let block: Vec<u8> = Vec::with_capacity(SORTING_REQUEST);
            drop(std::hint::black_box(block));
            if asked.elapsed() < NOTHING_LEFT {
                break;
            }
        }
    }

    /// Hands the free memory of every arena back to the system.
    #[allow(unsafe_code)] // a C library call the standard library does not offer; see SAFETY below
    pub(super) fn trim() {
        // SAFETY: malloc_trim takes no pointer and only reorganises memory
        // already freed; glibc allows it from any thread at any time.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}
