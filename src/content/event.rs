//! A dated event, as written in an article's `[[timeline]]` or in a shared
//! timeline file.

use serde::Deserialize;
use toml::Spanned;

use super::fields::{DateField, FileCx};
use crate::dates::Date;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFields {
    #[serde(default)]
    date: Option<DateField>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    key: bool,
}

/// One dated event in a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: Date,
    pub title: String,
    pub text: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// One of the few events a long timeline shows before it is opened.
    pub key: bool,
}

/// Checks one event; problems go to `file`.
pub fn check_event(event: &Spanned<EventFields>, file: &mut FileCx) -> Option<Event> {
    let start = file.span(event).start;
    let fields = event.get_ref();
    let Some(date_value) = &fields.date else {
        file.error(
            "a timeline event has no date",
            start..start,
            "add date = 2022-01-05 (or 2022, \"2022-01\", \"2022-01-05T14:00+06:00\")",
        );
        return None;
    };
    let date = file.date(date_value)?;
    let date_span = file.span(date_value);
    let title = file.required(
        fields.title.as_ref(),
        "a timeline event has no title",
        date_span,
        "add title = \"…\": a few words saying what happened",
    )?;
    let url = match &fields.url {
        Some(url) => Some(file.url(url)?),
        None => None,
    };
    Some(Event {
        date,
        title,
        text: fields.text.clone(),
        source: fields.source.clone(),
        url,
        key: fields.key,
    })
}
