//! What a session keeps between saves: the site as last rendered, what each
//! page read, and what was worked out over the whole site (lists, their
//! fingerprints, links, slugs, the set of pages), which a save that moves no
//! article and changes no list keeps.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::RangeInclusive;

use crate::deps::{Dep, ListKey};
use crate::diagnostics::Diagnostic;
use crate::output::KnownManifest;
use crate::render::{Kept, Page, Rendered, Renderer};
use crate::site::Site;
use crate::site::index::ListsTouched;
use crate::site::tags::TagSpellings;
use crate::templates::Templates;

use super::positions::{Moved, Positions};

/// The site as last rendered, and what each page read.
pub(super) struct State {
    pub(super) site: Site,
    pub(super) templates: Templates,
    pub(super) page_deps: HashMap<Page, Vec<Dep>>,
    /// The pages that read each source.
    pub(super) readers: HashMap<Dep, HashSet<Page>>,
    /// Every list's fingerprint at the last good render.
    pub(super) lists: HashMap<ListKey, u64>,
    /// Every page at the last good render.
    pub(super) pages: BTreeSet<Page>,
    /// The image files each page published.
    pub(super) page_images: HashMap<Page, Vec<String>>,
    /// The lists, links and slugs of the last good render, kept for the next one.
    pub(super) kept: Kept,
    /// Each article's place in the order, kept true with every change.
    pub(super) positions: Positions,
    /// An article moved in the order or changed what lists show of it, or a
    /// file came or went, since the last good render: the lists, links,
    /// fingerprints and pages are worked out again.
    pub(super) lists_stale: bool,
    /// The last check found no problem between files.
    pub(super) between_clean: bool,
    /// The output folder's list of published files after the last save.
    pub(super) manifest: KnownManifest,
    /// The merged spellings of the site's tags.
    pub(super) spellings: TagSpellings,
    /// What the last merge of tag spellings warned about.
    pub(super) tag_warnings: Vec<Diagnostic>,
    /// The site's other warnings, from loading it.
    pub(super) site_warnings: Vec<Diagnostic>,
    /// The articles with updates, by place in the order: only they can be
    /// live. Kept true with the lists: an article gains or loses updates or
    /// moves only in a save that works out every list again.
    pub(super) with_updates: Vec<usize>,
}

/// How a save's lists came about: kept, every one made again, or those
/// some articles joined or left made again in place.
pub(super) enum Relist<'a> {
    Kept,
    All,
    Touched(&'a ListsTouched),
}

/// The fingerprints of a save's lists, for the state once the save is good.
pub(super) enum NewPrints {
    Kept,
    All(HashMap<ListKey, u64>),
    /// The lists whose fingerprint changed, without one when gone.
    Changed(Vec<(ListKey, Option<u64>)>),
}

/// The lists and pages of a save: worked out again or kept.
pub(super) struct Recount {
    pub(super) lists: NewPrints,
    /// Every page, when the set may have changed.
    pub(super) pages: Option<BTreeSet<Page>>,
    /// The pages to render: those that read a changed source, and new ones.
    pub(super) dirty: Vec<Page>,
    /// The pages no longer published.
    pub(super) gone: Vec<Page>,
}

impl State {
    /// The state after a full build of `site`, which warned about `warnings`.
    pub(super) fn new(
        mut site: Site,
        templates: Templates,
        kept: Kept,
        warnings: Vec<Diagnostic>,
    ) -> State {
        let positions = Positions::of(&site);
        // Merged as loading did, keeping what a save needs to merge again.
        let mut spellings = TagSpellings::default();
        spellings.merge_all(&mut site);
        let tag_warnings = spellings.warnings(&|path| positions.get(path));
        let site_warnings = warnings
            .into_iter()
            .filter(|warning| !tag_warnings.contains(warning))
            .collect();
        let mut state = State {
            site,
            templates,
            page_deps: HashMap::new(),
            readers: HashMap::new(),
            lists: HashMap::new(),
            pages: BTreeSet::new(),
            page_images: HashMap::new(),
            kept,
            positions,
            lists_stale: false,
            // Loading refuses a site with problems between files.
            between_clean: true,
            manifest: KnownManifest::default(),
            spellings,
            tag_warnings,
            site_warnings,
            with_updates: Vec::new(),
        };
        state.find_updates();
        state
    }

