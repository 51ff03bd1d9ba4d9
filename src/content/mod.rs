//! Content read from single files, each checked on its own: background entries,
//! people, shared timelines, and the pieces articles are made of (events, images).
//! Articles themselves, whose sections are explainer parts, are in
//! [`crate::site`].

pub mod entry;
pub mod event;
pub mod fields;
pub mod person;
pub mod timeline;

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use entry::{BackgroundEntry, Fact};
pub use event::Event;
pub use fields::FileCx;
pub use person::Person;
pub use timeline::SharedTimeline;

use crate::diagnostics::Diagnostic;
use crate::slug::slugify;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageFields {
    src: Spanned<String>,
    alt: String,
    #[serde(default)]
    credit: Option<String>,
    #[serde(default)]
    caption: Option<String>,
}

/// An image with the text a reader without sight needs and the credit the
/// photographer is owed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Image {
    pub src: String,
    pub alt: String,
    pub credit: Option<String>,
    pub caption: Option<String>,
}

impl ImageFields {
    pub fn check(&self, file: &mut FileCx) -> Option<Image> {
        Some(Image {
            src: file.url(&self.src)?,
            alt: self.alt.clone(),
            credit: self.credit.clone(),
            caption: self.caption.clone(),
        })
    }
}

/// The key of a background entry or shared timeline is its file name, which must
/// already be a slug so that the key written in articles is the URL.
pub fn key_from_path(path: &Path, text: &str) -> Result<String, Vec<Diagnostic>> {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let slug = slugify(&stem);
    if slug != stem || slug.is_empty() {
        return Err(vec![
            Diagnostic::new(format!("the file name `{stem}` cannot be used as a key"))
                .in_file(path)
                .at_span(text, 0..0)
                .with_help(format!(
                    "name the file with lowercase letters a–z, digits and hyphens, e.g. `{}`",
                    if slug.is_empty() {
                        "nokkel".into()
                    } else {
                        slug
                    }
                )),
        ]);
    }
    Ok(slug)
}
