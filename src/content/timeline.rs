//! Shared timelines: `content/timelines/KEY.toml`, shown by every article that
//! names it with `timeline_file = "KEY"`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::event::{Event, EventFields, check_event};
use super::fields::FileCx;
use super::key_from_path;
use crate::diagnostics::Diagnostic;
use crate::front_matter::parse_toml;
use crate::layout::read_text;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineFileFields {
    title: String,
    #[serde(default)]
    events: Vec<Spanned<EventFields>>,
}

/// A timeline kept in its own file so several articles can show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedTimeline {
    pub key: String,
    pub path: PathBuf,
    pub title: String,
    pub events: Vec<Event>,
}

impl SharedTimeline {
    pub fn load(root: &Path, path: &Path) -> Result<SharedTimeline, Vec<Diagnostic>> {
        let text = read_text(root, path).map_err(|d| vec![d])?;
        SharedTimeline::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<SharedTimeline, Vec<Diagnostic>> {
        let fields: TimelineFileFields = parse_toml(path, text, 0, text).map_err(|d| vec![d])?;
        let key = key_from_path(path, text)?;
        let mut file = FileCx::new(path, text, 0);
        let events = fields
            .events
            .iter()
            .filter_map(|event| check_event(event, &mut file))
            .collect();
        file.finish(SharedTimeline {
            key,
            path: path.to_path_buf(),
            title: fields.title,
            events,
        })
    }
}
