//! A new user's first steps: `init`, `new` and `templates` in either language,
//! each followed by a real build and `check`.

use std::path::Path;

use crate::common::{Snapshot, assert_contains, assert_lacks, read_text, run_forklar};

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("forklar-test-")
        .tempdir()
        .expect("a temporary folder")
}

/// `forklar <args> --root <dir>`, run from `cwd`.
fn forklar_at(cwd: &Path, root: &str, args: &[&str]) -> crate::common::Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--root", root]);
    run_forklar(cwd, &all)
}

/// Words of the other language that must not appear in a scaffolded file.
const NORWEGIAN: &[&str] = &[
    "æ",
    "ø",
    "å",
    "Æ",
    "Ø",
    "Å",
    "Navn",
    "bilde",
    "Foto",
    "Grunnlagt",
    "Skriv",
    "Tekst",
    "personer",
    "Hvorfor",
    "Svaret",
    "Eksempel",
    "forklaring\"",
    "Redaksjonen",
];
const ENGLISH: &[&str] = &[
    "Jane Doe",
    "What the image shows",
    "Photo:",
    "Founded",
    "Write the lead",
    "What changed, and why",
    "“Key figures”",
    "Example",
];

/// Every site `init` makes, and every file `new` adds to it, builds at once and
/// passes `check`, in Norwegian and in English; each language's files are
/// written in its own words.
#[test]
fn scaffolded_sites_build_and_check_in_both_languages() {
    for (language, title, entry_url, foreign) in [
        ("nb", "Hva skjer i Øst-Europa?", "bakgrunn", ENGLISH),
        (
            "en",
            "What is going on in Eastern Europe?",
            "background",
            NORWEGIAN,
        ),
    ] {
        let tmp = temp_dir();
        run_forklar(tmp.path(), &["init", "site", "--language", language]).assert_success();
        forklar_at(tmp.path(), "site", &["new", "article", title]).assert_success();
        forklar_at(tmp.path(), "site", &["new", "background", "wagner-group"]).assert_success();
        let dir = tmp.path().join("site");
        let content = Snapshot::of(&dir.join("content"));
        assert_eq!(
            content.files().len(),
            4,
            "{language}: {:?}",
            content.files()
        );
        for file in content.files() {
            let text = read_text(&dir.join("content").join(file));
            for word in foreign {
                assert_lacks(&text, word, &format!("{language}: content/{file}"));
            }
        }
        let site_toml = read_text(&dir.join("site.toml"));
        assert_contains(
            &site_toml,
            &format!("language = \"{language}\""),
            "site.toml",
        );

        forklar_at(tmp.path(), "site", &["build", "--drafts"]).assert_success();
        assert!(
            dir.join(format!("public/{entry_url}/wagner-group/index.html"))
                .is_file(),
            "{language}: the new background entry is published"
        );
        let check = forklar_at(tmp.path(), "site", &["check", "--drafts"]);
        check.assert_success();
        assert_contains(
            &check.stdout,
            "no problems found",
            &format!("{language}: check"),
        );
        forklar_at(tmp.path(), "site", &["check"]).assert_success();
    }
}

