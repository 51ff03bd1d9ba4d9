//! Live articles: `[[updates]]` newest first with anchors, «Direkte» until
//! `live_until` (on the build clock `--now`) and «Avsluttet» after, updates in
//! the timeline, `LiveBlogPosting` structured data, the article's own Atom feed
//! read by a real feed parser, and `updates.json` for the page's script.

use std::process::Command;

use serde_json::Value;

use crate::common::{TestSite, assert_contains, assert_lacks, position};
use crate::tools::require_tools;

const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn"
base_url = "https://example.org/"
language = "nb"
timezone = "Asia/Almaty"
"#;

/// Three updates written out of order, one on the site's clock (no offset),
/// one on the next day, one also in the timeline.
const LIVE: &str = r#"+++
title = "CSTO sender styrker"
date = 2022-01-06T09:00:00+06:00
live_until = 2022-01-07T18:00:00+06:00
known = ["Styrkene er på vei."]
unknown = ["Hvor lenge de blir."]

[[updates]]
time = 2022-01-06T14:32:00+06:00
title = "Russiske fly lander"
text = "De første **flyene** har landet i Almaty."
source = "Reuters"
author = "Kari Nordmann"

[[updates]]
time = 2022-01-06T10:05
text = "CSTO har vedtatt å sende styrker."
source = "AP"
timeline = true

[[updates]]
time = 2022-01-07T08:15:00+06:00
text = "Styrkene vokter flyplassen."
source = "Reuters"
+++

Innledning.
"#;

fn live_site() -> TestSite {
    TestSite::new(SITE_TOML).with("content/live.md", LIVE)
}

