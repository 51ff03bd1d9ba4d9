//! The explainer parts as a reader gets them: the background box and the entries'
//! own pages, first-mention links, timelines, quotes, markers that place the parts,
//! sources and corrections, the metadata in `<head>`, escaping, and tag pages.

use crate::common::{
    TestSite, assert_contains, assert_lacks, attribute_values, escape, first_element, position,
};

// ---------------------------------------------------------------------------------
// The explainer site: three background entries, a shared timeline and articles that
// each exercise some of the parts. Also used by `explainer_errors.rs`.

pub const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn for nyhetene"
base_url = "https://example.org/"
language = "nb"
authors = ["Redaksjonen"]
"#;

pub const SITE_TOML_EN: &str = r#"title = "Explained"
description = "Background to the news"
base_url = "https://example.org/"
language = "en"
authors = ["The desk"]
"#;

pub const CSTO_FILE: &str = "content/background/csto.md";
/// As pages show it: the summary of [`CSTO`], with Norwegian quotation marks.
pub const CSTO_SUMMARY: &str = "En militærallianse av seks tidligere sovjetrepublikker, «ledet» av Russland og kalt «Russlands NATO».";
pub const CSTO: &str = r#"+++
title = "CSTO"
aliases = ["CSTO", "ODKB", "Organisasjonen for kollektiv sikkerhet"]
summary = 'En militærallianse av seks tidligere sovjetrepublikker, «ledet» av Russland og kalt "Russlands NATO".'

[[facts]]
label = "Grunnlagt"
value = "2002"

[[facts]]
label = "Medlemmer"
value = "Armenia, Belarus, Kasakhstan, Kirgisistan, Russland og Tadsjikistan"

[[facts]]
label = "Hovedkvarter"
value = "Moskva"
+++

Organisasjonen for kollektiv sikkerhet ble grunnlagt i **2002**.

## Fredsstyrken

Første gang alliansen sendte soldater, var til Kasakhstan.
"#;

pub const NAZARBAJEV_FILE: &str = "content/background/nazarbajev.md";
pub const NAZARBAJEV_SUMMARY: &str = "Kasakhstans første president, fra 1990 til 2019.";
pub const NAZARBAJEV: &str = r#"+++
title = "Nursultan Nazarbajev"
aliases = ["Nazarbajev", "Nursultan Nazarbajev"]
summary = "Kasakhstans første president, fra 1990 til 2019."

[[facts]]
label = "Født"
value = "6. juli 1940"
+++

Nazarbajev styrte landet i nesten tretti år.
"#;

pub const TOKAJEV_FILE: &str = "content/background/tokajev.md";
pub const TOKAJEV: &str = r#"+++
title = "Kassym-Jomart Tokajev"
aliases = ["Tokajev"]
summary = "Kasakhstans president siden 2019."
+++

Tidligere statsminister og utenriksminister.
"#;

pub const SHARED_TIMELINE_FILE: &str = "content/timelines/kasakhstan-2022.toml";
pub const SHARED_TIMELINE: &str = r#"title = "Uroen i Kasakhstan, januar 2022"

[[events]]
date = "2022-01-06"
title = "CSTO sender soldater"
source = "Reuters"

[[events]]
date = "2022-01-01"
title = "Pristaket på flytende gass fjernes"
text = "Prisen *dobles* nesten."
"#;

/// Uses both entries, has an inline timeline written out of order, quotes, sources,
/// a correction, an image and tags; no markers.
pub const URO_FILE: &str = "content/uro.md";
pub const URO_PAGE: &str = "uro/index.html";
pub const URO: &str = r#"+++
title = "Uroen i Kasakhstan"
date = 2022-01-06T18:00:00+01:00
updated = 2022-01-07T09:30:00+01:00
lead = "Prisen på gass ble doblet. Nå er landet i unntakstilstand."
authors = ["Kari Nordmann"]
tags = ["Kasakhstan", "Sikkerhetspolitikk"]
background = ["csto", "nazarbajev"]

[image]
src = "/bilder/almaty.jpg"
alt = "Røyk over bygården i Almaty"
credit = "Foto: NTB"
caption = "Bygården i Almaty 6. januar."

[[timeline]]
date = "2022-01-05T14:00+06:00"
title = "Unntakstilstand i Almaty"
text = "Gjelder *hele* byen."

[[timeline]]
date = 2022
title = "Et år med uro"

[[timeline]]
date = "2022-01-02"
title = "Protestene begynner i Zjanaozen"
source = "Reuters"
url = "https://example.org/reuters-zjanaozen"

[[timeline]]
date = "2022-01-05"
title = "Regjeringen går av"

[[timeline]]
date = "2022-01"
title = "Januaruroen"

[[timeline]]
date = "2022-01-02"
title = "Prisen på gass dobles"

[[quotes]]
text = "Dette er *ikke* en fargerevolusjon."
speaker = "Helge Blakkisrud"
role = "forsker"
organisation = "NUPI"
source = "VG"
url = "https://example.org/vg-intervju"
date = 2022-01-06

[[quotes]]
text = "Vi vil handle hardt."
speaker = "Kassym-Jomart Tokajev"
role = "president"
source = "Tale på statlig TV"
translated = true

[[sources]]
title = "Kazakhstan unrest: what we know"
url = "https://example.org/reuters-oversikt"
publisher = "Reuters"
date = 2022-01-06

[[sources]]
title = "Samtale med Helge Blakkisrud"
publisher = "NUPI"

[[corrections]]
date = 2022-01-07
text = "Vi skrev at CSTO har *sju* medlemmer. Riktig er seks."
+++

## CSTO og Nazarbajev i overskriften

> CSTO og Nazarbajev i et sitat.

