//! Rebuilding on save: the site stays loaded, and a change re-renders only the
//! pages that depend on it. A change that breaks the site keeps the last good output
//! and remembers what is still to be rendered, so the next good save catches up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::BuildOptions;
use crate::config::Config;
use crate::content::{Article, BackgroundEntry, SharedTimeline};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, WriteReport};
use crate::site::{ARTICLES_PER_PAGE, ContentFile, Page, STATIC_DIR, Site};
use crate::templates::{DEFAULT_TEMPLATES, TEMPLATE_DIR, Templates};

/// A file that changed, relative to the site root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Content(PathBuf),
    Template(PathBuf),
    Static(PathBuf),
    Config,
}

impl Change {
    /// What a changed path is, from where it lies in the site; `None` for paths
    /// outside what a site is made of.
    pub fn from_path(root: &Path, path: &Path) -> Option<Change> {
        let relative = path.strip_prefix(root).unwrap_or(path);
        let mut parts = relative.components();
        let first = parts.next()?.as_os_str().to_str()?;
        match first {
            crate::config::CONFIG_FILE if parts.next().is_none() => Some(Change::Config),
            crate::site::CONTENT_DIR => Some(Change::Content(relative.to_path_buf())),
            TEMPLATE_DIR => Some(Change::Template(relative.to_path_buf())),
            STATIC_DIR => Some(Change::Static(relative.to_path_buf())),
            _ => None,
        }
    }
}

/// What one rebuild did, for the status line.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    /// "content/kasakhstan.md", or "3 files".
    pub what: String,
    pub pages: usize,
    pub files: WriteReport,
    pub elapsed: Duration,
}

struct Loaded {
    site: Site,
    templates: Templates,
}

/// A site kept in memory between rebuilds.
pub struct Session {
    options: BuildOptions,
    loaded: Option<Loaded>,
    /// Files that failed to load, with their problems; their last good version stays.
    broken: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Problems between files (unknown keys, clashing URLs), by article; kept
    /// up to date for the articles a change touches.
    between_files: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Pages waiting to be rendered since the last good rebuild.
    dirty: BTreeSet<Page>,
    /// Output files of pages that no longer exist, waiting to be removed.
    gone: BTreeSet<String>,
}

