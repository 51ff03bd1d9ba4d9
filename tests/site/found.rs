//! Being found and trusted: the type of work and its schema.org type, people
//! and their pages, the corrections archive, the news sitemap, and the
//! metadata every indexable page carries.

use crate::common::{TestSite, assert_contains};

const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn for nyhetene"
base_url = "https://example.org/"
language = "nb"
authors = ["Redaksjonen"]
publishing_principles = "/om/prinsipper/"
corrections_policy = "https://example.org/om/rettelser/"
logo = "logo.png"
"#;

/// An article file with the given extra front matter.
fn article(title: &str, date: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nlead = \"Ingressen til {title}.\"\n{extra}+++\n\nBrødtekst om {title}.\n"
    )
}

/// Every JSON-LD block of a page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let open = r#"<script type="application/ld+json">"#;
    html.split(open)
        .skip(1)
        .map(|rest| {
            let json = &rest[..rest.find("</script>").expect("a closed script")];
            serde_json::from_str(json).unwrap_or_else(|err| panic!("JSON-LD parses: {err}\n{json}"))
        })
        .collect()
}

/// The one JSON-LD object of the given `@type` on a page.
fn json_ld_of_type(html: &str, kind: &str) -> serde_json::Value {
    let found: Vec<_> = json_ld(html)
        .into_iter()
        .filter(|v| v["@type"] == kind)
        .collect();
    assert_eq!(found.len(), 1, "one {kind} in the page's JSON-LD");
    found.into_iter().next().unwrap()
}

#[test]
fn kind_is_shown_above_the_title_and_maps_to_its_schema_type() {
    let site = TestSite::new(SITE_TOML)
        .with("content/a.md", article("Forklaringen", "2022-01-06", ""))
        .with(
            "content/b.md",
            article("Nyheten", "2022-01-07", "kind = \"nyhet\"\n"),
        )
        .with(
            "content/c.md",
            article("Analysen", "2022-01-08", "kind = \"analyse\"\n"),
        )
        .with(
            "content/d.md",
            article("Kommentaren", "2022-01-09", "kind = \"opinion\"\n"),
        );
    site.build_ok(&[]);
    for (slug, label, schema) in [
        ("a", "Forklaring", "BackgroundNewsArticle"),
        ("b", "Nyhet", "NewsArticle"),
        ("c", "Analyse", "AnalysisNewsArticle"),
        ("d", "Kommentar", "OpinionNewsArticle"),
    ] {
        let html = site.public(&format!("{slug}/index.html"));
        let label_at = html
            .find(&format!(">{label}</p>"))
            .unwrap_or_else(|| panic!("{slug}: the label {label}"));
        assert!(
            label_at < html.find("<h1").unwrap(),
            "{slug}: the label is above the title"
        );
        let data = json_ld_of_type(&html, schema);
        assert_eq!(
            data["datePublished"].as_str().map(|d| d.len()),
            Some(10),
            "{slug}: a date stays a date"
        );
        let publisher = &data["publisher"];
        assert_eq!(publisher["@type"], "NewsMediaOrganization");
        assert_eq!(
            publisher["publishingPrinciples"],
            "https://example.org/om/prinsipper/"
        );
        assert_eq!(
            publisher["correctionsPolicy"],
            "https://example.org/om/rettelser/"
        );
        assert_eq!(publisher["logo"]["url"], "https://example.org/logo.png");
    }
}

#[test]
fn sources_become_citations() {
    let site = TestSite::new(SITE_TOML).with(
        "content/a.md",
        article(
            "Kildene",
            "2022-01-06",
            "\n[[sources]]\ntitle = \"Rapporten\"\nurl = \"https://example.com/rapport\"\npublisher = \"NUPI\"\n",
        ),
    );
    site.build_ok(&[]);
    let html = site.public("a/index.html");
    let data = json_ld_of_type(&html, "BackgroundNewsArticle");
    assert_eq!(data["citation"][0]["name"], "Rapporten");
    assert_eq!(data["citation"][0]["url"], "https://example.com/rapport");
    assert_eq!(data["citation"][0]["publisher"]["name"], "NUPI");
    assert_contains(&html, "Rapporten", "a/index.html");
}

