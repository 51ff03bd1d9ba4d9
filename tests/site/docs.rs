//! The examples in docs/writing.md build as written: the site settings, the full
//! article, the background entry, the person and the shared timeline, pasted
//! into a copy of the sample site's content.

use std::path::Path;

use crate::common::{TestSite, assert_contains, first_element, run_forklar};
use crate::tools::copy_tree;

const WRITING: &str = include_str!("../../docs/writing.md");

/// The text of the first fenced block after the heading `heading` in
/// docs/writing.md, without its fences.
fn example_after(heading: &str) -> &'static str {
    let at = WRITING
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs/writing.md has no heading {heading:?}"));
    let rest = &WRITING[at..];
    let fence = rest
        .find("\n```")
        .unwrap_or_else(|| panic!("no fenced example after {heading:?}"))
        + 1;
    let start = fence + rest[fence..].find('\n').expect("the fence's line ends") + 1;
    let end = start
        + rest[start..]
            .find("\n```")
            .unwrap_or_else(|| panic!("the example after {heading:?} is not closed"))
        + 1;
    &rest[start..end]
}

#[test]
fn the_examples_in_docs_writing_build_in_the_sample_site() {
    let site = TestSite::new(example_after("## site.toml"));
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    copy_tree(&sample, &site.root().join("content"));
    site.write("content/fullt-eksempel.md", example_after("## An article"));
    site.write(
        "content/background/csto.md",
        example_after("## A background entry"),
    );
    site.write("content/people/blakkisrud.md", example_after("## A person"));
    site.write(
        "content/timelines/kasakhstan-2022.toml",
        example_after("## A shared timeline"),
    );
    // The images the entry and the person name, which the sample lacks.
    site.write("content/background/csto.png", super::images::small_png());
    site.write("static/bilder/blakkisrud.jpg", super::images::small_jpeg());
    // A shared timeline has a page once an article uses it.
    site.write(
        "content/bruker-tidslinjen.md",
        "+++\ntitle = \"Tidslinjen\"\ndate = 2022-01-08\ntimeline_file = \"kasakhstan-2022\"\n+++\n\nTekst.\n",
    );

    site.build_ok(&[]);
    let article = site.public("kasakhstan/index.html");
    assert_eq!(
        first_element(&article, "h1"),
        Some("Hva skjer i Kasakhstan?"),
        "the full article's page has its title"
    );
    // `known`, which TOML gives the last quote when it is written after one.
    assert_contains(&article, "Regjeringen har gått av.", "the article");
    assert_contains(&article, "Sitatet, uten anførselstegn.", "the article");
    assert_contains(
        &site.public("bakgrunn/csto/index.html"),
        "Én til tre setninger som forklarer.",
        "the background entry",
    );
    assert_contains(
        &site.public("personer/blakkisrud/index.html"),
        "Helge Blakkisrud",
        "the person's page",
    );
    assert_contains(
        &site.public("tidslinje/kasakhstan-2022/index.html"),
        "Pristaket på flytende gass fjernes",
        "the shared timeline's page",
    );
    run_forklar(site.root(), &["check"]).assert_success();
}
