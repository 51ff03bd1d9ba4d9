//! The site graph: every article, background entry and timeline, loaded in
//! parallel, checked against each other, and rendered through the templates.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::{Article, BackgroundEntry, Event, Image, SharedTimeline};
use crate::dates::{Date, ShownDate};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feeds;
use crate::i18n::Language;
use crate::markdown::{self, LinkResolver, Mention, Part};
use crate::slug::slugify;
use crate::templates::{SCRIPT, STYLESHEET, Templates};

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
const BACKGROUND_DIR: &str = "background";
const TIMELINES_DIR: &str = "timelines";
/// Ids the default theme's article template uses for its own landmarks and parts.
const THEME_IDS: &[&str] = &[
    "innhold",
    "tittel",
    "part-background",
    "part-timeline",
    "part-quotes",
    "part-sources",
    "part-corrections",
    "part-facts",
    "part-used-in",
    "siste",
    "mention-preview",
    "forklar-build-error",
];
/// How many articles each page of the front page lists; a site of 10,000
/// articles gets a front page of readable size, and an edit re-renders one page.
pub const ARTICLES_PER_PAGE: usize = 50;
/// How many of the newest articles the feed carries.
const FEED_LENGTH: usize = 20;

/// A loaded site: everything read and cross-checked, nothing rendered yet.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Newest first, drafts included only when asked for.
    pub articles: Vec<Article>,
    pub background: BTreeMap<String, BackgroundEntry>,
    pub timelines: BTreeMap<String, SharedTimeline>,
    /// Files under `static/`, relative to it.
    pub static_files: Vec<PathBuf>,
    /// Whether articles marked as drafts are included.
    pub drafts: bool,
}

/// Where rendered files go: the output folder, or nowhere for `check`.
pub trait Sink: Sync {
    /// Stores `bytes` at `path`, relative to the output folder, with `/` separators.
    /// `origin` names what the file is made from, for messages.
    fn write(&self, path: &str, bytes: &[u8], origin: &str) -> Result<(), Diagnostic>;
    /// Copies a file from the site into the output.
    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic>;
}

/// The kinds of file found under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentFile {
    Article(PathBuf),
    Background(PathBuf),
    Timeline(PathBuf),
}

impl ContentFile {
    /// What a file under `content/` is, by where it is; `None` for files that are
    /// not content (images beside an article, editor leftovers). `path` is relative
    /// to the site root.
    pub fn classify(path: &Path) -> Option<ContentFile> {
        let relative = path.strip_prefix(CONTENT_DIR).ok()?;
        let name = path.file_name()?.to_str()?;
        if is_ignored(name) {
            return None;
        }
        let first = relative.components().next()?.as_os_str().to_str()?;
        let nested = relative.components().count() > 1;
        match (first, nested, path.extension().and_then(|e| e.to_str())) {
            (BACKGROUND_DIR, true, Some("md")) => Some(ContentFile::Background(path.to_path_buf())),
            (TIMELINES_DIR, true, Some("toml")) => Some(ContentFile::Timeline(path.to_path_buf())),
            (_, _, Some("md")) => Some(ContentFile::Article(path.to_path_buf())),
            _ => None,
        }
    }
}

impl Site {
    /// Reads and checks the whole site under `root`.
    pub fn load(root: &Path, config: Config, drafts: bool) -> Result<Site, Diagnostics> {
        let mut problems = Vec::new();
        let files = content_files(root, &mut problems);
        let loaded: Vec<Result<Loaded, Vec<Diagnostic>>> = files
            .par_iter()
            .map(|file| match file {
                ContentFile::Article(path) => {
                    Article::load(root, path).map(|a| Loaded::Article(Box::new(a)))
                }
                ContentFile::Background(path) => {
                    BackgroundEntry::load(root, path).map(Loaded::Background)
                }
                ContentFile::Timeline(path) => {
                    SharedTimeline::load(root, path).map(Loaded::Timeline)
                }
            })
            .collect();
        let mut articles = Vec::new();
        let mut background = BTreeMap::new();
        let mut timelines = BTreeMap::new();
        for item in loaded {
            match item {
                Ok(Loaded::Article(article)) => {
                    if drafts || !article.draft {
                        articles.push(*article);
                    }
                }
                Ok(Loaded::Background(entry)) => {
                    background.insert(entry.key.clone(), entry);
                }
                Ok(Loaded::Timeline(timeline)) => {
                    timelines.insert(timeline.key.clone(), timeline);
                }
                Err(mut found) => problems.append(&mut found),
            }
        }
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            articles,
            background,
            timelines,
            static_files: static_files(root, &mut problems),
            drafts,
        };
        site.sort_articles();
        site.check_references(&mut problems);
        if problems.is_empty() {
            Ok(site)
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Problems between files: unknown background keys and timelines, clashing URLs.
    pub fn reference_problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        self.check_references(&mut problems);
        problems
    }

    /// Newest first; the path breaks ties so the order never depends on the file system.
    pub fn sort_articles(&mut self) {
        self.articles.sort_by(newest_first);
    }

    /// Adds an article where it belongs in the order, without sorting them all.
    pub fn insert_article(&mut self, article: Article) {
        let at = self
            .articles
            .partition_point(|other| newest_first(other, &article).is_lt());
        self.articles.insert(at, article);
    }

    /// The pages that show something of `article`: its own, the lists it is in, and
    /// the pages of the entries and timeline it uses.
    pub fn pages_of_article(&self, article: &Article) -> Vec<Page> {
        let mut pages = vec![
            Page::Article(article.slug.clone()),
            Page::Feed,
            Page::Sitemap,
        ];
        pages.extend(self.index_page_of(&article.path).map(Page::Index));
        pages.extend(article.tags.iter().map(|t| Page::Tag(slugify(t))));
        pages.extend(
            article
                .background
                .iter()
                .map(|r| Page::Background(r.key.clone())),
        );
        pages.extend(Site::timeline_key(article).map(Page::Timeline));
        pages
    }

    /// How many pages the front page's list has (at least one, even when empty).
    pub fn index_page_count(&self) -> usize {
        self.articles.len().div_ceil(ARTICLES_PER_PAGE).max(1)
    }

    /// The page of the front page's list that shows the article at `path`.
    pub fn index_page_of(&self, path: &Path) -> Option<usize> {
        self.articles
            .iter()
            .position(|a| a.path.as_os_str() == path.as_os_str())
            .map(|i| i / ARTICLES_PER_PAGE + 1)
    }

