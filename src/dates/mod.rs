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

    /// RFC 3339 with a full date and time; missing parts become the start of the period.
    pub fn rfc3339(&self) -> String {
        let (hour, minute, second, offset) = match self.time {
            Some(t) => (
                t.hour,
                t.minute,
                t.second.unwrap_or(0),
                t.offset_minutes.unwrap_or(0),
            ),
            None => (0, 0, 0, 0),
        };
        let mut out = String::with_capacity(25);
        push_year(&mut out, self.year);
        out.push('-');
        push_two_digits(&mut out, self.month.unwrap_or(1));
        out.push('-');
        push_two_digits(&mut out, self.day.unwrap_or(1));
        out.push('T');
        push_two_digits(&mut out, hour);
        out.push(':');
        push_two_digits(&mut out, minute);
        out.push(':');
        push_two_digits(&mut out, second);
        push_offset(&mut out, offset);
        out
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
mod tests {
    use super::*;

    /// The digits pushed by hand are the text `format!` writes, for every
    /// precision, language, offset and a year of each width.
    #[test]
    fn machine_and_reader_forms_are_what_format_writes() {
        let offset = |minutes: i16| match minutes {
            0 => "Z".to_string(),
            m => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                format!("{sign}{:02}:{:02}", m / 60, m % 60)
            }
        };
        for year in [7, 99, 999, 1999, 2022, 10000] {
            for (month, day) in [
                (None, None),
                (Some(1), None),
                (Some(3), Some(5)),
                (Some(12), Some(31)),
            ] {
                for time in [
                    None,
                    Some((0, 0, None, None)),
                    Some((9, 5, Some(7), Some(-210))),
                    Some((23, 59, None, Some(360))),
                ] {
                    if time.is_some() && day.is_none() {
                        continue;
                    }
                    let date = Date {
                        year,
                        month,
                        day,
                        time: time.map(|(hour, minute, second, offset_minutes)| TimeOfDay {
                            hour,
                            minute,
                            second,
                            offset_minutes,
                        }),
                    };
                    let mut iso = format!("{year:04}");
                    for part in [month, day].into_iter().flatten() {
                        iso += &format!("-{part:02}");
                    }
                    if let Some((hour, minute, second, zone)) = time {
                        iso += &format!("T{hour:02}:{minute:02}");
                        if let Some(second) = second {
                            iso += &format!(":{second:02}");
                        }
                        if let Some(zone) = zone {
                            iso += &offset(zone);
                        }
                    }
                    assert_eq!(date.iso(), iso);
                    let (hour, minute, second, zone) = time.map_or((0, 0, 0, 0), |(h, m, s, z)| {
                        (h, m, s.unwrap_or(0), z.unwrap_or(0))
                    });
                    assert_eq!(
                        date.rfc3339(),
                        format!(
                            "{year:04}-{:02}-{:02}T{hour:02}:{minute:02}:{second:02}{}",
                            month.unwrap_or(1),
                            day.unwrap_or(1),
                            offset(zone)
                        )
                    );
                    for language in [Language::Nb, Language::En] {
                        for with_year in [true, false] {
                            let name = |m| language.month_name(m);
                            let mut text = match (month, day, language, with_year) {
                                (None, ..) => year.to_string(),
                                (Some(m), None, ..) => format!("{} {year}", name(m)),
                                (Some(m), Some(d), Language::Nb, true) => {
                                    format!("{d}.\u{A0}{} {year}", name(m))
                                }
                                (Some(m), Some(d), Language::Nb, false) => {
                                    format!("{d}.\u{A0}{}", name(m))
                                }
                                (Some(m), Some(d), Language::En, true) => {
                                    format!("{d}\u{A0}{} {year}", name(m))
                                }
                                (Some(m), Some(d), Language::En, false) => {
                                    format!("{d}\u{A0}{}", name(m))
                                }
                            };
                            if let (Some((hour, minute, ..)), Some(_)) = (time, month) {
                                text += &match language {
                                    Language::Nb => format!(" kl.\u{A0}{hour:02}.{minute:02}"),
                                    Language::En => format!(", {hour:02}:{minute:02}"),
                                };
                            }
                            assert_eq!(date.text(language, with_year), text);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn parses_every_precision() {
        assert_eq!(Date::parse("2022").unwrap().iso(), "2022");
        assert_eq!(Date::parse("2022-01").unwrap().iso(), "2022-01");
        assert_eq!(Date::parse("2022-01-05").unwrap().iso(), "2022-01-05");
        assert_eq!(
            Date::parse("2022-01-05T14:00+06:00").unwrap().iso(),
            "2022-01-05T14:00+06:00"
        );
        assert_eq!(
            Date::parse("2022-01-05 14:00:30Z").unwrap().iso(),
            "2022-01-05T14:00:30Z"
        );
        assert_eq!(
            Date::parse("2022-01-05T14:00").unwrap().iso(),
            "2022-01-05T14:00"
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "22",
            "2022-1",
            "2022-13",
            "2022-02-30",
            "2022-01-05T25:00",
            "januar",
            "2022-01T10:00",
            "2022-01-05T10:00+25:00",
            "2022-01-05-01",
        ] {
            let err = Date::parse(bad).unwrap_err();
            assert!(err.contains("is not a date"), "{bad}: {err}");
        }
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(
            Date::parse("2023-02-29")
                .unwrap_err()
                .contains("February has 28 days")
        );
    }

    #[test]
    fn norwegian_and_english_long_dates() {
        let date = Date::parse("2022-01-06").unwrap();
        assert_eq!(date.long(Language::Nb), "6.\u{A0}januar 2022");
        assert_eq!(date.long(Language::En), "6\u{A0}January 2022");
        let month = Date::parse("2022-12").unwrap();
        assert_eq!(month.long(Language::Nb), "desember 2022");
        assert_eq!(month.long(Language::En), "December 2022");
        assert_eq!(Date::parse("1992").unwrap().long(Language::Nb), "1992");
    }

    #[test]
    fn timeline_forms_include_the_time_of_day() {
        let date = Date::parse("2022-01-05T14:00+06:00").unwrap();
        assert_eq!(
            date.text(Language::Nb, false),
            "5.\u{A0}januar kl.\u{A0}14.00"
        );
        assert_eq!(date.text(Language::En, false), "5\u{A0}January, 14:00");
        assert_eq!(
            Date::parse("2022-01-02").unwrap().text(Language::Nb, false),
            "2.\u{A0}januar"
        );
    }

    #[test]
    fn article_stamps_show_the_day_and_keep_the_exact_time_for_machines() {
        let toml: toml::value::Datetime = "2022-01-06T19:00:00+01:00".parse().unwrap();
        let shown = Date::from_toml(&toml).unwrap().shown(Language::Nb);
        assert_eq!(shown.text, "6.\u{A0}januar 2022");
        assert_eq!(shown.iso, "2022-01-06T19:00:00+01:00");
        assert_eq!(shown.rfc3339, "2022-01-06T19:00:00+01:00");
        let day: toml::value::Datetime = "2022-01-06".parse().unwrap();
        assert_eq!(
            Date::from_toml(&day).unwrap().rfc3339(),
            "2022-01-06T00:00:00Z"
        );
    }

    #[test]
    fn chronological_order_respects_precision_and_offsets() {
        let mut dates: Vec<Date> = [
            "2022-01-05T14:00+06:00",
            "2022-01-05",
            "2022-01",
            "2022",
            "2022-01-05T10:00+01:00",
            "2021-12-31",
        ]
        .iter()
        .map(|s| Date::parse(s).unwrap())
        .collect();
        dates.sort_by(Date::chronological);
        let order: Vec<String> = dates.iter().map(Date::iso).collect();
        assert_eq!(
            order,
            [
                "2021-12-31",
                "2022",
                "2022-01",
                "2022-01-05",
                "2022-01-05T14:00+06:00",
                "2022-01-05T10:00+01:00"
            ]
        );
    }

    #[test]
    fn times_in_different_offsets_are_ordered_as_moments() {
        let later = Date::parse("2022-01-05T21:00+01:00").unwrap();
        let earlier = Date::parse("2022-01-06T01:00+06:00").unwrap();
        assert!(earlier.chronological(&later).is_lt());
        let published = Date::parse("2022-01-06T00:30+01:00").unwrap();
        let updated = Date::parse("2022-01-05T23:45Z").unwrap();
        assert!(updated.chronological(&published).is_gt());
    }

    fn ordered(written: &[&str]) -> Vec<String> {
        let dates: Vec<Date> = written.iter().map(|s| Date::parse(s).unwrap()).collect();
        timeline_order(&dates)
            .into_iter()
            .map(|i| dates[i].iso())
            .collect()
    }

    #[test]
    fn a_date_that_contains_another_keeps_the_order_written() {
        assert_eq!(
            ordered(&["2022-01-05T14:00+06:00", "2022-01-05", "2022-01-02"]),
            ["2022-01-02", "2022-01-05T14:00+06:00", "2022-01-05"]
        );
        assert_eq!(
            ordered(&["2022-01-02", "2022-01-19", "2022-01", "2022-02-01"]),
            ["2022-01-02", "2022-01-19", "2022-01", "2022-02-01"]
        );
        assert_eq!(
            ordered(&["2022-01", "2022-01-19", "2022-01-02", "2021-12-31"]),
            ["2021-12-31", "2022-01", "2022-01-02", "2022-01-19"]
        );
        assert_eq!(
            ordered(&["2022-01-19", "2022-01", "2022-01-05"]),
            ["2022-01-05", "2022-01-19", "2022-01"]
        );
        assert_eq!(
            ordered(&[
                "2022-01-05T14:00+06:00",
                "2022",
                "2022-01-02",
                "2022-01-05",
                "2022-01"
            ]),
            [
                "2022",
                "2022-01-02",
                "2022-01-05T14:00+06:00",
                "2022-01-05",
                "2022-01"
            ]
        );
        assert_eq!(
            ordered(&["2022-01-05T21:00+01:00", "2022-01-06T01:00+06:00"]),
            ["2022-01-06T01:00+06:00", "2022-01-05T21:00+01:00"]
        );
    }

    #[test]
    fn times_without_an_offset_are_read_on_the_sites_clock_and_shown_on_it() {
        let oslo = jiff::tz::db().get("Europe/Oslo").unwrap();
        let mut winter = Date::parse("2022-01-06T19:00").unwrap();
        winter.settle(&oslo);
        assert_eq!(winter.iso(), "2022-01-06T19:00+01:00");
        let mut summer = Date::parse("2022-07-06T19:00").unwrap();
        summer.settle(&oslo);
        assert_eq!(summer.iso(), "2022-07-06T19:00+02:00");
        let almaty = Date::parse("2022-01-06T01:00+06:00").unwrap();
        let shown = almaty.shown_in(Language::Nb, &oslo, true);
        assert_eq!(shown.text, "5.\u{A0}januar 2022");
        assert_eq!(shown.time, "kl.\u{A0}20.00");
        assert_eq!(shown.iso, "2022-01-06T01:00+06:00");
        assert_eq!(almaty.foreign_offset(&oslo).as_deref(), Some("UTC+6"));
        assert_eq!(winter.foreign_offset(&oslo), None);
        let india = Date::parse("2022-01-06T01:00+05:30").unwrap();
        assert_eq!(india.foreign_offset(&oslo).as_deref(), Some("UTC+5:30"));
    }

    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 1, 18_993, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(18_998), (2022, 1, 6));
    }
}
