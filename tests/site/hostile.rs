//! Hostile and broken input: files that are not text, links that loop or lead out
//! of the site, templates that include themselves, output folders that cannot be
//! written, a disk that fills up, and Markdown built to be slow. Every build runs
//! with a time limit, so a hang fails the test instead of blocking CI. A build that
//! fails must exit non-zero without a panic, name the file (and line where there is
//! one), say what to do, and leave `public/` exactly as it was.

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::{BIN, Run, Snapshot, TestSite, assert_contains, settle};
use crate::fixture::{self, KASAKHSTAN_FILE, KASAKHSTAN_PAGE, SITE_TOML};

/// How long one build may take before it counts as hung.
const LIMIT: Duration = Duration::from_secs(60);

/// The staging folder a build writes into; never left behind.
const STAGING: &str = ".forklar-staging";

// ---------------------------------------------------------------------------------
// Running forklar with a time limit.

/// Reads a pipe to the end on its own thread, so a chatty child cannot block.
fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Runs `command` (forklar, or a shell that `exec`s it), killing it after `limit`
/// and failing the test as hung. Returns what it did and how long it took.
fn run_command(mut command: Command, args: Vec<String>, limit: Duration) -> (Run, Duration) {
    command
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("start the forklar binary");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for forklar") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
            panic!(
                "forklar {args:?} hung: killed after {} s\n--- stderr\n{stderr}",
                limit.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let text = |handle: JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&handle.join().expect("read the pipe")).into_owned()
    };
    let run = Run {
        args,
        success: status.success(),
        code: status.code(),
        stdout: text(stdout),
        stderr: text(stderr),
    };
    (run, elapsed)
}

/// `forklar <args>` from `cwd`, within `limit`.
fn forklar_within(cwd: &Path, args: &[&str], limit: Duration) -> (Run, Duration) {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(cwd);
    run_command(command, args.iter().map(|a| a.to_string()).collect(), limit)
}

