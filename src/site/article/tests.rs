use super::*;

fn article(front: &str) -> Result<Article, Vec<Diagnostic>> {
    Article::parse(
        Path::new("content/sak.md"),
        format!("+++\n{front}+++\nTekst.\n"),
    )
}

#[test]
fn reads_a_complete_article() {
    let a = article(
        "title = \"Sak\"\ndate = 2022-01-06\nbackground = [\"csto\"]\n\
             [[timeline]]\ndate = 2022\ntitle = \"År\"\n\
             [[timeline]]\ndate = \"2022-01-05T14:00+06:00\"\ntitle = \"Time\"\n\
             [[quotes]]\ntext = \"Sitat\"\nspeaker = \"Navn\"\nsource = \"VG\"\n",
    )
    .unwrap();
    assert_eq!(a.slug, "sak");
    assert_eq!(a.parts.timeline.events.len(), 2);
    assert_eq!(
        a.parts.timeline.events[1].date.iso(),
        "2022-01-05T14:00+06:00"
    );
    assert_eq!(a.parts.background[0].key, "csto");
    assert_eq!(
        &a.front_matter()[a.parts.background[0].span.range()],
        "\"csto\""
    );
    assert_eq!(a.body().unwrap(), "Tekst.\n");
    assert_eq!(a.body_first_line(), 16);
}

#[test]
fn a_quoted_date_reads_like_a_bare_one() {
    let a = article("title = \"x\"\ndate = \"2022-01-06\"\n").unwrap();
    assert_eq!(a.date.iso(), "2022-01-06");
}

#[test]
fn a_missing_title_is_named() {
    let err = article("date = 2022-01-06\n").unwrap_err();
    assert!(
        err[0].message.contains("missing field `title`"),
        "{}",
        err[0]
    );
}

#[test]
fn an_unknown_field_lists_the_parts_fields_too() {
    let err = article("title = \"x\"\ndate = 2022-01-06\ntimline = []\n").unwrap_err();
    assert_eq!(err[0].line(), Some(4), "{}", err[0]);
    let help = err[0].help.as_deref().unwrap();
    assert!(
        help.contains("timeline_file") && help.contains("summary"),
        "{help}"
    );
}

#[test]
fn an_event_date_that_does_not_parse_points_at_its_line() {
    let err = article(
        "title = \"x\"\ndate = 2022-01-06\n[[timeline]]\ndate = \"5. januar\"\ntitle = \"t\"\n",
    )
    .unwrap_err();
    assert_eq!(err[0].line(), Some(5), "{}", err[0]);
    assert!(err[0].message.contains("is not a date"));
}

#[test]
fn an_event_without_a_title_is_an_error() {
    let err = article("title = \"x\"\ndate = 2022-01-06\n[[timeline]]\ndate = 2022\n").unwrap_err();
    assert_eq!(err[0].message, "a timeline event has no title");
    assert_eq!(err[0].line(), Some(5));
}

#[test]
fn quotes_need_a_speaker_and_a_source() {
    let err =
        article("title = \"x\"\ndate = 2022-01-06\n[[quotes]]\ntext = \"t\"\nsource = \"VG\"\n")
            .unwrap_err();
    assert_eq!(err[0].message, "a quote has no speaker");
    let err =
        article("title = \"x\"\ndate = 2022-01-06\n[[quotes]]\ntext = \"t\"\nspeaker = \"A\"\n")
            .unwrap_err();
    assert_eq!(err[0].message, "a quote has no source");
    assert!(err[0].help.as_deref().unwrap().contains("attribution"));
}

#[test]
fn a_tag_without_letters_is_an_error_at_its_line() {
    let err = article("title = \"x\"\ndate = 2022-01-06\ntags = [\"ok\", \"🙂\"]\n").unwrap_err();
    assert_eq!(err[0].line(), Some(4), "{}", err[0]);
    assert!(
        err[0].message.contains("no letters or digits"),
        "{}",
        err[0]
    );
}

#[test]
fn in_brief_takes_at_most_five_points_and_none_empty() {
    let err = article(
        "title = \"x\"\ndate = 2022-01-06\nsummary = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]\n",
    )
    .unwrap_err();
    assert_eq!(err[0].line(), Some(4), "{}", err[0]);
    let err =
        article("title = \"x\"\ndate = 2022-01-06\nsummary = [\"a\",\n  \" \"]\n").unwrap_err();
    assert_eq!(err[0].line(), Some(5), "{}", err[0]);
    assert_eq!(err[0].message, "a point in «Kort fortalt» is empty");
    let a = article("title = \"x\"\ndate = 2022-01-06\nsummary = [\"a\", \"b\"]\n").unwrap();
    assert_eq!(a.parts.summary.iter().collect::<Vec<_>>(), ["a", "b"]);
}
