//! Search in `forklar serve`: the search page and index are served, and a
//! save is announced (`reload`) before the index catches up (`search`), after
//! which the index holds the saved words.

use std::io::Read as _;
use std::path::Path;
use std::sync::mpsc::RecvTimeoutError;

use crate::support::{Live, Site, WAIT, article};

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
    let mut seen = Vec::new();
    while !seen.iter().any(|name| name == "search") {
        match l.events.rx.recv_timeout(WAIT) {
            Ok(event) => seen.push(event.name),
            Err(RecvTimeoutError::Timeout) => panic!(
                "no `search` event within {WAIT:?} of the save (saw {seen:?})\n{}",
                l.serve.logs()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!("the event stream closed"),
        }
    }
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
