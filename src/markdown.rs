//! Markdown to HTML with the transforms an explainer needs: stable heading ids,
//! footnotes with ids that cannot clash, markers that place the explainer parts,
//! and a link on the first mention of each background entry.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::slug::UniqueIds;

/// An explainer part a writer can place with a marker in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Background,
    Timeline,
    Quotes,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Background, Part::Timeline, Part::Quotes];

    /// What the body holds until the part is rendered; an HTML comment can never come
    /// from a writer's text, since text is escaped.
    pub fn placeholder(self) -> &'static str {
        match self {
            Part::Background => "<!--forklar:background-->",
            Part::Timeline => "<!--forklar:timeline-->",
            Part::Quotes => "<!--forklar:quotes-->",
        }
    }

    fn from_marker(text: &str) -> Option<Part> {
        let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
        match inner {
            "background()" | "bakgrunn()" => Some(Part::Background),
            "timeline()" | "tidslinje()" => Some(Part::Timeline),
            "quotes()" | "sitater()" => Some(Part::Quotes),
            _ => None,
        }
    }
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
    /// Parts the writer placed with a marker, in the order found.
    pub placed: Vec<Part>,
    /// The body's headings with their ids, in order.
    pub headings: Vec<Heading>,
    /// Links with a scheme forklar does not publish (`javascript:`), with why and
    /// where they are in the Markdown.
    pub refused_links: Vec<(String, std::ops::Range<usize>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Turns a link as written into the URL to publish, or `None` to keep it.
pub type LinkResolver<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

#[derive(Clone, Copy, Default)]
pub struct MarkdownOptions<'a> {
    /// Escape raw HTML in the body instead of passing it through.
    pub escape_html: bool,
    /// Rewrites link and image destinations (site paths, links to content files).
    pub links: Option<LinkResolver<'a>>,
    /// Ids the page template uses, which headings must not take.
    pub reserved_ids: &'a [String],
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders an article body. `mentions` are linked once each, at their first mention.
pub fn render(markdown: &str, mentions: &[Mention], options: MarkdownOptions) -> Rendered {
    let markdown = &without_nul(markdown);
    let mut rendered = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event
            && let Err(why) = crate::content::check_url(dest_url)
        {
            rendered.refused_links.push((why, range.clone()));
        }
        events.push(event);
    }
    neutralise_script_links(&mut events);
    if options.escape_html {
        escape_raw_html(&mut events);
    }
    if let Some(resolve) = options.links {
        rewrite_links(&mut events, resolve);
    }
    let mut ids = UniqueIds::default();
    for id in options.reserved_ids {
        ids.reserve(id);
    }
    rendered.headings = assign_heading_ids(&mut events, &mut ids);
    number_footnotes(&mut events);
    rendered.placed = place_markers(&mut events);
    if !mentions.is_empty() {
        events = link_first_mentions(events, mentions);
    }
    pulldown_cmark::html::push_html(&mut rendered.html, events.into_iter());
    rendered
}

/// Renders a short piece of inline Markdown from front matter (a quote, an event
/// text, a correction) without the surrounding `<p>`. Raw HTML there is always shown
/// as text: a quote must never be able to close its `<blockquote>`.
pub fn render_inline(markdown: &str) -> String {
    render_inline_with(markdown, None)
}

