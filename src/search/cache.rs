//! The last search index made, kept in `.forklar-cache/search/` in the site
//! folder under a hash of everything Pagefind was given, so a build whose
//! indexed pages did not change publishes it again instead of indexing anew.
//!
//! Pagefind makes the same files from the same pages, so an entry is either
//! exactly what indexing would give or not looked up at all. Only the last
//! index is kept (one file, written to a temporary name and renamed); the
//! folder is safe to delete at any time. A cache that cannot be read or
//! written only makes the build index again: it never fails a build.

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use crate::cache_dir;

use crate::diagnostics::Diagnostic;
use crate::i18n::Language;

/// The cache's folder in `.forklar-cache/`.
pub(super) const FOLDER: &str = "search";

/// The dependency versions the index's files come from: a new Pagefind may
/// make other files from the same pages.
const LOCKFILE: &str = include_str!("../../Cargo.lock");

/// Bumped when the entry's layout changes.
const FORMAT: &str = "forklar search cache 2";

/// The key of the index made from pages with these addresses and copies
/// (each copy's XXH3-128 digest), in `language`: an XXH3-128 hash, fast
/// enough to take on every build (SHA-256 over the pages was a seventh of the
/// sample site's build). The key only finds the index made from these pages;
/// whoever could forge a collision could as well edit the pages.
pub fn key<'a>(pages: impl IntoIterator<Item = (&'a str, u128)>, language: Language) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [FORMAT, env!("CARGO_PKG_VERSION"), LOCKFILE, language.code()] {
        add(&mut hasher, part.as_bytes());
    }
    for (url, digest) in pages {
        add(&mut hasher, url.as_bytes());
        hasher.update(&digest.to_le_bytes());
    }
    format!("{:032x}", hasher.digest128())
}

