//! What lists show of an article (its summary): made once per article and
//! kept as plain fields, made into a template value each time a list shows it.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::tz::TimeZone;
use tera::Value;

use super::Renderer;
use super::frozen::FrozenEntries;
use super::views::{ArticleSummary, TagView, map_of};
use crate::dates::{Date, ShownDate};
use crate::deps::{Dep, Deps, ListKey};
use crate::kind::{Kind, KindView};
use crate::markdown::typography::typeset;
use crate::parts;
use crate::site::Article;
use crate::urls::Urls;

/// What lists show of an article that takes work to make: its text,
/// typeset, its dates as readers see them, and the parts lists show. A large
/// site keeps one for every article, so the rest (address, tags, kind) is
/// made from the article each time a list shows it, which costs little; a
/// template value (a map for every date and tag) is made only then too.
pub(super) struct CachedSummary {
    /// The text and dates, end to end in one block.
    packed: PackedSummary,
    /// The parts lists show, frozen: kept for every article, their template
    /// values would cost more than twice their text.
    extra: FrozenEntries,
    /// What it read.
    read: Vec<Dep>,
}

/// An article's title, kicker, lead and update note as lists show them.
#[derive(Clone)]
struct SummaryText {
    title: String,
    kicker: Option<String>,
    lead: Option<String>,
    update_note: Option<String>,
}

/// A summary's text and dates borrowed, from a [`SummaryText`] and shown
/// dates or from a [`PackedSummary`].
#[derive(Clone, Copy)]
struct SummaryRef<'a> {
    title: &'a str,
    kicker: Option<&'a str>,
    lead: Option<&'a str>,
    update_note: Option<&'a str>,
    date: DateRef<'a>,
    updated: Option<DateRef<'a>>,
}

/// A [`ShownDate`] borrowed; serialises to the same template value.
#[derive(Clone, Copy, serde::Serialize)]
struct DateRef<'a> {
    iso: &'a str,
    text: &'a str,
    rfc3339: &'a str,
    time: &'a str,
    moment: &'a str,
}