fn build_args<'a>(site: &'a TestSite, args: &[&'a str]) -> Vec<&'a str> {
    let root = site.root().to_str().expect("a UTF-8 temporary path");
    let mut all = vec!["build", "--root", root];
    all.extend_from_slice(args);
    all
}

/// `forklar build --root <site> <args>` from the site's folder, within [`LIMIT`].
fn build(site: &TestSite, args: &[&str]) -> Run {
    build_within(site, args, LIMIT).0
}

fn build_within(site: &TestSite, args: &[&str], limit: Duration) -> (Run, Duration) {
    forklar_within(site.root(), &build_args(site, args), limit)
}

/// The fixture site, built into `public/` with the time limit.
fn built_site() -> TestSite {
    let site = fixture::site();
    build(&site, &[]).assert_success();
    site
}

fn assert_no_staging(dir: &Path) {
    assert!(
        !dir.join(STAGING).exists(),
        "{STAGING} was left behind in {}",
        dir.display()
    );
}

/// Builds the fixture site, breaks it with `change`, builds again, and checks that
/// the build failed cleanly and left `public/` as it was.
fn break_site(change: impl FnOnce(&TestSite)) -> (TestSite, Run) {
    let site = built_site();
    let before = site.snapshot_public();
    settle();
    change(&site);
    let run = build(&site, &[]);
    run.assert_failure();
    before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    assert_no_staging(&site.public_dir());
    (site, run)
}

fn broken_article(text: impl AsRef<[u8]>) -> (TestSite, Run) {
    break_site(|site| site.write("content/x.md", text))
}

/// The `help:` lines of the error.
fn help(run: &Run) -> String {
    run.stderr
        .lines()
        .filter(|l| l.contains("help: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The error has a `--> <file>:<line>:<col>` location line for `file`.
fn assert_location(run: &Run, file: &str, line: usize, column: usize) {
    let needle = format!("--> {file}:{line}:{column}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.trim_start().starts_with("--> ") && l.ends_with(&needle[4..])),
        "the error should point at {file}:{line}:{column}\n--- stderr\n{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------
// Front matter and text encoding.

#[test]
fn a_fence_inside_a_multi_line_string_is_an_error_at_that_line() {
    // The `+++` on line 5 closes the front matter, so the string on line 4 is never
    // closed and line 6 becomes body text.
    let (site, run) = broken_article(
        "+++\ntitle = \"Gjerde\"\ndate = 2022-01-06\nlead = \"\"\"\n+++\n\"\"\"\n+++\nTekst.\n",
    );
    run.assert_points_at(&site, "content/x.md", Some(5));
    run.assert_help();
}

#[test]
fn invalid_utf8_in_an_article_points_at_the_first_bad_byte() {
    // Latin-1 `ø` and `æ` after a valid UTF-8 `å` on the same line: the column counts
    // characters, so it is 8, not 9 (the byte offset).
    let (_site, run) = broken_article(
        b"+++\ntitle = \"Bl\xc3\xa5b\xc3\xa6r\"\ndate = 2022-01-06\n+++\n\nGod linje.\nBl\xc3\xa5 og \xf8l \xe6\n",
    );
    run.assert_stderr_contains("UTF-8");
    assert_location(&run, "content/x.md", 7, 8);
    run.assert_stderr_contains("7 | Blå og \u{FFFD}l \u{FFFD}");
    run.assert_help();
    assert!(
        help(&run).contains("UTF-8"),
        "the help should say to save the file as UTF-8\n{}",
        run.stderr
    );
}

#[test]
fn nul_bytes_in_an_article_body_are_not_published_raw() {
    // CommonMark: "the Unicode character U+0000 must be replaced with the
    // REPLACEMENT CHARACTER". XML 1.0 forbids it outright, so a raw NUL in the feed
    // makes feed readers drop the whole feed.
    let site = built_site();
    let before = site.snapshot_public();
    settle();
    site.write(
        "content/x.md",
        "+++\ntitle = \"Nullbyte\"\ndate = 2022-01-06\n+++\n\nA\0B i teksten.\n\n## Over\0skrift\n\n`ko\0de`\n",
    );
    let run = build(&site, &[]);
    if run.success {
        for file in Snapshot::of(&site.public_dir()).files() {
            // The search index is compressed and binary (WebAssembly); it is
            // made from the pages checked here. The theme's touch icon is a
            // PNG, binary by nature.
            if file.starts_with("pagefind/") || file == "apple-touch-icon.png" {
                continue;
            }
            let bytes = std::fs::read(site.public_dir().join(file)).unwrap();
            assert!(
                !bytes.contains(&0),
                "public/{file} contains a raw NUL byte from content/x.md; \
                 replace it with U+FFFD (or refuse the file at its line)"
            );
        }
    } else {
        run.assert_failure();
        run.assert_points_at(&site, "content/x.md", Some(6));
        run.assert_help();
        before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    }
}

#[test]
fn a_nul_byte_in_front_matter_is_refused_and_named() {
    let (site, run) = break_site(|site| {
        site.write(
            "content/x.md",
            "+++\ntitle = \"X\0Y\"\ndate = 2022-01-06\n+++\nTekst.\n",
        );
        site.write(
            "content/y.md",
            "+++\ntitle = \"Y\"\ndate = 2022-01-06\n\0\n+++\nTekst.\n",
        );
    });
    let (_, column) = run.assert_points_at(&site, "content/x.md", Some(2));
    assert_eq!(
        column, 11,
        "the caret should be under the NUL\n{}",
        run.stderr
    );
    run.assert_points_at(&site, "content/y.md", Some(4));
    run.assert_help();
    // The NUL is invisible in the shown line; only the words can say what is wrong.
    let stderr = run.stderr.to_lowercase();
    assert!(
        ["nul", "control character", "invisible"]
            .iter()
            .any(|w| stderr.contains(w)),
        "the error should say the file holds a NUL (an invisible control character); \
         it talks about quotes and `=` instead\n--- stderr\n{}",
        run.stderr
    );
}

#[test]
fn an_empty_file_in_content_has_no_front_matter() {
    let (site, run) = broken_article("");
    run.assert_points_at(&site, "content/x.md", Some(1));
    run.assert_stderr_contains("front matter");
    run.assert_help();
}

// ---------------------------------------------------------------------------------
// File names and links in content/.

#[test]
fn a_file_name_that_is_not_utf8_is_named_with_help_to_rename_it() {
    let (_site, run) = break_site(|site| {
        let content = site.root().join("content");
        let name = std::ffi::OsStr::from_bytes(b"bad\xff.md");
        std::fs::write(
            content.join(name),
            "+++\ntitle = \"x\"\ndate = 2022-01-06\n+++\n",
        )
        .unwrap();
        let folder = std::ffi::OsStr::from_bytes(b"mappe\xfe");
        std::fs::create_dir(content.join(folder)).unwrap();
    });
    run.assert_stderr_contains("content/bad\u{FFFD}.md");
    run.assert_stderr_contains("content/mappe\u{FFFD}");
    run.assert_stderr_contains("UTF-8");
    run.assert_help();
    assert!(
        help(&run).contains("rename"),
        "the help should say to rename\n{}",
        run.stderr
    );
}

#[test]
fn links_in_content_that_point_at_each_other_do_not_hang_the_build() {
    let site = built_site();
    let before = site.snapshot_public();
    settle();
    let content = site.root().join("content");
    symlink("b.md", content.join("a.md")).unwrap();
    symlink("a.md", content.join("b.md")).unwrap();
    let run = build(&site, &[]);
    // Ignoring the links or refusing them are both fine; hanging or panicking is not.
    if run.success {
        run.assert_no_panic();
    } else {
        run.assert_failure();
        run.assert_stderr_contains("content/a.md");
        run.assert_stderr_contains("content/b.md");
        run.assert_help();
        before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    }
}

#[test]
fn links_in_content_to_its_own_folder_and_the_site_folder_are_not_followed() {
    let site = built_site();
    let content = site.root().join("content");
    symlink("..", content.join("loop")).unwrap();
    symlink(".", content.join("self")).unwrap();
    let (run, elapsed) = build_within(&site, &[], LIMIT);
    if run.success {
        // Followed, the links would publish every article many times over.
        assert!(
            !site.has_public("loop") && !site.has_public("self"),
            "the linked folders were followed"
        );
    } else {
        run.assert_failure();
        run.assert_stderr_contains("content/loop");
        run.assert_help();
    }
    eprintln!("content/loop -> ..: {elapsed:?}");
}

#[test]
fn a_link_in_content_to_something_outside_the_site_is_refused() {
    let (_site, run) = break_site(|site| {
        let secret = site.outside().join("hemmelig.md");
        std::fs::write(
            &secret,
            "+++\ntitle = \"HEMMELIG\"\ndate = 2022-01-06\n+++\nHemmelig tekst.\n",
        )
        .unwrap();
        let folder = site.outside().join("ute");
        std::fs::create_dir(&folder).unwrap();
        std::fs::copy(&secret, folder.join("annen.md")).unwrap();
        symlink(&secret, site.root().join("content/lenke.md")).unwrap();
        symlink(&folder, site.root().join("content/mappe")).unwrap();
    });
    run.assert_stderr_contains("content/lenke.md");
    run.assert_stderr_contains("content/mappe");
    run.assert_stderr_contains("outside");
    run.assert_help();
    assert!(
        !run.stderr.contains("Hemmelig tekst"),
        "the error should not show what the link points at\n{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------
// Templates.

#[test]
fn templates_that_include_each_other_in_a_loop_are_named() {
    let (_site, run) = break_site(|site| {
        site.write(
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{% include \"partials/x.html\" %}\n{% endblock main %}\n",
        );
        site.write(
            "templates/partials/x.html",
            "<div>\n{% include \"article.html\" %}\n</div>\n",
        );
    });
    run.assert_stderr_contains("templates/article.html");
    run.assert_stderr_contains("partials/x.html");
    run.assert_help();
}

#[test]
fn templates_that_extend_each_other_in_a_loop_name_the_sites_templates() {
    let (_site, run) = break_site(|site| {
        site.write("templates/article.html", "{% extends \"base.html\" %}\n");
        site.write("templates/base.html", "{% extends \"article.html\" %}\n");
    });
    run.assert_help();
    let located = run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("--> "))
        .any(|l| l.contains("templates/base.html") || l.contains("templates/article.html"));
    assert!(
        located,
        "the error should point at templates/base.html or templates/article.html, \
         the files in the loop, not at a template of the default theme\n--- stderr\n{}",
        run.stderr
    );
}

#[test]
fn a_link_in_templates_to_the_site_folder_is_not_followed() {
    // Followed, `templates/loop -> ..` makes every .html file of the site, the
    // published pages in public/ included, a template, up to 40 levels deep.
    let site = fixture::site().with("static/gammel.html", "<p>Mal: {{ ikke en mal </p>\n");
    build(&site, &[]).assert_success();
    let before = site.snapshot_public();
    settle();
    std::fs::create_dir_all(site.root().join("templates")).unwrap();
    symlink("..", site.root().join("templates/loop")).unwrap();
    let (run, elapsed) = build_within(&site, &[], LIMIT);
    eprintln!("templates/loop -> ..: {elapsed:?}");
    if run.success {
        return;
    }
    run.assert_failure();
    before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    assert!(
        !run.stderr.contains("templates/loop/"),
        "the link templates/loop was followed: files of the site were read as templates\n\
         --- stderr\n{}",
        run.stderr
    );
    run.assert_stderr_contains("templates/loop");
    run.assert_help();
}

#[test]
fn a_template_linked_to_a_file_outside_the_site_is_refused() {
    // SECURITY.md: forklar reads nothing outside the site's folder.
    let site = built_site();
    let secret = site.outside().join("hemmelig.html");
    std::fs::write(&secret, "<p>HEMMELIG-UTENFOR</p>\n").unwrap();
    let before = site.snapshot_public();
    settle();
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% include \"hemmelig.html\" %}\n{% endblock main %}\n",
    );
    symlink(&secret, site.root().join("templates/hemmelig.html")).unwrap();
    let run = build(&site, &[]);
    let leaked = site.public(KASAKHSTAN_PAGE).contains("HEMMELIG-UTENFOR");
    assert!(
        !leaked,
        "a file outside the site was published through a link in templates/"
    );
    run.assert_failure();
    run.assert_stderr_contains("templates/hemmelig.html");
    run.assert_help();
    before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
}

// ---------------------------------------------------------------------------------
// site.toml.

#[test]
fn a_site_toml_that_is_not_utf8_points_at_the_bad_byte() {
    let (_site, run) = break_site(|site| {
        site.write(
            "site.toml",
            b"title = \"Forklart\"\ndescription = \"Bl\xe5b\xe6r\"\n".as_slice(),
        );
    });
    run.assert_stderr_contains("site.toml");
    run.assert_stderr_contains("UTF-8");
    run.assert_help();
    // Content files get line and column of the first bad byte; site.toml should too.
    assert!(
        run.stderr.contains("site.toml:2:18"),
        "the error should point at site.toml:2:18, the first byte that is not UTF-8\n\
         --- stderr\n{}",
        run.stderr
    );
}

#[test]
fn a_site_toml_that_is_a_folder_is_refused_with_help() {
    let (_site, run) = break_site(|site| {
        site.remove("site.toml");
        std::fs::create_dir(site.root().join("site.toml")).unwrap();
    });
    run.assert_stderr_contains("site.toml");
    run.assert_help();
}

// ---------------------------------------------------------------------------------
// Output folders that cannot be written.

#[test]
fn an_output_path_that_is_a_file_is_refused_and_the_file_is_untouched() {
    let site = fixture::site();
    let file = site.outside().join("somefile");
    std::fs::write(&file, "ikke en mappe\n").unwrap();
    let before = Snapshot::of(site.outside());
    settle();
    let root = site.root().to_str().unwrap();
    let (run, _) = forklar_within(
        site.outside(),
        &["build", "--root", root, "--output", "somefile"],
        LIMIT,
    );
    run.assert_failure();
    run.assert_stderr_contains("somefile");
    run.assert_help();
    before.assert_unchanged(&Snapshot::of(site.outside()), "the folder around the site");
}

/// How a folder was made read-only, to undo it on drop.
enum ReadOnlyBy {
    Mode,
    Immutable,
    BindMount,
}

/// A folder made read-only for the length of a test, even for root.
struct ReadOnly {
    dir: PathBuf,
    by: ReadOnlyBy,
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        match self.by {
            ReadOnlyBy::Mode => {}
            ReadOnlyBy::Immutable => {
                quiet(Command::new("chattr").arg("-i").arg(&self.dir));
            }
            ReadOnlyBy::BindMount => {
                quiet(Command::new("umount").arg(&self.dir));
            }
        }
        let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
    }
}

/// Runs a helper command without output; whether it succeeded.
fn quiet(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn can_create_in(dir: &Path) -> bool {
    let probe = dir.join(".hostile-probe");
    let created = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    created
}

/// Makes `dir` read-only: `chmod 0555` for a normal user; for root, who ignores
/// permission bits, `chattr +i` or a read-only bind mount. `None` when nothing works
/// here.
fn make_read_only(dir: &Path) -> Option<ReadOnly> {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).ok()?;
    let guard = |by| ReadOnly {
        dir: dir.to_path_buf(),
        by,
    };
    if !can_create_in(dir) {
        eprintln!("read-only by chmod 0555: {}", dir.display());
        return Some(guard(ReadOnlyBy::Mode));
    }
    if quiet(Command::new("chattr").arg("+i").arg(dir)) {
        if !can_create_in(dir) {
            eprintln!(
                "read-only by chattr +i (root ignores chmod): {}",
                dir.display()
            );
            return Some(guard(ReadOnlyBy::Immutable));
        }
        quiet(Command::new("chattr").arg("-i").arg(dir));
    }
    if quiet(Command::new("mount").arg("--bind").arg(dir).arg(dir)) {
        let read_only = guard(ReadOnlyBy::BindMount);
        if quiet(
            Command::new("mount")
                .args(["-o", "remount,ro,bind"])
                .arg(dir),
        ) && !can_create_in(dir)
        {
            eprintln!("read-only by a read-only bind mount: {}", dir.display());
            return Some(read_only);
        }
        return None;
    }
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    None
}

#[test]
fn a_read_only_output_folder_fails_the_build_and_is_left_as_it_was() {
    let site = built_site();
    let public = site.public_dir();
    let Some(_read_only) = make_read_only(&public) else {
        eprintln!("SKIPPED: cannot make a folder read-only here (chmod, chattr, mount)");
        return;
    };
    let before = site.snapshot_public();
    settle();
    site.write(
        "content/ny.md",
        "+++\ntitle = \"Ny sak\"\ndate = 2022-01-08\n+++\nNy.\n",
    );
    let run = build(&site, &[]);
    run.assert_failure();
    run.assert_stderr_contains("public");
    run.assert_help();
    before.assert_unchanged(&site.snapshot_public(), "a read-only public/");
}

#[test]
fn a_read_only_folder_inside_the_output_leaves_the_whole_output_as_it_was() {
    // The staged files are moved into place one by one; when one move fails, the
    // ones moved before it must not stay, or the site is half old and half new.
    let site = built_site();
    let page_dir = site.public_dir().join(KASAKHSTAN_PAGE);
    let page_dir = page_dir.parent().unwrap();
    let Some(_read_only) = make_read_only(page_dir) else {
        eprintln!("SKIPPED: cannot make a folder read-only here (chmod, chattr, mount)");
        return;
    };
    let before = site.snapshot_public();
    settle();
    // A new site title changes every page, so many files are staged and moved.
    site.write(
        "site.toml",
        SITE_TOML.replace("Forklart", "Forklart på nytt"),
    );
    let text = site
        .source(KASAKHSTAN_FILE)
        .replace("Ingen vet.", "Ingen vet ennå.");
    site.write(KASAKHSTAN_FILE, text);
    let run = build(&site, &[]);
    run.assert_failure();
    let differences = before.differences(&site.snapshot_public());
    assert!(
        differences.is_empty(),
        "public/ changed after a build that could not write public/kasakhstan/ \
         (and forklar says: {:?}):\n  {}\n--- stderr\n{}",
        run.stderr.lines().last().unwrap_or(""),
        differences.join("\n  "),
        run.stderr
    );
    assert_no_staging(&site.public_dir());
    run.assert_stderr_contains("kasakhstan");
    run.assert_help();
}

/// A tmpfs mounted for the length of a test.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        if !quiet(Command::new("umount").arg(&self.0)) {
            quiet(Command::new("umount").arg("-l").arg(&self.0));
        }
    }
}

/// An article of about `bytes` bytes of ordinary text.
fn big_article(title: &str, bytes: usize) -> String {
    let paragraph = "Dette er en helt vanlig setning med **uthevet** tekst og en \
                     [lenke](https://example.org/). Den gjentas for å fylle siden. \n\n";
    let mut text = format!("+++\ntitle = \"{title}\"\ndate = 2022-01-08\n+++\n\n## Start\n\n");
    while text.len() < bytes {
        text.push_str(paragraph);
    }
    text
}

#[test]
fn a_full_disk_fails_the_build_with_a_message_about_space_and_keeps_the_old_site() {
    // Without the search index, so that the first build fits in the 200 KB.
    let site = fixture::site_with_config(&format!("{}search = false\n", fixture::SITE_TOML));
    let public = site.public_dir();
    std::fs::create_dir(&public).unwrap();
    let mounted = quiet(
        Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=200k", "tmpfs"])
            .arg(&public),
    );
    let _mount = mounted.then(|| Mounted(public.clone()));
    build(&site, &[]).assert_success();
    let before = site.snapshot_public();
    settle();
    // Its page and the feed are each bigger than the space left (or the file limit).
    site.write("content/stor.md", big_article("Stor sak", 600 * 1024));
    let run = if mounted {
        eprintln!("disk full: a 200k tmpfs as public/");
        build(&site, &[])
    } else {
        // No mount here: a file-size limit makes writes fail with EFBIG instead.
        eprintln!("disk full: mount not permitted, simulated with ulimit -f");
        let args = build_args(&site, &[]);
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 200; exec \"$0\" \"$@\"")
            .arg(BIN)
            .args(&args)
            .current_dir(site.root());
        run_command(command, args.iter().map(|a| a.to_string()).collect(), LIMIT).0
    };
    run.assert_failure();
    let stderr = run.stderr.to_lowercase();
    assert!(
        stderr.contains("space") || stderr.contains("too large"),
        "the error should say the disk is full\n--- stderr\n{}",
        run.stderr
    );
    run.assert_help();
    before.assert_unchanged(
        &site.snapshot_public(),
        "public/ after running out of space",
    );
    assert_no_staging(&public);
    // Once there is room again, the build goes through.
    site.remove("content/stor.md");
    build(&site, &[]).assert_success();
}

// ---------------------------------------------------------------------------------
// Pathological Markdown: the build must end in bounded time, with the page or with
// an error that says a limit was hit.

/// Adds `articles` to the built fixture site and builds within `limit`. On success
/// `page` must be published; a failure must say which limit was hit.
fn build_pathological(
    what: &str,
    articles: &[(&str, String)],
    page: &str,
    limit: Duration,
) -> Option<TestSite> {
    let site = built_site();
    let before = site.snapshot_public();
    for (path, text) in articles {
        site.write(path, text);
    }
    let (run, elapsed) = build_within(&site, &[], limit);
    eprintln!("{what}: {elapsed:.2?} (debug build)");
    if run.success {
        assert!(site.has_public(page), "{what}: public/{page} is missing");
        return Some(site);
    }
    run.assert_failure();
    let stderr = run.stderr.to_lowercase();
    assert!(
        stderr.contains("limit") || stderr.contains("too "),
        "{what}: the build failed without saying which limit was hit\n--- stderr\n{}",
        run.stderr
    );
    run.assert_help();
    before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    None
}

fn article(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2022-01-08\n+++\n\n{body}")
}

#[test]
fn a_hundred_thousand_nested_blockquotes_build_in_bounded_time() {
    let body = format!("{} dypt\n", ">".repeat(100_000));
    build_pathological(
        "100,000 nested blockquotes",
        &[("content/sitat.md", article("Sitat", &body))],
        "sitat/index.html",
        LIMIT,
    );
}

#[test]
fn a_hundred_thousand_nested_list_items_build_in_bounded_time() {
    // 100,000 items each indented deeper than the last would be 10 GB of spaces;
    // `- - - …` on one line nests as deep in 200 kB. The indented form runs to 3,000
    // levels (9 MB).
    let nested = format!("{}dypt\n", "- ".repeat(100_000));
    let indented: String = (0..3_000)
        .map(|i| format!("{}- punkt {i}\n", " ".repeat(2 * i)))
        .collect();
    build_pathological(
        "100,000 nested list items",
        &[
            ("content/liste.md", article("Liste", &nested)),
            ("content/trapp.md", article("Trapp", &indented)),
        ],
        "liste/index.html",
        LIMIT,
    );
}

#[test]
fn a_fifty_megabyte_article_builds_in_bounded_time() {
    build_pathological(
        "a 50 MB article",
        &[("content/stor.md", big_article("Stor", 50 * 1024 * 1024))],
        "stor/index.html",
        Duration::from_secs(180),
    );
}

#[test]
fn a_single_line_of_ten_megabytes_builds_in_bounded_time() {
    let body = format!("{}\n", "ord ".repeat(10 * 1024 * 1024 / 4));
    build_pathological(
        "one 10 MB line",
        &[("content/linje.md", article("Linje", &body))],
        "linje/index.html",
        LIMIT,
    );
}

#[test]
fn five_thousand_footnotes_build_in_bounded_time() {
    let mut body: String = (0..5_000).map(|i| format!("Setning[^f{i}].\n")).collect();
    body.push('\n');
    body.extend((0..5_000).map(|i| format!("[^f{i}]: Kilde {i}.\n")));
    let site = build_pathological(
        "5,000 footnotes",
        &[("content/fotnoter.md", article("Fotnoter", &body))],
        "fotnoter/index.html",
        LIMIT,
    );
    if let Some(site) = site {
        let html = site.public("fotnoter/index.html");
        assert_contains(&html, "id=\"fn-5000\"", "public/fotnoter/index.html");
    }
}

#[test]
fn a_hundred_thousand_emphasis_openers_build_in_bounded_time() {
    let body = format!(
        "{}\n\n{}\n",
        "*a ".repeat(100_000),
        "*a **a ".repeat(50_000)
    );
    build_pathological(
        "100,000 `*` openers",
        &[("content/stjerner.md", article("Stjerner", &body))],
        "stjerner/index.html",
        LIMIT,
    );
}

#[test]
fn a_table_with_ten_thousand_columns_builds_in_bounded_time() {
    let row = |cell: &dyn Fn(usize) -> String| {
        let cells: Vec<String> = (0..10_000).map(cell).collect();
        format!("|{}|\n", cells.join("|"))
    };
    let body = format!(
        "{}{}{}",
        row(&|i| format!("k{i}")),
        row(&|_| "-".to_string()),
        row(&|i| i.to_string())
    );
    build_pathological(
        "a table of 10,000 columns",
        &[("content/tabell.md", article("Tabell", &body))],
        "tabell/index.html",
        LIMIT,
    );
}

#[test]
fn twenty_thousand_headings_with_the_same_text_build_in_bounded_time() {
    // Each repeated heading gets the next free id (`samme`, `samme-2`, …); finding it
    // by counting up from 2 every time is quadratic: 20,000 headings take 46 s in a
    // release build.
    let body = "# Samme\n\n".repeat(20_000);
    build_pathological(
        "20,000 headings with the same text",
        &[("content/overskrifter.md", article("Overskrifter", &body))],
        "overskrifter/index.html",
        LIMIT,
    );
}

// ---------------------------------------------------------------------------------
// HTML in article bodies.

const RAW_HTML_BODY: &str = "<div class=\"grafikk\" data-kilde=\"ssb\">\n<iframe src=\"https://example.org/kart\" title=\"Kart\"></iframe>\n</div>\n\nTekst med <span class=\"merk\">markering</span>.\n";

#[test]
fn raw_html_in_the_body_is_kept_by_default_and_shown_as_text_when_escaped() {
    let site =
        TestSite::new(SITE_TOML).with("content/grafikk.md", article("Grafikk", RAW_HTML_BODY));
    build(&site, &[]).assert_success();
    let page = "public/grafikk/index.html";
    let html = site.public("grafikk/index.html");
    assert_contains(&html, "<div class=\"grafikk\" data-kilde=\"ssb\">", page);
    assert_contains(&html, "<iframe src=\"https://example.org/kart\"", page);
    assert_contains(&html, "<span class=\"merk\">markering</span>", page);

    let site = TestSite::new(&format!("{SITE_TOML}\n[markdown]\nescape_html = true\n"))
        .with("content/grafikk.md", article("Grafikk", RAW_HTML_BODY));
    build(&site, &[]).assert_success();
    let html = site.public("grafikk/index.html");
    for tag in ["<div class=\"grafikk\"", "<iframe", "<span class=\"merk\""] {
        crate::common::assert_lacks(&html, tag, page);
    }
    assert_contains(&html, "&lt;iframe src=", page);
    assert_contains(&html, "&lt;span class=\"merk\"&gt;markering", page);
}

const SCRIPT_LINKS: &str = "[x](javascript:alert(1))\n\n![b](javascript:alert(2))\n\n<javascript:alert(3)>\n\n[y][r]\n\n[r]: JaVaScRiPt:alert(4)\n";

#[test]
fn a_javascript_link_in_the_body_is_published_as_written_or_refused_by_default() {
    // Writers are trusted with raw HTML, so a script link is no new power; this
    // records what forklar does with one.
    let site = TestSite::new(SITE_TOML).with("content/lenke.md", article("Lenke", SCRIPT_LINKS));
    let run = build(&site, &[]);
    if run.success {
        let html = site.public("lenke/index.html");
        let page = "public/lenke/index.html";
        assert_contains(&html, "href=\"javascript:alert(1)\"", page);
        assert_contains(&html, "src=\"javascript:alert(2)\"", page);
    } else {
        run.assert_failure();
        run.assert_points_at(&site, "content/lenke.md", Some(6));
        run.assert_stderr_contains("javascript:");
        run.assert_help();
    }
}

#[test]
fn a_javascript_link_in_the_body_is_not_published_when_html_is_escaped() {
    // `escape_html = true` is for writers who must not add scripts; a `javascript:`
    // link in Markdown syntax is a script all the same.
    let site = TestSite::new(&format!("{SITE_TOML}\n[markdown]\nescape_html = true\n"))
        .with("content/lenke.md", article("Lenke", SCRIPT_LINKS));
    let run = build(&site, &[]);
    if run.success {
        for file in ["lenke/index.html", "atom.xml"] {
            let text = site.public(file);
            let scripts: Vec<&str> = text
                .lines()
                .filter(|line| {
                    let line = line.to_lowercase();
                    ["href=\"javascript:", "src=\"javascript:"]
                        .iter()
                        .any(|a| line.contains(a) || line.contains(&a.replace('"', "&quot;")))
                })
                .collect();
            assert!(
                scripts.is_empty(),
                "public/{file} links to `javascript:` although site.toml says \
                 escape_html = true:\n{}",
                scripts.join("\n")
            );
        }
    } else {
        run.assert_failure();
        run.assert_points_at(&site, "content/lenke.md", Some(6));
        run.assert_stderr_contains("javascript:");
        run.assert_help();
    }
}
