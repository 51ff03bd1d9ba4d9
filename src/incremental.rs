//! Rebuilding on save. The site stays loaded; each page remembers what it read
//! when it was rendered ([`Dep`]s). A change is turned into the sources that
//! changed — files, summaries, URLs, entries, timelines, lists — and exactly
//! the pages that read one of them are rendered again, with pages that appear
//! or disappear. No rule here knows what a page shows: the renderer's record
//! does, so what `serve` shows is what a fresh build writes.
//!
//! A change that breaks the site keeps the last good output and remembers what
//! is still to be rendered, so the next good save catches up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::BuildOptions;
use crate::deps::{Dep, ListKey};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::images::BackgroundImages;
use crate::layout::{CONTENT_DIR, STATIC_DIR, SourceFile, TEMPLATE_DIR, classify, linked_folder};
use crate::output::{KnownManifest, Output, WriteReport};
use crate::render::{Page, Renderer};

mod catch_up;
mod changes;
mod freed;
mod positions;
mod shape;
mod state;
mod steps;

use changes::{describe, expand_folders};
use state::State;

/// What one rebuild did, for the status line.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    /// "content/kasakhstan.md", or "3 files".
    pub what: String,
    pub pages: usize,
    /// The files of the pages rendered again, from the output folder, sorted.
    /// Empty after a full build, which renders every page: a list of every
    /// file of a large site, freed after the build's memory was tidied,
    /// would make the next save pay for sorting it.
    pub rendered: Vec<String>,
    pub files: WriteReport,
    pub elapsed: Duration,
    /// Problems that did not stop the rebuild, in what was rendered.
    pub warnings: Vec<Diagnostic>,
    /// The files of the pages left for [`Session::catch_up`], from the
    /// output folder: they show the change too, but are written after it.
    pub pending: Vec<String>,
}

/// A site kept in memory between rebuilds.
pub struct Session {
    options: BuildOptions,
    state: Option<State>,
    /// Files that failed to load, with their problems; their last good version stays.
    broken: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Sources changed since the last good render.
    pending: BTreeSet<Dep>,
    /// A change that every page reads (`site.toml`, a template) came while the
    /// site was broken: the next good save renders everything.
    full_pending: bool,
    /// `serve`: images not in the cache are shown as their source file and
    /// made here; [`Session::apply`] of their paths shows the variants.
    images: Option<BackgroundImages>,
    /// The pages search indexes, for remaking the index after a save.
    search: crate::search::catch_up::Kept,
    /// Pages a save left for after its reload ([`Session::catch_up`]); the
    /// next save renders them first if they are still here.
    later: Vec<Page>,
}

impl Session {
    /// A session that has not built yet; [`Session::rebuild_all`] builds it.
    pub fn new(options: BuildOptions) -> Session {
        Session {
            options,
            state: None,
            broken: BTreeMap::new(),
            pending: BTreeSet::new(),
            full_pending: false,
            images: None,
            search: Default::default(),
            later: Vec::new(),
        }
    }

