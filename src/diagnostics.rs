//! Errors a writer can act on: the file, the line and column, the source line with a
//! caret under the problem, and what to do about it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Whether a problem stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    /// The site is not written.
    #[default]
    Error,
    /// Shown, with its place and help, but the site is written.
    Warning,
}

/// One problem found while loading or rendering a site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub file: Option<PathBuf>,
    /// Boxed, so a `Result` carrying a diagnostic stays small.
    pub location: Option<Box<Location>>,
    pub help: Option<String>,
}

/// Where in a file a problem is, with the text needed to draw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The whole source line, without its line break.
    pub source_line: String,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
}

/// How many line breaks `text` holds: counted byte by byte, which the
/// compiler turns into SIMD, where `matches('\n')` searches once a line.
pub fn line_breaks(text: &str) -> usize {
    text.bytes().filter(|&byte| byte == b'\n').count()
}

impl Location {
    /// Locates a byte range of `text`. A range past the end points at the last line.
    pub fn from_span(text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = line_breaks(&text[..start]) + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        Location {
            line,
            column,
            source_line: text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            width,
        }
    }
}

/// The byte offset where the 1-based `line` begins (or the end of the text).
impl Location {
    /// Locates the start of a 1-based line.
    pub fn from_line(text: &str, line: usize) -> Location {
        let offset = line_offset(text, line);
        Location::from_span(text, offset..offset)
    }
}

pub fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            location: None,
            help: None,
        }
    }

    /// A problem the writer should see that does not stop the build.
    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(message)
        }
    }

    /// The same problem, reported as one that does not stop the build.
    pub fn as_warning(self) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..self
        }
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Diagnostic {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(Box::new(location));
        self
    }

    pub fn at_span(self, text: &str, span: Range<usize>) -> Diagnostic {
        self.at(Location::from_span(text, span))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The line, if the problem has one.
    pub fn line(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.line)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", visible(&self.message))?;
        let help = self.help.as_deref().map(visible);
        match (&self.file, &self.location) {
            (Some(file), Some(loc)) => {
                let gutter = " ".repeat(loc.line.to_string().len());
                writeln!(
                    f,
                    "{gutter}--> {}:{}:{}",
                    visible(&file.display().to_string()),
                    loc.line,
                    loc.column
                )?;
                writeln!(f, "{gutter} |")?;
                writeln!(f, "{} | {}", loc.line, visible(&loc.source_line))?;
                // The caret stands under the character as shown, escapes included.
                let before: String = loc.source_line.chars().take(loc.column - 1).collect();
                let pad: String = visible(&before)
                    .chars()
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{gutter} | {pad}{}", "^".repeat(loc.width))?;
                if let Some(help) = help {
                    writeln!(f, "{gutter} = help: {help}")?;
                }
            }
            (Some(file), None) => {
                writeln!(f, "  --> {}", visible(&file.display().to_string()))?;
                if let Some(help) = help {
                    writeln!(f, "   = help: {help}")?;
                }
            }
            (None, _) => {
                if let Some(help) = help {
                    writeln!(f, "   = help: {help}")?;
                }
            }
        }
        Ok(())
    }
}

/// Text as it may be shown in a terminal: control characters (which could
/// move the cursor, clear the screen or set the window title) are written as
/// `\u{1b}` instead. Tabs stay, so source lines keep their shape.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_control(c) {
            shown.push_str(&c.escape_unicode().to_string());
        } else {
            shown.push(c);
        }
    }
    std::borrow::Cow::Owned(shown)
}

fn is_unsafe_control(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// Every problem a build found, so a writer can fix them all in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl Diagnostics {
    /// How many of them stop the build.
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| !d.is_warning()).count()
    }

    pub fn warnings(&self) -> usize {
        self.0.iter().filter(|d| d.is_warning()).count()
    }

    /// "2 errors and 1 warning", "1 warning": the counts for a summary line.
    pub fn summary(&self) -> String {
        let counted = [(self.errors(), "error"), (self.warnings(), "warning")];
        let parts: Vec<String> = counted
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| count(*n, what))
            .collect();
        if parts.is_empty() {
            "no problems".to_string()
        } else {
            parts.join(" and ")
        }
    }
}

/// "1 article", "2 articles": a number with its noun, singular where it is one.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if let Some(stem) = noun.strip_suffix('y')
        && !noun.ends_with("ey")
    {
        format!("{n} {stem}ies")
    } else if noun.ends_with("ss") {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Diagnostics {
        Diagnostics(vec![diagnostic])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_a_span_by_line_and_character_column() {
        let text = "første\nblå = «x»\nsiste";
        let start = text.find('«').unwrap();
        let loc = Location::from_span(text, start..start + '«'.len_utf8() + 1);
        assert_eq!(loc.line, 2);
        assert_eq!(loc.column, 7);
        assert_eq!(loc.source_line, "blå = «x»");
        assert_eq!(loc.width, 2);
    }

    #[test]
    fn draws_file_line_column_source_and_caret() {
        let text = "a = 1\ntitle = 12\n";
        let d = Diagnostic::new("invalid type")
            .in_file("content/x.md")
            .at_span(text, 14..16)
            .with_help("put the title in quotes");
        let shown = d.to_string();
        assert!(shown.contains("--> content/x.md:2:9"), "{shown}");
        assert!(shown.contains("2 | title = 12\n"), "{shown}");
        assert!(shown.contains("  |         ^^\n"), "{shown}");
        assert!(shown.contains("= help: put the title in quotes"), "{shown}");
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        let text = "background = [\"\u{1b}]0;PWNED\u{7}\"]\n";
        let d = Diagnostic::new("unknown background entry `\u{1b}]0;PWNED\u{7}`")
            .in_file("content/x\u{1b}[2J.md")
            .at_span(text, 14..27)
            .with_help("\u{1b}[2J");
        let shown = d.to_string();
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        assert!(shown.contains("\\u{1b}]0;PWNED\\u{7}"), "{shown}");
        let lines: Vec<&str> = shown.lines().collect();
        let source = lines.iter().find(|l| l.starts_with("1 | ")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        assert_eq!(
            &source[caret.find('^').unwrap()..][..1],
            "\"",
            "the caret stands under the opening quote\n{shown}"
        );
    }

    #[test]
    fn counts_take_the_singular_for_one() {
        assert_eq!(count(1, "article"), "1 article");
        assert_eq!(count(2, "article"), "2 articles");
        assert_eq!(count(0, "page"), "0 pages");
        assert_eq!(count(1, "address"), "1 address");
        assert_eq!(count(3, "address"), "3 addresses");
        assert_eq!(count(2, "entry"), "2 entries");
        let mixed = Diagnostics(vec![
            Diagnostic::new("a"),
            Diagnostic::warning("b"),
            Diagnostic::warning("c"),
        ]);
        assert_eq!(mixed.summary(), "1 error and 2 warnings");
        assert!(mixed.to_string().contains("warning: b"));
    }

    #[test]
    fn line_offsets_count_from_one() {
        let text = "a\nbb\nccc";
        assert_eq!(line_offset(text, 1), 0);
        assert_eq!(line_offset(text, 2), 2);
        assert_eq!(line_offset(text, 3), 5);
        assert_eq!(line_offset(text, 9), text.len());
    }
}
