//! A writer's mistakes caught at build time, explained where they are: links
//! to files and images that do not exist, links to drafts, the commonest TOML
//! slips, tags spelt two ways, a missing base_url, and templates that never
//! end. Warnings are shown like errors but do not stop the build.

use std::time::{Duration, Instant};

use crate::common::{TestSite, assert_contains, assert_lacks, run_forklar};

const SITE_TOML: &str =
    "title = \"Forklart\"\nlanguage = \"nb\"\nbase_url = \"https://example.org/\"\n";

fn article(title: &str, front: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2022-01-06\n{front}+++\n\n{body}")
}

fn site() -> TestSite {
    TestSite::new(SITE_TOML)
}

fn check(site: &TestSite) -> crate::common::Run {
    run_forklar(site.root(), &["check"])
}

// ---------------------------------------------------------------------------
// Templates that never end

/// Ten billion turns: an empty loop that writes nothing, and one that writes.
const ENDLESS: [&str; 2] = [
    "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ j }}{% endfor %}{% endfor %}",
];

#[test]
fn a_template_that_never_ends_fails_the_build_within_its_time_limit() {
    for template in ENDLESS {
        let site = TestSite::new(&format!("{SITE_TOML}\n[templates]\ntime_limit = 2\n"))
            .with("content/sak.md", article("Sak", "", "Tekst.\n"))
            .with("templates/404.html", template);
        let started = Instant::now();
        let run = site.build(&[]);
        let took = started.elapsed();
        run.assert_failure();
        run.assert_stderr_contains("the 404 page with the template `404.html`");
        run.assert_stderr_contains("took longer than");
        run.assert_stderr_contains("--> templates/404.html");
        run.assert_stderr_contains("time_limit");
        run.assert_help();
        assert!(
            took < Duration::from_secs(6),
            "the build took {took:?} with a 2 s limit\n{}",
            run.stderr
        );
        assert!(!site.public_dir().join("index.html").exists());
    }
}

/// The render that never ends is walked away from with the whole process: the
/// last build's pages stay as they were, and nothing of this one is left.
#[test]
fn a_template_that_never_ends_leaves_the_last_build_as_it_was() {
    let site = TestSite::new(&format!("{SITE_TOML}\n[templates]\ntime_limit = 1\n"))
        .with("content/sak.md", article("Sak", "", "Tekst.\n"));
    site.build(&[]).assert_success();
    let before = site.snapshot_public();
    site.write("templates/404.html", ENDLESS[0]);
    site.write("content/sak.md", article("Sak", "", "Ny tekst.\n"));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("took longer than 1 s");
    run.assert_stderr_contains("--> templates/404.html");
    run.assert_stderr_contains("nothing was changed");
    before.assert_unchanged(
        &site.snapshot_public(),
        "after a build stopped by its time limit",
    );
    let beside: Vec<String> = std::fs::read_dir(site.root())
        .expect("the site's folder lists")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with(".public"))
        .collect();
    assert!(
        beside.is_empty(),
        "left beside the output folder: {beside:?}"
    );
}

#[test]
fn check_stops_at_a_template_that_never_ends() {
    let site = TestSite::new(&format!("{SITE_TOML}\n[templates]\ntime_limit = 1\n"))
        .with("content/sak.md", article("Sak", "", "Tekst.\n"))
        .with("templates/404.html", ENDLESS[0]);
    let started = Instant::now();
    let run = site.run_in(site.root(), &["check"]);
    run.assert_failure();
    run.assert_stderr_contains("the 404 page with the template `404.html`");
    run.assert_stderr_contains("took longer than 1 s");
    run.assert_stderr_contains("--> templates/404.html");
    run.assert_stderr_contains("1 error found; no link was checked");
    assert!(started.elapsed() < Duration::from_secs(5), "{}", run.stderr);
    assert!(!site.public_dir().exists());
}

#[test]
fn a_range_of_ten_billion_fails_at_once_naming_the_template() {
    let site = site()
        .with("content/sak.md", article("Sak", "", "Tekst.\n"))
        .with(
            "templates/404.html",
            "<p>\n{% for i in range(end=10000000000) %}{{ i }}{% endfor %}\n",
        );
    let started = Instant::now();
    let run = site.build(&[]);
    run.assert_failure();
    assert!(started.elapsed() < Duration::from_secs(10));
    run.assert_points_at(&site, "templates/404.html", Some(2));
}

