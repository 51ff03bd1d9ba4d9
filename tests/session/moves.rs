//! Saves that move articles in the order (a new date) without changing
//! which lists they are in: the lists, slugs and fingerprints kept by place
//! follow the move instead of being worked out again, and every save is
//! compared with a fresh build (a debug build also checks the kept lists,
//! fingerprints, slugs and places against ones made from scratch).

use super::lists::{articles_written, twelve_users};
use super::site_model::{SharedTimeline, Timeline, strings};
use super::{RebuildReport, Runner, base_seed};

/// Sets the dates (and, where given, the tags) of articles in one save.
fn moved(
    runner: &mut Runner,
    what: &str,
    changes: &[(&str, &str, Option<&[&str]>)],
) -> RebuildReport {
    runner.save(what, |model| {
        for (file, date, tags) in changes {
            let article = model.articles.get_mut(*file).expect("an article");
            article.date = (*date).to_owned();
            if let Some(tags) = tags {
                article.tags = strings(tags);
            }
        }
    })
}

#[test]
fn moves_in_the_order_match_a_fresh_build() {
    let mut model = twelve_users();
    // Three parts of five addresses: a move crosses parts.
    model.sitemap_urls_per_file = Some(5);
    for (day, article) in model.articles.values_mut().enumerate() {
        if day % 3 == 0 {
            article.tags.push("Klima".into());
        }
        // Every other article its own timeline, some a shared one.
        article.timeline = match day % 4 {
            0 | 2 => Timeline::Inline(vec![("\"2021-12-01\"".into(), format!("Hendelse {day}"))]),
            1 => Timeline::Shared("uro".into()),
            _ => Timeline::None,
        };
    }
    model.timelines.insert(
        "uro".into(),
        SharedTimeline {
            title: "Uroen".into(),
            events: vec![("\"2022-01-01\"".into(), "Protestene begynte".into())],
        },
    );
    let mut runner = Runner::start(model, base_seed());
    moved(
        &mut runner,
        "sak-06 becomes the newest",
        &[("sak-06.md", "2022-01-20", None)],
    );
    moved(
        &mut runner,
        "sak-06 becomes the oldest, and tagged Klima",
        &[("sak-06.md", "2021-12-20", Some(&["Kasakhstan", "Klima"]))],
    );
    moved(
        &mut runner,
        "two articles cross each other",
        &[
            ("sak-03.md", "2022-01-10T12:00:00Z", None),
            ("sak-10.md", "2022-01-02T12:00:00Z", None),
        ],
    );
    let report = moved(
        &mut runner,
        "the newest moves down one place",
        &[("sak-12.md", "2022-01-10T23:00:00Z", None)],
    );
    // The first part holds the front page and the four newest: the other
    // parts list the same articles in the same order as before.
    let parts: Vec<&String> = (report.rendered.iter())
        .filter(|path| path.starts_with("sitemap-"))
        .collect();
    assert_eq!(parts, ["sitemap-1.xml"], "{:?}", report.rendered);
    // Back between its neighbours: no longer the oldest.
    let report = moved(
        &mut runner,
        "sak-06 back in its place",
        &[("sak-06.md", "2022-01-06", None)],
    );
    assert!(
        articles_written(&report.rendered).contains(&"sak-06".to_owned()),
        "{:?}",
        report.rendered
    );
    assert_eq!(runner.compared, 5, "every save was compared");
}
