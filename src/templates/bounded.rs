//! Keeping each render within the time limit (`[templates] time_limit`).
//! Tera cannot be interrupted, so a render past the limit can only be walked
//! away from (its thread left behind) or ended with the process.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak, mpsc};
use std::time::{Duration, Instant};

use tera::{Context, Tera};

use super::runaway::{Loop, running_loop};
use super::{Origin, Templates, error_text};
use crate::diagnostics::Diagnostic;

/// How a render is kept within the time limit.
pub(super) enum Bound {
    /// Each render runs on a worker thread the caller waits for, and walks
    /// away from at the limit: the process lives on (`serve`), at the cost of
    /// two thread switches a render.
    HandOver,
    /// Each render runs on the calling thread; a watchdog ends the process at
    /// the limit (`build`, which stops at its first problem anyway).
    Watched(Arc<Watch>),
}

impl Templates {
    /// Renders on the calling thread from now on; when a render runs past the
    /// time limit, hands the problem to `on_overrun` (to report it and clean
    /// up) and ends the process with a failure, since the render cannot be
    /// stopped. Spares a build the two thread switches a render costs otherwise.
    pub fn end_process_on_overrun(&mut self, on_overrun: Box<dyn Fn(Diagnostic) + Send + Sync>) {
        let watch = Arc::new(Watch {
            running: Mutex::new(Vec::new()),
            origins: Arc::clone(&self.origins),
            time_limit: self.time_limit,
            on_overrun,
        });
        if watch.start_watchdog().is_ok() {
            self.bound = Bound::Watched(watch);
        }
    }

    /// Runs Tera on this thread's render worker and waits at most the time
    /// limit. Tera cannot be interrupted, so a worker still running then is
    /// abandoned (it stops by itself at its next write) and the next render
    /// gets a fresh one. A failure names the index of the template that failed.
    pub(super) fn render_bounded(
        &self,
        templates: &[&str],
        context: &Context,
        source: &str,
    ) -> Result<Vec<Vec<u8>>, (usize, Stopped)> {
        let deadline = Instant::now() + self.time_limit;
        if let Bound::Watched(watch) = &self.bound {
            return watch.render_here(&self.tera, templates, context, source, deadline);
        }
        let tera = Arc::clone(&self.tera);
        let names: Vec<String> = templates.iter().map(|t| t.to_string()).collect();
        let context = context.clone();
        let (done, result) = mpsc::sync_channel(1);
        // The template being rendered, for the message when time runs out.
        let current = Arc::new(AtomicUsize::new(0));
        let at = Arc::clone(&current);
        // Set when the render is walked away from, so that it ends at its next write.
        let abandoned = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&abandoned);
        let job: Job = Box::new(move || {
            let mut pages = Vec::with_capacity(names.len());
            for (n, name) in names.iter().enumerate() {
                at.store(n, Ordering::Relaxed);
                let mut out = BoundedWriter {
                    bytes: Vec::with_capacity(PAGE_CAPACITY),
                    deadline,
                    unchecked: 0,
                    abandoned: Some(Arc::clone(&stop)),
                };
                if let Err(err) = tera.render_to(name, &context, &mut out) {
                    let _ = done.send(Err((n, err)));
                    return;
                }
                pages.push(out.bytes);
            }
            let _ = done.send(Ok(pages));
        });
        if let Err(job) = WORKER.with(|worker| worker.borrow_mut().run(job)) {
            // No thread could be started: render here, unbounded, rather than not at all.
            job();
        }
        match result.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Ok(pages)) => Ok(pages),
            Ok(Err((n, err))) => Err((n, Stopped::from(err))),
            Err(_) => {
                abandoned.store(true, Ordering::Relaxed);
                WORKER.with(|worker| worker.borrow_mut().abandon());
                // A render that writes stops at once now; one that does not
                // write is stuck where it does not, and is walked away from.
                if let Ok(Err((n, err))) = result.recv_timeout(STOPS_AT_ONCE) {
                    return Err((n, Stopped::from(err)));
                }
                Err((
                    current.load(Ordering::Relaxed),
                    Stopped::WalkedAway(format!(
                        "{TOOK_LONGER} {} s",
                        self.time_limit.as_secs_f64()
                    )),
                ))
            }
        }
    }
}