    /// Finds the articles with updates again, by a walk over every article.
    pub(super) fn find_updates(&mut self) {
        self.with_updates = (self.site.articles.iter().enumerate())
            .filter(|(_, article)| !article.parts.updates.updates.is_empty())
            .map(|(index, _)| index)
            .collect();
    }

    /// What was worked out by place, after the articles `moves` moved one
    /// after another: the lists, the slugs' first articles and the articles
    /// with updates. Returns the places whose article changed, if any.
    pub(super) fn follow(&mut self, moves: &[Moved]) -> Option<RangeInclusive<usize>> {
        let spans = moves.iter().map(Moved::span);
        let start = spans.clone().map(|span| *span.start()).min()?;
        let end = spans.map(|span| *span.end()).max()?;
        let lists = &mut self.kept.listings;
        // An article's own timeline lists it alone: set below, by place.
        let mut shared = BTreeMap::new();
        for key in self.site.timelines.keys() {
            if let Some(users) = lists.timeline_users.remove(key) {
                shared.insert(key.clone(), users);
            }
        }
        let own = std::mem::replace(&mut lists.timeline_users, shared);
        for moved in moves {
            moved.follow(lists);
        }
        let shared = std::mem::replace(&mut lists.timeline_users, own);
        lists.timeline_users.extend(shared);
        for place in start..=end {
            let article = &self.site.articles[place];
            // Every slug is its one article's while no two share one.
            if let Some(first) = self.kept.slugs.get_mut(&article.slug) {
                *first = place;
            }
            if article.parts.timeline.file.is_none()
                && let Some(users) = lists.timeline_users.get_mut(&article.slug)
                && users.len() == 1
            {
                users[0] = place;
            }
        }
        for moved in moves {
            for index in &mut self.with_updates {
                *index = moved.index(*index);
            }
        }
        self.with_updates.sort_unstable();
        Some(start..=end)
    }

    /// Whether an article is live at `now`: whether the live script is
    /// published. Looks at the articles with updates only.
    fn any_live(&self, now: jiff::Timestamp) -> bool {
        let zone = &self.site.config.zone.0;
        self.with_updates
            .iter()
            .any(|&index| self.site.articles[index].parts.updates.is_live(now, zone))
    }

    /// The warnings a render reports beside its own: the tag spellings'
    /// and the site's.
    pub(super) fn warnings(&self) -> Vec<Diagnostic> {
        self.tag_warnings
            .iter()
            .chain(&self.site_warnings)
            .cloned()
            .collect()
    }

    /// Which pages a save renders again and which it takes away: the readers
    /// of every `pending` source, with the lists whose fingerprint changed
    /// added to `pending` first when lists were made again.
    pub(super) fn recount(
        &self,
        renderer: &Renderer,
        relist: Relist,
        now: jiff::Timestamp,
        pending: &mut BTreeSet<Dep>,
    ) -> Recount {
        let mut pages_changed = false;
        let lists = match relist {
            Relist::Kept => NewPrints::Kept,
            Relist::All => {
                let lists = self.site.list_fingerprints(&renderer.listings);
                for (key, print) in &lists {
                    if self.lists.get(key) != Some(print) {
                        pending.insert(Dep::List(key.clone()));
                    }
                }
                for key in self.lists.keys() {
                    if !lists.contains_key(key) {
                        pending.insert(Dep::List(key.clone()));
                    }
                }
                pages_changed = true;
                NewPrints::All(lists)
            }
            Relist::Touched(touched) => {
                let mut now = self.site.touched_fingerprints(&renderer.listings, touched);
                let mut changed: Vec<(ListKey, Option<u64>)> = self
                    .lists
                    .iter()
                    .filter(|(key, _)| touched.covers(key))
                    .filter_map(|(key, print)| match now.remove(key) {
                        Some(new) if new == *print => None,
                        new => Some((key.clone(), new)),
                    })
                    .collect();
                changed.extend(now.into_iter().map(|(key, print)| (key, Some(print))));
                debug_assert!(
                    self.lists_after(&changed) == self.site.list_fingerprints(&renderer.listings),
                    "the fingerprints made again differ from those of every list"
                );
                for (key, _) in &changed {
                    // The pages there are follow from how many pages each
                    // list takes and which tags and timelines have one.
                    pages_changed |= matches!(
                        key,
                        ListKey::TagPages(_)
                            | ListKey::EntryUsersPages(_)
                            | ListKey::PersonPages(_)
                            | ListKey::Corrections
                            | ListKey::Tags
                            | ListKey::Timelines
                    );
                    pending.insert(Dep::List(key.clone()));
                }
                NewPrints::Changed(changed)
            }
        };
        // The live script comes and goes with the clock, not only with saves.
        let live = self.any_live(now);
        debug_assert_eq!(live, renderer.publishes_live_script());
        let live_changed = live != self.pages.contains(&Page::LiveScript);
        let pages: Option<BTreeSet<Page>> =
            (pages_changed || live_changed).then(|| renderer.pages().into_iter().collect());
        let (mut dirty, gone): (BTreeSet<Page>, Vec<Page>) = match &pages {
            Some(current) => (
                current.difference(&self.pages).cloned().collect(),
                self.pages.difference(current).cloned().collect(),
            ),
            None => (BTreeSet::new(), Vec::new()),
        };
        let current = pages.as_ref().unwrap_or(&self.pages);
        for dep in pending.iter() {
            if let Some(readers) = self.readers.get(dep) {
                dirty.extend(readers.iter().filter(|p| current.contains(p)).cloned());
            }
        }
        Recount {
            lists,
            pages,
            dirty: dirty.into_iter().collect(),
            gone,
        }
    }

