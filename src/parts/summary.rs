//! «Kort fortalt» / "In brief": three to five short points at the top of an
//! article and in its teaser, for the reader who reads nothing else.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, Slot, ViewCx};
use crate::cms::field::{Field, Widget};
use crate::content::FileCx;
use crate::i18n::Language;

/// More points than this stop being a summary.
const MOST_POINTS: usize = 5;

pub struct Summary;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryFields {
    #[serde(default)]
    summary: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Serialize)]
pub struct SummaryView {
    /// Each point, as inline Markdown rendered.
    pub points: Vec<String>,
}

impl ExplainerPart for Summary {
    const FIELDS: &'static [&'static str] = &["summary"];
    const MARKERS: &'static [&'static str] = &["kort_fortalt", "in_brief"];
    const SLOT: Slot = Slot::Top;
    const IN_LISTS: bool = true;
    const EXAMPLE: &'static str = "\
# summary = [\"…\", \"…\", \"…\"]     # «Kort fortalt»: three to five short points, at the top and in teasers
";

    type Fields = SummaryFields;
    type Item = Vec<String>;
    type View = SummaryView;

    fn check(fields: SummaryFields, file: &mut FileCx) -> Vec<String> {
        let Some(list) = fields.summary else {
            return Vec::new();
        };
        if list.get_ref().len() > MOST_POINTS {
            let span = file.span(&list);
            file.error(
                format!(
                    "«Kort fortalt» has {} points; it takes at most {MOST_POINTS}",
                    list.get_ref().len()
                ),
                span,
                "keep the three to five points a reader most needs; the rest belongs in the text",
            );
        }
        let mut points = Vec::new();
        for point in list.get_ref() {
            if point.get_ref().trim().is_empty() {
                let span = file.span(point);
                file.error(
                    "a point in «Kort fortalt» is empty",
                    span,
                    "write the point, or remove the empty \"\" from the list",
                );
            } else {
                points.push(point.get_ref().trim().to_string());
            }
        }
        // Kept for as long as the site is: no room for more.
        points.shrink_to_fit();
        points
    }

    fn view(points: &Vec<String>, cx: &mut ViewCx) -> Option<SummaryView> {
        (!points.is_empty()).then(|| SummaryView {
            points: points.iter().map(|p| cx.inline(p)).collect(),
        })
    }

    fn cms_fields() -> Vec<Field> {
        vec![Field::new(
            "summary",
            (Self::heading(Language::Nb), Self::heading(Language::En)),
            Widget::Lines,
        )]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Kort fortalt",
            Language::En => "In brief",
        }
    }
}
