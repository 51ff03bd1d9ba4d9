//! Articles: the front matter every article has, the explainer parts it may
//! have, and a body that is read again when it is rendered.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::publish::{AfterExpiry, Status};
use super::shared_text::SharedText;
use crate::content::fields::{DateField, offset_u32};
use crate::content::{FileCx, Image, ImageFields, Place};
use crate::dates::Date;
use crate::diagnostics::Diagnostic;
use crate::front_matter::{TomlKind, only_keys, parse_table, split, toml_diagnostic};
use crate::layout::read_text;
use crate::parts::{self, PartItems};
use crate::slug::slugify;

/// The opening `+++`, where an error about a slug taken from the file name points.
const FENCE_LEN: usize = 3;

/// The fields every article may have; the explainer parts read their own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFields {
    title: String,
    date: DateField,
    #[serde(default)]
    updated: Option<DateField>,
    #[serde(default)]
    lead: Option<String>,
    /// The topic label above the headline in lists; else the first tag.
    #[serde(default)]
    kicker: Option<String>,
    #[serde(default)]
    authors: Option<Vec<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(default)]
    slug: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    expires: Option<DateField>,
    #[serde(default)]
    expired: AfterExpiry,
    #[serde(default)]
    embargo: bool,
    #[serde(default)]
    image: Option<ImageFields>,
    #[serde(default)]
    images: Vec<ImageFields>,
    #[serde(default)]
    update_note: Option<String>,
    kind: Option<crate::kind::Kind>,
}

/// The keys of [`ArticleFields`], for the list of known fields in errors.
pub(crate) const COMMON_FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "update_note",
    "lead",
    "kicker",
    "authors",
    "tags",
    "slug",
    "draft",
    "expires",
    "expired",
    "embargo",
    "image",
    "images",
    "kind",
];

/// A tag as written, with its slug (its page) and where it was written.
/// The name and slug are held once for every article that writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: SharedText,
    pub slug: SharedText,
    pub span: Place,
    /// What stands between the quotes, where it is not `name` (spaces
    /// around it): the spelling the site's other articles are compared with.
    pub written: Option<Box<str>>,
}

impl Tag {
    /// The tag as written between its quotes, spaces included.
    pub fn as_written(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.name)
    }
}

/// An article, read and checked, not yet rendered.
#[derive(Debug, Clone)]
pub struct Article {
    /// The file, relative to the site root, as shown in messages.
    pub path: PathBuf,
    /// A hash of `path`: lists' fingerprints name their articles by it.
    pub path_print: u64,
    /// The whole file, until [`Article::release_body`] lets it go: a large
    /// site keeps every article in memory, so errors found after loading
    /// read the front matter again ([`Article::front_matter`]).
    source: Source,
    /// A hash of the front matter, to tell that the file read again is the
    /// one that was checked.
    front_matter_hash: u64,
    pub slug: String,
    /// Where the slug comes from: the `slug` field, or the opening `+++` when the
    /// file name gives it.
    pub slug_span: Range<usize>,
    pub title: String,
    pub lead: Option<String>,
    /// The topic label lists show above the headline (`kicker`), if written.
    pub kicker: Option<String>,
    pub date: Date,
    pub updated: Option<Date>,
    /// What the update changed, shown beside «Oppdatert».
    pub update_note: Option<String>,
    pub authors: Option<Vec<String>>,
    pub tags: Vec<Tag>,
    /// The tags as the file writes them, where merging the site's
    /// spellings changed `tags`: a later merge starts from these.
    pub tags_as_written: Option<Vec<Tag>>,
    pub draft: bool,
    /// When the article leaves lists and feeds (`expires`).
    pub expires: Option<Date>,
    /// What becomes of it then (`expired = "keep" | "remove"`).
    pub after_expiry: AfterExpiry,
    /// `embargo = true`: nothing published may link to it before its time.
    pub embargo: bool,
    /// Where it stands in this build; set when the site is loaded.
    pub status: Status,
    /// Boxed: most articles have none, and a site keeps every article.
    pub image: Option<Box<Image>>,
    /// Credits (and alt text, captions) of images in the body, by file.
    pub images: Vec<Image>,
    /// The type of work, where the article names one; else the site's.
    pub kind: Option<crate::kind::Kind>,
    /// The explainer parts; those only the article's own page shows are
    /// left out once [`Article::release_page_parts`] has run.
    pub parts: PartItems,
    /// Whether they were: [`Article::page_source`] then reads them again.
    page_parts_released: bool,
    /// Where the body starts in the file; the body is not copied, since a large
    /// site keeps every article in memory. 32 bits, like the others below:
    /// a front matter or body beyond 4 GiB is refused when the file is read.
    body_offset: u32,
    /// The 1-based line in the file where the Markdown body starts.
    body_line: u32,
    /// The body's length in bytes, known without reading it again.
    body_len: u32,
}

