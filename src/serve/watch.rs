//! Watches a site's sources and reports each burst of changes as one [`ChangeSet`].
//!
//! Two layers of batching:
//!
//! 1. `notify-debouncer-full` with a [`DEBOUNCE`] of 2 ms, checked every
//!    millisecond. It emits every event a fixed time after it happened (it is
//!    not a quiet-period debouncer), and uses that time to pair rename
//!    from/to halves. The OS reports both halves of a rename, and every
//!    event of one `write`, within microseconds, so 2 ms is ample; anything
//!    longer only adds to save-to-reload latency.
//! 2. Our own quiet window: debounced batches keep being merged until none
//!    has arrived for a while (capped at [`MAX_BATCH`]). How long depends on
//!    whether the batch looks finished. One source file that exists and was
//!    closed after writing (or renamed into place) is a finished save: the
//!    window is [`SETTLED_QUIET`] (2 ms). Anything else — a file still open
//!    for writing, a file just created (perhaps a temporary one about to be
//!    renamed), a source that vanished (vim moves the original aside
//!    before writing anew; a rename-over is under way), several files (a
//!    `git checkout`), a dropped-events rescan — gets [`QUIET`] (15 ms), long
//!    enough for the rest of an editor's save to arrive. So an atomic save
//!    still gives one rebuild with the final content, and an ordinary save
//!    reaches the callback about 2 + 1 + 2 ≈ 5 ms after the write. On Linux,
//!    which reports when a file written to is closed, a source file still
//!    open for writing holds the batch until it is closed (up to
//!    [`MAX_BATCH`]): a writer paused between opening a file and writing it
//!    (a busy machine) would otherwise have its empty file built. Likewise a
//!    source moved aside to a name that is not a source (vim renames
//!    `post.md` to `post.md~` before writing the new file) holds the batch
//!    until it is back: a pause longer than [`QUIET`] there would otherwise
//!    build the site without the article for a moment. A source renamed to
//!    such a name for good is delivered after [`MAX_BATCH`].
//!
//! Changes that happen while the callback runs (a rebuild) are queued and
//! delivered as the next batch, so rebuilds never pile up.
//!
//! A link in a source folder to a file elsewhere in the site is read as that
//! file by the build, but a save to the file is reported on its own path only.
//! The watcher keeps a map of such links ([`links`]) and reports a change to
//! what a link leads to as a change to the link.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};

use crate::layout::SourceFile;

use links::Links;

/// Timeout given to `notify-debouncer-full` (see the module docs for why).
pub const DEBOUNCE: Duration = Duration::from_millis(2);
/// How often the debouncer checks for events that are due.
const TICK: Duration = Duration::from_millis(1);
/// A batch that may be mid-save ends once no new events arrived for this long.
pub const QUIET: Duration = Duration::from_millis(15);
/// A batch that is one finished save ends once no new events arrived for this long.
pub const SETTLED_QUIET: Duration = Duration::from_millis(2);
/// A batch is delivered after this long even if events keep coming.
pub const MAX_BATCH: Duration = Duration::from_secs(1);

/// The source folders below the site root that are watched recursively.
const SOURCE_DIRS: [&str; 3] = [
    crate::layout::CONTENT_DIR,
    crate::layout::TEMPLATE_DIR,
    crate::layout::STATIC_DIR,
];

/// What kind of source a changed path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Under `content/`.
    Content,
    /// Under `templates/`.
    Template,
    /// Under `static/`.
    Static,
    /// `site.toml` at the site root.
    Config,
}

/// One batch of changes, e.g. everything one save or one `git checkout` touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Changed paths, relative to the site root (e.g. `content/blog/post.md`),
    /// each once. Includes created, modified, removed and renamed paths (both
    /// names of a rename); directories can appear too.
    pub paths: BTreeMap<PathBuf, ChangeKind>,
    /// The OS dropped events (e.g. inotify queue overflow): treat everything as changed.
    pub rescan: bool,
}

impl ChangeSet {
    /// True if no path changed and no rescan is needed.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    /// The distinct kinds of change in this batch.
    pub fn kinds(&self) -> BTreeSet<ChangeKind> {
        self.paths.values().copied().collect()
    }

