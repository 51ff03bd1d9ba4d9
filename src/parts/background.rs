//! The background box: the entries an article names in `background = […]`,
//! each a short summary with a link to its own page.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, RefCx, Reference, ViewCx, known_keys};
use crate::cms::field::{Field, Widget};
use crate::content::{BackgroundEntry, Fact, FileCx, Image};
use crate::dates::{Placement, ShownDate};
use crate::diagnostics::Diagnostic;
use crate::i18n::Language;
use crate::markdown::typography::typeset;
use crate::urls::Urls;

pub struct Background;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackgroundFields {
    #[serde(default)]
    background: Vec<Spanned<String>>,
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub key: String,
    pub title: String,
    pub summary: String,
    pub url: String,
    pub permalink: String,
    pub facts: Vec<Fact>,
    pub image: Option<ImageView>,
    /// The entry's body, on its own page only.
    pub content: Option<String>,
    /// When the entry last changed, or empty.
    pub updated: Option<ShownDate>,
    /// Whether it changed after the article showing it: the box then says
    /// «Oppdatert 19. januar 2022».
    pub changed_since: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    /// The fallback file (or the address as written, for another host).
    pub url: String,
    pub permalink: String,
    pub alt: String,
    pub credit: Option<String>,
    pub licence: Option<String>,
    pub caption: Option<String>,
    /// `<picture>` with every format and width, for images forklar resized.
    pub html: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The 1200×630 share image.
    pub share: Option<ShareView>,
    /// Focal crops (16:9, 4:3, 1:1 by default), absolute addresses.
    pub crops: Vec<String>,
}

/// The image social cards and search results show.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    pub permalink: String,
    pub width: u32,
    pub height: u32,
}

impl ImageView {
    pub fn new(image: &Image, urls: &Urls) -> ImageView {
        let url = urls.asset(&image.src);
        ImageView {
            permalink: urls.permalink(&url),
            url,
            alt: image.alt.clone(),
            credit: image.credit.clone(),
            licence: image.licence.clone(),
            caption: image.caption.as_deref().map(|c| typeset(c, urls.language)),
            html: None,
            width: None,
            height: None,
            share: None,
            crops: Vec::new(),
        }
    }

    /// Whether cards can show it: a raster image forklar made a share image
    /// of, or an address on another host. Crawlers do not read SVG.
    pub fn shareable(&self) -> bool {
        self.share.is_some() || self.html.is_none()
    }
}

/// An entry as boxes, lists and its own page show it, its text with the
/// language's typography.
pub fn entry_view(entry: &BackgroundEntry, urls: &Urls) -> EntryView {
    let url = urls.background(&entry.key);
    let text = |text: &str| typeset(text, urls.language);
    EntryView {
        key: entry.key.clone(),
        title: text(&entry.title),
        summary: text(&entry.summary),
        permalink: urls.permalink(&url),
        url,
        facts: entry
            .facts
            .iter()
            .map(|fact| Fact {
                label: text(&fact.label),
                value: text(&fact.value),
            })
            .collect(),
        image: entry.image.as_ref().map(|i| ImageView::new(i, urls)),
        content: None,
        updated: entry.updated.map(|d| d.shown(urls.language)),
        changed_since: false,
    }
}

impl ExplainerPart for Background {
    const FIELDS: &'static [&'static str] = &["background"];
    const MARKERS: &'static [&'static str] = &["background", "bakgrunn"];
    const EXAMPLE: &'static str = "\
background = [{background}]          # keys of entries in content/background/
";

    type Fields = BackgroundFields;
    type Item = Vec<Reference>;
    type View = Vec<EntryView>;

    fn check(fields: BackgroundFields, file: &mut FileCx) -> Vec<Reference> {
        fields
            .background
            .iter()
            .map(|key| Reference::new(key, file))
            .collect()
    }

    fn view(references: &Vec<Reference>, cx: &mut ViewCx) -> Option<Vec<EntryView>> {
        let mut entries = Vec::new();
        for reference in references {
            if let Some(entry) = cx.entry(&reference.key) {
                let mut view = entry_view(entry, cx.urls);
                view.changed_since = match (entry.updated, cx.until) {
                    (Some(updated), Some(until)) => updated.placement(&until) == Placement::After,
                    _ => false,
                };
                entries.push(view);
            }
        }
        (!entries.is_empty()).then_some(entries)
    }

    fn cms_fields() -> Vec<Field> {
        vec![Field::new(
            "background",
            (Self::heading(Language::Nb), Self::heading(Language::En)),
            Widget::Keys {
                collection: "background",
            },
        )]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Bakgrunn",
            Language::En => "Background",
        }
    }

    fn check_references(references: &Vec<Reference>, cx: &RefCx, problems: &mut Vec<Diagnostic>) {
        for reference in references {
            if !cx.entries.contains_key(reference.key.as_str()) {
                problems.push(
                    Diagnostic::new(format!("unknown background entry `{}`", reference.key))
                        .in_file(cx.path)
                        .at_span(&(cx.text)(), reference.span.range())
                        .with_help(known_keys(
                            "background entries",
                            "content/background/",
                            cx.entries.keys(),
                        )),
                );
            }
        }
    }
}
