//! Writing the output folder so that a failed build changes nothing: every file is
//! first written to a staging folder, and moved into place only when the whole
//! site has rendered. Files whose bytes did not change are left untouched, so their
//! modification times stay and sync tools upload only what changed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::diagnostics::Diagnostic;
use crate::layout::CONTENT_DIR;

/// Where rendered files go: the output folder, or nowhere for `check`.
pub trait Sink: Sync {
    /// Stores `bytes` at `path`, relative to the output folder, with `/` separators.
    /// `origin` names what the file is made from, for messages.
    fn write(&self, path: &str, bytes: &[u8], origin: &str) -> Result<(), Diagnostic>;
    /// Copies a file from the site into the output.
    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic>;
}

const STAGING_DIR: &str = ".forklar-staging";
/// The list of files the last build published. Only files on it are ever removed,
/// so files someone else put in the output folder (a CNAME, a verification file)
/// are never touched.
pub const MANIFEST_FILE: &str = ".forklar-manifest";

/// An output folder being written.
pub struct Output {
    dir: PathBuf,
    staging: PathBuf,
    /// Every path the site produced, relative to `dir`, with what produced it.
    produced: Mutex<HashMap<String, String>>,
    /// The files the previous build published, read when first needed.
    previous: OnceLock<BTreeSet<String>>,
    /// A file was written where there was none, so the manifest must grow.
    added_files: AtomicBool,
    /// Paths whose bytes differ from what is in `dir`, waiting in `staging`.
    changed: Mutex<Vec<String>>,
    unchanged: AtomicUsize,
    /// Files the site no longer has, to remove on commit.
    removals: Mutex<Vec<String>>,
    created_dir: bool,
    /// The output folder was empty, so files are written in place.
    fresh: bool,
    /// Folders already created while staging.
    made_dirs: Mutex<HashSet<PathBuf>>,
}