/// How much of the front matter [`Article::parse_reading`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Everything,
    /// Not the parts only the article's own page shows.
    OwnPageLater,
}

/// Where an article's text is: in memory, or, once let go, in the site's
/// folder (one for every article), read again from there.
#[derive(Debug, Clone)]
enum Source {
    Text(String),
    Folder(Arc<Path>),
}

impl Article {
    /// The tags as the file writes them, before any merge of spellings.
    pub fn written_tags(&self) -> &[Tag] {
        self.tags_as_written.as_deref().unwrap_or(&self.tags)
    }

    /// Reads an article from `content/…`; `path` is relative to the site root.
    pub fn load(root: &Arc<Path>, path: &Path) -> Result<Article, Vec<Diagnostic>> {
        Article::load_reading(root, path, Reading::Everything)
    }

    /// Reads an article for one full build: the parts only its own page
    /// shows are neither read nor checked now, but when that page is
    /// rendered ([`Article::page_source`]), which a full build does once.
    /// Reading them twice was a tenth of a build's time.
    pub fn load_for_one_build(root: &Arc<Path>, path: &Path) -> Result<Article, Vec<Diagnostic>> {
        Article::load_reading(root, path, Reading::OwnPageLater)
    }

    fn load_reading(
        root: &Arc<Path>,
        path: &Path,
        reading: Reading,
    ) -> Result<Article, Vec<Diagnostic>> {
        let text = read_text(root, path).map_err(|d| vec![d])?;
        let mut article = Article::parse_reading(path, text, reading)?;
        article.release_body(root);
        Ok(article)
    }

    pub fn parse(path: &Path, text: String) -> Result<Article, Vec<Diagnostic>> {
        Article::parse_reading(path, text, Reading::Everything)
    }

