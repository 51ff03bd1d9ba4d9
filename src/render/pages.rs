//! Every page and file the site publishes, where each is written, and what it
//! is made from: one table, used by the renderer and the rebuild alike.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::Renderer;
use super::corrections::CORRECTIONS_FEED;
use super::feeds::{FEED_FILE, SITEMAP_FILE};
use super::news::NEWS_SITEMAP_FILE;
use crate::site::Article;

/// Published by forklar where a site has no `static/robots.txt` of its own.
pub const ROBOTS_FILE: &str = "robots.txt";

/// One page or file of the published site; the unit that rebuilds re-render.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    /// A page of the front page's list of articles, from 1: page 1 is the front page.
    Index(usize),
    NotFound,
    BackgroundIndex,
    /// The Atom feed of the newest articles.
    Feed,
    /// `sitemap.xml` (every address, or the index of the parts) and
    /// `robots.txt`, which names it.
    Sitemap,
    /// Part `n` (from 1) of the sitemap index, while one file cannot hold
    /// every address.
    SitemapPart(usize),
    /// `news-sitemap.xml`, the articles of the last 48 hours.
    NewsSitemap,
    /// The theme's stylesheet and script.
    Assets,
    /// The theme's favicon and touch icon, less those the site brings in `static/`.
    Icons,
    /// The index of every topic (tag), `/emne/`.
    Topics,
    /// The index of every shared timeline, `/tidslinje/`.
    Timelines,
    /// An article, by slug.
    Article(String),
    /// A background entry's page, by key.
    Background(String),
    /// A timeline's page, by key (a shared timeline's, or the article slug).
    Timeline(String),
    /// A tag's page, by the tag's slug.
    Tag(String),
    /// A further page (from 2) of a tag's list, by the tag's slug.
    TagPage(String, usize),
    /// A further page (from 2) of the list of articles that use a background
    /// entry, by the entry's key; the first is on the entry's own page.
    UsedIn(String, usize),
    /// A file from `static/`, relative to it.
    Static(PathBuf),
    /// The corrections archive's first page and its feed.
    Corrections,
    /// A further page (from 2) of the corrections archive.
    CorrectionsPage(usize),
    /// A person's page, by key.
    Person(String),
    /// A further page (from 2) of a person's quotes and signed articles, by key.
    PersonPage(String, usize),
    /// The script live articles load, published while any article is live.
    LiveScript,
    /// A live article's feed of its updates and its `updates.json`, by the
    /// article's slug: a page of its own, so the files go when the updates do.
    Updates(String),
    /// The search page and its script (the index is written after every
    /// page, from them: see [`crate::search`]).
    Search,
}

/// A stretch of [`Renderer::pages`]: pages listed, or one for every article
/// or every timeline, made from the site when they are rendered.
pub(super) enum PageRun<'s> {
    Listed(Vec<Page>),
    /// `Page::Article` for every article, in the site's order.
    Articles,
    /// `Page::Timeline` for each of these keys.
    Timelines(Vec<&'s str>),
}

impl PageRun<'_> {
    pub(super) fn len(&self, articles: usize) -> usize {
        match self {
            PageRun::Listed(pages) => pages.len(),
            PageRun::Articles => articles,
            PageRun::Timelines(keys) => keys.len(),
        }
    }

    /// Page `i` of the run: borrowed where listed, made where not.
    pub(super) fn page<'p>(&'p self, articles: &[Article], i: usize) -> Cow<'p, Page> {
        match self {
            PageRun::Listed(pages) => Cow::Borrowed(&pages[i]),
            PageRun::Articles => Cow::Owned(Page::Article(articles[i].slug.clone())),
            PageRun::Timelines(keys) => Cow::Owned(Page::Timeline(keys[i].to_string())),
        }
    }
}

