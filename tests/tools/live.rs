//! A live article in headless Chromium on a static server (not `forklar
//! serve`, whose reload would refresh the page anyway): the page offers and
//! inserts an update from a newer build without navigating, and lists every
//! update with scripts off (`tests/browser/live.mjs`).

use std::path::Path;
use std::process::Command;

use super::tools::browser_dir;
use super::{Axe, Server, Vnu, run};

const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn"
base_url = "https://example.org/"
language = "nb"
"#;

fn live_article(updates: usize) -> String {
    let mut text = String::from(
        "+++\ntitle = \"Direkte: styrker sendes\"\ndate = 2022-01-06T08:00\nlive = true\nknown = [\"Styrkene er på vei.\"]\nunknown = [\"Hvor lenge de blir.\"]\n",
    );
    for n in 0..updates {
        text.push_str(&format!(
            "\n[[updates]]\ntime = 2022-01-06T1{n}:00\ntext = \"Oppdatering nummer {n}.\"\nsource = \"Reuters\"\n"
        ));
    }
    text.push_str("+++\n\nBakgrunn.\n");
    text
}

fn build(root: &Path, out: &Path) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklar"));
    cmd.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out);
    let built = run(&mut cmd, "forklar build");
    assert!(built.status.success(), "forklar build failed: {built:?}");
}

#[test]
fn a_live_article_offers_new_updates_in_place_and_lists_all_without_scripts() {
    let Some(axe) = Axe::find("live article script") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content")).expect("site folder");
    std::fs::write(site.join("site.toml"), SITE_TOML).expect("site.toml");
    let (older, newer) = (tmp.path().join("older"), tmp.path().join("newer"));
    std::fs::write(site.join("content/live.md"), live_article(2)).expect("article");
    build(&site, &older);
    std::fs::write(site.join("content/live.md"), live_article(3)).expect("article");
    build(&site, &newer);

    let server = Server::start(&older, "/");
    let mut cmd = Command::new("node");
    cmd.arg(browser_dir().join("live.mjs"))
        .arg(server.url("live/"))
        .arg(&older)
        .arg(&newer)
        .arg("live");
    let out = run(&mut cmd, "live.mjs");
    assert!(
        out.status.success(),
        "the live article misbehaved in Chromium:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(vnu) = Vnu::find("vnu on a live article") {
        let checked = vnu.check(&[older.join("live/index.html")]);
        assert!(
            checked.status.success(),
            "vnu found errors on a live article:\n{}\n{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
    }
    println!("{}", String::from_utf8_lossy(&out.stdout));
    // The live page, script and all, passes axe (light and dark, phone and desktop).
    let checked = axe.run(&[server.url("live/")]);
    assert!(
        checked.status.success(),
        "axe-core found violations on a live article:\n{}\n{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}
