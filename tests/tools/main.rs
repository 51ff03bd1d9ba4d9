//! Real-tool checks of what `forklar build` writes for the repository's own
//! sample site:
//!
//! * the Nu HTML Checker (vnu, a Java program from the npm package `vnu-jar`)
//!   must find no error in any page;
//! * axe-core, run in the Debian Chromium by `tests/browser/axe.mjs`, must find
//!   no accessibility violation on one page of every page type found in the
//!   output (see pages.rs) and on the articles the front page links to, in
//!   light and in dark colour scheme, 390 and 1280 px wide;
//! * every page type's HTML with the CSS and JS it loads stays within 30 KB
//!   gzipped;
//! * pages print light, without navigation, with their address
//!   (`tests/browser/print.mjs`).
//!
//! The checkers themselves are tested too ("the checker can fail"): a small bad
//! page written here must make each of them report a problem, and a good page
//! must pass, so a green run means the checks really ran.
//!
//! The tools are not Rust crates. When one is missing a test prints
//! `SKIPPED ...` to stderr and passes, unless `FORKLAR_REQUIRE_TOOLS=1` is set
//! (as `.ci/run` does), in which case a missing tool fails the test. Set up:
//! `apt-get install default-jre-headless chromium; cd tests/browser && npm ci`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

#[path = "../shared/tools.rs"]
mod tools;

mod pages;

mod cms;
mod live;
mod paged;
mod phone;
#[cfg(feature = "search")]
mod search;

use tools::{browser_dir, missing, runs};

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// The longest any one tool run may take before the test kills it and fails.
const TOOL_TIMEOUT: Duration = Duration::from_secs(300);
/// Files given to one vnu run (keeps the command line short on a large site).
const VNU_BATCH: usize = 200;
/// At most this many articles linked from the front page are checked with axe.
const MAX_ARTICLES: usize = 5;
/// Pages given to one axe run (each is checked four times: two schemes, two widths).
const AXE_BATCH: usize = 4;

// ---------------------------------------------------------------------------
// The tests on the sample site

/// `forklar build` succeeds on the repository's sample site and writes pages.
#[test]
fn sample_site_builds() {
    let site = build_site();
    let pages = html_files(site.dir());
    assert!(
        !pages.is_empty(),
        "forklar build wrote no .html file in {}",
        site.dir().display()
    );
}

/// Every page of the sample site is valid HTML according to vnu.
#[test]
fn sample_site_html_is_valid() {
    let Some(vnu) = Vnu::find("vnu on the sample site") else {
        return;
    };
    let site = build_site();
    let pages = html_files(site.dir());
    assert!(
        !pages.is_empty(),
        "forklar build wrote no .html file in {}",
        site.dir().display()
    );
    let mut report = String::new();
    for batch in pages.chunks(VNU_BATCH) {
        let out = vnu.check(batch);
        if !out.status.success() {
            report.push_str(&out.text());
        }
    }
    assert!(
        report.is_empty(),
        "vnu found errors in the sample site's HTML ({} pages checked):\n{report}",
        pages.len()
    );
}

/// One page of every page type of the sample site (the largest of its type),
/// and the articles the front page links to, have no axe-core violation, in
/// light and dark mode, on a phone (390 px) and a wide screen (1280 px).
#[test]
fn sample_site_pages_pass_axe() {
    let Some(axe) = Axe::find("axe on the sample site") else {
        return;
    };
    let site = build_site();
    let root = site.dir();
    let base = base_path();
    let server = Server::start(root, &base);

    let mut pages: Vec<String> = Vec::new();
    for (name, page) in pages::largest_of_each_type(root) {
        println!("page type {name}: {page}");
        pages.push(page.trim_end_matches("index.html").to_string());
    }
    for article in article_pages(root, &base) {
        if !pages.contains(&article) {
            pages.push(article);
        }
    }
    let urls: Vec<String> = pages.iter().map(|p| server.url(p)).collect();

    // A few pages to each browser run, so that more page types do not make
    // one run outlast the tool timeout.
    let mut violations = String::new();
    for batch in urls.chunks(AXE_BATCH) {
        let out = axe.run(batch);
        match out.status.code() {
            Some(0) => println!("{}", out.text()),
            Some(1) => violations.push_str(&out.text()),
            _ => panic!(
                "axe.mjs could not check the sample site ({}):\n{}",
                out.status,
                out.text()
            ),
        }
    }
    assert!(
        violations.is_empty(),
        "axe-core found accessibility violations in the sample site:\n{violations}"
    );
}