    fn parse_reading(
        path: &Path,
        text: String,
        reading: Reading,
    ) -> Result<Article, Vec<Diagnostic>> {
        #[cfg(debug_assertions)]
        let whole = (reading == Reading::OwnPageLater).then(|| text.clone());
        if u32::try_from(text.len()).is_err() {
            return Err(vec![
                Diagnostic::new("the article is larger than 4 GiB")
                    .in_file(path)
                    .with_help("split it into several articles"),
            ]);
        }
        let split = split(path, &text).map_err(|d| vec![d])?;
        let offset = split.front_matter_offset;
        let body_offset = split.body_offset;
        // Blanked where the scan cannot follow the text: it is then read whole.
        let without_own_page = match reading {
            Reading::OwnPageLater => {
                only_keys(split.front_matter, |key| !parts::own_page_field(key))
            }
            Reading::Everything => None,
        };
        let page_parts_released = without_own_page.is_some();
        let front_matter = without_own_page.as_deref().unwrap_or(split.front_matter);
        let mut table = parse_table(path, &text, offset, front_matter).map_err(|d| vec![d])?;
        let mut file = FileCx::new(path, &text, offset);
        let parts = parts::read(table.get_mut(), &mut file);
        let fields = match ArticleFields::deserialize(toml::de::Deserializer::from(table)) {
            Ok(fields) => fields,
            Err(err) => {
                let diagnostic = toml_diagnostic(path, &text, offset, &err, TomlKind::FrontMatter);
                file.problems.insert(0, with_known_fields(diagnostic));
                return Err(file.problems);
            }
        };
        // A CMS writes "" for an optional field left empty: not given.
        let updated_field = fields.updated.as_ref().filter(|u| !is_blank(u));
        let expires_field = fields.expires.as_ref().filter(|e| !is_blank(e));
        let slug_field = fields
            .slug
            .as_ref()
            .filter(|s| !s.get_ref().trim().is_empty());
        let date = file.day(&fields.date);
        let updated = updated_field.and_then(|u| file.day(u));
        if let (Some(date), Some(updated)) = (date, updated)
            && updated.chronological(&date).is_lt()
        {
            let span = updated_field.map_or(0..0, |u| file.span(u));
            file.error(
                "`updated` is earlier than `date`",
                span,
                "`updated` is when the article last changed; it cannot be before it was published",
            );
        }
        let expires = expires_field.and_then(|e| file.day(e));
        if let (Some(date), Some(expires)) = (date, expires)
            && expires.chronological(&date).is_le()
        {
            let span = expires_field.map_or(0..0, |e| file.span(e));
            file.error(
                "`expires` is not later than `date`",
                span,
                "`expires` is when the article leaves lists and feeds; it must come after `date`",
            );
        }
        let slug = article_slug(path, slug_field, &mut file);
        let mut tags: Vec<Tag> = fields
            .tags
            .iter()
            .filter_map(|tag| check_tag(tag, &mut file))
            .collect();
        // Collected without knowing how many pass: room for more is held
        // for as long as the site is.
        tags.shrink_to_fit();
        let image = (fields.image.as_ref())
            .and_then(|i| i.check(&mut file))
            .map(Box::new);
        let images = fields
            .images
            .iter()
            .filter_map(|i| i.check_listed(&mut file))
            .collect();
        let slug_span = slug_field.map_or(0..FENCE_LEN, |s| file.span(s));
        let Some(date) = date else {
            return Err(file.problems);
        };
        let problems = file.problems;
        if !problems.is_empty() {
            return Err(problems);
        }
        let article = Article {
            path: path.to_path_buf(),
            path_print: {
                use std::hash::{Hash, Hasher};
                let mut hasher = std::hash::DefaultHasher::new();
                path.hash(&mut hasher);
                hasher.finish()
            },
            slug,
            slug_span,
            title: fields.title,
            lead: fields.lead.filter(|lead| !lead.trim().is_empty()),
            kicker: fields.kicker.filter(|k| !k.trim().is_empty()),
            date,
            updated,
            authors: fields.authors,
            tags,
            tags_as_written: None,
            draft: fields.draft,
            expires,
            after_expiry: fields.expired,
            embargo: fields.embargo,
            status: Status::default(),
            image,
            images,
            update_note: fields.update_note.filter(|n| !n.trim().is_empty()),
            kind: fields.kind,
            parts,
            page_parts_released,
            body_offset: offset_u32(body_offset),
            body_line: offset_u32(crate::diagnostics::line_breaks(&text[..body_offset]) + 1),
            body_len: offset_u32(text.len() - body_offset),
            front_matter_hash: xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[..body_offset]),
            source: Source::Text(text),
        };
        // Tests build in debug: there every article read without its own
        // page's parts is checked against the same file read whole.
        #[cfg(debug_assertions)]
        if let Some(Ok(mut whole)) = whole.map(|text| Article::parse(path, text)) {
            let mut short = article.clone();
            whole.release_page_parts();
            short.release_page_parts();
            debug_assert_eq!(
                format!("{short:?}"),
                format!("{whole:?}"),
                "the article read without its own page's parts differs from the whole"
            );
        }
        Ok(article)
    }

    /// The Markdown body: from memory, or read again from the file where
    /// [`Article::release_body`] let it go.
    pub fn body(&self) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        if let Some(text) = self.text_in_memory() {
            return Ok(std::borrow::Cow::Borrowed(&text[self.body_offset()..]));
        }
        let mut text = self.read_again()?;
        // In place: a copy would hold a large body twice.
        text.drain(..self.body_offset());
        Ok(std::borrow::Cow::Owned(text))
    }

    /// The front matter as checked, for drawing an error found after
    /// loading: from memory, or read again from the file. Empty if the file
    /// changed since, so that no caret points at the wrong place.
    pub fn front_matter(&self) -> std::borrow::Cow<'_, str> {
        match &self.source {
            Source::Text(text) => std::borrow::Cow::Borrowed(&text[..self.body_offset()]),
            Source::Folder(_) => std::borrow::Cow::Owned(
                self.read_again()
                    .map(|mut text| {
                        text.truncate(self.body_offset());
                        text
                    })
                    .unwrap_or_default(),
            ),
        }
    }

    /// The whole file, read again, if its front matter is still the one
    /// that was checked.
    fn read_again(&self) -> Result<String, Diagnostic> {
        let file = match &self.source {
            Source::Folder(root) => Cow::Owned(root.join(&self.path)),
            Source::Text(_) => Cow::Borrowed(self.path.as_path()),
        };
        let text = std::fs::read(file.as_ref()).and_then(|bytes| {
            crate::utf8::into_string(bytes)
                .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))
        });
        let text = text.map_err(|err| {
            Diagnostic::new(format!("cannot read the file again: {err}"))
                .in_file(&self.path)
                .with_help("the file changed or went away during the build; build again")
        })?;
        let same = text
            .as_bytes()
            .get(..self.body_offset())
            .is_some_and(|front| {
                text.is_char_boundary(self.body_offset())
                    && xxhash_rust::xxh3::xxh3_64(front) == self.front_matter_hash
            });
        if same {
            Ok(text)
        } else {
            Err(Diagnostic::new("the file changed during the build")
                .in_file(&self.path)
                .with_help("build again"))
        }
    }

    /// Keeps no text in memory; the body is read from `root` again when it
    /// is rendered, so a large site never holds every file at once.
    pub fn release_body(&mut self, root: &Arc<Path>) {
        self.source = Source::Folder(Arc::clone(root));
    }

    /// Lets go of the parts only the article's own page shows, for a full
    /// build of a large site; that page reads them again ([`Article::page_source`]).
    pub fn release_page_parts(&mut self) {
        parts::release_page_only(&mut self.parts);
        self.page_parts_released = true;
    }

    /// The Markdown body and every part, for the article's own page, from
    /// one read of the file: parts as held, or those let go read again (the
    /// front matter checked before), with times of day on the clock of `zone`.
    pub fn page_source(
        &self,
        zone: &jiff::tz::TimeZone,
    ) -> Result<(Cow<'_, str>, Cow<'_, PartItems>), Diagnostic> {
        let read = match self.text_in_memory() {
            Some(_) => None,
            None => Some(self.read_again()?),
        };
        let text = read
            .as_deref()
            .or(self.text_in_memory())
            .unwrap_or_default();
        let parts = if self.page_parts_released {
            Cow::Owned(self.page_parts_again(&text[..self.body_offset()], zone)?)
        } else {
            Cow::Borrowed(&self.parts)
        };
        let body = match read {
            Some(mut text) => {
                // In place: a copy would hold a large body twice.
                text.drain(..self.body_offset());
                Cow::Owned(text)
            }
            None => self.body()?,
        };
        Ok((body, parts))
    }

    /// The parts let go, parsed again from the front matter `front` (the
    /// file up to its body): only their own keys where the scan of
    /// [`only_keys`] follows the text, else the whole front matter.
    fn page_parts_again(
        &self,
        front: &str,
        zone: &jiff::tz::TimeZone,
    ) -> Result<PartItems, Diagnostic> {
        let changed = || {
            Diagnostic::new("the file changed during the build")
                .in_file(&self.path)
                .with_help("build again")
        };
        let split = split(&self.path, front).map_err(|_| changed())?;
        let (front_matter, offset) = (split.front_matter, split.front_matter_offset);
        let mut page_only = match only_keys(front_matter, parts::page_only_field) {
            Some(kept) => {
                // The parts only this page shows are checked here for the
                // first time ([`Article::load_for_one_build`]): a problem
                // is the file's, not a change.
                let mut table = parse_table(&self.path, front, offset, &kept)?;
                let mut file = FileCx::new(&self.path, front, offset);
                let items = parts::read(table.get_mut(), &mut file);
                if let Some(problem) = file.problems.into_iter().next() {
                    return Err(problem);
                }
                if !table.get_ref().is_empty() {
                    return Err(changed());
                }
                items
            }
            None => {
                let mut whole = Article::parse(&self.path, front.to_string())
                    .map_err(|_| changed())?
                    .parts;
                // The kept updates join the timeline below, once.
                whole.updates = Default::default();
                whole
            }
        };
        parts::settle_dates(&mut page_only, zone);
        // The updates were not read again: those marked for the timeline
        // join it as they did when the article was loaded.
        parts::updates::join_timeline(&self.parts.updates, &mut page_only.timeline);
        let parts = parts::with_page_only(&self.parts, page_only);
        // Tests build in debug: there every page checks the short way against the long.
        #[cfg(debug_assertions)]
        if let Ok(whole) = Article::parse(&self.path, front.to_string()) {
            let mut whole = whole.parts;
            parts::settle_dates(&mut whole, zone);
            debug_assert_eq!(
                parts::with_page_only(&self.parts, whole),
                parts,
                "the page-only parts read alone differ from the whole front matter's"
            );
        }
        Ok(parts)
    }

    /// The 1-based line in the file where the Markdown body starts.
    pub fn body_first_line(&self) -> usize {
        self.body_line as usize
    }

    /// The whole file, where it has not been let go.
    fn text_in_memory(&self) -> Option<&str> {
        match &self.source {
            Source::Text(text) => Some(text),
            Source::Folder(_) => None,
        }
    }

    /// Where the body starts in the file.
    fn body_offset(&self) -> usize {
        self.body_offset as usize
    }

    /// The body's length in bytes, known without reading it again.
    pub fn body_len(&self) -> usize {
        self.body_len as usize
    }

    /// The date lists and feeds sort and stamp by: the last update.
    pub fn last_change(&self) -> Date {
        self.updated.unwrap_or(self.date)
    }
}

