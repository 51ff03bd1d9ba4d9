//! Writing the output folder so that, at every instant, it holds either the
//! previous complete site or the new one.
//!
//! A build writes the files whose bytes changed into a *shadow* folder beside the
//! output folder (`.public.forklar-swap-XXXXXX`), hard-links every other file of
//! the output folder into it (so unchanged files keep their inode and
//! modification time, and files forklar did not write stay), and then exchanges
//! the two folders in one system call (`renameat2(RENAME_EXCHANGE)`). The old
//! tree, now under the shadow's name, is removed. A build that fails, or is
//! killed, leaves the output folder as it was; the next build removes what a
//! killed one left beside it. A build in which nothing changed leaves the
//! folder alone. Whether a file changed is known from the hash the previous
//! build recorded for it ([`digests`]) while the file keeps its stamp, and
//! otherwise by reading it.
//!
//! Where the folder cannot be exchanged (it is a mount point, or the system or
//! file system has no `RENAME_EXCHANGE`), files are staged inside it and moved
//! into place one by one, each replaced file set aside so that a failed move
//! undoes the earlier ones; a build killed during those moves can leave a mix,
//! which the next build replaces. SECURITY.md says so.
//!
//! Nothing in the output folder is trusted: `.forklar-manifest` is checked entry
//! by entry ([`manifest`]), no symbolic link inside the folder is ever followed
//! to write, read for comparison or remove, and a file forklar did not write is
//! never overwritten. A lock on the folder keeps two builds from writing it at
//! once.

mod commit;
mod digests;
mod existing;
pub mod fsops;
mod guard;
pub mod manifest;
mod published;
mod put;
mod shadow;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostics::Diagnostic;
use digests::Record;
pub use digests::forget as forget_record;
/// What a published file's bytes are known by between builds.
pub use digests::{Hash as ContentHash, hash as content_hash};
use existing::{Kind, kind_of, same_bytes};
pub use guard::check_output_dir;
use published::Published;
use shadow::{clean_leftovers, make_shadow};

/// Where rendered files go: the output folder, or nowhere for `check`.
pub trait Sink: Sync {
    /// Stores `bytes` at `path`, relative to the output folder, with `/` separators.
    /// `origin` names what the file is made from, for messages.
    fn write(&self, path: &str, bytes: &[u8], origin: &str) -> Result<(), Diagnostic>;
    /// Copies a file from the site into the output.
    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic>;
    /// Makes room for about `files` more files made from `origins` source
    /// files, so that a record of them is not grown, and for a moment held
    /// twice, in the middle of a build.
    fn expect(&self, _files: usize, _origins: usize) {}
    /// Publishes the image cache's entry `key` at `path`. An output that
    /// knows the file there holds that entry already need not look at it.
    fn write_stored(
        &self,
        path: &str,
        _key: &str,
        entry: &dyn StoredEntry,
        origin: &str,
    ) -> Result<Stored, Diagnostic> {
        match entry.bytes() {
            Some(bytes) => self.write(path, &bytes, origin).map(|()| Stored::Copied),
            None => Ok(Stored::Missing),
        }
    }
}

/// An entry of the image cache, looked at only when the output needs it.
pub trait StoredEntry {
    /// The entry's bytes; `None` when the cache has no such entry.
    fn bytes(&self) -> Option<Vec<u8>>;
    /// The entry's file (a regular file, not a link), for an output that
    /// copies it without reading it; `None` when there is none.
    fn file(&self) -> Option<PathBuf>;
}

/// What publishing a stored image variant came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The file in the output already held it; nothing was read.
    Kept,
    /// Read from the cache and published (or found there byte for byte).
    Copied,
    /// The cache has no such entry: the variant is still to be made.
    Missing,
}

pub use manifest::{LOCK_FILE, MANIFEST_FILE, STAGING_DIR};

/// The part of a shadow folder's name after the output folder's own name.
const SWAP_MARK: &str = ".forklar-swap-";

