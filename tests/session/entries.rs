//! What a background entry's save renders again: the pages that show it
//! elsewhere (its users' boxes, a topic's link to it) read only what they
//! show, so a save of its body renders its own pages alone, and one of its
//! title or aliases every user. Every save is also compared with a fresh
//! build.

use super::lists::{articles_written, twelve_users};
use super::site_model::{strings, text};
use super::{Runner, base_seed};

const ENTRY_PAGE: &str = "bakgrunn/csto/index.html";

#[test]
fn an_entry_body_save_renders_none_of_its_users() {
    let mut runner = Runner::start(twelve_users(), base_seed());
    let report = runner.save("content/background/csto.md: body", |model| {
        model.entries.get_mut("csto").expect("an entry").body =
            "Mer om CSTO, og en ny setning.".into();
    });
    assert!(
        report.rendered.iter().any(|path| path == ENTRY_PAGE),
        "the entry's page (written: {:?})",
        report.rendered
    );
    assert_eq!(
        articles_written(&report.rendered),
        Vec::<String>::new(),
        "no user's page (written: {:?})",
        report.rendered
    );
    assert!(runner.page("bakgrunn/csto").contains("en ny setning"));
    assert_eq!(runner.compared, 1, "the save was compared");
}

#[test]
fn an_entry_title_or_alias_save_renders_every_user() {
    let mut runner = Runner::start(twelve_users(), base_seed());
    let every_user: Vec<String> = (1..=12).map(|day| format!("sak-{day:02}")).collect();

    let report = runner.save("content/background/csto.md: title", |model| {
        model.entries.get_mut("csto").expect("an entry").title = "Traktatorganisasjonen".into();
    });
    assert_eq!(articles_written(&report.rendered), every_user);
    assert!(runner.page("sak-03").contains("Traktatorganisasjonen"));

    // The users' text names the alias: its first mention becomes a link.
    runner.save("every article names ODKB", |model| {
        for article in model.articles.values_mut() {
            article.body = vec![text("Protestene fortsatte, og ODKB svarte.")];
        }
    });
    let report = runner.save("content/background/csto.md: aliases", |model| {
        model.entries.get_mut("csto").expect("an entry").aliases = strings(&["ODKB"]);
    });
    assert_eq!(articles_written(&report.rendered), every_user);
    assert_eq!(runner.compared, 3, "every save was compared");
}
