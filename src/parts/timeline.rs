//! The timeline: dated events, written in the article (`[[timeline]]`) or
//! shared between articles (`timeline_file = "key"`). Either way it also gets
//! a page of its own.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, RefCx, Reference, ViewCx, known_keys};
use crate::cms::field::{Field, Widget};
use crate::content::event::{EventFields, check_event};
use crate::content::{Event, FileCx};
use crate::dates::{Date, Placement, ShownDate, timeline_order};
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
    /// The article's own events were let go for a full build: only its
    /// page shows them, and it writes their timeline page as well.
    pub own_let_go: bool,
}

impl TimelineItem {
    /// The key of the timeline's own page: the shared timeline's, or the
    /// article's slug for its own events.
    pub fn page_key(&self, slug: &str) -> Option<String> {
        match &self.file {
            Some(reference) => Some(reference.key.to_string()),
            None if self.has_own_events() => Some(slug.to_string()),
            None => None,
        }
    }

    /// Whether the article has a timeline of its own, held or let go.
    pub fn has_own_events(&self) -> bool {
        self.file.is_none() && (self.own_let_go || !self.events.is_empty())
    }
}

/// More events than this, and the article shows only the key events until
/// the reader opens the whole timeline.
const MOST_SHOWN: usize = 5;

/// Serialised by hand (below): each event is made into a template value once,
/// and `events`, `days` and `key_days` show that same value.
#[derive(Debug)]
pub struct TimelineView {
    pub title: String,
    pub url: String,
    pub permalink: String,
    /// Every event, in the order shown.
    pub events: Vec<EventView>,
    /// The same events, those of one day together under its date.
    pub days: Vec<DayView>,
    /// Whether the timeline is long enough to show only its key events first.
    pub long: bool,
    /// The key events, grouped by day like `days`: those marked `key = true`,
    /// else the first and the last.
    pub key_days: Vec<DayView>,
    /// «Vis hele tidslinjen (13)» / "Show the whole timeline (13)".
    pub show_all: String,
    /// Where a shared timeline goes on past the article's point in time: the
    /// words saying where it stops, or empty.
    pub until: Option<UntilView>,
    /// Newer articles that use the same timeline (filled in by the article's page).
    pub newer: Vec<NewerView>,
    /// «Nyere» / "Newer", before each of them.
    pub newer_label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct UntilView {
    /// «Tidslinjen viser hendelser fram til 7. januar.»
    pub note: String,
    /// «Se hele tidslinjen →», linking the timeline's page.
    pub link: String,
}

/// An article, newer than the one shown, that uses the same shared content.
#[derive(Debug, Clone, Serialize)]
pub struct NewerView {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub date: ShownDate,
    /// The time of day alone ("kl. 14.00"), for an event under its day's date.
    pub time: Option<String>,
    pub title: String,
    pub text: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub key: bool,
}

/// Events under one date: a day's events together, or one event of a month or
/// a year. Templates get the events themselves, in the order shown.
#[derive(Debug, Clone)]
pub struct DayView {
    pub date: ShownDate,
    /// Places in [`TimelineView::events`].
    pub events: Vec<usize>,
}

impl Serialize for TimelineView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        // A template value is shared, not copied, wherever it is shown again.
        let events: Vec<tera::Value> = self
            .events
            .iter()
            .map(tera::Value::from_serializable)
            .collect();
        let mut view = serializer.serialize_struct("TimelineView", 11)?;
        view.serialize_field("title", &self.title)?;
        view.serialize_field("url", &self.url)?;
        view.serialize_field("permalink", &self.permalink)?;
        view.serialize_field("events", &events)?;
        view.serialize_field("days", &days_out(&self.days, &events))?;
        view.serialize_field("long", &self.long)?;
        view.serialize_field("key_days", &days_out(&self.key_days, &events))?;
        view.serialize_field("show_all", &self.show_all)?;
        view.serialize_field("until", &self.until)?;
        view.serialize_field("newer", &self.newer)?;
        view.serialize_field("newer_label", &self.newer_label)?;
        view.end()
    }
}

#[derive(Serialize)]
struct DayOut<'a> {
    date: &'a ShownDate,
    events: Vec<&'a tera::Value>,
}

