//! Content-addressed cache of encoded variants under
//! `.forklar-cache/images/` in the site folder. A variant's key is a hash of
//! the source bytes, the encoder settings and the variant spec (see
//! [`Variant::cache_key`](super::Variant)), so an entry never goes stale: it
//! is either the right bytes or not looked up at all. The folder is safe to
//! delete at any time; entries are written to a temporary name and renamed,
//! so a crash never leaves a half-written entry under a real key, and a
//! folder on the way that is a link is never used ([`cache_dir`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::ImageError;
use crate::cache_dir;

/// Where encoded variants are kept between builds, and counters of what
/// happened.
#[derive(Debug)]
pub struct ImageCache {
    site_root: Option<PathBuf>,
    hits: AtomicU64,
    encodes: AtomicU64,
}

/// Counts since the cache was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Variants served from the cache without decoding or encoding.
    pub hits: u64,
    /// Variants encoded (and stored).
    pub encodes: u64,
}

/// The cache folder relative to the site root.
pub const CACHE_DIR: &str = ".forklar-cache/images";

/// The cache's folder in `.forklar-cache/`.
const FOLDER: &str = "images";

impl ImageCache {
    /// The site's cache, `SITE/.forklar-cache/images/`.
    pub fn for_site(site_root: &Path) -> ImageCache {
        ImageCache {
            site_root: Some(site_root.to_path_buf()),
            hits: AtomicU64::new(0),
            encodes: AtomicU64::new(0),
        }
    }

    /// No cache: every variant is encoded, nothing is stored.
    pub fn disabled() -> ImageCache {
        ImageCache {
            site_root: None,
            hits: AtomicU64::new(0),
            encodes: AtomicU64::new(0),
        }
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            encodes: self.encodes.load(Ordering::Relaxed),
        }
    }

    /// The folder holding `key`'s entry, made when missing and `make` is
    /// set; `None` where a folder on the way is a link (see [`cache_dir`]).
    fn folder_of(&self, key: &str, make: bool) -> Option<PathBuf> {
        let site_root = self.site_root.as_ref()?;
        let root = cache_dir::real_dir(site_root.join(cache_dir::CACHE_ROOT), make)?;
        let dir = cache_dir::real_dir(root.join(FOLDER), make)?;
        if make {
            self.write_tag(&dir);
        }
        cache_dir::real_dir(dir.join(key.get(..2)?), make)
    }

    /// Whether every variant of `plan` is stored (an SVG has none to store),
    /// without reading or counting them.
    pub fn holds(&self, plan: &super::ImagePlan) -> bool {
        plan.is_copy()
            || plan
                .variants
                .iter()
                .all(|v| self.stored_file(&v.cache_key).is_some())
    }

    /// Where `key`'s entry is or would be; `None` where the cache is not used.
    fn entry_path(&self, key: &str) -> Option<PathBuf> {
        Some(self.folder_of(key, false)?.join(key))
    }

    /// The file holding `key`'s entry, when there is one and it is a regular
    /// file, not a link.
    fn stored_file(&self, key: &str) -> Option<PathBuf> {
        let file = self.entry_path(key)?;
        cache_dir::is_real_file(&file).then_some(file)
    }

    /// The entry under `key`, looked at only when asked.
    pub(crate) fn entry<'a>(&'a self, key: &'a str) -> CacheEntry<'a> {
        CacheEntry { cache: self, key }
    }

    /// Counts a variant published from the cache, read or not.
    pub(crate) fn count_hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_encode(&self) {
        self.encodes.fetch_add(1, Ordering::Relaxed);
    }

    /// Stores `bytes` under `key`; a cache behind a link stores nothing.
    pub(crate) fn put(&self, key: &str, bytes: &[u8]) -> Result<(), ImageError> {
        let Some(dir) = self.folder_of(key, true) else {
            return Ok(());
        };
        let path = dir.join(key);
        cache_dir::write_atomic(&dir, &path, bytes)
            .map_err(|source| ImageError::Cache { path, source })
    }

    /// Marks the folder as a cache for backup tools (bford.info/cachedir).
    fn write_tag(&self, dir: &Path) {
        let tag = dir.join("CACHEDIR.TAG");
        if fs::symlink_metadata(&tag).is_err() {
            let _ = cache_dir::write_atomic(
                dir,
                &tag,
                b"Signature: 8a477f597d28d172789f06886806bc55\n\
                  # forklar's image cache; safe to delete.\n",
            );
        }
    }
}

/// One entry of an [`ImageCache`]. Looking at it counts nothing: the hit is
/// counted once the variant is published ([`ImageCache::count_hit`]).
pub(crate) struct CacheEntry<'a> {
    cache: &'a ImageCache,
    key: &'a str,
}

impl crate::output::StoredEntry for CacheEntry<'_> {
    fn bytes(&self) -> Option<Vec<u8>> {
        cache_dir::read(&self.cache.entry_path(self.key)?)
    }

    fn file(&self) -> Option<PathBuf> {
        self.cache.stored_file(self.key)
    }
}
