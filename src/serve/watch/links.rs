//! Links in the source folders to files elsewhere in the site. `build` reads a
//! link's target; the file system reports a save to that target on the
//! target's own path only. So the watcher keeps, for each link, the paths that
//! decide what it reads (every link on the way, folder links included, and
//! the file it ends at), and a change to one of them is a change to the
//! link. Those paths' folders are watched too where no source folder's watch
//! covers them (`drafts/` beside `content/`). Nothing outside the site is
//! ever watched: a link out of it is an error in the build, whatever lies
//! there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{SOURCE_DIRS, classify, is_real_dir};

/// How many links in a row are followed; as many as Linux follows before it
/// calls it a loop.
const MAX_HOPS: usize = 40;

#[derive(Debug, Default)]
pub(super) struct Links {
    /// Each link in a source folder that leads into the site, with the paths
    /// inside the site whose change can change what it reads.
    deps: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// The same, from each such path to the links it is read through.
    readers: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// Folders watched (not recursively) for those paths, as
    /// [`Links::folders_needed`] last gave them.
    pub(super) watched: BTreeSet<PathBuf>,
}

impl Links {
    /// Every link in the source folders under `root` (canonical). Links to
    /// folders are not followed into, as the build does not follow them; nor
    /// is a source folder that is itself a link, which the build refuses.
    pub(super) fn scan(root: &Path) -> Links {
        let mut links = Links::default();
        let mut pending: Vec<PathBuf> = SOURCE_DIRS
            .iter()
            .map(|d| root.join(d))
            .filter(|dir| is_real_dir(dir))
            .collect();
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    pending.push(entry.path());
                } else if kind.is_symlink() {
                    links.refresh_link(root, &entry.path());
                }
            }
        }
        links
    }

    /// Whether `path` is read through a link: a save to it is a save of a source.
    pub(super) fn is_read_through_a_link(&self, path: &Path) -> bool {
        self.readers.contains_key(path)
    }

    /// Brings the map up to date with a batch of changed paths, and returns
    /// the links whose reading they changed: a path on the way to the file
    /// it reads, the file itself, or a folder above one of them.
    pub(super) fn update(&mut self, root: &Path, changed: &BTreeSet<&Path>) -> BTreeSet<PathBuf> {
        let mut affected = BTreeSet::new();
        for path in changed {
            for (dep, links) in self.readers.range(path.to_path_buf()..) {
                if !dep.starts_with(path) {
                    break;
                }
                affected.extend(links.iter().cloned());
            }
        }
        // Links made, removed or pointed elsewhere, and those in folders
        // that came or went.
        let mut recheck: BTreeSet<PathBuf> = affected.clone();
        for path in changed {
            if path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
            {
                recheck.insert(path.to_path_buf());
            }
            for link in self.deps.range(path.to_path_buf()..).map(|(link, _)| link) {
                if !link.starts_with(path) {
                    break;
                }
                recheck.insert(link.clone());
            }
        }
        for link in recheck {
            self.refresh_link(root, &link);
        }
        affected
    }

    /// The folders to watch for the paths links read, each the nearest
    /// folder that exists above one, unless a source folder's watch (or the
    /// root's) covers it already.
    pub(super) fn folders_needed(&self, root: &Path) -> BTreeSet<PathBuf> {
        // Many links usually read from a few folders: each folder is looked
        // at once, as this runs on every batch of saves.
        let parents: BTreeSet<&Path> = self.readers.keys().filter_map(|dep| dep.parent()).collect();
        let mut needed = BTreeSet::new();
        for parent in parents {
            let Some(folder) = parent.ancestors().find(|folder| folder.is_dir()) else {
                continue;
            };
            let Ok(inside) = folder.strip_prefix(root) else {
                continue;
            };
            let first = inside.components().next();
            let covered = match first {
                None => true,
                Some(first) => SOURCE_DIRS
                    .iter()
                    .any(|d| first.as_os_str() == *d && is_real_dir(&root.join(d))),
            };
            if !covered {
                needed.insert(folder.to_path_buf());
            }
        }
        needed
    }

    /// The links that read something in `folder` (not below it).
    pub(super) fn reading_in(&self, folder: &Path) -> BTreeSet<PathBuf> {
        self.readers
            .iter()
            .filter(|(dep, _)| dep.parent() == Some(folder))
            .flat_map(|(_, links)| links.iter().cloned())
            .collect()
    }

    /// Reads where `link` leads now, and forgets it if it is no longer a
    /// link into the site.
    fn refresh_link(&mut self, root: &Path, link: &Path) {
        if let Some(old) = self.deps.remove(link) {
            for dep in old {
                if let Some(links) = self.readers.get_mut(&dep) {
                    links.remove(link);
                    if links.is_empty() {
                        self.readers.remove(&dep);
                    }
                }
            }
        }
        if classify(root, link).is_none() {
            return;
        }
        let deps = read_through(root, link);
        if deps.is_empty() {
            return;
        }
        for dep in &deps {
            self.readers
                .entry(dep.clone())
                .or_default()
                .insert(link.to_path_buf());
        }
        self.deps.insert(link.to_path_buf(), deps);
    }
}