/// An output folder being written.
pub struct Output {
    /// The output folder, with links in its own path resolved.
    dir: PathBuf,
    /// The folder as the user named it, for messages.
    shown: PathBuf,
    /// Where changed files are written: the shadow folder, or the staging folder
    /// inside `dir` when the folder cannot be exchanged.
    stage: PathBuf,
    swap: bool,
    _lock: fsops::DirLock,
    _stage_lock: Option<fsops::DirLock>,
    /// The files the previous build published (its manifest).
    previous: BTreeSet<String>,
    /// The folder held nothing but what forklar keeps there: nothing to compare.
    empty_before: bool,
    /// Every path the site produced, relative to `dir`: what produced it,
    /// whether its bytes differ from what is in `dir` and wait in `stage`, and
    /// its hash and stamp for the next build.
    published: Mutex<Published>,
    unchanged: AtomicUsize,
    /// Files the site no longer has, for a partial rebuild.
    removals: Mutex<Vec<String>>,
    created_dir: bool,
    /// What each folder path in `dir` is, as found (never following links).
    old_dirs: Mutex<HashMap<String, Kind>>,
    /// What the files in `dir` held after the previous build, by hash.
    digests: Record,
    /// What this build read, summed up, kept with the record by a full build.
    inputs: Option<String>,
    finished: bool,
}

/// The list of published files as a partial commit left it (`serve`), so
/// the next save need not read it again: used while the file is the one that
/// commit left, since another build may have written the folder since.
#[derive(Debug, Default)]
pub struct KnownManifest {
    files: BTreeSet<String>,
    stamp: Option<(u64, u64, std::time::SystemTime)>,
}

impl KnownManifest {
    fn of(dir: &Path, files: BTreeSet<String>) -> KnownManifest {
        let stamp = KnownManifest::stamp(dir);
        KnownManifest { files, stamp }
    }

    fn current(self, dir: &Path) -> Option<BTreeSet<String>> {
        (self.stamp.is_some() && self.stamp == KnownManifest::stamp(dir)).then_some(self.files)
    }

    fn stamp(dir: &Path) -> Option<(u64, u64, std::time::SystemTime)> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(dir.join(MANIFEST_FILE)).ok()?;
        meta.is_file()
            .then(|| Some((meta.ino(), meta.len(), meta.modified().ok()?)))?
    }
}

