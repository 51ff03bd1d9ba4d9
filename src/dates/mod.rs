//! Dates as journalists write them: any precision from a year to a minute with an
//! offset, shown in the site's language and in `<time datetime>` with exactly the
//! precision given.

use std::fmt::Write;

use serde::Serialize;

use crate::i18n::Language;

mod order;
mod zone;

pub use order::{Placement, timeline_order};

/// A date of year, month, day or minute precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
    pub time: Option<TimeOfDay>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
    pub second: Option<u8>,
    /// Minutes east of UTC; `None` for a time written without an offset.
    pub offset_minutes: Option<i16>,
}

/// What a template receives for a date: the machine form and the reader's form.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShownDate {
    /// For `<time datetime="…">`: `2022`, `2022-01`, `2022-01-05` or `2022-01-05T14:00+06:00`.
    pub iso: String,
    /// For readers: "6.\u{A0}januar 2022" or "6\u{A0}January 2022".
    pub text: String,
    /// RFC 3339, for feeds and structured data (midnight UTC where no time was given).
    pub rfc3339: String,
    /// The time of day for readers, "kl. 19.00" / "19:00", in the site's zone
    /// where forklar knows it; empty for a date without one.
    pub time: String,
    /// The day with its time of day: "6. januar 2022 kl. 19.00", "6 January
    /// 2022, 19:00"; the day alone where no time was written.
    pub moment: String,
}

impl Date {
    /// Parses `2022`, `2022-01`, `2022-01-05`, `2022-01-05T14:00`, `2022-01-05 14:00:30+06:00`
    /// or the same with `Z`. The error says what was expected.
    pub fn parse(input: &str) -> Result<Date, String> {
        let s = input.trim();
        let expected = "expected a date like 2022, 2022-01, 2022-01-05 or 2022-01-05T14:00+06:00";
        let bad = || format!("`{input}` is not a date: {expected}");
        let (date_part, time_part) = match s.find(['T', 't', ' ']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let mut fields = date_part.split('-');
        let year = parse_digits(fields.next(), 4).ok_or_else(bad)? as i32;
        let month = fields
            .next()
            .map(|m| parse_digits(Some(m), 2).ok_or_else(bad))
            .transpose()?
            .map(|m| m as u8);
        let day = fields
            .next()
            .map(|d| parse_digits(Some(d), 2).ok_or_else(bad))
            .transpose()?
            .map(|d| d as u8);
        if fields.next().is_some() {
            return Err(bad());
        }
        let time = match time_part {
            None => None,
            Some(_) if day.is_none() => return Err(bad()),
            Some(t) => Some(parse_time(t).ok_or_else(bad)?),
        };
        let date = Date {
            year,
            month,
            day,
            time,
        };
        date.validate()
            .map_err(|why| format!("`{input}` is not a date: {why}"))?;
        Ok(date)
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(month) = self.month
            && !(1..=12).contains(&month)
        {
            return Err(format!("there is no month {month}"));
        }
        if let (Some(month), Some(day)) = (self.month, self.day) {
            let last = days_in_month(self.year, month);
            if day == 0 || day > last {
                return Err(format!(
                    "{} has {last} days",
                    Language::En.month_name(month)
                ));
            }
        }
        if let Some(time) = self.time {
            if time.hour > 23 || time.minute > 59 || time.second.is_some_and(|s| s > 60) {
                return Err("the time of day is out of range".into());
            }
            if time.offset_minutes.is_some_and(|o| o.abs() > 18 * 60) {
                return Err("the offset from UTC is out of range".into());
            }
        }
        Ok(())
    }

    /// Converts a TOML date or date-time, as written in front matter.
    pub fn from_toml(value: &toml::value::Datetime) -> Result<Date, String> {
        let Some(date) = value.date else {
            return Err(format!("`{value}` is a time without a date"));
        };
        let time = value.time.map(|t| TimeOfDay {
            hour: t.hour,
            minute: t.minute,
            second: t.second,
            offset_minutes: value.offset.map(|offset| match offset {
                toml::value::Offset::Z => 0,
                toml::value::Offset::Custom { minutes } => minutes,
            }),
        });
        let date = Date {
            year: i32::from(date.year),
            month: Some(date.month),
            day: Some(date.day),
            time,
        };
        date.validate()?;
        Ok(date)
    }

    /// The `datetime` attribute, with exactly the precision written.
    pub fn iso(&self) -> String {
        let mut out = String::with_capacity(25);
        push_year(&mut out, self.year);
        if let Some(month) = self.month {
            out.push('-');
            push_two_digits(&mut out, month);
        }
        if let Some(day) = self.day {
            out.push('-');
            push_two_digits(&mut out, day);
        }
        if let Some(time) = self.time {
            out.push('T');
            push_two_digits(&mut out, time.hour);
            out.push(':');
            push_two_digits(&mut out, time.minute);
            if let Some(second) = time.second {
                out.push(':');
                push_two_digits(&mut out, second);
            }
            if let Some(offset) = time.offset_minutes {
                push_offset(&mut out, offset);
            }
        }
        out
    }

    /// RFC 3339 with a full date and time; missing parts become the start of
    /// the period: the `iso` form of the date with every part filled in.
    pub fn rfc3339(&self) -> String {
        let time = self.time.unwrap_or(TimeOfDay {
            hour: 0,
            minute: 0,
            second: None,
            offset_minutes: None,
        });
        Date {
            year: self.year,
            month: Some(self.month.unwrap_or(1)),
            day: Some(self.day.unwrap_or(1)),
            time: Some(TimeOfDay {
                second: Some(time.second.unwrap_or(0)),
                offset_minutes: Some(time.offset_minutes.unwrap_or(0)),
                ..time
            }),
        }
        .iso()
    }

    /// "6.\u{A0}januar 2022" / "6\u{A0}January 2022", or less where less was written.
    pub fn long(&self, language: Language) -> String {
        self.text(language, true)
    }

    /// The form used in timelines: the year is left out where every event shares it,
    /// and a time of day is shown ("5.\u{A0}januar kl.\u{A0}14.00").
    pub fn text(&self, language: Language, with_year: bool) -> String {
        let mut out = String::with_capacity(32);
        match (self.month, self.day) {
            (None, _) => return self.year.to_string(),
            (Some(month), None) => {
                out.push_str(language.month_name(month));
                out.push(' ');
                push_number(&mut out, self.year);
            }
            (Some(month), Some(day)) => {
                push_number(&mut out, i32::from(day));
                if language == Language::Nb {
                    out.push('.');
                }
                // A no-break space keeps the day with its month on a narrow screen.
                out.push('\u{A0}');
                out.push_str(language.month_name(month));
                if with_year {
                    out.push(' ');
                    push_number(&mut out, self.year);
                }
            }
        }
        if let Some(time) = self.time {
            let (before, between) = match language {
                Language::Nb => (" kl.\u{A0}", '.'),
                Language::En => (", ", ':'),
            };
            out.push_str(before);
            push_two_digits(&mut out, time.hour);
            out.push(between);
            push_two_digits(&mut out, time.minute);
        }
        out
    }

    /// Day-level form for article stamps: "6.\u{A0}januar 2022", no time of day.
    pub fn shown(&self, language: Language) -> ShownDate {
        let day_only = Date {
            time: None,
            ..*self
        };
        ShownDate {
            iso: self.iso(),
            text: day_only.long(language),
            rfc3339: self.rfc3339(),
            time: String::new(),
            moment: day_only.long(language),
        }
    }
}

fn parse_digits(part: Option<&str>, width: usize) -> Option<u32> {
    let part = part?;
    if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

fn parse_time(text: &str) -> Option<TimeOfDay> {
    let (clock, offset_minutes) = if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        (clock, Some(0))
    } else if let Some(i) = text.rfind(['+', '-']) {
        let (clock, offset) = text.split_at(i);
        let sign: i16 = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':')?;
        let hours = parse_digits(Some(hours), 2)? as i16;
        let minutes = parse_digits(Some(minutes), 2)? as i16;
        (clock, Some(sign * (hours * 60 + minutes)))
    } else {
        (text, None)
    };
    let mut fields = clock.split(':');
    let hour = parse_digits(fields.next(), 2)? as u8;
    let minute = parse_digits(fields.next(), 2)? as u8;
    let second = match fields.next() {
        Some(s) => Some(parse_digits(Some(s.split('.').next()?), 2)? as u8),
        None => None,
    };
    if fields.next().is_some() {
        return None;
    }
    Some(TimeOfDay {
        hour,
        minute,
        second,
        offset_minutes,
    })
}

