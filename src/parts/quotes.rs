//! «Dette sier de» / "What they say": quotes, each with the attribution
//! journalism requires — who said it, in what role, and where.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, ViewCx};
use crate::content::FileCx;
use crate::content::fields::DateField;
use crate::dates::{Date, ShownDate};
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
    text: Option<String>,
    #[serde(default)]
    speaker: Option<String>,
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
    pub text: String,
    pub speaker: String,
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
    const EXAMPLE_TABLES: &'static str = "\
# [[quotes]]                         # one block per quote
# text = \"The words as said.\"       # required
# speaker = \"Name\"                  # required
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
        fields
            .quotes
            .iter()
            .filter_map(|quote| check_quote(quote, file))
            .collect()
    }

    fn view(quotes: &Vec<Quote>, cx: &mut ViewCx) -> Option<Vec<QuoteView>> {
        (!quotes.is_empty()).then(|| {
            quotes
                .iter()
                .map(|quote| QuoteView {
                    text: cx.inline(&quote.text),
                    speaker: cx.text(&quote.speaker),
                    role: quote.role.as_deref().map(|r| cx.text(r)),
                    organisation: quote.organisation.as_deref().map(|o| cx.text(o)),
                    source: cx.text(&quote.source),
                    url: quote.url.as_deref().map(|url| cx.link(url)),
                    date: quote.date.map(|d| d.shown(cx.language)),
                    translated: quote.translated,
                })
                .collect()
        })
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
    let speaker = file.required(
        fields.speaker.as_ref(),
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
        text: text?,
        speaker: speaker?,
        role: fields.role.clone(),
        organisation: fields.organisation.clone(),
        source: source?,
        url,
        date,
        translated: fields.translated,
    })
}
