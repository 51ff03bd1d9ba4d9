//! Keeping, as pages are written, the copies of them that search indexes.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::Language;
use crate::output::Sink;
use crate::render::{Page, Renderer};

use super::SearchLabels;
use super::copy::index_copy;

/// What search knows of a page beside its text.
#[derive(Debug, Clone)]
pub struct Target {
    /// The page's address relative to the site's root (`/csto/`): Pagefind's
    /// script puts the site's own path in front, so one index serves any
    /// sub-path and `serve` alike.
    pub url: String,
    /// The type of page, as the result's label shows it.
    pub kind: &'static str,
    /// A background entry's title and aliases, which put it first.
    pub names: Vec<String>,
}

/// The pages search indexes, by the file each is written to: articles,
/// background entries, shared timelines and people.
pub fn targets(renderer: &Renderer) -> HashMap<String, Target> {
    targets_among(renderer, renderer.pages())
}

/// [`targets`] among `pages` alone: a save renders a handful of an
/// archive's pages, and looking at every page for them took longer than
/// the save's own render.
fn targets_among(
    renderer: &Renderer,
    pages: impl IntoIterator<Item = Page>,
) -> HashMap<String, Target> {
    let labels = SearchLabels::of(renderer.urls.language);
    let mut targets = HashMap::new();
    for page in pages {
        let (kind, names) = match &page {
            Page::Article(_) => (labels.article, Vec::new()),
            // A shared timeline. An article's own timeline page repeats the
            // timeline in the article, which its result already finds: as a
            // result of its own it would show every such article twice.
            Page::Timeline(key) if renderer.site.timelines.contains_key(key) => {
                (labels.timeline, Vec::new())
            }
            Page::Person(_) => (labels.person, Vec::new()),
            Page::Background(key) => match renderer.site.background.get(key) {
                Some(entry) => (
                    labels.background,
                    std::iter::once(&entry.title)
                        .chain(&entry.aliases)
                        .cloned()
                        .collect(),
                ),
                None => continue,
            },
            _ => continue,
        };
        let Some(path) = renderer.output_paths(&page).into_iter().next() else {
            continue;
        };
        let url = super::page_url(&path);
        targets.insert(path, Target { url, kind, names });
    }
    targets
}

/// A [`Sink`] that passes everything on and keeps a copy of the pages search
/// indexes.
pub struct Collector<'a> {
    inner: &'a dyn Sink,
    targets: HashMap<String, Target>,
    language: Language,
    kept: Mutex<Copies>,
}

impl<'a> Collector<'a> {
    /// A collector of every page search indexes.
    pub fn new(inner: &'a dyn Sink, renderer: &Renderer) -> Collector<'a> {
        Collector::of(inner, renderer, || targets(renderer))
    }

    /// A collector of those of `pages` search indexes: what a render of
    /// only these pages needs.
    pub fn for_pages(inner: &'a dyn Sink, renderer: &Renderer, pages: &[Page]) -> Collector<'a> {
        Collector::of(inner, renderer, || {
            targets_among(renderer, pages.iter().cloned())
        })
    }

    fn of(
        inner: &'a dyn Sink,
        renderer: &Renderer,
        targets: impl FnOnce() -> HashMap<String, Target>,
    ) -> Collector<'a> {
        Collector {
            inner,
            targets: if super::enabled(&renderer.site.config) {
                targets()
            } else {
                HashMap::new()
            },
            language: renderer.urls.language,
            kept: Mutex::new(Copies::in_memory()),
        }
    }

    /// Keeps the copies past [`HELD_IN_MEMORY`] bytes in an unnamed file in
    /// the site's cache instead of in memory: a build needs them back only
    /// when its index is not in the cache. Without a cache folder they stay
    /// in memory.
    pub fn spilling_into(self, site_root: &Path) -> Collector<'a> {
        let copies = Copies::spilling(site_root, HELD_IN_MEMORY);
        Collector {
            kept: Mutex::new(copies),
            ..self
        }
    }

    /// The render's `result` and the pages kept, as (address, copy), sorted
    /// by address so the same site always gives the same index. A copy that
    /// cannot be read back makes the result an error.
    pub fn into_pages<T>(
        self,
        result: Result<T, Diagnostics>,
    ) -> (Result<T, Diagnostics>, Vec<(String, String)>) {
        match self.into_collected().copies().collect() {
            Ok(pages) => (result, pages),
            Err(problem) => (Err(Diagnostics(vec![problem])), Vec::new()),
        }
    }

    /// The pages kept, sorted by address, with each copy's digest at hand
    /// and the copy itself read only when asked for.
    pub fn into_collected(self) -> Collected {
        self.kept
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_collected()
    }
}

