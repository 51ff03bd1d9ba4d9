//! The pages of the last `serve`, kept in the site's cache
//! (`.forklar-cache/serve/`), so that a server started again on files that
//! did not change answers at once, while it builds the site behind them.
//!
//! Next to the pages, `sources` vouches for them: the size, modification time
//! and inode of every source file as it was before the build that made the
//! pages read it. It is written only when `serve` stops with every save
//! shown and nothing failed, and removed as soon as a server starts: a server
//! that is killed leaves no voucher, and the next start builds before it
//! serves, as it would in an empty folder.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::cache_dir;
use crate::incremental::Session;
use crate::layout::{self, CONFIG_FILE, CONTENT_DIR, STATIC_DIR, TEMPLATE_DIR};

/// The folder in the site's cache.
const FOLDER: &str = "serve";
/// The kept pages: the output folder of the server that holds the lock.
const SITE: &str = "site";
/// The voucher for the kept pages.
const SOURCES: &str = "sources";
/// Kept pages no longer vouched for, renamed aside to be removed.
const STALE_PREFIX: &str = ".stale-";

/// What a source file was when it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified_ns: i128,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            inode: meta.ino(),
        })
    }
}

/// The stamp of every source file of a site, by path relative to its root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stamps(BTreeMap<PathBuf, Stamp>);

impl Stamps {
    /// Every source file a build reads, as it is now.
    pub fn of_site(root: &Path) -> Stamps {
        let mut stamps = Stamps::default();
        stamps.add_file(root, Path::new(CONFIG_FILE));
        for folder in [CONTENT_DIR, TEMPLATE_DIR, STATIC_DIR] {
            stamps.add_folder(root, Path::new(folder));
        }
        stamps
    }

    /// The stamps of `paths` (files or folders, relative to the root) as
    /// they are now, to [`apply`](Stamps::apply) once a rebuild that read
    /// them succeeded.
    pub fn read(root: &Path, paths: &[PathBuf]) -> Update {
        let mut now = Stamps::default();
        for path in paths {
            match std::fs::metadata(root.join(path)) {
                Ok(meta) if meta.is_dir() => now.add_folder(root, path),
                Ok(_) => now.add_file(root, path),
                Err(_) => {}
            }
        }
        Update {
            paths: paths.to_vec(),
            now,
        }
    }

    /// Takes in what [`read`](Stamps::read) found: what no longer exists
    /// is dropped.
    pub fn apply(&mut self, update: Update) {
        for path in &update.paths {
            let gone: Vec<PathBuf> = self
                .0
                .range(path.clone()..)
                .take_while(|(known, _)| known.starts_with(path))
                .map(|(known, _)| known.clone())
                .collect();
            for known in gone {
                self.0.remove(&known);
            }
        }
        self.0.extend(update.now.0);
    }

    fn add_file(&mut self, root: &Path, path: &Path) {
        if layout::classify(path).is_none() {
            return;
        }
        if let Some(stamp) = Stamp::of(&root.join(path)) {
            self.0.insert(path.to_path_buf(), stamp);
        }
    }

    fn add_folder(&mut self, root: &Path, folder: &Path) {
        let Some(folder) = folder.to_str() else {
            return;
        };
        // A file the walk finds a problem with makes the build fail, and a
        // failed build is never vouched for: the problems need no reading here.
        let mut problems = Vec::new();
        for source in layout::walk(root, folder, &mut problems) {
            let path = source.path();
            if let Some(stamp) = Stamp::of(&root.join(&path)) {
                self.0.insert(path, stamp);
            }
        }
    }

    fn render(&self, identity: &str) -> Option<String> {
        let mut text = format!("{identity}\n\n");
        for (path, stamp) in &self.0 {
            let path = path.to_str().filter(|p| !p.contains('\n'))?;
            text.push_str(&format!(
                "{} {} {} {path}\n",
                stamp.len, stamp.modified_ns, stamp.inode
            ));
        }
        Some(text)
    }
}

/// The stamps of a few saved files or folders, taken before they are read.
pub struct Update {
    paths: Vec<PathBuf>,
    now: Stamps,
}

