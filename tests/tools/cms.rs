//! `forklar cms` with the real Decap CMS: the test copies the sample site,
//! runs `forklar cms`, builds and serves the site, starts the real local
//! backend (`decap-server`, npm) on a free port of 127.0.0.1, and drives
//! `/admin/` in headless Chromium (tests/browser/decap.mjs). What the CMS
//! saves must then build into a page that shows it, and a quote without a
//! speaker must be refused by the CMS itself.
//!
//! Needs node, /usr/bin/chromium and `npm ci` in tests/browser (decap-cms,
//! decap-server, playwright-core); skipped with a notice without them, unless
//! FORKLAR_REQUIRE_TOOLS=1. With FORKLAR_CAPTURE_CMS=1 the article Decap
//! wrote is copied to tests/fixtures/cms/decap-article.md (the round-trip
//! fixture in tests/site/cms.rs).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::tools::{browser_dir, missing, runs};
use super::{DEFAULT_CHROMIUM, OutputText, REPO, Server, run};

const CHECK: &str = "Decap CMS end-to-end";
const INSTALL: &str = "apt-get install chromium; cd tests/browser && npm ci";

/// The tools the test drives, or `None` (after a notice) when one is missing.
fn tools_present() -> bool {
    if !runs("node", "--version") {
        missing(CHECK, "node is not installed", INSTALL);
        return false;
    }
    if !Path::new(DEFAULT_CHROMIUM).exists() {
        missing(CHECK, "Chromium is not installed", INSTALL);
        return false;
    }
    for package in ["decap-cms", "decap-server", "playwright-core"] {
        if !browser_dir().join("node_modules").join(package).is_dir() {
            missing(
                CHECK,
                &format!("the npm package {package} is not installed"),
                INSTALL,
            );
            return false;
        }
    }
    true
}

/// A copy of the sample site with `forklar cms` done, the CMS pointed at a
/// local backend on `port`, built into public/.
struct CmsSite {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl CmsSite {
    fn new(port: u16) -> CmsSite {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        for part in ["site.toml", "content", "templates"] {
            copy(&Path::new(REPO).join(part), &root.join(part));
        }
        let out = forklar(&root, &["cms"]);
        assert!(out.status.success(), "forklar cms failed:\n{}", out.text());
        let config_path = root.join("static/admin/config.yml");
        let config = std::fs::read_to_string(&config_path).expect("config.yml");
        assert!(config.contains("local_backend: true"), "{config}");
        // decap-server on a port of the test's choosing, as the docs describe.
        let config = config.replace(
            "local_backend: true",
            &format!("local_backend:\n  url: \"http://127.0.0.1:{port}/api/v1\""),
        );
        std::fs::write(&config_path, config).expect("write config.yml");
        let site = CmsSite { _tmp: tmp, root };
        site.build();
        site
    }