fn days_out<'a>(days: &'a [DayView], events: &'a [tera::Value]) -> Vec<DayOut<'a>> {
    days.iter()
        .map(|day| DayOut {
            date: &day.date,
            events: day.events.iter().map(|&i| &events[i]).collect(),
        })
        .collect()
}

fn words(language: Language) -> (&'static str, &'static str) {
    match language {
        Language::Nb => ("Vis hele tidslinjen", "I løpet av"),
        Language::En => ("Show the whole timeline", "During"),
    }
}

/// A timeline as its box and its page show it; `cx` resolves links from the
/// file the events are written in.
pub fn timeline_view(key: &str, title: &str, events: &[Event], cx: &mut ViewCx) -> TimelineView {
    let url = cx.urls.timeline(key);
    let dates: Vec<Date> = events.iter().map(|e| e.date).collect();
    let sorted: Vec<&Event> = timeline_order(&dates)
        .into_iter()
        .map(|i| &events[i])
        .collect();
    // The year goes without saying only where several events share it.
    let one_year = sorted.len() > 1 && sorted.windows(2).all(|w| w[0].date.year == w[1].date.year);
    let language = cx.language;
    let (show_all, during) = words(language);
    let is_month = |i: usize| {
        sorted
            .get(i)
            .is_some_and(|e| e.date.month.is_some() && e.date.day.is_none())
    };
    let views: Vec<EventView> = sorted
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let mut date = event.date.stamp(language, !one_year);
            // A month among days reads as a date among dates; «I løpet av januar»
            // says what it is. A timeline of months keeps the plain month.
            if is_month(i) && !(i > 0 && is_month(i - 1)) && !is_month(i + 1) {
                let month = language.month_name(event.date.month.unwrap_or(1));
                date.text = if one_year {
                    format!("{during} {month}")
                } else {
                    format!("{during} {month} {}", event.date.year)
                };
            }
            EventView {
                date,
                time: event.date.time.map(|_| {
                    let time = event.date.time_text(language);
                    match event.date.foreign_offset(cx.zone) {
                        Some(zone) => format!("{time} ({zone})"),
                        None => time,
                    }
                }),
                title: cx.text(&event.title),
                text: event.text.as_deref().map(|text| cx.inline(text)),
                source: event.source.as_deref().map(|s| cx.text(s)),
                url: event.url.as_deref().map(|url| cx.link(url)),
                key: event.key,
            }
        })
        .collect();
    let days = group_by_day(&sorted, &views, language, one_year, |_| true);
    let long = views.len() > MOST_SHOWN;
    let any_key = sorted.iter().any(|e| e.key);
    let last = sorted.len().saturating_sub(1);
    let key_days = if long {
        group_by_day(&sorted, &views, language, one_year, |i| {
            if any_key {
                sorted[i].key
            } else {
                i == 0 || i == last
            }
        })
    } else {
        Vec::new()
    };
    TimelineView {
        permalink: cx.urls.permalink(&url),
        url,
        title: title.to_string(),
        show_all: format!("{show_all} ({})", views.len()),
        events: views,
        days,
        long,
        key_days,
        until: None,
        newer: Vec::new(),
        newer_label: match language {
            Language::Nb => "Nyere",
            Language::En => "Newer",
        },
    }
}

/// The events `keep` keeps, those of one calendar day together under its date.
fn group_by_day(
    sorted: &[&Event],
    views: &[EventView],
    language: Language,
    one_year: bool,
    keep: impl Fn(usize) -> bool,
) -> Vec<DayView> {
    let mut days: Vec<(Option<Date>, DayView)> = Vec::new();
    for (i, (event, view)) in sorted.iter().zip(views).enumerate() {
        if !keep(i) {
            continue;
        }
        let day = event.date.day.map(|_| Date {
            time: None,
            ..event.date
        });
        if let (Some(day), Some((Some(last), group))) = (day, days.last_mut())
            && *last == day
        {
            group.events.push(i);
            continue;
        }
        let date = match day {
            Some(day) => day.stamp(language, !one_year),
            None => view.date.clone(),
        };
        days.push((
            day,
            DayView {
                date,
                events: vec![i],
            },
        ));
    }
    days.into_iter().map(|(_, group)| group).collect()
}

