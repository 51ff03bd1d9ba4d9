//! What a page is made from. While a page renders, every source it reads is
//! recorded as a [`Dep`]; a rebuild re-renders exactly the pages whose recorded
//! sources changed. Nothing else decides what a change touches.

use std::path::PathBuf;

/// One thing a page read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// A file of the site as read (an article with its body, a static file),
    /// or its absence.
    File(PathBuf),
    /// An article as lists show it: its summary.
    Summary(PathBuf),
    /// Where an article is published, its date, last change and status
    /// (whether feeds carry it): all the news sitemap reads of most articles,
    /// so a save of a title or a lead leaves it alone. The other sitemap
    /// files read these by block of the order ([`ListKey::OrderBlock`]).
    Address(PathBuf),
    /// Where a content file is published, or that it has no page.
    Url(PathBuf),
    /// The background entry with this key, or its absence.
    Entry(String),
    /// The shared timeline with this key, or its absence.
    Timeline(String),
    /// The person with this key, or its absence.
    Person(String),
    /// Which articles a list shows, in which order.
    List(ListKey),
    /// The background entry with this key as other pages show it (its box,
    /// the mentions it links, a topic's link to it): what
    /// `parts::background::entry_view` takes, its aliases and image, or its
    /// absence. Its body, questions and change log are on its own pages only.
    EntryShown(String),
}

/// The lists of articles (and of keys) that pages show.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKey {
    /// Page `n` of the front page's list.
    Front(usize),
    /// How many pages the front page's list has.
    FrontPages,
    /// The newest articles, which the feed carries.
    Feed,
    /// Every article, in order.
    AllArticles,
    /// The articles with a tag, by the tag's slug (and the tag's name).
    Tag(String),
    /// Page `n` of a tag's list (and the tag's name), by the tag's slug.
    TagPage(String, usize),
    /// How many pages a tag's list has, by the tag's slug.
    TagPages(String),
    /// The first `n` articles that use a background entry (all of them when
    /// fewer, which is read too): what an article's background box looks at
    /// to name the newer ones.
    EntryUsersHead(String, usize),
    /// Page `n` of the list of articles that use a background entry: on the
    /// entry's page (page 1) and on its further pages.
    EntryUsersPage(String, usize),
    /// How many pages the list of an entry's articles has.
    EntryUsersPages(String),
    /// The articles that show a timeline.
    TimelineUsers(String),
    /// The first `n` articles that show a timeline (all of them when fewer):
    /// what an article's timeline looks at to name the newer ones.
    TimelineUsersHead(String, usize),
    /// Which background entries there are.
    Entries,
    /// Which timelines have a page.
    Timelines,
    /// Which tags have a page.
    Tags,
    /// Every correction on the site, with the article it is in.
    Corrections,
    /// Page `n` of a person's quotes, in the order their page shows them.
    QuotesByPage(String, usize),
    /// Page `n` of the articles a person signs.
    AuthoredByPage(String, usize),
    /// How many pages a person's page takes.
    PersonPages(String),
    /// Which people there are.
    People,
    /// How many articles there are.
    ArticleCount,
    /// Block `n` of the order (`Site::order_block_of`): the articles at
    /// some stretch of places, in that order, with what [`Dep::Address`]
    /// stands for of each. A page listing a long stretch of the order (a
    /// sitemap file) reads the blocks it shows instead of every article's
    /// address, so a move or a new date elsewhere leaves it alone. A save
    /// that changes an article's address counts as a change of its block.
    OrderBlock(usize),
}

/// The sources one page read, in the order read (duplicates are harmless). A
/// build, which keeps no record, renders with recording off, so what is never
/// kept is never made.
#[derive(Debug, Clone, Default)]
pub struct Deps {
    on: bool,
    list: Vec<Dep>,
    /// Files the page published besides itself (its images' variants), so a
    /// rebuild can remove those no page publishes any more.
    published: Vec<String>,
}

impl Deps {
    /// A record that keeps what is added to it.
    pub fn recording() -> Deps {
        Deps {
            on: true,
            list: Vec::new(),
            published: Vec::new(),
        }
    }

    /// A record that keeps nothing.
    pub fn off() -> Deps {
        Deps::default()
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    pub fn push(&mut self, dep: Dep) {
        if self.on {
            self.list.push(dep);
        }
    }

    /// Adds what `make` makes, made only when the record is kept.
    pub fn add(&mut self, make: impl FnOnce() -> Dep) {
        if self.on {
            self.list.push(make());
        }
    }

    pub fn extend(&mut self, deps: impl IntoIterator<Item = Dep>) {
        if self.on {
            self.list.extend(deps);
        }
    }

    /// Adds everything `other` recorded, what it read and what it
    /// published: a part of the page recorded on its own (a figure in the
    /// body) is the page's as much as the rest.
    pub fn append(&mut self, other: Deps) {
        if self.on {
            self.list.extend(other.list);
            self.published.extend(other.published);
        }
    }

    /// Records a file the page published besides itself.
    pub fn publish(&mut self, path: &str) {
        if self.on {
            self.published.push(path.to_string());
        }
    }

    /// The files the page published besides itself.
    pub fn published(&self) -> &[String] {
        &self.published
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Dep> {
        self.list.iter()
    }

    pub fn into_vec(self) -> Vec<Dep> {
        self.list
    }
}
