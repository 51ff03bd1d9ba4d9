//! Publishing one file: left in place when the output folder holds it
//! already, otherwise written into the stage, and in both cases recorded for
//! the next build.

use std::path::Path;
use std::sync::atomic::Ordering;

use super::digests::{self, Entry, Stamp};
use super::{Output, Stored, StoredEntry, existing};
use crate::diagnostics::Diagnostic;

impl Output {
    /// Remembers what `path` holds now, for the next build's comparison.
    fn record(&self, path: &str, hash: digests::Hash, stamp: Stamp) {
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record(path, Entry { hash, stamp });
    }

    /// Publishes `bytes` at `path`: left as it is when already there, else staged.
    pub(super) fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let hash = digests::hash(bytes);
        self.put_recorded_as(path, bytes, &hash, hash)
    }

    /// [`Output::put`], remembering the file for the next build as `record_as`.
    fn put_recorded_as(
        &self,
        path: &str,
        bytes: &[u8],
        hash: &digests::Hash,
        record_as: digests::Hash,
    ) -> Result<(), Diagnostic> {
        if let Some(stamp) = self.already_there(path, bytes, hash)? {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            self.record(path, record_as, stamp);
            return Ok(());
        }
        let stamp = self.stage(path, bytes)?;
        self.record(path, record_as, stamp);
        Ok(())
    }

    /// Publishes the image cache's entry `key` at `path`. A file the previous
    /// build recorded as that very entry, still with its stamp, is left as it
    /// is without reading either: a warm rebuild of a site of photos would
    /// otherwise read every variant from the cache and hash it.
    pub(super) fn put_stored(
        &self,
        path: &str,
        key: &str,
        entry_in_cache: &dyn StoredEntry,
    ) -> Result<Stored, Diagnostic> {
        let entry = digests::hash_of_entry(key);
        if !self.empty_before
            && self.previous.contains(path)
            && let Some(meta) = self.inspect(path)?
        {
            let stamp = Stamp::of(&meta);
            if self.digests.known(path, stamp) == Some(entry) {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                self.record(path, entry, stamp);
                return Ok(Stored::Kept);
            }
        }
        if self.empty_before
            && let Some(file) = entry_in_cache.file()
            && let Some(stamp) = self.stage_copy(path, &file)?
        {
            // Nothing to compare with: the system copies the entry (a
            // reflink where the file system has them) without its bytes
            // passing through here.
            self.record(path, entry, stamp);
            return Ok(Stored::Copied);
        }
        let Some(bytes) = entry_in_cache.bytes() else {
            return Ok(Stored::Missing);
        };
        self.put_recorded_as(path, &bytes, &digests::hash(&bytes), entry)?;
        Ok(Stored::Copied)
    }

    /// Publishes again, as they are, files an earlier build or save wrote
    /// here, when every one of them still holds the bytes hashed to its
    /// hash: all of them or none (`Ok(false)`, nothing claimed), so that
    /// the caller can write another set in their place. A file whose stamp
    /// the record knows is not read; any other is read (never through a
    /// link) and hashed.
    pub fn keep_as_they_are(
        &self,
        files: &[(String, digests::Hash)],
        origin: &str,
    ) -> Result<bool, Diagnostic> {
        if self.empty_before {
            return Ok(false);
        }
        let mut stamps = Vec::with_capacity(files.len());
        for (path, hash) in files {
            if !self.previous.contains(path) {
                return Ok(false);
            }
            let Some(meta) = self.inspect(path)? else {
                return Ok(false);
            };
            let stamp = Stamp::of(&meta);
            let holds = match self.digests.known(path, stamp) {
                Some(known) => known == *hash,
                None => existing::hash_of_file(&self.dir.join(path)) == Some(*hash),
            };
            if !holds {
                return Ok(false);
            }
            stamps.push(stamp);
        }
        for ((path, hash), stamp) in files.iter().zip(stamps) {
            self.claim(path, origin)?;
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            self.record(path, *hash, stamp);
        }
        Ok(true)
    }

    /// Writes `bytes` into the stage; returns the new file's stamp, which moving
    /// it into place (a rename, or the exchange) keeps.
    fn stage(&self, path: &str, bytes: &[u8]) -> Result<Stamp, Diagnostic> {
        self.stage_with(path, |file| std::io::Write::write_all(file, bytes))
    }

    /// Copies the file `from` into the stage at `path`, by the system's
    /// `copy_file_range`; `None` when `from` cannot be opened as a plain
    /// file (it is then read the ordinary way, or reported missing).
    fn stage_copy(&self, path: &str, from: &Path) -> Result<Option<Stamp>, Diagnostic> {
        use std::os::unix::fs::OpenOptionsExt;
        let Ok(mut source) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(from)
        else {
            return Ok(None);
        };
        self.stage_with(path, |file| std::io::copy(&mut source, file).map(drop))
            .map(Some)
    }

    /// Creates `path` in the stage and fills it with `fill`.
    fn stage_with(
        &self,
        path: &str,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<Stamp, Diagnostic> {
        let target = self.stage.join(path);
        let stamp = in_new_folders(&target, |target| std::fs::File::create(target))
            .and_then(|mut file| {
                fill(&mut file)?;
                file.metadata()
            })
            .map_err(|err| {
                Diagnostic::new(format!("cannot write {path}: {err}"))
                    .in_file(&self.shown)
                    .with_help("check free disk space and the folder's permissions")
            })?;
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .stage(path);
        Ok(Stamp::of(&stamp))
    }
}

/// Makes `target` with `make` (creating or linking a file) in its folder,
/// made first. The stage and the shadow tree start empty and nearly every
/// page is a folder of its own, so trying the file first failed for almost
/// every one: one `mkdir` that may find the folder there is cheaper than
/// a failed `open` followed by one.
pub(super) fn in_new_folders<T>(
    target: &Path,
    make: impl Fn(&Path) -> std::io::Result<T>,
) -> std::io::Result<T> {
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        match std::fs::create_dir(parent) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(parent)?;
            }
            // Already there (or not a folder, which `make` then reports).
            Ok(()) | Err(_) => {}
        }
    }
    make(target)
}