impl<'a> DateRef<'a> {
    fn of(date: &'a ShownDate) -> DateRef<'a> {
        DateRef {
            iso: &date.iso,
            text: &date.text,
            rfc3339: &date.rfc3339,
            time: &date.time,
            moment: &date.moment,
        }
    }

    fn to_shown(self) -> ShownDate {
        ShownDate {
            iso: self.iso.to_string(),
            text: self.text.to_string(),
            rfc3339: self.rfc3339.to_string(),
            time: self.time.to_string(),
            moment: self.moment.to_string(),
        }
    }

    fn fields(self) -> [&'a str; DATE_FIELDS] {
        [self.iso, self.text, self.rfc3339, self.time, self.moment]
    }

    fn from_fields(fields: &[&'a str]) -> DateRef<'a> {
        DateRef {
            iso: fields[0],
            text: fields[1],
            rfc3339: fields[2],
            time: fields[3],
            moment: fields[4],
        }
    }
}

const DATE_FIELDS: usize = 5;
/// Title, kicker, lead, update note, the date's forms, the update's forms.
const PACKED_FIELDS: usize = 4 + 2 * DATE_FIELDS;

/// A summary's fourteen short strings end to end in one allocation, each
/// found by where it ends, and which of the optional ones are there: kept
/// for every article of the site, one block costs far less than fourteen.
struct PackedSummary {
    text: Box<str>,
    ends: [u32; PACKED_FIELDS],
    /// Bit 0: a kicker; 1: a lead; 2: an update note; 3: an update date.
    present: u8,
}

impl PackedSummary {
    fn pack(summary: SummaryRef) -> PackedSummary {
        let no_date = DateRef::from_fields(&[""; DATE_FIELDS]);
        let updated = summary.updated.unwrap_or(no_date).fields();
        let mut fields = [""; PACKED_FIELDS];
        let optional = [summary.kicker, summary.lead, summary.update_note];
        let all = std::iter::once(summary.title)
            .chain(optional.map(Option::unwrap_or_default))
            .chain(summary.date.fields())
            .chain(updated);
        for (field, value) in fields.iter_mut().zip(all) {
            *field = value;
        }
        let mut text = String::with_capacity(fields.iter().map(|f| f.len()).sum());
        let mut ends = [0; PACKED_FIELDS];
        for (end, field) in ends.iter_mut().zip(fields) {
            text.push_str(field);
            // Never more than its article's file, which is far below 4 GiB.
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        let present = [
            summary.kicker.is_some(),
            summary.lead.is_some(),
            summary.update_note.is_some(),
            summary.updated.is_some(),
        ]
        .iter()
        .enumerate()
        .fold(0, |bits, (bit, &there)| bits | (u8::from(there) << bit));
        PackedSummary {
            text: text.into_boxed_str(),
            ends,
            present,
        }
    }

    fn unpack(&self) -> SummaryRef<'_> {
        let mut fields = [""; PACKED_FIELDS];
        let mut start = 0;
        for (field, &end) in fields.iter_mut().zip(&self.ends) {
            let end = end as usize;
            *field = self.text.get(start..end).unwrap_or("");
            start = end;
        }
        let there = |bit: u8| self.present & (1 << bit) != 0;
        SummaryRef {
            title: fields[0],
            kicker: there(0).then_some(fields[1]),
            lead: there(1).then_some(fields[2]),
            update_note: there(2).then_some(fields[3]),
            date: DateRef::from_fields(&fields[4..4 + DATE_FIELDS]),
            updated: there(3).then(|| DateRef::from_fields(&fields[4 + DATE_FIELDS..])),
        }
    }
}

impl SummaryText {
    fn with_dates<'a>(
        &'a self,
        (date, updated): &'a (ShownDate, Option<ShownDate>),
    ) -> SummaryRef<'a> {
        SummaryRef {
            title: &self.title,
            kicker: self.kicker.as_deref(),
            lead: self.lead.as_deref(),
            update_note: self.update_note.as_deref(),
            date: DateRef::of(date),
            updated: updated.as_ref().map(DateRef::of),
        }
    }

    fn of(article: &Article, language: crate::i18n::Language) -> SummaryText {
        SummaryText {
            title: typeset(&article.title, language),
            kicker: article
                .kicker
                .as_deref()
                .or_else(|| article.tags.first().map(|tag| tag.name.as_str()))
                .map(|kicker| typeset(kicker, language)),
            lead: article.lead.as_deref().map(|lead| typeset(lead, language)),
            update_note: article
                .update_note
                .as_deref()
                .map(|note| typeset(note, language)),
        }
    }
}

/// The template values many summaries share, made once per build: a tag
/// (its name and page) and a kind of work are the same in every summary
/// that shows them.
#[derive(Default)]
pub(super) struct SharedValues {
    tags: Mutex<HashMap<String, Value>>,
    kinds: Mutex<HashMap<&'static str, Value>>,
}

impl Renderer<'_> {
    /// Article `index` as lists show it, recording what it read.
    pub(super) fn summary(&self, index: usize, deps: &mut Deps) -> Value {
        let cached = self.cached_summary(index, true);
        if deps.is_on() {
            deps.extend(cached.read.iter().cloned());
        }
        self.summary_value_of(
            &self.site.articles[index],
            cached.packed.unpack(),
            cached.extra.thaw(parts::KEYS),
        )
    }

    /// Article `index` as lists show it, as plain fields, recording what it
    /// read: for what is not a template (feeds, structured data).
    pub(super) fn listed(&self, index: usize, deps: &mut Deps) -> ArticleSummary {
        let cached = self.cached_summary(index, true);
        if deps.is_on() {
            deps.extend(cached.read.iter().cloned());
        }
        let article = &self.site.articles[index];
        let config = &self.site.config;
        let summary = cached.packed.unpack();
        summary_around(
            article,
            &self.urls,
            config.kind,
            SummaryText {
                title: summary.title.to_string(),
                kicker: summary.kicker.map(str::to_string),
                lead: summary.lead.map(str::to_string),
                update_note: summary.update_note.map(str::to_string),
            },
            (
                summary.date.to_shown(),
                summary.updated.map(DateRef::to_shown),
            ),
        )
    }

