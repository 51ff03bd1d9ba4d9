//! Search on the built sample site, in headless Chromium, served under a
//! sub-path by a static server (`tests/browser/search.mjs`): «CSTO» gives the
//! CSTO entry first and then the articles, «Tokajev» the entry and the
//! articles, by keyboard alone, with no request leaving the site's path; and
//! vnu and axe-core (390 and 1280 px, light and dark) find nothing on the
//! search, people and corrections pages.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::tools::browser_dir;
use super::{Axe, Server, Vnu, run};

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const SUB_PATH: &str = "/nyheter/";

/// The sample site built with its base URL under a sub-path.
fn build_under_sub_path(out: &Path) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklar"));
    cmd.args(["build", "--root", REPO, "--base-url"])
        .arg(format!("https://x.no{SUB_PATH}"))
        .arg("--output")
        .arg(out);
    for name in ["CONTEXT", "CF_PAGES_BRANCH", "GITHUB_EVENT_NAME"] {
        cmd.env_remove(name);
    }
    let built = run(&mut cmd, "forklar build");
    assert!(built.status.success(), "forklar build failed: {built:?}");
}

/// The pages the search, people and corrections checks look at, relative to
/// the output folder.
fn checked_pages(out: &Path) -> Vec<String> {
    let mut pages = vec!["sok/".to_string(), "rettelser/".to_string()];
    let people = std::fs::read_dir(out.join("personer")).expect("the people's pages");
    for entry in people {
        let name = entry.expect("an entry").file_name();
        pages.push(format!("personer/{}/", name.to_string_lossy()));
    }
    pages.sort();
    pages
}

#[test]
fn search_finds_the_entry_first_then_the_articles_under_a_sub_path() {
    let Some(_axe) = Axe::find("search page in Chromium") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    build_under_sub_path(&out);
    let server = Server::start(&out, SUB_PATH);
    let others: Vec<String> = checked_pages(&out)
        .into_iter()
        .filter(|p| p != "sok/")
        .map(|p| server.url(&p))
        .collect();
    assert!(
        others.len() >= 3,
        "the corrections page and people: {others:?}"
    );
    let mut cmd = Command::new("node");
    cmd.arg(browser_dir().join("search.mjs"))
        .arg(server.url("sok/"))
        .arg(SUB_PATH)
        .args(&others);
    let done = run(&mut cmd, "search.mjs");
    assert!(
        done.status.success(),
        "search misbehaved in Chromium:\n{}\n{}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
    println!("{}", String::from_utf8_lossy(&done.stdout));
}

#[test]
fn search_people_and_corrections_pages_are_valid_html() {
    let Some(vnu) = Vnu::find("vnu on the search, people and corrections pages") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    build_under_sub_path(&out);
    let files: Vec<PathBuf> = checked_pages(&out)
        .iter()
        .map(|p| out.join(p).join("index.html"))
        .collect();
    let checked = vnu.check(&files);
    assert!(
        checked.status.success(),
        "vnu found errors:\n{}\n{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}
