//! The fingerprints of the lists: which articles each list shows, in which
//! order, hashed, so a rebuild can tell which lists changed.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::{LIST_HEAD_LONGEST, Listings, ListsTouched, page_count, page_slice};
use crate::deps::ListKey;
use crate::site::Site;

impl Site {
    /// A fingerprint of every list pages show: which articles (by file), in
    /// which order. Two fingerprints differ where a list changed.
    pub fn list_fingerprints(&self, lists: &Listings) -> HashMap<ListKey, u64> {
        let prints = Prints { site: self, lists };
        let of = |indices: &mut dyn Iterator<Item = usize>| prints.of(indices);
        let mut out = HashMap::new();
        for n in 1..=self.index_page_count() {
            out.insert(ListKey::Front(n), of(&mut self.index_page(n)));
        }
        out.insert(ListKey::FrontPages, self.index_page_count() as u64);
        out.insert(ListKey::Feed, of(&mut self.feed_articles()));
        out.insert(ListKey::AllArticles, of(&mut (0..self.articles.len())));
        out.insert(ListKey::ArticleCount, self.articles.len() as u64);
        prints.blocks(self.order_blocks(0..self.articles.len()), &mut out);
        let entries: BTreeSet<&String> = self
            .background
            .keys()
            .chain(lists.entry_users.keys())
            .collect();
        for key in entries {
            prints.entry(key, &mut out);
        }
        for key in lists.timeline_users.keys() {
            prints.timeline(key, &mut out);
        }
        for slug in lists.tags.keys() {
            prints.tag(slug, &mut out);
        }
        for key in self.people.keys() {
            prints.person(key, &mut out);
        }
        out.insert(
            ListKey::Entries,
            fingerprint(&self.background.keys().collect::<Vec<_>>()),
        );
        out.insert(
            ListKey::People,
            fingerprint(&self.people.keys().collect::<Vec<_>>()),
        );
        prints.shared(None, &mut out);
        out
    }

    /// The fingerprints of the lists `touched` names and of those that
    /// follow from them ([`ListsTouched::covers`]), as
    /// [`Site::list_fingerprints`] makes them; a list not among them is gone.
    pub fn touched_fingerprints(
        &self,
        lists: &Listings,
        touched: &ListsTouched,
    ) -> HashMap<ListKey, u64> {
        let prints = Prints { site: self, lists };
        let mut out = HashMap::new();
        for key in &touched.entries {
            prints.entry(key, &mut out);
        }
        for key in &touched.timelines {
            prints.timeline(key, &mut out);
        }
        for slug in &touched.tags {
            prints.tag(slug, &mut out);
        }
        for key in &touched.people {
            prints.person(key, &mut out);
        }
        prints.shared(Some(touched), &mut out);
        if touched.order.is_some() {
            let of = |indices: &mut dyn Iterator<Item = usize>| prints.of(indices);
            for n in 1..=self.index_page_count() {
                if touched.covers(&ListKey::Front(n)) {
                    out.insert(ListKey::Front(n), of(&mut self.index_page(n)));
                }
            }
            out.insert(ListKey::Feed, of(&mut self.feed_articles()));
            out.insert(ListKey::AllArticles, of(&mut (0..self.articles.len())));
        }
        prints.blocks(touched.blocks.clone(), &mut out);
        out
    }
}

/// Fingerprints of lists, one kind of list at a time: each method adds the
/// fingerprints of one key's lists, and none for a key without them.
struct Prints<'a> {
    site: &'a Site,
    lists: &'a Listings,
}