// Dates are written many times per page; pushing their digits costs a tenth
// of what `format!` does, and writes the same text.

/// An offset as RFC 3339 writes it: `Z`, `+06:00`, `-03:30`.
fn push_offset(out: &mut String, minutes: i16) {
    if minutes == 0 {
        out.push('Z');
        return;
    }
    out.push(if minutes < 0 { '-' } else { '+' });
    let minutes = minutes.unsigned_abs();
    push_two_digits(out, minutes / 60);
    out.push(':');
    push_two_digits(out, minutes % 60);
}

/// A number with at least two digits, as `{:02}` writes it.
fn push_two_digits(out: &mut String, n: impl Into<u16>) {
    let n = n.into();
    if n < 100 {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    } else {
        let _ = write!(out, "{n:02}");
    }
}

/// A year with at least four digits, as `{:04}` writes it.
fn push_year(out: &mut String, year: i32) {
    if (1000..=9999).contains(&year) {
        push_number(out, year);
    } else {
        let _ = write!(out, "{year:04}");
    }
}

/// A number as `{}` writes it.
fn push_number(out: &mut String, n: i32) {
    match n {
        0..=9 => out.push(char::from(b'0' + n as u8)),
        10..=99 => push_two_digits(out, n as u16),
        1000..=9999 => {
            push_two_digits(out, (n / 100) as u16);
            push_two_digits(out, (n % 100) as u16);
        }
        _ => {
            let _ = write!(out, "{n}");
        }
    }
}

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The calendar date for days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests;