/// The paths inside the site that decide what reading `link` gives: each
/// link on the way after `link` itself, the links among the folders each
/// leads through (`notes` in `../notes/a.md`, where `notes` is a link to
/// `drafts`), and where the last one leads (which may not exist yet). Empty
/// when `link` is no link.
fn read_through(root: &Path, link: &Path) -> BTreeSet<PathBuf> {
    let mut deps = BTreeSet::new();
    let mut at = link.to_path_buf();
    for _ in 0..MAX_HOPS {
        let Ok(target) = std::fs::read_link(&at) else {
            break;
        };
        let Some(folder) = at.parent() else {
            break;
        };
        let leads_to = folder.join(target);
        folder_links_on_the_way(root, &leads_to, &mut deps);
        at = real_location(&leads_to);
        if at.starts_with(root) {
            deps.insert(at.clone());
        }
    }
    deps
}

/// Adds to `found` the links inside the site that the system follows to
/// reach the folder of `path`: pointing one of them elsewhere changes what
/// `path` names, and only the link itself reports that change.
fn folder_links_on_the_way(root: &Path, path: &Path, found: &mut BTreeSet<PathBuf>) {
    use std::path::Component;
    let Some(folder) = path.parent() else {
        return;
    };
    // What is left to walk, the next step last.
    let mut steps: Vec<PathBuf> = Vec::new();
    let push_steps = |steps: &mut Vec<PathBuf>, path: &Path| {
        let at = steps.len();
        steps.extend(path.components().map(|c| PathBuf::from(c.as_os_str())));
        steps[at..].reverse();
    };
    push_steps(&mut steps, folder);
    let mut at = PathBuf::new();
    let mut hops = 0;
    while let Some(step) = steps.pop() {
        match step.components().next() {
            Some(Component::RootDir) => at = PathBuf::from("/"),
            Some(Component::ParentDir) => {
                at.pop();
            }
            Some(Component::Normal(name)) => {
                let next = at.join(name);
                match std::fs::read_link(&next) {
                    Ok(target) if hops < MAX_HOPS => {
                        hops += 1;
                        if next.starts_with(root) {
                            found.insert(next);
                        }
                        // The target is walked from the link's own folder.
                        push_steps(&mut steps, &target);
                    }
                    _ => at = next,
                }
            }
            _ => {}
        }
    }
}