impl Prints<'_> {
    fn of(&self, indices: &mut dyn Iterator<Item = usize>) -> u64 {
        let mut hasher = DefaultHasher::new();
        for index in indices {
            self.site.articles[index].path_print.hash(&mut hasher);
        }
        hasher.finish()
    }

    /// The fingerprints of the blocks of the order `blocks`.
    fn blocks(&self, blocks: std::ops::Range<usize>, out: &mut HashMap<ListKey, u64>) {
        for n in blocks {
            let places = self.site.block_places(n);
            out.insert(ListKey::OrderBlock(n), self.of(&mut places.into_iter()));
        }
    }

    /// Articles read only the head of a list of users, so a change further
    /// down renders none of them again.
    fn heads(&self, users: &[usize]) -> [u64; LIST_HEAD_LONGEST] {
        let mut hasher = DefaultHasher::new();
        std::array::from_fn(|at| {
            if let Some(&index) = users.get(at) {
                self.site.articles[index].path_print.hash(&mut hasher);
            }
            hasher.finish()
        })
    }

    fn entry(&self, key: &str, out: &mut HashMap<ListKey, u64>) {
        let users = self.lists.entry_users.get(key);
        if let Some(users) = users {
            for (at, print) in self.heads(users).into_iter().enumerate() {
                out.insert(ListKey::EntryUsersHead(key.to_string(), at + 1), print);
            }
        }
        // Every entry has a first page, used or not: an entry's page reads it.
        if !self.site.background.contains_key(key) {
            return;
        }
        let users = users.map_or(&[][..], Vec::as_slice);
        out.insert(
            ListKey::EntryUsersPages(key.to_string()),
            page_count(users.len()) as u64,
        );
        for n in 1..=page_count(users.len()) {
            out.insert(
                ListKey::EntryUsersPage(key.to_string(), n),
                self.of(&mut page_slice(users, n).iter().copied()),
            );
        }
    }

    fn timeline(&self, key: &str, out: &mut HashMap<ListKey, u64>) {
        let Some(users) = self.lists.timeline_users.get(key) else {
            return;
        };
        out.insert(
            ListKey::TimelineUsers(key.to_string()),
            self.of(&mut users.iter().copied()),
        );
        // Only a shared timeline names newer articles; an article's own
        // timeline has one user.
        if !self.site.timelines.contains_key(key) {
            return;
        }
        for (at, print) in self.heads(users).into_iter().enumerate() {
            out.insert(ListKey::TimelineUsersHead(key.to_string(), at + 1), print);
        }
    }

    fn tag(&self, slug: &str, out: &mut HashMap<ListKey, u64>) {
        let Some((name, users)) = self.lists.tags.get(slug) else {
            return;
        };
        let mut hasher = DefaultHasher::new();
        name.hash(&mut hasher);
        self.of(&mut users.iter().copied()).hash(&mut hasher);
        out.insert(ListKey::Tag(slug.to_string()), hasher.finish());
        out.insert(
            ListKey::TagPages(slug.to_string()),
            page_count(users.len()) as u64,
        );
        // Each page shows the tag's name too.
        for n in 1..=page_count(users.len()) {
            let mut hasher = DefaultHasher::new();
            name.hash(&mut hasher);
            self.of(&mut page_slice(users, n).iter().copied())
                .hash(&mut hasher);
            out.insert(ListKey::TagPage(slug.to_string(), n), hasher.finish());
        }
    }

    fn person(&self, key: &str, out: &mut HashMap<ListKey, u64>) {
        if !self.site.people.contains_key(key) {
            return;
        }
        let quotes = self.site.quotes_in_order(key, self.lists);
        let signed = self
            .lists
            .authored_by
            .get(key)
            .map_or(&[][..], Vec::as_slice);
        let pages = page_count(quotes.len()).max(page_count(signed.len()));
        out.insert(ListKey::PersonPages(key.to_string()), pages as u64);
        for n in 1..=pages {
            let mut hasher = DefaultHasher::new();
            for &(index, q) in page_slice(&quotes, n) {
                let article = &self.site.articles[index];
                article.path.hash(&mut hasher);
                format!("{:?}", article.parts.quotes[q]).hash(&mut hasher);
            }
            out.insert(ListKey::QuotesByPage(key.to_string(), n), hasher.finish());
            out.insert(
                ListKey::AuthoredByPage(key.to_string(), n),
                self.of(&mut page_slice(signed, n).iter().copied()),
            );
        }
    }

    /// Which timelines and tags have pages, and every correction: lists
    /// that follow from the others, each when `touched` (all when `None`)
    /// may have changed it.
    fn shared(&self, touched: Option<&ListsTouched>, out: &mut HashMap<ListKey, u64>) {
        if touched.is_none_or(|t| !t.timelines.is_empty()) {
            out.insert(
                ListKey::Timelines,
                fingerprint(&self.lists.timeline_users.keys().collect::<Vec<_>>()),
            );
        }
        if touched.is_none_or(|t| !t.tags.is_empty()) {
            out.insert(
                ListKey::Tags,
                fingerprint(&self.lists.tags.keys().collect::<Vec<_>>()),
            );
        }
        if touched.is_none_or(|t| t.corrections) {
            let mut corrections = DefaultHasher::new();
            for article in &self.site.articles {
                for correction in &article.parts.corrections {
                    article.path.hash(&mut corrections);
                    correction.date.iso().hash(&mut corrections);
                    correction.text.hash(&mut corrections);
                }
            }
            out.insert(ListKey::Corrections, corrections.finish());
        }
    }
}

fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
