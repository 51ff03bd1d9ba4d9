//! The property that `forklar serve` is a fresh `forklar build`, kept up to date:
//! after any sequence of saves, every file the server serves is byte for byte
//! what `forklar build` writes into an empty folder from the same files (the
//! live-reload script aside), and every address an earlier build had but the
//! current one has not answers 404.
//!
//! A seeded generator edits a small explainer site the ways a writer does
//! (titles, dates, tags, slugs, bodies with links, background entries, shared
//! and inline timelines, quotes, live updates, template overrides, static files, broken saves
//! and their fixes, lead images added, replaced and removed, their credit and
//! focus changed), each step a real save as an editor makes it. After every
//! step the test waits for the server's event for that save and until serve
//! says no image work is pending (`/__forklar/status`: its variants are made
//! in the background), builds the same files afresh with the real binary, and
//! compares. The site and its edits are in `tests/shared/site_model.rs`.
//!
//! Environment:
//! - `FORKLAR_EQUIV_SEED`: the seed of the first run (decimal or `0x` hex);
//!   the second run uses a seed derived from it. Printed on failure.
//! - `FORKLAR_EQUIV_RANDOM=1`: a seed from the clock when no seed is given.
//! - `FORKLAR_EQUIV_STEPS`: steps per run (default 100; two runs, 200 in all).
//! - `FORKLAR_EQUIV_KEEP_GOING=1`: after a divergence, report it, start a new
//!   server on the site as it is and go on; fail at the end with every one.
//! - `FORKLAR_EQUIV_AVOID=slug,entries,robots`: make no slug changes, no
//!   background entries added or deleted, no `static/robots.txt` (the known
//!   divergences), to look for others.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::site_model::{
    self, ARCHIVE, Breakage, Edits, Entry, Gen, LeadImage, Model, Picture, Rng, Timeline,
    add_archive, article, env_u64, file_bytes, next_step, strings, text,
};
use crate::support::{Event, Live, Site, WAIT, fresh_build, list_files, request, without_snippet};

const DEFAULT_SEED: u64 = 0x00f0_4b1a_2022_0106;
const DEFAULT_STEPS: usize = 100;
/// After a save's event, further events this close behind it (the rest of a
/// save that the watcher split in two) are waited for before comparing.
const TRAILING: Duration = Duration::from_millis(40);

// ---------------------------------------------------------------------------
// Seeds, the edits and the starting site

fn base_seed() -> u64 {
    if let Some(seed) = env_u64("FORKLAR_EQUIV_SEED") {
        return seed;
    }
    if std::env::var("FORKLAR_EQUIV_RANDOM").is_ok_and(|v| v == "1") {
        return SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(DEFAULT_SEED, |d| d.as_nanos() as u64);
    }
    DEFAULT_SEED
}

fn steps_per_run() -> usize {
    env_u64("FORKLAR_EQUIV_STEPS").map_or(DEFAULT_STEPS, |n| n as usize)
}

/// The edits of the shared generator, all of them, less the kinds
/// `FORKLAR_EQUIV_AVOID` (a comma-separated list of `slug`, `entries`,
/// `robots`) sets aside.
fn edits() -> Edits {
    let avoid = std::env::var("FORKLAR_EQUIV_AVOID")
        .map(|v| v.split(',').map(|k| k.trim().to_owned()).collect())
        .unwrap_or_default();
    Edits {
        extended: true,
        avoid,
    }
}

/// The shared starting site with what only serve's edits use: a correction
/// and a lead image on `sak-a.md`, and a person quotes and bylines name.
fn fixture() -> Model {
    let mut model = site_model::fixture();
    let a = model.articles.get_mut("sak-a.md").expect("sak-a");
    a.corrections = vec![("2022-01-07".into(), "Et navn var feil.".into())];
    a.image = Some(LeadImage {
        path: "content/bilder/almaty.jpg".into(),
        credit: "Foto: NTB".into(),
        focus: None,
    });
    model.pictures.insert(
        "content/bilder/almaty.jpg".to_owned(),
        Picture {
            png: false,
            width: 96,
            height: 64,
            seed: 1,
        },
    );
    model.people.insert(
        "blakkisrud".to_owned(),
        ("Helge Blakkisrud".to_owned(), "seniorforsker".to_owned()),
    );
    model
}

