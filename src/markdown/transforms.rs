//! The transforms a body goes through between parsing and HTML: heading ids
//! that are stable and unique, footnotes that cannot clash with them, and the
//! markers that place explainer parts.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{Heading, Marker, marker_name, placeholder, quote_marker_name, quote_placeholder};
use crate::slug::UniqueIds;

/// A heading may carry an id and classes (`## Tittel {#id .klasse}`), never
/// other attributes: `{onclick=…}` would run a script. Where raw HTML is
/// escaped, a heading takes none at all.
pub(super) fn strip_heading_attributes(events: &mut [Event], none_at_all: bool) {
    for event in events.iter_mut() {
        if let Event::Start(Tag::Heading {
            id, classes, attrs, ..
        }) = event
        {
            attrs.clear();
            if none_at_all {
                classes.clear();
                *id = None;
            }
        }
    }
}

pub(super) fn assign_heading_ids(
    events: &mut [Event],
    ids: &mut UniqueIds,
    escape_html: bool,
) -> Vec<Heading> {
    strip_heading_attributes(events, escape_html);
    // Ids written by hand win: reserve them first so generated ids step around them.
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            ids.reserve(id);
        }
    }
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = match id {
                Some(id) => id.to_string(),
                None => ids.claim(&text, "seksjon"),
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id.clone()));
            }
            headings.push(Heading {
                level: heading_level(level),
                id,
                text,
            });
            i = j;
        }
        i += 1;
    }
    headings
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Footnotes get `fn-…` ids and a link back, so they never clash with heading ids.
pub(super) fn number_footnotes(events: &mut [Event]) {
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut number_of = |name: &str| {
        let next = numbers.len() + 1;
        *numbers.entry(name.to_string()).or_insert(next)
    };
    for event in events.iter_mut() {
        match event {
            Event::FootnoteReference(name) => {
                let n = number_of(name);
                *event = Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"fnref-{n}\">{n}</a></sup>"
                )));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let n = number_of(name);
                *event = Event::Html(CowStr::from(format!(
                    "<div class=\"footnote\" id=\"fn-{n}\"><span class=\"footnote-label\">{n}.</span> "
                )));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                *event = Event::Html(CowStr::from("</div>\n"));
            }
            _ => {}
        }
    }
}

pub(super) fn place_markers(events: &mut Vec<Event>, markers: &[Marker]) -> Vec<&'static str> {
    let mut placed = Vec::new();
    if markers.is_empty() {
        return placed;
    }
    // Quote markers are numbered in order, as `render` found them.
    let mut quotes = 0;
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::Start(Tag::Paragraph)) {
            let mut text = String::new();
            let mut j = i + 1;
            let mut only_text = true;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Paragraph)) {
                match &events[j] {
                    Event::Text(t) => text.push_str(t),
                    _ => only_text = false,
                }
                j += 1;
            }
            if only_text && quote_marker_name(&text).is_some() {
                // Emptied here and dropped at the end: a body may hold any
                // number of quote markers, and one removal costs a whole pass.
                events[i] = Event::Html(CowStr::from(format!("{}\n", quote_placeholder(quotes))));
                let end = j.min(events.len() - 1);
                for event in &mut events[i + 1..=end] {
                    *event = Event::Text(CowStr::Borrowed(""));
                }
                quotes += 1;
            } else if only_text
                && let Some(name) = marker_name(&text)
                && let Some(marker) = markers.iter().find(|m| m.name == name)
                && !placed.contains(&marker.key)
            {
                placed.push(marker.key);
                events.splice(
                    i..=j.min(events.len() - 1),
                    [Event::Html(CowStr::from(format!(
                        "{}\n",
                        placeholder(marker.key)
                    )))],
                );
            }
        }
        i += 1;
    }
    if quotes > 0 {
        events.retain(|e| !matches!(e, Event::Text(text) if text.is_empty()));
    }
    placed
}

/// Puts the background box (`key`'s placeholder) at the end of the section
/// where the first entry is first mentioned: before the next heading of level
/// 1 or 2 outside any list or quotation, else at the end. There a reader on a
/// phone meets it when it is needed, and wide screens set it in the margin
/// beside the text. Returns whether there was a mention to place it after.
pub(super) fn place_after_first_mention(events: &mut Vec<Event>, key: &str) -> bool {
    let Some(mention) = events.iter().position(
        |e| matches!(e, Event::InlineHtml(html) if html.starts_with("<a class=\"mention\"")),
    ) else {
        return false;
    };
    // How deep the mention is nested in blocks: the section ends where a
    // top-level heading starts.
    let mut depth: usize = 0;
    for event in &events[..mention] {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut at = events.len();
    for (i, event) in events.iter().enumerate().skip(mention + 1) {
        match event {
            Event::Start(Tag::Heading { level, .. })
                if depth == 0 && *level <= HeadingLevel::H2 =>
            {
                at = i;
                break;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    events.insert(
        at,
        Event::Html(CowStr::from(format!("{}\n", placeholder(key)))),
    );
    true
}
