//! The ways in: the front page's teasers (topic label, «Oppdatert», lead
//! image), the same teaser on tag and background pages, the indexes of topics
//! and timelines, a tag page leading to its background entry, the favicon and
//! theme colour, and a 404 page that offers the latest explainers.

use crate::common::{TestSite, assert_contains, assert_lacks, position};

const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn for nyhetene"
base_url = "https://example.org/"
language = "nb"
authors = ["Redaksjonen"]
"#;

/// The moment the fixture is built at: after every article but the scheduled one.
const NOW: &str = "2022-01-20T12:00:00+01:00";

const CSTO: &str = r#"+++
title = "CSTO"
aliases = ["ODKB", "Organisasjonen for kollektiv sikkerhet"]
summary = "En militærallianse ledet av Russland."
+++

Alliansen ble grunnlagt i 2002.
"#;

const TIMELINE: &str = r#"title = "Uroen i Kasakhstan"

[[events]]
date = "2022-01-02"
title = "Protestene begynner"

[[events]]
date = "2022-01-06"
title = "CSTO sender soldater"
"#;

/// The article with everything a teaser shows: a kicker, an update and an image.
const URO: &str = r#"+++
title = "Dette har skjedd i Kasakhstan"
date = 2022-01-06T19:00:00+01:00
updated = 2022-01-07T10:00:00+01:00
lead = "Prisen på gass ble doblet."
kicker = "Uroen i Kasakhstan"
tags = ["odkb", "Kasakhstan"]
background = ["csto"]
timeline_file = "uro"

[image]
src = "/bilder/kart.png"
alt = "Kart over Kasakhstan"
credit = "Kart: Forklart"
+++

CSTO sendte soldater.
"#;

/// Newer, with no kicker: its first tag labels it.
const CSTO_UT: &str = r#"+++
title = "CSTO trekker seg ut"
date = 2022-01-13T12:00:00+01:00
lead = "Styrkene reiser hjem."
tags = ["CSTO", "Russland"]
background = ["csto"]
timeline_file = "uro"
+++

Soldatene reiser.
"#;

/// An article with its own timeline, which the index of timelines leaves out.
const EGEN: &str = r#"+++
title = "Gassprisen"
date = 2022-01-03
tags = ["Kasakhstan"]

[[timeline]]
date = "2022-01-01"
title = "Egen hendelse i artikkelen"
+++

Tekst.
"#;

fn plain(title: &str, date: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\n\nTekst.\n")
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 5) as u8, ((x + y) * 2) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("a PNG");
    bytes.into_inner()
}

/// Six published articles (newest first: CSTO trekker seg ut, Dette har skjedd,
/// Gassprisen, Eldre 3, Eldre 2, Eldst), a draft and one scheduled after `NOW`.
fn site() -> TestSite {
    TestSite::new(SITE_TOML)
        .with("content/background/csto.md", CSTO)
        .with("content/timelines/uro.toml", TIMELINE)
        .with("content/uro.md", URO)
        .with("content/csto-ut.md", CSTO_UT)
        .with("content/gassprisen.md", EGEN)
        .with("content/eldre-3.md", plain("Eldre 3", "2021-12-30"))
        .with("content/eldre-2.md", plain("Eldre 2", "2021-12-20"))
        .with("content/eldst.md", plain("Eldst", "2021-12-01"))
        .with(
            "content/utkast.md",
            "+++\ntitle = \"Utkastet\"\ndate = 2022-01-15\ndraft = true\n+++\nIkke ferdig.\n",
        )
        .with(
            "content/planlagt.md",
            "+++\ntitle = \"Den planlagte\"\ndate = 2022-02-01T10:00:00+01:00\n+++\nSenere.\n",
        )
        .with("static/bilder/kart.png", png(320, 200))
}

fn built() -> TestSite {
    let site = site();
    site.build_ok(&["--now", NOW]);
    site
}

