//! «Nøkkeltall» / "Key figures": the few numbers a story turns on, each with
//! what it counts, when it was true and who says so. A number without a
//! source is not published.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, Slot, ViewCx};
use crate::cms::field::{Field, Widget};
use crate::content::FileCx;
use crate::content::fields::DateField;
use crate::dates::{Date, ShownDate};
use crate::i18n::Language;

pub struct KeyFigures;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFiguresFields {
    #[serde(default)]
    key_figures: Vec<Spanned<FigureFields>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FigureFields {
    #[serde(default)]
    number: Option<Spanned<toml::Value>>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    as_of: Option<DateField>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
}

/// One figure as checked; the number is kept as written ("ca. 2 000" is a number
/// a journalist may write).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub number: String,
    pub unit: Option<String>,
    pub label: String,
    pub as_of: Option<Date>,
    pub source: String,
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FigureView {
    /// With its digits grouped the site's way ("10 000", "10,000").
    pub number: String,
    pub unit: Option<String>,
    pub label: String,
    pub as_of: Option<ShownDate>,
    pub source: String,
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct KeyFiguresView {
    pub figures: Vec<FigureView>,
    /// "Kilde" / "Source" and "per" / "as of", in the site's language.
    pub source_word: &'static str,
    pub as_of_word: &'static str,
}

/// The number as text: TOML integers get their digits grouped, text is kept.
fn number_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// Groups the digits of a plain integer the way the language writes them:
/// Norwegian with a narrow no-break space, English with a comma. Anything
/// else ("ca. 2 000", "1,5") is left as the writer wrote it.
pub fn group_digits(number: &str, language: Language) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("−", rest),
        None => ("", number),
    };
    if digits.len() < 5 && language == Language::Nb || digits.len() < 4 {
        // Norwegian leaves four-digit numbers ungrouped ("2000").
        return format!("{sign}{digits}");
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_string();
    }
    let separator = match language {
        Language::Nb => '\u{202F}',
        Language::En => ',',
    };
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

fn check_figure(figure: &Spanned<FigureFields>, file: &mut FileCx) -> Option<Figure> {
    let head = file.first_line(figure);
    let fields = figure.get_ref();
    let number = match &fields.number {
        Some(value) => match number_text(value.get_ref()) {
            Some(text) => Some(text),
            None => {
                let span = file.span(value);
                file.error(
                    "a key figure's number must be a number or text",
                    span,
                    "write number = 10000, or as text, number = \"ca. 2 000\"",
                );
                None
            }
        },
        None => {
            file.error(
                "a key figure has no number",
                head.clone(),
                "add number = 10000 (or as text, number = \"ca. 2 000\")",
            );
            None
        }
    };
    let label = file.required(
        fields.label.as_ref(),
        "a key figure has no label",
        head.clone(),
        "add label = \"…\": a few words saying what the number counts",
    );
    let source = file.required(
        fields.source.as_ref(),
        "a key figure has no source",
        head,
        "a number is published only with who says so: add source = \"…\" (e.g. \"Innenriksdepartementet\")",
    );
    let as_of = fields.as_of.as_ref().and_then(|d| file.date(d));
    let url = match &fields.url {
        Some(url) => Some(file.url(url)?),
        None => None,
    };
    Some(Figure {
        number: number?,
        unit: fields.unit.clone().filter(|u| !u.trim().is_empty()),
        label: label?,
        as_of,
        source: source?,
        url,
    })
}

impl ExplainerPart for KeyFigures {
    const FIELDS: &'static [&'static str] = &["key_figures"];
    const MARKERS: &'static [&'static str] = &["nokkeltall", "key_figures"];
    const SLOT: Slot = Slot::Top;
    const EXAMPLE_TABLES: &'static str = "\
# [[key_figures]]                    # «Nøkkeltall», one block per figure
# number = 10000                     # required: a number, or text such as \"ca. 2 000\"
# unit = \"personer\"
# label = \"pågrepet\"                 # required: what the number counts
# as_of = 2022-01-16                 # when the number was true
# source = \"Innenriksdepartementet\" # required: who says so
# url = \"https://…\"
";

    type Fields = KeyFiguresFields;
    type Item = Vec<Figure>;
    const ON_ITS_PAGE_ONLY: bool = true;
    type View = KeyFiguresView;

    fn check(fields: KeyFiguresFields, file: &mut FileCx) -> Vec<Figure> {
        fields
            .key_figures
            .iter()
            .filter_map(|figure| check_figure(figure, file))
            .collect()
    }

    fn view(figures: &Vec<Figure>, cx: &mut ViewCx) -> Option<KeyFiguresView> {
        if figures.is_empty() {
            return None;
        }
        let language = cx.language;
        Some(KeyFiguresView {
            figures: figures
                .iter()
                .map(|figure| FigureView {
                    number: cx.text(&group_digits(&figure.number, language)),
                    unit: figure.unit.as_deref().map(|u| cx.text(u)),
                    label: cx.text(&figure.label),
                    as_of: figure.as_of.map(|d| cx.stamp(&d)),
                    source: cx.text(&figure.source),
                    url: figure.url.as_deref().map(|url| cx.link(url)),
                })
                .collect(),
            source_word: match language {
                Language::Nb => "Kilde",
                Language::En => "Source",
            },
            as_of_word: match language {
                Language::Nb => "per",
                Language::En => "as of",
            },
        })
    }

    fn cms_fields() -> Vec<Field> {
        vec![Field::new(
            "key_figures",
            (Self::heading(Language::Nb), Self::heading(Language::En)),
            Widget::Tables(vec![
                Field::new("number", ("Tall", "Number"), Widget::Figure).required(),
                Field::new("unit", ("Enhet", "Unit"), Widget::Line),
                Field::new(
                    "label",
                    ("Hva tallet teller", "What it counts"),
                    Widget::Line,
                )
                .required(),
                Field::new("as_of", ("Gjaldt per", "As of"), Widget::AnyDate),
                Field::new("source", ("Kilde", "Source"), Widget::Line).required(),
                Field::new("url", ("Lenke", "Link"), Widget::Line),
            ]),
        )]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Nøkkeltall",
            Language::En => "Key figures",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_the_languages_way() {
        assert_eq!(group_digits("10000", Language::Nb), "10\u{202F}000");
        assert_eq!(group_digits("2000", Language::Nb), "2000");
        assert_eq!(group_digits("1234567", Language::En), "1,234,567");
        assert_eq!(group_digits("225", Language::En), "225");
        assert_eq!(group_digits("ca. 2 000", Language::Nb), "ca. 2 000");
    }
}
