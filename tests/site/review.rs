//! Background that stays true: `verified`, `review_after` and `[[changes]]` on
//! background entries, the change log a reader sees, the errors a writer gets,
//! and `forklar check --stale` as an editor (or CI) runs it.

use std::process::Command;

use crate::common::{BIN, Run, TestSite, assert_contains, assert_lacks};
use crate::explainer;

/// `forklar <args> --root <site>` with the build's clock set to `now`.
fn run_at(site: &TestSite, now: &str, args: &[&str]) -> Run {
    let root = site.root().to_str().expect("a UTF-8 temporary path");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--root", root]);
    let output = Command::new(BIN)
        .args(&all)
        .current_dir(site.root())
        .env("FORKLAR_NOW", now)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run the forklar binary");
    Run {
        args: all.iter().map(|a| a.to_string()).collect(),
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn entry(title: &str, extra: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nsummary = \"Om {title}.\"\n{extra}+++\n\nTekst.\n")
}

fn article(title: &str, background: &[&str]) -> String {
    let keys: Vec<String> = background.iter().map(|k| format!("\"{k}\"")).collect();
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2022-01-06\nbackground = [{}]\n+++\n\nTekst.\n",
        keys.join(", ")
    )
}

const CHANGES: &str = r#"verified = 2022-02-01
review_after = "90d"

[[changes]]
date = 2022-01-10
text = "Medlemstallet rettet fra sju til seks."

[[changes]]
date = "2022-02-01"
text = "Lagt til <fredsstyrken> i Kasakhstan."
"#;

#[test]
fn an_entry_page_shows_its_change_log_with_dates() {
    let site = explainer::site().with("content/background/ny.md", entry("Ny", CHANGES));
    site.build_ok(&[]);
    let page = site.public("bakgrunn/ny/index.html");
    assert_contains(
        &page,
        "<h2 id=\"part-change-log\">Endringslogg</h2>",
        "the entry page",
    );
    assert_contains(
        &page,
        "<li><time datetime=\"2022-01-10\">10.\u{a0}januar 2022</time>: Medlemstallet rettet fra sju til seks.</li>",
        "the entry page",
    );
    // Text from the front matter is text: escaped, never markup.
    assert_contains(
        &page,
        "<time datetime=\"2022-02-01\">1.\u{a0}februar 2022</time>: Lagt til &lt;fredsstyrken&gt; i Kasakhstan.",
        "the entry page",
    );
    // An entry without changes has no empty log.
    assert_lacks(
        &site.public("bakgrunn/csto/index.html"),
        "Endringslogg",
        "CSTO's page",
    );
}

#[test]
fn an_english_site_calls_it_a_change_log() {
    let site = TestSite::new(explainer::SITE_TOML_EN)
        .with("content/background/new.md", entry("New", CHANGES));
    site.build_ok(&[]);
    let page = site.public("background/new/index.html");
    assert_contains(&page, ">Change log</h2>", "the entry page");
    assert_contains(
        &page,
        "<time datetime=\"2022-01-10\">10\u{a0}January 2022</time>",
        "the entry page",
    );
}

/// Builds a site whose entry `x` has `extra` in its front matter; the build
/// must fail at `line` of the entry with a help line.
fn assert_entry_error(extra: &str, line: usize, message: &str) {
    let site = explainer::site().with("content/background/x.md", entry("X", extra));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_points_at(&site, "content/background/x.md", Some(line));
    run.assert_stderr_contains(message);
    run.assert_help();
}

#[test]
fn bad_review_values_are_errors_at_their_line() {
    // Lines 1–3 are +++, title and summary.
    assert_entry_error("verified = \"i går\"\n", 4, "is not a date");
    assert_entry_error("verified = \"2022-01\"\n", 4, "does not name a day");
    assert_entry_error("review_after = \"90 dager\"\n", 4, "is not a date");
    assert_entry_error("review_after = \"0d\"\n", 4, "is not a number of days");
    assert_entry_error("review_after = 90\n", 4, "needs a unit");
    assert_entry_error(
        "verified = 2022-05-01\nreview_after = 2022-03-01\n",
        5,
        "`review_after` is earlier than `verified`",
    );
    assert_entry_error(
        "\n[[changes]]\ndate = 2022-01-10\n",
        5,
        "a change does not say what changed",
    );
    assert_entry_error(
        "\n[[changes]]\ntext = \"Rettet.\"\n",
        5,
        "a change has no date",
    );
    assert_entry_error(
        "\n[[changes]]\ndate = \"2022-13-10\"\ntext = \"Rettet.\"\n",
        6,
        "2022-13-10",
    );
}

