//! `forklar serve` started again on the same site: the pages of the last
//! time are served at once when every source file is as it was, and never
//! when one changed, when the last server was killed or stopped with a save
//! not shown, or when another server holds them.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::support::{Serve, Site, article, free_port, wait_until};

const VOUCHER: &str = ".forklar-cache/serve/sources";

fn site() -> Site {
    Site::new(&[("sak.md", "Sak", "Tekst fra første gang.")])
}

/// Stops `serve` as Ctrl-C does and waits for it to exit.
fn stop(mut serve: Serve) {
    let sent = Command::new("kill")
        .args(["-INT", &serve.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let exited = wait_until(Duration::from_secs(10), || {
        serve.child.try_wait().expect("wait").is_some()
    });
    assert!(exited, "serve did not stop\n{}", serve.logs());
}

/// Whether the server said it was serving before its first build was done:
/// the kept pages were served while it built.
fn served_before_building(serve: &Serve) -> bool {
    let done = |serve: &Serve| {
        serve
            .stdout()
            .iter()
            .position(|l| l.starts_with("Rebuilt the site") || l.starts_with("The pages of"))
    };
    assert!(
        wait_until(Duration::from_secs(60), || done(serve).is_some()),
        "the first build did not end\n{}",
        serve.logs()
    );
    let serving = serve
        .stdout()
        .iter()
        .position(|l| l.starts_with("Serving "))
        .expect("a Serving line");
    serving < done(serve).unwrap()
}

#[test]
fn unchanged_files_are_served_at_once_from_the_last_pages() {
    let site = site();
    let port = free_port();
    let first = Serve::start_at(&site, port);
    assert!(!served_before_building(&first), "{}", first.logs());
    first.wait_text("/sak/", "Tekst fra første gang.");
    stop(first);
    assert!(
        site.p(VOUCHER).is_file(),
        "a clean stop vouches for the pages"
    );

    let again = Serve::start_at(&site, port);
    assert!(served_before_building(&again), "{}", again.logs());
    assert!(
        again
            .stdout()
            .iter()
            .any(|l| l == "The pages of the last time are up to date."),
        "{}",
        again.logs()
    );
    assert!(!site.p(VOUCHER).exists(), "the voucher is used up at start");
    assert_eq!(again.output_dir(), site.p(".forklar-cache/serve/site"));
    assert!(again.get("/sak/").text().contains("Tekst fra første gang."));
    // Saves are shown as ever.
    site.write("content/sak.md", &article("Sak", "Tekst fra andre gang."));
    again.wait_text("/sak/", "Tekst fra andre gang.");
    // The pages after the reload (the front page's list) are written too:
    // only then is there a site to vouch for.
    again.wait_pages_written();
    stop(again);

    let third = Serve::start_at(&site, port);
    assert!(served_before_building(&third), "{}", third.logs());
    assert!(third.get("/sak/").text().contains("Tekst fra andre gang."));
}

#[test]
fn a_file_changed_while_stopped_is_never_served_from_the_last_pages() {
    let site = site();
    let port = free_port();
    let first = Serve::start_at(&site, port);
    first.wait_text("/sak/", "Tekst fra første gang.");
    stop(first);
    site.write(
        "content/sak.md",
        &article("Sak", "Endret mens serveren sto."),
    );

    let again = Serve::start_at(&site, port);
    assert!(!served_before_building(&again), "{}", again.logs());
    // The very first answer is the new text: the old pages were moved aside.
    let page = again.get("/sak/").text();
    assert!(page.contains("Endret mens serveren sto."), "{page}");
    assert!(!page.contains("Tekst fra første gang."));
}

#[test]
fn a_killed_server_leaves_nothing_to_serve_at_once() {
    let site = site();
    let port = free_port();
    let first = Serve::start_at(&site, port);
    first.wait_text("/sak/", "Tekst fra første gang.");
    stop(first);
    let killed = Serve::start_at(&site, port);
    assert!(served_before_building(&killed));
    // Dropping kills it (SIGKILL): no chance to vouch for anything.
    drop(killed);
    assert!(!site.p(VOUCHER).exists());

    let again = Serve::start_at(&site, port);
    assert!(!served_before_building(&again), "{}", again.logs());
}

#[test]
fn a_save_that_failed_is_not_vouched_for() {
    let site = site();
    let port = free_port();
    let first = Serve::start_at(&site, port);
    first.wait_text("/sak/", "Tekst fra første gang.");
    let generation = first.status("generation");
    site.write(
        "content/sak.md",
        "+++\ntitle = \"Sak\"\ndate = 2022-13-45\n+++\n\nNy.\n",
    );
    assert!(
        wait_until(Duration::from_secs(30), || first
            .get("/__forklar/status")
            .text()
            .contains("\"error\":true")),
        "the broken save was not reported\n{}",
        first.logs()
    );
    assert_eq!(first.status("generation"), generation);
    stop(first);
    assert!(!site.p(VOUCHER).exists());
}

#[test]
fn a_second_server_of_the_same_site_builds_into_a_private_folder() {
    let site = site();
    let port = free_port();
    let first = Serve::start_at(&site, port);
    let second = Serve::start(&site);
    let private: PathBuf = second.output_dir();
    assert!(
        private.starts_with(&second.tmp),
        "{} is not in TMPDIR",
        private.display()
    );
    assert!(
        second
            .get("/sak/")
            .text()
            .contains("Tekst fra første gang.")
    );
    assert!(first.get("/sak/").text().contains("Tekst fra første gang."));
    stop(second);
    assert!(!private.exists(), "the private folder is removed");
    stop(first);
    assert!(site.p(VOUCHER).is_file());
}
