//! Reading fields of one file: every value keeps where it was written, so each
//! problem is reported at its own line, and all of a file's problems together.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use crate::dates::Date;
use crate::diagnostics::Diagnostic;
use crate::url_policy::check_url;

/// A date as written: bare (`2022-01-06`), quoted (`"2022-01-06"`, as CMSs
/// write it) or a year alone (`2022`, in timelines); all read by one rule.
pub type DateField = Spanned<toml::Value>;

/// One file being read: its text, where the TOML starts in it, and the
/// problems found so far.
pub struct FileCx<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// Where the TOML being read starts in `text`.
    pub offset: usize,
    pub problems: Vec<Diagnostic>,
}

/// Where a value is in its file, in half the room of a `Range<usize>`: kept
/// for every tag and reference of every article of the site. A file is far
/// below 4 GiB (an article beyond it is refused); a place past it would
/// only point the caret at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    start: u32,
    end: u32,
}

impl Place {
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl From<Range<usize>> for Place {
    fn from(range: Range<usize>) -> Place {
        Place {
            start: offset_u32(range.start),
            end: offset_u32(range.end),
        }
    }
}

/// A length or place within a file kept in 32 bits. An article over 4 GiB
/// is refused when it is read; anything past that saturates, which can only
/// move a caret to the end.
pub fn offset_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a> FileCx<'a> {
    pub fn new(path: &'a Path, text: &'a str, offset: usize) -> FileCx<'a> {
        FileCx {
            path,
            text,
            offset,
            problems: Vec::new(),
        }
    }

    /// Where a value is in the file.
    pub fn span<T>(&self, value: &Spanned<T>) -> Range<usize> {
        self.offset + value.span().start..self.offset + value.span().end
    }

    /// The first line of a value, for tables that span several lines.
    pub fn first_line<T>(&self, value: &Spanned<T>) -> Range<usize> {
        let span = self.span(value);
        let end = memchr::memchr(b'\n', &self.text.as_bytes()[span.start..])
            .map_or(span.end, |i| span.start + i);
        span.start..end.min(span.end).max(span.start)
    }

    pub fn error(&mut self, message: impl Into<String>, span: Range<usize>, help: &str) {
        let diagnostic = Diagnostic::new(message)
            .in_file(self.path)
            .at_span(self.text, span);
        self.problems.push(if help.is_empty() {
            diagnostic
        } else {
            diagnostic.with_help(help)
        });
    }

    /// A date of any precision (a year, a month, a day or a minute).
    pub fn date(&mut self, value: &DateField) -> Option<Date> {
        let parsed = match value.get_ref() {
            toml::Value::String(s) => Date::parse(s.trim()),
            toml::Value::Integer(year) => Date::parse(&format!("{year:04}")),
            toml::Value::Datetime(dt) => Date::from_toml(dt),
            toml::Value::Float(f) => Err(format!(
                "`{f}` is not a date: dates are written 2022-01-06 (year-month-day)"
            )),
            other => Err(format!("a {} is not a date", other.type_str())),
        };
        match parsed {
            Ok(date) => Some(date),
            Err(why) => {
                let span = self.span(value);
                self.error(
                    why,
                    span,
                    "write the date as 2022-01-06, or with a time as 2022-01-06T18:00:00+01:00",
                );
                None
            }
        }
    }

    /// A date that names a day, as an article's `date` must.
    pub fn day(&mut self, value: &DateField) -> Option<Date> {
        let date = self.date(value)?;
        if date.day.is_none() {
            let span = self.span(value);
            self.error(
                "this date does not name a day",
                span,
                "write the whole date, 2022-01-06, or with a time, 2022-01-06T18:00:00+01:00",
            );
            return None;
        }
        Some(date)
    }

    /// A link written in front matter: a web address or a site path, never a script.
    pub fn url(&mut self, value: &Spanned<String>) -> Option<String> {
        match check_url(value.get_ref()) {
            Ok(()) => Some(value.get_ref().clone()),
            Err(why) => {
                let span = self.span(value);
                self.error(
                    why,
                    span,
                    "links must be https:// addresses or paths on the site, such as /bilder/kart.png",
                );
                None
            }
        }
    }

    /// Text that must not be empty.
    pub fn required(
        &mut self,
        value: Option<&String>,
        what: &str,
        at: Range<usize>,
        help: &str,
    ) -> Option<String> {
        match value.filter(|v| !v.trim().is_empty()) {
            Some(v) => Some(v.clone()),
            None => {
                self.error(what.to_string(), at, help);
                None
            }
        }
    }

    /// The problems found, or `value` when there were none.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}
