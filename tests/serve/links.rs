//! Links in the site's source folders to files elsewhere in the site: `build`
//! reads what a link leads to, so whichever of the two is saved, serve shows
//! what a fresh build of the same files writes.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::symlink;

use crate::equivalence::url_of;
use crate::support::{
    Live, Site, WAIT, article, fresh_build, list_files, wait_until, without_snippet,
};

/// `content/a.md` a link to `drafts/a.md`, and `static/stil.css` one to
/// `assets/stil.css`: folders of the site that are no source folders.
fn linked_site() -> Live {
    let site = Site::new(&[("forste.md", "Første sak", "Tekst.")]);
    site.write(
        "drafts/a.md",
        &article("Utkast", "Første versjon av utkastet."),
    );
    site.write(
        "drafts/b.md",
        &article("Annet utkast", "Det andre utkastet."),
    );
    site.write("assets/stil.css", "body { color: black }\n");
    symlink("../drafts/a.md", site.p("content/a.md")).unwrap();
    fs::create_dir_all(site.p("static")).unwrap();
    symlink("../assets/stil.css", site.p("static/stil.css")).unwrap();
    let live = Live::start(site, "content/forste.md");
    live.serve.wait_text("/a/", "Første versjon av utkastet.");
    live
}

/// Every file a fresh build of the site writes is served as it is, and
/// serve's output has nothing more.
fn assert_as_a_fresh_build(l: &Live) {
    l.serve.wait_pages_written();
    l.events.settle();
    let out = l.site.dir.path().join("fresh");
    let _ = fs::remove_dir_all(&out);
    let base_url = format!("http://127.0.0.1:{}/", l.serve.port);
    let built = fresh_build(&l.site.root(), &out, &base_url);
    assert!(
        built.status.success(),
        "the fresh build failed: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    l.serve.wait_index_as_built(&out);
    let files = list_files(&out);
    let mut problems = Vec::new();
    for rel in &files {
        let url = url_of(rel);
        let resp = l.serve.get(&url);
        let expected = fs::read(out.join(rel)).expect("a built file");
        let served = if rel.ends_with(".html") {
            without_snippet(&resp.text()).into_bytes()
        } else {
            resp.body.clone()
        };
        if resp.status != 200 || served != expected {
            problems.push(format!(
                "GET {url}: {} and not the fresh build's {rel}",
                resp.status
            ));
        }
    }
    let extra: BTreeSet<String> = list_files(&l.serve.output_dir())
        .difference(&files)
        .cloned()
        .collect();
    if !extra.is_empty() {
        problems.push(format!("serve's output has more: {extra:?}"));
    }
    assert!(
        problems.is_empty(),
        "serve differs from a fresh build:\n{}\n{}",
        problems.join("\n"),
        l.serve.logs()
    );
    // The index's own event, if it came only now, is not the next save's.
    l.events.settle();
}

#[test]
fn a_save_to_a_links_target_shows_as_in_a_fresh_build() {
    let l = linked_site();
    l.site.write(
        "drafts/a.md",
        &article("Utkast", "Andre versjon av utkastet."),
    );
    l.expect_change("/a/", "Andre versjon av utkastet.");
    assert_as_a_fresh_build(&l);
    // Saved as many editors do: a new file renamed over the old one.
    l.site
        .write("drafts/.a.md.tmp", &article("Utkast", "Tredje versjon."));
    fs::rename(l.site.p("drafts/.a.md.tmp"), l.site.p("drafts/a.md")).unwrap();
    l.expect_change("/a/", "Tredje versjon.");
    l.site.write("assets/stil.css", "body { color: navy }\n");
    l.expect_change("/stil.css", "navy");
    assert_as_a_fresh_build(&l);
    // A file no link leads to is no change.
    l.site
        .write("drafts/b.md", &article("Annet utkast", "Endret."));
    l.events.assert_quiet(&l.serve);
}

#[test]
fn a_link_pointed_elsewhere_shows_its_new_target_and_follows_it() {
    let l = linked_site();
    // `ln -sf`: a new link renamed over the old one.
    symlink("../drafts/b.md", l.site.p("content/.a.md.new")).unwrap();
    fs::rename(l.site.p("content/.a.md.new"), l.site.p("content/a.md")).unwrap();
    l.expect_change("/a/", "Det andre utkastet.");
    assert_as_a_fresh_build(&l);
    l.site.write(
        "drafts/b.md",
        &article("Annet utkast", "Det andre, endret."),
    );
    l.expect_change("/a/", "Det andre, endret.");
    assert_as_a_fresh_build(&l);
    // The old target is read by nothing now.
    l.site
        .write("drafts/a.md", &article("Utkast", "Ingen leser dette."));
    l.events.assert_quiet(&l.serve);
}

#[test]
fn a_links_target_removed_is_the_error_a_build_gives_until_it_is_back() {
    let l = linked_site();
    fs::remove_file(l.site.p("drafts/a.md")).unwrap();
    let error = l.events.expect("error", &l.serve);
    assert!(
        error.data.contains("content/a.md") && error.data.contains("broken link"),
        "{}\n{}",
        error.data,
        l.serve.logs()
    );
    let out = l.site.dir.path().join("fresh");
    let base_url = format!("http://127.0.0.1:{}/", l.serve.port);
    let built = fresh_build(&l.site.root(), &out, &base_url);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(
        !built.status.success()
            && stderr.contains("content/a.md")
            && stderr.contains("broken link"),
        "a fresh build does not give the same error: {stderr}"
    );
    // Its folder goes too, and both come back.
    fs::remove_dir_all(l.site.p("drafts")).unwrap();
    l.events.settle();
    l.site
        .write("drafts/a.md", &article("Utkast", "Tilbake igjen."));
    assert!(
        wait_until(WAIT, || l
            .serve
            .get("/a/")
            .text()
            .contains("Tilbake igjen.")),
        "/a/ does not show the target made again\n{}",
        l.serve.logs()
    );
    assert_as_a_fresh_build(&l);
}

#[test]
fn a_folder_link_on_the_way_pointed_elsewhere_shows_as_in_a_fresh_build() {
    let site = Site::new(&[("forste.md", "Første sak", "Tekst.")]);
    site.write("drafts/c.md", &article("Notat", "Fra utkastene."));
    site.write("other/c.md", &article("Notat", "Fra den andre mappen."));
    // `content/c.md` leads through `notes`, itself a link to a folder.
    symlink("drafts", site.p("notes")).unwrap();
    symlink("../notes/c.md", site.p("content/c.md")).unwrap();
    let l = Live::start(site, "content/forste.md");
    l.serve.wait_text("/c/", "Fra utkastene.");
    // `ln -sfn other notes`: a new link renamed over the old one.
    symlink("other", l.site.p(".notes.new")).unwrap();
    fs::rename(l.site.p(".notes.new"), l.site.p("notes")).unwrap();
    l.expect_change("/c/", "Fra den andre mappen.");
    assert_as_a_fresh_build(&l);
    // A save in the folder it leads to now shows; one in the old folder does not.
    l.site
        .write("other/c.md", &article("Notat", "Endret i den andre."));
    l.expect_change("/c/", "Endret i den andre.");
    assert_as_a_fresh_build(&l);
    l.site
        .write("drafts/c.md", &article("Notat", "Ingen leser dette."));
    l.events.assert_quiet(&l.serve);
}