Les [CSTO sin egen side](https://example.org/csto) eller `CSTO` og `Nazarbajev` i kode.

    CSTO og Nazarbajev i en kodeblokk

Tidligere president Nursultan Nazarbajev styrte landet i nesten tretti år. CSTOs styrker kom etter en bønn fra Tokajev.

Senere kom CSTO tilbake, og Nazarbajev ble stille.
"#;

/// Uses CSTO and the shared timeline.
pub const FREDSSTYRKE_FILE: &str = "content/fredsstyrke.md";
pub const FREDSSTYRKE_PAGE: &str = "fredsstyrke/index.html";
pub const FREDSSTYRKE: &str = r#"+++
title = "Hva gjør fredsstyrken?"
date = 2022-01-08
tags = ["Kasakhstan"]
background = ["csto"]
timeline_file = "kasakhstan-2022"
+++

Alliansen CSTO sendte soldater for første gang.
"#;

/// Places every part with a marker; the shared timeline again.
pub const PLASSERT_FILE: &str = "content/plassert.md";
pub const PLASSERT_PAGE: &str = "plassert/index.html";
pub const PLASSERT: &str = r#"+++
title = "Delene der skribenten vil ha dem"
date = 2022-01-09
background = ["nazarbajev"]
timeline_file = "kasakhstan-2022"

[[quotes]]
text = "Et sitat som står midt i teksten."
speaker = "Ola Nordmann"
source = "NRK"
+++

Før tidslinjen kommer denne teksten.

{{ tidslinje() }}

Mellom tidslinjen og bakgrunnen.

{{ bakgrunn() }}

Mellom bakgrunnen og sitatene.

{{sitater()}}

Etter alle delene. Her står {{ tidslinje() }} midt i en setning, og `{{ bakgrunn() }}` i kode.
"#;

/// Uses no entry, but mentions CSTO and Tokajev.
pub const BLABAER_FILE: &str = "content/blåbær.md";
pub const BLABAER_PAGE: &str = "blabaer/index.html";
pub const BLABAER: &str = r#"+++
title = "Blåbær og CSTO"
date = 2021-12-24
tags = ["Blåbær og økonomi", "Ærlighet"]
+++

CSTO har ingenting med blåbær å gjøre, sier Tokajev.
"#;

/// A timeline over several years.
pub const FLERE_AR_FILE: &str = "content/flere-ar.md";
pub const FLERE_AR_PAGE: &str = "flere-ar/index.html";
pub const FLERE_AR: &str = r#"+++
title = "Fra Nazarbajev til Tokajev"
date = 2022-01-10
tags = ["Ærlighet", "Kasakhstan"]

[[timeline]]
date = "2022-01-05"
title = "Uro i Almaty"

[[timeline]]
date = "2019-03-19"
title = "Nazarbajev går av"

[[timeline]]
date = "2019-03"
title = "Maktskiftet"
+++

Tre år på tre linjer.
"#;

/// A draft that uses CSTO: not published, so not listed on CSTO's page.
pub const UTKAST_FILE: &str = "content/utkast.md";
pub const UTKAST: &str = r#"+++
title = "Utkast om CSTO"
date = 2022-01-11
draft = true
background = ["csto"]
+++

Ikke ferdig.
"#;

/// The explainer site, in Norwegian Bokmål, not built.
pub fn site() -> TestSite {
    TestSite::new(SITE_TOML)
        .with(CSTO_FILE, CSTO)
        .with(NAZARBAJEV_FILE, NAZARBAJEV)
        .with(TOKAJEV_FILE, TOKAJEV)
        .with(SHARED_TIMELINE_FILE, SHARED_TIMELINE)
        .with(URO_FILE, URO)
        .with(FREDSSTYRKE_FILE, FREDSSTYRKE)
        .with(PLASSERT_FILE, PLASSERT)
        .with(BLABAER_FILE, BLABAER)
        .with(FLERE_AR_FILE, FLERE_AR)
        .with(UTKAST_FILE, UTKAST)
        .with("static/bilder/almaty.jpg", super::images::small_jpeg())
}

/// The explainer site, built into `public/`.
pub fn built_site() -> TestSite {
    let site = site();
    site.build_ok(&[]);
    site
}

/// An English site with CSTO, and an article with an inline timeline of every
/// precision and every part placed by an English marker.
fn built_english_site() -> TestSite {
    let site = TestSite::new(SITE_TOML_EN).with(CSTO_FILE, CSTO).with(
        "content/unrest.md",
        r#"+++
title = "Unrest in Kazakhstan"
date = 2022-01-06
background = ["csto"]

[[timeline]]
date = "2022-01-05T14:00+06:00"
title = "State of emergency in Almaty"

[[timeline]]
date = "2022-01"
title = "The January unrest"

[[timeline]]
date = "2022-01-05"
title = "The government resigns"

[[quotes]]
text = "We will act."
speaker = "Kassym-Jomart Tokayev"
source = "State TV"
translated = true
+++

Before the parts.

{{ timeline() }}

Between the timeline and the background.

{{ background() }}

Between the background and the quotes.

{{ quotes() }}

After the parts. The CSTO is mentioned here.
"#,
    );
    site.build_ok(&[]);
    site
}

// ---------------------------------------------------------------------------------
// Helpers that read the HTML as a reader (or a screen reader) would.

/// Every element labelled (`aria-labelledby`) by an element whose text is `label`,
/// as (byte offset, outer HTML), in document order.
fn labelled_parts<'a>(html: &'a str, label: &str) -> Vec<(usize, &'a str)> {
    let needle = " aria-labelledby=\"";
    let mut parts = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(needle) {
        let at = from + i;
        let id_start = at + needle.len();
        let Some(id_len) = html[id_start..].find('"') else {
            break;
        };
        let id = &html[id_start..id_start + id_len];
        from = id_start + id_len;
        if text_of_id(html, id).as_deref() != Some(label) {
            continue;
        }
        let open = html[..at].rfind('<').expect("an opening tag");
        parts.push((open, outer_element(html, open)));
    }
    parts
}

/// The one element labelled by `label`; fails the test unless there is exactly one.
fn labelled_part<'a>(html: &'a str, label: &str, page: &str) -> (usize, &'a str) {
    let parts = labelled_parts(html, label);
    assert_eq!(
        parts.len(),
        1,
        "{page} should have exactly one part labelled by a heading {label:?} (aria-labelledby), found {}\n--- {page}\n{html}",
        parts.len()
    );
    parts[0]
}

/// The text (tags removed) of the element with `id="…"`.
fn text_of_id(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!(" id=\"{id}\""))?;
    let open = html[..at].rfind('<')?;
    Some(text_of(outer_element(html, open)).trim().to_string())
}