/// Entries of every kind of freshness, and articles that show them: `brukt`
/// in three, `eldst` and `aldri` in one each, the rest in none.
fn review_site() -> TestSite {
    TestSite::new(explainer::SITE_TOML)
        // Due 2022-03-01, by date.
        .with(
            "content/background/brukt.md",
            entry(
                "Brukt",
                "verified = 2022-01-20\nreview_after = 2022-03-01\n",
            ),
        )
        // Due 2022-01-31, 30 days after it was verified.
        .with(
            "content/background/eldst.md",
            entry("Eldst", "verified = 2022-01-01\nreview_after = \"30d\"\n"),
        )
        .with(
            "content/background/aldri.md",
            entry("Aldri", "review_after = \"30d\"\n"),
        )
        // Due 2023-01-20.
        .with(
            "content/background/fersk.md",
            entry("Fersk", "verified = 2022-01-20\nreview_after = \"365d\"\n"),
        )
        // Verified, and never due.
        .with(
            "content/background/fast.md",
            entry("Fast", "verified = 2022-01-20\n"),
        )
        .with("content/a.md", article("A", &["brukt", "eldst"]))
        .with("content/b.md", article("B", &["brukt", "aldri"]))
        .with("content/c.md", article("C", &["brukt", "fersk"]))
}

/// The keys listed, in order: the first word of each indented line.
fn listed(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn check_stale_lists_due_entries_most_shown_first_then_oldest() {
    let site = review_site();
    let run = run_at(&site, "2022-06-01T12:00:00+02:00", &["check", "--stale"]);
    run.assert_success();
    // `brukt` is shown in three articles; `aldri` and `eldst` in one each, and
    // the one never verified counts as the oldest.
    assert_eq!(listed(&run), ["brukt", "aldri", "eldst"], "{}", run.stdout);
    assert_contains(
        &run.stdout,
        "3 background entries are due for review (2022-06-01)",
        "the listing",
    );
    assert_contains(
        &run.stdout,
        "brukt  content/background/brukt.md  shown in 3 articles; verified 2022-01-20, due 2022-03-01",
        "the listing",
    );
    assert_contains(
        &run.stdout,
        "aldri  content/background/aldri.md  shown in 1 article; never verified",
        "the listing",
    );
    assert_contains(
        &run.stdout,
        "verified 2022-01-01, due 2022-01-31",
        "the listing",
    );
}

#[test]
fn check_stale_follows_the_build_clock() {
    let site = review_site();
    // The day before `eldst` is due; the never-verified entry is due at once.
    let run = run_at(&site, "2022-01-30T23:59:00+01:00", &["check", "--stale"]);
    run.assert_success();
    assert_eq!(listed(&run), ["aldri"], "{}", run.stdout);
    // On its review day it is due.
    let run = run_at(&site, "2022-01-31T00:00:00+01:00", &["check", "--stale"]);
    assert_eq!(listed(&run), ["aldri", "eldst"], "{}", run.stdout);
    let run = run_at(&site, "januar", &["check", "--stale"]);
    run.assert_failure();
    run.assert_stderr_contains("FORKLAR_NOW");
    run.assert_help();
}

#[test]
fn check_stale_strict_fails_at_each_entry_for_ci() {
    let site = review_site();
    let run = run_at(
        &site,
        "2022-06-01T12:00:00+02:00",
        &["check", "--stale", "--strict"],
    );
    run.assert_failure();
    assert_eq!(run.code, Some(1));
    run.assert_points_at(&site, "content/background/brukt.md", Some(4));
    run.assert_stderr_contains("background entry `brukt` is due for review");
    run.assert_stderr_contains("background entry `aldri` has never been verified");
    run.assert_stderr_contains("set verified = 2022-06-01");
    assert_lacks(&run.stderr, "`fersk`", "the errors");
    // Nothing due: strict passes.
    site.write(
        "content/background/aldri.md",
        entry("Aldri", "verified = 2022-05-01\n"),
    );
    site.write(
        "content/background/brukt.md",
        entry("Brukt", "verified = 2022-05-01\n"),
    );
    site.write(
        "content/background/eldst.md",
        entry("Eldst", "verified = 2022-05-01\n"),
    );
    let run = run_at(
        &site,
        "2022-06-01T12:00:00+02:00",
        &["check", "--stale", "--strict"],
    );
    run.assert_success();
    assert_contains(
        &run.stdout,
        "No background entries are due for review",
        "the listing",
    );
}
