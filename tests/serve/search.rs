//! Search in `forklar serve`: the search page and index are served, and a
//! save is announced (`reload`) before the index catches up (`search`), after
//! which the index holds the saved words.

use std::io::Read as _;
use std::path::Path;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Instant;

use crate::support::{INDEX_CAUGHT_UP, Live, Site, article};

/// The text of every page in the index below `public`, from Pagefind's
/// fragments (gzip of a signature and JSON).
fn indexed_text(public: &Path) -> String {
    let mut text = String::new();
    let Ok(entries) = std::fs::read_dir(public.join("pagefind/fragment")) else {
        return text;
    };
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).expect("a fragment");
        let mut json = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut json)
            .expect("a gzipped fragment");
        text.push_str(&json);
    }
    text
}

/// Each file of the index's fragments by name, as (inode, modified): a file
/// written again, even the same, is a new file.
fn fragment_files(
    public: &Path,
) -> std::collections::BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::read_dir(public.join("pagefind/fragment"))
        .expect("fragments")
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            let name = entry.file_name().to_string_lossy().into_owned();
            Some((name, (meta.ino(), meta.modified().ok()?)))
        })
        .collect()
}

/// The events of the reload stream up to the first `search`.
fn events_until_search(l: &Live) -> Vec<String> {
    let mut seen = Vec::new();
    while !seen.iter().any(|name| name == "search") {
        match l.events.rx.recv_timeout(INDEX_CAUGHT_UP) {
            Ok(event) => seen.push(event.name),
            Err(RecvTimeoutError::Timeout) => panic!(
                "no `search` event within {INDEX_CAUGHT_UP:?} of the save (saw {seen:?})\n{}",
                l.serve.logs()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!("the event stream closed"),
        }
    }
    seen
}

#[test]
fn a_save_reloads_first_and_the_index_catches_up_after() {
    let site = Site::new(&[("forste.md", "Første", "Blåbær vokser i skogen.")]);
    let l = Live::start(site, "site.toml");
    let page = l.serve.get("/sok/");
    assert_eq!(page.status, 200, "{}", l.serve.logs());
    assert!(page.text().contains("id=\"search-query\""));
    assert_eq!(l.serve.get("/pagefind/pagefind.js").status, 200);
    let public = l.serve.output_dir();
    assert!(indexed_text(&public).contains("Blåbær vokser i skogen."));

    l.site.write(
        "content/forste.md",
        &article("Første", "Moltebær vokser på myra."),
    );
    let seen = events_until_search(&l);
    assert_eq!(
        seen.first().map(String::as_str),
        Some("reload"),
        "the page is reloaded before the index is remade: {seen:?}"
    );
    let text = indexed_text(&public);
    assert!(text.contains("Moltebær vokser på myra."), "{text}");
    assert!(!text.contains("Blåbær"), "the old text is gone: {text}");
    // Nothing of the old index is left behind.
    let fragments = std::fs::read_dir(public.join("pagefind/fragment"))
        .expect("fragments")
        .count();
    assert_eq!(fragments, 1, "one article, one fragment");
}

/// `search_pending` in `/__forklar/status` is what a script waits on
/// instead of the event stream: whenever it reads false after a save's
/// reload, with no page pending, the index already has the saved words.
#[test]
fn the_status_says_whether_the_index_has_the_last_save() {
    let site = Site::new(&[("forste.md", "Første", "Blåbær vokser i skogen.")]);
    let l = Live::start(site, "site.toml");
    let public = l.serve.output_dir();
    assert!(
        !l.serve.status_flag("search_pending"),
        "the first build writes the index with the pages\n{}",
        l.serve.logs()
    );
    let before = l.serve.status("generation");

    l.site.write(
        "content/forste.md",
        &article("Første", "Moltebær vokser på myra."),
    );
    let deadline = Instant::now() + INDEX_CAUGHT_UP;
    let mut polls = 0;
    loop {
        assert!(Instant::now() < deadline, "{}", l.serve.logs());
        polls += 1;
        // Read in this order: once the save is counted, the flag read after
        // it covers the save's pages.
        let reloaded = l.serve.status("generation") > before;
        let pages_done = l.serve.status("pages_pending") == 0;
        let search_pending = l.serve.status_flag("search_pending");
        if reloaded && pages_done && !search_pending {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let text = indexed_text(&public);
    assert!(
        text.contains("Moltebær vokser på myra.") && !text.contains("Blåbær"),
        "search_pending was false after {polls} polls, but the index lacks the save: {text}"
    );
    // The event the flag stands for comes too.
    events_until_search(&l);
    assert!(!l.serve.status_flag("search_pending"));
}

/// A saved template renders every page again: the index in the output is
/// published again as it is (read back and checked, not held), and remade
/// after the reload. Were it made before the reload instead, no `search`
/// event would follow.
#[test]
fn a_template_save_publishes_the_last_index_and_remakes_it_after_the_reload() {
    let site = Site::new(&[("forste.md", "Første", "Blåbær vokser i skogen.")]);
    let l = Live::start(site, "site.toml");
    let public = l.serve.output_dir();
    let footer = "<footer class=\"site-footer\">";
    let base = include_str!("../../templates/base.html");
    assert!(base.contains(footer), "the test's footer is in base.html");
    l.site.write(
        "templates/base.html",
        &base.replace(footer, "<footer class=\"site-footer\" data-lagret=\"ja\">"),
    );
    let seen = events_until_search(&l);
    assert_eq!(
        seen.first().map(String::as_str),
        Some("reload"),
        "the pages are reloaded before the index is remade: {seen:?}\n{}",
        l.serve.logs()
    );
    assert!(l.serve.get("/forste/").text().contains("data-lagret"));
    assert!(indexed_text(&public).contains("Blåbær vokser i skogen."));
}

/// An archive whose copies do not all fit in the memory a build holds them
/// in: the server keeps the rest in the site's cache between saves, and the
/// index made after a save still has every page.
#[test]
fn after_a_save_the_index_still_has_the_pages_kept_out_of_memory() {
    const ARTICLES: usize = 34;
    let paragraph = "Protestene spredte seg fra Zjanaozen til Almaty, og regjeringen \
                     innførte unntakstilstand i flere regioner.\n\n";
    let body = paragraph.repeat(530 * 1024 / paragraph.len());
    let articles: Vec<(String, String, String)> = (0..ARTICLES)
        .map(|n| {
            (
                format!("sak-{n:02}.md"),
                format!("Sak {n}"),
                format!("Kjennemerke{n} innleder saken.\n\n{body}"),
            )
        })
        .collect();
    let listed: Vec<(&str, &str, &str)> = articles
        .iter()
        .map(|(file, title, body)| (file.as_str(), title.as_str(), body.as_str()))
        .collect();
    // A probe that leaves every page as it is: a saved site.toml would
    // rebuild the site and remake the index behind it.
    let l = Live::start(Site::new(&listed), "content/sak-01.md");
    let public = l.serve.output_dir();
    #[cfg(target_os = "linux")]
    {
        // The copies past the first 16 MB are in an unnamed file there.
        let cache = l.site.root().join(".forklar-cache/search");
        let open: Vec<_> = std::fs::read_dir(format!("/proc/{}/fd", l.serve.child.id()))
            .expect("the server's open files")
            .flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .collect();
        assert!(
            open.iter().any(|file| file.starts_with(&cache)),
            "no file of copies open in {}: {open:?}",
            cache.display()
        );
    }

    let before = fragment_files(&public);
    l.site.write(
        "content/sak-00.md",
        &article("Sak 0", &format!("Nyord innleder saken.\n\n{body}")),
    );
    events_until_search(&l);
    // The fragments of the pages the save did not change are left in place,
    // not written again.
    let after = fragment_files(&public);
    let kept = before
        .iter()
        .filter(|(name, file)| after.get(*name) == Some(file))
        .count();
    assert_eq!(kept, ARTICLES - 1, "before {before:?}\nafter {after:?}");
    let text = indexed_text(&public);
    assert!(text.contains("Nyord innleder saken."), "the saved words");
    assert!(!text.contains("Kjennemerke0 "), "the old words are gone");
    for n in 1..ARTICLES {
        assert!(
            text.contains(&format!("Kjennemerke{n} innleder")),
            "page {n} is missing from the index made after the save"
        );
    }
}
