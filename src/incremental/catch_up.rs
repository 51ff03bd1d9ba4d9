//! The pages a save leaves for after its reload: rendered a handful at a
//! time by [`Session::catch_up_some`], or taken along by the next save.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, Sink};
use crate::render::{Page, Rendered, Renderer};

use super::{RebuildReport, Session, positions};

impl Session {
    /// Renders the pages the last save left for after its reload, if any.
    /// On failure they stay left over, and the next save renders them.
    pub fn catch_up(&mut self) -> Option<Result<RebuildReport, Diagnostics>> {
        self.catch_up_some(usize::MAX, &|| false)
    }

    /// Whether pages are left for [`Session::catch_up`].
    pub fn has_pages_left(&self) -> bool {
        !self.later.is_empty()
    }

    /// Like [`Session::catch_up`], at most `most` pages, and none started
    /// once `give_way` says a save waits: the pages not rendered stay left
    /// over, and the save takes them along. So a save waits for the pages
    /// being rendered at that moment, one per thread, not for the handful.
    pub fn catch_up_some(
        &mut self,
        most: usize,
        give_way: &(dyn Fn() -> bool + Sync),
    ) -> Option<Result<RebuildReport, Diagnostics>> {
        // A save that failed since left the site half loaded: the pages wait
        // for the next good save, which renders them with its own.
        let failed_since = !self.pending.is_empty()
            || self.full_pending
            || self.state.as_ref().is_none_or(|state| state.lists_stale);
        if self.later.is_empty() || failed_since {
            return None;
        }
        let mut later = std::mem::take(&mut self.later);
        let mut rest = later.split_off(most.min(later.len()));
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
        let collector = crate::search::Collector::for_pages(&output, &renderer, &later);
        let (result, handed_back) = render_until(&renderer, &mut later, &collector, give_way);
        rest.splice(0..0, handed_back);
        let (result, indexed) = collector.into_pages(result);
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
        let written = renderer.files_of(&later);
        state.kept = renderer.into_kept();
        // Dropped here rather than by the next renderer: that may be a save's.
        state.kept.clear_summaries();
        state.lists_stale = false;
        state.record(rendered);
        self.later = rest;
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

/// Renders `pages` in parallel into `sink`, starting none once `give_way`
/// says so. Returns the outcome of those rendered, which stay in `pages`,
/// and the pages not started.
fn render_until(
    renderer: &Renderer,
    pages: &mut Vec<Page>,
    sink: &dyn Sink,
    give_way: &(dyn Fn() -> bool + Sync),
) -> (Result<Vec<Rendered>, Diagnostics>, Vec<Page>) {
    let results: Vec<Option<Result<Vec<Rendered>, Diagnostics>>> = pages
        .par_iter()
        .map(|page| (!give_way()).then(|| renderer.render(std::slice::from_ref(page), sink)))
        .collect();
    let mut started = Vec::with_capacity(pages.len());
    let mut handed_back = Vec::new();
    let mut rendered = Vec::with_capacity(pages.len());
    let mut problems: Vec<Diagnostic> = Vec::new();
    for (page, result) in std::mem::take(pages).into_iter().zip(results) {
        let Some(result) = result else {
            handed_back.push(page);
            continue;
        };
        started.push(page);
        match result {
            Ok(done) => rendered.extend(done),
            // An image shown on several pages has its problem once.
            Err(found) => {
                for problem in found.0 {
                    if !problems.contains(&problem) {
                        problems.push(problem);
                    }
                }
            }
        }
    }
    *pages = started;
    let result = if problems.is_empty() {
        Ok(rendered)
    } else {
        Err(Diagnostics(problems))
    };
    (result, handed_back)
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::build::{BuildOptions, build};

    use super::Session;

    const ENTRY: &str = "content/background/csto.md";
    const USERS: usize = 12;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        fs::write(path, text).expect("written");
    }

    fn entry(summary: &str) -> String {
        format!("+++\ntitle = \"CSTO\"\nsummary = \"{summary}\"\n+++\n\nEn militærallianse.\n")
    }

    /// A site whose entry every article shows, built by a session.
    fn site_with_users(dir: &Path) -> (BuildOptions, Session) {
        let root = dir.join("site");
        write(
            &root,
            "site.toml",
            "title = \"T\"\nlanguage = \"nb\"\nsearch = false\n",
        );
        write(&root, ENTRY, &entry("Gammel oppsummering."));
        for n in 1..=USERS {
            write(
                &root,
                &format!("content/sak-{n}.md"),
                &format!(
                    "+++\ntitle = \"Sak {n}\"\ndate = 2022-01-06\nbackground = [\"csto\"]\n+++\n\nSak {n}.\n\n{{{{ bakgrunn() }}}}\n"
                ),
            );
        }
        let mut options = BuildOptions::new(&root);
        options.output = dir.join("served");
        options.now = Some("2024-01-01T12:00:00Z".parse().expect("a moment"));
        let mut session = Session::new(options.clone());
        session.rebuild_all("the site").expect("the site builds");
        (options, session)
    }

    /// Saves the entry with `summary`, rendering only its own page.
    fn save_entry(options: &BuildOptions, session: &mut Session, summary: &str) {
        write(&options.root, ENTRY, &entry(summary));
        let saved = session
            .apply_reader_first(&[PathBuf::from(ENTRY)], &BTreeSet::new())
            .expect("the save");
        assert!(saved.pending.len() >= USERS, "{:?}", saved.pending);
    }

    /// Every file a session wrote, as a fresh build writes it.
    fn assert_as_fresh_build(options: &BuildOptions, dir: &Path) {
        let mut fresh = options.clone();
        fresh.output = dir.join("fresh");
        build(&fresh).expect("a fresh build");
        assert_eq!(files(&options.output), files(&fresh.output));
    }

    fn files(dir: &Path) -> BTreeMap<String, String> {
        let mut found = BTreeMap::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for item in fs::read_dir(&folder).expect("a folder").flatten() {
                let path = item.path();
                if path.is_dir() {
                    folders.push(path);
                } else if item.file_name() != ".forklar-manifest" {
                    let name = path
                        .strip_prefix(dir)
                        .expect("inside")
                        .display()
                        .to_string();
                    let bytes = fs::read(&path).expect("read");
                    found.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                }
            }
        }
        found
    }

