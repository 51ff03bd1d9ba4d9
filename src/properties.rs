//! Invariants that must hold for any input, whatever a writer or a broken file
//! throws at forklar. The fuzz targets in `fuzz/` call these with generated
//! input, and `tests/fuzz_corpus.rs` replays the kept corpus through them, so
//! every input that once broke a rule stays a regression test.

use std::path::Path;

use crate::content::{Article, BackgroundEntry};
use crate::dates::Date;
use crate::i18n::Language;
use crate::markdown::{self, MarkdownOptions, Mention};
use crate::slug::slugify;

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
    let resolve = |dest: &str| dest.strip_suffix(".md").map(|slug| format!("/{slug}/"));
    let reserved = vec!["tittel".to_string()];
    for escape_html in [false, true] {
        let options = MarkdownOptions {
            escape_html,
            links: Some(&resolve),
            reserved_ids: &reserved,
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
        check_html(&markdown::render_block(text, options));
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
