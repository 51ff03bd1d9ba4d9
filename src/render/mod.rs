//! Rendering: every page of a loaded site through the templates into a
//! [`Sink`], in parallel. Each page records what it read ([`Dep`]s), which is
//! all a rebuild needs to know which pages a change touches.

mod article;
pub mod assets;
mod corrections;
pub mod feeds;
mod frozen;
pub mod images;
mod indexes;
mod links;
mod lists;
mod live;
pub mod news;
mod paged;
pub mod pages;
mod people;
mod search;
pub mod seo;
mod sitemap;
mod summaries;
pub mod views;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use tera::{Context, Value};

use crate::deps::{Dep, Deps};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::{FoundLink, LinkIndex, LinkScope};
use crate::output::Sink;
use crate::parts::{self, ViewCx};
use crate::site::index::Listings;
use crate::site::{Article, Site};
use crate::templates::Templates;
use crate::urls::Urls;
pub use assets::Assets;
pub use pages::Page;
use summaries::CachedSummary;
pub use summaries::summary_of;
use views::{SiteView, with_fields};

/// Ids the default theme uses for its own landmarks, which headings in a body
/// must not take; each part's `part-<key>` is added to them.
const THEME_IDS: &[&str] = &[
    "content",
    "title",
    "part-facts",
    "part-used-in",
    "part-change-log",
    "siste",
    "mention-preview",
    "forklar-build-error",
    "sitater",
    "artikler",
];

/// A page rendered, with everything it read.
pub struct Rendered {
    pub page: Page,
    pub deps: Deps,
}

/// What a renderer works out over the whole site that holds while no article
/// moves in the order or changes what lists show of it.
#[derive(Default)]
pub struct Kept {
    pub listings: Listings,
    pub links: LinkIndex,
    /// Each slug's first article in the order.
    pub slugs: HashMap<String, usize>,
    summaries: Vec<OnceLock<Box<CachedSummary>>>,
}

impl Kept {
    /// Lets go of every summary made, keeping none of their room: a full
    /// build makes them all, and dropping them at the next save would slow
    /// it down.
    pub fn drop_summaries(&mut self) {
        self.summaries = Vec::new();
    }

    /// Empties every summary made, keeping their room: what they hold was
    /// made for one render, and the next renderer would drop it first.
    pub fn clear_summaries(&mut self) {
        for summary in &mut self.summaries {
            summary.take();
        }
    }
}

/// Each slug's first article in the order (a later one with the same slug
/// is an error before rendering).
pub fn slug_table(site: &Site) -> HashMap<String, usize> {
    let mut slugs = HashMap::with_capacity(site.articles.len());
    for (index, article) in site.articles.iter().enumerate() {
        slugs.entry(article.slug.clone()).or_insert(index);
    }
    slugs
}

