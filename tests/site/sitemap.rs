//! `sitemap.xml` of a site with more addresses than one sitemap file may
//! list (`sitemap_urls_per_file`): an index of parts, each within the limit,
//! together listing every page once, in the order one file lists them; parts
//! no longer needed are removed from the output folder.

use crate::common::{TestSite, assert_contains};
use crate::found::{Element, parse_xml};

const SITEMAPS_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn site_toml(per_file: Option<usize>) -> String {
    let mut toml = String::from(
        "title = \"Forklart\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\nsearch = false\n",
    );
    if let Some(per_file) = per_file {
        toml.push_str(&format!("sitemap_urls_per_file = {per_file}\n"));
    }
    toml
}

fn article(n: usize) -> String {
    let tag = if n.is_multiple_of(2) {
        "Klima"
    } else {
        "Helse"
    };
    format!(
        "+++\ntitle = \"Sak {n}\"\ndate = 2022-01-{n:02}T12:00:00+01:00\ntags = [\"{tag}\"]\nbackground = [\"csto\"]\n+++\n\nTekst {n}.\n"
    )
}

/// A site of `articles` articles, two tags and a background entry.
fn site(per_file: Option<usize>, articles: usize) -> TestSite {
    let mut site = TestSite::new(&site_toml(per_file)).with(
        "content/background/csto.md",
        "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\n+++\n\nMer om CSTO.\n",
    );
    for n in 1..=articles {
        site = site.with(&format!("content/sak-{n}.md"), article(n));
    }
    site
}

fn attribute<'e>(element: &'e Element, name: &str) -> Option<&'e str> {
    element
        .attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The `(loc, lastmod)` of every `<url>` of a urlset, checked to be one.
fn urls(xml: &str, file: &str) -> Vec<(String, Option<String>)> {
    let root = parse_xml(xml);
    assert_eq!(root.name, "urlset", "{file}: {xml}");
    assert_eq!(attribute(&root, "xmlns"), Some(SITEMAPS_NS), "{file}");
    root.children
        .iter()
        .map(|url| {
            assert_eq!(url.name, "url", "{file}");
            let lastmod = url.children.iter().find(|c| c.name == "lastmod");
            (
                url.child("loc").text.clone(),
                lastmod.map(|l| l.text.clone()),
            )
        })
        .collect()
}

/// The sitemap files in the output folder besides `sitemap.xml`.
fn part_files(site: &TestSite) -> Vec<String> {
    let mut parts: Vec<String> = std::fs::read_dir(site.public_dir())
        .expect("the output folder")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("sitemap-") && name.ends_with(".xml"))
        .collect();
    parts.sort();
    parts
}

/// Checks `sitemap.xml` is an index of parts of at most `per_file`
/// addresses each, and returns what the parts list, in order.
fn indexed_urls(site: &TestSite, per_file: usize) -> Vec<(String, Option<String>)> {
    let index = parse_xml(&site.public("sitemap.xml"));
    assert_eq!(index.name, "sitemapindex");
    assert_eq!(attribute(&index, "xmlns"), Some(SITEMAPS_NS));
    let mut listed = Vec::new();
    let mut files = Vec::new();
    for (at, entry) in index.children.iter().enumerate() {
        assert_eq!(entry.name, "sitemap");
        let file = format!("sitemap-{}.xml", at + 1);
        assert_eq!(
            entry.child("loc").text,
            format!("https://example.org/{file}")
        );
        let part = urls(&site.public(&file), &file);
        assert!(
            !part.is_empty() && part.len() <= per_file,
            "{file} lists {} addresses",
            part.len()
        );
        // The part's newest change, where it lists one.
        let newest = part.iter().filter_map(|(_, lastmod)| lastmod.clone()).max();
        let lastmod = entry.children.iter().find(|c| c.name == "lastmod");
        assert_eq!(lastmod.map(|l| l.text.clone()), newest, "{file}");
        listed.extend(part);
        files.push(file);
    }
    files.sort();
    assert_eq!(part_files(site), files, "every part indexed, no other");
    listed
}

#[test]
fn a_site_beyond_the_limit_has_an_index_of_parts_that_list_every_page_once() {
    // One file of every address, as a site under the limit has it.
    let site = site(None, 8);
    site.build_ok(&[]);
    let whole = urls(&site.public("sitemap.xml"), "sitemap.xml");
    assert!(whole.len() > 8, "{whole:?}");
    assert!(part_files(&site).is_empty());

    site.write("site.toml", site_toml(Some(3)));
    site.build_ok(&[]);
    let parts = indexed_urls(&site, 3);
    assert_eq!(
        parts, whole,
        "the parts list what one file did, in its order"
    );
    let mut locs: Vec<&String> = parts.iter().map(|(loc, _)| loc).collect();
    locs.sort();
    locs.dedup();
    assert_eq!(locs.len(), parts.len(), "every address once");
    for page in [
        "https://example.org/sak-5/",
        "https://example.org/emne/klima/",
    ] {
        assert!(locs.contains(&&page.to_string()), "{page} in {locs:?}");
    }
    let robots = site.public("robots.txt");
    assert_contains(
        &robots,
        "Sitemap: https://example.org/sitemap.xml\n",
        "robots.txt",
    );
    assert!(!robots.contains("sitemap-1.xml"), "{robots}");
}

#[test]
fn parts_no_longer_needed_are_removed_when_articles_go() {
    let site = site(Some(3), 8);
    site.build_ok(&[]);
    let before = part_files(&site);
    assert!(before.len() >= 5, "{before:?}");

    for n in 1..=6 {
        site.remove(&format!("content/sak-{n}.md"));
    }
    site.build_ok(&[]);
    let after = part_files(&site);
    assert!(after.len() < before.len(), "{before:?} then {after:?}");
    let listed = indexed_urls(&site, 3);
    assert!(
        !listed.iter().any(|(loc, _)| loc.contains("sak-1/")),
        "{listed:?}"
    );

    // Few enough for one file again: no part is left.
    site.write("site.toml", site_toml(Some(1000)));
    site.build_ok(&[]);
    assert!(part_files(&site).is_empty(), "{:?}", part_files(&site));
    assert_eq!(
        urls(&site.public("sitemap.xml"), "sitemap.xml").len(),
        listed.len()
    );
}

#[test]
fn a_limit_outside_what_the_protocol_allows_is_refused_at_its_line() {
    let site = TestSite::new(&format!(
        "{}sitemap_urls_per_file = 60000\n",
        site_toml(None)
    ));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("sitemap_urls_per_file = 60000");
    run.assert_stderr_contains("site.toml:5");
}
