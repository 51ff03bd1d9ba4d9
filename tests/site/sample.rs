//! The repository's own sample site builds, and its pages hold its articles.

use std::path::Path;

use crate::common::{Run, Snapshot, assert_contains, escape, first_element, run_forklar};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// An article of the sample site, read from its file.
struct SampleArticle {
    file: String,
    title: String,
    lead: Option<String>,
    slug: String,
    body: String,
}

fn sample_articles() -> Vec<SampleArticle> {
    let content = Path::new(REPO).join("content");
    let mut articles = Vec::new();
    for entry in std::fs::read_dir(&content).expect("the sample site's content/") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (front, body) = text
            .strip_prefix("+++\n")
            .and_then(|rest| rest.split_once("\n+++\n"))
            .unwrap_or_else(|| panic!("{} should start with +++ front matter", path.display()));
        let fields: toml::Table = toml::from_str(front).expect("front matter");
        if fields.get("draft").and_then(|d| d.as_bool()) == Some(true) {
            continue;
        }
        let text_of = |key: &str| fields.get(key).and_then(|v| v.as_str()).map(String::from);
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        articles.push(SampleArticle {
            file: format!("content/{}", path.file_name().unwrap().to_string_lossy()),
            title: text_of("title").expect("a title"),
            lead: text_of("lead"),
            slug: text_of("slug").unwrap_or(stem),
            body: body.to_string(),
        });
    }
    articles.sort_by(|a, b| a.file.cmp(&b.file));
    articles
}

fn build_sample(out: &Path) -> Run {
    let run = run_forklar(
        Path::new(REPO),
        &["build", "--root", REPO, "--output", out.to_str().unwrap()],
    );
    run.assert_success();
    run
}

#[test]
fn the_sample_site_builds_and_lists_its_articles() {
    let out = tempfile::tempdir().unwrap();
    let before = Snapshot::of(&Path::new(REPO).join("content"));
    build_sample(out.path());
    let articles = sample_articles();
    assert!(
        articles.len() >= 2,
        "the sample site should have at least two articles"
    );
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    for article in &articles {
        assert_contains(
            &index,
            &escape(&article.title),
            &format!("the front page (listing {})", article.file),
        );
        assert_contains(
            &index,
            &format!("/{}/\"", article.slug),
            &format!("the front page (linking {})", article.file),
        );
        let page = out.path().join(&article.slug).join("index.html");
        assert!(
            page.is_file(),
            "{} should be published at {}",
            article.file,
            page.display()
        );
    }
    before.assert_unchanged(
        &Snapshot::of(&Path::new(REPO).join("content")),
        "the sample site's content/",
    );
}

#[test]
fn the_sample_sites_main_article_holds_its_title_and_norwegian_text() {
    let out = tempfile::tempdir().unwrap();
    build_sample(out.path());
    let articles = sample_articles();
    let main = articles
        .iter()
        .find(|a| a.file == "content/kasakhstan-uro-januar-2022.md")
        .or_else(|| articles.first())
        .expect("a sample article");
    let html = std::fs::read_to_string(out.path().join(&main.slug).join("index.html")).unwrap();
    let page = format!("the page of {}", main.file);
    assert_eq!(
        first_element(&html, "h1"),
        Some(escape(&main.title).as_str()),
        "the first <h1> of {page} should be the title"
    );
    assert_contains(&html, r#"<html lang="nb">"#, &page);
    if let Some(lead) = &main.lead {
        assert_contains(&html, &escape(lead), &page);
    }
    // Every `## heading` is a heading on the page.
    for heading in main.body.lines().filter_map(|l| l.strip_prefix("## ")) {
        assert_contains(&html, &format!("{}</h2>", escape(heading.trim())), &page);
    }
    // Every Norwegian word of the first paragraph (one with æ, ø or å) is on the page.
    let first_paragraph = main
        .body
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#') && !p.starts_with("{{"))
        .expect("a first paragraph");
    let words: Vec<&str> = first_paragraph
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.contains(['æ', 'ø', 'å', 'Æ', 'Ø', 'Å']))
        .collect();
    assert!(
        !words.is_empty(),
        "the first paragraph should have Norwegian letters"
    );
    for word in words {
        assert_contains(&html, word, &page);
    }
}
