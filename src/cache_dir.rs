//! The site's cache folder, `.forklar-cache/`, and the only ways into it.
//!
//! The folder belongs to the site, and a site is often someone else's
//! repository: a `.forklar-cache` (or a folder in it) committed as a link to
//! elsewhere must not let a build read, write or delete anything outside the
//! site. So every folder on the way is checked to be a real folder, never
//! followed if it is a link; and new entries are written to a temporary file
//! with an unpredictable name, created afresh, then renamed into place.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The cache folder relative to the site root.
pub const CACHE_ROOT: &str = ".forklar-cache";

/// `site_root/.forklar-cache/<name>`, made if missing, or `None` where a
/// folder on the way is a link or not a folder: then the cache is not used.
pub fn open(site_root: &Path, name: &str) -> Option<PathBuf> {
    let root = real_dir(site_root.join(CACHE_ROOT), true)?;
    real_dir(root.join(name), true)
}

/// `dir` when it is a real folder (not a link to one); made when missing and
/// `make` is set.
pub fn real_dir(dir: PathBuf, make: bool) -> Option<PathBuf> {
    match fs::symlink_metadata(&dir) {
        Ok(meta) if meta.is_dir() => Some(dir),
        Ok(_) => None,
        Err(err) if err.kind() == io::ErrorKind::NotFound && make => {
            match fs::create_dir(&dir) {
                Ok(()) => Some(dir),
                // Made at the same moment by another thread or build.
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => real_dir(dir, false),
                Err(_) => None,
            }
        }
        Err(_) => None,
    }
}

/// Whether `path` is a regular file, not a link to one.
pub fn is_real_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file())
}

/// Reads `path` when it is a regular file, not a link.
pub fn read(path: &Path) -> Option<Vec<u8>> {
    if !is_real_file(path) {
        return None;
    }
    fs::read(path).ok()
}

/// Opens `path` for reading when it is a regular file, not a link.
pub fn open_file(path: &Path) -> Option<fs::File> {
    if !is_real_file(path) {
        return None;
    }
    let file = fs::File::open(path).ok()?;
    // Swapped for something else since it was looked at: not read.
    file.metadata()
        .is_ok_and(|meta| meta.is_file())
        .then_some(file)
}

/// Writes `bytes` to `path` in `dir` whole or not at all: into a new
/// temporary file in `dir`, renamed over `path`.
pub fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(dir, path, |out| out.write_all(bytes))
}

/// Like [`write_atomic`], with the bytes written by `write` as they are
/// made: a large record need not be held whole in memory first.
pub fn write_atomic_with(
    dir: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let file = tempfile::Builder::new().prefix(".tmp").tempfile_in(dir)?;
    let mut out = io::BufWriter::new(file);
    write(&mut out)?;
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_linked_cache_folder_is_not_used() {
        let site = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), site.path().join(CACHE_ROOT)).unwrap();
        assert_eq!(open(site.path(), "images"), None);
        assert!(!elsewhere.path().join("images").exists());
    }

    #[test]
    fn a_linked_folder_inside_the_cache_is_not_used() {
        let site = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::create_dir(site.path().join(CACHE_ROOT)).unwrap();
        std::os::unix::fs::symlink(
            elsewhere.path(),
            site.path().join(CACHE_ROOT).join("search"),
        )
        .unwrap();
        assert_eq!(open(site.path(), "search"), None);
        assert!(open(site.path(), "images").is_some());
    }

    #[test]
    fn a_missing_cache_is_made_and_written_whole() {
        let site = tempfile::tempdir().unwrap();
        let dir = open(site.path(), "search").unwrap();
        let path = dir.join("entry");
        write_atomic(&dir, &path, b"index").unwrap();
        assert_eq!(read(&path).as_deref(), Some(&b"index"[..]));
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("entry")]);
    }

    #[test]
    fn a_link_in_place_of_an_entry_is_not_read() {
        let site = tempfile::tempdir().unwrap();
        let secret = site.path().join("secret");
        fs::write(&secret, "not for publishing").unwrap();
        let dir = open(site.path(), "images").unwrap();
        std::os::unix::fs::symlink(&secret, dir.join("entry")).unwrap();
        assert_eq!(read(&dir.join("entry")), None);
    }
}
