//! Built-in search: the search page (`/sok/`, en `/search/`) and its index.
//!
//! The index is made by Pagefind from the pages just rendered, in memory: a
//! [`Collector`] wrapped around the output keeps a slim copy of each
//! article, background entry, timeline and person page as it is written (in
//! a build, past the first 16 MB, in an unnamed file in the site's cache), and
//! [`bundle`] turns them into Pagefind's files, which go into the same staged
//! output (`pagefind/`), so a failed build publishes none of them and the
//! manifest removes the ones a later build no longer makes. Indexing is most
//! of what search costs a build, so the last index is kept in the site's
//! `.forklar-cache/search/` under a hash of the copies' addresses and digests
//! ([`write_bundle`]): a build whose indexed pages are unchanged publishes it
//! again without reading a copy back.
//!
//! Each copy carries what the search page shows beside a result: the type of
//! page (meta `kind`) and, for a background entry, its title and aliases as
//! values of the filter `name`, which the page asks for with the query to put
//! the entry first when the query is one of them. Ranking alone cannot promise
//! that: an article that names «CSTO» forty times can outscore the entry about
//! it, and on a large site the entry need not be among the first results.

mod cache;
pub mod catch_up;
mod collect;
mod copy;
#[cfg(feature = "search")]
mod index;

use serde::Serialize;

use crate::i18n::Language;
pub use collect::{Collected, Collector, Target, targets};

/// The folder, under the output folder, Pagefind's files are written to.
pub const BUNDLE_DIR: &str = "pagefind";

/// The search page's own script, loaded by no other page.
pub const SCRIPT: &str = include_str!("../../templates/search.js");

/// The address search knows a page by, from the file it is written to
/// (`csto/index.html` → `/csto/`), relative to the site's root.
fn page_url(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

/// Whether this build makes a search page and index: forklar was compiled
/// with the `search` feature, and `site.toml` did not turn it off.
pub fn enabled(config: &crate::config::Config) -> bool {
    cfg!(feature = "search") && config.search
}

/// The folder the search page is published under.
pub fn section(language: Language) -> &'static str {
    match language {
        Language::Nb => "sok",
        Language::En => "search",
    }
}

/// Pagefind's files for the collected pages, by path under the output folder.
#[cfg(feature = "search")]
pub fn bundle(
    pages: impl IntoIterator<Item = Result<(String, String), crate::diagnostics::Diagnostic>>,
    language: Language,
) -> Result<Vec<(String, Vec<u8>)>, crate::diagnostics::Diagnostic> {
    index::bundle(pages, language)
}

/// [`bundle`] for `serve`, beside the saves it must not slow: Pagefind's
/// threads are its own, at a lower priority (see
/// [`index::bundle_in_background`]).
#[cfg(feature = "search")]
pub fn bundle_in_background(
    pages: impl IntoIterator<Item = Result<(String, String), crate::diagnostics::Diagnostic>> + Send,
    language: Language,
) -> Result<Vec<(String, Vec<u8>)>, crate::diagnostics::Diagnostic> {
    index::bundle_in_background(pages, language)
}

/// Without the `search` feature there is nothing to index.
#[cfg(not(feature = "search"))]
pub fn bundle_in_background(
    _pages: impl IntoIterator<Item = Result<(String, String), crate::diagnostics::Diagnostic>> + Send,
    _language: Language,
) -> Result<Vec<(String, Vec<u8>)>, crate::diagnostics::Diagnostic> {
    Ok(Vec::new())
}

/// Without the `search` feature there is nothing to index.
#[cfg(not(feature = "search"))]
pub fn bundle(
    _pages: impl IntoIterator<Item = Result<(String, String), crate::diagnostics::Diagnostic>>,
    _language: Language,
) -> Result<Vec<(String, Vec<u8>)>, crate::diagnostics::Diagnostic> {
    Ok(Vec::new())
}

/// Makes the index of the collected pages, or takes it from the site's
/// cache, and writes it into `sink` one file at a time, handing each to
/// `written` too.
pub fn write_bundle(
    site_root: &std::path::Path,
    pages: &Collected,
    language: Language,
    sink: &dyn crate::output::Sink,
    mut written: impl FnMut(&str, &[u8]),
) -> Result<(), crate::diagnostics::Diagnostic> {
    let mut write = |path: &str, bytes: &[u8]| {
        sink.write(path, bytes, "forklar's search index")?;
        written(path, bytes);
        Ok(())
    };
    let key = cache::key(pages.digests(), language);
    if cache::publish_each(site_root, &key, &mut write)? {
        return Ok(());
    }
    // One copy at a time goes to the index, not all of them at once.
    for (path, bytes) in index_and_keep(site_root, &key, pages.copies(), language)? {
        write(&path, &bytes)?;
    }
    Ok(())
}

fn index_and_keep(
    site_root: &std::path::Path,
    key: &str,
    pages: impl IntoIterator<Item = Result<(String, String), crate::diagnostics::Diagnostic>>,
    language: Language,
) -> Result<Vec<(String, Vec<u8>)>, crate::diagnostics::Diagnostic> {
    let files = bundle(pages, language)?;
    if !files.is_empty() {
        cache::store(site_root, key, &files);
    }
    Ok(files)
}

/// The words of the search page, in the site's language.
#[derive(Debug, Clone, Serialize)]
pub struct SearchLabels {
    pub title: &'static str,
    pub description: &'static str,
    pub field: &'static str,
    pub button: &'static str,
    pub needs_script: &'static str,
    pub results: &'static str,
    /// "{n} treff for «{q}»", with `{n}` and `{q}` filled in by the script.
    pub found: &'static str,
    pub found_one: &'static str,
    pub none: &'static str,
    pub searching: &'static str,
    pub failed: &'static str,
    pub article: &'static str,
    pub background: &'static str,
    pub timeline: &'static str,
    pub person: &'static str,
}

impl SearchLabels {
    pub fn of(language: Language) -> SearchLabels {
        match language {
            Language::Nb => SearchLabels {
                title: "Søk",
                description: "Søk i artikler, bakgrunnsstoff, tidslinjer og personer.",
                field: "Søk etter",
                button: "Søk",
                needs_script: "Søket trenger JavaScript, som er slått av i nettleseren din. \
                               Alt innholdet kan leses uten: bruk forsiden og bakgrunnssidene.",
                results: "Treff",
                found: "{n} treff for «{q}»",
                found_one: "1 treff for «{q}»",
                none: "Ingen treff for «{q}»",
                searching: "Søker …",
                failed: "Søket kunne ikke lastes. Prøv igjen senere.",
                article: "Artikkel",
                background: "Bakgrunn",
                timeline: "Tidslinje",
                person: "Person",
            },
            Language::En => SearchLabels {
                title: "Search",
                description: "Search articles, background entries, timelines and people.",
                field: "Search for",
                button: "Search",
                needs_script: "Search needs JavaScript, which is turned off in your browser. \
                               All content can be read without it: use the front page and the background pages.",
                results: "Results",
                found: "{n} results for “{q}”",
                found_one: "1 result for “{q}”",
                none: "No results for “{q}”",
                searching: "Searching …",
                failed: "Search could not be loaded. Please try again later.",
                article: "Article",
                background: "Background",
                timeline: "Timeline",
                person: "Person",
            },
        }
    }
}
