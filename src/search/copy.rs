//! The copy of a page that Pagefind reads: its `<main>`, with the marks and
//! separators the page's stylesheet would add, and the names a background
//! entry is found by.

use std::borrow::Cow;

use crate::i18n::Language;

use super::Target;

/// How much of a page's HTML is indexed: far more than any article needs (a
/// long one is some 50 KB), and a bound on the time a pathological page (tens
/// of megabytes) can add to a build.
const INDEXED_BYTES: usize = 512 * 1024;

/// What Pagefind reads of a page: only its `<main>` (not the header, menus
/// or footer every page shares), with the page's type and names as
/// metadata. A page without `<main>` (a site's own template) is read whole.
pub(super) fn index_copy(html: &str, target: &Target, language: Language) -> String {
    let main = match (find(html, "<main"), rfind(html, "</main>")) {
        (Some(start), Some(end)) if start < end => &html[start..end + "</main>".len()],
        _ => html,
    };
    let mut end = main.len().min(INDEXED_BYTES);
    while !main.is_char_boundary(end) {
        end -= 1;
    }
    let main = separate_blocks(&mark_quotes(&main[..end], language));
    // A filter value per name, lower-cased as the search page lower-cases the
    // query: the page asks for `name = <query>` to put the entry first. The
    // names are indexed too, weighted as a title, so that an alias the page
    // itself never writes still finds it.
    let mut names = String::new();
    for name in &target.names {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        names.push_str(&format!(
            "<span data-pagefind-filter=\"name:{}\"></span>",
            escape(&name.to_lowercase())
        ));
    }
    if target.names.len() > 1 {
        names.push_str(&format!(
            "<p data-pagefind-weight=\"7\">{}</p>",
            escape(&target.names[1..].join(" · "))
        ));
    }
    format!(
        "<html lang=\"{}\"><body><div data-pagefind-body \
         data-pagefind-meta=\"kind[data-kind]\" data-kind=\"{}\">{main}{names}</div></body></html>",
        language.code(),
        escape(target.kind),
    )
}

