use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use forklar::serve::watch::{ChangeKind, ChangeSet, Watcher, watch};

/// Longest wait for an expected callback.
const EXPECT: Duration = Duration::from_secs(5);
/// How long to listen for unexpected extra callbacks.
const SETTLE: Duration = Duration::from_millis(400);

struct Site {
    dir: tempfile::TempDir,
    /// Each change set, with `content/post.md` as the callback found it.
    rx: Receiver<(ChangeSet, Option<String>)>,
    watcher: Option<Watcher>,
}

impl Site {
    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        fs::write(self.p(rel), text).unwrap();
    }

    /// Waits for the first change set, then collects any more until quiet.
    fn sets(&self) -> Vec<ChangeSet> {
        self.sets_seeing_post()
            .into_iter()
            .map(|(set, _)| set)
            .collect()
    }

    /// Like [`Site::sets`], each with `content/post.md` as the callback read it.
    fn sets_seeing_post(&self) -> Vec<(ChangeSet, Option<String>)> {
        let first = match self.rx.recv_timeout(EXPECT) {
            Ok(set) => set,
            Err(e) => panic!("no change set within {EXPECT:?}: {e}"),
        };
        let mut sets = vec![first];
        loop {
            match self.rx.recv_timeout(SETTLE) {
                Ok(set) => sets.push(set),
                Err(RecvTimeoutError::Timeout) => return sets,
                Err(RecvTimeoutError::Disconnected) => panic!("watcher gone"),
            }
        }
    }

    /// The paths of every change set until quiet, a later set's kind
    /// winning. For steps a test takes one after another (remove, then
    /// create): on a loaded machine a pause between them may be longer than
    /// the quiet window, and two sets are then right; what must hold is
    /// where they leave each path.
    fn merged_sets(&self) -> BTreeMap<PathBuf, ChangeKind> {
        let mut merged = BTreeMap::new();
        for set in self.sets() {
            merged.extend(set.paths);
        }
        merged
    }

    /// Exactly one change set is delivered; returns its paths.
    fn one_set(&self) -> BTreeMap<PathBuf, ChangeKind> {
        let sets = self.sets();
        assert_eq!(sets.len(), 1, "expected one change set, got {sets:#?}");
        sets.into_iter().next().map(|s| s.paths).unwrap_or_default()
    }

    fn assert_silent(&self) {
        match self.rx.recv_timeout(SETTLE) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok((set, _)) => panic!("unexpected change set {set:#?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("watcher gone"),
        }
    }
}

fn site_with(dirs: &[&str]) -> Site {
    site_made(dirs, |_| {})
}

/// Like [`site_with`], with `more` run on the site's folder before watching starts.
fn site_made(dirs: &[&str], more: impl FnOnce(&Path)) -> Site {
    let dir = tempfile::tempdir().unwrap();
    for d in dirs {
        fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    if dirs.contains(&"content") {
        fs::write(dir.path().join("content/post.md"), "# Post").unwrap();
        fs::write(dir.path().join("content/page.md"), "# Page").unwrap();
    }
    if dirs.contains(&"templates") {
        fs::write(dir.path().join("templates/base.html"), "<html>").unwrap();
    }
    if dirs.contains(&"static") {
        fs::write(dir.path().join("static/logo.svg"), "<svg/>").unwrap();
    }
    fs::write(dir.path().join("site.toml"), "title = 'x'").unwrap();
    more(dir.path());
    let (tx, rx) = mpsc::channel();
    let post = dir.path().join("content/post.md");
    let watcher = watch(dir.path(), move |set| {
        let _ = tx.send((set, fs::read_to_string(&post).ok()));
    })
    .expect("watch");
    Site {
        dir,
        rx,
        watcher: Some(watcher),
    }
}

fn site() -> Site {
    site_with(&["content", "templates", "static", "public"])
}

fn rel(p: &str) -> PathBuf {
    PathBuf::from(p)
}

#[test]
fn plain_write_gives_one_change_set() {
    let s = site();
    s.write("content/post.md", "# Changed");
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/post.md"), ChangeKind::Content)])
    );
}