    /// Says a save waits once `after` pages were started.
    fn give_way_after(after: usize) -> impl Fn() -> bool + Sync {
        let asked = AtomicUsize::new(0);
        move || asked.fetch_add(1, Ordering::SeqCst) >= after
    }

    #[test]
    fn a_catch_up_that_gives_way_renders_the_pages_it_left_later() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (options, mut session) = site_with_users(dir.path());
        save_entry(&options, &mut session, "Ny oppsummering.");
        let done = session
            .catch_up_some(usize::MAX, &give_way_after(3))
            .expect("pages left")
            .expect("rendered");
        assert_eq!(done.pages, 3);
        assert!(session.has_pages_left());
        session.catch_up().expect("pages left").expect("rendered");
        assert!(!session.has_pages_left());
        assert_as_fresh_build(&options, dir.path());
    }

    #[test]
    fn a_save_takes_along_the_pages_a_catch_up_gave_back() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (options, mut session) = site_with_users(dir.path());
        save_entry(&options, &mut session, "Første nye oppsummering.");
        let done = session
            .catch_up_some(usize::MAX, &give_way_after(0))
            .expect("pages left")
            .expect("rendered");
        assert_eq!(done.pages, 0);
        session
            .catch_up_some(4, &give_way_after(2))
            .expect("pages left")
            .expect("rendered");
        // The other article's save renders its own page, and leaves the
        // entry's users, still to be rendered, for after its reload.
        write(
            &options.root,
            "content/sak-1.md",
            "+++\ntitle = \"Sak 1\"\ndate = 2022-01-06\n+++\n\nUten bakgrunn.\n",
        );
        let saved = session
            .apply_reader_first(&[PathBuf::from("content/sak-1.md")], &BTreeSet::new())
            .expect("the save");
        assert!(saved.pending.len() >= USERS - 3, "{:?}", saved.pending);
        save_entry(&options, &mut session, "Andre nye oppsummering.");
        session.catch_up().expect("pages left").expect("rendered");
        assert_as_fresh_build(&options, dir.path());
    }
}