    /// Article `index` as lists show it, made once; what it read is kept if
    /// `record` is asked for by the call that makes it.
    pub(super) fn cached_summary(&self, index: usize, record: bool) -> &CachedSummary {
        self.summaries[index].get_or_init(|| {
            let mut read = if record {
                Deps::recording()
            } else {
                Deps::off()
            };
            let article = &self.site.articles[index];
            read.push(Dep::Summary(article.path.clone()));
            let text = SummaryText::of(article, self.urls.language);
            let dates = shown_dates(article, self.urls.language, &self.site.config.zone.0);
            let extra = FrozenEntries::of(
                parts::list_views(&article.parts, &mut self.view_cx(article, &mut read)),
                parts::KEYS,
            );
            Box::new(CachedSummary {
                packed: PackedSummary::pack(text.with_dates(&dates)),
                extra,
                read: read.into_vec(),
            })
        })
    }

    /// An article's summary as a template value: what lists show of it.
    pub fn summary_value(&self, article: &Article, deps: &mut Deps) -> Value {
        let text = SummaryText::of(article, self.urls.language);
        let dates = shown_dates(article, self.urls.language, &self.site.config.zone.0);
        let extra = parts::list_views(&article.parts, &mut self.view_cx(article, deps));
        self.summary_value_of(article, text.with_dates(&dates), extra)
    }