/// Every page type's heaviest page, with the CSS and JS it loads, is at most
/// 30 KB gzipped; the table of sizes is printed, and shown on failure.
#[test]
fn every_page_type_stays_within_the_page_budget() {
    let site = build_site();
    let rows = pages::heaviest_of_each_type(site.dir(), &base_path());
    let table = pages::table(&rows);
    println!("{table}");
    assert!(
        rows.iter().any(|(name, _)| name == "article"),
        "no article among the page types:\n{table}"
    );
    assert!(
        rows.iter()
            .all(|(_, w)| w.total() <= pages::PAGE_BUDGET && w.css > 0),
        "a page type is over the {} byte budget, or loads no stylesheet:\n{table}",
        pages::PAGE_BUDGET
    );
}

/// One page of every type that has an address prints in light colours, with
/// no site navigation, with its address (scripts on and off) and, with
/// scripts, the print date, and with no contrast failure, though the screen
/// is in dark mode.
#[test]
fn sample_site_pages_print_light_with_their_address() {
    let Some(printer) = Print::find("print check on the sample site") else {
        return;
    };
    let site = build_site();
    let root = site.dir();
    let server = Server::start(root, &base_path());
    let urls: Vec<String> = pages::largest_of_each_type(root)
        .into_iter()
        .map(|(_, page)| page)
        .filter(|page| {
            std::fs::read_to_string(root.join(page))
                .is_ok_and(|html| html.contains("rel=\"canonical\""))
        })
        .map(|page| server.url(page.trim_end_matches("index.html")))
        .collect();
    assert!(
        urls.len() >= 3,
        "too few pages with a canonical address: {urls:?}"
    );
    let out = printer.run(&urls);
    assert_eq!(
        out.status.code(),
        Some(0),
        "pages of the sample site print badly:\n{}",
        out.text()
    );
    println!("{}", out.text());
}

/// The preview on a first mention opens on hover and on keyboard focus, can be
/// dismissed with Esc, and is a plain link without scripts (WCAG 1.4.13).
#[test]
fn first_mention_previews_work_with_pointer_keyboard_and_without_scripts() {
    if Axe::find("first-mention previews").is_none() {
        return;
    }
    let site = build_site();
    let root = site.dir();
    let base = base_path();
    let server = Server::start(root, &base);
    let article = article_pages(root, &base)
        .into_iter()
        .find(|page| {
            std::fs::read_to_string(root.join(page.trim_start_matches('/')).join("index.html"))
                .is_ok_and(|html| html.contains("class=\"mention\""))
        })
        .expect("an article of the sample site with a first-mention link");
    let mut cmd = Command::new("node");
    cmd.arg(browser_dir().join("mention.mjs"))
        .arg(server.url(&article));
    let out = run(&mut cmd, "mention.mjs");
    assert!(
        out.status.success(),
        "the first-mention preview misbehaved:\n{}",
        out.text()
    );
}

// ---------------------------------------------------------------------------
// The checkers can fail: self-tests on hand-written pages