    /// Whether a page is part of the site as it is now.
    pub fn page_exists(&self, page: &Page) -> bool {
        match page {
            Page::Index(n) => (1..=self.index_page_count()).contains(n),
            Page::NotFound | Page::BackgroundIndex | Page::Feed | Page::Sitemap | Page::Assets => {
                true
            }
            Page::Article(slug) => self.articles.iter().any(|a| &a.slug == slug),
            Page::Background(key) => self.background.contains_key(key),
            Page::Timeline(key) => self
                .articles
                .iter()
                .any(|a| Site::timeline_key(a).as_deref() == Some(key.as_str())),
            Page::Tag(slug) => self
                .articles
                .iter()
                .any(|a| a.tags.iter().any(|t| &slugify(t) == slug)),
            Page::Static(path) => self.static_files.contains(path),
        }
    }

    /// Whether the article is among those the feed carries.
    pub fn is_in_feed(&self, path: &Path) -> bool {
        self.articles
            .iter()
            .take(FEED_LENGTH)
            .any(|a| a.path.as_os_str() == path.as_os_str())
    }

    /// The article pages that use a background entry.
    pub fn articles_using_background(&self, key: &str) -> Vec<Page> {
        self.articles
            .iter()
            .filter(|a| a.background.iter().any(|r| r.key == key))
            .map(|a| Page::Article(a.slug.clone()))
            .collect()
    }

    /// The article pages that show a shared timeline.
    pub fn articles_using_timeline(&self, key: &str) -> Vec<Page> {
        self.articles
            .iter()
            .filter(|a| a.timeline_file.as_ref().is_some_and(|r| r.key == key))
            .map(|a| Page::Article(a.slug.clone()))
            .collect()
    }

    fn check_references(&self, problems: &mut Vec<Diagnostic>) {
        for found in self.problems_by_article().into_values() {
            problems.extend(found);
        }
    }

