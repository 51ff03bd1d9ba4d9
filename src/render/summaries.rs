//! What lists show of an article (its summary): made once per article and
//! kept as plain fields, made into a template value each time a list shows it.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::tz::TimeZone;
use tera::value::Key;
use tera::{Map, Value};

use super::Renderer;
use super::views::{ArticleSummary, TagView};
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
    text: SummaryText,
    dates: (ShownDate, Option<ShownDate>),
    /// The parts lists show.
    extra: Vec<(&'static str, Value)>,
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

impl SummaryText {
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
            &cached.text,
            &cached.dates,
            cached.extra.iter().cloned(),
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
        summary_around(
            article,
            &self.urls,
            config.kind,
            cached.text.clone(),
            cached.dates.clone(),
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
            let extra = parts::list_views(&article.parts, &mut self.view_cx(article, &mut read));
            Box::new(CachedSummary {
                text,
                dates,
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
        self.summary_value_of(article, &text, &dates, extra)
    }

    /// The template value of `article`'s summary around its typeset `text`
    /// and shown `dates`, with the parts lists show (`extra`): the fields
    /// `ArticleSummary` serialises to, its tags and kind shared with every
    /// other summary that shows them.
    fn summary_value_of(
        &self,
        article: &Article,
        text: &SummaryText,
        (date, updated): &(ShownDate, Option<ShownDate>),
        extra: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Value {
        let config = &self.site.config;
        let language = self.urls.language;
        let url = self.urls.article(&article.slug);
        let extra = extra.into_iter();
        let mut map = Map::default();
        map.reserve(10 + extra.size_hint().0);
        let kind = article.kind.unwrap_or(config.kind).view(language);
        map.insert(Key::Str("kind"), self.kind_value(&kind));
        map.insert(Key::Str("title"), Value::from(text.title.as_str()));
        map.insert(Key::Str("kicker"), Value::from(text.kicker.as_deref()));
        map.insert(Key::Str("lead"), Value::from(text.lead.as_deref()));
        let permalink = self.urls.permalink(&url);
        map.insert(Key::Str("url"), Value::from(url));
        map.insert(Key::Str("permalink"), Value::from(permalink));
        map.insert(Key::Str("date"), Value::from_serializable(date));
        map.insert(Key::Str("updated"), Value::from_serializable(updated));
        map.insert(
            Key::Str("update_note"),
            Value::from(text.update_note.as_deref()),
        );
        let tags: Vec<Value> = article
            .tags
            .iter()
            .map(|tag| self.tag_value(&tag.name))
            .collect();
        map.insert(Key::Str("tags"), Value::from(tags));
        for (key, value) in extra {
            map.insert(Key::Str(key), value);
        }
        Value::from(map)
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
                name: tag.name.clone(),
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
