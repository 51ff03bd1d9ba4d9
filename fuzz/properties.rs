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
    }
    let inline = markdown::render_inline(text);
    check_html(&inline);
    assert!(
        !inline.contains("<script"),
        "raw HTML passed through inline Markdown: {inline}"
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
