//! Markdown to HTML with the transforms an explainer needs: stable heading ids,
//! footnotes with ids that cannot clash, markers that place the explainer parts,
//! and a link on the first mention of each background entry. Links go in as
//! data (a [`LinkScope`]) and come back out as data ([`FoundLink`]s).

mod figures;
mod mentions;
mod transforms;
pub mod typography;

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::i18n::Language;
use crate::links::{FoundLink, LinkScope, Resolved};
use crate::slug::UniqueIds;
use crate::url_policy::check_url;
pub use figures::{BodyImage, FigureMaker};
use mentions::link_first_mentions;
use transforms::{
    assign_heading_ids, number_footnotes, place_after_first_mention, place_markers,
    strip_heading_attributes,
};
pub use typography::Level;

/// A marker a writer can put alone in a paragraph, `{{ name() }}`, to place
/// the explainer part with `key` there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub name: &'static str,
    pub key: &'static str,
}

/// What the body holds where a part is placed until the part is rendered; an
/// HTML comment can never come from a writer's text, since text is escaped.
pub fn placeholder(key: &str) -> String {
    format!("<!--forklar:{key}-->")
}

/// The markers that place one quote where they stand: `{{ quote(2) }}` (its
/// number, counting from 1) or `{{ quote("key") }}`.
pub const QUOTE_MARKERS: &[&str] = &["quote", "sitat"];

/// Where the `n`th quote marker of a body (counting from 0) stood.
pub fn quote_placeholder(n: usize) -> String {
    format!("<!--forklar:quote-{n}-->")
}

/// A quote marker as written: what it names, and where it is in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteMarker {
    /// The quote's number (`2`) or key (`blakkisrud`), quotation marks removed.
    pub name: String,
    pub range: Range<usize>,
}

/// A background entry that may be linked where it is first mentioned.
#[derive(Debug, Clone)]
pub struct Mention {
    pub aliases: Vec<String>,
    pub url: String,
    pub title: String,
    pub summary: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The keys of the parts the writer placed with a marker, in the order found.
    pub placed: Vec<&'static str>,
    /// The body's headings with their ids, in order.
    pub headings: Vec<Heading>,
    /// Links with a scheme forklar does not publish (`javascript:`), with why and
    /// where they are in the Markdown.
    pub refused_links: Vec<(String, Range<usize>)>,
    /// Every link and image, as written and as resolved.
    pub links: Vec<FoundLink>,
    /// Paragraphs that look like a marker but name none, with where they are.
    pub unknown_markers: Vec<(String, Range<usize>)>,
    /// Markers of a part placed already, with where they are.
    pub repeated_markers: Vec<(String, Range<usize>)>,
    /// The quote markers, in order: the `n`th stands at [`quote_placeholder`]`(n)`.
    pub quote_markers: Vec<QuoteMarker>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Clone, Copy, Default)]
pub struct MarkdownOptions<'a> {
    /// Escape raw HTML in the body instead of passing it through.
    pub escape_html: bool,
    /// Rewrites link and image destinations (site paths, links to content files).
    pub links: Option<LinkScope<'a>>,
    /// Ids the page template uses, which headings must not take.
    pub reserved_ids: &'a [String],
    /// The markers that place parts; none outside an article's body.
    pub markers: &'a [Marker],
    /// The language whose typography the text is set in; none leaves it as written.
    pub language: Option<Language>,
    /// Makes figures of images alone in their paragraph.
    pub figures: Option<&'a FigureMaker<'a>>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a body of Markdown: an article's (with `mentions` linked once each,