// ---------------------------------------------------------------------------
// Saving, serving, building and comparing

/// The address a browser asks for a file of the output.
pub(crate) fn url_of(rel: &str) -> String {
    if rel == "index.html" {
        "/".to_owned()
    } else if let Some(dir) = rel.strip_suffix("/index.html") {
        format!("/{dir}/")
    } else {
        format!("/{rel}")
    }
}

/// Where two texts part, with some of each around it.
fn first_difference(expected: &[u8], served: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(served)
        .take_while(|(a, b)| a == b)
        .count();
    let around = |b: &[u8]| {
        let from = at.saturating_sub(150);
        let to = (at + 250).min(b.len());
        String::from_utf8_lossy(&b[from.min(to)..to]).into_owned()
    };
    format!(
        "first difference at byte {at} (expected {} bytes, served {}):\n    expected: …{}…\n    served:   …{}…",
        expected.len(),
        served.len(),
        around(expected),
        around(served)
    )
}

/// How one save is written, as different editors do it.
#[derive(Clone, Copy, Debug)]
enum Save {
    /// Truncate and write (most editors, `>` in a shell).
    InPlace,
    /// A temporary file in the same folder, renamed over the file (sed -i,
    /// gedit, many IDEs).
    RenameOver,
    /// vim with `writebackup`: probe file, temp file, original renamed to
    /// `name~`, temp renamed to the name, backup deleted.
    Vim,
    /// Deleted, then written anew.
    DeleteCreate,
}

/// A site being served, the model it was written from, and what is known.
struct Runner {
    live: Live,
    model: Model,
    /// The files on disk, by path from the site root.
    files: BTreeMap<String, String>,
    /// Every output path a fresh build has produced so far.
    ever: BTreeSet<String>,
    /// Chooses how each file is saved.
    saves: Rng,
    temp_n: u32,
    seed: Option<u64>,
    log: Vec<String>,
}

impl Runner {
    fn start(model: Model, seed: Option<u64>) -> Runner {
        let site = Site::new(&[]);
        let files = model.files();
        for (rel, text) in &files {
            let path = site.p(rel);
            fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            fs::write(&path, file_bytes(text)).expect("write");
        }
        let live = Live::start(site, "site.toml");
        live.serve.wait_images_idle();
        live.events.settle();
        let mut runner = Runner {
            live,
            model,
            files,
            ever: BTreeSet::new(),
            saves: Rng(seed.unwrap_or(7) ^ 0x5a5a),
            temp_n: 0,
            seed,
            log: Vec::new(),
        };
        if let Err(problem) = runner.check(None) {
            runner.fail(&problem);
        }
        runner
    }