#[test]
fn vim_style_save_gives_one_change_set() {
    let s = site();
    // What vim does with `backupcopy=no` (its default on Unix for most files):
    // probe the folder, move the original aside, write anew, drop the backup.
    s.write("content/4913", "");
    fs::remove_file(s.p("content/4913")).unwrap();
    fs::rename(s.p("content/post.md"), s.p("content/post.md~")).unwrap();
    s.write("content/post.md", "# Saved by vim");
    fs::remove_file(s.p("content/post.md~")).unwrap();
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/post.md"), ChangeKind::Content)])
    );
}

/// vim's save with `pause` between its steps: the original moved aside,
/// the new file written, the moved-aside original removed. What a rebuild
/// sees is the post with `text`: every change set names the post alone, and
/// the post was there with `text` when it was delivered. (On a loaded
/// machine the events can trail the files, and a second set for the same
/// final file may follow; a set without the post, or with the old text, is
/// the fault this guards against.)
fn vim_save_with_pauses_shows_only_the_new_file(pause: Duration, text: &str) {
    let s = site();
    fs::rename(s.p("content/post.md"), s.p("content/post.md~")).unwrap();
    std::thread::sleep(pause);
    s.write("content/post.md", text);
    std::thread::sleep(pause);
    fs::remove_file(s.p("content/post.md~")).unwrap();
    for (set, post) in s.sets_seeing_post() {
        assert_eq!(
            set.paths,
            BTreeMap::from([(rel("content/post.md"), ChangeKind::Content)])
        );
        assert_eq!(post.as_deref(), Some(text), "a rebuild would see {post:?}");
    }
}

#[test]
fn vim_style_save_with_pauses_shows_only_the_new_file() {
    // The same save on a busy machine: a few milliseconds between the steps.
    // The moved-away original keeps the batch open until the new file is there.
    vim_save_with_pauses_shows_only_the_new_file(
        Duration::from_millis(3),
        "# Saved by vim, slowly",
    );
}

#[test]
fn vim_style_save_paused_past_the_quiet_window_shows_only_the_new_file() {
    // Held up for longer than the quiet window between the steps: the
    // article must not be reported gone in between.
    vim_save_with_pauses_shows_only_the_new_file(
        forklar::serve::watch::QUIET * 4,
        "# Saved by vim, very slowly",
    );
}

#[test]
fn source_renamed_to_a_backup_name_for_good_is_reported() {
    let s = site();
    // Renamed to a name that is not a source and left so: reported once
    // the batch's longest wait is over.
    fs::rename(s.p("content/post.md"), s.p("content/post.md~")).unwrap();
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/post.md"), ChangeKind::Content)])
    );
}

#[test]
fn write_in_two_parts_gives_one_change_set() {
    use std::io::Write;
    let s = site();
    // A file still open for writing keeps the batch open: the rebuild must
    // not see the first half alone.
    let mut file = fs::File::create(s.p("content/post.md")).unwrap();
    file.write_all(b"# First half").unwrap();
    std::thread::sleep(Duration::from_millis(3));
    file.write_all(b", second half").unwrap();
    drop(file);
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/post.md"), ChangeKind::Content)])
    );
}

/// A writer paused between its writes for far longer than the quiet window
/// (a busy machine) still gives one change set, delivered once the file is
/// closed: Linux reports the close.
#[cfg(target_os = "linux")]
#[test]
fn a_file_held_open_for_writing_waits_for_its_close() {
    use std::io::Write;
    let s = site();
    let mut file = fs::File::create(s.p("content/post.md")).unwrap();
    std::thread::sleep(Duration::from_millis(120));
    file.write_all(b"# Written late").unwrap();
    std::thread::sleep(Duration::from_millis(120));
    file.write_all(b", and more").unwrap();
    drop(file);
    // A batch ended early would give a set for the empty file, then another.
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/post.md"), ChangeKind::Content)])
    );
}

#[test]
fn hidden_temp_file_renamed_over_gives_one_change_set() {
    let s = site();
    // What many editors and `atomicwrites`-style libraries do.
    s.write("content/.post.md.tmp7f3a", "# Saved atomically");
    std::thread::sleep(Duration::from_millis(4));
    fs::rename(s.p("content/.post.md.tmp7f3a"), s.p("content/post.md")).unwrap();
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/post.md"), ChangeKind::Content)])
    );
}

