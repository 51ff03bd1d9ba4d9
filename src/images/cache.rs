//! Content-addressed cache of encoded variants under
//! `.forklar-cache/images/` in the site folder. A variant's key is a hash of
//! the source bytes, the encoder settings and the variant spec (see
//! [`Variant::cache_key`](super::Variant)), so an entry never goes stale: it
//! is either the right bytes or not looked up at all. The folder is safe to
//! delete at any time; entries are written to a temporary name and renamed,
//! so a crash never leaves a half-written entry under a real key.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::ImageError;

/// Where encoded variants are kept between builds, and counters of what
/// happened.
#[derive(Debug)]
pub struct ImageCache {
    dir: Option<PathBuf>,
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

impl ImageCache {
    /// The site's cache, `SITE/.forklar-cache/images/`.
    pub fn for_site(site_root: &Path) -> ImageCache {
        ImageCache::at(site_root.join(CACHE_DIR))
    }

    /// A cache in any folder.
    pub fn at(dir: PathBuf) -> ImageCache {
        ImageCache {
            dir: Some(dir),
            hits: AtomicU64::new(0),
            encodes: AtomicU64::new(0),
        }
    }

    /// No cache: every variant is encoded, nothing is stored.
    pub fn disabled() -> ImageCache {
        ImageCache {
            dir: None,
            hits: AtomicU64::new(0),
            encodes: AtomicU64::new(0),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            encodes: self.encodes.load(Ordering::Relaxed),
        }
    }

    fn entry(&self, key: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(&key[..2]).join(key))
    }

    /// Whether every variant of `plan` is stored (an SVG has none to store),
    /// without reading or counting them.
    pub fn holds(&self, plan: &super::ImagePlan) -> bool {
        plan.is_copy()
            || plan
                .variants
                .iter()
                .all(|v| self.entry(&v.cache_key).is_some_and(|path| path.is_file()))
    }

    /// The stored bytes for `key`, counting a hit.
    pub(crate) fn get(&self, key: &str) -> Option<Vec<u8>> {
        let bytes = fs::read(self.entry(key)?).ok()?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(bytes)
    }

    pub(crate) fn count_encode(&self) {
        self.encodes.fetch_add(1, Ordering::Relaxed);
    }

    /// Stores `bytes` under `key`.
    pub(crate) fn put(&self, key: &str, bytes: &[u8]) -> Result<(), ImageError> {
        let Some(path) = self.entry(key) else {
            return Ok(());
        };
        let error = |source: io::Error| ImageError::Cache {
            path: path.clone(),
            source,
        };
        let parent = path.parent().expect("entry has a parent");
        if !parent.exists() {
            fs::create_dir_all(parent).map_err(error)?;
            self.write_tag();
        }
        let tmp = path.with_extension(format!(
            "tmp{}.{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        fs::write(&tmp, bytes).map_err(error)?;
        fs::rename(&tmp, &path).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            error(e)
        })
    }

    /// Marks the folder as a cache for backup tools (bford.info/cachedir).
    fn write_tag(&self) {
        if let Some(dir) = &self.dir {
            let tag = dir.join("CACHEDIR.TAG");
            if !tag.exists() {
                let _ = fs::write(
                    tag,
                    "Signature: 8a477f597d28d172789f06886806bc55\n\
                     # forklar's image cache; safe to delete.\n",
                );
            }
        }
    }
}