const GOOD_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A good page</title>
<style>
body { color: #111; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #eee; background: #111; } }
</style>
</head>
<body>
<header><p>The site</p></header>
<main>
<h1>A good page</h1>
<p>Readable text in both colour schemes.</p>
<img src="dot.gif" alt="A dot" width="1" height="1">
</main>
<footer><p>The footer</p></footer>
</body>
</html>
"#;

/// Invalid HTML (a stray `</p>`) and an image without alt text, with
/// low-contrast text.
const BAD_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A bad page</title>
<style>.faint { color: #bbb; background: #fff; }</style>
</head>
<body>
<main>
<h1>A bad page</h1>
<p class="faint">Low-contrast text.</p>
<p><div>A block inside a paragraph.</div></p>
<img src="dot.gif">
</main>
</body>
</html>
"#;

/// Fine in light mode, unreadable in dark mode.
const DARK_BAD_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Bad in dark mode</title>
<style>
body { color: #111; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #333; background: #000; } }
</style>
</head>
<body>
<main>
<h1>Bad in dark mode</h1>
<p>Dark grey text on black.</p>
</main>
</body>
</html>
"#;

/// Browser colours only (`color-scheme: light dark`, no background set):
/// fine in both schemes, although axe alone would take the dark canvas for
/// white (axe.mjs works around that).
const PLAIN_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="color-scheme" content="light dark">
<title>Browser colours</title>
</head>
<body>
<main>
<h1>Browser colours</h1>
<p>Default text and <a href="good.html">a default link</a>.</p>
</main>
</body>
</html>
"#;

/// Dark grey text on the browser's own dark canvas in dark mode: a failure
/// that axe finds only when it is told the real canvas colour.
const CANVAS_DARK_BAD_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="color-scheme" content="light dark">
<title>Bad on the dark canvas</title>
<style>@media (prefers-color-scheme: dark) { p { color: #333; } }</style>
</head>
<body>
<main>
<h1>Bad on the dark canvas</h1>
<p>Dark grey text on the browser's dark background.</p>
</main>
</body>
</html>
"#;

/// Fine on a wide screen, faint text on a phone.
const NARROW_BAD_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bad on a phone</title>
<style>
body { color: #111; background: #fff; }
@media (max-width: 30rem) { p { color: #bbb; } }
</style>
</head>
<body>
<main>
<h1>Bad on a phone</h1>
<p>Light grey text on white on a narrow screen.</p>
</main>
</body>
</html>
"#;

/// A 1×1 transparent GIF.
const DOT_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

fn self_test_pages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, body) in [
        ("good.html", GOOD_PAGE.as_bytes()),
        ("bad.html", BAD_PAGE.as_bytes()),
        ("dark.html", DARK_BAD_PAGE.as_bytes()),
        ("plain.html", PLAIN_PAGE.as_bytes()),
        ("canvas-dark.html", CANVAS_DARK_BAD_PAGE.as_bytes()),
        ("narrow.html", NARROW_BAD_PAGE.as_bytes()),
        ("dot.gif", DOT_GIF),
    ] {
        std::fs::write(dir.path().join(name), body).expect("write a self-test page");
    }
    dir
}

#[test]
fn vnu_can_fail() {
    let Some(vnu) = Vnu::find("vnu self-test") else {
        return;
    };
    let dir = self_test_pages();
    let good = vnu.check(&[dir.path().join("good.html")]);
    assert!(
        good.status.success(),
        "vnu rejected a valid page ({}):\n{}",
        good.status,
        good.text()
    );
    let bad = vnu.check(&[dir.path().join("bad.html")]);
    let text = bad.text();
    assert!(!bad.status.success(), "vnu passed an invalid page:\n{text}");
    assert!(
        text.contains("Error:") && text.contains("“alt”") && text.contains("“p”"),
        "vnu did not report the stray </p> and the missing alt:\n{text}"
    );
}

#[test]
fn axe_can_fail() {
    let Some(axe) = Axe::find("axe self-test") else {
        return;
    };
    let dir = self_test_pages();
    let server = Server::start(dir.path(), "/");

    let good = axe.run(&[server.url("good.html"), server.url("plain.html")]);
    assert_eq!(
        good.status.code(),
        Some(0),
        "axe.mjs did not pass a good page:\n{}",
        good.text()
    );
    let text = good.text();
    for run in [
        "[light 390px]",
        "[light 1280px]",
        "[dark 390px]",
        "[dark 1280px]",
    ] {
        assert!(
            text.contains(run),
            "axe.mjs did not check both colour schemes at both widths by default ({run}):\n{text}"
        );
    }

    let bad = axe.run(&[
        server.url("bad.html"),
        server.url("dark.html"),
        server.url("canvas-dark.html"),
    ]);
    let text = bad.text();
    assert_eq!(
        bad.status.code(),
        Some(1),
        "axe.mjs did not fail bad pages:\n{text}"
    );
    for expected in [
        "image-alt (critical)",
        "color-contrast (serious)",
        "FAIL http",
    ] {
        assert!(
            text.contains(expected),
            "axe.mjs output lacks {expected:?}:\n{text}"
        );
    }
    for page in ["dark.html", "canvas-dark.html"] {
        let url = server.url(page);
        assert!(
            text.contains(&format!("ok   {url} [light 1280px]"))
                && text.contains(&format!("FAIL {url} [dark 390px]")),
            "axe.mjs did not find the dark-mode-only contrast failure in {page}:\n{text}"
        );
    }
    let narrow = server.url("narrow.html");
    let narrow_only = axe_in_light_scheme(&axe, &narrow);
    assert!(
        narrow_only.contains(&format!("ok   {narrow} [light 1280px]"))
            && narrow_only.contains(&format!("FAIL {narrow} [light 390px]")),
        "axe.mjs did not find the phone-only contrast failure in narrow.html:\n{narrow_only}"
    );
    assert!(
        text.contains("background color: #121212"),
        "axe.mjs did not check canvas-dark.html against the dark canvas:\n{text}"
    );
}

/// Dark on screen in dark mode, light in print, with its address and, from
/// its script, the print date in the footer.
const PRINTS_WELL_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Prints well</title>
<link rel="canonical" href="https://example.org/prints-well/">
<style>
body { color: #111; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #eee; background: #111; } }
@media print { body { color: #000; background: #fff; } .site-header nav { display: none; } }
</style>
</head>
<body>
<header class="site-header"><nav><a href="good.html">Home</a></nav></header>
<main><h1>Prints well</h1><p>Black on white on paper.</p></main>
<footer class="site-footer"><p>https://example.org/prints-well/<span id="d"></span></p></footer>
<script>addEventListener("beforeprint", () => { document.getElementById("d").textContent = " " + new Date().getFullYear(); });</script>
</body>
</html>
"#;

#[test]
fn print_check_can_fail() {
    let Some(printer) = Print::find("print self-test") else {
        return;
    };
    let dir = self_test_pages();
    std::fs::write(dir.path().join("prints-well.html"), PRINTS_WELL_PAGE).unwrap();
    let server = Server::start(dir.path(), "/");

    let good = printer.run(&[server.url("prints-well.html")]);
    assert_eq!(
        good.status.code(),
        Some(0),
        "print.mjs did not pass a page that prints well:\n{}",
        good.text()
    );
    // Dark in print (it has no print rules) and no address to print.
    let bad = printer.run(&[server.url("dark.html")]);
    let text = bad.text();
    assert_eq!(
        bad.status.code(),
        Some(1),
        "print.mjs passed a dark print:\n{text}"
    );
    for expected in ["not a light background", "no <link rel=canonical>"] {
        assert!(
            text.contains(expected),
            "print.mjs output lacks {expected:?}:\n{text}"
        );
    }
}

/// The budget sees what a page loads: a page with a large script that does
/// not compress is over 30 KB, the same page without it is not.
#[test]
fn page_budget_can_fail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    // 60 000 bytes of pseudo-random letters: gzip gets them down to about
    // 45 000, well over the budget.
    let mut x: u32 = 2_463_534_242;
    let noise: String = (0..60_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            char::from(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                    [(x % 64) as usize],
            )
        })
        .collect();
    std::fs::create_dir_all(root.join("light")).unwrap();
    std::fs::write(root.join("big.js"), format!("var x = \"{noise}\";")).unwrap();
    std::fs::write(root.join("style.css"), "body { color: #111; }").unwrap();
    std::fs::write(
        root.join("index.html"),
        r#"<!DOCTYPE html><link rel="stylesheet" href="/sub/style.css"><SCRIPT defer src='big.js'></SCRIPT><p>Front</p>"#,
    )
    .unwrap();
    std::fs::write(
        root.join("light/index.html"),
        r#"<!DOCTYPE html><link href="../style.css" rel="stylesheet"><article class="article"><p>Light</p></article>"#,
    )
    .unwrap();

    let rows = pages::heaviest_of_each_type(root, "/sub/");
    let table = pages::table(&rows);
    let front = &rows
        .iter()
        .find(|(name, _)| name == "front page")
        .expect(&table)
        .1;
    assert!(front.js > 40_000 && front.css > 0, "{table}");
    assert!(
        front.total() > pages::PAGE_BUDGET && table.contains("OVER"),
        "{table}"
    );
    let light = &rows
        .iter()
        .find(|(name, _)| name == "article")
        .expect(&table)
        .1;
    assert!(
        light.js == 0 && light.css == front.css && light.total() < 1000,
        "{table}"
    );
}

/// Page types are read off the output: where a page sits, and whether it is
/// an article or a live article.
#[test]
fn page_types_are_read_off_the_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let article = r#"<article class="article" aria-labelledby="t"><h1 id="t">A</h1></article>"#;
    let live = format!(r#"{article}<script src="/live.1a2b.js" defer></script>"#);
    let ended = format!(r#"{article}<section class="updates" aria-label="U"></section>"#);
    for (page, html) in [
        ("index.html", "<main>front</main>"),
        ("404.html", "<main>missing</main>"),
        ("side/2/index.html", "<main>older</main>"),
        ("uro/index.html", article),
        ("csto/index.html", article),
        ("direkte/index.html", live.as_str()),
        ("avsluttet/index.html", ended.as_str()),
        ("rettelser/index.html", "<main><h1>Rettelser</h1></main>"),
        ("bakgrunn/index.html", "<main>entries</main>"),
        ("bakgrunn/csto/index.html", "<main>csto</main>"),
        ("bakgrunn/tokajev/index.html", "<main>tokajev</main>"),
        ("emne/csto/index.html", "<main>tag</main>"),
    ] {
        let path = root.join(page);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, html).unwrap();
    }
    let types = pages::page_types(root);
    let names: Vec<&str> = types.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "404.html",
            "article",
            "bakgrunn/ (index)",
            "bakgrunn/*",
            "emne/*",
            "front page",
            "live article",
            "rettelser/",
            "side/*"
        ]
    );
    assert_eq!(types["article"], ["csto/index.html", "uro/index.html"]);
    assert_eq!(
        types["live article"],
        ["avsluttet/index.html", "direkte/index.html"]
    );
    assert_eq!(types["bakgrunn/*"].len(), 2);
}

/// axe.mjs's output for one page, light scheme only, at both widths.
fn axe_in_light_scheme(axe: &Axe, url: &str) -> String {
    let mut cmd = Command::new("node");
    cmd.arg(&axe.script).arg("--scheme=light").arg(url);
    let out = run(&mut cmd, "axe.mjs");
    assert_eq!(out.status.code(), Some(1), "{}", out.text());
    out.text()
}

/// The little server used for axe serves types, directory indexes and
/// redirects like a real static host, and nothing outside its folder.
#[test]
fn test_server_serves_like_a_static_host() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("bakgrunn/csto")).unwrap();
    std::fs::write(root.join("index.html"), "<p>front</p>").unwrap();
    std::fs::write(root.join("bakgrunn/csto/index.html"), "<p>csto</p>").unwrap();
    std::fs::write(root.join("style.css"), "p{}").unwrap();
    std::fs::write(root.join("ø å.txt"), "utf-8 name").unwrap();
    std::fs::write(root.join("404.html"), "<p>not here</p>").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
    let server = Server::start(&root, "/sub/");

    let r = http_get(server.addr, "/");
    assert!(r.starts_with("HTTP/1.1 200") && r.contains("text/html") && r.ends_with("front</p>"));
    let r = http_get(server.addr, "/sub/");
    assert!(
        r.starts_with("HTTP/1.1 200") && r.ends_with("front</p>"),
        "{r}"
    );
    let r = http_get(server.addr, "/sub/bakgrunn/csto/?x=1#y");
    assert!(
        r.starts_with("HTTP/1.1 200") && r.ends_with("csto</p>"),
        "{r}"
    );
    let r = http_get(server.addr, "/bakgrunn/csto");
    assert!(
        r.starts_with("HTTP/1.1 301") && r.contains("Location: /bakgrunn/csto/\r\n"),
        "{r}"
    );
    let r = http_get(server.addr, "/sub/style.css");
    assert!(r.contains("Content-Type: text/css"), "{r}");
    let r = http_get(server.addr, "/%C3%B8%20%C3%A5.txt");
    assert!(
        r.starts_with("HTTP/1.1 200") && r.ends_with("utf-8 name"),
        "{r}"
    );
    for outside in ["/../secret.txt", "/sub/%2e%2e/secret.txt", "/nothing/"] {
        let r = http_get(server.addr, outside);
        assert!(
            r.starts_with("HTTP/1.1 404") && r.ends_with("not here</p>"),
            "{outside}: {r}"
        );
    }
}

/// The pages for axe are found by looking at the output, not by slugs known
/// in advance: articles linked from the front page's <main> (however the
/// link is written), then the first background and timeline page.
#[test]
fn pages_to_check_are_found_in_the_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for page in [
        "index.html",
        "om/index.html",
        "tagger/index.html",
        "tagger/csto/index.html",
        "første-sak/index.html",
        "andre/index.html",
        "tredje/index.html",
        "bakgrunn/tokajev/index.html",
        "bakgrunn/csto/index.html",
        "tidslinje/uro-2022/index.html",
    ] {
        let path = root.join(page);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "<p>page</p>").unwrap();
    }
    std::fs::write(
        root.join("index.html"),
        r#"<!DOCTYPE html><html><body><header><a href="/om/">Om</a></header>
<MAIN id="m"><a class="x" href="https://forklar.example.org/sub/f%C3%B8rste-sak/">1</a>
<a href="/sub/bakgrunn/csto/">bg</a> <abbr title="x">y</abbr>
<a href='/sub/tagger/'>tags</a> <a href="https://elsewhere.example/andre/#x">ext?</a>
<a href=tredje/index.html>3</a> <a href="mailto:a@b.c">m</a> <a href="/sub/andre/?q=1">2</a>
<a href="../../etc/">no</a></MAIN><footer><a href="/tredje/">t</a></footer></body></html>"#,
    )
    .unwrap();

    let articles = article_pages(root, "/sub/");
    // "andre/" comes first from the other host's link: a link to another
    // host with a path the site has is taken as the site's own.
    assert_eq!(articles, ["første-sak/", "andre/", "tredje/"]);
    assert_eq!(
        first_page_under(root, &["bakgrunn", "background"], "bg"),
        "bakgrunn/csto/"
    );
    assert_eq!(
        first_page_under(root, &["tidslinje", "timeline"], "tl"),
        "tidslinje/uro-2022/"
    );

    // With no article linked from <main>: one-level pages with no pages
    // under them (so not tagger/), except background and timeline pages.
    std::fs::write(root.join("index.html"), "<main><p>No links</p></main>").unwrap();
    assert_eq!(
        article_pages(root, "/"),
        ["andre/", "første-sak/", "om/", "tredje/"]
    );
}

fn http_get(addr: SocketAddr, target: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect to the test server");
    write!(s, "GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

// ---------------------------------------------------------------------------
// Building the site

/// The built site; the output folder is inside a temp dir that lives as long
/// as this value.
struct Site {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Site {
    fn dir(&self) -> &Path {
        &self.dir
    }
}

fn build_site() -> Site {
    let tmp = tempfile::tempdir().expect("temp dir");
    // A folder that does not exist yet: forklar must make it.
    let dir = tmp.path().join("public");
    let out = forklar_build(Path::new(REPO), &dir);
    assert!(
        dir.join("index.html").is_file(),
        "forklar build succeeded but wrote no index.html in {}:\n{}",
        dir.display(),
        out.text()
    );
    Site { _tmp: tmp, dir }
}

/// `forklar build` of the site at `root` into `output`, which must succeed.
fn forklar_build(root: &Path, output: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklar"));
    cmd.arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output);
    // A CI host's deploy-preview signals would make this build a preview.
    for name in ["CONTEXT", "CF_PAGES_BRANCH", "GITHUB_EVENT_NAME"] {
        cmd.env_remove(name);
    }
    let out = run(&mut cmd, "forklar build");
    assert!(
        out.status.success(),
        "forklar build --root {} --output {} failed ({}):\n{}",
        root.display(),
        output.display(),
        out.status,
        out.text()
    );
    out
}

/// Every .html file under `dir`, sorted.
fn html_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// The path part of `base_url` in the sample site's site.toml ("/" when there
/// is none), so root-relative links that include it work when served here.
fn base_path() -> String {
    let toml = std::fs::read_to_string(Path::new(REPO).join("site.toml")).unwrap_or_default();
    let url = toml.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("base_url")?.trim_start();
        let value = rest.strip_prefix('=')?.trim();
        let value = value
            .strip_prefix('"')
            .or_else(|| value.strip_prefix('\''))?;
        Some(value[..value.find(['"', '\''])?].to_string())
    });
    let path = url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_default();
    let path = path.trim_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    }
}