    /// The problems between files, by the article they are reported on.
    pub fn problems_by_article(&self) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        let mut first_with_slug: HashMap<&str, &Article> =
            HashMap::with_capacity(self.articles.len());
        let mut found = BTreeMap::new();
        for article in &self.articles {
            let first = *first_with_slug.entry(&article.slug).or_insert(article);
            let problems = self.problems_of(article, first);
            if !problems.is_empty() {
                found.insert(article.path.clone(), problems);
            }
        }
        found
    }

    /// The problems of the articles with one of `slugs`, for a rebuild that touched
    /// only those: a scan, with no map of the whole site.
    pub fn problems_of_slugs(
        &self,
        slugs: &BTreeSet<String>,
    ) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        let mut first_with_slug: HashMap<&str, &Article> = HashMap::new();
        let mut found = BTreeMap::new();
        for article in self.articles.iter().filter(|a| slugs.contains(&a.slug)) {
            let first = *first_with_slug.entry(&article.slug).or_insert(article);
            found.insert(article.path.clone(), self.problems_of(article, first));
        }
        found
    }

    /// An article's unknown background keys and timelines, and its clashes with
    /// `first`, the first article with the same slug, or with forklar's own folders.
    fn problems_of(&self, article: &Article, first: &Article) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let reserved = self.reserved_paths();
        let clash = if reserved.contains(&article.slug.as_str()) {
            Some(format!(
                "`{}` is used by forklar itself; set another slug = \"…\"",
                article.slug
            ))
        } else if first.path != article.path {
            Some(format!(
                "`{}` and `{}` would both be published at /{}/; give one of them another slug = \"…\"",
                first.path.display(),
                article.path.display(),
                article.slug
            ))
        } else {
            None
        };
        if let Some(help) = clash {
            problems.push(
                Diagnostic::new(format!("two pages have the URL /{}/", article.slug))
                    .in_file(&article.path)
                    .at_span(&article.file_text, article.slug_span.clone())
                    .with_help(help),
            );
        }
        for reference in &article.background {
            if !self.background.contains_key(&reference.key) {
                problems.push(
                    Diagnostic::new(format!("unknown background entry `{}`", reference.key))
                        .in_file(&article.path)
                        .at_span(&article.file_text, reference.span.clone())
                        .with_help(known_keys(
                            "background entries",
                            "content/background/",
                            self.background.keys(),
                        )),
                );
            }
        }
        if article.timeline_file.is_none()
            && !article.timeline.is_empty()
            && let Some(shared) = self.timelines.get(&article.slug)
        {
            problems.push(
                Diagnostic::new(format!(
                    "the article's own timeline and the shared timeline `{}` would both be published at /{}/{}/",
                    shared.key,
                    self.language().timeline_section(),
                    article.slug
                ))
                .in_file(&article.path)
                .at_span(&article.file_text, article.slug_span.clone())
                .with_help(format!(
                    "use the shared timeline with timeline_file = \"{}\", or give the article another slug, or rename {}",
                    shared.key,
                    shared.path.display()
                )),
            );
        }
        if let Some(reference) = &article.timeline_file
            && !self.timelines.contains_key(&reference.key)
        {
            problems.push(
                Diagnostic::new(format!("unknown timeline `{}`", reference.key))
                    .in_file(&article.path)
                    .at_span(&article.file_text, reference.span.clone())
                    .with_help(known_keys(
                        "timelines",
                        "content/timelines/",
                        self.timelines.keys(),
                    )),
            );
        }
        problems
    }

    /// Top-level folders the site itself publishes into.
    fn reserved_paths(&self) -> [&'static str; 4] {
        let language = self.config.language;
        [
            language.background_section(),
            language.timeline_section(),
            language.tag_section(),
            language.pages_section(),
        ]
    }

    /// Whether drafts are part of this site.
    pub fn options_drafts(&self) -> bool {
        self.drafts
    }

    pub fn language(&self) -> Language {
        self.config.language
    }

    /// The site path of an article, e.g. `/forklaring/kasakhstan/`.
    pub fn article_url(&self, article: &Article) -> String {
        format!("{}{}/", self.config.base_path(), article.slug)
    }

    pub fn background_url(&self, key: &str) -> String {
        format!(
            "{}{}/{key}/",
            self.config.base_path(),
            self.language().background_section()
        )
    }

    /// The page of a shared timeline, or of the inline timeline of an article.
    pub fn timeline_url(&self, key: &str) -> String {
        format!(
            "{}{}/{key}/",
            self.config.base_path(),
            self.language().timeline_section()
        )
    }

    pub fn tag_url(&self, tag: &str) -> String {
        format!(
            "{}{}/{}/",
            self.config.base_path(),
            self.language().tag_section(),
            slugify(tag)
        )
    }

    /// The key of the timeline an article shows: its shared timeline, or its own.
    pub fn timeline_key(article: &Article) -> Option<String> {
        match &article.timeline_file {
            Some(reference) => Some(reference.key.clone()),
            None if !article.timeline.is_empty() => Some(article.slug.clone()),
            None => None,
        }
    }

    /// Every page and file the site publishes.
    pub fn pages(&self) -> Vec<Page> {
        let links = self.backlinks();
        let mut pages = vec![
            Page::NotFound,
            Page::BackgroundIndex,
            Page::Feed,
            Page::Sitemap,
            Page::Assets,
        ];
        pages.extend((1..=self.index_page_count()).map(Page::Index));
        pages.extend(self.articles.iter().map(|a| Page::Article(a.slug.clone())));
        pages.extend(self.background.keys().map(|k| Page::Background(k.clone())));
        pages.extend(links.timelines.into_keys().map(Page::Timeline));
        pages.extend(links.tags.into_keys().map(Page::Tag));
        pages.extend(self.static_files.iter().cloned().map(Page::Static));
        pages
    }

    /// Where page `n` of the front page's list is written.
    fn index_path(&self, n: usize) -> String {
        if n <= 1 {
            "index.html".into()
        } else {
            format!("{}/{n}/index.html", self.language().pages_section())
        }
    }

    /// The URL of page `n` of the front page's list.
    fn index_url(&self, n: usize) -> String {
        let base = self.config.base_path();
        if n <= 1 {
            base.to_string()
        } else {
            format!("{base}{}/{n}/", self.language().pages_section())
        }
    }

    /// The files a page is written to, relative to the output folder.
    pub fn output_paths(&self, page: &Page) -> Vec<String> {
        let language = self.language();
        match page {
            Page::Index(n) => vec![self.index_path(*n)],
            Page::NotFound => vec!["404.html".into()],
            Page::BackgroundIndex => vec![format!("{}/index.html", language.background_section())],
            Page::Feed => vec![feeds::FEED_FILE.into()],
            Page::Sitemap => vec![feeds::SITEMAP_FILE.into(), "robots.txt".into()],
            Page::Assets => {
                let assets = Assets::new();
                vec![assets.stylesheet, assets.script]
            }
            Page::Article(slug) => vec![format!("{slug}/index.html")],
            Page::Background(key) => vec![format!(
                "{}/{key}/index.html",
                language.background_section()
            )],
            Page::Timeline(key) => {
                vec![format!("{}/{key}/index.html", language.timeline_section())]
            }
            Page::Tag(slug) => vec![format!("{}/{slug}/index.html", language.tag_section())],
            Page::Static(path) => vec![path.to_string_lossy().replace('\\', "/")],
        }
    }

    /// Renders every page into `sink`.
    pub fn render(&self, templates: &Templates, sink: &dyn Sink) -> Result<usize, Diagnostics> {
        self.render_pages(templates, &self.pages(), sink)
    }

    /// Renders the given pages into `sink`, in parallel; every problem found is
    /// reported together. Pages that no longer exist are skipped.
    pub fn render_pages(
        &self,
        templates: &Templates,
        pages: &[Page],
        sink: &dyn Sink,
    ) -> Result<usize, Diagnostics> {
        let assets = Assets::new();
        let base = self.base_context(&assets);
        let by_slug: HashMap<&str, usize> = self
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.as_str(), i))
            .collect();
        let context = RenderContext {
            site: self,
            templates,
            base: &base,
            assets: &assets,
            by_slug: &by_slug,
            summary_values: (0..self.articles.len()).map(|_| OnceLock::new()).collect(),
            links: OnceLock::new(),
            urls_by_path: OnceLock::new(),
        };
        // A full build lists every article somewhere: make every summary up front
        // and in parallel. A rebuild makes only those its lists show.
        if pages.len() > self.articles.len() {
            context.all_summary_values();
            context.links();
        }
        let results: Vec<Result<(), Diagnostic>> = pages
            .par_iter()
            .map(|page| self.render_page(page, &context, sink))
            .collect();
        let problems: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
        if problems.is_empty() {
            Ok(pages.len())
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// The Atom feed of the newest articles, with their full text.
    fn feed(&self, cx: &RenderContext) -> String {
        let summaries: Vec<ArticleSummary> = self
            .articles
            .iter()
            .take(FEED_LENGTH)
            .map(|a| self.summary(a))
            .collect();
        let entries: Vec<feeds::FeedEntry> = self
            .articles
            .iter()
            .zip(&summaries)
            .map(|(article, summary)| feeds::FeedEntry {
                summary,
                authors: article.authors.as_deref().unwrap_or(&self.config.authors),
                content: {
                    let links = self.link_context(cx, &article.path);
                    let resolve = |dest: &str| links.resolve(dest);
                    let options = markdown::MarkdownOptions {
                        escape_html: self.config.markdown.escape_html,
                        links: Some(&resolve),
                        reserved_ids: &[],
                    };
                    // Parts placed by markers are not in the feed; their places go too.
                    let body = article.body().unwrap_or_default();
                    let mut html = markdown::render(&body, &[], options).html;
                    for part in Part::ALL {
                        html = html.replace(part.placeholder(), "");
                    }
                    html
                },
            })
            .collect();
        // Compared as moments: "09:30+01:00" is before "09:00Z".
        let updated = self
            .articles
            .iter()
            .take(FEED_LENGTH)
            .map(|a| a.updated.unwrap_or(a.date))
            .max_by(Date::chronological)
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
        feeds::atom(
            &feeds::FeedInfo {
                title: &self.config.title,
                description: &self.config.description,
                base_url: &self.config.base_url,
                language: self.language().code(),
                updated: &updated,
            },
            &entries,
        )
    }

    fn sitemap(&self, links: &Backlinks) -> String {
        let last_change = |a: &Article| a.updated.unwrap_or(a.date).rfc3339();
        let mut urls = vec![feeds::SitemapUrl {
            loc: self.config.base_url.clone(),
            lastmod: self.articles.first().map(last_change),
        }];
        urls.extend(self.articles.iter().map(|a| feeds::SitemapUrl {
            loc: self.config.permalink(&format!("{}/", a.slug)),
            lastmod: Some(last_change(a)),
        }));
        let language = self.language();
        let mut pages: Vec<String> = vec![format!("{}/", language.background_section())];
        pages.extend(
            self.background
                .keys()
                .map(|k| format!("{}/{k}/", language.background_section())),
        );
        pages.extend(
            links
                .timelines
                .keys()
                .map(|k| format!("{}/{k}/", language.timeline_section())),
        );
        pages.extend(
            links
                .tags
                .keys()
                .map(|k| format!("{}/{k}/", language.tag_section())),
        );
        urls.extend(pages.iter().map(|path| feeds::SitemapUrl {
            loc: self.config.permalink(path),
            lastmod: None,
        }));
        feeds::sitemap(&urls)
    }

    /// Which articles use each background entry, timeline and tag (indices into
    /// `articles`, newest first).
    fn backlinks(&self) -> Backlinks {
        let mut links = Backlinks::default();
        for (index, article) in self.articles.iter().enumerate() {
            for reference in &article.background {
                links
                    .background
                    .entry(reference.key.clone())
                    .or_default()
                    .push(index);
            }
            if let Some(key) = Site::timeline_key(article) {
                links.timelines.entry(key).or_default().push(index);
            }
            for tag in &article.tags {
                let entry = links
                    .tags
                    .entry(slugify(tag))
                    .or_insert_with(|| (tag.clone(), Vec::new()));
                if !entry.1.contains(&index) {
                    entry.1.push(index);
                }
            }
        }
        links
    }

    fn base_context(&self, assets: &Assets) -> Context {
        let mut context = Context::new();
        let base_path = self.config.base_path();
        context.insert(
            "site",
            &SiteView {
                title: &self.config.title,
                description: &self.config.description,
                base_url: &self.config.base_url,
                base_path,
                language: self.language().code(),
                locale: self.language().locale(),
                stylesheet: format!("{base_path}{}", assets.stylesheet),
                script: format!("{base_path}{}", assets.script),
                background_index: format!("{base_path}{}/", self.language().background_section()),
                feed: format!("{base_path}{}", feeds::FEED_FILE),
            },
        );
        context.insert("labels", &self.language().labels());
        context
    }

    fn render_page(
        &self,
        page: &Page,
        cx: &RenderContext,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let mut context = cx.base.clone();
        let origin = self.page_origin(page, cx);
        let language = self.language();
        // Summaries were turned into template values once; lists share them.
        let pick = |indices: Option<&Vec<usize>>| -> Value {
            let list: Vec<Value> = indices
                .map(|list| list.iter().map(|&i| cx.summary_value(i).clone()).collect())
                .unwrap_or_default();
            Value::from(list)
        };
        match page {
            Page::Feed => sink.write(feeds::FEED_FILE, self.feed(cx).as_bytes(), &origin),
            Page::Sitemap => {
                let sitemap = self.sitemap(cx.links());
                sink.write(feeds::SITEMAP_FILE, sitemap.as_bytes(), &origin)?;
                // A site's own static/robots.txt replaces the generated one.
                if self
                    .static_files
                    .iter()
                    .any(|f| f == Path::new("robots.txt"))
                {
                    return Ok(());
                }
                sink.write(
                    "robots.txt",
                    feeds::robots(&self.config.base_url).as_bytes(),
                    &origin,
                )
            }
            Page::Assets => {
                sink.write(&cx.assets.stylesheet, STYLESHEET.as_bytes(), &origin)?;
                sink.write(&cx.assets.script, SCRIPT.as_bytes(), &origin)
            }
            Page::Static(file) => {
                let from = self.root.join(STATIC_DIR).join(file);
                sink.copy(&file.to_string_lossy().replace('\\', "/"), &from)
            }
            Page::Index(n) => {
                let total = self.index_page_count();
                let first = (n - 1) * ARTICLES_PER_PAGE;
                let shown: Vec<usize> =
                    (first..(first + ARTICLES_PER_PAGE).min(self.articles.len())).collect();
                context.insert_value("articles", pick(Some(&shown)));
                context.insert(
                    "pagination",
                    &Pagination {
                        current: *n,
                        total,
                        label: self.language().page_of(*n, total),
                        previous: (*n > 1).then(|| self.index_url(n - 1)),
                        next: (*n < total).then(|| self.index_url(n + 1)),
                    },
                );
                let html = cx
                    .templates
                    .render("index.html", &context, "the front page")?;
                sink.write(&self.index_path(*n), &html, &origin)
            }
            Page::NotFound => {
                let html = cx.templates.render("404.html", &context, "the 404 page")?;
                sink.write("404.html", &html, &origin)
            }
            Page::BackgroundIndex => {
                let entries: Vec<EntryView> = self
                    .background
                    .values()
                    .map(|e| self.entry_view(e))
                    .collect();
                context.insert("entries", &entries);
                let html = cx.templates.render(
                    "background_index.html",
                    &context,
                    "the list of background entries",
                )?;
                sink.write(
                    &format!("{}/index.html", language.background_section()),
                    &html,
                    &origin,
                )
            }
            Page::Article(slug) => {
                let Some(&index) = cx.by_slug.get(slug.as_str()) else {
                    return Ok(());
                };
                let article = &self.articles[index];
                let source = article.path.display().to_string();
                let summary = self.summary(article);
                let mut view = self.article_view(article, &summary, cx)?;
                // Parts the writer placed with a marker are rendered where the marker was.
                for part in Part::ALL {
                    let placeholder = part.placeholder();
                    if view.content.contains(placeholder) {
                        context.insert("page", &view);
                        let partial = match part {
                            Part::Background => "partials/background.html",
                            Part::Timeline => "partials/timeline.html",
                            Part::Quotes => "partials/quotes.html",
                        };
                        let html = if view.has(part) {
                            cx.templates.render_text(partial, &context, &source)?
                        } else {
                            String::new()
                        };
                        view.content = view.content.replace(placeholder, &html);
                    }
                }
                context.insert("page", &view);
                let html = cx.templates.render("article.html", &context, &source)?;
                sink.write(&format!("{}/index.html", article.slug), &html, &origin)
            }
            Page::Background(key) => {
                let Some(entry) = self.background.get(key) else {
                    return Ok(());
                };
                let mut view = self.entry_view(entry);
                let links = self.link_context(cx, &entry.path);
                let resolve = |dest: &str| links.resolve(dest);
                view.content = Some(markdown::render_block(
                    &entry.body,
                    markdown::MarkdownOptions {
                        escape_html: self.config.markdown.escape_html,
                        links: Some(&resolve),
                        reserved_ids: &[],
                    },
                ));
                let view = with_field(
                    Value::from_serializable(&view),
                    "articles",
                    pick(cx.links().background.get(key)),
                );
                context.insert_value("entry", view);
                let html = cx.templates.render(
                    "background.html",
                    &context,
                    &entry.path.display().to_string(),
                )?;
                sink.write(
                    &format!("{}/{key}/index.html", language.background_section()),
                    &html,
                    &origin,
                )
            }
            Page::Timeline(key) => {
                if !cx.links().timelines.contains_key(key) {
                    return Ok(());
                }
                let (title, events, from) = match self.timelines.get(key) {
                    Some(shared) => (
                        shared.title.clone(),
                        shared.events.as_slice(),
                        shared.path.as_path(),
                    ),
                    None => {
                        let article = cx
                            .by_slug
                            .get(key.as_str())
                            .map(|&i| &self.articles[i])
                            .filter(|a| a.timeline_file.is_none())
                            .ok_or_else(|| Diagnostic::new(format!("no timeline `{key}`")))?;
                        (
                            article.title.clone(),
                            article.timeline.as_slice(),
                            article.path.as_path(),
                        )
                    }
                };
                let source = from.display().to_string();
                let links = self.link_context(cx, from);
                let resolve = |dest: &str| links.resolve(dest);
                let url = self.timeline_url(key);
                let view = TimelineView {
                    permalink: self.permalink(&url),
                    url,
                    title,
                    events: event_views(events, language, &resolve),
                };
                let view = with_field(
                    Value::from_serializable(&view),
                    "articles",
                    pick(cx.links().timelines.get(key)),
                );
                context.insert_value("timeline", view);
                let html = cx.templates.render("timeline.html", &context, &source)?;
                sink.write(
                    &format!("{}/{key}/index.html", language.timeline_section()),
                    &html,
                    &origin,
                )
            }
            Page::Tag(slug) => {
                let Some((name, indices)) = cx.links().tags.get(slug) else {
                    return Ok(());
                };
                let view = TagPageView {
                    name: name.clone(),
                    url: self.tag_url(name),
                };
                let view = with_field(
                    Value::from_serializable(&view),
                    "articles",
                    pick(Some(indices)),
                );
                context.insert_value("tag", view);
                let html = cx.templates.render(
                    "tag.html",
                    &context,
                    &format!("the page for the tag `{name}`"),
                )?;
                sink.write(
                    &format!("{}/{slug}/index.html", language.tag_section()),
                    &html,
                    &origin,
                )
            }
        }
    }

    /// What a page is made from, as a writer would name it.
    fn page_origin(&self, page: &Page, cx: &RenderContext) -> String {
        match page {
            Page::Article(slug) => cx
                .by_slug
                .get(slug.as_str())
                .map(|&i| &self.articles[i])
                .map_or_else(
                    || format!("the article {slug}"),
                    |a| a.path.display().to_string(),
                ),
            Page::Background(key) => self.background.get(key).map_or_else(
                || format!("the background entry {key}"),
                |e| e.path.display().to_string(),
            ),
            Page::Static(path) => format!("static/{}", path.display()),
            other => format!(
                "forklar's {}",
                match other {
                    Page::Index(_) => "front page",
                    Page::NotFound => "404 page",
                    Page::BackgroundIndex => "list of background entries",
                    Page::Feed => "feed",
                    Page::Sitemap => "sitemap and robots.txt",
                    Page::Assets => "stylesheet and script",
                    Page::Timeline(_) => "timeline page",
                    _ => "tag page",
                }
            ),
        }
    }

    /// The absolute URL of a site path that already starts with the base path.
    fn permalink(&self, url: &str) -> String {
        if url.contains("://") {
            return url.to_string();
        }
        self.config
            .permalink(url.strip_prefix(self.config.base_path()).unwrap_or(url))
    }

    /// A link written in front matter, made to work under a sub-path: site paths are
    /// taken from the site's root, web addresses are kept.
    fn asset_url(&self, src: &str) -> String {
        if src.contains("://") || src.starts_with("mailto:") {
            src.to_string()
        } else {
            format!("{}{}", self.config.base_path(), src.trim_start_matches('/'))
        }
    }

    fn image_view(&self, image: &Image) -> ImageView {
        let url = self.asset_url(&image.src);
        ImageView {
            permalink: self.permalink(&url),
            url,
            alt: image.alt.clone(),
            credit: image.credit.clone(),
            caption: image.caption.clone(),
        }
    }

    fn entry_view(&self, entry: &BackgroundEntry) -> EntryView {
        let url = self.background_url(&entry.key);
        EntryView {
            key: entry.key.clone(),
            title: entry.title.clone(),
            summary: entry.summary.clone(),
            permalink: self.permalink(&url),
            url,
            facts: entry.facts.clone(),
            image: entry.image.as_ref().map(|i| self.image_view(i)),
            content: None,
        }
    }

    fn summary(&self, article: &Article) -> ArticleSummary {
        let url = self.article_url(article);
        ArticleSummary {
            title: article.title.clone(),
            lead: article.lead.clone(),
            permalink: self.permalink(&url),
            url,
            date: article.date.shown(self.language()),
            updated: article.updated.map(|d| d.shown(self.language())),
            tags: article
                .tags
                .iter()
                .map(|tag| TagView {
                    name: tag.clone(),
                    url: self.tag_url(tag),
                })
                .collect(),
        }
    }

    fn link_context<'a, 'c>(
        &'a self,
        cx: &'a RenderContext<'c>,
        from: &'a Path,
    ) -> LinkContext<'a, 'c> {
        LinkContext {
            base_path: self.config.base_path(),
            cx,
            from,
        }
    }

    fn article_view(
        &self,
        article: &Article,
        summary: &ArticleSummary,
        cx: &RenderContext,
    ) -> Result<ArticleView, Diagnostic> {
        let language = self.language();
        let entries: Vec<&BackgroundEntry> = article
            .background
            .iter()
            .filter_map(|r| self.background.get(&r.key))
            .collect();
        let mentions: Vec<Mention> = entries
            .iter()
            .map(|entry| Mention {
                aliases: entry.aliases.clone(),
                url: self.background_url(&entry.key),
                title: entry.title.clone(),
                summary: entry.summary.clone(),
            })
            .collect();
        let links = self.link_context(cx, &article.path);
        let resolve = |dest: &str| links.resolve(dest);
        // Headings must not take the ids the article template gives its own parts.
        let mut reserved: Vec<String> = THEME_IDS.iter().map(|id| id.to_string()).collect();
        reserved.extend(entries.iter().map(|e| format!("entry-{}", e.key)));
        let text = article.body()?;
        let body = markdown::render(
            &text,
            &mentions,
            markdown::MarkdownOptions {
                escape_html: self.config.markdown.escape_html,
                links: Some(&resolve),
                reserved_ids: &reserved,
            },
        );
        if let Some((why, range)) = body.refused_links.first() {
            let mut location = crate::diagnostics::Location::from_span(&text, range.clone());
            location.line += article.body_first_line() - 1;
            return Err(Diagnostic::new(why.clone())
                .in_file(&article.path)
                .at(location)
                .with_help(
                    "links must be https:// addresses, paths on the site or links to content files",
                ));
        }
        let timeline = Site::timeline_key(article).map(|key| {
            let url = self.timeline_url(&key);
            match self.timelines.get(&key) {
                Some(shared) => {
                    // Links in a shared timeline are written from its own file.
                    let links = self.link_context(cx, &shared.path);
                    let resolve = |dest: &str| links.resolve(dest);
                    TimelineView {
                        permalink: self.permalink(&url),
                        url,
                        title: shared.title.clone(),
                        events: event_views(&shared.events, language, &resolve),
                    }
                }
                None => TimelineView {
                    permalink: self.permalink(&url),
                    url,
                    title: article.title.clone(),
                    events: event_views(&article.timeline, language, &resolve),
                },
            }
        });
        let authors = article
            .authors
            .clone()
            .unwrap_or_else(|| self.config.authors.clone());
        let image = article.image.as_ref().map(|i| self.image_view(i));
        let background: Vec<EntryView> = entries.iter().map(|e| self.entry_view(e)).collect();
        let corrections: Vec<CorrectionView> = article
            .corrections
            .iter()
            .map(|c| {
                let text = markdown::render_inline_with(&c.text, Some(&resolve));
                CorrectionView {
                    date: c.date.shown(language),
                    plain: markdown::plain_text(&text),
                    text,
                }
            })
            .collect();
        let json_ld = self.json_ld(summary, &authors, image.as_ref(), &background, &corrections);
        Ok(ArticleView {
            summary: summary.clone(),
            authors,
            content: body.html,
            image,
            background,
            timeline,
            quotes: article
                .quotes
                .iter()
                .map(|quote| QuoteView {
                    text: markdown::render_inline_with(&quote.text, Some(&resolve)),
                    speaker: quote.speaker.clone(),
                    role: quote.role.clone(),
                    organisation: quote.organisation.clone(),
                    source: quote.source.clone(),
                    url: quote
                        .url
                        .as_ref()
                        .map(|url| resolve(url).unwrap_or_else(|| url.clone())),
                    date: quote.date.map(|d| d.shown(language)),
                    translated: quote.translated,
                })
                .collect(),
            sources: article
                .sources
                .iter()
                .map(|source| SourceView {
                    title: source.title.clone(),
                    url: source
                        .url
                        .as_ref()
                        .map(|url| resolve(url).unwrap_or_else(|| url.clone())),
                    publisher: source.publisher.clone(),
                    date: source
                        .date
                        .as_ref()
                        .and_then(|d| Date::from_toml(d).ok())
                        .map(|d| d.shown(language)),
                })
                .collect(),
            corrections,
            placed: PlacedParts {
                background: body.placed.contains(&Part::Background),
                timeline: body.placed.contains(&Part::Timeline),
                quotes: body.placed.contains(&Part::Quotes),
            },
            json_ld,
        })
    }

    /// Structured data for search engines and news aggregators: schema.org NewsArticle.
    fn json_ld(
        &self,
        summary: &ArticleSummary,
        authors: &[String],
        image: Option<&ImageView>,
        background: &[EntryView],
        corrections: &[CorrectionView],
    ) -> String {
        let mut data = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": summary.title,
            "url": summary.permalink,
            "mainEntityOfPage": summary.permalink,
            "inLanguage": self.language().code(),
            "datePublished": summary.date.rfc3339,
            "dateModified": summary.updated.as_ref().unwrap_or(&summary.date).rfc3339,
            "author": authors.iter().map(|name| serde_json::json!({"@type": "Person", "name": name})).collect::<Vec<_>>(),
            "publisher": {"@type": "Organization", "name": self.config.title},
        });
        if let Some(lead) = &summary.lead {
            data["description"] = lead.clone().into();
        }
        if let Some(image) = image {
            data["image"] = image.permalink.clone().into();
        }
        if !background.is_empty() {
            data["about"] = background
                .iter()
                .map(|e| serde_json::json!({"@type": "Thing", "name": e.title, "url": e.permalink, "description": e.summary}))
                .collect::<Vec<_>>()
                .into();
        }
        if !summary.tags.is_empty() {
            data["keywords"] = summary
                .tags
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
                .into();
        }
        if !corrections.is_empty() {
            data["correction"] = corrections
                .iter()
                .map(|c| serde_json::json!({"@type": "CorrectionComment", "text": c.plain, "datePublished": c.date.rfc3339}))
                .collect::<Vec<_>>()
                .into();
        }
        // "</" inside a <script> would end it early; JSON allows "<\/" for the same text.
        // Inside <script>, "</script>" ends the element and "<!--" changes how the
        // rest is parsed; JSON may write every <, > and & as a \\u escape instead.
        data.to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }
}

