//! What a save changed: the files loaded again, and which of their sources
//! (summaries, URLs, entries, timelines, people) other pages may have read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::deps::Dep;
use crate::diagnostics::Diagnostic;
use crate::layout::{CONFIG_FILE, SourceFile};
use crate::parts;
use crate::site::Site;
use crate::site::store::{Loaded, load_file};
use crate::urls::Urls;

use super::positions::Positions;

/// Reads a content file again, and notes which of its sources changed.
pub(super) fn reload(
    root: &Path,
    source: &SourceFile,
    site: &mut Site,
    positions: &mut Positions,
    broken: &mut BTreeMap<PathBuf, Vec<Diagnostic>>,
    pending: &mut BTreeSet<Dep>,
) {
    let path = source.path();
    pending.insert(Dep::File(path.clone()));
    if !matches!(
        source,
        SourceFile::Article(_)
            | SourceFile::Background(_)
            | SourceFile::Timeline(_)
            | SourceFile::Person(_)
    ) {
        return;
    }
    let loaded = if root.join(&path).is_file() {
        match load_file(root, source, &site.publishing, &site.config.zone.0) {
            Ok(loaded) => loaded,
            Err(problems) => {
                broken.insert(path, problems);
                return;
            }
        }
    } else {
        Loaded::Nothing
    };
    broken.remove(&path);
    let before = Sources::of(site, positions, &path);
    positions.replace(site, &path, loaded);
    let after = Sources::of(site, positions, &path);
    before.changed(&after, &path, pending);
}

/// Each article's tags as shown, as hashes by the hash of its path: read
/// on every save of an article, so nothing is copied.
pub(super) fn tag_names(site: &Site) -> HashMap<u64, u64> {
    site.articles
        .iter()
        .map(|a| (hash_of(a.path.as_os_str()), tag_names_hash(a)))
        .collect()
}

/// The articles whose tags are shown differently than in `before`.
pub(super) fn tag_names_changed(site: &Site, before: &HashMap<u64, u64>) -> Vec<PathBuf> {
    site.articles
        .iter()
        .filter(|a| before.get(&hash_of(a.path.as_os_str())) != Some(&tag_names_hash(a)))
        .map(|a| a.path.clone())
        .collect()
}

fn tag_names_hash(article: &crate::site::Article) -> u64 {
    let mut hasher = DefaultHasher::new();
    for tag in &article.tags {
        tag.name.hash(&mut hasher);
    }
    hasher.finish()
}

fn hash_of(value: &(impl Hash + ?Sized)) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A folder that is gone: forget every file that was in it.
pub(super) fn forget_folder(
    folder: &Path,
    site: &mut Site,
    positions: &mut Positions,
    broken: &mut BTreeMap<PathBuf, Vec<Diagnostic>>,
    pending: &mut BTreeSet<Dep>,
) {
    broken.retain(|path, _| !path.starts_with(folder));
    let inside: BTreeSet<PathBuf> = site
        .articles
        .iter()
        .map(|a| a.path.clone())
        .chain(site.background.values().map(|e| e.path.clone()))
        .chain(site.timelines.values().map(|t| t.path.clone()))
        .chain(site.people.values().map(|p| p.path.clone()))
        .filter(|path| path.starts_with(folder) && path != folder)
        .collect();
    let before: Vec<Sources> = inside
        .iter()
        .map(|path| Sources::of(site, positions, path))
        .collect();
    for path in &inside {
        pending.insert(Dep::File(path.clone()));
        site.remove(path);
    }
    *positions = Positions::of(site);
    for (path, before) in inside.iter().zip(before) {
        before.changed(&Sources::of(site, positions, path), path, pending);
    }
}

/// What other pages may read of one content file.
#[derive(PartialEq)]
struct Sources {
    /// An article's summary and its list parts, its URL, and its lead image
    /// (which teasers show).
    article: Option<(
        crate::render::views::ArticleSummary,
        parts::PartItems,
        String,
        Option<crate::content::Image>,
    )>,
    entry: Option<String>,
    timeline: Option<String>,
    person: Option<String>,
    /// An article not published in this build: links to it are plain text.
    unpublished: bool,
}

impl Sources {
    fn of(site: &Site, positions: &Positions, path: &Path) -> Sources {
        let urls = Urls::new(&site.config);
        Sources {
            article: positions.get(path).map(|index| {
                let a = &site.articles[index];
                (
                    crate::render::summary_of(a, &urls, &site.config.zone.0, site.config.kind),
                    parts::in_lists(&a.parts),
                    urls.article(&a.slug),
                    a.image.clone(),
                )
            }),
            entry: site
                .background
                .values()
                .find(|e| e.path == path)
                .map(|e| e.key.clone()),
            timeline: site
                .timelines
                .values()
                .find(|t| t.path == path)
                .map(|t| t.key.clone()),
            person: site
                .people
                .values()
                .find(|p| p.path == path)
                .map(|p| p.key.clone()),
            unpublished: site.withheld.contains_key(path),
        }
    }

