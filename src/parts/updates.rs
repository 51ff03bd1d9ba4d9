//! Live articles: timestamped `[[updates]]` on a story still developing,
//! newest first under a «Direkte» label while the story is live (`live = true`
//! or until `live_until`), and «Avsluttet» once it has ended.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::timeline::TimelineItem;
use super::{ExplainerPart, PartItems, Slot, ViewCx};
use crate::cms::field::{Field, Widget};
use crate::content::fields::DateField;
use crate::content::{Event, FileCx};
use crate::dates::{Date, ShownDate};
use crate::i18n::Language;
use crate::markdown::plain_text;

/// More updates than this, and the older ones wait in a `<details>`.
pub const MOST_SHOWN: usize = 20;
/// Written beside a live article, for the page's script to poll.
pub const UPDATES_FILE: &str = "updates.json";
/// The article's own feed of its updates.
pub const FEED_FILE: &str = "atom.xml";

pub struct Updates;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatesFields {
    #[serde(default)]
    updates: Vec<Spanned<UpdateFields>>,
    #[serde(default)]
    live: Option<Spanned<bool>>,
    #[serde(default)]
    live_until: Option<DateField>,
    #[serde(default)]
    order: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateFields {
    #[serde(default)]
    time: Option<DateField>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    timeline: bool,
}

/// One update as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub time: Date,
    pub text: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    /// Also an event in the article's timeline.
    pub timeline: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdatesItem {
    /// In the order written.
    pub updates: Vec<Update>,
    pub live: bool,
    pub live_until: Option<Date>,
    /// `order = "oldest-first"`: an ended story read from its start.
    pub oldest_first: bool,
}

impl UpdatesItem {
    /// Whether the story is live at `now`: until `live_until` where it is
    /// set, else while `live = true`.
    pub fn is_live(&self, now: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> bool {
        if self.updates.is_empty() {
            return false;
        }
        match self.live_ends(zone) {
            Some(end) => now < end,
            None => self.live,
        }
    }

    /// When the story stops being live by its `live_until`, where that is set.
    pub fn live_ends(&self, zone: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
        self.live_until.as_ref().and_then(|u| moment_of(u, zone))
    }

    /// The newest update's time.
    pub fn newest(&self) -> Option<Date> {
        self.updates
            .iter()
            .map(|u| u.time)
            .max_by(|a, b| a.chronological(b))
    }
}

#[derive(Debug, Serialize)]
pub struct UpdatesView {
    /// Whether the story is live at the build's moment.
    pub live: bool,
    /// «Direkte» or «Avsluttet».
    pub label: &'static str,
    /// Newest first while live; the first [`MOST_SHOWN`] in the order shown.
    pub shown: Vec<UpdateView>,
    /// The rest, shown in a `<details>`.
    pub earlier: Vec<UpdateView>,
    /// «Tidligere oppdateringer (23)».
    pub earlier_label: String,
    pub oldest_first: bool,
    /// The first update and, once ended, the end of the coverage (RFC 3339).
    pub start: String,
    pub end: Option<String>,
    /// The article's feed of its updates and the file the script polls.
    pub feed: String,
    pub json: String,
    pub words: UpdatesWords,
}

#[derive(Debug, Serialize)]
pub struct UpdatesWords {
    /// The feed link's title.
    pub feed: &'static str,
    /// «Lenke til denne oppdateringen».
    pub link: &'static str,
    pub source: &'static str,
    pub by: &'static str,
    /// «nye oppdateringer – vis» and its singular, for the script.
    pub new_one: &'static str,
    pub new_many: &'static str,
    /// «Nye oppdateringer er vist», for the script's announcement.
    pub shown: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateView {
    /// The anchor, from its time: `oppdatering-2022-01-06-1432`.
    pub id: String,
    pub permalink: String,
    pub time: ShownDate,
    /// «6. januar», where the day differs from the update shown before it.
    pub day: Option<String>,
    pub title: Option<String>,
    /// A plain headline for feeds and structured data: the title, else the
    /// start of the text.
    pub headline: String,
    pub html: String,
    pub plain: String,
    pub author: Option<AuthorView>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    pub name: String,
    pub url: Option<String>,
}

fn words(language: Language) -> UpdatesWords {
    match language {
        Language::Nb => UpdatesWords {
            feed: "Oppdateringer (Atom)",
            link: "Lenke til denne oppdateringen",
            source: "Kilde:",
            by: "Av",
            new_one: "ny oppdatering – vis",
            new_many: "nye oppdateringer – vis",
            shown: "nye oppdateringer er vist øverst",
        },
        Language::En => UpdatesWords {
            feed: "Updates (Atom)",
            link: "Link to this update",
            source: "Source:",
            by: "By",
            new_one: "new update – show",
            new_many: "new updates – show",
            shown: "new updates shown at the top",
        },
    }
}

fn check_update(update: &Spanned<UpdateFields>, file: &mut FileCx) -> Option<Update> {
    let start = file.span(update).start;
    let fields = update.get_ref();
    let Some(time_value) = &fields.time else {
        file.error(
            "an update has no time",
            start..start,
            "add time = 2022-01-06T14:32:00+06:00 (or 2022-01-06T14:32, on the site's clock)",
        );
        return None;
    };
    let time = file.date(time_value)?;
    let time_span = file.span(time_value);
    if time.time.is_none() {
        file.error(
            "an update's time has no time of day",
            time_span.clone(),
            "write the minute it was published: time = 2022-01-06T14:32",
        );
        return None;
    }
    let text = file.required(
        fields.text.as_ref(),
        "an update has no text",
        time_span,
        "add text = \"…\": what is new, in Markdown",
    )?;
    let clean = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    Some(Update {
        time,
        text,
        title: clean(&fields.title),
        author: clean(&fields.author),
        source: clean(&fields.source),
        timeline: fields.timeline,
    })
}

/// Reads the times written without an offset on the site's clock, then adds
/// the updates marked `timeline = true` to the article's timeline.
pub fn settle(items: &mut PartItems, zone: &jiff::tz::TimeZone) {
    for update in &mut items.updates.updates {
        update.time.settle(zone);
    }
    if let Some(until) = &mut items.updates.live_until {
        until.settle(zone);
    }
    join_timeline(&items.updates, &mut items.timeline);
}

/// Adds the updates marked `timeline = true`, settled, to the timeline.
pub fn join_timeline(updates: &UpdatesItem, timeline: &mut TimelineItem) {
    let events = updates
        .updates
        .iter()
        .filter(|u| u.timeline)
        .map(|u| Event {
            date: u.time,
            title: u
                .title
                .clone()
                .unwrap_or_else(|| headline(&plain_text(&u.text))),
            text: u.title.as_ref().map(|_| u.text.clone()),
            source: u.source.clone(),
            url: None,
            key: false,
        });
    timeline.events.extend(events);
}

/// The moment a date stands for; a day alone lasts until its end on `zone`.
fn moment_of(date: &Date, zone: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    if date.time.is_some() {
        return date.rfc3339().parse().ok();
    }
    let day = jiff::civil::Date::new(
        i16::try_from(date.year).ok()?,
        i8::try_from(date.month?).ok()?,
        i8::try_from(date.day?).ok()?,
    )
    .ok()?;
    let next = day.tomorrow().ok()?;
    zone.to_ambiguous_zoned_datetime(next.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .ok()
        .map(|z| z.timestamp())
}

/// The first words of a text, for a headline where none was written.
fn headline(plain: &str) -> String {
    const MOST_CHARS: usize = 80;
    let plain = plain.trim();
    if plain.chars().count() <= MOST_CHARS {
        return plain.to_string();
    }
    let cut: String = plain.chars().take(MOST_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// A stable anchor from an update's time on the site's clock; a second update
/// in the same minute gets `-2`.
fn anchor(local: &Date, language: Language, taken: &mut Vec<String>) -> String {
    let word = match language {
        Language::Nb => "oppdatering",
        Language::En => "update",
    };
    let (hour, minute) = local.time.map_or((0, 0), |t| (t.hour, t.minute));
    let base = format!(
        "{word}-{:04}-{:02}-{:02}-{hour:02}{minute:02}",
        local.year,
        local.month.unwrap_or(1),
        local.day.unwrap_or(1)
    );
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

impl ExplainerPart for Updates {
    const FIELDS: &'static [&'static str] = &["updates", "live", "live_until", "order"];
    const MARKERS: &'static [&'static str] = &["oppdateringer", "updates"];
    const SLOT: Slot = Slot::Top;
    const EXAMPLE: &'static str = "\
# live = true                        # a live article: «Direkte» and its [[updates]], newest first
# live_until = 2022-01-07T18:00:00+06:00  # live until then, «Avsluttet» after
# order = \"oldest-first\"            # once ended, show the updates from the first
";
    const EXAMPLE_TABLES: &'static str = "\
# [[updates]]                        # one block per update of a live article
# time = 2022-01-06T14:32:00+06:00   # required, to the minute; without an offset on the site's clock
# text = \"What is new, in Markdown.\" # required
# title = \"…\"
# author = \"person-key\"             # a person in content/people/, or a plain name
# source = \"Reuters\"
# timeline = true                    # also an event in the article's timeline
";

    type Fields = UpdatesFields;
    type Item = UpdatesItem;
    type View = UpdatesView;

    fn check(fields: UpdatesFields, file: &mut FileCx) -> UpdatesItem {
        let updates: Vec<Update> = fields
            .updates
            .iter()
            .filter_map(|update| check_update(update, file))
            .collect();
        let live_until = fields.live_until.as_ref().and_then(|d| file.day(d));
        let oldest_first = match &fields.order {
            None => false,
            Some(order) => match order.get_ref().as_str() {
                "newest-first" => false,
                "oldest-first" => true,
                other => {
                    let span = file.span(order);
                    file.error(
                        format!("`{other}` is not an order of updates"),
                        span,
                        "write order = \"oldest-first\" or order = \"newest-first\"",
                    );
                    false
                }
            },
        };
        let live = fields.live.as_ref().is_some_and(|l| *l.get_ref());
        if fields.updates.is_empty() {
            // `live = false` is what a CMS writes for an ordinary article.
            let stray = fields
                .live
                .as_ref()
                .filter(|l| *l.get_ref())
                .map(|l| file.span(l))
                .or_else(|| fields.live_until.as_ref().map(|d| file.span(d)));
            if let Some(span) = stray {
                file.error(
                    "a live article needs at least one [[updates]]",
                    span,
                    "add [[updates]] with time = … and text = \"…\", or remove live and live_until",
                );
            }
        }
        UpdatesItem {
            updates,
            live,
            live_until,
            oldest_first,
        }
    }

    fn view(item: &UpdatesItem, cx: &mut ViewCx) -> Option<UpdatesView> {
        if item.updates.is_empty() {
            return None;
        }
        let language = cx.language;
        let live = item.is_live(cx.now, cx.zone);
        // Indices in time order: anchors come from it, so an update keeps its
        // anchor whichever way the page is read.
        let mut order: Vec<usize> = (0..item.updates.len()).collect();
        order.sort_by(|&a, &b| item.updates[a].time.chronological(&item.updates[b].time));
        let first = order.first().map(|&i| &item.updates[i]);
        let last = order.last().map(|&i| &item.updates[i]);
        let start = first.map(|u| u.time.rfc3339()).unwrap_or_default();
        let end = (!live).then(|| match (&item.live_until, last) {
            (Some(until), _) if until.time.is_some() => until.rfc3339(),
            (_, Some(last)) => last.time.rfc3339(),
            _ => start.clone(),
        });
        let mut taken = Vec::new();
        let mut ids = vec![String::new(); item.updates.len()];
        for &i in &order {
            let local = item.updates[i].time.in_zone(cx.zone);
            ids[i] = anchor(&local, language, &mut taken);
        }
        if live || !item.oldest_first {
            order.reverse();
        }
        let page = cx.urls.article(cx.slug);
        let permalink = cx.urls.permalink(&page);
        let mut previous_day: Option<(i32, Option<u8>, Option<u8>)> = None;
        let mut views = Vec::with_capacity(order.len());
        for i in order {
            let update = &item.updates[i];
            let local = update.time.in_zone(cx.zone);
            let day = (local.year, local.month, local.day);
            let shown_day = (previous_day != Some(day)).then(|| {
                Date {
                    time: None,
                    ..local
                }
                .text(language, true)
            });
            previous_day = Some(day);
            let id = std::mem::take(&mut ids[i]);
            let html = cx.markdown(&update.text);
            let plain = plain_text(&html).trim().to_string();
            let title = update.title.as_deref().map(|t| cx.text(t));
            let author = update.author.as_deref().map(|name| match cx.person(name) {
                Some(person) => AuthorView {
                    name: person.name.clone(),
                    url: Some(cx.urls.person(&person.key)),
                },
                None => AuthorView {
                    name: name.to_string(),
                    url: None,
                },
            });
            let mut time = update.time.shown_in(language, cx.zone, true);
            time.text = match update.time.foreign_offset(cx.zone) {
                Some(zone) => format!("{} ({zone})", time.time),
                None => time.time.clone(),
            };
            views.push(UpdateView {
                permalink: format!("{permalink}#{id}"),
                id,
                time,
                day: shown_day,
                headline: title.clone().unwrap_or_else(|| headline(&plain)),
                title,
                html,
                plain,
                author,
                source: update.source.as_deref().map(|s| cx.text(s)),
            });
        }
        let earlier = if views.len() > MOST_SHOWN {
            views.split_off(MOST_SHOWN)
        } else {
            Vec::new()
        };
        Some(UpdatesView {
            live,
            label: match (live, language) {
                (true, Language::Nb) => "Direkte",
                (true, Language::En) => "Live",
                (false, Language::Nb) => "Avsluttet",
                (false, Language::En) => "Ended",
            },
            earlier_label: match language {
                Language::Nb => format!("Tidligere oppdateringer ({})", earlier.len()),
                Language::En => format!("Earlier updates ({})", earlier.len()),
            },
            shown: views,
            earlier,
            oldest_first: !live && item.oldest_first,
            start,
            end,
            feed: format!("{page}{FEED_FILE}"),
            json: format!("{page}{UPDATES_FILE}"),
            words: words(language),
        })
    }

    fn cms_fields() -> Vec<Field> {
        vec![
            Field::new("live", ("Direkte", "Live"), Widget::Bool { default: false }),
            Field::new("live_until", ("Direkte til", "Live until"), Widget::Moment),
            Field::new(
                "order",
                ("Rekkefølge når avsluttet", "Order once ended"),
                Widget::Choice(&["newest-first", "oldest-first"]),
            ),
            Field::new(
                "updates",
                ("Oppdateringer", "Updates"),
                Widget::Tables(vec![
                    Field::new("time", ("Tidspunkt", "Time"), Widget::Moment).required(),
                    Field::new("text", ("Tekst", "Text"), Widget::Markdown).required(),
                    Field::new("title", ("Tittel", "Title"), Widget::Line),
                    Field::new("author", ("Forfatter", "Author"), Widget::Line),
                    Field::new("source", ("Kilde", "Source"), Widget::Line),
                    Field::new(
                        "timeline",
                        ("Også i tidslinjen", "Also in the timeline"),
                        Widget::Bool { default: false },
                    ),
                ]),
            ),
        ]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Oppdateringer",
            Language::En => "Updates",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_is_cut_at_a_word() {
        let long = "Ord ".repeat(40);
        let cut = headline(&long);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() <= 81);
        assert_eq!(headline("Kort."), "Kort.");
    }

    #[test]
    fn anchors_in_the_same_minute_stay_apart() {
        let date = Date::parse("2022-01-06T14:32+06:00").unwrap();
        let mut taken = Vec::new();
        let first = anchor(&date, Language::Nb, &mut taken);
        let second = anchor(&date, Language::Nb, &mut taken);
        assert_eq!(first, "oppdatering-2022-01-06-1432");
        assert_eq!(second, "oppdatering-2022-01-06-1432-2");
    }
}