/// The live-article scripts published at the site's root.
fn live_scripts(site: &TestSite) -> Vec<String> {
    std::fs::read_dir(site.public_dir())
        .expect("public/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("live.") && name.ends_with(".js"))
        .collect()
}

const DURING: &str = "--now=2022-01-07T12:00:00+06:00";
const AFTER: &str = "--now=2022-01-08T12:00:00+06:00";

#[test]
fn updates_are_newest_first_with_anchors_from_their_time() {
    let site = live_site();
    site.build_ok(&[DURING]);
    let page = site.public("live/index.html");
    let third = position(&page, "id=\"oppdatering-2022-01-07-0815\"", "live");
    let second = position(&page, "id=\"oppdatering-2022-01-06-1432\"", "live");
    let first = position(&page, "id=\"oppdatering-2022-01-06-1005\"", "live");
    assert!(
        third < second && second < first,
        "updates should be newest first"
    );
    assert_contains(&page, "href=\"#oppdatering-2022-01-06-1432\"", "live");
    assert_contains(&page, "kl.\u{a0}14.32", "live");
    // The date shows where it changes from the update above: the 7th on the
    // first, the 6th on the second, and not again on the third.
    assert_eq!(page.matches("class=\"update-day\"").count(), 2, "{page}");
    assert_contains(&page, "<strong>flyene</strong>", "live");
    assert_contains(&page, "Kilde: Reuters", "live");
    assert_contains(&page, "Av Kari Nordmann", "live");
    // «Dette vet vi» is pinned above the updates, which come before the text.
    let known = position(&page, "id=\"part-known\"", "live");
    let updates = position(&page, "id=\"part-updates\"", "live");
    let body = position(&page, "Innledning.", "live");
    assert!(known < updates && updates < body, "known, updates, text");
    assert_contains(&page, ">Direkte</p>", "live");
    let scripts = live_scripts(&site);
    assert_eq!(scripts.len(), 1, "one live script: {scripts:?}");
    assert_contains(
        &page,
        &format!("<script src=\"/{}\" defer>", scripts[0]),
        "live",
    );
    let feed_link = "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/live/atom.xml\"";
    assert_contains(&page, feed_link, "live");
}

#[test]
fn live_until_in_the_past_ends_the_story_and_oldest_first_flips_the_order() {
    let site = live_site();
    site.build_ok(&[AFTER]);
    let page = site.public("live/index.html");
    assert_contains(&page, ">Avsluttet</p>", "ended");
    assert_lacks(&page, ">Direkte</p>", "ended");
    // An ended story loads no script, and a site with no live story has none.
    assert_lacks(&page, "/live.", "ended");
    assert!(
        live_scripts(&site).is_empty(),
        "no live article, no live script"
    );
    assert!(
        position(&page, "oppdatering-2022-01-07-0815\"", "ended")
            < position(&page, "oppdatering-2022-01-06-1005\"", "ended")
    );
    site.write(
        "content/live.md",
        LIVE.replace("live_until", "order = \"oldest-first\"\nlive_until"),
    );
    site.build_ok(&[AFTER]);
    let page = site.public("live/index.html");
    assert!(
        position(&page, "id=\"oppdatering-2022-01-06-1005\"", "oldest first")
            < position(&page, "id=\"oppdatering-2022-01-07-0815\"", "oldest first"),
        "order = oldest-first shows the first update first once ended"
    );
    // While live, the newest is always first.
    site.build_ok(&[DURING]);
    let page = site.public("live/index.html");
    assert!(
        position(&page, "id=\"oppdatering-2022-01-07-0815\"", "live")
            < position(&page, "id=\"oppdatering-2022-01-06-1005\"", "live")
    );
}

#[test]
fn more_than_twenty_updates_keep_the_rest_in_details() {
    let mut text = String::from("+++\ntitle = \"Lang\"\ndate = 2022-01-06\nlive = true\n");
    for minute in 0..25 {
        text.push_str(&format!(
            "\n[[updates]]\ntime = 2022-01-06T10:{minute:02}\ntext = \"Nummer {minute}.\"\n"
        ));
    }
    text.push_str("+++\n");
    let site = TestSite::new(SITE_TOML).with("content/lang.md", text);
    site.build_ok(&[]);
    let page = site.public("lang/index.html");
    let details = position(&page, "<details class=\"updates-earlier\">", "long");
    assert_contains(&page, "Tidligere oppdateringer (5)", "long");
    // The five oldest are inside, the twenty newest before it.
    assert!(position(&page, ">Nummer 24.<", "long") < details);
    assert!(position(&page, ">Nummer 5.<", "long") < details);
    assert!(position(&page, ">Nummer 4.<", "long") > details);
    assert_eq!(page.matches("class=\"update\"").count(), 25);
}

#[test]
fn updates_marked_for_the_timeline_appear_in_it() {
    let site = live_site();
    site.build_ok(&[DURING]);
    let timeline = site.public("tidslinje/live/index.html");
    assert_contains(
        &timeline,
        "CSTO har vedtatt å sende styrker.",
        "timeline page",
    );
    assert_lacks(&timeline, "Styrkene vokter flyplassen.", "timeline page");
    let page = site.public("live/index.html");
    assert_contains(&page, "id=\"part-timeline\"", "live");
}

#[test]
fn updates_marked_for_a_shared_timeline_appear_on_its_page_too() {
    let site = TestSite::new(SITE_TOML)
        .with(
            "content/timelines/januar.toml",
            "title = \"Januar 2022\"\n\n[[events]]\ndate = 2022-01-05\ntitle = \"Unntakstilstand\"\ntext = \"Regjeringen går av.\"\n",
        )
        .with(
            "content/live.md",
            LIVE.replacen(
                "live_until = ",
                "timeline_file = \"januar\"\nlive_until = ",
                1,
            ),
        );
    site.build_ok(&[DURING]);
    let timeline = site.public("tidslinje/januar/index.html");
    let earlier = position(&timeline, "Regjeringen går av.", "shared timeline page");
    let update = position(
        &timeline,
        "</time> CSTO har vedtatt å sende styrker.",
        "shared timeline page",
    );
    assert!(earlier < update, "events in order of time\n{timeline}");
    assert_lacks(
        &timeline,
        "Styrkene vokter flyplassen.",
        "shared timeline page",
    );
    // The update leaves the timeline's page when it is no longer marked.
    site.write(
        "content/live.md",
        site.source("content/live.md")
            .replacen("timeline = true\n", "", 1),
    );
    site.build_ok(&[DURING]);
    let timeline = site.public("tidslinje/januar/index.html");
    assert_lacks(
        &timeline,
        "CSTO har vedtatt å sende styrker.",
        "shared timeline page",
    );
}

#[test]
fn json_ld_is_a_live_blog_posting() {
    let site = live_site();
    site.build_ok(&[AFTER]);
    let page = site.public("live/index.html");
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").expect("end of JSON-LD");
    let data: Value = serde_json::from_str(&page[start..end]).expect("JSON-LD parses");
    assert_eq!(data["@type"], "LiveBlogPosting");
    assert_eq!(data["coverageStartTime"], "2022-01-06T10:05:00+06:00");
    assert_eq!(data["coverageEndTime"], "2022-01-07T18:00:00+06:00");
    assert_eq!(data["dateModified"], "2022-01-07T08:15:00+06:00");
    let updates = data["liveBlogUpdate"].as_array().expect("liveBlogUpdate");
    assert_eq!(updates.len(), 3);
    assert!(updates.iter().all(|u| u["@type"] == "BlogPosting"));
    let landing = updates
        .iter()
        .find(|u| u["headline"] == "Russiske fly lander")
        .expect("the titled update");
    assert_eq!(landing["datePublished"], "2022-01-06T14:32:00+06:00");
    assert_eq!(
        landing["articleBody"],
        "De første flyene har landet i Almaty."
    );
    // While live there is no end yet.
    site.build_ok(&[DURING]);
    let page = site.public("live/index.html");
    assert_lacks(&page, "coverageEndTime", "live");
}

const FEED_SCRIPT: &str = r#"
import json, sys
import feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": int(d.bozo),
    "version": d.get("version"),
    "title": d.feed.get("title"),
    "entries": [{"title": e.get("title"), "link": e.get("link"), "id": e.get("id"),
                 "updated": e.get("updated")} for e in d.entries],
}, ensure_ascii=False))
"#;