/// The teaser of the article titled `title` on a page.
fn teaser<'a>(html: &'a str, title: &str, page: &str) -> &'a str {
    html.split("<article class=\"teaser")
        .skip(1)
        .find(|t| t.contains(&format!(">{title}</a>")))
        .and_then(|t| t.split("</article>").next())
        .unwrap_or_else(|| panic!("{page} has no teaser for «{title}»:\n{html}"))
}

#[test]
fn front_page_teasers_have_a_topic_label_the_update_and_the_lead_image() {
    let site = built();
    let front = site.public("index.html");
    let uro = teaser(&front, "Dette har skjedd i Kasakhstan", "the front page");
    assert_contains(
        uro,
        "<h3 class=\"teaser-title\"><a href=\"/uro/\">Dette har skjedd i Kasakhstan</a></h3>",
        "the headline",
    );
    assert_contains(
        uro,
        "<p class=\"teaser-kicker\">Uroen i Kasakhstan</p>",
        "the kicker as the topic label",
    );
    assert_contains(
        uro,
        "Oppdatert <time datetime=\"2022-01-07T10:00:00+01:00\">7.\u{a0}januar</time>",
        "«Oppdatert 7. januar», without the year of publishing",
    );
    assert_contains(uro, "<picture>", "the lead image, responsive");
    assert_contains(uro, "alt=\"Kart over Kasakhstan\"", "the image's alt text");
    assert_contains(uro, "loading=\"lazy\"", "a teaser's image loads lazily");
    assert_contains(uro, "width=\"", "the image's width, against layout shift");
    assert_contains(uro, "height=\"", "the image's height");
    assert_contains(
        uro,
        "sizes=\"(min-width: 40rem) 12rem, 100vw\"",
        "a thumbnail's sizes, so phones and desktops fetch a small file",
    );

    let ut = teaser(&front, "CSTO trekker seg ut", "the front page");
    assert_contains(
        ut,
        "<p class=\"teaser-kicker\">CSTO</p>",
        "without a kicker, the first tag labels the teaser",
    );
    assert_lacks(ut, "<picture", "no image where the article has none");
    assert_lacks(ut, "Oppdatert", "no «Oppdatert» where it was never updated");
    assert!(
        position(&front, "CSTO trekker seg ut", "index")
            < position(&front, "Dette har skjedd", "index"),
        "newest first"
    );
    let eldst = teaser(&front, "Eldst", "the front page");
    assert_lacks(eldst, "teaser-kicker", "no label without kicker or tags");

    // Tag pages and a background entry's «Brukt i» list show the same teaser.
    let tag = site.public("emne/kasakhstan/index.html");
    let on_tag = teaser(&tag, "Dette har skjedd i Kasakhstan", "the tag page");
    assert_contains(
        on_tag,
        "<h2 class=\"teaser-title\">",
        "a tag page's teasers are h2",
    );
    assert_contains(on_tag, "teaser-kicker\">Uroen i Kasakhstan<", "the label");
    assert_contains(on_tag, "<picture>", "the image");
    let entry = site.public("bakgrunn/csto/index.html");
    let used_in = &entry[position(&entry, "id=\"part-used-in\"", "entry")..];
    let on_entry = teaser(used_in, "CSTO trekker seg ut", "the entry's list");
    assert_contains(
        on_entry,
        "<h3 class=\"teaser-title\">",
        "under «Brukt i», h3",
    );
    assert_contains(on_entry, "teaser-kicker\">CSTO<", "the label");
    assert_contains(
        teaser(used_in, "Dette har skjedd i Kasakhstan", "the entry's list"),
        "Oppdatert",
        "«Oppdatert» on the entry's list too",
    );
}

