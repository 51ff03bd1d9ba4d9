//! End-to-end tests of `forklar serve`: the real binary, started on a small site
//! in a temp folder, edited the ways editors and tools save files, and watched
//! over plain HTTP and the Server-Sent Events stream `/__forklar/events`.
//!
//! The shared machinery is in `support.rs`. Every wait is a bounded poll (see [`WAIT`]); nothing sleeps a fixed time and
//! then asserts, except the few checks that something does *not* happen, which
//! listen for [`QUIET`] and are backed by a sentinel save where they can be.
//!
//! The browser test runs `tests/browser/reload.mjs` in the Debian Chromium; it
//! prints `SKIPPED ...` and passes when Chromium, node or the npm packages are
//! missing, unless `FORKLAR_REQUIRE_TOOLS=1` is set (see `tests/tools/main.rs`).

use std::fs;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::http::Resp;
use crate::support::{
    BIN, Events, HTTP_TIMEOUT, Live, SNIPPET_MARK, START, Serve, Site, WAIT, article,
    collect_lines, collect_text, request, wait_until, without_snippet,
};
use crate::tools::{browser_dir, missing};

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// Longest wait for the 100-file change.
const BULK_WAIT: Duration = Duration::from_secs(30);
/// Longest a browser run may take before it is killed.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// Front matter that is not TOML: the title string is never closed (line 2).
fn broken_article(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\ndate = 2022-01-06\n+++\n\n{body}\n")
}

/// Starts serving `articles` and waits until the watcher is live (see
/// [`Live::wait_for_watcher`]); the first article is the probe.
fn live(articles: &[(&str, &str, &str)]) -> Live {
    let probe = articles.first().map_or_else(
        || "site.toml".to_string(),
        |(file, _, _)| format!("content/{file}"),
    );
    Live::start(Site::new(articles), &probe)
}

fn one_article() -> Live {
    live(&[("forste.md", "Første sak", "Gammel tekst om saken.")])
}

// ---------------------------------------------------------------------------
// Save patterns

#[test]
fn overwrite_in_place_reloads() {
    let l = one_article();
    l.serve.wait_text("/forste/", "Gammel tekst om saken.");
    l.site.write(
        "content/forste.md",
        &article("Første sak", "Ny tekst etter vanlig lagring."),
    );
    l.expect_change("/forste/", "Ny tekst etter vanlig lagring.");
}

/// vim with `backup`/`writebackup` and `backupcopy=no`: a `4913` probe file,
/// the new text in a temp file, the original renamed to `name~`, the temp file
/// renamed to the name, the backup deleted.
#[test]
fn vim_style_save_reloads() {
    let l = one_article();
    let dir = l.site.p("content");
    let probe = dir.join("4913");
    fs::write(&probe, "").unwrap();
    fs::remove_file(&probe).unwrap();
    let temp = dir.join("forste.md.tmp1234");
    fs::write(&temp, article("Første sak", "Lagret som vim gjør det.")).unwrap();
    fs::rename(dir.join("forste.md"), dir.join("forste.md~")).unwrap();
    fs::rename(&temp, dir.join("forste.md")).unwrap();
    fs::remove_file(dir.join("forste.md~")).unwrap();
    l.expect_change("/forste/", "Lagret som vim gjør det.");
}

/// `sed -i`: a temp file in the same folder, renamed over the original.
#[test]
fn sed_in_place_save_reloads() {
    let l = one_article();
    let dir = l.site.p("content");
    let temp = dir.join("sedAbC123");
    fs::write(&temp, article("Første sak", "Endret med sed.")).unwrap();
    fs::rename(&temp, dir.join("forste.md")).unwrap();
    l.expect_change("/forste/", "Endret med sed.");
}

#[test]
fn delete_then_create_reloads() {
    let l = one_article();
    fs::remove_file(l.site.p("content/forste.md")).unwrap();
    l.site.write(
        "content/forste.md",
        &article("Første sak", "Slettet og skrevet på nytt."),
    );
    l.expect_change("/forste/", "Slettet og skrevet på nytt.");
}

#[test]
fn new_folder_with_article_appears_on_front_page() {
    let l = one_article();
    fs::create_dir(l.site.p("content/nytt")).unwrap();
    l.site.write(
        "content/nytt/ny-sak.md",
        &article("Helt ny sak", "Teksten i den nye mappen."),
    );
    l.expect_change("/ny-sak/", "Teksten i den nye mappen.");
    l.serve.wait_text("/", "Helt ny sak");
    l.serve.wait_text("/", "Første sak");
}