/// [`render_inline`], with links rewritten by `links` (site paths under a
/// sub-path, links to content files).
pub fn render_inline_with(markdown: &str, links: Option<LinkResolver>) -> String {
    if is_plain_text(markdown) {
        return markdown.trim().to_string();
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
    if let Some(resolve) = links {
        rewrite_links(&mut events, resolve);
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html.trim_end().to_string()
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

/// Renders a Markdown block (an entry's body): links are resolved, nothing else.
pub fn render_block(markdown: &str, options: MarkdownOptions) -> String {
    let markdown = &without_nul(markdown);
    let mut events: Vec<Event> = Parser::new_ext(markdown, parser_options()).collect();
    neutralise_script_links(&mut events);
    if options.escape_html {
        escape_raw_html(&mut events);
    }
    if let Some(resolve) = options.links {
        rewrite_links(&mut events, resolve);
    }
    number_footnotes(&mut events);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Links that would run a script when clicked lead nowhere instead.
fn neutralise_script_links(events: &mut [Event]) {
    for event in events.iter_mut() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
            && crate::content::check_url(dest_url).is_err()
        {
            *dest_url = CowStr::from("");
        }
    }
}

fn rewrite_links(events: &mut [Event], resolve: LinkResolver) {
    for event in events.iter_mut() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
            && let Some(url) = resolve(dest_url)
        {
            *dest_url = CowStr::from(url);
        }
    }
}

fn escape_raw_html(events: &mut [Event]) {
    for event in events.iter_mut() {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            *event = Event::Text(html.clone());
        }
    }
}

fn assign_heading_ids(events: &mut [Event], ids: &mut UniqueIds) -> Vec<Heading> {
    // Ids written by hand win: reserve them first so generated ids step around them.
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            ids.reserve(id);
        }
    }
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = match id {
                Some(id) => id.to_string(),
                None => ids.claim(&text, "seksjon"),
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id.clone()));
            }
            headings.push(Heading {
                level: heading_level(level),
                id,
                text,
            });
            i = j;
        }
        i += 1;
    }
    headings
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Footnotes get `fn-…` ids and a link back, so they never clash with heading ids.
fn number_footnotes(events: &mut [Event]) {
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut number_of = |name: &str| {
        let next = numbers.len() + 1;
        *numbers.entry(name.to_string()).or_insert(next)
    };
    for event in events.iter_mut() {
        match event {
            Event::FootnoteReference(name) => {
                let n = number_of(name);
                *event = Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"fnref-{n}\">{n}</a></sup>"
                )));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let n = number_of(name);
                *event = Event::Html(CowStr::from(format!(
                    "<div class=\"footnote\" id=\"fn-{n}\"><span class=\"footnote-label\">{n}.</span> "
                )));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                *event = Event::Html(CowStr::from("</div>\n"));
            }
            _ => {}
        }
    }
}

fn place_markers(events: &mut Vec<Event>) -> Vec<Part> {
    let mut placed = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::Start(Tag::Paragraph)) {
            let mut text = String::new();
            let mut j = i + 1;
            let mut only_text = true;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Paragraph)) {
                match &events[j] {
                    Event::Text(t) => text.push_str(t),
                    _ => only_text = false,
                }
                j += 1;
            }
            if only_text
                && let Some(part) = Part::from_marker(&text)
                && !placed.contains(&part)
            {
                placed.push(part);
                events.splice(
                    i..=j.min(events.len() - 1),
                    [Event::Html(CowStr::from(format!(
                        "{}\n",
                        part.placeholder()
                    )))],
                );
            }
        }
        i += 1;
    }
    placed
}

/// Links the first mention of each entry in running text: not in headings, links,
/// code, images or quotations, where a link would be wrong or unreadable.
fn link_first_mentions<'a>(events: Vec<Event<'a>>, mentions: &[Mention]) -> Vec<Event<'a>> {
    let mut aliases: Vec<(&str, usize)> = mentions
        .iter()
        .enumerate()
        .flat_map(|(n, m)| m.aliases.iter().map(move |a| (a.as_str(), n)))
        .filter(|(alias, _)| !alias.trim().is_empty())
        .collect();
    // Longest first, so "Nursultan Nazarbajev" is linked whole rather than "Nazarbajev".
    aliases.sort_by_key(|(alias, _)| std::cmp::Reverse(alias.len()));
    let mut linked = vec![false; mentions.len()];
    let mut blocked_depth = 0usize;
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match &event {
            Event::Start(
                Tag::Heading { .. }
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_),
            ) => blocked_depth += 1,
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => blocked_depth = blocked_depth.saturating_sub(1),
            Event::Text(text) if blocked_depth == 0 && linked.contains(&false) => {
                split_mentions(text, &aliases, mentions, &mut linked, &mut out);
                continue;
            }
            _ => {}
        }
        out.push(event);
    }
    out
}