fn article_slug(path: &Path, slug: Option<&Spanned<String>>, file: &mut FileCx) -> String {
    match slug {
        Some(slug) => {
            let clean = slugify(slug.get_ref());
            if clean.is_empty() {
                let span = file.span(slug);
                file.error(
                    "the slug has no letters or digits",
                    span,
                    "write the slug with letters, digits and hyphens: slug = \"kasakhstan-2022\"",
                );
            }
            clean
        }
        None => {
            let clean = slugify(&path.file_stem().unwrap_or_default().to_string_lossy());
            if clean.is_empty() {
                file.problems.push(
                    Diagnostic::new("the file name gives no usable URL")
                        .in_file(path)
                        .with_help("rename the file with letters or digits, or set slug = \"…\""),
                );
            }
            clean
        }
    }
}

/// A tag must have letters or digits: its page is named by them.
fn check_tag(tag: &Spanned<String>, file: &mut FileCx) -> Option<Tag> {
    let name = tag.get_ref().trim().to_string();
    let slug = slugify(&name);
    let span = file.span(tag);
    if slug.is_empty() {
        file.error(
            format!("the tag `{name}` has no letters or digits"),
            span,
            "a tag gets a page named by its letters and digits; write it with words, such as \"Kasakhstan\"",
        );
        return None;
    }
    let raw = file
        .text
        .get(span.clone())
        .map(|raw| raw.trim_matches(['"', '\'']));
    let written = raw.filter(|raw| *raw != name).map(Box::from);
    Some(Tag {
        name: SharedText::new(&name),
        slug: SharedText::new(&slug),
        span: span.into(),
        written,
    })
}

/// serde lists only the fields every article has; name the parts' too.
fn with_known_fields(mut diagnostic: Diagnostic) -> Diagnostic {
    if diagnostic.message.starts_with("unknown field")
        && let Some(cut) = diagnostic.message.find(", expected")
    {
        let mut known: Vec<&str> = COMMON_FIELDS.to_vec();
        known.extend(parts::field_names());
        diagnostic.message.truncate(cut);
        let known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        diagnostic.help = Some(format!(
            "check the spelling; the front matter takes: {}",
            known.join(", ")
        ));
    }
    diagnostic
}

/// An empty string, as a CMS writes for an optional field left empty.
fn is_blank(value: &DateField) -> bool {
    matches!(value.get_ref(), toml::Value::String(text) if text.trim().is_empty())
}

#[cfg(test)]
mod tests;
