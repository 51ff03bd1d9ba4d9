//! The corrections archive: every correction on the site, newest first, each
//! with its article and what was wrong, as a page and as an Atom feed.

use serde::Serialize;

use super::feeds::{self, CorrectionEntry};
use super::{Page, Renderer};
use crate::dates::{Date, ShownDate};
use crate::deps::{Dep, Deps, ListKey};
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::output::Sink;

/// The archive's feed, in the archive's folder.
pub const CORRECTIONS_FEED: &str = "atom.xml";

/// One correction as the archive shows it.
#[derive(Serialize)]
pub struct CorrectionItem {
    pub date: ShownDate,
    /// What was wrong and what is right, as HTML.
    pub text: String,
    pub plain: String,
    /// The article corrected.
    pub title: String,
    pub url: String,
    pub permalink: String,
}

impl Renderer<'_> {
    /// Every correction, newest first; corrections of one day keep the
    /// articles' order (newest article first), then the order written.
    pub(super) fn corrections(&self, deps: &mut Deps) -> Vec<(Date, CorrectionItem)> {
        deps.push(Dep::List(ListKey::Corrections));
        let mut items = Vec::new();
        for (index, article) in self.site.articles.iter().enumerate() {
            if article.parts.corrections.is_empty() {
                continue;
            }
            let summary = self.summary_of(article);
            deps.push(Dep::Summary(article.path.clone()));
            deps.push(Dep::Url(article.path.clone()));
            let mut cx = self.view_cx(&self.site.articles[index], deps);
            for correction in &article.parts.corrections {
                let text = cx.inline(&correction.text);
                items.push((
                    correction.date,
                    CorrectionItem {
                        date: correction.date.shown(self.urls.language),
                        plain: markdown::plain_text(&text),
                        text,
                        title: summary.title.clone(),
                        url: format!("{}#part-corrections", summary.url),
                        permalink: format!("{}#part-corrections", summary.permalink),
                    },
                ));
            }
        }
        items.sort_by(|a, b| b.0.chronological(&a.0));
        items
    }

    pub(super) fn corrections_page(
        &self,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        let items = self.corrections(deps);
        let section = self.urls.language.corrections_section();
        let config = &self.site.config;
        let feed_path = format!("{section}/{CORRECTIONS_FEED}");
        let entries: Vec<CorrectionEntry> = items
            .iter()
            .map(|(date, item)| CorrectionEntry {
                title: &item.title,
                permalink: &item.permalink,
                date: date.rfc3339(),
                text: &item.text,
                plain: &item.plain,
            })
            .collect();
        let updated = items
            .first()
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |(d, _)| d.rfc3339());
        let title = format!(
            "{} – {}",
            self.urls.language.labels().corrections_archive,
            config.title
        );
        let feed = feeds::corrections_atom(
            &title,
            &config.base_url,
            &feed_path,
            self.urls.language.code(),
            &updated,
            &entries,
        );
        let origin = self.origin(page);
        sink.write(&feed_path, feed.as_bytes(), &origin)?;
        let mut context = self.context();
        let list: Vec<&CorrectionItem> = items.iter().map(|(_, item)| item).collect();
        context.insert("corrections", &list);
        context.insert(
            "corrections_feed",
            &format!("{}{feed_path}", self.urls.base_path()),
        );
        let labels = self.urls.language.labels();
        context.insert(
            "seo",
            &self.seo(
                labels.corrections_archive,
                labels.corrections_intro,
                &self.urls.corrections(),
                &[],
                Vec::new(),
            ),
        );
        self.write_page(
            page,
            "corrections.html",
            &context,
            "the corrections archive",
            sink,
        )
    }
}
