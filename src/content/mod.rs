//! Content read from single files, each checked on its own: background entries,
//! people, shared timelines, and the pieces articles are made of (events, images).
//! Articles themselves, whose sections are explainer parts, are in
//! [`crate::site`].

pub mod entry;
pub mod event;
pub mod fields;
pub mod person;
pub mod timeline;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use entry::{BackgroundEntry, Fact};
pub use event::Event;
pub use fields::{FileCx, Place};
pub use person::Person;
pub use timeline::SharedTimeline;

use crate::diagnostics::{Diagnostic, Location};
use crate::slug::slugify;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageFields {
    /// `src` is the name older sites used.
    #[serde(alias = "src")]
    file: Spanned<String>,
    #[serde(default)]
    alt: Option<String>,
    #[serde(default)]
    credit: Option<String>,
    #[serde(default)]
    licence: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    decorative: bool,
    #[serde(default)]
    focus: Option<Spanned<Vec<toml::Value>>>,
}

/// An image with the text a reader without sight needs and the credit the
/// photographer is owed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Image {
    /// As written: `/bilder/x.jpg` (in static/), `x.jpg` (beside the file
    /// naming it) or an https:// address (published as it is).
    pub src: String,
    pub alt: String,
    pub credit: Option<String>,
    pub licence: Option<String>,
    pub caption: Option<String>,
    /// Adds nothing a reader needs: empty alt is then right.
    pub decorative: bool,
    /// Focal point, `(x, y)` from 0 to 1 from the top left; crops keep it.
    pub focus: Option<(f32, f32)>,
    /// The file and line that name the image, for errors found when it is read.
    #[serde(skip)]
    pub named_at: Option<NamedAt>,
}

/// Where an image was named.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedAt {
    pub file: PathBuf,
    pub location: Location,
}

impl NamedAt {
    /// An error about the image, at the line that names it.
    pub fn error(&self, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        Diagnostic::new(message)
            .in_file(&self.file)
            .at(self.location.clone())
            .with_help(help)
    }
}

const ALT_HELP: &str = "add alt = \"…\" saying what the image shows, for readers who cannot see it; \
     only an image that adds nothing (a pattern, a divider) may have alt = \"\" with decorative = true";
const CREDIT_HELP: &str = "add credit = \"Foto: NTB\" (or \"Illustrasjon: …\", \"Kart: …\"): \
     every published image names who made it";
const FOCUS_HELP: &str = "focus = [x, y] is the point crops keep, each from 0 to 1 from the top left, e.g. focus = [0.5, 0.3]";

impl ImageFields {
    /// An `[image]` table: `alt` and `credit` are required.
    pub fn check(&self, file: &mut FileCx) -> Option<Image> {
        self.check_with(file, true)
    }

    /// An `[[images]]` entry, crediting an image in the body: its `alt` may
    /// come from the Markdown, `![alt](file)`.
    pub fn check_listed(&self, file: &mut FileCx) -> Option<Image> {
        self.check_with(file, false)
    }

    fn check_with(&self, file: &mut FileCx, alt_required: bool) -> Option<Image> {
        let at = file.span(&self.file);
        let src = file.url(&self.file)?;
        let alt = self.alt.clone().unwrap_or_default();
        let mut ok = true;
        if alt_required && self.alt.is_none() {
            file.error("the image has no `alt` text", at.clone(), ALT_HELP);
            ok = false;
        } else if alt_required && alt.trim().is_empty() && !self.decorative {
            file.error(
                "the image's `alt` is empty, but it is not marked decorative",
                at.clone(),
                ALT_HELP,
            );
            ok = false;
        }
        let credit = file.required(
            self.credit.as_ref(),
            "the image has no `credit`",
            at.clone(),
            CREDIT_HELP,
        );
        ok &= credit.is_some();
        let focus = match &self.focus {
            None => None,
            Some(value) => {
                let numbers: Vec<f64> = value
                    .get_ref()
                    .iter()
                    .filter_map(|v| match v {
                        toml::Value::Float(f) => Some(*f),
                        toml::Value::Integer(i) => Some(*i as f64),
                        _ => None,
                    })
                    .collect();
                match numbers[..] {
                    [x, y]
                        if value.get_ref().len() == 2
                            && (0.0..=1.0).contains(&x)
                            && (0.0..=1.0).contains(&y) =>
                    {
                        Some((x as f32, y as f32))
                    }
                    _ => {
                        let span = file.span(value);
                        file.error("`focus` is not a point in the image", span, FOCUS_HELP);
                        ok = false;
                        None
                    }
                }
            }
        };
        ok.then(|| Image {
            src,
            alt: if self.decorative { String::new() } else { alt },
            credit,
            licence: self.licence.clone().filter(|l| !l.trim().is_empty()),
            caption: self.caption.clone().filter(|c| !c.trim().is_empty()),
            decorative: self.decorative,
            focus,
            named_at: Some(NamedAt {
                file: file.path.to_path_buf(),
                location: Location::from_span(file.text, at),
            }),
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
