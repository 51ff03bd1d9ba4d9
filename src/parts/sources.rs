//! Sources: what the article builds on, each with its publisher, date and link.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, ViewCx};
use crate::cms::field::{Field, Widget};
use crate::content::FileCx;
use crate::content::fields::DateField;
use crate::dates::{Date, ShownDate};
use crate::i18n::Language;

pub struct Sources;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFields {
    #[serde(default)]
    sources: Vec<SourceFields>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFields {
    title: String,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    date: Option<DateField>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<Date>,
}

#[derive(Debug, Serialize)]
pub struct SourceView {
    pub title: String,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<ShownDate>,
}

impl ExplainerPart for Sources {
    const FIELDS: &'static [&'static str] = &["sources"];
    const EXAMPLE_TABLES: &'static str = "\
# [[sources]]                        # one block per source
# title = \"…\"
# publisher = \"…\"
# url = \"https://…\"
# date = 2022-01-06
";

    type Fields = SourcesFields;
    type Item = Vec<Source>;
    const ON_ITS_PAGE_ONLY: bool = true;
    type View = Vec<SourceView>;

    fn check(fields: SourcesFields, file: &mut FileCx) -> Vec<Source> {
        fields
            .sources
            .into_iter()
            .filter_map(|source| {
                let url = match &source.url {
                    Some(url) => Some(file.url(url)?),
                    None => None,
                };
                let date = match &source.date {
                    Some(date) => Some(file.date(date)?),
                    None => None,
                };
                Some(Source {
                    title: source.title,
                    url,
                    publisher: source.publisher,
                    date,
                })
            })
            .collect()
    }

    fn view(sources: &Vec<Source>, cx: &mut ViewCx) -> Option<Vec<SourceView>> {
        (!sources.is_empty()).then(|| {
            sources
                .iter()
                .map(|source| SourceView {
                    title: cx.text(&source.title),
                    url: source.url.as_deref().map(|url| cx.link(url)),
                    publisher: source.publisher.as_deref().map(|p| cx.text(p)),
                    date: source.date.map(|d| d.shown(cx.language)),
                })
                .collect()
        })
    }

    fn cms_fields() -> Vec<Field> {
        vec![Field::new(
            "sources",
            (Self::heading(Language::Nb), Self::heading(Language::En)),
            Widget::Tables(vec![
                Field::new("title", ("Tittel", "Title"), Widget::Line).required(),
                Field::new("publisher", ("Utgiver", "Publisher"), Widget::Line),
                Field::new("url", ("Lenke", "Link"), Widget::Line),
                Field::new("date", ("Dato", "Date"), Widget::AnyDate),
            ]),
        )]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Kilder",
            Language::En => "Sources",
        }
    }
}