/// How long a render told to stop is given to do so at its next write.
const STOPS_AT_ONCE: Duration = Duration::from_millis(50);

/// Why a render did not finish.
pub(super) enum Stopped {
    Failed(tera::Error),
    /// It ran out of time or grew too large, and its writer stopped it.
    TooLong(String),
    /// It ran out of time without writing, and was left to stop by itself
    /// (`serve`): perhaps stuck where it writes nothing, which rendering it
    /// again, to find the loop, would only repeat.
    WalkedAway(String),
}

impl Stopped {
    /// It was stopped at the time limit (not for growing too large).
    pub(super) fn ran_out_of_time(&self) -> bool {
        match self {
            Stopped::Failed(_) => false,
            Stopped::TooLong(why) => why.starts_with(TOOK_LONGER),
            Stopped::WalkedAway(_) => true,
        }
    }
}

/// How a render stopped at the time limit is described.
const TOOK_LONGER: &str = "took longer than";

impl From<tera::Error> for Stopped {
    fn from(err: tera::Error) -> Stopped {
        match stopped_by_writer(&err) {
            Some(why) => Stopped::TooLong(why),
            None => Stopped::Failed(err),
        }
    }
}

/// The problem of a render of `source` with `template` stopped for `why`,
/// at the loop found running (which may be in a template it extends or
/// includes).
pub(super) fn too_long(
    origins: &[Origin],
    time_limit: Duration,
    source: &str,
    template: &str,
    why: &str,
    running: Option<Loop>,
) -> Diagnostic {
    let limit = format!(
        "the limit is time_limit = {} under [templates] in site.toml",
        time_limit.as_secs_f64()
    );
    if let Some(running) = running
        && let Some(origin) = origins.get(running.origin)
    {
        return Diagnostic::new(format!(
            "rendering {source} with the template `{template}` {why}; it was stopped in \
             this loop of `{}`",
            origin.name
        ))
        .in_file(&origin.path)
        .at_span(&origin.source, running.span)
        .with_help(format!(
            "make this loop end sooner or run fewer times (a `for` inside a `for` \
             multiplies; a `range` needs an `end` that is not too large); {limit}"
        ));
    }
    let diagnostic = Diagnostic::new(format!(
        "rendering {source} with the template `{template}` {why}; it was stopped"
    ))
    .with_help(format!(
        "look for a loop in `{template}`, a template it extends or one it includes that \
         never ends or runs too often (a `for` inside a `for` multiplies); {limit}"
    ));
    match origins.iter().find(|o| o.name == template) {
        Some(origin) => diagnostic.in_file(&origin.path),
        None => diagnostic,
    }
}

/// Watches the renders running on their callers' threads ([`Bound::Watched`]).
pub(super) struct Watch {
    running: Mutex<Vec<Running>>,
    origins: Arc<[Origin]>,
    time_limit: Duration,
    on_overrun: Box<dyn Fn(Diagnostic) + Send + Sync>,
}

/// A render in progress on one thread.
struct Running {
    thread: std::thread::ThreadId,
    deadline: Instant,
    source: String,
    template: String,
    /// For finding the loop it is stuck in, should it run past its deadline.
    context: Context,
}