/// What rendering pages shares; the costly parts are made on first use only.
struct RenderContext<'a> {
    site: &'a Site,
    templates: &'a Templates,
    base: &'a Context,
    assets: &'a Assets,
    by_slug: &'a HashMap<&'a str, usize>,
    /// Each article's summary as a template value, made when a list first needs
    /// it and shared by every list after that.
    summary_values: Vec<OnceLock<Value>>,
    links: OnceLock<Backlinks>,
    /// The URL of every article and background entry, by its file.
    urls_by_path: OnceLock<HashMap<&'a Path, String>>,
}

impl<'a> RenderContext<'a> {
    /// The summary of article `index` as a template value.
    fn summary_value(&self, index: usize) -> &Value {
        self.summary_values[index].get_or_init(|| {
            Value::from_serializable(&self.site.summary(&self.site.articles[index]))
        })
    }

    /// Makes every summary value at once, in parallel, for a full build.
    fn all_summary_values(&self) {
        self.summary_values
            .par_iter()
            .enumerate()
            .for_each(|(index, _)| {
                self.summary_value(index);
            });
    }

    fn links(&self) -> &Backlinks {
        self.links.get_or_init(|| self.site.backlinks())
    }

    fn urls_by_path(&self) -> &HashMap<&'a Path, String> {
        self.urls_by_path.get_or_init(|| {
            let site = self.site;
            let mut urls: HashMap<&'a Path, String> = site
                .articles
                .iter()
                .map(|a| (a.path.as_path(), site.article_url(a)))
                .collect();
            urls.extend(
                site.background
                    .values()
                    .map(|e| (e.path.as_path(), site.background_url(&e.key))),
            );
            urls
        })
    }
}