impl Session {
    /// A session that has not built yet; [`Session::rebuild_all`] builds it.
    pub fn new(options: BuildOptions) -> Session {
        Session {
            options,
            loaded: None,
            broken: BTreeMap::new(),
            between_files: BTreeMap::new(),
            dirty: BTreeSet::new(),
            gone: BTreeSet::new(),
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Loads and builds the whole site; on failure the output stays as it was.
    pub fn rebuild_all(&mut self, what: &str) -> Result<RebuildReport, Diagnostics> {
        let started = Instant::now();
        let (site, templates) = crate::build::load(&self.options)?;
        let output = Output::begin(&self.options.root, &self.options.output_dir())?;
        let pages = match site.render(&templates, &output) {
            Ok(pages) => pages,
            Err(problems) => {
                output.abandon();
                return Err(problems);
            }
        };
        let files = output.commit()?;
        self.loaded = Some(Loaded { site, templates });
        self.broken.clear();
        self.between_files.clear();
        self.dirty.clear();
        self.gone.clear();
        Ok(RebuildReport {
            what: what.to_string(),
            pages,
            files,
            elapsed: started.elapsed(),
        })
    }

    /// Applies a batch of changes (one save, or a `git checkout`) and re-renders
    /// what depends on them.
    pub fn apply(&mut self, changes: &[Change]) -> Result<RebuildReport, Diagnostics> {
        let what = describe(changes);
        let needs_full = self.loaded.is_none()
            || changes.iter().any(|c| matches!(c, Change::Config))
            || changes
                .iter()
                .any(|c| matches!(c, Change::Template(p) if !is_theme_template(p)));
        if needs_full {
            return self.rebuild_all(&what);
        }
        let started = Instant::now();
        let Some(loaded) = self.loaded.as_mut() else {
            return self.rebuild_all(&what);
        };
        let mut template_problem = None;
        let changes = expand_folders(&self.options.root, changes);
        // Articles whose problems between files may have changed, by slug; any
        // other content change may affect every article.
        let mut touched = Touched::default();
        for change in &changes {
            match change {
                Change::Content(path) => apply_content(
                    &mut loaded.site,
                    path,
                    &mut self.broken,
                    &mut self.dirty,
                    &mut touched,
                ),
                Change::Static(path) => {
                    apply_static(&mut loaded.site, path, &mut self.broken, &mut self.dirty)
                }
                Change::Template(path) => match Templates::load(&self.options.root) {
                    Ok(templates) => {
                        loaded.templates = templates;
                        self.dirty.extend(pages_using_template(&loaded.site, path));
                    }
                    Err(problem) => template_problem = Some(problem),
                },
                Change::Config => {}
            }
        }
        // Pages a change made disappear are removed; a page that exists again is
        // rendered, not removed. Only the pages a change touched can be either.
        let (pages, gone): (Vec<Page>, Vec<Page>) = self
            .dirty
            .iter()
            .cloned()
            .partition(|page| loaded.site.page_exists(page));
        for page in &gone {
            self.gone.extend(loaded.site.output_paths(page));
        }
        for page in &pages {
            for path in loaded.site.output_paths(page) {
                self.gone.remove(&path);
            }
        }
        let mut problems: Vec<Diagnostic> = self.broken.values().flatten().cloned().collect();
        problems.extend(template_problem);
        if touched.everything {
            self.between_files = loaded.site.problems_by_article();
        } else if !touched.slugs.is_empty() {
            for path in &touched.paths {
                self.between_files.remove(path);
            }
            self.between_files
                .extend(loaded.site.problems_of_slugs(&touched.slugs));
            self.between_files.retain(|_, found| !found.is_empty());
        }
        problems.extend(self.between_files.values().flatten().cloned());
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        let output = Output::begin(&self.options.root, &self.options.output_dir())?;
        if let Err(problems) = loaded.site.render_pages(&loaded.templates, &pages, &output) {
            output.abandon();
            return Err(problems);
        }
        for path in &self.gone {
            output.remove(path);
        }
        let files = output.commit_partial()?;
        self.dirty.clear();
        self.gone.clear();
        Ok(RebuildReport {
            what,
            pages: pages.len(),
            files,
            elapsed: started.elapsed(),
        })
    }
}

/// A folder that appeared under `content/` stands for every file in it: files
/// written into a new folder before the watcher saw it would otherwise be missed.
fn expand_folders(root: &Path, changes: &[Change]) -> Vec<Change> {
    let mut expanded: Vec<Change> = Vec::with_capacity(changes.len());
    for change in changes {
        expanded.push(change.clone());
        if let Change::Content(path) = change
            && root.join(path).is_dir()
        {
            let mut pending = vec![path.clone()];
            while let Some(dir) = pending.pop() {
                let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let inside = dir.join(entry.file_name());
                    match entry.file_type() {
                        Ok(kind) if kind.is_dir() => pending.push(inside),
                        Ok(kind) if kind.is_file() => expanded.push(Change::Content(inside)),
                        _ => {}
                    }
                }
            }
        }
    }
    expanded.sort();
    expanded.dedup();
    expanded
}

fn describe(changes: &[Change]) -> String {
    match changes {
        [] => "nothing".into(),
        [Change::Config] => crate::config::CONFIG_FILE.into(),
        [Change::Content(p) | Change::Template(p) | Change::Static(p)] => p.display().to_string(),
        many => format!("{} files", many.len()),
    }
}

/// Theme templates map to the pages they render; anything else (base.html, a
/// template of the site's own that others include) may be used by every page.
fn is_theme_template(path: &Path) -> bool {
    template_name(path).is_some_and(|name| {
        name != "base.html" && DEFAULT_TEMPLATES.iter().any(|(theme, _)| *theme == name)
    })
}

fn template_name(path: &Path) -> Option<String> {
    path.strip_prefix(TEMPLATE_DIR)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

fn pages_using_template(site: &Site, path: &Path) -> Vec<Page> {
    let all = site.pages();
    let name = template_name(path).unwrap_or_default();
    all.into_iter()
        .filter(|page| match name.as_str() {
            "index.html" => matches!(page, Page::Index(_)),
            "404.html" => matches!(page, Page::NotFound),
            "background_index.html" => matches!(page, Page::BackgroundIndex),
            "background.html" => matches!(page, Page::Background(_)),
            "timeline.html" => matches!(page, Page::Timeline(_)),
            "tag.html" => matches!(page, Page::Tag(_)),
            "article.html" => matches!(page, Page::Article(_)),
            // The partials are included by articles, and rendered into their bodies.
            _ => matches!(page, Page::Article(_)),
        })
        .collect()
}

/// What a batch of content changes may have affected between files.
#[derive(Default)]
struct Touched {
    slugs: BTreeSet<String>,
    /// The changed articles' files, whether they still exist or not.
    paths: Vec<PathBuf>,
    everything: bool,
}

fn apply_content(
    site: &mut Site,
    path: &Path,
    broken: &mut BTreeMap<PathBuf, Vec<Diagnostic>>,
    dirty: &mut BTreeSet<Page>,
    touched: &mut Touched,
) {
    let root = site.root.clone();
    let exists = root.join(path).is_file();
    broken.remove(path);
    if !exists {
        // A removed folder: drop everything that was inside it.
        let inside: Vec<PathBuf> = broken
            .keys()
            .filter(|p| p.starts_with(path))
            .cloned()
            .collect();
        for p in inside {
            broken.remove(&p);
        }
    }
    let Some(kind) = ContentFile::classify(path) else {
        if !exists {
            remove_folder(site, path, dirty);
            touched.everything = true;
        }
        return;
    };
    match kind {
        ContentFile::Article(path) => {
            let was_in_feed = site.is_in_feed(&path);
            let pages_before = site.index_page_count();
            // Compared as bytes: comparing paths part by part is slow on large sites.
            let old_position = site
                .articles
                .iter()
                .position(|a| a.path.as_os_str() == path.as_os_str());
            let old = old_position.map(|index| site.articles.remove(index));
            let new = if exists {
                match Article::load(&root, &path) {
                    Ok(article) if site.options_drafts() || !article.draft => Some(article),
                    Ok(_) => None,
                    Err(problems) => {
                        broken.insert(path.clone(), problems);
                        None
                    }
                }
            } else {
                None
            };
            touched
                .slugs
                .extend(old.iter().chain(new.iter()).map(|a| a.slug.clone()));
            touched.paths.push(path.clone());
            let same_lists =
                matches!((&old, &new), (Some(old), Some(new)) if lists_show_the_same(old, new));
            if let (Some(old), Some(new)) = (&old, &new)
                && same_lists
            {
                // Only the body or the article's own parts changed: every list
                // that shows it is still current.
                dirty.insert(Page::Article(new.slug.clone()));
                if old.timeline != new.timeline {
                    dirty.insert(Page::Timeline(new.slug.clone()));
                }
                if was_in_feed {
                    dirty.insert(Page::Feed);
                }
            } else {
                for article in old.iter().chain(new.iter()) {
                    dirty.extend(site.pages_of_article(article));
                }
                // The sitemap shows addresses and dates only: a new title or lead
                // leaves it as it is.
                if let (Some(old), Some(new)) = (&old, &new)
                    && old.slug == new.slug
                    && old.date == new.date
                    && old.updated == new.updated
                    && old.tags == new.tags
                    && Site::timeline_key(old) == Site::timeline_key(new)
                {
                    dirty.remove(&Page::Sitemap);
                }
            }
            if let Some(article) = new {
                site.insert_article(article);
            }
            if !same_lists {
                // The front page's list: the page that shows the article, or, where
                // articles moved, every page from the first that changed on.
                let new_position = site
                    .articles
                    .iter()
                    .position(|a| a.path.as_os_str() == path.as_os_str());
                let page_of = |position: usize| position / ARTICLES_PER_PAGE + 1;
                let last = pages_before.max(site.index_page_count());
                match (old_position, new_position) {
                    (Some(before), Some(after)) if before == after => {
                        dirty.insert(Page::Index(page_of(after)));
                    }
                    (before, after) => {
                        let first = before.into_iter().chain(after).min().map_or(1, page_of);
                        dirty.extend((first..=last).map(Page::Index));
                    }
                }
            }
        }
        ContentFile::Background(path) => {
            touched.everything = true;
            let load = |root: &Path, path: &Path| BackgroundEntry::load(root, path);
            if let Some(key) =
                reload_keyed(&mut site.background, &root, &path, exists, broken, load)
            {
                dirty.insert(Page::Background(key.clone()));
                dirty.insert(Page::BackgroundIndex);
                dirty.extend(site.articles_using_background(&key));
            }
        }
        ContentFile::Timeline(path) => {
            touched.everything = true;
            let load = |root: &Path, path: &Path| SharedTimeline::load(root, path);
            if let Some(key) = reload_keyed(&mut site.timelines, &root, &path, exists, broken, load)
            {
                dirty.insert(Page::Timeline(key.clone()));
                dirty.extend(site.articles_using_timeline(&key));
            }
        }
    }
}

/// Reads a file whose name is its key (a background entry, a shared timeline)
/// into `loaded`, or drops it when the file is gone. Returns the key, or `None`
/// when the file is broken and its last good version stays.
fn reload_keyed<T>(
    loaded: &mut BTreeMap<String, T>,
    root: &Path,
    path: &Path,
    exists: bool,
    broken: &mut BTreeMap<PathBuf, Vec<Diagnostic>>,
    load: impl Fn(&Path, &Path) -> Result<T, Vec<Diagnostic>>,
) -> Option<String> {
    let key = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    if !exists {
        loaded.remove(&key);
        return Some(key);
    }
    match load(root, path) {
        Ok(item) => {
            loaded.insert(key.clone(), item);
            Some(key)
        }
        Err(problems) => {
            broken.insert(path.to_path_buf(), problems);
            None
        }
    }
}

/// Whether every page that lists an article (front page, tags, background and
/// timeline pages, sitemap) shows the same for both versions of it.
fn lists_show_the_same(old: &Article, new: &Article) -> bool {
    old.slug == new.slug
        && old.title == new.title
        && old.lead == new.lead
        && old.date == new.date
        && old.updated == new.updated
        && old.tags == new.tags
        && old.draft == new.draft
        && old
            .background
            .iter()
            .map(|r| &r.key)
            .eq(new.background.iter().map(|r| &r.key))
        && old.timeline_file.as_ref().map(|r| &r.key) == new.timeline_file.as_ref().map(|r| &r.key)
        && old.timeline.is_empty() == new.timeline.is_empty()
}

/// A folder under `content/` was removed or renamed away: its files are gone.
fn remove_folder(site: &mut Site, folder: &Path, dirty: &mut BTreeSet<Page>) {
    let pages_before = site.index_page_count();
    let (gone, kept): (Vec<Article>, Vec<Article>) = std::mem::take(&mut site.articles)
        .into_iter()
        .partition(|a| a.path.starts_with(folder));
    site.articles = kept;
    for article in &gone {
        dirty.extend(site.pages_of_article(article));
    }
    if !gone.is_empty() {
        dirty.extend((1..=pages_before).map(Page::Index));
    }
    let keys: Vec<String> = site
        .background
        .values()
        .filter(|e| e.path.starts_with(folder))
        .map(|e| e.key.clone())
        .collect();
    for key in keys {
        site.background.remove(&key);
        dirty.insert(Page::BackgroundIndex);
        dirty.extend(site.articles_using_background(&key));
    }
    let keys: Vec<String> = site
        .timelines
        .values()
        .filter(|t| t.path.starts_with(folder))
        .map(|t| t.key.clone())
        .collect();
    for key in keys {
        site.timelines.remove(&key);
        dirty.extend(site.articles_using_timeline(&key));
    }
}

fn apply_static(
    site: &mut Site,
    path: &Path,
    broken: &mut BTreeMap<PathBuf, Vec<Diagnostic>>,
    dirty: &mut BTreeSet<Page>,
) {
    let Ok(relative) = path.strip_prefix(STATIC_DIR) else {
        return;
    };
    // Walking again is cheap next to publishing, and applies the same rules as a
    // full build (links out of the site are refused).
    // Files that were under the changed path before: any that are gone now are
    // marked, so their copies leave the output.
    let before: Vec<PathBuf> = site
        .static_files
        .iter()
        .filter(|f| f.starts_with(relative))
        .cloned()
        .collect();
    let mut found = Vec::new();
    let problems = crate::site::collect_static(&site.root, &mut found);
    broken.remove(Path::new(STATIC_DIR));
    if !problems.is_empty() {
        broken.insert(PathBuf::from(STATIC_DIR), problems);
    }
    site.static_files = found;
    for file in site.static_files.iter().filter(|f| f.starts_with(relative)) {
        dirty.insert(Page::Static(file.clone()));
    }
    dirty.extend(before.into_iter().map(Page::Static));
}

/// Loads only the configuration, to tell whether a change to it parses.
pub fn config_problem(root: &Path) -> Option<Diagnostic> {
    Config::load(root).err()
}
