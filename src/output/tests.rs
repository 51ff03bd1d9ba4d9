//! The manifest across the partial commits of `serve`.

use std::os::unix::fs::MetadataExt;

use super::*;

fn write(output: &Output, path: &str, text: &str) {
    output.write(path, text.as_bytes(), "test").unwrap();
}

fn manifest_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(MANIFEST_FILE))
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// The manifest's inode and modification time: what a rewrite changes.
fn manifest_stamp(dir: &Path) -> (u64, i64, i64) {
    let meta = std::fs::symlink_metadata(dir.join(MANIFEST_FILE)).unwrap();
    (meta.ino(), meta.mtime(), meta.mtime_nsec())
}

#[test]
fn a_partial_commit_rewrites_the_manifest_only_when_files_come_or_go() {
    let site = tempfile::tempdir().unwrap();
    let dir = site.path().join("public");
    let full = Output::begin(site.path(), &dir).unwrap();
    write(&full, "a/index.html", "one");
    write(&full, "b/index.html", "two");
    full.commit().unwrap();
    assert_eq!(manifest_lines(&dir), ["a/index.html", "b/index.html"]);
    let stamp = manifest_stamp(&dir);

    // A save that changes a page: the page is new, the manifest untouched.
    let save = Output::begin_partial(site.path(), &dir).unwrap();
    write(&save, "a/index.html", "one, changed");
    save.commit_partial().unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("a/index.html")).unwrap(),
        "one, changed"
    );
    assert_eq!(manifest_stamp(&dir), stamp);

    // A save that publishes a new page lists it.
    let save = Output::begin_partial(site.path(), &dir).unwrap();
    write(&save, "c/index.html", "three");
    save.commit_partial().unwrap();
    assert_eq!(
        manifest_lines(&dir),
        ["a/index.html", "b/index.html", "c/index.html"]
    );
}

/// The files of an earlier index are published again as they are only when
/// every one still holds what was written: a partial commit changed one
/// after the last full build (the record does not know it), and a file
/// changed by anyone else makes the whole set refused, with nothing claimed.
#[test]
fn files_kept_as_they_are_only_when_all_hold_their_bytes() {
    let site = tempfile::tempdir().unwrap();
    let dir = site.path().join("public");
    let full = Output::begin(site.path(), &dir).unwrap();
    write(&full, "pagefind/a.pf", "one");
    write(&full, "pagefind/b.pf", "two");
    write(&full, "index.html", "side");
    full.commit().unwrap();
    let save = Output::begin_partial(site.path(), &dir).unwrap();
    write(&save, "pagefind/b.pf", "two, again");
    save.commit_partial().unwrap();
    let index = |b: &str| {
        vec![
            ("pagefind/a.pf".to_string(), content_hash(b"one")),
            ("pagefind/b.pf".to_string(), content_hash(b.as_bytes())),
        ]
    };
    let inode = |path: &str| std::fs::metadata(dir.join(path)).unwrap().ino();
    let before = inode("pagefind/b.pf");

    let rebuild = Output::begin(site.path(), &dir).unwrap();
    assert!(!rebuild.keep_as_they_are(&index("two"), "test").unwrap());
    assert!(
        rebuild
            .keep_as_they_are(&index("two, again"), "test")
            .unwrap()
    );
    write(&rebuild, "index.html", "side");
    let report = rebuild.commit().unwrap();
    assert_eq!(
        (report.written, report.unchanged, report.removed),
        (0, 3, 0)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("pagefind/b.pf")).unwrap(),
        "two, again"
    );
    assert_eq!(inode("pagefind/b.pf"), before, "kept, not written again");

    // Changed behind forklar's back: refused, and the paths are free for
    // the index written in their place.
    std::fs::write(dir.join("pagefind/a.pf"), "tampered").unwrap();
    let rebuild = Output::begin(site.path(), &dir).unwrap();
    assert!(
        !rebuild
            .keep_as_they_are(&index("two, again"), "test")
            .unwrap()
    );
    write(&rebuild, "pagefind/a.pf", "one, new");
    write(&rebuild, "pagefind/b.pf", "two, new");
    rebuild.commit().unwrap();
    assert_eq!(manifest_lines(&dir), ["pagefind/a.pf", "pagefind/b.pf"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("pagefind/a.pf")).unwrap(),
        "one, new"
    );

    // Through a link, nothing is read.
    std::fs::remove_file(dir.join("pagefind/a.pf")).unwrap();
    let outside = site.path().join("outside");
    std::fs::write(&outside, "one, new").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("pagefind/a.pf")).unwrap();
    let rebuild = Output::begin(site.path(), &dir).unwrap();
    let linked = vec![("pagefind/a.pf".to_string(), content_hash(b"one, new"))];
    assert!(rebuild.keep_as_they_are(&linked, "test").is_err());
    rebuild.abandon();
}