impl Sink for Collector<'_> {
    fn write(&self, path: &str, bytes: &[u8], origin: &str) -> Result<(), Diagnostic> {
        self.inner.write(path, bytes, origin)?;
        if let Some(target) = self.targets.get(path) {
            let html = crate::utf8::lossy(bytes);
            let copy = index_copy(&html, target, self.language);
            // Hashed here, on the rendering threads, not at the end.
            let digest = xxhash_rust::xxh3::xxh3_128(copy.as_bytes());
            self.kept.lock().unwrap_or_else(|e| e.into_inner()).push(
                target.url.clone(),
                digest,
                copy,
            );
        }
        Ok(())
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic> {
        self.inner.copy(path, from)
    }

    fn expect(&self, files: usize, origins: usize) {
        self.inner.expect(files, origins);
    }

    fn write_stored(
        &self,
        path: &str,
        key: &str,
        entry: &dyn crate::output::StoredEntry,
        origin: &str,
    ) -> Result<crate::output::Stored, Diagnostic> {
        // Image variants: never indexed.
        self.inner.write_stored(path, key, entry, origin)
    }
}

/// How many bytes of copies a build holds in memory before it keeps the rest
/// in a file: the sample site's stay in memory, while an archive of 10,000
/// articles (some 200 MB of copies) does not hold them all until the end.
const HELD_IN_MEMORY: usize = 16 * 1024 * 1024;

/// One page's copy, as kept.
struct KeptPage {
    url: String,
    digest: u128,
    copy: Held,
}

enum Held {
    Memory(String),
    /// Where in the file of copies, and how long.
    File {
        at: u64,
        len: usize,
    },
}

/// The copies kept so far.
struct Copies {
    pages: Vec<KeptPage>,
    /// Bytes of copies held in memory.
    in_memory: usize,
    held_in_memory: usize,
    /// The site in whose cache folder the file of copies is made, until it
    /// is made or could not be.
    spill_site: Option<PathBuf>,
    file: Option<File>,
    file_len: u64,
}

impl Copies {
    fn in_memory() -> Copies {
        Copies {
            pages: Vec::new(),
            in_memory: 0,
            held_in_memory: usize::MAX,
            spill_site: None,
            file: None,
            file_len: 0,
        }
    }

    fn spilling(site_root: &Path, held_in_memory: usize) -> Copies {
        Copies {
            held_in_memory,
            spill_site: Some(site_root.to_path_buf()),
            ..Copies::in_memory()
        }
    }

    fn push(&mut self, url: String, digest: u128, copy: String) {
        let copy = if self.in_memory + copy.len() > self.held_in_memory {
            self.append_to_file(copy)
        } else {
            Held::Memory(copy)
        };
        if let Held::Memory(copy) = &copy {
            self.in_memory += copy.len();
        }
        self.pages.push(KeptPage { url, digest, copy });
    }

    /// Appends `copy` to the file of copies, made on first use; held in
    /// memory when no file can be made or written.
    fn append_to_file(&mut self, copy: String) -> Held {
        if self.file.is_none()
            && let Some(site_root) = self.spill_site.take()
        {
            // Unnamed (O_TMPFILE where the system has it, else removed as
            // soon as made): nothing is left behind by a killed build, and
            // no one can open it by a name given in advance.
            self.file = crate::cache_dir::open(&site_root, super::cache::FOLDER)
                .and_then(|dir| tempfile::tempfile_in(dir).ok());
        }
        let Some(file) = &mut self.file else {
            return Held::Memory(copy);
        };
        match file.write_all(copy.as_bytes()) {
            Ok(()) => {
                let at = self.file_len;
                self.file_len += copy.len() as u64;
                Held::File {
                    at,
                    len: copy.len(),
                }
            }
            Err(_) => {
                // The copies written before stay where they are; those after
                // are held in memory. Part of this one may be in the file,
                // past every recorded copy, where nothing reads it.
                self.held_in_memory = usize::MAX;
                Held::Memory(copy)
            }
        }
    }

    fn into_collected(mut self) -> Collected {
        // The digest orders a page written twice, so the order never varies.
        self.pages
            .sort_unstable_by(|a, b| (&a.url, a.digest).cmp(&(&b.url, b.digest)));
        Collected {
            pages: self.pages,
            file: self.file,
        }
    }
}

/// The copies of a build's indexed pages, sorted by address. `serve` keeps
/// them between saves, shared with the thread that remakes the index, so
/// they are only ever read, each by its place in the order.
pub struct Collected {
    pages: Vec<KeptPage>,
    file: Option<File>,
}

impl Collected {
    /// Each page's address and the digest of its copy: all the cache's key needs.
    pub fn digests(&self) -> impl Iterator<Item = (&str, u128)> {
        self.pages
            .iter()
            .map(|page| (page.url.as_str(), page.digest))
    }

    /// Each page's address and copy, read back one at a time.
    pub fn copies(&self) -> impl Iterator<Item = Result<(String, String), Diagnostic>> + '_ {
        (0..self.pages.len()).map(|index| Ok((self.pages[index].url.clone(), self.copy(index)?)))
    }

    /// The copy of the page at `index` in the order of [`Collected::digests`].
    pub fn copy(&self, index: usize) -> Result<String, Diagnostic> {
        match &self.pages[index].copy {
            Held::Memory(copy) => Ok(copy.clone()),
            Held::File { at, len } => read_back(self.file.as_ref(), *at, *len),
        }
    }
}