/// Site paths ("slug/") of the articles that the front page's `<main>` links
/// to, in order, the main article first. An article is a page one folder deep
/// with no pages under it (so not a section such as a tag list) that is not
/// the background or timeline section. If the front page links to none, every
/// such page.
fn article_pages(root: &Path, base: &str) -> Vec<String> {
    const NOT_ARTICLES: [&str; 4] = ["bakgrunn", "background", "tidslinje", "timeline"];
    let is_article = |slug: &str| {
        !slug.is_empty()
            && !slug.starts_with('.')
            && !NOT_ARTICLES.contains(&slug)
            && root.join(slug).join("index.html").is_file()
            // A section (such as a tag list) has pages under it; an article not.
            && html_files(&root.join(slug)).len() == 1
    };
    let front = std::fs::read_to_string(root.join("index.html")).unwrap_or_default();
    let main = element_body(&front, "main").unwrap_or(&front);
    let mut found: Vec<String> = Vec::new();
    for href in hrefs(main) {
        let Some(path) = local_path(&href, base) else {
            continue;
        };
        let slug = path.trim_end_matches('/');
        if !slug.contains('/') && is_article(slug) && !found.iter().any(|f| f == slug) {
            found.push(slug.to_string());
        }
    }
    if found.is_empty() {
        let mut dirs: Vec<String> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|slug| is_article(slug))
            .collect();
        dirs.sort();
        found = dirs;
    }
    assert!(
        !found.is_empty(),
        "found no article page in {}: no <a> in the front page's <main> links to a \
         page one folder deep, and there is no such page",
        root.display()
    );
    found.truncate(MAX_ARTICLES);
    found.into_iter().map(|slug| format!("{slug}/")).collect()
}