/// `new background wagner-group` titles the entry from its key, and explains
/// aliases in the file; the alias it writes makes the first mention a link.
#[test]
fn new_background_titles_the_entry_and_explains_aliases() {
    let tmp = temp_dir();
    run_forklar(tmp.path(), &["init", "site"]).assert_success();
    forklar_at(tmp.path(), "site", &["new", "background", "wagner-group"]).assert_success();
    let dir = tmp.path().join("site");
    let entry = read_text(&dir.join("content/background/wagner-group.md"));
    let file = "content/background/wagner-group.md";
    assert_contains(&entry, "title = \"Wagner group\"", file);
    assert_contains(&entry, "aliases = [\"Wagner group\"]", file);
    let explanation: String = entry
        .lines()
        .skip_while(|l| !l.starts_with("title"))
        .skip(1)
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    for words in [
        "Other names",
        "first of them found in running text",
        "the title is not looked for",
    ] {
        assert_contains(&explanation, words, "the comment above aliases");
    }
    std::fs::write(
        dir.join("content/leiesoldater.md"),
        "+++\ntitle = \"Leiesoldater\"\ndate = 2023-06-25\nbackground = [\"wagner-group\"]\n+++\n\nWagner group rykket mot Moskva. Wagner group snudde.\n",
    )
    .expect("an article");
    forklar_at(tmp.path(), "site", &["build"]).assert_success();
    let page = read_text(&dir.join("public/leiesoldater/index.html"));
    assert_eq!(
        page.matches("class=\"mention\" href=\"/bakgrunn/wagner-group/\"")
            .count(),
        1,
        "the first mention links to the entry:\n{page}"
    );
}

/// The theme's landmarks have language-neutral ids: the skip link leads to
/// `#content`, the headline is `#title`, in both languages; no Norwegian id is left.
#[test]
fn the_theme_uses_language_neutral_ids() {
    for language in ["nb", "en"] {
        let tmp = temp_dir();
        run_forklar(tmp.path(), &["init", "site", "--language", language]).assert_success();
        forklar_at(tmp.path(), "site", &["build"]).assert_success();
        let public = tmp.path().join("site/public");
        let article = if language == "nb" {
            "min-forste-forklaring"
        } else {
            "my-first-explainer"
        };
        let page = read_text(&public.join(article).join("index.html"));
        let shown = format!("{language}: {article}");
        assert_contains(&page, "href=\"#content\"", &shown);
        assert_contains(&page, "<main id=\"content\"", &shown);
        assert_contains(&page, "aria-labelledby=\"title\"", &shown);
        assert_contains(&page, "<h1 id=\"title\">", &shown);
        for file in Snapshot::of(&public).files() {
            if file.ends_with(".html") {
                let html = read_text(&public.join(file));
                assert_lacks(&html, "id=\"innhold\"", file);
                assert_lacks(&html, "id=\"tittel\"", file);
                assert_lacks(&html, "#innhold", file);
            }
        }
    }
}

/// `forklar templates` writes every file of the built-in theme, byte for byte,
/// and the site builds exactly as before; a file already there is kept (and
/// named) unless `--force` replaces it.
#[test]
fn templates_writes_the_built_in_theme_for_overriding() {
    let tmp = temp_dir();
    run_forklar(tmp.path(), &["init", "site"]).assert_success();
    let dir = tmp.path().join("site");
    forklar_at(tmp.path(), "site", &["build"]).assert_success();
    let before = Snapshot::of(&dir.join("public"));

    let run = forklar_at(tmp.path(), "site", &["templates"]);
    run.assert_success();
    let theme_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let theme = Snapshot::of(&theme_dir);
    let exported = Snapshot::of(&dir.join("templates"));
    let mut theme_files: Vec<&str> = theme.files();
    theme_files.retain(|f| !f.ends_with(".md"));
    assert!(theme_files.contains(&"style.css") && theme_files.contains(&"forklar.js"));
    for file in &theme_files {
        assert_eq!(
            exported.bytes(file),
            theme.bytes(file),
            "templates/{file} should be the built-in one"
        );
        assert_contains(
            &run.stdout,
            &format!("Wrote templates/{file}"),
            "forklar templates",
        );
    }
    assert_contains(
        &run.stdout,
        &format!(
            "{} files of the built-in theme written, 0 skipped",
            theme_files.len()
        ),
        "forklar templates",
    );
    // The init note is not part of the theme and is left as it was.
    assert_eq!(
        exported.files().len(),
        theme_files.len() + 1,
        "{:?}",
        exported.files()
    );

    forklar_at(tmp.path(), "site", &["build"]).assert_success();
    before.assert_same_bytes(
        &Snapshot::of(&dir.join("public")),
        "public/ built with the exported theme",
    );

    // An edited template is kept, and named, unless --force is given.
    let base = dir.join("templates/base.html");
    let edited = read_text(&base).replace("</body>", "<!-- mine -->\n</body>");
    std::fs::write(&base, &edited).expect("edit base.html");
    let again = forklar_at(tmp.path(), "site", &["templates"]);
    again.assert_success();
    assert_contains(
        &again.stdout,
        "Skipped templates/base.html: it differs from the built-in one (--force replaces it)",
        "forklar templates, second time",
    );
    assert_contains(
        &again.stdout,
        "Unchanged templates/style.css",
        "forklar templates, second time",
    );
    assert_contains(
        &again.stdout,
        "0 files of the built-in theme written, 1 skipped",
        "forklar templates",
    );
    assert_eq!(
        read_text(&base),
        edited,
        "an edited template was overwritten"
    );

    let forced = forklar_at(tmp.path(), "site", &["templates", "--force"]);
    forced.assert_success();
    assert_contains(
        &forced.stdout,
        "Replaced templates/base.html",
        "forklar templates --force",
    );
    assert_eq!(
        std::fs::read(&base).expect("base.html"),
        std::fs::read(theme_dir.join("base.html")).expect("the built-in base.html")
    );
}

