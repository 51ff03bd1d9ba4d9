//! The shadow folder a build fills beside the output folder before the two
//! are exchanged: made, filled with links to what stays, and cleaned up after a
//! killed build.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::published::Published;
use super::{Output, STAGING_DIR, SWAP_MARK, fsops};
use crate::diagnostics::Diagnostic;

/// The walk that links what stays into the shadow folder.
pub(super) struct Walk<'a> {
    pub(super) output: &'a Output,
    pub(super) stale: &'a HashSet<&'a str>,
    /// What this build publishes: a file it staged is not linked.
    pub(super) published: &'a Published,
    pub(super) removed: &'a AtomicUsize,
}

impl Walk<'_> {
    pub(super) fn entry(&self, rel: &Path, file_type: std::fs::FileType) -> Result<(), Diagnostic> {
        let output = self.output;
        let from = output.dir.join(rel);
        let to = output.stage.join(rel);
        if file_type.is_dir() {
            // Every folder is replaced by the exchange, so one that may not be
            // changed fails the build here, before anything is.
            if !fsops::writable(&from) {
                return Err(Diagnostic::new(format!(
                    "cannot write {}: the folder is read-only",
                    output.shown.join(rel).display()
                ))
                .in_file(output.shown.join(rel))
                .with_help("check the folder's permissions (and chattr/mount flags); nothing in the output folder was changed"));
            }
            let mut empty = true;
            for entry in std::fs::read_dir(&from).map_err(|err| output.io_problem(&from, &err))? {
                empty = false;
                let entry = entry.map_err(|err| output.io_problem(&from, &err))?;
                let file_type = entry
                    .file_type()
                    .map_err(|err| output.io_problem(&entry.path(), &err))?;
                self.entry(&rel.join(entry.file_name()), file_type)?;
            }
            if empty {
                // An empty folder someone made stays.
                std::fs::create_dir_all(&to).map_err(|err| output.io_problem(&from, &err))?;
            }
            return Ok(());
        }
        if let Some(key) = rel.to_str() {
            if self.stale.contains(key) {
                self.removed.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            if self.published.is_staged(key) {
                return Ok(());
            }
        }
        // A link or special file is linked as itself, never followed.
        super::put::in_new_folders(&to, |to| std::fs::hard_link(&from, to))
            .map_err(|err| output.io_problem(&from, &err))
    }
}

/// Makes the shadow folder beside `dir`, or says why the folder cannot be
/// exchanged.
pub(super) fn make_shadow(dir: &Path) -> Result<(PathBuf, fsops::DirLock), String> {
    if !cfg!(target_os = "linux") {
        return Err("this system cannot exchange two folders in one step".into());
    }
    if fsops::is_mount_point(dir) {
        return Err("it is a mount point".into());
    }
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Err("it has no parent folder".into());
    };
    let shadow = tempfile::Builder::new()
        .prefix(&format!(".{}{SWAP_MARK}", name.to_string_lossy()))
        .tempdir_in(parent)
        .map_err(|err| {
            format!(
                "cannot create a folder beside it in {}: {err}",
                parent.display()
            )
        })?
        .keep();
    let (a, b) = (shadow.join("a"), shadow.join("b"));
    let probe = std::fs::create_dir(&a)
        .and_then(|()| std::fs::create_dir(&b))
        .and_then(|()| fsops::exchange(&a, &b));
    let _ = std::fs::remove_dir(&a);
    let _ = std::fs::remove_dir(&b);
    let locked = probe.and_then(|()| fsops::lock_new(&shadow));
    match locked {
        Ok(lock) => Ok((shadow, lock)),
        Err(err) => {
            let _ = std::fs::remove_dir_all(&shadow);
            Err(format!(
                "the file system cannot exchange two folders: {err}"
            ))
        }
    }
}

/// Removes what a killed build left: the staging folder inside `dir` and shadow
/// folders beside it. Called with the lock held.
pub(super) fn clean_leftovers(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir.join(STAGING_DIR));
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let prefix = format!(".{}{SWAP_MARK}", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            // remove_dir_all removes a link itself, never what it points to.
            let _ = std::fs::remove_dir_all(entry.path())
                .or_else(|_| std::fs::remove_file(entry.path()));
        }
    }
}

/// Removes a folder and everything in it, as `remove_dir_all` does (a link is
/// removed, never followed), with the entries at its top removed in parallel:
/// after a build the old tree holds every page, and removing it one file after
/// another took as long as writing the new one.
pub(super) fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let entries: Vec<std::fs::DirEntry> = match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(dir)
            .map(|entries| entries.flatten().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    entries.par_iter().for_each(|entry| {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    });
    // Whatever is left (a link in place of the folder, or an entry added
    // meanwhile) goes the sequential way.
    let _ = std::fs::remove_dir_all(dir);
}
