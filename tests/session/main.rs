//! The property that [`Session`], the library behind `forklar serve`, is a
//! fresh build kept up to date: after any sequence of saves, its output folder
//! is byte for byte what `forklar::build::build` writes into an empty folder
//! from the same files (forklar's `.forklar-manifest` aside).
//!
//! The edits are those of the serve equivalence test (`tests/serve/`), from
//! the generator both share (`tests/shared/site_model.rs`), made here
//! in-process and without a watcher, so what differs is the session's own
//! bookkeeping and nothing of file events or timing: titles, dates, tags,
//! slugs, bodies with links, articles added, renamed and deleted, background
//! entries, shared and inline timelines, quotes, template overrides, static
//! files with `static/robots.txt`, and broken saves with their fixes.
//!
//! Environment:
//! - `FORKLAR_SESSION_SEED`: the seed (decimal or `0x` hex). Printed on failure.
//! - `FORKLAR_SESSION_STEPS`: how many steps (default 200).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use forklar::build::{BuildOptions, build};
use forklar::incremental::{RebuildReport, Session};

use site_model::{Edits, Gen, Model, env_u64, file_bytes, fixture, next_step, text};

mod entries;
mod lists;
mod moves;
mod sitemap;
mod spellings;
mod timelines;

#[path = "../shared/site_model.rs"]
mod site_model;

const DEFAULT_SEED: u64 = 0x00f0_4b1a_2022_0120;
const DEFAULT_STEPS: usize = 200;

// ---------------------------------------------------------------------------
// Seeds

fn base_seed() -> u64 {
    env_u64("FORKLAR_SESSION_SEED").unwrap_or(DEFAULT_SEED)
}

fn steps() -> usize {
    env_u64("FORKLAR_SESSION_STEPS").map_or(DEFAULT_STEPS, |n| n as usize)
}

// ---------------------------------------------------------------------------
// Saving, rebuilding in the session, building afresh and comparing

/// Every file under `dir`, by path from it with `/`, with its bytes; the
/// manifest that records what forklar wrote is bookkeeping, not the site.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, into: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{prefix}{name}");
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&entry.path(), &format!("{path}/"), into);
            } else if name != ".forklar-manifest" {
                into.insert(path, fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, "", &mut files);
    files
}

/// Where two texts part, with some of each around it.
fn first_difference(expected: &[u8], got: &[u8]) -> String {
    let at = expected.iter().zip(got).take_while(|(a, b)| a == b).count();
    let around = |b: &[u8]| {
        let from = at.saturating_sub(150);
        let to = (at + 250).min(b.len());
        String::from_utf8_lossy(&b[from.min(to)..to]).into_owned()
    };
    format!(
        "first difference at byte {at} (fresh build {} bytes, session {}):\n    fresh:   …{}…\n    session: …{}…",
        expected.len(),
        got.len(),
        around(expected),
        around(got)
    )
}

