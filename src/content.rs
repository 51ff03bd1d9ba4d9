//! The content model: articles, background entries and shared timelines, read from
//! their files into typed values. Everything a writer can get wrong is checked here
//! and reported at the file's own line.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

use crate::dates::Date;
use crate::diagnostics::Diagnostic;
use crate::front_matter::{parse_toml, split};
use crate::slug::slugify;

const FENCE_LEN: usize = 3;

/// An image with the text a reader without sight needs and the credit the
/// photographer is owed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub src: String,
    pub alt: String,
    #[serde(default)]
    pub credit: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub date: Option<Datetime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFields {
    title: String,
    date: Spanned<Datetime>,
    #[serde(default)]
    updated: Option<Spanned<Datetime>>,
    #[serde(default)]
    lead: Option<String>,
    #[serde(default)]
    authors: Option<Vec<String>>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    slug: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    background: Vec<Spanned<String>>,
    #[serde(default)]
    timeline_file: Option<Spanned<String>>,
    #[serde(default)]
    image: Option<Image>,
    #[serde(default)]
    timeline: Vec<Spanned<EventFields>>,
    #[serde(default)]
    quotes: Vec<Spanned<QuoteFields>>,
    #[serde(default)]
    sources: Vec<SourceRef>,
    #[serde(default)]
    corrections: Vec<Spanned<CorrectionFields>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventFields {
    #[serde(default)]
    date: Option<Spanned<toml::Value>>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
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
    url: Option<String>,
    #[serde(default)]
    date: Option<Spanned<Datetime>>,
    #[serde(default)]
    translated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionFields {
    date: Spanned<Datetime>,
    text: String,
}

/// One dated event in a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: Date,
    pub title: String,
    pub text: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// A quote with the attribution journalism requires.
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

#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub date: Date,
    pub text: String,
}

/// A name written in a file, with where it was written, for errors found later.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub key: String,
    pub span: Range<usize>,
}

/// An article, read and checked, not yet rendered.
#[derive(Debug, Clone)]
pub struct Article {
    /// The file, relative to the site root, as shown in messages.
    pub path: PathBuf,
    /// The whole file, kept to draw errors found after loading.
    pub file_text: String,
    pub slug: String,
    /// Where the slug comes from: the `slug` field, or the opening `+++` when the
    /// file name gives it.
    pub slug_span: Range<usize>,
    pub title: String,
    pub lead: Option<String>,
    pub date: Date,
    pub updated: Option<Date>,
    pub authors: Option<Vec<String>>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub background: Vec<Reference>,
    pub timeline_file: Option<Reference>,
    pub image: Option<Image>,
    pub timeline: Vec<Event>,
    pub quotes: Vec<Quote>,
    pub sources: Vec<SourceRef>,
    pub corrections: Vec<Correction>,
    /// Where the body starts in `file_text`; the body is not copied, since a large
    /// site keeps every article in memory.
    pub body_offset: usize,
    /// Set once the body has been let go from memory: the file to read it from.
    pub body_file: Option<PathBuf>,
}

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
    image: Option<Image>,
}

/// A short reusable entry such as "CSTO", written once and used by many articles.
#[derive(Debug, Clone)]
pub struct BackgroundEntry {
    pub key: String,
    pub path: PathBuf,
    pub title: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub facts: Vec<Fact>,
    pub image: Option<Image>,
    pub body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineFileFields {
    title: String,
    #[serde(default)]
    events: Vec<Spanned<EventFields>>,
}

/// A timeline kept in its own file so several articles can show it.
#[derive(Debug, Clone)]
pub struct SharedTimeline {
    pub key: String,
    pub path: PathBuf,
    pub title: String,
    pub events: Vec<Event>,
}

/// Reads a file as UTF-8, with an error that says what to do.
pub fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(path))
        .map_err(|err| Diagnostic::new(format!("cannot read the file: {err}")).in_file(path))?;
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
        Diagnostic::new("the file is not valid UTF-8 text")
            .in_file(path)
            .at_span(&text, valid..valid + 1)
            .with_help("save the file as UTF-8 in your editor")
    })
}

