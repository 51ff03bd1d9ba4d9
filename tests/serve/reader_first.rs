//! A save renders what the reader looks at first: the saved file's own page
//! and the pages open in a browser, then sends `reload`, then renders every
//! other page that shows the change. No page a reader can fetch after the
//! reload shows what it did before the save: a request for a page still to
//! be rendered waits for it.

use std::fs;
use std::thread;
use std::time::Instant;

use crate::support::{Events, Live, Serve, Site, WAIT, fresh_build, list_files, without_snippet};

/// Enough users that rendering them after the reload takes a while.
const USERS: usize = 150;
const ENTRY: &str = "content/background/csto.md";

fn entry(summary: &str) -> String {
    format!("+++\ntitle = \"CSTO\"\nsummary = \"{summary}\"\n+++\n\nEn militærallianse.\n")
}

fn user(n: usize) -> String {
    format!(
        "+++\ntitle = \"Sak {n}\"\ndate = 2022-01-06\nbackground = [\"csto\"]\n+++\n\nOm alliansen i sak {n}.\n\n{{{{ bakgrunn() }}}}\n"
    )
}

/// A site whose background entry is used by [`USERS`] articles, served, with
/// an event stream that says it shows `open` (no page when `None`).
fn site_with_users(open: Option<&str>) -> Live {
    let site = Site::new(&[]);
    site.write(ENTRY, &entry("Gammel oppsummering av alliansen."));
    for n in 1..=USERS {
        site.write(&format!("content/sak-{n}.md"), &user(n));
    }
    let serve = Serve::start(&site);
    let events = match open {
        Some(page) => Events::connect_at(&serve, page),
        None => Events::connect(&serve),
    };
    let live = Live {
        site,
        serve,
        events,
    };
    live.wait_for_watcher(ENTRY);
    live
}

/// The "Rebuilt …" line of the last save: how many pages came before the reload.
fn pages_before_reload(live: &Live) -> usize {
    let lines = live.serve.status_lines();
    let last = lines.last().expect("a status line");
    let count = last
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok());
    count.unwrap_or_else(|| panic!("no page count in {last:?}"))
}

#[test]
fn an_open_users_page_is_current_at_the_reload() {
    let live = site_with_users(Some("/sak-7/"));
    live.site
        .write(ENTRY, &entry("Ny oppsummering av alliansen."));
    live.events.expect_reload(&live.serve);
    let page = live.serve.get("/sak-7/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Ny oppsummering av alliansen."),
        "the open page shows the old summary after the reload\n{}",
        live.serve.logs()
    );
    // The entry's page and the open page, nothing else, before the reload.
    // On a busy machine a rewrite of the probe can be saved after the
    // watcher was found ready; its line (the entry's page alone) then
    // comes before this save's, which is the last.
    let started = Instant::now();
    while pages_before_reload(&live) != 2 && started.elapsed() < WAIT {
        thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(pages_before_reload(&live), 2, "{}", live.serve.logs());
}

#[test]
fn every_users_page_fetched_at_the_reload_is_new() {
    let live = site_with_users(Some("/sak-1/"));
    live.site
        .write(ENTRY, &entry("Ny oppsummering av alliansen."));
    live.events.expect_reload(&live.serve);
    // Every other user, asked for at once and all together, as readers
    // following links would.
    let port = live.serve.port;
    let fetchers: Vec<_> = (0..4)
        .map(|part| {
            thread::spawn(move || {
                let mut old = Vec::new();
                for n in (1..=USERS).rev().filter(|n| n % 4 == part) {
                    let path = format!("/sak-{n}/");
                    let resp = crate::support::request(port, "GET", &path).expect("GET");
                    if resp.status != 200 || !resp.text().contains("Ny oppsummering") {
                        old.push(path);
                    }
                }
                old
            })
        })
        .collect();
    let old: Vec<String> = fetchers
        .into_iter()
        .flat_map(|f| f.join().expect("fetcher"))
        .collect();
    assert!(
        old.is_empty(),
        "{} pages answered with the summary before the save: {old:?}\n{}",
        old.len(),
        live.serve.logs()
    );
    live.serve.wait_pages_written();
    assert_eq!(live.serve.status("pages_pending"), 0);
}

#[test]
fn a_save_during_the_catch_up_ends_as_a_fresh_build() {
    let live = site_with_users(None);
    live.site.write(ENTRY, &entry("Første nye oppsummering."));
    live.events.expect_reload(&live.serve);
    // Straight after the reload, while the users are being rendered: the
    // summary again, and an article that leaves the entry.
    live.site.write(ENTRY, &entry("Andre nye oppsummering."));
    live.site.write(
        "content/sak-3.md",
        "+++\ntitle = \"Sak 3 uten bakgrunn\"\ndate = 2022-01-07\n+++\n\nOm noe annet.\n",
    );
    // A save caught halfway through being written is reported and built
    // again: what counts is the outcome after the last event.
    let next = live
        .events
        .rx
        .recv_timeout(WAIT)
        .expect("an event for the second save");
    let mut seen = vec![next];
    seen.extend(live.events.settle());
    let last = seen.iter().rfind(|e| e.name != "search");
    assert_eq!(
        last.map(|e| e.name.as_str()),
        Some("reload"),
        "{seen:?}\n{}",
        live.serve.logs()
    );
    live.serve.wait_pages_written();
    assert_same_as_fresh_build(&live);
    assert!(
        live.serve
            .get("/sak-150/")
            .text()
            .contains("Andre nye oppsummering.")
    );
}