/// What differs between a fresh build and the session's folder, or `None`.
fn compare(
    fresh: &BTreeMap<String, Vec<u8>>,
    session: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let mut problems = Vec::new();
    for (path, bytes) in fresh {
        match session.get(path) {
            None => problems.push(format!("{path}: missing from the session's output")),
            Some(got) if got != bytes => {
                problems.push(format!("{path}: {}", first_difference(bytes, got)));
            }
            Some(_) => {}
        }
    }
    for path in session.keys().filter(|p| !fresh.contains_key(*p)) {
        problems.push(format!(
            "{path}: in the session's output, not in a fresh build"
        ));
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
}

/// A site on disk, a session over it, and the steps taken so far.
struct Runner {
    tmp: tempfile::TempDir,
    model: Model,
    session: Session,
    log: Vec<String>,
    seed: u64,
    /// How many steps were compared with a fresh build.
    compared: usize,
}

impl Runner {
    fn root(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    /// The page of the article `slug` as the session wrote it.
    fn page(&self, slug: &str) -> String {
        let path = self
            .tmp
            .path()
            .join("session-output")
            .join(slug)
            .join("index.html");
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn start(model: Model, seed: u64) -> Runner {
        let tmp = tempfile::Builder::new()
            .prefix("forklar-session-")
            .tempdir()
            .expect("a temporary folder");
        let root = tmp.path().join("site");
        for (path, text) in model.files() {
            write(&root, &path, &text);
        }
        let mut options = BuildOptions::new(&root);
        options.output = tmp.path().join("session-output");
        let mut session = Session::new(options);
        if let Err(problems) = session.rebuild_all("start") {
            panic!("the fixture does not build:\n{problems}");
        }
        Runner {
            tmp,
            model,
            session,
            log: Vec::new(),
            seed,
            compared: 0,
        }
    }

    /// The site as it is with `edit` made to it, saved as one batch by
    /// [`Runner::step`]; the report of a save that had to be good.
    fn save(&mut self, what: &str, edit: impl FnOnce(&mut Model)) -> RebuildReport {
        let mut model = self.model.clone();
        edit(&mut model);
        self.step(what, model, &[]).expect("a good save")
    }

    /// Saves the files `step` changes, gives them to the session as one batch,
    /// and compares with a fresh build when the site is good.
    /// Returns the session's report of a good save.
    fn step(
        &mut self,
        what: &str,
        model: Model,
        renames: &[(String, String)],
    ) -> Option<RebuildReport> {
        self.log.push(what.to_string());
        // Shown with a panic from anywhere, the generator's own included.
        println!("{:>3}. {what}", self.log.len());
        let root = self.root();
        let before = self.model.files();
        let after = model.files();
        let mut changed = Vec::new();
        for (from, to) in renames {
            fs::rename(root.join(from), root.join(to)).expect("rename");
            changed.push(from.clone());
            changed.push(to.clone());
        }
        let renamed: BTreeSet<&String> = renames.iter().map(|(_, to)| to).collect();
        for path in before.keys().filter(|p| !after.contains_key(*p)) {
            if root.join(path).exists() {
                fs::remove_file(root.join(path)).expect("remove");
            }
            changed.push(path.clone());
        }
        for (path, text) in &after {
            if before.get(path) != Some(text) || renamed.contains(path) {
                write(&root, path, text);
                changed.push(path.clone());
            }
        }
        changed.sort();
        changed.dedup();
        let paths: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
        let result = self.session.apply(&paths);
        let broken = model.broken.clone();
        self.model = model;
        match (result, broken) {
            (Ok(_), Some((path, how))) => self.fail(&format!(
                "the session took {path} broken by {how:?} as good"
            )),
            (Err(_), Some(_)) => None,
            (Err(problems), None) => {
                self.fail(&format!("the session failed on a good site:\n{problems}"))
            }
            (Ok(report), None) => {
                self.catch_up_search();
                self.compare_with_fresh_build();
                Some(report)
            }
        }
    }

    /// `serve` remakes the search index on a thread of its own once the
    /// reload has gone out; the session is compared after that work is done.
    fn catch_up_search(&mut self) {
        let Some(job) = self.session.search_job() else {
            return;
        };
        let index = match job.bundle(&|| {}) {
            Ok(index) => index,
            Err(problem) => self.fail(&format!("remaking the search index failed:\n{problem}")),
        };
        if let Err(problem) = self.session.finish_search(&job, index) {
            self.fail(&format!("writing the search index failed:\n{problem}"));
        }
    }

    fn compare_with_fresh_build(&mut self) {
        let fresh_dir = self.tmp.path().join("fresh-output");
        if fresh_dir.exists() {
            fs::remove_dir_all(&fresh_dir).expect("remove the last fresh build");
        }
        let mut options = BuildOptions::new(self.root());
        options.output = fresh_dir.clone();
        if let Err(problems) = build(&options) {
            self.fail(&format!("a fresh build of a good site failed:\n{problems}"));
        }
        let fresh = snapshot(&fresh_dir);
        let session = snapshot(&self.tmp.path().join("session-output"));
        if let Some(difference) = compare(&fresh, &session) {
            self.fail(&difference);
        }
        self.compared += 1;
    }

    fn fail(&self, problem: &str) -> ! {
        let steps: String = self
            .log
            .iter()
            .enumerate()
            .map(|(i, s)| format!("  {:>3}. {s}\n", i + 1))
            .collect();
        panic!(
            "the session and a fresh build differ after step {} (FORKLAR_SESSION_SEED={:#x}, FORKLAR_SESSION_STEPS={}):\n{problem}\nsteps:\n{steps}",
            self.log.len(),
            self.seed,
            self.log.len(),
        );
    }
}

/// Writes a file of the site as the model gives it (a picture's text as its image).
fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folders");
    }
    fs::write(&path, file_bytes(text)).expect("write");
}

#[test]
fn the_session_matches_a_fresh_build_after_every_step() {
    let seed = base_seed();
    let steps = steps();
    println!("FORKLAR_SESSION_SEED={seed:#x} FORKLAR_SESSION_STEPS={steps}");
    let mut runner = Runner::start(fixture(), seed);
    random_saves(&mut runner, seed, steps);
}

/// `steps` random saves from `seed`, each compared with a fresh build.
fn random_saves(runner: &mut Runner, seed: u64, steps: usize) {
    let mut g = Gen::new(seed, Edits::default());
    for _ in 0..steps {
        let step = next_step(&mut g, &runner.model);
        runner.step(&step.what, step.model, &step.renames);
    }
    // A run that seldom compared a good site would prove little.
    assert!(
        runner.compared > steps / 2,
        "only {} of {steps} steps left a good site to compare",
        runner.compared
    );
}

/// `serve` keeps the output folder's list of published files between saves;
/// a build that wrote the folder in between is seen, not overwritten by a
/// list that no longer holds.
#[test]
fn a_build_between_saves_is_seen_by_the_next_save() {
    let mut runner = Runner::start(fixture(), base_seed());
    let mut model = runner.model.clone();
    let first = model.articles.keys().next().cloned().expect("an article");
    model.articles.get_mut(&first).expect("the article").title = "Først lagret".into();
    runner.step(&format!("content/{first}: title"), model, &[]);

    // A build from the command line, of the site with one more static file.
    let root = runner.root();
    write(&root, "static/mellom.txt", "Skrevet av en annen bygging.\n");
    let mut options = BuildOptions::new(&root);
    options.output = runner.tmp.path().join("session-output");
    if let Err(problems) = build(&options) {
        panic!("the build in between failed:\n{problems}");
    }
    // A save that changes that file replaces it: a file the list now names.
    let mut model = runner.model.clone();
    model
        .statics
        .insert("mellom.txt".into(), "Lagret på nytt.\n".into());
    runner.step("write static/mellom.txt", model, &[]);
    assert_eq!(
        runner.compared, 2,
        "both saves were compared with a fresh build"
    );
}

/// A tag written in two ways takes the spelling most articles use, on every
/// article; a save that leaves an article's tags as they were keeps that,
/// and one that removes the other spelling everywhere gives the article its
/// own again, as a fresh build does.
#[test]
fn tag_spellings_follow_saves_of_other_articles() {
    let mut runner = Runner::start(fixture(), base_seed());
    let files: Vec<String> = runner.model.articles.keys().cloned().collect();
    let (odd, others) = files.split_first().expect("articles");
    let mut model = runner.model.clone();
    for (file, article) in &mut model.articles {
        article.tags = if file == odd {
            vec!["kasakhstan".into()]
        } else {
            vec!["Kasakhstan".into(), "CSTO".into()]
        };
    }
    runner.step(
        "one article writes kasakhstan, the others Kasakhstan",
        model,
        &[],
    );

    let mut model = runner.model.clone();
    let article = model.articles.get_mut(odd).expect("the article");
    article.body.push(text("Et nytt avsnitt om protestene."));
    runner.step(&format!("content/{odd}: body"), model, &[]);

    // A longer title moves the tags further into the file: the article
    // with the odd spelling keeps its warning, where the tag now stands.
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(odd).expect("the article");
    article.title.push_str(" – og hva som skjedde etterpå");
    runner.step(&format!("content/{odd}: a longer title"), model, &[]);

    // One with the common spelling: the names stay as they were.
    let common = &others[0];
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(common).expect("an article");
    article.title.push_str(" (oppdatert)");
    runner.step(&format!("content/{common}: a longer title"), model, &[]);

    // A date that moves it to the front of the order: on a tie between two
    // spellings the oldest article's wins, so the order counts.
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(common).expect("an article");
    article.date = "2022-03-01".into();
    runner.step(
        &format!("content/{common}: a date that moves it"),
        model,
        &[],
    );

    // One batch: the article's tags stay as written, every other spelling goes.
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(odd).expect("the article");
    article.body.push(text("Enda et avsnitt."));
    for file in others {
        model.articles.get_mut(file).expect("an article").tags = vec!["CSTO".into()];
    }
    runner.step("the others drop Kasakhstan, with a body edit", model, &[]);
    assert_eq!(
        runner.compared, 6,
        "every save was compared with a fresh build"
    );
}
