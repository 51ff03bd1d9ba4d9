//! Dates and time zones: a time written without an offset is on the site's
//! clock, and a time is shown on the clock it was written in.

use jiff::tz::TimeZone;

use super::{Date, ShownDate, TimeOfDay};
use crate::i18n::Language;

impl Date {
    /// Gives a time of day written without an offset the offset of `zone` on
    /// that day: a writer means the site's own clock.
    pub fn settle(&mut self, zone: &TimeZone) {
        let (Some(month), Some(day), Some(time)) = (self.month, self.day, self.time.as_mut())
        else {
            return;
        };
        if time.offset_minutes.is_some() {
            return;
        }
        let civil = jiff::civil::DateTime::new(
            self.year as i16,
            month as i8,
            day as i8,
            time.hour as i8,
            time.minute as i8,
            time.second.unwrap_or(0).min(59) as i8,
            0,
        );
        if let Ok(zoned) = civil.and_then(|c| zone.to_ambiguous_zoned_datetime(c).compatible()) {
            time.offset_minutes = Some((zoned.offset().seconds() / 60) as i16);
        }
    }

    /// The same moment on the clock of `zone`; a date without a time of day
    /// is a day wherever it is read, and stays as written.
    pub fn in_zone(&self, zone: &TimeZone) -> Date {
        let Some((minutes, second)) = self.moment() else {
            return *self;
        };
        let Ok(zoned) =
            jiff::Timestamp::from_second(minutes * 60).map(|t| t.to_zoned_datetime(zone.clone()))
        else {
            return *self;
        };
        let local = zoned.datetime();
        Date {
            year: i32::from(local.year()),
            month: Some(local.month() as u8),
            day: Some(local.day() as u8),
            time: Some(TimeOfDay {
                hour: local.hour() as u8,
                minute: local.minute() as u8,
                second: self.time.and_then(|t| t.second.map(|_| second)),
                offset_minutes: Some((zoned.offset().seconds() / 60) as i16),
            }),
        }
    }

    /// An article's stamp: the day and the time of day on the site's clock
    /// ("6. januar 2022", "kl. 19.00"), the machine forms as written.
    pub fn shown_in(&self, language: Language, zone: &TimeZone, with_year: bool) -> ShownDate {
        let local = self.in_zone(zone);
        ShownDate {
            iso: self.iso(),
            text: Date {
                time: None,
                ..local
            }
            .text(language, with_year),
            rfc3339: self.rfc3339(),
            time: local.time_text(language),
            moment: local.text(language, with_year),
        }
    }

    /// A moment for readers: the day and, where written, the time of day
    /// ("7. januar 2022 kl. 10.00").
    pub fn stamp(&self, language: Language, with_year: bool) -> ShownDate {
        let text = self.text(language, with_year);
        ShownDate {
            iso: self.iso(),
            moment: text.clone(),
            text,
            rfc3339: self.rfc3339(),
            time: String::new(),
        }
    }

    /// The time of day alone, "kl. 14.00" / "14:00"; empty without one.
    pub fn time_text(&self, language: Language) -> String {
        match (self.time, language) {
            (None, _) => String::new(),
            (Some(t), Language::Nb) => format!("kl.\u{A0}{:02}.{:02}", t.hour, t.minute),
            (Some(t), Language::En) => format!("{:02}:{:02}", t.hour, t.minute),
        }
    }

    /// "UTC+6", where this time of day was written in another offset than the
    /// one `zone` has at that moment: a reader on the site's clock must know
    /// whose clock the time is on.
    pub fn foreign_offset(&self, zone: &TimeZone) -> Option<String> {
        let offset = self.time?.offset_minutes?;
        let (minutes, _) = self.moment()?;
        let moment = jiff::Timestamp::from_second(minutes * 60).ok()?;
        if i32::from(offset) * 60 == zone.to_offset(moment).seconds() {
            return None;
        }
        let sign = if offset < 0 { '−' } else { '+' };
        let (hours, minutes) = (offset.unsigned_abs() / 60, offset.unsigned_abs() % 60);
        Some(match (hours, minutes) {
            (0, 0) => "UTC".to_string(),
            (hours, 0) => format!("UTC{sign}{hours}"),
            (hours, minutes) => format!("UTC{sign}{hours}:{minutes:02}"),
        })
    }

