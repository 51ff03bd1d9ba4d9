//! `forklar serve` and `forklar build --watch`: build, watch, rebuild on save, and
//! (for serve) signal open browser tabs to reload or show the error.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::build::BuildOptions;
use crate::diagnostics::Diagnostics;
use crate::incremental::{RebuildReport, Session};
use crate::output::Output;
use crate::output::Sink;
use crate::serve::kept::{self, KeptPages, Stamps, Tracked, keep_if_current};
use crate::serve::livereload::{BuildErrorInfo, LiveReload};
use crate::serve::server::{self, ServerConfig};
use crate::serve::watch::{ChangeSet, Watcher, watch};
use crate::serve::workers::{background_images, catch_up_worker, search_worker};

/// How `forklar serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    pub quiet: bool,
    /// Host names to answer besides the server's own (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// The moment taken as now (`--now`).
    pub now: Option<jiff::Timestamp>,
}

/// Serves the site until Ctrl-C or SIGTERM. Returns an error only when the server
/// cannot start; a broken site is shown in the terminal and the browser, never fatal.
///
/// The site is built into the site's cache, `.forklar-cache/serve/site/`, kept
/// for the next start ([`KeptPages`]). Where that cannot be used (a link on the
/// way, a read-only site, another server of the same site running), it is built
/// into a fresh private folder (mode 0700, an unpredictable name, never one
/// that already exists) in the system's temporary folder, removed when the
/// server stops.
pub fn serve(options: ServeOptions) -> Result<(), String> {
    crate::allocator::keep_freed_pages_for_saves();
    let addr = std::net::SocketAddr::new(options.bind, options.port);
    let url = format!("http://{addr}/");
    // A port the system picks differs every time, and so would the pages.
    let kept = (options.port != 0)
        .then(|| KeptPages::open(&options.root))
        .flatten();
    let identity = kept::identity(&url, options.drafts, options.now);
    let sources = kept.as_ref().map(|_| Stamps::of_site(&options.root));
    let reused = match (&kept, &sources) {
        (Some(kept), Some(sources)) => kept.take(&identity, sources),
        _ => false,
    };
    let (output, private) = match &kept {
        Some(kept) => (kept.site(), None),
        None => {
            let private = private_folder()?;
            (private.path().join("site"), Some(private))
        }
    };
    let reload = LiveReload::new();
    let mut config = ServerConfig::new(options.bind, options.port, &output);
    config.base_path = "/".into();
    config.allowed_hosts = options.allow_hosts.clone();
    if !output.is_dir() {
        std::fs::create_dir(&output)
            .map_err(|err| format!("cannot create {}: {err}", output.display()))?;
    }
    let running = server::start(config, reload.clone()).map_err(|err| err.to_string())?;
    let url = format!("http://{}/", running.addr());
    let serving = format!(
        "Serving {} at {url} (Ctrl-C to stop)",
        options.root.display()
    );
    if reused {
        // The pages of the last time, made from these very files: served at
        // once, while the site is built behind them.
        println!("{serving}");
    }
    let mut build = BuildOptions::new(&options.root);
    build.now = options.now;
    build.output = output.clone();
    build.base_url = Some(url.clone());
    build.drafts = options.drafts;
    let session = Session::new(build);
    reload.track_search(session.search_behind());
    let session = Arc::new(Mutex::new(session));
    let search = search_worker(&session, &reload);
    let images = background_images(
        &options.root,
        &session,
        &reload,
        search.clone(),
        options.quiet,
    )?;
    session
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .make_images_in_background(images);
    let stamps = sources.map(|sources| Arc::new(Mutex::new(Tracked::new(sources))));
    // Signals are heard from the start: a first build stuck in a template must
    // not keep Ctrl-C from stopping the server.
    let events = listen_for_signals();
    let root = options.root.clone();
    let quiet = options.quiet;
    let first = FirstBuildPlan {
        quiet,
        serving: true,
        reused,
        stamps: stamps.clone(),
        search,
    };
    let started = {
        let session = Arc::clone(&session);
        start_in_background(
            &events,
            move |reload| {
                let started = watch_and_build(&root, &session, reload, first);
                if let Ok((_, false)) = &started {
                    write_waiting_page(&root, &output);
                }
                started
            },
            &reload,
        )
    };
    let watcher = match started {
        Started::Ready(watcher) => {
            if !reused {
                println!("{serving}");
            }
            if options.open {
                open_browser(&url);
            }
            events.wait_for_signal();
            Some(watcher)
        }
        Started::Failed(why) => return Err(why),
        Started::Stopped => None,
    };
    println!("Stopping.");
    let root = options.root.clone();
    stop_promptly(move || {
        if let Some(watcher) = watcher {
            watcher.stop();
        }
        running.shutdown();
    });
    // Not within the bound above: it never waits for a rebuild (one still
    // running means nothing is vouched for), and stamping every source of
    // a large site can take longer than stopping the threads.
    if let (Some(kept), Some(stamps)) = (kept, stamps) {
        keep_if_current(&root, &session, &stamps, &kept, &identity);
    }
    if let Some(private) = private {
        crate::output::forget_record(&root, &private.path().join("site"));
    }
    Ok(())
}