#[test]
fn an_unusable_time_limit_is_refused_at_its_line() {
    let site = TestSite::new(&format!("{SITE_TOML}[templates]\ntime_limit = 0\n"))
        .with("content/sak.md", article("Sak", "", "Tekst.\n"));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "site.toml", Some(5));
    run.assert_stderr_contains("time_limit = 10");
}

// ---------------------------------------------------------------------------
// Links and images

#[test]
fn a_link_to_a_content_file_that_does_not_exist_fails_at_its_line() {
    let site = site()
        .with(
            "content/sak.md",
            article(
                "Sak",
                "",
                "Første avsnitt.\n\nSe [hva som skjedde](what-happend.md).\n",
            ),
        )
        .with(
            "content/what-happened.md",
            article("Hva skjedde", "", "Tekst.\n"),
        );
    let run = site.build(&[]);
    run.assert_failure();
    let (_, column) = run.assert_points_at(&site, "content/sak.md", Some(8));
    assert_eq!(column, 22, "under the address\n{}", run.stderr);
    run.assert_stderr_contains("`what-happend.md` links to a content file that does not exist");
    run.assert_stderr_contains("did you mean `what-happened.md`?");
    assert!(!site.public_dir().join("sak/index.html").exists());
    // Without a near name, the help says how links are written.
    site.remove("content/what-happened.md");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("links to content files are written from the file");
}

#[test]
fn an_image_that_does_not_exist_fails_at_its_line() {
    let site = site()
        .with(
            "content/sak.md",
            article(
                "Sak",
                "",
                "Se ![Kart](/bilder/kart.png) her.\n\nOg ![Foto](/bilder/foto.jpg) der.\n",
            ),
        )
        .with("static/bilder/kart.png", b"png")
        .with("static/bilder/fot.jpg", b"jpg");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/sak.md", Some(8));
    run.assert_stderr_contains("the image `/bilder/foto.jpg` does not exist");
    run.assert_stderr_contains("did you mean `/bilder/fot.jpg`?");
    assert!(
        !run.stderr.contains("kart.png"),
        "the image that exists is fine\n{}",
        run.stderr
    );
    site.write("static/bilder/foto.jpg", b"jpg");
    site.build_ok(&[]);
    assert_contains(
        &site.public("sak/index.html"),
        "src=\"/bilder/foto.jpg\"",
        "sak",
    );
}

#[test]
fn a_link_to_a_scheduled_article_says_when_it_appears_not_that_it_is_a_draft() {
    let site = site()
        .with(
            "content/sak.md",
            article("Sak", "", "Tekst.\n\nLes [det som kommer](senere.md).\n"),
        )
        .with(
            "content/senere.md",
            "+++\ntitle = \"Senere\"\ndate = 2022-01-13T06:00:00+01:00\n+++\n\nKommer.\n",
        );
    let run = site.build(&["--now", "2022-01-10T10:00:00+01:00"]);
    run.assert_success();
    run.assert_stderr_contains("warning: `senere.md` is not published in this build");
    run.assert_stderr_contains("is scheduled for 2022-01-13T06:00:00+01:00");
    run.assert_stderr_contains("`--preview` shows it now");
    assert!(!run.stderr.contains("draft"), "{}", run.stderr);
}

