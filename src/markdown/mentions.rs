//! The first mention of each background entry in running text becomes a link
//! that carries the entry's summary, for the preview card.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{Mention, escape};

/// Links the first mention of each entry in running text: not in headings, links,
/// code, images or quotations, where a link would be wrong or unreadable.
pub(super) fn link_first_mentions<'a>(
    events: Vec<Event<'a>>,
    mentions: &[Mention],
) -> Vec<Event<'a>> {
    let mut aliases: Vec<Alias> = mentions
        .iter()
        .enumerate()
        .flat_map(|(n, m)| m.aliases.iter().map(move |a| (a.as_str(), n)))
        .filter(|(alias, _)| !alias.trim().is_empty())
        .map(|(word, entry)| Alias {
            word,
            finder: memchr::memmem::Finder::new(word),
            entry,
        })
        .collect();
    // Longest first, so "Nursultan Nazarbajev" is linked whole rather than "Nazarbajev".
    aliases.sort_by_key(|alias| std::cmp::Reverse(alias.word.len()));
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

/// A name of an entry, with its search made once for every text of the body.
struct Alias<'m> {
    word: &'m str,
    finder: memchr::memmem::Finder<'m>,
    /// The entry's place in the mentions.
    entry: usize,
}

fn split_mentions<'a>(
    text: &str,
    aliases: &[Alias],
    mentions: &[Mention],
    linked: &mut [bool],
    out: &mut Vec<Event<'a>>,
) {
    let mut rest = text;
    loop {
        let found = aliases
            .iter()
            .filter(|alias| !linked[alias.entry])
            .filter_map(|alias| {
                find_word_with(rest, alias.word, &alias.finder)
                    .map(|at| (at, alias.word, alias.entry))
            })
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
#[cfg(test)]
pub(super) fn find_word(text: &str, word: &str) -> Option<usize> {
    find_word_with(text, word, &memchr::memmem::Finder::new(word))
}

/// [`find_word`] with the search for `word` made already.
fn find_word_with(text: &str, word: &str, finder: &memchr::memmem::Finder) -> Option<usize> {
    let mut start = 0;
    while let Some(found) = finder.find(&text.as_bytes()[start..]) {
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