/// at their first mention) or a background entry's.
pub fn render(markdown: &str, mentions: &[Mention], options: MarkdownOptions) -> Rendered {
    let markdown = &without_nul(markdown);
    // The HTML is about as long as the Markdown and a half: room for it up
    // front instead of copying it each time it doubles.
    let mut rendered = Rendered {
        html: String::with_capacity(markdown.len() + markdown.len() / 2),
        ..Rendered::default()
    };
    // About one event for every 16 bytes of an article's Markdown.
    let mut events: Vec<Event> = Vec::with_capacity(markdown.len() / 16);
    let mut ranges: Vec<Range<usize>> = Vec::with_capacity(markdown.len() / 16);
    // A paragraph being read: where it is, its text, whether it is text only.
    let mut paragraph: Option<(Range<usize>, String, bool)> = None;
    let mut placed_parts: Vec<&str> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if let Err(why) = check_url(dest_url) {
                    rendered.refused_links.push((why, range.clone()));
                }
            }
            Event::Start(Tag::Paragraph) => paragraph = Some((range.clone(), String::new(), true)),
            Event::Text(text) => {
                if let Some((_, words, only_text)) = &mut paragraph
                    && *only_text
                {
                    words.push_str(text);
                    // A marker starts with `{{`: any other paragraph is let go
                    // at its first words rather than copied whole.
                    let start = words.trim_start();
                    if start.len() >= 2 && !start.starts_with("{{") {
                        *only_text = false;
                        words.clear();
                    }
                }
            }
            Event::End(TagEnd::Paragraph) => {
                let Some((at, words, true)) = paragraph.take() else {
                    events.push(event);
                    ranges.push(range);
                    continue;
                };
                // Markers are read in an article's body only.
                let quote = (!options.markers.is_empty())
                    .then(|| quote_marker_name(&words))
                    .flatten();
                if let Some(name) = quote {
                    rendered.quote_markers.push(QuoteMarker { name, range: at });
                } else if !options.markers.is_empty()
                    && let Some((name, with_arguments)) = marker_call(&words)
                {
                    // A misspelt quote marker has arguments too: `{{ qoute(1) }}`.
                    match options.markers.iter().find(|m| m.name == name) {
                        Some(marker) if !with_arguments => {
                            if placed_parts.contains(&marker.key) {
                                rendered.repeated_markers.push((name.to_string(), at));
                            } else {
                                placed_parts.push(marker.key);
                            }
                        }
                        _ => rendered.unknown_markers.push((name.to_string(), at)),
                    }
                }
            }
            _ => {
                if let Some((_, _, only_text)) = &mut paragraph {
                    *only_text = false;
                }
            }
        }
        events.push(event);
        ranges.push(range);
    }
    neutralise_script_links(&mut events);
    if options.escape_html {
        escape_raw_html(&mut events);
    }
    // After escaping: the figures' markup is forklar's own.
    if let Some(figure) = options.figures {
        figures::make_figures(&mut events, &mut ranges, figure);
    }
    if let Some(scope) = options.links {
        rendered.links = rewrite_links(&mut events, Some(&ranges), scope);
    }
    let mut ids = UniqueIds::default();
    for id in options.reserved_ids {
        ids.reserve(id);
    }
    rendered.headings = assign_heading_ids(&mut events, &mut ids, options.escape_html);
    number_footnotes(&mut events);
    rendered.placed = place_markers(&mut events, options.markers);
    if !mentions.is_empty() {
        events = link_first_mentions(events, mentions);
        if let Some(marker) = options.markers.iter().find(|m| m.key == "background")
            && !rendered.placed.contains(&marker.key)
            && place_after_first_mention(&mut events, marker.key)
        {
            rendered.placed.push(marker.key);
        }
    }
    if let Some(language) = options.language {
        events = typeset_events(events, language, Level::Running);
    }
    pulldown_cmark::html::push_html(&mut rendered.html, events.into_iter());
    rendered
}

/// Sets the text of a body in the language's typography: adjacent text is
/// joined first, so a rule sees «6.» and «januar» together; code, raw HTML,
/// URLs and attributes are left as written. Each block starts at `level`.
fn typeset_events(events: Vec<Event<'_>>, language: Language, level: Level) -> Vec<Event<'_>> {
    let mut joined: Vec<Event> = Vec::with_capacity(events.len());
    let mut text: Option<String> = None;
    for event in events {
        match (event, &mut text) {
            (Event::Text(more), Some(run)) => run.push_str(&more),
            (Event::Text(more), None) => text = Some(more.into_string()),
            (event, _) => {
                if let Some(run) = text.take() {
                    joined.push(Event::Text(CowStr::from(run)));
                }
                joined.push(event);
            }
        }
    }
    if let Some(run) = text {
        joined.push(Event::Text(CowStr::from(run)));
    }
    let mut setter = typography::Typesetter::at(language, level);
    let mut in_code = false;
    for event in joined.iter_mut() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if !in_code => *text = CowStr::from(setter.set(text)),
            Event::Code(_) | Event::InlineHtml(_) | Event::Html(_) | Event::InlineMath(_) => {
                setter.skip('x')
            }
            Event::SoftBreak | Event::HardBreak => setter.skip(' '),
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::Item
                | Tag::TableCell
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => setter.end_block(),
            _ => {}
        }
    }
    joined
}

/// Inline Markdown rendered, and the links found in it.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    pub html: String,
    pub links: Vec<FoundLink>,
}

/// Renders a short piece of inline Markdown from front matter (a quote, an event
/// text, a correction) without the surrounding `<p>`. Raw HTML there is always shown
/// as text: a quote must never be able to close its `<blockquote>`.
pub fn render_inline(markdown: &str) -> String {
    render_inline_with(markdown, None, None, Level::Running).html
}

