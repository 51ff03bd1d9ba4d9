//! The sitemaps as pages, with what each reads. `sitemap.xml` lists every
//! page while they fit in one file (`sitemap_urls_per_file`); beyond that it
//! is an index of parts, `sitemap-1.xml` …, each a page of its own, so that a
//! save renders only the parts whose addresses or dates it changed. The news
//! sitemap reads the titles of the last 48 hours' articles only.

use std::ops::Range;

use super::Renderer;
use super::feeds::{self, SitemapUrl};
use super::news::{self, NewsUrl, Recency, recency};
use crate::dates::Date;
use crate::deps::{Dep, Deps, ListKey};
use crate::diagnostics::Diagnostic;
use crate::site::index::page_count;
use crate::site::publish::Status;

/// The most bytes the protocol allows in one sitemap file, uncompressed.
const SITEMAP_BYTES_MOST: usize = 50 * 1024 * 1024;

/// The file of part `n` (from 1) of the sitemap index.
pub fn part_file(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// A page the sitemap lists besides the front page and the articles, as
/// what makes its path: counted without making every path.
enum Listed<'s> {
    Path(String),
    Background(&'s str),
    PersonPage(&'s str, usize),
    Timeline(&'s str),
    TagPage(&'s str, usize),
    UsedIn(&'s str, usize),
}

impl Renderer<'_> {
    /// How many parts `sitemap.xml` indexes: none while one file holds
    /// every address.
    pub fn sitemap_part_count(&self) -> usize {
        let listed = self.sitemap_len(&mut Deps::off());
        let per_file = self.site.config.sitemap_urls_per_file.max(1);
        if listed <= per_file {
            0
        } else {
            listed.div_ceil(per_file)
        }
    }

    /// `sitemap.xml`: every address, or the index of the parts.
    pub(super) fn sitemap(&self, deps: &mut Deps) -> String {
        let listed = self.sitemap_len(deps);
        let per_file = self.site.config.sitemap_urls_per_file.max(1);
        if listed <= per_file {
            return self.sitemap_file(feeds::SITEMAP_FILE, 0..listed, deps);
        }
        // Each part's newest change, of the front page and the articles in it.
        let site = self.site;
        let articles = site.articles.len();
        for n in site.order_blocks(0..articles) {
            deps.add(|| Dep::List(ListKey::OrderBlock(n)));
        }
        let parts: Vec<(String, Option<String>)> = (1..=listed.div_ceil(per_file))
            .map(|n| {
                let range = part_range(n, per_file, listed);
                let newest = article_range(&range, articles)
                    .chain((range.start == 0 && articles > 0).then_some(0))
                    .map(|i| site.articles[i].last_change())
                    .max_by(Date::chronological);
                (
                    format!("{}{}", site.config.base_url, part_file(n)),
                    newest.map(|date| date.rfc3339()),
                )
            })
            .collect();
        feeds::sitemap_index(|each: &mut dyn FnMut(SitemapUrl)| {
            for (loc, lastmod) in &parts {
                each(SitemapUrl {
                    loc,
                    lastmod: lastmod.as_deref(),
                });
            }
        })
    }

    /// Part `n` (from 1) of the sitemap index.
    pub(super) fn sitemap_part(&self, n: usize, deps: &mut Deps) -> String {
        let listed = self.sitemap_len(&mut Deps::off());
        let per_file = self.site.config.sitemap_urls_per_file.max(1);
        self.sitemap_file(&part_file(n), part_range(n, per_file, listed), deps)
    }

    /// A sitemap file of the addresses at `range` of the whole list: the
    /// front page, the articles in the site's order, then the other pages.
    fn sitemap_file(&self, file: &str, range: Range<usize>, deps: &mut Deps) -> String {
        let site = self.site;
        // Where each article is in the list follows from the order: the
        // number of articles, and which are in this file's stretch of it.
        deps.add(|| Dep::List(ListKey::ArticleCount));
        if site.publishing.preview {
            // Nothing of a preview is for search engines to find.
            return feeds::sitemap(|_: &mut dyn FnMut(SitemapUrl)| {});
        }
        let articles = site.articles.len();
        let shown = article_range(&range, articles);
        let mut blocks = site.order_blocks(shown.clone());
        if range.start == 0 && articles > 0 {
            // The front page's date is the first article's.
            blocks = 0..blocks.end.max(1);
        }
        for n in blocks {
            deps.add(|| Dep::List(ListKey::OrderBlock(n)));
        }
        let others_from = 1 + articles;
        let listed = if range.end > others_from {
            let mut listed = self.listed_pages(deps);
            listed.truncate(range.end - others_from);
            listed.drain(..(range.start.max(others_from) - others_from).min(listed.len()));
            listed
        } else {
            Vec::new()
        };
        // Each address is made as it is written (twice: see
        // `SitemapEntries`), so none waits in a list beside the file.
        let xml = feeds::sitemap(|each: &mut dyn FnMut(SitemapUrl)| {
            if range.start == 0 {
                let lastmod = (articles > 0).then(|| site.articles[0].last_change().rfc3339());
                each(SitemapUrl {
                    loc: &site.config.base_url,
                    lastmod: lastmod.as_deref(),
                });
            }
            for article in shown.clone().map(|i| &site.articles[i]) {
                let loc = self.urls.permalink(&self.urls.article(&article.slug));
                let lastmod = article.last_change().rfc3339();
                each(SitemapUrl {
                    loc: &loc,
                    lastmod: Some(&lastmod),
                });
            }
            for page in &listed {
                let loc = self.urls.permalink(&self.listed_path(page));
                each(SitemapUrl {
                    loc: &loc,
                    lastmod: None,
                });
            }
        });
        if let Some(warning) = oversize_warning(file, xml.len()) {
            self.note(warning);
        }
        xml
    }

    /// How many addresses the sitemap lists.
    fn sitemap_len(&self, deps: &mut Deps) -> usize {
        deps.add(|| Dep::List(ListKey::ArticleCount));
        if self.site.publishing.preview {
            return 0;
        }
        1 + self.site.articles.len() + self.listed_pages(deps).len()
    }

    /// The pages the sitemap lists after the front page and the articles,
    /// in order, with what decides which there are.
    fn listed_pages(&self, deps: &mut Deps) -> Vec<Listed<'_>> {
        let site = self.site;
        deps.extend([
            Dep::List(ListKey::Entries),
            Dep::List(ListKey::Timelines),
            Dep::List(ListKey::Tags),
            Dep::List(ListKey::People),
        ]);
        let mut pages = vec![
            Listed::Path(self.urls.background_index()),
            Listed::Path(self.urls.corrections()),
            Listed::Path(self.urls.tag_index()),
            Listed::Path(self.urls.timeline_index()),
        ];
        pages.extend(site.background.keys().map(|k| Listed::Background(k)));
        for key in site.people.keys() {
            deps.add(|| Dep::List(ListKey::PersonPages(key.clone())));
            let count = site.person_page_count(key, &self.listings);
            pages.extend((1..=count).map(|n| Listed::PersonPage(key, n)));
        }
        pages.extend(
            self.listings
                .timeline_users
                .keys()
                .map(|k| Listed::Timeline(k)),
        );
        for (slug, (name, tagged)) in &self.listings.tags {
            deps.add(|| Dep::List(ListKey::TagPages(slug.clone())));
            pages.extend((1..=page_count(tagged.len())).map(|n| Listed::TagPage(name, n)));
        }
        // Every entry's count is read, used or not, so the sitemap hears of
        // an entry whose list outgrows its page whichever way it grew.
        for key in site.background.keys() {
            deps.add(|| Dep::List(ListKey::EntryUsersPages(key.clone())));
            let users = self.listings.entry_users.get(key).map_or(0, Vec::len);
            pages.extend((2..=page_count(users)).map(|n| Listed::UsedIn(key, n)));
        }
        pages
    }

    fn listed_path(&self, page: &Listed) -> String {
        match page {
            Listed::Path(path) => path.clone(),
            Listed::Background(key) => self.urls.background(key),
            Listed::PersonPage(key, n) => self.urls.person_page(key, *n),
            Listed::Timeline(key) => self.urls.timeline(key),
            Listed::TagPage(name, n) => self.urls.tag_page(name, *n),
            Listed::UsedIn(key, n) => self.urls.used_in(key, *n),
        }
    }

    /// The news sitemap at `now`. Articles are newest first (those that
    /// expired last), and the order of dates is that of moments: the walk
    /// stops at the first article too old, whose date is read, as no
    /// article after it can be news without moving before it.
    pub(super) fn news_sitemap(&self, now: std::time::SystemTime, deps: &mut Deps) -> String {
        let publishing = &self.site.publishing;
        deps.add(|| Dep::List(ListKey::AllArticles));
        let mut urls = Vec::new();
        for article in &self.site.articles {
            // A preview is for its editors, never for search engines.
            if publishing.preview || urls.len() == news::MAX_NEWS_URLS {
                break;
            }
            deps.add(|| Dep::Address(article.path.clone()));
            match recency(&article.date, now) {
                Recency::Past => break,
                _ if article.status == Status::Expired => break,
                Recency::Ahead => continue,
                Recency::Recent if !publishing.feeds(article) => continue,
                Recency::Recent => {}
            }
            deps.add(|| Dep::Summary(article.path.clone()));
            urls.push(NewsUrl {
                loc: self.urls.permalink(&self.urls.article(&article.slug)),
                title: article.title.clone(),
                // W3C dates: a day as it is, a time only with its offset.
                published: if article.date.time.is_some() {
                    article.date.rfc3339()
                } else {
                    article.date.iso()
                },
            });
        }
        news::news_sitemap(&self.site.config.title, self.urls.language.code(), &urls)
    }
}

/// The warning for a sitemap file of `bytes` beyond what search engines
/// read, which only addresses of some 1,000 characters on average reach.
fn oversize_warning(file: &str, bytes: usize) -> Option<Diagnostic> {
    (bytes > SITEMAP_BYTES_MOST).then(|| {
        Diagnostic::warning(format!(
            "{file} is {} MB, more than the 50 MB search engines read of a sitemap file",
            bytes.div_ceil(1024 * 1024)
        ))
        .in_file(crate::layout::CONFIG_FILE)
        .with_help(
            "lower sitemap_urls_per_file in site.toml so that each file lists fewer addresses",
        )
    })
}

/// Where part `n` (from 1) is in the list of `listed` addresses.
fn part_range(n: usize, per_file: usize, listed: usize) -> Range<usize> {
    let start = (n.saturating_sub(1) * per_file).min(listed);
    start..(start + per_file).min(listed)
}

/// The articles (by place in the order) at `range` of the list, where the
/// front page comes first.
fn article_range(range: &Range<usize>, articles: usize) -> Range<usize> {
    let start = range.start.max(1) - 1;
    let end = range.end.min(1 + articles).saturating_sub(1);
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::{SITEMAP_BYTES_MOST, article_range, oversize_warning, part_range};

    #[test]
    fn a_file_beyond_50_mb_is_warned_about() {
        assert!(oversize_warning("sitemap-1.xml", SITEMAP_BYTES_MOST).is_none());
        let warning = oversize_warning("sitemap-1.xml", SITEMAP_BYTES_MOST + 1).expect("a warning");
        assert!(warning.is_warning());
        assert!(
            warning.message.contains("sitemap-1.xml is 51 MB"),
            "{warning}"
        );
    }

    #[test]
    fn parts_cover_the_list_once_each() {
        let listed = 10;
        let ranges: Vec<_> = (1..=4).map(|n| part_range(n, 3, listed)).collect();
        assert_eq!(ranges, [0..3, 3..6, 6..9, 9..10]);
    }

    #[test]
    fn the_front_page_comes_before_the_articles() {
        assert_eq!(article_range(&(0..3), 5), 0..2);
        assert_eq!(article_range(&(3..6), 5), 2..5);
        assert_eq!(article_range(&(6..9), 5), 5..5);
        assert_eq!(article_range(&(0..1), 5), 0..0);
        assert_eq!(article_range(&(0..4), 0), 0..0);
    }
}