fn read_back(file: Option<&File>, at: u64, len: usize) -> Result<String, Diagnostic> {
    let read = || -> std::io::Result<String> {
        let file = file.ok_or_else(|| std::io::Error::other("the file is gone"))?;
        let mut bytes = vec![0; len];
        read_exact_at(file, &mut bytes, at)?;
        String::from_utf8(bytes).map_err(std::io::Error::other)
    };
    read().map_err(|err| {
        Diagnostic::new(format!(
            "a page kept for the search index could not be read back from the site's \
             .forklar-cache/search/ folder: {err}"
        ))
        .with_help("build again; if it keeps failing, check the disk the site is on")
    })
}

/// Reads at `at` without moving the file's shared position, so that two
/// threads may read the same kept copies.
#[cfg(unix)]
fn read_exact_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(not(unix))]
fn read_exact_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    // Where the system has no positional read, one reader at a time.
    static ONE_READER: Mutex<()> = Mutex::new(());
    let _turn = ONE_READER.lock().unwrap_or_else(|e| e.into_inner());
    let mut file = file;
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(bytes)
}

/// The copies `pages` as a build spilling past `held_in_memory` bytes into
/// `site_root`'s cache keeps them.
#[cfg(test)]
pub(crate) fn collected(
    site_root: &Path,
    pages: &[(String, String)],
    held_in_memory: usize,
) -> Collected {
    let mut copies = Copies::spilling(site_root, held_in_memory);
    for (url, copy) in pages {
        let digest = xxhash_rust::xxh3::xxh3_128(copy.as_bytes());
        copies.push(url.clone(), digest, copy.clone());
    }
    copies.into_collected()
}

#[cfg(test)]
impl Collected {
    /// How many copies are in the file.
    pub(crate) fn spilled(&self) -> usize {
        let in_file = |page: &&KeptPage| matches!(page.copy, Held::File { .. });
        self.pages.iter().filter(in_file).count()
    }
}

#[cfg(test)]
mod tests {
    use super::Copies;

    const PAGES: [(&str, &str); 3] = [
        ("/b/", "<main>Bærum – «sitat»</main>"),
        ("/a/", "<main>CSTO</main>"),
        ("/c/", ""),
    ];

    /// The pages as kept in `copies`: (address, digest, copy), by address;
    /// and whether any went to a file.
    fn kept(mut copies: Copies) -> (Vec<(String, u128, String)>, bool) {
        for (url, copy) in PAGES {
            let digest = xxhash_rust::xxh3::xxh3_128(copy.as_bytes());
            copies.push(url.to_string(), digest, copy.to_string());
        }
        let in_file = copies.file.is_some();
        let collected = copies.into_collected();
        let digests: Vec<(String, u128)> = collected
            .digests()
            .map(|(url, digest)| (url.to_string(), digest))
            .collect();
        let pages: Vec<(String, String)> = collected.copies().map(Result::unwrap).collect();
        let pages = digests
            .into_iter()
            .zip(pages)
            .map(|((url, digest), (same_url, copy))| {
                assert_eq!(url, same_url);
                (url, digest, copy)
            })
            .collect();
        (pages, in_file)
    }

    fn cache_entries(site: &std::path::Path) -> Vec<String> {
        let dir = site.join(crate::cache_dir::CACHE_ROOT).join("search");
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn copies_kept_in_a_file_read_back_as_those_kept_in_memory() {
        let (in_memory, in_file) = kept(Copies::in_memory());
        assert!(!in_file);
        let urls: Vec<&str> = in_memory.iter().map(|(url, ..)| url.as_str()).collect();
        assert_eq!(urls, ["/a/", "/b/", "/c/"], "sorted by address");
        for (url, digest, copy) in &in_memory {
            let written = PAGES.iter().find(|(u, _)| u == url).unwrap().1;
            assert_eq!(copy, written);
            assert_eq!(*digest, xxhash_rust::xxh3::xxh3_128(written.as_bytes()));
        }
        // Every copy in the file, and only the later ones.
        for held in [0, "<main>Bærum – «sitat»</main>".len()] {
            let site = tempfile::tempdir().unwrap();
            let copies = Copies::spilling(site.path(), held);
            assert_eq!(
                kept(copies),
                (in_memory.clone(), true),
                "held in memory: {held} bytes"
            );
            // The file had no name, so nothing is left behind.
            assert_eq!(cache_entries(site.path()), Vec::<String>::new());
        }
    }

    #[cfg(unix)]
    #[test]
    fn copies_stay_in_memory_when_the_cache_folder_is_a_link() {
        let site = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let cache = site.path().join(crate::cache_dir::CACHE_ROOT);
        std::fs::create_dir(&cache).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), cache.join("search")).unwrap();
        let copies = Copies::spilling(site.path(), 0);
        assert_eq!(kept(copies), kept(Copies::in_memory()), "no file");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
