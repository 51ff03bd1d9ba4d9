//! What a full build lets go of after loading and reads again for the
//! article's own page (an article's own timeline, the quotes no person page
//! shows, the parts only its page shows): its pages must be those of a
//! render that keeps every part, as `serve` does.

use forklar::build::BuildOptions;
use forklar::incremental::Session;

use crate::common::{Snapshot, TestSite, assert_contains, assert_lacks};
use crate::explainer;

/// The moment both renders take as now, so live articles read alike.
const NOW: &str = "2022-02-01T12:00:00Z";

const BLAKKISRUD: &str = r#"+++
name = "Helge Blakkisrud"
role = "seniorforsker"
organisation = "NUPI"
+++

Forsker ved Norsk utenrikspolitisk institutt.
"#;

/// A live article with a timeline of its own, updates that join it, a
/// quote from a person with a page, one from someone without, one placed
/// by a marker, and every part only its page shows.
const LIVE: &str = r#"+++
title = "Direkte: valget"
date = 2022-01-10T08:00:00+01:00
lead = "Alt om valgnatten."
tags = ["Valg"]
background = ["csto"]
summary = ["Valget er avgjort."]
known = ["Hvem som vant."]
unknown = ["Når regjeringen er klar."]
live = true

[[timeline]]
date = "2022-01-03"
title = "Valgkampen starter"
text = "Se [uroen](uro.md)."

[[timeline]]
date = "2022-01-09"
title = "Siste måling"
key = true

[[updates]]
time = 2022-01-10T21:00:00+01:00
text = "Valglokalene stenger."
timeline = true

[[updates]]
time = 2022-01-10T23:30:00+01:00
text = "Det første resultatet er klart."

[[quotes]]
text = "Et sitat fra en med egen side."
speaker = "blakkisrud"
source = "NRK"
date = 2022-01-10

[[quotes]]
key = "velger"
text = "En velger uten egen side."
speaker = "Ola Velger"
source = "VG"

[[key_figures]]
number = 71
label = "prosent stemte"
source = "Valgdirektoratet"

[[questions]]
question = "Når kommer resultatet?"
answer = "Etter midnatt."

[[sources]]
title = "Valgdirektoratet"
+++

Valgnatten begynner.

{{ quote("velger") }}

Mer følger.
"#;

fn site() -> TestSite {
    explainer::site()
        .with("content/people/blakkisrud.md", BLAKKISRUD)
        .with("content/valg.md", LIVE)
}

/// The site rendered by the library the way `serve` renders it, keeping
/// every part, into a folder beside the site.
fn rendered_keeping_every_part(site: &TestSite) -> Snapshot {
    let out = site.outside().join("kept");
    let mut options = BuildOptions::new(site.root());
    options.output = out.clone();
    options.now = Some(NOW.parse().expect("a moment"));
    let mut session = Session::new(options);
    session.rebuild_all("start").expect("the site builds");
    Snapshot::of(&out)
}

#[test]
fn a_full_build_gives_the_pages_of_a_render_that_keeps_every_part() {
    let site = site();
    site.build_ok(&["--now", NOW]);
    let built = site.snapshot_public();
    let kept = rendered_keeping_every_part(&site);
    kept.assert_same_bytes(&built, "a full build against a render keeping every part");

    // What the comparison is about is there to compare.
    let page = "tidslinje/valg/index.html";
    let html = site.public(page);
    for event in [
        "Valgkampen starter",
        "Siste måling",
        "Valglokalene stenger.",
    ] {
        assert_contains(&html, event, page);
    }
    assert_contains(&html, r#"href="/uro/""#, page);
    assert_contains(&html, r#"href="/valg/""#, page);
    let page = "valg/index.html";
    let html = site.public(page);
    assert_contains(&html, "Valglokalene stenger.", page);
    assert_contains(&html, "En velger uten egen side.", page);
    assert_contains(&html, "Et sitat fra en med egen side.", page);
    assert_contains(&html, "Når kommer resultatet?", page);
    assert_contains(&html, "Valget er avgjort.", page);
    let page = "index.html";
    assert_contains(&site.public(page), "Valget er avgjort.", page);
    let page = "personer/blakkisrud/index.html";
    let html = site.public(page);
    assert_contains(&html, "Et sitat fra en med egen side.", page);
    assert_lacks(&html, "En velger uten egen side.", page);
}

/// The article written with `broken` for `working` fails a full build, with
/// the link reported once, at the first line `on_line` picks.
fn assert_broken_link_reported_once(working: &str, broken: &str, on_line: fn(&str) -> bool) {
    let site = site();
    site.write("content/valg.md", LIVE.replace(working, broken));
    let run = site.build(&["--now", NOW]);
    run.assert_failure();
    let line = LIVE
        .lines()
        .position(on_line)
        .expect("the line with the link")
        + 1;
    run.assert_points_at(&site, "content/valg.md", Some(line));
    assert_eq!(
        run.stderr.matches("`finnes-ikke.md` links to").count(),
        1,
        "{}",
        run.stderr
    );
}

/// Shown on the article and on its timeline page, reported once.
#[test]
fn a_broken_link_in_an_own_timeline_is_reported_at_its_line() {
    assert_broken_link_reported_once("Se [uroen](uro.md).", "Se [uroen](finnes-ikke.md).", |l| {
        l.contains("Se [uroen]")
    });
}

/// Shown on the article and in every list of it, reported once.
#[test]
fn a_broken_link_in_a_summary_point_is_reported_at_its_line() {
    assert_broken_link_reported_once(
        "summary = [\"Valget er avgjort.\"]",
        "summary = [\"Se [valget](finnes-ikke.md).\"]",
        |l| l.starts_with("summary = "),
    );
}