/// Resolves links written in one content file.
struct LinkContext<'a, 'c> {
    base_path: &'a str,
    cx: &'a RenderContext<'c>,
    from: &'a Path,
}

impl LinkContext<'_, '_> {
    /// Links to content files (`annen-sak.md`, `../background/csto.md#x`) become
    /// their pages' URLs; site paths (`/bilder/a.jpg`) get the base path, so the site
    /// works under a sub-path. Web addresses and anchors are kept as written.
    fn resolve(&self, dest: &str) -> Option<String> {
        if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") || has_scheme(dest) {
            return None;
        }
        let split_at = dest.find(['#', '?']).unwrap_or(dest.len());
        let (path, rest) = dest.split_at(split_at);
        if path.ends_with(".md") {
            let target = match path.strip_prefix('/') {
                Some(from_content) => Path::new(CONTENT_DIR).join(from_content),
                None => self.from.parent().unwrap_or(Path::new("")).join(path),
            };
            let target = normalise(&target);
            return self
                .cx
                .urls_by_path()
                .get(target.as_path())
                .map(|url| format!("{url}{rest}"));
        }
        let from_root = path.strip_prefix('/')?;
        (self.base_path != "/").then(|| format!("{}{from_root}{rest}", self.base_path))
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether a link starts with a URL scheme such as `https:` or `mailto:`.
fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(colon) => {
            let scheme = &dest[..colon];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

#[derive(Default)]
struct Backlinks {
    background: BTreeMap<String, Vec<usize>>,
    timelines: BTreeMap<String, Vec<usize>>,
    /// Tag slug → (the tag as first written, articles).
    tags: BTreeMap<String, (String, Vec<usize>)>,
}

enum Loaded {
    Article(Box<Article>),
    Background(BackgroundEntry),
    Timeline(SharedTimeline),
}

/// One page or file of the published site; the unit that rebuilds re-render.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    /// A page of the front page's list of articles, from 1: page 1 is the front page.
    Index(usize),
    NotFound,
    BackgroundIndex,
    /// The Atom feed of the newest articles.
    Feed,
    /// `sitemap.xml` and `robots.txt`.
    Sitemap,
    /// The theme's stylesheet and script.
    Assets,
    /// An article, by slug.
    Article(String),
    /// A background entry's page, by key.
    Background(String),
    /// A timeline's page, by key (a shared timeline's, or the article slug).
    Timeline(String),
    /// A tag's page, by the tag's slug.
    Tag(String),
    /// A file from `static/`, relative to it.
    Static(PathBuf),
}

/// The theme's stylesheet and script, named by their content so hosts can cache
/// them forever.
struct Assets {
    stylesheet: String,
    script: String,
}

impl Assets {
    fn new() -> Assets {
        Assets {
            stylesheet: format!("style.{}.css", fingerprint(STYLESHEET.as_bytes())),
            script: format!("forklar.{}.js", fingerprint(SCRIPT.as_bytes())),
        }
    }
}

/// Newest first; the path breaks ties so the order never depends on the file system.
fn newest_first(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.date
        .chronological(&a.date)
        .then_with(|| a.path.cmp(&b.path))
}

/// A template value (a map) with one more field; the rest is shared, not copied.
fn with_field(value: Value, key: &'static str, field: Value) -> Value {
    let mut map = value.into_map().unwrap_or_default();
    map.insert(key.into(), field);
    Value::from(map)
}

/// A short content hash (FNV-1a, 64 bits): stable across builds, platforms and
/// Rust versions, which `std`'s hasher does not promise.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

fn event_views(events: &[Event], language: Language, links: LinkResolver) -> Vec<EventView> {
    let mut sorted: Vec<&Event> = events.iter().collect();
    // A stable sort keeps events with equal dates in the order written.
    sorted.sort_by(|a, b| a.date.chronological(&b.date));
    // The year goes without saying only where several events share it.
    let one_year = sorted.len() > 1 && sorted.windows(2).all(|w| w[0].date.year == w[1].date.year);
    sorted
        .into_iter()
        .map(|event| EventView {
            date: ShownDate {
                iso: event.date.iso(),
                text: event.date.text(language, !one_year),
                rfc3339: event.date.rfc3339(),
            },
            title: event.title.clone(),
            text: event
                .text
                .as_deref()
                .map(|text| markdown::render_inline_with(text, Some(links))),
            source: event.source.clone(),
            url: event
                .url
                .as_ref()
                .map(|url| links(url).unwrap_or_else(|| url.clone())),
        })
        .collect()
}

fn known_keys<'a>(what: &str, folder: &str, keys: impl Iterator<Item = &'a String>) -> String {
    let keys: Vec<&str> = keys.map(String::as_str).collect();
    if keys.is_empty() {
        format!("there are no {what} yet; add a file to {folder}")
    } else {
        format!(
            "the known {what} are: {} (files in {folder})",
            keys.join(", ")
        )
    }
}