#[test]
fn the_index_of_topics_counts_each_tag_and_is_in_the_sitemap() {
    let site = built();
    let topics = site.public("emne/index.html");
    assert_contains(
        &topics,
        "<title>Emner – Forklart</title>",
        "a title of its own",
    );
    assert_contains(
        &topics,
        "<link rel=\"canonical\" href=\"https://example.org/emne/\">",
        "canonical",
    );
    assert_contains(
        &topics,
        "<meta property=\"og:url\" content=\"https://example.org/emne/\">",
        "og:url",
    );
    assert_contains(
        &topics,
        "<meta name=\"description\" content=\"Alle emnene",
        "description",
    );
    for (slug, name, count) in [
        ("kasakhstan", "Kasakhstan", "2 artikler"),
        ("csto", "CSTO", "1 artikkel"),
        ("odkb", "odkb", "1 artikkel"),
        ("russland", "Russland", "1 artikkel"),
    ] {
        assert_contains(
            &topics,
            &format!("<a href=\"/emne/{slug}/\">{name}</a> <span class=\"count\">{count}</span>"),
            "each topic with its number of articles",
        );
    }
    // Alphabetical, whatever the letter case.
    assert!(position(&topics, ">CSTO<", "emne") < position(&topics, ">Kasakhstan<", "emne"));
    assert!(position(&topics, ">Kasakhstan<", "emne") < position(&topics, ">odkb<", "emne"));
    assert_lacks(&topics, "Utkastet", "a draft's tags are not topics");

    let sitemap = site.public("sitemap.xml");
    assert_contains(&sitemap, "<loc>https://example.org/emne/</loc>", "sitemap");
    assert_contains(
        &sitemap,
        "<loc>https://example.org/tidslinje/</loc>",
        "sitemap",
    );
    let front = site.public("index.html");
    assert_contains(
        &front,
        "<a href=\"/emne/\">Emner</a>",
        "the menu links the topics",
    );
    assert_contains(
        &front,
        "<a href=\"/tidslinje/\">Tidslinjer</a>",
        "and the timelines",
    );
}

#[test]
fn the_index_of_timelines_lists_every_shared_timeline() {
    let site = built();
    let timelines = site.public("tidslinje/index.html");
    assert_contains(&timelines, "<title>Tidslinjer – Forklart</title>", "title");
    assert_contains(
        &timelines,
        "<link rel=\"canonical\" href=\"https://example.org/tidslinje/\">",
        "canonical",
    );
    assert_contains(
        &timelines,
        "<a href=\"/tidslinje/uro/\">Uroen i Kasakhstan</a> <span class=\"count\">2 hendelser</span>",
        "the shared timeline, with its number of events",
    );
    assert_lacks(
        &timelines,
        "/tidslinje/gassprisen/",
        "an article's own timeline is not a shared one",
    );
    assert!(site.has_public("tidslinje/gassprisen/index.html"));
}

#[test]
fn english_sites_index_topics_and_timelines_in_english() {
    let site = site();
    site.write(
        "site.toml",
        SITE_TOML.replace("language = \"nb\"", "language = \"en\""),
    );
    site.build_ok(&["--now", NOW]);
    let topics = site.public("tags/index.html");
    assert_contains(&topics, "<h1>Topics</h1>", "English heading");
    assert_contains(
        &topics,
        "<a href=\"/tags/kasakhstan/\">Kasakhstan</a> <span class=\"count\">2 articles</span>",
        "English count",
    );
    assert_contains(&topics, "1 article<", "singular");
    let timelines = site.public("timeline/index.html");
    assert_contains(&timelines, "<h1>Timelines</h1>", "English heading");
    assert_contains(&timelines, "2 events", "English count");
    let sitemap = site.public("sitemap.xml");
    assert_contains(&sitemap, "<loc>https://example.org/tags/</loc>", "sitemap");
    assert_contains(
        &sitemap,
        "<loc>https://example.org/timeline/</loc>",
        "sitemap",
    );
}

#[test]
fn a_tag_page_leads_to_the_background_entry_on_its_topic() {
    let site = built();
    // «odkb» is an alias of the CSTO entry, in another letter case.
    for slug in ["odkb", "csto"] {
        let tag = site.public(&format!("emne/{slug}/index.html"));
        let link = position(
            &tag,
            "<h2 id=\"tag-entry-title\"><a href=\"/bakgrunn/csto/\">CSTO</a></h2>",
            "the tag page",
        );
        assert!(
            link < position(&tag, "class=\"teaser", "the tag page"),
            "the entry comes before the articles"
        );
        assert_contains(&tag, "En militærallianse ledet av Russland.", "its summary");
    }
    let other = site.public("emne/kasakhstan/index.html");
    assert_lacks(&other, "tag-entry", "no entry on the topic, no box");
}