/// `forklar templates` outside a site writes nothing, and a templates folder that
/// is a link out of the site is refused.
#[test]
fn templates_refuses_a_folder_without_a_site_and_a_link_out_of_it() {
    let tmp = temp_dir();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("a folder");
    let run = forklar_at(tmp.path(), "empty", &["templates"]);
    run.assert_failure();
    run.assert_stderr_contains("no site.toml");
    assert!(Snapshot::of(&empty).files().is_empty());

    run_forklar(tmp.path(), &["init", "site"]).assert_success();
    let dir = tmp.path().join("site");
    std::fs::remove_dir_all(dir.join("templates")).expect("remove templates/");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("a folder outside the site");
    std::os::unix::fs::symlink(&elsewhere, dir.join("templates")).expect("a link");
    let run = forklar_at(tmp.path(), "site", &["templates"]);
    run.assert_failure();
    run.assert_stderr_contains("symbolic link");
    assert!(
        Snapshot::of(&elsewhere).files().is_empty(),
        "written through the link"
    );
}

/// `new article` and `new background` write no file through a link: not a
/// dangling link where the new file goes, nor a `content/` or
/// `content/background/` that links out of the site. Each refusal names the
/// link and says what to do.
#[test]
fn new_writes_nothing_through_a_link() {
    // A link to a file that does not exist yet, or to a folder.
    for (link, to_folder, args) in [
        (
            "content/ny-sak.md",
            false,
            &["new", "article", "Ny sak"][..],
        ),
        (
            "content/background/ny.md",
            false,
            &["new", "background", "ny"][..],
        ),
        ("content", true, &["new", "article", "Ny sak"][..]),
        ("content/background", true, &["new", "background", "ny"][..]),
    ] {
        let tmp = temp_dir();
        run_forklar(tmp.path(), &["init", "site"]).assert_success();
        let dir = tmp.path().join("site");
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).expect("a folder outside the site");
        let target = if to_folder {
            std::fs::remove_dir_all(dir.join(link)).expect("remove the folder");
            outside.clone()
        } else {
            outside.join("created.md")
        };
        std::os::unix::fs::symlink(&target, dir.join(link)).expect("a link");
        let run = forklar_at(tmp.path(), "site", args);
        run.assert_failure();
        run.assert_stderr_contains(link);
        run.assert_stderr_contains("symbolic link");
        run.assert_help();
        assert!(
            Snapshot::of(&outside).files().is_empty(),
            "{args:?} with {link} a link wrote outside the site: {:?}",
            Snapshot::of(&outside).files()
        );
    }
}
