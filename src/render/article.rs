//! An article's page: its body with first mentions linked, and every explainer
//! part, placed where a marker put it or where `article.html` shows it.

use std::cell::RefCell;

use tera::Value;

use super::views::{map_of, with_fields};
use super::{Renderer, seo};
use crate::deps::{Dep, Deps, ListKey};
use crate::diagnostics::{Diagnostic, Location};
use crate::images::Loading;
use crate::links::LinkScope;
use crate::markdown::typography::typeset;
use crate::markdown::{self, BodyImage, MarkdownOptions, Mention};
use crate::output::Sink;
use crate::parts::timeline::NewerView;
use crate::parts::{self, Slot};
use crate::render::Page;
use crate::render::images::ShareCard;

use crate::site::index::{LIST_HEAD_LONGEST, NEWER_SHOWN};

impl Renderer<'_> {
    pub(super) fn article_page(
        &self,
        index: usize,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        let article = &self.site.articles[index];
        let source = article.path.display().to_string();
        deps.add(|| Dep::File(article.path.clone()));
        let summary = self.summary(index, deps);
        let (text, all_parts) = article.page_source(&self.site.config.zone.0)?;
        let mut views = parts::views_beside(&all_parts, &mut self.view_cx(article, deps), &summary);
        // On a live article, «Dette vet vi» is pinned above the updates.
        if views.iter().any(|v| v.key == "updates")
            && let Some(known) = views.iter_mut().find(|v| v.key == "known")
        {
            known.slot = Slot::Top;
        }
        self.add_newer_users(index, &mut views, deps);
        let mut entries = Vec::new();
        for reference in &article.parts.background {
            deps.add(|| Dep::EntryShown(reference.key.to_string()));
            entries.extend(self.site.background.get(reference.key.as_str()));
        }
        let mentions: Vec<Mention> = entries
            .iter()
            .map(|entry| Mention {
                aliases: entry.aliases.clone(),
                url: self.urls.background(&entry.key),
                // As the box shows them.
                title: typeset(&entry.title, self.urls.language),
                summary: typeset(&entry.summary, self.urls.language),
            })
            .collect();
        // Headings must not take the ids the article template gives its own parts.
        let mut reserved = self.reserved_ids.clone();
        reserved.extend(entries.iter().map(|e| format!("entry-{}", e.key)));
        let figure_deps = RefCell::new(if deps.is_on() {
            Deps::recording()
        } else {
            Deps::off()
        });
        let figure_problems = RefCell::new(Vec::new());
        let figure = |image: &BodyImage| {
            self.body_figure(
                article,
                &text,
                image,
                Some(sink),
                &mut figure_deps.borrow_mut(),
                &mut figure_problems.borrow_mut(),
            )
        };
        let body = markdown::render(
            &text,
            &mentions,
            MarkdownOptions {
                figures: Some(&figure),
                escape_html: self.site.config.markdown.escape_html,
                links: Some(LinkScope {
                    index: &self.links,
                    from: &article.path,
                }),
                reserved_ids: &reserved,
                markers: parts::markers(),
                language: Some(self.urls.language),
            },
        );
        deps.append(figure_deps.into_inner());
        if let Some(problem) = figure_problems.into_inner().into_iter().next() {
            return Err(problem);
        }
        deps.extend(
            body.links
                .iter()
                .filter_map(|l| l.target.clone().map(Dep::Url)),
        );
        let at_line = |range: std::ops::Range<usize>| {
            let mut location = Location::from_span(&text, range);
            location.line += article.body_first_line() - 1;
            location
        };
        if let Some((why, range)) = body.refused_links.first() {
            return Err(Diagnostic::new(why.clone())
                .in_file(&article.path)
                .at(at_line(range.clone()))
                .with_help(
                    "links must be https:// addresses, paths on the site or links to content files",
                ));
        }
        self.check_links(&body.links, &text, &article.path, article.body_first_line());
        if let Some((name, range)) = body.unknown_markers.first() {
            let mut known: Vec<String> = parts::markers()
                .iter()
                .map(|m| format!("{{{{ {}() }}}}", m.name))
                .collect();
            known.extend(
                markdown::QUOTE_MARKERS
                    .iter()
                    .map(|name| format!("{{{{ {name}(1) }}}}")),
            );
            return Err(
                Diagnostic::new(format!("`{name}` is not a marker forklar knows"))
                    .in_file(&article.path)
                    .at(at_line(range.clone()))
                    .with_help(format!("the markers are: {}", known.join(", "))),
            );
        }
        if let Some((name, range)) = body.repeated_markers.first() {
            return Err(Diagnostic::new(format!(
                "{{{{ {name}() }}}} places a part that a marker above placed already"
            ))
            .in_file(&article.path)
            .at(at_line(range.clone()))
            .with_help("a part stands in one place: remove one of its markers"));
        }
        let inline_quotes = parts::quotes::resolve_markers(&body.quote_markers, &all_parts.quotes)
            .map_err(|(n, message, help)| {
                Diagnostic::new(message)
                    .in_file(&article.path)
                    .at(at_line(body.quote_markers[n].range.clone()))
                    .with_help(help)
            })?;
        let inline_quotes = take_inline_quotes(&mut views, &inline_quotes);
        // The Markdown is not needed again: a large body is not held while
        // its HTML is placed in the page.
        drop(text);
        let bylines = self.bylines(self.site.authors_of(article), deps);
        let authors: Vec<String> = bylines.iter().map(|b| b.name.clone()).collect();
        let image = match &article.image {
            Some(image) => Some(self.image_view(image, Loading::Priority, Some(sink), deps)?),
            None => None,
        };
        let shared = self.share_source(image.as_ref(), &entries, sink, deps)?;
        let share = shared.as_ref().map(ShareCard::of);
        let json_ld = seo::article_json_ld(
            &self.listed(index, &mut Deps::off()),
            bylines.iter().map(|b| b.json_ld.clone()).collect(),
            shared.as_ref(),
            &views,
            seo::publisher(&self.site.config),
            self.urls.language,
        );
        let placed: Vec<(&'static str, Value)> = parts::KEYS
            .iter()
            .map(|key| (*key, Value::from(body.placed.contains(key))))
            .collect();
        let mut fields: Vec<(&'static str, Value)> = vec![
            ("authors", Value::from_serializable(&authors)),
            ("bylines", Value::from_serializable(&bylines)),
            ("image", Value::from_serializable(&image)),
            ("share", Value::from_serializable(&share)),
            ("json_ld", Value::from(json_ld)),
            ("placed", map_of(placed)),
        ];
        let (language, zone) = (self.urls.language, &self.site.config.zone.0);
        if self.site.publishing.preview {
            let status = crate::site::publish::preview_status(article, language, zone);
            fields.push(("preview_status", Value::from_serializable(&status)));
        }
        let expired = crate::site::publish::expired_note(article, language);
        fields.push(("expired_note", Value::from_serializable(&expired)));
        fields.extend(views.iter().map(|v| (v.key, v.value.clone())));
        fields.push(("content", Value::from(body.html.as_str())));
        let mut context = self.context();
        // article.html writes its own canonical address and cards; the
        // breadcrumbs come from base.html.
        let mut page_seo = self.seo(
            &article.title,
            article
                .lead
                .as_deref()
                .unwrap_or(&self.site.config.description),
            &self.urls.article(&article.slug),
            &[],
            Vec::new(),
        );
        page_seo.permalink = String::new();
        context.insert("seo", &page_seo);
        context.insert_value("page", with_fields(summary.clone(), fields.clone()));
        // Each part is rendered once, all in one hand-over to the renderer:
        // into the body where a marker placed it (the body is then copied
        // once, not once per part), else under the lead or after the text.
        let mut fills: Vec<(String, String)> = Vec::new();
        let (mut top, mut end) = (String::new(), String::new());
        let partials: Vec<String> = views
            .iter()
            .map(|view| format!("partials/{}.html", view.key))
            .collect();
        let partials: Vec<&str> = partials.iter().map(String::as_str).collect();
        let rendered = self.templates.render_each(&partials, &context, &source)?;
        for (view, html) in views.iter().zip(rendered) {
            let html = crate::utf8::output_text(html);
            if body.placed.contains(&view.key) {
                fills.push((markdown::placeholder(view.key), html));
            } else if view.slot == Slot::Top {
                top.push_str(&html);
            } else {
                end.push_str(&html);
            }
        }
        for (n, quote) in inline_quotes.into_iter().enumerate() {
            let mut one = context.clone();
            one.insert("quote", &quote);
            let html = self
                .templates
                .render("partials/quote.html", &one, &source)?;
            let html = crate::utf8::output_text(html);
            fills.push((markdown::quote_placeholder(n), html));
        }
        // A marker for a part the article does not have leaves nothing behind.
        for key in &body.placed {
            let placeholder = markdown::placeholder(key);
            if !fills.iter().any(|(p, _)| *p == placeholder) {
                fills.push((placeholder, String::new()));
            }
        }
        let content = fill_placeholders(body.html, &fills);
        // The parts' copy of the body goes before the page's copy is made.
        fields.pop();
        context.remove("page");
        fields.extend([
            ("content", Value::from(content)),
            ("parts_top", Value::from(top)),
            ("parts_end", Value::from(end)),
        ]);
        context.insert_value("page", with_fields(summary, fields));
        self.write_page(page, "article.html", &context, &source, sink)?;
        if article.parts.timeline.own_let_go {
            self.own_timeline_page(index, views, sink, deps)?;
        }
        Ok(())
    }

    /// The page of the article's own timeline, from the view the article
    /// shows it with: a full build let its events go after loading, and
    /// reads them again only for the article's page.
    fn own_timeline_page(
        &self,
        index: usize,
        views: Vec<parts::PartView>,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        // Only a full build lets the events go, and it records nothing.
        debug_assert!(
            !deps.is_on(),
            "a render that records what it read keeps every part"
        );
        let article = &self.site.articles[index];
        let Some(view) = views.into_iter().find(|v| v.key == "timeline") else {
            return Ok(());
        };
        let key = &article.slug;
        let users = self
            .listings
            .timeline_users
            .get(key)
            .map_or(&[][..], Vec::as_slice);
        let articles = self.list(ListKey::TimelineUsers(key.clone()), users, deps);
        let page = Page::Timeline(key.clone());
        self.timeline_page_of(key, &article.title, view.value, articles, &page, sink)
    }
}

