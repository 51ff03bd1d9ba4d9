//! Tag pages and a background entry's «Brukt i» list are cut into pages of
//! 50 like the front page, so no page grows with the archive: 120 articles
//! under one tag and one entry make three pages of 50, 50 and 20, each with
//! its own address, title, heading and links to its neighbours, all in the
//! sitemap. The corrections archive is cut the same way, and its feed
//! carries the newest 50.

use crate::common::{TestSite, assert_contains, assert_lacks};

const SITE_TOML: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\n";
const ENGLISH_TOML: &str =
    "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\n";

const ENTRY: &str =
    "+++\ntitle = \"CSTO\"\nsummary = \"En militærallianse.\"\n+++\n\nOm alliansen.\n";

/// Article `i` of the fixture, on day `i + 1` of 2022: `sak-119` is the newest.
fn article(i: usize) -> String {
    let date = forklar::dates::civil_from_days(18_993 + i as i64);
    format!(
        "+++\ntitle = \"Sak {i:03}\"\ndate = {:04}-{:02}-{:02}\ntags = [\"CSTO\"]\nbackground = [\"csto\"]\n+++\nTekst.\n",
        date.0, date.1, date.2
    )
}

/// `count` articles with the tag CSTO that use the entry `csto`.
fn site(site_toml: &str, count: usize) -> TestSite {
    let site = TestSite::new(site_toml).with("content/background/csto.md", ENTRY);
    for i in 0..count {
        site.write(&format!("content/sak-{i:03}.md"), article(i));
    }
    site
}

fn teasers(html: &str) -> usize {
    html.matches("class=\"teaser\"").count()
}

/// Every article is on exactly one of `pages`, newest first.
fn assert_each_article_once(pages: &[String], count: usize) {
    for i in 0..count {
        let link = format!("href=\"/sak-{i:03}/\"");
        let on = pages.iter().filter(|html| html.contains(&link)).count();
        assert_eq!(on, 1, "{link} is on {on} pages");
    }
}

#[test]
fn a_tag_of_120_articles_has_three_pages_of_fifty_fifty_and_twenty() {
    let site = site(SITE_TOML, 120);
    site.build_ok(&[]);
    let pages = [
        site.public("emne/csto/index.html"),
        site.public("emne/csto/side/2/index.html"),
        site.public("emne/csto/side/3/index.html"),
    ];
    let counts: Vec<usize> = pages.iter().map(|html| teasers(html)).collect();
    assert_eq!(counts, [50, 50, 20]);
    assert_each_article_once(&pages, 120);
    assert_contains(&pages[0], "href=\"/sak-119/\"", "emne/csto");
    assert_contains(&pages[2], "href=\"/sak-000/\"", "emne/csto/side/3");
    assert!(!site.public_dir().join("emne/csto/side/4").exists());
    assert!(!site.public_dir().join("emne/csto/side/1").exists());

    // Links between neighbours, in both directions.
    assert_contains(
        &pages[0],
        "<a href=\"/emne/csto/side/2/\" rel=\"next\">Eldre artikler</a>",
        "emne/csto",
    );
    assert_lacks(&pages[0], "rel=\"prev\"", "emne/csto");
    assert_contains(
        &pages[1],
        "<a href=\"/emne/csto/\" rel=\"prev\">Nyere artikler</a>",
        "emne/csto/side/2",
    );
    assert_contains(
        &pages[1],
        "<a href=\"/emne/csto/side/3/\" rel=\"next\">",
        "emne/csto/side/2",
    );
    assert_contains(
        &pages[2],
        "<a href=\"/emne/csto/side/2/\" rel=\"prev\">",
        "emne/csto/side/3",
    );
    assert_lacks(&pages[2], "rel=\"next\"", "emne/csto/side/3");
    assert_contains(
        &pages[1],
        "<li aria-current=\"page\">Side 2 av 3</li>",
        "emne/csto/side/2",
    );

    // Each page its own title, heading and canonical address; the first keeps its own.
    assert_contains(
        &pages[0],
        "<title>Artikler om CSTO – T</title>",
        "emne/csto",
    );
    assert_contains(&pages[0], "<h1>Artikler om CSTO</h1>", "emne/csto");
    assert_contains(
        &pages[0],
        "<link rel=\"canonical\" href=\"https://example.org/emne/csto/\">",
        "emne/csto",
    );
    for n in [2, 3] {
        let html = &pages[n - 1];
        let page = format!("emne/csto/side/{n}");
        assert_contains(
            html,
            &format!("<title>Artikler om CSTO, side {n} – T</title>"),
            &page,
        );
        assert_contains(html, &format!("<h1>Artikler om CSTO, side {n}</h1>"), &page);
        assert_contains(
            html,
            &format!("<link rel=\"canonical\" href=\"https://example.org/emne/csto/side/{n}/\">"),
            &page,
        );
    }

    let sitemap = site.public("sitemap.xml");
    for page in ["emne/csto/", "emne/csto/side/2/", "emne/csto/side/3/"] {
        assert_contains(
            &sitemap,
            &format!("<loc>https://example.org/{page}</loc>"),
            "sitemap.xml",
        );
    }
    assert_lacks(&sitemap, "emne/csto/side/4/", "sitemap.xml");
}

