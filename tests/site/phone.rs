//! An explainer that reads well on a phone: «Nøkkeltall», «Dette vet vi – og
//! dette vet vi ikke» and «Spørsmål og svar» as parts of their own, times in
//! the site's zone, a timeline in the order journalists expect and true to the
//! article's point in time, and Norwegian typography.

use crate::common::{TestSite, assert_contains, assert_lacks, position};

const NB: &str = "title = \"Forklart\"\nlanguage = \"nb\"\n";

fn article(front: &str, body: &str) -> String {
    format!("+++\ntitle = \"Uro\"\ndate = 2022-01-06\n{front}+++\n{body}")
}

const PARTS: &str = r#"known = ["Regjeringen har gått av.", "CSTO sender *soldater*."]
unknown = ["Hvor mange som er drept."]
known_as_of = 2022-01-07T10:00:00+01:00

[[key_figures]]
number = 10000
unit = "personer"
label = "pågrepet"
as_of = 2022-01-16
source = "Innenriksdepartementet"
url = "https://example.org/tall"

[[key_figures]]
number = "ca. 2 000"
label = "soldater fra CSTO"
source = "CSTO"

[[questions]]
question = "Hvorfor kom CSTO?"
answer = """Presidenten ba om hjelp.

Det var første gang alliansen brukte [artikkel 4](https://example.org/art4)."""
"#;

#[test]
fn key_figures_known_and_questions_are_parts_with_their_headings() {
    let site = TestSite::new(NB).with(
        "content/uro.md",
        article(&format!("lead = \"Ingressen.\"\n{PARTS}"), "Brødtekst.\n"),
    );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    let lead = position(&page, "Ingressen.", "uro");
    let figures = position(&page, "id=\"part-key_figures\">Nøkkeltall</h2>", "uro");
    let body = position(&page, "Brødtekst.", "uro");
    assert!(
        lead < figures && figures < body,
        "«Nøkkeltall» goes under the lead"
    );
    assert_contains(&page, "10\u{202F}000", "the number, grouped");
    assert_contains(&page, "pågrepet", "the label");
    assert_contains(
        &page,
        "<a href=\"https://example.org/tall\">Innenriksdepartementet</a>",
        "the source, linked",
    );
    assert_contains(
        &page,
        "ca. 2\u{202F}000",
        "a number written as text keeps its words",
    );
    let known = position(
        &page,
        "id=\"part-known\">Dette vet vi – og dette vet vi ikke</h2>",
        "uro",
    );
    assert!(
        body < known,
        "«Dette vet vi» follows the text unless placed"
    );
    assert_contains(&page, "<h3>Dette vet vi</h3>", "uro");
    assert_contains(&page, "<h3>Dette vet vi ikke</h3>", "uro");
    assert_contains(&page, "<li>CSTO sender <em>soldater</em>.</li>", "uro");
    assert_contains(
        &page,
        "datetime=\"2022-01-07T10:00:00+01:00\"",
        "the as-of moment",
    );
    assert_contains(
        &page,
        "7.\u{a0}januar 2022 kl.\u{a0}10.00",
        "the as-of time for readers",
    );
    assert_contains(&page, "id=\"part-questions\">Spørsmål og svar</h2>", "uro");
    assert_contains(
        &page,
        "<summary><h3>Hvorfor kom CSTO?</h3></summary>",
        "the question opens its answer",
    );
    assert_contains(
        &page,
        "<p>Presidenten ba om hjelp.</p>",
        "the answer is Markdown, in paragraphs",
    );
    assert_contains(
        &page,
        "<a href=\"https://example.org/art4\">artikkel 4</a>",
        "uro",
    );
}

