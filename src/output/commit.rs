//! The two ways a build's files reach the output folder: a shadow tree
//! exchanged in one step, or, where that cannot work, moves one by one that
//! undo themselves when one fails.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;

use rayon::prelude::*;

use super::published::Published;
use super::shadow::Walk;
use super::{Kind, MANIFEST_FILE, Output, STAGING_DIR, fsops, kind_of, remove_empty_parents};
use crate::diagnostics::Diagnostic;

impl Output {
    /// Hard-links every file of the output folder that stays into the shadow
    /// folder, then writes the manifest there. Returns how many files go.
    pub(super) fn fill_shadow(
        &self,
        stale: &HashSet<&str>,
        published: &Published,
        manifest_text: &str,
    ) -> Result<usize, Diagnostic> {
        let removed = AtomicUsize::new(0);
        let top: Vec<std::fs::DirEntry> = std::fs::read_dir(&self.dir)
            .and_then(|entries| entries.collect())
            .map_err(|err| self.io_problem(&self.dir, &err))?;
        let walk = Walk {
            output: self,
            stale,
            published,
            removed: &removed,
        };
        top.par_iter()
            .filter(|entry| {
                let name = entry.file_name();
                name != OsStr::new(MANIFEST_FILE) && name != OsStr::new(STAGING_DIR)
            })
            .try_for_each(|entry| {
                let file_type = entry
                    .file_type()
                    .map_err(|err| self.io_problem(&entry.path(), &err))?;
                walk.entry(Path::new(&entry.file_name()), file_type)
            })?;
        let old = self.dir.join(MANIFEST_FILE);
        let new = self.stage.join(MANIFEST_FILE);
        let same = kind_of(&old).is_ok_and(|k| k == Kind::File)
            && std::fs::read(&old).is_ok_and(|bytes| bytes == manifest_text.as_bytes());
        if same {
            std::fs::hard_link(&old, &new)
        } else {
            std::fs::write(&new, manifest_text)
        }
        .map_err(|err| self.io_problem(&old, &err))?;
        if let Ok(meta) = std::fs::metadata(&self.dir) {
            let _ = std::fs::set_permissions(&self.stage, meta.permissions());
        }
        Ok(removed.into_inner())
    }

    /// Exchanges the shadow folder with the output folder: the one instant the
    /// site changes.
    pub(super) fn exchange(&mut self) -> Result<(), Diagnostic> {
        fsops::exchange(&self.stage, &self.dir).map_err(|err| {
            Diagnostic::new(format!("cannot put the new site in place: {err}"))
                .in_file(&self.shown)
                .with_help("nothing in the output folder was changed; check that it is not a mount point and that you may rename it")
        })?;
        // The output folder is the new one now, whatever happens next.
        self.created_dir = false;
        Ok(())
    }

    /// The fallback: moves each changed file into place, setting aside what it
    /// replaces so a failed move undoes the earlier ones. `manifest_text` is
    /// `None` when the set of published files is unchanged.
    pub(super) fn move_in_place(
        &self,
        changed: &[&str],
        stale: &HashSet<&str>,
        manifest_text: Option<&str>,
    ) -> Result<usize, Diagnostic> {
        let previous_files = self.stage.join(".previous");
        let mut moved: Vec<(PathBuf, Option<PathBuf>)> = Vec::with_capacity(changed.len());
        for path in changed {
            let from = self.stage.join(path);
            let to = self.dir.join(path);
            let backup = previous_files.join(path);
            let result = (|| -> std::io::Result<Option<PathBuf>> {
                if !self.no_links_to(path) {
                    return Err(std::io::Error::other(
                        "a symbolic link appeared in the path",
                    ));
                }
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let set_aside = if kind_of(&to)? == Kind::File {
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
                    return Err(Diagnostic::new(format!("cannot write the file: {err}"))
                        .in_file(to)
                        .with_help(
                            "check the output folder's permissions and free space; nothing in it was changed",
                        ));
                }
            }
        }
        let mut removed = 0;
        for path in stale {
            let file = self.dir.join(path);
            // Never through a link, and never anything but a plain file.
            if self.no_links_to(path)
                && kind_of(&file).is_ok_and(|k| k == Kind::File)
                && std::fs::remove_file(&file).is_ok()
            {
                removed += 1;
                remove_empty_parents(&self.dir, &file);
            }
        }
        let Some(manifest_text) = manifest_text else {
            return Ok(removed);
        };
        let target = self.dir.join(MANIFEST_FILE);
        if std::fs::read(&target).ok().as_deref() != Some(manifest_text.as_bytes()) {
            let staged = self.stage.join(MANIFEST_FILE);
            std::fs::write(&staged, manifest_text)
                .and_then(|()| std::fs::rename(&staged, &target))
                .map_err(|err| self.io_problem(&target, &err))?;
        }
        Ok(removed)
    }
}
