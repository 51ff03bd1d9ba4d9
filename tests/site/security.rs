//! The output folder as an attacker or an accident leaves it: a tampered
//! `.forklar-manifest`, symbolic links inside `public/`, files forklar did not
//! write where it publishes, two builds at once, and builds killed with SIGKILL
//! while they replace the site. Every case runs the real binary.

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{BIN, Run, Snapshot, TestSite, settle};
use crate::fixture;

const MANIFEST: &str = ".forklar-manifest";

fn built() -> TestSite {
    let site = fixture::site();
    site.build_ok(&[]);
    site
}

/// Files and their bytes, nothing else: what a reader of the folder gets.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    Snapshot::of(dir)
        .entries
        .into_iter()
        .filter_map(|(path, entry)| match entry {
            crate::common::Entry::File { bytes, .. } => Some((path, bytes)),
            crate::common::Entry::Folder => None,
        })
        .collect()
}

fn assert_refused_manifest(run: &Run) {
    run.assert_failure();
    run.assert_stderr_contains(MANIFEST);
    run.assert_help();
    run.assert_stderr_contains("delete");
}

#[test]
fn manifest_entries_outside_the_output_folder_are_refused_and_nothing_is_deleted() {
    let site = built();
    let victim = site.outside().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    let manifest = site.public(MANIFEST);
    for entry in [
        victim.to_str().unwrap().to_string(),
        "../../victim.txt".to_string(),
        "../victim.txt".to_string(),
        "emne/../../../victim.txt".to_string(),
        "./index.html".to_string(),
        "a//b".to_string(),
    ] {
        std::fs::write(
            site.public_dir().join(MANIFEST),
            format!("{manifest}{entry}\n"),
        )
        .unwrap();
        let before = site.snapshot_public();
        settle();
        let run = site.build(&[]);
        assert_refused_manifest(&run);
        before.assert_unchanged(
            &site.snapshot_public(),
            &format!("public/ with entry {entry:?}"),
        );
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "keep me\n",
            "{entry}"
        );
        site.assert_no_leftovers();
    }
}

#[test]
fn a_manifest_entry_through_a_link_deletes_nothing_outside() {
    let site = built();
    let elsewhere = site.outside().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("victim.txt"), "keep me\n").unwrap();
    symlink(&elsewhere, site.public_dir().join("ut")).unwrap();
    let manifest = site.public(MANIFEST);
    std::fs::write(
        site.public_dir().join(MANIFEST),
        format!("{manifest}ut/victim.txt\n"),
    )
    .unwrap();
    site.build_ok(&[]);
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("victim.txt")).unwrap(),
        "keep me\n"
    );
    // The link is not forklar's: it stays as it was, a link.
    let link = site.public_dir().join("ut");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), elsewhere);
}

#[test]
fn a_manifest_forklar_did_not_write_is_refused_whole() {
    for text in [
        &b"\xff\xfe not text\n"[..],
        b"# forklar manifest 1\nindex.html\nindex.html\n",
        b"# forklar manifest 1\nindex.html\n\n404.html\n",
        b"index.html\r\n404.html\r\n",
        b"# forklar manifest 1\n.forklar-lock\n",
    ] {
        let site = built();
        std::fs::write(site.public_dir().join(MANIFEST), text).unwrap();
        let before = site.snapshot_public();
        settle();
        let run = site.build(&[]);
        assert_refused_manifest(&run);
        before.assert_unchanged(&site.snapshot_public(), "public/ with a foreign manifest");
    }
}

