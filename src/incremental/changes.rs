//! What a save changed: the files loaded again, and which of their sources
//! (summaries, URLs, entries, timelines, people) other pages may have read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::content::BackgroundEntry;
use crate::dates::Date;
use crate::deps::{Dep, ListKey};
use crate::diagnostics::Diagnostic;
use crate::layout::{CONFIG_FILE, SourceFile};
use crate::parts;
use crate::parts::background::entry_view;
use crate::site::Site;
use crate::site::publish::Status;
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
    // Whatever is there but a folder (or a link to one, which `build` does
    // not follow either) is read as `build` reads it, so a named pipe, a
    // broken link or a link out of the site is the error it is there, not a
    // file that was removed.
    let full = root.join(&path);
    let there = std::fs::symlink_metadata(&full).is_ok()
        && !std::fs::metadata(&full).is_ok_and(|meta| meta.is_dir());
    let loaded = if there {
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
    let place_before = positions.get(&path);
    positions.replace(site, &path, loaded);
    let after = Sources::of(site, positions, &path);
    if before.changed(&after, &path, pending) {
        // Long lists of addresses read them by block of the order.
        for place in place_before.iter().chain(&positions.get(&path)) {
            pending.insert(Dep::List(ListKey::OrderBlock(site.order_block_of(*place))));
        }
    }
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
    /// An article's date, last change and status, which sitemaps read
    /// with its URL.
    dated: Option<(Date, Date, Status)>,
    /// A background entry's key, and what other pages show of it.
    entry: Option<(String, ShownEntry)>,
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
                    a.image.as_deref().cloned(),
                )
            }),
            dated: positions.get(path).map(|index| {
                let a = &site.articles[index];
                (a.date, a.last_change(), a.status)
            }),
            entry: site
                .background
                .values()
                .find(|e| e.path == path)
                .map(|e| (e.key.clone(), ShownEntry::of(e, &urls))),
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

    /// Adds what changed to `pending`; returns whether the address did.
    fn changed(&self, after: &Sources, path: &Path, pending: &mut BTreeSet<Dep>) -> bool {
        let has_entry = |s: &Sources| s.entry.is_some();
        let url = |s: &Sources| s.article.as_ref().map(|a| a.2.clone());
        if url(self) != url(after)
            || has_entry(self) != has_entry(after)
            || self.person.is_some() != after.person.is_some()
            || self.unpublished != after.unpublished
        {
            pending.insert(Dep::Url(path.to_path_buf()));
        }
        let addressed = url(self) != url(after) || self.dated != after.dated;
        if addressed {
            pending.insert(Dep::Address(path.to_path_buf()));
        }
        let same_summary = match (&self.article, &after.article) {
            (Some(a), Some(b)) => a.0 == b.0 && a.1 == b.1 && a.3 == b.3,
            (None, None) => true,
            _ => false,
        };
        if !same_summary {
            pending.insert(Dep::Summary(path.to_path_buf()));
        }
        // An entry or timeline read by key: any change to its file counts
        // for its own pages; the pages that show it elsewhere (its users'
        // boxes) only read what they show.
        for (key, _) in self.entry.iter().chain(&after.entry) {
            pending.insert(Dep::Entry(key.clone()));
            if self.entry != after.entry {
                pending.insert(Dep::EntryShown(key.clone()));
            }
        }
        for key in self.timeline.iter().chain(&after.timeline) {
            pending.insert(Dep::Timeline(key.clone()));
        }
        // The list of timelines shows which keys are shared ones, and records
        // only those: a key that becomes one, or stops being one, is this.
        if self.timeline.is_some() != after.timeline.is_some() {
            pending.insert(Dep::List(ListKey::Timelines));
        }
        for key in self.person.iter().chain(&after.person) {
            pending.insert(Dep::Person(key.clone()));
        }
        addressed
    }
}

/// What pages other than its own show of a background entry
/// ([`Dep::EntryShown`]): its box as `entry_view` makes it, the aliases
/// its mentions link, and its image, which an article's cards may show.
#[derive(PartialEq)]
struct ShownEntry {
    view: Option<serde_json::Value>,
    aliases: Vec<String>,
    image: Option<crate::content::Image>,
}

impl ShownEntry {
    fn of(entry: &BackgroundEntry, urls: &Urls) -> ShownEntry {
        ShownEntry {
            view: serde_json::to_value(entry_view(entry, urls)).ok(),
            aliases: entry.aliases.clone(),
            image: entry.image.clone(),
        }
    }
}

/// A folder that appeared stands for every file in it: files written into a
/// new folder before the watcher saw it would otherwise be missed.
pub(super) fn expand_folders(root: &Path, changed: &[PathBuf]) -> Vec<PathBuf> {
    let mut expanded: Vec<PathBuf> = Vec::with_capacity(changed.len());
    for path in changed {
        expanded.push(path.clone());
        // Not a link to a folder: what lies behind one is not the site's.
        if root
            .join(path)
            .symlink_metadata()
            .is_ok_and(|meta| meta.is_dir())
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
