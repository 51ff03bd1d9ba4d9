//! The list of timelines shows the shared ones only and records only their
//! keys, not every article's own timeline: an edit of a shared timeline, and
//! one coming and going with its users, still change it as a fresh build does.

use super::lists::twelve_users;
use super::site_model::{Model, SharedTimeline, Timeline};
use super::{Runner, base_seed};

fn shared(title: &str) -> SharedTimeline {
    SharedTimeline {
        title: title.into(),
        events: vec![("2022-01-05".into(), "Styrker kom".into())],
    }
}

/// The site as it is, with `files` showing the shared timeline `key`.
fn showing(runner: &Runner, files: &[&str], key: &str) -> Model {
    let mut model = runner.model.clone();
    for file in files {
        model.articles.get_mut(*file).expect("an article").timeline = Timeline::Shared(key.into());
    }
    model
}

#[test]
fn the_list_of_timelines_follows_shared_timelines_as_a_fresh_build() {
    let mut model = twelve_users();
    for (file, day) in [("sak-01.md", "01"), ("sak-02.md", "02")] {
        model.articles.get_mut(file).expect("an article").timeline = Timeline::Inline(vec![(
            format!("2022-01-{day}"),
            "Protestene begynte".into(),
        )]);
    }
    model
        .timelines
        .insert("maaling".into(), shared("Målingene"));
    let mut runner = Runner::start(model, base_seed());
    let model = showing(&runner, &["sak-03.md", "sak-04.md"], "maaling");
    runner
        .step("two articles show maaling", model, &[])
        .expect("a good save");

    let mut model = runner.model.clone();
    model
        .timelines
        .insert("maaling".into(), shared("Målingene i januar"));
    runner
        .step("edit content/timelines/maaling.toml: title", model, &[])
        .expect("a good save");

    let mut model = showing(&runner, &["sak-05.md"], "valg");
    model.timelines.insert("valg".into(), shared("Valget"));
    runner
        .step(
            "add content/timelines/valg.toml, shown by sak-05",
            model,
            &[],
        )
        .expect("a good save");

    let mut model = runner.model.clone();
    model.timelines.remove("valg");
    model
        .articles
        .get_mut("sak-05.md")
        .expect("an article")
        .timeline = Timeline::None;
    runner
        .step("delete content/timelines/valg.toml and its use", model, &[])
        .expect("a good save");
    assert_eq!(runner.compared, 4, "every save was compared");
}
