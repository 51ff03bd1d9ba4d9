//! The search page: a form that works as a plain message without JavaScript,
//! and the script that asks the index.

use serde::Serialize;

use super::{Page, Renderer};
use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::search::{self, SearchLabels};

/// What `search.html` gets as `search`.
#[derive(Serialize)]
struct SearchView {
    labels: SearchLabels,
    /// The labels again, as JSON for the script.
    labels_json: String,
    /// The site's path to Pagefind's script (`/nyheter/pagefind/pagefind.js`).
    index: String,
    script: String,
}

impl Renderer<'_> {
    pub(super) fn search_page(&self, page: &Page, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let language = self.urls.language;
        let labels = SearchLabels::of(language);
        let base_path = self.urls.base_path();
        let path = format!("{base_path}{}/", search::section(language));
        let page_seo = self.seo(labels.title, labels.description, &path, &[], Vec::new());
        let mut context = self.context();
        context.insert("seo", &page_seo);
        context.insert(
            "search",
            &SearchView {
                labels_json: super::seo::script_safe(&serde_json::json!(labels)),
                labels,
                index: format!("{base_path}{}/pagefind.js", search::BUNDLE_DIR),
                script: format!("{base_path}{}", self.assets.search_script),
            },
        );
        self.write_page(page, "search.html", &context, "the search page", sink)?;
        sink.write(
            &self.assets.search_script,
            self.templates.search_script.as_bytes(),
            &self.origin(page),
        )
    }
}
