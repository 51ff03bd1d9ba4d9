//! The examples in docs/writing.md build as written: the site settings, the full
//! article, the two image examples, the background entry, the person and the
//! shared timeline, pasted into a copy of the sample site's content.

use std::path::Path;

use crate::common::{TestSite, assert_contains, first_element, run_forklar};
use crate::tools::copy_tree;

const WRITING: &str = include_str!("../../docs/writing.md");

/// The text of the first fenced block after the heading `heading` in
/// docs/writing.md, without its fences.
fn example_after(heading: &str) -> &'static str {
    examples_after(heading)[0]
}

/// The text of the fenced blocks after the heading `heading` in
/// docs/writing.md up to the next heading, each without its fences.
fn examples_after(heading: &str) -> Vec<&'static str> {
    let at = WRITING
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs/writing.md has no heading {heading:?}"));
    let mut rest = &WRITING[at + heading.len() + 2..];
    let mut examples = Vec::new();
    loop {
        // Outside the fences, a line starting with `#` is the next heading.
        let fence = rest.find("\n```").map(|f| f + 1);
        let next_heading = rest.find("\n#");
        let Some(fence) = fence.filter(|f| next_heading.is_none_or(|h| *f < h)) else {
            break;
        };
        let start = fence + rest[fence..].find('\n').expect("the fence's line ends") + 1;
        let end = start
            + rest[start..]
                .find("\n```")
                .unwrap_or_else(|| panic!("an example after {heading:?} is not closed"))
            + 1;
        examples.push(&rest[start..end]);
        rest = &rest[end + "```".len()..];
    }
    assert!(!examples.is_empty(), "no fenced example after {heading:?}");
    examples
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

    // The two examples under «Images»: the lead image's table, in an
    // article of its own, and the body image's whole article.
    let images = examples_after("### Images");
    site.write(
        "content/med-bilde.md",
        format!(
            "+++\ntitle = \"Med bilde\"\ndate = 2022-01-06\n\n{}+++\n\nTekst.\n",
            images[0]
        ),
    );
    site.write("content/bilde-i-teksten.md", images[1]);

    site.build_ok(&[]);
    assert_contains(
        &site.public("med-bilde/index.html"),
        "<picture",
        "the lead image example",
    );
    assert_contains(
        &site.public("bilde-i-teksten/index.html"),
        "<picture",
        "the body image example",
    );
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