/// A fresh private folder in the system's temporary folder.
fn private_folder() -> Result<tempfile::TempDir, String> {
    crate::writes::private_folder("forklar-serve-", "serve").map_err(|problem| problem.message)
}

/// Builds into the output folder, then rebuilds on every save until Ctrl-C.
pub fn build_and_watch(options: BuildOptions, quiet: bool) -> Result<(), String> {
    let root = options.root.clone();
    let session = Arc::new(Mutex::new(Session::new(options)));
    let events = listen_for_signals();
    let watched = root.clone();
    let started = start_in_background(
        &events,
        move |reload| {
            let first = FirstBuildPlan {
                quiet,
                serving: false,
                reused: false,
                stamps: None,
                search: search_worker(&session, reload),
            };
            watch_and_build(&watched, &session, reload, first)
        },
        &LiveReload::new(),
    );
    let watcher = match started {
        Started::Ready(watcher) => {
            println!("Watching {} for changes (Ctrl-C to stop)", root.display());
            events.wait_for_signal();
            watcher
        }
        Started::Failed(why) => return Err(why),
        Started::Stopped => return Ok(()),
    };
    stop_promptly(move || watcher.stop());
    Ok(())
}

/// The longest stopping waits for the watcher and the server to finish: a
/// rebuild stuck in a template is not waited for.
const STOP_WITHIN: Duration = Duration::from_millis(300);

/// How the first build ended, or that a signal came first.
enum Started {
    Ready(Watcher),
    Failed(String),
    Stopped,
}

/// The first build's outcome: the watcher, and whether the site built.
type FirstBuild = Result<(Watcher, bool), String>;

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP (`None`) and the first build's outcome
/// (`Some`), as messages on one channel.
struct Events {
    tx: mpsc::Sender<Option<FirstBuild>>,
    rx: mpsc::Receiver<Option<FirstBuild>>,
}

impl Events {
    fn wait_for_signal(&self) {
        while let Ok(Some(_)) = self.rx.recv() {}
    }
}

/// Starts listening for signals. Without a handler, the default behaviour of
/// each signal still stops the process.
fn listen_for_signals() -> Events {
    let (tx, rx) = mpsc::channel();
    let signal = tx.clone();
    let _ = ctrlc::set_handler(move || {
        let _ = signal.send(None);
    });
    Events { tx, rx }
}

