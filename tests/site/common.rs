//! The harness: a site in a temporary folder, the real `forklar` binary run on it,
//! and snapshots of folders for byte-for-byte comparisons.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// The binary under test, built by Cargo for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_forklar");

/// A site in its own temporary folder: `<tmp>/site/` is the site root, and `<tmp>/`
/// is "outside" the site, for output folders and relative paths.
pub struct TestSite {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl TestSite {
    /// An empty site folder with the given `site.toml`.
    pub fn new(site_toml: &str) -> TestSite {
        let tmp = tempfile::Builder::new()
            .prefix("forklar-test-")
            .tempdir()
            .expect("create a temporary folder");
        let root = tmp.path().join("site");
        std::fs::create_dir(&root).expect("create the site folder");
        let site = TestSite { tmp, root };
        site.write("site.toml", site_toml);
        site
    }

    /// Builder form of [`TestSite::write`].
    pub fn with(self, path: &str, contents: impl AsRef<[u8]>) -> TestSite {
        self.write(path, contents);
        self
    }

    /// Writes a file below the site root, creating folders as needed.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let path = self.root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, contents)
            .unwrap_or_else(|err| panic!("write {}: {err}", path.display()));
    }

    /// Removes a file or folder below the site root.
    pub fn remove(&self, path: &str) {
        let path = self.root.join(path);
        if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        }
        .unwrap_or_else(|err| panic!("remove {}: {err}", path.display()));
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder holding the site's folder; nothing of the site is in it.
    pub fn outside(&self) -> &Path {
        self.tmp.path()
    }

    /// The default output folder, `public/` in the site.
    pub fn public_dir(&self) -> PathBuf {
        self.root.join("public")
    }

    /// `forklar build --root <site> <args>`, run from the site's folder.
    pub fn build(&self, args: &[&str]) -> Run {
        let mut all = vec!["build", "--root"];
        let root = self.root.to_str().expect("a UTF-8 temporary path");
        all.push(root);
        all.extend_from_slice(args);
        run_forklar(&self.root, &all)
    }

    /// Builds and fails the test with forklar's own messages if the build failed.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let run = self.build(args);
        run.assert_success();
        run
    }

    /// `forklar <args>` run from `cwd`, for tests of relative paths.
    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> Run {
        run_forklar(cwd, args)
    }

    /// The text of a published file, `public/<path>`.
    pub fn public(&self, path: &str) -> String {
        read_text(&self.public_dir().join(path))
    }

    /// Whether `public/<path>` exists.
    pub fn has_public(&self, path: &str) -> bool {
        self.public_dir().join(path).exists()
    }

    /// The text of a file in the site (a source file).
    pub fn source(&self, path: &str) -> String {
        read_text(&self.root.join(path))
    }

    /// Asserts that nothing a build leaves only while it runs is in or
    /// beside `public/`.
    pub fn assert_no_leftovers(&self) {
        assert!(
            !self.public_dir().join(".forklar-staging").exists(),
            ".forklar-staging was left in public/"
        );
        let beside: Vec<String> = std::fs::read_dir(&self.root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("forklar-swap"))
            .collect();
        assert!(beside.is_empty(), "left beside public/: {beside:?}");
    }

    /// A snapshot of `public/`.
    pub fn snapshot_public(&self) -> Snapshot {
        Snapshot::of(&self.public_dir())
    }

    /// A snapshot of everything in the site except `public/`.
    /// The site's own files: not the output, nor forklar's cache of what it
    /// made before (`.forklar-cache/`, safe to delete at any time).
    pub fn snapshot_sources(&self) -> Snapshot {
        let mut snapshot = Snapshot::of(&self.root);
        snapshot.entries.retain(|path, _| {
            !["public", ".forklar-cache"]
                .iter()
                .any(|dir| path == dir || path.starts_with(&format!("{dir}/")))
        });
        snapshot
    }
}

pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