#[test]
fn the_theme_brings_a_favicon_a_touch_icon_and_theme_colours() {
    let site = built();
    let svg = site.public("favicon.svg");
    assert!(svg.starts_with("<svg"), "an SVG favicon: {svg}");
    let png = std::fs::read(site.public_dir().join("apple-touch-icon.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (180, 180), "a 180 px touch icon");
    for page in [
        "index.html",
        "404.html",
        "uro/index.html",
        "emne/index.html",
    ] {
        let html = site.public(page);
        assert_contains(
            &html,
            "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">",
            page,
        );
        assert_contains(
            &html,
            "<link rel=\"apple-touch-icon\" href=\"/apple-touch-icon.png\">",
            page,
        );
        assert_contains(
            &html,
            "<meta name=\"theme-color\" content=\"#fdfcfa\" media=\"(prefers-color-scheme: light)\">",
            page,
        );
        assert_contains(
            &html,
            "<meta name=\"theme-color\" content=\"#161514\" media=\"(prefers-color-scheme: dark)\">",
            page,
        );
    }
}

#[test]
fn a_favicon_in_static_replaces_the_themes() {
    let own = "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>egen</title></svg>";
    let site = site().with("static/favicon.svg", own);
    site.build_ok(&["--now", NOW]);
    assert_eq!(site.public("favicon.svg"), own, "the site's own favicon");
    assert!(
        site.has_public("apple-touch-icon.png"),
        "the theme's touch icon stays while the site has none"
    );
    let touch = png(180, 180);
    site.write("static/apple-touch-icon.png", &touch);
    site.remove("static/favicon.svg");
    site.build_ok(&["--now", NOW]);
    assert_eq!(
        std::fs::read(site.public_dir().join("apple-touch-icon.png")).unwrap(),
        touch,
        "the site's own touch icon"
    );
    assert!(
        site.public("favicon.svg").starts_with("<svg"),
        "the theme's is back"
    );
    assert_ne!(site.public("favicon.svg"), own);
}

#[test]
fn the_404_page_offers_the_five_latest_explainers_newest_first() {
    let site = built();
    let page = site.public("404.html");
    assert_contains(&page, "<h1>Fant ikke siden</h1>", "404");
    let latest = [
        "CSTO trekker seg ut",
        "Dette har skjedd i Kasakhstan",
        "Gassprisen",
        "Eldre 3",
        "Eldre 2",
    ];
    let mut last = 0;
    for title in latest {
        let at = position(&page, &format!(">{title}</a></h3>"), "404.html");
        assert!(at > last, "«{title}» in order, newest first");
        last = at;
    }
    assert_contains(
        teaser(&page, "Dette har skjedd i Kasakhstan", "404"),
        "teaser-kicker\">Uroen i Kasakhstan<",
        "the same teaser as the front page",
    );
    assert_lacks(&page, ">Eldst<", "five, no more");
    assert_lacks(&page, "Utkastet", "never a draft");
    assert_lacks(
        &page,
        "Den planlagte",
        "never an article scheduled for later",
    );

    // Once its time has come, the scheduled article leads the list.
    site.build_ok(&["--now", "2022-02-02T12:00:00+01:00"]);
    let page = site.public("404.html");
    assert!(
        position(&page, ">Den planlagte</a>", "404")
            < position(&page, ">CSTO trekker seg ut</a>", "404")
    );
    assert_lacks(&page, ">Eldre 2<", "still five");
}

const CSTO_WITH_QUESTIONS: &str = r#"+++
title = "CSTO"
aliases = ["ODKB"]
summary = "En militærallianse ledet av Russland."

[[questions]]
question = "Hvem er med i CSTO?"
answer = """Seks land, blant dem *Russland*.

Les mer i [avtalen](https://example.org/avtale)."""
+++

Alliansen ble grunnlagt i 2002.
"#;

#[test]
fn a_background_entry_has_questions_and_answers() {
    let site = site().with("content/background/csto.md", CSTO_WITH_QUESTIONS);
    site.build_ok(&["--now", NOW]);
    let entry = site.public("bakgrunn/csto/index.html");
    let heading = position(
        &entry,
        "<h2 id=\"part-questions\">Spørsmål og svar</h2>",
        "the entry",
    );
    assert!(
        position(&entry, "Alliansen ble grunnlagt", "the entry") < heading,
        "the questions follow the entry's text"
    );
    assert_contains(&entry, "<h3>Hvem er med i CSTO?</h3>", "the question");
    assert_contains(
        &entry,
        "<p>Seks land, blant dem <em>Russland</em>.</p>",
        "the answer, Markdown",
    );
    assert_contains(
        &entry,
        "<a href=\"https://example.org/avtale\">avtalen</a>",
        "links in the answer",
    );
    assert!(
        heading < position(&entry, "id=\"part-used-in\"", "the entry"),
        "before the articles using the entry"
    );
}

#[test]
fn a_question_without_an_answer_in_an_entry_is_an_error_at_its_line() {
    let broken = CSTO_WITH_QUESTIONS.replace(
        "answer = \"\"\"Seks land, blant dem *Russland*.\n\nLes mer i [avtalen](https://example.org/avtale).\"\"\"\n",
        "",
    );
    assert_ne!(broken, CSTO_WITH_QUESTIONS);
    let site = site().with("content/background/csto.md", &broken);
    let run = site.build(&["--now", NOW]);
    run.assert_failure();
    run.assert_stderr_contains("a question has no `answer`");
    run.assert_points_at(&site, "content/background/csto.md", Some(6));
    run.assert_help();
}

#[test]
fn the_background_box_names_the_newer_article_using_the_same_entry() {
    let site = built();
    let older = site.public("uro/index.html");
    let start = position(&older, "class=\"background-box\"", "the older article");
    let background = &older[start..];
    let background = &background[..background.find("</aside>").unwrap()];
    assert_contains(
        background,
        "<li>Nyere: <a href=\"/csto-ut/\">CSTO trekker seg ut</a></li>",
        "«Nyere» beside the entry, linking the newer article",
    );
    let newer = site.public("csto-ut/index.html");
    let start = position(&newer, "class=\"background-box\"", "the newer article");
    let background = &newer[start..];
    let background = &background[..background.find("</aside>").unwrap()];
    assert_lacks(background, "Nyere", "nothing newer uses the entry");
    assert_lacks(
        background,
        "Dette har skjedd",
        "an older article is not «Nyere»",
    );
}

#[test]
fn the_background_box_names_only_the_three_newest_of_many_newer_articles() {
    let site = site();
    // Five more articles on the CSTO entry, all newer than «Dette har skjedd».
    for day in 14..=18 {
        site.write(
            &format!("content/ny-{day}.md"),
            format!(
                "+++\ntitle = \"Ny sak {day}\"\ndate = 2022-01-{day}T12:00:00+01:00\n\
                 background = [\"csto\"]\n+++\n\nTekst.\n"
            ),
        );
    }
    site.build_ok(&["--now", NOW]);
    let older = site.public("uro/index.html");
    let start = position(&older, "class=\"background-box\"", "the older article");
    let background = &older[start..];
    let background = &background[..background.find("</aside>").unwrap()];
    let named: Vec<&str> = background
        .split("<li>Nyere: <a href=\"")
        .skip(1)
        .map(|item| item.split('"').next().unwrap())
        .collect();
    assert_eq!(
        named,
        ["/ny-16/", "/ny-17/", "/ny-18/"],
        "the three newest, oldest first, as they followed\n{background}"
    );
}