    /// Every list's fingerprint with `changed` taken in.
    fn lists_after(&self, changed: &[(ListKey, Option<u64>)]) -> HashMap<ListKey, u64> {
        let mut lists = self.lists.clone();
        for (key, print) in changed {
            match print {
                Some(print) => lists.insert(key.clone(), *print),
                None => lists.remove(key),
            };
        }
        lists
    }

    /// Keeps the fingerprints of a good save's lists.
    pub(super) fn keep_prints(&mut self, prints: NewPrints) {
        match prints {
            NewPrints::Kept => {}
            NewPrints::All(lists) => self.lists = lists,
            NewPrints::Changed(changed) => {
                for (key, print) in changed {
                    match print {
                        Some(print) => self.lists.insert(key, print),
                        None => self.lists.remove(&key),
                    };
                }
            }
        }
    }

    pub(super) fn record(&mut self, rendered: Vec<Rendered>) {
        for Rendered { page, deps } in rendered {
            if deps.published().is_empty() {
                self.page_images.remove(&page);
            } else {
                self.page_images
                    .insert(page.clone(), deps.published().to_vec());
            }
            let deps = deps.into_vec();
            // A page that read what it read before (a list of every article
            // read again for one title) keeps its place among the readers.
            if self.page_deps.get(&page) == Some(&deps) {
                continue;
            }
            self.forget_reads(&page);
            for dep in &deps {
                match self.readers.get_mut(dep) {
                    Some(pages) => {
                        pages.insert(page.clone());
                    }
                    None => {
                        self.readers
                            .insert(dep.clone(), HashSet::from([page.clone()]));
                    }
                }
            }
            self.page_deps.insert(page, deps);
        }
    }

    pub(super) fn forget(&mut self, page: &Page) {
        self.page_images.remove(page);
        self.forget_reads(page);
    }

    fn forget_reads(&mut self, page: &Page) {
        if let Some(old) = self.page_deps.remove(page) {
            for dep in old {
                if let Some(pages) = self.readers.get_mut(&dep) {
                    pages.remove(page);
                    if pages.is_empty() {
                        self.readers.remove(&dep);
                    }
                }
            }
        }
    }

    /// Image files that the pages rendered again (or gone) published before
    /// and that no page publishes now: an image that changed leaves its old
    /// variants behind otherwise, which a fresh build would not have.
    pub(super) fn stale_images(
        &self,
        dirty: &[Page],
        gone: &[Page],
        rendered: &[Rendered],
    ) -> BTreeSet<String> {
        let redone: HashSet<&Page> = dirty.iter().chain(gone).collect();
        let mut stale: BTreeSet<String> = redone
            .iter()
            .filter_map(|page| self.page_images.get(*page))
            .flatten()
            .cloned()
            .collect();
        if stale.is_empty() {
            return stale;
        }
        for path in rendered.iter().flat_map(|r| r.deps.published()) {
            stale.remove(path);
        }
        for (page, paths) in &self.page_images {
            if !redone.contains(page) {
                for path in paths {
                    stale.remove(path);
                }
            }
        }
        stale
    }
}