/// The site path ("bakgrunn/key/") of the first page, by name, one folder
/// under the first of `sections` that exists.
fn first_page_under(root: &Path, sections: &[&str], what: &str) -> String {
    for section in sections {
        let Ok(entries) = std::fs::read_dir(root.join(section)) else {
            continue;
        };
        let mut keys: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().join("index.html").is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        keys.sort();
        if let Some(key) = keys.first() {
            return format!("{section}/{key}/");
        }
    }
    let sections: Vec<String> = sections
        .iter()
        .map(|s| format!("{s}/<key>/index.html"))
        .collect();
    panic!(
        "found no {what} in {}: looked for {}",
        root.display(),
        sections.join(" and ")
    );
}

/// The text between `<name ...>` and `</name>` (ASCII case-insensitive).
fn element_body<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut from = 0;
    let start = loop {
        let i = from + lower[from..].find(&open)?;
        let after = lower.as_bytes().get(i + open.len()).copied();
        if matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            break i + lower[i..].find('>')? + 1;
        }
        from = i + open.len();
    };
    let end = start + lower[start..].find(&format!("</{name}"))?;
    Some(&html[start..end])
}

/// The `href` values of the `<a>` elements in `html`, in order.
fn hrefs(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<a") {
        let tag_start = from + i;
        let Some(len) = lower[tag_start..].find('>') else {
            break;
        };
        let tag = &html[tag_start..tag_start + len];
        from = tag_start + len;
        if !matches!(tag.as_bytes().get(2), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            continue;
        }
        let Some(h) = tag.to_ascii_lowercase().find("href") else {
            continue;
        };
        let rest = tag[h + 4..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split([' ', '\t', '\n', '>']).next().unwrap_or(""),
        };
        out.push(value.replace("&amp;", "&"));
    }
    out
}