#[test]
fn deleted_article_answers_404_and_leaves_front_page() {
    let l = live(&[
        ("forste.md", "Første sak", "Den første."),
        ("andre.md", "Andre sak", "Den andre."),
    ]);
    l.serve.wait_text("/", "Andre sak");
    l.serve.wait_text("/andre/", "Den andre.");
    fs::remove_file(l.site.p("content/andre.md")).unwrap();
    l.events.expect_reload(&l.serve);
    l.serve
        .wait_page("/andre/", WAIT, "404 for the deleted article", |r| {
            r.status == 404 && !r.text().contains("Den andre.")
        });
    l.serve
        .wait_page("/", WAIT, "the front page to drop it", |r| {
            r.status == 200 && !r.text().contains("Andre sak") && r.text().contains("Første sak")
        });
}

/// A `git checkout` that writes 100 articles at once: all of them are
/// published, in a handful of rebuilds, not one per file.
#[test]
fn checkout_of_100_files_is_a_few_rebuilds() {
    let l = one_article();
    let before = l.serve.status_lines().len();
    for i in 0..100 {
        l.site.write(
            &format!("content/bulk-{i:03}.md"),
            &article(&format!("Bulk {i:03}"), &format!("Tekst nummer {i}.")),
        );
    }
    l.events.expect_reload(&l.serve);
    // 101 articles: the front page's list runs over three pages of 50.
    let listed = |i: usize| format!("href=\"/bulk-{i:03}/\"");
    l.serve
        .wait_page("/side/3/", BULK_WAIT, "the third page of the list", |r| {
            r.status == 200
        });
    let pages: String = ["/", "/side/2/", "/side/3/"]
        .iter()
        .map(|page| l.serve.get(page).text())
        .collect();
    let missing: Vec<usize> = (0..100).filter(|&i| !pages.contains(&listed(i))).collect();
    assert!(
        missing.is_empty(),
        "not listed on the front page's pages: {missing:?}"
    );
    l.serve.wait_text("/bulk-099/", "Tekst nummer 99.");
    l.events.settle();
    let lines = l.serve.status_lines();
    let rebuilds = &lines[before..];
    assert!(
        !rebuilds.is_empty() && rebuilds.len() <= 5,
        "100 files written at once took {} rebuilds (at most 5 expected):\n{}",
        rebuilds.len(),
        rebuilds.join("\n")
    );
}

/// An editor's swap file alone is not a change. A sentinel save afterwards
/// proves the watcher was listening: its rebuild must be the only one.
#[test]
fn swap_file_alone_causes_no_rebuild() {
    let l = one_article();
    let before = l.serve.status_lines().len();
    l.site
        .write("content/.forste.md.swp", "b0VIM 9.0\0\0binary swap");
    l.events.assert_quiet(&l.serve);
    assert_eq!(
        l.serve.status_lines().len(),
        before,
        "a swap file caused a rebuild\n{}",
        l.serve.logs()
    );
    l.site.write(
        "content/forste.md",
        &article("Første sak", "Etter swap-filen."),
    );
    l.expect_change("/forste/", "Etter swap-filen.");
    l.events.settle();
    let lines = l.serve.status_lines();
    assert_eq!(
        lines[before..].len(),
        1,
        "expected only the sentinel's rebuild:\n{}",
        lines.join("\n")
    );
    assert!(
        lines[before].starts_with("Rebuilt content/forste.md:"),
        "the rebuild after the swap file is not just the article: {}",
        lines[before]
    );
}

#[test]
fn site_title_change_rebuilds_every_page() {
    let l = live(&[
        ("forste.md", "Første sak", "Den første."),
        ("andre.md", "Andre sak", "Den andre."),
    ]);
    l.site.write(
        "site.toml",
        "title = \"Nytt nettstednavn\"\nlanguage = \"nb\"\n",
    );
    l.expect_change("/", "Nytt nettstednavn");
    for page in ["/forste/", "/andre/", "/bakgrunn/", "/404.html"] {
        l.serve.wait_text(page, "Nytt nettstednavn");
    }
}

#[test]
fn template_override_changes_article_pages() {
    let l = live(&[
        ("forste.md", "Første sak", "Den første."),
        ("andre.md", "Andre sak", "Den andre."),
    ]);
    l.site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n<p>Egen artikkelmal i bruk.</p>\n{% endblock main %}\n",
    );
    l.expect_change("/forste/", "Egen artikkelmal i bruk.");
    l.serve.wait_text("/andre/", "Egen artikkelmal i bruk.");
    let front = l.serve.get("/");
    assert!(!front.text().contains("Egen artikkelmal i bruk."));
}

