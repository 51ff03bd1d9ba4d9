//! The threads of `serve` beside the watcher: the one that renders the pages a
//! save left for after its reload, the one that remakes the search index, and
//! the image encoder's callbacks.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::images::{BackgroundImages, BackgroundStatus, ImageCache};
use crate::incremental::Session;
use crate::serve::command::{error_info, report};
use crate::serve::livereload::LiveReload;

/// The encoder that makes image variants while pages show the source file.
/// When a batch is ready, the pages showing those images are rendered again
/// (now from the cache) and browsers reload. The output of `serve` is a
/// private folder, so the unstripped source may be shown there meanwhile;
/// `build` never does this.
pub(super) fn background_images(
    root: &Path,
    session: &Arc<Mutex<Session>>,
    reload: &LiveReload,
    search: mpsc::Sender<()>,
    quiet: bool,
) -> Result<BackgroundImages, String> {
    let weak = Arc::downgrade(session);
    let on_ready = {
        let reload = reload.clone();
        move |sources: Vec<PathBuf>| {
            let Some(session) = weak.upgrade() else {
                return;
            };
            let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
            let result = session.apply(&sources).map(|mut done| {
                done.what = format!("the images of {}", done.what);
                done
            });
            // This renders the pages a save left for later along.
            if result.is_ok() && !session.has_pages_left() {
                reload.pending().clear();
            }
            report(&result, &reload, quiet, true);
            // The pages shown with their variants may change what search
            // indexes (a caption, an alternative text).
            let _ = search.send(());
        }
    };
    let on_status = {
        let reload = reload.clone();
        move |status: BackgroundStatus, batch: Option<Duration>| {
            reload.set_image_status(status.pending, status.encoded);
            if quiet {
                return;
            }
            match batch {
                Some(took) if status.pending == 0 => println!(
                    "Images up to date ({} variants made in all; the last batch in {} ms)",
                    status.encoded,
                    took.as_millis()
                ),
                Some(_) => {}
                None => println!(
                    "Images: {} to make; pages show the original file meanwhile",
                    status.pending
                ),
            }
        }
    };
    let decode_concurrency = crate::config::Config::load(root)
        .map(|config| config.images.decode_concurrency)
        .unwrap_or(2);
    BackgroundImages::start(
        ImageCache::for_site(root),
        decode_concurrency,
        on_ready,
        on_status,
    )
    .map_err(|err| format!("cannot start the image encoder: {err}"))
}

/// Pages rendered after a save's reload at a time, each handful committed
/// as it is done. A save that comes meanwhile waits only for the pages being
/// rendered at that moment and for the commit of those done; it takes the
/// rest along.
const CATCH_UP_CHUNK: usize = 48;

/// A thread that renders, whenever it is woken (after a save's reload), the
/// pages the save left: a handful at a time, starting no page while a save
/// waits. When none is left, requests waiting for pages go on, and the
/// search index is remade.
pub(super) fn catch_up_worker(
    session: &Arc<Mutex<Session>>,
    reload: &LiveReload,
    quiet: bool,
    search: mpsc::Sender<()>,
    save_waiting: &Arc<AtomicBool>,
) -> mpsc::Sender<()> {
    let (wake, woken) = mpsc::channel::<()>();
    let session = Arc::clone(session);
    let reload = reload.clone();
    let save_waiting = Arc::clone(save_waiting);
    let spawned = std::thread::Builder::new()
        .name("forklar-catch-up".into())
        .spawn(move || {
            while woken.recv().is_ok() {
                while woken.try_recv().is_ok() {}
                let started = Instant::now();
                let (mut pages, mut files) = (0, 0);
                loop {
                    while save_waiting.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
                    let give_way = || save_waiting.load(Ordering::SeqCst);
                    match session.catch_up_some(CATCH_UP_CHUNK, &give_way) {
                        Some(Ok(done)) => {
                            pages += done.pages;
                            files += done.files.written;
                            if !quiet {
                                for warning in &done.warnings {
                                    eprintln!("{warning}");
                                }
                            }
                            if session.has_pages_left() {
                                continue;
                            }
                        }
                        Some(Err(problems)) => {
                            eprint!("{problems}");
                            eprintln!(
                                "Some pages still show the version before this save; fix the problem and save."
                            );
                            reload.error(error_info(&problems));
                        }
                        None => {}
                    }
                    // Under the session's lock: a save's pages are added under it too.
                    reload.pending().clear();
                    break;
                }
                if pages > 0 && !quiet {
                    println!(
                        "  then {pages} more page{} that show{} it, {files} file{} written, in {} ms",
                        if pages == 1 { "" } else { "s" },
                        if pages == 1 { "s" } else { "" },
                        if files == 1 { "" } else { "s" },
                        started.elapsed().as_millis()
                    );
                }
                let _ = search.send(());
            }
        });
    if let Err(err) = spawned {
        eprintln!(
            "note: pages beyond the saved file's are not updated: cannot start their thread: {err}"
        );
    }
    wake
}

/// A thread that brings the search index up to date whenever it is woken,
/// after a rebuild: the index is made from the session's pages without
/// holding the session, so saves go on meanwhile, and written only if no save
/// changed those pages since. Open pages get `event: search` when it is done.
pub(super) fn search_worker(
    session: &Arc<Mutex<Session>>,
    reload: &LiveReload,
) -> mpsc::Sender<()> {
    let (wake, woken) = mpsc::channel::<()>();
    let session = Arc::clone(session);
    let reload = reload.clone();
    let spawned = std::thread::Builder::new()
        .name("forklar-search".into())
        .spawn(move || {
            crate::allocator::work_in_background_arena();
            while woken.recv().is_ok() {
                while woken.try_recv().is_ok() {}
                loop {
                    let job = session
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .search_job();
                    let Some(job) = job else { break };
                    // A save holds the session while it renders: Pagefind
                    // waits for it before taking the next page, so the save
                    // has the cores (the index's own last step cannot wait).
                    let wait_for_saves = || drop(session.lock().unwrap_or_else(|e| e.into_inner()));
                    let made = job.bundle(&wait_for_saves);
                    // Indexing an archive takes gigabytes for a moment, freed
                    // by now: given back here, before the index is announced,
                    // so that the preview does not hold them until the next
                    // save, nor does that save pay for giving them back. Only
                    // the background arena's: the saves keep theirs.
                    crate::allocator::give_back_background_freed();
                    let written = made.and_then(|index| {
                        session
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .finish_search(&job, index)
                    });
                    match written {
                        Ok(true) => reload.search_updated(),
                        Ok(false) => {}
                        Err(problem) => eprintln!("{problem}"),
                    }
                }
            }
        });
    if let Err(err) = spawned {
        eprintln!("note: search is not updated on save: cannot start its thread: {err}");
    }
    wake
}
