//! Invariants that must hold for any input, whatever a writer or a broken file
//! throws at forklar. The fuzz targets in `fuzz/` call these with generated
//! input, and `tests/fuzz_corpus.rs` replays the kept corpus through them, so
//! every input that once broke a rule stays a regression test. It lives
//! beside the fuzz targets, not in the library, and is compiled into both.

use std::path::Path;

use forklar::content::BackgroundEntry;
use forklar::dates::Date;
use forklar::i18n::Language;
use forklar::links::{LinkIndex, LinkScope};
use forklar::markdown::{self, MarkdownOptions, Mention};
use forklar::parts;
use forklar::site::Article;
use forklar::slug::slugify;

/// Reading a content file never panics, and every error it reports can be shown.
pub fn front_matter(text: &str) {
    match Article::parse(Path::new("content/sak.md"), text.to_string()) {
        Ok(article) => {
            let _ = article.body();
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a failed parse must say why");
            for problem in problems {
                let shown = problem.to_string();
                assert!(shown.starts_with("error: "), "{shown}");
            }
        }
    }
    if let Err(problems) = BackgroundEntry::parse(Path::new("content/background/csto.md"), text) {
        for problem in problems {
            let _ = problem.to_string();
        }
    }
}

/// Rendering Markdown never panics, never lets a script link through, and
/// never publishes a NUL.
pub fn markdown(text: &str) {
    let mentions = [Mention {
        aliases: vec!["CSTO".into(), "Nazarbajev".into()],
        url: "/bakgrunn/csto/".into(),
        title: "CSTO".into(),
        summary: "En «allianse» & <mer>".into(),
    }];
    let index = LinkIndex {
        base_path: "/sub/".into(),
        urls: [(
            std::path::PathBuf::from("content/annen.md"),
            "/sub/annen/".to_string(),
        )]
        .into(),
        ..LinkIndex::default()
    };
    let reserved = vec!["tittel".to_string()];
    for escape_html in [false, true] {
        let options = MarkdownOptions {
            escape_html,
            links: Some(LinkScope {
                index: &index,
                from: Path::new("content/sak.md"),
            }),
            reserved_ids: &reserved,
            markers: parts::markers(),
            // Typography runs on every rendered body, so it is fuzzed with it.
            language: Some(Language::Nb),
            figures: None,
        };
        let rendered = markdown::render(text, &mentions, options);
        check_html(&rendered.html);
        let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
        let unique: std::collections::HashSet<&&str> = ids.iter().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "heading ids must be unique: {ids:?}"
        );
        assert!(
            !ids.contains(&"tittel"),
            "a reserved id was given to a heading"
        );
        check_html(&markdown::render(text, &[], options).html);
        check_feed(text, &rendered.html);
    }
    let inline = markdown::render_inline(text);
    check_html(&inline);
    assert!(
        !inline.contains("<script"),
        "raw HTML passed through inline Markdown: {inline}"
    );
}

/// The same text as a feed's title and entry: the feed is XML, which no
/// control character may enter.
fn check_feed(text: &str, html: &str) {
    use forklar::dates::ShownDate;
    use forklar::render::feeds::{FeedEntry, FeedInfo, atom};
    use forklar::render::views::ArticleSummary;
    let date = ShownDate {
        iso: "2022-01-06".into(),
        text: "6. januar 2022".into(),
        rfc3339: "2022-01-06T00:00:00Z".into(),
        time: String::new(),
        moment: "6. januar 2022".into(),
    };
    let summary = ArticleSummary {
        kind: forklar::kind::Kind::default().view(Language::Nb),
        title: text.to_string(),
        kicker: None,
        lead: Some(text.to_string()),
        url: "/a/".into(),
        permalink: "https://example.org/a/".into(),
        date: date.clone(),
        updated: None,
        update_note: Some(text.to_string()),
        tags: Vec::new(),
    };
    let xml = atom(
        &FeedInfo {
            title: text,
            description: text,
            base_url: "https://example.org/",
            language: "nb",
            updated: &date.rfc3339,
        },
        &[FeedEntry {
            id: format!("tag:example.org,2022-01-06:/{text}"),
            summary: &summary,
            authors: vec![text.to_string()],
            content: html.to_string(),
        }],
    );
    assert!(
        !xml.chars().any(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')),
        "the feed carries a character XML does not allow"
    );
}

fn check_html(html: &str) {
    assert!(!html.contains('\0'), "a NUL was published");
    // No heading may carry an event handler (`## T {onclick=…}`).
    let lower = html.to_ascii_lowercase();
    for (at, _) in lower.match_indices("<h") {
        let tag = &lower[at..];
        if tag.as_bytes().get(2).is_some_and(u8::is_ascii_digit) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            assert!(
                !tag.split_whitespace()
                    .skip(1)
                    .any(|a| a.starts_with("on") && a.contains('=')),
                "a heading carries an event handler: {tag}"
            );
        }
    }
    assert!(
        !html.to_ascii_lowercase().contains("href=\"javascript:"),
        "a script link was published: {html}"
    );
}

/// A date that parses is shown without panicking, and its machine form parses
/// back to the same date.
pub fn date(text: &str) {
    if let Ok(date) = Date::parse(text) {
        let iso = date.iso();
        assert_eq!(Date::parse(&iso), Ok(date), "{text:?} → {iso:?}");
        for language in [Language::Nb, Language::En] {
            let _ = date.long(language);
            let _ = date.text(language, false);
        }
        let _ = date.rfc3339();
    }
}

/// A slug is lowercase ASCII letters, digits and single hyphens, never at the ends.
pub fn slug(text: &str) {
    let slug = slugify(text);
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{text:?} → {slug:?}"
    );
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-'),
        "{text:?} → {slug:?}"
    );
    assert!(!slug.contains("--"), "{text:?} → {slug:?}");
    assert_eq!(slugify(&slug), slug, "a slug must be its own slug");
}

/// The property the fuzz target checks: an accepted manifest holds only paths
/// that stay inside the output folder, and round-trips through [`render`].
pub fn manifest(text: &str) {
    if let Ok(entries) = forklar::output::manifest::parse(text) {
        for entry in &entries {
            assert!(
                forklar::output::manifest::path_problem(entry).is_none(),
                "accepted {entry:?}"
            );
            let path = std::path::Path::new(entry);
            assert!(path.is_relative(), "accepted {entry:?}");
            assert!(
                path.components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))),
                "accepted {entry:?}"
            );
        }
        assert_eq!(
            forklar::output::manifest::parse(&forklar::output::manifest::render(
                entries.iter().map(String::as_str)
            ))
            .as_ref(),
            Ok(&entries)
        );
    }
}
