//! Pagefind, run in memory over the collected pages.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::Diagnostic;
use crate::i18n::Language;

use super::BUNDLE_DIR;

/// Pagefind's ready-made interfaces: the search page has its own, smaller
/// and in the site's language, so these are not published.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Pagefind's files for `pages` (address, copy), by path under the output
/// folder. The pages are taken one at a time, so a copy read back from the
/// cache's file is let go once Pagefind has it.
pub fn bundle(
    pages: impl IntoIterator<Item = Result<(String, String), Diagnostic>>,
    language: Language,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(failed)?;
    runtime.block_on(async {
        // Pagefind picks the stemmer by language code: nb (and nn, no) is
        // Norwegian, en English.
        let options = PagefindServiceConfig::builder()
            .force_language(language.code().to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(failed)?;
        for page in pages {
            let (url, html) = page?;
            index
                .add_html_file(None, Some(url), html)
                .await
                .map_err(failed)?;
        }
        let files = index.get_files().await.map_err(failed)?;
        Ok(files
            .into_iter()
            .filter_map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                (!UNUSED.contains(&name.as_str()) && !name.starts_with("playground/"))
                    .then(|| (format!("{BUNDLE_DIR}/{name}"), file.contents))
            })
            .collect())
    })
}

fn failed(err: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::new(format!("the search index could not be made: {err}")).with_help(
        "build again; if it keeps failing, set `search = false` in site.toml to publish \
         the site without search",
    )
}