    fn changed(&self, after: &Sources, path: &Path, pending: &mut BTreeSet<Dep>) {
        let url = |s: &Sources| s.article.as_ref().map(|a| a.2.clone());
        if url(self) != url(after)
            || self.entry.is_some() != after.entry.is_some()
            || self.person.is_some() != after.person.is_some()
            || self.unpublished != after.unpublished
        {
            pending.insert(Dep::Url(path.to_path_buf()));
        }
        let same_summary = match (&self.article, &after.article) {
            (Some(a), Some(b)) => a.0 == b.0 && a.1 == b.1 && a.3 == b.3,
            (None, None) => true,
            _ => false,
        };
        if !same_summary {
            pending.insert(Dep::Summary(path.to_path_buf()));
        }
        // An entry or timeline read by key: any change to its file counts.
        for key in self.entry.iter().chain(&after.entry) {
            pending.insert(Dep::Entry(key.clone()));
        }
        for key in self.timeline.iter().chain(&after.timeline) {
            pending.insert(Dep::Timeline(key.clone()));
        }
        for key in self.person.iter().chain(&after.person) {
            pending.insert(Dep::Person(key.clone()));
        }
    }
}

/// A folder that appeared stands for every file in it: files written into a
/// new folder before the watcher saw it would otherwise be missed.
pub(super) fn expand_folders(root: &Path, changed: &[PathBuf]) -> Vec<PathBuf> {
    let mut expanded: Vec<PathBuf> = Vec::with_capacity(changed.len());
    for path in changed {
        expanded.push(path.clone());
        if root.join(path).is_dir() {
            let mut pending = vec![path.clone()];
            while let Some(dir) = pending.pop() {
                let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let inside = dir.join(entry.file_name());
                    match entry.file_type() {
                        Ok(kind) if kind.is_dir() => pending.push(inside),
                        Ok(kind) if kind.is_file() => expanded.push(inside),
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

pub(super) fn describe(changed: &[PathBuf]) -> String {
    match changed {
        [] => "nothing".into(),
        [one] if one == Path::new(CONFIG_FILE) => CONFIG_FILE.into(),
        [one] => one.display().to_string(),
        many => format!("{} files", many.len()),
    }
}

/// A saved article's tags as the last merge of spellings left them, with a
/// hash of its text up to its last tag's line. When the article comes back
/// with the same text up to the same tags, every spelling on the site is as
/// it was: the merge would give the same names and warnings, so they are kept
/// instead of merging every article's tags again.
pub(super) struct KeptTags {
    path: PathBuf,
    tags: Vec<crate::site::Tag>,
    written: u64,
    /// Its place in the order, which breaks ties between spellings.
    index: usize,
}

impl KeptTags {
    pub(super) fn of(site: &Site, positions: &Positions, path: &Path) -> Option<KeptTags> {
        let index = positions.get(path)?;
        let article = &site.articles[index];
        Some(KeptTags {
            path: path.to_path_buf(),
            tags: article.tags.clone(),
            written: article.tags_text_hash?,
            index,
        })
    }

    /// Whether the article's tags read as before the save: the same text up
    /// to its last tag, or (with `warned` naming nothing in it, and its place
    /// in the order kept) the same tags as written, which give the same names
    /// and no warning wherever they stand.
    pub(super) fn still_hold(
        &self,
        site: &Site,
        positions: &Positions,
        warned: &[Diagnostic],
    ) -> bool {
        let Some(index) = positions.get(&self.path) else {
            return false;
        };
        let article = &site.articles[index];
        let spans =
            |tags: &[crate::site::Tag]| tags.iter().map(|t| t.span.clone()).collect::<Vec<_>>();
        let same_text = spans(&article.tags) == spans(&self.tags)
            && article.tags_text_hash == Some(self.written);
        same_text
            || (index == self.index
                && self.same_as_written(&article.tags)
                && !self.warned_in(warned))
    }

    fn same_as_written(&self, tags: &[crate::site::Tag]) -> bool {
        tags.len() == self.tags.len()
            && tags
                .iter()
                .zip(&self.tags)
                .all(|(now, kept)| now.as_written() == kept.as_written())
    }

    fn warned_in(&self, warned: &[Diagnostic]) -> bool {
        warned
            .iter()
            .any(|warning| warning.file.as_deref() == Some(self.path.as_path()))
    }

    /// Gives the article back the names the last merge gave its tags, where
    /// they stand now.
    pub(super) fn restore(self, site: &mut Site, positions: &Positions) {
        if let Some(index) = positions.get(&self.path) {
            let article = &mut site.articles[index];
            let spans: Vec<_> = article.tags.iter().map(|t| t.span.clone()).collect();
            article.tags = self.tags;
            if spans.len() == article.tags.len() {
                for (tag, span) in article.tags.iter_mut().zip(spans) {
                    tag.span = span;
                }
            }
        }
    }
}