    /// Renders pages at once with the source file of an image not yet in
    /// the cache, and hands its variants to `background`.
    pub fn make_images_in_background(&mut self, background: BackgroundImages) {
        self.images = Some(background);
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Loads and builds the whole site; on failure the output stays as it was.
    /// The report names no files (see [`RebuildReport::rendered`]).
    pub fn rebuild_all(&mut self, what: &str) -> Result<RebuildReport, Diagnostics> {
        let built = self.build_everything(what);
        if built.is_ok() {
            // Everything the build made and did not keep is freed by now:
            // the blocks are sorted and handed back here, on the threads
            // that render saves, so the next save pays for neither.
            freed::tidy_after_full_build();
        }
        built
    }

    fn build_everything(&mut self, what: &str) -> Result<RebuildReport, Diagnostics> {
        self.full_pending = true;
        let started = Instant::now();
        let (site, templates) = crate::build::load(&self.options)?;
        let output = Output::begin(&self.options.root, &self.options.output_dir())?;
        let renderer = Renderer::new(&site, &templates)
            .at(self.options.now())
            .with_background_images(self.images.clone());
        let collector =
            crate::search::Collector::new(&output, &renderer).spilling_into(&self.options.root);
        let all = renderer.render_all(&collector);
        let indexed = collector.into_collected();
        let language = site.config.language;
        // The first build writes the index with the pages, as `build` does. A
        // later one (a template or site.toml saved) publishes the last index
        // again, as the output folder holds it, and leaves remaking it to
        // after the reload; where those files are gone or changed, the index
        // is made now.
        let mut index = None;
        let mut kept_last = false;
        let all = all.and_then(|rendered| {
            if !crate::search::enabled(&site.config) {
                return Ok(rendered);
            }
            if let Some(files) = self.search.last_index(language) {
                kept_last = output
                    .keep_as_they_are(&files, "forklar's search index")
                    .map_err(|problem| Diagnostics(vec![problem]))?;
                index = kept_last.then_some(files);
            }
            if !kept_last {
                let mut files = Vec::new();
                crate::search::write_bundle(
                    &self.options.root,
                    &indexed,
                    language,
                    &output,
                    |path, bytes| {
                        files.push((path.to_string(), crate::output::content_hash(bytes)))
                    },
                )
                .map_err(|problem| Diagnostics(vec![problem]))?;
                index = Some(std::sync::Arc::new(files));
            }
            Ok(rendered)
        });
        let (rendered, warnings) = match renderer.outcome(all, site.warnings.clone()) {
            Ok(done) => done,
            Err(problems) => {
                output.abandon();
                return Err(problems);
            }
        };
        let files = output.commit()?;
        if let Some(images) = &self.images {
            images.submit(renderer.deferred_images());
        }
        self.search.replace(indexed, language, index, kept_last);
        let lists = site.list_fingerprints(&renderer.listings);
        let pages: BTreeSet<Page> = renderer.pages().into_iter().collect();
        let mut kept = renderer.into_kept();
        kept.drop_summaries();
        let site_warnings = site.warnings.clone();
        let mut state = State::new(site, templates, kept, site_warnings);
        state.lists = lists;
        state.pages = pages;
        let count = rendered.len();
        state.record(rendered);
        // The output folder's list of files is read now, not by the first
        // save: a commit of nothing reads it and leaves the folder as it is.
        if let Ok(output) = Output::begin_partial_known(
            &self.options.root,
            &self.options.output_dir(),
            KnownManifest::default(),
        ) {
            let _ = output.commit_partial_known(&mut state.manifest);
        }
        // After the state before (if any) is dropped too.
        self.state = Some(state);
        self.broken.clear();
        self.pending.clear();
        self.later.clear();
        self.full_pending = false;
        Ok(RebuildReport {
            what: what.to_string(),
            pages: count,
            rendered: Vec::new(),
            files,
            elapsed: started.elapsed(),
            warnings,
            pending: Vec::new(),
        })
    }

    /// Applies a batch of changed paths (one save, or a `git checkout`), relative
    /// to the site root, and re-renders what read them.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<RebuildReport, Diagnostics> {
        self.apply_split(changed, None)
    }

    /// Like [`Session::apply`], rendering only what a reader looks at now:
    /// the pages of the saved files themselves and the pages in `open`
    /// (output paths, as "emne/csto/index.html"). Every other page that
    /// shows the change is left for [`Session::catch_up`], right after the
    /// reload; the report names their files.
    pub fn apply_reader_first(
        &mut self,
        changed: &[PathBuf],
        open: &BTreeSet<String>,
    ) -> Result<RebuildReport, Diagnostics> {
        self.apply_split(changed, Some(open))
    }