/// What, besides the source files, the pages depend on: this program, and
/// how the server was started.
pub fn identity(base_url: &str, drafts: bool, now: Option<jiff::Timestamp>) -> String {
    // The program itself: a new build of it may render every page otherwise.
    let program = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|meta| format!("{} {}.{}", meta.len(), meta.mtime(), meta.mtime_nsec()))
        .unwrap_or_default();
    let now = now.map(|now| now.to_string()).unwrap_or_default();
    format!(
        "forklar {} ({program})\nbase {base_url}\ndrafts {drafts}\nnow {now}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The site's `serve` folder, held by this server alone for as long as it runs.
pub struct KeptPages {
    folder: PathBuf,
    /// A `flock` on the folder: a second server of the same site at once
    /// builds into a private folder of its own instead.
    _lock: File,
}

impl KeptPages {
    /// The site's `serve` folder, or `None` where the cache cannot be used (a
    /// link on the way, a read-only site) or another server holds it.
    pub fn open(root: &Path) -> Option<KeptPages> {
        // Absolute: the build joins a relative output folder to the root.
        let folder = std::path::absolute(cache_dir::open(root, FOLDER)?).ok()?;
        let lock = File::open(&folder).ok()?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock | TryLockError::Error(_)) => return None,
        }
        // The pages must be a real folder: one committed as a link would have
        // the build write wherever it points.
        let site = folder.join(SITE);
        if std::fs::symlink_metadata(&site).is_ok_and(|meta| !meta.is_dir()) {
            return None;
        }
        Some(KeptPages {
            folder,
            _lock: lock,
        })
    }

    /// The output folder to serve and build into.
    pub fn site(&self) -> PathBuf {
        self.folder.join(SITE)
    }

    /// Whether the kept pages were made from exactly `sources` by a server
    /// started as `identity` describes. Either way the voucher is used up; pages
    /// not vouched for are moved aside and removed in the background, so that
    /// nothing stale is served while the site builds.
    pub fn take(&self, identity: &str, sources: &Stamps) -> bool {
        let voucher = self.folder.join(SOURCES);
        let text = cache_dir::read(&voucher);
        if text.is_some() {
            let _ = std::fs::remove_file(&voucher);
        }
        // Compared as written: no parsing, and the same stamps always
        // write the same text.
        let vouched = text.is_some_and(|text| {
            sources
                .render(identity)
                .is_some_and(|now| text == now.as_bytes())
        });
        let site = self.site();
        if vouched && cache_dir::real_dir(site.clone(), false).is_some() {
            return true;
        }
        self.clear_aside();
        false
    }

    /// Vouches for the pages as made from `sources`, for the next start.
    pub fn keep(&self, identity: &str, sources: &Stamps) {
        if let Some(text) = sources.render(identity) {
            let _ =
                cache_dir::write_atomic(&self.folder, &self.folder.join(SOURCES), text.as_bytes());
        }
    }

    /// Moves the pages (and what earlier servers left aside) out of the way
    /// and removes them on a thread of their own.
    fn clear_aside(&self) {
        let site = self.site();
        if std::fs::symlink_metadata(&site).is_ok() {
            let aside = tempfile::Builder::new()
                .prefix(STALE_PREFIX)
                .tempdir_in(&self.folder)
                .map(tempfile::TempDir::keep);
            if let Ok(aside) = aside {
                let _ = std::fs::rename(&site, aside.join(SITE));
            }
        }
        let stale: Vec<PathBuf> = std::fs::read_dir(&self.folder)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| {
                entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| name.starts_with(STALE_PREFIX))
            })
            .map(|entry| entry.path())
            .collect();
        if stale.is_empty() {
            return;
        }
        let _ = std::thread::Builder::new()
            .name("forklar-clear-kept".into())
            .spawn(move || {
                for dir in stale {
                    // Never follows a link: a link is removed, not what it names.
                    let _ = std::fs::remove_dir_all(&dir);
                }
            });
    }
}

/// How long stopping waits for the session: a thread holding it a moment
/// (the search index being written) is waited for, a rebuild stuck in a
/// template is not.
const LOCK_WITHIN: std::time::Duration = std::time::Duration::from_millis(200);

fn lock_within<T>(mutex: &Mutex<T>, within: std::time::Duration) -> Option<MutexGuard<'_, T>> {
    let until = std::time::Instant::now() + within;
    loop {
        match mutex.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if std::time::Instant::now() < until => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    }
}

/// The stamps of the source files as the pages in the output were made from
/// them: each file is stamped before a rebuild reads it, and the stamps count
/// only once that rebuild succeeded.
pub struct Tracked {
    pub stamps: Stamps,
    /// A rebuild failed since the last full one: which of its files the
    /// output shows is not known.
    pub unsure: bool,
}