/// Renders the pages of one loaded site.
pub struct Renderer<'a> {
    pub site: &'a Site,
    templates: &'a Templates,
    pub urls: Urls,
    pub links: LinkIndex,
    pub listings: Listings,
    pub assets: Assets,
    base: Context,
    by_slug: HashMap<String, usize>,
    /// Each article's summary with what it read; made when a list first needs
    /// it and shared by every list after that. Boxed, so that the room for
    /// every article's, which each save walks, is a pointer each.
    summaries: Vec<OnceLock<Box<CachedSummary>>>,
    /// Template values many summaries share.
    shared: summaries::SharedValues,
    reserved_ids: Vec<String>,
    /// The moment the build counts as now (`--now`, else the clock).
    now: std::time::SystemTime,
    /// Problems found while rendering beside the one a page fails with:
    /// warnings, and a page's further errors.
    noted: Mutex<Vec<Diagnostic>>,
    /// Links in front matter and shared files with a problem, by file.
    link_problems: Mutex<Vec<(std::path::PathBuf, FoundLink)>>,
    /// Images: plans, files written, the cache.
    pictures: images::Pictures,
    /// Files in static/ published resized, not copied.
    processed_statics: std::collections::HashSet<std::path::PathBuf>,
    /// The templates' renders out of time before this renderer began: once
    /// there are more, it renders no more pages.
    out_of_time_before: usize,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, templates: &'a Templates) -> Renderer<'a> {
        let kept = Kept {
            listings: site.listings(),
            links: links::link_index(site, &Urls::new(&site.config)),
            slugs: slug_table(site),
            summaries: Vec::new(),
        };
        Renderer::with_kept(site, templates, kept)
    }

    /// A renderer given what an earlier one worked out over the whole site
    /// ([`Renderer::into_kept`]), still true while no article moved, so a
    /// save in `serve` does not work it out again.
    pub fn with_kept(site: &'a Site, templates: &'a Templates, kept: Kept) -> Renderer<'a> {
        let Kept {
            listings,
            links,
            slugs: by_slug,
            mut summaries,
        } = kept;
        let urls = Urls::new(&site.config);
        let assets = Assets::new(templates);
        let base = base_context(site, &urls, &assets);
        // The summaries' room is reused; what they held was for other text.
        summaries.truncate(site.articles.len());
        for summary in &mut summaries {
            summary.take();
        }
        summaries.resize_with(site.articles.len(), OnceLock::new);
        let mut reserved_ids: Vec<String> = THEME_IDS.iter().map(|id| id.to_string()).collect();
        reserved_ids.extend(parts::KEYS.iter().map(|key| format!("part-{key}")));
        Renderer {
            site,
            templates,
            listings,
            summaries,
            shared: Default::default(),
            urls,
            links,
            assets,
            base,
            by_slug,
            reserved_ids,
            now: std::time::SystemTime::now(),
            noted: Mutex::new(Vec::new()),
            link_problems: Mutex::new(Vec::new()),
            pictures: images::Pictures::new(&site.root, &site.config.images),
            processed_statics: images::processed_statics(site),
            out_of_time_before: templates.renders_out_of_time(),
        }
    }

    /// What was noted while rendering, taken out: warnings, and the errors of
    /// links and images, which do not stop a page from rendering so that
    /// `check` can report every problem at once.
    pub fn take_noted(&self) -> Vec<Diagnostic> {
        self.note_front_matter_links();
        let mut noted: Vec<Diagnostic> = self
            .noted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
            .collect();
        // Shared files are shown on many pages: each problem once.
        let mut seen = std::collections::HashSet::new();
        noted.retain(|d| {
            seen.insert((
                d.message.clone(),
                d.file.clone(),
                d.line(),
                d.location.as_ref().map(|l| l.column),
            ))
        });
        noted
    }

    /// A render's result with what was noted along the way (and `found`
    /// before it): the warnings when nothing stops the build, else every
    /// problem, warnings included.
    pub fn outcome<T>(
        &self,
        result: Result<T, Diagnostics>,
        mut found: Vec<Diagnostic>,
    ) -> Result<(T, Vec<Diagnostic>), Diagnostics> {
        found.extend(self.take_noted());
        match result {
            Ok(value) if found.iter().all(Diagnostic::is_warning) => Ok((value, found)),
            Ok(_) => Err(Diagnostics(found)),
            Err(mut problems) => {
                problems.0.extend(found);
                Err(problems)
            }
        }
    }

    /// The lists, links and slugs, for [`Renderer::with_kept`].
    pub fn into_kept(self) -> Kept {
        Kept {
            listings: self.listings,
            links: self.links,
            slugs: self.by_slug,
            summaries: self.summaries,
        }
    }

    /// Whether a live article has the live script published.
    pub fn publishes_live_script(&self) -> bool {
        self.any_live()
    }

    /// Renders as of `now` instead of the system's clock.
    pub fn at(mut self, now: jiff::Timestamp) -> Renderer<'a> {
        let since = std::time::Duration::from_nanos(
            u64::try_from(now.as_nanosecond().max(0)).unwrap_or(u64::MAX),
        );
        self.now = std::time::UNIX_EPOCH + since;
        self
    }

    /// Renders every page, with what each read.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<Vec<Rendered>, Diagnostics> {
        self.make_all_summaries(true);
        self.render_pages(&self.pages(), sink)
    }

    /// Renders every page for a build, which needs no record of what each
    /// read; returns how many pages there were.
    pub fn build_all(&self, sink: &dyn Sink) -> Result<usize, Diagnostics> {
        self.make_all_summaries(false);
        let site = self.site;
        let runs = self.page_runs();
        let count: usize = runs.iter().map(|run| run.len(site.articles.len())).sum();
        // A page writes one file, a few of them two or three (the sitemap
        // and robots.txt, a live article's feed and JSON): a sixteenth more
        // is room for those.
        let sources = site.articles.len() + site.background.len() + site.people.len();
        sink.expect(count + count / 16 + 16, sources + site.static_files.len());
        // Only problems are kept: a record of every page rendered would be
        // held at the build's peak, for nothing.
        let mut problems: Vec<Diagnostic> = Vec::new();
        for run in &runs {
            problems.par_extend(
                (0..run.len(site.articles.len()))
                    .into_par_iter()
                    .filter_map(|i| {
                        let page = run.page(&site.articles, i);
                        self.render_page(&page, sink, &mut Deps::off()).err()
                    }),
            );
        }
        each_once(problems)?;
        Ok(count)
    }

    /// A full build lists every article somewhere: make every summary up
    /// front, in parallel; with what each read only where a rebuild will ask
    /// (`record`), since a large site keeps every summary.
    fn make_all_summaries(&self, record: bool) {
        self.summaries.par_iter().enumerate().for_each(|(i, _)| {
            self.cached_summary(i, record);
        });
    }

    /// Renders the given pages into `sink`, in parallel; every problem found is
    /// reported together.
    pub fn render(&self, pages: &[Page], sink: &dyn Sink) -> Result<Vec<Rendered>, Diagnostics> {
        self.render_pages(pages, sink)
    }

    fn render_pages(&self, pages: &[Page], sink: &dyn Sink) -> Result<Vec<Rendered>, Diagnostics> {
        let results: Vec<Result<Rendered, Diagnostic>> = pages
            .par_iter()
            .map(|page| {
                let mut deps = Deps::recording();
                self.render_page(page, sink, &mut deps)?;
                Ok(Rendered {
                    page: page.clone(),
                    deps,
                })
            })
            .collect();
        let mut rendered = Vec::with_capacity(results.len());
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok(page) => rendered.push(page),
                Err(problem) => problems.push(problem),
            }
        }
        each_once(problems)?;
        Ok(rendered)
    }

    fn render_page(&self, page: &Page, sink: &dyn Sink, deps: &mut Deps) -> Result<(), Diagnostic> {
        // A page stopped at the time limit fails the build; the others would
        // most likely take as long each, for nothing (hours, on a large site).
        if self.templates.renders_out_of_time() > self.out_of_time_before {
            return Err(Diagnostic::new(
                "the other pages were not rendered: a page ran out of time, and each would likely take as long",
            )
            .with_help("make the page that ran out of time (named in its own error) render sooner, and build again"));
        }
        let origin = self.origin(page);
        match page {
            Page::Feed => {
                let feed = self.feed(deps)?;
                sink.write(feeds::FEED_FILE, feed.as_bytes(), &origin)
            }
            Page::Sitemap => {
                let sitemap = self.sitemap(deps);
                sink.write(feeds::SITEMAP_FILE, sitemap.as_bytes(), &origin)?;
                deps.add(|| {
                    Dep::File(
                        std::path::Path::new(crate::layout::STATIC_DIR).join(pages::ROBOTS_FILE),
                    )
                });
                if self.has_own_robots() {
                    return Ok(());
                }
                let robots = if self.site.publishing.preview {
                    feeds::PREVIEW_ROBOTS.to_string()
                } else {
                    feeds::robots(&self.site.config.base_url)
                };
                sink.write(pages::ROBOTS_FILE, robots.as_bytes(), &origin)
            }
            Page::SitemapPart(n) => {
                let part = self.sitemap_part(*n, deps);
                sink.write(&sitemap::part_file(*n), part.as_bytes(), &origin)
            }
            Page::NewsSitemap => {
                let news = self.news_sitemap(self.now, deps);
                sink.write(news::NEWS_SITEMAP_FILE, news.as_bytes(), &origin)
            }
            Page::Assets => {
                sink.write(
                    &self.assets.stylesheet,
                    self.templates.stylesheet.as_bytes(),
                    &origin,
                )?;
                sink.write(
                    &self.assets.script,
                    self.templates.script.as_bytes(),
                    &origin,
                )
            }
            Page::Icons => {
                // Whether the site has its own, for every icon.
                for (name, _) in assets::ICONS {
                    let path = std::path::Path::new(crate::layout::STATIC_DIR).join(name);
                    deps.add(|| Dep::File(path));
                }
                for (name, bytes) in self.theme_icons() {
                    sink.write(name, bytes, &origin)?;
                }
                Ok(())
            }
            Page::Topics => self.topics_page(page, sink, deps),
            Page::Timelines => self.timelines_page(page, sink, deps),
            Page::LiveScript => sink.write(
                &self.assets.live_script,
                self.templates.live_script.as_bytes(),
                &origin,
            ),
            Page::Static(file) => {
                let path = std::path::Path::new(crate::layout::STATIC_DIR).join(file);
                deps.add(|| Dep::File(path.clone()));
                sink.copy(
                    &file.to_string_lossy().replace('\\', "/"),
                    &self.site.root.join(path),
                )
            }
            Page::NotFound => self.not_found_page(page, sink, deps),
            Page::Article(slug) => match self.article_index(slug) {
                Some(index) => self.article_page(index, page, sink, deps),
                None => Ok(()),
            },
            Page::Index(n) => self.index_page(*n, page, sink, deps),
            Page::BackgroundIndex => self.background_index_page(page, sink, deps),
            Page::Background(key) => self.background_page(key, page, sink, deps),
            Page::Timeline(key) => self.timeline_page(key, page, sink, deps),
            Page::Tag(slug) => self.tag_page(slug, 1, page, sink, deps),
            Page::TagPage(slug, n) => self.tag_page(slug, *n, page, sink, deps),
            Page::UsedIn(key, n) => self.used_in_page(key, *n, page, sink, deps),
            Page::Corrections => self.corrections_page(1, page, sink, deps),
            Page::CorrectionsPage(n) => self.corrections_page(*n, page, sink, deps),
            Page::Search => self.search_page(page, sink),
            Page::Person(key) => self.person_page(key, 1, page, sink, deps),
            Page::PersonPage(key, n) => self.person_page(key, *n, page, sink, deps),
            Page::Updates(slug) => match self.article_index(slug) {
                Some(index) => self.live_files(index, sink, deps),
                None => Ok(()),
            },
        }
    }

    fn article_index(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }

    /// A fresh template context with what every page shows.
    fn context(&self) -> Context {
        self.base.clone()
    }

    /// A part's heading in the site's language ("Bakgrunn").
    fn part_heading(&self, key: &str) -> &'static str {
        parts::headings(self.urls.language)
            .get(key)
            .copied()
            .unwrap_or_default()
    }

    /// What `base.html` tells search engines about an indexable page at
    /// `path`, with breadcrumbs from the front page through `trail` (name
    /// and site path) to it, and any other structured data (`json_ld`, each
    /// object already written by [`seo::script_safe`]).
    fn seo(
        &self,
        title: &str,
        description: &str,
        path: &str,
        trail: &[(&str, String)],
        mut json_ld: Vec<String>,
    ) -> seo::PageSeo {
        let config = &self.site.config;
        let permalink = self.urls.permalink(path);
        let home = self.urls.language.labels().home;
        let mut steps: Vec<(&str, String)> = vec![(home, config.base_url.clone())];
        steps.extend(
            trail
                .iter()
                .map(|(name, path)| (*name, self.urls.permalink(path))),
        );
        if path != self.urls.base_path() {
            steps.push((title, permalink.clone()));
        }
        if steps.len() > 1 {
            let steps: Vec<(&str, &str)> = steps.iter().map(|(n, u)| (*n, u.as_str())).collect();
            json_ld.push(seo::script_safe(&seo::breadcrumbs(&steps)));
        }
        seo::PageSeo {
            title: format!("{title} – {}", config.title),
            description: description.to_string(),
            permalink,
            og_type: "website",
            json_ld,
        }
    }

    /// Writes a page rendered with `template` to its output path.
    fn write_page(
        &self,
        page: &Page,
        template: &str,
        context: &Context,
        source: &str,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let html = self.templates.render(template, context, source)?;
        let path = self
            .output_paths(page)
            .into_iter()
            .next()
            .unwrap_or_default();
        sink.write(&path, &html, &self.origin(page))
    }

    /// What a background entry's own parts («Spørsmål og svar») may read:
    /// links resolved from the entry's file, and no point in time.
    fn entry_view_cx<'c>(
        &'c self,
        entry: &'c crate::content::BackgroundEntry,
        deps: &'c mut Deps,
    ) -> ViewCx<'c> {
        ViewCx {
            language: self.urls.language,
            urls: &self.urls,
            links: LinkScope {
                index: &self.links,
                from: &entry.path,
            },
            entries: &self.site.background,
            timelines: &self.site.timelines,
            zone: &self.site.config.zone.0,
            now: self.now_timestamp(),
            until: None,
            people: &self.site.people,
            slug: &entry.key,
            title: &entry.title,
            deps,
            link_problems: &self.link_problems,
        }
    }

    /// What an article's parts may read while rendering.
    fn view_cx<'c>(&'c self, article: &'c Article, deps: &'c mut Deps) -> ViewCx<'c> {
        ViewCx {
            language: self.urls.language,
            urls: &self.urls,
            links: LinkScope {
                index: &self.links,
                from: &article.path,
            },
            entries: &self.site.background,
            timelines: &self.site.timelines,
            zone: &self.site.config.zone.0,
            now: self.now_timestamp(),
            until: Some(article.updated.unwrap_or(article.date)),
            people: &self.site.people,
            slug: &article.slug,
            title: &article.title,
            deps,
            link_problems: &self.link_problems,
        }
    }
}