impl Renderer<'_> {
    /// Every page and file the site publishes.
    pub fn pages(&self) -> Vec<Page> {
        let articles = &self.site.articles;
        let runs = self.page_runs();
        let mut pages = Vec::with_capacity(runs.iter().map(|r| r.len(articles.len())).sum());
        for run in &runs {
            pages.extend((0..run.len(articles.len())).map(|i| run.page(articles, i).into_owned()));
        }
        pages
    }

    /// Every page in the order of [`Renderer::pages`], with the articles'
    /// and the timelines' pages (two for nearly every article) left to be
    /// made as they are rendered: a list of them would hold a copy of every
    /// slug for the whole of a full build.
    pub(super) fn page_runs(&self) -> [PageRun<'_>; 5] {
        let site = self.site;
        let mut first = vec![
            Page::NotFound,
            Page::BackgroundIndex,
            Page::Feed,
            Page::Sitemap,
            Page::NewsSitemap,
            Page::Assets,
            Page::Corrections,
            Page::Topics,
            Page::Timelines,
            // Always a page, even when the site brings both icons, so that
            // removing one of them from static/ brings the theme's back.
            Page::Icons,
        ];
        first.extend((1..=self.sitemap_part_count()).map(Page::SitemapPart));
        first.extend((1..=site.index_page_count()).map(Page::Index));
        first.extend((2..=self.corrections_page_count()).map(Page::CorrectionsPage));
        let mut middle: Vec<Page> = site
            .articles
            .iter()
            .filter(|a| !a.parts.updates.updates.is_empty())
            .map(|a| Page::Updates(a.slug.clone()))
            .collect();
        if self.any_live() {
            middle.push(Page::LiveScript);
        }
        if crate::search::enabled(&site.config) {
            middle.push(Page::Search);
        }
        middle.extend(site.background.keys().map(|k| Page::Background(k.clone())));
        let timelines = self
            .listings
            .timeline_users
            .keys()
            .map(String::as_str)
            .collect();
        let mut last: Vec<Page> = self
            .listings
            .tags
            .keys()
            .map(|k| Page::Tag(k.clone()))
            .collect();
        for (slug, (_, tagged)) in &self.listings.tags {
            let further = 2..=crate::site::index::page_count(tagged.len());
            last.extend(further.map(|n| Page::TagPage(slug.clone(), n)));
        }
        for (key, users) in &self.listings.entry_users {
            if site.background.contains_key(key) {
                let further = 2..=crate::site::index::page_count(users.len());
                last.extend(further.map(|n| Page::UsedIn(key.clone(), n)));
            }
        }
        last.extend(site.people.keys().map(|k| Page::Person(k.clone())));
        for key in site.people.keys() {
            let further = 2..=site.person_page_count(key, &self.listings);
            last.extend(further.map(|n| Page::PersonPage(key.clone(), n)));
        }
        last.extend(
            site.static_files
                .iter()
                .filter(|f| !self.is_processed_image(f))
                .cloned()
                .map(Page::Static),
        );
        [
            PageRun::Listed(first),
            PageRun::Articles,
            PageRun::Listed(middle),
            PageRun::Timelines(timelines),
            PageRun::Listed(last),
        ]
    }

    /// The files `pages` are written to, sorted, each once.
    pub fn files_of<'p>(&self, pages: impl IntoIterator<Item = &'p Page>) -> Vec<String> {
        let mut paths: Vec<String> = pages
            .into_iter()
            .flat_map(|page| self.output_paths(page))
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// The files a page is written to, relative to the output folder.
    pub fn output_paths(&self, page: &Page) -> Vec<String> {
        let language = self.urls.language;
        match page {
            Page::Index(n) if *n <= 1 => vec!["index.html".into()],
            Page::Index(n) => vec![format!("{}/{n}/index.html", language.pages_section())],
            Page::NotFound => vec!["404.html".into()],
            Page::BackgroundIndex => vec![format!("{}/index.html", language.background_section())],
            Page::Feed => vec![FEED_FILE.into()],
            Page::Sitemap if self.has_own_robots() => vec![SITEMAP_FILE.into()],
            Page::Sitemap => vec![SITEMAP_FILE.into(), ROBOTS_FILE.into()],
            Page::SitemapPart(n) => vec![super::sitemap::part_file(*n)],
            Page::NewsSitemap => vec![NEWS_SITEMAP_FILE.into()],
            Page::Assets => vec![self.assets.stylesheet.clone(), self.assets.script.clone()],
            Page::Icons => self
                .theme_icons()
                .iter()
                .map(|(name, _)| name.to_string())
                .collect(),
            Page::Topics => vec![format!("{}/index.html", language.tag_section())],
            Page::Timelines => vec![format!("{}/index.html", language.timeline_section())],
            Page::LiveScript => vec![self.assets.live_script.clone()],
            Page::Article(slug) => vec![format!("{slug}/index.html")],
            Page::Updates(slug) => vec![
                format!("{slug}/{}", crate::parts::updates::FEED_FILE),
                format!("{slug}/{}", crate::parts::updates::UPDATES_FILE),
            ],
            Page::Background(key) => vec![format!(
                "{}/{key}/index.html",
                language.background_section()
            )],
            Page::Timeline(key) => {
                vec![format!("{}/{key}/index.html", language.timeline_section())]
            }
            Page::Tag(slug) => vec![format!("{}/{slug}/index.html", language.tag_section())],
            Page::TagPage(slug, n) => vec![format!(
                "{}/{slug}/{}/{n}/index.html",
                language.tag_section(),
                language.pages_section()
            )],
            Page::UsedIn(key, n) => vec![format!(
                "{}/{key}/{}/{n}/index.html",
                language.background_section(),
                language.pages_section()
            )],
            Page::Static(path) => vec![path.to_string_lossy().replace('\\', "/")],
            Page::Person(key) => vec![format!("{}/{key}/index.html", language.people_section())],
            Page::PersonPage(key, n) => vec![format!(
                "{}/{key}/{}/{n}/index.html",
                language.people_section(),
                language.pages_section()
            )],
            Page::Search => vec![
                format!("{}/index.html", crate::search::section(language)),
                self.assets.search_script.clone(),
            ],
            Page::Corrections => {
                let section = language.corrections_section();
                vec![
                    format!("{section}/index.html"),
                    format!("{section}/{CORRECTIONS_FEED}"),
                ]
            }
            Page::CorrectionsPage(n) => vec![format!(
                "{}/{}/{n}/index.html",
                language.corrections_section(),
                language.pages_section()
            )],
        }
    }

    /// Whether the site brings its own `robots.txt`, which replaces forklar's.
    pub fn has_own_robots(&self) -> bool {
        self.site
            .static_files
            .iter()
            .any(|f| f == Path::new(ROBOTS_FILE))
    }

    /// The theme's icons the site does not replace with its own in `static/`.
    pub fn theme_icons(&self) -> Vec<(&'static str, &'static [u8])> {
        super::assets::ICONS
            .into_iter()
            .filter(|(name, _)| !self.site.static_files.iter().any(|f| f == Path::new(name)))
            .collect()
    }

    /// What a page is made from, as a writer would name it.
    pub fn origin(&self, page: &Page) -> String {
        match page {
            Page::Article(slug) | Page::Updates(slug) => self.article_index(slug).map_or_else(
                || format!("the article {slug}"),
                |i| self.site.articles[i].path.display().to_string(),
            ),
            Page::Background(key) => self.site.background.get(key).map_or_else(
                || format!("the background entry {key}"),
                |e| e.path.display().to_string(),
            ),
            Page::Static(path) => format!("static/{}", path.display()),
            Page::Index(_) => "forklar's front page".into(),
            Page::NotFound => "forklar's 404 page".into(),
            Page::BackgroundIndex => "forklar's list of background entries".into(),
            Page::Feed => "forklar's feed".into(),
            Page::Sitemap => "forklar's sitemap and robots.txt".into(),
            Page::SitemapPart(_) => "forklar's sitemap".into(),
            Page::NewsSitemap => "forklar's news sitemap".into(),
            Page::Assets => "forklar's stylesheet and script".into(),
            Page::Icons => "forklar's favicon and touch icon".into(),
            Page::Topics => "forklar's list of topics".into(),
            Page::Timelines => "forklar's list of timelines".into(),
            Page::LiveScript => "forklar's script for live articles".into(),
            // Links on a timeline page are written in its file.
            Page::Timeline(key) => match self.site.timelines.get(key) {
                Some(shared) => shared.path.display().to_string(),
                None => self.article_index(key).map_or_else(
                    || "forklar's timeline page".into(),
                    |i| self.site.articles[i].path.display().to_string(),
                ),
            },
            Page::Tag(_) | Page::TagPage(..) => "forklar's tag page".into(),
            Page::UsedIn(key, _) => self.site.background.get(key).map_or_else(
                || format!("the background entry {key}"),
                |e| e.path.display().to_string(),
            ),
            Page::Corrections | Page::CorrectionsPage(_) => "forklar's corrections archive".into(),
            Page::Search => "forklar's search page".into(),
            Page::Person(key) | Page::PersonPage(key, _) => self.site.people.get(key).map_or_else(
                || format!("the person {key}"),
                |p| p.path.display().to_string(),
            ),
        }
    }
}
