//! What a reader gets from a good site: the front page, article pages, dates,
//! drafts, slugs, templates, static files, and the output and URL options.

use crate::common::{
    TestSite, assert_contains, assert_lacks, attribute_values, escape, first_element, position,
};
use crate::fixture::{self, *};

const KASAKHSTAN_DATE: &str =
    "<time datetime=\"2022-01-06T18:00:00+01:00\">6.\u{a0}januar 2022</time>";
/// The article's own stamps show the time of day, the year only where it changes.
const KASAKHSTAN_STAMP: &str =
    "<time datetime=\"2022-01-06T18:00:00+01:00\">6.\u{a0}januar 2022 kl.\u{a0}18.00</time>";
const KASAKHSTAN_UPDATED_STAMP: &str =
    "<time datetime=\"2022-01-07T09:30:00+01:00\">7.\u{a0}januar kl.\u{a0}09.30</time>";
const BLABAER_DATE: &str = "<time datetime=\"2021-12-24\">24.\u{a0}desember 2021</time>";

#[test]
fn front_page_lists_published_articles_newest_first_with_title_lead_and_date() {
    let site = fixture::built_site();
    let index = site.public("index.html");
    let page = "public/index.html";

    let kasakhstan = position(&index, &escape(KASAKHSTAN_TITLE), page);
    let blabaer = position(&index, &escape(BLABAER_TITLE), page);
    assert!(
        kasakhstan < blabaer,
        "the newest article (6 January 2022) should come before the older one (24 December 2021)\n{index}"
    );
    assert_contains(&index, r#"href="/kasakhstan/""#, page);
    assert_contains(&index, r#"href="/blabaer-okonomi/""#, page);
    assert_contains(&index, &escape(KASAKHSTAN_LEAD), page);
    assert_contains(&index, &escape(BLABAER_LEAD), page);
    assert_contains(&index, KASAKHSTAN_DATE, page);
    assert_contains(&index, BLABAER_DATE, page);
    // Each article's lead and date belong to it: they come after its title and
    // before the next article's title.
    let kasakhstan_lead = position(&index, &escape(KASAKHSTAN_LEAD), page);
    let kasakhstan_date = position(&index, KASAKHSTAN_DATE, page);
    assert!(kasakhstan < kasakhstan_lead && kasakhstan_lead < blabaer);
    assert!(kasakhstan < kasakhstan_date && kasakhstan_date < blabaer);
    assert!(position(&index, BLABAER_DATE, page) > blabaer);
    assert_contains(&index, r#"<html lang="nb">"#, page);
}

#[test]
fn drafts_are_left_out_of_the_site() {
    let site = fixture::built_site();
    assert!(
        !site.has_public(UTKAST_PAGE),
        "a draft must not be published without --drafts"
    );
    assert!(
        !site.has_public("utkast"),
        "a draft must not leave a folder behind"
    );
    let index = site.public("index.html");
    assert_lacks(&index, &escape(UTKAST_TITLE), "public/index.html");
    assert_lacks(&index, "/utkast/", "public/index.html");
}

#[test]
fn drafts_are_built_with_the_drafts_flag_and_listed_by_date() {
    let site = fixture::site();
    site.build_ok(&["--drafts"]);
    assert!(
        site.has_public(UTKAST_PAGE),
        "--drafts should publish the draft"
    );
    let draft = site.public(UTKAST_PAGE);
    assert_eq!(
        first_element(&draft, "h1"),
        Some(escape(UTKAST_TITLE).as_str())
    );
    let index = site.public("index.html");
    let utkast = position(&index, &escape(UTKAST_TITLE), "public/index.html");
    let kasakhstan = position(&index, &escape(KASAKHSTAN_TITLE), "public/index.html");
    assert!(
        utkast < kasakhstan,
        "the draft (1 February 2022) is the newest and should come first\n{index}"
    );

    // Building again without --drafts takes the draft away again.
    site.build_ok(&[]);
    assert!(!site.has_public(UTKAST_PAGE));
    assert_lacks(
        &site.public("index.html"),
        &escape(UTKAST_TITLE),
        "public/index.html",
    );
}

#[test]
fn article_page_has_title_lead_dates_and_language() {
    let site = fixture::built_site();
    let html = site.public(KASAKHSTAN_PAGE);
    let page = "public/kasakhstan/index.html";
    assert_eq!(
        first_element(&html, "h1"),
        Some(escape(KASAKHSTAN_TITLE).as_str()),
        "the first <h1> should be the article's title\n{html}"
    );
    assert_contains(&html, r#"<html lang="nb">"#, page);
    let h1 = position(&html, "<h1", page);
    assert!(
        html[h1..].contains(&escape(KASAKHSTAN_LEAD)),
        "the lead should be shown under the title\n{html}"
    );
    assert_contains(&html, KASAKHSTAN_STAMP, page);
    assert_contains(&html, KASAKHSTAN_UPDATED_STAMP, page);
    assert_eq!(
        html.matches("<time").count(),
        2,
        "the published and the updated date, nothing else\n{html}"
    );
    assert!(
        position(&html, KASAKHSTAN_STAMP, page) < position(&html, KASAKHSTAN_UPDATED_STAMP, page),
        "published comes before updated"
    );

    // An article without `updated` shows one date.
    let html = site.public(BLABAER_PAGE);
    assert_contains(&html, BLABAER_DATE, "public/blabaer-okonomi/index.html");
    assert_eq!(html.matches("<time").count(), 1, "{html}");
}

#[test]
fn article_body_is_rendered_with_heading_ids_table_footnote_strikethrough_and_smart_punctuation() {
    let site = fixture::built_site();
    let html = site.public(KASAKHSTAN_PAGE);
    let page = "public/kasakhstan/index.html";

    assert_contains(&html, r#"<h2 id="hvorfor-na">Hvorfor nå?</h2>"#, page);
    assert_contains(
        &html,
        r#"<h2 id="hva-skjer-videre">Hva skjer videre?</h2>"#,
        page,
    );

    let table = first_element(&html, "table")
        .unwrap_or_else(|| panic!("the Markdown table should become a <table>\n{html}"));
    for cell in [
        "<th>År</th>",
        "<th>Hendelse</th>",
        "<td>2019</td>",
        "<td>Nazarbajev går av</td>",
        "<td>Uro i hele landet</td>",
    ] {
        assert_contains(table, cell, "the table");
    }

    assert_contains(&html, "<del>samtaler</del>", page);
    // Smart punctuation: quotes the Norwegian way, an en dash for --, an ellipsis for ...
    assert_contains(&html, "«nok er nok»", page);
    assert_contains(&html, "nok» – og", page);
    assert_contains(&html, "svarte…", page);
    assert_lacks(&html, "-- og", page);
    assert_lacks(&html, "svarte...", page);

    // The footnote: a reference that links to a note on the same page, holding its text.
    let reference = html
        .find("Prisen på flytende gass ble doblet over natten<sup")
        .unwrap_or_else(|| panic!("the footnote reference should follow the text\n{html}"));
    let sup = first_element(&html[reference..], "sup").expect("a <sup>");
    let target = attribute_values(sup, "href")
        .into_iter()
        .next()
        .and_then(|href| href.strip_prefix('#'))
        .unwrap_or_else(|| panic!("the footnote reference should link to #note\n{sup}"));
    let note = position(&html, &format!(r#"id="{target}""#), page);
    let note_text = position(&html[note..], "Reuters, 2.\u{a0}januar 2022.", page);
    assert!(
        note_text < 200,
        "the note with id {target} should hold the footnote text\n{html}"
    );
    assert_lacks(&html, "[^kilde]", page);
}

#[test]
fn file_names_become_slugs_with_norwegian_letters_transliterated() {
    let site = fixture::built_site();
    assert!(
        site.has_public(BLABAER_PAGE),
        "content/blåbær-økonomi.md should be published at public/blabaer-okonomi/index.html"
    );
    assert_eq!(
        first_element(&site.public(BLABAER_PAGE), "h1"),
        Some(escape(BLABAER_TITLE).as_str())
    );
    // `slug` wins over the file name.
    assert!(site.has_public(KASAKHSTAN_PAGE));
    assert!(!site.has_public("hva-skjer-i-kasakhstan"));

    let more = TestSite::new(SITE_TOML)
        .with(
            "content/Ærlig Øl på Åsen.md",
            "+++\ntitle = \"Øl\"\ndate = 2022-01-01\n+++\nTekst.\n",
        )
        .with(
            "content/2022/mårbakken.md",
            "+++\ntitle = \"Mår\"\ndate = 2022-01-02\n+++\nTekst.\n",
        );
    more.build_ok(&[]);
    assert!(
        more.has_public("aerlig-ol-pa-asen/index.html"),
        "`Ærlig Øl på Åsen.md` should become aerlig-ol-pa-asen/"
    );
    assert!(
        more.has_public("marbakken/index.html"),
        "an article in a subfolder is published under its own slug"
    );
}

#[test]
fn english_sites_show_english_dates_and_language() {
    let site = fixture::site_with_config("title = \"Explained\"\nlanguage = \"en\"\n");
    site.build_ok(&[]);
    let html = site.public(KASAKHSTAN_PAGE);
    let page = "public/kasakhstan/index.html";
    assert_contains(&html, r#"<html lang="en">"#, page);
    assert_contains(
        &html,
        "<time datetime=\"2022-01-06T18:00:00+01:00\">6\u{a0}January 2022, 17:00</time>",
        page,
    );
    assert_contains(
        &html,
        "<time datetime=\"2022-01-07T09:30:00+01:00\">7\u{a0}January, 08:30</time>",
        page,
    );
    assert_lacks(&html, "januar 2022</time>", page);
    let index = site.public("index.html");
    assert_contains(&index, r#"<html lang="en">"#, "public/index.html");
    assert_contains(
        &index,
        "<time datetime=\"2021-12-24\">24\u{a0}December 2021</time>",
        "public/index.html",
    );
}

#[test]
fn a_site_template_replaces_the_default_article_template() {
    let site = fixture::site().with(
        "templates/article.html",
        r#"<!doctype html>
<html lang="{{ site.language }}">
<body class="egen-mal">
<h1>EGEN: {{ page.title }}</h1>
{{ page.content | safe }}
</body>
</html>
"#,
    );
    site.build_ok(&[]);
    let html = site.public(KASAKHSTAN_PAGE);
    let page = "public/kasakhstan/index.html";
    assert_contains(&html, r#"<body class="egen-mal">"#, page);
    assert_eq!(
        first_element(&html, "h1"),
        Some(format!("EGEN: {}", escape(KASAKHSTAN_TITLE)).as_str())
    );
    assert_contains(&html, r#"<h2 id="hvorfor-na">Hvorfor nå?</h2>"#, page);
    assert_lacks(&html, "<header", page);
    // The front page still uses the default template.
    assert_lacks(&site.public("index.html"), "egen-mal", "public/index.html");
}

#[test]
fn a_site_base_template_is_used_by_the_default_article_template() {
    let site = fixture::site().with("templates/base.html", fixture::marked_base_template());
    site.build_ok(&[]);
    let html = site.public(KASAKHSTAN_PAGE);
    let page = "public/kasakhstan/index.html";
    assert_contains(&html, r#"data-mal="egen-base""#, page);
    // The default article template fills the base's blocks.
    assert_eq!(
        first_element(&html, "h1"),
        Some(escape(KASAKHSTAN_TITLE).as_str())
    );
    assert_contains(&html, &escape(KASAKHSTAN_LEAD), page);
    assert_contains(&html, r#"<h2 id="hvorfor-na">Hvorfor nå?</h2>"#, page);
    assert_contains(&html, "egen-header", page);
    assert_lacks(&html, "site-header", page);
    // The front page uses it too.
    assert_contains(
        &site.public("index.html"),
        r#"data-mal="egen-base""#,
        "public/index.html",
    );
}

#[test]
fn templates_the_site_does_not_override_stay_the_default() {
    let plain = fixture::site();
    plain.build_ok(&[]);
    let overridden = fixture::site().with(
        "templates/article.html",
        "<!doctype html><html lang=\"{{ site.language }}\"><body>{{ page.title }}</body></html>\n",
    );
    overridden.build_ok(&[]);
    for file in ["index.html", "404.html"] {
        assert_eq!(
            plain.public(file),
            overridden.public(file),
            "overriding article.html must not change {file}"
        );
    }
    // An empty templates/ folder changes nothing at all.
    let empty = fixture::site();
    std::fs::create_dir(empty.root().join("templates")).unwrap();
    empty.build_ok(&[]);
    plain
        .snapshot_public()
        .assert_same_bytes(&empty.snapshot_public(), "a build with an empty templates/");
}

#[test]
fn static_files_are_copied_byte_for_byte_with_their_folders() {
    let image: Vec<u8> = b"\x89PNG\r\n\x1a\n"
        .iter()
        .copied()
        .chain((0..=255u8).cycle().take(4096))
        .collect();
    let font: Vec<u8> = (0..=255u8).rev().cycle().take(1000).collect();
    let site = fixture::site()
        .with("static/bilder/kart.png", &image)
        .with("static/fonter/inter/v4/inter.woff2", &font)
        .with("static/humans.txt", "Redaksjonen\r\nOslo\r\n")
        .with("static/filer/rapport æøå.pdf", b"%PDF-1.4\n\0\xff\xfe")
        .with("static/tom.txt", b"");
    site.build_ok(&[]);
    let public = site.public_dir();
    let read = |p: &str| {
        std::fs::read(public.join(p))
            .unwrap_or_else(|err| panic!("static/{p} should be copied to public/{p}: {err}"))
    };
    assert_eq!(read("bilder/kart.png"), image);
    assert_eq!(read("fonter/inter/v4/inter.woff2"), font);
    assert_eq!(read("humans.txt"), b"Redaksjonen\r\nOslo\r\n");
    assert_eq!(read("filer/rapport æøå.pdf"), b"%PDF-1.4\n\0\xff\xfe");
    assert_eq!(read("tom.txt"), b"");
    assert!(
        !public.join("static").exists(),
        "static/ is copied into the top of the output, not as a folder"
    );
    // The pages are still there.
    assert!(site.has_public(KASAKHSTAN_PAGE));
}

#[test]
fn static_well_known_files_are_published() {
    // Hosts and services look for /.well-known/ (security.txt, domain verification);
    // docs/writing.md says static/ is copied as it is.
    let site = fixture::site().with(
        "static/.well-known/security.txt",
        "Contact: mailto:sikkerhet@example.org\n",
    );
    site.build_ok(&[]);
    assert!(
        site.has_public(".well-known/security.txt"),
        "static/.well-known/security.txt should be published at /.well-known/security.txt"
    );
}

#[test]
fn output_flag_writes_the_site_to_another_folder() {
    let site = fixture::site();
    let out = site.outside().join("ut");
    site.build_ok(&["--output", out.to_str().unwrap()]);
    let index = std::fs::read_to_string(out.join("index.html"))
        .expect("--output DIR should get index.html");
    assert!(index.contains(&escape(KASAKHSTAN_TITLE)));
    assert!(out.join(KASAKHSTAN_PAGE).is_file());
    assert!(out.join(BLABAER_PAGE).is_file());
    assert!(
        !site.public_dir().exists(),
        "with --output, nothing should be written to public/"
    );
}

#[test]
fn a_relative_output_folder_is_taken_from_the_current_folder() {
    let site = fixture::site();
    let root = site.root().to_str().unwrap();
    site.run_in(site.outside(), &["build", "--root", root, "--output", "ut"])
        .assert_success();
    assert!(
        site.outside().join("ut/index.html").is_file(),
        "--output ut, run from a folder, should write that folder's ut/"
    );
    assert!(!site.root().join("ut").exists());
    assert!(!site.public_dir().exists());
}

#[test]
fn a_relative_root_writes_public_inside_the_site() {
    let site = fixture::site();
    let run = site.run_in(site.outside(), &["build", "--root", "site"]);
    run.assert_success();
    let doubled = site.root().join("site");
    assert!(
        !doubled.exists(),
        "`forklar build --root site` wrote the output to site/site/public/ instead of site/public/"
    );
    assert!(
        site.public_dir().join("index.html").is_file(),
        "`forklar build --root site` should write site/public/index.html"
    );
}

#[test]
fn base_url_flag_puts_every_link_under_its_path() {
    let site = fixture::site();
    site.build_ok(&["--base-url", "https://example.org/forklaring/"]);
    let index = site.public("index.html");
    let page = "public/index.html";
    assert_contains(&index, r#"href="/forklaring/kasakhstan/""#, page);
    assert_contains(&index, r#"href="/forklaring/blabaer-okonomi/""#, page);
    assert_links_start_with(&index, "/forklaring/", page);
    // Pages are still written at the top of the output folder.
    assert!(site.has_public(KASAKHSTAN_PAGE));
    let article = site.public(KASAKHSTAN_PAGE);
    assert_links_start_with(&article, "/forklaring/", "public/kasakhstan/index.html");
    assert_contains(
        &article,
        "https://example.org/forklaring/kasakhstan/",
        "public/kasakhstan/index.html",
    );

    // Without the trailing slash it means the same.
    let again = fixture::site();
    again.build_ok(&["--base-url", "https://example.org/forklaring"]);
    site.snapshot_public().assert_same_bytes(
        &again.snapshot_public(),
        "builds with and without the slash",
    );
}

#[test]
fn base_url_flag_overrides_site_toml() {
    let site = fixture::site_with_config(
        "title = \"Forklart\"\nbase_url = \"https://gammel.example.org/arkiv/\"\n",
    );
    site.build_ok(&[]);
    assert_contains(
        &site.public("index.html"),
        r#"href="/arkiv/kasakhstan/""#,
        "public/index.html (base_url from site.toml)",
    );
    site.build_ok(&["--base-url", "https://example.org/forklaring/"]);
    let index = site.public("index.html");
    assert_contains(
        &index,
        r#"href="/forklaring/kasakhstan/""#,
        "public/index.html",
    );
    assert_lacks(&index, "/arkiv/", "public/index.html");
}

/// Every site-internal `href` and `src` starts with the base path.
fn assert_links_start_with(html: &str, base: &str, page: &str) {
    for attr in ["href", "src"] {
        for value in attribute_values(html, attr) {
            let external = value.starts_with("http://")
                || value.starts_with("https://")
                || value.starts_with("mailto:")
                || value.starts_with('#');
            assert!(
                external || value.starts_with(base),
                "{page}: the link {attr}=\"{value}\" should start with {base}"
            );
        }
    }
}

#[test]
fn every_internal_link_points_to_a_published_file() {
    let site = fixture::site();
    site.build_ok(&["--base-url", "https://example.org/forklaring/"]);
    let snapshot = site.snapshot_public();
    let mut broken = Vec::new();
    for path in snapshot.files() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = site.public(path);
        let ids: Vec<&str> = attribute_values(&html, "id");
        for value in attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"))
        {
            if let Some(anchor) = value.strip_prefix('#') {
                if !ids.contains(&anchor) {
                    broken.push(format!("{path}: {value} (no element with that id)"));
                }
                continue;
            }
            let Some(local) = value.strip_prefix("/forklaring/") else {
                continue;
            };
            let local = local.split('#').next().unwrap_or("");
            let file = if local.is_empty() || local.ends_with('/') {
                format!("{local}index.html")
            } else {
                local.to_string()
            };
            if snapshot.bytes(&file).is_none() {
                broken.push(format!("{path}: {value} (public/{file} does not exist)"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links that lead nowhere:\n  {}",
        broken.join("\n  ")
    );
}

/// A large site's front page lists 50 articles a page, newest first, with links
/// between the pages; every article is on exactly one of them.
#[test]
fn the_front_page_list_is_split_into_pages_of_fifty() {
    let site = TestSite::new("title = \"T\"\nlanguage = \"nb\"\n");
    for i in 0..120 {
        // Day i+1 of 2022: article 119 is the newest.
        let date = forklar::dates::civil_from_days(18_993 + i);
        site.write(
            &format!("content/sak-{i:03}.md"),
            format!(
                "+++\ntitle = \"Sak {i:03}\"\ndate = {:04}-{:02}-{:02}\n+++\nTekst.\n",
                date.0, date.1, date.2
            ),
        );
    }
    site.build_ok(&[]);
    let pages = [
        site.public("index.html"),
        site.public("side/2/index.html"),
        site.public("side/3/index.html"),
    ];
    let counts: Vec<usize> = pages
        .iter()
        .map(|html| html.matches("class=\"teaser\"").count())
        .collect();
    assert_eq!(counts, [50, 50, 20]);
    assert_contains(&pages[0], "href=\"/sak-119/\"", "index.html");
    assert_contains(&pages[2], "href=\"/sak-000/\"", "side/3");
    for i in 0..120 {
        let link = format!("href=\"/sak-{i:03}/\"");
        assert_eq!(
            pages.iter().filter(|html| html.contains(&link)).count(),
            1,
            "{link}"
        );
    }
    assert_contains(
        &pages[0],
        "<a href=\"/side/2/\" rel=\"next\">",
        "index.html",
    );
    assert_contains(&pages[1], "<a href=\"/\" rel=\"prev\">", "side/2");
    assert_contains(
        &pages[1],
        "<li aria-current=\"page\">Side 2 av 3</li>",
        "side/2",
    );
    assert_lacks(&pages[2], "rel=\"next\"", "side/3");
    assert!(!site.public_dir().join("side/4").exists());
}
