//! Built-in search: the search page, the Pagefind index written with the site,
//! and the other pages loading none of it.

use std::io::Read as _;
use std::path::Path;

use crate::common::{TestSite, assert_contains, assert_lacks, attribute_values};
use crate::fixture;

const CSTO_ENTRY: &str = r#"+++
title = "CSTO"
aliases = ["ODKB", "Organisasjonen for kollektiv sikkerhet"]
summary = "En russiskledet militærallianse."

[[facts]]
label = "Hovedkvarter"
value = "Moskva"
+++

Alliansen ble grunnlagt i 1992.
"#;

const PERSON: &str = r#"+++
name = "Helge Blakkisrud"
role = "forsker"
+++

Forsker ved NUPI.
"#;

const SHARED_TIMELINE: &str = r#"title = "Uroen i januar"

[[events]]
date = "2022-01-05"
title = "Unntakstilstand innføres"
"#;

/// Uses the shared timeline.
const WITH_SHARED: &str = r#"+++
title = "Ukene som endret landet"
date = 2022-01-09
timeline_file = "uroen"
+++

Se tidslinjen.
"#;

/// Has a timeline of its own, which gets a page too.
const WITH_OWN: &str = r#"+++
title = "Gassprisen"
date = 2022-01-08
slug = "gassprisen"

[[timeline]]
date = "2022-01-01"
title = "Pristaket fjernes"
+++

Prisen ble doblet.
"#;

fn search_site(site_toml: &str) -> TestSite {
    fixture::site_with_config(site_toml)
        .with("content/background/csto.md", CSTO_ENTRY)
        .with("content/people/blakkisrud.md", PERSON)
        .with("content/timelines/uroen.toml", SHARED_TIMELINE)
        .with("content/ukene.md", WITH_SHARED)
        .with("content/gassprisen.md", WITH_OWN)
}

/// Every file below `dir`, relative to it, with `/` separators.
fn files_below(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("below dir");
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

/// The pages in the index, as Pagefind's fragments hold them (gzip of a
/// signature and JSON).
fn indexed_pages(public: &Path) -> Vec<serde_json::Value> {
    let mut pages = Vec::new();
    for rel in files_below(&public.join("pagefind")) {
        if !rel.ends_with(".pf_fragment") {
            continue;
        }
        let bytes = std::fs::read(public.join("pagefind").join(&rel)).expect("a fragment");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .expect("a gzipped fragment");
        let json = text
            .strip_prefix("pagefind_dcd")
            .expect("Pagefind's signature");
        pages.push(serde_json::from_str(json).expect("a fragment's JSON"));
    }
    pages
}

fn page_at<'a>(pages: &'a [serde_json::Value], url: &str) -> &'a serde_json::Value {
    pages
        .iter()
        .find(|p| p["url"] == url)
        .unwrap_or_else(|| panic!("the index should hold {url}; it holds {pages:#?}"))
}

#[test]
fn the_index_is_written_with_the_site_and_the_manifest_knows_it() {
    let site = search_site(fixture::SITE_TOML);
    site.build_ok(&[]);
    let public = site.public_dir();
    for file in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        // The Norwegian stemmer: Pagefind's code for Bokmål is nb.
        "pagefind/wasm.nb.pagefind",
    ] {
        assert!(public.join(file).is_file(), "{file} should be published");
    }
    // Pagefind's own interfaces are not published: the page has its own.
    assert!(!public.join("pagefind/pagefind-ui.js").exists());
    let entry = site.public("pagefind/pagefind-entry.json");
    assert_contains(&entry, "\"nb\"", "pagefind-entry.json");

    let manifest = site.public(".forklar-manifest");
    let bundle = files_below(&public.join("pagefind"));
    assert!(bundle.len() > 4, "a bundle of several files: {bundle:?}");
    for file in &bundle {
        assert!(
            manifest.lines().any(|l| l == format!("pagefind/{file}")),
            "the manifest should list pagefind/{file}"
        );
    }
}

