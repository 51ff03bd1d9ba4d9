//! Splitting a content file into its TOML front matter and its Markdown body, and
//! reading the front matter into typed structs with errors that point into the file.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Location};

const FENCE: &str = "+++";

/// A content file cut in two. Offsets are byte offsets into the whole file, so
/// errors can be reported at the file's own line numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    pub front_matter_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Cuts `text` at its `+++` fences. The first line must be `+++`.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let start = usize::from(text.starts_with('\u{feff}')) * '\u{feff}'.len_utf8();
    let mut lines = LineIter { text, pos: start };
    let first = lines.next();
    if first.as_ref().map(|l| fence_line(&text[l.clone()])) != Some(true) {
        let span = first.unwrap_or(start..start);
        return Err(Diagnostic::new("the file does not start with front matter")
            .in_file(path)
            .at_span(text, span)
            .with_help(
                "begin the file with a line `+++`, the fields (title = \"…\", date = 2022-01-06), \
                 and another line `+++`; the Markdown comes after it",
            ));
    }
    let opening = first.unwrap_or(start..start);
    let front_matter_offset = lines.pos;
    for line in lines.by_ref() {
        if fence_line(&text[line.clone()]) {
            let body_offset = lines.pos;
            return Ok(Split {
                front_matter: &text[front_matter_offset..line.start],
                front_matter_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    Err(Diagnostic::new("the front matter is never closed")
        .in_file(path)
        .at(Location::from_span(text, opening))
        .with_help("add a line with only `+++` after the last front-matter field"))
}

fn fence_line(line: &str) -> bool {
    line.trim_end() == FENCE
}

/// Yields the byte range of each line, without its line break.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.pos = (end + 1).min(self.text.len());
        Some(start..end)
    }
}

/// Which kind of TOML a file holds, for the help sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TomlKind {
    /// `site.toml`.
    Settings,
    /// The front matter of an article or background entry, or a timeline file.
    FrontMatter,
}

/// Deserialises TOML that starts at `offset` in `file_text`, reporting errors at the
/// file's own line and column.
pub fn parse_toml<T: DeserializeOwned>(
    path: &Path,
    file_text: &str,
    offset: usize,
    toml_text: &str,
) -> Result<T, Diagnostic> {
    check_no_nul(path, file_text, offset, toml_text)?;
    toml::from_str(toml_text)
        .map_err(|err| toml_diagnostic(path, file_text, offset, &err, TomlKind::FrontMatter))
}

/// Parses TOML into a table whose every key and value keeps its place in the
/// file, so parts of it can be read apart and still report errors at their line.
pub fn parse_table<'t>(
    path: &Path,
    file_text: &str,
    offset: usize,
    toml_text: &'t str,
) -> Result<toml::Spanned<toml::de::DeTable<'t>>, Diagnostic> {
    check_no_nul(path, file_text, offset, toml_text)?;
    toml::de::DeTable::parse(toml_text)
        .map_err(|err| toml_diagnostic(path, file_text, offset, &err, TomlKind::FrontMatter))
}

fn check_no_nul(
    path: &Path,
    file_text: &str,
    offset: usize,
    toml_text: &str,
) -> Result<(), Diagnostic> {
    // TOML's own message for a NUL ("expected visible characters") hides what is
    // wrong, since a NUL cannot be seen.
    if let Some(at) = toml_text.find('\0') {
        return Err(Diagnostic::new("the line contains a NUL character, which cannot be seen")
            .in_file(path)
            .at_span(file_text, offset + at..offset + at + 1)
            .with_help("delete the character at the caret; it often comes from pasting from another program"));
    }
    Ok(())
}

/// Turns a TOML error into a diagnostic at the right place in the file.
pub fn toml_diagnostic(
    path: &Path,
    file_text: &str,
    offset: usize,
    err: &toml::de::Error,
    kind: TomlKind,
) -> Diagnostic {
    let span = err
        .span()
        .map_or(offset..offset, |s| offset + s.start..offset + s.end);
    let raw = err.message().trim_end();
    let mut message = plain_words(raw);
    // serde's type errors do not say which field; the line they point at does.
    if (raw.starts_with("invalid type") || raw.starts_with("unknown variant"))
        && let Some(key) = key_on_line(file_text, span.start)
    {
        message = format!("`{key}`: {message}");
    }
    Diagnostic::new(message)
        .in_file(path)
        .at_span(file_text, span)
        .with_help(toml_help(raw, kind == TomlKind::Settings))
}