impl Renderer<'_> {
    /// Beside a shared timeline, the articles using it that were published
    /// after this one's point in time, so a reader of an older explainer finds
    /// the newer ones. Which articles use the timeline, and each one's date,
    /// title and address, are recorded as read.
    fn add_newer_users(&self, index: usize, views: &mut [parts::PartView], deps: &mut Deps) {
        self.add_newer_entry_users(index, views, deps);
        let article = &self.site.articles[index];
        let Some(reference) = &article.parts.timeline.file else {
            return;
        };
        let Some(view) = views.iter_mut().find(|v| v.key == "timeline") else {
            return;
        };
        let key = reference.key.to_string();
        let users = self
            .listings
            .timeline_users
            .get(&key)
            .map_or(&[][..], Vec::as_slice);
        let (newer, head) = self.newer_than(index, users, deps);
        deps.push(Dep::List(ListKey::TimelineUsersHead(key, head)));
        if !newer.is_empty() {
            view.value = with_fields(
                view.value.clone(),
                [("newer", Value::from_serializable(&newer))],
            );
        }
    }

    /// In the background box, beside each entry, the articles using it that
    /// were published after this one's point in time: «Nyere: …».
    fn add_newer_entry_users(&self, index: usize, views: &mut [parts::PartView], deps: &mut Deps) {
        let Some(view) = views.iter_mut().find(|v| v.key == "background") else {
            return;
        };
        let Some(entries) = view.value.as_array() else {
            return;
        };
        let label = match self.urls.language {
            crate::i18n::Language::Nb => "Nyere",
            crate::i18n::Language::En => "Newer",
        };
        let entries: Vec<Value> = entries
            .iter()
            .map(|entry| {
                let Some(key) = entry.get_from_path("key").and_then(Value::as_str) else {
                    return entry.clone();
                };
                let users = self
                    .listings
                    .entry_users
                    .get(key)
                    .map_or(&[][..], Vec::as_slice);
                let (newer, head) = self.newer_than(index, users, deps);
                deps.push(Dep::List(ListKey::EntryUsersHead(key.to_string(), head)));
                if newer.is_empty() {
                    return entry.clone();
                }
                with_fields(
                    entry.clone(),
                    [
                        ("newer", Value::from_serializable(&newer)),
                        ("newer_label", Value::from(label)),
                    ],
                )
            })
            .collect();
        view.value = Value::from(entries);
    }

    /// Of `users` (a list, newest first), the [`NEWER_SHOWN`] newest
    /// published after article `index`'s point in time, oldest first, as
    /// they followed, with how long a head of the list they depend on: the
    /// caller records that head, and only the articles looked at are
    /// recorded as read. A walk that reached the end of the list depends on
    /// there being no more, so its head is one longer than the list.
    fn newer_than(
        &self,
        index: usize,
        users: &[usize],
        deps: &mut Deps,
    ) -> (Vec<NewerView>, usize) {
        let article = &self.site.articles[index];
        let until = article.updated.unwrap_or(article.date);
        let mut newer = Vec::new();
        let mut head = users.len() + 1;
        // The newest come first, so the newer ones are the head of the list:
        // the walk stops at the first older one, or once enough are found,
        // and costs the same whatever the size of the archive.
        for (at, &i) in users.iter().enumerate() {
            if newer.len() == NEWER_SHOWN {
                head = at;
                break;
            }
            if i == index {
                continue;
            }
            let other = &self.site.articles[i];
            deps.push(Dep::Summary(other.path.clone()));
            if other.date.placement(&until) != crate::dates::Placement::After {
                head = at + 1;
                break;
            }
            newer.push(NewerView {
                title: typeset(&other.title, self.urls.language),
                url: self.urls.article(&other.slug),
            });
        }
        debug_assert!(
            head <= LIST_HEAD_LONGEST,
            "a head of {head} is not fingerprinted"
        );
        newer.reverse();
        (newer, head)
    }
}