    /// True if any path of `kind` changed.
    pub fn contains_kind(&self, kind: ChangeKind) -> bool {
        self.paths.values().any(|k| *k == kind)
    }
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The site root does not exist or cannot be resolved.
    #[error("cannot watch {}: {source}", .path.display())]
    Root {
        /// The root as given.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The OS watcher could not be set up (e.g. the inotify watch limit).
    #[error("file watcher failed: {0}")]
    Notify(#[from] notify::Error),
    /// The batching thread could not be spawned.
    #[error("cannot start the watcher thread: {0}")]
    Thread(io::Error),
}

/// Which source kind `path` belongs to, or `None` if it is not a site source
/// or is an editor temp/swap file or hidden. `path` must be below `root`
/// (both given the same way, e.g. both canonical); `root`'s own folder
/// `content`, `templates` and `static` count as changes of their kind. The
/// decision is [`crate::layout::classify`]'s, the same one `build` uses.
pub fn classify(root: &Path, path: &Path) -> Option<ChangeKind> {
    let relative = path.strip_prefix(root).ok()?;
    Some(match crate::layout::classify(relative)? {
        SourceFile::Config => ChangeKind::Config,
        SourceFile::Template(_) => ChangeKind::Template,
        SourceFile::Static(_) => ChangeKind::Static,
        SourceFile::Article(_)
        | SourceFile::Background(_)
        | SourceFile::Timeline(_)
        | SourceFile::Person(_)
        | SourceFile::ContentOther(_) => ChangeKind::Content,
    })
}

type Debounced = Debouncer<RecommendedWatcher, RecommendedCache>;

/// A running watch. Dropping it (or [`stop`](Self::stop)) stops watching; a
/// batch being collected at that moment is still delivered.
pub struct Watcher {
    root: PathBuf,
    debouncer: Arc<Mutex<Option<Debounced>>>,
    collector: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// The canonical site root being watched.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stops watching and waits for the batching thread to finish.
    pub fn stop(mut self) {
        self.stop_inner();
    }

    fn stop_inner(&mut self) {
        if let Some(d) = lock(&self.debouncer).take() {
            // Joins the debouncer's thread, which drops its channel sender;
            // that ends the collector's loop.
            d.stop();
        }
        if let Some(h) = self.collector.take() {
            // Dropping the watcher from inside the callback must not self-join.
            if h.thread().id() != thread::current().id() {
                let _ = h.join();
            }
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop_inner();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Watches `root/content`, `root/templates`, `root/static` (recursively, those
/// that exist) and `root` itself (for `site.toml`, and to notice a source
/// folder that appears later, which is then watched too). Calls `on_change`
/// on a background thread once per batch of changes; never with an empty set.
pub fn watch(
    root: &Path,
    on_change: impl FnMut(ChangeSet) + Send + 'static,
) -> Result<Watcher, WatchError> {
    let canon = root.canonicalize().map_err(|source| WatchError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // Links inside the site are not followed: a link to a folder outside it must
    // not make forklar watch (or read) that folder.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache> =
        new_debouncer_opt(DEBOUNCE, Some(TICK), tx, RecommendedCache::new(), config)?;
    debouncer.watch(&canon, RecursiveMode::NonRecursive)?;
    let mut watched = HashSet::new();
    for name in SOURCE_DIRS {
        let dir = canon.join(name);
        if is_real_dir(&dir) {
            debouncer.watch(&dir, RecursiveMode::Recursive)?;
            watched.insert(name);
        }
    }
    // Before the first build reads anything: a save to a link's target
    // from now on is seen.
    let mut links = Links::scan(&canon);
    for folder in links.folders_needed(&canon) {
        // As after start-up: a folder that cannot be watched costs only the
        // live preview of the links into it, not the whole session.
        match debouncer.watch(&folder, RecursiveMode::NonRecursive) {
            Ok(()) => {
                links.watched.insert(folder);
            }
            Err(e) => eprintln!("forklar: cannot watch {}: {e}", folder.display()),
        }
    }
    let debouncer = Arc::new(Mutex::new(Some(debouncer)));
    let mut collector = Collector {
        root: canon.clone(),
        debouncer: Arc::clone(&debouncer),
        watched,
        links,
        on_change,
    };
    let handle = thread::Builder::new()
        .name("forklar-watch".into())
        .spawn(move || collector.run(rx))
        .map_err(WatchError::Thread)?;
    Ok(Watcher {
        root: canon,
        debouncer,
        collector: Some(handle),
    })
}

/// What one batch saw for one path.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    /// The first event for the path in this batch created it (it did not exist before).
    created_first: bool,
    /// Some event in this batch created the path (or moved it in).
    created: bool,
    /// The path was written to and not yet closed, as far as the events tell.
    writing: bool,
    /// The first event for the path in this batch made a new file (not a
    /// rename): it may be a temporary file about to be renamed.
    new_file: bool,
}

#[derive(Default)]
struct Batch {
    paths: BTreeMap<PathBuf, Seen>,
    /// Renames seen in this batch, from the old name to the new.
    renamed: BTreeMap<PathBuf, PathBuf>,
    rescan: bool,
}

impl Batch {
    fn add(&mut self, result: DebounceEventResult) {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                // Nothing the user can act on mid-session beyond knowing; a
                // lost watch usually shows up as a rescan or a missing change.
                for e in errors {
                    eprintln!("forklar: file watcher: {e}");
                }
                return;
            }
        };
        for event in events {
            if event.need_rescan() {
                self.rescan = true;
            }
            // notify's inotify backend also reports opens and read-only
            // closes. They are not changes, and counting them would turn the
            // build reading its templates into an endless rebuild loop.
            if matches!(
                event.kind,
                EventKind::Access(AccessKind::Open(_) | AccessKind::Read | AccessKind::Any)
                    | EventKind::Access(AccessKind::Close(AccessMode::Read | AccessMode::Execute))
                    | EventKind::Access(AccessKind::Other)
            ) {
                continue;
            }
            let n = event.paths.len();
            if let (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), [from, to]) =
                (event.kind, event.paths.as_slice())
            {
                self.renamed.insert(from.clone(), to.clone());
            }
            for (i, path) in event.paths.iter().enumerate() {
                let creates = match event.kind {
                    EventKind::Create(_) => true,
                    EventKind::Modify(ModifyKind::Name(RenameMode::To)) => true,
                    // A paired rename lists [from, to]: the last path is the new name.
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => i + 1 == n && n > 1,
                    _ => false,
                };
                let first = !self.paths.contains_key(path);
                self.note(path.clone(), creates);
                if first
                    && matches!(event.kind, EventKind::Create(_))
                    && let Some(seen) = self.paths.get_mut(path)
                {
                    seen.new_file = true;
                }
                if let Some(writing) = writing_after(&event.kind)
                    && let Some(seen) = self.paths.get_mut(path)
                {
                    seen.writing = writing;
                }
            }
        }
    }

    fn note(&mut self, path: PathBuf, creates: bool) {
        let seen = self.paths.entry(path).or_insert(Seen {
            created_first: creates,
            created: false,
            writing: false,
            new_file: false,
        });
        seen.created |= creates;
    }

    /// True if the batch is one finished save of one source file: it exists,
    /// and the last write to it was closed (or it was renamed into place).
    /// Files created and gone again within the batch (temp files, vim's
    /// probe) do not count; paths that are not sources do not count.
    fn is_one_settled_save(&self, root: &Path, links: &Links) -> bool {
        if self.rescan {
            return false;
        }
        let mut saved = 0;
        for (path, seen) in &self.paths {
            if !is_read(root, links, path) {
                continue;
            }
            let Ok(meta) = path.symlink_metadata() else {
                if seen.created_first {
                    continue;
                }
                return false;
            };
            // A new folder's files may still be on their way; a new file
            // may be a temporary one (`sed -i`) about to be renamed.
            if seen.writing || seen.new_file || meta.is_dir() {
                return false;
            }
            saved += 1;
        }
        saved == 1
    }

    /// True if a source file of the batch was moved aside to a name that is
    /// not a source (vim's `post.md~`) and has not come back yet: the editor
    /// is between moving the original away and writing the new file.
    fn has_source_moved_aside(&self, root: &Path, links: &Links) -> bool {
        self.renamed.iter().any(|(from, to)| {
            is_read(root, links, from)
                && !is_read(root, links, to)
                && from.symlink_metadata().is_err()
                && to.symlink_metadata().is_ok()
        })
    }

    /// True if a source file of the batch was written to and not closed
    /// since, and still exists.
    fn has_source_open_for_writing(&self, root: &Path, links: &Links) -> bool {
        self.paths.iter().any(|(path, seen)| {
            seen.writing
                && is_read(root, links, path)
                && path.symlink_metadata().is_ok_and(|meta| meta.is_file())
        })
    }
}

/// Whether the build reads `path`: a source, or the target of a link that is one.
fn is_read(root: &Path, links: &Links, path: &Path) -> bool {
    classify(root, path).is_some() || links.is_read_through_a_link(path)
}

/// Whether the watcher hears when a file written to is closed (inotify's
/// `IN_CLOSE_WRITE`); elsewhere a file is never known to be closed.
const CLOSES_ARE_REPORTED: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// Whether `kind` leaves its file being written (`Some(true)`), finished
/// (`Some(false)`), or says nothing about that (`None`).
fn writing_after(kind: &EventKind) -> Option<bool> {
    match kind {
        EventKind::Create(notify::event::CreateKind::Folder) => None,
        EventKind::Create(_) | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
            Some(true)
        }
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Modify(ModifyKind::Name(_))
        | EventKind::Remove(_) => Some(false),
        _ => None,
    }
}

struct Collector<F> {
    root: PathBuf,
    debouncer: Arc<Mutex<Option<Debounced>>>,
    watched: HashSet<&'static str>,
    links: Links,
    on_change: F,
}

impl<F: FnMut(ChangeSet)> Collector<F> {
    fn run(&mut self, rx: Receiver<DebounceEventResult>) {
        while let Ok(first) = rx.recv() {
            let mut batch = Batch::default();
            batch.add(first);
            let started = Instant::now();
            let mut disconnected = false;
            loop {
                let left = MAX_BATCH.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break;
                }
                let (root, links) = (&self.root, &self.links);
                let quiet = if batch.is_one_settled_save(root, links) {
                    SETTLED_QUIET
                } else if (CLOSES_ARE_REPORTED && batch.has_source_open_for_writing(root, links))
                    || batch.has_source_moved_aside(root, links)
                {
                    left
                } else {
                    QUIET
                };
                match rx.recv_timeout(quiet.min(left)) {
                    Ok(more) => batch.add(more),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => {
                        disconnected = true;
                        break;
                    }
                }
            }
            let mut read_through_links = BTreeSet::new();
            if !disconnected {
                self.update_watches(&mut batch);
                read_through_links = self.update_links(&batch);
            }
            let set = self.change_set(batch, read_through_links);
            if !set.is_empty() {
                // A panicking callback must not end watching for the rest of the session.
                let cb = &mut self.on_change;
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(set)));
            }
            if disconnected {
                return;
            }
        }
    }

    /// Starts watching source folders that appeared (or were replaced) and
    /// stops tracking ones that vanished. A folder's existing contents are
    /// added to the batch, since files created before the watch took hold
    /// would otherwise be missed.
    fn update_watches(&mut self, batch: &mut Batch) {
        let mut guard = lock(&self.debouncer);
        let Some(debouncer) = guard.as_mut() else {
            return;
        };
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            let is_dir = is_real_dir(&dir);
            let recreated = batch.paths.get(&dir).is_some_and(|s| s.created);
            if is_dir && (!self.watched.contains(name) || recreated) {
                // A replaced folder is a new inode; drop the stale watch first.
                let _ = debouncer.unwatch(&dir);
                match debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(name);
                    }
                    Err(e) => eprintln!("forklar: cannot watch {}: {e}", dir.display()),
                }
                scan_into(&dir, batch);
            } else if !is_dir && self.watched.remove(name) {
                let _ = debouncer.unwatch(&dir);
            }
        }
        drop(guard);
        // Folders created inside watched trees: notify adds a watch for them,
        // but files written before that are not reported.
        let new_dirs: Vec<PathBuf> = batch
            .paths
            .iter()
            .filter(|(p, s)| s.created && p.symlink_metadata().is_ok_and(|m| m.is_dir()))
            .map(|(p, _)| p.clone())
            .collect();
        for dir in new_dirs {
            scan_into(&dir, batch);
        }
    }

    /// Brings the map of links up to date with the batch, and the watches of
    /// the folders their targets lie in. Returns the links whose targets
    /// changed: they are changed sources too.
    fn update_links(&mut self, batch: &Batch) -> BTreeSet<PathBuf> {
        if batch.rescan {
            // Events were lost, links made or removed among them: the map is
            // made again (everything is rebuilt anyway).
            let watched = std::mem::take(&mut self.links.watched);
            self.links = Links::scan(&self.root);
            self.links.watched = watched;
        }
        let changed: BTreeSet<&Path> = batch.paths.keys().map(PathBuf::as_path).collect();
        let mut changed_links = self.links.update(&self.root, &changed);
        let needed = self.links.folders_needed(&self.root);
        let mut guard = lock(&self.debouncer);
        let Some(debouncer) = guard.as_mut() else {
            return changed_links;
        };
        let watched = &mut self.links.watched;
        // A folder removed, or replaced by a new one: its watch is stale.
        let stale: Vec<PathBuf> = watched
            .iter()
            .filter(|folder| {
                !needed.contains(*folder) || batch.paths.get(*folder).is_some_and(|s| s.created)
            })
            .cloned()
            .collect();
        for folder in stale {
            let _ = debouncer.unwatch(&folder);
            watched.remove(&folder);
        }
        let mut newly = Vec::new();
        for folder in needed {
            if watched.contains(&folder) {
                continue;
            }
            match debouncer.watch(&folder, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    watched.insert(folder.clone());
                    newly.push(folder);
                }
                Err(e) => eprintln!("forklar: cannot watch {}: {e}", folder.display()),
            }
        }
        drop(guard);
        // A target saved before its folder's watch took hold is not reported.
        for folder in newly {
            changed_links.extend(self.links.reading_in(&folder));
        }
        changed_links
    }

    fn change_set(&self, batch: Batch, read_through_links: BTreeSet<PathBuf>) -> ChangeSet {
        let mut set = ChangeSet {
            rescan: batch.rescan,
            ..ChangeSet::default()
        };
        for link in read_through_links {
            // A link gone with its folder is the folder's change.
            if link.symlink_metadata().is_err() {
                continue;
            }
            if let (Some(kind), Ok(rel)) =
                (classify(&self.root, &link), link.strip_prefix(&self.root))
            {
                set.paths.insert(rel.to_path_buf(), kind);
            }
        }
        for (path, seen) in batch.paths {
            // Created and gone again within one batch (temp files, the
            // source half of write-then-rename): no net change.
            if seen.created_first && path.symlink_metadata().is_err() {
                continue;
            }
            if let (Some(kind), Ok(rel)) =
                (classify(&self.root, &path), path.strip_prefix(&self.root))
            {
                set.paths.insert(rel.to_path_buf(), kind);
            }
        }
        set
    }
}

/// Whether `dir` is a folder and not a link to one: a source folder that is
/// a link is refused by the build, and what lies behind it is not watched.
fn is_real_dir(dir: &Path) -> bool {
    dir.symlink_metadata().is_ok_and(|meta| meta.is_dir())
}

/// Adds everything below `dir` to the batch as created. Does not follow
/// symlinked folders, so a link loop cannot recurse forever.
fn scan_into(dir: &Path, batch: &mut Batch) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        batch.note(path.clone(), true);
        if is_dir {
            scan_into(&path, batch);
        }
    }
}

mod links;

#[cfg(test)]
mod tests;
