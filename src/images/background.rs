//! Making variants away from the page render, for `serve`: a page shows the
//! original file at once, and the variants are encoded here, into the
//! cache, while the writer reads. When a batch is done, `on_ready` is told
//! which source files are ready, so the pages showing them can be rendered
//! again from the warm cache.
//!
//! At most `decode_concurrency` images are decoded at once, on a thread
//! pool of their own, so a save rendered meanwhile is not queued behind an
//! encode on rayon's global pool.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{ImageCache, ImagePlan, produce};

/// What the background work is doing, for a status line or endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BackgroundStatus {
    /// Images waiting, being encoded, or whose pages are not yet rendered
    /// again.
    pub pending: usize,
    /// Variants encoded since the server started.
    pub encoded: u64,
}

/// Called with the source files (relative to the site root) whose variants
/// are now in the cache.
type OnReady = dyn Fn(Vec<PathBuf>) + Send + Sync;
/// Called after every change of [`BackgroundStatus`], with what one batch
/// took when it has just finished.
type OnStatus = dyn Fn(BackgroundStatus, Option<Duration>) + Send + Sync;

/// A handle to the background encoder; clones share it.
#[derive(Clone)]
pub struct BackgroundImages {
    inner: Arc<Inner>,
}

struct Inner {
    queue: Mutex<Queue>,
    wake: Condvar,
    cache: ImageCache,
    concurrency: usize,
    pool: Option<rayon::ThreadPool>,
    on_ready: Box<OnReady>,
    on_status: Box<OnStatus>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Arc<ImagePlan>>,
    /// `source#hash` of every image waiting or being made.
    known: HashSet<String>,
    /// `source#hash` of images that could not be made here: pages make them
    /// in the render, where the error is reported as a build reports it.
    failed: HashSet<String>,
    /// Images taken by the worker and not finished yet.
    working: usize,
}

fn key(plan: &ImagePlan) -> String {
    format!("{}#{}", plan.source.display(), plan.hash)
}

impl BackgroundImages {
    /// Starts the worker thread. `cache` is where variants go; pages take
    /// them from there.
    pub fn start(
        cache: ImageCache,
        concurrency: usize,
        on_ready: impl Fn(Vec<PathBuf>) + Send + Sync + 'static,
        on_status: impl Fn(BackgroundStatus, Option<Duration>) + Send + Sync + 'static,
    ) -> std::io::Result<BackgroundImages> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("forklar-images-{i}"))
            .start_handler(|_| crate::allocator::work_in_background_arena())
            .build()
            .ok();
        let inner = Arc::new(Inner {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            cache,
            concurrency: concurrency.max(1),
            pool,
            on_ready: Box::new(on_ready),
            on_status: Box::new(on_status),
        });
        let worker = Arc::downgrade(&inner);
        std::thread::Builder::new()
            .name("forklar-images".into())
            .spawn(move || {
                crate::allocator::work_in_background_arena();
                run(&worker)
            })?;
        Ok(BackgroundImages { inner })
    }

    /// Queues images to make; ones already queued or being made are not
    /// queued twice.
    pub fn submit(&self, plans: Vec<Arc<ImagePlan>>) {
        let mut queue = self.lock();
        let mut added = false;
        for plan in plans {
            if queue.known.insert(key(&plan)) {
                queue.waiting.push(plan);
                added = true;
            }
        }
        if added {
            let status = self.status_of(&queue);
            drop(queue);
            (self.inner.on_status)(status, None);
            self.inner.wake.notify_all();
        }
    }

    /// Whether this image failed here: the render then makes it itself.
    pub fn failed(&self, plan: &ImagePlan) -> bool {
        self.lock().failed.contains(&key(plan))
    }

    pub fn status(&self) -> BackgroundStatus {
        let queue = self.lock();
        self.inner.status_of(&queue)
    }

    fn status_of(&self, queue: &Queue) -> BackgroundStatus {
        self.inner.status_of(queue)
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.inner.lock()
    }
}

impl Inner {
    fn status_of(&self, queue: &Queue) -> BackgroundStatus {
        BackgroundStatus {
            pending: queue.waiting.len() + queue.working,
            encoded: self.cache.stats().encodes,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The worker: takes everything waiting as one batch, makes it, tells
/// `on_ready`, and only then counts the batch as done, so that "nothing
/// pending" means the pages show the variants too.
fn run(inner: &std::sync::Weak<Inner>) {
    loop {
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let batch = {
            let mut queue = inner.lock();
            while queue.waiting.is_empty() {
                let (next, timeout) = inner
                    .wake
                    .wait_timeout(queue, Duration::from_millis(500))
                    .unwrap_or_else(|e| e.into_inner());
                queue = next;
                // Lets the thread end once every handle is gone.
                if timeout.timed_out() && Arc::strong_count(&inner) == 1 {
                    return;
                }
            }
            let batch = std::mem::take(&mut queue.waiting);
            queue.working = batch.len();
            batch
        };
        let started = Instant::now();
        let failed = make(&inner, &batch);
        // A photo's pixels are tens of megabytes, freed by now.
        crate::allocator::give_back_background_freed();
        let mut sources: Vec<PathBuf> = batch.iter().map(|p| p.source.clone()).collect();
        sources.sort();
        sources.dedup();
        inner.lock().failed.extend(failed);
        // A panic there must not end image work for the rest of the session.
        let _ = catch_unwind(AssertUnwindSafe(|| (inner.on_ready)(sources)));
        let status = {
            let mut queue = inner.lock();
            for plan in &batch {
                queue.known.remove(&key(plan));
            }
            queue.working = 0;
            inner.status_of(&queue)
        };
        (inner.on_status)(status, Some(started.elapsed()));
    }
}

/// Encodes `batch` into the cache, `concurrency` images at a time; returns
/// the keys of those that failed.
fn make(inner: &Inner, batch: &[Arc<ImagePlan>]) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(Vec::new());
    // Only the cache is written here; the pages' render writes the output.
    let discard = |_: &str, _: &[u8]| Ok(());
    let produce_one = |plan: &ImagePlan| match &inner.pool {
        Some(pool) => pool.install(|| produce(plan, &inner.cache, &discard, None)),
        None => produce(plan, &inner.cache, &discard, None),
    };
    std::thread::scope(|scope| {
        for _ in 0..inner.concurrency.min(batch.len()) {
            scope.spawn(|| {
                crate::allocator::work_in_background_arena();
                while let Some(plan) = batch.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if produce_one(plan).is_err() {
                        failed
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(key(plan));
                    }
                }
            });
        }
    });
    failed.into_inner().unwrap_or_else(|e| e.into_inner())
}