#[test]
fn the_index_holds_typed_articles_entries_and_people_but_no_other_pages() {
    let site = search_site(fixture::SITE_TOML);
    site.build_ok(&[]);
    let pages = indexed_pages(&site.public_dir());

    let article = page_at(&pages, "/kasakhstan/");
    assert_eq!(article["meta"]["kind"], "Artikkel");
    assert_eq!(article["meta"]["title"], fixture::KASAKHSTAN_TITLE);
    // The page's own text, not the header or footer every page shares.
    let content = article["content"].as_str().unwrap();
    assert!(content.contains("Ingen vet."), "{content}");
    assert!(!content.contains("Bakgrunn for nyhetene"), "{content}");

    let entry = page_at(&pages, "/bakgrunn/csto/");
    assert_eq!(entry["meta"]["kind"], "Bakgrunn");
    // The names the search page puts the entry first for, folded as it folds a query.
    let names = &entry["filters"]["name"];
    for name in ["csto", "odkb", "organisasjonen for kollektiv sikkerhet"] {
        assert!(
            names.as_array().unwrap().iter().any(|n| n == name),
            "the entry's names should hold {name:?}: {names}"
        );
    }
    assert!(
        entry["content"].as_str().unwrap().contains("ODKB"),
        "an alias is indexed"
    );

    let person = page_at(&pages, "/personer/blakkisrud/");
    assert_eq!(person["meta"]["kind"], "Person");

    let shared = page_at(&pages, "/tidslinje/uroen/");
    assert_eq!(shared["meta"]["kind"], "Tidslinje");

    assert!(
        site.has_public("tidslinje/gassprisen/index.html"),
        "the article's own timeline has a page"
    );
    page_at(&pages, "/gassprisen/");
    // Lists, the front page and the search page itself are not results; nor
    // is a draft.
    for page in &pages {
        let url = page["url"].as_str().unwrap();
        assert!(
            url != "/"
                && !url.starts_with("/sok/")
                && !url.starts_with("/emne/")
                // An article's own timeline repeats what the article's result finds.
                && url != "/tidslinje/gassprisen/",
            "{url} should not be in the index"
        );
        assert_ne!(url, "/utkast/");
    }
}

/// Uses the CSTO entry and the shared timeline, so both pages list it.
const ALLIANCE: &str = r#"+++
title = "Alliansen rykker inn"
date = 2022-01-07
lead = "Fallskjermjegere landet i Almaty."
background = ["csto"]
timeline_file = "uroen"
+++

Troppene kom om natten.
"#;

#[test]
fn the_lists_of_other_articles_on_a_page_are_left_out_of_its_index_entry() {
    let site = search_site(fixture::SITE_TOML).with("content/alliansen.md", ALLIANCE);
    site.build_ok(&[]);
    // Both pages list the article: the entry's page with its lead.
    let (entry_page, timeline_page) = ("bakgrunn/csto/index.html", "tidslinje/uroen/index.html");
    assert_contains(
        &site.public(entry_page),
        "Fallskjermjegere landet i Almaty.",
        entry_page,
    );
    assert_contains(
        &site.public(timeline_page),
        "Alliansen rykker inn",
        timeline_page,
    );
    let pages = indexed_pages(&site.public_dir());
    assert!(
        page_at(&pages, "/alliansen/")["content"]
            .as_str()
            .unwrap()
            .contains("Fallskjermjegere landet i Almaty."),
        "the article itself is found by its lead"
    );
    for url in ["/bakgrunn/csto/", "/tidslinje/uroen/"] {
        let content = page_at(&pages, url)["content"].as_str().unwrap();
        assert!(
            !content.contains("Fallskjermjegere") && !content.contains("Alliansen rykker inn"),
            "{url} should not be found by another article's words: {content}"
        );
    }
    let entry = page_at(&pages, "/bakgrunn/csto/")["content"]
        .as_str()
        .unwrap();
    assert!(entry.contains("Alliansen ble grunnlagt"), "{entry}");
    // A fact reads as label and value, not run together.
    assert!(entry.contains("Hovedkvarter: Moskva"), "{entry}");
}

#[test]
fn a_quote_reads_in_its_quotation_marks_in_the_index() {
    let site = search_site(fixture::SITE_TOML).with(
        "content/sitert.md",
        "+++\ntitle = \"Sitert\"\ndate = 2022-01-07\n\n[[quotes]]\n\
         text = 'Det er \"bare\" en periode'\nspeaker = \"blakkisrud\"\nsource = \"NRK\"\n+++\n\nTekst.\n",
    );
    site.build_ok(&[]);
    // The page's stylesheet draws the outer marks; the index sees no stylesheet.
    let pages = indexed_pages(&site.public_dir());
    for url in ["/sitert/", "/personer/blakkisrud/"] {
        let content = page_at(&pages, url)["content"].as_str().unwrap();
        assert!(
            content.contains("«Det er ‹bare› en periode»"),
            "{url}: {content}"
        );
    }
}