/// The site path ("slug/", without the leading slash or the base path) that
/// a link on the front page points to, or None for other sites and mail links.
fn local_path(href: &str, base: &str) -> Option<String> {
    let href = href.split(['#', '?']).next()?;
    let path = if let Some((scheme, rest)) = href.split_once("://") {
        if scheme != "http" && scheme != "https" {
            return None;
        }
        // Another host is fine only if it is the site's own (checked below by
        // the path having to exist in the output).
        rest.find('/').map(|i| rest[i..].to_string())?
    } else if href.contains(':') || href.starts_with("//") {
        return None;
    } else {
        href.to_string()
    };
    let path = percent_decode(&path)?;
    let path = if let Some(p) = path.strip_prefix(base) {
        p
    } else if let Some(p) = path.strip_prefix('/') {
        p
    } else {
        path.trim_start_matches("./")
    };
    Some(path.trim_end_matches("index.html").to_string())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------------------
// The tools

struct Vnu {
    jar: PathBuf,
}

impl Vnu {
    /// The checker, or None (after a SKIPPED notice) when it cannot run.
    fn find(check: &str) -> Option<Vnu> {
        let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        if !runs("java", "-version") {
            missing(
                check,
                "java not found",
                "apt-get install default-jre-headless; cd tests/browser && npm ci",
            );
            return None;
        }
        if !jar.is_file() {
            missing(
                check,
                &format!("{} not found", jar.display()),
                "cd tests/browser && npm ci",
            );
            return None;
        }
        Some(Vnu { jar })
    }

    fn check(&self, files: &[PathBuf]) -> Output {
        let mut cmd = Command::new("java");
        cmd.arg("-jar")
            .arg(&self.jar)
            .args(["--errors-only", "--format", "text"])
            .args(files);
        run(&mut cmd, "vnu")
    }
}

struct Axe {
    script: PathBuf,
}

impl Axe {
    /// The checker, or None (after a SKIPPED notice) when it cannot run.
    fn find(check: &str) -> Option<Axe> {
        let dir = browser_dir();
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| DEFAULT_CHROMIUM.into());
        if !Path::new(&chromium).is_file() {
            missing(
                check,
                &format!("{chromium} not found"),
                "apt-get install chromium; cd tests/browser && npm ci",
            );
            return None;
        }
        if !runs("node", "--version") {
            missing(
                check,
                "node not found",
                "Node.js 20 or later; cd tests/browser && npm ci",
            );
            return None;
        }
        for module in ["axe-core/axe.min.js", "playwright-core/package.json"] {
            let path = dir.join("node_modules").join(module);
            if !path.is_file() {
                missing(
                    check,
                    &format!("{} not found", path.display()),
                    "cd tests/browser && npm ci",
                );
                return None;
            }
        }
        Some(Axe {
            script: dir.join("axe.mjs"),
        })
    }

    /// Runs axe.mjs on `urls` in both colour schemes; exit 0 clean, 1
    /// violations, 2 setup failure.
    fn run(&self, urls: &[String]) -> Output {
        let mut cmd = Command::new("node");
        cmd.arg(&self.script).args(urls);
        run(&mut cmd, "axe.mjs")
    }
}

