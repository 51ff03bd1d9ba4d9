//! A build that finds nothing it reads changed since the last build, and the
//! output folder as that build left it, renders nothing. These tests check
//! that every input counts: each source file, the options, the program, the
//! moment of the build, and every file of the output folder.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::common::{Entry, Run, Snapshot, TestSite};
use crate::fixture;

const REUSED: &str = "nothing was rendered";

/// Longer than the time a source must have been left alone for its build to
/// be reused (one second).
fn wait_until_settled() {
    std::thread::sleep(Duration::from_millis(1_200));
}

/// Files and their bytes, without forklar's manifest.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    Snapshot::of(dir)
        .entries
        .into_iter()
        .filter_map(|(path, entry)| match entry {
            Entry::File { bytes, .. } if path != ".forklar-manifest" => Some((path, bytes)),
            _ => None,
        })
        .collect()
}

/// What a build with `args` publishes into an empty folder.
fn fresh(site: &TestSite, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let fresh = site.outside().join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let mut all = vec!["--output", fresh.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = site.build_ok(&all);
    assert!(!run.stdout.contains(REUSED), "{}", run.stdout);
    contents(&fresh)
}

fn assert_rendered(run: &Run, after: &str) {
    assert!(
        !run.stdout.contains(REUSED),
        "the build after {after} must render:\n{}",
        run.stdout
    );
}

fn assert_reused(run: &Run, after: &str) {
    assert!(
        run.stdout.contains(REUSED) && run.stdout.contains(" 0 written,"),
        "the build after {after} had nothing to render:\n{}",
        run.stdout
    );
}

/// The summary line up to the time it took.
fn counts(run: &Run) -> &str {
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Built "))
        .unwrap();
    &line[..line.find(" in ").unwrap()]
}

#[test]
fn a_build_with_nothing_changed_renders_nothing_and_reports_as_the_last_one_did() {
    // No base_url: every build warns that the feeds need one.
    let site = fixture::site();
    wait_until_settled();
    let first = site.build_ok(&[]);
    assert_rendered(&first, "an empty folder");
    assert!(first.stderr.contains("base_url"), "{}", first.stderr);
    let before = site.snapshot_public();
    let again = site.build_ok(&[]);
    assert_reused(&again, "nothing changed");
    assert_eq!(counts(&again), counts(&first));
    assert_eq!(
        again.stderr, first.stderr,
        "the same warnings, word for word"
    );
    before.assert_unchanged(&site.snapshot_public(), "public/ after a reused build");
    site.assert_no_leftovers();
}

#[test]
fn a_source_saved_within_a_second_of_a_build_is_read_again_by_the_next() {
    let site = fixture::site();
    site.build_ok(&[]);
    // The files were written just now: a second edit within the file
    // system's clock tick could keep the stamp, so the build is not reused.
    assert_rendered(&site.build_ok(&[]), "sources written a moment ago");
}

/// What a change is called, what it does, and the options built with after it.
type Change<'a> = (&'a str, Box<dyn Fn() + 'a>, Vec<&'a str>);

#[test]
fn every_input_a_build_reads_makes_the_next_build_render_again() {
    let site = fixture::site();
    wait_until_settled();
    site.build_ok(&[]);
    assert_reused(&site.build_ok(&[]), "nothing changed");
    let same_size_edit = fixture::KASAKHSTAN.replace("Ingen vet.", "Ingen tror");
    assert_eq!(same_size_edit.len(), fixture::KASAKHSTAN.len());
    let changes: Vec<Change> = vec![
        (
            "an article edited to the same size",
            Box::new(|| site.write(fixture::KASAKHSTAN_FILE, &same_size_edit)),
            vec![],
        ),
        (
            "a file added to static/",
            Box::new(|| site.write("static/robots.txt", "User-agent: *\n")),
            vec![],
        ),
        (
            "a template added",
            Box::new(|| site.write("templates/base.html", fixture::marked_base_template())),
            vec![],
        ),
        (
            "a template removed",
            Box::new(|| site.remove("templates/base.html")),
            vec![],
        ),
        (
            "site.toml edited",
            Box::new(|| {
                site.write(
                    "site.toml",
                    fixture::SITE_TOML.replace("Forklart", "Forklart igjen"),
                )
            }),
            vec![],
        ),
        (
            "--base-url given",
            Box::new(|| {}),
            vec!["--base-url", "https://example.org/"],
        ),
        ("--drafts given", Box::new(|| {}), vec!["--drafts"]),
        ("--drafts left out again", Box::new(|| {}), vec![]),
        (
            "an article removed",
            Box::new(|| site.remove(fixture::BLABAER_FILE)),
            vec![],
        ),
    ];
    for (change, apply, args) in changes {
        apply();
        wait_until_settled();
        let run = site.build_ok(&args);
        assert_rendered(&run, change);
        assert_eq!(
            contents(&site.public_dir()),
            fresh(&site, &args),
            "public/ after {change}"
        );
        assert_reused(&site.build_ok(&args), &format!("{change}, built once"));
    }
    assert!(site.public(fixture::KASAKHSTAN_PAGE).contains("Ingen tror"));
    assert!(!site.has_public(fixture::BLABAER_PAGE));
}