/// Takes the quotes placed by markers out of the quotes part (which is left
/// out when none remain) and returns them in the markers' order.
fn take_inline_quotes(views: &mut Vec<parts::PartView>, placed: &[usize]) -> Vec<Value> {
    if placed.is_empty() {
        return Vec::new();
    }
    let Some(at) = views.iter().position(|v| v.key == "quotes") else {
        return Vec::new();
    };
    let Some(all) = views[at].value.as_array() else {
        return Vec::new();
    };
    let inline = placed.iter().filter_map(|&i| all.get(i).cloned()).collect();
    let rest: Vec<Value> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| !placed.contains(i))
        .map(|(_, quote)| quote.clone())
        .collect();
    if rest.is_empty() {
        views.remove(at);
    } else {
        views[at].value = Value::from(rest);
    }
    inline
}

/// `html` with each placeholder of `fills` replaced by its HTML, in one pass.
fn fill_placeholders(html: String, fills: &[(String, String)]) -> String {
    const START: &str = "<!--forklar:";
    let finder = memchr::memmem::Finder::new(START);
    if fills.is_empty() || finder.find(html.as_bytes()).is_none() {
        return html;
    }
    let mut out =
        String::with_capacity(html.len() + fills.iter().map(|(_, h)| h.len()).sum::<usize>());
    let mut rest = html.as_str();
    while let Some(at) = finder.find(rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match fills
            .iter()
            .find(|(placeholder, _)| rest.starts_with(placeholder.as_str()))
        {
            Some((placeholder, fill)) => {
                out.push_str(fill);
                rest = &rest[placeholder.len()..];
            }
            None => {
                out.push_str(START);
                rest = &rest[START.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill_placeholders;

    #[test]
    fn placeholders_are_filled_wherever_they_stand() {
        let fills = vec![
            (
                "<!--forklar:timeline-->".to_string(),
                "<ol>T</ol>".to_string(),
            ),
            ("<!--forklar:quote-1-->".to_string(), "<q>1</q>".to_string()),
            (
                "<!--forklar:quote-10-->".to_string(),
                "<q>10</q>".to_string(),
            ),
            ("<!--forklar:known-->".to_string(), String::new()),
        ];
        let html = "<p>a</p><!--forklar:timeline--><!--forklar:quote-10-->\
                    <!--forklar:other--><!--forklar:quote-1--><!--forklar:known-->æ<!--forklar:timeline-->"
            .to_string();
        assert_eq!(
            fill_placeholders(html, &fills),
            "<p>a</p><ol>T</ol><q>10</q><!--forklar:other--><q>1</q>æ<ol>T</ol>"
        );
        assert_eq!(fill_placeholders("<p>ø</p>".into(), &fills), "<p>ø</p>");
    }
}