#[test]
fn the_new_parts_speak_english_and_can_be_placed_by_markers() {
    let site = TestSite::new("title = \"Explained\"\nlanguage = \"en\"\n").with(
        "content/unrest.md",
        article(
            PARTS,
            "First.\n\n{{ questions() }}\n\nSecond.\n\n{{ key_figures() }}\n\n{{ known() }}\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("unrest/index.html");
    let first = position(&page, "First.", "unrest");
    let questions = position(&page, ">Questions and answers</h2>", "unrest");
    let second = position(&page, "Second.", "unrest");
    let figures = position(&page, ">Key figures</h2>", "unrest");
    let known = position(&page, ">What we know – and what we don’t</h2>", "unrest");
    assert!(first < questions && questions < second && second < figures && figures < known);
    assert_contains(&page, "10,000", "English groups digits with a comma");
    assert_contains(&page, "<h3>What we don’t know</h3>", "unrest");
    assert_eq!(
        page.matches("id=\"part-key_figures\"").count(),
        1,
        "placed once: {page}"
    );
}

#[test]
fn a_key_figure_without_a_source_is_an_error_at_its_line() {
    let text = article(
        "\n[[key_figures]]\nnumber = 225\nlabel = \"drept\"\nsource = \"Riksadvokaten\"\n\n[[key_figures]]\nnumber = 238\nlabel = \"drept, justert tall\"\n",
        "Tekst.\n",
    );
    let site = TestSite::new(NB).with("content/uro.md", &text);
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("a key figure has no source");
    run.assert_help();
    let line = text.lines().position(|l| l == "number = 238").unwrap();
    // The table starts on the line above its number.
    run.assert_points_at(&site, "content/uro.md", Some(line));
    assert!(!site.has_public("uro/index.html"), "nothing is published");
}

#[test]
fn norwegian_typography_keeps_numbers_and_dates_together_and_nests_quotes() {
    let site = TestSite::new(NB).with(
        "content/uro.md",
        article(
            "lead = \"Over 10 000 pågrepet etter 6. januar.\"\n",
            "Mer enn 10 000 mennesker ble pågrepet. Onsdag 19. januar kl. 10.00 var de ute.\n\n\
             Han sa at styrkene sendes for en \"begrenset periode\": «for å «stabilisere» situasjonen».\n\n\
             Reuters' tall og `10 000 kode` og [lenke](https://example.org/6.%20januar).\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    assert_contains(
        &page,
        "Mer enn 10\u{202F}000 mennesker",
        "digits grouped with a narrow no-break space",
    );
    assert_contains(
        &page,
        "19.\u{a0}januar kl.\u{a0}10.00",
        "day and month, kl. and time, kept together",
    );
    assert_contains(
        &page,
        "for en «begrenset periode»",
        "straight quotes become «»",
    );
    assert_contains(
        &page,
        "«for å ‹stabilisere› situasjonen»",
        "a quote inside a quote gets ‹ ›",
    );
    assert_contains(&page, "Reuters’ tall", "a typographic apostrophe");
    assert_contains(&page, "<code>10 000 kode</code>", "code is left as written");
    assert_contains(
        &page,
        "href=\"https://example.org/6.%20januar\"",
        "a URL is left as written",
    );
    assert_contains(
        &page,
        "<p class=\"lead\">Over 10\u{202F}000 pågrepet etter 6.\u{a0}januar.</p>",
        "front matter is set too",
    );
}

/// Quotes whose words the stylesheet puts in quotation marks of its own:
/// one with straight quotes inside (set by the Markdown path) and one with
/// guillemets (plain text, set without the parser), which the writer also
/// put around all the words: those are the page's to draw.
const NESTED_QUOTES: &str = r#"
[[quotes]]
text = 'Det er "bare" en «begrenset periode», sa han.'
speaker = "blakkisrud"
source = 'Avisen "Dagen"'

[[quotes]]
key = "nrk"
text = "«Vi kaller det «fredsbevaring».»"
speaker = "Ola Nordmann"
source = "NRK"
"#;

#[test]
fn quotes_inside_an_expert_quote_are_the_inner_ones_wherever_it_is_shown() {
    let site = TestSite::new(NB)
        .with(
            "content/people/blakkisrud.md",
            "+++\nname = \"Helge Blakkisrud\"\n+++\n",
        )
        .with(
            "content/uro.md",
            article(
                NESTED_QUOTES,
                "Han sa \"ja\".\n\n{{ quote(\"nrk\") }}\n\nSlutt.\n",
            ),
        );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    // The stylesheet draws «» around the words: «Det er ‹bare› …», not
    // «Det er «bare» …».
    assert_contains(
        &page,
        "<p>Det er ‹bare› en ‹begrenset periode›, sa han.</p></blockquote>",
        "the quotes part",
    );
    assert_contains(
        &page,
        "<p>Vi kaller det ‹fredsbevaring›.</p></blockquote>",
        "a quote placed in the body",
    );
    assert_contains(&page, "Han sa «ja».", "the body's own quotes stay outer");
    // What stands outside the quote's marks keeps the outer quotes.
    assert_contains(&page, "Avisen «Dagen»", "the quote's source");
    let person = site.public("personer/blakkisrud/index.html");
    assert_contains(
        &person,
        "<p>Det er ‹bare› en ‹begrenset periode›, sa han.</p></blockquote>",
        "the speaker's page",
    );
    assert_contains(
        &person,
        "Avisen «Dagen»",
        "the source on the speaker's page",
    );

    let site = TestSite::new("title = \"Explained\"\nlanguage = \"en\"\n").with(
        "content/unrest.md",
        article(
            r#"[[quotes]]
text = "It is \"only\" for a 'limited period'"
speaker = "Ola Nordmann"
source = "NRK"
"#,
            "Text.\n",
        ),
    );
    site.build_ok(&[]);
    assert_contains(
        &site.public("unrest/index.html"),
        "<p>It is ‘only’ for a ‘limited period’</p></blockquote>",
        "an English quote",
    );
}

#[test]
fn english_typography_uses_english_quotes_and_keeps_day_and_month_together() {
    let site = TestSite::new("title = \"Explained\"\nlanguage = \"en\"\n").with(
        "content/unrest.md",
        article(
            "lead = \"On 6 January, \\\"peacekeepers\\\" arrived.\"\n",
            "Some 10 000 people were held. Pashinyan spoke of \"a 'limited period'\" on 6 January.\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("unrest/index.html");
    assert_contains(&page, "10\u{202F}000 people", "the digits stay together");
    assert_contains(
        &page,
        "“a ‘limited period’”",
        "English quotes, single inside double",
    );
    assert_contains(&page, "on 6\u{a0}January", "day and month together");
    assert_contains(
        &page,
        "On 6\u{a0}January, “peacekeepers” arrived.",
        "front matter is set too",
    );
}

#[test]
fn a_timeline_keeps_the_order_written_where_one_date_contains_another_and_folds_when_long() {
    let events = [
        ("2022-01-05", "Regjeringen går av", false),
        ("2022-01-05T14:00+06:00", "Unntakstilstand i Almaty", true),
        ("2022-01-02", "Protestene begynner", false),
        ("2022-01", "Over 10 000 pågripes", false),
        ("2022-01-06", "CSTO sier ja", true),
        ("2022-01-19", "De siste soldatene drar", false),
        ("2022-01-01", "Pristaket fjernes", false),
    ];
    let mut front = String::new();
    for (date, title, key) in events {
        front.push_str(&format!(
            "\n[[timeline]]\ndate = \"{date}\"\ntitle = \"{title}\"\nkey = {key}\n"
        ));
    }
    let site = TestSite::new(NB).with("content/uro.md", article(&front, "Tekst.\n"));
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    let (shown, whole) = page
        .split_once("<details class=\"timeline-more\">")
        .expect("seven events fold behind «Vis hele tidslinjen»");
    assert_contains(whole, "<summary>Vis hele tidslinjen (7)</summary>", "uro");
    let shown = &shown[position(shown, "part-timeline", "uro")..];
    let key: Vec<&str> = events.iter().filter(|e| e.2).map(|e| e.1).collect();
    for title in &key {
        assert_contains(
            shown,
            title,
            "the key events are shown before the timeline is opened",
        );
    }
    assert!(
        !shown.contains("Pristaket fjernes"),
        "only the key events: {shown}"
    );
    // Sorted by time; the day written before its time of day stays before it,
    // and the month written after days of January stays after them.
    let order: Vec<usize> = [
        "Pristaket fjernes",
        "Protestene begynner",
        "Regjeringen går av",
        "Unntakstilstand i Almaty",
        "Over 10\u{202F}000 pågripes",
        "CSTO sier ja",
        "De siste soldatene drar",
    ]
    .iter()
    .map(|title| position(whole, title, "the whole timeline"))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{whole}");
    // The two events of 5 January are under one date.
    assert_eq!(
        whole.matches(">5.\u{a0}januar</time>").count(),
        1,
        "{whole}"
    );
    assert_contains(whole, ">I løpet av januar</time>", "a month among days");
}

#[test]
fn stamps_show_the_time_on_the_sites_clock_and_what_the_update_changed() {
    let site = TestSite::new(NB).with(
        "content/uro.md",
        "+++\ntitle = \"Uro\"\ndate = 2022-01-06T19:00\nupdated = 2022-01-07T09:00:00Z\nupdate_note = \"Med skyteordren\"\n+++\nTekst.\n",
    );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    // Written without an offset: read on the site's clock, Europe/Oslo for nb.
    assert_contains(
        &page,
        "Publisert <time datetime=\"2022-01-06T19:00+01:00\">6.\u{a0}januar 2022 kl.\u{a0}19.00</time>",
        "uro",
    );
    // Written in UTC: shown on the site's clock, the year left out.
    assert_contains(
        &page,
        "Oppdatert <time datetime=\"2022-01-07T09:00:00Z\">7.\u{a0}januar kl.\u{a0}10.00</time> <span class=\"update-note\">(Med skyteordren)</span>",
        "uro",
    );
    let front = site.public("index.html");
    assert_contains(
        &front,
        "<span class=\"teaser-updated\">Oppdatert <time datetime=\"2022-01-07T09:00:00Z\">",
        "a teaser says it was updated",
    );

    site.write("site.toml", format!("{NB}timezone = \"Asia/Almaty\"\n"));
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    assert_contains(
        &page,
        "datetime=\"2022-01-06T19:00+06:00\">6.\u{a0}januar 2022 kl.\u{a0}19.00</time>",
        "uro, in Almaty",
    );
    assert_contains(
        &page,
        ">7.\u{a0}januar kl.\u{a0}15.00</time>",
        "uro, in Almaty",
    );
}

#[test]
fn an_unknown_time_zone_is_named_at_its_line_in_site_toml() {
    let site = TestSite::new(&format!("{NB}timezone = \"Europe/Olso\"\n"))
        .with("content/uro.md", article("", "Tekst.\n"));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("`Europe/Olso` is not a time zone forklar knows");
    run.assert_help();
    run.assert_points_at(&site, "site.toml", Some(3));
}

const SHARED: &str = r#"title = "Uroen i Kasakhstan"

[[events]]
date = "2022-01-02"
title = "Protestene begynner"

[[events]]
date = "2022-01-06"
title = "CSTO sier ja"

[[events]]
date = "2022-01-07T12:00:00+01:00"
title = "Skyteordren"

[[events]]
date = "2022-01-19"
title = "De siste soldatene drar"
"#;

#[test]
fn a_shared_timeline_stops_at_the_articles_point_in_time_and_links_the_newer_article() {
    let site = TestSite::new(NB)
        .with("content/timelines/uro.toml", SHARED)
        .with(
            "content/uro.md",
            "+++\ntitle = \"Dette har skjedd\"\ndate = 2022-01-06T19:00\nupdated = 2022-01-07T10:00\ntimeline_file = \"uro\"\n+++\nTekst.\n",
        )
        .with(
            "content/ut.md",
            "+++\ntitle = \"CSTO-styrkene har forlatt Kasakhstan\"\ndate = 2022-01-13\nupdated = 2022-01-19\ntimeline_file = \"uro\"\n+++\nTekst.\n",
        );
    site.build_ok(&[]);
    let page = site.public("uro/index.html");
    assert_contains(&page, "CSTO sier ja", "an event before the update");
    assert_lacks(
        &page,
        "Skyteordren",
        "an event later on the day of the update",
    );
    assert_lacks(
        &page,
        "De siste soldatene drar",
        "an event after the update",
    );
    assert_contains(
        &page,
        "Tidslinjen viser hendelser fram til 7.\u{a0}januar. <a href=\"/tidslinje/uro/\">Se hele tidslinjen →</a>",
        "uro",
    );
    assert_contains(
        &page,
        "Nyere: <a href=\"/ut/\">CSTO-styrkene har forlatt Kasakhstan</a>",
        "the newer article using the timeline",
    );
    let newer = site.public("ut/index.html");
    assert_contains(
        &newer,
        "De siste soldatene drar",
        "the newer article shows it all",
    );
    assert_lacks(
        &newer,
        "fram til",
        "nothing is left out of the newer article's timeline",
    );
    assert_lacks(&newer, "Nyere:", "no article is newer than the newest");
    let timeline = site.public("tidslinje/uro/index.html");
    assert_contains(
        &timeline,
        "De siste soldatene drar",
        "the timeline's page shows every event",
    );
}

#[test]
fn now_sets_the_clock_forklar_uses_and_a_bad_moment_is_refused() {
    let site = TestSite::new(NB).with("content/uro.md", article("", "Tekst.\n"));
    let root = site.root().to_str().expect("a UTF-8 path");
    let run = site.run_in(
        site.root(),
        &[
            "new",
            "article",
            "Dette vet vi",
            "--root",
            root,
            "--now",
            "2022-01-07T10:00:00+01:00",
        ],
    );
    run.assert_success();
    assert_contains(
        &site.source("content/dette-vet-vi.md"),
        "date = 2022-01-07T09:00:00Z",
        "a new article is dated by --now",
    );
    site.build_ok(&["--now", "2022-01-07T10:00:00+01:00"]);
    let run = site.build(&["--now", "i morgen"]);
    run.assert_failure();
    run.assert_stderr_contains("--now: `i morgen` is not a moment");
    run.assert_help();
    let output = std::process::Command::new(crate::common::BIN)
        .args(["check", "--root", root])
        .env("FORKLAR_NOW", "7. januar")
        .output()
        .expect("run forklar");
    assert!(!output.status.success(), "a bad FORKLAR_NOW is refused");
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("FORKLAR_NOW: `7. januar` is not a moment")
    );
}

#[test]
fn a_timeline_time_on_another_clock_than_the_sites_says_whose() {
    let site = TestSite::new(NB).with(
        "content/tider.md",
        article(
            "\n[[timeline]]\ndate = \"2022-01-05T21:00\"\ntitle = \"Nyheten når Oslo\"\n\n[[timeline]]\ndate = \"2022-01-06T01:00+06:00\"\ntitle = \"Skudd i Almaty\"\n",
            "Tekst.\n",
        ),
    );
    site.build_ok(&[]);
    let page = site.public("tider/index.html");
    assert_contains(
        &page,
        ">kl.\u{a0}01.00 (UTC+6)</time> Skudd i Almaty",
        "a time on Almaty's clock",
    );
    assert_contains(
        &page,
        ">kl.\u{a0}21.00</time> Nyheten når Oslo",
        "a time on the site's own clock",
    );
    assert!(
        position(&page, "Skudd i Almaty", "tider") < position(&page, "Nyheten når Oslo", "tider"),
        "01.00 in Almaty is 20.00 in Oslo, before 21.00"
    );
}

#[test]
fn a_background_entry_changed_after_the_article_says_when() {
    let entry = "+++\ntitle = \"CSTO\"\nsummary = \"En militærallianse.\"\nupdated = 2022-01-19\n+++\nTekst.\n";
    let site = TestSite::new(NB)
        .with("content/background/csto.md", entry)
        .with(
            "content/uro.md",
            "+++\ntitle = \"Uro\"\ndate = 2022-01-06T19:00\nupdated = 2022-01-07T10:00\nbackground = [\"csto\"]\n+++\nTekst.\n",
        )
        .with(
            "content/senere.md",
            "+++\ntitle = \"Senere\"\ndate = 2022-01-20\nbackground = [\"csto\"]\n+++\nTekst.\n",
        );
    site.build_ok(&[]);
    let stamp = "<p class=\"entry-updated\">Oppdatert <time datetime=\"2022-01-19\">19.\u{a0}januar 2022</time></p>";
    assert_contains(
        &site.public("uro/index.html"),
        stamp,
        "an article older than the entry",
    );
    assert_lacks(
        &site.public("senere/index.html"),
        "entry-updated",
        "an article newer than the entry",
    );
}