    fn root(&self) -> PathBuf {
        self.live.site.root()
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.live.serve.port)
    }

    /// Writes `text` to `rel` the way `how` says.
    fn save(&mut self, rel: &str, text: &str, how: Save) {
        let path = self.root().join(rel);
        let dir = path.parent().expect("a folder").to_path_buf();
        fs::create_dir_all(&dir).expect("folder");
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        self.temp_n += 1;
        let n = self.temp_n;
        let text = file_bytes(text);
        let text = text.as_slice();
        match how {
            Save::InPlace => fs::write(&path, text).expect("write"),
            Save::RenameOver => {
                let temp = match n % 3 {
                    0 => dir.join(format!("sed{n:06}")),
                    1 => dir.join(format!(".goutputstream-{n}")),
                    _ => dir.join(format!("{name}.tmp{n}")),
                };
                fs::write(&temp, text).expect("write temp");
                fs::rename(&temp, &path).expect("rename temp");
            }
            Save::Vim => {
                let probe = dir.join("4913");
                fs::write(&probe, "").expect("probe");
                fs::remove_file(&probe).expect("remove probe");
                let temp = dir.join(format!("{name}.swx{n}"));
                fs::write(&temp, text).expect("write temp");
                let backup = dir.join(format!("{name}~"));
                fs::rename(&path, &backup).expect("backup");
                fs::rename(&temp, &path).expect("rename temp");
                fs::remove_file(&backup).expect("remove backup");
            }
            Save::DeleteCreate => {
                fs::remove_file(&path).expect("delete");
                fs::write(&path, text).expect("write");
            }
        }
    }

    /// Makes the site on disk that of `model`: renames first, then deletes,
    /// then writes. Returns what was done to which file.
    fn write_model(&mut self, model: &Model, renames: &[(String, String)]) -> Vec<String> {
        let mut done = Vec::new();
        for (from, to) in renames {
            fs::rename(self.root().join(from), self.root().join(to)).expect("rename");
            let text = self.files.remove(from).expect("a file to rename");
            self.files.insert(to.clone(), text);
            done.push(format!("renamed {from} -> {to}"));
        }
        let wanted = model.files();
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|k| !wanted.contains_key(*k))
            .cloned()
            .collect();
        for rel in gone {
            fs::remove_file(self.root().join(&rel)).expect("delete");
            self.files.remove(&rel);
            done.push(format!("deleted {rel}"));
        }
        for (rel, text) in &wanted {
            let existed = match self.files.get(rel) {
                Some(old) if old == text => continue,
                Some(_) => true,
                None => false,
            };
            let how = match self.saves.below(if existed { 5 } else { 2 }) {
                0 | 4 => Save::InPlace,
                1 => Save::RenameOver,
                2 => Save::Vim,
                _ => Save::DeleteCreate,
            };
            self.save(rel, text, how);
            self.files.insert(rel.clone(), text.clone());
            done.push(format!("saved {rel} ({how:?})"));
        }
        done
    }

    /// Applies one step and checks the property; `Err` describes a divergence.
    fn step(
        &mut self,
        what: &str,
        model: Model,
        renames: &[(String, String)],
    ) -> Result<(), String> {
        let done = self.write_model(&model, renames);
        assert!(!done.is_empty(), "step {what:?} changed no file");
        self.log.push(format!("{what}  [{}]", done.join("; ")));
        self.model = model;
        // `search` says the index caught up with an earlier save, which
        // happens after that save's pages are all written: the save's own
        // outcome is a `reload` or an `error`.
        let mut seen = Vec::new();
        let event = loop {
            match self.live.events.rx.recv_timeout(WAIT) {
                Ok(event) if event.name == "search" => seen.push(event.name),
                Ok(event) => break event,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "no reload or error event within {WAIT:?} of the save"
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err("the event stream closed".into());
                }
            }
        };
        seen.push(event.name.clone());
        let mut last = event;
        while let Ok(event) = self.live.events.rx.recv_timeout(TRAILING) {
            seen.push(event.name.clone());
            // `search` says the index caught up; the rebuild's outcome is the
            // event before it.
            if event.name != "search" {
                last = event;
            }
        }
        // The pages that show the save besides the reader's own are
        // written right after the reload.
        self.live.serve.wait_pages_written();
        // Variants made in the background end with a render and a reload
        // of their own.
        if self.wait_images_idle() {
            while let Ok(event) = self.live.events.rx.recv_timeout(TRAILING) {
                seen.push(event.name.clone());
                // The variants' rebuild wakes the search index too.
                if event.name != "search" {
                    last = event;
                }
            }
        }
        if let Some(entry) = self.log.last_mut() {
            entry.push_str(&format!(" -> {}", seen.join(", ")));
        }
        self.check(Some(last))
    }

    /// Waits until serve has no image work pending; whether it had any.
    fn wait_images_idle(&self) -> bool {
        if self.live.serve.status("images_pending") == 0 {
            return false;
        }
        self.live.serve.wait_images_idle();
        true
    }

    /// Builds the files afresh and compares with what is served. A first
    /// mismatch may be a rebuild not yet done: then waits until the event
    /// stream is quiet and looks again.
    fn check(&mut self, last: Option<Event>) -> Result<(), String> {
        let fresh = self.fresh_build();
        let first = self.compare(&fresh, last.as_ref());
        if first.is_ok() {
            if let Ok(built) = &fresh {
                self.ever.extend(built.iter().cloned());
            }
            return Ok(());
        }
        // Settling also waits for the search index, which serve remakes after
        // the reload event (`event: search` when done).
        self.live.serve.wait_images_idle();
        let mut later = self.live.events.settle();
        // On a busy machine the index, remade at a lower priority, may come
        // later still.
        self.live.serve.wait_index_as_built(&self.fresh_dir());
        later.extend(self.live.events.settle());
        let last = later.into_iter().rfind(|e| e.name != "search").or(last);
        let result = self.compare(&fresh, last.as_ref());
        if let Ok(built) = &fresh {
            self.ever.extend(built.iter().cloned());
        }
        result
    }

    fn fresh_dir(&self) -> PathBuf {
        self.live.site.dir.path().join("fresh")
    }

    /// `forklar build` of the site into an empty folder: the paths written,
    /// or the build's errors.
    fn fresh_build(&self) -> Result<BTreeSet<String>, String> {
        let out = self.fresh_dir();
        if out.exists() {
            fs::remove_dir_all(&out).expect("remove the last fresh build");
        }
        let result = fresh_build(&self.root(), &out, &self.base_url());
        if result.status.success() {
            Ok(list_files(&out))
        } else {
            Err(String::from_utf8_lossy(&result.stderr).into_owned())
        }
    }

    fn compare(
        &self,
        fresh: &Result<BTreeSet<String>, String>,
        last: Option<&Event>,
    ) -> Result<(), String> {
        let serve = &self.live.serve;
        let built = match fresh {
            Err(errors) => {
                return match last {
                    Some(e) if e.name == "error" => Ok(()),
                    other => Err(format!(
                        "the fresh build fails, but serve's last event is {:?}, not `error`\nbuild errors:\n{errors}",
                        other.map(|e| (&e.name, &e.data))
                    )),
                };
            }
            Ok(built) => built,
        };
        let mut problems = Vec::new();
        if let Some(e) = last
            && e.name != "reload"
        {
            problems.push(format!(
                "the fresh build succeeds, but serve's last event is `{}`: {}",
                e.name, e.data
            ));
        }
        let out = self.fresh_dir();
        for rel in built {
            let url = url_of(rel);
            let expected = fs::read(out.join(rel)).expect("a built file");
            let resp = match request(serve.port, "GET", &url) {
                Ok(resp) => resp,
                Err(e) => {
                    problems.push(format!("GET {url}: {e}"));
                    continue;
                }
            };
            if resp.status != 200 {
                problems.push(format!(
                    "GET {url}: {} (the fresh build has {rel})",
                    resp.status
                ));
                continue;
            }
            let served = if rel.ends_with(".html") {
                without_snippet(&resp.text()).into_bytes()
            } else {
                resp.body
            };
            if served != expected {
                problems.push(format!(
                    "GET {url} differs from the fresh build's {rel}: {}",
                    first_difference(&expected, &served)
                ));
            }
        }
        for rel in self.ever.difference(built) {
            let url = url_of(rel);
            match request(serve.port, "GET", &url) {
                Ok(resp) if resp.status == 404 => {}
                Ok(resp) => problems.push(format!(
                    "GET {url}: {} although the fresh build no longer has {rel} (served {} bytes: {:?}…)",
                    resp.status,
                    resp.body.len(),
                    String::from_utf8_lossy(&resp.body[..resp.body.len().min(120)])
                )),
                Err(e) => problems.push(format!("GET {url}: {e}")),
            }
        }
        for rel in list_files(&serve.output_dir()).difference(built) {
            if !self.ever.contains(rel) {
                problems.push(format!(
                    "serve's output has {rel}, which no fresh build ever had"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }

    /// Panics with everything needed to see and repeat the divergence.
    fn fail(&self, problem: &str) -> ! {
        let steps: String = self
            .log
            .iter()
            .enumerate()
            .map(|(i, s)| format!("  {:3}. {s}\n", i + 1))
            .collect();
        let repeat = match self.seed {
            Some(seed) => format!(
                "seed {seed:#x}; repeat with FORKLAR_EQUIV_SEED={seed:#x} FORKLAR_EQUIV_STEPS={} cargo test --test serve equivalence::serve_matches_a_fresh_build_1\n",
                self.log.len()
            ),
            None => String::new(),
        };
        let tail = |lines: Vec<String>| lines[lines.len().saturating_sub(15)..].join("\n");
        let stderr: Vec<String> = self.live.serve.stderr().lines().map(String::from).collect();
        panic!(
            "serve diverges from a fresh build after step {}:\n{problem}\n\n{repeat}steps:\n{steps}\n--- serve stdout (last lines) ---\n{}\n--- serve stderr (last lines) ---\n{}",
            self.log.len(),
            tail(self.live.serve.stdout()),
            tail(stderr)
        );
    }

    /// A step that must keep the property; panics with the report if not.
    fn must(&mut self, what: &str, change: impl FnOnce(&mut Model)) {
        let mut model = self.model.clone();
        change(&mut model);
        if let Err(problem) = self.step(what, model, &[]) {
            self.fail(&problem);
        }
    }
}

/// `steps` random steps from the fixture with `seed`.
fn run(seed: u64, steps: usize) {
    println!("forklar serve/build equivalence: seed {seed:#x}, {steps} steps");
    let keep_going = std::env::var("FORKLAR_EQUIV_KEEP_GOING").is_ok_and(|v| v == "1");
    let mut runner = Runner::start(fixture(), Some(seed));
    let mut g = Gen::new(seed, edits());
    let mut found = Vec::new();
    for i in 0..steps {
        let step = next_step(&mut g, &runner.model);
        let Err(problem) = runner.step(&step.what, step.model, &step.renames) else {
            continue;
        };
        if !keep_going {
            runner.fail(&problem);
        }
        // Report, then start a new server on the site as it is now.
        let since: String = runner.log.iter().map(|s| format!("    {s}\n")).collect();
        let report = format!(
            "DIVERGENCE at step {} (seed {seed:#x}); steps since the server started:\n{since}  {}\n",
            i + 1,
            problem.replace('\n', "\n  ")
        );
        println!("{report}");
        found.push(report);
        let mut model = runner.model.clone();
        model.broken = None;
        drop(runner);
        runner = Runner::start(model, Some(seed));
    }
    assert!(
        found.is_empty(),
        "{} divergences with seed {seed:#x}:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn serve_matches_a_fresh_build_1() {
    run(base_seed(), steps_per_run());
}

#[test]
fn serve_matches_a_fresh_build_2() {
    run(Rng(base_seed()).next(), steps_per_run());
}

// ---------------------------------------------------------------------------
// Known divergences, by name

/// Article A links to `sak-b.md`; B gets a new slug: A must link to B's new
/// address, as a fresh build does.
#[test]
fn a_new_slug_reaches_the_articles_that_link_to_it() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-b.md: slug = \"tokajev-forklart\"", |m| {
        m.articles.get_mut("sak-b.md").expect("sak-b").slug = Some("tokajev-forklart".into());
    });
    let page = runner.live.serve.get("/sak-a/").text();
    assert!(
        page.contains("href=\"/tokajev-forklart/\""),
        "/sak-a/ does not link to B's new address /tokajev-forklart/"
    );
}

/// `static/robots.txt` replaces the generated robots.txt; removing it must
/// bring the generated one back.
#[test]
fn removing_static_robots_txt_brings_back_the_generated_one() {
    let mut runner = Runner::start(fixture(), None);
    let generated = runner.live.serve.get("/robots.txt").text();
    runner.must("write static/robots.txt", |m| {
        m.statics.insert(
            "robots.txt".into(),
            "User-agent: *\nDisallow: /utkast/\n".into(),
        );
    });
    runner.must("delete static/robots.txt", |m| {
        m.statics.remove("robots.txt");
    });
    let resp = runner.live.serve.get("/robots.txt");
    assert_eq!(
        (resp.status, resp.text()),
        (200, generated),
        "/robots.txt is not the generated one again"
    );
}

/// Found by the property test: a background entry added while serving is
/// missing from `sitemap.xml`, and one deleted stays listed there.
#[test]
fn background_entries_added_and_deleted_reach_the_sitemap() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("add content/background/oppslag.md", |m| {
        m.entries.insert(
            "oppslag".into(),
            Entry {
                title: "Et nytt oppslag".into(),
                aliases: Vec::new(),
                summary: "Kort forklart.".into(),
                body: "Lengre tekst.".into(),
            },
        );
    });
    runner.must("delete content/background/oppslag.md", |m| {
        m.entries.remove("oppslag");
    });
}

/// A sitemap index of parts of six addresses: articles added and deleted
/// across a part's boundary, until the site fits one file and back, and a
/// title save, each as a fresh build writes the parts and no other.
#[test]
fn sitemap_parts_come_and_go_as_articles_do() {
    let mut start = fixture();
    start.sitemap_urls_per_file = Some(6);
    let mut runner = Runner::start(start, None);
    for n in 1..=4 {
        runner.must(&format!("add content/ny-{n}.md"), |m| {
            m.articles.insert(
                format!("ny-{n}.md"),
                article(
                    &format!("Ny sak {n}"),
                    &format!("2022-02-0{n}"),
                    vec![text("Mer skjedde.")],
                ),
            );
        });
    }
    runner.must("content/ny-2.md: title", |m| {
        m.articles.get_mut("ny-2.md").expect("an article").title = "Ny tittel".into();
    });
    for n in 1..=4 {
        runner.must(&format!("delete content/ny-{n}.md"), |m| {
            m.articles.remove(&format!("ny-{n}.md"));
        });
    }
    runner.must("site.toml: one file", |m| {
        m.sitemap_urls_per_file = Some(50_000)
    });
    runner.must("site.toml: parts of three", |m| {
        m.sitemap_urls_per_file = Some(3)
    });
}

/// Found by the property test: `site.toml` saved while another file is broken
/// is forgotten once that file is fixed; every page keeps the old site title.
#[test]
fn a_site_toml_change_made_while_broken_survives_the_fix() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("break content/sak-c.md: BadToml", |m| {
        m.broken = Some(("content/sak-c.md".into(), Breakage::BadToml));
    });
    runner.must("site.toml: title = \"Nytt navn\"", |m| {
        m.site_title = "Nytt navn".into();
    });
    runner.must("fix content/sak-c.md", |m| m.broken = None);
}