/// Every content file, classified; hidden files and editor leftovers are skipped.
fn content_files(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<ContentFile> {
    let mut files = Vec::new();
    let content = Path::new(CONTENT_DIR);
    for path in walk(root, content, is_ignored, problems) {
        let relative = path.strip_prefix(content).unwrap_or(&path);
        let first = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_owned());
        let extension = path.extension().and_then(|e| e.to_str());
        match (first.as_deref().and_then(|f| f.to_str()), extension) {
            (Some(BACKGROUND_DIR), Some("md")) => files.push(ContentFile::Background(path)),
            (Some(TIMELINES_DIR), Some("toml")) => files.push(ContentFile::Timeline(path)),
            (_, Some("md")) => files.push(ContentFile::Article(path)),
            _ => {}
        }
    }
    files
}

/// Every file under `static/`, relative to it, as a rebuild finds them.
pub fn collect_static(root: &Path, found: &mut Vec<PathBuf>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    *found = static_files(root, &mut problems);
    problems
}

fn static_files(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let folder = Path::new(STATIC_DIR);
    walk(root, folder, is_not_published, problems)
        .into_iter()
        .map(|p| p.strip_prefix(folder).map(Path::to_path_buf).unwrap_or(p))
        .collect()
}

/// Files below `root/folder`, relative to `root`, sorted. Symbolic links to folders
/// are not followed, so a link loop cannot hang the build.
pub(crate) fn walk(
    root: &Path,
    folder: &Path,
    skip: fn(&str) -> bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(root.join(&dir)) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => {
                problems
                    .push(Diagnostic::new(format!("cannot read the folder: {err}")).in_file(&dir));
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name_str) = name.to_str() else {
                problems.push(
                    Diagnostic::new("the file name is not valid UTF-8")
                        .in_file(dir.join(&name))
                        .with_help("rename the file using letters, digits and hyphens"),
                );
                continue;
            };
            if skip(name_str) {
                continue;
            }
            let path = dir.join(&name);
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_symlink() => match link_target_inside(root, &path) {
                    // Links to folders are not followed, so a link loop cannot hang the build.
                    Ok(true) if root.join(&path).is_dir() => {}
                    Ok(true) => files.push(path),
                    Ok(false) => problems.push(
                        Diagnostic::new("the file is a link to something outside the site's folder")
                            .in_file(&path)
                            .with_help("forklar publishes only files inside the site; copy the file here instead of linking to it"),
                    ),
                    Err(err) => problems.push(
                        Diagnostic::new(format!("the file is a broken link: {err}"))
                            .in_file(&path)
                            .with_help("remove the link, or point it at a file that exists"),
                    ),
                },
                Ok(_) => files.push(path),
                Err(_) => {}
            }
        }
    }
    files.sort();
    files
}

