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
fn lines_that_only_start_like_a_fence_are_front_matter() {
    let text = "+++\n+++a = 1\nb = \"\"\"\n+++x\n\"\"\"\n++\n\t+++\n+++\r\nbody\n";
    let split = cut(text).unwrap();
    assert_eq!(
        split.front_matter,
        "+++a = 1\nb = \"\"\"\n+++x\n\"\"\"\n++\n\t+++\n"
    );
    assert_eq!(split.body, "body\n");
    assert!(cut("+++\ntitle = 1\n+++x\n++++\n").is_err());
}

/// The closing fence found by walking every line, as `split` once did.
fn closing_fence_line_by_line(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut pos = from;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let next = (end + 1).min(text.len());
        if fence_line(&text[pos..end]) {
            return Some((pos, next));
        }
        pos = next;
    }
    None
}

#[test]
fn jumping_between_fence_lines_finds_the_fence_every_line_would() {
    const PIECES: [&str; 10] = [
        "+++", "+", "\n", "\r\n", " ", "\t", "a", "å", "\"", "\u{a0}",
    ];
    for rest in crate::seeded_texts::seeded_texts(0x853c_49e6_748f_ea9b, &PIECES, 13, 20_000) {
        let text = format!("+++\n{rest}");
        let expected = closing_fence_line_by_line(&text, 4);
        match cut(&text) {
            Ok(split) => assert_eq!(
                Some((split.front_matter.len() + 4, split.body_offset)),
                expected,
                "{text:?}"
            ),
            Err(_) => assert_eq!(expected, None, "{text:?}"),
        }
    }
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

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Slips {
    title: String,
    #[serde(default)]
    date: Option<toml::value::Datetime>,
    #[serde(default)]
    draft: bool,
}

fn slip(front: &str) -> Diagnostic {
    let text = format!("+++\n{front}+++\n");
    let split = cut(&text).unwrap();
    parse_toml::<Slips>(
        Path::new("content/a.md"),
        &text,
        split.front_matter_offset,
        split.front_matter,
    )
    .unwrap_err()
}

#[test]
fn the_commonest_toml_slips_say_what_to_type() {
    let err = slip("title = \"Han sa \"nei\" til alt\"\n");
    let help = err.help.clone().unwrap();
    assert!(help.contains("use «…» or write \\\""), "{err}");
    assert!(help.contains("title = \"Han sa «nei» til alt\""), "{err}");
    assert_eq!(err.line(), Some(2), "{err}");
    let err = slip("title = \"x\"\ndate = 25.06.2023\n");
    assert!(
        err.help.clone().unwrap().contains("date = 2023-06-25"),
        "{err}"
    );
    let loc = err.location.clone().unwrap();
    assert_eq!((loc.line, loc.column, loc.width), (3, 8, 10), "{err}");
    let err = slip("title = \"x\"\ndraft = \"false\"\n");
    assert!(
        err.help
            .clone()
            .unwrap()
            .contains("without quotes: draft = false"),
        "{err}"
    );
    assert_eq!(err.line(), Some(3), "{err}");
    assert_eq!(day_month_year("1.2.2022").as_deref(), Some("2022-02-01"));
    assert_eq!(day_month_year("2022-01-06"), None);
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

/// What `only_keys` keeps parses to exactly those keys' values, at
/// the same places.
fn assert_keeps_only(text: &str, keys: &[&str]) {
    let kept = only_keys(text, |key| keys.contains(&key)).expect("the scan follows the text");
    assert_eq!(kept.len(), text.len());
    assert_eq!(kept.matches('\n').count(), text.matches('\n').count());
    let whole: toml::Table = toml::from_str(text).unwrap();
    let read: toml::Table = toml::from_str(&kept).unwrap_or_else(|e| panic!("{e}\n{kept}"));
    let expected: toml::Table = whole
        .into_iter()
        .filter(|(key, _)| keys.contains(&key.as_str()))
        .collect();
    assert_eq!(read, expected, "{kept}");
}

#[test]
fn only_keys_keeps_the_statements_of_those_keys_and_blanks_the_rest() {
    let text = "title = \"Tittel [ikke en tabell] # ingen kommentar\"\n\
            known = [\"a\", \"b # ikke kommentar\",\n  \"c ]\"]  # kommentar\n\
            \x20 unknown = [  # innrykket\n[1, 2], ]\n\
            lead = \"\"\"\n[questions]\nnot = \"a header\"\n\"\"\"\"\n\
            \"quoted\" = 'x'\n\
            known_as_of = 2022-01-06\n\
            inline = { a = [1, { b = \"}\" }], c = 'it\"s' }\n\
            \n# a comment\n\
            [[timeline]]\ntitle = '''\n[[questions]]\n'''\n\
            [[questions]]\nquestion = \"Hva «blå»?\"\nanswer = \"\"\"Svar \"med\" sitat\"\"\"\"\"\n\
            [[timeline]]\ntitle = \"t\"\n\
            [questions.x]\ny = 2\n\
            [[ \"questions\" ]] # to\nquestion = 'To'\n\
            [sources_meta]\nz = 1\n";
    assert_keeps_only(text, &["known", "unknown", "known_as_of", "questions"]);
    assert_keeps_only(text, &["timeline", "quoted", "inline"]);
    assert_keeps_only(text, &["lead", "sources_meta"]);
    assert_keeps_only(&text.replace('\n', "\r\n"), &["known", "questions"]);
    assert_keeps_only("", &["known"]);
}

#[test]
fn only_keys_gives_up_where_it_cannot_follow_the_text() {
    assert_eq!(only_keys("\"kno\\u0077n\" = 1\n", |_| true), None);
    assert_eq!(only_keys("known = [\"a\"\n", |_| true), None);
    assert_eq!(only_keys("[known\n", |_| true), None);
}