#[test]
fn a_background_entry_shows_its_first_fifty_users_and_links_to_the_rest() {
    let site = site(SITE_TOML, 120);
    site.build_ok(&[]);
    let pages = [
        site.public("bakgrunn/csto/index.html"),
        site.public("bakgrunn/csto/side/2/index.html"),
        site.public("bakgrunn/csto/side/3/index.html"),
    ];
    let counts: Vec<usize> = pages.iter().map(|html| teasers(html)).collect();
    assert_eq!(counts, [50, 50, 20]);
    assert_each_article_once(&pages, 120);
    assert!(!site.public_dir().join("bakgrunn/csto/side/4").exists());

    // The entry's page is the entry first, its list after.
    assert_contains(&pages[0], "<h1 id=\"title\">CSTO</h1>", "bakgrunn/csto");
    assert_contains(&pages[0], "Om alliansen.", "bakgrunn/csto");
    assert_contains(
        &pages[0],
        "<a href=\"/bakgrunn/csto/side/2/\" rel=\"next\">Eldre artikler</a>",
        "bakgrunn/csto",
    );
    assert_contains(
        &pages[1],
        "<a href=\"/bakgrunn/csto/\" rel=\"prev\">Nyere artikler</a>",
        "bakgrunn/csto/side/2",
    );
    assert_lacks(&pages[2], "rel=\"next\"", "bakgrunn/csto/side/3");
    for n in [2, 3] {
        let html = &pages[n - 1];
        let page = format!("bakgrunn/csto/side/{n}");
        assert_contains(
            html,
            &format!("<title>CSTO: Brukt i disse artiklene, side {n} – T</title>"),
            &page,
        );
        assert_contains(
            html,
            &format!("<h1 id=\"title\">Brukt i disse artiklene, side {n}</h1>"),
            &page,
        );
        // Back to the entry itself, whose text is not repeated.
        assert_contains(html, "<a href=\"/bakgrunn/csto/\">CSTO</a>", &page);
        assert_lacks(html, "Om alliansen.", &page);
        assert_contains(
            html,
            &format!(
                "<link rel=\"canonical\" href=\"https://example.org/bakgrunn/csto/side/{n}/\">"
            ),
            &page,
        );
    }
    let sitemap = site.public("sitemap.xml");
    assert_contains(
        &sitemap,
        "<loc>https://example.org/bakgrunn/csto/side/3/</loc>",
        "sitemap.xml",
    );
    assert_lacks(&sitemap, "bakgrunn/csto/side/4/", "sitemap.xml");
}

#[test]
fn short_lists_stay_on_one_page_without_page_links() {
    let site = site(SITE_TOML, 50);
    site.build_ok(&[]);
    for page in ["emne/csto/index.html", "bakgrunn/csto/index.html"] {
        let html = site.public(page);
        assert_eq!(teasers(&html), 50, "{page}");
        assert_lacks(&html, "class=\"pagination\"", page);
    }
    assert!(!site.public_dir().join("emne/csto/side").exists());
    assert!(!site.public_dir().join("bakgrunn/csto/side").exists());
}