    /// The template value of `article`'s summary around its typeset text
    /// and shown dates (`summary`), with the parts lists show (`extra`): the fields
    /// `ArticleSummary` serialises to, its tags and kind shared with every
    /// other summary that shows them.
    fn summary_value_of(
        &self,
        article: &Article,
        summary: SummaryRef,
        extra: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Value {
        let config = &self.site.config;
        let language = self.urls.language;
        let url = self.urls.article(&article.slug);
        let extra = extra.into_iter();
        let mut fields: Vec<(&'static str, Value)> = Vec::with_capacity(11 + extra.size_hint().0);
        let kind = article.kind.unwrap_or(config.kind).view(language);
        fields.push(("kind", self.kind_value(&kind)));
        fields.push(("title", Value::from(summary.title)));
        fields.push(("kicker", Value::from(summary.kicker)));
        fields.push(("lead", Value::from(summary.lead)));
        let permalink = self.urls.permalink(&url);
        fields.push(("url", Value::from(url)));
        fields.push(("permalink", Value::from(permalink)));
        fields.push(("date", Value::from_serializable(&summary.date)));
        fields.push(("updated", Value::from_serializable(&summary.updated)));
        fields.push(("update_note", Value::from(summary.update_note)));
        let tags: Vec<Value> = article
            .tags
            .iter()
            .map(|tag| self.tag_value(&tag.name))
            .collect();
        fields.push(("tags", Value::from(tags)));
        fields.extend(extra);
        map_of(fields)
    }

    /// A tag as summaries show it (its name and page), made once per build.
    fn tag_value(&self, name: &str) -> Value {
        let mut tags = self.shared.tags.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(value) = tags.get(name) {
            return value.clone();
        }
        let value = Value::from_serializable(&TagView {
            name: name.to_string(),
            url: self.urls.tag(name),
        });
        tags.insert(name.to_string(), value.clone());
        value
    }

    fn kind_value(&self, kind: &KindView) -> Value {
        let mut kinds = self.shared.kinds.lock().unwrap_or_else(|e| e.into_inner());
        kinds
            .entry(kind.key)
            .or_insert_with(|| Value::from_serializable(kind))
            .clone()
    }

    pub fn summary_of(&self, article: &Article) -> ArticleSummary {
        summary_of(
            article,
            &self.urls,
            &self.site.config.zone.0,
            self.site.config.kind,
        )
    }

    /// The summaries of a list's articles, recording the list and each summary.
    pub(super) fn list(&self, key: ListKey, indices: &[usize], deps: &mut Deps) -> Value {
        deps.add(|| Dep::List(key));
        Value::from(
            indices
                .iter()
                .map(|&i| self.summary(i, deps))
                .collect::<Vec<_>>(),
        )
    }
}

/// An article as lists show it, without the parts lists show.
pub fn summary_of(
    article: &Article,
    urls: &Urls,
    zone: &TimeZone,
    default_kind: Kind,
) -> ArticleSummary {
    let text = SummaryText::of(article, urls.language);
    let dates = shown_dates(article, urls.language, zone);
    summary_around(article, urls, default_kind, text, dates)
}

/// An article as lists show it, with its text typeset and its dates shown
/// already.
fn summary_around(
    article: &Article,
    urls: &Urls,
    default_kind: Kind,
    text: SummaryText,
    (date, updated): (ShownDate, Option<ShownDate>),
) -> ArticleSummary {
    let url = urls.article(&article.slug);
    let language = urls.language;
    ArticleSummary {
        kind: article.kind.unwrap_or(default_kind).view(language),
        title: text.title,
        kicker: text.kicker,
        lead: text.lead,
        permalink: urls.permalink(&url),
        url,
        date,
        updated,
        update_note: text.update_note,
        tags: article
            .tags
            .iter()
            .map(|tag| TagView {
                name: tag.name.to_string(),
                url: urls.tag(&tag.name),
            })
            .collect(),
    }
}

/// When an article was published and last updated, as readers see it:
/// «Oppdatert 7. januar kl. 10.00», the year going without saying where it
/// is the year of publishing.
fn shown_dates(
    article: &Article,
    language: crate::i18n::Language,
    zone: &TimeZone,
) -> (ShownDate, Option<ShownDate>) {
    let same_year = |updated: &Date| updated.in_zone(zone).year == article.date.in_zone(zone).year;
    (
        article.date.shown_in(language, zone, true),
        article
            .updated
            .map(|d| d.shown_in(language, zone, !same_year(&d))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(day: &str) -> ShownDate {
        ShownDate {
            iso: format!("2022-01-{day}T10:00+06:00"),
            text: format!("{day}.\u{A0}januar 2022"),
            rfc3339: format!("2022-01-{day}T10:00:00+06:00"),
            time: "kl.\u{A0}10.00".into(),
            moment: format!("{day}.\u{A0}januar 2022 kl.\u{A0}10.00"),
        }
    }

    fn round_trip(text: &SummaryText, dates: &(ShownDate, Option<ShownDate>)) {
        let packed = PackedSummary::pack(text.with_dates(dates));
        let back = packed.unpack();
        assert_eq!(back.title, text.title);
        assert_eq!(back.kicker, text.kicker.as_deref());
        assert_eq!(back.lead, text.lead.as_deref());
        assert_eq!(back.update_note, text.update_note.as_deref());
        assert_eq!(back.date.to_shown(), dates.0);
        assert_eq!(back.updated.map(DateRef::to_shown), dates.1);
    }

    #[test]
    fn a_packed_summary_gives_back_every_field_it_was_given() {
        let full = SummaryText {
            title: "Hva skjer i Kasakhstan?".into(),
            kicker: Some("Kasakhstan".into()),
            lead: Some("Protestene startet i Zjanaozen 2.\u{A0}januar.".into()),
            update_note: Some("Nye tall fra innenriksministeriet.".into()),
        };
        round_trip(&full, &(date("05"), Some(date("07"))));
    }

    #[test]
    fn a_packed_summary_tells_a_missing_field_from_an_empty_one() {
        let sparse = SummaryText {
            title: "Tittel".into(),
            kicker: Some(String::new()),
            lead: None,
            update_note: None,
        };
        round_trip(&sparse, &(date("05"), None));
        let packed = PackedSummary::pack(sparse.with_dates(&(date("05"), None)));
        assert_eq!(packed.unpack().kicker, Some(""));
        assert!(packed.unpack().lead.is_none());
        assert!(packed.unpack().updated.is_none());
    }
}