    fn apply_split(
        &mut self,
        changed: &[PathBuf],
        open: Option<&BTreeSet<String>>,
    ) -> Result<RebuildReport, Diagnostics> {
        let what = describe(changed);
        let sources: Vec<SourceFile> = expand_folders(&self.options.root, changed)
            .iter()
            .filter_map(|path| classify(path))
            .collect();
        let needs_full = self.state.is_none()
            || self.full_pending
            || sources
                .iter()
                .any(|s| matches!(s, SourceFile::Config | SourceFile::Template(_)))
            // A top folder that became a link: the full build's walk refuses it.
            || [CONTENT_DIR, TEMPLATE_DIR, STATIC_DIR]
                .iter()
                .any(|folder| linked_folder(&self.options.root, folder).is_some());
        if needs_full {
            return self.rebuild_all(&what);
        }
        let started = Instant::now();
        let Some(mut save) = self.load_saved(what.clone(), changed, &sources) else {
            return self.rebuild_all(&what);
        };
        self.merge_tag_spellings(&mut save);
        self.find_lists_touched(&mut save);
        self.check_between_files(&save)?;
        self.render_and_commit(save, open, started)
    }

    /// Whether the pages in the output folder show the sources as last read:
    /// the last rebuild succeeded, nothing waits to be rendered, and no image
    /// is still being made. The search index may still be catching up, as
    /// it does after every save.
    pub fn is_current(&self) -> bool {
        self.state.is_some()
            && self.broken.is_empty()
            && self.pending.is_empty()
            && self.later.is_empty()
            && !self.full_pending
            && self
                .images
                .as_ref()
                .is_none_or(|images| images.status().pending == 0)
    }

    /// A flag that holds while the search index in the output is older than
    /// the pages (see [`crate::search::catch_up::Kept::behind_flag`]).
    pub fn search_behind(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        self.search.behind_flag()
    }

    /// The search index to remake after the last rebuild, if its pages
    /// changed: made with [`crate::search::catch_up::Job::bundle`] without
    /// the session, then written with [`Session::finish_search`].
    pub fn search_job(&mut self) -> Option<crate::search::catch_up::Job> {
        self.search.job()
    }

    /// Writes the index `job` made, unless the pages changed again since (a
    /// later job then writes theirs). Returns whether it was written.
    pub fn finish_search(
        &mut self,
        job: &crate::search::catch_up::Job,
        index: crate::search::catch_up::NewIndex,
    ) -> Result<bool, Diagnostic> {
        if !self.search.is_current(job) {
            return Ok(false);
        }
        // The session's list of published files, as a save's rebuild uses
        // it: this runs under the session's lock, which a save waits for.
        let known = self
            .state
            .as_mut()
            .map(|state| std::mem::take(&mut state.manifest))
            .unwrap_or_default();
        let output =
            Output::begin_partial_known(&self.options.root, &self.options.output_dir(), known)?;
        let published = self.search.published_index();
        if let Err(problem) =
            crate::search::catch_up::write_into(&output, &index, published.as_deref())
        {
            output.abandon();
            return Err(problem);
        }
        match &mut self.state {
            Some(state) => output.commit_partial_known(&mut state.manifest)?,
            None => output.commit_partial()?,
        };
        self.search.written(job, index.hashes);
        Ok(true)
    }

    /// The published pages that read any of `paths` (relative to the site
    /// root) when they were last rendered.
    pub fn readers_of(&self, paths: &[PathBuf]) -> BTreeSet<Page> {
        let Some(state) = &self.state else {
            return BTreeSet::new();
        };
        let mut deps = Vec::new();
        for path in paths {
            deps.push(Dep::File(path.clone()));
            deps.push(Dep::Summary(path.clone()));
            deps.push(Dep::Address(path.clone()));
            if let Some(place) = state.positions.get(path) {
                deps.push(Dep::List(ListKey::OrderBlock(
                    state.site.order_block_of(place),
                )));
            }
            deps.push(Dep::Url(path.clone()));
            if let Some(entry) = state.site.background.values().find(|e| &e.path == path) {
                deps.push(Dep::Entry(entry.key.clone()));
                deps.push(Dep::EntryShown(entry.key.clone()));
            }
            if let Some(timeline) = state.site.timelines.values().find(|t| &t.path == path) {
                deps.push(Dep::Timeline(timeline.key.clone()));
            }
            if let Some(person) = state.site.people.values().find(|p| &p.path == path) {
                deps.push(Dep::Person(person.key.clone()));
            }
        }
        deps.iter()
            .filter_map(|dep| state.readers.get(dep))
            .flatten()
            .cloned()
            .collect()
    }