    /// The moment this date begins: its time of day where one is written,
    /// else midnight on the clock of `zone`, when a day starts for readers
    /// there. `None` for a year or a month alone.
    pub fn begins(&self, zone: &TimeZone) -> Option<jiff::Timestamp> {
        if let Some((minutes, second)) = self.moment()
            && self.time.is_some_and(|t| t.offset_minutes.is_some())
        {
            return jiff::Timestamp::from_second(minutes * 60 + i64::from(second.min(59))).ok();
        }
        let civil = jiff::civil::date(self.year as i16, self.month? as i8, self.day? as i8);
        let midnight = civil.to_datetime(jiff::civil::Time::midnight());
        let time = self.time.map_or(midnight, |t| {
            civil.at(
                t.hour as i8,
                t.minute as i8,
                t.second.unwrap_or(0).min(59) as i8,
                0,
            )
        });
        zone.to_ambiguous_zoned_datetime(time)
            .compatible()
            .ok()
            .map(|zoned| zoned.timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oslo() -> TimeZone {
        jiff::tz::db().get("Europe/Oslo").unwrap()
    }

    fn moment(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    /// What Decap and Sveltia write: quoted, with milliseconds, `Z`, or no
    /// offset at all (then it is the site's clock).
    #[test]
    fn the_forms_a_cms_writes_are_moments_on_the_sites_clock() {
        let zone = oslo();
        let cases = [
            ("2023-06-25T10:00:00.000Z", "2023-06-25T10:00:00Z"),
            ("2023-06-25T10:00:00Z", "2023-06-25T10:00:00Z"),
            ("2023-06-25T12:00:00.5+02:00", "2023-06-25T10:00:00Z"),
            ("2023-06-25T12:00:00", "2023-06-25T10:00:00Z"),
            ("2023-06-25T12:00", "2023-06-25T10:00:00Z"),
            ("2023-06-25 12:00", "2023-06-25T10:00:00Z"),
            ("2023-06-25", "2023-06-24T22:00:00Z"),
        ];
        for (written, expected) in cases {
            let mut date = Date::parse(written).unwrap_or_else(|e| panic!("{written}: {e}"));
            assert_eq!(date.begins(&zone), Some(moment(expected)), "{written}");
            date.settle(&zone);
            assert_eq!(
                date.begins(&zone),
                Some(moment(expected)),
                "{written} settled"
            );
        }
        assert_eq!(Date::parse("2023-06").unwrap().begins(&zone), None);
    }

    #[test]
    fn toml_local_date_times_are_read_on_the_sites_clock() {
        let zone = oslo();
        let table: toml::Table =
            toml::from_str("a = 2023-01-05T14:15:00.250\nb = 2023-01-05").unwrap();
        for (key, expected) in [("a", "2023-01-05T13:15:00Z"), ("b", "2023-01-04T23:00:00Z")] {
            let toml::Value::Datetime(value) = &table[key] else {
                panic!("{key} is a date-time");
            };
            let mut date = Date::from_toml(value).unwrap();
            date.settle(&zone);
            assert_eq!(date.begins(&zone), Some(moment(expected)), "{key}");
        }
    }

    #[test]
    fn what_a_cms_must_not_write_is_refused() {
        for written in [
            "2023-06-25T24:00:00Z",
            "25.06.2023",
            "2023-06-25T10:00:00+25:00",
            "i morgen",
        ] {
            assert!(Date::parse(written).is_err(), "{written}");
        }
    }
}
