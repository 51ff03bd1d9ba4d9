//! Which articles each list shows: the articles that use a background entry,
//! show a timeline or carry a tag, in the site's order (newest first). Each
//! list has a fingerprint, so a rebuild can tell which lists changed.

use std::collections::{BTreeMap, BTreeSet};

use super::{ARTICLES_PER_PAGE, FEED_LENGTH, Site};
use crate::deps::ListKey;

mod fingerprints;

/// How many newer articles a timeline or a background entry names («Nyere: …»):
/// the latest developments, not the whole archive since.
pub const NEWER_SHOWN: usize = 3;

/// The longest head of a list an article looks at to name the newer ones:
/// those, the article itself, and the first one older than it.
pub const LIST_HEAD_LONGEST: usize = NEWER_SHOWN + 2;

/// The most places of the order one [`ListKey::OrderBlock`] holds.
pub const ORDER_BLOCK: usize = 1000;

/// The lists of a site, as indices into `Site::articles`.
#[derive(Debug, Default, PartialEq)]
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

/// The lists some articles joined or left since the lists were made: by
/// entry key, timeline key, tag slug and person key.
#[derive(Debug, Default)]
pub struct ListsTouched {
    pub entries: BTreeSet<String>,
    pub timelines: BTreeSet<String>,
    pub tags: BTreeSet<String>,
    pub people: BTreeSet<String>,
    /// An article's corrections changed: the list of every correction.
    pub corrections: bool,
    /// The articles that joined or left them, by place in the order.
    pub articles: BTreeSet<usize>,
    /// The places in the order whose article changed (articles moved
    /// within it): the pages of the front page's list there, the feed and
    /// the list of every article.
    pub order: Option<std::ops::Range<usize>>,
    /// The blocks of the order ([`ListKey::OrderBlock`]) those places are in.
    pub blocks: std::ops::Range<usize>,
}

impl ListsTouched {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
            && self.timelines.is_empty()
            && self.tags.is_empty()
            && self.people.is_empty()
            && !self.corrections
            && self.order.is_none()
    }

    /// Takes in that the articles at `span` of `site`'s order changed places.
    pub fn reordered(&mut self, span: std::ops::RangeInclusive<usize>, site: &Site) {
        let (start, end) = (*span.start(), *span.end() + 1);
        let order = match self.order.take() {
            Some(order) => order.start.min(start)..order.end.max(end),
            None => start..end,
        };
        self.blocks = site.order_blocks(order.clone());
        self.order = Some(order);
    }

    /// Whether `key` is one of the touched lists, or one that follows from
    /// them (which timelines and tags have pages, every correction), and is
    /// fingerprinted again by [`Site::touched_fingerprints`].
    pub fn covers(&self, key: &ListKey) -> bool {
        match key {
            ListKey::EntryUsersHead(k, _)
            | ListKey::EntryUsersPage(k, _)
            | ListKey::EntryUsersPages(k) => self.entries.contains(k),
            ListKey::TimelineUsers(k) | ListKey::TimelineUsersHead(k, _) => {
                self.timelines.contains(k)
            }
            ListKey::Tag(k) | ListKey::TagPage(k, _) | ListKey::TagPages(k) => {
                self.tags.contains(k)
            }
            ListKey::QuotesByPage(k, _)
            | ListKey::AuthoredByPage(k, _)
            | ListKey::PersonPages(k) => self.people.contains(k),
            ListKey::Timelines => !self.timelines.is_empty(),
            ListKey::Tags => !self.tags.is_empty(),
            ListKey::Corrections => self.corrections,
            ListKey::Front(n) => self.order.as_ref().is_some_and(|order| {
                let first = ((*n).max(1) - 1) * ARTICLES_PER_PAGE;
                order.start < first + ARTICLES_PER_PAGE && first < order.end
            }),
            ListKey::Feed | ListKey::AllArticles => self.order.is_some(),
            ListKey::OrderBlock(n) => self.blocks.contains(n),
            ListKey::FrontPages | ListKey::ArticleCount | ListKey::Entries | ListKey::People => {
                false
            }
        }
    }
}

impl Site {
    /// How many places one block of the order holds: as many as a sitemap
    /// file lists, at most [`ORDER_BLOCK`].
    fn order_block(&self) -> usize {
        self.config.sitemap_urls_per_file.clamp(1, ORDER_BLOCK)
    }

    /// The block of the order ([`ListKey::OrderBlock`]) that place `place`
    /// is in. Blocks start one place early, as a sitemap file lists the
    /// front page before the articles: each file reads whole blocks.
    pub fn order_block_of(&self, place: usize) -> usize {
        (place + 1) / self.order_block()
    }

    /// The blocks of the order that the places `range` are in.
    pub fn order_blocks(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        if range.is_empty() {
            return 0..0;
        }
        self.order_block_of(range.start)..self.order_block_of(range.end - 1) + 1
    }

    /// The places block `n` of the order holds.
    fn block_places(&self, n: usize) -> std::ops::Range<usize> {
        let (block, len) = (self.order_block(), self.articles.len());
        (n * block).saturating_sub(1).min(len)..((n + 1) * block - 1).min(len)
    }

    pub fn listings(&self) -> Listings {
        let mut lists = Listings::default();
        for index in 0..self.articles.len() {
            self.list_article(index, &mut lists, None);
        }
        lists
    }

