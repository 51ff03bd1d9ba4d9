//! What the lists, the links and the set of pages take from one content file.
//! While a save leaves this as it was for every file it touched, the lists
//! (positions in the site's order), their fingerprints, the links and the
//! pages stay as they were, and a save need not work them out again.

use std::collections::BTreeSet;
use std::path::Path;

use crate::parts::quotes::Quote;
use crate::site::index::ListsTouched;
use crate::site::{SharedText, Site};

use super::positions::Positions;

/// One content file as lists, links and the set of pages see it.
#[derive(PartialEq)]
pub(super) struct Shape {
    article: Option<ArticleShape>,
    entry: Option<String>,
    timeline: Option<String>,
    person: Option<String>,
    withheld: bool,
}

/// What of an article lists and the set of pages read: everything that
/// `Site::listings`, `Site::list_fingerprints` and `Renderer::pages` use.
#[derive(PartialEq)]
struct ArticleShape {
    /// Its place in the site's order: lists hold positions.
    index: usize,
    slug: String,
    lists: bool,
    feeds: bool,
    /// The timeline page it shows, if any.
    timeline: Option<String>,
    /// Whether that is a shared timeline's, not the article's own.
    timeline_shared: bool,
    /// Each tag's slug and name as shown.
    tags: Vec<(SharedText, SharedText)>,
    background: Vec<String>,
    /// Quotes from people, which their pages show.
    quotes: Vec<Quote>,
    authors: Vec<String>,
    corrections: Vec<(String, String)>,
    has_updates: bool,
}

impl Shape {
    pub(super) fn of(site: &Site, positions: &Positions, path: &Path) -> Shape {
        let article = positions.get(path).map(|index| {
            let a = &site.articles[index];
            ArticleShape {
                index,
                slug: a.slug.clone(),
                lists: site.publishing.lists(a),
                feeds: site.publishing.feeds(a),
                timeline: a.parts.timeline.page_key(&a.slug),
                timeline_shared: a.parts.timeline.file.is_some(),
                tags: a
                    .tags
                    .iter()
                    .map(|t| (t.slug.clone(), t.name.clone()))
                    .collect(),
                background: a
                    .parts
                    .background
                    .iter()
                    .map(|r| r.key.to_string())
                    .collect(),
                quotes: a
                    .parts
                    .quotes
                    .iter()
                    .filter(|q| q.person.is_some())
                    .cloned()
                    .collect(),
                authors: site.authors_of(a).to_vec(),
                corrections: a
                    .parts
                    .corrections
                    .iter()
                    .map(|c| (c.date.iso(), c.text.clone()))
                    .collect(),
                has_updates: !a.parts.updates.updates.is_empty(),
            }
        });
        Shape {
            article,
            entry: key_of(site.background.values().map(|e| (&e.path, &e.key)), path),
            timeline: key_of(site.timelines.values().map(|t| (&t.path, &t.key)), path),
            person: key_of(site.people.values().map(|p| (&p.path, &p.key)), path),
            withheld: site.withheld.contains_key(path),
        }
    }
}

impl Shape {
    /// Whether `self` differs from `before` only in which lists the article
    /// is in (its tags, background entries, timeline, quotes, authors,
    /// corrections) and its place in the order, with its slug kept; if so,
    /// adds the lists it joined or left (all it is in, when it moved) to
    /// `touched`. Such a change leaves the links as they were, and only those
    /// lists need making again.
    pub(super) fn relisted_from(&self, before: &Shape, touched: &mut ListsTouched) -> bool {
        let (Some(now), Some(was)) = (&self.article, &before.article) else {
            return false;
        };
        let kept = self.entry == before.entry
            && self.timeline == before.timeline
            && self.person == before.person
            && self.withheld == before.withheld
            && now.slug == was.slug
            && now.lists == was.lists
            && now.feeds == was.feeds
            && now.has_updates == was.has_updates;
        if !kept {
            return false;
        }
        let slugs = |tags: &[(SharedText, SharedText)]| -> BTreeSet<(SharedText, SharedText)> {
            tags.iter().cloned().collect()
        };
        touched.tags.extend(
            slugs(&now.tags)
                .symmetric_difference(&slugs(&was.tags))
                .map(|(slug, _)| slug.to_string()),
        );
        touched
            .entries
            .extend(changed(&now.background, &was.background));
        if now.timeline != was.timeline {
            touched
                .timelines
                .extend(now.timeline.iter().chain(&was.timeline).cloned());
        }
        touched.people.extend(changed(&now.authors, &was.authors));
        if now.quotes != was.quotes {
            let speakers = now.quotes.iter().chain(&was.quotes);
            touched.people.extend(
                speakers.filter_map(|quote| quote.person.as_ref().map(|p| p.key.to_string())),
            );
        }
        touched.corrections |= now.corrections != was.corrections;
        if now.index != was.index {
            // Moved in the order: every list it is in has it elsewhere.
            for shape in [now, was] {
                shape.lists_in(touched);
            }
        }
        touched.articles.insert(now.index);
        true
    }
}

impl ArticleShape {
    /// Adds every list the article is in to `touched`.
    fn lists_in(&self, touched: &mut ListsTouched) {
        touched
            .tags
            .extend(self.tags.iter().map(|(slug, _)| slug.to_string()));
        touched.entries.extend(self.background.iter().cloned());
        // Its own timeline lists it alone, wherever it is.
        if self.timeline_shared {
            touched.timelines.extend(self.timeline.iter().cloned());
        }
        touched.people.extend(self.authors.iter().cloned());
        touched.people.extend(
            (self.quotes.iter())
                .filter_map(|quote| quote.person.as_ref().map(|p| p.key.to_string())),
        );
        touched.corrections |= !self.corrections.is_empty();
    }
}

/// The keys in one of `now` and `was` but not in both.
fn changed(now: &[String], was: &[String]) -> Vec<String> {
    let now: BTreeSet<&String> = now.iter().collect();
    let was: BTreeSet<&String> = was.iter().collect();
    now.symmetric_difference(&was)
        .map(|key| (*key).clone())
        .collect()
}

fn key_of<'a>(
    mut files: impl Iterator<Item = (&'a std::path::PathBuf, &'a String)>,
    path: &Path,
) -> Option<String> {
    files.find(|(p, _)| *p == path).map(|(_, key)| key.clone())
}