/// Found by the property test: while an article names an unknown background
/// entry, another article moves from its inline timeline to a shared one; after
/// the fix, `sitemap.xml` still lists the inline timeline's page, now gone.
#[test]
fn a_timeline_page_dropped_while_broken_leaves_the_sitemap_after_the_fix() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("break content/sak-c.md: UnknownEntry", |m| {
        m.broken = Some(("content/sak-c.md".into(), Breakage::UnknownEntry));
    });
    runner.must("content/sak-a.md: timeline = Shared(\"uro-2022\")", |m| {
        m.articles.get_mut("sak-a.md").expect("sak-a").timeline =
            Timeline::Shared("uro-2022".into());
    });
    runner.must("fix content/sak-c.md", |m| m.broken = None);
}

/// Found by the property test: a template override saved while another file is
/// broken is forgotten once that file is fixed.
#[test]
fn a_template_saved_while_broken_survives_the_fix() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("break content/sak-b.md: BadToml", |m| {
        m.broken = Some(("content/sak-b.md".into(), Breakage::BadToml));
    });
    runner.must("write templates/partials/quotes.html (marked)", |m| {
        m.templates
            .insert("partials/quotes.html".into(), "egen mal".into());
    });
    runner.must("fix content/sak-b.md", |m| m.broken = None);
}