#[test]
fn sed_style_write_then_rename_over() {
    let s = site();
    s.write("content/sedX4bQ9z", "# Edited by sed");
    fs::rename(s.p("content/sedX4bQ9z"), s.p("content/page.md")).unwrap();
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/page.md"), ChangeKind::Content)]),
        "the temp file was created and renamed away within the batch"
    );
}

#[test]
fn delete_then_create() {
    let s = site();
    fs::remove_file(s.p("templates/base.html")).unwrap();
    s.write("templates/base.html", "<html lang=nb>");
    let paths = s.merged_sets();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("templates/base.html"), ChangeKind::Template)])
    );
}

#[test]
fn new_folder_with_new_file() {
    let s = site();
    fs::create_dir(s.p("content/blogg")).unwrap();
    s.write("content/blogg/første.md", "# Første");
    let paths = s.one_set();
    assert_eq!(
        paths.get(&rel("content/blogg/første.md")),
        Some(&ChangeKind::Content),
        "{paths:?}"
    );
    assert!(
        paths.keys().all(|p| p.starts_with("content/blogg")),
        "{paths:?}"
    );
    // And the new folder is watched afterwards.
    s.write("content/blogg/andre.md", "# Andre");
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/blogg/andre.md"), ChangeKind::Content)])
    );
}

#[test]
fn removing_a_file() {
    let s = site();
    fs::remove_file(s.p("static/logo.svg")).unwrap();
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("static/logo.svg"), ChangeKind::Static)])
    );
}

#[test]
fn config_change() {
    let s = site();
    s.write("site.toml", "title = 'y'");
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("site.toml"), ChangeKind::Config)])
    );
}

#[test]
fn hundred_files_at_once_are_few_change_sets() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("content/mange")).unwrap();
    for i in 0..100 {
        fs::write(dir.path().join(format!("content/mange/{i:03}.md")), "old").unwrap();
    }
    let (tx, rx) = mpsc::channel();
    let _w = watch(dir.path(), move |set| {
        let _ = tx.send((set, None));
    })
    .unwrap();
    let s = Site {
        dir,
        rx,
        watcher: None,
    };
    // Like a `git checkout`: half modified in place, a quarter replaced, a quarter removed.
    for i in 0..100 {
        let p = s.p(&format!("content/mange/{i:03}.md"));
        match i % 4 {
            0 | 1 => fs::write(&p, "new").unwrap(),
            2 => {
                fs::remove_file(&p).unwrap();
                fs::write(&p, "new").unwrap();
            }
            _ => fs::remove_file(&p).unwrap(),
        }
    }
    let sets = s.sets();
    assert!(sets.len() <= 3, "{} change sets", sets.len());
    let all: BTreeMap<_, _> = sets.into_iter().flat_map(|s| s.paths).collect();
    for i in 0..100 {
        let p = rel(&format!("content/mange/{i:03}.md"));
        assert_eq!(all.get(&p), Some(&ChangeKind::Content), "{p:?} missing");
    }
}

#[test]
fn swap_and_temp_files_alone_give_no_callback() {
    let s = site();
    s.write("content/.post.md.swp", "swap");
    s.write("content/.post.md.swx", "swap");
    s.write("content/post.md~", "backup");
    s.write("content/.#post.md", "lock");
    s.write("content/#post.md#", "autosave");
    s.write("static/.DS_Store", "finder");
    s.write("templates/base.html.bak", "bak");
    fs::remove_file(s.p("content/.post.md.swx")).unwrap();
    fs::create_dir(s.p("content/.git")).unwrap();
    s.write("content/.git/HEAD", "ref");
    s.assert_silent();
}

#[test]
fn files_outside_sources_give_no_callback() {
    let s = site();
    // The build writes its output under the root; that must never trigger a rebuild.
    s.write("public/index.html", "<html>");
    fs::create_dir(s.p("public/blogg")).unwrap();
    s.write("public/blogg/index.html", "<html>");
    s.write("README.md", "readme");
    s.assert_silent();
}

