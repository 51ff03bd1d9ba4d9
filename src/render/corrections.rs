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
use crate::site::index::{page_count, page_slice};

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
    /// Where every correction stands in the archive, newest first, as
    /// (date, article, correction): corrections of one day keep the
    /// articles' order (newest article first), then the order written.
    fn correction_order(&self) -> Vec<(Date, usize, usize)> {
        let mut order = Vec::new();
        for (index, article) in self.site.articles.iter().enumerate() {
            for (n, correction) in article.parts.corrections.iter().enumerate() {
                order.push((correction.date, index, n));
            }
        }
        order.sort_by(|a, b| b.0.chronological(&a.0));
        order
    }

    /// How many pages the archive takes, 50 corrections a page: one, even
    /// with none.
    pub(super) fn corrections_page_count(&self) -> usize {
        let count = (self.site.articles.iter())
            .map(|article| article.parts.corrections.len())
            .sum();
        page_count(count)
    }

    /// The corrections page `n` of the archive shows, newest first, and how
    /// many pages there are. Only those are rendered: a large archive has
    /// thousands, and every page of it would otherwise render them all.
    pub(super) fn corrections(
        &self,
        n: usize,
        deps: &mut Deps,
    ) -> (usize, Vec<(Date, CorrectionItem)>) {
        deps.push(Dep::List(ListKey::Corrections));
        let order = self.correction_order();
        let mut items = Vec::new();
        for &(date, index, c) in page_slice(&order, n) {
            let article = &self.site.articles[index];
            let summary = self.summary_of(article);
            deps.push(Dep::Summary(article.path.clone()));
            deps.push(Dep::Url(article.path.clone()));
            let correction = &article.parts.corrections[c];
            let text = self.view_cx(article, deps).inline(&correction.text);
            items.push((
                date,
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
        (page_count(order.len()), items)
    }

    /// Page `n` of the archive; the first also writes the feed, which
    /// carries the same newest corrections.
    pub(super) fn corrections_page(
        &self,
        n: usize,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        let (total, items) = self.corrections(n, deps);
        let section = self.urls.language.corrections_section();
        let config = &self.site.config;
        let feed_path = format!("{section}/{CORRECTIONS_FEED}");
        // The feed is the first page's: the newest corrections, as many
        // as a page shows, however long the archive grows.
        if n <= 1 {
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
        }
        let mut context = self.context();
        let list: Vec<&CorrectionItem> = items.iter().map(|(_, item)| item).collect();
        context.insert("corrections", &list);
        context.insert(
            "corrections_feed",
            &format!("{}{feed_path}", self.urls.base_path()),
        );
        context.insert(
            "pagination",
            &self.pagination(n, total, |n| self.urls.corrections_page(n)),
        );
        let language = self.urls.language;
        let labels = language.labels();
        let page_title = format!("{}{}", labels.corrections_archive, language.page_suffix(n));
        let trail = if n <= 1 {
            Vec::new()
        } else {
            vec![(labels.corrections_archive, self.urls.corrections())]
        };
        context.insert(
            "seo",
            &self.seo(
                &page_title,
                labels.corrections_intro,
                &self.urls.corrections_page(n),
                &trail,
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