/// Pages that gather from every article: the corrections archive and a
/// person's page must follow a save to any article.
#[test]
fn corrections_and_quotes_reach_the_archive_and_the_persons_page() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-c.md: a first correction", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").corrections =
            vec![("2022-01-08".into(), "Prisen var feil.".into())];
    });
    runner.must("content/sak-a.md: the correction reworded", |m| {
        m.articles.get_mut("sak-a.md").expect("sak-a").corrections =
            vec![("2022-01-07".into(), "Et annet navn var feil.".into())];
    });
    runner.must("content/sak-c.md: a quote from blakkisrud", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").quotes =
            vec![("Det kom brått.".into(), "blakkisrud".into(), "NRK".into())];
    });
    runner.must("content/sak-c.md: the quote reworded", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").quotes = vec![(
            "Det kom svært brått.".into(),
            "blakkisrud".into(),
            "NRK".into(),
        )];
    });
}

/// A live article's updates: its page, feed and `updates.json`, and its own
/// timeline page where an update joins the timeline, follow every save.
#[test]
fn live_updates_reach_the_page_its_feed_and_the_timeline() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-c.md: a first update", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").updates = vec![(
            "2022-01-06T10:05".into(),
            "Styrker er på vei.".into(),
            false,
        )];
    });
    runner.must(
        "content/sak-c.md: a second update, also in the timeline",
        |m| {
            m.articles
                .get_mut("sak-c.md")
                .expect("sak-c")
                .updates
                .push((
                    "2022-01-06T14:32".into(),
                    "De første er framme.".into(),
                    true,
                ));
        },
    );
    runner.must("content/sak-c.md: the updates gone", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").updates = Vec::new();
    });
}