#[test]
fn reading_sources_gives_no_callback() {
    // The build reads every source; that must not look like a change.
    let s = site();
    for f in [
        "content/post.md",
        "templates/base.html",
        "static/logo.svg",
        "site.toml",
    ] {
        fs::read(s.p(f)).unwrap();
    }
    fs::read_dir(s.p("content")).unwrap().for_each(drop);
    s.assert_silent();
}

#[test]
fn source_folder_created_later_is_watched() {
    let s = site_with(&[]);
    fs::create_dir(s.p("content")).unwrap();
    s.write("content/a.md", "a");
    let paths = s.one_set();
    assert_eq!(paths.get(&rel("content/a.md")), Some(&ChangeKind::Content));
    s.write("content/b.md", "b");
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("content/b.md"), ChangeKind::Content)])
    );
    // Also a nested folder in the newly watched tree.
    fs::create_dir_all(s.p("content/x/y")).unwrap();
    s.write("content/x/y/c.md", "c");
    let paths = s.one_set();
    assert_eq!(
        paths.get(&rel("content/x/y/c.md")),
        Some(&ChangeKind::Content)
    );
}

#[test]
fn source_folder_replaced_is_watched_again() {
    let s = site();
    fs::remove_dir_all(s.p("templates")).unwrap();
    fs::create_dir(s.p("templates")).unwrap();
    s.write("templates/base.html", "<html>");
    let paths = s.merged_sets();
    assert_eq!(
        paths.get(&rel("templates/base.html")),
        Some(&ChangeKind::Template)
    );
    s.write("templates/base.html", "<html lang=en>");
    let paths = s.one_set();
    assert_eq!(
        paths,
        BTreeMap::from([(rel("templates/base.html"), ChangeKind::Template)])
    );
}

#[test]
fn source_folder_that_links_out_of_the_site_is_not_watched() {
    let s = site_with(&["content"]);
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("old.svg"), "<svg/>").unwrap();
    std::os::unix::fs::symlink(outside.path(), s.p("static")).unwrap();
    // The link itself is a change of the site (the build then refuses it), but
    // what lies behind it is not listed.
    let paths = s.one_set();
    assert_eq!(
        paths.keys().collect::<Vec<_>>(),
        [&rel("static")],
        "{paths:#?}"
    );
    fs::write(outside.path().join("new.svg"), "<svg/>").unwrap();
    s.assert_silent();
}

/// A site whose `content/a.md` is a link to `drafts/a.md`, a folder of the
/// site that is no source folder.
fn site_with_a_linked_draft() -> Site {
    site_made(&["content", "drafts"], |root| {
        fs::write(root.join("drafts/a.md"), "# A").unwrap();
        fs::write(root.join("drafts/b.md"), "# B").unwrap();
        std::os::unix::fs::symlink("../drafts/a.md", root.join("content/a.md")).unwrap();
    })
}

#[test]
fn a_save_to_a_links_target_is_a_change_of_the_link() {
    let s = site_with_a_linked_draft();
    s.write("drafts/a.md", "# A, endret");
    assert_eq!(
        s.one_set(),
        BTreeMap::from([(rel("content/a.md"), ChangeKind::Content)])
    );
    // Saved as editors do: a new file renamed over the old one.
    s.write("drafts/.a.md.tmp", "# A, igjen");
    fs::rename(s.p("drafts/.a.md.tmp"), s.p("drafts/a.md")).unwrap();
    assert_eq!(
        s.one_set(),
        BTreeMap::from([(rel("content/a.md"), ChangeKind::Content)])
    );
    // A file no link reads is no change.
    s.write("drafts/b.md", "# B, endret");
    s.assert_silent();
}

#[test]
fn a_link_pointed_elsewhere_follows_its_new_target() {
    let s = site_with_a_linked_draft();
    fs::remove_file(s.p("content/a.md")).unwrap();
    std::os::unix::fs::symlink("../drafts/b.md", s.p("content/a.md")).unwrap();
    let paths = s.one_set();
    assert_eq!(paths.get(&rel("content/a.md")), Some(&ChangeKind::Content));
    s.write("drafts/a.md", "# A, endret");
    s.assert_silent();
    s.write("drafts/b.md", "# B, endret");
    assert_eq!(
        s.one_set(),
        BTreeMap::from([(rel("content/a.md"), ChangeKind::Content)])
    );
}

