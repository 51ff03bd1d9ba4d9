//! Builds are repeatable: the same site gives the same bytes, unchanged files are
//! not rewritten, removed articles disappear, and nothing outside the output
//! folder is touched.

use crate::common::{Snapshot, escape, settle};
use crate::fixture::{self, BLABAER_FILE, BLABAER_PAGE, BLABAER_TITLE, KASAKHSTAN_PAGE};

#[test]
fn building_twice_gives_identical_bytes() {
    let site = fixture::site();
    let first = site.outside().join("en");
    let second = site.outside().join("to");
    site.build_ok(&["--output", first.to_str().unwrap()]);
    site.build_ok(&["--output", second.to_str().unwrap()]);
    let first = Snapshot::of(&first);
    assert!(first.bytes(KASAKHSTAN_PAGE).is_some());
    first.assert_same_bytes(&Snapshot::of(&second), "two builds of the same site");
}

#[test]
fn the_same_site_in_another_folder_gives_identical_bytes() {
    // Nothing of where the site happens to live may leak into the pages.
    let here = fixture::site();
    let there = fixture::site();
    here.build_ok(&[]);
    there.build_ok(&[]);
    here.snapshot_public().assert_same_bytes(
        &there.snapshot_public(),
        "the same site built in two folders",
    );
    for path in here.snapshot_public().files() {
        if path.ends_with(".html") {
            let html = here.public(path);
            let tmp = here.outside().to_string_lossy().into_owned();
            assert!(
                !html.contains(&tmp),
                "public/{path} contains the site's folder {tmp}"
            );
        }
    }
}

#[test]
fn a_second_build_does_not_rewrite_unchanged_files() {
    let site = fixture::built_site();
    let before = site.snapshot_public();
    settle();
    site.build_ok(&[]);
    before.assert_unchanged(&site.snapshot_public(), "public/ after building again");
}

#[test]
fn a_changed_article_rewrites_only_its_own_page() {
    let site = fixture::built_site();
    let before = site.snapshot_public();
    settle();
    let changed = site
        .source(BLABAER_FILE)
        .replace("færre bær", "færre og mindre bær");
    site.write(BLABAER_FILE, changed);
    site.build_ok(&[]);
    let differences = before.differences(&site.snapshot_public());
    assert!(
        differences.contains(&format!("changed bytes: {BLABAER_PAGE}")),
        "the changed article's page should be written: {differences:?}"
    );
    // Feeds (atom.xml) and the search index (pagefind/, whose new file names
    // the manifest lists) may carry the article's text; no other page may be
    // touched.
    let others: Vec<&String> = differences
        .iter()
        .filter(|d| {
            !d.ends_with(BLABAER_PAGE)
                && !d.ends_with(".xml")
                && !d.contains("pagefind/")
                && !d.ends_with(".forklar-manifest")
        })
        .collect();
    assert!(
        others.is_empty(),
        "only the changed article's page (and feeds) should be written, not: {others:?}"
    );
    assert!(site.public(BLABAER_PAGE).contains("færre og mindre bær"));
}

#[test]
fn a_removed_article_disappears_on_the_next_build() {
    let site = fixture::built_site();
    assert!(site.has_public(BLABAER_PAGE));
    let index_before = site.snapshot_public();
    settle();
    site.remove(BLABAER_FILE);
    site.build_ok(&[]);
    assert!(
        !site.has_public(BLABAER_PAGE),
        "the removed article's page should be gone"
    );
    assert!(
        !site.has_public("blabaer-okonomi"),
        "the removed article's folder should be gone"
    );
    assert!(
        !site.public("index.html").contains(&escape(BLABAER_TITLE)),
        "the front page should no longer list the removed article"
    );
    // The other article's page is left alone.
    let after = site.snapshot_public();
    assert!(
        !index_before
            .differences(&after)
            .iter()
            .any(|d| d.contains(KASAKHSTAN_PAGE)),
        "{:?}",
        index_before.differences(&after)
    );
}

#[test]
fn building_touches_nothing_outside_the_output_folder() {
    let site = fixture::site()
        .with("static/bilde.png", b"\x89PNG\r\n\x1a\n\0\0")
        .with("templates/base.html", fixture::marked_base_template())
        .with("notater.txt", "Ikke rør.\n");
    let sources = site.snapshot_sources();
    let outside_before: Vec<String> = entries_of(site.outside());
    settle();
    site.build_ok(&[]);
    site.remove(BLABAER_FILE);
    let sources = {
        let mut s = sources;
        s.entries.remove(BLABAER_FILE);
        s
    };
    settle();
    site.build_ok(&[]);
    sources.assert_unchanged(&site.snapshot_sources(), "the site's own files");
    assert_eq!(
        entries_of(site.outside()),
        outside_before,
        "nothing should be created next to the site's folder"
    );
    let public = site.snapshot_public();
    assert!(
        public
            .entries
            .keys()
            .all(|p| !p.contains("forklar-staging")),
        "the staging folder is left behind: {:?}",
        public.entries.keys().collect::<Vec<_>>()
    );
}

fn entries_of(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
