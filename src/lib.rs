//! forklar builds static explainer sites from Markdown with TOML front matter.
//!
//! The modules follow the pipeline, each using only those above it:
//! leaves ([`layout`], [`url_policy`], [`links`], [`dates`], [`slug`], [`i18n`],
//! [`diagnostics`], [`clock`], [`deps`], [`kind`], [`front_matter`], [`config`], [`urls`],
//! [`writes`]) →
//! single-file content ([`content`]) → [`markdown`] → the explainer parts
//! ([`parts`]) → the site and its cross-file checks ([`site`]) → [`templates`]
//! and [`render`] → [`output`] → the commands ([`build`], [`incremental`],
//! [`check`], [`scaffold`], [`serve`]). [`images`] is the image engine
//! (sizes, formats, crops, cache), not yet called by the renderer.
//! [`allocator`] chooses the memory allocator for all of them.

pub mod allocator;
pub mod build;
pub mod cache_dir;
pub mod check;
pub mod cli;
pub mod clock;
pub mod cms;
pub mod config;
pub mod content;
pub mod dates;
pub mod deps;
pub mod diagnostics;
pub mod front_matter;
pub mod i18n;
pub mod images;
pub mod incremental;
pub mod kind;
pub mod layout;
pub mod links;
pub mod markdown;
pub mod output;
pub mod parts;
pub mod preview;
pub mod render;
pub mod scaffold;
pub mod search;
#[cfg(test)]
mod seeded_texts;
pub mod serve;
pub mod site;
pub mod slug;
pub mod status;
pub mod templates;
pub mod theme_export;
pub mod url_policy;
pub mod urls;
pub mod utf8;
pub mod writes;
