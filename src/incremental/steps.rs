//! The steps of one save, in the order [`Session::apply_split`] takes them:
//! load the saved files, merge tag spellings, find the lists touched, check
//! between files, then render what shows the change and commit it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::deps::Dep;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{STATIC_DIR, SourceFile, classify};
use crate::output::Output;
use crate::render::Renderer;
use crate::site::index::ListsTouched;
use crate::site::tags::WrittenTags;

use super::catch_up::{own_pages, with_pages_left_over};
use super::changes::{forget_folder, reload};
use super::positions::Moved;
use super::shape::Shape;
use super::state::{Recount, Relist, State};
use super::{RebuildReport, Session};

/// What a save changed, worked out step by step before anything is rendered.
pub(super) struct Save {
    pub(super) what: String,
    /// The saved content files (static files aside), with their shape
    /// before the save.
    shapes_before: Vec<(PathBuf, Shape)>,
    /// Saved files and folders that are gone (a folder takes the files
    /// inside along).
    gone: Vec<PathBuf>,
    /// The saved articles' tags as written before the save, by file.
    tags_before: Vec<(PathBuf, Option<WrittenTags>)>,
    /// Whether the save moved an article, changed what lists show of one
    /// beyond which lists it is in, or made files come or go.
    reshaped: bool,
    /// The lists articles joined or left, when that is all that changed.
    touched: ListsTouched,
    /// The saved articles that moved in the order, one after another.
    moves: Vec<Moved>,
}

impl Save {
    fn saved(&self) -> Vec<&PathBuf> {
        self.shapes_before.iter().map(|(path, _)| path).collect()
    }
}

impl Session {
    /// Reads the saved files again and forgets those that are gone, noting
    /// what each was before.
    pub(super) fn load_saved(
        &mut self,
        what: String,
        changed: &[PathBuf],
        sources: &[SourceFile],
    ) -> Option<Save> {
        let state = self.state.as_mut()?;
        let root = self.options.root.clone();
        let shapes_before: Vec<(PathBuf, Shape)> = sources
            .iter()
            .filter(|s| !matches!(s, SourceFile::Static(_) | SourceFile::ContentOther(_)))
            .map(|s| {
                (
                    s.path(),
                    Shape::of(&state.site, &state.positions, &s.path()),
                )
            })
            .collect();
        // A broken link is there, as the error build gives, not gone.
        let gone: Vec<PathBuf> = changed
            .iter()
            .filter(|path| classify(path).is_some() && root.join(path).symlink_metadata().is_err())
            .cloned()
            .collect();
        // Tags come from articles: a save of none leaves their spellings.
        let tags_before: Vec<(PathBuf, Option<WrittenTags>)> = sources
            .iter()
            .filter(|s| matches!(s, SourceFile::Article(_)))
            .map(|s| {
                let path = s.path();
                let before = state
                    .positions
                    .get(&path)
                    .map(|index| WrittenTags::of(&state.site, index));
                (path, before)
            })
            .collect();
        let mut reshaped = !gone.is_empty();
        for source in sources {
            match source {
                SourceFile::Static(_) => {
                    reshaped = true;
                    let before = state.site.static_files.clone();
                    let problems = state.site.rescan_static();
                    self.broken.remove(Path::new(STATIC_DIR));
                    if !problems.is_empty() {
                        self.broken.insert(PathBuf::from(STATIC_DIR), problems);
                    }
                    for file in before.iter().chain(&state.site.static_files) {
                        self.pending
                            .insert(Dep::File(Path::new(STATIC_DIR).join(file)));
                    }
                    self.pending.insert(Dep::File(source.path()));
                }
                _ => reload(
                    &root,
                    source,
                    &mut state.site,
                    &mut state.positions,
                    &mut self.broken,
                    &mut self.pending,
                ),
            }
        }
        for path in &gone {
            forget_folder(
                path,
                &mut state.site,
                &mut state.positions,
                &mut self.broken,
                &mut self.pending,
            );
        }
        let moves = state.positions.take_moves();
        Some(Save {
            what,
            shapes_before,
            gone,
            tags_before,
            reshaped,
            touched: ListsTouched::default(),
            moves,
        })
    }

