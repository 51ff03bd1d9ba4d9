//! Publishing on time: scheduled articles absent everywhere until `--now` passes
//! their date, `expires`, embargo links failing `check`, `forklar status`,
//! preview builds (`--preview` and the hosts' preview signals), and the date
//! forms a CMS writes.

use std::process::Command;

use serde_json::Value;

use crate::common::{BIN, Run, TestSite, assert_contains, assert_lacks};

const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn for nyhetene"
language = "nb"
base_url = "https://example.org/"
timezone = "Europe/Oslo"
authors = ["Redaksjonen"]
"#;

const CSTO: &str = r#"+++
title = "CSTO"
aliases = ["CSTO"]
summary = "En militærallianse ledet av Russland."
+++

Alliansen ble grunnlagt i 2002.
"#;

const BLAKKISRUD: &str = r#"+++
name = "Helge Blakkisrud"
role = "seniorforsker"
+++

Forsker ved NUPI.
"#;

const PUBLISHED: &str = r#"+++
title = "Uroen i Kasakhstan"
date = 2022-01-06T18:00:00+01:00
lead = "Gassprisen ble doblet."
tags = ["Kasakhstan"]
background = ["csto"]
timeline_file = "uro"

[[quotes]]
text = "Et gammelt sitat."
speaker = "blakkisrud"
source = "NRK"
+++

Demonstrantene krever nytt styre.
"#;

/// Dated 8 January 2022 at 10:00 on the site's clock (09:00 UTC).
const SCHEDULED_FILE: &str = "content/planlagt.md";
const SCHEDULED_TITLE: &str = "Planlagt sak om CSTO";
const SCHEDULED: &str = r#"+++
title = "Planlagt sak om CSTO"
date = 2022-01-08T10:00:00
tags = ["Kasakhstan"]
background = ["csto"]
timeline_file = "uro"

[[quotes]]
text = "Et sitat som ikke er ute ennå."
speaker = "blakkisrud"
source = "NRK"

[[corrections]]
date = 2022-01-08
text = "Navnet på byen er rettet."
+++

Soldatene trekker seg ut.
"#;

const TIMELINE: &str = r#"title = "Uroen i januar"

[[events]]
date = "2022-01-02"
title = "Protestene begynner"
"#;

const DRAFT: &str = r#"+++
title = "Et utkast om gass"
date = 2022-01-05
draft = true
+++

Ikke ferdig.
"#;

const BEFORE: &str = "2022-01-07T12:00:00+01:00";
const AT_ITS_TIME: &str = "2022-01-08T10:00:00+01:00";

fn scheduling_site() -> TestSite {
    TestSite::new(SITE_TOML)
        .with("content/background/csto.md", CSTO)
        .with("content/people/blakkisrud.md", BLAKKISRUD)
        .with("content/timelines/uro.toml", TIMELINE)
        .with("content/uroen.md", PUBLISHED)
        .with(SCHEDULED_FILE, SCHEDULED)
        .with("content/utkast.md", DRAFT)
}