/// Runs `start` (the first build) on a thread of its own and waits for it or
/// for a signal, whichever comes first.
fn start_in_background(
    events: &Events,
    start: impl FnOnce(&LiveReload) -> FirstBuild + Send + 'static,
    reload: &LiveReload,
) -> Started {
    let tx = events.tx.clone();
    let reload = reload.clone();
    let spawned = std::thread::Builder::new()
        .name("forklar-first-build".into())
        .spawn(move || {
            let _ = tx.send(Some(start(&reload)));
        });
    if let Err(err) = spawned {
        return Started::Failed(format!("cannot start the first build: {err}"));
    }
    match events.rx.recv() {
        Ok(Some(Ok((watcher, _)))) => Started::Ready(watcher),
        Ok(Some(Err(why))) => Started::Failed(why),
        Ok(None) | Err(_) => Started::Stopped,
    }
}

/// Runs `stop` on a thread of its own and waits for it at most [`STOP_WITHIN`].
fn stop_promptly(stop: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let spawned = std::thread::Builder::new().spawn(move || {
        stop();
        let _ = done.send(());
    });
    if spawned.is_ok() {
        let _ = finished.recv_timeout(STOP_WITHIN);
    }
}

/// How the first build runs and what follows it.
struct FirstBuildPlan {
    quiet: bool,
    /// `serve` (errors are shown in the browser), not `build --watch`.
    serving: bool,
    /// The kept pages of the last time are served: if the first build
    /// changes none of them, open pages need not reload.
    reused: bool,
    /// The stamps of the sources the output was made from, where the pages
    /// are kept for the next start.
    stamps: Option<Arc<Mutex<Tracked>>>,
    /// Wakes the thread that remakes the search index after a rebuild.
    search: mpsc::Sender<()>,
}

/// Starts watching, then builds the whole site while holding the session: a save
/// during the first build waits for it and is applied right after, never lost.
/// Returns whether the first build succeeded.
fn watch_and_build(
    root: &Path,
    session: &Arc<Mutex<Session>>,
    reload: &LiveReload,
    first: FirstBuildPlan,
) -> Result<(Watcher, bool), String> {
    let FirstBuildPlan {
        quiet,
        serving,
        reused,
        stamps,
        search,
    } = first;
    let mut first_build = session.lock().unwrap_or_else(|e| e.into_inner());
    let save_waiting = Arc::new(AtomicBool::new(false));
    let catch_up = catch_up_worker(session, reload, quiet, search, &save_waiting);
    let watcher = {
        let session = Arc::clone(session);
        let reload = reload.clone();
        let stamps = stamps.clone();
        watch(root, move |changes| {
            save_waiting.store(true, Ordering::SeqCst);
            let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
            save_waiting.store(false, Ordering::SeqCst);
            let result = apply(
                &mut session,
                &changes,
                &reload.open_pages(),
                stamps.as_deref(),
            );
            report(&result, &reload, quiet, serving);
            drop(session);
            // The rest of the pages that show the change; the search index
            // is remade after them.
            let _ = catch_up.send(());
        })
        .map_err(|err| format!("cannot watch {}: {err}", root.display()))?
    };
    let built = first_build.rebuild_all("the site");
    drop(first_build);
    if let (Err(_), Some(stamps)) = (&built, &stamps) {
        stamps.lock().unwrap_or_else(|e| e.into_inner()).unsure = true;
    }
    match &built {
        Ok(done) if reused && done.files.written == 0 && done.files.removed == 0 => {
            // The pages served were already these: nothing to reload.
            if !quiet {
                println!("The pages of the last time are up to date.");
            }
            reload.unchanged();
        }
        _ => report(&built, reload, quiet, serving),
    }
    Ok((watcher, built.is_ok()))
}

