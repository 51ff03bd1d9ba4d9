//! Which articles each list shows: the articles that use a background entry,
//! show a timeline or carry a tag, in the site's order (newest first). Each
//! list has a fingerprint, so a rebuild can tell which lists changed.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::{ARTICLES_PER_PAGE, FEED_LENGTH, Site};
use crate::deps::ListKey;

/// The lists of a site, as indices into `Site::articles`.
#[derive(Debug, Default)]
pub struct Listings {
    pub entry_users: BTreeMap<String, Vec<usize>>,
    /// Every timeline that has a page, with the articles that show it.
    pub timeline_users: BTreeMap<String, Vec<usize>>,
    /// Tag slug → the tag as first written, and its articles.
    pub tags: BTreeMap<String, (String, Vec<usize>)>,
    /// Person key → the articles quoting them.
    pub quotes_by: BTreeMap<String, Vec<usize>>,
    /// Person key → the articles they sign (the site's authors included).
    pub authored_by: BTreeMap<String, Vec<usize>>,
}

impl Site {
    pub fn listings(&self) -> Listings {
        let mut lists = Listings::default();
        for (index, article) in self.articles.iter().enumerate() {
            // A timeline keeps its page, and a tag its page, while an
            // expired article still links to them; they just stop listing it.
            if let Some(key) = article.parts.timeline.page_key(&article.slug) {
                lists.timeline_users.entry(key).or_default().push(index);
            }
            if !self.publishing.lists(article) {
                for tag in &article.tags {
                    lists
                        .tags
                        .entry(tag.slug.clone())
                        .or_insert_with(|| (tag.name.clone(), Vec::new()));
                }
                continue;
            }
            for reference in &article.parts.background {
                let users = lists.entry_users.entry(reference.key.clone()).or_default();
                if users.last() != Some(&index) {
                    users.push(index);
                }
            }
            for quote in &article.parts.quotes {
                if let Some(person) = &quote.person {
                    let users = lists.quotes_by.entry(person.key.clone()).or_default();
                    if users.last() != Some(&index) {
                        users.push(index);
                    }
                }
            }
            for name in self.authors_of(article) {
                if self.people.contains_key(name) {
                    let signed = lists.authored_by.entry(name.clone()).or_default();
                    if signed.last() != Some(&index) {
                        signed.push(index);
                    }
                }
            }
            for tag in &article.tags {
                let entry = lists
                    .tags
                    .entry(tag.slug.clone())
                    .or_insert_with(|| (tag.name.clone(), Vec::new()));
                if entry.1.last() != Some(&index) {
                    entry.1.push(index);
                }
            }
        }
        lists
    }

    /// The names or person keys an article is signed with.
    pub fn authors_of<'a>(&'a self, article: &'a super::Article) -> &'a [String] {
        article.authors.as_deref().unwrap_or(&self.config.authors)
    }

    /// How many pages the front page's list has (at least one, even when empty).
    pub fn index_page_count(&self) -> usize {
        self.listed_count().div_ceil(ARTICLES_PER_PAGE).max(1)
    }

    /// The articles page `n` (from 1) of the front page's list shows.
    pub fn index_page(&self, n: usize) -> std::ops::Range<usize> {
        let first = (n.max(1) - 1) * ARTICLES_PER_PAGE;
        let listed = self.listed_count();
        first.min(listed)..(first + ARTICLES_PER_PAGE).min(listed)
    }

    /// How many articles lists show: those first in the order, since
    /// articles that left the lists are sorted last.
    pub fn listed_count(&self) -> usize {
        self.articles
            .partition_point(|article| self.publishing.lists(article))
    }

    /// The articles the feed carries.
    pub fn feed_articles(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.articles.len())
            .filter(|&i| self.publishing.feeds(&self.articles[i]))
            .take(FEED_LENGTH)
    }

    /// A fingerprint of every list pages show: which articles (by file), in
    /// which order. Two fingerprints differ where a list changed.
    pub fn list_fingerprints(&self, lists: &Listings) -> HashMap<ListKey, u64> {
        let article_hashes: Vec<u64> = self.articles.iter().map(|a| fingerprint(&a.path)).collect();
        let of = |indices: &mut dyn Iterator<Item = usize>| -> u64 {
            let mut hasher = DefaultHasher::new();
            for index in indices {
                article_hashes[index].hash(&mut hasher);
            }
            hasher.finish()
        };
        let mut prints = HashMap::new();
        for n in 1..=self.index_page_count() {
            prints.insert(ListKey::Front(n), of(&mut self.index_page(n)));
        }
        prints.insert(ListKey::FrontPages, self.index_page_count() as u64);
        prints.insert(ListKey::Feed, of(&mut self.feed_articles()));
        prints.insert(ListKey::AllArticles, of(&mut (0..self.articles.len())));
        for (key, users) in &lists.entry_users {
            prints.insert(
                ListKey::EntryUsers(key.clone()),
                of(&mut users.iter().copied()),
            );
        }
        for (key, users) in &lists.timeline_users {
            prints.insert(
                ListKey::TimelineUsers(key.clone()),
                of(&mut users.iter().copied()),
            );
        }
        for (slug, (name, users)) in &lists.tags {
            let mut hasher = DefaultHasher::new();
            name.hash(&mut hasher);
            of(&mut users.iter().copied()).hash(&mut hasher);
            prints.insert(ListKey::Tag(slug.clone()), hasher.finish());
        }
        prints.insert(
            ListKey::Entries,
            fingerprint(&self.background.keys().collect::<Vec<_>>()),
        );
        prints.insert(
            ListKey::Timelines,
            fingerprint(&lists.timeline_users.keys().collect::<Vec<_>>()),
        );
        for (key, users) in &lists.quotes_by {
            // The quotes themselves are shown, so they are part of the list.
            let mut hasher = DefaultHasher::new();
            for &index in users {
                let article = &self.articles[index];
                article.path.hash(&mut hasher);
                for quote in &article.parts.quotes {
                    if quote.person.as_ref().is_some_and(|p| &p.key == key) {
                        format!("{quote:?}").hash(&mut hasher);
                    }
                }
            }
            prints.insert(ListKey::QuotesBy(key.clone()), hasher.finish());
        }
        for (key, users) in &lists.authored_by {
            prints.insert(
                ListKey::AuthoredBy(key.clone()),
                of(&mut users.iter().copied()),
            );
        }
        prints.insert(
            ListKey::People,
            fingerprint(&self.people.keys().collect::<Vec<_>>()),
        );
        let mut corrections = DefaultHasher::new();
        for article in &self.articles {
            for correction in &article.parts.corrections {
                article.path.hash(&mut corrections);
                correction.date.iso().hash(&mut corrections);
                correction.text.hash(&mut corrections);
            }
        }
        prints.insert(ListKey::Corrections, corrections.finish());
        prints.insert(
            ListKey::Tags,
            fingerprint(&lists.tags.keys().collect::<Vec<_>>()),
        );
        prints
    }
}

fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