    /// The files published from `pages`, from the output folder, sorted.
    pub fn output_paths(&self, pages: &BTreeSet<Page>) -> Vec<String> {
        let Some(state) = &self.state else {
            return Vec::new();
        };
        Renderer::new(&state.site, &state.templates)
            .at(self.options.now())
            .files_of(pages)
    }
}

/// The private folder `impact` builds in, removed when dropped, and the output
/// folder inside it, as `serve` does: the shadow folder a build makes beside
/// its output is then private too, not left in the shared temporary folder.
fn scratch() -> Result<(tempfile::TempDir, PathBuf), Diagnostics> {
    let scratch = crate::writes::private_folder("forklar-impact-", "impact")
        .map_err(|problem| Diagnostics(vec![problem]))?;
    let output = scratch.path().join("site");
    Ok((scratch, output))
}

/// `forklar impact`: builds the site into a private temporary folder, the way
/// `serve` does, and names the published files that a change to `paths`
/// (relative to the site root) renders again.
pub fn impact(options: &BuildOptions, paths: &[PathBuf]) -> Result<Vec<String>, Diagnostics> {
    let (_scratch, output) = scratch()?;
    let mut options = options.clone();
    options.output = output;
    let mut session = Session::new(options);
    session.rebuild_all("impact")?;
    // Every page reads `site.toml` and the templates: `apply` renders them all.
    let everything = paths.iter().any(|path| {
        matches!(
            classify(path),
            Some(SourceFile::Config | SourceFile::Template(_))
        )
    });
    let pages = match &session.state {
        Some(state) if everything => state.pages.clone(),
        _ => session.readers_of(paths),
    };
    let files = session.output_paths(&pages);
    crate::output::forget_record(&session.options().root, &session.options().output);
    Ok(files)
}

/// A path given on the command line (relative to the current folder, or
/// absolute) as a path relative to the site root.
pub fn site_relative(root: &Path, path: &Path) -> Result<PathBuf, Diagnostic> {
    let outside = || {
        Diagnostic::new(format!("`{}` is not in the site's folder", path.display())).with_help(
            format!(
                "name files inside {}, such as content/background/csto.md",
                root.display()
            ),
        )
    };
    let absolute = std::path::absolute(path).map_err(|_| outside())?;
    let root = std::path::absolute(root).map_err(|_| outside())?;
    // Resolve links in the folders, not the file: a file that was deleted has a path too.
    let canonical = |p: &Path| -> PathBuf {
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => parent
                .canonicalize()
                .map_or_else(|_| p.to_path_buf(), |parent| parent.join(name)),
            _ => p.to_path_buf(),
        }
    };
    let root = root.canonicalize().unwrap_or(root);
    let within = |p: &Path| canonical(p).strip_prefix(&root).map(Path::to_path_buf).ok();
    within(&absolute)
        // `--root site content/x.md` names the file from the site's folder, where
        // the current folder holds no such path.
        .or_else(|| {
            let from_root = root.join(path);
            let there = path.is_relative() && from_root.parent().is_some_and(Path::is_dir);
            there.then(|| within(&from_root)).flatten()
        })
        .ok_or_else(outside)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// Other users can neither list nor enter the folder `impact` builds in
    /// (it was 0777 less the umask), and the build's shadow folder, made
    /// beside its output folder, lies inside it.
    #[test]
    fn impact_builds_inside_a_private_folder() {
        let (scratch, output) = scratch().unwrap();
        let mode = std::fs::metadata(scratch.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "mode {mode:o}");
        assert_eq!(output.parent(), Some(scratch.path()));
    }
}
