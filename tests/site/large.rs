//! Very long articles: published in full on their page, while the feed,
//! which readers fetch whole and often, carries only the lead of one.

use crate::common::{BIN, TestSite, assert_contains, assert_lacks};

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

/// A large site keeps no article's text in memory after reading it: errors
/// found between files later are drawn from the file, read again, and still
/// name the line and column and show the line.
#[test]
fn errors_between_files_point_at_their_line_although_no_text_is_kept() {
    let site = TestSite::new(SITE_TOML)
        .with(
            "content/a.md",
            "+++\ntitle = \"A\"\ndate = 2022-01-09\nslug = \"uro\"\n+++\n\nTekst.\n",
        )
        .with(
            "content/b.md",
            "+++\ntitle = \"B\"\ndate = 2022-01-07\n\nslug = \"uro\"\n+++\n\nTekst.\n",
        )
        .with(
            "content/c.md",
            "+++\ntitle = \"C\"\ndate = 2022-01-08\ntags = [\"Uro\"]\n\n\nbackground = [\"finnes-ikke\"]\n+++\n\nTekst.\n",
        );
    let run = site.build(&[]);
    run.assert_failure();
    // The newer article keeps the address; the older one is told.
    run.assert_stderr_contains("two pages have the URL /uro/");
    run.assert_points_at(&site, "content/b.md", Some(5));
    run.assert_stderr_contains("unknown background entry `finnes-ikke`");
    let (_, column) = run.assert_points_at(&site, "content/c.md", Some(7));
    assert_eq!(column, 15, "{}", run.stderr);
}

/// The body is read again when the page is rendered; it is the body that
/// was checked, after a front matter of any length.
#[test]
fn an_article_body_after_a_long_front_matter_is_published_whole() {
    let points: Vec<String> = (1..=5)
        .map(|n| format!("\"Punkt {n} om uroen i Kasakhstan, med æ, ø og å.\""))
        .collect();
    let site = TestSite::new(SITE_TOML).with(
        "content/lang-ingress.md",
        format!(
            "+++\ntitle = \"Lang ingress\"\ndate = 2022-01-07\nsummary = [{}]\n+++\n\nFørste avsnitt.\n\nSiste avsnitt.\n",
            points.join(", ")
        ),
    );
    site.build_ok(&[]);
    let page = site.public("lang-ingress/index.html");
    for text in ["Første avsnitt.", "Siste avsnitt.", "Punkt 5 om uroen"] {
        assert_contains(&page, text, "public/lang-ingress/index.html");
    }
    assert_lacks(&page, "+++", "public/lang-ingress/index.html");
}

/// The binary allocates with jemalloc, hands freed memory back within 50 ms
/// and rounds large blocks to size classes, which keeps a build's peak at
/// what it holds (src/allocator.rs): jemalloc lists the options it took when
/// asked to confirm them.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[test]
fn the_binary_allocates_with_jemalloc_and_its_quick_give_back() {
    let output = std::process::Command::new(BIN)
        .arg("--version")
        .env("_RJEM_MALLOC_CONF", "confirm_conf:true")
        .output()
        .expect("run the forklar binary");
    assert!(output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    for option in [
        "dirty_decay_ms:50",
        "muzzy_decay_ms:0",
        "disable_large_size_classes:false",
    ] {
        assert_contains(
            &said,
            &format!("Set conf value: {option}"),
            "jemalloc's report",
        );
    }
}
