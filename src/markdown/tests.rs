use super::*;

fn html(markdown: &str) -> String {
    render(markdown, &[], MarkdownOptions::default()).html
}

#[test]
fn headings_get_unique_norwegian_safe_ids() {
    let out =
        html("## Hvorfor nå?\n\n## Bakgrunn\n\n### Bakgrunn\n\n## Egen {#min-id}\n\n## min-id\n");
    assert!(
        out.contains("<h2 id=\"hvorfor-na\">Hvorfor nå?</h2>"),
        "{out}"
    );
    assert!(out.contains("<h2 id=\"bakgrunn\">"), "{out}");
    assert!(out.contains("<h3 id=\"bakgrunn-2\">"), "{out}");
    assert!(out.contains("<h2 id=\"min-id\">Egen</h2>"), "{out}");
    assert!(out.contains("<h2 id=\"min-id-2\">min-id</h2>"), "{out}");
}

#[test]
fn tables_footnotes_strikethrough_and_smart_punctuation() {
    let out = html(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~feil~~ \"sitat\" -- ja...\n\nTekst.[^1]\n\n[^1]: Notat.\n",
    );
    assert!(out.contains("<table>"), "{out}");
    assert!(out.contains("<del>feil</del>"), "{out}");
    assert!(out.contains("“sitat” – ja…"), "{out}");
    assert!(
        out.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>"),
        "{out}"
    );
    assert!(
        out.contains("<div class=\"footnote\" id=\"fn-1\">"),
        "{out}"
    );
}

const MARKERS: &[Marker] = &[
    Marker {
        name: "tidslinje",
        key: "timeline",
    },
    Marker {
        name: "quotes",
        key: "quotes",
    },
    Marker {
        name: "background",
        key: "background",
    },
];

#[test]
fn a_misspelt_quote_marker_and_a_part_placed_twice_are_caught() {
    let out = render(
        "{{ tidslinje() }}\n\n{{tidslinje()}}\n\n{{ qoute(1) }}\n\n{{ sitatt(\"blakkisrud\") }}\n\n{{ quotes(2) }}\n\n{{ quote(1) }}\n",
        &[],
        MarkdownOptions {
            markers: MARKERS,
            ..MarkdownOptions::default()
        },
    );
    let names = |found: &[(String, std::ops::Range<usize>)]| -> Vec<String> {
        found.iter().map(|(name, _)| name.clone()).collect()
    };
    assert_eq!(names(&out.unknown_markers), ["qoute", "sitatt", "quotes"]);
    assert_eq!(names(&out.repeated_markers), ["tidslinje"]);
    // The real quote marker is read as one.
    assert_eq!(out.quote_markers.len(), 1);
}

#[test]
fn markers_alone_in_a_paragraph_place_parts() {
    let out = render(
        "Før.\n\n{{ tidslinje() }}\n\nMidt {{ quotes() }} i tekst.\n\n{{quotes()}}\n\n`{{ background() }}`\n\n{{ timline() }}\n",
        &[],
        MarkdownOptions {
            markers: MARKERS,
            ..MarkdownOptions::default()
        },
    );
    assert_eq!(out.placed, vec!["timeline", "quotes"]);
    assert_eq!(out.unknown_markers.len(), 1, "{:?}", out.unknown_markers);
    assert_eq!(out.unknown_markers[0].0, "timline");
    assert!(out.html.contains("<!--forklar:timeline-->"), "{}", out.html);
    assert!(
        out.html.contains("Midt {{ quotes() }} i tekst."),
        "{}",
        out.html
    );
    assert!(
        out.html.contains("<code>{{ background() }}</code>"),
        "{}",
        out.html
    );
    assert_eq!(out.html.matches("<!--forklar:").count(), 2);
}

fn csto() -> Vec<Mention> {
    vec![Mention {
        aliases: vec![
            "CSTO".into(),
            "Organisasjonen for kollektiv sikkerhet".into(),
        ],
        url: "/bakgrunn/csto/".into(),
        title: "CSTO".into(),
        summary: "En militærallianse «ledet» av Russland.".into(),
    }]
}