    /// A save can change which spelling of a tag other articles show: the
    /// tags the saved articles had and have are merged again. Other
    /// articles whose tags are shown otherwise now are rendered again, and
    /// the lists of those tags made again.
    pub(super) fn merge_tag_spellings(&mut self, save: &mut Save) {
        let Some(state) = self.state.as_mut() else {
            return;
        };
        let before = std::mem::take(&mut save.tags_before);
        let positions = &state.positions;
        let respelled = if save.gone.is_empty() {
            state
                .spellings
                .merge_saved(&mut state.site, &|path| positions.get(path), before)
        } else {
            // Files went with a folder, unseen: every article is merged again.
            state.spellings.merge_all(&mut state.site)
        };
        state.tag_warnings = state.spellings.warnings(&|path| positions.get(path));
        for path in respelled.articles {
            if let Some(index) = positions.get(&path) {
                save.touched.articles.insert(index);
            }
            self.pending.insert(Dep::File(path.clone()));
            self.pending.insert(Dep::Summary(path));
        }
        save.touched.tags.extend(respelled.slugs);
    }

    /// Compares each saved file's shape with the one before: a save that
    /// only moved articles in the order or between lists makes those lists
    /// again, any other change of shape every list.
    pub(super) fn find_lists_touched(&mut self, save: &mut Save) {
        let Some(state) = self.state.as_mut() else {
            return;
        };
        for (path, before) in &save.shapes_before {
            let now = Shape::of(&state.site, &state.positions, path);
            save.reshaped |= now != *before && !now.relisted_from(before, &mut save.touched);
        }
        // Slugs found by place would name other articles; lists made again
        // from scratch need no moves.
        save.reshaped |= !save.moves.is_empty() && !state.between_clean;
        state.lists_stale |= save.reshaped;
        if state.lists_stale {
            return;
        }
        if let Some(span) = state.follow(&save.moves) {
            save.touched.reordered(span, &state.site);
        }
        debug_assert!(state.kept.slugs == crate::render::slug_table(&state.site));
    }

    /// The files that failed to load and the problems between files; the
    /// save stops here when there are any.
    pub(super) fn check_between_files(&mut self, save: &Save) -> Result<(), Diagnostics> {
        let Some(state) = self.state.as_mut() else {
            return Ok(());
        };
        let mut problems: Vec<Diagnostic> = self.broken.values().flatten().cloned().collect();
        let broken: BTreeSet<SourceFile> = self
            .broken
            .keys()
            .filter_map(|path| classify(path))
            .collect();
        let between = problems_between(state, save.reshaped, &save.saved());
        state.between_clean = between.is_empty();
        problems.extend(
            between
                .into_values()
                .flatten()
                .filter(|problem| !crate::site::store::names_a_broken_file(problem, &broken)),
        );
        if problems.is_empty() {
            return Ok(());
        }
        // The lists this save touched are not made again now: the next
        // good save works out every list.
        state.lists_stale |= !save.touched.is_empty();
        Err(Diagnostics(problems))
    }