/// Files in `static/` that are never published: version control, desktop
/// leftovers and editor temporaries. Other dot-files (`.well-known/`, `.htaccess`)
/// are published as they are.
fn is_not_published(name: &str) -> bool {
    matches!(name, ".git" | ".DS_Store" | ".gitkeep" | ".gitignore") || is_editor_temp(name)
}

/// Whether a symbolic link resolves to something inside the site's folder.
fn link_target_inside(root: &Path, path: &Path) -> std::io::Result<bool> {
    let target = std::fs::canonicalize(root.join(path))?;
    let root = std::fs::canonicalize(root)?;
    Ok(target.starts_with(root))
}

/// Hidden files and the temporary files editors leave behind.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || is_editor_temp(name)
}

fn is_editor_temp(name: &str) -> bool {
    name.starts_with(".#")
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".bck"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'static str,
    locale: &'static str,
    stylesheet: String,
    script: String,
    background_index: String,
    feed: String,
}

#[derive(Serialize, Clone)]
pub struct ArticleSummary {
    pub title: String,
    pub lead: Option<String>,
    pub url: String,
    pub permalink: String,
    pub date: ShownDate,
    pub updated: Option<ShownDate>,
    pub tags: Vec<TagView>,
}

#[derive(Serialize, Clone)]
pub struct TagView {
    pub name: String,
    pub url: String,
}