#[test]
fn the_article_feed_is_atom_to_a_real_feed_parser() {
    let site = live_site();
    site.build_ok(&[DURING]);
    let has_parser = Command::new("python3")
        .args(["-c", "import feedparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_parser {
        assert!(
            !require_tools(),
            "feedparser missing; FORKLAR_REQUIRE_TOOLS=1 makes this a failure"
        );
        eprintln!(
            "SKIPPED live feed: feedparser not installed (python3 -m pip install feedparser)"
        );
        return;
    }
    let output = Command::new("python3")
        .args(["-c", FEED_SCRIPT])
        .arg(site.public_dir().join("live/atom.xml"))
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .expect("run python3");
    let feed: Value = serde_json::from_slice(&output.stdout).expect("feedparser JSON");
    assert_eq!(feed["bozo"], 0, "{}", site.public("live/atom.xml"));
    assert_eq!(feed["version"], "atom10");
    assert_eq!(feed["title"], "CSTO sender styrker");
    let entries = feed["entries"].as_array().expect("entries");
    let links: Vec<&str> = entries.iter().filter_map(|e| e["link"].as_str()).collect();
    assert_eq!(
        links,
        [
            "https://example.org/live/#oppdatering-2022-01-07-0815",
            "https://example.org/live/#oppdatering-2022-01-06-1432",
            "https://example.org/live/#oppdatering-2022-01-06-1005",
        ]
    );
    assert_eq!(entries[1]["title"], "Russiske fly lander");
    // The site's feed has the article once, at its newest update.
    let site_feed = site.public("atom.xml");
    assert_eq!(
        site_feed
            .matches("<title>CSTO sender styrker</title>")
            .count(),
        1
    );
    assert_contains(
        &site_feed,
        "<updated>2022-01-07T08:15:00+06:00</updated>",
        "site feed",
    );
}

#[test]
fn updates_json_lists_the_updates_for_the_script() {
    let site = live_site();
    site.build_ok(&[DURING]);
    let json: Value = serde_json::from_str(&site.public("live/updates.json")).expect("JSON");
    assert_eq!(json["live"], true);
    let ids: Vec<&str> = json["updates"]
        .as_array()
        .expect("updates")
        .iter()
        .filter_map(|u| u["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "oppdatering-2022-01-07-0815",
            "oppdatering-2022-01-06-1432",
            "oppdatering-2022-01-06-1005"
        ]
    );
    // An article without updates has neither file.
    let plain = TestSite::new(SITE_TOML).with(
        "content/vanlig.md",
        "+++\ntitle = \"Vanlig\"\ndate = 2022-01-06\n+++\nTekst.\n",
    );
    plain.build_ok(&[]);
    assert!(!plain.has_public("vanlig/updates.json"));
    assert!(!plain.has_public("vanlig/atom.xml"));
}

#[test]
fn english_sites_say_live_and_ended() {
    let site = TestSite::new(&SITE_TOML.replace("\"nb\"", "\"en\"")).with("content/live.md", LIVE);
    site.build_ok(&[DURING]);
    let page = site.public("live/index.html");
    assert_contains(&page, ">Live</p>", "en");
    assert_contains(&page, "id=\"update-2022-01-06-1432\"", "en");
    site.build_ok(&[AFTER]);
    assert_contains(&site.public("live/index.html"), ">Ended</p>", "en");
}

#[test]
fn an_update_without_time_or_text_is_an_error_at_its_line() {
    let site = TestSite::new(SITE_TOML).with(
        "content/feil.md",
        "+++\ntitle = \"Feil\"\ndate = 2022-01-06\nlive = true\n\n[[updates]]\ntext = \"Uten tid.\"\n\n[[updates]]\ntime = 2022-01-06T10:00\n+++\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("an update has no time");
    run.assert_stderr_contains("an update has no text");
    run.assert_points_at(&site, "content/feil.md", Some(10));
    run.assert_help();
    let site = TestSite::new(SITE_TOML).with(
        "content/feil.md",
        "+++\ntitle = \"Feil\"\ndate = 2022-01-06\nlive = true\norder = \"baklengs\"\n\n[[updates]]\ntime = 2022-01-06\ntext = \"Uten klokkeslett.\"\n+++\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("`baklengs` is not an order of updates");
    run.assert_stderr_contains("an update's time has no time of day");
    run.assert_points_at(&site, "content/feil.md", Some(5));
}

#[test]
fn live_true_without_updates_is_refused_and_live_false_is_an_ordinary_article() {
    let site = TestSite::new(SITE_TOML).with(
        "content/sak.md",
        "+++\ntitle = \"Sak\"\ndate = 2022-01-06\nlive = true\n+++\n\nTekst.\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("a live article needs at least one [[updates]]");
    run.assert_points_at(&site, "content/sak.md", Some(4));
    // What a CMS writes for an article that is not live.
    site.write(
        "content/sak.md",
        "+++\ntitle = \"Sak\"\ndate = 2022-01-06\nlive = false\n+++\n\nTekst.\n",
    );
    site.build_ok(&[]);
    let page = site.public("sak/index.html");
    assert!(!page.contains("Direkte"), "an ordinary article is not live");
}

#[test]
fn new_live_writes_a_live_article_that_builds() {
    let site = TestSite::new(SITE_TOML);
    let root = site.root().to_str().expect("UTF-8 path").to_string();
    site.run_in(
        site.root(),
        &[
            "--now=2022-01-06T10:00:00+06:00",
            "--root",
            &root,
            "new",
            "live",
            "Direkte: Uro i Almaty",
        ],
    )
    .assert_success();
    let text = site.source("content/direkte-uro-i-almaty.md");
    assert_contains(&text, "live = true", "the new file");
    assert_contains(&text, "[[updates]]", "the new file");
    site.build_ok(&["--drafts", "--now=2022-01-06T11:00:00+06:00"]);
    let page = site.public("direkte-uro-i-almaty/index.html");
    assert_contains(&page, ">Direkte</p>", "new live article");
    assert_contains(&page, "id=\"part-known\"", "new live article");
    assert_eq!(page.matches("class=\"update\"").count(), 1);
    assert!(site.has_public("direkte-uro-i-almaty/updates.json"));
}
