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
//! `serve` changes the first for itself ([`keep_freed_pages_for_saves`]): a
//! save after a pause found every page it had freed handed back, and
//! faulted them in anew (body saves 2 s apart at 10,000 articles: medians
//! of 17–23 ms, 14 ms with the pages kept). Its saves
//! keep what they free for minutes; the work it does in the background
//! (the search index, which takes gigabytes for a moment, and images) runs
//! in an arena of its own that keeps the 50 ms and is emptied when a job
//! ends, so that the saves' pages are not given back with it.
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

/// For `serve`, before its first build: the pages a save frees are kept
/// for the next save for [`jemalloc::SAVES_KEEP_FREED_MS`] instead of 50 ms,
/// and the background arena is made ([`work_in_background_arena`]).
pub fn keep_freed_pages_for_saves() {
    #[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
    // Should jemalloc refuse, saves only find their pages handed back.
    let _ = jemalloc::keep_freed_pages_for_saves();
}

/// Moves the calling thread's allocations to the background arena, if
/// `serve` made one: for the threads of work that runs beside the saves and
/// frees much at once (the search index, images).
pub fn work_in_background_arena() {
    #[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
    // Should it fail, the thread allocates where it did.
    let _ = jemalloc::work_in_background_arena();
}

/// Hands back the pages the background arena's work has freed, at once;
/// the saves' pages stay. Where there is no background arena, every
/// arena's ([`give_back_freed`]).
pub fn give_back_background_freed() {
    #[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
    match jemalloc::background_arena() {
        Some(arena) => {
            let _ = jemalloc::purge_arena(arena);
        }
        None => give_back_freed(),
    }
    #[cfg(not(all(feature = "jemalloc", not(target_env = "msvc"))))]
    give_back_freed();
}

#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
mod jemalloc {
    use std::ffi::CString;
    use std::sync::OnceLock;

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

    /// How long a page freed by a save is kept for the next one in `serve`:
    /// a writer's pause between saves is seconds to minutes. jemalloc hands
    /// such pages back gradually over this time, and only when the arena is
    /// next used, so an idle server gives them back on the save after a
    /// long pause.
    pub(super) const SAVES_KEEP_FREED_MS: isize = 5 * 60 * 1000;

    /// The compiled-in decay (`OPTIONS`), which the background arena keeps.
    pub(super) const BACKGROUND_KEEPS_FREED_MS: isize = 50;

    static BACKGROUND_ARENA: OnceLock<Option<u32>> = OnceLock::new();

    /// The background arena's index, once `serve` has made it.
    pub(super) fn background_arena() -> Option<u32> {
        BACKGROUND_ARENA.get().copied().flatten()
    }

    /// Purges every arena; the error is jemalloc's status code.
    pub(super) fn purge_all_arenas() -> Result<(), i32> {
        act(PURGE_ALL)
    }

    /// Purges one arena.
    pub(super) fn purge_arena(arena: u32) -> Result<(), i32> {
        act(&name(&format!("arena.{arena}.purge")))
    }

    /// See [`super::keep_freed_pages_for_saves`]. The background arena is
    /// made first and keeps the short decay of `OPTIONS`; then arenas made
    /// from now on, and those already in use, take the long one.
    /// Automatic arenas not used yet answer EFAULT and take the new default
    /// when first used.
    pub(super) fn keep_freed_pages_for_saves() -> Result<(), i32> {
        let background = *BACKGROUND_ARENA.get_or_init(|| read::<u32>(b"arenas.create\0").ok());
        if let Some(arena) = background {
            let short = BACKGROUND_KEEPS_FREED_MS;
            write(&name(&format!("arena.{arena}.dirty_decay_ms")), &short)?;
        }
        let keep = SAVES_KEEP_FREED_MS;
        write(b"arenas.dirty_decay_ms\0", &keep)?;
        let automatic: u32 = read(b"opt.narenas\0")?;
        for arena in (0..automatic).filter(|&arena| Some(arena) != background) {
            let _ = write(&name(&format!("arena.{arena}.dirty_decay_ms")), &keep);
        }
        Ok(())
    }

    /// See [`super::work_in_background_arena`]: `thread.arena`.
    pub(super) fn work_in_background_arena() -> Result<(), i32> {
        match background_arena() {
            Some(arena) => write(b"thread.arena\0", &arena),
            None => Ok(()),
        }
    }

