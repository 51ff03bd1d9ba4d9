//! What the lists, the links and the set of pages take from one content file.
//! While a save leaves this as it was for every file it touched, the lists
//! (positions in the site's order), their fingerprints, the links and the
//! pages stay as they were, and a save need not work them out again.

use std::path::Path;

use crate::parts::quotes::Quote;
use crate::site::Site;

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
    /// Each tag's slug and name as shown.
    tags: Vec<(String, String)>,
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
                tags: a
                    .tags
                    .iter()
                    .map(|t| (t.slug.clone(), t.name.clone()))
                    .collect(),
                background: a.parts.background.iter().map(|r| r.key.clone()).collect(),
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

fn key_of<'a>(
    mut files: impl Iterator<Item = (&'a std::path::PathBuf, &'a String)>,
    path: &Path,
) -> Option<String> {
    files.find(|(p, _)| *p == path).map(|(_, key)| key.clone())
}