struct Print {
    script: PathBuf,
}

impl Print {
    /// The print check, or None (after a SKIPPED notice) when it cannot run;
    /// it needs what axe needs.
    fn find(check: &str) -> Option<Print> {
        Axe::find(check)?;
        Some(Print {
            script: browser_dir().join("print.mjs"),
        })
    }

    /// Runs print.mjs on `urls`; exit 0 good, 1 a page prints badly, 2 setup
    /// failure.
    fn run(&self, urls: &[String]) -> Output {
        let mut cmd = Command::new("node");
        cmd.arg(&self.script).args(urls);
        run(&mut cmd, "print.mjs")
    }
}

trait OutputText {
    fn text(&self) -> String;
}

impl OutputText for Output {
    /// stdout then stderr, as text.
    fn text(&self) -> String {
        let mut s = String::from_utf8_lossy(&self.stdout).into_owned();
        let err = String::from_utf8_lossy(&self.stderr);
        if !err.trim().is_empty() {
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            s.push_str(&err);
        }
        s
    }
}

/// Runs `cmd` with no stdin, collecting its output; kills it and fails the
/// test if it takes longer than TOOL_TIMEOUT.
fn run(cmd: &mut Command, what: &str) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {what} ({cmd:?}): {e}"));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for a tool") {
            break status;
        }
        if start.elapsed() > TOOL_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} ran longer than {TOOL_TIMEOUT:?} and was killed ({cmd:?})");
        }
        thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    }
}

