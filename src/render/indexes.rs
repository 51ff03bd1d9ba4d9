//! The pages that lead a reader in: teasers as every list shows them, the
//! index of topics (`/emne/`) and of shared timelines (`/tidslinje/`), and
//! the 404 page with the latest explainers.

use serde::Serialize;
use tera::Value;

use super::views::with_fields;
use super::{Page, Renderer};
use crate::content::BackgroundEntry;
use crate::deps::{Dep, Deps, ListKey};
use crate::diagnostics::Diagnostic;
use crate::images::Loading;
use crate::markdown::typography::typeset;
use crate::output::Sink;

/// How wide a teaser's image is shown: a column beside the text on wide
/// screens, the whole width on phones (see `.teaser-image` in style.css).
const TEASER_IMAGE_SIZES: &str = "(min-width: 40rem) 12rem, 100vw";

/// How many of the latest explainers the 404 page offers.
const NOT_FOUND_LATEST: usize = 5;

#[derive(Serialize)]
struct TopicView {
    name: String,
    url: String,
    count: usize,
    /// «3 artikler».
    count_text: String,
}

#[derive(Serialize)]
struct TimelineIndexView {
    title: String,
    url: String,
    count: usize,
    /// «13 hendelser».
    count_text: String,
}

impl Renderer<'_> {
    /// The articles of a list as teasers: each summary with its lead image,
    /// made small, where the article has one.
    pub(super) fn teasers(
        &self,
        key: ListKey,
        indices: &[usize],
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Value {
        deps.add(|| Dep::List(key));
        let teasers = indices.iter().map(|&i| {
            let summary = self.summary(i, deps);
            let article = &self.site.articles[i];
            let Some(image) = &article.image else {
                return summary;
            };
            // A problem with the image is the article page's to report.
            match self.image_view_sized(
                image,
                Loading::Lazy,
                Some(TEASER_IMAGE_SIZES),
                Some(sink),
                deps,
            ) {
                Ok(view) => {
                    with_fields(summary, [("teaser_image", Value::from_serializable(&view))])
                }
                Err(_) => summary,
            }
        });
        Value::from(teasers.collect::<Vec<_>>())
    }

    /// The background entry a topic is about: one whose title or alias is the
    /// tag's name, letter case aside. Every entry looked at is recorded.
    pub(super) fn entry_for_topic(&self, name: &str, deps: &mut Deps) -> Option<&BackgroundEntry> {
        deps.add(|| Dep::List(ListKey::Entries));
        let name = name.trim().to_lowercase();
        self.site.background.values().find(|entry| {
            deps.add(|| Dep::EntryShown(entry.key.clone()));
            std::iter::once(&entry.title)
                .chain(&entry.aliases)
                .any(|written| written.trim().to_lowercase() == name)
        })
    }

    pub(super) fn topics_page(
        &self,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        deps.add(|| Dep::List(ListKey::Tags));
        let labels = self.urls.language.labels();
        let mut topics: Vec<TopicView> = self
            .listings
            .tags
            .iter()
            .map(|(slug, (name, users))| {
                deps.add(|| Dep::List(ListKey::Tag(slug.clone())));
                let count = users.len();
                let word = if count == 1 {
                    labels.article_count_one
                } else {
                    labels.article_count_many
                };
                TopicView {
                    name: typeset(name, self.urls.language),
                    url: self.urls.tag(name),
                    count,
                    count_text: format!("{count} {word}"),
                }
            })
            // A tag whose articles have all left the lists keeps its page, but
            // has nothing to offer here.
            .filter(|topic| topic.count > 0)
            .collect();
        topics.sort_by_cached_key(|topic| alphabetical(&topic.name));
        let mut context = self.context();
        context.insert(
            "seo",
            &self.seo(
                labels.tags,
                labels.topics_description,
                &self.urls.tag_index(),
                &[],
                Vec::new(),
            ),
        );
        context.insert("topics", &topics);
        self.write_page(page, "topics.html", &context, "the list of topics", sink)
    }

    pub(super) fn timelines_page(
        &self,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        deps.add(|| Dep::List(ListKey::Timelines));
        let labels = self.urls.language.labels();
        let mut timelines = Vec::new();
        for (key, users) in &self.listings.timeline_users {
            // Only shared timelines are listed, and only they are recorded:
            // on a large site every article's own timeline is a key here.
            // An article's own timeline never has a shared one's key (that is
            // an error), and a key that becomes or stops being a shared one
            // marks this list as read (`incremental::changes`).
            let Some(shared) = self.site.timelines.get(key) else {
                continue;
            };
            deps.add(|| Dep::Timeline(key.clone()));
            deps.add(|| Dep::List(ListKey::TimelineUsers(key.clone())));
            // Live updates marked for the timeline count, as its page shows them.
            let mut count = shared.events.len();
            for article in users.iter().map(|&i| &self.site.articles[i]) {
                if article
                    .parts
                    .timeline
                    .file
                    .as_ref()
                    .is_some_and(|r| &r.key == key)
                {
                    deps.add(|| Dep::File(article.path.clone()));
                    count += article.parts.timeline.events.len();
                }
            }
            let word = if count == 1 {
                labels.event
            } else {
                labels.events
            };
            timelines.push(TimelineIndexView {
                title: typeset(&shared.title, self.urls.language),
                url: self.urls.timeline(key),
                count,
                count_text: format!("{count} {word}"),
            });
        }
        timelines.sort_by_cached_key(|timeline| alphabetical(&timeline.title));
        let mut context = self.context();
        context.insert(
            "seo",
            &self.seo(
                labels.all_timelines,
                labels.timelines_description,
                &self.urls.timeline_index(),
                &[],
                Vec::new(),
            ),
        );
        context.insert("timelines", &timelines);
        self.write_page(
            page,
            "timelines.html",
            &context,
            "the list of timelines",
            sink,
        )
    }

    /// The 404 page, which offers the latest explainers instead of a dead end.
    pub(super) fn not_found_page(
        &self,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        let latest: Vec<usize> = self.site.index_page(1).take(NOT_FOUND_LATEST).collect();
        let mut context = self.context();
        context.insert_value(
            "articles",
            self.teasers(ListKey::Front(1), &latest, sink, deps),
        );
        self.write_page(page, "404.html", &context, "the 404 page", sink)
    }
}

/// A sort key in the Norwegian alphabet, which ends «… z æ ø å»; English
/// has no such letters, so the order serves both.
fn alphabetical(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' | 'ä' => '\u{7b}',
            'ø' | 'ö' => '\u{7c}',
            'å' => '\u{7d}',
            c => c,
        })
        .collect()
}
