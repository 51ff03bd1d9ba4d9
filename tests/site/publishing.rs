//! Publishing and authoring: the built site served under a sub-path and crawled
//! link by link, the Atom feed read by a real feed parser (`feedparser` from PyPI),
//! `sitemap.xml` read by a real XML parser, `robots.txt` and `404.html`,
//! `forklar check`, `forklar init`, `forklar new`, and every command's `--help`.
//!
//! The parsers are Python programs. Where `python3` or `feedparser` is missing a
//! test prints `SKIPPED ...` to stderr and passes, unless `FORKLAR_REQUIRE_TOOLS=1`
//! is set (as `.ci/run` does, after `python3 -m pip install feedparser`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::common::{
    Run, Snapshot, TestSite, assert_contains, assert_lacks, attribute_values, escape, read_text,
    run_forklar,
};
use crate::tools::require_tools;

// ---------------------------------------------------------------------------
// The fixture: three articles, two background entries, a shared timeline, an
// inline timeline, tags and images, linked to each other the ways writers do.

const BASE_URL: &str = "https://example.org/forklaring/";
const BASE_PATH: &str = "/forklaring/";

const SITE_TOML: &str = r#"title = "Forklart: Øst og vest"
description = "Bakgrunn for nyhetene, på bokmål med æ, ø og å"
language = "nb"
authors = ["Redaksjonen"]
"#;

const UROEN_TITLE: &str = "Uroen i Kasakhstan: Ærlig talt, hva nå?";
const UROEN_LEAD: &str = "Gassprisen ble doblet, og landet står i unntakstilstand.";
const UROEN: &str = r#"+++
title = "Uroen i Kasakhstan: Ærlig talt, hva nå?"
date = 2022-01-06T18:00:00+01:00
updated = 2022-01-07T09:30:00+01:00
lead = "Gassprisen ble doblet, og landet står i unntakstilstand."
authors = ["Kari Nordmann", "Åse Østby"]
tags = ["Kasakhstan", "Økonomi"]
background = ["csto"]
timeline_file = "kasakhstan-2022"

[image]
src = "/bilder/forside.png"
alt = "Kart over Kasakhstan"
credit = "Kart: Redaksjonen"
+++

