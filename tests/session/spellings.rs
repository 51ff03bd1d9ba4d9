//! A tag written in another spelling by one save and taken away by the
//! next: the spelling shown on every article follows, as a fresh build
//! gives it, also on articles that were not saved and on one that writes
//! a tag twice.

use std::collections::BTreeMap;

use super::site_model::{Model, article, strings, text};
use super::{Runner, base_seed};

/// Four articles a day apart, `sak-1.md` (oldest) to `sak-4.md`.
fn four_articles(tags: [&[&str]; 4]) -> Model {
    let mut articles = BTreeMap::new();
    for (day, tags) in (1..=4).zip(tags) {
        let mut a = article(
            &format!("Sak {day}"),
            &format!("2022-01-0{day}"),
            vec![text("Protestene fortsatte.")],
        );
        a.tags = strings(tags);
        articles.insert(format!("sak-{day}.md"), a);
    }
    Model {
        site_title: "Uro i Kasakhstan".into(),
        articles,
        ..Model::default()
    }
}

/// The tag names an article's page shows in its list of tags.
fn tags_shown(runner: &Runner, slug: &str) -> String {
    let html = runner.page(slug);
    let names: Vec<&str> = ["Kasakhstan", "kasakhstan", "KASAKHSTAN"]
        .into_iter()
        .filter(|name| html.contains(&format!(">{name}<")))
        .collect();
    names.join(" ")
}

fn save_tags(runner: &mut Runner, file: &str, tags: &[&str]) -> Vec<String> {
    let report = runner.save(&format!("content/{file}: tags {tags:?}"), |model| {
        model.articles.get_mut(file).expect("an article").tags = strings(tags);
    });
    report
        .warnings
        .iter()
        .filter_map(|w| w.file.as_ref().map(|f| f.display().to_string()))
        .collect()
}

#[test]
fn a_spelling_another_article_uses_comes_and_goes_as_in_a_fresh_build() {
    let mut runner = Runner::start(
        four_articles([&["Kasakhstan"], &["Kasakhstan"], &["CSTO"], &["CSTO"]]),
        base_seed(),
    );
    // One article writes it otherwise: it shows the common spelling, warned.
    let warned = save_tags(&mut runner, "sak-3.md", &["kasakhstan", "CSTO"]);
    assert_eq!(warned, ["content/sak-3.md"]);
    assert_eq!(tags_shown(&runner, "sak-3"), "Kasakhstan");

    // A second one in that spelling makes it the most used: an article
    // not saved shows it now.
    save_tags(&mut runner, "sak-2.md", &["kasakhstan"]);
    assert_eq!(tags_shown(&runner, "sak-1"), "kasakhstan");

    // Taken away again: a tie, which the oldest article's spelling wins.
    save_tags(&mut runner, "sak-3.md", &["CSTO"]);
    assert_eq!(tags_shown(&runner, "sak-2"), "Kasakhstan");
    assert_eq!(tags_shown(&runner, "sak-1"), "Kasakhstan");

    // The last other spelling goes: nothing is merged any more.
    let warned = save_tags(&mut runner, "sak-2.md", &["CSTO"]);
    assert!(warned.is_empty(), "{warned:?}");

    // An article writing the tag twice shows it once while it is merged,
    // and follows the counts that still hold both of its spellings.
    save_tags(&mut runner, "sak-4.md", &["Kasakhstan", "kasakhstan"]);
    assert_eq!(tags_shown(&runner, "sak-4"), "Kasakhstan");
    save_tags(&mut runner, "sak-3.md", &["kasakhstan"]);
    assert_eq!(tags_shown(&runner, "sak-4"), "Kasakhstan", "a tie");
    save_tags(&mut runner, "sak-1.md", &["CSTO"]);
    assert_eq!(tags_shown(&runner, "sak-4"), "kasakhstan");
    save_tags(&mut runner, "sak-3.md", &["KASAKHSTAN"]);
    assert_eq!(
        tags_shown(&runner, "sak-4"),
        "KASAKHSTAN",
        "the oldest of three"
    );
    assert_eq!(runner.compared, 8, "every save was compared");
}