// ---------------------------------------------------------------------------
// Broken saves

#[test]
fn bad_front_matter_keeps_old_page_and_reports_error() {
    let mut l = one_article();
    let before = l.serve.get("/forste/");
    assert_eq!(before.status, 200);
    assert!(before.text().contains("Gammel tekst om saken."));

    l.site.write(
        "content/forste.md",
        &broken_article("Første sak", "Ødelagt lagring."),
    );
    let error = l.events.expect("error", &l.serve);
    let json: serde_json::Value = serde_json::from_str(&error.data)
        .unwrap_or_else(|e| panic!("error data is not JSON ({e}): {}", error.data));
    assert_eq!(
        json["file"].as_str(),
        Some("content/forste.md"),
        "error event: {json}"
    );
    assert_eq!(json["line"].as_u64(), Some(2), "error event: {json}");
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error event: {json}"
    );
    assert!(
        wait_until(WAIT, || l.serve.stderr().contains("content/forste.md:2")),
        "the error is not on stderr\n{}",
        l.serve.logs()
    );

    let during = l.serve.get("/forste/");
    assert_eq!(during.status, 200);
    assert_eq!(
        during.text(),
        before.text(),
        "the page changed although the save was broken"
    );
    assert!(
        l.serve.running(),
        "forklar serve stopped\n{}",
        l.serve.logs()
    );
    assert_eq!(l.serve.get("/").status, 200);

    l.site.write(
        "content/forste.md",
        &article("Første sak", "Rettet og lagret."),
    );
    l.expect_change("/forste/", "Rettet og lagret.");
}

#[test]
fn a_named_pipe_saved_as_an_article_is_the_error_build_gives() {
    let mut l = one_article();
    let fifo = l.site.root().join("content/ror.md");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(made) if made.success() => {}
        _ => {
            eprintln!("SKIPPED named pipe test: mkfifo is not available");
            return;
        }
    }
    let error = l.events.expect("error", &l.serve);
    assert!(
        error.data.contains("content/ror.md") && error.data.contains("named pipe"),
        "error event: {}",
        error.data
    );
    assert!(
        l.serve.running(),
        "forklar serve stopped\n{}",
        l.serve.logs()
    );
    // Gone again, the site is whole.
    std::fs::remove_file(&fifo).expect("the pipe is removed");
    l.events.expect("reload", &l.serve);
    assert_eq!(l.serve.get("/forste/").status, 200);
}

#[test]
fn an_article_replaced_by_a_broken_link_is_the_error_build_gives() {
    let l = one_article();
    let path = l.site.p("content/forste.md");
    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("mangler.md", &path).unwrap();
    let error = l.events.expect("error", &l.serve);
    assert!(
        error.data.contains("content/forste.md") && error.data.contains("broken link"),
        "error event: {}\n{}",
        error.data,
        l.serve.logs()
    );
    // A file again, the article is back.
    fs::remove_file(&path).unwrap();
    l.site.write(
        "content/forste.md",
        &article("Første sak", "Tekst etter lenken."),
    );
    l.expect_change("/forste/", "Tekst etter lenken.");
}

#[test]
fn broken_first_build_serves_and_recovers() {
    let site = Site::new(&[]);
    site.write(
        "content/forste.md",
        &broken_article("Første sak", "Ødelagt fra start."),
    );
    let serve = Serve::start(&site);
    let front = serve.get("/");
    assert_eq!(
        front.status, 200,
        "nothing served after a failed first build"
    );
    assert!(
        front.text().contains(SNIPPET_MARK),
        "the waiting page has no live-reload script: {}",
        front.text()
    );
    assert!(
        serve.stderr().contains("content/forste.md"),
        "the first build's error is not on stderr\n{}",
        serve.logs()
    );
    // A browser that connects now is told about the error at once.
    let events = Events::connect(&serve);
    let error = events.expect("error", &serve);
    assert!(error.data.contains("content/forste.md"), "{}", error.data);
    let l = Live {
        site,
        serve,
        events,
    };
    l.wait_for_watcher("content/forste.md");
    let Live {
        site,
        serve,
        events,
    } = l;

    site.write(
        "content/forste.md",
        &article("Første sak", "Nå virker det."),
    );
    events.expect_reload(&serve);
    serve.wait_text("/forste/", "Nå virker det.");
    serve.wait_text("/", "Første sak");
}

// ---------------------------------------------------------------------------
// What is served

