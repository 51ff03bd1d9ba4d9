//! «Dette sier de» / "What they say": quotes, each with the attribution
//! journalism requires — who said it, in what role, and where.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, RefCx, Reference, ViewCx, known_keys};
use crate::cms::field::{Field, Widget};
use crate::content::FileCx;
use crate::content::fields::DateField;
use crate::content::person::looks_like_key;
use crate::dates::{Date, ShownDate};
use crate::diagnostics::Diagnostic;
use crate::i18n::Language;

pub struct Quotes;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotesFields {
    #[serde(default)]
    quotes: Vec<Spanned<QuoteFields>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteFields {
    #[serde(default)]
    key: Option<Spanned<String>>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    speaker: Option<Spanned<String>>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    date: Option<DateField>,
    #[serde(default)]
    translated: bool,
}

/// A quote with its attribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The name a marker places the quote by, `{{ quote("key") }}`.
    pub key: Option<String>,
    pub text: String,
    /// The speaker's name, or their key where `person` names them.
    pub speaker: String,
    /// The speaker as a key of `content/people/`, whose name, role and
    /// organisation fill in what the quote leaves out.
    pub person: Option<Reference>,
    pub role: Option<String>,
    pub organisation: Option<String>,
    pub source: String,
    pub url: Option<String>,
    pub date: Option<Date>,
    /// The words are a translation, which the caption says.
    pub translated: bool,
}

#[derive(Debug, Serialize)]
pub struct QuoteView {
    pub text: String,
    pub speaker: String,
    /// The speaker's page, where the speaker is named by key.
    pub speaker_url: Option<String>,
    pub role: Option<String>,
    pub organisation: Option<String>,
    pub source: String,
    pub url: Option<String>,
    pub date: Option<ShownDate>,
    pub translated: bool,
}