#[test]
fn the_corrections_archive_and_its_feed_list_every_correction_newest_first() {
    let site = TestSite::new(SITE_TOML)
        .with(
            "content/a.md",
            article(
                "Gassprisen",
                "2022-01-06",
                "\n[[corrections]]\ndate = 2022-01-07\ntext = \"Prisen ble doblet, ikke tredoblet.\"\n\n[[corrections]]\ndate = 2022-01-09\ntext = \"Byen heter Zjanaozen.\"\n",
            ),
        )
        .with(
            "content/b.md",
            article(
                "Soldatene",
                "2022-01-07",
                "\n[[corrections]]\ndate = 2022-01-08\ntext = \"CSTO har seks medlemmer.\"\n",
            ),
        )
        .with("content/c.md", article("Uten feil", "2022-01-08", ""));
    site.build_ok(&[]);
    let html = site.public("rettelser/index.html");
    let order: Vec<usize> = [
        "Byen heter Zjanaozen.",
        "CSTO har seks medlemmer.",
        "Prisen ble doblet, ikke tredoblet.",
    ]
    .iter()
    .map(|text| {
        html.find(text)
            .unwrap_or_else(|| panic!("the archive shows {text}\n{html}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newest first: {order:?}"
    );
    assert_contains(
        &html,
        r##"<a href="/a/#part-corrections">Gassprisen</a>"##,
        "rettelser/index.html",
    );
    assert_contains(
        &html,
        r##"<a href="/b/#part-corrections">Soldatene</a>"##,
        "rettelser/index.html",
    );
    assert!(
        !html.contains("Uten feil"),
        "an article without corrections is not listed"
    );
    // Every page links the archive.
    assert_contains(
        &site.public("index.html"),
        r#"href="/rettelser/""#,
        "index.html",
    );

    let feed = site.public("rettelser/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 3, "{feed}");
    let first = feed.find("Zjanaozen").unwrap();
    let last = feed.find("tredoblet").unwrap();
    assert!(first < last, "the feed is newest first");
    assert_eq!(
        feed.matches("<id>").count(),
        4,
        "the feed and each entry have an id"
    );
    assert!(
        feed.contains("<id>https://example.org/b/#correction-2022-01-08-"),
        "a correction's id is its article's address with one fragment\n{feed}"
    );

    // Each article's entry in the site's feed carries its corrections.
    let atom = site.public("atom.xml");
    let entry_a = &atom[atom.find("<title>Gassprisen</title>").unwrap()..];
    let entry_a = &entry_a[..entry_a.find("</entry>").unwrap()];
    assert!(
        entry_a.contains("Byen heter Zjanaozen.") && entry_a.contains("tredoblet"),
        "{entry_a}"
    );
    assert!(
        entry_a.contains("<id>tag:example.org,2022-01-06:/a</id>"),
        "{entry_a}"
    );
}

const BLAKKISRUD: &str = r#"+++
name = "Helge Blakkisrud"
role = "seniorforsker"
organisation = "NUPI"
expertise = ["Russland", "Sentral-Asia"]
same_as = ["https://www.wikidata.org/wiki/Q1"]
+++

Forsker ved Norsk utenrikspolitisk institutt.
"#;

const KARI: &str = r#"+++
name = "Kari Nordmann"
role = "journalist"
fediverse = "@kari@mastodon.example"
same_as = ["https://www.wikidata.org/wiki/Q2"]
+++

Skriver om Sentral-Asia.
"#;

/// A quote from the person with `key`, said on `date`.
fn quote(key: &str, text: &str, date: &str) -> String {
    format!(
        "\n[[quotes]]\ntext = \"{text}\"\nspeaker = \"{key}\"\nsource = \"NRK\"\ndate = {date}\n"
    )
}

fn people_site() -> TestSite {
    TestSite::new(SITE_TOML)
        .with("content/people/blakkisrud.md", BLAKKISRUD)
        .with("content/people/kari-nordmann.md", KARI)
        .with(
            "content/a.md",
            article(
                "Første sak",
                "2022-01-03",
                &format!(
                    "authors = [\"kari-nordmann\", \"Ola Vikar\"]\n{}",
                    quote("blakkisrud", "Det eldste sitatet.", "2022-01-03")
                ),
            ),
        )
        .with(
            "content/b.md",
            article(
                "Andre sak",
                "2022-01-05",
                &quote("blakkisrud", "Det nyeste sitatet.", "2022-01-08"),
            ),
        )
        .with(
            "content/c.md",
            article(
                "Tredje sak",
                "2022-01-06",
                &format!(
                    "{}\n[[quotes]]\ntext = \"Et annet menneske.\"\nspeaker = \"Ivar Aasen\"\nsource = \"VG\"\n",
                    quote("blakkisrud", "Det midterste sitatet.", "2022-01-06")
                ),
            ),
        )
}

#[test]
fn a_persons_page_lists_their_quotes_from_every_article_newest_first() {
    let site = people_site();
    site.build_ok(&[]);
    let page = "personer/blakkisrud/index.html";
    let html = site.public(page);
    assert_contains(&html, "<h1 id=\"title\">Helge Blakkisrud</h1>", page);
    assert_contains(&html, "seniorforsker, NUPI", page);
    let order: Vec<usize> = [
        "Det nyeste sitatet.",
        "Det midterste sitatet.",
        "Det eldste sitatet.",
    ]
    .iter()
    .map(|text| {
        html.find(text)
            .unwrap_or_else(|| panic!("{page} shows {text}\n{html}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newest first: {order:?}"
    );
    for (url, title) in [
        ("/a/", "Første sak"),
        ("/b/", "Andre sak"),
        ("/c/", "Tredje sak"),
    ] {
        assert_contains(&html, &format!("<a href=\"{url}\">{title}</a>"), page);
    }
    assert!(
        !html.contains("Et annet menneske."),
        "only this person's quotes"
    );
    let person = json_ld_of_type(&html, "Person");
    assert_eq!(person["url"], "https://example.org/personer/blakkisrud/");
    assert_eq!(person["sameAs"][0], "https://www.wikidata.org/wiki/Q1");

    // The quote names the speaker from their file, linked to their page.
    let article_html = site.public("b/index.html");
    assert_contains(
        &article_html,
        r#"<a href="/personer/blakkisrud/">Helge Blakkisrud</a></span>, seniorforsker, NUPI"#,
        "b/index.html",
    );
    // A speaker written as a name stays a name.
    assert_contains(
        &site.public("c/index.html"),
        "<span class=\"speaker\">Ivar Aasen</span>",
        "c/index.html",
    );
}

#[test]
fn a_byline_with_a_persons_key_links_their_page_and_a_name_stays_text() {
    let site = people_site();
    site.build_ok(&[]);
    let html = site.public("a/index.html");
    assert_contains(
        &html,
        r#"<a href="/personer/kari-nordmann/" rel="author">Kari Nordmann</a>, Ola Vikar</span>"#,
        "a/index.html",
    );
    assert_contains(
        &html,
        r#"<meta name="fediverse:creator" content="@kari@mastodon.example">"#,
        "a/index.html",
    );
    let data = json_ld_of_type(&html, "BackgroundNewsArticle");
    assert_eq!(
        data["author"][0]["url"],
        "https://example.org/personer/kari-nordmann/"
    );
    assert_eq!(
        data["author"][0]["sameAs"][0],
        "https://www.wikidata.org/wiki/Q2"
    );
    assert_eq!(data["author"][1]["name"], "Ola Vikar");
    assert!(data["author"][1].get("url").is_none());
    // The person's page lists what they signed.
    assert_contains(
        &site.public("personer/kari-nordmann/index.html"),
        "<a href=\"/a/\">Første sak</a>",
        "personer/kari-nordmann/index.html",
    );
    // The feed names the authors as the byline does, never by their key.
    let atom = site.public("atom.xml");
    let entry = &atom[atom.find("<title>Første sak</title>").expect("the entry")..];
    let entry = &entry[..entry.find("</entry>").expect("its end")];
    assert_contains(
        entry,
        "<author><name>Kari Nordmann</name></author>\n<author><name>Ola Vikar</name></author>",
        "atom.xml",
    );
    assert!(!atom.contains("kari-nordmann</name>"), "{atom}");
}

#[test]
fn an_organisations_page_describes_it_in_the_properties_schema_org_gives_an_organisation() {
    let site = people_site().with(
        "content/people/desken.md",
        "+++\nname = \"Utenriksdesken\"\nkind = \"organisation\"\nrole = \"redaksjon\"\norganisation = \"Forklart\"\n+++\n\nSkriver om verden.\n",
    );
    site.build_ok(&[]);
    let desk = json_ld_of_type(&site.public("personer/desken/index.html"), "Organization");
    assert_eq!(desk["name"], "Utenriksdesken");
    assert_eq!(desk["description"], "redaksjon");
    assert_eq!(desk["parentOrganization"]["name"], "Forklart");
    // A person's properties, which an organisation does not have.
    assert!(desk.get("jobTitle").is_none(), "{desk}");
    assert!(desk.get("worksFor").is_none(), "{desk}");
    // A person keeps them.
    let person = json_ld_of_type(&site.public("personer/blakkisrud/index.html"), "Person");
    assert_eq!(person["jobTitle"], "seniorforsker");
    assert_eq!(person["worksFor"]["name"], "NUPI");
}

#[test]
fn an_unknown_person_key_is_an_error_at_its_line_naming_the_known_keys() {
    let site = people_site().with(
        "content/d.md",
        article(
            "Feil",
            "2022-01-07",
            &quote("blakisrud", "Skrivefeil.", "2022-01-07"),
        ),
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("unknown person `blakisrud`");
    // The front matter: +++, title, date, lead, blank, [[quotes]], text, speaker.
    run.assert_points_at(&site, "content/d.md", Some(8));
    run.assert_stderr_contains("the known people are: blakkisrud, kari-nordmann");
}

/// An element of a parsed XML document: its name, attributes and children,
/// and its text.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
}

impl Element {
    pub(crate) fn child(&self, name: &str) -> &Element {
        let found: Vec<&Element> = self.children.iter().filter(|c| c.name == name).collect();
        assert_eq!(
            found.len(),
            1,
            "exactly one <{name}> in <{}>: {self:?}",
            self.name
        );
        found[0]
    }
}

/// Parses the XML a sitemap is made of (a declaration, elements, attributes,
/// text, entities), failing on anything not well-formed: a tag closed by
/// another's name, a stray `<`, an unclosed element or a second root.
pub(crate) fn parse_xml(xml: &str) -> Element {
    let body = xml
        .strip_prefix("<?xml")
        .and_then(|r| r.split_once("?>"))
        .map_or(xml, |(_, r)| r);
    let mut stack: Vec<Element> = vec![Element {
        name: String::new(),
        attributes: vec![],
        children: vec![],
        text: String::new(),
    }];
    let mut rest = body;
    while let Some(at) = rest.find('<') {
        let text = &rest[..at];
        assert!(!text.contains('>'), "a stray > in {text:?}");
        stack.last_mut().unwrap().text.push_str(text.trim());
        let end = rest[at..].find('>').expect("a tag is closed") + at;
        let tag = &rest[at + 1..end];
        assert!(!tag.contains('<'), "a < inside a tag: {tag:?}");
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let element = stack.pop().unwrap();
            assert_eq!(element.name, name, "</{name}> closes <{}>", element.name);
            stack
                .last_mut()
                .expect("a closing tag without an element")
                .children
                .push(element);
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        let mut attributes = Vec::new();
        while let Some((key, value)) = attrs.trim().split_once("=\"") {
            let close = value.find('"').expect("a closed attribute value");
            attributes.push((key.trim().to_string(), value[..close].to_string()));
            attrs = &value[close + 1..];
        }
        let element = Element {
            name: name.to_string(),
            attributes,
            children: vec![],
            text: String::new(),
        };
        if empty {
            stack.last_mut().unwrap().children.push(element);
        } else {
            stack.push(element);
        }
    }
    assert!(rest.trim().is_empty(), "text after the root: {rest:?}");
    assert_eq!(
        stack.len(),
        1,
        "unclosed elements: {:?}",
        stack.iter().map(|e| &e.name).collect::<Vec<_>>()
    );
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

/// `2022-01-06T18:00:00Z` for a moment `seconds` from now.
fn moment_from_now(seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let at = now + seconds;
    let (year, month, day) = forklar::dates::civil_from_days(at.div_euclid(86_400));
    let in_day = at.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

#[test]
fn the_news_sitemap_has_exactly_the_articles_of_the_last_48_hours() {
    const HOUR: i64 = 3600;
    let site = TestSite::new(SITE_TOML)
        .with(
            "content/fersk.md",
            article("Fersk & ny", &moment_from_now(-HOUR), ""),
        )
        .with(
            "content/i-gar.md",
            article("I går", &moment_from_now(-30 * HOUR), ""),
        )
        .with(
            "content/grensen.md",
            article("Nesten for gammel", &moment_from_now(-47 * HOUR), ""),
        )
        .with(
            "content/gammel.md",
            article("For gammel", &moment_from_now(-49 * HOUR), ""),
        )
        .with(
            "content/framtid.md",
            article("Ikke publisert ennå", &moment_from_now(5 * HOUR), ""),
        )
        .with("content/arkiv.md", article("Arkivet", "2022-01-06", ""));
    site.build_ok(&[]);
    let xml = site.public("news-sitemap.xml");
    let root = parse_xml(&xml);
    assert_eq!(root.name, "urlset");
    let attribute = |name: &str| {
        root.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        attribute("xmlns"),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    assert_eq!(
        attribute("xmlns:news"),
        Some("http://www.google.com/schemas/sitemap-news/0.9")
    );
    let mut locs = Vec::new();
    for url in &root.children {
        assert_eq!(url.name, "url");
        let news = url.child("news:news");
        let publication = news.child("news:publication");
        assert_eq!(publication.child("news:name").text, "Forklart");
        assert_eq!(publication.child("news:language").text, "nb");
        assert!(news.child("news:publication_date").text.ends_with('Z'));
        assert!(!news.child("news:title").text.is_empty());
        locs.push(url.child("loc").text.clone());
    }
    assert_eq!(
        locs,
        [
            "https://example.org/fersk/",
            "https://example.org/i-gar/",
            "https://example.org/grensen/"
        ],
        "newest first, only the last 48 hours"
    );
    assert!(
        xml.contains("<news:title>Fersk &amp; ny</news:title>"),
        "{xml}"
    );
    assert_contains(
        &site.public("robots.txt"),
        "Sitemap: https://example.org/news-sitemap.xml",
        "robots.txt",
    );
}

/// The `content` of `<meta property|name="key" content="…">`, or of the
/// canonical link.
fn head_value(html: &str, key: &str) -> Option<String> {
    let needles = [
        format!("<meta property=\"{key}\" content=\""),
        format!("<meta name=\"{key}\" content=\""),
        format!("<link rel=\"{key}\" href=\""),
    ];
    needles.iter().find_map(|needle| {
        let start = html.find(needle.as_str())? + needle.len();
        Some(html[start..start + html[start..].find('"')?].to_string())
    })
}

fn seo_site() -> TestSite {
    TestSite::new(SITE_TOML)
        .with("content/people/blakkisrud.md", BLAKKISRUD)
        .with(
            "content/background/csto.md",
            "+++\ntitle = \"CSTO\"\ntype = \"organisation\"\nsame_as = [\"https://www.wikidata.org/wiki/Q2\"]\nsummary = \"En militærallianse.\"\n+++\n",
        )
        .with(
            "content/background/tokajev.md",
            "+++\ntitle = \"Tokajev\"\ntype = \"person\"\nsame_as = [\"https://www.wikidata.org/wiki/Q3\"]\nsummary = \"Presidenten.\"\n+++\n",
        )
        .with(
            "content/uro.md",
            article(
                "Uroen",
                "2022-01-06",
                "tags = [\"CSTO\"]\nbackground = [\"csto\", \"tokajev\"]\n\n[[timeline]]\ndate = \"2022-01-02\"\ntitle = \"Protestene begynner\"\n\n[[timeline]]\ndate = \"2022-01-05\"\ntitle = \"Regjeringen går av\"\n\n[[corrections]]\ndate = 2022-01-07\ntext = \"Rettet et navn.\"\n",
            ),
        )
        .with("content/soldater.md", article("Soldatene", "2022-01-07T10:00:00+01:00", "tags = [\"CSTO\", \"Russland\"]\n"))
}

#[test]
fn every_indexable_page_has_a_canonical_address_cards_and_a_title_of_its_own() {
    let site = seo_site();
    site.build_ok(&[]);
    let pages: Vec<String> = site
        .snapshot_public()
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html") && *f != "404.html")
        .map(str::to_string)
        .collect();
    assert!(pages.len() >= 10, "{pages:?}");
    let mut titles = std::collections::BTreeMap::new();
    let mut descriptions = std::collections::BTreeMap::new();
    for page in &pages {
        let html = site.public(page);
        let url = page.trim_end_matches("index.html");
        let expected = format!("https://example.org/{url}");
        for key in ["canonical", "og:url"] {
            assert_eq!(
                head_value(&html, key).as_deref(),
                Some(expected.as_str()),
                "{page}: {key}"
            );
        }
        for key in ["og:title", "og:description", "twitter:card", "description"] {
            let value = head_value(&html, key).unwrap_or_default();
            assert!(!value.is_empty(), "{page} has {key}");
        }
        assert_contains(
            &html,
            r#"<meta name="robots" content="max-image-preview:large">"#,
            page,
        );
        let title =
            html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()].to_string();
        if let Some(other) = titles.insert(title.clone(), page.clone()) {
            panic!("{page} and {other} have the same title {title:?}");
        }
        let description = head_value(&html, "description").unwrap();
        if let Some(other) = descriptions.insert(description.clone(), page.clone()) {
            panic!("{page} and {other} have the same description {description:?}");
        }
        // Every block of structured data is JSON.
        json_ld(&html);
    }
}

#[test]
fn structured_data_has_the_type_of_each_page() {
    let site = seo_site();
    site.build_ok(&[]);
    let front = site.public("index.html");
    let website = json_ld_of_type(&front, "WebSite");
    assert_eq!(website["url"], "https://example.org/");
    assert_eq!(
        json_ld_of_type(&front, "NewsMediaOrganization")["name"],
        "Forklart"
    );

    let article = site.public("uro/index.html");
    let data = json_ld_of_type(&article, "BackgroundNewsArticle");
    assert_eq!(data["datePublished"], "2022-01-06", "a date stays a date");
    assert_eq!(data["correction"][0]["datePublished"], "2022-01-07");
    let crumbs = json_ld_of_type(&article, "BreadcrumbList");
    assert_eq!(crumbs["itemListElement"][0]["item"], "https://example.org/");
    assert_eq!(
        crumbs["itemListElement"][1]["item"],
        "https://example.org/uro/"
    );
    let soldater = json_ld_of_type(&site.public("soldater/index.html"), "BackgroundNewsArticle");
    assert_eq!(soldater["datePublished"], "2022-01-07T10:00:00+01:00");

    let csto = json_ld_of_type(&site.public("bakgrunn/csto/index.html"), "Organization");
    assert_eq!(csto["sameAs"][0], "https://www.wikidata.org/wiki/Q2");
    let tokajev = site.public("bakgrunn/tokajev/index.html");
    assert_eq!(
        json_ld_of_type(&tokajev, "Person")["sameAs"][0],
        "https://www.wikidata.org/wiki/Q3"
    );
    let crumbs = json_ld_of_type(&tokajev, "BreadcrumbList");
    let names: Vec<&str> = crumbs["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Forside", "Bakgrunn", "Tokajev"]);

    let timeline = json_ld_of_type(&site.public("tidslinje/uro/index.html"), "ItemList");
    let events: Vec<&str> = timeline["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["Protestene begynner", "Regjeringen går av"]);

    let person = json_ld_of_type(&site.public("personer/blakkisrud/index.html"), "Person");
    assert_eq!(person["worksFor"]["name"], "NUPI");
    json_ld_of_type(&site.public("emne/csto/index.html"), "BreadcrumbList");
}

#[test]
fn the_sitemap_lists_people_and_the_corrections_archive() {
    let site = people_site();
    site.build_ok(&[]);
    let sitemap = site.public("sitemap.xml");
    for url in [
        "https://example.org/personer/blakkisrud/",
        "https://example.org/personer/kari-nordmann/",
        "https://example.org/rettelser/",
    ] {
        assert_contains(&sitemap, &format!("<loc>{url}</loc>"), "sitemap.xml");
    }
}

#[test]
fn a_link_to_a_persons_file_leads_to_their_page() {
    let site = people_site().with(
        "content/lenke.md",
        "+++\ntitle = \"Lenke\"\ndate = 2022-01-09\n+++\n\nLes om [forskeren](people/blakkisrud.md).\n",
    );
    site.build_ok(&[]);
    assert_contains(
        &site.public("lenke/index.html"),
        r#"<a href="/personer/blakkisrud/">forskeren</a>"#,
        "lenke/index.html",
    );
}

#[test]
fn an_english_site_publishes_people_and_corrections_under_english_paths() {
    let site = TestSite::new("title = \"Explained\"\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\n")
        .with("content/people/blakkisrud.md", BLAKKISRUD)
        .with(
            "content/a.md",
            article(
                "Unrest",
                "2022-01-06",
                &format!(
                    "kind = \"analysis\"\n{}\n[[corrections]]\ndate = 2022-01-07\ntext = \"A name was wrong.\"\n",
                    quote("blakkisrud", "It spread fast.", "2022-01-06")
                ),
            ),
        );
    site.build_ok(&[]);
    let person = site.public("people/blakkisrud/index.html");
    assert_contains(&person, "It spread fast.", "people/blakkisrud/index.html");
    let corrections = site.public("corrections/index.html");
    assert_contains(
        &corrections,
        "<h1>Corrections</h1>",
        "corrections/index.html",
    );
    assert_contains(&corrections, "A name was wrong.", "corrections/index.html");
    assert!(site.has_public("corrections/atom.xml"));
    let html = site.public("a/index.html");
    assert_contains(&html, ">Analysis</p>", "a/index.html");
    json_ld_of_type(&html, "AnalysisNewsArticle");
}

/// A printed page carries its own address in the footer (for the print
/// stylesheet to show), with the words before the print date in the site's
/// language; the 404 page has no address of its own and prints none.
#[test]
fn pages_carry_their_address_for_print_in_the_sites_language() {
    for (language, label) in [("nb", "Skrevet ut"), ("en", "Printed")] {
        let config = format!(
            "title = \"Forklart\"\nbase_url = \"https://example.org/\"\nlanguage = \"{language}\"\n"
        );
        let site =
            TestSite::new(&config).with("content/a.md", article("Adressen", "2022-01-06", ""));
        site.build_ok(&[]);
        for (page, address) in [
            ("a/index.html", "https://example.org/a/"),
            ("index.html", "https://example.org/"),
        ] {
            let html = site.public(page);
            let footer = &html[html.find("<footer").expect("a footer")..];
            assert_contains(
                footer,
                &format!(
                    "<p class=\"print-only\">{address}<span class=\"print-date\" data-label=\"{label}\"></span></p>"
                ),
                &format!("{page} ({language})"),
            );
        }
        assert!(
            !site.public("404.html").contains("print-only"),
            "the 404 page printed an address ({language})"
        );
    }
}