/// The first line of /etc/passwd (if there is one), and a secret written
/// beside the server's output folder: neither may ever appear in a response.
fn secrets(site: &Site) -> Vec<String> {
    let mut secrets = vec!["HEMMELIG-UTENFOR-ROTEN-7f3a".to_owned()];
    fs::write(site.tmp().join("secret.txt"), &secrets[0]).unwrap();
    fs::write(site.dir.path().join("secret.txt"), &secrets[0]).unwrap();
    if let Ok(passwd) = fs::read_to_string("/etc/passwd")
        && let Some(first) = passwd.lines().next()
    {
        secrets.push(first.to_owned());
    }
    secrets
}

fn assert_no_secret(resp: &Resp, target: &str, secrets: &[String]) {
    let text = resp.text();
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{target} served the content of a file outside the site ({secret:?}):\n{text}"
        );
    }
}

#[test]
fn path_traversal_is_refused() {
    let site = Site::new(&[("forste.md", "Første sak", "Tekst.")]);
    let secrets = secrets(&site);
    let serve = Serve::start(&site);
    for target in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e%5c",
        "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/forste/../../secret.txt",
        "/forste/%2e%2e/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%00/etc/passwd",
    ] {
        for method in ["GET", "HEAD"] {
            let resp = request(serve.port, method, target)
                .unwrap_or_else(|e| panic!("{method} {target}: {e}\n{}", serve.logs()));
            assert_eq!(resp.status, 404, "{method} {target}: {}", resp.text());
            assert_no_secret(&resp, target, &secrets);
        }
    }
    assert!(request(serve.port, "GET", "/forste/").is_ok_and(|r| r.status == 200));
}

/// A symlink in `static/` to a file outside the site must not make the dev
/// server hand out that file: forklar may skip the link or refuse the site,
/// but the content of `/etc/passwd` must never be served.
#[test]
fn symlink_in_static_to_outside_file_is_not_served() {
    let site = Site::new(&[("forste.md", "Første sak", "Tekst.")]);
    let secrets = secrets(&site);
    fs::create_dir_all(site.p("static")).unwrap();
    fs::write(site.p("static/ok.txt"), "vanlig fil").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", site.p("static/passwd.txt")).unwrap();
    std::os::unix::fs::symlink(
        site.dir.path().join("secret.txt"),
        site.p("static/hemmelig.txt"),
    )
    .unwrap();
    let serve = Serve::start(&site);
    assert_eq!(serve.get("/").status, 200);
    for target in ["/passwd.txt", "/hemmelig.txt"] {
        let resp = serve.get(target);
        assert_no_secret(&resp, target, &secrets);
    }
    let copied: Vec<String> = ["passwd.txt", "hemmelig.txt"]
        .iter()
        .filter(|f| serve.output_dir().join(f).exists())
        .map(|f| f.to_string())
        .collect();
    assert!(
        copied.is_empty(),
        "links to files outside the site were copied into the output: {copied:?}"
    );
}

/// A symlinked folder that appears in `static/` while serving: nothing in it
/// is served, and files changing in the outside folder are not watched.
#[test]
fn symlinked_folder_added_to_static_is_not_served_or_watched() {
    let l = one_article();
    let secrets = secrets(&l.site);
    let outside = l.site.dir.path().join("utenfor");
    fs::create_dir_all(outside.join("under")).unwrap();
    fs::write(outside.join("a.txt"), &secrets[0]).unwrap();
    fs::write(outside.join("under/b.txt"), &secrets[0]).unwrap();
    fs::create_dir_all(l.site.p("static")).unwrap();
    std::os::unix::fs::symlink(&outside, l.site.p("static/ute")).unwrap();
    // A sentinel save: once it is built (or the link refused), the link has
    // surely been seen.
    l.site
        .write("content/forste.md", &article("Første sak", "Sentinel."));
    let deadline = Instant::now() + WAIT;
    let mut refused = None;
    loop {
        if let Ok(e) = l.events.rx.try_recv()
            && e.name == "error"
        {
            refused = Some(e.data);
            break;
        }
        if request(l.serve.port, "GET", "/forste/").is_ok_and(|r| r.text().contains("Sentinel.")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "neither the sentinel save nor an error showed within {WAIT:?}\n{}",
            l.serve.logs()
        );
        thread::sleep(Duration::from_millis(25));
    }
    l.events.settle();
    for target in ["/ute/a.txt", "/ute/under/b.txt", "/ute/"] {
        let resp = l.serve.get(target);
        assert_no_secret(&resp, target, &secrets);
    }
    if let Some(error) = &refused {
        assert!(error.contains("static/ute"), "error event: {error}");
    }
    // The outside folder is not part of the site: writing there is no change.
    let before = l.serve.status_lines();
    fs::write(outside.join("c.txt"), "ny fil utenfor").unwrap();
    fs::write(outside.join("under/b.txt"), "endret utenfor").unwrap();
    let after_quiet = l.events.settle();
    assert!(
        after_quiet.is_empty() && l.serve.status_lines() == before,
        "changes outside the site, behind static/ute, made forklar rebuild: {after_quiet:?}\n{}",
        l.serve.logs()
    );
}

