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
    // A fence starts its line with `+++`: jump from one such line to the
    // next rather than walking every line of a long front matter.
    let mut line_start = front_matter_offset;
    while line_start < text.len() {
        let mut rest = LineIter {
            text,
            pos: line_start,
        };
        if let Some(line) = rest.next()
            && fence_line(&text[line.clone()])
        {
            let body_offset = rest.pos;
            return Ok(Split {
                front_matter: &text[front_matter_offset..line.start],
                front_matter_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        match memchr::memmem::find(&text.as_bytes()[line_start..], b"\n+++") {
            Some(at) => line_start += at + 1,
            None => break,
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

/// The front matter with every statement that does not set one of the
/// top-level keys `keep` accepts blanked out (spaces; line breaks stay), so
/// that parsing it reads only those keys while every place in it stays where
/// it is in the file. A statement is a `key = value` (with all the lines its
/// value spans) or a `[table]` or `[[table]]` header with the statements under
/// it. `None` where the text holds something this scan does not follow: it
/// is then parsed whole. Text it follows but TOML does not accept fails
/// when the statements kept are parsed, or when the others are.
pub fn only_keys(front_matter: &str, keep: impl Fn(&str) -> bool) -> Option<String> {
    let bytes = front_matter.as_bytes();
    let mut out = bytes.to_vec();
    // Whether the table of the last header is kept; `None` before any header.
    let mut table_kept = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let start = pos;
        pos = skip_blanks(bytes, pos);
        let kept = match bytes.get(pos) {
            None | Some(b'\n' | b'\r' | b'#') => {
                pos = after_line(bytes, pos);
                false
            }
            Some(b'[') => {
                let array = bytes.get(pos + 1) == Some(&b'[');
                let (key, after) = first_key(front_matter, pos + 1 + usize::from(array))?;
                let kept = keep(key);
                table_kept = Some(kept);
                pos = after_line(bytes, header_end(bytes, after, array)?);
                kept
            }
            // Under a header, the statement goes with the header's table.
            Some(_) => match table_kept {
                Some(kept) => {
                    pos = statement_end(bytes, pos)?;
                    kept
                }
                None => {
                    let (key, after) = first_key(front_matter, pos)?;
                    pos = statement_end(bytes, after)?;
                    keep(key)
                }
            },
        };
        if !kept {
            for byte in &mut out[start..pos] {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
        }
    }
    crate::utf8::into_string(out).ok()
}

fn skip_blanks(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t')) {
        pos += 1;
    }
    pos
}

/// Just past the line break of the line `pos` is on.
fn after_line(bytes: &[u8], pos: usize) -> usize {
    bytes[pos.min(bytes.len())..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| pos + i + 1)
}

/// The first part of the (dotted) key at `pos`, and where it ends.
fn first_key(text: &str, pos: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    let pos = skip_blanks(bytes, pos);
    let (start, end, after) = match bytes.get(pos)? {
        quote @ (b'"' | b'\'') => {
            let len = bytes[pos + 1..].iter().position(|b| b == quote)?;
            let end = pos + 1 + len;
            (pos + 1, end, end + 1)
        }
        _ => {
            let len = bytes[pos..]
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')))
                .unwrap_or(bytes.len() - pos);
            (pos, pos + len, pos + len)
        }
    };
    let key = &bytes[start..end];
    // An escape or a line break in a key is beyond this scan.
    if key.is_empty() || key.iter().any(|&b| b == b'\\' || b == b'\n') {
        return None;
    }
    // Both ends are next to ASCII bytes, so on character boundaries.
    Some((text.get(start..end)?, after))
}

/// Just past the `]` (or `]]`) that closes the header whose key goes on at `pos`.
fn header_end(bytes: &[u8], mut pos: usize, array: bool) -> Option<usize> {
    loop {
        match *bytes.get(pos)? {
            b'\n' => return None,
            b']' if !array || bytes.get(pos + 1) == Some(&b']') => {
                return Some(pos + 1 + usize::from(array));
            }
            quote @ (b'"' | b'\'') => {
                pos += 1 + bytes[pos + 1..]
                    .iter()
                    .position(|&b| b == quote || b == b'\n')?;
                if bytes[pos] != quote {
                    return None;
                }
                pos += 1;
            }
            _ => pos += 1,
        }
    }
}

/// Just past the line break that ends the `key = value` statement whose key
/// goes on at `pos`: the first one outside strings, arrays and inline tables.
fn statement_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        let Some(&byte) = bytes.get(pos) else {
            return (depth == 0).then_some(pos);
        };
        match byte {
            b'\n' if depth == 0 => return Some(pos + 1),
            b'#' => {
                pos += bytes[pos..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .unwrap_or(bytes.len() - pos);
            }
            b'"' | b'\'' => pos = string_end(bytes, pos)?,
            b'[' | b'{' => {
                depth += 1;
                pos += 1;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                pos += 1;
            }
            _ => pos += 1,
        }
    }
}

/// Just past the string that opens at `pos`: basic or literal, on one line or many.
fn string_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let quote = bytes[pos];
    let escapes = quote == b'"';
    let many_lines = bytes.get(pos..pos + 3) == Some(&[quote; 3]);
    let mut at = pos + if many_lines { 3 } else { 1 };
    loop {
        at += memchr::memchr3(quote, b'\\', b'\n', bytes.get(at..)?)?;
        let byte = bytes[at];
        if byte == b'\\' {
            at += if escapes { 2 } else { 1 };
        } else if byte == b'\n' {
            if !many_lines {
                return None;
            }
            at += 1;
        } else if !many_lines {
            return Some(at + 1);
        } else if bytes.get(at..at + 3) == Some(&[quote; 3]) {
            // Up to two more quotes before the closing three belong to the text.
            let run = bytes[at..].iter().take_while(|&&b| b == quote).count();
            return (run <= 5).then_some(at + run);
        } else {
            at += 1;
        }
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
    if let Some(at) = memchr::memchr(0, toml_text.as_bytes()) {
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
    if let Some(slip) = common_slip(file_text, span.start, raw) {
        let (span, message, help) = slip;
        return Diagnostic::new(message)
            .in_file(path)
            .at_span(file_text, span)
            .with_help(help);
    }
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

/// The commonest slips of writers new to TOML, recognised on the line of the
/// error and explained with what to type instead: a quote inside quoted text,
/// a date written the Norwegian way, true or false in quotes. Gives the span to
/// underline, the message and the help.
fn common_slip(text: &str, offset: usize, message: &str) -> Option<(Range<usize>, String, String)> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let equals = line.find('=')?;
    let key = line[..equals].trim();
    let raw_value = &line[equals + 1..];
    let value_start = line_start + equals + 1 + (raw_value.len() - raw_value.trim_start().len());
    let value = raw_value.trim();
    let value_span = value_start..value_start + value.len();
    if let Some(date) = day_month_year(value) {
        return Some((
            value_span,
            format!("`{value}` is not a date forklar can read"),
            format!("dates are written year-month-day, without quotes: {key} = {date}"),
        ));
    }
    if message.contains("invalid type")
        && let Some(word) = ["true", "false"]
            .into_iter()
            .find(|w| value.trim_matches(['"', '\'']).eq_ignore_ascii_case(w))
        && value.starts_with(['"', '\''])
    {
        return Some((
            value_span,
            format!("`{key}` must be true or false, not text in quotes"),
            format!("write true or false, without quotes: {key} = {word}"),
        ));
    }
    if value.starts_with('"') && !value.starts_with("\"\"\"") && inner_quotes(value) {
        let fixed = with_guillemets(value);
        return Some((
            value_span,
            "a quotation mark inside the text ends it too early".to_string(),
            format!(
                "to put quotes inside text, use «…» or write \\\"; for example {key} = {fixed}"
            ),
        ));
    }
    None
}

/// `25.06.2023`, `25/6/2023` or `25-06-2023` as TOML's `2023-06-25`.
fn day_month_year(value: &str) -> Option<String> {
    let value = value.trim_matches(['"', '\'']);
    let parts: Vec<&str> = value.split(['.', '/', '-']).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !(all_digits(day) && all_digits(month) && all_digits(year))
        || day.len() > 2
        || month.len() > 2
        || year.len() != 4
    {
        return None;
    }
    Some(format!("{year}-{month:0>2}-{day:0>2}"))
}

/// Whether a value that opens with `"` has an unescaped `"` before its last one.
fn inner_quotes(value: &str) -> bool {
    let mut quotes = 0;
    let mut escaped = false;
    for c in value.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => quotes += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    quotes > 2
}

/// The value with its inner quotes as «…», as the writer most likely meant.
fn with_guillemets(value: &str) -> String {
    let inner = &value[1..value.rfind('"').unwrap_or(value.len()).max(1)];
    let mut fixed = String::from("\"");
    let mut open = true;
    for c in inner.chars() {
        if c == '"' {
            fixed.push(if open { '«' } else { '»' });
            open = !open;
        } else {
            fixed.push(c);
        }
    }
    fixed.push('"');
    fixed
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
mod tests;
