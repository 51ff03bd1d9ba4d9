//! Pagefind, run in memory over the collected pages.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::Diagnostic;
use crate::i18n::Language;

use super::BUNDLE_DIR;

/// Pagefind's ready-made interfaces: the search page has its own, smaller
/// and in the site's language, so these are not published.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Pagefind's files for `pages` (address, copy), by path under the output
/// folder. The pages are taken one at a time, so a copy read back from the
/// cache's file is let go once Pagefind has it.
pub fn bundle(
    pages: impl IntoIterator<Item = Result<(String, String), Diagnostic>>,
    language: Language,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(failed)?;
    index_on(&runtime, pages, language)
}

/// [`bundle`] for `serve`, where it runs for seconds after every save that
/// changed what search indexes, beside the saves after it. Pagefind reads
/// pages on tokio's blocking threads and builds the index with rayon, which
/// would be the rendering pool the saves wait for: here it gets a pool of
/// its own, and every thread of its work runs at a lower priority, so a
/// save takes the cores whenever it needs them.
pub fn bundle_in_background(
    pages: impl IntoIterator<Item = Result<(String, String), Diagnostic>> + Send,
    language: Language,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|n| format!("forklar-index-{n}"))
        .start_handler(|_| {
            lower_this_threads_priority();
            crate::allocator::work_in_background_arena();
        })
        .build()
        .map_err(failed)?;
    pool.install(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .thread_name("forklar-index-read")
            .on_thread_start(|| {
                lower_this_threads_priority();
                crate::allocator::work_in_background_arena();
            })
            .build()
            .map_err(failed)?;
        index_on(&runtime, pages, language)
    })
}

/// How much nicer than the saves Pagefind's threads are on Linux: a thread
/// at 10 gets about a tenth of a core that a thread at 0 also wants, so a
/// save is served first, while the index still catches up on a busy
/// machine (`SCHED_IDLE`, tried first, left it waiting until a whole test
/// suite had finished).
const INDEXING_NICENESS: i32 = 10;

/// Lowers the calling thread's priority to [`INDEXING_NICENESS`]; elsewhere
/// than on Linux, where a thread has no niceness of its own, nothing.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)] // a setting the standard library does not offer; see SAFETY below
fn lower_this_threads_priority() {
    // SAFETY: both take no pointers; on Linux PRIO_PROCESS with 0 is the
    // calling thread alone. A failure leaves the priority as it was.
    unsafe {
        // Never raised: a server started nicer than this stays so.
        let now = libc::getpriority(libc::PRIO_PROCESS, 0);
        libc::setpriority(libc::PRIO_PROCESS, 0, now.max(INDEXING_NICENESS));
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_threads_priority() {}

fn index_on(
    runtime: &tokio::runtime::Runtime,
    pages: impl IntoIterator<Item = Result<(String, String), Diagnostic>>,
    language: Language,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    runtime.block_on(async {
        // Pagefind picks the stemmer by language code: nb (and nn, no) is
        // Norwegian, en English.
        let options = PagefindServiceConfig::builder()
            .force_language(language.code().to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(failed)?;
        for page in pages {
            let (url, html) = page?;
            index
                .add_html_file(None, Some(url), html)
                .await
                .map_err(failed)?;
        }
        let files = index.get_files().await.map_err(failed)?;
        Ok(files
            .into_iter()
            .filter_map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                (!UNUSED.contains(&name.as_str()) && !name.starts_with("playground/"))
                    .then(|| (format!("{BUNDLE_DIR}/{name}"), file.contents))
            })
            .collect())
    })
}

fn failed(err: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::new(format!("the search index could not be made: {err}")).with_help(
        "build again; if it keeps failing, set `search = false` in site.toml to publish \
         the site without search",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Vec<(String, String)> {
        (0..3)
            .map(|n| {
                (
                    format!("/sak-{n}/"),
                    format!(
                        "<html lang=\"nb\"><body><main data-pagefind-body>\
                         <h1>Sak {n}</h1><p>Protestene i Almaty, dag {n}.</p></main></body></html>"
                    ),
                )
            })
            .collect()
    }

    /// The calling thread's niceness (Linux), else 0.
    #[allow(unsafe_code)] // a question the standard library does not ask; see SAFETY below
    fn niceness() -> i32 {
        #[cfg(target_os = "linux")]
        // SAFETY: asks about the calling thread; takes no pointers.
        return unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        #[cfg(not(target_os = "linux"))]
        0
    }

    #[test]
    fn the_index_made_in_the_background_is_the_index_a_build_makes() {
        let threads = std::sync::Mutex::new(Vec::new());
        let pages_seen = pages().into_iter().map(|page| {
            // Where the pages are read: Pagefind's own pool, not the caller's
            // thread or the rendering pool.
            threads.lock().unwrap().push((
                std::thread::current().name().map(str::to_string),
                niceness(),
            ));
            Ok(page)
        });
        let background = bundle_in_background(pages_seen, Language::Nb).unwrap();
        let build = bundle(pages().into_iter().map(Ok), Language::Nb).unwrap();
        assert!(!build.is_empty());
        assert!(background == build, "the same files, byte for byte");
        for seen in threads.into_inner().unwrap() {
            let name = seen.0.unwrap_or_default();
            assert!(name.starts_with("forklar-index-"), "read on {name:?}");
            #[cfg(target_os = "linux")]
            assert!(
                seen.1 >= INDEXING_NICENESS,
                "at a lower priority: {}",
                seen.1
            );
        }
    }
}