/// What every page shows: the site, its labels, its stylesheet and script.
fn base_context(site: &Site, urls: &Urls, assets: &Assets) -> Context {
    let mut context = Context::new();
    let base_path = urls.base_path();
    let language = site.config.language;
    context.insert(
        "site",
        &SiteView {
            title: &site.config.title,
            description: &site.config.description,
            base_url: &site.config.base_url,
            base_path,
            language: language.code(),
            locale: language.locale(),
            stylesheet: format!("{base_path}{}", assets.stylesheet),
            script: format!("{base_path}{}", assets.script),
            live_script: format!("{base_path}{}", assets.live_script),
            background_index: urls.background_index(),
            feed: format!("{base_path}{}", feeds::FEED_FILE),
            corrections: urls.corrections(),
            topics: urls.tag_index(),
            timelines: urls.timeline_index(),
            favicon: format!("{base_path}{}", assets::FAVICON_FILE),
            touch_icon: format!("{base_path}{}", assets::TOUCH_ICON_FILE),
            preview: site
                .publishing
                .preview
                .then(|| crate::site::publish::preview_banner(language)),
            search: crate::search::enabled(&site.config).then(|| views::SearchLink {
                url: format!("{base_path}{}/", crate::search::section(language)),
                label: crate::search::SearchLabels::of(language).title,
            }),
        },
    );
    context.insert(
        "seo",
        &seo::PageSeo {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            permalink: String::new(),
            og_type: "website",
            json_ld: Vec::new(),
        },
    );
    let headings = parts::headings(language)
        .into_iter()
        .map(|(key, heading)| (key, Value::from(heading)));
    context.insert_value(
        "labels",
        with_fields(Value::from_serializable(&language.labels()), headings),
    );
    context
}

/// The problems of a render as one report, each once: an image shown on
/// several pages has its problem once.
fn each_once(problems: Vec<Diagnostic>) -> Result<(), Diagnostics> {
    let mut once: Vec<Diagnostic> = Vec::with_capacity(problems.len());
    for problem in problems {
        if !once.contains(&problem) {
            once.push(problem);
        }
    }
    if once.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(once))
    }
}