#[test]
fn the_search_page_has_a_labelled_form_a_live_region_and_a_message_without_javascript() {
    let site = search_site(
        "title = \"Forklart\"\nlanguage = \"nb\"\nbase_url = \"https://x.no/nyheter/\"\n",
    );
    site.build_ok(&[]);
    let page = site.public("sok/index.html");
    assert_contains(
        &page,
        "<label for=\"search-query\">Søk etter</label>",
        "sok/",
    );
    assert_contains(
        &page,
        "id=\"search-query\" name=\"q\" type=\"search\"",
        "sok/",
    );
    assert_contains(&page, "role=\"status\"", "sok/");
    assert_contains(&page, "<noscript>", "sok/");
    assert_contains(&page, "Søket trenger JavaScript", "sok/");
    // Under the site's sub-path.
    assert_contains(
        &page,
        "data-search-index=\"/nyheter/pagefind/pagefind.js\"",
        "sok/",
    );
    let scripts = attribute_values(&page, "src");
    let script = scripts
        .iter()
        .find(|s| s.starts_with("/nyheter/search."))
        .unwrap_or_else(|| panic!("the page loads its script: {scripts:?}"));
    let file = script.strip_prefix("/nyheter/").unwrap();
    assert!(site.has_public(file), "{file} is published");
    // Every page links to search from the header.
    let front = site.public("index.html");
    assert_contains(&front, "<a href=\"/nyheter/sok/\">Søk</a>", "index.html");
}

#[test]
fn no_page_but_the_search_page_loads_a_search_asset() {
    let site = search_site(fixture::SITE_TOML);
    site.build_ok(&[]);
    let public = site.public_dir();
    let pages: Vec<String> = files_below(&public)
        .into_iter()
        .filter(|f| f.ends_with(".html") && f != "sok/index.html")
        .collect();
    assert!(pages.len() > 5, "{pages:?}");
    for rel in pages {
        // Parts a page leaves out of the index are marked for Pagefind; no
        // other word of it may appear.
        let html = site.public(&rel).replace(" data-pagefind-ignore>", ">");
        assert_lacks(&html, "pagefind", &rel);
        for src in attribute_values(&html, "src") {
            assert!(!src.contains("search."), "{rel} loads {src}");
        }
    }
}

#[test]
fn an_english_site_gets_an_english_search_page_and_stemmer() {
    let site = search_site("title = \"Explained\"\nlanguage = \"en\"\n");
    site.build_ok(&[]);
    let page = site.public("search/index.html");
    assert_contains(
        &page,
        "<label for=\"search-query\">Search for</label>",
        "search/",
    );
    assert!(
        site.public_dir()
            .join("pagefind/wasm.en.pagefind")
            .is_file()
    );
    assert_contains(&site.public("index.html"), ">Search</a>", "index.html");
    let pages = indexed_pages(&site.public_dir());
    assert_eq!(
        page_at(&pages, "/background/csto/")["meta"]["kind"],
        "Background"
    );
}

#[test]
fn search_false_leaves_out_the_page_the_index_and_the_link() {
    let site = search_site(fixture::SITE_TOML);
    site.build_ok(&[]);
    assert!(site.has_public("pagefind/pagefind.js"));
    site.write(
        "site.toml",
        format!("{}search = false\n", fixture::SITE_TOML),
    );
    site.build_ok(&[]);
    // What the earlier build published is removed with it.
    assert!(!site.public_dir().join("pagefind").exists());
    assert!(!site.public_dir().join("sok").exists());
    assert_lacks(&site.public("index.html"), "/sok/", "index.html");
}

#[test]
fn a_failed_build_leaves_the_published_index_as_it_was() {
    let site = search_site(fixture::SITE_TOML);
    site.build_ok(&[]);
    let before = site.snapshot_public();
    site.write(
        "content/ny.md",
        "+++\ntitle = \"Ny\"\ndate = 2022-01-08\n+++\n\nSe [[finnes-ikke]].\n",
    );
    site.write("content/broken.md", "+++\ntitle = \n+++\n");
    site.build(&[]).assert_failure();
    before.assert_unchanged(&site.snapshot_public(), "a failed build");
}

/// The index kept in `.forklar-cache/search/`: its entries (not the tag).
fn cached_indexes(site: &TestSite) -> Vec<String> {
    let dir = site.root().join(".forklar-cache/search");
    files_below(&dir)
        .into_iter()
        .filter(|name| name != "CACHEDIR.TAG")
        .collect()
}

/// The index's files in `public/pagefind/` and their bytes.
fn published_index(site: &TestSite) -> Vec<(String, Vec<u8>)> {
    let dir = site.public_dir().join("pagefind");
    files_below(&dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).expect("an index file");
            (rel, bytes)
        })
        .collect()
}