/// An event as an editor fills it in, in an article or a shared timeline.
pub fn event_fields() -> Vec<Field> {
    vec![
        Field::new("date", ("Dato", "Date"), Widget::AnyDate).required(),
        Field::new("title", ("Hva skjedde", "What happened"), Widget::Line).required(),
        Field::new("text", ("Mer om det", "More"), Widget::Text),
        Field::new("source", ("Kilde", "Source"), Widget::Line),
        Field::new("url", ("Lenke", "Link"), Widget::Line),
        Field::new(
            "key",
            ("Nøkkelhendelse", "Key event"),
            Widget::Bool { default: false },
        ),
    ]
}

impl ExplainerPart for Timeline {
    const FIELDS: &'static [&'static str] = &["timeline", "timeline_file"];
    const MARKERS: &'static [&'static str] = &["timeline", "tidslinje"];
    const PARTLY_ON_OTHER_PAGES: bool = true;
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
        let mut events: Vec<Event> = fields
            .timeline
            .iter()
            .filter_map(|event| check_event(event, file))
            .collect();
        // Collected without knowing how many pass: room for more is held
        // for as long as the site is.
        events.shrink_to_fit();
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
            own_let_go: false,
        }
    }

    /// A shared timeline's page and the list of timelines show the events a
    /// live article's updates add to it; an article's own events only its
    /// page and their timeline page show, which that page writes.
    fn for_other_pages(item: TimelineItem) -> TimelineItem {
        if item.has_own_events() {
            TimelineItem {
                events: Vec::new(),
                file: None,
                own_let_go: true,
            }
        } else {
            item
        }
    }

    fn view(item: &TimelineItem, cx: &mut ViewCx) -> Option<TimelineView> {
        match &item.file {
            Some(reference) => {
                let shared = cx.timeline(&reference.key)?;
                // An article shows the shared timeline as it stood at the
                // article's point in time; the timeline's page shows it all.
                // A live article's updates marked `timeline = true` join it.
                let all: Vec<&Event> = shared.events.iter().chain(&item.events).collect();
                let shown: Vec<Event> = all
                    .iter()
                    .filter(|e| {
                        cx.until
                            .is_none_or(|u| e.date.placement(&u) != Placement::After)
                    })
                    .map(|e| (*e).clone())
                    .collect();
                let clipped = shown.len() < all.len();
                let until = cx
                    .until
                    .map(|u| u.shown_in(cx.language, cx.zone, false).text);
                let mut from_file = cx.from_file(&shared.path);
                let mut view = timeline_view(&shared.key, &shared.title, &shown, &mut from_file);
                if clipped && let Some(until) = until {
                    view.until = Some(match cx.language {
                        Language::Nb => UntilView {
                            note: format!("Tidslinjen viser hendelser fram til {until}."),
                            link: "Se hele tidslinjen →".into(),
                        },
                        Language::En => UntilView {
                            note: format!("The timeline shows events up to {until}."),
                            link: "See the whole timeline →".into(),
                        },
                    });
                }
                Some(view)
            }
            None if !item.events.is_empty() => {
                let (slug, title) = (cx.slug, cx.title);
                Some(timeline_view(slug, title, &item.events, cx))
            }
            None => None,
        }
    }

    fn cms_fields() -> Vec<Field> {
        vec![
            Field::new(
                "timeline",
                (Self::heading(Language::Nb), Self::heading(Language::En)),
                Widget::Tables(event_fields()),
            ),
            Field::new(
                "timeline_file",
                ("Delt tidslinje", "Shared timeline"),
                Widget::Keys {
                    collection: "timelines",
                },
            ),
        ]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Tidslinje",
            Language::En => "Timeline",
        }
    }

    fn check_references(item: &TimelineItem, cx: &RefCx, problems: &mut Vec<Diagnostic>) {
        if let Some(reference) = &item.file
            && !cx.timelines.contains_key(reference.key.as_str())
        {
            problems.push(
                Diagnostic::new(format!("unknown timeline `{}`", reference.key))
                    .in_file(cx.path)
                    .at_span(&(cx.text)(), reference.span.range())
                    .with_help(known_keys(
                        "timelines",
                        "content/timelines/",
                        cx.timelines.keys(),
                    )),
            );
        }
        if item.has_own_events()
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
                .at_span(&(cx.text)(), cx.slug_span.clone())
                .with_help(format!(
                    "use the shared timeline with timeline_file = \"{}\", or give the article another slug, or rename {}",
                    shared.key,
                    shared.path.display()
                )),
            );
        }
    }
}
