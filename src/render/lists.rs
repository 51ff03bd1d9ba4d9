//! The pages that list articles or entries, and the feed.

use crate::images::Loading;
use tera::Value;

use super::feeds::{self, FeedEntry, FeedInfo};
use super::views::{ArticleSummary, with_fields};
use super::{Page, Renderer, seo};
use crate::dates::Date;
use crate::deps::{Dep, Deps, ListKey};
use crate::diagnostics::Diagnostic;
use crate::links::LinkScope;
use crate::markdown::{self, MarkdownOptions};
use crate::output::Sink;
use crate::parts::background::entry_view;
use crate::parts::timeline::timeline_view;

/// The longest body, in bytes of Markdown, a feed entry carries in full: a
/// long report is some 100 KB, and feed readers refuse entries of many
/// megabytes. A longer article's entry has its lead and link.
pub const FEED_FULL_TEXT: usize = 1024 * 1024;

/// One line of an entry's change log, as its page shows it.
#[derive(serde::Serialize)]
struct ChangeView {
    date: crate::dates::ShownDate,
    text: String,
}

impl Renderer<'_> {
    pub(super) fn index_page(
        &self,
        n: usize,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        let total = self.site.index_page_count();
        deps.add(|| Dep::List(ListKey::FrontPages));
        let shown: Vec<usize> = self.site.index_page(n).collect();
        let mut context = self.context();
        let config = &self.site.config;
        let page_seo = if n <= 1 {
            seo::PageSeo {
                title: config.title.clone(),
                description: config.description.clone(),
                permalink: config.base_url.clone(),
                og_type: "website",
                json_ld: seo::website(config).iter().map(seo::script_safe).collect(),
            }
        } else {
            let label = self.urls.language.page_of(n, total);
            let description = format!("{label}: {}", config.description);
            self.seo(&label, &description, &self.urls.index(n), &[], Vec::new())
        };
        context.insert("seo", &page_seo);
        context.insert_value(
            "articles",
            self.teasers(ListKey::Front(n), &shown, sink, deps),
        );
        context.insert(
            "pagination",
            &self.pagination(n, total, |n| self.urls.index(n)),
        );
        self.write_page(page, "index.html", &context, "the front page", sink)
    }

    pub(super) fn background_index_page(
        &self,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        deps.add(|| Dep::List(ListKey::Entries));
        let entries: Vec<_> = self
            .site
            .background
            .values()
            .map(|entry| {
                deps.add(|| Dep::Entry(entry.key.clone()));
                entry_view(entry, &self.urls)
            })
            .collect();
        let mut context = self.context();
        let labels = self.urls.language.labels();
        context.insert(
            "seo",
            &self.seo(
                self.part_heading("background"),
                labels.background_index_description,
                &self.urls.background_index(),
                &[],
                Vec::new(),
            ),
        );
        context.insert("entries", &entries);
        self.write_page(
            page,
            "background_index.html",
            &context,
            "the list of background entries",
            sink,
        )
    }

    pub(super) fn background_page(
        &self,
        key: &str,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        deps.add(|| Dep::Entry(key.to_string()));
        let Some(entry) = self.site.background.get(key) else {
            return Ok(());
        };
        let mut view = entry_view(entry, &self.urls);
        if let Some(image) = &entry.image {
            view.image = Some(self.image_view(image, Loading::Priority, Some(sink), deps)?);
        }
        let body = self.file_body(&entry.body, &entry.path, entry.body_first_line, deps)?;
        view.content = Some(body);
        let (articles, pagination) = self.used_in_list(key, 1, sink, deps);
        let changes: Vec<ChangeView> = entry
            .changes
            .iter()
            .map(|change| ChangeView {
                date: change.date.shown(self.urls.language),
                text: change.text.clone(),
            })
            .collect();
        let questions = crate::parts::questions::questions_view(
            &entry.questions,
            &mut self.entry_view_cx(entry, deps),
        );
        let view = with_fields(
            Value::from_serializable(&view),
            [
                ("articles", articles),
                ("changes", Value::from_serializable(&changes)),
                ("questions", Value::from_serializable(&questions)),
            ],
        );
        let mut context = self.context();
        let mut about = serde_json::json!({
            "@context": "https://schema.org",
            "@type": entry.kind.schema_type(),
            "name": entry.title,
            "description": entry.summary,
            "url": self.urls.permalink(&self.urls.background(key)),
        });
        if !entry.same_as.is_empty() {
            about["sameAs"] = entry.same_as.clone().into();
        }
        context.insert(
            "seo",
            &self.seo(
                &entry.title,
                &entry.summary,
                &self.urls.background(key),
                &[(
                    self.part_heading("background"),
                    self.urls.background_index(),
                )],
                vec![seo::script_safe(&about)],
            ),
        );
        context.insert_value("entry", view);
        context.insert("pagination", &pagination);
        self.write_page(
            page,
            "background.html",
            &context,
            &entry.path.display().to_string(),
            sink,
        )
    }

    /// The Markdown body of a file that is not an article (an entry, a
    /// person): links resolved from the file and recorded, script links refused
    /// at their line.
    pub(super) fn file_body(
        &self,
        text: &str,
        from: &std::path::Path,
        first_line: usize,
        deps: &mut Deps,
    ) -> Result<String, Diagnostic> {
        let body = markdown::render(
            text,
            &[],
            MarkdownOptions {
                escape_html: self.site.config.markdown.escape_html,
                links: Some(LinkScope {
                    index: &self.links,
                    from,
                }),
                reserved_ids: &self.reserved_ids,
                markers: &[],
                language: Some(self.urls.language),
                figures: None,
            },
        );
        deps.extend(
            body.links
                .iter()
                .filter_map(|l| l.target.clone().map(Dep::Url)),
        );
        if let Some((why, range)) = body.refused_links.first() {
            let mut location = crate::diagnostics::Location::from_span(text, range.clone());
            location.line += first_line - 1;
            return Err(Diagnostic::new(why.clone())
                .in_file(from)
                .at(location)
                .with_help(
                    "links must be https:// addresses, paths on the site or links to content files",
                ));
        }
        self.check_links(&body.links, text, from, first_line);
        Ok(body.html)
    }

    pub(super) fn timeline_page(
        &self,
        key: &str,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        let users = self
            .listings
            .timeline_users
            .get(key)
            .map_or(&[][..], Vec::as_slice);
        let articles = self.list(ListKey::TimelineUsers(key.to_string()), users, deps);
        deps.add(|| Dep::Timeline(key.to_string()));
        let (title, events, from) = match self.site.timelines.get(key) {
            Some(shared) => {
                // Live articles' updates marked `timeline = true` join the
                // shared timeline they show, on its page as in the articles.
                let mut events = shared.events.clone();
                for article in users.iter().map(|&i| &self.site.articles[i]) {
                    if article
                        .parts
                        .timeline
                        .file
                        .as_ref()
                        .is_some_and(|r| r.key == key)
                    {
                        deps.add(|| Dep::File(article.path.clone()));
                        events.extend(article.parts.timeline.events.iter().cloned());
                    }
                }
                (&shared.title, events, &shared.path)
            }
            None => {
                // An article's own timeline: the one article that shows it.
                let Some(article) = users
                    .first()
                    .map(|&i| &self.site.articles[i])
                    .filter(|a| a.parts.timeline.file.is_none())
                else {
                    return Ok(());
                };
                // A full build let its events go: the article's page writes
                // this page from the view it shows them with.
                if article.parts.timeline.own_let_go {
                    return Ok(());
                }
                deps.add(|| Dep::File(article.path.clone()));
                (
                    &article.title,
                    article.parts.timeline.events.clone(),
                    &article.path,
                )
            }
        };
        let view = {
            let Some(&first) = users.first() else {
                return Ok(());
            };
            let mut cx = self.view_cx(&self.site.articles[first], deps);
            let mut cx = cx.from_file(from);
            timeline_view(key, title, &events, &mut cx)
        };
        self.timeline_page_of(
            key,
            title,
            Value::from_serializable(&view),
            articles,
            page,
            sink,
        )
    }

    /// A timeline's page from its view (a `TimelineView` as the templates
    /// get it) and the articles that use it.
    pub(super) fn timeline_page_of(
        &self,
        key: &str,
        title: &str,
        view: Value,
        articles: Value,
        page: &Page,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let labels = self.urls.language.labels();
        let page_title = format!("{} {title}", labels.timeline_of);
        // The list in the structured data names each event and its date.
        let events: Vec<(Option<&str>, Option<&str>)> = view
            .get_from_path("events")
            .and_then(Value::as_array)
            .unwrap_or_default()
            .iter()
            .map(|event| {
                let text = |path| event.get_from_path(path).and_then(Value::as_str);
                (text("title"), text("date.text"))
            })
            .collect();
        let permalink = view
            .get_from_path("permalink")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let list = seo::script_safe(&seo::timeline_list(&page_title, permalink, &events));
        let page_seo = self.seo(
            &page_title,
            &format!("{page_title} ({} {})", events.len(), labels.events),
            &self.urls.timeline(key),
            &[],
            vec![list],
        );
        let view = with_fields(view, [("articles", articles)]);
        let mut context = self.context();
        context.insert("seo", &page_seo);
        context.insert_value("timeline", view);
        // Links on a timeline page are written in its file, which names it.
        self.write_page(page, "timeline.html", &context, &self.origin(page), sink)
    }

    /// The Atom feed of the newest articles, with their full text up to
    /// [`FEED_FULL_TEXT`].
    pub(super) fn feed(&self, deps: &mut Deps) -> Result<String, Diagnostic> {
        deps.add(|| Dep::List(ListKey::Feed));
        let newest: Vec<usize> = self.site.feed_articles().collect();
        let summaries: Vec<_> = newest.iter().map(|&i| self.listed(i, deps)).collect();
        let mut entries = Vec::with_capacity(newest.len());
        for (&i, summary) in newest.iter().zip(&summaries) {
            let article = &self.site.articles[i];
            deps.add(|| Dep::File(article.path.clone()));
            // Too long for a feed reader: the entry keeps its lead and link,
            // and the corrections.
            let mut content = if article.body_len() > FEED_FULL_TEXT {
                String::new()
            } else {
                self.feed_body(article, deps)?
            };
            // Corrections travel with the text, so a reader of the feed learns
            // what was wrong as well as a reader of the page.
            content.push_str(&self.feed_corrections(article, deps));
            entries.push(FeedEntry {
                id: self.feed_id(article, summary),
                summary,
                authors: self
                    .bylines(
                        article
                            .authors
                            .as_deref()
                            .unwrap_or(&self.site.config.authors),
                        deps,
                    )
                    .into_iter()
                    .map(|byline| byline.name)
                    .collect(),
                content,
            });
        }
        // Compared as moments: "09:30+01:00" is before "09:00Z".
        let updated = newest
            .iter()
            .map(|&i| self.site.articles[i].last_change())
            .max_by(Date::chronological)
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
        let config = &self.site.config;
        Ok(feeds::atom(
            &FeedInfo {
                title: &config.title,
                description: &config.description,
                base_url: &config.base_url,
                language: self.urls.language.code(),
                updated: &updated,
            },
            &entries,
        ))
    }

    /// An article's body as its feed entry carries it: without the parts
    /// placed by markers, which the feed does not have.
    fn feed_body(
        &self,
        article: &crate::site::Article,
        deps: &mut Deps,
    ) -> Result<String, Diagnostic> {
        let text = article.body()?;
        // Problems with images are the article page's to report.
        let figure_deps = std::cell::RefCell::new(Deps::recording());
        let figure = |image: &markdown::BodyImage| {
            self.body_figure(
                article,
                &text,
                image,
                None,
                &mut figure_deps.borrow_mut(),
                &mut Vec::new(),
            )
        };
        let body = markdown::render(
            &text,
            &[],
            MarkdownOptions {
                figures: Some(&figure),
                escape_html: self.site.config.markdown.escape_html,
                links: Some(LinkScope {
                    index: &self.links,
                    from: &article.path,
                }),
                reserved_ids: &[],
                markers: crate::parts::markers(),
                language: Some(self.urls.language),
            },
        );
        deps.append(figure_deps.into_inner());
        deps.extend(
            body.links
                .iter()
                .filter_map(|l| l.target.clone().map(Dep::Url)),
        );
        // Parts placed by markers are not in the feed; their places go too.
        let mut content = body.html;
        for key in &body.placed {
            content = content.replace(&markdown::placeholder(key), "");
        }
        for n in 0..body.quote_markers.len() {
            content = content.replace(&markdown::quote_placeholder(n), "");
        }
        Ok(content)
    }

    /// An article's `tag:` id in the feed: from the host, the day of
    /// publication and the file, so a new slug is not a new entry.
    fn feed_id(&self, article: &crate::site::Article, summary: &ArticleSummary) -> String {
        feeds::tag_id(
            &self.site.config.base_url,
            &article.date.iso(),
            &article
                .path
                .strip_prefix(crate::layout::CONTENT_DIR)
                .unwrap_or(&article.path)
                .to_string_lossy()
                .replace('\\', "/"),
            &summary.permalink,
        )
    }

    /// An article's corrections as HTML for its feed entry, or nothing.
    fn feed_corrections(&self, article: &crate::site::Article, deps: &mut Deps) -> String {
        if article.parts.corrections.is_empty() {
            return String::new();
        }
        let language = self.urls.language;
        let heading = crate::parts::headings(language)
            .get("corrections")
            .copied()
            .unwrap_or_default();
        let mut cx = self.view_cx(article, deps);
        let mut html = format!("<section><h2>{}</h2><ul>", markdown::escape(heading));
        for correction in &article.parts.corrections {
            let date = correction.date.shown(language);
            html.push_str(&format!(
                "<li><time datetime=\"{}\">{}</time>: {}</li>",
                date.iso,
                markdown::escape(&date.text),
                cx.inline(&correction.text)
            ));
        }
        html.push_str("</ul></section>");
        html
    }
}
