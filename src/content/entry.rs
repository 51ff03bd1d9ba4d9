//! Background entries: short reusable explanations such as "CSTO", written once
//! in `content/background/KEY.md` and used by many articles.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::fields::{DateField, FileCx};
use super::{Image, ImageFields, key_from_path};
use crate::dates::{Date, civil_from_days, days_from_civil};
use crate::diagnostics::Diagnostic;
use crate::front_matter::{parse_toml, split};
use crate::layout::read_text;

/// A key fact about a background entry: "Grunnlagt" = "2002".
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackgroundFields {
    title: String,
    #[serde(default)]
    aliases: Vec<String>,
    summary: String,
    #[serde(default)]
    facts: Vec<Fact>,
    #[serde(default)]
    image: Option<ImageFields>,
    #[serde(default, rename = "type")]
    kind: EntryKind,
    #[serde(default)]
    same_as: Vec<toml::Spanned<String>>,
    #[serde(default)]
    verified: Option<DateField>,
    #[serde(default)]
    review_after: Option<Spanned<toml::Value>>,
    #[serde(default)]
    changes: Vec<Spanned<ChangeFields>>,
    #[serde(default)]
    updated: Option<DateField>,
    /// «Spørsmål og svar», as in an article.
    #[serde(default)]
    questions: Vec<Spanned<crate::parts::questions::QuestionFields>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeFields {
    date: Option<DateField>,
    #[serde(default)]
    text: Option<String>,
}

/// When an entry's facts are next due to be checked again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReviewAfter {
    /// So many days after `verified`.
    Days(u32),
    /// On this day.
    On(Date),
}

/// One line of an entry's change log: when, and what changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub date: Date,
    pub text: String,
}

/// What an entry is about, for search engines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Person,
    Organisation,
    /// Anything else: an event, a place, an idea.
    #[default]
    Thing,
}

impl EntryKind {
    pub fn schema_type(self) -> &'static str {
        match self {
            EntryKind::Person => "Person",
            EntryKind::Organisation => "Organization",
            EntryKind::Thing => "Thing",
        }
    }
}

/// A short reusable entry such as "CSTO", written once and used by many articles.
#[derive(Debug, Clone, PartialEq)]
pub struct BackgroundEntry {
    pub key: String,
    pub path: PathBuf,
    pub title: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub facts: Vec<Fact>,
    pub image: Option<Image>,
    /// When the entry last changed in substance; an article older than that
    /// says so beside it.
    pub updated: Option<Date>,
    pub kind: EntryKind,
    /// The same thing elsewhere (Wikidata, an official site).
    pub same_as: Vec<String>,
    pub body: String,
    /// The 1-based line where the body starts, for errors in it.
    pub body_first_line: usize,
    /// The day someone last checked that the entry is still true.
    pub verified: Option<Date>,
    pub review_after: Option<ReviewAfter>,
    /// The change log, in the order written.
    pub changes: Vec<Change>,
    /// «Spørsmål og svar» on the entry's page.
    pub questions: Vec<crate::parts::questions::Question>,
}