/// [`render_inline`], with links resolved from `links` (site paths under a
/// sub-path, links to content files), set in `language`'s typography as text
/// standing at `level`.
pub fn render_inline_with(
    markdown: &str,
    links: Option<LinkScope>,
    language: Option<Language>,
    level: Level,
) -> Inline {
    if is_plain_text(markdown) {
        let text = markdown.trim();
        return Inline {
            html: match language {
                Some(language) => typography::typeset_at(text, language, level),
                None => text.to_string(),
            },
            links: Vec::new(),
        };
    }
    let markdown = &without_nul(markdown);
    let mut events: Vec<Event> = Parser::new_ext(markdown, parser_options())
        .filter(|event| {
            !matches!(
                event,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        })
        .collect();
    escape_raw_html(&mut events);
    neutralise_script_links(&mut events);
    // Front matter never carries markup: no heading attributes either.
    strip_heading_attributes(&mut events, true);
    let found = match links {
        Some(scope) => rewrite_links(&mut events, None, scope),
        None => Vec::new(),
    };
    if let Some(language) = language {
        events = typeset_events(events, language, level);
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Inline {
        html: html.trim_end().to_string(),
        links: found,
    }
}

/// The name in a marker paragraph, `{{ tidslinje() }}` → `tidslinje`.
fn marker_name(text: &str) -> Option<&str> {
    marker_call(text).and_then(|(name, with_arguments)| (!with_arguments).then_some(name))
}

/// The name in a paragraph written as a marker, `{{ name() }}` or
/// `{{ name(…) }}`, and whether it has arguments.
fn marker_call(text: &str) -> Option<(&str, bool)> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let (name, rest) = inner.split_once('(')?;
    let arguments = rest.strip_suffix(')')?.trim();
    let name = name.trim_end();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then_some((name, !arguments.is_empty()))
}

/// What a quote marker paragraph names, `{{ quote("key") }}` → `key`: a
/// number or a key, in straight, typographic or no quotation marks.
pub(super) fn quote_marker_name(text: &str) -> Option<String> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let (name, rest) = inner.split_once('(')?;
    if !QUOTE_MARKERS.contains(&name.trim_end()) {
        return None;
    }
    let quotes: &[char] = &['"', '\'', '“', '”', '‘', '’', '«', '»'];
    Some(
        rest.strip_suffix(')')?
            .trim()
            .trim_matches(quotes)
            .trim()
            .to_string(),
    )
}

/// NUL characters become U+FFFD, as CommonMark asks: a NUL is invisible, and no
/// HTML page or feed may carry one.
fn without_nul(markdown: &str) -> std::borrow::Cow<'_, str> {
    if markdown.contains('\0') {
        std::borrow::Cow::Owned(markdown.replace('\0', "\u{FFFD}"))
    } else {
        std::borrow::Cow::Borrowed(markdown)
    }
}

/// Text that Markdown would print as it is: most timeline events and quotes.
/// Setting up the parser costs more than rendering such a sentence.
fn is_plain_text(text: &str) -> bool {
    let text = text.trim();
    let starts_plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '«' || c == '(');
    starts_plain
        && !text.contains("--")
        && !text.contains("..")
        && text.chars().all(|c| {
            c.is_alphanumeric()
                || c == ' '
                || matches!(
                    c,
                    ',' | '.'
                        | ';'
                        | ':'
                        | '?'
                        | '('
                        | ')'
                        | '/'
                        | '%'
                        | '«'
                        | '»'
                        | '–'
                        | '—'
                        | '…'
                        | '+'
                        | '='
                        | '@'
                        | '$'
                        | '€'
                        | '£'
                        | '-'
                )
        })
}

/// The text of some HTML, for places that take no markup (structured data).
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Links that would run a script when clicked lead nowhere instead.
fn neutralise_script_links(events: &mut [Event]) {
    for event in events.iter_mut() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
            && check_url(dest_url).is_err()
        {
            *dest_url = CowStr::from("");
        }
    }
}

/// Rewrites every link and image destination that points into the site, and
/// returns them all; `ranges` gives where each event is in the Markdown. A link
/// to an article not published in this build is shown as its text alone.
fn rewrite_links(
    events: &mut [Event],
    ranges: Option<&[Range<usize>]>,
    scope: LinkScope,
) -> Vec<FoundLink> {
    let mut found = Vec::new();
    let mut unlinked = Vec::new();
    for (i, event) in events.iter_mut().enumerate() {
        let (dest_url, image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        let (resolved, target) = scope.index.resolve(scope.from, dest_url);
        let problem = scope.index.problem(scope.from, dest_url, image);
        found.push(FoundLink {
            dest: dest_url.to_string(),
            target,
            range: ranges.and_then(|r| r.get(i).cloned()).unwrap_or(0..0),
            problem,
        });
        match resolved {
            Resolved::Url(url) => *dest_url = CowStr::from(url),
            Resolved::Unpublished(_) if !image => unlinked.push(i),
            _ => {}
        }
    }
    for start in unlinked {
        // Links do not nest: the first end after the start is its own.
        let end = events[start..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Link)))
            .map(|offset| start + offset);
        events[start] = Event::Text(CowStr::Borrowed(""));
        if let Some(end) = end {
            events[end] = Event::Text(CowStr::Borrowed(""));
        }
    }
    found
}

fn escape_raw_html(events: &mut [Event]) {
    for event in events.iter_mut() {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            *event = Event::Text(html.clone());
        }
    }
}

/// HTML-escapes text for an attribute or element.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests;