/// `forklar <args>` in the site with no preview signal from the environment
/// except `env`.
fn run(site: &TestSite, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("--root")
        .arg(site.root())
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .env_remove("FORKLAR_NOW");
    for name in [
        "CONTEXT",
        "DEPLOY_PRIME_URL",
        "CF_PAGES",
        "CF_PAGES_BRANCH",
        "CF_PAGES_URL",
        "GITHUB_EVENT_NAME",
        "GITHUB_ACTIONS",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let output = command.output().expect("run the forklar binary");
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn ok(site: &TestSite, args: &[&str], env: &[(&str, &str)]) -> Run {
    let run = run(site, args, env);
    run.assert_success();
    run
}

/// Every place a published article shows up, with whether `needle` is there.
fn places(site: &TestSite) -> Vec<(&'static str, String)> {
    [
        "index.html",
        "emne/kasakhstan/index.html",
        "bakgrunn/csto/index.html",
        "personer/blakkisrud/index.html",
        "tidslinje/uro/index.html",
        "rettelser/index.html",
        "rettelser/atom.xml",
        "atom.xml",
        "sitemap.xml",
        "news-sitemap.xml",
        "uroen/index.html",
    ]
    .into_iter()
    .map(|page| (page, site.public(page)))
    .collect()
}

#[test]
fn an_article_dated_tomorrow_is_absent_everywhere_until_its_time() {
    let site = scheduling_site();
    ok(&site, &["build", "--now", BEFORE], &[]);
    assert!(!site.has_public("planlagt-sak-om-csto/index.html"));
    assert!(!site.has_public("planlagt/index.html"));
    for (page, text) in places(&site) {
        assert_lacks(&text, SCHEDULED_TITLE, page);
        assert_lacks(&text, "planlagt", page);
        assert_lacks(&text, "Et sitat som ikke er ute ennå", page);
    }
    // The published article still is everywhere it belongs.
    assert_contains(
        &site.public("index.html"),
        "Uroen i Kasakhstan",
        "index.html",
    );

    ok(&site, &["build", "--now", AT_ITS_TIME], &[]);
    assert!(site.has_public("planlagt/index.html"));
    for (page, text) in places(&site) {
        if page == "uroen/index.html" {
            continue;
        }
        let needle = match page {
            "sitemap.xml" | "news-sitemap.xml" => "https://example.org/planlagt/",
            "personer/blakkisrud/index.html" => "Et sitat som ikke er ute ennå",
            _ => SCHEDULED_TITLE,
        };
        assert_contains(&text, needle, page);
    }
    // Without a time of day, a date begins at midnight on the site's clock.
    let day = scheduling_site().with(SCHEDULED_FILE, SCHEDULED.replace("T10:00:00", ""));
    ok(&day, &["build", "--now", "2022-01-07T23:59:00+01:00"], &[]);
    assert!(!day.has_public("planlagt/index.html"));
    ok(&day, &["build", "--now", "2022-01-07T23:00:00Z"], &[]);
    assert!(day.has_public("planlagt/index.html"));
}

#[test]
fn impact_leaves_out_what_is_not_published_yet() {
    let site = scheduling_site();
    let before = ok(&site, &["impact", "--now", BEFORE, SCHEDULED_FILE], &[]);
    assert!(before.stdout.trim().is_empty(), "{}", before.stdout);
    let after = ok(
        &site,
        &["impact", "--now", AT_ITS_TIME, SCHEDULED_FILE],
        &[],
    );
    assert_contains(&after.stdout, "planlagt/index.html", "impact");
}

const EXPIRING: &str = r#"+++
title = "Valget som var"
date = 2022-01-03
expires = 2022-01-07T00:00:00+01:00
tags = ["Kasakhstan"]
+++

Saken er gammel.
"#;

#[test]
fn an_expired_article_leaves_lists_and_feeds_and_keeps_its_page_with_a_note() {
    let site = scheduling_site().with("content/valget.md", EXPIRING);
    ok(&site, &["build", "--now", "2022-01-06T12:00:00+01:00"], &[]);
    let page = site.public("valget/index.html");
    assert_lacks(&page, "ikke lenger oppdatert", "valget/index.html");
    assert_contains(&site.public("index.html"), "Valget som var", "index.html");

    ok(&site, &["build", "--now", BEFORE], &[]);
    let page = site.public("valget/index.html");
    assert_contains(
        &page,
        r#"<p class="expired-note">Denne artikkelen er ikke lenger oppdatert.</p>"#,
        "valget/index.html",
    );
    for list in [
        "index.html",
        "emne/kasakhstan/index.html",
        "atom.xml",
        "news-sitemap.xml",
    ] {
        assert_lacks(&site.public(list), "Valget som var", list);
    }

    let removed = site.with(
        "content/valget.md",
        EXPIRING.replace("tags =", "expired = \"remove\"\ntags ="),
    );
    ok(&removed, &["build", "--now", BEFORE], &[]);
    assert!(!removed.has_public("valget/index.html"));
    assert_lacks(&removed.public("sitemap.xml"), "/valget/", "sitemap.xml");
}

#[test]
fn expires_before_date_is_refused_at_its_line() {
    let site = scheduling_site().with(
        "content/valget.md",
        EXPIRING.replace("2022-01-07T00:00:00+01:00", "2022-01-01"),
    );
    let run = run(&site, &["build"], &[]);
    run.assert_failure();
    run.assert_stderr_contains("`expires` is not later than `date`");
    run.assert_points_at(&site, "content/valget.md", Some(4));
}

#[test]
fn check_fails_where_a_published_article_links_to_an_embargoed_one() {
    let site = scheduling_site()
        .with(
            SCHEDULED_FILE,
            SCHEDULED.replace("tags =", "embargo = true\ntags ="),
        )
        .with(
            "content/uroen.md",
            format!("{PUBLISHED}\nLes også [den neste saken](planlagt.md).\n"),
        );
    let run = run(&site, &["check", "--now", BEFORE], &[]);
    run.assert_failure();
    run.assert_stderr_contains("under embargo until 8.\u{a0}januar 2022 kl.\u{a0}10.00");
    let line = PUBLISHED.lines().count() + 2;
    run.assert_points_at(&site, "content/uroen.md", Some(line));
    // Once its time has come, the link is an ordinary one.
    ok(&site, &["check", "--now", AT_ITS_TIME], &[]);
}

#[test]
fn status_lists_what_is_published_scheduled_and_expired() {
    let site = scheduling_site().with("content/valget.md", EXPIRING);
    let text = ok(&site, &["status", "--now", BEFORE], &[]).stdout;
    assert_contains(&text, "Published (1):\n  content/uroen.md", "status");
    assert_contains(
        &text,
        "Scheduled (1):\n  content/planlagt.md  «Planlagt sak om CSTO»  2022-01-08T10:00:00+01:00",
        "status",
    );
    assert_contains(&text, "Expired (1):\n  content/valget.md", "status");
    assert_contains(&text, "Drafts (1):\n  content/utkast.md", "status");

    let next = ok(&site, &["status", "--next", "--json", "--now", BEFORE], &[]).stdout;
    let next: Value = serde_json::from_str(&next).expect("status --next --json is JSON");
    assert_eq!(next["next"], "2022-01-08T10:00:00+01:00");
    assert_eq!(next["next_utc"], "2022-01-08T09:00:00Z");
    assert_eq!(next["path"], "content/planlagt.md");
    assert_eq!(next["change"], "publish");

    // An article that will expire is the next change once the rest is out.
    let later = site.with(
        "content/valget.md",
        EXPIRING.replace("2022-01-07T00:00:00+01:00", "2022-02-01T06:00:00Z"),
    );
    let next = ok(
        &later,
        &["status", "--next", "--json", "--now", AT_ITS_TIME],
        &[],
    )
    .stdout;
    let next: Value = serde_json::from_str(&next).unwrap();
    assert_eq!(next["next"], "2022-02-01T07:00:00+01:00");
    assert_eq!(next["change"], "expire");
    assert_eq!(next["path"], "content/valget.md");
    let none = ok(
        &later,
        &[
            "status",
            "--next",
            "--json",
            "--now",
            "2022-03-01T00:00:00Z",
        ],
        &[],
    );
    assert_eq!(none.stdout.trim(), "null");
}

#[test]
fn a_preview_shows_drafts_and_scheduled_articles_marked_and_unindexed() {
    let site = scheduling_site();
    let run = ok(&site, &["build", "--preview", "--now", BEFORE], &[]);
    assert_contains(&run.stdout, "Building a preview (--preview)", "stdout");
    let scheduled = site.public("planlagt/index.html");
    assert_contains(
        &scheduled,
        "<strong>Forhåndsvisning – ikke publisert</strong> · Planlagt 8.\u{a0}januar 2022 kl.\u{a0}10.00",
        "planlagt/index.html",
    );
    let draft = site.public("utkast/index.html");
    assert_contains(&draft, "ikke publisert</strong> · Utkast", "utkast");
    for page in [
        "index.html",
        "uroen/index.html",
        "planlagt/index.html",
        "404.html",
    ] {
        let html = site.public(page);
        assert_contains(
            &html,
            r#"<meta name="robots" content="noindex, nofollow">"#,
            page,
        );
        assert_contains(&html, "Forhåndsvisning – ikke publisert", page);
    }
    // Lists show what the editors are to see; feeds and sitemaps do not.
    assert_contains(&site.public("index.html"), SCHEDULED_TITLE, "index.html");
    let atom = site.public("atom.xml");
    assert_contains(&atom, "Uroen i Kasakhstan", "atom.xml");
    assert_lacks(&atom, SCHEDULED_TITLE, "atom.xml");
    assert_lacks(&atom, "Et utkast om gass", "atom.xml");
    for map in ["sitemap.xml", "news-sitemap.xml"] {
        assert_lacks(&site.public(map), "<loc>", map);
    }
    assert_contains(&site.public("robots.txt"), "Disallow: /", "robots.txt");

    // A build for readers has none of it.
    ok(&site, &["build", "--now", BEFORE], &[]);
    assert_lacks(
        &site.public("uroen/index.html"),
        "noindex",
        "uroen/index.html",
    );
    assert_lacks(
        &site.public("uroen/index.html"),
        "Forhåndsvisning",
        "uroen/index.html",
    );
}

#[test]
fn an_english_preview_says_so_in_english() {
    let site = scheduling_site().with("site.toml", SITE_TOML.replace("\"nb\"", "\"en\""));
    ok(&site, &["build", "--preview", "--now", BEFORE], &[]);
    assert_contains(
        &site.public("planlagt/index.html"),
        "<strong>Preview – not published</strong> · Scheduled for 8\u{a0}January 2022, 10:00",
        "planlagt/index.html",
    );
}

/// Whether the last build was a preview, and the address its canonical links use.
fn built_as_preview(site: &TestSite) -> (bool, String) {
    let html = site.public("uroen/index.html");
    let canonical = html
        .split("<link rel=\"canonical\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    (html.contains("noindex"), canonical)
}

/// Extra flags, the environment, whether it is a preview, and the canonical
/// address of the published article.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool, &'a str);

#[test]
fn deploy_previews_are_detected_only_from_explicit_signals() {
    let site = scheduling_site();
    let cases: &[Case] = &[
        (
            &[],
            &[("GITHUB_ACTIONS", "true")],
            false,
            "https://example.org/uroen/",
        ),
        (
            &[],
            &[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "push")],
            false,
            "https://example.org/uroen/",
        ),
        (
            &[],
            &[
                ("GITHUB_ACTIONS", "true"),
                ("GITHUB_EVENT_NAME", "pull_request"),
            ],
            true,
            "https://example.org/uroen/",
        ),
        (
            &[],
            &[
                ("CONTEXT", "deploy-preview"),
                (
                    "DEPLOY_PRIME_URL",
                    "https://deploy-preview-7--forklart.netlify.app",
                ),
            ],
            true,
            "https://deploy-preview-7--forklart.netlify.app/uroen/",
        ),
        (
            &[],
            &[("CONTEXT", "production")],
            false,
            "https://example.org/uroen/",
        ),
        (
            &["--production-branch", "main"],
            &[
                ("CF_PAGES", "1"),
                ("CF_PAGES_BRANCH", "ny-sak"),
                ("CF_PAGES_URL", "https://ny-sak.forklart.pages.dev"),
            ],
            true,
            "https://ny-sak.forklart.pages.dev/uroen/",
        ),
        (
            &["--production-branch", "main"],
            &[
                ("CF_PAGES_BRANCH", "main"),
                ("CF_PAGES_URL", "https://x.pages.dev"),
            ],
            false,
            "https://example.org/uroen/",
        ),
        // Without knowing the production branch, a branch says nothing.
        (
            &[],
            &[
                ("CF_PAGES_BRANCH", "ny-sak"),
                ("CF_PAGES_URL", "https://x.pages.dev"),
            ],
            false,
            "https://example.org/uroen/",
        ),
    ];
    for (args, env, preview, canonical) in cases {
        let mut all = vec!["build", "--now", BEFORE];
        all.extend_from_slice(args);
        ok(&site, &all, env);
        assert_eq!(
            built_as_preview(&site),
            (*preview, canonical.to_string()),
            "build {args:?} with {env:?}"
        );
        assert_eq!(
            site.has_public("planlagt/index.html"),
            *preview,
            "scheduled article with {env:?}"
        );
    }
}

/// The shapes Decap and Sveltia write: quoted dates with milliseconds and `Z`,
/// TOML local date-times, keys in their own order, empty optional fields.
const FROM_A_CMS: &str = r#"+++
draft = false
tags = []
lead = ""
updated = ""
expires = ""
slug = ""
date = "2022-01-05T08:30:00.000Z"
title = "Skrevet i et CMS"
authors = []
+++

Brødtekst.
"#;

const LOCAL_TIME: &str = r#"+++
title = "Lokal tid"
date = 2022-01-05T14:15:00.250
updated = "2022-01-05T15:00"
+++

Brødtekst.
"#;

#[test]
fn every_date_form_a_cms_writes_builds_in_the_sites_zone() {
    let site = scheduling_site()
        .with("content/cms.md", FROM_A_CMS)
        .with("content/lokal.md", LOCAL_TIME);
    ok(&site, &["build", "--now", BEFORE], &[]);
    let cms = site.public("cms/index.html");
    // 08:30 UTC is 09:30 in Oslo in January.
    assert_contains(&cms, "kl.\u{a0}09.30", "cms/index.html");
    assert_lacks(&cms, r#"<p class="lead">"#, "cms/index.html");
    let local = site.public("lokal/index.html");
    assert_contains(&local, "2022-01-05T14:15:00+01:00", "lokal/index.html");
    assert_contains(&local, "kl.\u{a0}14.15", "lokal/index.html");
}

#[test]
fn a_date_a_cms_cannot_mean_is_refused_at_its_line_with_help() {
    let site = scheduling_site().with(
        "content/cms.md",
        FROM_A_CMS.replace("2022-01-05T08:30:00.000Z", "2022-01-05T25:30:00Z"),
    );
    let run = run(&site, &["build"], &[]);
    run.assert_failure();
    run.assert_stderr_contains("is not a date");
    run.assert_points_at(&site, "content/cms.md", Some(8));
    run.assert_help();
}
