//! Search in `serve`: the pages search indexes are kept between rebuilds, and
//! the index is made again from them after the reload event has gone out, on
//! a thread of its own, so a save is shown without waiting for it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::diagnostics::Diagnostic;
use crate::i18n::Language;
use crate::output::{ContentHash, Output, Sink, content_hash};
use crate::render::{Page, Renderer};

use super::Collected;

use super::BUNDLE_DIR;

/// The copies search indexes as last rendered, by address.
#[derive(Default)]
pub struct Kept {
    /// The copies of the last full build, most of them in an unnamed file
    /// in the site's cache (see [`super::Collector::spilling_into`]), shared
    /// with the job that indexes them: an archive's copies (some 200 MB at
    /// 10,000 articles) are neither held nor copied for it.
    built: Option<Arc<Collected>>,
    pages: BTreeMap<String, KeptCopy>,
    /// Counts the changes to `pages`; a job made before the last change is
    /// not written.
    generation: u64,
    /// Changed since the last job was handed out.
    dirty: bool,
    language: Language,
    /// The files of the index as last written, by hash: published again
    /// from the output folder after a full rebuild, not held (some 70 MB
    /// at 10,000 articles).
    index: Option<Arc<IndexFiles>>,
    /// The `generation` the index in the output was made from; `None` when
    /// it was made from older pages.
    indexed: Option<u64>,
    /// Whether the index in the output is behind the pages: shared with
    /// `serve`'s status, which must answer without waiting for the session.
    behind: Arc<AtomicBool>,
}

/// The files of an index, by path.
pub type Bundle = Vec<(String, Vec<u8>)>;

/// The files of an index in the output folder, by path, with their hashes.
pub type IndexFiles = Vec<(String, ContentHash)>;

/// An index a [`Job`] made, to be written: its files, and their paths and
/// hashes in the same order.
pub struct NewIndex {
    pub files: Bundle,
    pub hashes: IndexFiles,
}

/// The paths and hashes of `bundle`'s files.
fn index_files(bundle: &Bundle) -> IndexFiles {
    bundle
        .iter()
        .map(|(path, bytes)| (path.clone(), content_hash(bytes)))
        .collect()
}

/// A page's copy: as the last full build made it, or as a later save did.
#[derive(Clone)]
enum KeptCopy {
    /// The copy at this place in [`Kept::built`].
    Built {
        index: usize,
        digest: u128,
    },
    Saved {
        digest: u128,
        copy: Arc<str>,
    },
}

impl KeptCopy {
    fn digest(&self) -> u128 {
        match self {
            KeptCopy::Built { digest, .. } | KeptCopy::Saved { digest, .. } => *digest,
        }
    }
}

/// One remaking of the index, from a snapshot of the kept pages.
pub struct Job {
    built: Option<Arc<Collected>>,
    pages: Vec<(String, KeptCopy)>,
    language: Language,
    generation: u64,
}

