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
