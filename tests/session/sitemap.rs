//! The sitemap of a site with more addresses than one file may list: a
//! title save renders no sitemap file, a date save only the part with the
//! article and the index, and articles added and removed across a part's
//! boundary leave the parts (and no other) as a fresh build writes them.

use std::collections::BTreeMap;

use super::site_model::{Article, Model, article, fixture, text};
use super::{Runner, base_seed, random_saves, steps};

/// `count` articles a day apart, `sak-01.md` (oldest) on, with one tag, and
/// at most `per_file` addresses a sitemap file.
fn dated_articles(count: usize, per_file: usize) -> Model {
    let mut articles = BTreeMap::new();
    for day in 1..=count {
        articles.insert(format!("sak-{day:02}.md"), numbered(day));
    }
    Model {
        site_title: "Uro i Kasakhstan".into(),
        articles,
        sitemap_urls_per_file: Some(per_file),
        ..Model::default()
    }
}

fn numbered(day: usize) -> Article {
    let mut a = article(
        &format!("Sak {day:02}"),
        &format!("2022-01-{day:02}"),
        vec![text("Protestene fortsatte.")],
    );
    a.tags = vec!["Kasakhstan".into()];
    a
}

/// The sitemap files among a save's written files.
fn sitemaps_written(written: &[String]) -> Vec<&str> {
    written
        .iter()
        .map(String::as_str)
        .filter(|path| path.contains("sitemap"))
        .collect()
}

/// The parts of the sitemap index in the session's output folder.
fn parts(runner: &Runner) -> usize {
    let output = runner.tmp.path().join("session-output");
    (1..)
        .take_while(|n| output.join(format!("sitemap-{n}.xml")).exists())
        .count()
}

#[test]
fn a_title_save_renders_no_sitemap_and_a_date_save_only_its_part() {
    // 1 front page + 7 articles + 4 indexes + 1 tag page: parts of 4, the
    // fourth article from the newest (sak-04) in the second.
    let mut runner = Runner::start(dated_articles(7, 4), base_seed());
    assert_eq!(parts(&runner), 4);

    let report = runner.save("content/sak-04.md: title", |model| {
        model
            .articles
            .get_mut("sak-04.md")
            .expect("an article")
            .title = "Ny tittel".into();
    });
    assert!(
        sitemaps_written(&report.rendered).is_empty(),
        "{:?}",
        report.rendered
    );

    // Later the same day: the order stays, its last change does not.
    let report = runner.save("content/sak-04.md: date", |model| {
        model
            .articles
            .get_mut("sak-04.md")
            .expect("an article")
            .date = "2022-01-04T10:00:00+01:00".into();
    });
    assert_eq!(
        sitemaps_written(&report.rendered),
        // The news sitemap reads only the newest article of these, too old.
        ["sitemap-2.xml", "sitemap.xml"],
        "{:?}",
        report.rendered
    );

    // A new slug is a new address, in the same part.
    let report = runner.save("content/sak-04.md: slug", |model| {
        model
            .articles
            .get_mut("sak-04.md")
            .expect("an article")
            .slug = Some("ny-adresse".into());
    });
    assert!(
        sitemaps_written(&report.rendered).contains(&"sitemap-2.xml"),
        "{:?}",
        report.rendered
    );
    assert_eq!(runner.compared, 3, "every save was compared");
}

#[test]
fn articles_added_and_removed_across_part_boundaries_match_a_fresh_build() {
    // 1 + 7 + 4 + 1 addresses, 8 a file: two parts.
    let mut runner = Runner::start(dated_articles(7, 8), base_seed());
    assert_eq!(parts(&runner), 2);
    let mut most = 0;
    for day in 8..=12 {
        runner.save(&format!("add content/sak-{day:02}.md"), |model| {
            model
                .articles
                .insert(format!("sak-{day:02}.md"), numbered(day));
        });
        most = most.max(parts(&runner));
    }
    assert_eq!(most, 3, "a third part came");
    // Down to two articles: one file again.
    for day in (3..=12).rev() {
        runner.save(&format!("remove content/sak-{day:02}.md"), |model| {
            model.articles.remove(&format!("sak-{day:02}.md"));
        });
    }
    assert_eq!(parts(&runner), 0, "one file again");
    assert_eq!(runner.compared, 15, "every save was compared");
}

/// The random saves of the session's main test, on a site whose sitemap
/// is an index of small parts, or one file, as articles come and go.
#[test]
fn random_saves_keep_a_sitemap_index_as_a_fresh_build_writes_it() {
    let seed = base_seed() ^ 0x5173;
    let steps = steps() / 4;
    println!("FORKLAR_SESSION_SEED={seed:#x} FORKLAR_SESSION_STEPS={steps}");
    let mut start = fixture();
    start.sitemap_urls_per_file = Some(6);
    let mut runner = Runner::start(start, seed);
    assert!(parts(&runner) > 1);
    random_saves(&mut runner, seed, steps);
}

/// `2022-01-06T18:00:00Z` for a moment `minutes` from now.
fn minutes_from_now(minutes: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let at = now + minutes * 60;
    let (year, month, day) = forklar::dates::civil_from_days(at.div_euclid(86_400));
    let in_day = at.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

#[test]
fn the_news_sitemap_reads_the_titles_of_the_last_48_hours_only() {
    const HOUR: i64 = 60;
    let mut model = dated_articles(0, 50_000);
    for (file, hours_ago) in [("fersk", 1), ("i-gar", 30), ("grensen", 49), ("gammel", 60)] {
        let mut a = numbered(1);
        a.title = format!("Sak {file}");
        a.date = minutes_from_now(-hours_ago * HOUR);
        model.articles.insert(format!("{file}.md"), a);
    }
    let mut runner = Runner::start(model, base_seed());
    let news = |runner: &Runner| {
        std::fs::read_to_string(runner.tmp.path().join("session-output/news-sitemap.xml"))
            .expect("the news sitemap")
    };
    assert!(news(&runner).contains("/i-gar/"));
    assert!(!news(&runner).contains("/grensen/"));

    let edit = |runner: &mut Runner, file: &str, change: &dyn Fn(&mut Article)| {
        let mut model = runner.model.clone();
        change(model.articles.get_mut(file).expect("an article"));
        runner
            .step(&format!("content/{file}"), model, &[])
            .expect("a good save")
    };
    let report = edit(&mut runner, "i-gar.md", &|a| a.title = "Ny tittel".into());
    assert_eq!(sitemaps_written(&report.rendered), ["news-sitemap.xml"]);
    let report = edit(&mut runner, "gammel.md", &|a| a.title = "Ny gammel".into());
    assert!(sitemaps_written(&report.rendered).is_empty());
    // Two hours later, still older than the one before it: news now.
    let report = edit(&mut runner, "grensen.md", &|a| {
        a.date = minutes_from_now(-47 * HOUR);
    });
    assert!(
        sitemaps_written(&report.rendered).contains(&"news-sitemap.xml"),
        "{:?}",
        report.rendered
    );
    assert!(news(&runner).contains("/grensen/"));
    assert_eq!(runner.compared, 3, "every save was compared");
}
