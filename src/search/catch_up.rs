//! Search in `serve`: the pages search indexes are kept between rebuilds, and
//! the index is made again from them after the reload event has gone out, on
//! a thread of its own, so a save is shown without waiting for it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::i18n::Language;
use crate::output::{Output, Sink};
use crate::render::{Page, Renderer};

use super::BUNDLE_DIR;

/// The copies search indexes as last rendered, by address.
#[derive(Default)]
pub struct Kept {
    /// Shared with the job that indexes them: a snapshot of an archive's
    /// copies (some 200 MB at 10,000 articles) is not a second copy.
    pages: BTreeMap<String, Arc<str>>,
    /// Counts the changes to `pages`; a job made before the last change is
    /// not written.
    generation: u64,
    /// Changed since the last job was handed out.
    dirty: bool,
    language: Language,
    /// The files of the index as last written.
    bundle: Option<Vec<(String, Vec<u8>)>>,
}

/// One remaking of the index, from a snapshot of the kept pages.
pub struct Job {
    pages: Vec<(String, Arc<str>)>,
    language: Language,
    generation: u64,
}

impl Kept {
    /// The files of the last index, to publish again while a new one is
    /// made; `None` before the first, or when the language changed.
    pub fn last_bundle(&self, language: Language) -> Option<&[(String, Vec<u8>)]> {
        match &self.bundle {
            Some(files) if language == self.language => Some(files),
            _ => None,
        }
    }

    /// After a full build of `pages`, which published `bundle` (`None`: the
    /// site has no search).
    pub fn replace(
        &mut self,
        pages: Vec<(String, String)>,
        language: Language,
        bundle: Option<Vec<(String, Vec<u8>)>>,
    ) {
        let kept_last = bundle.is_some() && self.last_bundle(language).is_some();
        self.pages = pages
            .into_iter()
            .map(|(url, copy)| (url, Arc::from(copy)))
            .collect();
        self.language = language;
        self.generation += 1;
        // An index made from exactly these pages needs no remaking; the last
        // index published again does.
        self.dirty = kept_last;
        self.bundle = bundle;
    }

    /// After a job's index was written.
    pub fn written(&mut self, files: Vec<(String, Vec<u8>)>) {
        self.bundle = Some(files);
    }

    /// After a rebuild of some pages: `rendered` are the copies of the pages
    /// rendered again, `gone` the pages the site no longer has.
    pub fn update(&mut self, renderer: &Renderer, gone: &[Page], rendered: Vec<(String, String)>) {
        let mut changed = false;
        for page in gone {
            for path in renderer.output_paths(page) {
                let url = super::page_url(&path);
                changed |= self.pages.remove(&url).is_some();
            }
        }
        for (url, copy) in rendered {
            if self.pages.get(&url).map(|kept| &**kept) != Some(copy.as_str()) {
                self.pages.insert(url, Arc::from(copy));
                changed = true;
            }
        }
        if changed {
            self.generation += 1;
            self.dirty = true;
        }
    }

    /// The index to make, if the pages changed since the last one.
    pub fn job(&mut self) -> Option<Job> {
        if !std::mem::take(&mut self.dirty) {
            return None;
        }
        Some(Job {
            pages: self
                .pages
                .iter()
                .map(|(url, copy)| (url.clone(), Arc::clone(copy)))
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
    /// Pagefind's files for the snapshot: the slow part, run without the session.
    pub fn bundle(&self) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        // One copy at a time, not the whole snapshot at once.
        let pages = self.pages.iter();
        super::bundle(
            pages.map(|(url, copy)| Ok((url.clone(), copy.to_string()))),
            self.language,
        )
    }
}

/// Writes a new index into a partial `output`, removing the files of the old
/// one that the new one does not have.
pub fn write_into(output: &Output, files: &[(String, Vec<u8>)]) -> Result<(), Diagnostic> {
    let prefix = format!("{BUNDLE_DIR}/");
    let new: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for old in output.previous() {
        if old.starts_with(&prefix) && !new.contains(old.as_str()) {
            output.remove(old);
        }
    }
    for (path, bytes) in files {
        output.write(path, bytes, "forklar's search index")?;
    }
    Ok(())
}
