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
