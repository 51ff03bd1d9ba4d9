//! Which articles each list shows: the articles that use a background entry,
//! show a timeline or carry a tag, in the site's order (newest first). Each
//! list has a fingerprint, so a rebuild can tell which lists changed.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::{ARTICLES_PER_PAGE, FEED_LENGTH, Site};
use crate::deps::ListKey;

/// How many newer articles a timeline or a background entry names («Nyere: …»):
/// the latest developments, not the whole archive since.
pub const NEWER_SHOWN: usize = 3;

/// The longest head of a list an article looks at to name the newer ones:
/// those, the article itself, and the first one older than it.
pub const LIST_HEAD_LONGEST: usize = NEWER_SHOWN + 2;

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

    /// The quotes from the person `key` in the order their page shows them:
    /// newest first by the date each was said, else its article's date, as
    /// (article, quote) indices.
    pub fn quotes_in_order(&self, key: &str, lists: &Listings) -> Vec<(usize, usize)> {
        let users = lists.quotes_by.get(key).map_or(&[][..], Vec::as_slice);
        let mut quotes = Vec::new();
        for &index in users {
            let article = &self.articles[index];
            for (q, quote) in article.parts.quotes.iter().enumerate() {
                if quote.person.as_ref().is_some_and(|p| p.key == key) {
                    quotes.push((quote.date.unwrap_or(article.date), index, q));
                }
            }
        }
        quotes.sort_by(|a, b| b.0.chronological(&a.0));
        quotes.into_iter().map(|(_, i, q)| (i, q)).collect()
    }

    /// How many pages a person's page takes: their quotes and the articles
    /// they sign, 50 of each a page.
    pub fn person_page_count(&self, key: &str, lists: &Listings) -> usize {
        let quotes: usize = lists.quotes_by.get(key).map_or(0, |users| {
            users
                .iter()
                .flat_map(|&i| &self.articles[i].parts.quotes)
                .filter(|quote| quote.person.as_ref().is_some_and(|p| p.key == key))
                .count()
        });
        let signed = lists.authored_by.get(key).map_or(0, Vec::len);
        page_count(quotes).max(page_count(signed))
    }

    /// How many pages the front page's list has (at least one, even when empty).
    pub fn index_page_count(&self) -> usize {
        page_count(self.listed_count())
    }

    /// The articles page `n` (from 1) of the front page's list shows.
    pub fn index_page(&self, n: usize) -> std::ops::Range<usize> {
        page_range(self.listed_count(), n)
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
        // Articles read only the head of these lists, so a change further
        // down renders none of them again.
        let heads = |users: &[usize]| -> [u64; LIST_HEAD_LONGEST] {
            let mut hasher = DefaultHasher::new();
            std::array::from_fn(|at| {
                if let Some(&index) = users.get(at) {
                    article_hashes[index].hash(&mut hasher);
                }
                hasher.finish()
            })
        };
        for (key, users) in &lists.entry_users {
            for (at, print) in heads(users).into_iter().enumerate() {
                prints.insert(ListKey::EntryUsersHead(key.clone(), at + 1), print);
            }
        }
        for (key, users) in &lists.timeline_users {
            prints.insert(
                ListKey::TimelineUsers(key.clone()),
                of(&mut users.iter().copied()),
            );
            for (at, print) in heads(users).into_iter().enumerate() {
                prints.insert(ListKey::TimelineUsersHead(key.clone(), at + 1), print);
            }
        }
        // Every entry has a first page, used or not: an entry's page reads it.
        for key in self.background.keys() {
            let users = lists.entry_users.get(key).map_or(&[][..], Vec::as_slice);
            prints.insert(
                ListKey::EntryUsersPages(key.clone()),
                page_count(users.len()) as u64,
            );
            for n in 1..=page_count(users.len()) {
                prints.insert(
                    ListKey::EntryUsersPage(key.clone(), n),
                    of(&mut page_slice(users, n).iter().copied()),
                );
            }
        }
        for (slug, (name, users)) in &lists.tags {
            let mut hasher = DefaultHasher::new();
            name.hash(&mut hasher);
            of(&mut users.iter().copied()).hash(&mut hasher);
            prints.insert(ListKey::Tag(slug.clone()), hasher.finish());
            prints.insert(
                ListKey::TagPages(slug.clone()),
                page_count(users.len()) as u64,
            );
            // Each page shows the tag's name too.
            for n in 1..=page_count(users.len()) {
                let mut hasher = DefaultHasher::new();
                name.hash(&mut hasher);
                of(&mut page_slice(users, n).iter().copied()).hash(&mut hasher);
                prints.insert(ListKey::TagPage(slug.clone(), n), hasher.finish());
            }
        }
        prints.insert(
            ListKey::Entries,
            fingerprint(&self.background.keys().collect::<Vec<_>>()),
        );
        prints.insert(
            ListKey::Timelines,
            fingerprint(&lists.timeline_users.keys().collect::<Vec<_>>()),
        );
        for key in self.people.keys() {
            let quotes = self.quotes_in_order(key, lists);
            let signed = lists.authored_by.get(key).map_or(&[][..], Vec::as_slice);
            let pages = page_count(quotes.len()).max(page_count(signed.len()));
            prints.insert(ListKey::PersonPages(key.clone()), pages as u64);
            for n in 1..=pages {
                let mut hasher = DefaultHasher::new();
                for &(index, q) in page_slice(&quotes, n) {
                    let article = &self.articles[index];
                    article.path.hash(&mut hasher);
                    format!("{:?}", article.parts.quotes[q]).hash(&mut hasher);
                }
                prints.insert(ListKey::QuotesByPage(key.clone(), n), hasher.finish());
                prints.insert(
                    ListKey::AuthoredByPage(key.clone(), n),
                    of(&mut page_slice(signed, n).iter().copied()),
                );
            }
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

/// How many pages a list of `len` articles takes, [`ARTICLES_PER_PAGE`] a
/// page: at least one, even when the list is empty.
pub fn page_count(len: usize) -> usize {
    len.div_ceil(ARTICLES_PER_PAGE).max(1)
}

/// The positions in a list of `len` that its page `n` (from 1) shows;
/// empty past the end.
pub fn page_range(len: usize, n: usize) -> std::ops::Range<usize> {
    let first = ((n.max(1) - 1) * ARTICLES_PER_PAGE).min(len);
    first..(first + ARTICLES_PER_PAGE).min(len)
}

/// The part of a list that its page `n` (from 1) shows; empty past the end.
pub fn page_slice<T>(list: &[T], n: usize) -> &[T] {
    &list[page_range(list.len(), n)]
}

fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
