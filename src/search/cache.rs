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
use std::path::Path;

use crate::cache_dir;

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

/// The files stored under `key`, if there are any and they read back whole.
pub fn load(site_root: &Path, key: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let entry = load_entry(site_root, key)?;
    let files = decode(&entry)?;
    Some(
        files
            .into_iter()
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .collect(),
    )
}

/// The entry stored under `key`, as it is on disk: [`decode`] gives its
/// files without copying them.
pub fn load_entry(site_root: &Path, key: &str) -> Option<Vec<u8>> {
    let root = cache_dir::real_dir(site_root.join(cache_dir::CACHE_ROOT), false)?;
    let dir = cache_dir::real_dir(root.join(FOLDER), false)?;
    cache_dir::read(&dir.join(key))
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

/// The files of an entry, by path, if it reads back whole.
pub fn decode(mut data: &[u8]) -> Option<Vec<(&str, &[u8])>> {
    fn take<'a>(data: &mut &'a [u8]) -> Option<&'a [u8]> {
        let rest: &'a [u8] = data;
        let len = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
        let end = 8usize.checked_add(usize::try_from(len).ok()?)?;
        let part = rest.get(8..end)?;
        *data = &rest[end..];
        Some(part)
    }
    let mut files = Vec::new();
    while !data.is_empty() {
        let path = std::str::from_utf8(take(&mut data)?).ok()?;
        // Only Pagefind's own folder: an edited entry cannot write elsewhere.
        if !path.starts_with(&format!("{}/", super::BUNDLE_DIR))
            || path.split('/').any(|part| part.is_empty() || part == "..")
        {
            return None;
        }
        files.push((path, take(&mut data)?));
    }
    (!files.is_empty()).then_some(files)
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
        let expected: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .collect();
        assert_eq!(decode(&encode(&files)), Some(expected));
    }

    #[test]
    fn a_cut_or_foreign_entry_is_not_used() {
        let files = vec![("pagefind/pagefind.js".to_string(), b"js".to_vec())];
        let whole = encode(&files);
        assert_eq!(decode(&whole[..whole.len() - 1]), None);
        let outside = vec![("pagefind/../index.html".to_string(), b"x".to_vec())];
        assert_eq!(decode(&encode(&outside)), None);
        let elsewhere = vec![("index.html".to_string(), b"x".to_vec())];
        assert_eq!(decode(&encode(&elsewhere)), None);
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
