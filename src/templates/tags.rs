//! The `{% … %}` tags of a template's text, found without Tera, for errors
//! Tera gives no place for: a missing parent template, a loop that ran too long.

use std::ops::Range;

/// One `{% keyword … %}` tag.
pub(super) struct Tag<'a> {
    /// The first word inside the tag (`for`, `extends`, `endraw`).
    pub keyword: &'a str,
    /// What follows the keyword, up to the closing `%}` (or `-%}`).
    pub rest: &'a str,
    /// Where `rest` starts, in bytes of the text.
    pub rest_at: usize,
    /// The whole tag, from `{%` to `%}`, in bytes of the text.
    pub span: Range<usize>,
}

/// The tags of `source` in order. Comments (`{# … #}`) and the text of
/// `{% raw %}` blocks hold none; a string inside a tag may hold `%}`.
pub(super) fn tags(source: &str) -> impl Iterator<Item = Tag<'_>> {
    let mut at = 0;
    let mut in_raw = false;
    std::iter::from_fn(move || {
        loop {
            let start = at + source.get(at..)?.find('{')?;
            let rest = &source[start..];
            if !in_raw && rest.starts_with("{#") {
                at = start + 2 + rest[2..].find("#}")? + 2;
                continue;
            }
            if !rest.starts_with("{%") {
                at = start + 1;
                continue;
            }
            let end = start + tag_end(&rest[2..])? + 2;
            at = end;
            let inner = &source[start + 2..end - 2];
            let inner = inner.strip_prefix('-').unwrap_or(inner);
            let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
            let keyword_end = inner
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let keyword = &inner[..keyword_end];
            if in_raw {
                in_raw = keyword != "endraw";
                continue;
            }
            in_raw = keyword == "raw";
            let rest = inner[keyword_end..].trim_start();
            // `rest` is a slice of `source`: its place is the distance between them.
            let rest_at = rest.as_ptr() as usize - source.as_ptr() as usize;
            return Some(Tag {
                keyword,
                rest,
                rest_at,
                span: start..end,
            });
        }
    })
}

/// The length of a tag's inside up to and with its closing `%}`, passing over
/// quoted strings.
fn tag_end(inside: &str) -> Option<usize> {
    let mut quote = None;
    let mut chars = inside.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if c == '%' && chars.peek().is_some_and(|(_, next)| *next == '}') => {
                return Some(at + 2);
            }
            None => {}
        }
    }
    None
}

/// The quoted name `{% extends "parent" %}` gives, where the template names
/// `parent` so: the name with its quotes.
pub(super) fn extends_tag(source: &str, parent: &str) -> Option<Range<usize>> {
    tags(source).find_map(|tag| {
        if tag.keyword != "extends" {
            return None;
        }
        let quote = tag
            .rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))?;
        let name = tag.rest[1..].split(quote).next()?;
        (name == parent).then(|| tag.rest_at..tag.rest_at + name.len() + 2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tags_but_not_in_comments_raw_blocks_or_strings() {
        let source = "{# {% for x in y %} #}{% raw %}{% for a in b %}{% endraw %}\
                      {%- for p in pages -%}{{ p }}{% if s == \"%}\" %}{% endif %}{% endfor %}";
        let found: Vec<&str> = tags(source).map(|tag| tag.keyword).collect();
        assert_eq!(found, ["raw", "for", "if", "endif", "endfor"]);
        let for_tag = tags(source).find(|tag| tag.keyword == "for").unwrap();
        assert_eq!(&source[for_tag.span], "{%- for p in pages -%}");
        assert_eq!(for_tag.rest, "p in pages");
    }

    #[test]
    fn finds_the_name_an_extends_tag_gives() {
        let source = "{# {% extends \"mangler.html\" %} #}\n{%- extends 'mangler.html' %}";
        assert_eq!(
            extends_tag("{% extends «mangler.html» %}", "mangler.html"),
            None
        );
        let span = extends_tag(source, "mangler.html").unwrap();
        assert_eq!(&source[span], "'mangler.html'");
        assert_eq!(extends_tag(source, "base.html"), None);
    }
}
