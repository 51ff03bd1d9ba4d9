//! What day it is for the build. Everything that compares with "now" asks
//! [`today`], so a fixed clock (`FORKLAR_NOW`) replaces the system's in one place.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::dates::{Date, civil_from_days};
use crate::diagnostics::Diagnostic;

/// Set to an RFC 3339 date-time (`2022-04-21T09:00:00+02:00`) to build as if
/// it were then: for reproducible builds and tests.
pub const NOW_VAR: &str = "FORKLAR_NOW";

/// Today, as a day: from `FORKLAR_NOW` when it is set (the day as written in
/// its offset), else from the system clock in UTC.
pub fn today() -> Result<Date, Diagnostic> {
    match std::env::var(NOW_VAR) {
        Ok(text) => parse_now(&text),
        Err(_) => {
            let seconds = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
            Ok(Date {
                year,
                month: Some(month),
                day: Some(day),
                time: None,
            })
        }
    }
}

/// The day a moment given with `--now` falls on in `zone`.
pub fn day_of(now: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> Date {
    let date = zone.to_datetime(now).date();
    Date {
        year: i32::from(date.year()),
        month: u8::try_from(date.month()).ok(),
        day: u8::try_from(date.day()).ok(),
        time: None,
    }
}

fn parse_now(text: &str) -> Result<Date, Diagnostic> {
    let bad = |why: String| {
        Diagnostic::new(format!("{NOW_VAR}={text:?}: {why}")).with_help(format!(
            "set {NOW_VAR} to a date-time such as 2022-04-21T09:00:00+02:00, or unset it to use the system clock"
        ))
    };
    let date = Date::parse(text).map_err(bad)?;
    if date.day.is_none() {
        return Err(bad("this does not name a day".into()));
    }
    Ok(Date { time: None, ..date })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_day_as_written() {
        let day = parse_now("2022-04-21T23:30:00-05:00").unwrap();
        assert_eq!((day.year, day.month, day.day), (2022, Some(4), Some(21)));
        assert!(parse_now("2022-04").is_err());
        assert!(parse_now("i morgen").is_err());
    }
}