/// What a finished write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Output {
    /// Prepares to write the whole site into `dir`, replacing it in one step,
    /// refusing folders where a build would destroy work. Waits while another
    /// build writes the same folder.
    pub fn begin(root: &Path, dir: &Path) -> Result<Output, Diagnostic> {
        Output::open(root, dir, true, None)
    }

    /// Prepares to write a few changed pages into `dir`, as a rebuild on save
    /// does: each file is replaced by a rename of its own, so a save costs what
    /// it changes, not what the site holds.
    pub fn begin_partial(root: &Path, dir: &Path) -> Result<Output, Diagnostic> {
        Output::open(root, dir, false, None)
    }

    /// [`Output::begin_partial`] with the list of published files the last
    /// partial commit left, read again only if the folder was written since.
    pub fn begin_partial_known(
        root: &Path,
        dir: &Path,
        known: KnownManifest,
    ) -> Result<Output, Diagnostic> {
        Output::open(root, dir, false, Some(known))
    }

    fn open(
        root: &Path,
        dir: &Path,
        one_step: bool,
        known: Option<KnownManifest>,
    ) -> Result<Output, Diagnostic> {
        check_output_dir(root, dir)?;
        let created_dir = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|err| {
            Diagnostic::new(format!("cannot create the output folder: {err}"))
                .in_file(dir)
                .with_help("check that the path is a folder you can write to, or pass --output DIR")
        })?;
        let undo_create = || {
            if created_dir {
                let _ = std::fs::remove_dir(dir);
            }
        };
        let shown = dir.to_path_buf();
        // The folder the user named may itself be a link (public -> /srv/www): the
        // real folder is what gets written and exchanged.
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let lock = fsops::lock_dir(&dir, |holder| {
            let who = holder.map_or("another forklar build".to_string(), |pid| {
                format!("another forklar build (process {pid})")
            });
            eprintln!(
                "{} is being written by {who}; waiting for it to finish",
                shown.display()
            );
        })
        .map_err(|err| {
            undo_create();
            Diagnostic::new(format!("cannot lock the output folder: {err}"))
                .in_file(&shown)
                .with_help("check the folder's permissions, or pass --output DIR")
        })?;
        if !fsops::writable(&dir) {
            undo_create();
            return Err(Diagnostic::new("cannot write to the output folder: it is read-only")
                .in_file(&shown)
                .with_help("check the folder's permissions (and chattr/mount flags), or pass --output DIR"));
        }
        // What a killed build left behind is removed first: only a build holding
        // the lock writes these, and none does now.
        clean_leftovers(&dir);
        let known = known.and_then(|known| known.current(&dir));
        let previous = match known.map_or_else(|| manifest::read(&dir, &shown), Ok) {
            Ok(previous) => previous,
            Err(problem) => {
                undo_create();
                return Err(problem);
            }
        };
        let empty_before =
            std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_none());
        let shadow = if one_step {
            make_shadow(&dir)
        } else {
            Err(String::new())
        };
        let (stage, swap, stage_lock) = match shadow {
            Ok((shadow, lock)) => (shadow, true, Some(lock)),
            Err(why) => {
                if one_step {
                    eprintln!(
                        "note: {} cannot be replaced in one step ({why}); files are replaced one by one, \
                     so a build that is killed can leave a mix of old and new files until the next build",
                        shown.display()
                    );
                }
                let staging = dir.join(STAGING_DIR);
                if let Err(err) = std::fs::create_dir(&staging) {
                    undo_create();
                    return Err(Diagnostic::new(format!(
                        "cannot write to the output folder: {err}"
                    ))
                    .in_file(&shown)
                    .with_help("check the folder's permissions, or pass --output DIR"));
                }
                (staging, false, None)
            }
        };
        // Into an empty folder nothing is compared, so the record is not read;
        // nor for a save in `serve`, which compares the few files it writes
        // and must not pay for reading a record of the whole site.
        let digests = Record::load(root, &dir, one_step && !empty_before);
        Ok(Output {
            dir,
            shown,
            stage,
            swap,
            _lock: lock,
            _stage_lock: stage_lock,
            previous,
            empty_before,
            published: Mutex::new(Published::default()),
            unchanged: AtomicUsize::new(0),
            removals: Mutex::new(Vec::new()),
            created_dir,
            old_dirs: Mutex::new(HashMap::new()),
            digests,
            inputs: None,
            finished: false,
        })
    }

    /// What the build that last wrote the whole folder read, as it was kept
    /// with [`Output::keep_inputs`]; `None` where nothing was kept, or the
    /// folder was empty.
    pub fn last_inputs(&self) -> Option<&str> {
        self.digests.inputs.as_deref()
    }

    /// Whether the folder is as the last full build left it: its manifest
    /// lists exactly the files that build recorded, each still has the stamp
    /// it had then (nothing wrote, replaced or removed it), and every folder
    /// on their way is a real folder. Returns the number of files. Only
    /// stamps are read, and never through a link.
    pub fn as_last_left(&self) -> Option<usize> {
        use rayon::prelude::*;
        let recorded = &self.digests.entries;
        if self.empty_before || self.previous.len() != recorded.len() {
            return None;
        }
        let folders: BTreeSet<&str> = self
            .previous
            .iter()
            .flat_map(|path| path.match_indices('/').map(|(i, _)| &path[..i]))
            .collect();
        let dir = &self.dir;
        let real_folders = || {
            folders
                .par_iter()
                .all(|folder| kind_of(&dir.join(folder)).is_ok_and(|kind| kind == Kind::Dir))
        };
        let files_as_recorded = || {
            self.previous.par_iter().all(|path| {
                let meta = std::fs::symlink_metadata(dir.join(path));
                recorded.get(path).is_some_and(|entry| {
                    meta.is_ok_and(|meta| {
                        meta.is_file() && digests::Stamp::of(&meta) == entry.stamp
                    })
                })
            })
        };
        (real_folders() && files_as_recorded()).then_some(recorded.len())
    }

    /// Keeps `inputs` (one line) with the record a full build's commit saves,
    /// for the next build's [`Output::last_inputs`].
    pub fn keep_inputs(&mut self, inputs: String) {
        self.inputs = Some(inputs);
    }

    /// The files the previous build published, from its manifest.
    pub fn previous(&self) -> &BTreeSet<String> {
        &self.previous
    }

    /// Throws away everything staged; the output folder is as it was.
    pub fn abandon(mut self) {
        self.discard();
    }

    /// What [`Output::abandon`] does, for a process that has to end before it
    /// can drop its output (a build whose render ran past its time limit): the
    /// folder stays as it was, and nothing of this build is left beside it.
    pub fn discard_at_exit(&self) -> impl Fn() + Send + Sync + 'static {
        let (stage, dir, created_dir) = (self.stage.clone(), self.dir.clone(), self.created_dir);
        move || {
            // Not in parallel: the thread pool may be the one that is stuck.
            let _ = std::fs::remove_dir_all(&stage);
            if created_dir {
                let _ = std::fs::remove_dir(&dir);
            }
        }
    }

    fn discard(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        shadow::remove_tree(&self.stage);
        if self.created_dir {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }

    /// Marks a file the site no longer has, for a partial rebuild.
    pub fn remove(&self, path: &str) {
        self.removals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
    }

    /// Puts the new site in place and removes every file of the previous build the
    /// site did not produce: the end of a full build.
    pub fn commit(self) -> Result<WriteReport, Diagnostic> {
        self.finish(true)
    }

    /// Puts the changed files in place and removes only the files marked with
    /// [`Output::remove`]: the end of a rebuild of some pages.
    pub fn commit_partial(self) -> Result<WriteReport, Diagnostic> {
        self.finish(false)
    }

    /// [`Output::commit_partial`], keeping the list of published files for
    /// the next [`Output::begin_partial_known`].
    pub fn commit_partial_known(
        mut self,
        known: &mut KnownManifest,
    ) -> Result<WriteReport, Diagnostic> {
        let published = self.take_published();
        let result = self.finish_inner(&published, false);
        if result.is_ok() {
            self.created_dir = false;
            *known = KnownManifest::of(&self.dir, std::mem::take(&mut self.previous));
        }
        self.discard();
        result
    }

    fn finish(mut self, sweep: bool) -> Result<WriteReport, Diagnostic> {
        let published = self.take_published();
        let result = self.finish_inner(&published, sweep);
        if result.is_ok() {
            self.created_dir = false;
            if sweep {
                self.save_digests(&published);
            }
        }
        // On success the stage is gone or is the old tree; on failure it is
        // discarded and the output folder is as it was.
        self.discard();
        result
    }

    fn take_published(&self) -> Published {
        std::mem::take(&mut *self.published.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn finish_inner(
        &mut self,
        published: &Published,
        sweep: bool,
    ) -> Result<WriteReport, Diagnostic> {
        let changed = published.staged();
        let removals =
            std::mem::take(&mut *self.removals.lock().unwrap_or_else(|e| e.into_inner()));
        // Only files forklar published itself are ever removed.
        let stale: HashSet<&str> = if sweep {
            self.previous
                .iter()
                .filter(|p| !published.contains(p))
                .map(String::as_str)
                .collect()
        } else {
            removals
                .iter()
                .filter(|p| self.previous.contains(*p) && !published.contains(p))
                .map(String::as_str)
                .collect()
        };
        let (written, unchanged) = (changed.len(), self.unchanged.load(Ordering::Relaxed));
        let report = |removed| WriteReport {
            written,
            unchanged,
            removed,
        };
        if !self.swap && stale.is_empty() && published.paths().all(|p| self.previous.contains(p)) {
            // A save that published no new file and removed none (most saves
            // in `serve`): the manifest already lists every file, so it is
            // neither made again nor compared with the one on disk.
            let removed = self.move_in_place(&changed, &stale, None)?;
            return Ok(report(removed));
        }
        // Borrowed, not copied: the manifest of a large site is a list of
        // tens of thousands of paths, made while the site is still in memory.
        let mut manifest: Vec<&str> = self
            .previous
            .iter()
            .map(String::as_str)
            .filter(|p| !stale.contains(p))
            .chain(published.paths())
            .collect();
        manifest.sort_unstable();
        manifest.dedup();
        let manifest_text = manifest::render(manifest.iter().copied());
        if self.swap && changed.is_empty() && stale.is_empty() && self.manifest_is(&manifest_text) {
            // Every file is already there byte for byte: the folder stays as it is,
            // with no tree to link, exchange and remove.
            return Ok(report(0));
        }
        if self.swap {
            let removed = self.fill_shadow(&stale, published, &manifest_text)?;
            self.exchange()?;
            Ok(report(removed))
        } else {
            let removed = self.move_in_place(&changed, &stale, Some(&manifest_text))?;
            // What the folder publishes now, for a commit that keeps it.
            let now: BTreeSet<String> = manifest.into_iter().map(str::to_string).collect();
            self.previous = now;
            Ok(report(removed))
        }
    }

    /// Whether the manifest in the output folder is a plain file holding `text`.
    fn manifest_is(&self, text: &str) -> bool {
        let path = self.dir.join(MANIFEST_FILE);
        kind_of(&path).is_ok_and(|k| k == Kind::File) && same_bytes(&path, text.as_bytes())
    }

    /// Keeps what every file a full build published holds, for the next build.
    /// A partial rebuild (a save in `serve`) leaves the record as it is: the
    /// files it replaced have new stamps, so the next build reads those few.
    fn save_digests(&self, published: &Published) {
        self.digests
            .save(published.entries(), self.inputs.as_deref());
    }

    fn io_problem(&self, path: &Path, err: &std::io::Error) -> Diagnostic {
        let shown = path
            .strip_prefix(&self.dir)
            .map(|rel| self.shown.join(rel))
            .unwrap_or_else(|_| path.to_path_buf());
        Diagnostic::new(format!("cannot write the output folder: {err}"))
            .in_file(shown)
            .with_help(
                "check free disk space and the folder's permissions; nothing in it was changed",
            )
    }

    /// Reserves `path` for `origin` ("static/x.css", or "a page"), refusing a second
    /// claim so nothing is silently overwritten.
    fn claim(&self, path: &str, origin: &str) -> Result<(), Diagnostic> {
        if let Some(problem) = manifest::path_problem(path) {
            let diagnostic = Diagnostic::new(format!(
                "refusing to publish /{}: {problem}",
                path.escape_debug()
            ));
            // Pages get their addresses from slugs, which are checked long
            // before; a file of static/ keeps the name it was given.
            return Err(at_origin(
                diagnostic,
                origin,
                "rename the file in static/ (or its folder) to a plain name",
                "give the page a plain slug",
            ));
        }
        let claimed = self
            .published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .claim(path, origin);
        if let Err(first) = claimed {
            let (file, other) = if origin.starts_with("static/") {
                (origin, first.as_str())
            } else {
                (first.as_str(), origin)
            };
            let diagnostic = Diagnostic::new(format!(
                "{file} and {other} would both be published as /{path}"
            ));
            return Err(at_origin(
                diagnostic,
                file,
                "rename or move the file in static/, or give the page another slug",
                "give one of them another slug",
            ));
        }
        Ok(())
    }
}

/// `diagnostic` for what `origin` publishes: a file of static/ is named, with
/// `static_help`; a page (named in the message) gets `page_help`.
fn at_origin(
    diagnostic: Diagnostic,
    origin: &str,
    static_help: &str,
    page_help: &str,
) -> Diagnostic {
    if origin.starts_with("static/") {
        diagnostic.in_file(origin).with_help(static_help)
    } else {
        diagnostic.with_help(page_help)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        self.discard();
    }
}

impl Sink for Output {
    fn write(&self, path: &str, bytes: &[u8], origin: &str) -> Result<(), Diagnostic> {
        self.claim(path, origin)?;
        self.put(path, bytes)
    }

    fn expect(&self, files: usize, origins: usize) {
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .reserve(files, origins);
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic> {
        self.claim(path, &format!("static/{path}"))?;
        let bytes = std::fs::read(from)
            .map_err(|err| Diagnostic::new(format!("cannot read the file: {err}")).in_file(from))?;
        self.put(path, &bytes)
    }

    fn write_stored(
        &self,
        path: &str,
        key: &str,
        entry: &dyn StoredEntry,
        origin: &str,
    ) -> Result<Stored, Diagnostic> {
        self.claim(path, origin)?;
        let stored = self.put_stored(path, key, entry);
        if matches!(stored, Ok(Stored::Missing)) {
            // The variant is made now and written like any file, which
            // claims its path again.
            self.published
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .release(path);
        }
        stored
    }
}

/// Removes the folders a removed file leaves empty, up to the output folder.
fn remove_empty_parents(top: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == top || std::fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

#[cfg(test)]
mod tests;