    /// Makes the lists `touched` names again, in place, after the articles
    /// in `touched.articles`, which kept their place in the order, joined or
    /// left them: each list keeps its other articles and takes these where
    /// they are now, without a walk over every article.
    pub fn relist(&self, lists: &mut Listings, touched: &ListsTouched) {
        let changed = &touched.articles;
        let mut now = Listings::default();
        for &index in changed.iter().filter(|&&i| i < self.articles.len()) {
            self.list_article(index, &mut now, Some(touched));
        }
        for key in &touched.entries {
            merge_users(&mut lists.entry_users, &mut now.entry_users, key, changed);
        }
        for key in &touched.timelines {
            merge_users(
                &mut lists.timeline_users,
                &mut now.timeline_users,
                key,
                changed,
            );
        }
        for key in &touched.people {
            merge_users(&mut lists.quotes_by, &mut now.quotes_by, key, changed);
            merge_users(&mut lists.authored_by, &mut now.authored_by, key, changed);
        }
        for slug in &touched.tags {
            let kept = lists.tags.remove(slug).map(|(_, users)| users);
            let joined = now.tags.remove(slug).map(|(_, users)| users);
            let users = merged(kept, joined, changed);
            // The tag's name is as the first article that has it writes it;
            // articles out of the lists come after every listed one.
            let first = users.first().copied().or_else(|| {
                (self.listed_count()..self.articles.len())
                    .find(|&i| self.tag_named(i, slug).is_some())
            });
            if let Some(name) = first.and_then(|i| self.tag_named(i, slug)) {
                lists.tags.insert(slug.clone(), (name.to_string(), users));
            }
        }
        debug_assert!(
            *lists == self.listings(),
            "the lists made again differ from those of a build"
        );
    }

    /// The name article `index` shows the tag `slug` with, if it has it.
    fn tag_named(&self, index: usize, slug: &str) -> Option<&str> {
        self.articles[index]
            .tags
            .iter()
            .find(|tag| tag.slug == slug)
            .map(|tag| tag.name.as_str())
    }

    /// Adds article `index` to the lists it is in (of those in `only`, when
    /// given), after the articles before it in the order.
    fn list_article(&self, index: usize, lists: &mut Listings, only: Option<&ListsTouched>) {
        let article = &self.articles[index];
        let wanted = |pick: fn(&ListsTouched) -> &BTreeSet<String>, key: &str| -> bool {
            only.is_none_or(|touched| pick(touched).contains(key))
        };
        let any = |pick: fn(&ListsTouched) -> &BTreeSet<String>| -> bool {
            only.is_none_or(|touched| !pick(touched).is_empty())
        };
        // A timeline keeps its page, and a tag its page, while an
        // expired article still links to them; they just stop listing it.
        if any(|t| &t.timelines)
            && let Some(key) = article.parts.timeline.page_key(&article.slug)
            && wanted(|t| &t.timelines, &key)
        {
            lists.timeline_users.entry(key).or_default().push(index);
        }
        let tags = || {
            article
                .tags
                .iter()
                .filter(|tag| wanted(|t| &t.tags, &tag.slug))
        };
        if !self.publishing.lists(article) {
            for tag in tags() {
                lists
                    .tags
                    .entry(tag.slug.to_string())
                    .or_insert_with(|| (tag.name.to_string(), Vec::new()));
            }
            return;
        }
        for reference in &article.parts.background {
            if !wanted(|t| &t.entries, reference.key.as_str()) {
                continue;
            }
            let users = lists
                .entry_users
                .entry(reference.key.to_string())
                .or_default();
            if users.last() != Some(&index) {
                users.push(index);
            }
        }
        for quote in &article.parts.quotes {
            if let Some(person) = &quote.person
                && wanted(|t| &t.people, &person.key)
            {
                let users = lists.quotes_by.entry(person.key.to_string()).or_default();
                if users.last() != Some(&index) {
                    users.push(index);
                }
            }
        }
        if any(|t| &t.people) {
            for name in self.authors_of(article) {
                if self.people.contains_key(name) && wanted(|t| &t.people, name) {
                    let signed = lists.authored_by.entry(name.clone()).or_default();
                    if signed.last() != Some(&index) {
                        signed.push(index);
                    }
                }
            }
        }
        for tag in tags() {
            let entry = lists
                .tags
                .entry(tag.slug.to_string())
                .or_insert_with(|| (tag.name.to_string(), Vec::new()));
            if entry.1.last() != Some(&index) {
                entry.1.push(index);
            }
        }
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
}

/// Puts the users of list `key` in `lists` together again: those not
/// `changed` as they were, and the changed ones from `now`.
fn merge_users(
    lists: &mut BTreeMap<String, Vec<usize>>,
    now: &mut BTreeMap<String, Vec<usize>>,
    key: &str,
    changed: &BTreeSet<usize>,
) {
    let users = merged(lists.remove(key), now.remove(key), changed);
    if !users.is_empty() {
        lists.insert(key.to_string(), users);
    }
}

/// A list's users in the order: those of `kept` not `changed`, and `joined`.
fn merged(
    kept: Option<Vec<usize>>,
    joined: Option<Vec<usize>>,
    changed: &BTreeSet<usize>,
) -> Vec<usize> {
    let mut users = kept.unwrap_or_default();
    users.retain(|index| !changed.contains(index));
    users.extend(joined.unwrap_or_default());
    users.sort_unstable();
    users.dedup();
    users
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