#[test]
fn a_link_inside_the_output_folder_is_never_written_through() {
    let site = built();
    let elsewhere = site.outside().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("mine.txt"), "mine\n").unwrap();
    let target_file = site.outside().join("passwd");
    std::fs::write(&target_file, "root:x:0:0\n").unwrap();
    // A folder forklar writes into, and a file it writes, each a link.
    let emne = site.public_dir().join("emne");
    std::fs::remove_dir_all(&emne).unwrap();
    symlink(&elsewhere, &emne).unwrap();
    std::fs::remove_file(site.public_dir().join("robots.txt")).unwrap();
    symlink(&target_file, site.public_dir().join("robots.txt")).unwrap();
    let outside_before = Snapshot::of(&elsewhere);
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("emne is a symbolic link");
    run.assert_stderr_contains("robots.txt is a symbolic link");
    run.assert_help();
    outside_before.assert_unchanged(&Snapshot::of(&elsewhere), "the folder the link points to");
    assert_eq!(
        std::fs::read_to_string(&target_file).unwrap(),
        "root:x:0:0\n"
    );
    // Deleting the links is what the message says to do; then the build works.
    std::fs::remove_file(&emne).unwrap();
    std::fs::remove_file(site.public_dir().join("robots.txt")).unwrap();
    site.build_ok(&[]);
    assert!(site.public_dir().join("emne").is_dir());
}

#[test]
fn a_hand_written_file_where_forklar_publishes_is_not_overwritten() {
    let site = built();
    // robots.txt written by hand and taken off forklar's list.
    let manifest = site.public(MANIFEST);
    let without: String = manifest
        .lines()
        .filter(|l| *l != "robots.txt")
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(site.public_dir().join(MANIFEST), without).unwrap();
    std::fs::write(
        site.public_dir().join("robots.txt"),
        "User-agent: *\nDisallow: /\n",
    )
    .unwrap();
    let before = site.snapshot_public();
    settle();
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("robots.txt was not written by forklar");
    run.assert_stderr_contains("static/robots.txt");
    before.assert_unchanged(
        &site.snapshot_public(),
        "public/ with a hand-written robots.txt",
    );
    site.assert_no_leftovers();
}

#[test]
fn an_output_folder_without_a_manifest_keeps_its_files() {
    let site = fixture::site();
    let public = site.public_dir();
    std::fs::create_dir(&public).unwrap();
    std::fs::write(public.join("index.html"), "<p>an older site</p>\n").unwrap();
    std::fs::write(public.join("CNAME"), "example.org\n").unwrap();
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("index.html was not written by forklar");
    // static/ cannot take the front page's place, so it is not offered.
    run.assert_stderr_contains("delete it, or move it out of the output folder");
    assert!(!run.stderr.contains("static/index.html"), "{}", run.stderr);
    assert_eq!(site.public("index.html"), "<p>an older site</p>\n");
    assert!(!public.join(MANIFEST).exists());
    // Without the foreign page the build goes through and keeps the other file.
    std::fs::remove_file(public.join("index.html")).unwrap();
    site.build_ok(&[]);
    assert_eq!(site.public("CNAME"), "example.org\n");
    assert!(!site.public(MANIFEST).contains("CNAME"));
    // A lost manifest: the files are forklar's bytes, so they are taken back.
    let before = site.snapshot_public();
    std::fs::remove_file(public.join(MANIFEST)).unwrap();
    settle();
    site.build_ok(&[]);
    let mut after = site.snapshot_public();
    after.entries.remove(MANIFEST);
    let mut before = before;
    before.entries.remove(MANIFEST);
    before.assert_unchanged(&after, "public/ rebuilt after losing its manifest");
}

#[test]
fn files_forklar_did_not_write_elsewhere_keep_their_inode() {
    let site = built();
    std::fs::write(site.public_dir().join("CNAME"), "example.org\n").unwrap();
    std::fs::create_dir(site.public_dir().join(".well-known")).unwrap();
    std::fs::write(site.public_dir().join(".well-known/security.txt"), "x\n").unwrap();
    let before = site.snapshot_public();
    settle();
    site.write(
        "site.toml",
        fixture::SITE_TOML.replace("Forklart", "Forklart igjen"),
    );
    site.build_ok(&[]);
    let after = site.snapshot_public();
    for path in ["CNAME", ".well-known/security.txt"] {
        assert_eq!(before.entries.get(path), after.entries.get(path), "{path}");
    }
    site.assert_no_leftovers();
}