impl Watch {
    /// A thread that looks at the running renders a few times within each
    /// time limit, until the templates are dropped.
    fn start_watchdog(self: &Arc<Self>) -> std::io::Result<()> {
        let watch: Weak<Watch> = Arc::downgrade(self);
        let every =
            (self.time_limit / 20).clamp(Duration::from_millis(10), Duration::from_millis(250));
        std::thread::Builder::new()
            .name("forklar-watchdog".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    let Some(watch) = watch.upgrade() else { return };
                    watch.end_overrun();
                }
            })
            .map(drop)
    }

    /// Reports a render past its deadline, if any, and ends the process;
    /// not if the render has ended meanwhile (its own thread reports it).
    fn end_overrun(&self) {
        let now = Instant::now();
        let overrun = {
            let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
            running.iter().find(|r| r.deadline <= now).map(|r| {
                let copy = (r.source.clone(), r.template.clone(), r.context.clone());
                (r.thread, r.deadline, copy)
            })
        };
        if let Some((thread, deadline, (source, template, context))) = overrun {
            let running = running_loop(&self.origins, &template, &context, self.time_limit);
            // The render may have been stopped by its writer meanwhile, and be
            // reported by its own thread.
            let still_running = self
                .running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .any(|r| r.thread == thread && r.deadline == deadline);
            if !still_running {
                return;
            }
            (self.on_overrun)(too_long(
                &self.origins,
                self.time_limit,
                &source,
                &template,
                &format!("{TOOK_LONGER} {} s", self.time_limit.as_secs_f64()),
                running,
            ));
            std::process::exit(1);
        }
    }

    /// Renders each of `templates` on this thread, watched until it returns.
    fn render_here(
        &self,
        tera: &Tera,
        templates: &[&str],
        context: &Context,
        source: &str,
        deadline: Instant,
    ) -> Result<Vec<Vec<u8>>, (usize, Stopped)> {
        let thread = std::thread::current().id();
        let mut pages = Vec::with_capacity(templates.len());
        let mut result = Ok(());
        for (n, name) in templates.iter().enumerate() {
            self.at(thread, deadline, source, name, context);
            let mut out = BoundedWriter {
                bytes: Vec::with_capacity(PAGE_CAPACITY),
                deadline,
                unchecked: 0,
                // A render past its deadline ends the process.
                abandoned: None,
            };
            if let Err(err) = tera.render_to(name, context, &mut out) {
                result = Err((n, Stopped::from(err)));
                break;
            }
            pages.push(out.bytes);
        }
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|r| r.thread != thread);
        // The watchdog, probing for the loop first, may have seen the render
        // end before it could report it: past the limit is too long all the same.
        if result.is_ok() && Instant::now() > deadline {
            return Err((
                templates.len().saturating_sub(1),
                Stopped::TooLong(format!("{TOOK_LONGER} {} s", self.time_limit.as_secs_f64())),
            ));
        }
        result.map(|()| pages)
    }

    /// Records that `thread` renders `source` with `template` now.
    fn at(
        &self,
        thread: std::thread::ThreadId,
        deadline: Instant,
        source: &str,
        template: &str,
        context: &Context,
    ) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        match running.iter_mut().find(|r| r.thread == thread) {
            Some(entry) => {
                entry.template.clear();
                entry.template.push_str(template);
            }
            None => running.push(Running {
                thread,
                deadline,
                source: source.to_string(),
                template: template.to_string(),
                context: context.clone(),
            }),
        }
    }
}

/// The most one page may weigh: far beyond any real page, well below what
/// would exhaust the memory of a laptop.
const MAX_PAGE_BYTES: usize = 256 * 1024 * 1024;

/// Room made for a page up front: an article page is some 24 KB, so most
/// pages never grow, and so are never copied while being written.
const PAGE_CAPACITY: usize = 32 * 1024;

/// Bytes written since the clock was last read.
const CHECK_EVERY: usize = 64 * 1024;

/// Collects a page and ends the render (with an error Tera passes on) once
/// the deadline has passed or the page has grown past [`MAX_PAGE_BYTES`].
struct BoundedWriter {
    bytes: Vec<u8>,
    deadline: Instant,
    unchecked: usize,
    /// Set once the render was walked away from ([`Bound::HandOver`]): the
    /// clock is read only every [`CHECK_EVERY`] bytes, which a loop writing a
    /// byte at a time might not reach for hours.
    abandoned: Option<Arc<AtomicBool>>,
}

impl std::io::Write for BoundedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    /// Takes every byte or none: Tera writes a page in hundreds of small
    /// pieces, each through `write_all`, whose loop around `write` is
    /// not needed here.
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(abandoned) = &self.abandoned
            && abandoned.load(Ordering::Relaxed)
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                OUT_OF_TIME,
            ));
        }
        self.unchecked += buf.len();
        if self.unchecked >= CHECK_EVERY {
            self.unchecked = 0;
            if Instant::now() >= self.deadline {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    OUT_OF_TIME,
                ));
            }
            if self.bytes.len() + buf.len() > MAX_PAGE_BYTES {
                return Err(std::io::Error::other(TOO_LARGE));
            }
        }
        self.bytes.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const OUT_OF_TIME: &str = "the render ran out of time";
const TOO_LARGE: &str = "the page grew too large";

