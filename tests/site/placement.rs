//! Explainer parts where the reader needs them: a quote beside the paragraph
//! it belongs to (`{{ quote(2) }}`, `{{ quote("key") }}`), and the background
//! box right after the section where its first entry is first mentioned.

use crate::common::{TestSite, assert_contains, assert_lacks, position};

const NB: &str = "title = \"Forklart\"\nlanguage = \"nb\"\n";

const QUOTES: &str = r#"
[[quotes]]
text = "Det første sitatet."
speaker = "Anna Al"
source = "NRK"

[[quotes]]
key = "blakkisrud"
text = "Det andre sitatet."
speaker = "Helge Blakkisrud"
role = "forsker"
source = "VG"

[[quotes]]
text = "Det tredje sitatet."
speaker = "Berit Bø"
source = "Reuters"
"#;

fn article(front: &str, body: &str) -> String {
    format!("+++\ntitle = \"Uro\"\ndate = 2022-01-06\n{front}+++\n{body}")
}

#[test]
fn a_quote_marker_places_the_quote_by_number_or_key_and_only_there() {
    let site = TestSite::new(NB).with(
        "content/uro.md",
        article(
            QUOTES,
            "Første avsnitt.\n\n{{ quote(\"blakkisrud\") }}\n\nAndre avsnitt.\n\n{{ sitat(3) }}\n\nTredje avsnitt.\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    let first = position(&page, "Første avsnitt.", "uro");
    let second_quote = position(&page, "Det andre sitatet.", "uro");
    let second = position(&page, "Andre avsnitt.", "uro");
    let third_quote = position(&page, "Det tredje sitatet.", "uro");
    let third = position(&page, "Tredje avsnitt.", "uro");
    let section = position(&page, "id=\"part-quotes\">Dette sier de</h2>", "uro");
    let first_quote = position(&page, "Det første sitatet.", "uro");
    assert!(
        first < second_quote && second_quote < second && second < third_quote,
        "the quotes stand where their markers stood: {page}"
    );
    assert!(
        third < section && section < first_quote,
        "the quote no marker placed stays in «Dette sier de»: {page}"
    );
    for text in ["Det andre sitatet.", "Det tredje sitatet."] {
        assert_eq!(page.matches(text).count(), 1, "{text} shown once: {page}");
    }
    assert_contains(
        &page,
        "<span class=\"speaker\">Helge Blakkisrud</span>, forsker",
        "the attribution goes with the inline quote",
    );
    assert_lacks(&page, "{{", "no marker is left in the page");
    assert_lacks(&page, "forklar:quote", "no placeholder is left in the page");
    let feed = site.public("atom.xml");
    assert_lacks(&feed, "forklar:quote", "no placeholder is left in the feed");
}

#[test]
fn when_every_quote_is_placed_inline_there_is_no_quotes_section() {
    let site = TestSite::new("title = \"Explained\"\nlanguage = \"en\"\n")
        .with("content/background/csto.md", CSTO)
        .with(
            "content/unrest.md",
            article(
                "background = [\"csto\"]\n\n[[quotes]]\ntext = \"Only words.\"\nspeaker = \"Ann\"\nsource = \"BBC\"\n",
                "Before CSTO.\n\n{{ quote(1) }}\n\nAfter.\n",
            ),
        );
    site.build_ok(&[]);
    let page = site.public("unrest/index.html");
    assert!(position(&page, "Before ", "unrest") < position(&page, "Only words.", "unrest"));
    assert!(position(&page, "Only words.", "unrest") < position(&page, "After.", "unrest"));
    assert_lacks(&page, "What they say", "no empty quotes section");
    assert_lacks(&page, "part-quotes", "no empty quotes section");
    assert_contains(
        &page,
        "data-read-more=\"Read more about\"",
        "the card's link in English",
    );
    assert!(
        position(&page, "After.", "unrest") < position(&page, "class=\"background-box\"", "unrest")
    );
}

#[test]
fn an_unknown_quote_is_an_error_at_its_marker_listing_the_quotes() {
    let text = article(
        QUOTES,
        "Første avsnitt.\n\nAndre avsnitt.\n\n{{ quote(\"blakisrud\") }}\n",
    );
    let site = TestSite::new(NB).with("content/uro.md", &text);
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("`blakisrud` names no quote of this article");
    run.assert_stderr_contains("1, 2 (key \"blakkisrud\"), 3");
    run.assert_help();
    let line = text
        .lines()
        .position(|l| l.starts_with("{{ quote("))
        .unwrap()
        + 1;
    let (_, col) = run.assert_points_at(&site, "content/uro.md", Some(line));
    assert_eq!(col, 1, "{}", run.stderr);
    assert!(!site.has_public("uro/index.html"), "nothing is published");

    site.write(
        "content/uro.md",
        article(QUOTES, "Tekst.\n\n{{ quote(4) }}\n"),
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("`4` names no quote of this article");

    site.write("content/uro.md", article("", "Tekst.\n\n{{ quote(1) }}\n"));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("this article has no quotes");
}

#[test]
fn a_quote_placed_twice_and_a_key_used_twice_are_errors() {
    let site = TestSite::new(NB).with(
        "content/uro.md",
        article(
            QUOTES,
            "A.\n\n{{ quote(2) }}\n\nB.\n\n{{ quote(\"blakkisrud\") }}\n",
        ),
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("quote 2 is placed twice");

    let twice = QUOTES.replace(
        "text = \"Det tredje",
        "key = \"blakkisrud\"\ntext = \"Det tredje",
    );
    let text = article(&twice, "Tekst.\n");
    site.write("content/uro.md", &text);
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("two quotes have the key `blakkisrud`");
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "key = \"blakkisrud\"")
        .nth(1)
        .unwrap()
        .0
        + 1;
    run.assert_points_at(&site, "content/uro.md", Some(line));
}

const CSTO: &str = "+++\ntitle = \"CSTO\"\naliases = [\"CSTO\"]\nsummary = \"En militærallianse ledet av Russland.\"\n+++\n\nMer om CSTO.\n";

#[test]
fn the_background_box_follows_the_section_of_the_first_mention_folded() {
    let site = TestSite::new(NB)
        .with("content/background/csto.md", CSTO)
        .with(
            "content/uro.md",
            article(
                "background = [\"csto\"]\n",
                "Innledning uten navn.\n\n## Første del\n\nHer kommer CSTO inn.\n\n### Under\n\nMer tekst.\n\n## Andre del\n\nCSTO igjen.\n",
            ),
        );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    let mention = position(&page, "class=\"mention\"", "uro");
    let under = position(&page, ">Under</h3>", "uro");
    let under_text = position(&page, "Mer tekst.", "uro");
    let boxed = position(&page, "<aside class=\"background-box\"", "uro");
    let next = position(&page, ">Andre del</h2>", "uro");
    assert!(
        mention < under && under_text < boxed && boxed < next,
        "the box ends the section of the first mention, subsections and all: {page}"
    );
    assert_eq!(
        page.matches("class=\"background-box\"").count(),
        1,
        "{page}"
    );
    assert_contains(
        &page,
        "<details class=\"background-entry\" aria-labelledby=\"entry-csto\">\n<summary><h3 id=\"entry-csto\">CSTO</h3></summary>",
        "each entry folded to its title",
    );
    assert_contains(&page, "data-read-more=\"Les mer om\"", "the card's words");

    // Without a mention, the box keeps its place after the text; a marker wins.
    site.write(
        "content/uro.md",
        article(
            "background = [\"csto\"]\n",
            "Ingen navn her.\n\n## Slutt\n\nFerdig.\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    assert!(position(&page, "Ferdig.", "uro") < position(&page, "class=\"background-box\"", "uro"));
    site.write(
        "content/uro.md",
        article(
            "background = [\"csto\"]\n",
            "{{ bakgrunn() }}\n\nCSTO først.\n\n## Slutt\n\nFerdig.\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    assert!(position(&page, "class=\"background-box\"", "uro") < position(&page, "først.", "uro"));
    assert_eq!(
        page.matches("class=\"background-box\"").count(),
        1,
        "{page}"
    );
}
