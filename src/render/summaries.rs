//! What lists show of an article (its summary): made once per article and
//! kept as plain fields, made into a template value each time a list shows it.

use jiff::tz::TimeZone;
use tera::Value;

use super::Renderer;
use super::views::{ArticleSummary, TagView, with_fields};
use crate::dates::Date;
use crate::deps::{Dep, Deps, ListKey};
use crate::kind::Kind;
use crate::markdown::typography::typeset;
use crate::parts;
use crate::site::Article;
use crate::urls::Urls;

/// An article as lists show it, kept as plain fields rather than as a
/// template value (a map for every date and tag), since a large site keeps
/// one for every article: the value is made each time a list needs it.
pub(super) struct CachedSummary {
    summary: ArticleSummary,
    /// The parts lists show.
    extra: Vec<(&'static str, Value)>,
    /// What it read.
    read: Vec<Dep>,
}

impl Renderer<'_> {
    /// Article `index` as lists show it, recording what it read.
    pub(super) fn summary(&self, index: usize, deps: &mut Deps) -> Value {
        let cached = self.cached_summary(index, true);
        if deps.is_on() {
            deps.extend(cached.read.iter().cloned());
        }
        with_fields(
            Value::from_serializable(&cached.summary),
            cached.extra.iter().cloned(),
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
            let summary = self.summary_of(article);
            let extra = parts::list_views(&article.parts, &mut self.view_cx(article, &mut read));
            CachedSummary {
                summary,
                extra,
                read: read.into_vec(),
            }
        })
    }

    /// An article's summary as a template value: what lists show of it.
    pub fn summary_value(&self, article: &Article, deps: &mut Deps) -> Value {
        let summary = self.summary_of(article);
        let mut cx = self.view_cx(article, deps);
        let extra = parts::list_views(&article.parts, &mut cx);
        with_fields(Value::from_serializable(&summary), extra)
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