/// Where a page of the front page's list is among the others.
#[derive(Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    /// "Side 2 av 200".
    label: String,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct TagPageView {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct ArticleView {
    #[serde(flatten)]
    summary: ArticleSummary,
    authors: Vec<String>,
    content: String,
    image: Option<ImageView>,
    background: Vec<EntryView>,
    timeline: Option<TimelineView>,
    quotes: Vec<QuoteView>,
    sources: Vec<SourceView>,
    corrections: Vec<CorrectionView>,
    placed: PlacedParts,
    json_ld: String,
}

impl ArticleView {
    fn has(&self, part: Part) -> bool {
        match part {
            Part::Background => !self.background.is_empty(),
            Part::Timeline => self.timeline.is_some(),
            Part::Quotes => !self.quotes.is_empty(),
        }
    }
}

#[derive(Serialize)]
struct PlacedParts {
    background: bool,
    timeline: bool,
    quotes: bool,
}

#[derive(Serialize)]
struct ImageView {
    url: String,
    permalink: String,
    alt: String,
    credit: Option<String>,
    caption: Option<String>,
}

#[derive(Serialize)]
struct EntryView {
    key: String,
    title: String,
    summary: String,
    url: String,
    permalink: String,
    facts: Vec<crate::content::Fact>,
    image: Option<ImageView>,
    /// The entry's body, on its own page only.
    content: Option<String>,
}

#[derive(Serialize)]
struct TimelineView {
    title: String,
    url: String,
    permalink: String,
    events: Vec<EventView>,
}

#[derive(Serialize)]
struct EventView {
    date: ShownDate,
    title: String,
    text: Option<String>,
    source: Option<String>,
    url: Option<String>,
}

#[derive(Serialize)]
struct QuoteView {
    text: String,
    speaker: String,
    role: Option<String>,
    organisation: Option<String>,
    source: String,
    url: Option<String>,
    date: Option<ShownDate>,
    translated: bool,
}

#[derive(Serialize)]
struct SourceView {
    title: String,
    url: Option<String>,
    publisher: Option<String>,
    date: Option<ShownDate>,
}

#[derive(Serialize)]
struct CorrectionView {
    date: ShownDate,
    text: String,
    plain: String,
}