    fn name(text: &str) -> Vec<u8> {
        CString::new(text)
            .expect("a control's name has no NUL")
            .into_bytes_with_nul()
    }

    /// Runs a control that takes and gives no value (a purge).
    fn act(name: &[u8]) -> Result<(), i32> {
        mallctl(name, std::ptr::null_mut(), 0, std::ptr::null(), 0).map(|_| ())
    }

    /// Reads a control's value.
    fn read<R: Default>(name: &[u8]) -> Result<R, i32> {
        let mut value = R::default();
        let len = std::mem::size_of::<R>();
        let read = mallctl(
            name,
            std::ptr::from_mut(&mut value).cast(),
            len,
            std::ptr::null(),
            0,
        )?;
        if read == len {
            Ok(value)
        } else {
            Err(libc::EINVAL)
        }
    }

    /// Sets a control's value.
    fn write<W>(name: &[u8], value: &W) -> Result<(), i32> {
        let len = std::mem::size_of::<W>();
        mallctl(
            name,
            std::ptr::null_mut(),
            0,
            std::ptr::from_ref(value).cast(),
            len,
        )
        .map(|_| ())
    }

    /// `mallctl`: reads the control's value into `old` (room for `old_len`
    /// bytes) and writes the `new_len` bytes at `new`; the bytes read, or
    /// jemalloc's status code.
    #[allow(unsafe_code)] // a C library call Rust's allocator interface does not offer; see SAFETY
    fn mallctl(
        name: &[u8],
        old: *mut std::ffi::c_void,
        old_len: usize,
        new: *const std::ffi::c_void,
        new_len: usize,
    ) -> Result<usize, i32> {
        assert_eq!(name.last(), Some(&0), "a control's name ends in NUL");
        let mut read = old_len;
        let read_len = if old.is_null() {
            std::ptr::null_mut()
        } else {
            &raw mut read
        };
        // SAFETY: the name is NUL-terminated (checked above). `old` is null
        // or points to `old_len` writable bytes, and jemalloc writes at most
        // `read` (that many) bytes there; `new` is null or points to
        // `new_len` bytes it only reads. The callers pass values of the type
        // each control named in this module takes (u32 for arena indexes
        // and counts, ssize_t for decays), and jemalloc allows them from any
        // thread at any time.
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(name.as_ptr().cast(), old, read_len, new.cast_mut(), new_len)
        };
        if status == 0 { Ok(read) } else { Err(status) }
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

        fn decay_of(arena: u32) -> isize {
            read(&name(&format!("arena.{arena}.dirty_decay_ms"))).unwrap()
        }

        fn this_threads_arena() -> u32 {
            read(b"thread.arena\0").unwrap()
        }

        /// What `serve` sets up: arenas in use keep freed pages for minutes,
        /// the background arena for 50 ms, and a thread sent there
        /// allocates there while others stay where they were.
        #[test]
        fn saves_keep_freed_pages_and_background_work_has_an_arena_of_its_own() {
            // Arena 0 is in use from the first allocation on.
            let before = decay_of(0);
            assert_eq!(keep_freed_pages_for_saves(), Ok(()));
            assert_eq!(decay_of(0), SAVES_KEEP_FREED_MS, "was {before}");
            let background = background_arena().expect("the background arena is made");
            assert_ne!(background, 0);
            assert_eq!(decay_of(background), BACKGROUND_KEEPS_FREED_MS);
            // Made once: a second call keeps the same arena.
            assert_eq!(keep_freed_pages_for_saves(), Ok(()));
            assert_eq!(background_arena(), Some(background));

            let elsewhere = this_threads_arena();
            let moved = std::thread::spawn(move || {
                assert_eq!(work_in_background_arena(), Ok(()));
                let blocks: Vec<Vec<u8>> = (0..100).map(|i| vec![i as u8; 64 * 1024]).collect();
                let arena = this_threads_arena();
                drop(blocks);
                arena
            })
            .join()
            .unwrap();
            assert_eq!(moved, background);
            assert_ne!(
                this_threads_arena(),
                background,
                "only the thread asking moves"
            );
            assert_ne!(elsewhere, background);
            assert_eq!(purge_arena(background), Ok(()));
        }
    }
}