Les [den andre saken](annen.md) og særlig [overskriften der](annen.md#en-overskrift).

CSTO sendte soldater. ![Kart over Almaty](/bilder/kart.png)

Mer om [CSTO-bakgrunnen](background/csto.md) og [hele tidslinjen](/tidslinje/kasakhstan-2022/).

## Hvorfor nå?

Prisen på flytende gass ble doblet over natten.
"#;

const ANNEN_TITLE: &str = "Annen sak: Blåbær, gass og grenser";
const ANNEN: &str = r#"+++
title = "Annen sak: Blåbær, gass og grenser"
date = 2022-01-07T09:00:00Z
lead = "Hvorfor prisene stiger på begge sider av grensen."
tags = ["Økonomi"]
background = ["csto", "nato"]
timeline_file = "kasakhstan-2022"
+++

Tilbake til [den første saken](uroen.md#hvorfor-na).

## En overskrift

NATO og CSTO er begge nevnt her. Se [kartet](/bilder/kart.png) og [NATO-oppslaget](/background/nato.md#title).
"#;

const TREDJE_TITLE: &str = "Små spørsmål før jul";
const TREDJE: &str = r#"+++
title = "Små spørsmål før jul"
date = 2021-12-24
tags = ["Kasakhstan"]

[[timeline]]
date = "2021-12"
title = "Prisene begynner å stige"

[[timeline]]
date = "2021-12-20"
title = "Regjeringen lover tiltak"
+++

Se [den andre saken, skrevet relativt](../annen/#en-overskrift), [forsiden](/) og [alle bakgrunnsoppslag](/bakgrunn/).
"#;

const CSTO: &str = r#"+++
title = "CSTO"
aliases = ["CSTO", "ODKB"]
summary = "Organisasjonen for kollektiv sikkerhet, en militærallianse ledet av Russland."

[[facts]]
label = "Grunnlagt"
value = "2002"

[image]
src = "/bilder/csto.png"
alt = "CSTOs logo"
credit = "CSTO"
+++

CSTO er ikke det samme som [NATO](nato.md). Se også [hvorfor det skjer nå](../uroen.md#hvorfor-na).
"#;

const NATO: &str = r#"+++
title = "NATO"
aliases = ["NATO"]
summary = "Forsvarsalliansen i Nord-Atlanteren."
+++

Lengre tekst om NATO, med [kartet](/bilder/kart.png) og [CSTO](csto.md).
"#;

const TIMELINE: &str = r#"title = "Uroen i Kasakhstan, januar 2022"

[[events]]
date = "2022-01-01"
title = "Pristaket på flytende gass fjernes"
source = "Reuters"

[[events]]
date = "2022-01-05T14:00+06:00"
title = "Regjeringen går av"
"#;

/// The publishing fixture, not yet built.
fn publishing_site() -> TestSite {
    TestSite::new(SITE_TOML)
        .with("content/uroen.md", UROEN)
        .with("content/annen.md", ANNEN)
        .with("content/tredje.md", TREDJE)
        .with("content/background/csto.md", CSTO)
        .with("content/background/nato.md", NATO)
        .with("content/timelines/kasakhstan-2022.toml", TIMELINE)
        .with("static/bilder/kart.png", b"\x89PNG kart".as_slice())
        .with("static/bilder/forside.png", super::images::small_png())
        .with("static/bilder/csto.png", super::images::small_png())
}

/// The publishing fixture, built for `https://example.org/forklaring/`.
fn published_site() -> TestSite {
    let site = publishing_site();
    site.build_ok(&["--base-url", BASE_URL]);
    site
}

/// The pages the fixture must publish (files in `public/`).
const EXPECTED_PAGES: &[&str] = &[
    "index.html",
    "uroen/index.html",
    "annen/index.html",
    "tredje/index.html",
    "bakgrunn/index.html",
    "bakgrunn/csto/index.html",
    "bakgrunn/nato/index.html",
    "tidslinje/kasakhstan-2022/index.html",
    "tidslinje/tredje/index.html",
    "emne/kasakhstan/index.html",
    "emne/okonomi/index.html",
];

// ---------------------------------------------------------------------------
// 1. Hosting under a sub-path

/// Served by a plain static host at `/forklaring/` (and nothing at `/`), every
/// internal `href` and `src` of every page reachable from the front page answers
/// 200, every `#fragment` is an `id` on its page, no link leaves the sub-path,
/// and every absolute URL the site announces is under the base URL.
#[test]
fn the_site_works_when_hosted_under_a_sub_path() {
    let site = published_site();
    let host = StaticHost::start(&site.public_dir(), BASE_PATH);
    let mut problems = Vec::new();

    // Nothing is served outside the sub-path: a link that escapes it would break.
    assert_eq!(
        host.get("/").0,
        404,
        "the test host serves only {BASE_PATH}"
    );
    assert_eq!(
        host.get("/uroen/").0,
        404,
        "the test host serves only {BASE_PATH}"
    );

    let crawl = crawl(&host, BASE_PATH, &mut problems);

    // The 404 page is shown at any address, so its links must work from anywhere.
    let (status, body) = host.get("/forklaring/finnes/ikke/her");
    assert_eq!(status, 404);
    let not_found = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(not_found, site.public("404.html"));
    for link in links_of(&not_found) {
        if is_external(&link) || link.starts_with('#') {
            continue;
        }
        if !link.starts_with(BASE_PATH) {
            problems.push(format!(
                "404.html: `{link}` does not start with {BASE_PATH}; the 404 page is shown at every depth"
            ));
        } else if host.get(strip_fragment(&link)).0 != 200 {
            problems.push(format!("404.html: `{link}` does not answer 200"));
        }
    }

    // Every published page and file is reachable by following links.
    let snapshot = site.snapshot_public();
    let unlinked_by_design = [
        ".forklar-manifest",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "news-sitemap.xml",
    ];
    for file in snapshot.files() {
        // The search index is fetched by the search page's script.
        if unlinked_by_design.contains(&file) || file.starts_with("pagefind/") {
            continue;
        }
        let url = if let Some(dir) = file.strip_suffix("index.html") {
            format!("{BASE_PATH}{dir}")
        } else {
            format!("{BASE_PATH}{file}")
        };
        if !crawl.pages.contains_key(&url) {
            problems.push(format!(
                "public/{file} is not reachable from {BASE_PATH} by following links"
            ));
        }
    }
    for page in EXPECTED_PAGES {
        assert!(site.has_public(page), "public/{page} should be published");
    }

    // Canonical and link-preview URLs: absolute, under the base URL, and the page's own.
    for (path, page) in &crawl.pages {
        let Some(html) = &page.html else { continue };
        let canonical = tag_attribute(html, "<link rel=\"canonical\"", "href");
        let og_url = tag_attribute(html, "<meta property=\"og:url\"", "content");
        let is_article = ["/uroen/", "/annen/", "/tredje/"]
            .iter()
            .any(|a| path == &format!("{}{}", BASE_PATH.trim_end_matches('/'), a));
        if is_article {
            if canonical.is_none() {
                problems.push(format!("{path}: no <link rel=\"canonical\">"));
            }
            if og_url.is_none() {
                problems.push(format!("{path}: no <meta property=\"og:url\">"));
            }
        }
        let own = format!("https://example.org{path}");
        for (what, url) in [("canonical", canonical), ("og:url", og_url)] {
            if let Some(url) = url
                && url != own
            {
                problems.push(format!("{path}: {what} is `{url}`, expected `{own}`"));
            }
        }
        for (marker, attr) in [
            ("<meta property=\"og:image\"", "content"),
            ("<link rel=\"alternate\"", "href"),
        ] {
            if let Some(url) = tag_attribute(html, marker, attr)
                && !url.starts_with(BASE_URL)
                && !url.starts_with(BASE_PATH)
            {
                problems.push(format!("{path}: {marker} points at `{url}`"));
            }
        }
        // Absolute links to the site's own host must be under the base URL too.
        for link in links_of(html) {
            if link.starts_with("https://example.org/") && !link.starts_with(BASE_URL) {
                problems.push(format!("{path}: `{link}` leaves {BASE_URL}"));
            }
        }
    }

    // The feed, the sitemap and robots.txt name absolute URLs under the base URL,
    // and each of them answers on the host.
    let feed = site.public("atom.xml");
    let mut announced: Vec<(String, String)> = attribute_values(&feed, "href")
        .into_iter()
        .map(|href| ("atom.xml <link href>".to_string(), decode_entities(href)))
        .collect();
    // Entries are named by `tag:` URIs, which are not addresses; the feed's own id is.
    let ids = element_texts(&feed, "id");
    for id in ids.iter().filter(|id| id.starts_with("tag:")) {
        if !id.starts_with("tag:example.org,") || !id.contains(&format!(":{BASE_PATH}")) {
            problems.push(format!(
                "atom.xml <id> `{id}` does not name the site under {BASE_PATH}"
            ));
        }
    }
    announced.extend(
        ids.into_iter()
            .filter(|id| !id.starts_with("tag:"))
            .map(|id| ("atom.xml <id>".to_string(), id)),
    );
    announced.extend(
        element_texts(&site.public("sitemap.xml"), "loc")
            .into_iter()
            .map(|loc| ("sitemap.xml <loc>".to_string(), loc)),
    );
    let robots = site.public("robots.txt");
    announced.extend(
        robots
            .lines()
            .filter_map(|l| l.strip_prefix("Sitemap:"))
            .map(|url| ("robots.txt Sitemap".to_string(), url.trim().to_string())),
    );
    assert!(
        announced.len() > 10,
        "expected the feed, sitemap and robots.txt to name URLs, found {announced:?}"
    );
    for (what, url) in announced {
        match url.strip_prefix("https://example.org") {
            Some(path) if url.starts_with(BASE_URL) => {
                let status = host.get(strip_fragment(path)).0;
                if status != 200 {
                    problems.push(format!("{what} `{url}` answers {status}"));
                }
            }
            _ => problems.push(format!("{what} `{url}` is not under {BASE_URL}")),
        }
    }

    assert!(
        problems.is_empty(),
        "the site does not work under {BASE_PATH}:\n  {}",
        problems.join("\n  ")
    );
}

/// Site paths written in front matter — a source, a timeline event's link and
/// text, a quote's link and text, a correction — are links like those in the
/// body: under a sub-path they must get the base path, or they leave the site
/// (deploying.md: "every internal link starts with its path"). `forklar check`
/// on the same site must agree that the published links are fine.
#[test]
fn site_paths_in_front_matter_links_stay_under_the_sub_path() {
    // One file per place a link can be written, so a failure names the place.
    let places = [
        ("brodtekst", "the article body (a Markdown link)"),
        ("kilde", "[[sources]] url"),
        ("hendelse", "[[timeline]] url"),
        ("hendelse-tekst", "a link in [[timeline]] text"),
        ("sitat", "[[quotes]] url"),
        ("sitat-tekst", "a link in [[quotes]] text"),
        ("rettelse", "a link in [[corrections]] text"),
    ];
    let mut site = TestSite::new(&format!("{SITE_TOML}base_url = \"{BASE_URL}\"\n"));
    for (name, _) in places {
        site = site.with(&format!("static/dokumenter/{name}.pdf"), "%PDF");
    }
    let site = site.with(
        "content/rapport.md",
        r#"+++
title = "Rapporten"
date = 2022-01-06T18:00:00+01:00

[[timeline]]
date = "2022-01-03"
title = "Rapporten legges fram"
text = "Les [rapporten](/dokumenter/hendelse-tekst.pdf)."
source = "Regjeringen"
url = "/dokumenter/hendelse.pdf"

[[quotes]]
text = "Alt står i [rapporten](/dokumenter/sitat-tekst.pdf)."
speaker = "Kari Nordmann"
source = "Rapporten"
url = "/dokumenter/sitat.pdf"

[[sources]]
title = "Rapporten"
url = "/dokumenter/kilde.pdf"

[[corrections]]
date = 2022-01-07
text = "Lenken til [rapporten](/dokumenter/rettelse.pdf) var feil."
+++

Hele [rapporten](/dokumenter/brodtekst.pdf) ligger ute.
"#,
    );
    site.build_ok(&[]);
    let mut problems = Vec::new();
    let article = site.public("rapport/index.html");
    let links = links_of(&article);
    for (name, place) in places {
        let wanted = format!("/forklaring/dokumenter/{name}.pdf");
        let written: BTreeSet<&String> = links
            .iter()
            .filter(|l| l.ends_with(&format!("/{name}.pdf")))
            .collect();
        if written.is_empty() {
            problems.push(format!(
                "{place}: no link to {name}.pdf on the article page"
            ));
        } else if written.iter().any(|l| **l != wanted) {
            problems.push(format!(
                "{place}: written as {written:?}, should be {wanted}"
            ));
        }
    }
    let timeline = site.public("tidslinje/rapport/index.html");
    for link in links_of(&timeline) {
        if link.contains("/dokumenter/") && !link.starts_with("/forklaring/dokumenter/") {
            problems.push(format!("the timeline page: `{link}` leaves /forklaring/"));
        }
    }
    let check = run_forklar(site.root(), &["check", "--root", root_arg(&site)]);
    if !check.success {
        problems.push(format!(
            "`forklar check` rejects links the build wrote:\n{}",
            check.stderr
        ));
    }
    assert!(
        problems.is_empty(),
        "front-matter links leave the sub-path:\n  {}",
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// 2. The Atom feed, read by feedparser

const FEED_SCRIPT: &str = r#"
import calendar, json, sys
import feedparser

d = feedparser.parse(sys.argv[1])

def ts(t):
    return calendar.timegm(t) if t else None

print(json.dumps({
    "bozo": int(d.bozo),
    "bozo_exception": repr(d.get("bozo_exception")) if d.bozo else None,
    "version": d.get("version"),
    "title": d.feed.get("title"),
    "subtitle": d.feed.get("subtitle"),
    "id": d.feed.get("id"),
    "links": [[l.get("rel"), l.get("href")] for l in d.feed.get("links", [])],
    "updated": d.feed.get("updated"),
    "updated_ts": ts(d.feed.get("updated_parsed")),
    "entries": [{
        "title": e.get("title"),
        "link": e.get("link"),
        "id": e.get("id"),
        "published": e.get("published"),
        "published_ts": ts(e.get("published_parsed")),
        "updated": e.get("updated"),
        "updated_ts": ts(e.get("updated_parsed")),
        "authors": [a.get("name") for a in e.get("authors", [])],
        "tags": [t.get("term") for t in e.get("tags", [])],
        "summary": e.get("summary"),
        "content": [c.get("value") for c in e.get("content", [])],
    } for e in d.entries],
}, ensure_ascii=False))
"#;

/// `atom.xml` is well-formed Atom to a real feed parser, with the site's and the
/// articles' titles (æøå intact), absolute links under the base URL, entries newest
/// first, the dates as written, and content whose links resolve through `xml:base`.
#[test]
fn the_feed_is_read_correctly_by_a_real_feed_parser() {
    if !python_module(
        "feed parser",
        "feedparser",
        "python3 -m pip install feedparser",
    ) {
        return;
    }
    let site = published_site();
    let feed = python_json(FEED_SCRIPT, &site.public_dir().join("atom.xml"));
    let show = || serde_json::to_string_pretty(&feed).unwrap_or_default();

    assert_eq!(
        feed["bozo"],
        0,
        "feedparser found the feed malformed: {}\n--- atom.xml\n{}",
        feed["bozo_exception"],
        site.public("atom.xml")
    );
    assert_eq!(feed["version"], "atom10", "{}", show());
    assert_eq!(feed["title"], "Forklart: Øst og vest", "{}", show());
    assert_eq!(
        feed["subtitle"],
        "Bakgrunn for nyhetene, på bokmål med æ, ø og å",
        "{}",
        show()
    );
    let links: Vec<(String, String)> = feed["links"]
        .as_array()
        .expect("feed links")
        .iter()
        .map(|l| (str_of(&l[0]), str_of(&l[1])))
        .collect();
    assert!(
        links.contains(&("self".into(), format!("{BASE_URL}atom.xml"))),
        "the feed should link to itself at {BASE_URL}atom.xml: {links:?}"
    );
    assert!(
        links.contains(&("alternate".into(), BASE_URL.into())),
        "the feed should link to the site at {BASE_URL}: {links:?}"
    );

    let entries = feed["entries"].as_array().expect("entries");
    let titles: Vec<String> = entries.iter().map(|e| str_of(&e["title"])).collect();
    assert_eq!(
        titles,
        [ANNEN_TITLE, UROEN_TITLE, TREDJE_TITLE],
        "entry titles, newest first"
    );
    let links: Vec<String> = entries.iter().map(|e| str_of(&e["link"])).collect();
    assert_eq!(
        links,
        [
            format!("{BASE_URL}annen/"),
            format!("{BASE_URL}uroen/"),
            format!("{BASE_URL}tredje/"),
        ],
        "entry links"
    );
    let published: Vec<String> = entries.iter().map(|e| str_of(&e["published"])).collect();
    assert_eq!(
        published,
        [
            "2022-01-07T09:00:00Z",
            "2022-01-06T18:00:00+01:00",
            "2021-12-24T00:00:00Z"
        ],
        "published dates as written in the front matter"
    );
    // The same instants, as the parser understood them (seconds since 1970, UTC).
    let published_ts: Vec<i64> = entries
        .iter()
        .map(|e| e["published_ts"].as_i64().expect("a parsed date"))
        .collect();
    assert_eq!(published_ts, [1_641_546_000, 1_641_488_400, 1_640_304_000]);
    assert!(
        published_ts.windows(2).all(|w| w[0] >= w[1]),
        "entries newest first"
    );
    let uroen = &entries[1];
    assert_eq!(uroen["updated"], "2022-01-07T09:30:00+01:00");
    assert_eq!(uroen["updated_ts"], 1_641_544_200);
    // A tag: URI from the host, the day of publication and the file, which a
    // new slug does not change.
    assert_eq!(uroen["id"], "tag:example.org,2022-01-06:/forklaring/uroen");
    assert_eq!(uroen["summary"], UROEN_LEAD);
    assert_eq!(
        uroen["authors"],
        serde_json::json!(["Kari Nordmann", "Åse Østby"])
    );
    assert_eq!(uroen["tags"], serde_json::json!(["Kasakhstan", "Økonomi"]));
    assert_eq!(
        entries[0]["authors"],
        serde_json::json!(["Redaksjonen"]),
        "an article without authors has the site's"
    );
    // Links in the content are site paths; with xml:base they resolve under the base URL.
    let content = str_of(&uroen["content"][0]);
    for resolved in [
        format!("href=\"{BASE_URL}annen/#en-overskrift\""),
        format!("href=\"{BASE_URL}bakgrunn/csto/\""),
        format!("src=\"{BASE_URL}bilder/kart.png\""),
    ] {
        assert_contains(&content, &resolved, "the feed content of the first article");
    }
    assert_contains(&content, "Hvorfor nå?", "the feed content");

    // The feed's `updated` is its newest entry's: compared as instants, not as text
    // (09:30+01:00 is earlier than 09:00Z).
    let newest_entry = entries
        .iter()
        .map(|e| e["updated_ts"].as_i64().expect("a parsed entry update"))
        .max()
        .expect("entries");
    let feed_updated = feed["updated_ts"].as_i64().expect("a parsed feed update");
    assert_eq!(
        feed_updated, newest_entry,
        "the feed's <updated> ({}) should be the newest entry's update (2022-01-07T09:00:00Z)",
        feed["updated"]
    );
}

// ---------------------------------------------------------------------------
// 3. sitemap.xml, robots.txt and 404.html

const SITEMAP_SCRIPT: &str = r#"
import json, sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
print(json.dumps({
    "root": root.tag,
    "urls": [{"tag": u.tag, "fields": [[f.tag, f.text] for f in u]} for u in root],
}, ensure_ascii=False))
"#;

const SITEMAP_NS: &str = "{http://www.sitemaps.org/schemas/sitemap/0.9}";

/// `sitemap.xml` read by Python's XML parser: the sitemaps.org namespace, one `<loc>`
/// per `<url>`, absolute under the base URL, W3C datetimes, every page listed once,
/// and every listed URL a published file.
#[test]
fn the_sitemap_lists_every_page_once_with_absolute_urls_and_w3c_dates() {
    if !python_module(
        "sitemap XML parser",
        "xml.etree.ElementTree",
        "apt-get install python3",
    ) {
        return;
    }
    let site = published_site();
    let sitemap = python_json(SITEMAP_SCRIPT, &site.public_dir().join("sitemap.xml"));
    assert_eq!(sitemap["root"], format!("{SITEMAP_NS}urlset"));
    let mut locs = Vec::new();
    let mut lastmods = BTreeMap::new();
    let mut problems = Vec::new();
    for url in sitemap["urls"].as_array().expect("urls") {
        if url["tag"] != format!("{SITEMAP_NS}url") {
            problems.push(format!("an element that is not <url>: {}", url["tag"]));
            continue;
        }
        let fields: Vec<(String, String)> = url["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| (str_of(&f[0]), str_of(&f[1])))
            .collect();
        let field = |name: &str| -> Vec<&str> {
            let tag = format!("{SITEMAP_NS}{name}");
            fields
                .iter()
                .filter(|(t, _)| *t == tag)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        let loc = match field("loc").as_slice() {
            [loc] => loc.to_string(),
            other => {
                problems.push(format!("a <url> with {} <loc>: {fields:?}", other.len()));
                continue;
            }
        };
        for (tag, _) in &fields {
            if !tag.starts_with(SITEMAP_NS) {
                problems.push(format!("{loc}: <{tag}> is not in the sitemap namespace"));
            }
        }
        match field("lastmod").as_slice() {
            [] => {}
            [lastmod] => {
                if !is_w3c_datetime(lastmod) {
                    problems.push(format!(
                        "{loc}: <lastmod>{lastmod}</lastmod> is not a W3C datetime"
                    ));
                }
                lastmods.insert(loc.clone(), lastmod.to_string());
            }
            more => problems.push(format!("{loc}: {} <lastmod>", more.len())),
        }
        match loc.strip_prefix(BASE_URL) {
            Some(path) => {
                let file = if path.is_empty() || path.ends_with('/') {
                    format!("{path}index.html")
                } else {
                    path.to_string()
                };
                if !site.has_public(&file) {
                    problems.push(format!("{loc}: public/{file} does not exist"));
                }
            }
            None => problems.push(format!("{loc} is not an absolute URL under {BASE_URL}")),
        }
        locs.push(loc);
    }
    let unique: BTreeSet<&String> = locs.iter().collect();
    if unique.len() != locs.len() {
        problems.push(format!("URLs listed more than once: {locs:?}"));
    }
    for page in EXPECTED_PAGES {
        let loc = format!("{BASE_URL}{}", page.trim_end_matches("index.html"));
        if !locs.contains(&loc) {
            problems.push(format!("{loc} (public/{page}) is not listed"));
        }
    }
    if locs.iter().any(|l| l.contains("404")) {
        problems.push("the not-found page is listed".into());
    }
    for (page, expected) in [
        ("uroen/", "2022-01-07T09:30:00+01:00"),
        ("annen/", "2022-01-07T09:00:00Z"),
        ("tredje/", "2021-12-24T00:00:00Z"),
    ] {
        let loc = format!("{BASE_URL}{page}");
        let found = lastmods.get(&loc).map(String::as_str);
        if found != Some(expected) {
            problems.push(format!(
                "{loc}: <lastmod> is {found:?}, expected the article's last change {expected}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "sitemap.xml:\n  {}\n--- sitemap.xml\n{}",
        problems.join("\n  "),
        site.public("sitemap.xml")
    );
}

/// `robots.txt` names the sitemap's absolute URL; a site's own `static/robots.txt`
/// replaces it, and removing that file brings the generated one back.
#[test]
fn robots_txt_names_the_sitemap_and_a_static_one_replaces_it() {
    let site = published_site();
    let sitemap_line = format!("Sitemap: {BASE_URL}sitemap.xml");
    let generated = site.public("robots.txt");
    assert!(
        generated.lines().any(|l| l.trim() == sitemap_line),
        "robots.txt should have the line {sitemap_line:?}\n--- robots.txt\n{generated}"
    );

    let own = "User-agent: *\nDisallow: /forklaring/arkiv/\n";
    site.write("static/robots.txt", own);
    site.build_ok(&["--base-url", BASE_URL]);
    assert_eq!(
        site.public("robots.txt"),
        own,
        "static/robots.txt should replace the generated robots.txt"
    );

    site.remove("static/robots.txt");
    site.build_ok(&["--base-url", BASE_URL]);
    assert_eq!(
        site.public("robots.txt"),
        generated,
        "without static/robots.txt the generated robots.txt should be back"
    );
}

/// `404.html` is the not-found page: its title and text, a way back to the front
/// page under the sub-path, and not an article.
#[test]
fn the_404_page_is_the_not_found_page() {
    let site = published_site();
    let page = site.public("404.html");
    let name = "public/404.html";
    assert_contains(&page, "<html lang=\"nb\">", name);
    assert_contains(
        &page,
        "<title>Fant ikke siden – Forklart: Øst og vest</title>",
        name,
    );
    assert_contains(&page, "<h1>Fant ikke siden</h1>", name);
    assert_contains(&page, "href=\"/forklaring/\"", name);
    assert_lacks(&page, "rel=\"canonical\"", name);
    // Not a copy of the front page: it offers the latest articles under its
    // own heading, with links under the base path.
    assert_lacks(&page, "class=\"visually-hidden\">Forklart", name);
    assert_contains(&page, UROEN_LEAD, name);
    assert_contains(&page, "class=\"teaser-title\"><a href=\"/forklaring/", name);
}

// ---------------------------------------------------------------------------
// 4. forklar check

const CHECK_SITE_TOML: &str = "title = \"Forklart\"\nbase_url = \"https://example.org/\"\n";

const CHECK_FORSTE_GOOD: &str = r#"+++
title = "Første sak"
date = 2022-01-06
background = ["csto"]
+++

Les [den andre saken](annen.md#en-overskrift) og se ![kartet](/bilder/kart.png).
"#;

/// Each kind of broken link, on its own line, with text before it (æøå included,
/// so the column counts characters).
const CHECK_FORSTE_BROKEN: &str = r#"+++
title = "Første sak"
date = 2022-01-06
background = ["csto"]
+++

Les [den andre saken](annen.md#en-overskrift) og se ![kartet](/bilder/kart.png).

Her står en lenke til [en side som mangler](/finnes-ikke/).

Og én til [en del som mangler](annen.md#finnes-ikke) på en side som finnes.

Så [en sak som er borte](borte.md) og ørsmå detaljer.

Til slutt et bilde: ![Kart som mangler](/bilder/mangler.png)
"#;

const CHECK_ANNEN: &str = r#"+++
title = "Andre sak"
date = 2022-01-05
+++

## En overskrift

Tekst.
"#;

const CHECK_CSTO_GOOD: &str = r#"+++
title = "CSTO"
aliases = ["CSTO"]
summary = "En militærallianse."
+++

Se [den første saken](../forste.md).
"#;

const CHECK_CSTO_BROKEN: &str = r#"+++
title = "CSTO"
aliases = ["CSTO"]
summary = "En militærallianse."
+++

Se [den første saken](../forste.md).

Les også [det ødelagte](/ingen-slik-side/).
"#;

fn check_site() -> TestSite {
    TestSite::new(CHECK_SITE_TOML)
        .with("content/forste.md", CHECK_FORSTE_GOOD)
        .with("content/annen.md", CHECK_ANNEN)
        .with("content/background/csto.md", CHECK_CSTO_GOOD)
        .with("static/bilder/kart.png", b"\x89PNG".as_slice())
}

fn root_arg(site: &TestSite) -> &str {
    site.root().to_str().expect("a UTF-8 temporary path")
}

fn check(site: &TestSite, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--root", root_arg(site)];
    args.extend_from_slice(extra);
    run_forklar(site.outside(), &args)
}

/// The first number in `text` after `before`.
fn number_after(text: &str, before: &str) -> Option<usize> {
    let at = text.find(before)? + before.len();
    text[at..]
        .trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// A good site passes `check` with the summary line; a site with every kind of
/// broken link fails, and each link is reported at its line and column, with the
/// source line and a caret. Neither run writes anything.
#[test]
fn check_reports_every_broken_link_at_its_line_and_writes_nothing() {
    let site = check_site();
    let built = site.build_ok(&[]);
    let public = site.snapshot_public();

    let good = check(&site, &[]);
    good.assert_success();
    let summary = good
        .stdout
        .lines()
        .find(|l| l.starts_with("Checked "))
        .unwrap_or_else(|| {
            panic!(
                "no `Checked N pages and M addresses` line:\n{}",
                good.stdout
            )
        });
    let pages = number_after(summary, "Checked").expect("a page count");
    let links = number_after(summary, "pages and").expect("an address count");
    assert!(
        summary.contains(" pages and ") && summary.contains(" addresses on this site"),
        "{summary}"
    );
    assert_eq!(
        Some(pages),
        number_after(&built.stdout, "Built"),
        "check and build should count the same pages\n{summary}\n{}",
        built.stdout
    );
    assert!(links >= 10, "only {links} addresses checked: {summary}");
    site.snapshot_public()
        .assert_unchanged(&public, "public/ after a passing check");

    // Now break every kind of link.
    site.write("content/forste.md", CHECK_FORSTE_BROKEN);
    site.write("content/background/csto.md", CHECK_CSTO_BROKEN);
    let sources = site.snapshot_sources();
    let bad = check(&site, &[]);
    bad.assert_failure();
    let expected = [
        ("content/forste.md", "/finnes-ikke/"),
        ("content/forste.md", "annen.md#finnes-ikke"),
        ("content/forste.md", "borte.md"),
        ("content/forste.md", "/bilder/mangler.png"),
        ("content/background/csto.md", "/ingen-slik-side/"),
    ];
    for (file, destination) in expected {
        assert_reported_at(&bad, &site, file, destination);
    }
    let errors = bad
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .count();
    assert_eq!(
        errors,
        expected.len(),
        "each broken link should be reported once, and nothing else\n{}",
        bad.stderr
    );
    assert!(
        !bad.stdout.contains("no problems found"),
        "a failing check claims success:\n{}",
        bad.stdout
    );
    site.snapshot_public()
        .assert_unchanged(&public, "public/ after a failing check");
    site.snapshot_sources()
        .assert_unchanged(&sources, "the site's files after check");
}

/// The problem with `destination` (as written in `file`) is reported at its line,
/// with a caret inside the link's destination.
fn assert_reported_at(run: &Run, site: &TestSite, file: &str, destination: &str) {
    let text = site.source(file);
    let (line_index, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(&format!("]({destination})")))
        .unwrap_or_else(|| panic!("{destination} is not in {file}"));
    let message = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error:") && l.contains(destination.trim_start_matches("annen.md")))
        .unwrap_or_else(|| panic!("no error names `{destination}`\n--- stderr\n{}", run.stderr));
    let (row, col) = run.assert_points_at(site, file, Some(line_index + 1));
    assert_eq!(row, line_index + 1);
    let byte_start = line.find(&format!("]({destination})")).expect("the link") + 2;
    let start = line[..byte_start].chars().count() + 1;
    let end = start + destination.chars().count();
    assert!(
        (start..end).contains(&col),
        "{message}: the caret is at column {col}, not under `{destination}` (columns {start}..{end}) of\n{line}\n--- stderr\n{}",
        run.stderr
    );
}

/// `check` on a site without `public/` creates no output folder, writes nothing
/// outside the site and changes none of the site's own files.
#[test]
fn check_of_a_broken_site_creates_no_output_folder() {
    let site = check_site()
        .with("content/forste.md", CHECK_FORSTE_BROKEN)
        .with("content/background/csto.md", CHECK_CSTO_BROKEN);
    let sources = site.snapshot_sources();
    let outside = Snapshot::of(site.outside());
    check(&site, &[]).assert_failure();
    assert!(
        !site.public_dir().exists(),
        "`forklar check` created public/"
    );
    outside.assert_unchanged(&Snapshot::of(site.outside()), "the temporary folder");
    site.snapshot_sources()
        .assert_unchanged(&sources, "the site's files after check");
}

/// A link to a draft leads nowhere in the published site; with `--drafts` it is fine.
#[test]
fn check_warns_of_a_link_to_a_draft_unless_drafts_are_included() {
    let site = check_site()
        .with(
            "content/utkast.md",
            "+++\ntitle = \"Utkast\"\ndate = 2022-02-01\ndraft = true\n+++\n\n## Del én\n",
        )
        .with(
            "content/annen.md",
            format!("{CHECK_ANNEN}\nSe [utkastet](utkast.md#del-en).\n"),
        );
    // Not published in this build: a warning, and the link is plain text.
    let run = check(&site, &[]);
    run.assert_success();
    run.assert_stderr_contains("warning: `utkast.md#del-en` is not published in this build");
    run.assert_points_at(&site, "content/annen.md", None);
    let with_drafts = check(&site, &["--drafts"]);
    with_drafts.assert_success();
    assert!(
        !with_drafts.stderr.contains("warning"),
        "{}",
        with_drafts.stderr
    );
    assert!(
        with_drafts.stdout.contains("Checked "),
        "{}",
        with_drafts.stdout
    );
}

// ---------------------------------------------------------------------------
// 5. forklar init and forklar new

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("forklar-test-")
        .tempdir()
        .expect("a temporary folder")
}

/// `forklar <args>` with `--root DIR`, run from `cwd`.
fn forklar_at(cwd: &Path, root: &str, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--root", root]);
    run_forklar(cwd, &all)
}

/// `forklar init DIR` in an empty folder makes a site that builds and checks at
/// once, with its first article on the front page.
#[test]
fn init_makes_a_site_that_builds_at_once() {
    let tmp = temp_dir();
    let init = run_forklar(tmp.path(), &["init", "ny-side"]);
    init.assert_success();
    let dir = tmp.path().join("ny-side");
    assert!(dir.join("site.toml").is_file(), "{}", init.stdout);
    let build = forklar_at(tmp.path(), "ny-side", &["build"]);
    build.assert_success();
    let index = read_text(&dir.join("public/index.html"));
    let page = "ny-side/public/index.html";
    assert_contains(&index, "<html lang=\"nb\">", page);
    assert_contains(&index, "Siste forklaringer", page);
    assert_contains(&index, "Min første forklaring", page);
    assert_contains(&index, "href=\"/min-forste-forklaring/\"", page);
    assert!(
        dir.join("public/min-forste-forklaring/index.html")
            .is_file()
    );
    assert!(dir.join("public/bakgrunn/eksempel/index.html").is_file());
    forklar_at(tmp.path(), "ny-side", &["check"]).assert_success();
}

/// A site made by `init` and then built commits only its sources: git leaves
/// the published folder and the caches out.
#[test]
fn init_keeps_what_a_build_makes_out_of_git() {
    let tmp = temp_dir();
    run_forklar(tmp.path(), &["init", "ny-side"]).assert_success();
    forklar_at(tmp.path(), "ny-side", &["build"]).assert_success();
    let dir = tmp.path().join("ny-side");
    assert!(dir.join("public/index.html").is_file());
    assert!(dir.join(".forklar-cache").is_dir());
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).expect("git prints UTF-8")
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    let files = git(&["ls-files"]);
    assert!(files.lines().any(|f| f == "site.toml"), "{files}");
    assert!(files.lines().any(|f| f == ".gitignore"), "{files}");
    assert!(files.lines().any(|f| f.starts_with("content/")), "{files}");
    assert!(
        !files
            .lines()
            .any(|f| f.starts_with("public/") || f.starts_with(".forklar-cache/")),
        "{files}"
    );
}

/// `--language en` gives an English site: labels, language and URLs.
#[test]
fn init_with_language_en_gives_english_labels() {
    let tmp = temp_dir();
    run_forklar(tmp.path(), &["init", "english", "--language", "en"]).assert_success();
    forklar_at(tmp.path(), "english", &["build"]).assert_success();
    let dir = tmp.path().join("english");
    let index = read_text(&dir.join("public/index.html"));
    let page = "english/public/index.html";
    assert_contains(&index, "<html lang=\"en\">", page);
    assert_contains(&index, "Latest explainers", page);
    assert_contains(&index, ">Home<", page);
    assert_contains(&index, "My first explainer", page);
    assert_lacks(&index, "Siste forklaringer", page);
    assert_lacks(&index, "Forside", page);
    assert!(dir.join("public/background/example/index.html").is_file());
    let article = read_text(&dir.join("public/my-first-explainer/index.html"));
    assert_contains(&article, "Published", "the English article");
}

/// `init` refuses a folder with anything in it, and changes nothing there.
#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = temp_dir();
    let dir = tmp.path().join("opptatt");
    std::fs::create_dir(&dir).expect("a folder");
    std::fs::write(dir.join("notater.txt"), "mine notater").expect("a file");
    let before = Snapshot::of(tmp.path());
    let run = run_forklar(tmp.path(), &["init", "opptatt"]);
    run.assert_failure();
    run.assert_stderr_contains("not empty");
    before.assert_unchanged(&Snapshot::of(tmp.path()), "the folder given to init");
}

/// `new article` names the file from the title, its front matter parses, and the
/// article is a draft: built with `--drafts`, absent without. A second one with the
/// same title is refused and the first file is kept as it is.
#[test]
fn new_article_makes_a_draft_named_from_its_title_and_never_overwrites() {
    let tmp = temp_dir();
    run_forklar(tmp.path(), &["init", "side"]).assert_success();
    let dir = tmp.path().join("side");
    let title = "Hva skjer i Øst-Europa?";
    forklar_at(tmp.path(), "side", &["new", "article", title]).assert_success();
    let file = dir.join("content/hva-skjer-i-ost-europa.md");
    assert!(
        file.is_file(),
        "content/hva-skjer-i-ost-europa.md was not created"
    );
    let quoted = "Hva betyr \"nøytral\" – og \\ for Sverige?";
    forklar_at(tmp.path(), "side", &["new", "article", quoted]).assert_success();
    let quoted_file = dir.join("content/hva-betyr-noytral-og-for-sverige.md");
    assert!(
        quoted_file.is_file(),
        "content/hva-betyr-noytral-og-for-sverige.md was not created: {:?}",
        Snapshot::of(&dir.join("content")).files()
    );

    forklar_at(tmp.path(), "side", &["build"]).assert_success();
    assert!(
        !dir.join("public/hva-skjer-i-ost-europa").exists(),
        "a new article is a draft and is not built without --drafts"
    );
    assert_lacks(
        &read_text(&dir.join("public/index.html")),
        title,
        "the front page without --drafts",
    );

    forklar_at(tmp.path(), "side", &["build", "--drafts"]).assert_success();
    let page = read_text(&dir.join("public/hva-skjer-i-ost-europa/index.html"));
    assert_contains(
        &page,
        &format!("<h1 id=\"title\">{title}</h1>"),
        "the new article",
    );
    let page = read_text(&dir.join("public/hva-betyr-noytral-og-for-sverige/index.html"));
    // The title is written as given and shown with Norwegian quotes.
    assert_contains(
        &page,
        &escape("Hva betyr «nøytral» – og \\ for Sverige?"),
        "the new article with quotes in its title",
    );

    // Edit the first article, then ask for it again: refused, the edit is kept.
    let edited = format!("{}\nMin egen tekst.\n", read_text(&file));
    std::fs::write(&file, &edited).expect("edit the article");
    let before = Snapshot::of(&dir);
    let again = forklar_at(tmp.path(), "side", &["new", "article", title]);
    again.assert_failure();
    again.assert_stderr_contains("already exists");
    before.assert_unchanged(
        &Snapshot::of(&dir),
        "the site after a refused `new article`",
    );
    assert_eq!(read_text(&file), edited);
}

/// `new background KEY` makes an entry that builds and that an article can use;
/// a key that is not lowercase letters, digits and hyphens is refused.
#[test]
fn new_background_makes_an_entry_an_article_can_use() {
    let tmp = temp_dir();
    run_forklar(tmp.path(), &["init", "side"]).assert_success();
    let dir = tmp.path().join("side");
    forklar_at(tmp.path(), "side", &["new", "background", "nato"]).assert_success();
    assert!(dir.join("content/background/nato.md").is_file());
    std::fs::write(
        dir.join("content/nato-saken.md"),
        "+++\ntitle = \"NATO-saken\"\ndate = 2022-01-06\nbackground = [\"nato\"]\n+++\n\nOm nato og [oppslaget](background/nato.md).\n",
    )
    .expect("an article");
    forklar_at(tmp.path(), "side", &["build"]).assert_success();
    assert!(dir.join("public/bakgrunn/nato/index.html").is_file());
    let article = read_text(&dir.join("public/nato-saken/index.html"));
    assert_contains(
        &article,
        "href=\"/bakgrunn/nato/\"",
        "the article using nato",
    );
    forklar_at(tmp.path(), "side", &["check"]).assert_success();
    // A new entry was written today: it is not due for review.
    let stale = forklar_at(tmp.path(), "side", &["check", "--stale", "--strict"]);
    stale.assert_success();
    assert_contains(
        &stale.stdout,
        "No background entries are due for review",
        "check --stale on a new site",
    );

    let before = Snapshot::of(&dir);
    let again = forklar_at(tmp.path(), "side", &["new", "background", "nato"]);
    again.assert_failure();
    before.assert_unchanged(
        &Snapshot::of(&dir),
        "the site after a second `new background nato`",
    );

    let bad = forklar_at(tmp.path(), "side", &["new", "background", "Ugyldig Nøkkel"]);
    bad.assert_failure();
    bad.assert_stderr_contains("Ugyldig Nøkkel");
    bad.assert_stderr_contains("ugyldig-nokkel");
    before.assert_unchanged(&Snapshot::of(&dir), "the site after a refused key");
}

// ---------------------------------------------------------------------------
// 6. --help

/// Every command's `--help` (and `forklar help COMMAND`) runs and names every flag
/// the README's "## Commands" block shows for it, with the defaults and choices
/// written there, and the global `--root` and `-q`/`--quiet`.
#[test]
fn every_commands_help_names_the_flags_the_readme_documents() {
    let readme = read_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let commands = readme_commands(&readme);
    let names: Vec<&str> = commands.iter().map(|c| c.words.as_str()).collect();
    for expected in [
        "init",
        "new article",
        "new background",
        "serve",
        "build",
        "check",
    ] {
        assert!(
            names.contains(&expected),
            "the README's ## Commands block should show `forklar {expected}`: found {names:?}"
        );
    }
    let tmp = temp_dir();
    let mut problems = Vec::new();
    for command in &commands {
        let mut args: Vec<&str> = command.words.split(' ').collect();
        args.push("--help");
        let run = run_forklar(tmp.path(), &args);
        run.assert_success();
        let help = &run.stdout;
        let mut wanted: Flags = command.flags.clone();
        wanted.push(("--root".into(), None));
        wanted.push(("--quiet".into(), None));
        wanted.push(("-q".into(), None));
        for (flag, value) in wanted {
            if !mentions_flag(help, &flag) {
                problems.push(format!(
                    "`forklar {} --help` does not mention {flag}",
                    command.words
                ));
                continue;
            }
            let Some(value) = value else { continue };
            let flag_help = help
                .lines()
                .skip_while(|l| !mentions_flag(l, &flag))
                .take_while(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            let choices: Vec<&str> = value.split('|').collect();
            let shown = if choices.len() > 1 {
                choices.iter().all(|c| flag_help.contains(c))
            } else {
                flag_help.contains(&format!("default: {value}"))
            };
            if !shown {
                problems.push(format!(
                    "`forklar {} --help` does not show `{flag} {value}` as the README does:\n{flag_help}",
                    command.words
                ));
            }
        }
    }
    // `forklar new --help` names both kinds of content.
    let new = run_forklar(tmp.path(), &["new", "--help"]);
    new.assert_success();
    for sub in ["article", "background"] {
        if !new.stdout.contains(sub) {
            problems.push(format!("`forklar new --help` does not mention `{sub}`"));
        }
    }
    // The README says `forklar help COMMAND` describes each flag.
    let help_build = run_forklar(tmp.path(), &["help", "build"]);
    help_build.assert_success();
    for flag in ["--output", "--base-url", "--drafts", "--watch"] {
        if !mentions_flag(&help_build.stdout, flag) {
            problems.push(format!("`forklar help build` does not mention {flag}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One line of the README's command block: the command's words and its flags,
/// each with the value the README shows (`--port 1111` → `1111`) unless that is a
/// placeholder in capitals.
struct ReadmeCommand {
    words: String,
    flags: Flags,
}

/// Flags with the value the README shows for them, if any.
type Flags = Vec<(String, Option<String>)>;

fn readme_commands(readme: &str) -> Vec<ReadmeCommand> {
    let section = readme
        .split_once("## Commands")
        .expect("README.md has a ## Commands section")
        .1;
    let block = section
        .split("```")
        .nth(1)
        .expect("a code block in ## Commands");
    let mut commands = Vec::new();
    for line in block.lines() {
        let Some(rest) = line.trim().strip_prefix("forklar ") else {
            continue;
        };
        // The synopsis ends where the description begins, after a run of spaces.
        let synopsis = rest.split("  ").next().unwrap_or(rest);
        let tokens: Vec<&str> = synopsis.split_whitespace().collect();
        let words: Vec<&str> = tokens
            .iter()
            .take_while(|t| t.chars().all(|c| c.is_ascii_lowercase()))
            .copied()
            .collect();
        let mut flags = Vec::new();
        let cleaned: Vec<String> = tokens
            .iter()
            .map(|t| t.trim_matches(|c| c == '[' || c == ']').to_string())
            .collect();
        for (i, token) in cleaned.iter().enumerate() {
            if !token.starts_with("--") {
                continue;
            }
            // A value belongs to the flag when both sit in one bracket: `[--port 1111]`.
            let value = tokens
                .get(i + 1)
                .filter(|next| {
                    tokens[i].starts_with('[')
                        && !tokens[i].ends_with(']')
                        && !next.starts_with('[')
                        && next.ends_with(']')
                })
                .map(|next| next.trim_end_matches(']').to_string())
                .filter(|value| !value.chars().any(|c| c.is_ascii_uppercase()));
            flags.push((token.clone(), value));
        }
        commands.push(ReadmeCommand {
            words: words.join(" "),
            flags,
        });
    }
    commands
}

#[test]
fn the_readme_command_block_is_read_with_flags_and_values() {
    let readme = "## Commands\n\n```\nforklar init [DIR] [--language nb|en]      a new site\n\
                  forklar new background KEY                 a new entry\n\
                  forklar serve [--port 1111] [--open] [--drafts]\n\
                  forklar build [--output DIR] [--watch]\n```\n";
    let commands = readme_commands(readme);
    let read: Vec<(&str, Flags)> = commands
        .iter()
        .map(|c| (c.words.as_str(), c.flags.clone()))
        .collect();
    let flag = |name: &str, value: Option<&str>| (name.to_string(), value.map(str::to_string));
    assert_eq!(
        read,
        [
            ("init", vec![flag("--language", Some("nb|en"))]),
            ("new background", vec![]),
            (
                "serve",
                vec![
                    flag("--port", Some("1111")),
                    flag("--open", None),
                    flag("--drafts", None)
                ]
            ),
            ("build", vec![flag("--output", None), flag("--watch", None)]),
        ]
    );
    assert!(mentions_flag("  -q, --quiet  Print only errors", "--quiet"));
    assert!(mentions_flag("  -q, --quiet  Print only errors", "-q"));
    assert!(!mentions_flag("      --drafts-only", "--drafts"));
}

/// Whether help text names `flag` as a flag (not as part of a longer one).
fn mentions_flag(help: &str, flag: &str) -> bool {
    help.match_indices(flag).any(|(at, _)| {
        let before = help[..at].chars().next_back();
        let after = help[at + flag.len()..].chars().next();
        !before.is_some_and(|c| c == '-' || c.is_alphanumeric())
            && !after.is_some_and(|c| c == '-' || c.is_alphanumeric())
    })
}

// ---------------------------------------------------------------------------
// A static host for one folder under a sub-path, and a crawler

/// Serves `root` at `prefix` on 127.0.0.1, like nginx with `alias`: `/prefix/<path>`
/// is `root/<path>`, a path ending in `/` is its `index.html`, and anything else —
/// including every address outside `prefix` and a folder without its slash — is
/// 404 with the site's `404.html`.
struct StaticHost {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl StaticHost {
    fn start(root: &Path, prefix: &'static str) -> StaticHost {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the local address");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let root = root.to_path_buf();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &root, prefix);
                }
            }
        });
        StaticHost { addr, stop }
    }

    /// `GET path`: the status and the body.
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(self.addr).expect("connect to the test host");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a read timeout");
        write!(
            stream,
            "GET {} HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n",
            percent_encode(path)
        )
        .expect("send the request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the response");
        let head_end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response");
        let head = String::from_utf8_lossy(&raw[..head_end]);
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status code");
        (status, raw[head_end + 4..].to_vec())
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn answer(stream: TcpStream, root: &Path, prefix: &str) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = match hosted_file(root, prefix, target) {
        Some(file) => (200, std::fs::read(file)?),
        None => (
            404,
            std::fs::read(root.join("404.html")).unwrap_or_default(),
        ),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Not Found" },
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

fn hosted_file(root: &Path, prefix: &str, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let inside = percent_decode(path.strip_prefix(prefix)?)?;
    let mut file = root.to_path_buf();
    for segment in inside.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            segment => file.push(segment),
        }
    }
    if inside.is_empty() || inside.ends_with('/') {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// What the crawl fetched: every URL path with its status, and for pages, the HTML.
struct Crawl {
    pages: BTreeMap<String, Fetched>,
}

struct Fetched {
    html: Option<String>,
}

/// One internal link found on a page, resolved to a path on the host.
struct Link {
    from: String,
    written: String,
    path: String,
    fragment: Option<String>,
}

/// Follows every internal `href` and `src` from `start`, checking that each
/// answers 200, stays under `prefix`, and that each `#fragment` is an id there.
fn crawl(host: &StaticHost, start: &str, problems: &mut Vec<String>) -> Crawl {
    let mut queue = VecDeque::from([start.to_string()]);
    let mut pages: BTreeMap<String, Fetched> = BTreeMap::new();
    let mut statuses: BTreeMap<String, u16> = BTreeMap::new();
    let mut links: Vec<Link> = Vec::new();
    while let Some(path) = queue.pop_front() {
        if pages.contains_key(&path) {
            continue;
        }
        let (status, body) = host.get(&path);
        statuses.insert(path.clone(), status);
        let is_html = path.ends_with('/') || path.ends_with(".html");
        let html = (status == 200 && is_html).then(|| String::from_utf8_lossy(&body).into_owned());
        if let Some(html) = &html {
            for written in links_of(html) {
                if is_external(&written) {
                    continue;
                }
                let (target, fragment) = match written.split_once('#') {
                    Some((target, fragment)) => (target, Some(fragment.to_string())),
                    None => (written.as_str(), None),
                };
                let target = target.split('?').next().unwrap_or_default();
                let resolved = resolve(&path, target);
                if !resolved.starts_with(start) {
                    problems.push(format!(
                        "{path}: `{written}` leads to {resolved}, outside {start}"
                    ));
                    continue;
                }
                if !pages.contains_key(&resolved) {
                    queue.push_back(resolved.clone());
                }
                links.push(Link {
                    from: path.clone(),
                    written,
                    path: resolved,
                    fragment,
                });
            }
        }
        pages.insert(path, Fetched { html });
    }
    for link in &links {
        let status = statuses.get(&link.path).copied().unwrap_or(0);
        if status != 200 {
            problems.push(format!(
                "{}: `{}` → GET {} answers {status}",
                link.from, link.written, link.path
            ));
            continue;
        }
        let Some(fragment) = link.fragment.as_deref().filter(|f| !f.is_empty()) else {
            continue;
        };
        let fragment = percent_decode(fragment).unwrap_or_else(|| fragment.to_string());
        match pages.get(&link.path).and_then(|p| p.html.as_deref()) {
            Some(html) => {
                let has_id = attribute_values(html, "id")
                    .into_iter()
                    .any(|id| decode_entities(id) == fragment);
                if !has_id {
                    problems.push(format!(
                        "{}: `{}` → {} has no id=\"{fragment}\"",
                        link.from, link.written, link.path
                    ));
                }
            }
            None => problems.push(format!(
                "{}: `{}` has a fragment, but {} is not a page",
                link.from, link.written, link.path
            )),
        }
    }
    assert!(
        pages.len() > 10,
        "the crawl found only {:?}",
        pages.keys().collect::<Vec<_>>()
    );
    Crawl { pages }
}

/// Every `href` and `src` value of a page, with HTML entities decoded.
fn links_of(html: &str) -> Vec<String> {
    // Every width in a srcset, the share image and the crops in JSON-LD are
    // fetched too, by browsers and crawlers.
    let srcset = attribute_values(html, "srcset")
        .into_iter()
        .flat_map(|set| {
            set.split(", ")
                .filter_map(|candidate| candidate.split_whitespace().next())
                .collect::<Vec<_>>()
        });
    let shared = attribute_values(html, "content")
        .into_iter()
        .filter(|c| c.starts_with("https://example.org/") && !c.ends_with('/'));
    let mut links: Vec<String> = attribute_values(html, "href")
        .into_iter()
        .chain(attribute_values(html, "src"))
        .chain(srcset)
        .chain(shared)
        .map(decode_entities)
        .collect();
    for script in html.split("<script type=\"application/ld+json\">").skip(1) {
        let json = &script[..script.find("</script>").unwrap_or(0)];
        if let Ok(data) = serde_json::from_str::<serde_json::Value>(json) {
            match &data["image"] {
                serde_json::Value::String(url) => links.push(url.clone()),
                serde_json::Value::Array(urls) => {
                    links.extend(urls.iter().filter_map(|u| u.as_str().map(String::from)))
                }
                _ => {}
            }
        }
    }
    // Addresses on the site's own base URL are followed like site paths.
    links
        .into_iter()
        .map(|link| match link.strip_prefix("https://example.org") {
            Some(path) if link.starts_with(BASE_URL) && !link.ends_with('/') => path.to_string(),
            _ => link,
        })
        .collect()
}

fn is_external(link: &str) -> bool {
    link.starts_with("//")
        || link.starts_with("http://")
        || link.starts_with("https://")
        || link.starts_with("mailto:")
        || link.starts_with("tel:")
        || link.starts_with("data:")
}

fn strip_fragment(link: &str) -> &str {
    link.split('#').next().unwrap_or(link)
}

/// Resolves `link` (no fragment) against the page at `page` (a URL path), as a
/// browser does: `` is the page, `/x` is from the host's root, `x` and `../x` are
/// from the page's folder.
fn resolve(page: &str, link: &str) -> String {
    if link.is_empty() {
        return page.to_string();
    }
    let joined = if link.starts_with('/') {
        link.to_string()
    } else {
        let folder = &page[..=page.rfind('/').unwrap_or(0)];
        format!("{folder}{link}")
    };
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = joined.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    parts.push("");
                }
            }
            ".." => {
                parts.pop();
                if last {
                    parts.push("");
                }
            }
            segment => parts.push(segment),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The value of `attr` on the first tag that starts with `marker`.
fn tag_attribute(html: &str, marker: &str, attr: &str) -> Option<String> {
    let start = html.find(marker)?;
    let end = start + html[start..].find('>')?;
    attribute_values(&html[start..=end], attr)
        .first()
        .map(|v| decode_entities(v))
}

/// The text of every `<name>…</name>` element in XML written by forklar.
fn element_texts(xml: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        rest = &rest[at + open.len()..];
        let Some(end) = rest.find(&close) else { break };
        out.push(decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes what may not appear raw in a request line.
fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_graphic() {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A W3C datetime (https://www.w3.org/TR/NOTE-datetime) as sitemaps use it:
/// `YYYY-MM-DD`, or that with `Thh:mm`, `Thh:mm:ss` or `Thh:mm:ss.s` and a time
/// zone (`Z` or `±hh:mm`).
fn is_w3c_datetime(text: &str) -> bool {
    fn number(s: &str, len: usize, range: std::ops::RangeInclusive<u32>) -> bool {
        s.len() == len
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse().is_ok_and(|n| range.contains(&n))
    }
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let date: Vec<&str> = date.split('-').collect();
    let date_ok = date.len() == 3
        && number(date[0], 4, 0..=9999)
        && number(date[1], 2, 1..=12)
        && number(date[2], 2, 1..=31);
    let Some(time) = time else { return date_ok };
    let (clock, zone) = match time.strip_suffix('Z') {
        Some(clock) => (clock, None),
        None => match time.rfind(['+', '-']) {
            Some(at) => (&time[..at], Some(&time[at + 1..])),
            None => return false,
        },
    };
    let zone_ok = zone.is_none_or(|zone| {
        zone.split_once(':')
            .is_some_and(|(h, m)| number(h, 2, 0..=14) && number(m, 2, 0..=59))
    });
    let (clock, fraction) = match clock.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (clock, None),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let clock_ok = match fields.as_slice() {
        [h, m] => fraction.is_none() && number(h, 2, 0..=23) && number(m, 2, 0..=59),
        [h, m, s] => number(h, 2, 0..=23) && number(m, 2, 0..=59) && number(s, 2, 0..=60),
        _ => false,
    };
    let fraction_ok =
        fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    date_ok && zone_ok && clock_ok && fraction_ok
}

#[test]
fn the_w3c_datetime_check_can_fail() {
    for good in [
        "2022-01-07",
        "2022-01-07T09:30:00+01:00",
        "2022-01-07T09:00:00Z",
        "2022-01-07T09:00Z",
        "2022-01-07T09:00:00.25-05:00",
    ] {
        assert!(is_w3c_datetime(good), "{good}");
    }
    for bad in [
        "2022-1-07",
        "2022-01-07T09:00:00",
        "2022-13-07T09:00:00Z",
        "2022-01-07 09:00:00Z",
        "2022-01-07T9:00:00Z",
        "2022-01-07T09:00:00+0100",
        "7. januar 2022",
    ] {
        assert!(!is_w3c_datetime(bad), "{bad}");
    }
}

#[test]
fn the_crawler_resolves_urls_like_a_browser() {
    assert_eq!(
        resolve("/forklaring/tredje/", "../annen/"),
        "/forklaring/annen/"
    );
    assert_eq!(resolve("/forklaring/tredje/", ""), "/forklaring/tredje/");
    assert_eq!(
        resolve("/forklaring/tredje/", "bilde.png"),
        "/forklaring/tredje/bilde.png"
    );
    assert_eq!(resolve("/forklaring/a/b.html", "./"), "/forklaring/a/");
    assert_eq!(resolve("/forklaring/a/", "../../x"), "/x");
    assert_eq!(
        resolve("/forklaring/", "/bilder/kart.png"),
        "/bilder/kart.png"
    );
    assert_eq!(resolve("/forklaring/", ".."), "/");
}

// ---------------------------------------------------------------------------
// Python tools

/// Whether `python3` can import `module`; if not, a SKIPPED notice on the real
/// stderr, or a failure when FORKLAR_REQUIRE_TOOLS=1.
fn python_module(check: &str, module: &str, install: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let message = format!("{check}: {module} not installed ({install})");
        assert!(
            !require_tools(),
            "{message}; FORKLAR_REQUIRE_TOOLS=1 makes this a failure"
        );
        let _ = writeln!(io::stderr(), "SKIPPED {message}");
    }
    ok
}

/// Runs a Python script with `file` as its argument and parses what it prints.
fn python_json(script: &str, file: &Path) -> Value {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "python3 failed on {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "python3 printed no JSON ({err}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn str_of(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

// ---------------------------------------------------------------------------
// check --external, against a server on this machine

/// Answers `/ok` with 200, `/gone` with 404, `/no-head` with 405 to HEAD and
/// 200 to GET, and `/slow` only after three seconds.
fn start_external_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut parts = request.split_whitespace();
                let method = parts.next().unwrap_or_default();
                let path = parts.next().unwrap_or_default();
                let status = match (method, path) {
                    (_, "/ok") => "200 OK",
                    ("HEAD", "/no-head") => "405 Method Not Allowed",
                    ("GET", "/no-head") => "200 OK",
                    (_, "/slow") => {
                        thread::sleep(Duration::from_secs(3));
                        "200 OK"
                    }
                    _ => "404 Not Found",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    addr
}

fn external_site(addr: SocketAddr, paths: &[&str]) -> TestSite {
    let links: String = paths
        .iter()
        .map(|p| format!("Se [lenke {p}](http://{addr}{p}).\n\n"))
        .collect();
    TestSite::new("title = \"T\"\nbase_url = \"https://example.org/\"\n").with(
        "content/sak.md",
        format!("+++\ntitle = \"Sak\"\ndate = 2022-01-06\n+++\n\n{links}"),
    )
}

#[test]
fn check_external_reports_dead_and_slow_links_at_their_lines() {
    let addr = start_external_server();
    let site = external_site(addr, &["/ok", "/gone", "/no-head", "/slow"]);
    let run = check(&site, &["--external", "--timeout", "1"]);
    run.assert_failure();
    run.assert_stderr_contains(&format!("`http://{addr}/gone` answers 404"));
    run.assert_stderr_contains(&format!("`http://{addr}/slow` did not answer in time"));
    run.assert_stderr_contains("--> content/sak.md:");
    assert!(
        !run.stderr.contains("/ok`"),
        "a good link was reported:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("/no-head`"),
        "a link that refuses HEAD but answers GET was reported:\n{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("error: broken link").count(),
        2,
        "{}",
        run.stderr
    );
}

#[test]
fn check_external_passes_live_links_and_says_how_many_it_checked() {
    let addr = start_external_server();
    let site = external_site(addr, &["/ok", "/no-head"]);
    let run = check(&site, &["--external"]);
    run.assert_success();
    assert!(
        run.stdout
            .contains(" on this site, 2 on other sites): no problems found"),
        "{}",
        run.stdout
    );
    // Without --external, nothing on the network is asked, and the summary says so.
    let offline = check(&external_site(addr, &["/gone"]), &[]);
    offline.assert_success();
    assert!(
        offline
            .stdout
            .contains("; 1 address on other sites not checked (--external checks them)"),
        "{}",
        offline.stdout
    );
}

/// With the network working, a 404 and a host that does not resolve are each a
/// broken link, a 200 is not, and the summary counts every address asked.
#[test]
fn check_external_counts_the_addresses_and_reports_each_dead_one() {
    let addr = start_external_server();
    let site = external_site(addr, &["/ok", "/gone"]).with(
        "content/annen.md",
        "+++\ntitle = \"Annen\"\ndate = 2022-01-07\n+++\n\nSe [nettstedet](https://ingen-slik-vert.invalid/side).\n",
    );
    let run = check(&site, &["--external", "--timeout", "5"]);
    run.assert_failure();
    run.assert_stderr_contains(&format!("`http://{addr}/gone` answers 404"));
    run.assert_stderr_contains("`https://ingen-slik-vert.invalid/side` could not be reached");
    assert!(
        !run.stderr.contains("/ok`"),
        "a good link was reported:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("network is unreachable"),
        "{}",
        run.stderr
    );
    let summary = run
        .stderr
        .lines()
        .find(|l| l.starts_with("Checked "))
        .unwrap_or_else(|| panic!("no summary:\n{}", run.stderr));
    assert!(
        summary.contains(" on this site, 3 on other sites): 2 errors found"),
        "{summary}"
    );
    assert!(
        !run.stderr.contains("nothing was changed"),
        "{}",
        run.stderr
    );
}

/// No network (here: every host under `.invalid`, which never resolves) is one
/// line saying how many addresses were not checked, not every link broken.
#[test]
fn check_external_without_network_says_so_in_one_line() {
    let links = [
        "https://forste.invalid/a",
        "https://andre.invalid/b",
        "http://tredje.invalid/",
    ];
    let body: String = links
        .iter()
        .map(|l| format!("Se [lenke]({l}).\n\n"))
        .collect();
    let site = TestSite::new("title = \"T\"\nbase_url = \"https://example.org/\"\n").with(
        "content/sak.md",
        format!("+++\ntitle = \"Sak\"\ndate = 2022-01-06\n+++\n\n{body}"),
    );
    let run = check(&site, &["--external", "--timeout", "5"]);
    run.assert_failure();
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "The network is unreachable: no host could be looked up or connected to, so 3 addresses on other sites were not checked; connect and run `forklar check --external` again."
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("; 3 addresses on other sites not checked (no network)"),
        "{}",
        run.stdout
    );
    // One address: singular.
    let one = TestSite::new("title = \"T\"\nbase_url = \"https://example.org/\"\n").with(
        "content/sak.md",
        "+++\ntitle = \"Sak\"\ndate = 2022-01-06\n+++\n\nSe [lenke](https://eneste.invalid/).\n",
    );
    let run = check(&one, &["--external", "--timeout", "5"]);
    run.assert_failure();
    run.assert_stderr_contains("so 1 address on other sites was not checked");
    assert!(
        run.stdout
            .contains("; 1 address on other sites not checked (no network)"),
        "{}",
        run.stdout
    );
}