impl Kept {
    /// A flag that holds while the index in the output is older than the
    /// pages kept here. It is set before a rebuild's reload goes out, so a
    /// reader that sees the reload and then the flag clear sees the index
    /// of those pages.
    pub fn behind_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.behind)
    }

    fn note_whether_behind(&self) {
        let behind = self.indexed != Some(self.generation);
        self.behind.store(behind, Ordering::SeqCst);
    }

    /// The files of the last index, to publish again while a new one is
    /// made; `None` before the first, or when the language changed.
    pub fn last_index(&self, language: Language) -> Option<Arc<IndexFiles>> {
        match &self.index {
            Some(files) if language == self.language => Some(Arc::clone(files)),
            _ => None,
        }
    }

    /// After a full build of `pages`, which published `index` (`None`: the
    /// site has no search): the last index again (`kept_last`), or one made
    /// from these pages.
    pub fn replace(
        &mut self,
        pages: Collected,
        language: Language,
        index: Option<Arc<IndexFiles>>,
        kept_last: bool,
    ) {
        let kept_last = kept_last && index.is_some();
        // A page written twice keeps its last copy in the order.
        self.pages = pages
            .digests()
            .enumerate()
            .map(|(index, (url, digest))| (url.to_string(), KeptCopy::Built { index, digest }))
            .collect();
        self.built = Some(Arc::new(pages));
        self.language = language;
        self.generation += 1;
        // An index made from exactly these pages needs no remaking; the last
        // index published again does.
        self.dirty = kept_last;
        // A site without search has no index to be behind.
        self.indexed = (!kept_last).then_some(self.generation);
        self.index = index;
        self.note_whether_behind();
    }

    /// The files of the index in the output folder now, whatever the
    /// language.
    pub fn published_index(&self) -> Option<Arc<IndexFiles>> {
        self.index.clone()
    }

    /// After `job`'s index, `files`, was written.
    pub fn written(&mut self, job: &Job, files: IndexFiles) {
        self.index = Some(Arc::new(files));
        self.indexed = Some(job.generation);
        self.note_whether_behind();
    }

    /// After a rebuild of some pages: `rendered` are the copies of the pages
    /// rendered again, `gone` the pages the site no longer has.
    pub fn update(&mut self, renderer: &Renderer, gone: &[Page], rendered: Vec<(String, String)>) {
        let gone = gone
            .iter()
            .flat_map(|page| renderer.output_paths(page))
            .map(|path| super::page_url(&path));
        self.update_addresses(gone, rendered);
    }

    /// [`Kept::update`] with the addresses of the pages gone.
    fn update_addresses(
        &mut self,
        gone: impl IntoIterator<Item = String>,
        rendered: Vec<(String, String)>,
    ) {
        let mut changed = false;
        for url in gone {
            changed |= self.pages.remove(&url).is_some();
        }
        for (url, copy) in rendered {
            let digest = xxhash_rust::xxh3::xxh3_128(copy.as_bytes());
            if self.pages.get(&url).map(KeptCopy::digest) != Some(digest) {
                let copy = Arc::from(copy);
                self.pages.insert(url, KeptCopy::Saved { digest, copy });
                changed = true;
            }
        }
        if changed {
            self.generation += 1;
            self.dirty = true;
            self.note_whether_behind();
        }
    }

    /// The index to make, if the pages changed since the last one.
    pub fn job(&mut self) -> Option<Job> {
        if !std::mem::take(&mut self.dirty) {
            return None;
        }
        Some(Job {
            built: self.built.clone(),
            pages: self
                .pages
                .iter()
                .map(|(url, copy)| (url.clone(), copy.clone()))
                .collect(),
            language: self.language,
            generation: self.generation,
        })
    }

    /// Whether `job` was made from the pages as they are now.
    pub fn is_current(&self, job: &Job) -> bool {
        job.generation == self.generation
    }
}

impl Job {
    /// Pagefind's files for the snapshot: the slow part, run without the
    /// session. `before_each_page` is called before Pagefind is given each
    /// page: it may wait, so that a save takes the cores meanwhile.
    pub fn bundle(&self, before_each_page: &(dyn Fn() + Sync)) -> Result<NewIndex, Diagnostic> {
        let pages = self.copies().inspect(|_| before_each_page());
        let files = super::bundle_in_background(pages, self.language)?;
        // Hashed here, not while it is written under the lock saves wait for.
        let hashes = index_files(&files);
        Ok(NewIndex { files, hashes })
    }

    /// The snapshot's pages as (address, copy), read one at a time.
    fn copies(&self) -> impl Iterator<Item = Result<(String, String), Diagnostic>> + '_ {
        self.pages.iter().map(|(url, copy)| {
            let copy = match copy {
                KeptCopy::Saved { copy, .. } => copy.to_string(),
                KeptCopy::Built { index, .. } => match &self.built {
                    Some(built) => built.copy(*index)?,
                    None => return Err(Diagnostic::new("a kept search copy is missing")),
                },
            };
            Ok((url.clone(), copy))
        })
    }
}