/// serde speaks of sequences and variants; writers speak of lists and values.
fn plain_words(message: &str) -> String {
    message
        .replace("a sequence", "a list")
        .replace("unknown variant", "unknown value")
        .replace("a borrowed string", "text")
        .replace("a string", "text in quotes")
}

/// The key of the `key = value` line that `offset` is on.
fn key_on_line(text: &str, offset: usize) -> Option<String> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.contains(char::is_whitespace)).then(|| key.to_string())
}

fn toml_help(message: &str, is_config: bool) -> String {
    let fields_doc = if is_config {
        "site.toml"
    } else {
        "the front matter"
    };
    if message.starts_with("missing field") {
        if is_config {
            "add the field to site.toml, e.g. title = \"Forklart\"; docs/writing.md lists every key"
                .to_string()
        } else {
            "add the field to the front matter between the +++ lines; docs/writing.md lists every field".to_string()
        }
    } else if message.starts_with("unknown field") {
        format!("check the spelling; the fields {fields_doc} accepts are listed above")
    } else if message.starts_with("unknown variant") {
        "use one of the values listed above, in quotes".to_string()
    } else if message.contains("invalid type") {
        "text goes in quotes (\"…\"), dates are written bare (2022-01-06), lists in [ ]".to_string()
    } else if message.contains("date")
        || message.contains("day between")
        || message.contains("month")
    {
        "write dates as 2022-01-06 (year-month-day), and check that the day exists in that month"
            .to_string()
    } else if message.contains("string") {
        "text goes in double quotes on one line; use \"\"\"…\"\"\" for text over several lines"
            .to_string()
    } else if message.contains("duplicate key") {
        "a field can be given only once; remove one of them".to_string()
    } else if message.contains("unclosed") || message.contains("expected `]`") {
        "close the [ with a ] on the same field".to_string()
    } else {
        format!("check the TOML syntax of {fields_doc} at the caret: key = \"value\", one per line")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Result<Split<'_>, Diagnostic> {
        split(Path::new("content/a.md"), text)
    }

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"Blå\"\n+++\n# Hei\n";
        let split = cut(text).unwrap();
        assert_eq!(split.front_matter, "title = \"Blå\"\n");
        assert_eq!(split.body, "# Hei\n");
        assert_eq!(&text[split.front_matter_offset..][..5], "title");
        assert_eq!(&text[split.body_offset..], "# Hei\n");
    }

    #[test]
    fn accepts_crlf_a_byte_order_mark_and_an_empty_body() {
        let split = cut("\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\n").unwrap();
        assert_eq!(split.front_matter, "title = \"x\"\r\n");
        assert_eq!(split.body, "");
        let split = cut("+++\n+++").unwrap();
        assert_eq!(split.front_matter, "");
        assert_eq!(split.body, "");
    }

    #[test]
    fn a_fence_must_be_the_whole_line() {
        let split = cut("+++\ntext = \"a +++ b\"\n+++ \nbody\n+++\n").unwrap();
        assert_eq!(split.front_matter, "text = \"a +++ b\"\n");
        assert_eq!(split.body, "body\n+++\n");
    }

    #[test]
    fn missing_front_matter_points_at_line_one() {
        let err = cut("# Tittel\n").unwrap_err();
        assert_eq!(err.message, "the file does not start with front matter");
        assert_eq!(err.line(), Some(1));
        assert!(cut("").is_err());
    }

    #[test]
    fn unclosed_front_matter_points_at_the_opening_fence() {
        let err = cut("\u{feff}+++\ntitle = \"x\"\n\nTekst\n").unwrap_err();
        assert_eq!(err.message, "the front matter is never closed");
        assert_eq!(err.line(), Some(1));
        assert!(err.help.unwrap().contains("+++"));
    }

    #[test]
    fn toml_errors_use_the_line_in_the_markdown_file() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Fields {
            title: String,
        }
        let text = "+++\n\ntitle = 12\n+++\n";
        let split = cut(text).unwrap();
        let err = parse_toml::<Fields>(
            Path::new("content/a.md"),
            text,
            split.front_matter_offset,
            split.front_matter,
        )
        .unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (3, 9), "{err}");
        assert_eq!(loc.source_line, "title = 12");
        assert!(err.message.contains("invalid type"), "{err}");
    }
}
