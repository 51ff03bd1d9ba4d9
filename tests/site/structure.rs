//! What the pipeline's structure promises a writer: «Kort fortalt» as a part of
//! its own, every problem of a build reported together, tags checked where
//! they are written, markers checked by name, and every link found by `check`,
//! wherever and however it is written.

use crate::common::{TestSite, assert_contains, assert_lacks, position};

const SITE_TOML: &str = "title = \"Forklart\"\nlanguage = \"nb\"\n";

fn article(front: &str, body: &str) -> String {
    format!("+++\ntitle = \"Uro\"\ndate = 2022-01-06\n{front}+++\n{body}")
}

fn site_with(front: &str, body: &str) -> TestSite {
    TestSite::new(SITE_TOML).with("content/uro.md", article(front, body))
}

#[test]
fn in_brief_is_shown_under_the_lead_and_in_the_teaser() {
    let site = site_with(
        "lead = \"Ingressen.\"\nsummary = [\"Prisen ble *doblet*.\", \"Protestene spredte seg.\", \"CSTO kom.\"]\n",
        "Brødtekst.\n",
    );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    let lead = position(&page, "Ingressen.", "uro");
    let brief = position(&page, "id=\"part-summary\">Kort fortalt</h2>", "uro");
    let body = position(&page, "Brødtekst.", "uro");
    assert!(
        lead < brief && brief < body,
        "«Kort fortalt» belongs between the lead and the text"
    );
    assert_contains(&page, "<li>Prisen ble <em>doblet</em>.</li>", "uro");
    assert_contains(&page, "aria-labelledby=\"part-summary\"", "uro");
    let front = site.public("index.html");
    assert_contains(&front, "<li>Protestene spredte seg.</li>", "the front page");
    assert_lacks(
        &site.public("atom.xml"),
        "Kort fortalt",
        "the feed, which carries the text",
    );
}