#[test]
fn a_link_to_a_draft_is_a_warning_and_plain_text_until_it_is_published() {
    let site = site()
        .with(
            "content/sak.md",
            article(
                "Sak",
                "",
                "Tekst.\n\nLes også [det nye utkastet](utkast.md) senere.\n",
            ),
        )
        .with(
            "content/utkast.md",
            article("Utkast", "draft = true\n", "Ikke ferdig.\n"),
        );
    let run = site.build(&[]);
    run.assert_success();
    run.assert_stderr_contains("warning: `utkast.md` is not published in this build");
    run.assert_points_at(&site, "content/sak.md", Some(8));
    assert!(
        run.stdout.contains("(1 warning)"),
        "the summary counts the warning\n{}",
        run.stdout
    );
    let page = site.public("sak/index.html");
    assert_contains(&page, "Les også det nye utkastet senere.", "sak");
    assert_lacks(&page, "utkast.md", "sak");
    assert_lacks(&page, "href=\"/utkast/\"", "sak");
    // `check` reports the warning and passes.
    let checked = check(&site);
    checked.assert_success();
    checked.assert_stderr_contains("warning: `utkast.md` is not published");
    assert!(
        checked.stdout.contains("no errors, 1 warning"),
        "{}",
        checked.stdout
    );
    // --quiet prints only errors.
    let quiet = site.build(&["--quiet"]);
    quiet.assert_success();
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
    // With --drafts, and once published, it is a link and no warning.
    let drafts = site.build(&["--drafts"]);
    drafts.assert_success();
    assert!(!drafts.stderr.contains("warning"), "{}", drafts.stderr);
    assert_contains(
        &site.public("sak/index.html"),
        "<a href=\"/utkast/\">det nye utkastet</a>",
        "sak",
    );
    site.write("content/utkast.md", article("Utkast", "", "Ferdig.\n"));
    let published = site.build(&[]);
    published.assert_success();
    assert!(
        !published.stderr.contains("warning"),
        "{}",
        published.stderr
    );
    assert_contains(&site.public("sak/index.html"), "href=\"/utkast/\"", "sak");
}

#[test]
fn errors_and_warnings_are_counted_and_quiet_still_prints_errors() {
    let site = site()
        .with(
            "content/sak.md",
            article("Sak", "", "[a](utkast.md) [b](mangler.md)\n"),
        )
        .with(
            "content/utkast.md",
            article("Utkast", "draft = true\n", "x\n"),
        );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("1 error and 1 warning found; nothing was changed");
    let quiet = site.build(&["-q"]);
    quiet.assert_failure();
    quiet.assert_stderr_contains("error: `mangler.md` links to a content file");
    assert!(!quiet.stderr.contains("warning:"), "{}", quiet.stderr);
    let checked = check(&site);
    checked.assert_failure();
    assert!(
        !checked.stderr.contains("nothing was changed"),
        "check changes nothing anyway\n{}",
        checked.stderr
    );
    checked.assert_stderr_contains("1 error and 1 warning found");
}

#[test]
fn headings_in_background_entries_are_link_targets() {
    let entry = "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\n+++\n\n## Historie\n\nGrunnlagt 1992.\n";
    let site = site().with("content/background/csto.md", entry).with(
        "content/sak.md",
        article("Sak", "", "Se [historien](background/csto.md#historie).\n"),
    );
    site.build_ok(&[]);
    assert_contains(
        &site.public("sak/index.html"),
        "href=\"/bakgrunn/csto/#historie\"",
        "sak",
    );
    assert_contains(
        &site.public("bakgrunn/csto/index.html"),
        "id=\"historie\"",
        "csto",
    );
    check(&site).assert_success();
    // A section the entry does not have is found by check.
    site.write(
        "content/sak.md",
        article("Sak", "", "Se [historien](background/csto.md#histori).\n"),
    );
    let run = check(&site);
    run.assert_failure();
    run.assert_stderr_contains("no section `#histori`");
}

#[test]
fn a_broken_link_in_a_background_entry_fails_at_its_line() {
    let entry =
        "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\n+++\n\nSe [saken](../sakk.md).\n";
    let site = site()
        .with("content/background/csto.md", entry)
        .with("content/sak.md", article("Sak", "", "Tekst.\n"));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/background/csto.md", Some(6));
    run.assert_stderr_contains("did you mean `/sak.md`?");
}

// ---------------------------------------------------------------------------
// TOML slips