#[test]
fn links_only_the_first_mention_in_running_text() {
    let out = render(
        "## CSTO\n\n> CSTO i sitat\n\n[CSTO](https://x) og `CSTO`.\n\nCSTOs styrker. Så CSTO igjen.\n",
        &csto(),
        MarkdownOptions::default(),
    )
    .html;
    assert_eq!(out.matches("class=\"mention\"").count(), 1, "{out}");
    assert!(
        out.contains("<p><a class=\"mention\" href=\"/bakgrunn/csto/\" data-summary=\"En militærallianse «ledet» av Russland.\" data-title=\"CSTO\">CSTO</a>s styrker."),
        "{out}"
    );
    assert!(out.contains("<h2 id=\"csto\">CSTO</h2>"), "{out}");
}

#[test]
fn quote_markers_name_a_number_or_a_key_and_stand_alone() {
    let out = render(
        "A.\n\n{{ quote(2) }}\n\n{{sitat(\"blakkisrud\")}}\n\nMidt {{ quote(1) }} i tekst.\n\n{{ quote('x') }}\n",
        &[],
        MarkdownOptions {
            markers: MARKERS,
            ..MarkdownOptions::default()
        },
    );
    let names: Vec<&str> = out.quote_markers.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["2", "blakkisrud", "x"]);
    for n in 0..3 {
        assert!(out.html.contains(&quote_placeholder(n)), "{}", out.html);
    }
    assert!(
        out.html.contains("Midt {{ quote(1) }} i tekst."),
        "{}",
        out.html
    );
    assert!(out.unknown_markers.is_empty(), "{:?}", out.unknown_markers);
    // Outside an article's body there are no markers.
    let plain = render("{{ quote(2) }}\n", &[], MarkdownOptions::default());
    assert!(plain.quote_markers.is_empty());
    assert!(plain.html.contains("{{ quote(2) }}"), "{}", plain.html);
}

#[test]
fn the_background_box_follows_the_section_of_the_first_mention() {
    let out = render(
        "Før.\n\n## En\n\n- CSTO i en liste\n\n### Under\n\nTekst.\n\n## To\n\nCSTO.\n",
        &csto(),
        MarkdownOptions {
            markers: MARKERS,
            ..MarkdownOptions::default()
        },
    );
    assert_eq!(out.placed, vec!["background"]);
    let boxed = out.html.find(&placeholder("background")).expect(&out.html);
    assert!(out.html.find("Tekst.").unwrap() < boxed, "{}", out.html);
    assert!(
        boxed < out.html.find("<h2 id=\"to\">").unwrap(),
        "{}",
        out.html
    );
    // Without a mention, nothing is placed.
    let none = render(
        "Ingen.\n",
        &csto(),
        MarkdownOptions {
            markers: MARKERS,
            ..MarkdownOptions::default()
        },
    );
    assert!(none.placed.is_empty());
}

#[test]
fn mentions_respect_word_boundaries() {
    use mentions::find_word;
    assert_eq!(find_word("CSTOX og CSTO.", "CSTO"), Some(9));
    assert_eq!(find_word("ACSTO", "CSTO"), None);
    assert_eq!(find_word("Nazarbajevs makt", "Nazarbajev"), Some(0));
    assert_eq!(find_word("Nazarbajevsk", "Nazarbajev"), None);
}

#[test]
fn raw_html_is_kept_unless_the_site_escapes_it() {
    let markdown = "<div class=\"x\">hei</div>\n\nTekst <b>fet</b>.\n";
    assert!(html(markdown).contains("<div class=\"x\">hei</div>"));
    let options = MarkdownOptions {
        escape_html: true,
        ..MarkdownOptions::default()
    };
    let escaped = render(markdown, &[], options).html;
    assert!(escaped.contains("&lt;div class=\"x\"&gt;hei"), "{escaped}");
    assert!(escaped.contains("&lt;b&gt;fet&lt;/b&gt;"), "{escaped}");
}

