//! Loading a site: every source file found, read in parallel, kept in order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::tz::TimeZone;
use rayon::prelude::*;

use super::article::Article;
use super::publish::{Publishing, Withheld};
use crate::config::Config;
use crate::content::{BackgroundEntry, Person, SharedTimeline};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{CONTENT_DIR, STATIC_DIR, SourceFile, walk};

/// A loaded site: everything read and cross-checked, nothing rendered yet.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Newest first: the articles this build has pages for (see [`Publishing`]).
    pub articles: Vec<Article>,
    /// The articles this build leaves out (drafts, scheduled, removed), by file.
    pub withheld: BTreeMap<PathBuf, Withheld>,
    pub background: BTreeMap<String, BackgroundEntry>,
    pub timelines: BTreeMap<String, SharedTimeline>,
    pub people: BTreeMap<String, Person>,
    /// Files under `static/`, relative to it.
    pub static_files: Vec<PathBuf>,
    /// What this build publishes, and at which moment.
    pub publishing: Publishing,
    /// Problems that do not stop the build, found while loading.
    pub warnings: Vec<Diagnostic>,
}

/// One content file, read.
pub enum Loaded {
    Article(Box<Article>),
    Background(Box<BackgroundEntry>),
    Timeline(SharedTimeline),
    Person(Box<Person>),
    /// An article this build leaves out.
    Withheld(Withheld),
    /// Not content (an image beside an article).
    Nothing,
}

/// Reads one source file of `root`; times of day written without an offset
/// are read on the clock of `zone`, the site's.
pub fn load_file(
    root: &Path,
    file: &SourceFile,
    publishing: &Publishing,
    zone: &TimeZone,
) -> Result<Loaded, Vec<Diagnostic>> {
    load_file_as(&Arc::from(root), file, publishing, zone, Keep::Everything)
}

/// What a loaded site keeps of each article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every part: `serve` compares them on each save, `check` reports on them.
    Everything,
    /// Not the parts only the article's own page shows, which a full build
    /// reads when it renders that page: a site of 100,000 articles would
    /// otherwise hold them all at once. Those only that page shows are not
    /// read, nor checked, before then ([`Article::load_for_one_build`]).
    ForOneBuild,
}

fn load_file_as(
    root: &Arc<Path>,
    file: &SourceFile,
    publishing: &Publishing,
    zone: &TimeZone,
    keep: Keep,
) -> Result<Loaded, Vec<Diagnostic>> {
    Ok(match file {
        SourceFile::Article(path) => {
            let mut article = match keep {
                Keep::Everything => Article::load(root, path)?,
                Keep::ForOneBuild => Article::load_for_one_build(root, path)?,
            };
            article.date.settle(zone);
            if let Some(updated) = &mut article.updated {
                updated.settle(zone);
            }
            crate::parts::settle_dates(&mut article.parts, zone);
            // A live article changed when its newest update came.
            if let Some(newest) = article.parts.updates.newest()
                && article
                    .updated
                    .is_none_or(|u| u.chronological(&newest).is_lt())
            {
                article.updated = Some(newest);
            }
            if let Some(expires) = &mut article.expires {
                expires.settle(zone);
            }
            article.status = publishing.status(&article, zone);
            if keep == Keep::ForOneBuild {
                article.release_page_parts();
            }
            if !publishing.includes(&article) {
                if keep == Keep::ForOneBuild {
                    // No page of its own is rendered to check what only
                    // that page shows, so it is checked here.
                    Article::load(root, path)?;
                }
                Loaded::Withheld(Withheld::of(&article))
            } else {
                Loaded::Article(Box::new(article))
            }
        }
        SourceFile::Background(path) => {
            let mut entry = BackgroundEntry::load(root, path)?;
            if let Some(updated) = &mut entry.updated {
                updated.settle(zone);
            }
            Loaded::Background(Box::new(entry))
        }
        SourceFile::Timeline(path) => {
            let mut timeline = SharedTimeline::load(root, path)?;
            for event in &mut timeline.events {
                event.date.settle(zone);
            }
            Loaded::Timeline(timeline)
        }
        SourceFile::Person(path) => Loaded::Person(Box::new(Person::load(root, path)?)),
        _ => Loaded::Nothing,
    })
}

impl Site {
    /// Reads and checks the whole site under `root`: every problem in every
    /// file, and every problem between files, reported together.
    pub fn load(root: &Path, config: Config, publishing: Publishing) -> Result<Site, Diagnostics> {
        Site::load_keeping(root, config, publishing, Keep::Everything)
    }