#[test]
fn english_sites_get_english_words_and_folders() {
    let site = site(ENGLISH_TOML, 120);
    site.build_ok(&[]);
    let second = site.public("tags/csto/page/2/index.html");
    assert_eq!(teasers(&second), 50);
    assert_contains(
        &second,
        "<title>Articles about CSTO, page 2 – T</title>",
        "tags/csto/page/2",
    );
    assert_contains(
        &second,
        "<li aria-current=\"page\">Page 2 of 3</li>",
        "tags/csto/page/2",
    );
    assert_contains(
        &second,
        "<a href=\"/tags/csto/page/3/\" rel=\"next\">Older articles</a>",
        "tags/csto/page/2",
    );
    let used_in = site.public("background/csto/page/3/index.html");
    assert_eq!(teasers(&used_in), 20);
    assert_contains(
        &used_in,
        "<h1 id=\"title\">Used in these articles, page 3</h1>",
        "background/csto/page/3",
    );
    assert!(!site.public_dir().join("tags/csto/side").exists());
}

#[test]
fn a_rebuild_after_removals_drops_the_pages_no_longer_needed() {
    let site = site(SITE_TOML, 120);
    site.build_ok(&[]);
    assert!(site.has_public("emne/csto/side/3/index.html"));
    for i in 0..30 {
        site.remove(&format!("content/sak-{i:03}.md"));
    }
    site.build_ok(&[]);
    assert_eq!(teasers(&site.public("emne/csto/side/2/index.html")), 40);
    assert!(!site.has_public("emne/csto/side/3/index.html"));
    assert!(!site.has_public("bakgrunn/csto/side/3/index.html"));
    let sitemap = site.public("sitemap.xml");
    assert_lacks(&sitemap, "emne/csto/side/3/", "sitemap.xml");
    assert_contains(
        &site.public("emne/csto/side/2/index.html"),
        "<li aria-current=\"page\">Side 2 av 2</li>",
        "emne/csto/side/2",
    );
}

#[test]
fn a_person_quoted_and_signing_in_many_articles_gets_pages_of_fifty() {
    let site = TestSite::new(SITE_TOML).with(
        "content/people/ola.md",
        "+++\nname = \"Ola Nordmann\"\nrole = \"forsker\"\n+++\n\nOla forsker på Sentral-Asia.\n",
    );
    for i in 0..60 {
        let date = forklar::dates::civil_from_days(18_993 + i as i64);
        site.write(
            &format!("content/sak-{i:03}.md"),
            format!(
                "+++\ntitle = \"Sak {i:03}\"\ndate = {:04}-{:02}-{:02}\nauthors = [\"ola\"]\n\n[[quotes]]\ntext = \"Sitat nummer {i:03}.\"\nspeaker = \"ola\"\nsource = \"NRK\"\n+++\nTekst.\n",
                date.0, date.1, date.2
            ),
        );
    }
    site.build_ok(&[]);
    let first = site.public("personer/ola/index.html");
    let second = site.public("personer/ola/side/2/index.html");
    assert!(!site.public_dir().join("personer/ola/side/3").exists());
    let quotes = |html: &str| html.matches("Sitat nummer").count();
    assert_eq!((quotes(&first), quotes(&second)), (50, 10));
    // Newest first: the newest quote on the first page, the oldest on the second.
    assert_contains(&first, "Sitat nummer 059.", "personer/ola");
    assert_contains(&second, "Sitat nummer 000.", "personer/ola/side/2");
    assert_contains(&first, "Ola forsker på Sentral-Asia.", "personer/ola");
    assert_lacks(
        &second,
        "Ola forsker på Sentral-Asia.",
        "personer/ola/side/2",
    );
    assert_contains(
        &second,
        "<h1 id=\"title\">Ola Nordmann, side 2</h1>",
        "personer/ola/side/2",
    );
    assert_contains(
        &second,
        "<title>Ola Nordmann, side 2 – T</title>",
        "personer/ola/side/2",
    );
    assert_contains(
        &first,
        "<a href=\"/personer/ola/side/2/\" rel=\"next\">",
        "personer/ola",
    );
    assert_contains(
        &second,
        "<a href=\"/personer/ola/\" rel=\"prev\">",
        "personer/ola/side/2",
    );
    assert_contains(
        &site.public("sitemap.xml"),
        "<loc>https://example.org/personer/ola/side/2/</loc>",
        "sitemap.xml",
    );
}