/// Length-prefixed, so that no two lists of parts hash alike.
fn add(hasher: &mut xxhash_rust::xxh3::Xxh3, bytes: &[u8]) {
    hasher.update(&(bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// Hands each file stored under `key` to `publish`, read one at a time, once
/// the whole entry is known to read back: an archive's index is tens of
/// megabytes, which [`load`] would hold twice. `Ok(false)`, with nothing
/// handed over, when there is no such entry or it is damaged.
pub fn publish_each(
    site_root: &Path,
    key: &str,
    mut publish: impl FnMut(&str, &[u8]) -> Result<(), Diagnostic>,
) -> Result<bool, Diagnostic> {
    let Some(entry_file) = entry_path(site_root, key) else {
        return Ok(false);
    };
    let Some(file) = cache_dir::open_file(&entry_file) else {
        return Ok(false);
    };
    let mut entry = io::BufReader::new(file);
    let Some(files) = file_list(&mut entry) else {
        return Ok(false);
    };
    let mut bytes = Vec::new();
    let mut position = 0;
    for (path, start, len) in files {
        bytes.resize(len, 0);
        // Relative seeks keep the reader's buffer: the small files of an
        // index are read without a system call each.
        let read = entry
            .seek_relative(start as i64 - position as i64)
            .and_then(|_| entry.read_exact(&mut bytes));
        position = start + len as u64;
        if let Err(err) = read {
            // Only a fault of the disk: the list was read from this very file.
            return Err(Diagnostic::new(format!(
                "the kept search index {} could not be read: {err}",
                entry_file.display()
            ))
            .with_help("delete the folder .forklar-cache/search/ and build again"));
        }
        publish(&path, &bytes)?;
    }
    Ok(true)
}

fn entry_path(site_root: &Path, key: &str) -> Option<std::path::PathBuf> {
    let root = cache_dir::real_dir(site_root.join(cache_dir::CACHE_ROOT), false)?;
    let dir = cache_dir::real_dir(root.join(FOLDER), false)?;
    Some(dir.join(key))
}

/// Each file of an entry as (path, where its bytes start, their length),
/// read without its bytes; `None` when the entry does not read back whole:
/// cut short, or naming a file outside Pagefind's folder.
fn file_list(entry: &mut io::BufReader<fs::File>) -> Option<Vec<(String, u64, usize)>> {
    fn length(entry: &mut impl Read) -> Option<u64> {
        let mut bytes = [0; 8];
        entry.read_exact(&mut bytes).ok()?;
        Some(u64::from_le_bytes(bytes))
    }
    let size = entry.seek(SeekFrom::End(0)).ok()?;
    entry.seek(SeekFrom::Start(0)).ok()?;
    let mut at = 0_u64;
    let mut files = Vec::new();
    while at < size {
        let path_len = length(entry)?;
        // A path is short; a longer one is a damaged entry, not a read of
        // gigabytes.
        if path_len > 4096 {
            return None;
        }
        let mut path = vec![0; path_len as usize];
        entry.read_exact(&mut path).ok()?;
        let path = String::from_utf8(path).ok()?;
        if !is_bundle_path(&path) {
            return None;
        }
        let len = length(entry)?;
        let start = at + 16 + path_len;
        let end = start.checked_add(len).filter(|&end| end <= size)?;
        entry.seek_relative(i64::try_from(len).ok()?).ok()?;
        files.push((path, start, usize::try_from(len).ok()?));
        at = end;
    }
    // Back to the start, where the caller's reading begins.
    entry.rewind().ok()?;
    (!files.is_empty()).then_some(files)
}

/// Only Pagefind's own folder: an edited entry cannot write elsewhere.
fn is_bundle_path(path: &str) -> bool {
    path.starts_with(&format!("{}/", super::BUNDLE_DIR))
        && !path.split('/').any(|part| part.is_empty() || part == "..")
}

/// Keeps `files` under `key`, in place of any index kept before.
pub fn store(site_root: &Path, key: &str, files: &[(String, Vec<u8>)]) {
    let Some(dir) = cache_dir::open(site_root, FOLDER) else {
        return;
    };
    let tag = dir.join("CACHEDIR.TAG");
    if fs::symlink_metadata(&tag).is_err() {
        let _ = cache_dir::write_atomic(
            &dir,
            &tag,
            b"Signature: 8a477f597d28d172789f06886806bc55\n\
             # forklar's search index cache; safe to delete.\n",
        );
    }
    if cache_dir::write_atomic(&dir, &dir.join(key), &encode(files)).is_err() {
        return;
    }
    // Only the newest index is worth keeping: an older one is found again
    // only when a site returns to exactly its earlier pages. Only files
    // named as entries are removed, never what a link leads to.
    if let Ok(entries) = fs::read_dir(&dir) {
        for old in entries.flatten() {
            let name = old.file_name();
            let name = name.to_string_lossy();
            if name != key && is_key(&name) && cache_dir::is_real_file(&old.path()) {
                let _ = fs::remove_file(old.path());
            }
        }
    }
}

/// Whether `name` has the form of a key: 32 lower-case hex digits, or 64 for
/// an entry kept by an earlier forklar, whose keys were SHA-256.
fn is_key(name: &str) -> bool {
    matches!(name.len(), 32 | 64) && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Each file as its path's length, the path, the contents' length and the
/// contents; lengths as little-endian u64.
fn encode(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size = files.iter().map(|(p, b)| 16 + p.len() + b.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (path, bytes) in files {
        out.extend_from_slice(&(path.len() as u64).to_le_bytes());
        out.extend_from_slice(path.as_bytes());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(text: &str) -> Vec<(&'static str, u128)> {
        vec![("/a/", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))]
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let files = vec![
            ("pagefind/pagefind.js".to_string(), b"js".to_vec()),
            ("pagefind/fragment/x.pf_fragment".to_string(), vec![0, 1, 2]),
        ];
        assert_eq!(published(&encode(&files)), (true, files));
    }

    #[test]
    fn a_cut_or_foreign_entry_is_not_used() {
        let files = vec![("pagefind/pagefind.js".to_string(), b"js".to_vec())];
        let whole = encode(&files);
        assert_eq!(published(&whole[..whole.len() - 1]), (false, Vec::new()));
        let outside = vec![("pagefind/../index.html".to_string(), b"x".to_vec())];
        assert_eq!(published(&encode(&outside)), (false, Vec::new()));
        let elsewhere = vec![("index.html".to_string(), b"x".to_vec())];
        assert_eq!(published(&encode(&elsewhere)), (false, Vec::new()));
    }

    /// The files stored under `key`, if there are any and they read back whole.
    fn load(site_root: &Path, key: &str) -> Option<Vec<(String, Vec<u8>)>> {
        let mut files = Vec::new();
        let whole = publish_each(site_root, key, |path, bytes| {
            files.push((path.to_string(), bytes.to_vec()));
            Ok(())
        });
        matches!(whole, Ok(true)).then_some(files)
    }

    /// What [`publish_each`] hands over from the entry `bytes` under `key`.
    fn published(bytes: &[u8]) -> (bool, Vec<(String, Vec<u8>)>) {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join(cache_dir::CACHE_ROOT).join(FOLDER);
        fs::create_dir_all(&dir).unwrap();
        let key = "e".repeat(32);
        fs::write(dir.join(&key), bytes).unwrap();
        let mut files = Vec::new();
        let done = publish_each(site.path(), &key, |path, bytes| {
            files.push((path.to_string(), bytes.to_vec()));
            Ok(())
        })
        .unwrap();
        (done, files)
    }

    #[test]
    fn an_entry_is_published_file_by_file_only_when_it_reads_back_whole() {
        let files = vec![
            ("pagefind/pagefind.js".to_string(), b"js".to_vec()),
            ("pagefind/empty".to_string(), Vec::new()),
            ("pagefind/fragment/x.pf_fragment".to_string(), vec![0, 1, 2]),
        ];
        let whole = encode(&files);
        assert_eq!(published(&whole), (true, files.clone()));
        // Cut anywhere, nothing is handed over.
        for cut in [1, 8, 20, whole.len() - 1] {
            assert_eq!(
                published(&whole[..cut]),
                (false, Vec::new()),
                "cut at {cut}"
            );
        }
        // A file named outside Pagefind's folder spoils the entry.
        let outside = [files.clone(), vec![("../x".to_string(), b"x".to_vec())]].concat();
        assert_eq!(published(&encode(&outside)), (false, Vec::new()));
        // A length far past the end.
        let mut long = whole.clone();
        long[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(published(&long), (false, Vec::new()));
        let site = tempfile::tempdir().unwrap();
        let none = publish_each(site.path(), &"f".repeat(32), |_, _| Ok(())).unwrap();
        assert!(!none, "no entry");
    }

    #[test]
    fn the_key_follows_every_page_and_the_language() {
        let one = key(pages("<main>CSTO</main>"), Language::Nb);
        assert!(is_key(&one), "{one}");
        assert_eq!(one, key(pages("<main>CSTO</main>"), Language::Nb));
        assert_ne!(one, key(pages("<main>CSTo</main>"), Language::Nb));
        assert_ne!(one, key(pages("<main>CSTO</main>"), Language::En));
        // Another address, and one page more, count too.
        let moved = vec![("/b/", pages("<main>CSTO</main>")[0].1)];
        assert_ne!(one, key(moved, Language::Nb));
        let more = [pages("<main>CSTO</main>"), pages("")].concat();
        assert_ne!(one, key(more, Language::Nb));
    }

    #[test]
    fn a_new_entry_replaces_the_old_one() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        // The old entry's name is a key of an earlier forklar (SHA-256).
        let (old, new) = ("a".repeat(64), "b".repeat(32));
        let files = vec![("pagefind/pagefind.js".to_string(), b"js".to_vec())];
        store(root, &old, &files);
        assert_eq!(load(root, &old), Some(files.clone()));
        store(root, &new, &files);
        assert_eq!(load(root, &old), None);
        assert_eq!(load(root, &new), Some(files));
        let dir = root.join(cache_dir::CACHE_ROOT).join(FOLDER);
        assert!(dir.join("CACHEDIR.TAG").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_cache_folder_is_neither_written_nor_emptied() {
        let site = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let keep = elsewhere.path().join("c".repeat(64));
        fs::write(&keep, "someone else's file").unwrap();
        fs::create_dir(site.path().join(cache_dir::CACHE_ROOT)).unwrap();
        std::os::unix::fs::symlink(
            elsewhere.path(),
            site.path().join(cache_dir::CACHE_ROOT).join(FOLDER),
        )
        .unwrap();
        let files = vec![("pagefind/pagefind.js".to_string(), b"js".to_vec())];
        store(site.path(), &"d".repeat(64), &files);
        assert_eq!(fs::read_to_string(&keep).unwrap(), "someone else's file");
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 1);
        assert_eq!(load(site.path(), &"c".repeat(64)), None);
    }
}
