//! What lists show of an article (its summary): made once per article and
//! kept as plain fields, made into a template value each time a list shows it.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::tz::TimeZone;
use tera::value::Key;
use tera::{Map, Value};

use super::Renderer;
use super::views::{ArticleSummary, TagView};
use crate::dates::Date;
use crate::deps::{Dep, Deps, ListKey};
use crate::kind::{Kind, KindView};
use crate::markdown::typography::typeset;
use crate::parts;
use crate::site::Article;
use crate::urls::Urls;

/// An article as lists show it, kept as plain fields rather than as a
/// template value (a map for every date and tag), since a large site keeps
/// one for every article: the value is made each time a list needs it.
pub(super) struct CachedSummary {
    pub(super) summary: ArticleSummary,
    /// The parts lists show.
    extra: Vec<(&'static str, Value)>,
    /// What it read.
    read: Vec<Dep>,
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
        let cached = self.listed(index, deps);
        self.summary_value_of(&cached.summary, cached.extra.iter().cloned())
    }

    /// Article `index` as lists show it, as plain fields, recording what it
    /// read: for what is not a template (feeds, structured data).
    pub(super) fn listed(&self, index: usize, deps: &mut Deps) -> &CachedSummary {
        let cached = self.cached_summary(index, true);
        if deps.is_on() {
            deps.extend(cached.read.iter().cloned());
        }
        cached
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
            let (summary, extra) = self.summary_and_parts(article, &mut read);
            Box::new(CachedSummary {
                summary,
                extra,
                read: read.into_vec(),
            })
        })
    }

    /// An article's summary as a template value: what lists show of it.
    pub fn summary_value(&self, article: &Article, deps: &mut Deps) -> Value {
        let (summary, extra) = self.summary_and_parts(article, deps);
        self.summary_value_of(&summary, extra)
    }

    /// What lists show of `article`: its summary and the parts lists show.
    fn summary_and_parts(
        &self,
        article: &Article,
        deps: &mut Deps,
    ) -> (ArticleSummary, Vec<(&'static str, Value)>) {
        let summary = self.summary_of(article);
        let extra = parts::list_views(&article.parts, &mut self.view_cx(article, deps));
        (summary, extra)
    }

    /// The template value of a summary with the parts lists show (`extra`):
    /// the fields `ArticleSummary` serialises to, its tags and kind shared
    /// with every other summary that shows them.
    fn summary_value_of(
        &self,
        summary: &ArticleSummary,
        extra: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Value {
        let extra = extra.into_iter();
        let mut map = Map::default();
        map.reserve(10 + extra.size_hint().0);
        map.insert(Key::Str("kind"), self.kind_value(&summary.kind));
        map.insert(Key::Str("title"), Value::from(summary.title.as_str()));
        map.insert(Key::Str("kicker"), Value::from(summary.kicker.as_deref()));
        map.insert(Key::Str("lead"), Value::from(summary.lead.as_deref()));
        map.insert(Key::Str("url"), Value::from(summary.url.as_str()));
        map.insert(
            Key::Str("permalink"),
            Value::from(summary.permalink.as_str()),
        );
        map.insert(Key::Str("date"), Value::from_serializable(&summary.date));
        map.insert(
            Key::Str("updated"),
            Value::from_serializable(&summary.updated),
        );
        map.insert(
            Key::Str("update_note"),
            Value::from(summary.update_note.as_deref()),
        );
        let tags: Vec<Value> = summary.tags.iter().map(|tag| self.tag_value(tag)).collect();
        map.insert(Key::Str("tags"), Value::from(tags));
        for (key, value) in extra {
            map.insert(Key::Str(key), value);
        }
        Value::from(map)
    }

    fn tag_value(&self, tag: &TagView) -> Value {
        let mut tags = self.shared.tags.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(value) = tags.get(&tag.name) {
            return value.clone();
        }
        let value = Value::from_serializable(tag);
        tags.insert(tag.name.clone(), value.clone());
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
    let url = urls.article(&article.slug);
    let language = urls.language;
    // «Oppdatert 7. januar kl. 10.00»: the year goes without saying where it
    // is the year of publishing.
    let same_year = |updated: &Date| updated.in_zone(zone).year == article.date.in_zone(zone).year;
    ArticleSummary {
        kind: article.kind.unwrap_or(default_kind).view(language),
        title: typeset(&article.title, language),
        kicker: article
            .kicker
            .as_deref()
            .or_else(|| article.tags.first().map(|tag| tag.name.as_str()))
            .map(|kicker| typeset(kicker, language)),
        lead: article.lead.as_deref().map(|lead| typeset(lead, language)),
        permalink: urls.permalink(&url),
        url,
        date: article.date.shown_in(language, zone, true),
        updated: article
            .updated
            .map(|d| d.shown_in(language, zone, !same_year(&d))),
        update_note: article
            .update_note
            .as_deref()
            .map(|note| typeset(note, language)),
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