    /// Reads and checks the whole site, keeping of each article what `keep` says.
    pub fn load_keeping(
        root: &Path,
        config: Config,
        publishing: Publishing,
        keep: Keep,
    ) -> Result<Site, Diagnostics> {
        let mut problems = Vec::new();
        let files = walk(root, CONTENT_DIR, &mut problems);
        // One copy of the folder's name, shared by every article read from it.
        let shared_root = Arc::from(root);
        let loaded: Vec<Result<Loaded, Vec<Diagnostic>>> = files
            .par_iter()
            .map(|file| load_file_as(&shared_root, file, &publishing, &config.zone.0, keep))
            .collect();
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            articles: Vec::new(),
            withheld: BTreeMap::new(),
            background: BTreeMap::new(),
            timelines: BTreeMap::new(),
            people: BTreeMap::new(),
            static_files: static_files(root, &mut problems),
            publishing,
            warnings: Vec::new(),
        };
        // Shared files that could not be read: their own errors say why, so
        // articles naming them are not each told the name is unknown.
        let mut broken = BTreeSet::new();
        // Room for every article at once: grown by doubling, the list would
        // hold up to twice the room it needs, and three times while it moves.
        let articles = loaded
            .iter()
            .filter(|item| matches!(item, Ok(Loaded::Article(_))))
            .count();
        site.articles.reserve_exact(articles);
        for (file, item) in files.iter().zip(loaded) {
            match item {
                Ok(loaded) => site.put(loaded),
                Err(mut found) => {
                    problems.append(&mut found);
                    broken.insert(file.clone());
                }
            }
        }
        site.sort_articles();
        site.warnings = site.merge_tag_spellings();
        problems.extend(
            site.problems_between_files()
                .into_values()
                .flatten()
                .filter(|problem| !names_a_broken_file(problem, &broken)),
        );
        if problems.is_empty() {
            Ok(site)
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Adds what a file holds, unsorted.
    fn put(&mut self, loaded: Loaded) {
        match loaded {
            Loaded::Article(article) => self.articles.push(*article),
            Loaded::Background(entry) => {
                self.background.insert(entry.key.clone(), *entry);
            }
            Loaded::Timeline(timeline) => {
                self.timelines.insert(timeline.key.clone(), timeline);
            }
            Loaded::Person(person) => {
                self.people.insert(person.key.clone(), *person);
            }
            Loaded::Withheld(withheld) => {
                self.withheld.insert(withheld.path.clone(), withheld);
            }
            Loaded::Nothing => {}
        }
    }

    /// Replaces whatever came from the file at `path` with what it holds now.
    pub fn replace(&mut self, path: &Path, loaded: Loaded) {
        self.remove(path);
        if let Loaded::Article(article) = loaded {
            self.insert_article(*article);
        } else {
            self.put(loaded);
        }
    }

    /// Puts `article` in place of the one at `index` (from the same file)
    /// when it belongs there in the order, without moving any other; else
    /// gives it back.
    pub fn replace_article_at(
        &mut self,
        index: usize,
        article: Box<Article>,
    ) -> Result<(), Box<Article>> {
        let fits = self
            .articles
            .get(index)
            .is_some_and(|old| old.path == article.path)
            && (index == 0 || newest_first(&self.articles[index - 1], &article).is_lt())
            && (self.articles.get(index + 1))
                .is_none_or(|next| newest_first(&article, next).is_lt());
        if !fits {
            return Err(article);
        }
        self.articles[index] = *article;
        Ok(())
    }

    /// Forgets whatever came from the file at `path`.
    pub fn remove(&mut self, path: &Path) {
        // The folder tells an entry, timeline or person from an article: a
        // save of one of those need not compare every article's path.
        let shared = matches!(
            crate::layout::classify(path),
            Some(SourceFile::Background(_) | SourceFile::Timeline(_) | SourceFile::Person(_))
        );
        if !shared {
            self.articles.retain(|a| a.path != path);
        }
        self.withheld.remove(path);
        self.background.retain(|_, e| e.path != path);
        self.timelines.retain(|_, t| t.path != path);
        self.people.retain(|_, p| p.path != path);
    }

    /// Newest first; the path breaks ties so the order never depends on the file system.
    pub fn sort_articles(&mut self) {
        self.articles.sort_by(newest_first);
    }

    /// Adds an article where it belongs in the order, without sorting them all.
    pub fn insert_article(&mut self, article: Article) {
        let at = self
            .articles
            .partition_point(|other| newest_first(other, &article).is_lt());
        self.articles.insert(at, article);
    }

    /// Finds the files under `static/` again.
    pub fn rescan_static(&mut self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        self.static_files = static_files(&self.root, &mut problems);
        problems
    }
}

/// Whether `problem` says a timeline, entry or person is unknown whose file
/// is among the `broken` ones: one broken shared file is one error, not one
/// more for every article that uses it.
pub fn names_a_broken_file(problem: &Diagnostic, broken: &BTreeSet<SourceFile>) -> bool {
    broken.iter().any(|file| {
        let (what, path) = match file {
            SourceFile::Timeline(path) => ("unknown timeline", path),
            SourceFile::Background(path) => ("unknown background entry", path),
            SourceFile::Person(path) => ("unknown person", path),
            _ => return false,
        };
        path.file_stem()
            .is_some_and(|key| problem.message == format!("{what} `{}`", key.to_string_lossy()))
    })
}

/// Newest first; the path breaks ties so the order never depends on the file system.
pub(crate) fn newest_first(a: &Article, b: &Article) -> std::cmp::Ordering {
    // Expired articles keep their pages but leave the lists, which take the
    // articles from the front: they go last.
    let expired = |x: &Article| x.status == super::publish::Status::Expired;
    expired(a)
        .cmp(&expired(b))
        .then_with(|| b.date.chronological(&a.date))
        .then_with(|| a.path.cmp(&b.path))
}

fn static_files(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    walk(root, STATIC_DIR, problems)
        .into_iter()
        .filter_map(|file| match file {
            SourceFile::Static(path) => path.strip_prefix(STATIC_DIR).ok().map(Path::to_path_buf),
            _ => None,
        })
        .collect()
}
