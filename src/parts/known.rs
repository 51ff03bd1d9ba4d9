//! «Dette vet vi – og dette vet vi ikke» / "What we know – and what we don’t":
//! two short lists and the moment they were true, so a reader of a story still
//! unfolding can tell established facts from open questions.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, ViewCx};
use crate::cms::field::{Field, Widget};
use crate::content::FileCx;
use crate::content::fields::DateField;
use crate::dates::{Date, ShownDate};
use crate::i18n::Language;

pub struct Known;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownFields {
    #[serde(default)]
    known: Vec<Spanned<String>>,
    #[serde(default)]
    unknown: Vec<Spanned<String>>,
    #[serde(default)]
    known_as_of: Option<DateField>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnownItem {
    pub known: Vec<String>,
    pub unknown: Vec<String>,
    pub as_of: Option<Date>,
}

#[derive(Debug, Serialize)]
pub struct KnownView {
    /// Each point, as inline Markdown rendered.
    pub known: Vec<String>,
    pub unknown: Vec<String>,
    /// When the lists were last true, with the time of day where written.
    pub as_of: Option<ShownDate>,
    /// The sub-headings and the as-of words in the site's language.
    pub words: KnownWords,
}

#[derive(Debug, Serialize)]
pub struct KnownWords {
    pub known: &'static str,
    pub unknown: &'static str,
    pub as_of: &'static str,
}

fn words(language: Language) -> KnownWords {
    match language {
        Language::Nb => KnownWords {
            known: "Dette vet vi",
            unknown: "Dette vet vi ikke",
            as_of: "Status per",
        },
        Language::En => KnownWords {
            known: "What we know",
            unknown: "What we don’t know",
            as_of: "As of",
        },
    }
}

fn points(list: &[Spanned<String>], which: &str, file: &mut FileCx) -> Vec<String> {
    let mut kept = Vec::new();
    for point in list {
        if point.get_ref().trim().is_empty() {
            let span = file.span(point);
            file.error(
                format!("a point in `{which}` is empty"),
                span,
                "write the point, or remove the empty \"\" from the list",
            );
        } else {
            kept.push(point.get_ref().trim().to_string());
        }
    }
    kept
}

impl ExplainerPart for Known {
    const FIELDS: &'static [&'static str] = &["known", "unknown", "known_as_of"];
    const MARKERS: &'static [&'static str] = &["dette_vet_vi", "known"];
    const EXAMPLE: &'static str = "\
# known = [\"…\"]                     # «Dette vet vi»: what is established
# unknown = [\"…\"]                   # «Dette vet vi ikke»: the open questions
# known_as_of = 2022-01-07T10:00:00+01:00  # when the two lists were last true
";

    type Fields = KnownFields;
    type Item = KnownItem;
    const ON_ITS_PAGE_ONLY: bool = true;
    type View = KnownView;

    fn check(fields: KnownFields, file: &mut FileCx) -> KnownItem {
        let known = points(&fields.known, "known", file);
        let unknown = points(&fields.unknown, "unknown", file);
        let as_of = fields.known_as_of.as_ref().and_then(|d| file.day(d));
        if let Some(value) = &fields.known_as_of
            && fields.known.is_empty()
            && fields.unknown.is_empty()
        {
            let span = file.span(value);
            file.error(
                "`known_as_of` is set, but there is neither `known` nor `unknown`",
                span,
                "add known = [\"…\"] and unknown = [\"…\"], or remove known_as_of",
            );
        }
        KnownItem {
            known,
            unknown,
            as_of,
        }
    }

    fn view(item: &KnownItem, cx: &mut ViewCx) -> Option<KnownView> {
        if item.known.is_empty() && item.unknown.is_empty() {
            return None;
        }
        Some(KnownView {
            known: item.known.iter().map(|p| cx.inline(p)).collect(),
            unknown: item.unknown.iter().map(|p| cx.inline(p)).collect(),
            as_of: item.as_of.map(|d| cx.stamp(&d)),
            words: words(cx.language),
        })
    }

    fn cms_fields() -> Vec<Field> {
        vec![
            Field::new("known", ("Dette vet vi", "What we know"), Widget::Lines),
            Field::new(
                "unknown",
                ("Dette vet vi ikke", "What we do not know"),
                Widget::Lines,
            ),
            Field::new("known_as_of", ("Sist oppdatert", "As of"), Widget::Moment),
        ]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Dette vet vi – og dette vet vi ikke",
            Language::En => "What we know – and what we don’t",
        }
    }
}