/// Users of the entry whose pages take a while each, and another article.
const SLOW_USERS: usize = 60;

fn slow_user(n: usize) -> String {
    let body: String = (0..1500)
        .map(|i| {
            format!("Avsnitt {i} om *alliansen* i sak {n}, med «sitater» og tall som 1 000.\n\n")
        })
        .collect();
    format!(
        "+++\ntitle = \"Sak {n}\"\ndate = 2022-01-06\nbackground = [\"csto\"]\n+++\n\n{{{{ bakgrunn() }}}}\n\n{body}"
    )
}

#[test]
fn a_save_during_a_long_catch_up_waits_for_no_handful_of_it() {
    let site = Site::new(&[]);
    // The index of so much text would still be made after the pages.
    site.write(
        "site.toml",
        "title = \"T\"\nlanguage = \"nb\"\nsearch = false\n",
    );
    site.write(ENTRY, &entry("Gammel oppsummering av alliansen."));
    site.write(
        "content/annen.md",
        &crate::support::article("Annen sak", "Første versjon."),
    );
    for n in 1..=SLOW_USERS {
        site.write(&format!("content/sak-{n}.md"), &slow_user(n));
    }
    let live = Live::start(site, ENTRY);
    // How long every user takes after a save of the entry.
    live.site.write(ENTRY, &entry("Første nye oppsummering."));
    live.events.expect_reload(&live.serve);
    let started = Instant::now();
    live.serve.wait_pages_written();
    let all_users = started.elapsed();
    // Again, and right after its reload, while the users are rendered, a
    // save of the other article: it waits for the pages being rendered
    // then, not for a handful of them.
    live.site.write(ENTRY, &entry("Andre nye oppsummering."));
    live.events.expect_reload(&live.serve);
    let saved = Instant::now();
    live.site.write(
        "content/annen.md",
        &crate::support::article("Annen sak", "Andre versjon."),
    );
    live.events.expect_reload(&live.serve);
    let waited = saved.elapsed();
    assert!(
        live.serve.status("pages_pending") > 0,
        "the users were rendered before the save came; make them slower\n{}",
        live.serve.logs()
    );
    assert!(
        waited < all_users / 4,
        "the save's reload came {waited:?} after it, the users take {all_users:?} in all\n{}",
        live.serve.logs()
    );
    live.serve.wait_text("/annen/", "Andre versjon.");
    live.serve.wait_pages_written();
    assert_same_as_fresh_build(&live);
    for n in [1, SLOW_USERS / 2, SLOW_USERS] {
        let page = live.serve.get(&format!("/sak-{n}/"));
        assert!(page.text().contains("Andre nye oppsummering."), "/sak-{n}/");
    }
}

#[test]
fn an_event_stream_page_outside_the_site_is_ignored() {
    for outside in [
        "/../sak-7/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "https://example.com/sak-7/",
        "sak-7/",
    ] {
        let live = site_with_users(Some(outside));
        live.site
            .write(ENTRY, &entry("Ny oppsummering av alliansen."));
        live.events.expect_reload(&live.serve);
        // Only the entry's own page before the reload: no page was taken as open.
        assert_eq!(
            pages_before_reload(&live),
            1,
            "page={outside}\n{}",
            live.serve.logs()
        );
        assert!(
            live.serve
                .get("/sak-7/")
                .text()
                .contains("Ny oppsummering av alliansen.")
        );
    }
}

/// Every file `forklar build` writes from the same site is served byte for
/// byte (the live-reload script aside), and serve has no page it lacks.
fn assert_same_as_fresh_build(live: &Live) {
    let fresh = live.site.dir.path().join("fresh");
    let result = fresh_build(
        &live.site.root(),
        &fresh,
        &format!("http://127.0.0.1:{}/", live.serve.port),
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    live.serve.wait_index_as_built(&fresh);
    let built = list_files(&fresh);
    for path in &built {
        let served = live.serve.get(&format!("/{path}"));
        assert_eq!(served.status, 200, "/{path}");
        let expected = fs::read(fresh.join(path)).expect("built file");
        if path.ends_with(".html") {
            assert_eq!(
                without_snippet(&served.text()),
                String::from_utf8_lossy(&expected),
                "/{path} differs from a fresh build"
            );
        } else {
            assert_eq!(served.body, expected, "/{path} differs from a fresh build");
        }
    }
    let served = list_files(&live.serve.output_dir());
    let extra: Vec<&String> = served.difference(&built).collect();
    assert!(
        extra.is_empty(),
        "serve has files a build has not: {extra:?}"
    );
}