#[test]
fn a_published_file_anyone_touched_is_put_right_even_when_no_source_changed() {
    let site = fixture::site();
    wait_until_settled();
    site.build_ok(&[]);
    let first = contents(&site.public_dir());
    let page = site.public_dir().join(fixture::KASAKHSTAN_PAGE);

    std::fs::remove_file(&page).unwrap();
    assert_rendered(&site.build_ok(&[]), "a page removed from public/");
    assert_eq!(contents(&site.public_dir()), first);

    // Same bytes, written anew: another inode and time.
    let bytes = std::fs::read(&page).unwrap();
    std::fs::remove_file(&page).unwrap();
    std::fs::write(&page, &bytes).unwrap();
    assert_rendered(&site.build_ok(&[]), "a page written anew");
    assert_reused(&site.build_ok(&[]), "the page was taken over");

    // A folder moved away and linked back keeps every file's stamp; the
    // link is still found, and never read through.
    let folder = page.parent().unwrap();
    let moved = site.outside().join("moved");
    std::fs::rename(folder, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, folder).unwrap();
    let run = site.build(&[]);
    assert_rendered(&run, "a folder of public/ replaced by a link");
}

const SITE_TOML: &str = r#"title = "Forklart"
language = "nb"
base_url = "https://example.org/"
timezone = "Europe/Oslo"
"#;

/// Published 8 January 2022 at 10:00 on the site's clock (09:00 UTC), live
/// until 18:00 the same day.
const SCHEDULED: &str = r#"+++
title = "Planlagt direktesak"
date = 2022-01-08T10:00:00
live_until = 2022-01-08T18:00:00
lead = "CSTO trekker seg ut."

[[updates]]
time = 2022-01-08T10:05:00
text = "De første soldatene drar."
+++

Tekst.
"#;

#[test]
fn publishing_a_live_story_ending_and_the_news_window_closing_each_end_a_reuse() {
    let site = TestSite::new(SITE_TOML).with("content/planlagt.md", SCHEDULED);
    wait_until_settled();
    let page = "planlagt/index.html";
    let build_at = |now: &str| site.build_ok(&["--now", now]);

    assert_rendered(&build_at("2022-01-08T09:00:00+01:00"), "an empty folder");
    assert!(!site.has_public(page), "not published before its time");
    assert_reused(&build_at("2022-01-08T09:59:00+01:00"), "a minute before");
    assert_rendered(&build_at("2022-01-08T10:00:00+01:00"), "its time came");
    assert!(site.has_public(page));
    assert!(site.public(page).contains("Direkte"));
    assert!(site.public("news-sitemap.xml").contains("/planlagt/"));

    assert_reused(&build_at("2022-01-08T17:59:00+01:00"), "still live");
    assert_rendered(&build_at("2022-01-08T18:00:00+01:00"), "live_until passed");
    assert!(site.public(page).contains("Avsluttet"));

    // In Google News' window for 48 hours from 09:00 UTC, then out of it.
    assert_reused(
        &build_at("2022-01-10T09:00:00Z"),
        "the window's last second",
    );
    assert_rendered(&build_at("2022-01-10T09:00:01Z"), "the window closed");
    assert!(!site.public("news-sitemap.xml").contains("/planlagt/"));

    // A build for an earlier moment than the last one's is made anew.
    assert_rendered(
        &build_at("2022-01-08T09:00:00+01:00"),
        "a build for the past",
    );
    assert!(!site.has_public(page));
    assert_eq!(
        contents(&site.public_dir()),
        fresh(&site, &["--now", "2022-01-08T09:00:00+01:00"])
    );
}
