//! What a writer is told when an explainer part is wrong: the file, the line with a
//! caret, what to do, a failed exit, and the published site left as it was.

use std::ops::RangeInclusive;

use crate::common::{Run, TestSite, settle};
use crate::explainer;

/// Builds the explainer site, applies `change`, builds again, and checks that the
/// build failed without touching `public/`.
fn break_site(change: impl FnOnce(&TestSite)) -> (TestSite, Run) {
    let site = explainer::built_site();
    let before = site.snapshot_public();
    assert!(before.bytes("uro/index.html").is_some());
    settle();
    change(&site);
    let run = site.build(&[]);
    run.assert_failure();
    before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    (site, run)
}

const X_FILE: &str = "content/x.md";

/// Adds `content/x.md` with `text` to the built explainer site and builds it.
fn broken_article(text: &str) -> (TestSite, Run) {
    break_site(|site| site.write(X_FILE, text))
}

/// The 1-based line of the first line of `file` that contains `needle`.
fn line_of(site: &TestSite, file: &str, needle: &str) -> usize {
    site.source(file)
        .lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{file} has no line with {needle:?}"))
        + 1
}

/// The error points into `file` somewhere in `lines` (e.g. anywhere in the
/// `[[quotes]]` table that lacks a field).
fn assert_points_into(run: &Run, site: &TestSite, file: &str, lines: RangeInclusive<usize>) {
    let (line, _) = run.assert_points_at(site, file, None);
    assert!(
        lines.contains(&line),
        "the error should point at line {}–{} of {file}, not line {line}\n{}",
        lines.start(),
        lines.end(),
        run.stderr
    );
}