    /// Renders the pages that show the change: with `open`, those of the
    /// saved files and the open pages now, the others left for
    /// [`Session::catch_up`]; then commits them to the output folder.
    pub(super) fn render_and_commit(
        &mut self,
        save: Save,
        open: Option<&BTreeSet<String>>,
        started: Instant,
    ) -> Result<RebuildReport, Diagnostics> {
        let Some(state) = self.state.as_mut() else {
            return Err(Diagnostics(Vec::new()));
        };
        let root = self.options.root.clone();
        let recount = state.lists_stale;
        let relist = if recount {
            Relist::All
        } else if save.touched.is_empty() {
            Relist::Kept
        } else {
            Relist::Touched(&save.touched)
        };
        if recount {
            state.find_updates();
        }
        // Until the lists are back in the state after a good render.
        state.lists_stale = true;
        // One moment for the pages and for whether the live script is published.
        let now = self.options.now();
        let renderer = if recount {
            Renderer::new(&state.site, &state.templates)
        } else {
            let mut kept = std::mem::take(&mut state.kept);
            if let Relist::Touched(touched) = relist {
                state.site.relist(&mut kept.listings, touched);
            }
            Renderer::with_kept(&state.site, &state.templates, kept)
        }
        .at(now)
        .with_background_images(self.images.clone());
        let Recount {
            lists,
            pages,
            dirty,
            gone,
        } = state.recount(&renderer, relist, now, &mut self.pending);
        let current = pages.as_ref().unwrap_or(&state.pages);
        let dirty = with_pages_left_over(dirty, std::mem::take(&mut self.later), current);
        let (dirty, later) = match open {
            Some(open) => {
                let own = own_pages(&state.site, &state.positions, &save.saved());
                dirty.into_iter().partition(|page| {
                    own.contains(page)
                        || renderer
                            .output_paths(page)
                            .iter()
                            .any(|path| open.contains(path))
                })
            }
            None => (dirty, Vec::new()),
        };
        let pending_paths: Vec<String> = later
            .iter()
            .flat_map(|page| renderer.output_paths(page))
            .collect();
        let rendered_paths = renderer.files_of(&dirty);
        // A page that is gone may leave its file to one rendered after the reload.
        let written: HashSet<String> = rendered_paths
            .iter()
            .chain(&pending_paths)
            .cloned()
            .collect();
        let known = std::mem::take(&mut state.manifest);
        let output = match Output::begin_partial_known(&root, &self.options.output_dir(), known) {
            Ok(output) => output,
            Err(problem) => {
                self.later = later;
                return Err(Diagnostics(vec![problem]));
            }
        };
        let collector = crate::search::Collector::for_pages(&output, &renderer, &dirty);
        let result = renderer.render(&dirty, &collector);
        let (result, indexed) = collector.into_pages(result);
        let (rendered, warnings) = match renderer.outcome(result, state.warnings()) {
            Ok(done) => done,
            Err(problems) => {
                output.abandon();
                // Rendered again, with the readers of what changed, next time.
                self.later = later;
                return Err(problems);
            }
        };
        for page in &gone {
            for path in renderer.output_paths(page) {
                if !written.contains(&path) {
                    output.remove(&path);
                }
            }
        }
        for path in state.stale_images(&dirty, &gone, &rendered) {
            output.remove(&path);
        }
        let files = match output.commit_partial_known(&mut state.manifest) {
            Ok(files) => files,
            Err(problem) => {
                self.later = later;
                return Err(Diagnostics(vec![problem]));
            }
        };
        if let Some(images) = &self.images {
            images.submit(renderer.deferred_images());
        }
        self.search.update(&renderer, &gone, indexed);
        state.kept = renderer.into_kept();
        state.lists_stale = false;
        for page in &gone {
            state.forget(page);
        }
        state.record(rendered);
        state.keep_prints(lists);
        if let Some(pages) = pages {
            state.pages = pages;
        }
        self.pending.clear();
        self.later = later;
        Ok(RebuildReport {
            what: save.what,
            pages: dirty.len(),
            rendered: rendered_paths,
            files,
            elapsed: started.elapsed(),
            warnings,
            pending: pending_paths,
        })
    }
}

/// The problems between files after a save. With no slug, key or file
/// changed, only the saved articles can have gained or lost one; with the
/// slugs kept too, each is checked against the first article of its slug
/// without a walk over the others.
fn problems_between(
    state: &State,
    reshaped: bool,
    saved: &[&PathBuf],
) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    if reshaped || !state.between_clean {
        return state.site.problems_between_files();
    }
    if state.lists_stale {
        let saved = saved.iter().map(|path| (*path).clone()).collect();
        return state.site.problems_of_articles(&saved);
    }
    let mut found = BTreeMap::new();
    for path in saved {
        let Some(index) = state.positions.get(path) else {
            continue;
        };
        let article = &state.site.articles[index];
        let first = state
            .kept
            .slugs
            .get(&article.slug)
            .map_or(article, |&first| &state.site.articles[first]);
        let problems = state.site.problems_of(article, first);
        if !problems.is_empty() {
            found.insert(article.path.clone(), problems);
        }
    }
    found
}