/// `forklar <args>` run from `cwd`.
pub fn run_forklar(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        // A CI host's deploy-preview signals would make every build a preview.
        .env_remove("CONTEXT")
        .env_remove("CF_PAGES_BRANCH")
        .env_remove("GITHUB_EVENT_NAME")
        .output()
        .expect("run the forklar binary");
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_success(&self) {
        assert!(
            self.success,
            "forklar {:?} failed (exit code {:?})\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self.assert_no_panic();
    }

    /// A failed run: a non-zero exit code (not a crash by signal) and no panic.
    pub fn assert_failure(&self) {
        assert!(
            !self.success,
            "forklar {:?} succeeded but should have failed\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.stdout, self.stderr
        );
        assert!(
            self.code.is_some_and(|c| c != 0),
            "forklar {:?} was killed (exit code {:?})\n{}",
            self.args,
            self.code,
            self.stderr
        );
        self.assert_no_panic();
    }

    pub fn assert_no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "forklar {:?} panicked:\n{}",
            self.args,
            self.stderr
        );
    }

    pub fn assert_stderr_contains(&self, needle: &str) {
        assert!(
            self.stderr.contains(needle),
            "stderr should contain {needle:?}\n--- stderr\n{}",
            self.stderr
        );
    }

    /// The error has a `help:` line.
    pub fn assert_help(&self) {
        assert!(
            self.stderr.lines().any(|l| l.contains("help: ")),
            "the error should say what to do (a `help:` line)\n--- stderr\n{}",
            self.stderr
        );
    }

    /// The error points into `file` (a path relative to the site root) in the rustc
    /// style: `--> file:line:col`, then the source line, then a `^` caret under the
    /// column. `line` is checked when given; the shown source line must be the real
    /// line of the file. Returns the line and column found.
    pub fn assert_points_at(
        &self,
        site: &TestSite,
        file: &str,
        line: Option<usize>,
    ) -> (usize, usize) {
        let lines: Vec<&str> = self.stderr.lines().collect();
        let fail = |why: &str| -> ! {
            panic!(
                "{why}\nexpected an error pointing at {file}{}\n--- stderr\n{}",
                line.map(|l| format!(":{l}")).unwrap_or_default(),
                self.stderr
            )
        };
        let mut found = None;
        for (i, text) in lines.iter().enumerate() {
            let Some((_, target)) = text.split_once("--> ") else {
                continue;
            };
            let mut parts = target.trim().rsplitn(3, ':');
            let (Some(col), Some(row), Some(path)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let (Ok(row), Ok(col)) = (row.parse::<usize>(), col.parse::<usize>()) else {
                continue;
            };
            let path = path.replace('\\', "/");
            let names_file = path == file || path.ends_with(&format!("/{file}"));
            if names_file && line.is_none_or(|l| l == row) {
                found = Some((i, row, col));
                break;
            }
        }
        let Some((arrow, row, col)) = found else {
            fail("no `--> file:line:col` location for the file");
        };
        let file_text = std::fs::read_to_string(site.root().join(file)).unwrap_or_default();
        let real_line = file_text
            .lines()
            .nth(row - 1)
            .unwrap_or("")
            .trim_end_matches('\r');
        let gutter = format!("{row} | ");
        let Some(source_at) = lines[arrow..]
            .iter()
            .position(|l| l.trim_start().starts_with(&gutter))
            .map(|p| p + arrow)
        else {
            fail(&format!(
                "the source line is not shown (no `{gutter}…` line)"
            ));
        };
        let shown = lines[source_at].trim_start()[gutter.len()..].to_string();
        // Control characters are shown escaped, never sent to the terminal.
        let real_line: String = real_line
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        assert_eq!(
            shown, real_line,
            "the error shows a different source line than line {row} of {file}\n--- stderr\n{}",
            self.stderr
        );
        let caret_line = lines.get(source_at + 1).copied().unwrap_or("");
        let Some((_, after_bar)) = caret_line.split_once("| ") else {
            fail("no caret line under the source line");
        };
        let pad = after_bar.chars().take_while(|c| *c == ' ' || *c == '\t');
        let pad = pad.count();
        assert!(
            after_bar[pad..].starts_with('^'),
            "no `^` caret under the source line\n--- stderr\n{}",
            self.stderr
        );
        assert_eq!(
            pad + 1,
            col,
            "the caret is not under column {col}\n--- stderr\n{}",
            self.stderr
        );
        (row, col)
    }
}

/// One entry of a folder snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Folder,
    File {
        bytes: Vec<u8>,
        modified: SystemTime,
        /// The inode: a file replaced by a new one (rename over it) gets a new one,
        /// however coarse the clock is.
        inode: u64,
    },
}

/// Every file and folder below a folder, by path relative to it (with `/`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub entries: BTreeMap<String, Entry>,
}

impl Snapshot {
    pub fn of(dir: &Path) -> Snapshot {
        let mut entries = BTreeMap::new();
        if dir.exists() {
            collect(dir, dir, &mut entries);
        }
        Snapshot { entries }
    }