impl Article {
    /// Reads an article from `content/…`; `path` is relative to the site root.
    pub fn load(root: &Path, path: &Path) -> Result<Article, Vec<Diagnostic>> {
        let text = read_text(root, path).map_err(|d| vec![d])?;
        let mut article = Article::parse(path, text)?;
        article.release_body(root);
        Ok(article)
    }

    pub fn parse(path: &Path, text: String) -> Result<Article, Vec<Diagnostic>> {
        let parts = split(path, &text).map_err(|d| vec![d])?;
        let offset = parts.front_matter_offset;
        let fields: ArticleFields =
            parse_toml(path, &text, offset, parts.front_matter).map_err(|d| vec![d])?;
        let mut problems = Vec::new();
        let at = |span: Range<usize>| offset + span.start..offset + span.end;
        let date_of = |value: &Spanned<Datetime>, problems: &mut Vec<Diagnostic>| {
            Date::from_toml(value.get_ref())
                .map_err(|why| {
                    problems.push(
                        Diagnostic::new(why)
                            .in_file(path)
                            .at_span(&text, at(value.span()))
                            .with_help("write a date as 2022-01-06 or 2022-01-06T18:00:00+01:00"),
                    )
                })
                .ok()
        };
        let date = date_of(&fields.date, &mut problems);
        let updated = fields
            .updated
            .as_ref()
            .and_then(|u| date_of(u, &mut problems));
        if let (Some(date), Some(updated)) = (date, updated)
            && updated.chronological(&date).is_lt()
        {
            let span = fields.updated.as_ref().map_or(0..0, |u| at(u.span()));
            problems.push(
                Diagnostic::new("`updated` is earlier than `date`")
                    .in_file(path)
                    .at_span(&text, span)
                    .with_help("`updated` is when the article last changed; it cannot be before it was published"),
            );
        }
        let slug = match &fields.slug {
            Some(slug) => {
                let clean = slugify(slug.get_ref());
                if clean.is_empty() {
                    problems.push(
                        Diagnostic::new("the slug has no letters or digits")
                            .in_file(path)
                            .at_span(&text, at(slug.span()))
                            .with_help("write the slug with letters, digits and hyphens: slug = \"kasakhstan-2022\""),
                    );
                }
                clean
            }
            None => slugify(&path.file_stem().unwrap_or_default().to_string_lossy()),
        };
        if slug.is_empty() && fields.slug.is_none() {
            problems.push(
                Diagnostic::new("the file name gives no usable URL")
                    .in_file(path)
                    .with_help("rename the file with letters or digits, or set slug = \"…\""),
            );
        }
        let mut timeline = Vec::new();
        for event in &fields.timeline {
            if let Some(event) = check_event(path, &text, offset, event, &mut problems) {
                timeline.push(event);
            }
        }
        if !timeline.is_empty() && fields.timeline_file.is_some() {
            let span = fields.timeline_file.as_ref().map_or(0..0, |t| at(t.span()));
            problems.push(
                Diagnostic::new("the article has both [[timeline]] events and timeline_file")
                    .in_file(path)
                    .at_span(&text, span)
                    .with_help("keep one: move the events into the shared timeline, or remove timeline_file"),
            );
        }
        let mut quotes = Vec::new();
        for quote in &fields.quotes {
            if let Some(quote) = check_quote(path, &text, offset, quote, &mut problems) {
                quotes.push(quote);
            }
        }
        let corrections = fields
            .corrections
            .iter()
            .filter_map(|c| {
                let date = date_of(&c.get_ref().date, &mut problems)?;
                Some(Correction {
                    date,
                    text: c.get_ref().text.clone(),
                })
            })
            .collect();
        let front_matter = offset..offset + parts.front_matter.len();
        for (key, url) in fields
            .sources
            .iter()
            .filter_map(|s| s.url.as_deref().map(|u| ("url", u)))
            .chain(fields.image.iter().map(|i| ("src", i.src.as_str())))
        {
            if let Err(why) = check_url(url) {
                problems.push(url_problem(
                    path,
                    &text,
                    front_matter.clone(),
                    key,
                    url,
                    why,
                ));
            }
        }
        for source in &fields.sources {
            if let Some(date) = &source.date
                && let Err(why) = Date::from_toml(date)
            {
                let shown = date.to_string();
                problems.push(
                    url_problem(path, &text, front_matter.clone(), "date", &shown, why)
                        .with_help("write the date as 2022-01-06"),
                );
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let (Some(date), body_offset) = (date, parts.body_offset) else {
            unreachable!("a missing date was reported above")
        };
        let slug_span = fields.slug.as_ref().map_or(0..FENCE_LEN, |s| at(s.span()));
        Ok(Article {
            path: path.to_path_buf(),
            slug,
            slug_span,
            title: fields.title,
            lead: fields.lead,
            date,
            updated,
            authors: fields.authors,
            tags: fields.tags,
            draft: fields.draft,
            background: fields
                .background
                .iter()
                .map(|key| Reference {
                    key: key.get_ref().clone(),
                    span: at(key.span()),
                })
                .collect(),
            timeline_file: fields.timeline_file.as_ref().map(|key| Reference {
                key: key.get_ref().clone(),
                span: at(key.span()),
            }),
            image: fields.image,
            timeline,
            quotes,
            sources: fields.sources,
            corrections,
            body_offset,
            body_file: None,
            file_text: text,
        })
    }

    /// The Markdown body: from memory, or read again from the file where
    /// [`Article::release_body`] let it go.
    pub fn body(&self) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        let Some(file) = &self.body_file else {
            return Ok(std::borrow::Cow::Borrowed(
                &self.file_text[self.body_offset..],
            ));
        };
        let text = std::fs::read_to_string(file).map_err(|err| {
            Diagnostic::new(format!("cannot read the file again: {err}"))
                .in_file(&self.path)
                .with_help("the file changed or went away during the build; build again")
        })?;
        // The front matter must still be the one that was checked.
        match text.get(self.body_offset..) {
            Some(body) if text.get(..self.body_offset) == Some(self.file_text.as_str()) => {
                Ok(std::borrow::Cow::Owned(body.to_string()))
            }
            _ => Err(Diagnostic::new("the file changed during the build")
                .in_file(&self.path)
                .with_help("build again")),
        }
    }

    /// Keeps only the front matter in memory; the body is read from `root` again
    /// when it is rendered, so a large site never holds every body at once.
    pub fn release_body(&mut self, root: &Path) {
        self.file_text.truncate(self.body_offset);
        self.file_text.shrink_to_fit();
        self.body_file = Some(root.join(&self.path));
    }

    /// The 1-based line in the file where the Markdown body starts.
    pub fn body_first_line(&self) -> usize {
        self.file_text[..self.body_offset].matches('\n').count() + 1
    }
}

/// A problem with the value of `key` inside `region` of the file (a `[[…]]` table or
/// the front matter), pointed at the line that sets it.
fn url_problem(
    path: &Path,
    text: &str,
    region: Range<usize>,
    key: &str,
    value: &str,
    why: String,
) -> Diagnostic {
    let mut line_start = region.start;
    let mut span = region.start..region.start;
    for line in text[region.clone()].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key)
            && trimmed[key.len()..].trim_start().starts_with('=')
            && let Some(at) = line.find(value)
        {
            span = line_start + at..line_start + at + value.len();
            break;
        }
        line_start += line.len();
    }
    Diagnostic::new(why)
        .in_file(path)
        .at_span(text, span)
        .with_help(
            "links must be https:// addresses or paths on the site, such as /bilder/kart.png",
        )
}

