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

/// Deserialises TOML that starts at `offset` in `file_text`, reporting errors at the
/// file's own line and column.
pub fn parse_toml<T: DeserializeOwned>(
    path: &Path,
    file_text: &str,
    offset: usize,
    toml_text: &str,
) -> Result<T, Diagnostic> {
    toml::from_str(toml_text).map_err(|err| toml_diagnostic(path, file_text, offset, &err))
}

/// Turns a TOML error into a diagnostic at the right place in the file.
pub fn toml_diagnostic(
    path: &Path,
    file_text: &str,
    offset: usize,
    err: &toml::de::Error,
) -> Diagnostic {
    let message = err.message().trim_end().to_string();
    let help = toml_help(&message);
    let diagnostic = Diagnostic::new(message).in_file(path);
    let diagnostic = match err.span() {
        Some(span) => diagnostic.at_span(file_text, offset + span.start..offset + span.end),
        None => diagnostic.at_span(file_text, offset..offset),
    };
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

fn toml_help(message: &str) -> Option<String> {
    if message.starts_with("missing field") {
        Some("add the field to the front matter; see docs/writing.md for every field".into())
    } else if message.starts_with("unknown field") {
        Some("check the spelling; the accepted fields are listed above".into())
    } else if message.contains("invalid type") {
        Some(
            "text goes in quotes (\"…\"), dates are written bare (2022-01-06), lists in [ ]".into(),
        )
    } else if message.contains("string values must be quoted") || message.contains("invalid string")
    {
        Some("put text in double quotes; use \"\"\"…\"\"\" for text over several lines".into())
    } else {
        None
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
