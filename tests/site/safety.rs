//! Hostile and accidental input that must neither reach readers nor the
//! writer's terminal: event handlers in heading attributes, control
//! characters in feeds and messages, links out of the site, named pipes, and
//! file names macOS writes decomposed.

use std::process::Command;
use std::time::Duration;

use crate::common::{TestSite, assert_lacks};

const SITE_TOML: &str =
    "title = \"Forklart\"\nlanguage = \"nb\"\nbase_url = \"https://example.org/\"\n";

fn article(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2022-01-06\n+++\n{body}")
}

#[test]
fn heading_attributes_never_carry_event_handlers() {
    let body = "## Tittel {#egen .klasse onclick=\"alert(1)\" onmouseover=x}\n\nTekst.\n";
    for escape in [false, true] {
        let site = TestSite::new(&format!("{SITE_TOML}[markdown]\nescape_html = {escape}\n"))
            .with("content/a.md", article("A", body));
        site.build_ok(&[]);
        for file in ["a/index.html", "atom.xml"] {
            let text = site.public(file).to_ascii_lowercase();
            assert_lacks(&text, "onclick", file);
            assert_lacks(&text, "onmouseover", file);
        }
        let page = site.public("a/index.html");
        if escape {
            assert_lacks(&page, "klasse", "a heading on an escaping site");
        } else {
            assert!(page.contains("<h2 id=\"egen\" class=\"klasse\">"), "{page}");
        }
    }
}

#[test]
fn control_characters_in_titles_and_bodies_leave_every_xml_file_well_formed() {
    let site = TestSite::new(SITE_TOML).with(
        "content/a.md",
        article(
            "Tittel\\u0001med\\u001fstyretegn",
            "Tekst\u{1}med\u{8}styretegn og \u{b}mer.\n",
        ),
    );
    site.build_ok(&[]);
    for file in ["atom.xml", "sitemap.xml"] {
        let xml = site.public(file);
        assert!(
            !xml.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
            "{file} carries a control character"
        );
        let parsed = Command::new("python3")
            .args([
                "-c",
                "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
            ])
            .arg(site.public_dir().join(file))
            .status();
        if let Ok(status) = parsed {
            assert!(status.success(), "{file} is not well-formed XML");
        }
    }
}

#[test]
fn control_characters_in_a_message_are_shown_not_obeyed() {
    let site = TestSite::new(SITE_TOML).with(
        "content/a.md",
        "+++\ntitle = \"A\"\ndate = 2022-01-06\nbackground = [\"\\u001b]0;PWNED\\u0007\\u001b[2J\"]\n+++\nTekst.\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "raw control characters reached the terminal: {:?}",
        run.stderr
    );
    run.assert_stderr_contains("\\u{1b}]0;PWNED\\u{7}");
}

#[cfg(unix)]
#[test]
fn a_site_toml_that_links_out_of_the_site_is_refused_and_not_read() {
    let site = TestSite::new(SITE_TOML).with("content/a.md", article("A", "Tekst.\n"));
    let secret = site.outside().join("hemmelig.toml");
    std::fs::write(&secret, "title = \"HEMMELIG-INNHOLD\"\n").expect("secret");
    std::fs::remove_file(site.root().join("site.toml")).expect("remove");
    std::os::unix::fs::symlink(&secret, site.root().join("site.toml")).expect("link");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("outside the site's folder");
    run.assert_stderr_contains("site.toml");
    assert!(!run.stderr.contains("HEMMELIG"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_template_that_links_out_of_the_site_is_refused() {
    let site = TestSite::new(SITE_TOML).with("content/a.md", article("A", "Tekst.\n"));
    let outside = site.outside().join("tag.html");
    std::fs::write(&outside, "HEMMELIG-MAL").expect("outside template");
    std::fs::create_dir_all(site.root().join("templates")).expect("templates");
    std::os::unix::fs::symlink(&outside, site.root().join("templates/tag.html")).expect("link");
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("templates/tag.html");
    run.assert_stderr_contains("outside the site's folder");
}

/// `content/`, `templates/` or `static/` itself a link to a folder outside
/// the site: build and check refuse it by name, as they do links deeper in,
/// and nothing in it is read or published.
#[cfg(unix)]
#[test]
fn a_top_folder_that_links_out_of_the_site_is_refused_and_not_read() {
    for (folder, file, text) in [
        (
            "content",
            "ute.md",
            "+++\ntitle = \"HEMMELIG-TITTEL\"\ndate = 2022-01-06\n+++\nHEMMELIG-TEKST\n",
        ),
        (
            "templates",
            "article.html",
            "{% extends \"base.html\" %}{% block main %}HEMMELIG-MAL{% endblock main %}",
        ),
        ("static", "hemmelig.txt", "HEMMELIG-FIL"),
    ] {
        let site = TestSite::new(SITE_TOML);
        if folder != "content" {
            site.write("content/a.md", article("A", "Tekst.\n"));
        }
        let outside = site.outside().join("utenfor");
        std::fs::create_dir(&outside).expect("a folder outside");
        std::fs::write(outside.join(file), text).expect("a file outside");
        std::os::unix::fs::symlink(&outside, site.root().join(folder)).expect("link");
        let root = site.root().to_str().expect("UTF-8");
        for run in [
            site.build(&[]),
            site.run_in(site.root(), &["check", "--root", root]),
        ] {
            run.assert_failure();
            run.assert_stderr_contains(&format!("--> {folder}"));
            run.assert_stderr_contains("outside the site's folder");
            run.assert_help();
            assert!(!run.stderr.contains("HEMMELIG"), "{}", run.stderr);
        }
        assert!(
            !site.public_dir().exists(),
            "{folder}: a refused build published"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_content_or_static_is_named_instead_of_hanging_the_build() {
    for folder in ["content", "static"] {
        let site = TestSite::new(SITE_TOML).with("content/a.md", article("A", "Tekst.\n"));
        std::fs::create_dir_all(site.root().join(folder)).expect("folder");
        let fifo = site.root().join(folder).join("ror.md");
        let made = Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("SKIPPED named pipe test: mkfifo is not available");
            return;
        }
        let started = std::time::Instant::now();
        let run = site.build(&[]);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the build waited on the pipe"
        );
        run.assert_failure();
        run.assert_stderr_contains(&format!("{folder}/ror.md"));
        run.assert_stderr_contains("neither a file nor a folder");
    }
}

#[test]
fn a_decomposed_file_name_gets_the_slug_of_the_composed_one() {
    let site = TestSite::new(SITE_TOML).with("content/bla\u{30a}.md", article("Blå", "Tekst.\n"));
    site.build_ok(&[]);
    assert!(
        site.has_public("bla/index.html"),
        "the slug of «blå» is bla"
    );
    site.write("content/blå.md", article("Blå igjen", "Tekst.\n"));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("two pages have the URL /bla/");
}