/// Links in front matter may be web addresses or site paths, never scripts.
pub fn check_url(url: &str) -> Result<(), String> {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let scheme = &lower[..colon];
        let before_path = !lower[..colon].contains(['/', '?', '#']);
        if before_path && !matches!(scheme, "http" | "https" | "mailto" | "tel") {
            return Err(format!(
                "the link `{url}` uses `{scheme}:`, which forklar does not publish"
            ));
        }
    }
    Ok(())
}

fn check_event(
    path: &Path,
    text: &str,
    offset: usize,
    event: &Spanned<EventFields>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Event> {
    let span = offset + event.span().start..offset + event.span().end;
    let fields = event.get_ref();
    let Some(date_value) = &fields.date else {
        problems.push(
            Diagnostic::new("a timeline event has no date")
                .in_file(path)
                .at_span(text, span.start..span.start)
                .with_help(
                    "add date = \"2022-01-05\" (or 2022, \"2022-01\", \"2022-01-05T14:00+06:00\")",
                ),
        );
        return None;
    };
    let date_span = offset + date_value.span().start..offset + date_value.span().end;
    let parsed = match date_value.get_ref() {
        toml::Value::String(s) => Date::parse(s),
        toml::Value::Integer(year) => Date::parse(&format!("{year:04}")),
        toml::Value::Datetime(dt) => Date::from_toml(dt),
        other => Err(format!("a {} is not a date", other.type_str())),
    };
    let date = match parsed {
        Ok(date) => date,
        Err(why) => {
            problems.push(
                Diagnostic::new(why)
                    .in_file(path)
                    .at_span(text, date_span)
                    .with_help("write the date as 2022, \"2022-01\", \"2022-01-05\" or \"2022-01-05T14:00+06:00\""),
            );
            return None;
        }
    };
    let Some(title) = fields.title.clone().filter(|t| !t.trim().is_empty()) else {
        problems.push(
            Diagnostic::new("a timeline event has no title")
                .in_file(path)
                .at_span(text, date_span)
                .with_help("add title = \"…\": a few words saying what happened"),
        );
        return None;
    };
    if let Some(url) = &fields.url
        && let Err(why) = check_url(url)
    {
        problems.push(url_problem(
            path,
            text,
            span.start..text.len(),
            "url",
            url,
            why,
        ));
        return None;
    }
    Some(Event {
        date,
        title,
        text: fields.text.clone(),
        source: fields.source.clone(),
        url: fields.url.clone(),
    })
}

fn check_quote(
    path: &Path,
    text: &str,
    offset: usize,
    quote: &Spanned<QuoteFields>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Quote> {
    let span = offset + quote.span().start..offset + quote.span().end;
    let first_line = span.start
        ..text[span.start..]
            .find('\n')
            .map_or(span.end, |i| span.start + i);
    let fields = quote.get_ref();
    let missing = |what: &str, help: &str| {
        Diagnostic::new(format!("a quote has no {what}"))
            .in_file(path)
            .at_span(text, first_line.clone())
            .with_help(help.to_string())
    };
    let Some(quote_text) = fields.text.clone().filter(|t| !t.trim().is_empty()) else {
        problems.push(missing(
            "text",
            "add text = \"…\" with the words as they were said",
        ));
        return None;
    };
    let Some(speaker) = fields.speaker.clone().filter(|s| !s.trim().is_empty()) else {
        problems.push(missing(
            "speaker",
            "attribution is not optional: add speaker = \"…\" with the name of who said it",
        ));
        return None;
    };
    let Some(source) = fields.source.clone().filter(|s| !s.trim().is_empty()) else {
        problems.push(missing(
            "source",
            "attribution is not optional: add source = \"…\" naming where it was said or published (\"VG\", \"Facebook\")",
        ));
        return None;
    };
    if let Some(url) = &fields.url
        && let Err(why) = check_url(url)
    {
        problems.push(url_problem(
            path,
            text,
            span.start..text.len(),
            "url",
            url,
            why,
        ));
        return None;
    }
    let date = match &fields.date {
        Some(date) => match Date::from_toml(date.get_ref()) {
            Ok(date) => Some(date),
            Err(why) => {
                problems.push(
                    Diagnostic::new(why)
                        .in_file(path)
                        .at_span(text, offset + date.span().start..offset + date.span().end),
                );
                return None;
            }
        },
        None => None,
    };
    Some(Quote {
        text: quote_text,
        speaker,
        role: fields.role.clone(),
        organisation: fields.organisation.clone(),
        source,
        url: fields.url.clone(),
        date,
        translated: fields.translated,
    })
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
        if let Some(image) = &fields.image
            && let Err(why) = check_url(&image.src)
        {
            let front_matter =
                parts.front_matter_offset..parts.front_matter_offset + parts.front_matter.len();
            return Err(vec![url_problem(
                path,
                text,
                front_matter,
                "src",
                &image.src,
                why,
            )]);
        }
        Ok(BackgroundEntry {
            key,
            path: path.to_path_buf(),
            title: fields.title,
            aliases: fields.aliases,
            summary: fields.summary,
            facts: fields.facts,
            image: fields.image,
            body: parts.body.to_string(),
        })
    }
}

impl SharedTimeline {
    pub fn load(root: &Path, path: &Path) -> Result<SharedTimeline, Vec<Diagnostic>> {
        let text = read_text(root, path).map_err(|d| vec![d])?;
        let fields: TimelineFileFields = parse_toml(path, &text, 0, &text).map_err(|d| vec![d])?;
        let key = key_from_path(path, &text)?;
        let mut problems = Vec::new();
        let events = fields
            .events
            .iter()
            .filter_map(|event| check_event(path, &text, 0, event, &mut problems))
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(SharedTimeline {
            key,
            path: path.to_path_buf(),
            title: fields.title,
            events,
        })
    }
}

/// The key of a background entry or shared timeline is its file name, which must
/// already be a slug so that the key written in articles is the URL.
fn key_from_path(path: &Path, text: &str) -> Result<String, Vec<Diagnostic>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn article(front: &str) -> Result<Article, Vec<Diagnostic>> {
        Article::parse(
            Path::new("content/sak.md"),
            format!("+++\n{front}+++\nTekst.\n"),
        )
    }

    #[test]
    fn reads_a_complete_article() {
        let a = article(
            "title = \"Sak\"\ndate = 2022-01-06\nbackground = [\"csto\"]\n\
             [[timeline]]\ndate = 2022\ntitle = \"År\"\n\
             [[timeline]]\ndate = \"2022-01-05T14:00+06:00\"\ntitle = \"Time\"\n\
             [[quotes]]\ntext = \"Sitat\"\nspeaker = \"Navn\"\nsource = \"VG\"\n",
        )
        .unwrap();
        assert_eq!(a.slug, "sak");
        assert_eq!(a.timeline.len(), 2);
        assert_eq!(a.timeline[1].date.iso(), "2022-01-05T14:00+06:00");
        assert_eq!(a.background[0].key, "csto");
        assert_eq!(&a.file_text[a.background[0].span.clone()], "\"csto\"");
        assert_eq!(a.body().unwrap(), "Tekst.\n");
        assert_eq!(a.body_first_line(), 16);
    }

    #[test]
    fn a_missing_title_is_named() {
        let err = article("date = 2022-01-06\n").unwrap_err();
        assert!(
            err[0].message.contains("missing field `title`"),
            "{}",
            err[0]
        );
    }

    #[test]
    fn an_event_date_that_does_not_parse_points_at_its_line() {
        let err = article(
            "title = \"x\"\ndate = 2022-01-06\n[[timeline]]\ndate = \"5. januar\"\ntitle = \"t\"\n",
        )
        .unwrap_err();
        assert_eq!(err[0].line(), Some(5), "{}", err[0]);
        assert!(err[0].message.contains("is not a date"));
    }

    #[test]
    fn an_event_without_a_title_is_an_error() {
        let err =
            article("title = \"x\"\ndate = 2022-01-06\n[[timeline]]\ndate = 2022\n").unwrap_err();
        assert_eq!(err[0].message, "a timeline event has no title");
        assert_eq!(err[0].line(), Some(5));
    }

    #[test]
    fn quotes_need_a_speaker_and_a_source() {
        let err = article(
            "title = \"x\"\ndate = 2022-01-06\n[[quotes]]\ntext = \"t\"\nsource = \"VG\"\n",
        )
        .unwrap_err();
        assert_eq!(err[0].message, "a quote has no speaker");
        let err = article(
            "title = \"x\"\ndate = 2022-01-06\n[[quotes]]\ntext = \"t\"\nspeaker = \"A\"\n",
        )
        .unwrap_err();
        assert_eq!(err[0].message, "a quote has no source");
        assert!(err[0].help.as_deref().unwrap().contains("attribution"));
    }

    #[test]
    fn script_links_are_refused() {
        assert!(check_url("javascript:alert(1)").is_err());
        assert!(check_url(" JaVa\tScript:alert(1)").is_err());
        assert!(check_url("data:text/html,x").is_err());
        assert!(check_url("https://example.org/a:b").is_ok());
        assert!(check_url("/bilder/a.jpg").is_ok());
        assert!(check_url("bilder/a:b.jpg").is_ok());
    }

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
    }
}
