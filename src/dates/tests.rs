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