/// Where the writer ended the render, why, in words for the message.
fn stopped_by_writer(err: &tera::Error) -> Option<String> {
    let text = error_text(err);
    if text.contains(OUT_OF_TIME) {
        Some(format!("{TOOK_LONGER} its time limit"))
    } else if text.contains(TOO_LARGE) {
        Some(format!(
            "made a page larger than {} MB",
            MAX_PAGE_BYTES / 1024 / 1024
        ))
    } else {
        None
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// A thread that runs renders for one rendering thread, one at a time.
#[derive(Default)]
struct Worker {
    jobs: Option<mpsc::Sender<Job>>,
}

impl Worker {
    /// Hands `job` to the worker, starting one if needed; gives it back when
    /// no thread can be started.
    fn run(&mut self, job: Job) -> Result<(), Job> {
        if self.jobs.is_none() {
            let (jobs, queue) = mpsc::channel::<Job>();
            let started = std::thread::Builder::new()
                .name("forklar-render".into())
                .spawn(move || {
                    for job in queue {
                        job();
                    }
                });
            if started.is_err() {
                return Err(job);
            }
            self.jobs = Some(jobs);
        }
        let Some(jobs) = self.jobs.as_ref() else {
            return Err(job);
        };
        match jobs.send(job) {
            Ok(()) => Ok(()),
            // The worker is gone (a render panicked): start another.
            Err(mpsc::SendError(job)) => {
                self.jobs = None;
                self.run(job)
            }
        }
    }

    /// Lets a stuck worker go: it ends when its render does, as its queue is closed.
    fn abandon(&mut self) {
        self.jobs = None;
    }
}

thread_local! {
    static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls of `tick()` so far: each is one pass of the template's loop.
    static TICKS: AtomicUsize = AtomicUsize::new(0);

    fn tick(_: tera::Kwargs, _: &tera::State) -> String {
        TICKS.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(1));
        ".".into()
    }

    #[test]
    fn a_watched_render_that_ends_past_its_limit_is_too_long() {
        let mut tera = Tera::new();
        tera.add_raw_template("quick.html", "Hei")
            .expect("the template parses");
        let watch = Watch {
            running: Mutex::new(Vec::new()),
            origins: Arc::from(Vec::new()),
            time_limit: Duration::from_millis(200),
            on_overrun: Box::new(|_| {}),
        };
        let context = Context::new();
        let within = watch.render_here(
            &tera,
            &["quick.html"],
            &context,
            "a test",
            Instant::now() + Duration::from_secs(60),
        );
        assert!(matches!(within.as_deref(), Ok([page]) if page == b"Hei"));
        let Some(passed) = Instant::now().checked_sub(Duration::from_millis(1)) else {
            return;
        };
        let past = watch.render_here(&tera, &["quick.html"], &context, "a test", passed);
        assert!(matches!(past, Err((0, Stopped::TooLong(_)))));
    }

    #[test]
    fn a_render_walked_away_from_ends_at_its_next_write() {
        let mut tera = Tera::new();
        tera.register_function("tick", tick);
        // A byte a pass: the clock, read every 64 KiB, would not stop it for a minute.
        tera.add_raw_template(
            "slow.html",
            "{% for i in range(end=100000) %}{{ tick() }}{% endfor %}",
        )
        .expect("the template parses");
        let templates = Templates {
            tera: Arc::new(tera),
            time_limit: Duration::from_millis(200),
            stylesheet: String::new(),
            script: String::new(),
            live_script: String::new(),
            search_script: String::new(),
            origins: Arc::from(Vec::new()),
            bound: Bound::HandOver,
            ran_out: AtomicUsize::new(0),
        };
        let result = templates.render_bounded(&["slow.html"], &Context::new(), "a test");
        // Told to stop, it ends at its next write (TooLong), unless the
        // machine is too busy to run it within STOPS_AT_ONCE (WalkedAway).
        assert!(matches!(
            result,
            Err((0, Stopped::TooLong(_) | Stopped::WalkedAway(_)))
        ));
        std::thread::sleep(Duration::from_millis(100));
        let walked_away = TICKS.load(Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            TICKS.load(Ordering::Relaxed),
            walked_away,
            "the abandoned render still runs"
        );
    }
}