/// What a finished write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Output {
    /// Prepares to write `dir`, refusing folders where a build would destroy work.
    pub fn begin(root: &Path, dir: &Path) -> Result<Output, Diagnostic> {
        check_output_dir(root, dir)?;
        let created_dir = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|err| {
            Diagnostic::new(format!("cannot create the output folder: {err}"))
                .in_file(dir)
                .with_help("check that the path is a folder you can write to, or pass --output DIR")
        })?;
        // An empty folder has nothing to keep as it was: write in place, and empty
        // it again if the build fails. Saves a rename and a folder per page.
        let fresh = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none());
        let staging = if fresh {
            dir.to_path_buf()
        } else {
            let staging = dir.join(STAGING_DIR);
            if staging.exists() {
                // Left by a build that was killed; it is ours and holds nothing else.
                let _ = std::fs::remove_dir_all(&staging);
            }
            if let Err(err) = std::fs::create_dir(&staging) {
                if created_dir {
                    let _ = std::fs::remove_dir(dir);
                }
                return Err(
                    Diagnostic::new(format!("cannot write to the output folder: {err}"))
                        .in_file(dir)
                        .with_help("check the folder's permissions, or pass --output DIR"),
                );
            }
            staging
        };
        Ok(Output {
            dir: dir.to_path_buf(),
            staging,
            previous: if fresh {
                OnceLock::from(BTreeSet::new())
            } else {
                OnceLock::new()
            },
            added_files: AtomicBool::new(fresh),
            produced: Mutex::new(HashMap::new()),
            changed: Mutex::new(Vec::new()),
            unchanged: AtomicUsize::new(0),
            removals: Mutex::new(Vec::new()),
            created_dir,
            fresh,
            made_dirs: Mutex::new(HashSet::new()),
        })
    }

    /// Throws away everything staged; the output folder is as it was.
    pub fn abandon(self) {
        if self.fresh {
            // The folder was empty before: empty it again.
            if let Ok(entries) = std::fs::read_dir(&self.dir) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    let _ = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                        std::fs::remove_dir_all(&path)
                    } else {
                        std::fs::remove_file(&path)
                    };
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        if self.created_dir {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }

    fn previous(&self) -> &BTreeSet<String> {
        self.previous.get_or_init(|| {
            std::fs::read_to_string(self.dir.join(MANIFEST_FILE))
                .map(|text| text.lines().map(str::to_string).collect())
                .unwrap_or_default()
        })
    }

    /// Marks a file the site no longer has, for a partial rebuild.
    pub fn remove(&self, path: &str) {
        self.removals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
    }

    /// Moves every changed file into place and removes every file the site did not
    /// produce: the end of a full build.
    pub fn commit(self) -> Result<WriteReport, Diagnostic> {
        self.finish(true)
    }

    /// Moves every changed file into place and removes only the files marked with
    /// [`Output::remove`]: the end of a rebuild of some pages.
    pub fn commit_partial(self) -> Result<WriteReport, Diagnostic> {
        self.finish(false)
    }

    fn finish(self, sweep: bool) -> Result<WriteReport, Diagnostic> {
        let changed = std::mem::take(&mut *self.changed.lock().unwrap_or_else(|e| e.into_inner()));
        // Written in place already when the folder started empty.
        let to_move = if self.fresh { &[][..] } else { &changed[..] };
        // Each replaced file is first set aside, so that if any move fails every
        // earlier one can be undone: the output is all old or all new.
        let previous_files = self.staging.join(".previous");
        let mut moved: Vec<(PathBuf, Option<PathBuf>)> = Vec::with_capacity(to_move.len());
        for path in to_move {
            let from = self.staging.join(path);
            let to = self.dir.join(path);
            let backup = previous_files.join(path);
            let result = (|| -> std::io::Result<Option<PathBuf>> {
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let set_aside = if to.is_file() {
                    if let Some(parent) = backup.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::rename(&to, &backup)?;
                    Some(backup.clone())
                } else {
                    None
                };
                if let Err(err) = std::fs::rename(&from, &to) {
                    if let Some(backup) = &set_aside {
                        let _ = std::fs::rename(backup, &to);
                    }
                    return Err(err);
                }
                Ok(set_aside)
            })();
            match result {
                Ok(set_aside) => moved.push((to, set_aside)),
                Err(err) => {
                    for (placed, set_aside) in moved.iter().rev() {
                        match set_aside {
                            Some(backup) => {
                                let _ = std::fs::rename(backup, placed);
                            }
                            None => {
                                let _ = std::fs::remove_file(placed);
                                remove_empty_parents(&self.dir, placed);
                            }
                        }
                    }
                    let _ = std::fs::remove_dir_all(&self.staging);
                    return Err(Diagnostic::new(format!("cannot write the file: {err}"))
                        .in_file(to)
                        .with_help(
                            "check the output folder's permissions and free space; nothing in it was changed",
                        ));
                }
            }
        }
        if !self.fresh {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        let produced = self.produced.lock().unwrap_or_else(|e| e.into_inner());
        let removals = self.removals.lock().unwrap_or_else(|e| e.into_inner());
        let stale: Vec<&String> = if sweep {
            self.previous()
                .iter()
                .filter(|p| !produced.contains_key(*p))
                .collect()
        } else {
            removals
                .iter()
                .filter(|p| !produced.contains_key(*p))
                .collect()
        };
        let mut removed = 0;
        for path in &stale {
            let file = self.dir.join(path);
            if std::fs::remove_file(&file).is_ok() {
                removed += 1;
                remove_empty_parents(&self.dir, &file);
            }
        }
        // A rebuild that only rewrote existing files leaves the list as it is.
        let manifest_changes =
            sweep || !stale.is_empty() || self.added_files.load(Ordering::Relaxed);
        let mut manifest: BTreeSet<String> = match (sweep, manifest_changes) {
            (true, _) => BTreeSet::new(),
            (false, true) => self.previous().clone(),
            (false, false) => BTreeSet::new(),
        };
        for path in &stale {
            manifest.remove(*path);
        }
        manifest.extend(produced.keys().cloned());
        if manifest_changes && &manifest != self.previous() {
            let text: String = manifest.iter().map(|p| format!("{p}\n")).collect();
            std::fs::write(self.dir.join(MANIFEST_FILE), text).map_err(|err| {
                Diagnostic::new(format!("cannot write the file: {err}"))
                    .in_file(self.dir.join(MANIFEST_FILE))
            })?;
        }
        Ok(WriteReport {
            written: changed.len(),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed,
        })
    }

    /// Reserves `path` for `origin` ("static/x.css", or "a page"), refusing a second
    /// claim so nothing is silently overwritten.
    fn claim(&self, path: &str, origin: &str) -> Result<(), Diagnostic> {
        if path
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
            || path == MANIFEST_FILE
            || path.starts_with(STAGING_DIR)
        {
            return Err(Diagnostic::new(format!(
                "refusing to write {path}: it is outside the output folder or reserved by forklar"
            )));
        }
        let mut produced = self.produced.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(first) = produced.get(path) {
            let (file, other) = if origin.starts_with("static/") {
                (origin, first.as_str())
            } else {
                (first.as_str(), origin)
            };
            let diagnostic = Diagnostic::new(format!(
                "{file} and {other} would both be published as /{path}"
            ));
            return Err(if file.starts_with("static/") {
                diagnostic
                    .in_file(file)
                    .with_help("rename or move the file in static/, or give the page another slug")
            } else {
                diagnostic.with_help("give one of them another slug")
            });
        }
        produced.insert(path.to_string(), origin.to_string());
        Ok(())
    }

    /// Creates the folder a file goes in, once per folder.
    fn make_parent(&self, file: &Path) -> std::io::Result<()> {
        let Some(parent) = file.parent() else {
            return Ok(());
        };
        if self
            .made_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(parent)
        {
            return Ok(());
        }
        std::fs::create_dir_all(parent)?;
        self.made_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(parent.to_path_buf());
        Ok(())
    }

    fn stage(
        &self,
        path: &str,
        write: impl FnOnce(&Path) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let target = self.staging.join(path);
        if !self.fresh && !self.dir.join(path).exists() {
            self.added_files.store(true, Ordering::Relaxed);
        }
        self.make_parent(&target)
            .and_then(|()| write(&target))
            .map_err(|err| {
                Diagnostic::new(format!("cannot write {path}: {err}"))
                    .in_file(&self.dir)
                    .with_help("check free disk space and the folder's permissions")
            })?;
        self.changed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
        Ok(())
    }
}

impl Sink for Output {
    fn write(&self, path: &str, bytes: &[u8], origin: &str) -> Result<(), Diagnostic> {
        self.claim(path, origin)?;
        if !self.fresh && same_bytes(&self.dir.join(path), bytes) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        self.stage(path, |target| std::fs::write(target, bytes))
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic> {
        self.claim(path, &format!("static/{path}"))?;
        let bytes = std::fs::read(from)
            .map_err(|err| Diagnostic::new(format!("cannot read the file: {err}")).in_file(from))?;
        if same_bytes(&self.dir.join(path), &bytes) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        self.stage(path, |target| std::fs::write(target, &bytes))
    }
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|existing| existing == bytes)
        }
        _ => false,
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

/// Refuses output folders that would put the site's own files at risk.
pub fn check_output_dir(root: &Path, dir: &Path) -> Result<(), Diagnostic> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let resolved = resolve(dir);
    let refuse = |why: &str| {
        Err(Diagnostic::new(format!(
            "refusing to use {} as the output folder: {why}",
            dir.display()
        ))
        .with_help("pass --output with a folder of its own, such as public/"))
    };
    if resolved == root {
        return refuse("it is the site's own folder");
    }
    if root.starts_with(&resolved) {
        return refuse("it holds the site");
    }
    if resolved.join(CONTENT_DIR).is_dir() || resolved.join(crate::config::CONFIG_FILE).is_file() {
        return refuse("it holds a site (content/ or site.toml)");
    }
    for source in [
        CONTENT_DIR,
        crate::templates::TEMPLATE_DIR,
        crate::layout::STATIC_DIR,
    ] {
        if resolved.starts_with(root.join(source)) {
            return refuse(&format!("it is inside the site's {source}/ folder"));
        }
    }
    if resolved.join(".git").exists() || resolved.join("Cargo.toml").is_file() {
        return refuse("it holds a project of its own");
    }
    if resolved.is_file() {
        return refuse("it is a file");
    }
    Ok(())
}

/// The canonical form of a path that may not exist yet.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}