    fn build(&self) {
        let out = forklar(&self.root, &["build"]);
        assert!(
            out.status.success(),
            "forklar build failed:\n{}",
            out.text()
        );
    }
}

fn forklar(root: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklar"));
    cmd.args(args).arg("--root").arg(root);
    run(&mut cmd, "forklar")
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("dir entry");
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("create dir");
        std::fs::copy(from, to).expect("copy file");
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The real `decap-server`, saving into `root`; stopped by its process id.
struct DecapServer {
    child: Child,
}

impl DecapServer {
    fn start(root: &Path, port: u16) -> DecapServer {
        let script = browser_dir().join("node_modules/decap-server/dist/index.js");
        let child = Command::new("node")
            .arg(script)
            .current_dir(root)
            .env("PORT", port.to_string())
            .env("GIT_REPO_DIRECTORY", root)
            .env("MODE", "fs")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start decap-server");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "decap-server did not listen on port {port} within a minute"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        DecapServer { child }
    }
}

impl Drop for DecapServer {
    fn drop(&mut self) {
        // Child::kill signals this process id, nothing else.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs decap.mjs in `mode` against the served site; its JSON line.
fn drive(mode: &str, url: &str) -> serde_json::Value {
    let mut cmd = Command::new("node");
    cmd.current_dir(browser_dir())
        .arg("decap.mjs")
        .arg(mode)
        .arg(url.trim_end_matches('/'));
    let out = run(&mut cmd, "node decap.mjs");
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_default()
        .to_string();
    let value: serde_json::Value = serde_json::from_str(&line)
        .unwrap_or_else(|_| panic!("decap.mjs printed no result:\n{}", out.text()));
    assert!(
        value["failure"].is_null(),
        "the CMS could not be driven: {value:#}\n{}",
        out.text()
    );
    assert_eq!(
        value["outside"],
        serde_json::json!([]),
        "the CMS asked servers other than the site's own"
    );
    value
}

#[test]
fn an_article_written_in_decap_cms_builds_and_shows_everything() {
    if !tools_present() {
        return;
    }
    let port = free_port();
    let site = CmsSite::new(port);
    let _backend = DecapServer::start(&site.root, port);
    let server = Server::start(&site.root.join("public"), "/");
    drive("create", &server.url(""));

    let file = site.root.join("content/hva-skjedde-med-csto.md");
    let written = std::fs::read_to_string(&file).unwrap_or_else(|_| {
        panic!(
            "Decap saved no content/hva-skjedde-med-csto.md; content/ holds {:?}",
            std::fs::read_dir(site.root.join("content"))
                .map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
        )
    });
    assert!(
        written.starts_with("+++\n"),
        "not TOML front matter:\n{written}"
    );
    if std::env::var("FORKLAR_CAPTURE_CMS").is_ok_and(|v| v == "1") {
        std::fs::write(
            Path::new(REPO).join("tests/fixtures/cms/decap-article.md"),
            &written,
        )
        .expect("write the fixture");
    }

    site.build();
    let page = std::fs::read_to_string(site.root.join("public/hva-skjedde-med-csto/index.html"))
        .unwrap_or_else(|_| panic!("no page for the article Decap wrote:\n{written}"));
    for shown in [
        "Hva skjedde med CSTO?",
        "Alliansen sendte soldater for første gang.",
        "Brødteksten skrevet i CMS-et.",
        "CSTO sender styrker",
        "Dette er en historisk beslutning.",
        "Helge Blakkisrud",
        "NRK",
        // The background box, with the entry's summary.
        "CSTO er en russiskledet militærallianse",
    ] {
        assert!(
            page.contains(shown),
            "the page lacks «{shown}»; Decap wrote:\n{written}"
        );
    }
}

#[test]
fn decap_cms_refuses_a_quote_without_a_speaker() {
    if !tools_present() {
        return;
    }
    let port = free_port();
    let site = CmsSite::new(port);
    let _backend = DecapServer::start(&site.root, port);
    let server = Server::start(&site.root.join("public"), "/");
    let before = std::fs::read_dir(site.root.join("content"))
        .expect("content")
        .count();
    let result = drive("no-speaker", &server.url(""));
    let refused: Vec<String> = result["refused"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().map(str::to_lowercase))
        .collect();
    assert!(
        refused.iter().any(|m| m.contains("hvem sa det er påkrevd")),
        "the CMS did not ask for the speaker: {result:#}"
    );
    // Only the speaker is missing: what was filled in passed.
    assert!(
        !refused
            .iter()
            .any(|m| m.contains("sitat er") || m.contains("kilde er")),
        "the CMS refused fields that were filled in: {result:#}"
    );
    let after = std::fs::read_dir(site.root.join("content"))
        .expect("content")
        .count();
    assert_eq!(
        before, after,
        "the CMS saved an article with a speakerless quote"
    );
}

fn sha256(text: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn running_again_updates_what_forklar_wrote_and_keeps_hand_edits() {
    if !runs("npm", "--version") {
        missing("forklar cms", "npm is not installed", "install Node.js");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    copy(&Path::new(REPO).join("site.toml"), &root.join("site.toml"));
    let config_path = root.join("static/admin/config.yml");
    let stdout = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).to_string();

    let first = forklar(root, &["cms"]);
    assert!(first.status.success(), "{}", first.text());
    assert!(stdout(&first).contains("Created"), "{}", first.text());
    assert!(root.join("static/admin/decap-cms.js").is_file());
    let generated = std::fs::read_to_string(&config_path).expect("config.yml");
    for wanted in [
        "format: \"toml-frontmatter\"",
        "frontmatter_delimiter: \"+++\"",
        "locale: \"nb_no\"",
        "name: \"speaker\"",
        "name: \"key_figures\"",
        "name: \"timelines\"",
        "name: \"people\"",
    ] {
        assert!(generated.contains(wanted), "config.yml lacks {wanted}");
    }

    let again = forklar(root, &["cms"]);
    assert!(again.status.success(), "{}", again.text());
    assert_eq!(
        stdout(&again).matches("Unchanged").count(),
        2,
        "{}",
        again.text()
    );

    // What an older forklar wrote, untouched since: updated to today's schema.
    let (_, body) = generated.split_once('\n').expect("stamp line");
    let old_body = body.replace("name: \"speaker\"", "name: \"who\"");
    std::fs::write(
        &config_path,
        format!("# forklar cms sha256:{} old\n{old_body}", sha256(&old_body)),
    )
    .expect("write");
    let updated = forklar(root, &["cms"]);
    assert!(updated.status.success(), "{}", updated.text());
    assert!(stdout(&updated).contains("Updated"), "{}", updated.text());
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), generated);

    // Edited by hand: kept, with a message, and nothing else written.
    let edited = format!("{generated}# our own note\n");
    std::fs::write(&config_path, &edited).expect("write");
    let refused = forklar(root, &["cms"]);
    assert!(!refused.status.success(), "{}", refused.text());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("changed by hand") && message.contains("--force"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), edited);

    let forced = forklar(root, &["cms", "--force", "--repo", "nyhet/forklart"]);
    assert!(forced.status.success(), "{}", forced.text());
    let with_repo = std::fs::read_to_string(&config_path).unwrap();
    assert!(
        with_repo.contains("repo: \"nyhet/forklart\""),
        "{with_repo}"
    );
    // The repository is kept when a later run does not name it.
    let kept = forklar(root, &["cms"]);
    assert!(kept.status.success(), "{}", kept.text());
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), with_repo);
}