/// The element that starts at `open` (a `<`), up to its matching end tag.
fn outer_element(html: &str, open: usize) -> &str {
    let name: String = html[open + 1..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let start_tag = format!("<{name}");
    let end_tag = format!("</{name}>");
    let mut depth = 0usize;
    let mut i = open;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with(&end_tag) {
            depth -= 1;
            if depth == 0 {
                return &html[open..i + end_tag.len()];
            }
            i += end_tag.len();
        } else if rest.starts_with(&start_tag)
            && rest[start_tag.len()..].starts_with([' ', '>', '\n'])
        {
            depth += 1;
            i += start_tag.len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    panic!("<{name}> at byte {open} is never closed\n{}", &html[open..]);
}

/// The text of some HTML, with the tags removed.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The `<li>` items of the first `<ol>` in `html`.
fn list_items(html: &str, list: &str) -> Vec<String> {
    let open = html
        .find(&format!("<{list}"))
        .unwrap_or_else(|| panic!("no <{list}> in\n{html}"));
    let ol = outer_element(html, open);
    let mut items = Vec::new();
    let mut from = 0;
    while let Some(i) = ol[from..].find("<li") {
        let at = from + i;
        let item = outer_element(ol, at);
        from = at + item.len();
        items.push(item.to_string());
    }
    items
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// The text of the JSON-LD `<script>`, up to the first `</script>` as a browser
/// reads it.
fn json_ld_text<'a>(html: &'a str, page: &str) -> &'a str {
    let open = r#"<script type="application/ld+json">"#;
    let start = position(html, open, page) + open.len();
    let len = html[start..]
        .find("</script")
        .unwrap_or_else(|| panic!("the JSON-LD script is never closed\n{html}"));
    &html[start..start + len]
}

/// The page without its JSON-LD, where `<` in text is harmless as long as the
/// script cannot be closed early.
fn without_json_ld(html: &str, page: &str) -> String {
    html.replace(json_ld_text(html, page), "")
}

fn json_ld(html: &str, page: &str) -> serde_json::Value {
    let text = json_ld_text(html, page);
    serde_json::from_str(text).unwrap_or_else(|err| {
        panic!("the JSON-LD of {page} is not JSON: {err}\n--- the script\n{text}")
    })
}

/// The `content` of `<meta property|name="…" content="…">`.
fn meta(html: &str, key: &str) -> Option<String> {
    for attr in ["property", "name"] {
        let needle = format!("<meta {attr}=\"{key}\" content=\"");
        if let Some(i) = html.find(&needle) {
            let start = i + needle.len();
            let len = html[start..].find('"')?;
            return Some(html[start..start + len].to_string());
        }
    }
    None
}

/// Asserts that the needles appear in `html` in the given order.
fn assert_in_order(html: &str, needles: &[&str], page: &str) {
    let mut last = 0;
    let mut last_needle = "";
    for needle in needles {
        let at = position(html, needle, page);
        assert!(
            at >= last,
            "{page}: {needle:?} should come after {last_needle:?}\n--- {page}\n{html}"
        );
        last = at;
        last_needle = needle;
    }
}

// ---------------------------------------------------------------------------------
// 1. The background box and the entries' pages.

#[test]
fn the_background_box_is_labelled_bakgrunn_and_shows_each_entry_with_facts_in_order() {
    let site = built_site();
    let html = site.public(URO_PAGE);
    let page = "public/uro/index.html";
    let (_, aside) = labelled_part(&html, "Bakgrunn", page);
    assert!(
        aside.starts_with("<aside"),
        "the background box should be an <aside>, got\n{aside}"
    );

    let csto = labelled_part(aside, "CSTO", "the background box").1;
    assert_contains(csto, &escape(CSTO_SUMMARY), "CSTO in the box");
    assert_in_order(
        csto,
        &[
            "<dt>Grunnlagt</dt><dd>2002</dd>",
            "<dt>Medlemmer</dt><dd>Armenia, Belarus, Kasakhstan, Kirgisistan, Russland og Tadsjikistan</dd>",
            "<dt>Hovedkvarter</dt><dd>Moskva</dd>",
        ],
        "CSTO in the box",
    );
    assert_contains(csto, r#"href="/bakgrunn/csto/""#, "CSTO in the box");

    let nazarbajev = labelled_part(aside, "Nursultan Nazarbajev", "the background box").1;
    assert_contains(nazarbajev, NAZARBAJEV_SUMMARY, "Nazarbajev in the box");
    assert_contains(
        nazarbajev,
        // With the typography of the text: no line break inside a date.
        "<dt>Født</dt><dd>6.\u{a0}juli 1940</dd>",
        "Nazarbajev in the box",
    );
    assert_contains(
        nazarbajev,
        r#"href="/bakgrunn/nazarbajev/""#,
        "Nazarbajev in the box",
    );
    // In the order the article lists them.
    assert!(aside.find(csto).unwrap() < aside.find(nazarbajev).unwrap());
    // An entry the article does not use is not in its box.
    assert_lacks(aside, "Tokajev", "the background box");
}

#[test]
fn the_background_box_on_an_english_site_is_labelled_background_and_links_there() {
    let site = built_english_site();
    let html = site.public("unrest/index.html");
    let (_, aside) = labelled_part(&html, "Background", "public/unrest/index.html");
    assert!(aside.starts_with("<aside"), "{aside}");
    assert_contains(aside, r#"href="/background/csto/""#, "the background box");
    assert_contains(
        aside,
        "<dt>Grunnlagt</dt><dd>2002</dd>",
        "the background box",
    );
    let entry = site.public("background/csto/index.html");
    assert_contains(
        &entry,
        "<strong>2002</strong>",
        "public/background/csto/index.html",
    );
    assert_contains(
        &entry,
        r#"href="/unrest/""#,
        "public/background/csto/index.html",
    );
    let list = site.public("background/index.html");
    assert_contains(
        &list,
        r#"href="/background/csto/""#,
        "public/background/index.html",
    );
    assert!(
        !site.has_public("bakgrunn"),
        "an English site publishes background entries under /background/ only"
    );
}

#[test]
fn each_background_entry_has_a_page_with_its_body_and_every_article_using_it() {
    let site = built_site();
    let path = "public/bakgrunn/csto/index.html";
    let html = site.public("bakgrunn/csto/index.html");
    assert_eq!(
        first_element(&html, "h1").map(text_of).as_deref(),
        Some("CSTO")
    );
    assert_contains(&html, &escape(CSTO_SUMMARY), path);
    assert_contains(&html, "<strong>2002</strong>", path);
    assert_contains(&html, ">Fredsstyrken</h2>", path);
    assert_in_order(
        &html,
        &[
            "<dt>Grunnlagt</dt>",
            "<dt>Medlemmer</dt>",
            "<dt>Hovedkvarter</dt>",
        ],
        path,
    );
    // Both articles that use CSTO, and nothing that does not.
    assert_contains(&html, r#"href="/uro/""#, path);
    assert_contains(&html, r#"href="/fredsstyrke/""#, path);
    assert_contains(&html, "Uroen i Kasakhstan", path);
    assert_contains(&html, "Hva gjør fredsstyrken?", path);
    for not_using in ["/blabaer/", "/plassert/", "/flere-ar/", "/utkast/"] {
        assert_lacks(&html, &format!("href=\"{not_using}\""), path);
    }
    assert_lacks(&html, "Utkast om CSTO", path);

    let path = "public/bakgrunn/nazarbajev/index.html";
    let html = site.public("bakgrunn/nazarbajev/index.html");
    assert_contains(&html, r#"href="/uro/""#, path);
    assert_contains(&html, r#"href="/plassert/""#, path);
    assert_lacks(&html, r#"href="/fredsstyrke/""#, path);

    // An entry no article uses still has its page.
    let html = site.public("bakgrunn/tokajev/index.html");
    assert_contains(
        &html,
        "Tidligere statsminister og utenriksminister.",
        "public/bakgrunn/tokajev/index.html",
    );
}

#[test]
fn the_background_list_page_lists_every_entry() {
    let site = built_site();
    let path = "public/bakgrunn/index.html";
    let html = site.public("bakgrunn/index.html");
    for (key, title) in [
        ("csto", "CSTO"),
        ("nazarbajev", "Nursultan Nazarbajev"),
        ("tokajev", "Kassym-Jomart Tokajev"),
    ] {
        assert_contains(&html, &format!("href=\"/bakgrunn/{key}/\""), path);
        assert_contains(&html, title, path);
    }
    assert_contains(&html, NAZARBAJEV_SUMMARY, path);
}

// ---------------------------------------------------------------------------------
// 2. The first mention of an entry links to it.

#[test]
fn the_first_mention_in_body_text_links_once_per_entry() {
    let site = built_site();
    let path = "public/uro/index.html";
    let html = site.public(URO_PAGE);
    let csto_link = format!(
        "<a class=\"mention\" href=\"/bakgrunn/csto/\" data-summary=\"{}\"",
        escape(CSTO_SUMMARY)
    );
    let nazarbajev_link = format!(
        "<a class=\"mention\" href=\"/bakgrunn/nazarbajev/\" data-summary=\"{}\"",
        escape(NAZARBAJEV_SUMMARY)
    );
    assert_eq!(
        count(&html, "class=\"mention\""),
        2,
        "one link per entry used\n{html}"
    );
    assert_eq!(count(&html, &csto_link), 1, "{html}");
    assert_eq!(count(&html, &nazarbajev_link), 1, "{html}");

    // Not in the heading, the quotation, the link, inline code or the code block.
    assert_contains(&html, ">CSTO og Nazarbajev i overskriften</h2>", path);
    assert_contains(&html, "<p>CSTO og Nazarbajev i et sitat.</p>", path);
    assert_contains(
        &html,
        r#"<a href="https://example.org/csto">CSTO sin egen side</a>"#,
        path,
    );
    assert_contains(&html, "<code>CSTO</code> og <code>Nazarbajev</code>", path);
    assert_contains(&html, "CSTO og Nazarbajev i en kodeblokk", path);
    let code_block = position(&html, "CSTO og Nazarbajev i en kodeblokk", path);
    assert!(position(&html, &csto_link, path) > code_block);
    assert!(position(&html, &nazarbajev_link, path) > code_block);

    // The longest alias wins, and the genitive "CSTOs" links "CSTO".
    let nazarbajev_at = position(&html, &nazarbajev_link, path);
    let rest = &html[nazarbajev_at..];
    let anchor_text = &rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()];
    assert_eq!(anchor_text, "Nursultan Nazarbajev", "{html}");
    assert_contains(&html, "Tidligere president <a class=\"mention\"", path);
    let csto_at = position(&html, &csto_link, path);
    let rest = &html[csto_at..];
    assert!(
        rest.split_once('>')
            .unwrap()
            .1
            .starts_with("CSTO</a>s styrker"),
        "the genitive CSTOs should link CSTO\n{html}"
    );

    // Later mentions are plain text; an entry the article does not list is not linked.
    assert_contains(
        &html,
        "<p>Senere kom CSTO tilbake, og Nazarbajev ble stille.</p>",
        path,
    );
    assert_lacks(&html, "/bakgrunn/tokajev/", path);
}

#[test]
fn an_article_without_background_entries_links_no_mentions() {
    let site = built_site();
    let html = site.public(BLABAER_PAGE);
    let path = "public/blabaer/index.html";
    assert_contains(
        &html,
        "<p>CSTO har ingenting med blåbær å gjøre, sier Tokajev.</p>",
        path,
    );
    assert_lacks(&html, "class=\"mention\"", path);
    assert_lacks(&html, "<aside", path);
}

// ---------------------------------------------------------------------------------
// 3. Timelines.

#[test]
fn an_inline_timeline_is_an_ordered_list_in_chronological_order_with_exact_datetimes() {
    let site = built_site();
    let html = site.public(URO_PAGE);
    let (_, section) = labelled_part(&html, "Tidslinje", "public/uro/index.html");
    // One item a date; a day's events together under it. The 5 January time
    // was written before the day, and the month after its days: as written.
    // Six events are more than a phone should scroll past: the first and the
    // last are shown, and the whole timeline opens from a <details>.
    let (shown, whole) = section
        .split_once("<details class=\"timeline-more\">")
        .unwrap_or_else(|| panic!("a long timeline folds: {section}"));
    assert_contains(
        whole,
        "<summary>Vis hele tidslinjen (6)</summary>",
        "the timeline",
    );
    let shown: Vec<&str> = shown.split("<li class=\"event-body\">").skip(1).collect();
    assert_eq!(shown.len(), 2, "the first and the last: {section}");
    assert!(shown[0].contains("Et år med uro") && shown[1].contains("Januaruroen"));
    let days: Vec<&str> = whole.split("<li class=\"event\">").skip(1).collect();
    let expected = [
        ("2022", "2022", vec![("", "Et år med uro")]),
        (
            "2022-01-02",
            "2.\u{a0}januar",
            vec![
                ("", "Protestene begynner i Zjanaozen"),
                ("", "Prisen på gass dobles"),
            ],
        ),
        (
            "2022-01-05",
            "5.\u{a0}januar",
            vec![
                ("2022-01-05T14:00+06:00", "Unntakstilstand i Almaty"),
                ("", "Regjeringen går av"),
            ],
        ),
        ("2022-01", "I løpet av januar", vec![("", "Januaruroen")]),
    ];
    assert_eq!(days.len(), expected.len(), "{section}");
    for (day, (iso, text, events)) in days.iter().zip(expected) {
        assert!(
            day.contains(&format!("datetime=\"{iso}\">{text}</time>")),
            "the date should be shown as {text:?}\n{day}"
        );
        let titles: Vec<String> = day
            .split("<li class=\"event-body\">")
            .skip(1)
            .map(|item| text_of(first_element(item, "h4").unwrap_or("")))
            .collect();
        let wanted: Vec<String> = events
            .iter()
            .map(|(time, title)| {
                if time.is_empty() {
                    title.to_string()
                } else {
                    // Written on Almaty's clock, shown with its zone on an Oslo site.
                    format!("kl.\u{a0}14.00 (UTC+6) {title}")
                }
            })
            .collect();
        assert_eq!(titles, wanted, "{day}");
        for (time, _) in events {
            if !time.is_empty() {
                assert_contains(day, &format!("datetime=\"{time}\""), "the time of day");
            }
        }
    }
    // All in 2022, so the year is left out of the days (but not of the month).
    assert_lacks(section, ". januar 2022", "the timeline");
    // Event text is Markdown; a source with a URL links.
    assert_contains(section, "Gjelder <em>hele</em> byen.", "the timeline");
    assert_contains(
        section,
        r#"<a href="https://example.org/reuters-zjanaozen">Reuters</a>"#,
        "the timeline",
    );
    assert_contains(section, r#"href="/tidslinje/uro/""#, "the timeline");
}

#[test]
fn a_timeline_over_several_years_shows_the_years() {
    let site = built_site();
    let html = site.public(FLERE_AR_PAGE);
    let (_, section) = labelled_part(&html, "Tidslinje", "public/flere-ar/index.html");
    let items = list_items(section, "ol");
    let shown: Vec<String> = items
        .iter()
        .map(|item| text_of(first_element(item, "time").unwrap_or("")))
        .collect();
    assert_eq!(
        shown,
        [
            "19.\u{a0}mars 2019",
            "I løpet av mars 2019",
            "5.\u{a0}januar 2022"
        ],
        "{section}"
    );
}

#[test]
fn an_english_timeline_shows_english_dates() {
    let site = built_english_site();
    let html = site.public("unrest/index.html");
    let (_, section) = labelled_part(&html, "Timeline", "public/unrest/index.html");
    let items = list_items(section, "ol");
    let shown: Vec<String> = items
        .iter()
        .map(|item| text_of(first_element(item, "time").unwrap_or("")))
        .collect();
    assert_eq!(shown, ["5\u{a0}January", "During January"], "{section}");
}

#[test]
fn a_shared_timeline_is_shown_by_every_article_using_it_and_has_its_own_page() {
    let site = built_site();
    for (page, path) in [
        (FREDSSTYRKE_PAGE, "public/fredsstyrke/index.html"),
        (PLASSERT_PAGE, "public/plassert/index.html"),
    ] {
        let html = site.public(page);
        let (_, section) = labelled_part(&html, "Tidslinje", path);
        let items = list_items(section, "ol");
        assert_eq!(items.len(), 2, "{section}");
        assert!(
            items[0].contains("Pristaket på flytende gass fjernes"),
            "{section}"
        );
        assert!(items[1].contains("CSTO sender soldater"), "{section}");
        assert_contains(section, "Prisen <em>dobles</em> nesten.", path);
        assert_contains(section, r#"href="/tidslinje/kasakhstan-2022/""#, path);
    }
    let path = "public/tidslinje/kasakhstan-2022/index.html";
    let html = site.public("tidslinje/kasakhstan-2022/index.html");
    assert_eq!(
        first_element(&html, "h1").map(text_of).as_deref(),
        Some("Uroen i Kasakhstan, januar 2022")
    );
    assert_eq!(list_items(&html, "ol").len(), 2, "{html}");
    assert_contains(&html, r#"href="/fredsstyrke/""#, path);
    assert_contains(&html, r#"href="/plassert/""#, path);
    assert_lacks(&html, r#"href="/uro/""#, path);
}

#[test]
fn an_inline_timeline_has_its_own_page_under_the_article_slug() {
    let site = built_site();
    let path = "public/tidslinje/uro/index.html";
    let html = site.public("tidslinje/uro/index.html");
    let days: Vec<&str> = html.split("<li class=\"event\">").skip(1).collect();
    assert_eq!(days.len(), 4, "one item a date: {html}");
    assert!(days[0].contains("Et år med uro"), "{html}");
    assert!(days[3].contains("Januaruroen"), "{html}");
    assert_contains(&html, r#"href="/uro/""#, path);
    assert!(site.has_public("tidslinje/flere-ar/index.html"));
    assert!(
        !site.has_public("tidslinje/blabaer"),
        "an article without a timeline has no timeline page"
    );
}

#[test]
fn events_in_different_offsets_are_ordered_by_the_moment_they_happened() {
    // 01:00 in Almaty (+06:00) on 6 January is 19:00 UTC on 5 January; 21:00 in
    // Oslo (+01:00) on 5 January is 20:00 UTC, an hour later.
    let site = TestSite::new(SITE_TOML).with(
        "content/tider.md",
        r#"+++
title = "Tider"
date = 2022-01-06

[[timeline]]
date = "2022-01-05T21:00+01:00"
title = "Nyheten når Oslo"

[[timeline]]
date = "2022-01-06T01:00+06:00"
title = "Skudd i Almaty"
+++
Tekst.
"#,
    );
    site.build_ok(&[]);
    let html = site.public("tider/index.html");
    let (_, section) = labelled_part(&html, "Tidslinje", "public/tider/index.html");
    assert_in_order(
        section,
        &["Skudd i Almaty", "Nyheten når Oslo"],
        "the timeline",
    );
}

#[test]
fn an_inline_timeline_is_not_replaced_by_a_shared_timeline_of_the_same_name() {
    // The article's slug is the name of a shared timeline that another article uses.
    let site = TestSite::new(SITE_TOML)
        .with(SHARED_TIMELINE_FILE, SHARED_TIMELINE)
        .with(
            FREDSSTYRKE_FILE,
            FREDSSTYRKE.replace("background = [\"csto\"]\n", ""),
        )
        .with(
            "content/kasakhstan-2022.md",
            r#"+++
title = "Kasakhstan i 2022"
date = 2022-01-10

[[timeline]]
date = "2022-03-16"
title = "Tokajev lover reformer"
+++
Tekst.
"#,
        );
    let run = site.build(&[]);
    if !run.success {
        // Refusing the clash is fine, if the writer is told about both files.
        run.assert_no_panic();
        run.assert_stderr_contains("content/kasakhstan-2022.md");
        run.assert_stderr_contains(SHARED_TIMELINE_FILE);
        run.assert_help();
        return;
    }
    let path = "public/kasakhstan-2022/index.html";
    let html = site.public("kasakhstan-2022/index.html");
    let (_, section) = labelled_part(&html, "Tidslinje", path);
    assert_contains(section, "Tokajev lover reformer", path);
    assert_lacks(section, "CSTO sender soldater", path);
}

// ---------------------------------------------------------------------------------
// 4. Quotes.

#[test]
fn each_quote_is_a_figure_with_blockquote_and_full_attribution() {
    let site = built_site();
    let html = site.public(URO_PAGE);
    let (_, section) = labelled_part(&html, "Dette sier de", "public/uro/index.html");
    let mut figures = Vec::new();
    let mut from = 0;
    while let Some(i) = section[from..].find("<figure") {
        let figure = outer_element(section, from + i);
        from += i + figure.len();
        figures.push(figure);
    }
    assert_eq!(figures.len(), 2, "{section}");

    let first = figures[0];
    let blockquote = first_element(first, "blockquote").expect("a <blockquote>");
    assert_contains(
        first,
        r#"<blockquote cite="https://example.org/vg-intervju">"#,
        "the first quote",
    );
    assert_contains(
        blockquote,
        "Dette er <em>ikke</em> en fargerevolusjon.",
        "its blockquote",
    );
    let caption = first_element(first, "figcaption").expect("a <figcaption>");
    assert_in_order(
        caption,
        &["Helge Blakkisrud", "forsker", "NUPI", "<cite>"],
        "its figcaption",
    );
    let cite = first_element(caption, "cite").expect("the source in <cite>");
    assert_eq!(text_of(cite), "VG");
    assert_contains(
        caption,
        "<time datetime=\"2022-01-06\">6.\u{a0}januar 2022</time>",
        "its figcaption",
    );
    assert_lacks(first, "oversatt", "the first quote");

    let second = figures[1];
    assert_contains(
        second,
        "<blockquote>",
        "the second quote (no url, no cite=)",
    );
    let caption = first_element(second, "figcaption").expect("a <figcaption>");
    assert_contains(caption, "Kassym-Jomart Tokajev", "its figcaption");
    assert_contains(caption, "president", "its figcaption");
    assert_eq!(
        first_element(caption, "cite").map(text_of).as_deref(),
        Some("Tale på statlig TV")
    );
    assert_contains(caption, "(oversatt)", "its figcaption");
    assert_lacks(caption, "<time", "its figcaption (no date)");
}

#[test]
fn a_translated_quote_says_translated_on_an_english_site() {
    let site = built_english_site();
    let html = site.public("unrest/index.html");
    let (_, section) = labelled_part(&html, "What they say", "public/unrest/index.html");
    assert_contains(section, "(translated)", "the quotes");
    assert_eq!(
        first_element(section, "cite").map(text_of).as_deref(),
        Some("State TV")
    );
}

// ---------------------------------------------------------------------------------
// 5. Markers.

#[test]
fn markers_place_each_part_where_written_and_the_template_does_not_repeat_it() {
    let site = built_site();
    let path = "public/plassert/index.html";
    let html = site.public(PLASSERT_PAGE);
    let (timeline, _) = labelled_part(&html, "Tidslinje", path);
    let (background, _) = labelled_part(&html, "Bakgrunn", path);
    let (quotes, _) = labelled_part(&html, "Dette sier de", path);
    let before = position(&html, "Før tidslinjen kommer denne teksten.", path);
    let between_1 = position(&html, "Mellom tidslinjen og bakgrunnen.", path);
    let between_2 = position(&html, "Mellom bakgrunnen og sitatene.", path);
    let after = position(&html, "Etter alle delene.", path);
    assert!(
        before < timeline
            && timeline < between_1
            && between_1 < background
            && background < between_2
            && between_2 < quotes
            && quotes < after,
        "each part should stand where its marker was\n{html}"
    );
    assert_eq!(
        count(&html, "Pristaket på flytende gass fjernes"),
        1,
        "{html}"
    );
    assert_eq!(
        count(&html, "Et sitat som står midt i teksten."),
        1,
        "{html}"
    );
    // The part replaces the marker's paragraph; it is not put inside a <p>.
    for tag in ["<p><section", "<p><aside", "<p>\n<section", "<p>\n<aside"] {
        assert_lacks(&html, tag, path);
    }
    assert_lacks(&html, "{{ tidslinje() }}</p>\n", path);
    assert_lacks(&html, "<p>{{", path);
    assert_lacks(&html, "forklar:", path);
}

#[test]
fn a_marker_inside_a_sentence_or_inline_code_is_left_as_text() {
    let site = built_site();
    let path = "public/plassert/index.html";
    let html = site.public(PLASSERT_PAGE);
    assert_contains(
        &html,
        "Her står {{ tidslinje() }} midt i en setning, og <code>{{ bakgrunn() }}</code> i kode.",
        path,
    );
}

#[test]
fn english_markers_place_the_parts_on_an_english_site() {
    let site = built_english_site();
    let path = "public/unrest/index.html";
    let html = site.public("unrest/index.html");
    let (timeline, _) = labelled_part(&html, "Timeline", path);
    let (background, _) = labelled_part(&html, "Background", path);
    let (quotes, _) = labelled_part(&html, "What they say", path);
    let order = [
        position(&html, "Before the parts.", path),
        timeline,
        position(&html, "Between the timeline and the background.", path),
        background,
        position(&html, "Between the background and the quotes.", path),
        quotes,
        position(&html, "After the parts.", path),
    ];
    assert!(order.is_sorted(), "{html}");
}

#[test]
fn without_markers_each_part_comes_once_after_the_body() {
    let site = built_site();
    let path = "public/uro/index.html";
    let html = site.public(URO_PAGE);
    let end_of_body = position(&html, "Senere kom CSTO tilbake", path);
    for label in [
        "Tidslinje",
        "Dette sier de",
        "Bakgrunn",
        "Kilder",
        "Rettelser",
    ] {
        let (at, _) = labelled_part(&html, label, path);
        assert!(
            at > end_of_body,
            "{label} should come after the body\n{html}"
        );
    }
}

// ---------------------------------------------------------------------------------
// 6. Sources, corrections and date stamps.

#[test]
fn sources_are_listed_with_links_where_a_url_is_given() {
    let site = built_site();
    let html = site.public(URO_PAGE);
    let (_, section) = labelled_part(&html, "Kilder", "public/uro/index.html");
    let items = list_items(section, "ul");
    assert_eq!(items.len(), 2, "{section}");
    assert!(
        items[0].contains(
            r#"<a href="https://example.org/reuters-oversikt">Kazakhstan unrest: what we know</a>"#
        ),
        "{section}"
    );
    assert!(items[0].contains("Reuters"), "{section}");
    assert!(
        items[0].contains("<time datetime=\"2022-01-06\">6.\u{a0}januar 2022</time>"),
        "{section}"
    );
    assert!(
        items[1].contains("Samtale med Helge Blakkisrud"),
        "{section}"
    );
    assert!(items[1].contains("NUPI"), "{section}");
    assert!(
        !items[1].contains("<a "),
        "a source without url has no link\n{section}"
    );
}

#[test]
fn corrections_have_a_section_and_a_note_before_the_body_that_links_to_it() {
    let site = built_site();
    let path = "public/uro/index.html";
    let html = site.public(URO_PAGE);
    let (at, section) = labelled_part(&html, "Rettelser", path);
    assert_contains(
        section,
        "<time datetime=\"2022-01-07\">7.\u{a0}januar 2022</time>",
        "the corrections",
    );
    assert_contains(
        section,
        "Vi skrev at CSTO har <em>sju</em> medlemmer. Riktig er seks.",
        "the corrections",
    );
    // The note: a link to the section (or its heading), before the body.
    let ids: Vec<&str> = attribute_values(section, "id");
    let note = attribute_values(&html, "href")
        .into_iter()
        .filter_map(|href| href.strip_prefix('#'))
        .find(|target| ids.contains(target))
        .unwrap_or_else(|| panic!("no link to the corrections ({ids:?}) on the page\n{html}"));
    let note_at = position(&html, &format!("href=\"#{note}\""), path);
    assert!(
        note_at < position(&html, "CSTO og Nazarbajev i overskriften", path),
        "the correction note should come before the body\n{html}"
    );
    assert!(note_at < at);
    let note_text = &html[note_at..];
    let note_text = text_of(&note_text[..note_text.find("</a>").unwrap()]);
    assert!(
        note_text.contains("rettet"),
        "the note should say the article was corrected: {note_text:?}"
    );
}

#[test]
fn an_article_without_corrections_has_no_correction_note() {
    let site = built_site();
    let html = site.public(FREDSSTYRKE_PAGE);
    assert!(labelled_parts(&html, "Rettelser").is_empty(), "{html}");
    assert_lacks(&html, "rettet", "public/fredsstyrke/index.html");
}

#[test]
fn published_and_updated_stamps_carry_time_elements() {
    let site = built_site();
    let path = "public/uro/index.html";
    let html = site.public(URO_PAGE);
    assert_contains(
        &html,
        "Publisert <time datetime=\"2022-01-06T18:00:00+01:00\">6.\u{a0}januar 2022 kl.\u{a0}18.00</time>",
        path,
    );
    assert_contains(
        &html,
        "Oppdatert <time datetime=\"2022-01-07T09:30:00+01:00\">7.\u{a0}januar kl.\u{a0}09.30</time>",
        path,
    );
    let html = site.public(FREDSSTYRKE_PAGE);
    assert_contains(
        &html,
        "Publisert <time datetime=\"2022-01-08\">8.\u{a0}januar 2022</time>",
        FREDSSTYRKE_PAGE,
    );
    assert_lacks(&html, "Oppdatert", FREDSSTYRKE_PAGE);
}

#[test]
fn an_update_written_in_another_offset_is_compared_as_a_moment() {
    // Published 00:30 in Oslo on 6 January (23:30 UTC on 5 January); updated a
    // quarter of an hour later, written in UTC.
    let site = TestSite::new(SITE_TOML).with(
        "content/natt.md",
        "+++\ntitle = \"Natt\"\ndate = 2022-01-06T00:30:00+01:00\nupdated = 2022-01-05T23:45:00Z\n+++\nTekst.\n",
    );
    let run = site.build(&[]);
    run.assert_success();
    let html = site.public("natt/index.html");
    assert_contains(
        &html,
        r#"<time datetime="2022-01-05T23:45:00Z">"#,
        "public/natt/index.html",
    );
}

// ---------------------------------------------------------------------------------
// 7. Metadata in <head>.

#[test]
fn the_article_head_has_canonical_opengraph_and_twitter_metadata() {
    let site = site();
    site.build_ok(&["--base-url", "https://example.org/forklar/"]);
    let path = "public/uro/index.html";
    let html = site.public(URO_PAGE);
    let head = first_element(&html, "head").expect("a <head>");
    assert_contains(
        head,
        r#"<link rel="canonical" href="https://example.org/forklar/uro/">"#,
        path,
    );
    assert_eq!(
        meta(head, "og:title").as_deref(),
        Some("Uroen i Kasakhstan")
    );
    assert_eq!(meta(head, "og:type").as_deref(), Some("article"));
    assert_eq!(
        meta(head, "og:url").as_deref(),
        Some("https://example.org/forklar/uro/")
    );
    let og_image = meta(head, "og:image").unwrap_or_default();
    assert!(
        og_image.starts_with("https://example.org/forklar/bilder/almaty.")
            && og_image.ends_with(".jpg"),
        "the share image is under the sub-path: {og_image}"
    );
    assert_eq!(
        meta(head, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    // The image itself is under the sub-path too.
    assert_contains(&html, r#"<img src="/forklar/bilder/almaty."#, path);

    let html = site.public(FREDSSTYRKE_PAGE);
    let head = first_element(&html, "head").unwrap();
    assert_eq!(meta(head, "og:image"), None, "no image, no og:image");
    assert_eq!(meta(head, "twitter:card").as_deref(), Some("summary"));
}

#[test]
fn an_image_on_another_host_is_its_own_og_image() {
    let site = TestSite::new(SITE_TOML).with(
        "content/ekstern.md",
        "+++\ntitle = \"Ekstern\"\ndate = 2022-01-06\n\n[image]\nsrc = \"https://cdn.example.net/almaty.jpg\"\nalt = \"Almaty\"\ncredit = \"Foto: NTB\"\n+++\nTekst.\n",
    );
    site.build_ok(&[]);
    let html = site.public("ekstern/index.html");
    assert_eq!(
        meta(&html, "og:image").as_deref(),
        Some("https://cdn.example.net/almaty.jpg"),
        "an absolute image URL must be used as it is"
    );
    let data = json_ld(&html, "public/ekstern/index.html");
    assert_eq!(data["image"], "https://cdn.example.net/almaty.jpg");
}

#[test]
fn the_json_ld_is_a_background_news_article_with_dates_authors_image_about_and_corrections() {
    let site = built_site();
    let data = json_ld(&site.public(URO_PAGE), "public/uro/index.html");
    assert_eq!(data["@context"], "https://schema.org");
    // An explainer, the default type of work.
    assert_eq!(data["@type"], "BackgroundNewsArticle");
    assert_eq!(data["headline"], "Uroen i Kasakhstan");
    assert_eq!(data["datePublished"], "2022-01-06T18:00:00+01:00");
    assert_eq!(data["dateModified"], "2022-01-07T09:30:00+01:00");
    let authors = data["author"].as_array().expect("author is a list");
    assert_eq!(authors.len(), 1, "{data}");
    assert_eq!(authors[0]["name"], "Kari Nordmann");
    // The focal crops (16:9, 4:3, 1:1) of the lead image.
    let crops = data["image"].as_array().expect("image lists the crops");
    assert_eq!(crops.len(), 3, "{data}");
    assert!(
        crops.iter().all(|c| c
            .as_str()
            .unwrap_or_default()
            .starts_with("https://example.org/bilder/almaty.")),
        "{data}"
    );
    let about = data["about"].as_array().expect("about is a list");
    let names: Vec<&str> = about.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["CSTO", "Nursultan Nazarbajev"], "{data}");
    assert_eq!(about[0]["url"], "https://example.org/bakgrunn/csto/");
    let corrections = data["correction"].as_array().expect("correction is a list");
    assert_eq!(corrections.len(), 1, "{data}");
    assert!(
        corrections[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Riktig er seks.")),
        "{data}"
    );

    // Without an update, dateModified is the publication date; the site's authors
    // stand in for an article that names none.
    let data = json_ld(
        &site.public(FREDSSTYRKE_PAGE),
        "public/fredsstyrke/index.html",
    );
    assert_eq!(data["datePublished"], data["dateModified"]);
    assert_eq!(data["author"][0]["name"], "Redaksjonen");
    assert!(data.get("correction").is_none(), "{data}");
    assert!(data.get("image").is_none(), "{data}");
}

#[test]
fn a_title_with_a_closing_script_tag_stays_inside_the_json_ld() {
    let title = "Slik lukker du </script><script>alert(1)</script> en tagg";
    let site = TestSite::new(SITE_TOML).with(
        "content/skript.md",
        format!("+++\ntitle = '{title}'\ndate = 2022-01-06\n+++\nTekst.\n"),
    );
    site.build_ok(&[]);
    let path = "public/skript/index.html";
    let html = site.public("skript/index.html");
    let data = json_ld(&html, path);
    assert_eq!(data["headline"], title);
    assert_lacks(&without_json_ld(&html, path), "<script>alert(1)", path);
}

#[test]
fn a_title_with_a_comment_and_a_script_tag_cannot_swallow_the_page() {
    // In a <script>, "<!--" followed by "<script" puts the browser in the "double
    // escaped" state, where the script's own </script> no longer ends it and the
    // rest of the page becomes script.
    let title = "Kommentar <!-- og <script> i tittelen";
    let site = TestSite::new(SITE_TOML).with(
        "content/kommentar.md",
        format!("+++\ntitle = '{title}'\ndate = 2022-01-06\n+++\nTekst.\n"),
    );
    site.build_ok(&[]);
    let path = "public/kommentar/index.html";
    let html = site.public("kommentar/index.html");
    let data = json_ld(&html, path);
    assert_eq!(data["headline"], title);
    let script = json_ld_text(&html, path).to_ascii_lowercase();
    assert!(
        !script.contains("<!--") && !script.contains("<script"),
        "the JSON-LD must not contain `<!--` or `<script` (write < as \\u003c)\n{script}"
    );
}

// ---------------------------------------------------------------------------------
// 8. Escaping.

#[test]
fn a_title_with_markup_is_text_on_the_article_the_front_page_and_in_the_feed() {
    let title = "<script>alert(1)</script> & «sånn»";
    let site = TestSite::new(SITE_TOML).with(
        "content/farlig.md",
        format!("+++\ntitle = '{title}'\nlead = '<img src=x onerror=alert(2)>'\ndate = 2022-01-06\n+++\nTekst.\n"),
    );
    site.build_ok(&[]);
    for file in ["farlig/index.html", "index.html", "atom.xml"] {
        let path = format!("public/{file}");
        let mut text = site.public(file);
        if file == "farlig/index.html" {
            text = without_json_ld(&text, &path);
        }
        assert_lacks(&text, "<script>alert(1)", &path);
        assert_lacks(&text, "<img src=x", &path);
        assert_contains(&text, "&lt;script&gt;alert(1)&lt;", &path);
    }
    let html = site.public("farlig/index.html");
    assert_eq!(
        first_element(&html, "h1").map(str::trim),
        Some(escape(title).as_str()),
        "the title is shown as written"
    );
}

#[test]
fn a_quote_with_quotation_marks_and_a_closing_blockquote_is_text() {
    let site = TestSite::new(SITE_TOML).with(
        "content/sitat.md",
        r#"+++
title = "Sitat"
date = 2022-01-06

[[quotes]]
text = 'Han skrev "nok er nok" </blockquote><script>alert(3)</script> på Telegram.'
speaker = 'Ola "Sjefen" Nordmann'
source = "Telegram"
url = 'https://example.org/a?b=1&c="2"'
+++
Tekst.
"#,
    );
    site.build_ok(&[]);
    let path = "public/sitat/index.html";
    let html = site.public("sitat/index.html");
    assert_lacks(&html, "<script>alert(3)", path);
    assert_eq!(
        count(&html, "</blockquote>"),
        1,
        "the quote's text must not close the blockquote\n{html}"
    );
    let (_, section) = labelled_part(&html, "Dette sier de", path);
    assert_contains(section, "&lt;/blockquote&gt;", path);
    // Straight quotes in a name are set as Norwegian quotes.
    assert_contains(section, "Ola «Sjefen» Nordmann", path);
    assert_contains(
        section,
        r#"cite="https://example.org/a?b=1&amp;c=&quot;2&quot;""#,
        path,
    );
}

#[test]
fn raw_html_in_event_text_and_corrections_is_text() {
    let site = TestSite::new(SITE_TOML).with(
        "content/rettet.md",
        r#"+++
title = "Rettet"
date = 2022-01-06

[[timeline]]
date = "2022-01-02"
title = "Hendelse"
text = "Lukker </li></ol><script>alert(4)</script> listen."

[[corrections]]
date = 2022-01-07
text = "Vi skrev <script>alert(5)</script> feil."
+++
Tekst.
"#,
    );
    site.build_ok(&[]);
    let path = "public/rettet/index.html";
    let html = site.public("rettet/index.html");
    assert_lacks(&html, "<script>alert(4)", path);
    assert_lacks(&html, "<script>alert(5)", path);
    let timeline = site.public("tidslinje/rettet/index.html");
    assert_lacks(
        &timeline,
        "<script>alert(4)",
        "public/tidslinje/rettet/index.html",
    );
}

#[test]
fn a_site_that_escapes_html_escapes_it_in_quotes_events_and_corrections_too() {
    // `[markdown] escape_html = true` is for sites whose writers must not add markup.
    let site = TestSite::new(&format!("{SITE_TOML}\n[markdown]\nescape_html = true\n")).with(
        "content/streng.md",
        r#"+++
title = "Streng"
date = 2022-01-06

[[timeline]]
date = "2022-01-02"
title = "Hendelse"
text = "Et <script>alert(6)</script> i tidslinjen."

[[quotes]]
text = "Et <script>alert(7)</script> i sitatet."
speaker = "Ola"
source = "NRK"

[[corrections]]
date = 2022-01-07
text = "Et <script>alert(8)</script> i rettelsen."
+++
Et <script>alert(9)</script> i brødteksten.
"#,
    );
    site.build_ok(&[]);
    let path = "public/streng/index.html";
    let html = site.public("streng/index.html");
    for n in 6..=9 {
        assert_lacks(&html, &format!("<script>alert({n})"), path);
    }
}

// ---------------------------------------------------------------------------------
// 9. Tags.

#[test]
fn tag_pages_list_the_articles_with_the_tag_and_slug_norwegian_letters() {
    let site = built_site();
    let path = "public/emne/kasakhstan/index.html";
    let html = site.public("emne/kasakhstan/index.html");
    for slug in ["uro", "fredsstyrke", "flere-ar"] {
        assert_contains(&html, &format!("href=\"/{slug}/\""), path);
    }
    assert_lacks(&html, r#"href="/blabaer/""#, path);
    assert_lacks(&html, r#"href="/plassert/""#, path);

    let path = "public/emne/blabaer-og-okonomi/index.html";
    let html = site.public("emne/blabaer-og-okonomi/index.html");
    assert_contains(&html, "Blåbær og økonomi", path);
    assert_contains(&html, r#"href="/blabaer/""#, path);
    assert_lacks(&html, r#"href="/flere-ar/""#, path);

    let path = "public/emne/aerlighet/index.html";
    let html = site.public("emne/aerlighet/index.html");
    assert_contains(&html, r#"href="/blabaer/""#, path);
    assert_contains(&html, r#"href="/flere-ar/""#, path);
    assert_lacks(&html, r#"href="/uro/""#, path);

    let article = site.public(BLABAER_PAGE);
    assert_contains(
        &article,
        r#"href="/emne/blabaer-og-okonomi/""#,
        BLABAER_PAGE,
    );
    assert_contains(&article, r#"href="/emne/aerlighet/""#, BLABAER_PAGE);
}

// ---------------------------------------------------------------------------------
// The page as a whole.

#[test]
fn ids_on_an_article_page_are_unique_even_when_headings_match_the_themes_ids() {
    let site = built_site();
    site.write(
        "content/overskrifter.md",
        r#"+++
title = "Overskrifter"
date = 2022-01-12
background = ["csto"]

[[quotes]]
text = "Sitat."
speaker = "Ola"
source = "NRK"
+++

## Innhold

## Tittel

## Part quotes

## Kilder

Tekst.[^1]

[^1]: Fotnote.
"#,
    );
    site.build_ok(&[]);
    let html = site.public("overskrifter/index.html");
    let mut ids = attribute_values(&html, "id");
    ids.sort_unstable();
    let mut duplicates: Vec<&str> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    duplicates.dedup();
    assert!(
        duplicates.is_empty(),
        "ids used more than once: {duplicates:?}\n{html}"
    );
}