/// An article re-dated into the future leaves its page, the lists, the feed
/// and the links to it, as a fresh build does; dated back, it returns.
#[test]
fn an_article_scheduled_while_serving_leaves_and_returns_as_in_a_fresh_build() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-b.md: dated 2099, so scheduled", |m| {
        m.articles.get_mut("sak-b.md").expect("sak-b").date = "2099-01-07T18:00:00+01:00".into();
    });
    assert_eq!(runner.live.serve.get("/sak-b/").status, 404);
    let front = runner.live.serve.get("/").text();
    assert!(
        !front.contains("Hvem er Tokajev?"),
        "the front page lists a scheduled article"
    );
    runner.must("content/sak-b.md: dated back to 2022", |m| {
        m.articles.get_mut("sak-b.md").expect("sak-b").date = "2022-01-07T18:00:00+01:00".into();
    });
    assert_eq!(runner.live.serve.get("/sak-b/").status, 200);
}

/// The ways in follow every save: a favicon in static/ replaces the theme's
/// and leaves again, a tag page gains and loses the entry on its topic, the
/// index of topics counts a new tag, and «Nyere» in the background box names
/// an article that becomes newer.
#[test]
fn icons_topics_and_newer_articles_follow_every_save() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("write static/favicon.svg", |m| {
        m.statics.insert(
            "favicon.svg".into(),
            "<svg><title>egen</title></svg>".into(),
        );
    });
    runner.must("delete static/favicon.svg", |m| {
        m.statics.remove("favicon.svg");
    });
    runner.must("content/background/tokajev.md: the alias Energi", |m| {
        m.entries
            .get_mut("tokajev")
            .expect("tokajev")
            .aliases
            .push("energi".into());
    });
    runner.must("content/sak-c.md: a new tag", |m| {
        m.articles
            .get_mut("sak-c.md")
            .expect("sak-c")
            .tags
            .push("Tokajev".into());
    });
    runner.must("content/sak-c.md: uses tokajev, and is the newest", |m| {
        let c = m.articles.get_mut("sak-c.md").expect("sak-c");
        c.background = strings(&["tokajev"]);
        c.date = "2022-01-09".into();
    });
    runner.must("content/sak-c.md: older again", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").date = "2022-01-05".into();
    });
}