/// `static/` itself a link to a folder outside the site when serve starts:
/// the error names it, and nothing behind it is served.
#[test]
fn a_static_folder_that_links_out_of_the_site_is_named_and_not_served() {
    let site = Site::new(&[("forste.md", "Første sak", "Tekst.")]);
    let secrets = secrets(&site);
    let outside = site.dir.path().join("utenfor");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("a.txt"), &secrets[0]).unwrap();
    std::os::unix::fs::symlink(&outside, site.p("static")).unwrap();
    let serve = Serve::start(&site);
    assert!(
        wait_until(WAIT, || serve.stderr().contains("--> static")),
        "the link is not named\n{}",
        serve.logs()
    );
    assert_no_secret(&serve.get("/a.txt"), "/a.txt", &secrets);
}

/// `content/` or `static/` replaced by a link to a folder outside the site
/// while serving: the error names it, nothing behind it is read or served,
/// and changes there are not watched.
#[test]
fn a_top_folder_replaced_by_a_link_while_serving_is_refused() {
    for (folder, file, text, url) in [
        (
            "content",
            "ute.md",
            "+++\ntitle = \"Ute\"\ndate = 2022-01-06\n+++\n\nHEMMELIG-UTENFOR-ROTEN-7f3a\n",
            "/ute/",
        ),
        ("static", "a.txt", "HEMMELIG-UTENFOR-ROTEN-7f3a", "/a.txt"),
    ] {
        let l = one_article();
        let secrets = secrets(&l.site);
        let outside = l.site.dir.path().join("utenfor");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join(file), text).unwrap();
        fs::create_dir_all(l.site.p(folder)).unwrap();
        fs::rename(l.site.p(folder), l.site.dir.path().join("gammel")).unwrap();
        std::os::unix::fs::symlink(&outside, l.site.p(folder)).unwrap();
        let deadline = Instant::now() + WAIT;
        let error = loop {
            if let Ok(e) = l.events.rx.try_recv()
                && e.name == "error"
            {
                break e.data;
            }
            assert!(
                Instant::now() < deadline,
                "no error for the linked {folder}/ within {WAIT:?}\n{}",
                l.serve.logs()
            );
            thread::sleep(Duration::from_millis(25));
        };
        assert!(error.contains(folder), "error event: {error}");
        l.events.settle();
        assert_no_secret(&l.serve.get(url), url, &secrets);
        let before = l.serve.status_lines();
        fs::write(outside.join("c.txt"), "ny fil utenfor").unwrap();
        let after_quiet = l.events.settle();
        assert!(
            after_quiet.is_empty() && l.serve.status_lines() == before,
            "a change behind the linked {folder}/ made forklar rebuild: {after_quiet:?}\n{}",
            l.serve.logs()
        );
    }
}

/// Saves made while the first build runs (before "Serving …" is printed)
/// must not be lost: the page must end up showing the last one.
#[test]
fn save_during_first_build_is_not_lost() {
    let site = Site::new(&[("forste.md", "Første sak", "Versjon 0.")]);
    // Enough articles that the first build takes a while.
    for i in 0..400 {
        site.write(
            &format!("content/fyll-{i:03}.md"),
            &article(&format!("Fyll {i:03}"), &"Litt tekst. ".repeat(40)),
        );
    }
    let mut version = 0;
    let serve = Serve::start_with(&site, || {
        version += 1;
        site.write(
            "content/forste.md",
            &article("Første sak", &format!("Versjon {version}.")),
        );
    });
    assert!(
        version > 0,
        "the first build was too quick to save during it"
    );
    serve.wait_text("/forste/", &format!("Versjon {version}."));
}