/// `count` corrections, number `k` on day `k` of 2022 (the newest has the
/// highest number), shared in turn between two articles.
fn corrections_site(count: usize) -> TestSite {
    let mut written = [String::new(), String::new()];
    for k in 1..=count {
        let date = forklar::dates::civil_from_days(18_992 + k as i64);
        written[k % 2] += &format!(
            "\n[[corrections]]\ndate = {:04}-{:02}-{:02}\ntext = \"Rettelse nummer {k}.\"\n",
            date.0, date.1, date.2
        );
    }
    TestSite::new(SITE_TOML)
        .with(
            "content/partall.md",
            format!(
                "+++\ntitle = \"Partall\"\ndate = 2022-01-01\n{}+++\nTekst.\n",
                written[0]
            ),
        )
        .with(
            "content/oddetall.md",
            format!(
                "+++\ntitle = \"Oddetall\"\ndate = 2021-12-31\n{}+++\nTekst.\n",
                written[1]
            ),
        )
}

/// The correction numbers a page of the archive (or its feed) shows, in order.
fn correction_numbers(html: &str) -> Vec<usize> {
    html.split("Rettelse nummer ")
        .skip(1)
        .map(|rest| {
            rest[..rest.find('.').expect("a full stop")]
                .parse()
                .expect("a number")
        })
        .collect()
}

#[test]
fn the_corrections_archive_takes_a_page_for_every_fifty_and_its_feed_the_newest_fifty() {
    let site = corrections_site(55);
    site.build_ok(&[]);
    let first = site.public("rettelser/index.html");
    let second = site.public("rettelser/side/2/index.html");
    assert_eq!(
        correction_numbers(&first),
        (6..=55).rev().collect::<Vec<_>>()
    );
    assert_eq!(
        correction_numbers(&second),
        (1..=5).rev().collect::<Vec<_>>()
    );
    assert!(!site.has_public("rettelser/side/3/index.html"));
    assert_contains(
        &first,
        r#"href="/rettelser/side/2/" rel="next""#,
        "rettelser",
    );
    assert_contains(
        &second,
        r#"href="/rettelser/" rel="prev""#,
        "rettelser/side/2",
    );
    assert_contains(&second, "Side 2 av 2", "rettelser/side/2");
    assert_contains(&second, "<h1>Rettelser, side 2</h1>", "rettelser/side/2");
    assert_contains(
        &second,
        r#"<link rel="canonical" href="https://example.org/rettelser/side/2/">"#,
        "rettelser/side/2",
    );
    // Each correction links its own article.
    for (slug, title) in [("oddetall", "Oddetall"), ("partall", "Partall")] {
        let link = format!(r##"<a href="/{slug}/#part-corrections">{title}</a>"##);
        assert_contains(&second, &link, "rettelser/side/2");
    }

    let feed = site.public("rettelser/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 50, "{feed}");
    let in_feed = correction_numbers(&feed);
    assert_eq!(
        in_feed.first(),
        Some(&55),
        "the feed starts with the newest"
    );
    assert!(!in_feed.contains(&5), "the feed carries the newest 50 only");

    // Down to 50: the second page goes at the next build.
    let fewer = corrections_site(50);
    for file in ["content/partall.md", "content/oddetall.md"] {
        site.write(file, fewer.source(file));
    }
    site.build_ok(&[]);
    assert!(!site.has_public("rettelser/side/2/index.html"));
    assert_eq!(
        correction_numbers(&site.public("rettelser/index.html")).len(),
        50
    );
    assert_lacks(
        &site.public("rettelser/index.html"),
        r#"rel="next""#,
        "rettelser",
    );
}