/// `path` with its folder resolved as the system resolves it (links and
/// `..` followed), and its own name kept, so it names the place where the
/// file system reports changes to it. A folder that does not exist is
/// resolved as far as it can be.
fn real_location(path: &Path) -> PathBuf {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return std::fs::canonicalize(path).unwrap_or_else(|_| crate::layout::normalise(path));
    };
    let mut missing = Vec::new();
    let mut existing = folder;
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut at = real;
            at.extend(missing.iter().rev());
            at.push(name);
            return crate::layout::normalise(&at);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(up), Some(last)) => {
                missing.push(last);
                existing = up;
            }
            _ => return crate::layout::normalise(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_chain_of_links_depends_on_every_link_and_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("drafts/old")).unwrap();
        std::fs::write(root.join("drafts/old/a.md"), "a").unwrap();
        symlink("old/a.md", root.join("drafts/a.md")).unwrap();
        symlink("../drafts/a.md", root.join("content/a.md")).unwrap();
        assert_eq!(
            read_through(&root, &root.join("content/a.md")),
            BTreeSet::from([root.join("drafts/a.md"), root.join("drafts/old/a.md")])
        );
        // A target not there yet is still where a save will come.
        symlink("../later/b.md", root.join("content/b.md")).unwrap();
        assert_eq!(
            read_through(&root, &root.join("content/b.md")),
            BTreeSet::from([root.join("later/b.md")])
        );
        // Nothing outside the site is a dependency; no link, no dependency.
        symlink("/etc/hostname", root.join("content/c.md")).unwrap();
        assert!(read_through(&root, &root.join("content/c.md")).is_empty());
        assert!(read_through(&root, &root.join("drafts/old/a.md")).is_empty());
    }

    #[test]
    fn a_folder_link_on_the_way_is_a_dependency_and_pointing_it_elsewhere_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("drafts")).unwrap();
        std::fs::create_dir_all(root.join("other")).unwrap();
        std::fs::write(root.join("drafts/a.md"), "a").unwrap();
        std::fs::write(root.join("other/a.md"), "b").unwrap();
        symlink("drafts", root.join("notes")).unwrap();
        // Through a link to the link, and back up out of the folder it leads to.
        symlink("notes", root.join("papers")).unwrap();
        symlink("../notes/a.md", root.join("content/a.md")).unwrap();
        symlink("../papers/../papers/a.md", root.join("content/b.md")).unwrap();
        let link = root.join("content/a.md");
        assert_eq!(
            read_through(&root, &link),
            BTreeSet::from([root.join("notes"), root.join("drafts/a.md")])
        );
        assert_eq!(
            read_through(&root, &root.join("content/b.md")),
            BTreeSet::from([
                root.join("notes"),
                root.join("papers"),
                root.join("drafts/a.md")
            ])
        );
        let mut links = Links::scan(&root);
        assert!(links.is_read_through_a_link(&root.join("notes")));
        // `ln -sfn other notes`: the folder link points elsewhere.
        symlink("other", root.join("notes.new")).unwrap();
        std::fs::rename(root.join("notes.new"), root.join("notes")).unwrap();
        let changed = root.join("notes");
        let affected = links.update(&root, &BTreeSet::from([changed.as_path()]));
        assert_eq!(
            affected,
            BTreeSet::from([link.clone(), root.join("content/b.md")])
        );
        assert!(links.is_read_through_a_link(&root.join("other/a.md")));
        assert!(!links.is_read_through_a_link(&root.join("drafts/a.md")));
        assert_eq!(
            links.folders_needed(&root),
            BTreeSet::from([root.join("other")])
        );
    }

    #[test]
    fn a_source_folder_that_is_a_link_is_not_looked_into() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("elsewhere")).unwrap();
        std::fs::create_dir_all(root.join("drafts")).unwrap();
        std::fs::write(root.join("drafts/a.md"), "a").unwrap();
        symlink(root.join("drafts/a.md"), root.join("elsewhere/a.md")).unwrap();
        symlink("elsewhere", root.join("content")).unwrap();
        let links = Links::scan(&root);
        assert!(!links.is_read_through_a_link(&root.join("drafts/a.md")));
        assert!(links.folders_needed(&root).is_empty());
    }

    #[test]
    fn a_link_out_of_the_site_makes_nothing_outside_watched() {
        let outside = tempfile::tempdir().unwrap();
        let outside = outside.path().canonicalize().unwrap();
        std::fs::create_dir_all(outside.join("notes")).unwrap();
        std::fs::write(outside.join("notes/a.md"), "a").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        symlink(outside.join("notes/a.md"), root.join("content/a.md")).unwrap();
        // Through a folder inside the site that leads out of it, too.
        symlink(outside.join("notes"), root.join("notes")).unwrap();
        symlink("../notes/a.md", root.join("content/b.md")).unwrap();
        let links = Links::scan(&root);
        assert!(links.folders_needed(&root).is_empty());
        assert!(!links.is_read_through_a_link(&outside.join("notes/a.md")));
        assert!(links.reading_in(&outside.join("notes")).is_empty());
    }

    #[test]
    fn folders_outside_the_source_folders_are_watched_for_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/notes")).unwrap();
        std::fs::create_dir_all(root.join("drafts")).unwrap();
        std::fs::write(root.join("drafts/a.md"), "a").unwrap();
        std::fs::write(root.join("content/notes/n.md"), "n").unwrap();
        symlink("../drafts/a.md", root.join("content/a.md")).unwrap();
        symlink("notes/n.md", root.join("content/n.md")).unwrap();
        symlink("../../later/x/b.md", root.join("content/notes/b.md")).unwrap();
        let links = Links::scan(&root);
        // drafts/ for a.md; the root (watched already) for later/x/b.md, until
        // later/ is there; content/notes/ is watched with content/.
        assert_eq!(
            links.folders_needed(&root),
            BTreeSet::from([root.join("drafts")])
        );
        assert!(links.is_read_through_a_link(&root.join("drafts/a.md")));
        assert!(links.is_read_through_a_link(&root.join("content/notes/n.md")));
        std::fs::create_dir_all(root.join("later/x")).unwrap();
        assert_eq!(
            links.folders_needed(&root),
            BTreeSet::from([root.join("drafts"), root.join("later/x")])
        );
    }
}