fn split_mentions<'a>(
    text: &str,
    aliases: &[(&str, usize)],
    mentions: &[Mention],
    linked: &mut [bool],
    out: &mut Vec<Event<'a>>,
) {
    let mut rest = text;
    loop {
        let found = aliases
            .iter()
            .filter(|(_, n)| !linked[*n])
            .filter_map(|&(alias, n)| find_word(rest, alias).map(|at| (at, alias, n)))
            .min_by_key(|&(at, alias, _)| (at, std::cmp::Reverse(alias.len())));
        let Some((at, alias, n)) = found else {
            break;
        };
        linked[n] = true;
        if at > 0 {
            out.push(Event::Text(CowStr::from(rest[..at].to_string())));
        }
        let mention = &mentions[n];
        let word = &rest[at..at + alias.len()];
        out.push(Event::InlineHtml(CowStr::from(format!(
            "<a class=\"mention\" href=\"{}\" data-summary=\"{}\" data-title=\"{}\">{}</a>",
            escape(&mention.url),
            escape(&mention.summary),
            escape(&mention.title),
            escape(word)
        ))));
        rest = &rest[at + alias.len()..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(CowStr::from(rest.to_string())));
    }
}

/// Finds `word` at word boundaries, allowing a Norwegian genitive -s after it
/// ("CSTOs styrker" mentions CSTO).
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut start = 0;
    while let Some(found) = text[start..].find(word) {
        let at = start + found;
        let end = at + word.len();
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let mut after = text[end..].chars();
        let after_ok = match after.next() {
            None => true,
            Some('s') => after.next().is_none_or(|c| !c.is_alphanumeric()),
            Some(c) => !c.is_alphanumeric(),
        };
        if before_ok && after_ok {
            return Some(at);
        }
        start = at + word.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// HTML-escapes text for an attribute or element.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        render(markdown, &[], MarkdownOptions::default()).html
    }

    #[test]
    fn headings_get_unique_norwegian_safe_ids() {
        let out = html(
            "## Hvorfor nå?\n\n## Bakgrunn\n\n### Bakgrunn\n\n## Egen {#min-id}\n\n## min-id\n",
        );
        assert!(
            out.contains("<h2 id=\"hvorfor-na\">Hvorfor nå?</h2>"),
            "{out}"
        );
        assert!(out.contains("<h2 id=\"bakgrunn\">"), "{out}");
        assert!(out.contains("<h3 id=\"bakgrunn-2\">"), "{out}");
        assert!(out.contains("<h2 id=\"min-id\">Egen</h2>"), "{out}");
        assert!(out.contains("<h2 id=\"min-id-2\">min-id</h2>"), "{out}");
    }

    #[test]
    fn tables_footnotes_strikethrough_and_smart_punctuation() {
        let out = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~feil~~ \"sitat\" -- ja...\n\nTekst.[^1]\n\n[^1]: Notat.\n",
        );
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>feil</del>"), "{out}");
        assert!(out.contains("“sitat” – ja…"), "{out}");
        assert!(
            out.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>"),
            "{out}"
        );
        assert!(
            out.contains("<div class=\"footnote\" id=\"fn-1\">"),
            "{out}"
        );
    }

    #[test]
    fn markers_alone_in_a_paragraph_place_parts() {
        let out = render(
            "Før.\n\n{{ tidslinje() }}\n\nMidt {{ quotes() }} i tekst.\n\n{{quotes()}}\n\n`{{ background() }}`\n",
            &[],
            MarkdownOptions::default(),
        );
        assert_eq!(out.placed, vec![Part::Timeline, Part::Quotes]);
        assert!(out.html.contains("<!--forklar:timeline-->"), "{}", out.html);
        assert!(
            out.html.contains("Midt {{ quotes() }} i tekst."),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<code>{{ background() }}</code>"),
            "{}",
            out.html
        );
        assert_eq!(out.html.matches("<!--forklar:").count(), 2);
    }

    fn csto() -> Vec<Mention> {
        vec![Mention {
            aliases: vec![
                "CSTO".into(),
                "Organisasjonen for kollektiv sikkerhet".into(),
            ],
            url: "/bakgrunn/csto/".into(),
            title: "CSTO".into(),
            summary: "En militærallianse «ledet» av Russland.".into(),
        }]
    }

    #[test]
    fn links_only_the_first_mention_in_running_text() {
        let out = render(
            "## CSTO\n\n> CSTO i sitat\n\n[CSTO](https://x) og `CSTO`.\n\nCSTOs styrker. Så CSTO igjen.\n",
            &csto(),
            MarkdownOptions::default(),
        )
        .html;
        assert_eq!(out.matches("class=\"mention\"").count(), 1, "{out}");
        assert!(
            out.contains("<p><a class=\"mention\" href=\"/bakgrunn/csto/\" data-summary=\"En militærallianse «ledet» av Russland.\" data-title=\"CSTO\">CSTO</a>s styrker."),
            "{out}"
        );
        assert!(out.contains("<h2 id=\"csto\">CSTO</h2>"), "{out}");
    }

    #[test]
    fn mentions_respect_word_boundaries() {
        assert_eq!(find_word("CSTOX og CSTO.", "CSTO"), Some(9));
        assert_eq!(find_word("ACSTO", "CSTO"), None);
        assert_eq!(find_word("Nazarbajevs makt", "Nazarbajev"), Some(0));
        assert_eq!(find_word("Nazarbajevsk", "Nazarbajev"), None);
    }

    #[test]
    fn raw_html_is_kept_unless_the_site_escapes_it() {
        let markdown = "<div class=\"x\">hei</div>\n\nTekst <b>fet</b>.\n";
        assert!(html(markdown).contains("<div class=\"x\">hei</div>"));
        let options = MarkdownOptions {
            escape_html: true,
            ..MarkdownOptions::default()
        };
        let escaped = render(markdown, &[], options).html;
        assert!(escaped.contains("&lt;div class=\"x\"&gt;hei"), "{escaped}");
        assert!(escaped.contains("&lt;b&gt;fet&lt;/b&gt;"), "{escaped}");
    }

    #[test]
    fn links_are_rewritten_by_the_resolver() {
        let resolve = |dest: &str| dest.strip_suffix(".md").map(|slug| format!("/sti/{slug}/"));
        let options = MarkdownOptions {
            links: Some(&resolve),
            ..MarkdownOptions::default()
        };
        let out = render(
            "[a](annen.md) [b](https://x.org/) ![c](bilde.md)",
            &[],
            options,
        )
        .html;
        assert!(out.contains("<a href=\"/sti/annen/\">a</a>"), "{out}");
        assert!(out.contains("<a href=\"https://x.org/\">b</a>"), "{out}");
        assert!(out.contains("<img src=\"/sti/bilde/\""), "{out}");
    }

    #[test]
    fn inline_markdown_has_no_paragraph() {
        assert_eq!(
            render_inline("Et *viktig* poeng"),
            "Et <em>viktig</em> poeng"
        );
    }

    #[test]
    fn inline_markdown_from_front_matter_never_passes_html() {
        let out = render_inline("«Sitat» </blockquote><script>alert(1)</script>");
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;/blockquote&gt;&lt;script&gt;"), "{out}");
    }

    #[test]
    fn reserved_ids_are_not_given_to_headings() {
        let reserved = vec!["tittel".to_string()];
        let options = MarkdownOptions {
            reserved_ids: &reserved,
            ..MarkdownOptions::default()
        };
        let out = render("## Tittel\n", &[], options).html;
        assert!(out.contains("<h2 id=\"tittel-2\">"), "{out}");
    }

    #[test]
    fn plain_text_takes_the_short_way_with_the_same_result() {
        for text in [
            "Protestene sprer seg til Aktau, Almaty og 14 andre byer.",
            "«Et titalls opprørere er eliminert.» Det sa politiet (Interfax).",
            "Prisen stiger fra 60 til 120 tenge – nesten 100 % på én dag.",
            "  Mellomrom rundt  ",
            "Ord-med-bindestrek og 2022/01",
        ] {
            assert!(is_plain_text(text), "{text}");
            let mut parsed = String::new();
            let events = Parser::new_ext(text, parser_options()).filter(|e| {
                !matches!(
                    e,
                    Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                )
            });
            pulldown_cmark::html::push_html(&mut parsed, events);
            assert_eq!(render_inline(text), parsed.trim_end(), "{text}");
        }
        for text in [
            "*ikke*",
            "1. liste",
            "- punkt",
            "\"sitat\"",
            "a -- b",
            "a...",
            "# tittel",
            "a & b",
            "<b>",
            "a\nb",
        ] {
            assert!(!is_plain_text(text), "{text}");
        }
    }
}
