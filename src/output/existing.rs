//! What is already in the output folder, looked at without following links:
//! whether a file there may be replaced, and whether it holds the bytes a
//! build would write.

use std::path::Path;

use super::digests::{self, Stamp};
use super::{MANIFEST_FILE, Output};
use crate::diagnostics::Diagnostic;

/// What is at a path in the output folder, without following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Missing,
    File,
    Dir,
    Link,
    Other,
}

pub(super) fn kind_of(path: &Path) -> std::io::Result<Kind> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            let t = meta.file_type();
            Ok(if t.is_symlink() {
                Kind::Link
            } else if t.is_dir() {
                Kind::Dir
            } else if t.is_file() {
                Kind::File
            } else {
                Kind::Other
            })
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Kind::Missing),
        Err(err) => Err(err),
    }
}

impl Output {
    /// Whether every folder on the way to `path` is a real folder (or missing).
    pub(super) fn no_links_to(&self, path: &str) -> bool {
        path.match_indices('/').all(|(i, _)| {
            matches!(
                kind_of(&self.dir.join(&path[..i])),
                Ok(Kind::Dir | Kind::Missing)
            )
        })
    }

    /// What a folder path in the output folder is, looked up once.
    fn old_dir(&self, prefix: &str) -> Kind {
        if let Some(kind) = self
            .old_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(prefix)
        {
            return *kind;
        }
        let kind = kind_of(&self.dir.join(prefix)).unwrap_or(Kind::Other);
        self.old_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(prefix.to_string(), kind);
        kind
    }

    /// What is at `path` in the output folder now: nothing, or a plain file (with
    /// its metadata). A link on the way, or something forklar did not write in
    /// the way, is an error.
    pub(super) fn inspect(&self, path: &str) -> Result<Option<std::fs::Metadata>, Diagnostic> {
        for (i, _) in path.match_indices('/') {
            let prefix = &path[..i];
            match self.old_dir(prefix) {
                Kind::Dir => {}
                Kind::Missing => return Ok(None),
                Kind::File if self.previous.contains(prefix) => return Ok(None),
                Kind::Link => return Err(self.link_refused(prefix)),
                Kind::File | Kind::Other => return Err(self.foreign(prefix, true)),
            }
        }
        let meta = match std::fs::symlink_metadata(self.dir.join(path)) {
            Ok(meta) => meta,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(_) => return Err(self.foreign(path, false)),
        };
        let file_type = meta.file_type();
        if file_type.is_file() {
            Ok(Some(meta))
        } else if file_type.is_symlink() {
            Err(self.link_refused(path))
        } else if file_type.is_dir() {
            Err(Diagnostic::new(format!(
                "{} is a folder, and the site publishes a file there",
                self.shown.join(path).display()
            ))
            .in_file(self.shown.join(path))
            .with_help("move the folder out of the output folder, or delete it"))
        } else {
            Err(self.foreign(path, false))
        }
    }

    fn link_refused(&self, path: &str) -> Diagnostic {
        let shown = self.shown.join(path);
        let target = std::fs::read_link(self.dir.join(path))
            .map(|t| format!(" (to {})", t.display()))
            .unwrap_or_default();
        Diagnostic::new(format!(
            "{} is a symbolic link{target}; forklar never writes, reads or removes anything through a link in the output folder",
            shown.display()
        ))
        .in_file(&shown)
        .with_help(format!(
            "delete the link, and forklar writes a real {} there; to publish what it points to, copy that into static/{path}",
            if self.old_dir(path) == Kind::Link { "folder or file" } else { "file" }
        ))
    }

    fn foreign(&self, path: &str, folder_needed: bool) -> Diagnostic {
        let shown = self.shown.join(path);
        let why = if folder_needed {
            "the site publishes files inside a folder of that name"
        } else {
            "the site publishes its own file there"
        };
        Diagnostic::new(format!(
            "{} was not written by forklar (it is not listed in {}), and {why}; forklar does not overwrite it",
            shown.display(),
            self.shown.join(MANIFEST_FILE).display()
        ))
        .in_file(&shown)
        .with_help(if replaceable_from_static(path) {
            format!(
                "to publish your own file, move it into static/{path} (it then takes the place of forklar's); otherwise delete it"
            )
        } else {
            "delete it, or move it out of the output folder to keep it; forklar publishes a file of its own at this address".to_string()
        })
    }

    /// Whether `bytes` (hashed to `hash`) are already at `path`: the stamp of the
    /// file there if so. A file forklar did not write, with other bytes, is an
    /// error: it is never overwritten.
    pub(super) fn already_there(
        &self,
        path: &str,
        bytes: &[u8],
        hash: &digests::Hash,
    ) -> Result<Option<Stamp>, Diagnostic> {
        if self.empty_before {
            return Ok(None);
        }
        let Some(meta) = self.inspect(path)? else {
            return Ok(None);
        };
        let stamp = Stamp::of(&meta);
        let published = self.previous.contains(path);
        if published && let Some(known) = self.digests.known(path, stamp) {
            // The file is as the previous build left it: its hash says what it
            // holds, without reading it.
            return Ok((known == *hash).then_some(stamp));
        }
        if meta.len() == bytes.len() as u64 && same_bytes(&self.dir.join(path), bytes) {
            // Also a file forklar did not list but would write byte for byte (a
            // lost manifest): it becomes forklar's.
            Ok(Some(stamp))
        } else if published {
            Ok(None)
        } else {
            Err(self.foreign(path, false))
        }
    }
}

/// The bytes of the plain file at `path`, `None` when it cannot be read as
/// one; never read through a link. `expected` is room for what it should hold.
fn read_plain_file(path: &Path, expected: usize) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .ok()?;
    let mut bytes = Vec::with_capacity(expected);
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Whether the plain file at `path` holds `bytes`; never read through a link.
pub(super) fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    read_plain_file(path, bytes.len() + 1).is_some_and(|existing| existing == bytes)
}

/// The hash of the plain file at `path`, `None` when it cannot be read as
/// one; never read through a link.
pub(super) fn hash_of_file(path: &Path) -> Option<digests::Hash> {
    read_plain_file(path, 0).map(|bytes| digests::hash(&bytes))
}

/// The files the site publishes that one of the same name in static/
/// replaces: robots.txt and the theme's icons. Any other address forklar
/// publishes cannot also come from static/.
fn replaceable_from_static(path: &str) -> bool {
    path == crate::render::pages::ROBOTS_FILE
        || crate::render::assets::ICONS
            .iter()
            .any(|(icon, _)| *icon == path)
}
