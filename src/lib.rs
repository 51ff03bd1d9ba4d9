//! forklar builds static explainer sites from Markdown with TOML front matter.

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod feeds;
pub mod front_matter;
pub mod i18n;
pub mod images;
pub mod markdown;
pub mod output;
pub mod properties;
pub mod rebuild;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;
pub mod templates;