/// Writes a new index into a partial `output`, removing the files of the old
/// one that the new one does not have. A file `published` (the index in the
/// output now) has with the same hash is left as it is, without the look at
/// the file [`Output::write`] would take: after a save most of an archive's
/// index is unchanged, and this runs while saves wait.
pub fn write_into(
    output: &Output,
    index: &NewIndex,
    published: Option<&IndexFiles>,
) -> Result<(), Diagnostic> {
    let NewIndex { files, hashes } = index;
    let prefix = format!("{BUNDLE_DIR}/");
    let new: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for old in output.previous() {
        if old.starts_with(&prefix) && !new.contains(old.as_str()) {
            output.remove(old);
        }
    }
    let published: std::collections::HashMap<&str, &ContentHash> = published
        .into_iter()
        .flatten()
        .map(|(path, hash)| (path.as_str(), hash))
        .collect();
    for ((path, bytes), (_, hash)) in files.iter().zip(hashes) {
        let in_place =
            published.get(path.as_str()) == Some(&hash) && output.previous().contains(path);
        if !in_place {
            output.write(path, bytes, "forklar's search index")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(url, copy)| (url.to_string(), copy.to_string()))
            .collect()
    }

    fn copies(job: &Job) -> Vec<(String, String)> {
        job.copies().map(Result::unwrap).collect()
    }

    #[test]
    fn a_job_reads_the_built_copies_from_the_file_and_the_saved_ones_from_memory() {
        let site = tempfile::tempdir().unwrap();
        let built = pages(&[
            ("/a/", "<main>CSTO</main>"),
            ("/b/", "<main>Tokajev</main>"),
            ("/c/", "<main>Almaty</main>"),
        ]);
        // Only the first copy fits in memory; the others go to the file.
        let collected = super::super::collect::collected(site.path(), &built, 20);
        assert!(
            collected.spilled() >= 2,
            "the test needs copies in the file"
        );
        let mut kept = Kept::default();
        let behind = kept.behind_flag();
        kept.replace(collected, Language::Nb, Some(Arc::new(Vec::new())), false);
        // The published index was made from these very pages.
        assert!(kept.job().is_none());
        assert!(!behind.load(Ordering::SeqCst));

        // A page rendered again the same is no change; one changed and one
        // gone are.
        kept.update_addresses(Vec::new(), pages(&[("/b/", "<main>Tokajev</main>")]));
        assert!(kept.job().is_none(), "an unchanged copy made a job");
        assert!(!behind.load(Ordering::SeqCst), "an unchanged copy");
        kept.update_addresses(
            vec!["/a/".to_string()],
            pages(&[
                ("/c/", "<main>Almaty, 5. januar</main>"),
                ("/d/", "<main>Ny</main>"),
            ]),
        );
        assert!(
            behind.load(Ordering::SeqCst),
            "changed pages, the old index"
        );
        let job = kept.job().expect("a job after a change");
        assert!(kept.is_current(&job));
        assert_eq!(
            copies(&job),
            pages(&[
                ("/b/", "<main>Tokajev</main>"),
                ("/c/", "<main>Almaty, 5. januar</main>"),
                ("/d/", "<main>Ny</main>"),
            ])
        );

        // A later save makes the job stale, but the job still reads the
        // pages it was made from.
        kept.update_addresses(Vec::new(), pages(&[("/b/", "<main>Endret</main>")]));
        assert!(!kept.is_current(&job));
        assert_eq!(
            copies(&job)[0],
            ("/b/".to_string(), "<main>Tokajev</main>".to_string())
        );
        let next = kept.job().expect("a job after the later save");
        assert_eq!(
            copies(&next)[0],
            ("/b/".to_string(), "<main>Endret</main>".to_string())
        );
        assert!(behind.load(Ordering::SeqCst), "no job written yet");
        kept.written(&next, Vec::new());
        assert!(
            !behind.load(Ordering::SeqCst),
            "the index of the pages as they are"
        );

        // A full rebuild that publishes the last index again is behind
        // until a job's index is written.
        let rebuilt = super::super::collect::collected(site.path(), &built, 20);
        let last = kept.last_index(Language::Nb);
        kept.replace(rebuilt, Language::Nb, last, true);
        assert!(
            behind.load(Ordering::SeqCst),
            "the last index, published again"
        );
        let job = kept.job().expect("a job after a full rebuild");
        kept.written(&job, Vec::new());
        assert!(!behind.load(Ordering::SeqCst));
    }

    /// `serve` passes a wait for saves, which must come before every page
    /// Pagefind is given; the new index's hashes are its files'.
    #[cfg(feature = "search")]
    #[test]
    fn a_job_calls_its_wait_before_each_page_and_hashes_what_it_made() {
        let site = tempfile::tempdir().unwrap();
        let built = pages(&[
            ("/a/", "<main><h1>CSTO</h1><p>Alliansen.</p></main>"),
            ("/b/", "<main><h1>Tokajev</h1><p>Presidenten.</p></main>"),
        ]);
        let collected = super::super::collect::collected(site.path(), &built, 1 << 20);
        let mut kept = Kept::default();
        kept.replace(collected, Language::Nb, Some(Arc::new(Vec::new())), true);
        let job = kept.job().expect("the last index published again");
        let waits = std::sync::atomic::AtomicUsize::new(0);
        let index = job
            .bundle(&|| {
                waits.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        assert_eq!(waits.load(Ordering::SeqCst), 2, "one wait a page");
        assert!(!index.files.is_empty());
        assert_eq!(index.hashes.len(), index.files.len());
        assert!(
            index
                .files
                .iter()
                .zip(&index.hashes)
                .all(|((path, bytes), (hashed, hash))| path == hashed
                    && *hash == content_hash(bytes))
        );
    }
}