/// A tag's list and an entry's «Brukt i» list take a second page at 51
/// articles: a new article adds the page, a date change moves an article
/// across the boundary, a removal takes the page away again.
#[test]
fn tag_and_entry_pages_follow_articles_across_the_page_boundary() {
    let mut model = fixture();
    let mut g = Gen::new(7, edits());
    add_archive(&mut g, &mut model);
    // One fewer, so the new article below is the one that needs the second page.
    let first = model
        .articles
        .keys()
        .find(|f| f.starts_with(ARCHIVE))
        .cloned()
        .expect("an archive article");
    model.articles.remove(&first);
    let mut runner = Runner::start(model, None);
    assert_eq!(runner.live.serve.get("/emne/csto/side/2/").status, 404);

    runner.must("add content/ny-csto.md, the newest, tagged CSTO", |m| {
        let mut a = article("Ny sak om CSTO", "2022-01-10", vec![text("Nytt.")]);
        a.tags = strings(&["CSTO"]);
        a.background = strings(&["csto"]);
        m.articles.insert("ny-csto.md".into(), a);
    });
    let second = runner.live.serve.get("/emne/csto/side/2/");
    assert_eq!(
        second.status, 200,
        "/emne/csto/side/2/ after the 51st article"
    );
    assert_eq!(second.text().matches("class=\"teaser\"").count(), 1);

    runner.must("content/ny-csto.md: the oldest", |m| {
        m.articles.get_mut("ny-csto.md").expect("ny-csto").date = "2021-12-01".into();
    });
    assert!(
        runner
            .live
            .serve
            .get("/emne/csto/side/2/")
            .text()
            .contains("Ny sak om CSTO"),
        "the oldest article is on the second page"
    );

    runner.must("delete content/ny-csto.md", |m| {
        m.articles.remove("ny-csto.md");
    });
    assert_eq!(runner.live.serve.get("/emne/csto/side/2/").status, 404);
}