#[test]
fn the_next_build_removes_what_a_killed_build_left() {
    let site = built();
    let shadow = site.root().join(".public.forklar-swap-Ab12Cd");
    std::fs::create_dir_all(shadow.join("emne")).unwrap();
    std::fs::write(shadow.join("emne/index.html"), "half\n").unwrap();
    std::fs::create_dir_all(site.public_dir().join(".forklar-staging/x")).unwrap();
    let before = contents(&site.public_dir());
    site.build_ok(&[]);
    site.assert_no_leftovers();
    let mut after = contents(&site.public_dir());
    after.retain(|p, _| !p.starts_with(".forklar-staging"));
    let mut before = before;
    before.retain(|p, _| !p.starts_with(".forklar-staging"));
    assert_eq!(before, after);
}

// ---------------------------------------------------------------------------------
// Big sites: concurrent and killed builds.

/// A site of `n` short articles, each with its own page and a tag.
fn big_site(n: usize) -> TestSite {
    let site =
        TestSite::new("title = \"Stor\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\n");
    for i in 0..n {
        site.write(
            &format!("content/sak-{i}.md"),
            format!(
                "+++\ntitle = \"Sak nummer {i}\"\ndate = 2022-01-{:02}\ntags = [\"emne{}\"]\n+++\n\nTekst om sak {i}.\n",
                i % 28 + 1,
                i % 40
            ),
        );
    }
    site
}

fn build_command(site: &TestSite) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["build", "-q", "--root"])
        .arg(site.root())
        .current_dir(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

#[test]
fn a_second_build_into_the_same_folder_waits_for_the_first_and_names_it() {
    let site = big_site(2000);
    site.build_ok(&[]);
    site.write(
        "site.toml",
        "title = \"Stor 2\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\n",
    );
    let first = build_command(&site).spawn().unwrap();
    let first_pid = first.id();
    // The first build holds the lock once its shadow folder exists.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("forklar-swap"))
    {
        assert!(
            Instant::now() < deadline,
            "the first build never started writing"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = build_command(&site).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{stderr}");
    assert!(
        stderr.contains("waiting") && stderr.contains(&format!("process {first_pid}")),
        "the second build should say it waits for the first, by pid:\n{stderr}"
    );
    site.assert_no_leftovers();
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    let site = big_site(3000);
    let title = |t: &str| {
        format!("title = \"{t}\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\n")
    };
    // The two complete sites the folder may hold.
    site.write("site.toml", title("Gammel"));
    site.build_ok(&["--output", "../new"]);
    let old = contents(&site.outside().join("new"));
    site.write("site.toml", title("Ny"));
    let started = Instant::now();
    site.build_ok(&["--output", "../new"]);
    let full = started.elapsed();
    let new = contents(&site.outside().join("new"));
    assert_ne!(old, new);
    site.write("site.toml", title("Gammel"));
    site.build_ok(&[]);
    let mut holds_old = true;
    // Deterministic "random" moments spread over the build, most near its end,
    // where it replaces the site.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut hits = [0usize; 2];
    for round in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let fraction = 0.4 + (seed % 1000) as f64 / 1000.0 * 0.8;
        site.write("site.toml", title(if holds_old { "Ny" } else { "Gammel" }));
        let mut child = build_command(&site).spawn().unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        let _ = child.kill();
        let _ = child.wait();
        let now = contents(&site.public_dir());
        let is_old = now == old;
        let is_new = now == new;
        assert!(
            is_old || is_new,
            "round {round}: after SIGKILL at {:.0} % of a build, public/ is neither the old site nor the new one ({} files; old {}, new {})",
            fraction * 100.0,
            now.len(),
            old.len(),
            new.len()
        );
        holds_old = is_old;
        hits[usize::from(is_new)] += 1;
    }
    eprintln!(
        "killed builds left the old site {} times and the new one {} times",
        hits[0], hits[1]
    );
    // The next build goes through and removes what the killed ones left.
    site.write("site.toml", title("Ny"));
    site.build_ok(&[]);
    assert_eq!(contents(&site.public_dir()), new);
    site.assert_no_leftovers();
}
