//! `forklar serve` stops within a second of Ctrl-C (SIGINT) or SIGTERM, even
//! while a template that never ends is being rendered, and removes its
//! temporary folder.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{BIN, Serve, Site};

/// Ten billion turns of an empty loop: far beyond any time limit, and no
/// output by which the render could be stopped early.
const ENDLESS: &str =
    "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}";

/// How long the server may take to exit after the signal.
const WITHIN: Duration = Duration::from_secs(1);

fn send(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "{signal} could not be sent");
}

/// Waits for `child` to exit; returns how long it took, or `None` after 10 s.
fn exit_time(child: &mut Child) -> Option<Duration> {
    let sent = Instant::now();
    while sent.elapsed() < Duration::from_secs(10) {
        if child.try_wait().expect("wait").is_some() {
            return Some(sent.elapsed());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

fn private_folders(site: &Site) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(site.tmp())
        .expect("read TMPDIR")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("forklar-serve-"))
        })
        .collect()
}

fn stops_during_an_endless_render(signal: &str) {
    let site = Site::new(&[("sak.md", "Sak", "Tekst.")]);
    let mut serve = Serve::start(&site);
    // A save that makes every rebuild hang in the template.
    site.write("templates/404.html", ENDLESS);
    // Long enough for the save to be seen and the render to begin; far
    // shorter than the 10 s time limit, so the render is still running.
    std::thread::sleep(Duration::from_millis(2500));
    assert!(serve.running(), "{}", serve.logs());
    send(&serve.child, signal);
    let took = exit_time(&mut serve.child);
    assert!(
        took.is_some_and(|t| t <= WITHIN),
        "serve took {took:?} to stop on {signal} during an endless render\n{}",
        serve.logs()
    );
    assert!(
        private_folders(&site).is_empty(),
        "the temporary folder was left behind"
    );
}

#[test]
fn ctrl_c_stops_serve_within_a_second_during_an_endless_render() {
    stops_during_an_endless_render("-INT");
}

#[test]
fn sigterm_stops_serve_within_a_second_during_an_endless_render() {
    stops_during_an_endless_render("-TERM");
}

#[test]
fn ctrl_c_stops_serve_within_a_second_while_the_first_build_hangs() {
    let site = Site::new(&[("sak.md", "Sak", "Tekst.")]);
    site.write("templates/404.html", ENDLESS);
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg("--root")
        .arg(site.root())
        .args(["--port", "0"])
        .env("TMPDIR", site.tmp())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start forklar serve");
    // The first build is under way (and stuck) well before this.
    std::thread::sleep(Duration::from_millis(2500));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "serve exited before the signal"
    );
    send(&child, "-INT");
    let took = exit_time(&mut child);
    if took.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(
        took.is_some_and(|t| t <= WITHIN),
        "serve took {took:?} to stop on Ctrl-C during its first build"
    );
    assert!(
        private_folders(&site).is_empty(),
        "the temporary folder was left behind"
    );
}

#[test]
fn build_watch_says_what_it_keeps_and_never_claims_to_serve() {
    use crate::support::{START, WAIT, collect_lines, collect_text, wait_until};
    use std::sync::{Arc, Mutex};
    let site = Site::new(&[("sak.md", "Sak", "Tekst.")]);
    let mut child = Command::new(BIN)
        .args(["build", "--watch", "--root"])
        .arg(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start build --watch");
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let stderr = Arc::new(Mutex::new(String::new()));
    collect_lines(child.stdout.take().expect("stdout"), Arc::clone(&stdout));
    collect_text(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
    let out = || stdout.lock().unwrap().join("\n");
    let err = || stderr.lock().unwrap().clone();
    assert!(
        wait_until(START, || out().contains("Watching ")),
        "{}",
        out()
    );
    // Save a broken article until the watcher has surely seen it.
    let deadline = std::time::Instant::now() + WAIT;
    while !err().contains("error:") && std::time::Instant::now() < deadline {
        site.write("content/sak.md", "+++\ntitle = \"Sak\n+++\n");
        wait_until(Duration::from_millis(500), || err().contains("error:"));
    }
    assert!(
        wait_until(WAIT, || err().contains("fix the problem and save")),
        "{}",
        err()
    );
    assert!(
        err().contains("The output folder keeps the last good version"),
        "{}",
        err()
    );
    let all = format!("{}\n{}", out(), err()).to_lowercase();
    assert!(
        !all.contains("serv"),
        "build --watch serves nothing:\n{all}"
    );
    send(&child, "-INT");
    let took = exit_time(&mut child);
    assert!(took.is_some_and(|t| t <= WITHIN), "took {took:?}");
}