#[test]
fn a_links_target_removed_and_made_again_is_a_change_of_the_link() {
    let s = site_with_a_linked_draft();
    fs::remove_file(s.p("drafts/a.md")).unwrap();
    assert_eq!(
        s.one_set(),
        BTreeMap::from([(rel("content/a.md"), ChangeKind::Content)])
    );
    // Its whole folder goes, and comes back.
    fs::remove_dir_all(s.p("drafts")).unwrap();
    s.sets();
    fs::create_dir(s.p("drafts")).unwrap();
    s.write("drafts/a.md", "# A, tilbake");
    let sets = s.sets();
    assert!(
        sets.iter()
            .any(|set| set.paths.contains_key(&rel("content/a.md"))),
        "{sets:#?}"
    );
    s.write("drafts/a.md", "# A, endret");
    assert_eq!(
        s.one_set(),
        BTreeMap::from([(rel("content/a.md"), ChangeKind::Content)])
    );
}

#[test]
fn a_link_made_while_watching_is_followed() {
    let s = site_with(&["content", "drafts"]);
    s.write("drafts/a.md", "# A");
    s.assert_silent();
    std::os::unix::fs::symlink("../drafts/a.md", s.p("content/a.md")).unwrap();
    let paths = s.one_set();
    assert_eq!(paths.get(&rel("content/a.md")), Some(&ChangeKind::Content));
    s.write("drafts/a.md", "# A, endret");
    assert_eq!(
        s.one_set(),
        BTreeMap::from([(rel("content/a.md"), ChangeKind::Content)])
    );
    // Removed, the link reads nothing there any more.
    fs::remove_file(s.p("content/a.md")).unwrap();
    s.one_set();
    s.write("drafts/a.md", "# A, igjen");
    s.assert_silent();
}

#[test]
fn a_link_to_another_source_changes_with_it() {
    let s = site_made(&["content"], |root| {
        std::os::unix::fs::symlink("post.md", root.join("content/same.md")).unwrap();
    });
    s.write("content/post.md", "# Post, endret");
    assert_eq!(
        s.one_set(),
        BTreeMap::from([
            (rel("content/post.md"), ChangeKind::Content),
            (rel("content/same.md"), ChangeKind::Content),
        ])
    );
}

#[test]
fn a_link_out_of_the_site_watches_nothing_there() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("a.md"), "# Ute").unwrap();
    let target = outside.path().join("a.md");
    let s = site_made(&["content"], |root| {
        std::os::unix::fs::symlink(&target, root.join("content/ute.md")).unwrap();
    });
    fs::write(&target, "# Ute, endret").unwrap();
    s.assert_silent();
}

#[test]
fn stopping_ends_callbacks() {
    let mut s = site();
    if let Some(w) = s.watcher.take() {
        let start = Instant::now();
        w.stop();
        assert!(start.elapsed() < Duration::from_secs(2));
    }
    s.write("content/post.md", "# After stop");
    match s.rx.recv_timeout(SETTLE) {
        Ok((set, _)) => panic!("callback after stop: {set:?}"),
        // The callback (and its sender) is dropped with the watcher.
        Err(RecvTimeoutError::Disconnected) => {}
        Err(RecvTimeoutError::Timeout) => panic!("callback was not dropped by stop()"),
    }
}

#[test]
fn missing_root_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = watch(&dir.path().join("nope"), |_| {}).expect_err("missing root");
    assert!(err.to_string().starts_with("cannot watch "), "{err}");
}

#[test]
fn save_to_callback_is_fast() {
    let s = site();
    let mut worst = Duration::ZERO;
    for i in 0..5 {
        let start = Instant::now();
        s.write("content/post.md", &format!("# Rev {i}"));
        let (set, _) = s.rx.recv_timeout(EXPECT).expect("change set");
        let took = start.elapsed();
        assert!(set.paths.contains_key(&rel("content/post.md")));
        worst = worst.max(took);
        // Let the batch window close before the next save.
        std::thread::sleep(Duration::from_millis(150));
    }
    eprintln!("worst save-to-callback latency: {worst:?}");
    // Expected ≈ 5 ms; generous bound so a loaded CI machine does not flake.
    assert!(worst < Duration::from_millis(750), "{worst:?}");
}
