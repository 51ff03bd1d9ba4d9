//! Corrections: what was wrong and when it was put right, shown openly.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, ViewCx};
use crate::cms::field::{Field, Widget};
use crate::content::FileCx;
use crate::content::fields::DateField;
use crate::dates::{Date, ShownDate};
use crate::i18n::Language;
use crate::markdown;

pub struct Corrections;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionsFields {
    #[serde(default)]
    corrections: Vec<Spanned<CorrectionFields>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionFields {
    date: DateField,
    text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub date: Date,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct CorrectionView {
    pub date: ShownDate,
    pub text: String,
    /// The text without markup, for structured data.
    pub plain: String,
}

impl ExplainerPart for Corrections {
    const FIELDS: &'static [&'static str] = &["corrections"];
    const EXAMPLE_TABLES: &'static str = "\
# [[corrections]]                    # one block per correction
# date = 2022-01-07
# text = \"What was wrong, and what is right.\"
";

    type Fields = CorrectionsFields;
    type Item = Vec<Correction>;
    type View = Vec<CorrectionView>;

    fn check(fields: CorrectionsFields, file: &mut FileCx) -> Vec<Correction> {
        fields
            .corrections
            .iter()
            .filter_map(|c| {
                Some(Correction {
                    date: file.date(&c.get_ref().date)?,
                    text: c.get_ref().text.clone(),
                })
            })
            .collect()
    }

    fn view(corrections: &Vec<Correction>, cx: &mut ViewCx) -> Option<Vec<CorrectionView>> {
        (!corrections.is_empty()).then(|| {
            corrections
                .iter()
                .map(|c| {
                    let text = cx.inline(&c.text);
                    CorrectionView {
                        date: c.date.shown(cx.language),
                        plain: markdown::plain_text(&text),
                        text,
                    }
                })
                .collect()
        })
    }

    fn cms_fields() -> Vec<Field> {
        vec![Field::new(
            "corrections",
            (Self::heading(Language::Nb), Self::heading(Language::En)),
            Widget::Tables(vec![
                Field::new("date", ("Dato", "Date"), Widget::AnyDate).required(),
                Field::new("text", ("Hva var feil", "What was wrong"), Widget::Text).required(),
            ]),
        )]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Rettelser",
            Language::En => "Corrections",
        }
    }
}
