//! The pages a save leaves for after its reload: rendered a handful at a
//! time by [`Session::catch_up_some`], or taken along by the next save.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;
use crate::render::{Page, Renderer};

use super::{RebuildReport, Session, positions};

impl Session {
    /// Renders the pages the last save left for after its reload, if any.
    /// On failure they stay left over, and the next save renders them.
    pub fn catch_up(&mut self) -> Option<Result<RebuildReport, Diagnostics>> {
        self.catch_up_some(usize::MAX)
    }

    /// Whether pages are left for [`Session::catch_up`].
    pub fn has_pages_left(&self) -> bool {
        !self.later.is_empty()
    }

    /// Like [`Session::catch_up`], at most `most` pages: a save that comes
    /// meanwhile waits for these only, and takes the rest along.
    pub fn catch_up_some(&mut self, most: usize) -> Option<Result<RebuildReport, Diagnostics>> {
        // A save that failed since left the site half loaded: the pages wait
        // for the next good save, which renders them with its own.
        let failed_since = !self.pending.is_empty()
            || self.full_pending
            || self.state.as_ref().is_none_or(|state| state.lists_stale);
        if self.later.is_empty() || failed_since {
            return None;
        }
        let mut later = std::mem::take(&mut self.later);
        let rest = later.split_off(most.min(later.len()));
        let Some(state) = self.state.as_mut() else {
            self.later.clear();
            return None;
        };
        let started = Instant::now();
        // Until the kept lists are back after a good render.
        state.lists_stale = true;
        let kept = std::mem::take(&mut state.kept);
        let renderer = Renderer::with_kept(&state.site, &state.templates, kept)
            .at(self.options.now())
            .with_background_images(self.images.clone());
        let mut written: Vec<String> = later
            .iter()
            .flat_map(|page| renderer.output_paths(page))
            .collect();
        let known = std::mem::take(&mut state.manifest);
        let output = match Output::begin_partial_known(
            &self.options.root,
            &self.options.output_dir(),
            known,
        ) {
            Ok(output) => output,
            Err(problem) => {
                later.extend(rest);
                self.later = later;
                return Some(Err(Diagnostics(vec![problem])));
            }
        };
        let collector = crate::search::Collector::new(&output, &renderer);
        let result = renderer.render(&later, &collector);
        let indexed = collector.into_pages();
        let (rendered, warnings) = match renderer.outcome(result, Vec::new()) {
            Ok(done) => done,
            Err(problems) => {
                output.abandon();
                later.extend(rest);
                self.later = later;
                // A file saved again since: that save renders these pages.
                if problems.0.iter().all(read_a_newer_save) {
                    return None;
                }
                return Some(Err(problems));
            }
        };
        for path in state.stale_images(&later, &[], &rendered) {
            output.remove(&path);
        }
        let files = match output.commit_partial_known(&mut state.manifest) {
            Ok(files) => files,
            Err(problem) => {
                later.extend(rest);
                self.later = later;
                return Some(Err(Diagnostics(vec![problem])));
            }
        };
        if let Some(images) = &self.images {
            images.submit(renderer.deferred_images());
        }
        self.search.update(&renderer, &[], indexed);
        state.kept = renderer.into_kept();
        state.lists_stale = false;
        state.record(rendered);
        self.later = rest;
        written.sort();
        written.dedup();
        Some(Ok(RebuildReport {
            what: "the pages that show it".into(),
            pages: later.len(),
            rendered: written,
            files,
            elapsed: started.elapsed(),
            warnings,
            pending: Vec::new(),
        }))
    }
}

/// Whether a problem is a source file that changed (or went away) after
/// the site loaded it: a newer save, which the watcher reports next.
fn read_a_newer_save(problem: &Diagnostic) -> bool {
    problem.message == "the file changed during the build"
        || problem.message.starts_with("cannot read the file again")
}

/// The pages a save renders with those an earlier save left over, once each;
/// of these, only those still published.
pub(super) fn with_pages_left_over(
    mut dirty: Vec<Page>,
    left_over: Vec<Page>,
    current: &BTreeSet<Page>,
) -> Vec<Page> {
    if left_over.is_empty() {
        return dirty;
    }
    let mut seen: HashSet<Page> = dirty.iter().cloned().collect();
    for page in left_over {
        if current.contains(&page) && seen.insert(page.clone()) {
            dirty.push(page);
        }
    }
    dirty
}

/// The pages of the saved files themselves: an article's (with its own
/// timeline and updates), a background entry's, a shared timeline's, a
/// person's.
pub(super) fn own_pages(
    site: &crate::site::Site,
    positions: &positions::Positions,
    saved: &[&PathBuf],
) -> HashSet<Page> {
    let mut own = HashSet::new();
    for path in saved {
        if let Some(index) = positions.get(path) {
            let slug = &site.articles[index].slug;
            own.insert(Page::Article(slug.clone()));
            own.insert(Page::Timeline(slug.clone()));
            own.insert(Page::Updates(slug.clone()));
        }
        if let Some(entry) = site.background.values().find(|e| &e.path == *path) {
            own.insert(Page::Background(entry.key.clone()));
        }
        if let Some(timeline) = site.timelines.values().find(|t| &t.path == *path) {
            own.insert(Page::Timeline(timeline.key.clone()));
        }
        if let Some(person) = site.people.values().find(|p| &p.path == *path) {
            own.insert(Page::Person(person.key.clone()));
        }
    }
    own
}