    pub fn files(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|(_, e)| matches!(e, Entry::File { .. }))
            .map(|(p, _)| p.as_str())
            .collect()
    }

    pub fn bytes(&self, path: &str) -> Option<&[u8]> {
        match self.entries.get(path) {
            Some(Entry::File { bytes, .. }) => Some(bytes),
            _ => None,
        }
    }

    /// Describes what differs between `self` (before) and `after`: added, removed,
    /// changed content, and files rewritten with the same content.
    pub fn differences(&self, after: &Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        for (path, entry) in &self.entries {
            match (entry, after.entries.get(path)) {
                (_, None) => out.push(format!("removed: {path}")),
                (Entry::Folder, Some(Entry::Folder)) => {}
                (
                    Entry::File {
                        bytes,
                        modified,
                        inode,
                    },
                    Some(Entry::File {
                        bytes: b2,
                        modified: m2,
                        inode: i2,
                    }),
                ) => {
                    if bytes != b2 {
                        out.push(format!("changed bytes: {path}"));
                    } else if modified != m2 || inode != i2 {
                        out.push(format!(
                            "rewritten (same bytes, new mtime or inode): {path}"
                        ));
                    }
                }
                _ => out.push(format!("changed kind: {path}")),
            }
        }
        for path in after.entries.keys() {
            if !self.entries.contains_key(path) {
                out.push(format!("added: {path}"));
            }
        }
        out
    }

    /// Fails unless `after` has the same files, bytes, mtimes and inodes.
    pub fn assert_unchanged(&self, after: &Snapshot, what: &str) {
        let differences = self.differences(after);
        assert!(
            differences.is_empty(),
            "{what} changed:\n  {}",
            differences.join("\n  ")
        );
    }

    /// Fails unless `after` has the same files with the same bytes (times may differ).
    pub fn assert_same_bytes(&self, after: &Snapshot, what: &str) {
        let mut out = String::new();
        for path in self.files() {
            match after.bytes(path) {
                None => writeln!(out, "  only in the first: {path}").unwrap(),
                Some(b) if Some(b) != self.bytes(path) => {
                    writeln!(out, "  different bytes: {path}").unwrap();
                }
                Some(_) => {}
            }
        }
        for path in after.files() {
            if self.bytes(path).is_none() {
                writeln!(out, "  only in the second: {path}").unwrap();
            }
        }
        assert!(out.is_empty(), "{what} differ:\n{out}");
    }
}

fn collect(top: &Path, dir: &Path, entries: &mut BTreeMap<String, Entry>) {
    let mut children: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("read {}: {err}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .collect();
    children.sort();
    for path in children {
        let relative = path
            .strip_prefix(top)
            .expect("below the top")
            .to_string_lossy()
            .replace('\\', "/");
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        if meta.is_dir() {
            entries.insert(relative, Entry::Folder);
            collect(top, &path, entries);
        } else {
            entries.insert(
                relative,
                Entry::File {
                    bytes: std::fs::read(&path).expect("read a file"),
                    modified: meta.modified().expect("modification time"),
                    inode: inode(&meta),
                },
            );
        }
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}

/// Lets the file-system clock move on, so a rewritten file would get a new mtime.
pub fn settle() {
    std::thread::sleep(Duration::from_millis(25));
}

/// Text as Tera's HTML autoescape writes it.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The inner HTML of the first `<tag …>…</tag>` in `html`.
pub fn first_element<'a>(html: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(i) = html[from..].find(&open) {
        let start = from + i;
        let after = &html[start + open.len()..];
        // `<h1` must not match `<h10`, `<header` must not match `<head`.
        if after.starts_with([' ', '>', '\n', '\t']) {
            let inner_start = start + open.len() + after.find('>')? + 1;
            let close = format!("</{tag}>");
            let inner_end = inner_start + html[inner_start..].find(&close)?;
            return Some(&html[inner_start..inner_end]);
        }
        from = start + open.len();
    }
    None
}

/// Every value of `attr="…"` in `html`, in order.
pub fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        let value_start = i + needle.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        values.push(&rest[value_start..value_start + len]);
        rest = &rest[value_start + len..];
    }
    values
}

/// The position of `needle` in `html`, failing the test with the page if absent.
pub fn position(html: &str, needle: &str, page: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{page} should contain {needle:?}\n--- {page}\n{html}"))
}

pub fn assert_contains(html: &str, needle: &str, page: &str) {
    position(html, needle, page);
}

pub fn assert_lacks(html: &str, needle: &str, page: &str) {
    assert!(
        !html.contains(needle),
        "{page} should not contain {needle:?}\n--- {page}\n{html}"
    );
}