impl BackgroundEntry {
    pub fn load(root: &Path, path: &Path) -> Result<BackgroundEntry, Vec<Diagnostic>> {
        let text = read_text(root, path).map_err(|d| vec![d])?;
        BackgroundEntry::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<BackgroundEntry, Vec<Diagnostic>> {
        let parts = split(path, text).map_err(|d| vec![d])?;
        let fields: BackgroundFields =
            parse_toml(path, text, parts.front_matter_offset, parts.front_matter)
                .map_err(|d| vec![d])?;
        let key = key_from_path(path, text)?;
        let mut file = FileCx::new(path, text, parts.front_matter_offset);
        let image = fields.image.as_ref().and_then(|i| i.check(&mut file));
        let verified = fields.verified.as_ref().and_then(|v| file.day(v));
        let review_after = fields
            .review_after
            .as_ref()
            .and_then(|v| review_after(v, &mut file));
        if let (Some(verified), Some(ReviewAfter::On(due)), Some(value)) =
            (&verified, &review_after, &fields.review_after)
            && due.chronological(verified).is_lt()
        {
            let span = file.span(value);
            file.error(
                "`review_after` is earlier than `verified`",
                span,
                "the entry is checked again after it was checked: give a later day, or a number of days such as \"90d\"",
            );
        }
        let changes = fields
            .changes
            .iter()
            .filter_map(|c| change(c, &mut file))
            .collect();
        let updated = fields.updated.as_ref().and_then(|u| file.day(u));
        let questions = crate::parts::questions::check_questions(&fields.questions, &mut file);
        let same_as = fields
            .same_as
            .iter()
            .filter_map(|url| file.url(url))
            .collect();
        file.finish(BackgroundEntry {
            key,
            path: path.to_path_buf(),
            title: fields.title,
            aliases: fields.aliases,
            summary: fields.summary,
            facts: fields.facts,
            image,
            updated,
            kind: fields.kind,
            same_as,
            body: parts.body.to_string(),
            body_first_line: crate::diagnostics::line_breaks(&text[..parts.body_offset]) + 1,
            verified,
            review_after,
            changes,
            questions,
        })
    }

    /// The day the entry is due to be checked again. An entry never verified
    /// is due at once, so it has no day: `None` with `verified` unset.
    pub fn review_on(&self) -> Option<Date> {
        let verified = self.verified?;
        match self.review_after? {
            ReviewAfter::On(date) => Some(date),
            ReviewAfter::Days(days) => {
                let (year, month, day) = (
                    verified.year,
                    verified.month.unwrap_or(1),
                    verified.day.unwrap_or(1),
                );
                let (year, month, day) =
                    civil_from_days(days_from_civil(year, month, day) + i64::from(days));
                Some(Date {
                    year,
                    month: Some(month),
                    day: Some(day),
                    time: None,
                })
            }
        }
    }
}

const REVIEW_HELP: &str = "write a number of days, review_after = \"90d\", or the day to check again, review_after = 2022-04-20";

/// `"90d"`, or a day (bare or quoted).
fn review_after(value: &Spanned<toml::Value>, file: &mut FileCx) -> Option<ReviewAfter> {
    if let toml::Value::String(s) = value.get_ref()
        && let Some(days) = s.trim().strip_suffix('d')
    {
        return match days.parse::<u32>() {
            Ok(days) if days > 0 => Some(ReviewAfter::Days(days)),
            _ => {
                let span = file.span(value);
                file.error(format!("`{s}` is not a number of days"), span, REVIEW_HELP);
                None
            }
        };
    }
    if matches!(value.get_ref(), toml::Value::Integer(_)) {
        let span = file.span(value);
        file.error(
            "`review_after` needs a unit: a number alone is not a duration",
            span,
            REVIEW_HELP,
        );
        return None;
    }
    let before = file.problems.len();
    let date = file.day(value);
    if file.problems.len() > before
        && let Some(last) = file.problems.last_mut()
    {
        last.help = Some(REVIEW_HELP.to_string());
    }
    date.map(ReviewAfter::On)
}

/// One `[[changes]]` table: a day and what changed, both required.
fn change(value: &Spanned<ChangeFields>, file: &mut FileCx) -> Option<Change> {
    let fields = value.get_ref();
    let at = file.first_line(value);
    let date = match &fields.date {
        Some(date) => file.day(date),
        None => {
            file.error(
                "a change has no date",
                at.clone(),
                "add date = 2022-01-20, the day the entry changed",
            );
            None
        }
    };
    let text = file.required(
        fields.text.as_ref(),
        "a change does not say what changed",
        at,
        "add text = \"…\", one sentence on what changed and why",
    );
    Some(Change {
        date: date?,
        text: text?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_be_slugs() {
        assert!(
            BackgroundEntry::parse(
                Path::new("content/background/Nazarbajev.md"),
                "+++\ntitle = \"N\"\nsummary = \"s\"\n+++\n"
            )
            .is_err()
        );
        let entry = BackgroundEntry::parse(
            Path::new("content/background/nazarbajev.md"),
            "+++\ntitle = \"N\"\nsummary = \"s\"\naliases = [\"Nazarbajev\"]\n+++\nKropp\n",
        )
        .unwrap();
        assert_eq!(entry.key, "nazarbajev");
        assert_eq!(entry.body, "Kropp\n");
        assert_eq!(entry.body_first_line, 6);
    }
}
