//! Paged lists in real checkers: the sample site with enough articles on one
//! tag, one background entry and one person that their lists run to a second
//! page (50 a page). The further pages of the front page, the tag, the
//! entry's «Brukt i» list and both people's pages must be valid HTML (vnu) and
//! pass axe-core in light and dark, 390 and 1280 px wide, like every other
//! page type.

use std::path::{Path, PathBuf};

use super::tools::copy_tree;
use super::{Axe, OutputText, REPO, Server, Vnu, base_path, forklar_build};

/// Articles added to the sample: more than one list page's worth.
const EXTRA_ARTICLES: usize = 55;

/// The sample site plus [`EXTRA_ARTICLES`] short articles, all tagged
/// «Kasakhstan», all using the CSTO entry, each quoting Helge Blakkisrud and
/// signed by the desk; built into `tmp/public`.
fn build_paged_site(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    for dir in ["content", "templates", "static"] {
        if Path::new(REPO).join(dir).is_dir() {
            copy_tree(&Path::new(REPO).join(dir), &site.join(dir));
        }
    }
    std::fs::copy(Path::new(REPO).join("site.toml"), site.join("site.toml")).expect("site.toml");
    for n in 1..=EXTRA_ARTICLES {
        let day = 1 + n % 28;
        let text = format!(
            r#"+++
title = "Oppfølging nummer {n} om Kasakhstan"
lead = "En kort oppfølging om uroen i Kasakhstan, nummer {n} i rekken."
date = 2022-02-{day:02}T{hour:02}:00:00+01:00
authors = ["forklart-redaksjonen"]
tags = ["Kasakhstan"]
background = ["csto"]

[[quotes]]
text = "Situasjonen er fortsatt uavklart, og det vil ta tid før vi vet hva som skjedde."
speaker = "blakkisrud"
source = "Forklart"
date = 2022-02-{day:02}

[[sources]]
title = "Forklarts egne intervjuer"
publisher = "Forklart"
+++

Dette er oppfølging nummer {n}. Myndighetene i Kasakhstan har ennå ikke lagt
fram en full oversikt over hva som skjedde i januar.
"#,
            hour = 8 + n % 10,
        );
        std::fs::write(site.join(format!("content/oppfolging-{n:03}.md")), text)
            .expect("write article");
    }
    let public = tmp.join("public");
    forklar_build(&site, &public);
    public
}

/// Every second page of a list in the output: `…/side/2/index.html` (or
/// `…/page/2/` on an English site), relative to `root`.
fn second_pages(root: &Path) -> Vec<String> {
    super::html_files(root)
        .into_iter()
        .filter_map(|file| {
            let rel = file
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let second = ["side/2/index.html", "page/2/index.html"]
                .iter()
                .any(|tail| rel == *tail || rel.ends_with(&format!("/{tail}")));
            second.then_some(rel)
        })
        .collect()
}

#[test]
fn second_pages_of_every_paged_list_are_valid_and_accessible() {
    let vnu = Vnu::find("vnu on paged lists");
    let axe = Axe::find("axe on paged lists");
    if vnu.is_none() && axe.is_none() {
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = build_paged_site(tmp.path());
    let pages = second_pages(&root);
    // The front page, the tag, the entry's «Brukt i», the quoted person and
    // the signing desk: each must have a second page, or this checks nothing.
    assert!(
        pages.iter().any(|page| page == "side/2/index.html"),
        "no second front page among {pages:?}"
    );
    for expected in [
        "/kasakhstan/side/2/index.html",
        "/csto/side/2/index.html",
        "/blakkisrud/side/2/index.html",
        "/forklart-redaksjonen/side/2/index.html",
    ] {
        assert!(
            pages.iter().any(|page| page.ends_with(expected)),
            "no list page ending in {expected} among {pages:?}"
        );
    }
    if let Some(vnu) = vnu {
        let files: Vec<PathBuf> = pages.iter().map(|page| root.join(page)).collect();
        let out = vnu.check(&files);
        assert!(
            out.status.success(),
            "vnu found errors in the second pages of lists:\n{}",
            out.text()
        );
    }
    if let Some(axe) = axe {
        let server = Server::start(&root, &base_path());
        let urls: Vec<String> = pages
            .iter()
            .map(|page| server.url(page.trim_end_matches("index.html")))
            .collect();
        let mut violations = String::new();
        for batch in urls.chunks(super::AXE_BATCH) {
            let out = axe.run(batch);
            match out.status.code() {
                Some(0) => println!("{}", out.text()),
                Some(1) => violations.push_str(&out.text()),
                _ => panic!("axe.mjs could not check the paged lists:\n{}", out.text()),
            }
        }
        assert!(
            violations.is_empty(),
            "axe-core found violations on the second pages of lists:\n{violations}"
        );
    }
}