/// An expert quote's quotation marks are the stylesheet's
/// (`.quote blockquote p`), which the index never sees: the copy gets them in
/// its text, so that a result reads «… ‹…› …» as the page does, not ‹…›
/// alone. Only a `<blockquote>` that opens the quote's element is marked.
fn mark_quotes(html: &str, language: Language) -> Cow<'_, str> {
    const QUOTE: &str = "class=\"quote\"";
    let mut next_quote = find(html, QUOTE);
    if next_quote.is_none() {
        return Cow::Borrowed(html);
    }
    let marks = language.quotation_marks();
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = next_quote {
        let after = at + QUOTE.len();
        let Some(tag_end) = rest[after..].find('>').map(|e| after + e + 1) else {
            break;
        };
        let start = tag_end + (rest[tag_end..].len() - rest[tag_end..].trim_start().len());
        if !rest[start..].starts_with("<blockquote") {
            out.push_str(&rest[..tag_end]);
            rest = &rest[tag_end..];
            next_quote = find(rest, QUOTE);
            continue;
        }
        let Some(end) = find(&rest[start..], "</blockquote>").map(|e| start + e) else {
            break;
        };
        out.push_str(&rest[..start]);
        let mut words = &rest[start..end];
        while let Some(open) = find(words, "<p>") {
            let text = open + "<p>".len();
            let close = find(&words[text..], "</p>").map_or(words.len(), |c| text + c);
            out.push_str(&words[..text]);
            out.push(marks.open);
            out.push_str(&words[text..close]);
            out.push(marks.close);
            words = &words[close..];
        }
        out.push_str(words);
        rest = &rest[end..];
        next_quote = find(rest, QUOTE);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Pagefind parts sentences at paragraphs, list items, table cells and
/// headings only, so the text of other blocks ran together in excerpts: a
/// fact's label and value read «Født17. mai 1953». A label gets a colon and
/// each such block a space after it.
fn separate_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 64);
    let mut rest = html;
    while let Some(at) = find(rest, "</") {
        let (before, tag) = rest.split_at(at);
        out.push_str(before);
        let name_end = memchr::memchr(b'>', tag.as_bytes()).map_or(tag.len(), |end| end + 1);
        let (closing, after) = tag.split_at(name_end);
        if closing == "</dt>" && before.ends_with(|c: char| c.is_alphanumeric()) {
            out.push(':');
        }
        out.push_str(closing);
        if matches!(
            closing,
            "</dt>" | "</dd>" | "</th>" | "</figcaption>" | "</blockquote>" | "</summary>"
        ) {
            out.push(' ');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Where `needle` first starts in `haystack`: `str::find` with SIMD. Every
/// indexed page is scanned for each closing tag, quote and paragraph, and the
/// standard library's search for a string was a third of the time search adds
/// to a build that reuses its index.
fn find(haystack: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(haystack.as_bytes(), needle.as_bytes())
}

/// Where `needle` last starts in `haystack`, as [`find`].
fn rfind(haystack: &str, needle: &str) -> Option<usize> {
    memchr::memmem::rfind(haystack.as_bytes(), needle.as_bytes())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::{find, mark_quotes, rfind, separate_blocks};
    use crate::i18n::Language;

    #[test]
    fn a_quotes_words_get_the_marks_the_stylesheet_draws() {
        let page = "<section class=\"quotes\"><figure class=\"quote\">\n\
                    <blockquote cite=\"x\"><p>Det er ‹bare› en test</p></blockquote>\n\
                    <figcaption><p>Ola</p></figcaption></figure><p>Etter</p>";
        assert_eq!(
            mark_quotes(page, Language::Nb),
            "<section class=\"quotes\"><figure class=\"quote\">\n\
             <blockquote cite=\"x\"><p>«Det er ‹bare› en test»</p></blockquote>\n\
             <figcaption><p>Ola</p></figcaption></figure><p>Etter</p>"
        );
        assert_eq!(
            mark_quotes(
                "<div class=\"quote\"><blockquote><p>a ‘b’</p></blockquote>",
                Language::En
            ),
            "<div class=\"quote\"><blockquote><p>“a ‘b’”</p></blockquote>"
        );
        // A page cut off inside a quote, and one without any.
        assert_eq!(
            mark_quotes("<p class=\"quote\"><blockquote><p>a", Language::Nb),
            "<p class=\"quote\"><blockquote><p>a"
        );
        assert_eq!(mark_quotes("<p>Tekst</p>", Language::Nb), "<p>Tekst</p>");
        // A quote element that does not open with a blockquote leaves a
        // later, unrelated blockquote alone.
        assert_eq!(
            mark_quotes(
                "<p class=\"quote\">Sitat</p><blockquote><p>Annet</p></blockquote>",
                Language::Nb
            ),
            "<p class=\"quote\">Sitat</p><blockquote><p>Annet</p></blockquote>"
        );
    }

    #[test]
    fn the_simd_search_finds_what_str_find_finds() {
        let texts = [
            "",
            "<",
            "</",
            "æ</p>ø</p>å",
            "<main><p>«Sitat»</p></main><main>x</main>",
            "class=\"quote\" class=\"quote\"",
            "ingen treff her – bare tekst",
        ];
        for text in texts {
            for needle in ["</", "<main", "</main>", "<p>", "</p>", "class=\"quote\""] {
                assert_eq!(find(text, needle), text.find(needle), "{needle} in {text}");
                assert_eq!(
                    rfind(text, needle),
                    text.rfind(needle),
                    "{needle} in {text}"
                );
            }
        }
    }

    #[test]
    fn a_facts_label_and_value_and_other_blocks_are_kept_apart() {
        assert_eq!(
            separate_blocks("<dl><div><dt>Født</dt><dd>17. mai 1953</dd></div></dl>"),
            "<dl><div><dt>Født:</dt> <dd>17. mai 1953</dd> </div></dl>"
        );
        // A label that ends in punctuation keeps it; paragraphs are left to Pagefind.
        assert_eq!(
            separate_blocks("<dt>Hvem?</dt><p>Svar</p><figcaption>Kart</figcaption>x"),
            "<dt>Hvem?</dt> <p>Svar</p><figcaption>Kart</figcaption> x"
        );
        // A tag cut off at the end of what is indexed.
        assert_eq!(separate_blocks("<dd>a</d"), "<dd>a</d");
    }
}