#[test]
fn in_brief_is_english_on_an_english_site_and_can_be_placed_by_a_marker() {
    let site = TestSite::new("title = \"Explained\"\nlanguage = \"en\"\n").with(
        "content/unrest.md",
        article(
            "summary = [\"One.\", \"Two.\"]\n",
            "First.\n\n{{ in_brief() }}\n\nSecond.\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("unrest/index.html");
    let first = position(&page, "First.", "unrest");
    let brief = position(&page, ">In brief</h2>", "unrest");
    let second = position(&page, "Second.", "unrest");
    assert!(first < brief && brief < second, "the marker places it");
    assert_eq!(page.matches("part-summary\"").count(), 2, "once: {page}");
}

#[test]
fn in_brief_with_six_points_or_an_empty_one_fails_at_its_line() {
    let site = site_with(
        "summary = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]\n",
        "Tekst.\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/uro.md", Some(4));
    run.assert_stderr_contains("at most 5");
    site.write(
        "content/uro.md",
        article("summary = [\n  \"Et punkt.\",\n  \"\",\n]\n", "Tekst.\n"),
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/uro.md", Some(6));
    run.assert_stderr_contains("is empty");
}

#[test]
fn a_broken_template_and_a_broken_article_are_both_reported() {
    let site = site_with("", "Tekst.\n")
        .with("content/feil.md", "+++\ntitle = \"Feil\"\n+++\n")
        .with("templates/tag.html", "{% if %}\n");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("content/feil.md");
    run.assert_stderr_contains("templates/tag.html");
    run.assert_stderr_contains("2 errors found");
}

#[test]
fn a_tag_without_letters_or_digits_fails_at_its_line() {
    for tag in ["🙂", "!!", "  "] {
        let site = site_with(
            &format!("tags = [\"Kasakhstan\",\n  \"{tag}\"]\n"),
            "Tekst.\n",
        );
        let run = site.build(&[]);
        run.assert_failure();
        let (_, column) = run.assert_points_at(&site, "content/uro.md", Some(5));
        assert_eq!(column, 3, "under the tag\n{}", run.stderr);
        run.assert_stderr_contains("no letters or digits");
        assert!(
            !run.stderr.contains("refusing to write"),
            "the tag must be caught where it is written\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_misspelt_marker_fails_at_its_line_and_lists_the_markers() {
    let site = site_with("", "Første avsnitt.\n\n{{ timline() }}\n\nSiste avsnitt.\n");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/uro.md", Some(7));
    run.assert_stderr_contains("`timline`");
    run.assert_stderr_contains("{{ tidslinje() }}");
    run.assert_stderr_contains("{{ kort_fortalt() }}");
}

#[test]
fn a_misspelt_quote_marker_and_a_part_placed_twice_fail_at_their_lines() {
    let site = site_with("", "Første avsnitt.\n\n{{ qoute(1) }}\n\nSiste avsnitt.\n");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/uro.md", Some(7));
    run.assert_stderr_contains("`qoute`");
    run.assert_stderr_contains("{{ quote(1) }}");

    let site = site_with(
        "",
        "Første avsnitt.\n\n{{ kort_fortalt() }}\n\nMer.\n\n{{ in_brief() }}\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/uro.md", Some(11));
    run.assert_stderr_contains("{{ in_brief() }} places a part that a marker above placed already");
    run.assert_help();
}

#[test]
fn an_unknown_field_lists_the_fields_of_every_part() {
    let site = site_with("sumary = [\"x\"]\n", "Tekst.\n");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/uro.md", Some(4));
    for field in ["`summary`", "`timeline_file`", "`corrections`", "`lead`"] {
        run.assert_stderr_contains(field);
    }
}

#[test]
fn a_quoted_date_is_read_like_a_bare_one() {
    let site = TestSite::new(SITE_TOML)
        .with(
            "content/a.md",
            "+++\ntitle = \"A\"\ndate = \"2022-01-06\"\n+++\nTekst.\n",
        )
        .with(
            "content/b.md",
            "+++\ntitle = \"B\"\ndate = 2022-01-06\n+++\nTekst.\n",
        );
    site.build_ok(&[]);
    let a = site.public("a/index.html");
    let b = site.public("b/index.html");
    let stamp = |html: &str| {
        let at = html.find("datetime=\"").expect("a <time>");
        html[at..at + 30].to_string()
    };
    assert_eq!(stamp(&a), stamp(&b));
}

#[test]
fn check_finds_links_in_raw_html_however_they_are_quoted() {
    let body = "Tekst.\n\n<p><a href='/finnes-ikke/'>enkle</a> <a\nhref=\"/heller-ikke/\">linje</a> <a href=/uten-anforsel/>uten</a> <A HREF=\"/store/\">store</A></p>\n";
    let site = site_with("", body);
    site.build_ok(&[]);
    let run = site.run_in(site.root(), &["check"]);
    run.assert_failure();
    for target in [
        "/finnes-ikke/",
        "/heller-ikke/",
        "/uten-anforsel/",
        "/store/",
    ] {
        run.assert_stderr_contains(target);
    }
    run.assert_points_at(&site, "content/uro.md", Some(7));
}

#[test]
fn check_reports_a_broken_link_in_a_shared_timeline_at_its_line() {
    let site = site_with("timeline_file = \"uro\"\n", "Tekst.\n").with(
        "content/timelines/uro.toml",
        "title = \"Uroen\"\n\n[[events]]\ndate = 2022-01-02\ntitle = \"Start\"\ntext = \"Se [dette](/finnes-ikke/).\"\n",
    );
    site.build_ok(&[]);
    let run = site.run_in(site.root(), &["check"]);
    run.assert_failure();
    run.assert_points_at(&site, "content/timelines/uro.toml", Some(6));
}

#[test]
fn a_heading_in_a_background_entry_has_an_id_that_links_reach() {
    let site = site_with(
        "background = [\"csto\"]\n",
        "Les om [historien](background/csto.md#historie).\n",
    )
    .with(
        "content/background/csto.md",
        "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\n+++\n## Historie\n\nTekst.\n",
    );
    site.build_ok(&[]);
    assert_contains(
        &site.public("bakgrunn/csto/index.html"),
        "<h2 id=\"historie\">Historie</h2>",
        "the entry's page",
    );
    site.run_in(site.root(), &["check"]).assert_success();
}

#[test]
fn the_news_sitemap_is_made_as_of_the_builds_clock() {
    let site = TestSite::new(
        "title = \"Forklart\"\nlanguage = \"nb\"\nbase_url = \"https://example.org/\"\n",
    )
    .with(
        "content/uro.md",
        "+++\ntitle = \"Uro\"\ndate = 2022-01-06T19:00:00+01:00\n+++\nTekst.\n",
    );
    site.build_ok(&["--now", "2022-01-07T12:00:00+01:00"]);
    let news = site.public("news-sitemap.xml");
    assert!(news.contains("https://example.org/uro/"), "{news}");
    site.build_ok(&["--now", "2022-01-10T12:00:00+01:00"]);
    let news = site.public("news-sitemap.xml");
    assert!(!news.contains("https://example.org/uro/"), "{news}");
}

#[test]
fn check_stale_takes_the_clock_from_now() {
    let site = site_with("background = [\"csto\"]\n", "Tekst om CSTO.\n").with(
        "content/background/csto.md",
        "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\nverified = 2022-01-20\nreview_after = \"10d\"\n+++\nTekst.\n",
    );
    let early = site.run_in(
        site.root(),
        &[
            "check",
            "--stale",
            "--strict",
            "--now",
            "2022-01-25T12:00:00+01:00",
        ],
    );
    early.assert_success();
    let late = site.run_in(
        site.root(),
        &[
            "check",
            "--stale",
            "--strict",
            "--now",
            "2022-02-05T12:00:00+01:00",
        ],
    );
    late.assert_failure();
    late.assert_stderr_contains("csto");
}