/// Applies a batch of saves, rendering the saved files' pages and those open
/// in a browser (`open`) first.
fn apply(
    session: &mut Session,
    changes: &ChangeSet,
    open: &std::collections::BTreeSet<String>,
    stamps: Option<&Mutex<Tracked>>,
) -> Result<RebuildReport, Diagnostics> {
    let root = session.options().root.clone();
    if changes.rescan {
        // Stamped before the rebuild reads them, so a file saved meanwhile
        // is never vouched for with its new stamp but old pages.
        let read = stamps.map(|_| Stamps::of_site(&root));
        let result = session.rebuild_all("everything (the system dropped file events)");
        if let Some(stamps) = stamps {
            let mut tracked = stamps.lock().unwrap_or_else(|e| e.into_inner());
            match (&result, read) {
                (Ok(_), Some(read)) => *tracked = Tracked::new(read),
                _ => tracked.unsure = true,
            }
        }
        return result;
    }
    let batch: Vec<std::path::PathBuf> = changes
        .paths
        .keys()
        .map(|path| path.strip_prefix(&root).unwrap_or(path).to_path_buf())
        .collect();
    let read = stamps.map(|_| Stamps::read(&root, &batch));
    let result = session.apply_reader_first(&batch, open);
    if let Some(stamps) = stamps {
        let mut tracked = stamps.lock().unwrap_or_else(|e| e.into_inner());
        match (&result, read) {
            (Ok(_), Some(read)) => tracked.stamps.apply(read),
            _ => tracked.unsure = true,
        }
    }
    result
}

/// One status line per rebuild; the whole error where there is one, in the
/// terminal and the browser.
pub(super) fn report(
    result: &Result<RebuildReport, Diagnostics>,
    reload: &LiveReload,
    quiet: bool,
    serving: bool,
) {
    match result {
        Ok(done) => {
            if !quiet {
                for warning in &done.warnings {
                    eprintln!("{warning}");
                }
                println!(
                    "Rebuilt {}: {} page{} re-rendered, {} file{} written, in {} ms",
                    done.what,
                    done.pages,
                    if done.pages == 1 { "" } else { "s" },
                    done.files.written,
                    if done.files.written == 1 { "" } else { "s" },
                    done.elapsed.as_millis()
                );
            }
            // Requests for these wait until they are written, so no page a
            // reader can fetch after the reload shows what it did before.
            reload.pending().add(done.pending.iter().cloned());
            reload.reload();
        }
        Err(problems) => {
            eprint!("{problems}");
            if serving {
                eprintln!(
                    "The last good version of the site is still served; fix the problem and save."
                );
            } else {
                eprintln!(
                    "The output folder keeps the last good version; fix the problem and save."
                );
            }
            reload.error(error_info(problems));
        }
    }
}

pub(super) fn error_info(problems: &Diagnostics) -> BuildErrorInfo {
    let Some(first) = problems.0.first() else {
        return BuildErrorInfo::new("the build failed");
    };
    let mut message = first.message.clone();
    if let Some(help) = &first.help {
        message.push('\n');
        message.push_str(help);
    }
    if problems.0.len() > 1 {
        message.push_str(&format!(
            "\n(and {} more problems; see the terminal)",
            problems.0.len() - 1
        ));
    }
    BuildErrorInfo {
        message,
        file: first.file.clone(),
        line: first.location.as_ref().map(|l| l.line as u32),
        column: first.location.as_ref().map(|l| l.column as u32),
    }
}

/// Shown when the very first build fails, so the browser has a page to show the
/// error on; the first good build replaces it. Written like any page, so it is
/// forklar's own file (in the manifest) and a build may replace it.
fn write_waiting_page(root: &Path, output: &Path) {
    let page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>forklar</title></head>\n<body><main><h1>The site has a problem</h1><p>See the terminal or the message on this page. The page reloads when the problem is fixed.</p></main></body></html>\n";
    if let Ok(out) = Output::begin(root, output) {
        if out
            .write("index.html", page.as_bytes(), "forklar serve")
            .is_ok()
        {
            let _ = out.commit_partial();
        } else {
            out.abandon();
        }
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(err) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("Could not open a browser ({opener}: {err}); open {url} yourself.");
    }
}
