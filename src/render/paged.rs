//! The lists that are cut into pages like the front page, 50 articles a
//! page, so that no page grows with the archive: a tag's page
//! (`/emne/csto/`, `/emne/csto/side/2/` …) and the «Brukt i» list of a
//! background entry (on its page, then `/bakgrunn/csto/side/2/` …).

use tera::Value;

use super::views::{Pagination, TagPageView, with_fields};
use super::{Page, Renderer};
use crate::deps::{Dep, Deps, ListKey};
use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::parts::background::entry_view;
use crate::site::index::{page_count, page_slice};

impl Renderer<'_> {
    /// Where page `n` of `total` is among the others, with `url` giving the
    /// address of a page by its number.
    pub(super) fn pagination(
        &self,
        n: usize,
        total: usize,
        url: impl Fn(usize) -> String,
    ) -> Pagination {
        let language = self.urls.language;
        Pagination {
            current: n,
            total,
            label: language.page_of(n, total),
            suffix: language.page_suffix(n),
            previous: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
        }
    }

    /// Page `n` of a tag's list.
    pub(super) fn tag_page(
        &self,
        slug: &str,
        n: usize,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        deps.add(|| Dep::List(ListKey::TagPages(slug.to_string())));
        let Some((name, indices)) = self.listings.tags.get(slug) else {
            return Ok(());
        };
        let total = page_count(indices.len());
        let view = TagPageView {
            name: name.clone(),
            url: self.urls.tag(name),
            // The link to the entry on the topic leads the first page only.
            entry: if n <= 1 {
                self.entry_for_topic(name, deps)
                    .map(|entry| entry_view(entry, &self.urls))
            } else {
                None
            },
        };
        let shown = page_slice(indices, n);
        let articles = self.teasers(ListKey::TagPage(slug.to_string(), n), shown, sink, deps);
        let view = with_fields(Value::from_serializable(&view), [("articles", articles)]);
        let labels = self.urls.language.labels();
        let topic = format!("{} {name}", labels.tagged);
        let page_title = format!("{topic}{}", self.urls.language.page_suffix(n));
        let description = format!("{page_title}: {}", self.site.config.description);
        let trail = if n <= 1 {
            Vec::new()
        } else {
            vec![(topic.as_str(), self.urls.tag(name))]
        };
        let mut context = self.context();
        context.insert(
            "seo",
            &self.seo(
                &page_title,
                &description,
                &self.urls.tag_page(name, n),
                &trail,
                Vec::new(),
            ),
        );
        context.insert_value("tag", view);
        context.insert(
            "pagination",
            &self.pagination(n, total, |n| self.urls.tag_page(name, n)),
        );
        self.write_page(
            page,
            "tag.html",
            &context,
            &format!("the page for the tag `{name}`"),
            sink,
        )
    }

    /// Page `n` of the articles that use the background entry `key`, as
    /// teasers, and where the page is among the others.
    pub(super) fn used_in_list(
        &self,
        key: &str,
        n: usize,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> (Value, Pagination) {
        deps.add(|| Dep::List(ListKey::EntryUsersPages(key.to_string())));
        let users = self
            .listings
            .entry_users
            .get(key)
            .map_or(&[][..], Vec::as_slice);
        let shown = page_slice(users, n);
        let articles = self.teasers(
            ListKey::EntryUsersPage(key.to_string(), n),
            shown,
            sink,
            deps,
        );
        let pagination = self.pagination(n, page_count(users.len()), |n| self.urls.used_in(key, n));
        (articles, pagination)
    }

    /// A further page (from 2) of a background entry's «Brukt i» list.
    pub(super) fn used_in_page(
        &self,
        key: &str,
        n: usize,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        deps.add(|| Dep::EntryShown(key.to_string()));
        let Some(entry) = self.site.background.get(key) else {
            return Ok(());
        };
        let (articles, pagination) = self.used_in_list(key, n, sink, deps);
        let labels = self.urls.language.labels();
        let view = with_fields(
            Value::from_serializable(&entry_view(entry, &self.urls)),
            [("articles", articles)],
        );
        let page_title = format!(
            "{}: {}{}",
            entry.title,
            labels.used_in,
            self.urls.language.page_suffix(n)
        );
        let mut context = self.context();
        context.insert(
            "seo",
            &self.seo(
                &page_title,
                &entry.summary,
                &self.urls.used_in(key, n),
                &[
                    (
                        self.part_heading("background"),
                        self.urls.background_index(),
                    ),
                    (entry.title.as_str(), self.urls.background(key)),
                ],
                Vec::new(),
            ),
        );
        context.insert_value("entry", view);
        context.insert("pagination", &pagination);
        self.write_page(
            page,
            "used_in.html",
            &context,
            &entry.path.display().to_string(),
            sink,
        )
    }
}