#[test]
fn types_caching_head_404_and_script_injection() {
    let site = Site::new(&[("forste.md", "Første sak", "Tekst.")]);
    let serve = Serve::start(&site);

    let front = serve.get("/");
    let front_text = front.text();
    assert_eq!(front.status, 200);
    assert_eq!(
        front.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(front.header("Cache-Control"), Some("no-store"));
    assert_eq!(
        front_text.matches(SNIPPET_MARK).count(),
        1,
        "the front page should carry the live-reload script once"
    );
    let article = serve.get("/forste/");
    assert_eq!(article.status, 200);
    assert!(article.text().contains(SNIPPET_MARK));
    // The file on disk is the page without the script.
    let on_disk = fs::read_to_string(serve.output_dir().join("index.html")).expect("index.html");
    assert!(!on_disk.contains(SNIPPET_MARK));
    assert_eq!(without_snippet(&front_text), on_disk);

    let asset = |prefix: &str, ext: &str| -> String {
        let start = front_text
            .find(prefix)
            .unwrap_or_else(|| panic!("no {prefix}…{ext} on the front page:\n{front_text}"));
        let end = front_text[start..]
            .find(ext)
            .unwrap_or_else(|| panic!("no {ext} after {prefix}"));
        front_text[start..start + end + ext.len()].to_owned()
    };
    for (path, content_type) in [
        (asset("/style.", ".css"), "text/css; charset=utf-8"),
        (asset("/forklar.", ".js"), "text/javascript; charset=utf-8"),
        ("/atom.xml".to_owned(), "application/xml"),
        ("/sitemap.xml".to_owned(), "application/xml"),
        ("/robots.txt".to_owned(), "text/plain; charset=utf-8"),
        ("/404.html".to_owned(), "text/html; charset=utf-8"),
    ] {
        let resp = serve.get(&path);
        assert_eq!(resp.status, 200, "GET {path}");
        assert_eq!(resp.header("Content-Type"), Some(content_type), "{path}");
        assert_eq!(resp.header("Cache-Control"), Some("no-store"), "{path}");
        let injected = resp.text().contains(SNIPPET_MARK);
        assert_eq!(
            injected,
            content_type.starts_with("text/html"),
            "live-reload script in {path}: {injected}"
        );
    }

    // HEAD: the same headers as GET, no body.
    for path in ["/", "/forste/", "/atom.xml", "/finnes-ikke/"] {
        let get = serve.get(path);
        let head = request(serve.port, "HEAD", path).expect("HEAD");
        assert_eq!(head.status, get.status, "HEAD {path}");
        assert_eq!(head.header("Content-Type"), get.header("Content-Type"));
        assert_eq!(head.header("Content-Length"), get.header("Content-Length"));
        assert_eq!(head.header("Cache-Control"), Some("no-store"));
        assert!(head.body.is_empty(), "HEAD {path} sent a body");
    }

    // A missing page is the site's own 404 page, with status 404.
    let missing = serve.get("/finnes-ikke/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(missing.header("Cache-Control"), Some("no-store"));
    let page_404 = fs::read_to_string(serve.output_dir().join("404.html")).expect("404.html");
    assert!(missing.text().contains(SNIPPET_MARK));
    assert_eq!(without_snippet(&missing.text()), page_404);

    // Only GET and HEAD.
    let post = request(serve.port, "POST", "/").expect("POST");
    assert_eq!(post.status, 405);
}

#[test]
fn port_in_use_fails_with_a_message() {
    let site = Site::new(&[("forste.md", "Første sak", "Tekst.")]);
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg("--root")
        .arg(site.root())
        .arg("--port")
        .arg(port.to_string())
        .env("TMPDIR", site.tmp())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start forklar");
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let stderr = Arc::new(Mutex::new(String::new()));
    collect_lines(child.stdout.take().expect("stdout"), Arc::clone(&stdout));
    collect_text(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
    let status = wait_child(&mut child, START);
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("forklar serve kept running on a port in use");
    };
    assert!(!status.success(), "forklar serve exited with {status}");
    let stderr_text = || stderr.lock().unwrap_or_else(|e| e.into_inner()).clone();
    wait_until(Duration::from_secs(2), || stderr_text().contains("--port"));
    let text = stderr_text();
    assert!(
        text.contains(&port.to_string()) && text.contains("--port"),
        "the message does not name port {port} and --port: {text:?}"
    );
    drop(taken);
}

fn wait_child(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------
// In a real browser

fn browser_tools(check: &str) -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| DEFAULT_CHROMIUM.into());
    if !Path::new(&chromium).is_file() {
        missing(
            check,
            &format!("{chromium} not found"),
            "apt-get install chromium; cd tests/browser && npm ci",
        );
        return false;
    }
    let node = Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !node {
        missing(
            check,
            "node not found",
            "Node.js 20 or later; cd tests/browser && npm ci",
        );
        return false;
    }
    let playwright = browser_dir().join("node_modules/playwright-core/package.json");
    if !playwright.is_file() {
        missing(
            check,
            &format!("{} not found", playwright.display()),
            "cd tests/browser && npm ci",
        );
        return false;
    }
    true
}

/// In Chromium: a save reloads the open article by itself, a broken save shows
/// the error overlay naming the file, and the fix removes it.
#[test]
fn browser_reloads_and_shows_the_error_overlay() {
    if !browser_tools("live reload in Chromium") {
        return;
    }
    let Live { site, serve, .. } = one_article();
    let script = browser_dir().join("reload.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .arg(serve.url("/forste/"))
        .arg(site.p("content/forste.md"))
        .arg("content/forste.md")
        .current_dir(browser_dir())
        .env("TMPDIR", site.tmp())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let out = Arc::new(Mutex::new(String::new()));
    collect_text(child.stdout.take().expect("stdout"), Arc::clone(&out));
    collect_text(child.stderr.take().expect("stderr"), Arc::clone(&out));
    let status = wait_child(&mut child, BROWSER_TIMEOUT);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    // The pipes close with the process; give the readers a moment to finish.
    thread::sleep(Duration::from_millis(100));
    let text = out.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match status.and_then(|s| s.code()) {
        Some(0) => println!("{text}"),
        None => panic!(
            "reload.mjs did not finish within {BROWSER_TIMEOUT:?}:\n{text}\n{}",
            serve.logs()
        ),
        Some(1) => panic!("live reload failed in Chromium:\n{text}\n{}", serve.logs()),
        Some(code) => panic!(
            "reload.mjs could not run (exit {code}):\n{text}\n{}",
            serve.logs()
        ),
    }
}

// ---------------------------------------------------------------------------
// What a save re-renders

fn tagged_article(title: &str, tag: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2022-01-06\ntags = [\"{tag}\"]\n+++\n\n{body}\n")
}

/// A new title must reach every page that lists the article: the front page and
/// the tag page, not only the article itself.
#[test]
fn a_new_title_reaches_every_list() {
    let l = live(&[("forste.md", "Første sak", "Tekst.")]);
    l.site.write(
        "content/forste.md",
        &tagged_article("Første sak", "Økonomi", "Tekst."),
    );
    l.expect_change("/emne/okonomi/", "Første sak");
    l.site.write(
        "content/forste.md",
        &tagged_article("Ny tittel på saken", "Økonomi", "Tekst."),
    );
    l.expect_change("/forste/", "Ny tittel på saken");
    l.serve.wait_text("/", "Ny tittel på saken");
    l.serve.wait_text("/emne/okonomi/", "Ny tittel på saken");
    let front = l.serve.get("/").text();
    assert!(
        !front.contains("Første sak"),
        "the old title is still listed:\n{front}"
    );
}

/// A change to the body alone leaves the lists as they were: the front page file
/// is not written again, while the article shows the new text.
#[test]
fn a_body_edit_leaves_the_lists_untouched() {
    let l = live(&[("forste.md", "Første sak", "Gammel tekst.")]);
    let front_page = l.serve.output_dir().join("index.html");
    let before = fs::metadata(&front_page)
        .and_then(|m| m.modified())
        .expect("front page");
    std::thread::sleep(Duration::from_millis(20));
    l.site.write(
        "content/forste.md",
        &article("Første sak", "Ny tekst i brødteksten."),
    );
    l.expect_change("/forste/", "Ny tekst i brødteksten.");
    let after = fs::metadata(&front_page)
        .and_then(|m| m.modified())
        .expect("front page");
    assert_eq!(
        before, after,
        "the front page was rewritten for a body edit"
    );
}

/// A tag no longer used by any article loses its page, and a new tag gets one.
#[test]
fn a_changed_tag_moves_the_article_between_tag_pages() {
    let l = live(&[("forste.md", "Første sak", "Tekst.")]);
    l.site.write(
        "content/forste.md",
        &tagged_article("Første sak", "Gammel", "Tekst."),
    );
    l.expect_change("/emne/gammel/", "Første sak");
    l.site.write(
        "content/forste.md",
        &tagged_article("Første sak", "Ny", "Tekst."),
    );
    l.expect_change("/emne/ny/", "Første sak");
    l.serve
        .wait_page("/emne/gammel/", WAIT, "the unused tag page to go", |r| {
            r.status == 404
        });
}

// ---------------------------------------------------------------------------
// Stopping, and `build --watch`

/// Sends SIGINT, as Ctrl-C in a terminal does.
fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(status.success(), "kill -INT failed");
}

/// Waits for the process to end by itself, within `within`.
fn wait_for_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the process did not stop within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_stops_serve_cleanly_and_keeps_its_pages_for_the_next_start() {
    let l = one_article();
    let output = l.serve.output_dir();
    assert!(output.join("index.html").is_file());
    let mut serve = l.serve;
    interrupt(&serve.child);
    let status = wait_for_exit(&mut serve.child, Duration::from_secs(10));
    assert!(status.success(), "serve ended with {status} after Ctrl-C");
    assert!(
        output.join("index.html").is_file(),
        "the pages in {} were not kept",
        output.display()
    );
    assert!(l.site.p(".forklar-cache/serve/sources").is_file());
    assert!(
        TcpStream::connect(("127.0.0.1", serve.port)).is_err(),
        "the port still answers after Ctrl-C"
    );
}

#[test]
fn build_watch_rebuilds_public_on_save() {
    let site = Site::new(&[("forste.md", "Første sak", "Gammel tekst.")]);
    let mut child = Command::new(BIN)
        .args(["build", "--watch", "--root"])
        .arg(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start build --watch");
    let page = site.root().join("public/forste/index.html");
    let wait_for = |text: &str| {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if fs::read_to_string(&page).is_ok_and(|html| html.contains(text)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    };
    assert!(
        wait_for("Gammel tekst."),
        "the first build did not write the page"
    );
    // Save until the watcher has surely started; each save is a complete file.
    let deadline = Instant::now() + WAIT;
    let mut seen = false;
    while !seen && Instant::now() < deadline {
        site.write(
            "content/forste.md",
            &article("Første sak", "Ny tekst etter lagring."),
        );
        seen = wait_for_quick(&page, "Ny tekst etter lagring.");
    }
    assert!(seen, "build --watch did not rebuild public/ after a save");
    assert!(
        !fs::read_to_string(&page)
            .unwrap()
            .contains("__forklar/events"),
        "build --watch must not inject the live-reload script"
    );
    interrupt(&child);
    let status = wait_for_exit(&mut child, Duration::from_secs(10));
    assert!(
        status.success(),
        "build --watch ended with {status} after Ctrl-C"
    );
}

fn wait_for_quick(page: &Path, text: &str) -> bool {
    let deadline = Instant::now() + Duration::from_millis(500);
    while Instant::now() < deadline {
        if fs::read_to_string(page).is_ok_and(|html| html.contains(text)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

// ---------------------------------------------------------------------------
// Under stress

/// 200 saves in 10 seconds: the server keeps up and ends serving the last one.
#[test]
fn two_hundred_saves_in_ten_seconds_end_with_the_last_one_served() {
    let l = one_article();
    for i in 0..200 {
        l.site.write(
            "content/forste.md",
            &article("Første sak", &format!("Lagring nummer {i}.")),
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    l.serve.wait_text("/forste/", "Lagring nummer 199.");
    l.events.settle();
    let page = l.serve.get("/forste/").text();
    assert!(page.contains("Lagring nummer 199."), "{page}");
    assert!(
        !page.contains("Lagring nummer 198."),
        "an older save is served:\n{page}"
    );
}

/// A file written slowly, in pieces, may be caught half-written: whatever the
/// rebuilds in between say, the complete file is what ends up served.
#[test]
fn a_file_written_slowly_in_pieces_ends_with_the_whole_file_served() {
    let l = one_article();
    let text = article(
        "Første sak",
        "Første del av teksten. Andre del av teksten, skrevet sakte.",
    );
    let (first, rest) = text.split_at(text.len() / 3);
    let (second, third) = rest.split_at(rest.len() / 2);
    let mut file = fs::File::create(l.site.p("content/forste.md")).expect("open");
    for piece in [first, second, third] {
        file.write_all(piece.as_bytes()).expect("write a piece");
        file.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(file);
    l.serve
        .wait_text("/forste/", "Andre del av teksten, skrevet sakte.");
}

/// 100 browser tabs that keep their live-reload connection open, and never read
/// from it, do not stop rebuilds or page requests.
#[test]
fn a_hundred_idle_clients_do_not_stop_rebuilds() {
    let l = one_article();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, l.serve.port));
    let idle: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect_timeout(&addr, HTTP_TIMEOUT).expect("connect");
            write!(
                s,
                "GET /__forklar/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
            )
            .expect("request");
            s
        })
        .collect();
    for i in 0..3 {
        l.site.write(
            "content/forste.md",
            &article("Første sak", &format!("Runde {i} med mange lesere.")),
        );
        l.expect_change("/forste/", &format!("Runde {i} med mange lesere."));
    }
    assert_eq!(l.serve.get("/").status, 200);
    drop(idle);
}