impl ExplainerPart for Quotes {
    const FIELDS: &'static [&'static str] = &["quotes"];
    const MARKERS: &'static [&'static str] = &["quotes", "sitater"];
    const PARTLY_ON_OTHER_PAGES: bool = true;
    const EXAMPLE_TABLES: &'static str = "\
# [[quotes]]                         # one block per quote
# key = \"blakkisrud\"                # optional: {{ quote(\"blakkisrud\") }} in the text places it there
# text = \"The words as said.\"       # required
# speaker = \"Name\"                  # required: a name, or the key of a person in content/people/
# role = \"researcher\"
# organisation = \"NUPI\"
# source = \"VG\"                     # required: where it was said or published
# url = \"https://…\"
# date = 2022-01-06
# translated = false                 # true when the words are a translation
";

    type Fields = QuotesFields;
    type Item = Vec<Quote>;
    type View = Vec<QuoteView>;

    fn check(fields: QuotesFields, file: &mut FileCx) -> Vec<Quote> {
        let mut keys: Vec<&str> = Vec::new();
        for key in fields
            .quotes
            .iter()
            .filter_map(|q| q.get_ref().key.as_ref())
        {
            if keys.contains(&key.get_ref().as_str()) {
                let span = file.span(key);
                file.problems.push(
                    Diagnostic::new(format!("two quotes have the key `{}`", key.get_ref()))
                        .in_file(file.path)
                        .at_span(file.text, span)
                        .with_help("a marker names one quote: give each quote a key of its own"),
                );
            }
            keys.push(key.get_ref());
        }
        let mut quotes: Vec<Quote> = fields
            .quotes
            .iter()
            .filter_map(|quote| check_quote(quote, file))
            .collect();
        // Collected without knowing how many pass: room for more is held
        // for as long as the site is.
        quotes.shrink_to_fit();
        quotes
    }

    /// Person pages show the quotes of the people they are about; the
    /// others only the article's page shows.
    fn for_other_pages(mut quotes: Vec<Quote>) -> Vec<Quote> {
        quotes.retain(|quote| quote.person.is_some());
        quotes.shrink_to_fit();
        quotes
    }

    fn view(quotes: &Vec<Quote>, cx: &mut ViewCx) -> Option<Vec<QuoteView>> {
        (!quotes.is_empty()).then(|| {
            quotes
                .iter()
                .map(|quote| {
                    let person = quote.person.as_ref().and_then(|p| cx.person(&p.key));
                    QuoteView {
                        // The stylesheet draws the quote's own marks around it.
                        text: cx.quoted(&quote.text),
                        speaker: person
                            .map_or_else(|| cx.text(&quote.speaker), |p| cx.text(&p.name)),
                        speaker_url: person.map(|p| cx.urls.person(&p.key)),
                        role: quote
                            .role
                            .as_deref()
                            .or_else(|| person.and_then(|p| p.role.as_deref()))
                            .map(|r| cx.text(r)),
                        organisation: quote
                            .organisation
                            .as_deref()
                            .or_else(|| person.and_then(|p| p.organisation.as_deref()))
                            .map(|o| cx.text(o)),
                        source: cx.text(&quote.source),
                        url: quote.url.as_deref().map(|url| cx.link(url)),
                        date: quote.date.map(|d| d.shown(cx.language)),
                        translated: quote.translated,
                    }
                })
                .collect()
        })
    }

    fn check_references(quotes: &Vec<Quote>, cx: &RefCx, problems: &mut Vec<Diagnostic>) {
        for reference in quotes.iter().filter_map(|q| q.person.as_ref()) {
            if !cx.people.contains_key(reference.key.as_str()) {
                problems.push(
                    Diagnostic::new(format!("unknown person `{}`", reference.key))
                        .in_file(cx.path)
                        .at_span(&(cx.text)(), reference.span.range())
                        .with_help(format!(
                            "{}; to quote someone without a page, write their name as it is written (\"Helge Blakkisrud\")",
                            known_keys("people", "content/people/", cx.people.keys())
                        )),
                );
            }
        }
    }

    fn cms_fields() -> Vec<Field> {
        vec![Field::new(
            "quotes",
            (Self::heading(Language::Nb), Self::heading(Language::En)),
            Widget::Tables(vec![
                Field::new("key", ("Nøkkel", "Key"), Widget::Line),
                Field::new("text", ("Sitat", "Quote"), Widget::Text).required(),
                Field::new("speaker", ("Hvem sa det", "Speaker"), Widget::Line).required(),
                Field::new("role", ("Rolle", "Role"), Widget::Line),
                Field::new(
                    "organisation",
                    ("Organisasjon", "Organisation"),
                    Widget::Line,
                ),
                Field::new("source", ("Kilde", "Source"), Widget::Line).required(),
                Field::new("url", ("Lenke", "Link"), Widget::Line),
                Field::new("date", ("Dato", "Date"), Widget::AnyDate),
                Field::new(
                    "translated",
                    ("Oversatt", "Translated"),
                    Widget::Bool { default: false },
                ),
            ]),
        )]
    }

    fn heading(language: Language) -> &'static str {
        match language {
            Language::Nb => "Dette sier de",
            Language::En => "What they say",
        }
    }
}

fn check_quote(quote: &Spanned<QuoteFields>, file: &mut FileCx) -> Option<Quote> {
    let first_line = file.first_line(quote);
    let fields = quote.get_ref();
    let text = file.required(
        fields.text.as_ref(),
        "a quote has no text",
        first_line.clone(),
        "add text = \"…\" with the words as they were said",
    );
    let person = fields
        .speaker
        .as_ref()
        .filter(|s| looks_like_key(s.get_ref()))
        .map(|s| Reference::new(s, file));
    let speaker = file.required(
        fields.speaker.as_ref().map(Spanned::get_ref),
        "a quote has no speaker",
        first_line.clone(),
        "attribution is not optional: add speaker = \"…\" with the name of who said it",
    );
    let source = file.required(
        fields.source.as_ref(),
        "a quote has no source",
        first_line,
        "attribution is not optional: add source = \"…\" naming where it was said or published (\"VG\", \"Facebook\")",
    );
    let url = match &fields.url {
        Some(url) => Some(file.url(url)?),
        None => None,
    };
    let date = match &fields.date {
        Some(date) => Some(file.date(date)?),
        None => None,
    };
    Some(Quote {
        key: fields.key.as_ref().map(|k| k.get_ref().clone()),
        text: without_outer_marks(text?),
        speaker: speaker?,
        person,
        role: fields.role.clone(),
        organisation: fields.organisation.clone(),
        source: source?,
        url,
        date,
        translated: fields.translated,
    })
}

