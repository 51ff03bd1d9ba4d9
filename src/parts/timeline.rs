//! The timeline: dated events, written in the article (`[[timeline]]`) or
//! shared between articles (`timeline_file = "key"`). Either way it also gets
//! a page of its own.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, RefCx, Reference, ViewCx, known_keys};
use crate::content::event::{EventFields, check_event};
use crate::content::{Event, FileCx};
use crate::dates::ShownDate;
use crate::diagnostics::Diagnostic;
use crate::i18n::Language;

pub struct Timeline;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineFields {
    #[serde(default)]
    timeline: Vec<Spanned<EventFields>>,
    #[serde(default)]
    timeline_file: Option<Spanned<String>>,
}

/// An article's timeline: its own events, or a shared timeline's key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelineItem {
    pub events: Vec<Event>,
    pub file: Option<Reference>,
}

impl TimelineItem {
    /// The key of the timeline's own page: the shared timeline's, or the
    /// article's slug for its own events.
    pub fn page_key(&self, slug: &str) -> Option<String> {
        match &self.file {
            Some(reference) => Some(reference.key.clone()),
            None if !self.events.is_empty() => Some(slug.to_string()),
            None => None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TimelineView {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub events: Vec<EventView>,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub date: ShownDate,
    pub title: String,
    pub text: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// A timeline as its box and its page show it; `cx` resolves links from the
/// file the events are written in.
pub fn timeline_view(key: &str, title: &str, events: &[Event], cx: &mut ViewCx) -> TimelineView {
    let url = cx.urls.timeline(key);
    let mut sorted: Vec<&Event> = events.iter().collect();
    // A stable sort keeps events with equal dates in the order written.
    sorted.sort_by(|a, b| a.date.chronological(&b.date));
    // The year goes without saying only where several events share it.
    let one_year = sorted.len() > 1 && sorted.windows(2).all(|w| w[0].date.year == w[1].date.year);
    let language = cx.language;
    TimelineView {
        permalink: cx.urls.permalink(&url),
        url,
        title: title.to_string(),
        events: sorted
            .into_iter()
            .map(|event| EventView {
                date: ShownDate {
                    iso: event.date.iso(),
                    text: event.date.text(language, !one_year),
                    rfc3339: event.date.rfc3339(),
                },
                title: cx.text(&event.title),
                text: event.text.as_deref().map(|text| cx.inline(text)),
                source: event.source.as_deref().map(|s| cx.text(s)),
                url: event.url.as_deref().map(|url| cx.link(url)),
            })
            .collect(),
    }
}

impl ExplainerPart for Timeline {
    const FIELDS: &'static [&'static str] = &["timeline", "timeline_file"];
    const MARKERS: &'static [&'static str] = &["timeline", "tidslinje"];
    const EXAMPLE: &'static str = "\
# timeline_file = \"nokkel\"          # a shared timeline in content/timelines/, instead of [[timeline]]
";
    const EXAMPLE_TABLES: &'static str = "\
# [[timeline]]                       # one block per event
# date = 2022-01-05                  # 2022, \"2022-01\", 2022-01-05 or 2022-01-05T14:00:00+06:00
# title = \"What happened\"           # required
# text = \"More, in Markdown.\"
# source = \"Reuters\"
# url = \"https://…\"
";

    type Fields = TimelineFields;
    type Item = TimelineItem;
    type View = TimelineView;

    fn check(fields: TimelineFields, file: &mut FileCx) -> TimelineItem {
        let events: Vec<Event> = fields
            .timeline
            .iter()
            .filter_map(|event| check_event(event, file))
            .collect();
        if !fields.timeline.is_empty()
            && let Some(key) = &fields.timeline_file
        {
            let span = file.span(key);
            file.error(
                "the article has both [[timeline]] events and timeline_file",
                span,
                "keep one: move the events into the shared timeline, or remove timeline_file",
            );
        }
        TimelineItem {
            events,
            file: fields
                .timeline_file
                .as_ref()
                .map(|key| Reference::new(key, file)),
        }
    }

    fn view(item: &TimelineItem, cx: &mut ViewCx) -> Option<TimelineView> {
        match &item.file {
            Some(reference) => {
                let shared = cx.timeline(&reference.key)?;
                let mut from_file = cx.from_file(&shared.path);
                Some(timeline_view(
                    &shared.key,
                    &shared.title,
                    &shared.events,
                    &mut from_file,
                ))
            }
            None if !item.events.is_empty() => {
                let (slug, title) = (cx.slug, cx.title);
                Some(timeline_view(slug, title, &item.events, cx))
            }
            None => None,
        }
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Tidslinje",
            Language::En => "Timeline",
        }
    }

    fn check_references(item: &TimelineItem, cx: &RefCx, problems: &mut Vec<Diagnostic>) {
        if let Some(reference) = &item.file
            && !cx.timelines.contains_key(&reference.key)
        {
            problems.push(
                Diagnostic::new(format!("unknown timeline `{}`", reference.key))
                    .in_file(cx.path)
                    .at_span(cx.text, reference.span.clone())
                    .with_help(known_keys(
                        "timelines",
                        "content/timelines/",
                        cx.timelines.keys(),
                    )),
            );
        }
        if item.file.is_none()
            && !item.events.is_empty()
            && let Some(shared) = cx.timelines.get(cx.slug)
        {
            problems.push(
                Diagnostic::new(format!(
                    "the article's own timeline and the shared timeline `{}` would both be published at /{}/{}/",
                    shared.key,
                    cx.language.timeline_section(),
                    cx.slug
                ))
                .in_file(cx.path)
                .at_span(cx.text, cx.slug_span.clone())
                .with_help(format!(
                    "use the shared timeline with timeline_file = \"{}\", or give the article another slug, or rename {}",
                    shared.key,
                    shared.path.display()
                )),
            );
        }
    }
}