/// The `help:` line(s) of the error.
fn help(run: &Run) -> String {
    run.stderr
        .lines()
        .filter(|l| l.contains("help: "))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------------
// References between files.

#[test]
fn an_unknown_background_key_is_named_and_the_known_keys_are_listed() {
    let (site, run) = broken_article(
        "+++\ntitle = \"Feil nøkkel\"\ndate = 2022-01-06\n\nbackground = [\"csto\", \"odkb\"]\n+++\nTekst.\n",
    );
    let (_, column) = run.assert_points_at(&site, X_FILE, Some(5));
    assert_eq!(
        column, 23,
        "the caret should be under \"odkb\"\n{}",
        run.stderr
    );
    run.assert_stderr_contains("`odkb`");
    run.assert_help();
    let help = help(&run);
    for key in ["csto", "nazarbajev", "tokajev"] {
        assert!(
            help.contains(key),
            "the help should list `{key}`\n{}",
            run.stderr
        );
    }
}

#[test]
fn an_unknown_timeline_file_is_named_and_the_known_timelines_are_listed() {
    let (site, run) = broken_article(
        "+++\ntitle = \"Feil tidslinje\"\ndate = 2022-01-06\ntimeline_file = \"kasakhstan-2021\"\n+++\nTekst.\n",
    );
    let (_, column) = run.assert_points_at(&site, X_FILE, Some(4));
    assert_eq!(column, 17, "{}", run.stderr);
    run.assert_stderr_contains("kasakhstan-2021");
    run.assert_help();
    assert!(help(&run).contains("kasakhstan-2022"), "{}", run.stderr);
}

#[test]
fn timeline_events_and_timeline_file_together_are_refused() {
    let text = "+++\ntitle = \"Begge\"\ndate = 2022-01-06\ntimeline_file = \"kasakhstan-2022\"\n\n[[timeline]]\ndate = \"2022-01-02\"\ntitle = \"Protester\"\n+++\nTekst.\n";
    let (site, run) = broken_article(text);
    run.assert_points_at(&site, X_FILE, Some(4));
    run.assert_stderr_contains("timeline_file");
    run.assert_stderr_contains("[[timeline]]");
    run.assert_help();
}

// ---------------------------------------------------------------------------------
// Timeline events.

#[test]
fn an_event_date_that_does_not_parse_points_at_the_date() {
    let text = "+++\ntitle = \"Dato\"\ndate = 2022-01-06\n\n[[timeline]]\ntitle = \"Protester\"\ndate = \"5. januar\"\n+++\nTekst.\n";
    let (site, run) = broken_article(text);
    let (_, column) = run.assert_points_at(&site, X_FILE, Some(7));
    assert_eq!(column, 8, "{}", run.stderr);
    run.assert_stderr_contains("5. januar");
    run.assert_help();
    run.assert_stderr_contains("2022-01-05");
}

#[test]
fn an_event_date_that_does_not_parse_in_a_shared_timeline_points_into_its_file() {
    let (site, run) = break_site(|site| {
        site.write(
            explainer::SHARED_TIMELINE_FILE,
            explainer::SHARED_TIMELINE.replace("\"2022-01-01\"", "\"1. januar 2022\""),
        );
    });
    let line = line_of(&site, explainer::SHARED_TIMELINE_FILE, "1. januar 2022");
    run.assert_points_at(&site, explainer::SHARED_TIMELINE_FILE, Some(line));
    run.assert_help();
}

#[test]
fn an_event_without_a_title_is_refused() {
    let text = "+++\ntitle = \"Uten tittel\"\ndate = 2022-01-06\n\n[[timeline]]\ndate = \"2022-01-02\"\ntitle = \"Første\"\n\n[[timeline]]\ndate = \"2022-01-05\"\ntext = \"Noe skjedde.\"\n+++\nTekst.\n";
    let (site, run) = broken_article(text);
    assert_points_into(&run, &site, X_FILE, 9..=11);
    run.assert_stderr_contains("title");
    run.assert_help();
}

#[test]
fn an_event_without_a_date_is_refused() {
    let text = "+++\ntitle = \"Uten dato\"\ndate = 2022-01-06\n\n[[timeline]]\ndate = \"2022-01-02\"\ntitle = \"Første\"\n\n[[timeline]]\ntitle = \"Andre\"\ntext = \"Noe skjedde.\"\n+++\nTekst.\n";
    let (site, run) = broken_article(text);
    assert_points_into(&run, &site, X_FILE, 9..=11);
    run.assert_stderr_contains("date");
    run.assert_help();
}

// ---------------------------------------------------------------------------------
// Quotes.

/// An article whose second quote has only the given fields.
fn article_with_quote(fields: &str) -> String {
    format!(
        "+++\ntitle = \"Sitater\"\ndate = 2022-01-06\n\n[[quotes]]\ntext = \"Helt i orden.\"\nspeaker = \"Kari\"\nsource = \"NRK\"\n\n[[quotes]]\n{fields}+++\nTekst.\n"
    )
}

fn assert_quote_refused(fields: &str, missing: &str) {
    let (site, run) = broken_article(&article_with_quote(fields));
    let last = 10 + fields.lines().count();
    assert_points_into(&run, &site, X_FILE, 10..=last);
    run.assert_stderr_contains(missing);
    run.assert_help();
    assert!(
        help(&run).contains(missing),
        "the help should say to add `{missing}`\n{}",
        run.stderr
    );
}

#[test]
fn a_quote_without_a_speaker_is_refused() {
    assert_quote_refused(
        "text = \"Det er alvorlig.\"\nrole = \"forsker\"\nsource = \"VG\"\n",
        "speaker",
    );
}

#[test]
fn a_quote_without_a_source_is_refused() {
    assert_quote_refused(
        "text = \"Det er alvorlig.\"\nspeaker = \"Helge Blakkisrud\"\n",
        "source",
    );
}

#[test]
fn a_quote_without_text_is_refused() {
    assert_quote_refused("speaker = \"Helge Blakkisrud\"\nsource = \"VG\"\n", "text");
}

// ---------------------------------------------------------------------------------
// Dates.

#[test]
fn updated_before_date_is_refused_comparing_moments_not_clock_readings() {
    // 18:30 at +03:00 is 15:30 UTC, an hour and a half before 18:00 at +01:00.
    let (site, run) = broken_article(
        "+++\ntitle = \"Baklengs\"\ndate = 2022-01-06T18:00:00+01:00\nupdated = 2022-01-06T18:30:00+03:00\n+++\nTekst.\n",
    );
    let (_, column) = run.assert_points_at(&site, X_FILE, Some(4));
    assert_eq!(column, 11, "{}", run.stderr);
    run.assert_stderr_contains("`updated`");
    run.assert_help();
}

// ---------------------------------------------------------------------------------
// Background entries.

#[test]
fn a_background_file_name_that_is_not_a_key_is_refused() {
    let file = "content/background/CSTO.md";
    let (site, run) = break_site(|site| {
        site.write(
            file,
            "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\n+++\nTekst.\n",
        );
    });
    run.assert_stderr_contains("CSTO");
    run.assert_points_at(&site, file, None);
    run.assert_help();
    assert!(
        help(&run).contains("csto"),
        "the help should suggest the name `csto`\n{}",
        run.stderr
    );
}

#[test]
fn a_background_entry_without_a_summary_is_refused() {
    let file = "content/background/odkb.md";
    let (site, run) = break_site(|site| {
        site.write(
            file,
            "+++\ntitle = \"ODKB\"\naliases = [\"ODKB\"]\n+++\nTekst.\n",
        );
    });
    run.assert_stderr_contains("summary");
    run.assert_points_at(&site, file, None);
    run.assert_help();
}

// ---------------------------------------------------------------------------------
// Links that would run a script.

fn assert_script_link_refused(file: &str, text: &str, url: &str) {
    let (site, run) = break_site(|site| site.write(file, text));
    let line = line_of(&site, file, url);
    run.assert_points_at(&site, file, Some(line));
    run.assert_stderr_contains("javascript:");
    run.assert_help();
}

#[test]
fn a_script_link_in_a_quote_is_refused_at_its_line() {
    assert_script_link_refused(
        X_FILE,
        "+++\ntitle = \"Lenke\"\ndate = 2022-01-06\n\n[[quotes]]\ntext = \"Sitat.\"\nspeaker = \"Kari\"\nsource = \"NRK\"\nurl = \"javascript:alert(1)\"\n+++\nTekst.\n",
        "javascript:alert(1)",
    );
}

#[test]
fn a_script_link_in_a_source_is_refused_at_its_line() {
    assert_script_link_refused(
        X_FILE,
        "+++\ntitle = \"Lenke\"\ndate = 2022-01-06\n\n[[sources]]\ntitle = \"Kilde\"\nurl = \"  JavaScript:alert(1)\"\n+++\nTekst.\n",
        "JavaScript:alert(1)",
    );
}

#[test]
fn a_script_link_as_an_image_is_refused_at_its_line() {
    assert_script_link_refused(
        X_FILE,
        "+++\ntitle = \"Bilde\"\ndate = 2022-01-06\n\n[image]\nsrc = \"javascript:alert(1)\"\nalt = \"Et bilde\"\n+++\nTekst.\n",
        "javascript:alert(1)",
    );
}

#[test]
fn a_script_link_in_a_timeline_event_is_refused_at_its_line() {
    assert_script_link_refused(
        X_FILE,
        "+++\ntitle = \"Lenke\"\ndate = 2022-01-06\n\n[[timeline]]\ndate = \"2022-01-02\"\ntitle = \"Protester\"\nsource = \"Reuters\"\nurl = \"javascript:alert(1)\"\n+++\nTekst.\n",
        "javascript:alert(1)",
    );
}

#[test]
fn a_script_link_as_a_background_image_is_refused_at_its_line() {
    assert_script_link_refused(
        "content/background/odkb.md",
        "+++\ntitle = \"ODKB\"\nsummary = \"En allianse.\"\n\n[image]\nsrc = \"javascript:alert(1)\"\nalt = \"Logo\"\n+++\nTekst.\n",
        "javascript:alert(1)",
    );
}

#[test]
fn the_same_safe_url_earlier_does_not_hide_where_a_script_link_is() {
    // The source's URL also appears, harmlessly, in the lead above it.
    assert_script_link_refused(
        X_FILE,
        "+++\ntitle = \"Lenke\"\ndate = 2022-01-06\nlead = \"Ikke klikk på javascript:void(0) i kilden.\"\n\n[[sources]]\ntitle = \"Kilde\"\nurl = \"javascript:void(0)\"\n+++\nTekst.\n",
        "url = \"javascript:void(0)",
    );
}

// ---------------------------------------------------------------------------------
// Parts only the article's own page shows. A full build reads and checks them
// when it renders that page; what it reports must not change for that.

const SCRIPT_SOURCE: &str = "+++\ntitle = \"Lenke\"\ndate = 2022-01-06\n\n[[sources]]\ntitle = \"Kilde\"\nurl = \"javascript:alert(1)\"\n+++\nTekst.\n";

#[test]
fn a_problem_only_the_article_page_shows_is_reported_with_every_other_problem() {
    let (site, run) = break_site(|site| {
        site.write(X_FILE, SCRIPT_SOURCE);
        site.write(
            "content/y.md",
            "+++\ntitle = \"Uten dato\"\nlead = \"Datoen mangler.\"\n+++\nTekst.\n",
        );
    });
    let line = line_of(&site, X_FILE, "javascript:");
    run.assert_points_at(&site, X_FILE, Some(line));
    run.assert_points_at(&site, "content/y.md", None);
    run.assert_stderr_contains("2 errors");
}

#[test]
fn a_draft_is_checked_whole_although_its_page_is_not_rendered() {
    let draft = SCRIPT_SOURCE.replace("date = 2022-01-06\n", "date = 2022-01-06\ndraft = true\n");
    let (site, run) = broken_article(&draft);
    let line = line_of(&site, X_FILE, "javascript:");
    run.assert_points_at(&site, X_FILE, Some(line));
    run.assert_stderr_contains("1 error");
}
