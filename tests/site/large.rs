//! Very long articles: published in full on their page, while the feed,
//! which readers fetch whole and often, carries only the lead of one.

use crate::common::{TestSite, assert_contains, assert_lacks};

const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn for nyhetene"
language = "nb"
base_url = "https://example.org/"
search = false
"#;

/// An article whose body is at least `bytes` long, ending in `last`.
fn long_article(title: &str, lead: &str, bytes: usize, last: &str) -> String {
    let paragraph = "Protestene spredte seg fra Zjanaozen til Almaty, og regjeringen gikk av. ";
    let mut body = String::new();
    while body.len() < bytes {
        body.push_str(paragraph);
        body.push_str("\n\n");
    }
    format!("+++\ntitle = \"{title}\"\ndate = 2022-01-07\nlead = \"{lead}\"\n+++\n\n{body}{last}\n")
}

#[test]
fn a_very_long_article_is_published_whole_and_its_feed_entry_has_the_lead() {
    let site = TestSite::new(SITE_TOML)
        .with(
            "content/lang.md",
            long_article(
                "Den lange rapporten",
                "Alt om uroen i januar.",
                1_200_000,
                "Siste avsnitt i rapporten.",
            ),
        )
        .with(
            "content/kort.md",
            long_article(
                "Kort sak",
                "En kort sak.",
                200,
                "Siste avsnitt i den korte.",
            ),
        );
    site.build_ok(&[]);

    let page = site.public("lang/index.html");
    assert_contains(
        &page,
        "Siste avsnitt i rapporten.",
        "public/lang/index.html",
    );
    assert!(page.len() > 1_200_000, "the page carries the whole body");

    let feed = site.public("atom.xml");
    let entries: Vec<&str> = feed.split("<entry>").skip(1).collect();
    let long = entries
        .iter()
        .find(|e| e.contains("Den lange rapporten"))
        .expect("the long article has a feed entry");
    let short = entries
        .iter()
        .find(|e| e.contains("Kort sak"))
        .expect("the short article has a feed entry");
    assert_contains(
        long,
        "<summary>Alt om uroen i januar.</summary>",
        "its entry",
    );
    assert_contains(long, "https://example.org/lang/", "its entry");
    assert_lacks(long, "<content", "the long article's entry");
    assert_lacks(&feed, "Siste avsnitt i rapporten.", "atom.xml");
    assert!(
        feed.len() < 100_000,
        "the feed stays small: {} bytes",
        feed.len()
    );
    assert_contains(
        short,
        "<content type=\"html\">",
        "the short article's entry",
    );
    assert_contains(
        short,
        "Siste avsnitt i den korte.",
        "the short article's entry",
    );
}