/// The words of a quote without quotation marks around all of them: the page
/// draws its own, and a writer who typed them too would get «‹…›». Marks
/// that open and close different quotes (`«a» og «b»`) are kept.
fn without_outer_marks(text: String) -> String {
    let trimmed = text.trim();
    // A full stop or the like after the closing mark stays, inside the page's.
    let ending = trimmed.trim_end_matches(['.', ',', '!', '?', '…']);
    let after = &trimmed[ending.len()..];
    for (open, close) in [('«', '»'), ('“', '”'), ('"', '"')] {
        let Some(inner) = ending
            .strip_prefix(open)
            .and_then(|rest| rest.strip_suffix(close))
        else {
            continue;
        };
        let mut depth = 0usize;
        let mut wraps_all = true;
        for c in inner.chars() {
            if open == close && c == open {
                wraps_all = false;
                break;
            } else if c == open {
                depth += 1;
            } else if c == close {
                let Some(up) = depth.checked_sub(1) else {
                    wraps_all = false;
                    break;
                };
                depth = up;
            }
        }
        if wraps_all && depth == 0 && !inner.trim().is_empty() {
            return format!("{inner}{after}");
        }
    }
    text
}

/// Which quote each quote marker of a body places, by number (from 1) or key;
/// for a marker that names none, what it named and the help that lists the
/// quotes there are. A quote is placed once.
pub fn resolve_markers(
    markers: &[crate::markdown::QuoteMarker],
    quotes: &[Quote],
) -> Result<Vec<usize>, (usize, String, String)> {
    let mut placed: Vec<usize> = Vec::with_capacity(markers.len());
    for (n, marker) in markers.iter().enumerate() {
        let found = match marker.name.parse::<usize>() {
            Ok(number) => (1..=quotes.len()).contains(&number).then(|| number - 1),
            Err(_) => quotes
                .iter()
                .position(|q| q.key.as_deref() == Some(marker.name.as_str())),
        };
        match found {
            Some(index) if placed.contains(&index) => {
                return Err((
                    n,
                    format!("quote {} is placed twice", index + 1),
                    "a quote stands in one place: remove one of its markers".into(),
                ));
            }
            Some(index) => placed.push(index),
            None => {
                return Err((
                    n,
                    format!("`{}` names no quote of this article", marker.name),
                    known_quotes(quotes),
                ));
            }
        }
    }
    Ok(placed)
}

/// "the quotes are: 1, 2 (key `blakkisrud`), 3 …".
fn known_quotes(quotes: &[Quote]) -> String {
    if quotes.is_empty() {
        return "this article has no quotes; add a [[quotes]] block to its front matter".into();
    }
    let names: Vec<String> = quotes
        .iter()
        .enumerate()
        .map(|(i, q)| match &q.key {
            Some(key) => format!("{} (key \"{key}\")", i + 1),
            None => (i + 1).to_string(),
        })
        .collect();
    format!(
        "the quotes are numbered from 1 in the order written: {}; write {{{{ quote(1) }}}} or {{{{ quote(\"key\") }}}}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::without_outer_marks;

    #[test]
    fn marks_around_all_the_words_are_left_to_the_page() {
        for (written, kept) in [
            ("«Det er bare en test.»", "Det er bare en test."),
            ("“It is a test.”", "It is a test."),
            ("\"Det er en test.\"", "Det er en test."),
            ("«Det er «bare» en test»", "Det er «bare» en test"),
            ("«Vi gir oss ikke».", "Vi gir oss ikke."),
            ("«Nei»!", "Nei!"),
            // Two quotes, not one around all.
            ("«Nei» og «ja»", "«Nei» og «ja»"),
            ("\"Nei\" og \"ja\"", "\"Nei\" og \"ja\""),
            ("Han sa «nei»", "Han sa «nei»"),
            ("«»", "«»"),
            ("Uten tegn", "Uten tegn"),
        ] {
            assert_eq!(without_outer_marks(written.to_string()), kept, "{written}");
        }
    }
}