#[test]
fn an_unescaped_quote_in_text_says_how_to_write_quotes() {
    let site = site().with(
        "content/sak.md",
        "+++\ntitle = \"Han sa \"nei\" til alt\"\ndate = 2022-01-06\n+++\n\nTekst.\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    let (_, column) = run.assert_points_at(&site, "content/sak.md", Some(2));
    assert_eq!(column, 9, "under the value\n{}", run.stderr);
    run.assert_stderr_contains("to put quotes inside text, use «…» or write \\\"");
    run.assert_stderr_contains("title = \"Han sa «nei» til alt\"");
}

#[test]
fn a_date_written_day_first_says_how_dates_are_written() {
    let site = site().with(
        "content/sak.md",
        "+++\ntitle = \"Sak\"\ndate = 25.06.2023\n+++\n\nTekst.\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    let (_, column) = run.assert_points_at(&site, "content/sak.md", Some(3));
    assert_eq!(column, 8, "{}", run.stderr);
    run.assert_stderr_contains(
        "dates are written year-month-day, without quotes: date = 2023-06-25",
    );
}

#[test]
fn true_or_false_in_quotes_says_to_drop_the_quotes() {
    let site = site().with(
        "content/sak.md",
        "+++\ntitle = \"Sak\"\ndate = 2022-01-06\ndraft = \"false\"\n+++\n\nTekst.\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    let (_, column) = run.assert_points_at(&site, "content/sak.md", Some(4));
    assert_eq!(column, 9, "{}", run.stderr);
    run.assert_stderr_contains("write true or false, without quotes: draft = false");
}

#[test]
fn a_quoted_date_is_read_like_a_bare_one_in_timelines() {
    let timeline = |date: &str| {
        format!("title = \"Uro\"\n\n[[events]]\ndate = {date}\ntitle = \"Protestene begynner\"\n")
    };
    let site = site()
        .with("content/timelines/uro.toml", timeline("\"2022-01-02\""))
        .with(
            "content/sak.md",
            article("Sak", "timeline_file = \"uro\"\n", "Tekst.\n"),
        );
    site.build_ok(&[]);
    let quoted = site.public("sak/index.html");
    site.write("content/timelines/uro.toml", timeline("2022-01-02"));
    site.build_ok(&[]);
    let bare = site.public("sak/index.html");
    assert_contains(&quoted, "datetime=\"2022-01-02\"", "sak");
    assert_eq!(quoted, bare);
}

// ---------------------------------------------------------------------------
// base_url

#[test]
fn feeds_without_a_whole_base_url_give_a_warning() {
    for (config, warned) in [
        ("title = \"F\"\n", true),
        ("title = \"F\"\nbase_url = \"/forklaring/\"\n", true),
        (
            "title = \"F\"\nbase_url = \"https://example.org/forklaring/\"\n",
            false,
        ),
    ] {
        let site = TestSite::new(config).with("content/sak.md", article("Sak", "", "Tekst.\n"));
        let run = site.build(&[]);
        run.assert_success();
        assert_eq!(
            run.stderr.contains("warning: base_url"),
            warned,
            "{config}\n{}",
            run.stderr
        );
        if warned {
            run.assert_stderr_contains("the feed and the sitemaps need one (https://…)");
            run.assert_help();
        }
        if config.contains("/forklaring/\"") && warned {
            run.assert_points_at(&site, "site.toml", Some(2));
        }
        // --base-url gives the address.
        let given = site.build(&["--base-url", "https://example.org/"]);
        assert!(!given.stderr.contains("warning"), "{}", given.stderr);
    }
}

// ---------------------------------------------------------------------------
// Wording

#[test]
fn summaries_count_in_the_singular_for_one() {
    let site = site().with("content/sak.md", article("Sak", "", "Tekst.\n"));
    let run = site.build(&[]);
    run.assert_success();
    assert!(run.stdout.contains("(1 article)"), "{}", run.stdout);
    assert!(!run.stdout.contains("1 articles"), "{}", run.stdout);
    site.write("content/sak2.md", article("Sak 2", "", "Tekst.\n"));
    let run = site.build(&[]);
    assert!(run.stdout.contains("(2 articles)"), "{}", run.stdout);
    let checked = check(&site);
    checked.assert_success();
    assert!(
        checked.stdout.contains("no problems found"),
        "{}",
        checked.stdout
    );
}

// ---------------------------------------------------------------------------
// Shared timelines

fn timeline_with(text: &str) -> String {
    format!(
        "title = \"Uro\"\n\n[[events]]\ndate = 2022-01-02\ntitle = \"Start\"\ntext = \"{text}\"\n"
    )
}

fn site_with_timeline(text: &str) -> TestSite {
    let mut site = site()
        .with(
            "content/background/csto.md",
            "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\n+++\n\n## Historie\n\nTekst.\n",
        )
        .with("content/timelines/uro.toml", timeline_with(text));
    for name in ["a", "b", "c"] {
        site = site.with(
            &format!("content/{name}.md"),
            article(name, "timeline_file = \"uro\"\n", "Tekst.\n"),
        );
    }
    site
}

#[test]
fn links_in_shared_timelines_resolve_from_the_content_folder() {
    let site = site_with_timeline("Se [CSTO](background/csto.md#historie).");
    site.build_ok(&[]);
    for page in ["a/index.html", "tidslinje/uro/index.html"] {
        assert_contains(
            &site.public(page),
            "href=\"/bakgrunn/csto/#historie\"",
            page,
        );
    }
    check(&site).assert_success();
}

#[test]
fn a_broken_link_in_a_shared_timeline_is_one_error_at_its_line() {
    let site = site_with_timeline("Se [x](mangler.md).");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/timelines/uro.toml", Some(6));
    assert_eq!(
        run.stderr.matches("error:").count(),
        1,
        "one error, however many articles show the timeline\n{}",
        run.stderr
    );
}

#[test]
fn a_broken_shared_file_is_one_error_not_one_per_article() {
    let site = site_with_timeline("Tekst.");
    site.write("content/timelines/uro.toml", "title = \"Uro\n");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/timelines/uro.toml", Some(1));
    assert!(!run.stderr.contains("unknown timeline"), "{}", run.stderr);
    run.assert_stderr_contains("1 error found");
    // The same for a background entry.
    let entries = self::site().with("content/background/csto.md", "+++\ntitle = \"CSTO\n+++\n");
    for name in ["a", "b"] {
        entries.write(
            &format!("content/{name}.md"),
            article(name, "background = [\"csto\"]\n", "Tekst.\n"),
        );
    }
    let run = site.build(&[]);
    run.assert_failure();
    assert!(
        !run.stderr.contains("unknown background entry"),
        "{}",
        run.stderr
    );
    run.assert_stderr_contains("1 error found");
}

// ---------------------------------------------------------------------------
// Tags

#[test]
fn tags_differing_in_case_or_spaces_are_merged_with_a_warning() {
    let tagged = |title: &str, date: &str, tags: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = {date}\ntags = [{tags}]\n+++\n\nTekst.\n")
    };
    let site = site()
        .with("content/a.md", tagged("A", "2022-01-06", "\"Kasakhstan\""))
        .with(
            "content/b.md",
            tagged("B", "2022-01-07", "\"Russland\", \"kasakhstan\""),
        )
        .with(
            "content/c.md",
            tagged("C", "2022-01-08", "\" Kasakhstan \""),
        )
        .with("content/d.md", tagged("D", "2022-01-09", "\"Kasakhstan\""));
    let run = site.build(&[]);
    run.assert_success();
    // The spelling most articles use wins; the others are warned about where they are.
    let (_, column) = run.assert_points_at(&site, "content/b.md", Some(4));
    assert_eq!(column, 21, "{}", run.stderr);
    run.assert_points_at(&site, "content/c.md", Some(4));
    run.assert_stderr_contains("the tag `kasakhstan` is written differently in other articles; it is shown as `Kasakhstan`");
    run.assert_stderr_contains("the tag ` Kasakhstan ` has spaces around it");
    assert_eq!(
        run.stderr.matches("warning: the tag").count(),
        2,
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("(2 warnings)"), "{}", run.stdout);
    for page in ["b/index.html", "c/index.html"] {
        assert_contains(&site.public(page), ">Kasakhstan</a>", page);
        assert_lacks(&site.public(page), ">kasakhstan</a>", page);
    }
    let tag_page = site.public("emne/kasakhstan/index.html");
    for title in ["A", "B", "C", "D"] {
        assert_contains(&tag_page, &format!(">{title}</a>"), "the tag page");
    }
    // One article with both spellings lists the tag once.
    site.write(
        "content/b.md",
        tagged("B", "2022-01-07", "\"kasakhstan\", \"Kasakhstan\""),
    );
    site.build_ok(&[]);
    assert_eq!(
        site.public("b/index.html")
            .matches(">Kasakhstan</a>")
            .count(),
        1
    );
}
