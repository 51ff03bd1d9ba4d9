//! `forklar impact PATH...`: the published files a change to some files
//! renders again, from the same records `serve` rebuilds by.

use std::path::PathBuf;

use forklar::build::BuildOptions;
use forklar::incremental::Session;

use crate::common::{TestSite, assert_contains};
use crate::explainer::{self, CSTO, CSTO_FILE};

fn impact(site: &TestSite, cwd: &std::path::Path, paths: &[&str]) -> crate::common::Run {
    let root = site.root().to_str().expect("a UTF-8 temporary path");
    let mut args = vec!["impact", "--root", root];
    args.extend_from_slice(paths);
    site.run_in(cwd, &args)
}

#[test]
fn impact_of_an_entry_is_what_serve_renders_again_when_it_is_saved() {
    let site = explainer::site();
    let run = impact(&site, site.root(), &[CSTO_FILE]);
    run.assert_success();
    let listed: Vec<String> = run.stdout.lines().map(str::to_string).collect();

    // The library, as `serve` drives it: build, save an edit of the entry, and
    // see which pages it rendered again. `impact` cannot know the edit, so it
    // names what any edit renders: one of what boxes show of the entry (an
    // edit of its text alone leaves the articles with it in their box).
    let out = tempfile::tempdir().expect("a temporary folder");
    let mut options = BuildOptions::new(site.root());
    options.output = out.path().join("site");
    let mut session = Session::new(options);
    session.rebuild_all("start").expect("the fixture builds");
    site.write(
        CSTO_FILE,
        CSTO.replace(
            "kalt \"Russlands NATO\"",
            "kalt \"Russlands NATO\" av mange",
        ),
    );
    let report = session
        .apply(&[PathBuf::from(CSTO_FILE)])
        .expect("the edit builds");
    assert_eq!(
        listed, report.rendered,
        "`forklar impact` and a rebuild in `serve` disagree"
    );

    // What an editor expects among them: the entry's own page, the articles
    // with it in their box, the list of entries; not an article without it,
    // and not the draft that uses it.
    let text = run.stdout.clone();
    for page in [
        "bakgrunn/csto/index.html",
        "uro/index.html",
        "fredsstyrke/index.html",
        "bakgrunn/index.html",
    ] {
        assert!(listed.iter().any(|l| l == page), "{page} missing:\n{text}");
    }
    assert!(!listed.iter().any(|l| l.starts_with("flere-ar/")), "{text}");
    assert!(!listed.iter().any(|l| l.starts_with("utkast/")), "{text}");
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "the list is sorted");
}

#[test]
fn impact_takes_paths_from_the_current_folder_and_refuses_others() {
    let site = explainer::site();
    let from_root = impact(&site, site.root(), &[CSTO_FILE]);
    from_root.assert_success();
    // The same file named from the folder above the site.
    let from_outside = impact(&site, site.outside(), &["site/content/background/csto.md"]);
    from_outside.assert_success();
    assert_eq!(from_root.stdout, from_outside.stdout);
    // Named from the site's folder (`--root`), where the current folder has no such path.
    let from_site = impact(&site, site.outside(), &[CSTO_FILE]);
    from_site.assert_success();
    assert_eq!(from_root.stdout, from_site.stdout);
    // A static file that no page reads is published by itself only.
    site.write("static/notat.txt", "Et notat.\n");
    let run = impact(&site, site.root(), &["static/notat.txt"]);
    run.assert_success();
    assert_eq!(run.stdout, "notat.txt\n");
    // Every page reads the site's settings and templates.
    let all = impact(&site, site.root(), &["site.toml"]);
    all.assert_success();
    for page in [
        "index.html",
        "uro/index.html",
        "bakgrunn/csto/index.html",
        "notat.txt",
    ] {
        assert!(
            all.stdout.lines().any(|l| l == page),
            "{page}:\n{}",
            all.stdout
        );
    }
    let template = impact(&site, site.root(), &["templates/partials/quotes.html"]);
    assert_eq!(template.stdout, all.stdout);
    let run = impact(&site, site.outside(), &["annet/fil.md"]);
    run.assert_failure();
    run.assert_stderr_contains("is not in the site's folder");
    run.assert_help();
    assert_contains(&run.stderr, "annet/fil.md", "the error");
    // Each run built into a temporary folder of its own; none left a record
    // of what it published in the cache, where it would only pile up.
    let records = site.root().join(".forklar-cache/output");
    let left: Vec<_> = std::fs::read_dir(&records)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        left.is_empty(),
        "records left in {}: {left:?}",
        records.display()
    );
}