/// Every file below `dir` (links included, never followed), relative to it.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).expect("below").to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// A symbolic link on the way to any file `forklar cms` writes (`static/`,
/// `static/admin/`, or the file itself, dangling or not) is refused by name,
/// and nothing is written: not through the link, nor anywhere in the site.
#[test]
fn a_symbolic_link_on_the_way_is_refused_and_nothing_is_written() {
    if !runs("npm", "--version") {
        missing("forklar cms", "npm is not installed", "install Node.js");
        return;
    }
    for (link, to_folder) in [
        ("static", true),
        ("static/admin", true),
        ("static/admin/config.yml", false),
        ("static/admin/index.html", false),
        ("static/admin/decap-cms.js", false),
    ] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        copy(&Path::new(REPO).join("site.toml"), &root.join("site.toml"));
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).expect("a folder outside the site");
        std::fs::write(outside.join("precious.js"), "precious").expect("a file outside");
        let target = if to_folder {
            outside.clone()
        } else if link.ends_with(".js") {
            outside.join("precious.js")
        } else {
            // Dangling: a write through it would create the file.
            outside.join("created")
        };
        let at = root.join(link);
        std::fs::create_dir_all(at.parent().expect("a parent")).expect("folders");
        std::os::unix::fs::symlink(&target, &at).expect("a link");
        let before = files_below(&root);

        let out = forklar(&root, &["cms"]);
        assert!(!out.status.success(), "{link}: {}", out.text());
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(
            message.contains(link) && message.contains("symbolic link"),
            "{link}: the error should name the link\n{message}"
        );
        assert_eq!(
            files_below(&outside),
            [PathBuf::from("precious.js")],
            "{link}: written outside the site"
        );
        assert_eq!(
            std::fs::read_to_string(outside.join("precious.js")).unwrap(),
            "precious",
            "{link}: a file outside the site was replaced"
        );
        assert_eq!(files_below(&root), before, "{link}: the site changed");
    }
}
