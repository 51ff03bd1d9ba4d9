//! What a save that changes lists renders again: an article's background box
//! reads only the head of its entry's list of users, so a change further down
//! leaves the other users' pages alone, and one at the head renders every
//! user whose «Nyere» links change. Every save is also compared with a fresh
//! build.

use std::collections::BTreeMap;

use super::site_model::{Breakage, Entry, Model, article, strings, text};
use super::{Runner, base_seed};

/// Twelve articles a day apart, `sak-01.md` (oldest) to `sak-12.md`, every
/// one with the entry `csto` in its background box and the tag Kasakhstan.
pub(super) fn twelve_users() -> Model {
    let mut articles = BTreeMap::new();
    for day in 1..=12 {
        let mut a = article(
            &format!("Sak {day:02}"),
            &format!("2022-01-{day:02}"),
            vec![text("Protestene fortsatte.")],
        );
        a.background = strings(&["csto"]);
        a.tags = strings(&["Kasakhstan"]);
        articles.insert(format!("sak-{day:02}.md"), a);
    }
    let mut entries = BTreeMap::new();
    for (key, title) in [("csto", "CSTO"), ("nazarbajev", "Nursultan Nazarbajev")] {
        entries.insert(
            key.to_owned(),
            Entry {
                title: title.into(),
                aliases: Vec::new(),
                summary: format!("Kort om {title}."),
                body: format!("Mer om {title}."),
            },
        );
    }
    Model {
        site_title: "Uro i Kasakhstan".into(),
        articles,
        entries,
        ..Model::default()
    }
}

/// The article pages among a save's written files, by slug.
pub(super) fn articles_written(written: &[String]) -> Vec<String> {
    let mut slugs: Vec<String> = written
        .iter()
        .filter_map(|path| path.strip_suffix("/index.html"))
        .filter(|slug| slug.starts_with("sak-"))
        .map(str::to_owned)
        .collect();
    slugs.sort();
    slugs
}

/// The site as it is, with `file`'s background keys set to `keys`.
fn with_keys(runner: &Runner, file: &str, keys: &[&str]) -> Model {
    let mut model = runner.model.clone();
    model.articles.get_mut(file).expect("an article").background = strings(keys);
    model
}

/// The titles an article's page names as newer («Nyere: …»), in order.
fn newer_named(html: &str) -> Vec<String> {
    html.split("Nyere: <a href=")
        .skip(1)
        .filter_map(|rest| {
            let title = &rest[rest.find('>')? + 1..];
            Some(title[..title.find("</a>")?].to_owned())
        })
        .collect()
}

#[test]
fn a_key_edit_renders_only_the_articles_whose_newer_links_change() {
    let mut runner = Runner::start(twelve_users(), base_seed());
    assert_eq!(
        newer_named(&runner.page("sak-03")),
        ["Sak 10", "Sak 11", "Sak 12"],
        "the oldest users name the three newest"
    );

    // The middle article leaves the list far below its head: no other
    // article's box changes, so none is rendered again.
    let model = with_keys(&runner, "sak-06.md", &["nazarbajev"]);
    let report = runner
        .step("content/sak-06.md: background keys", model, &[])
        .expect("a good save");
    assert_eq!(
        articles_written(&report.rendered),
        ["sak-06"],
        "only the saved article, of the articles (written: {:?})",
        report.rendered
    );
    assert_eq!(newer_named(&runner.page("sak-06")), Vec::<String>::new());

    // The newest leaves it for the other entry: every older user of either
    // names other newer articles.
    let model = with_keys(&runner, "sak-12.md", &["nazarbajev"]);
    let report = runner
        .step("content/sak-12.md: background keys", model, &[])
        .expect("a good save");
    let expected: Vec<String> = (1..=12).map(|day| format!("sak-{day:02}")).collect();
    assert_eq!(articles_written(&report.rendered), expected);
    for slug in ["sak-01", "sak-05", "sak-08"] {
        assert_eq!(
            newer_named(&runner.page(slug)),
            ["Sak 09", "Sak 10", "Sak 11"],
            "{slug}"
        );
    }
    assert_eq!(newer_named(&runner.page("sak-06")), ["Sak 12"]);
    assert_eq!(runner.compared, 2, "both saves were compared");
}

#[test]
fn a_tag_added_and_removed_leaves_every_tag_page_as_a_fresh_build() {
    let mut runner = Runner::start(twelve_users(), base_seed());
    for (file, tags) in [
        ("sak-06.md", &["Kasakhstan", "Klima"][..]),
        ("sak-09.md", &["Klima"][..]),
        ("sak-06.md", &["Kasakhstan"][..]),
        ("sak-09.md", &["Kasakhstan"][..]),
    ] {
        let report = runner.save(&format!("content/{file}: tags {tags:?}"), |model| {
            model.articles.get_mut(file).expect("an article").tags = strings(tags);
        });
        // The saved article, and a neighbour that shows its summary.
        let saved: i32 = file[4..6].parse().expect("a day");
        for slug in articles_written(&report.rendered) {
            let day: i32 = slug[4..].parse().expect("a day");
            assert!(
                (day - saved).abs() <= 1,
                "{slug} written for a tag edit of {file}"
            );
        }
    }
    assert_eq!(runner.compared, 4, "every save was compared");
}

/// A save that moves an article between lists while another file is broken
/// renders nothing; the save that fixes the file brings the lists up to date.
#[test]
fn a_key_edit_while_another_file_is_broken_shows_after_the_fix() {
    let mut runner = Runner::start(twelve_users(), base_seed());
    let mut model = runner.model.clone();
    model.broken = Some(("content/sak-01.md".into(), Breakage::BadToml));
    assert!(runner.step("break content/sak-01.md", model, &[]).is_none());

    let model = with_keys(&runner, "sak-12.md", &["nazarbajev"]);
    let saved = runner.step("content/sak-12.md: background keys", model, &[]);
    assert!(saved.is_none(), "a save while a file is broken fails");

    runner.save("fix content/sak-01.md", |model| model.broken = None);
    assert_eq!(
        newer_named(&runner.page("sak-05")),
        ["Sak 09", "Sak 10", "Sak 11"]
    );
    assert_eq!(runner.compared, 1, "the fixed site was compared");
}