#[test]
fn links_are_rewritten_from_the_index_and_returned() {
    let index = crate::links::LinkIndex {
        base_path: "/".into(),
        urls: [(
            std::path::PathBuf::from("content/annen.md"),
            "/sti/annen/".to_string(),
        )]
        .into(),
        unpublished: [std::path::PathBuf::from("content/utkast.md")].into(),
        ..crate::links::LinkIndex::default()
    };
    let options = MarkdownOptions {
        links: Some(LinkScope {
            index: &index,
            from: std::path::Path::new("content/a.md"),
        }),
        ..MarkdownOptions::default()
    };
    let text = "[a](annen.md) [b](https://x.org/)\n\n![c](mangler.md) [*d*](utkast.md)";
    let out = render(text, &[], options);
    assert!(
        out.html.contains("<a href=\"/sti/annen/\">a</a>"),
        "{}",
        out.html
    );
    assert!(
        out.html.contains("<a href=\"https://x.org/\">b</a>"),
        "{}",
        out.html
    );
    assert!(out.html.contains("<img src=\"mangler.md\""), "{}", out.html);
    assert!(out.html.contains(" <em>d</em></p>"), "{}", out.html);
    assert_eq!(out.links.len(), 4);
    assert!(matches!(
        out.links[3].problem,
        Some(crate::links::LinkProblem::Unpublished(_))
    ));
    assert_eq!(&text[out.links[2].range.clone()], "![c](mangler.md)");
    assert_eq!(
        out.links[2].target.as_deref(),
        Some(std::path::Path::new("content/mangler.md"))
    );
}

#[test]
fn heading_attributes_carry_no_scripts() {
    let out = html("## Tittel {#egen .klasse onclick=\"alert(1)\"}\n");
    assert!(!out.contains("onclick"), "{out}");
    assert!(out.contains("id=\"egen\""), "{out}");
    let escaped = render(
        "## Tittel {.klasse onclick=\"alert(1)\"}\n",
        &[],
        MarkdownOptions {
            escape_html: true,
            ..MarkdownOptions::default()
        },
    )
    .html;
    assert_eq!(escaped, "<h2 id=\"tittel\">Tittel</h2>\n");
}

#[test]
fn inline_markdown_carries_no_heading_attributes() {
    let out = render_inline("# Tittel {onclick=\"alert(1)\" .x #y}");
    assert_eq!(out, "<h1>Tittel</h1>");
}

#[test]
fn inline_markdown_has_no_paragraph() {
    assert_eq!(
        render_inline("Et *viktig* poeng"),
        "Et <em>viktig</em> poeng"
    );
}

#[test]
fn inline_markdown_from_front_matter_never_passes_html() {
    let out = render_inline("«Sitat» </blockquote><script>alert(1)</script>");
    assert!(!out.contains("<script>"), "{out}");
    assert!(out.contains("&lt;/blockquote&gt;&lt;script&gt;"), "{out}");
}

#[test]
fn reserved_ids_are_not_given_to_headings() {
    let reserved = vec!["title".to_string()];
    let options = MarkdownOptions {
        reserved_ids: &reserved,
        ..MarkdownOptions::default()
    };
    let out = render("## Title\n", &[], options).html;
    assert!(out.contains("<h2 id=\"title-2\">"), "{out}");
}

#[test]
fn plain_text_takes_the_short_way_with_the_same_result() {
    for text in [
        "Protestene sprer seg til Aktau, Almaty og 14 andre byer.",
        "«Et titalls opprørere er eliminert.» Det sa politiet (Interfax).",
        "Prisen stiger fra 60 til 120 tenge – nesten 100 % på én dag.",
        "  Mellomrom rundt  ",
        "Ord-med-bindestrek og 2022/01",
    ] {
        assert!(is_plain_text(text), "{text}");
        let mut parsed = String::new();
        let events = Parser::new_ext(text, parser_options()).filter(|e| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        });
        pulldown_cmark::html::push_html(&mut parsed, events);
        assert_eq!(render_inline(text), parsed.trim_end(), "{text}");
    }
    for text in [
        "*ikke*",
        "1. liste",
        "- punkt",
        "\"sitat\"",
        "a -- b",
        "a...",
        "# tittel",
        "a & b",
        "<b>",
        "a\nb",
    ] {
        assert!(!is_plain_text(text), "{text}");
    }
}
