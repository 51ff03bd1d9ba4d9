//! What CMSs write builds: every article in tests/fixtures/cms/ (captured from
//! the real Decap CMS, or written from Sveltia CMS's documentation; see the
//! README there) is built with the real binary beside the sample site's
//! background entries and people, and its page must show each field the
//! CMS wrote.

use std::path::Path;

use crate::common::{TestSite, read_text};
use crate::fixture::SITE_TOML;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A site with the sample site's entries, people and timelines, and `article`.
fn site_with(name: &str, article: &str) -> TestSite {
    let site = TestSite::new(SITE_TOML);
    for folder in ["content/background", "content/people", "content/timelines"] {
        for entry in std::fs::read_dir(Path::new(REPO).join(folder)).expect("sample folder") {
            let path = entry.expect("entry").path();
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            site.write(&format!("{folder}/{file}"), read_text(&path));
        }
    }
    site.write(&format!("content/{name}"), article);
    site
}

/// The texts a reader must find: the title, the lead, every part's text
/// fields and the first line of the body.
fn expected(article: &str) -> Vec<String> {
    let rest = article.strip_prefix("+++\n").expect("+++ front matter");
    let (front, body) = rest.split_once("\n+++\n").expect("closing +++");
    let table: toml::Table = front.parse().expect("the fixture's front matter is TOML");
    let mut texts = Vec::new();
    let mut push = |value: Option<&toml::Value>| {
        if let Some(text) = value.and_then(toml::Value::as_str) {
            texts.push(text.to_string());
        }
    };
    push(table.get("title"));
    push(table.get("lead"));
    for list in ["summary", "known", "unknown"] {
        for item in table
            .get(list)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            push(Some(item));
        }
    }
    let tables = |key: &str| -> Vec<toml::Table> {
        table
            .get(key)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_table().cloned())
            .collect()
    };
    for (key, fields) in [
        ("timeline", &["title"][..]),
        ("quotes", &["text", "speaker", "source"][..]),
        ("key_figures", &["label", "source"][..]),
        ("questions", &["question", "answer"][..]),
        ("sources", &["title"][..]),
    ] {
        for item in tables(key) {
            for field in fields {
                push(item.get(*field));
            }
        }
    }
    texts.push(body.trim().lines().next().unwrap_or_default().to_string());
    texts.retain(|t| !t.trim().is_empty());
    texts
}

fn builds_and_shows_everything(fixture: &str) {
    let path = Path::new(REPO).join("tests/fixtures/cms").join(fixture);
    let article = read_text(&path);
    let site = site_with(fixture, &article);
    site.build_ok(&[]);
    let slug = fixture.trim_end_matches(".md");
    // Typography keeps «5. januar» together with a no-break space.
    let page = site
        .public(&format!("{slug}/index.html"))
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace("&nbsp;", " ");
    let texts = expected(&article);
    assert!(
        texts.len() >= 5,
        "too little to check in {fixture}: {texts:?}"
    );
    for text in texts {
        assert!(
            page.contains(&text),
            "{fixture}: the page does not show «{text}»"
        );
    }
}

#[test]
fn an_article_decap_cms_wrote_builds_and_shows_every_field() {
    builds_and_shows_everything("decap-article.md");
}

#[test]
fn an_article_in_sveltia_cms_shapes_builds_and_shows_every_field() {
    builds_and_shows_everything("sveltia-article.md");
}

#[test]
fn keys_in_another_order_build_the_same_page() {
    let path = Path::new(REPO).join("tests/fixtures/cms/sveltia-article.md");
    let article = read_text(&path);
    // The plain keys reversed, as a CMS with another field order writes them.
    let (front, body) = article
        .strip_prefix("+++\n")
        .and_then(|rest| rest.split_once("\n+++\n"))
        .expect("front matter");
    let (plain, tables) = front.split_at(front.find("\n[[").expect("tables"));
    let mut lines: Vec<&str> = plain.lines().collect();
    lines.reverse();
    let reordered = format!("+++\n{}{tables}\n+++\n{body}", lines.join("\n"));
    let first = site_with("sveltia-article.md", &article);
    first.build_ok(&[]);
    let second = site_with("sveltia-article.md", &reordered);
    second.build_ok(&[]);
    assert_eq!(
        first.public("sveltia-article/index.html"),
        second.public("sveltia-article/index.html")
    );
}
