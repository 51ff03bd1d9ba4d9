//! Rebuilding over an existing output folder: a build remembers what each file
//! it published holds (`.forklar-cache/output/`), so a rebuild knows an
//! unchanged file without reading it. These tests check that the record only
//! ever saves work: a file changed by anyone else is still put right, a
//! damaged record changes nothing a reader gets, and the record is never read
//! or written through a link.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common::{Entry, Snapshot, TestSite, settle};
use crate::fixture;

const MANIFEST: &str = ".forklar-manifest";
const RECORDS: &str = ".forklar-cache/output";

/// Files and their bytes, without forklar's manifest.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    Snapshot::of(dir)
        .entries
        .into_iter()
        .filter_map(|(path, entry)| match entry {
            Entry::File { bytes, .. } if path != MANIFEST => Some((path, bytes)),
            _ => None,
        })
        .collect()
}

/// What a fresh build of the site into an empty folder publishes.
fn fresh(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let fresh = site.outside().join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    site.build_ok(&["--output", fresh.to_str().unwrap()]);
    contents(&fresh)
}

fn record_files(site: &TestSite) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(site.root().join(RECORDS))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn a_rebuild_that_changes_nothing_leaves_the_folder_and_every_file_as_they_were() {
    let site = fixture::site();
    site.build_ok(&[]);
    assert_eq!(record_files(&site).len(), 1, "one record for public/");
    let folder = std::fs::metadata(site.public_dir()).unwrap().ino();
    let before = site.snapshot_public();
    settle();
    let run = site.build_ok(&[]);
    assert!(
        run.stdout.contains(" 0 written,"),
        "nothing should be written: {}",
        run.stdout
    );
    before.assert_unchanged(&site.snapshot_public(), "public/ after a rebuild");
    // Not even swapped for a copy of itself.
    assert_eq!(std::fs::metadata(site.public_dir()).unwrap().ino(), folder);
    site.assert_no_leftovers();
}

#[test]
fn a_page_changed_by_hand_to_the_same_size_is_put_right_by_the_next_build() {
    let site = fixture::site();
    site.build_ok(&[]);
    let page = site.public_dir().join(fixture::KASAKHSTAN_PAGE);
    let original = std::fs::read(&page).unwrap();
    // Same length, other bytes, written in place: the inode stays, the size
    // stays; only the modification time tells.
    let mut edited = original.clone();
    let at = edited.len() / 2;
    edited[at] = if edited[at] == b'x' { b'y' } else { b'x' };
    settle();
    std::fs::write(&page, &edited).unwrap();
    let run = site.build_ok(&[]);
    assert!(run.stdout.contains(" 1 written,"), "{}", run.stdout);
    assert_eq!(std::fs::read(&page).unwrap(), original);
}

#[test]
fn a_rebuild_where_every_page_changed_publishes_what_a_fresh_build_does() {
    let site = fixture::site();
    site.build_ok(&[]);
    site.write(
        "site.toml",
        fixture::SITE_TOML.replace("Forklart", "Forklart på nytt"),
    );
    site.write("templates/style.css", "body { color: #222; }\n");
    settle();
    site.build_ok(&[]);
    assert_eq!(contents(&site.public_dir()), fresh(&site));
    assert!(site.public("index.html").contains("Forklart på nytt"));
}

#[test]
fn a_damaged_record_changes_nothing_a_reader_gets() {
    let site = fixture::site();
    site.build_ok(&[]);
    let [record] = record_files(&site).try_into().unwrap();
    let text = std::fs::read_to_string(&record).unwrap();
    // Every file's hash moved to the next file's line: the stamps still match
    // the files, so only the hashes lie.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let hashes: Vec<String> = lines[1..]
        .iter()
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    assert!(hashes.len() > 5, "{text}");
    for (i, line) in lines[1..].iter_mut().enumerate() {
        let rest = line.split_once(' ').unwrap().1.to_string();
        *line = format!("{} {rest}", hashes[(i + 1) % hashes.len()]);
    }
    std::fs::write(&record, lines.join("\n") + "\n").unwrap();
    site.write(
        "site.toml",
        fixture::SITE_TOML.replace("Forklart", "Forklart igjen"),
    );
    site.build_ok(&[]);
    assert_eq!(contents(&site.public_dir()), fresh(&site));
    // Garbage instead of a record: read as no record at all.
    std::fs::write(&record, "\u{0}\u{1}not a record\n../../x 1 2 3 4 y\n").unwrap();
    site.write("site.toml", fixture::SITE_TOML);
    site.build_ok(&[]);
    assert_eq!(contents(&site.public_dir()), fresh(&site));
}

#[test]
fn the_record_is_never_read_or_written_through_a_link() {
    let site = fixture::site();
    let elsewhere = site.outside().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::create_dir_all(site.root().join(".forklar-cache")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.root().join(RECORDS)).unwrap();
    site.build_ok(&[]);
    site.write(
        "site.toml",
        fixture::SITE_TOML.replace("Forklart", "Forklart igjen"),
    );
    site.build_ok(&[]);
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing may be written through .forklar-cache/output"
    );
    assert_eq!(contents(&site.public_dir()), fresh(&site));
}