/// The corrections archive takes a second page at the 51st correction: a
/// save adds the page and another takes it away again, as a fresh build
/// does.
#[test]
fn the_corrections_archive_follows_corrections_across_the_page_boundary() {
    let mut model = fixture();
    let existing: usize = model.articles.values().map(|a| a.corrections.len()).sum();
    model
        .articles
        .get_mut("sak-c.md")
        .expect("sak-c")
        .corrections = (existing..50)
        .map(|k| {
            (
                format!("2022-02-{:02}", 1 + k % 28),
                format!("Rettelse nummer {k}."),
            )
        })
        .collect();
    let mut runner = Runner::start(model, None);
    assert_eq!(runner.live.serve.get("/rettelser/side/2/").status, 404);

    runner.must("content/sak-c.md: a 51st correction", |m| {
        let c = m.articles.get_mut("sak-c.md").expect("sak-c");
        c.corrections
            .push(("2022-03-01".into(), "Den nyeste rettelsen.".into()));
    });
    let second = runner.live.serve.get("/rettelser/side/2/");
    assert_eq!(second.status, 200, "/rettelser/side/2/ after the 51st");
    let text = second.text();
    assert!(
        text.contains("Et navn var feil.") && !text.contains("Rettelse nummer"),
        "the second page holds the oldest correction alone:\n{text}"
    );

    runner.must("content/sak-c.md: back to 50", |m| {
        m.articles
            .get_mut("sak-c.md")
            .expect("sak-c")
            .corrections
            .pop();
    });
    assert_eq!(runner.live.serve.get("/rettelser/side/2/").status, 404);
}