impl Tracked {
    pub fn new(stamps: Stamps) -> Tracked {
        Tracked {
            stamps,
            unsure: false,
        }
    }
}

/// Vouches for the pages for the next start, when they show every source
/// file as it is now: the watcher has stopped, no rebuild runs, the last one
/// succeeded and left nothing to make, and no file changed since it was read.
pub fn keep_if_current(
    root: &Path,
    session: &Mutex<Session>,
    stamps: &Mutex<Tracked>,
    kept: &KeptPages,
    identity: &str,
) {
    // Pages a save left for after its reload are not made now: stopping
    // stays prompt, and the next start builds first.
    let Some(session) = lock_within(session, LOCK_WITHIN) else {
        return;
    };
    let tracked = stamps.lock().unwrap_or_else(|e| e.into_inner());
    if tracked.unsure || !session.is_current() {
        return;
    }
    let now = Stamps::of_site(root);
    if now == tracked.stamps {
        kept.keep(identity, &now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "title = \"T\"\n").unwrap();
        std::fs::create_dir_all(dir.path().join("content/background")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "a").unwrap();
        std::fs::write(dir.path().join("content/background/x.md"), "x").unwrap();
        dir
    }

    #[test]
    fn every_source_file_is_stamped_and_nothing_else() {
        let site = site();
        std::fs::create_dir_all(site.path().join("public")).unwrap();
        std::fs::write(site.path().join("public/index.html"), "out").unwrap();
        std::fs::write(site.path().join("content/.a.md.swp"), "editor").unwrap();
        let text = Stamps::of_site(site.path()).render("id").unwrap();
        let paths: Vec<&str> = text
            .lines()
            .skip(2)
            .map(|line| line.splitn(4, ' ').nth(3).unwrap())
            .collect();
        assert_eq!(
            paths,
            ["content/a.md", "content/background/x.md", "site.toml"]
        );
    }

    #[test]
    fn an_update_follows_files_and_folders_that_come_and_go() {
        let site = site();
        let root = site.path();
        let mut stamps = Stamps::of_site(root);
        std::fs::remove_dir_all(root.join("content/background")).unwrap();
        std::fs::create_dir_all(root.join("content/new")).unwrap();
        std::fs::write(root.join("content/new/b.md"), "b").unwrap();
        std::fs::write(root.join("content/a.md"), "a longer text").unwrap();
        stamps.apply(Stamps::read(
            root,
            &[
                PathBuf::from("content/background"),
                PathBuf::from("content/new"),
                PathBuf::from("content/a.md"),
            ],
        ));
        assert_eq!(stamps, Stamps::of_site(root));
    }

    #[test]
    fn pages_are_vouched_for_once_and_only_for_the_same_sources() {
        let site = site();
        let root = site.path();
        let kept = KeptPages::open(root).unwrap();
        std::fs::create_dir_all(kept.site()).unwrap();
        std::fs::write(kept.site().join("index.html"), "old").unwrap();
        let stamps = Stamps::of_site(root);
        kept.keep("id", &stamps);
        assert!(kept.take("id", &stamps));
        assert!(kept.site().join("index.html").is_file());
        // Used up: a server killed after this start leaves nothing to trust.
        assert!(!kept.take("id", &stamps));
        assert!(
            !kept.site().exists(),
            "pages not vouched for are moved aside"
        );

        std::fs::create_dir_all(kept.site()).unwrap();
        kept.keep("id", &stamps);
        std::fs::write(root.join("content/a.md"), "changed").unwrap();
        assert!(!kept.take("id", &Stamps::of_site(root)));
        std::fs::create_dir_all(kept.site()).unwrap();
        kept.keep("id", &stamps);
        assert!(!kept.take("another program", &stamps));
    }

    #[test]
    fn a_second_server_of_the_same_site_does_not_get_the_folder() {
        let site = site();
        let first = KeptPages::open(site.path());
        assert!(first.is_some());
        assert!(KeptPages::open(site.path()).is_none());
        drop(first);
        assert!(KeptPages::open(site.path()).is_some());
    }

    #[test]
    fn kept_pages_that_are_a_link_are_not_used() {
        let site = site();
        let elsewhere = tempfile::tempdir().unwrap();
        let folder = site.path().join(".forklar-cache/serve");
        std::fs::create_dir_all(&folder).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), folder.join(SITE)).unwrap();
        assert!(KeptPages::open(site.path()).is_none());
    }
}