// ---------------------------------------------------------------------------
// A small static file server on 127.0.0.1, for the browser

/// Serves `root` on an ephemeral port of 127.0.0.1 until dropped, both at `/`
/// and under the site's base path (so links written either way resolve), with
/// directory indexes, a redirect from `dir` to `dir/`, Content-Type by file
/// extension and the site's 404.html for anything missing.
struct Server {
    addr: SocketAddr,
    base: String,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(root: &Path, base: &str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let root = root.to_path_buf();
        let base_owned = base.to_string();
        let stop_flag = Arc::clone(&stop);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                let base = base_owned.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &root, &base);
                });
            }
        });
        Server {
            addr,
            base: base.to_string(),
            stop,
        }
    }

    /// The URL of a site path such as "" (the front page) or "bakgrunn/csto/".
    fn url(&self, site_path: &str) -> String {
        format!("http://{}{}{}", self.addr, self.base, site_path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, root: &Path, base: &str) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let (status, headers, body) = respond(root, base, method, target);
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut stream = stream;
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

type Response = (u16, Vec<(&'static str, String)>, Vec<u8>);

fn respond(root: &Path, base: &str, method: &str, target: &str) -> Response {
    if method != "GET" && method != "HEAD" {
        return (405, vec![("Allow", "GET, HEAD".into())], Vec::new());
    }
    let raw_path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(path) = percent_decode(raw_path) else {
        return (400, Vec::new(), Vec::new());
    };
    if format!("{path}/") == base {
        return (301, vec![("Location", base.to_string())], Vec::new());
    }
    let rel = path
        .strip_prefix(base)
        .or_else(|| path.strip_prefix('/'))
        .unwrap_or(&path);
    let segments: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
    let safe = segments
        .iter()
        .all(|s| *s != "." && *s != ".." && !s.contains('\\') && !s.contains('\0'));
    let mut file = root.to_path_buf();
    file.extend(&segments);
    if safe && file.is_dir() {
        if !path.ends_with('/') {
            return (301, vec![("Location", format!("{raw_path}/"))], Vec::new());
        }
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) if safe && file.is_file() => {
            (200, vec![("Content-Type", content_type(&file))], body)
        }
        _ => {
            let body =
                std::fs::read(root.join("404.html")).unwrap_or_else(|_| b"Not found".to_vec());
            (
                404,
                vec![("Content-Type", "text/html; charset=utf-8".into())],
                body,
            )
        }
    }
}

fn content_type(file: &Path) -> String {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
    .to_string()
}