#[test]
fn an_unchanged_site_publishes_its_cached_index_and_a_changed_one_is_indexed_again() {
    let site = search_site(fixture::SITE_TOML);
    site.build_ok(&[]);
    let first = published_index(&site);
    let kept = cached_indexes(&site);
    assert_eq!(kept.len(), 1, "one index should be kept: {kept:?}");
    assert!(
        site.root()
            .join(".forklar-cache/search/CACHEDIR.TAG")
            .exists()
    );

    // Into an empty output folder: the same files as indexing gave.
    site.remove("public");
    site.build_ok(&[]);
    assert!(
        first == published_index(&site),
        "a build of the same pages should publish the same index"
    );

    // The published files come from the cache: a mark made in the kept entry
    // (same length, in the one file Pagefind does not compress) shows up.
    let entry = site.root().join(".forklar-cache/search").join(&kept[0]);
    let bytes = std::fs::read(&entry).expect("the kept index");
    let marked: Vec<u8> = {
        // Replace the first character of the version, keeping every length.
        let at = bytes
            .windows(11)
            .position(|w| w == b"\"version\":\"")
            .expect("a version in the entry")
            + 11;
        let mut copy = bytes.clone();
        copy[at] = b'~';
        copy
    };
    std::fs::write(&entry, &marked).expect("mark the entry");
    site.remove("public");
    site.build_ok(&[]);
    assert_contains(
        &site.public("pagefind/pagefind-entry.json"),
        "\"version\":\"~",
        "pagefind-entry.json from the cache",
    );

    // A changed page is indexed again, and only the new index is kept.
    site.write(
        "content/gassprisen.md",
        std::fs::read_to_string(site.root().join("content/gassprisen.md"))
            .expect("the article")
            .replace("Prisen ble doblet.", "Prisen ble tredoblet."),
    );
    site.build_ok(&[]);
    let entry_json = site.public("pagefind/pagefind-entry.json");
    assert_lacks(
        &entry_json,
        "\"version\":\"~",
        "pagefind-entry.json made anew",
    );
    let pages = indexed_pages(&site.public_dir());
    let article = page_at(&pages, "/gassprisen/");
    assert_contains(
        article["content"].as_str().expect("content"),
        "tredoblet",
        "the article's indexed text",
    );
    let now_kept = cached_indexes(&site);
    assert_eq!(
        now_kept.len(),
        1,
        "only the newest index is kept: {now_kept:?}"
    );
    assert_ne!(now_kept, kept);
}

#[test]
fn a_damaged_cache_entry_is_indexed_again() {
    let site = search_site(fixture::SITE_TOML);
    site.build_ok(&[]);
    let first = published_index(&site);
    let kept = cached_indexes(&site);
    let entry = site.root().join(".forklar-cache/search").join(&kept[0]);
    let bytes = std::fs::read(&entry).expect("the kept index");
    std::fs::write(&entry, &bytes[..bytes.len() / 2]).expect("cut the entry");
    site.remove("public");
    site.build_ok(&[]);
    assert!(
        first == published_index(&site),
        "a cut entry should be indexed again, giving the same files"
    );
    assert_eq!(
        std::fs::read(&entry).expect("the entry written again"),
        bytes
    );
}

/// More copies than a build holds in memory (16 MB; the index takes the
/// first 512 KB of a page): the rest wait in an unnamed file in the cache
/// folder, are read back for the index, and leave nothing behind.
#[test]
fn an_archive_too_large_to_hold_in_memory_is_indexed_whole() {
    const ARTICLES: usize = 34;
    let paragraph = "Protestene spredte seg fra Zjanaozen til Almaty, og regjeringen \
                     innførte unntakstilstand i flere regioner. Prisen på flytende gass \
                     var doblet ved nyttår, og misnøyen hadde vokst i årevis.\n\n";
    let body = paragraph.repeat(530 * 1024 / paragraph.len());
    let mut site = fixture::site_with_config(fixture::SITE_TOML);
    for n in 0..ARTICLES {
        site = site.with(
            &format!("content/sak-{n:02}.md"),
            format!(
                "+++\ntitle = \"Sak {n}\"\ndate = 2022-01-{:02}\n+++\n\nKjennemerke{n} innleder saken.\n\n{body}",
                n % 28 + 1
            ),
        );
    }
    site.build_ok(&[]);
    let pages = indexed_pages(&site.public_dir());
    for n in 0..ARTICLES {
        let page = page_at(&pages, &format!("/sak-{n:02}/"));
        let content = page["content"].as_str().expect("content");
        assert_contains(
            content,
            &format!("Kjennemerke{n}"),
            "the article's first words",
        );
        assert_contains(content, "unntakstilstand", "the article's later words");
    }
    let kept = cached_indexes(&site);
    assert_eq!(kept.len(), 1, "the index only, no file of copies: {kept:?}");

    // The same pages again: the key made from the copies finds the index.
    let first = published_index(&site);
    let entry = site.root().join(".forklar-cache/search").join(&kept[0]);
    let stamp = std::fs::metadata(&entry)
        .expect("the entry")
        .modified()
        .ok();
    site.remove("public");
    site.build_ok(&[]);
    assert!(first == published_index(&site), "the same index");
    assert_eq!(cached_indexes(&site), kept);
    assert_eq!(
        std::fs::metadata(&entry)
            .expect("the entry")
            .modified()
            .ok(),
        stamp,
        "taken from the cache, not made and kept again"
    );
}
