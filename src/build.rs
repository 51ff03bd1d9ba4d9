//! One pipeline for `build`, `serve`, `check` and the tests: load the site, render
//! every page, and write the output only when everything rendered.

mod inputs;

use std::convert::Infallible;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, WriteReport};
use crate::render::Renderer;
use crate::site::Site;
use crate::site::publish::Publishing;
use crate::site::store::Keep;
use crate::templates::Templates;

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site's folder, holding `site.toml`.
    pub root: PathBuf,
    /// Where the site is written; relative paths are taken from `root`.
    pub output: PathBuf,
    /// Replaces `base_url` from `site.toml`.
    pub base_url: Option<String>,
    /// Include articles marked `draft = true`.
    pub drafts: bool,
    /// A preview for editors: drafts and scheduled articles built and marked,
    /// every page `noindex`, feeds and sitemaps without them.
    pub preview: bool,
    /// The moment taken as now (`--now`, `FORKLAR_NOW`); `None` is the
    /// computer's clock.
    pub now: Option<jiff::Timestamp>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output: PathBuf::from("public"),
            base_url: None,
            drafts: false,
            preview: false,
            now: None,
        }
    }

    /// The moment taken as now.
    pub fn now(&self) -> jiff::Timestamp {
        self.now.unwrap_or_else(jiff::Timestamp::now)
    }

    /// What this build publishes; the clock is read once, here, so every
    /// article is judged at the same moment.
    pub fn publishing(&self) -> Publishing {
        Publishing {
            now: self.now(),
            drafts: self.drafts,
            preview: self.preview,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.output)
    }
}

/// What a build did, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub articles: usize,
    pub files: WriteReport,
    /// Image variants made now and taken from the cache.
    pub images: crate::images::CacheStats,
    pub elapsed: Duration,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Nothing the build reads had changed and the output folder was as the
    /// last build left it: nothing was rendered ([`inputs`]).
    pub reused: bool,
}

/// What the last full build recorded and how many files it published, where
/// its output is what a build of `sum` at `now` would write.
fn as_last_built(
    output: &Output,
    sum: &inputs::Sum,
    now: jiff::Timestamp,
) -> Option<(inputs::Recorded, usize)> {
    let recorded = inputs::Recorded::parse(output.last_inputs()?)?;
    if !recorded.holds_for(sum, now) {
        return None;
    }
    Some((recorded, output.as_last_left()?))
}

/// Loads the configuration and the site, with `--base-url` applied.
pub fn load(options: &BuildOptions) -> Result<(Site, Templates), Diagnostics> {
    load_keeping(options, Keep::Everything)
}

/// A site and its templates, or every problem found loading them.
type Loaded = Result<(Site, Templates), Diagnostics>;

fn load_keeping(options: &BuildOptions, keep: Keep) -> Loaded {
    match load_beside(options, keep, || ControlFlow::<Infallible>::Continue(())) {
        ControlFlow::Continue((loaded, ())) => loaded,
    }
}

/// Loads the site and its templates, and does `beside` before the content is
/// loaded, while the templates may still be parsing. Where `beside` breaks
/// off, nothing more is loaded.
///
/// Parsing the templates takes longest on a small site, so it starts at
/// once, on the thread that takes the job; `beside`, the configuration and
/// the content run on the other.
fn load_beside<T: Send, B: Send>(
    options: &BuildOptions,
    keep: Keep,
    beside: impl FnOnce() -> ControlFlow<B, T> + Send,
) -> ControlFlow<B, (Loaded, T)> {
    let (templates, besides) = rayon::join(
        || Templates::load(&options.root),
        || {
            let besides = beside()?;
            let site = || -> Result<Site, Diagnostics> {
                let mut config = Config::load(&options.root)?;
                if let Some(base_url) = &options.base_url {
                    config.set_base_url(base_url)?;
                }
                Site::load_keeping(&options.root, config, options.publishing(), keep)
            };
            ControlFlow::Continue((site(), besides))
        },
    );
    let (site, besides) = besides?;
    // Content and templates are checked apart; report the problems of both.
    let loaded = match (site, templates) {
        (Ok(mut site), Ok(mut templates)) => {
            templates.time_limit = site.config.templates.time_limit();
            site.warnings
                .extend(relative_base_url(&options.root, &site.config.base_url));
            Ok((site, templates))
        }
        (site, templates) => {
            let mut problems = site.err().map(|d| d.0).unwrap_or_default();
            problems.extend(templates.err());
            Err(Diagnostics(problems))
        }
    };
    ControlFlow::Continue((loaded, besides))
}

/// Feeds and sitemaps are read by programs that need whole addresses: a
/// `base_url` without a scheme and host (none, or `/forklaring/`) gives them
/// paths they cannot follow.
fn relative_base_url(root: &Path, base_url: &str) -> Option<Diagnostic> {
    if base_url.starts_with("https://") || base_url.starts_with("http://") {
        return None;
    }
    let warning = Diagnostic::warning(format!(
        "base_url is `{base_url}`, not a whole address: the feed and the sitemaps need one (https://…)"
    ))
    .in_file(crate::config::CONFIG_FILE)
    .with_help(
        "set base_url = \"https://example.org/forklaring/\" in site.toml to where the site will be \
         published, or build with --base-url https://…",
    );
    let Ok(text) = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)) else {
        return Some(warning);
    };
    Some(match text.find("base_url") {
        Some(at) if text[..at].lines().all(|l| !l.trim_start().starts_with('[')) => {
            warning.at_span(&text, at..at + "base_url".len())
        }
        _ => warning,
    })
}

/// Builds the site into its output folder. On any error the folder is left exactly
/// as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    // Before anything is read: the sum takes only sources older than this.
    let reading_began = SystemTime::now();
    // One moment for the whole build, so that the check of the last build's
    // output and the site loaded agree on it.
    let options = &BuildOptions {
        now: Some(options.now()),
        ..options.clone()
    };
    let opened = load_beside(options, Keep::ForOneBuild, || {
        let (output, sum) = rayon::join(
            || Output::begin(&options.root, &options.output_dir()),
            || inputs::sum(options, reading_began),
        );
        match output {
            Ok(output) => match sum
                .as_ref()
                .and_then(|sum| as_last_built(&output, sum, options.now()))
            {
                Some(reused) => ControlFlow::Break((output, reused)),
                None => ControlFlow::Continue((Ok(output), sum)),
            },
            Err(problem) => ControlFlow::Continue((Err(problem), sum)),
        }
    });
    let (loaded, (output, sum)) = match opened {
        ControlFlow::Continue(opened) => opened,
        ControlFlow::Break((output, (recorded, files))) => {
            // Nothing was staged: the folder stays as it is.
            output.abandon();
            return Ok(BuildReport {
                pages: recorded.pages,
                articles: recorded.articles,
                files: WriteReport {
                    written: 0,
                    unchanged: files,
                    removed: 0,
                },
                images: crate::images::CacheStats::default(),
                elapsed: started.elapsed(),
                warnings: recorded.warnings,
                reused: true,
            });
        }
    };
    let (site, mut templates, mut output) = match (loaded, output) {
        (Ok((site, templates)), Ok(output)) => (site, templates, output),
        (Err(problems), output) => {
            // The load's problems are what the user must fix first; an
            // output folder opened beside them is put back as it was.
            if let Ok(output) = output {
                output.abandon();
            }
            return Err(every_problem(options, problems));
        }
        (Ok(_), Err(problem)) => return Err(Diagnostics(vec![problem])),
    };
    // A build stops at its first problem anyway, so a render that runs past
    // its time limit ends the process, and the others run without a hand-over.
    let discard = output.discard_at_exit();
    templates.end_process_on_overrun(Box::new(move |problem| {
        let problems = Diagnostics(vec![problem]);
        eprint!("{problems}");
        eprintln!("\n{} found; nothing was changed", problems.summary());
        discard();
    }));
    let renderer = Renderer::new(&site, &templates).at(site.publishing.now);
    let collector = crate::search::Collector::new(&output, &renderer).spilling_into(&options.root);
    let built = renderer.build_all(&collector).and_then(|pages| {
        if crate::search::enabled(&site.config) {
            crate::search::write_bundle(
                &options.root,
                &collector.into_collected(),
                site.config.language,
                &output,
                |_, _| {},
            )
            .map_err(|problem| Diagnostics(vec![problem]))?;
        }
        Ok(pages)
    });
    match renderer.outcome(built, site.warnings.clone()) {
        Ok((pages, mut warnings)) => {
            warnings.extend(renderer.image_warnings());
            let (articles, images) = (site.articles.len(), renderer.image_stats());
            if let Some(line) = sum
                .map(|sum| inputs::Recorded::of(&sum, &site, pages, &warnings))
                .and_then(|recorded| recorded.line())
            {
                output.keep_inputs(line);
            }
            // Let go of the site and what rendering kept of it before the
            // output is put in place, so that its lists of paths reuse that
            // room instead of adding to the build's peak.
            drop(renderer);
            drop(site);
            // Taking the parsed templates apart is thousands of small frees:
            // done beside the commit rather than before it.
            let (files, ()) = rayon::join(|| output.commit(), || drop(templates));
            let files = files?;
            Ok(BuildReport {
                pages,
                articles,
                files,
                images,
                elapsed: started.elapsed(),
                warnings,
                reused: false,
            })
        }
        Err(problems) => {
            output.abandon();
            drop(renderer);
            drop(site);
            Err(every_problem(options, problems))
        }
    }
}

/// A full build reads the parts only an article's own page shows when it
/// renders that page ([`Keep::ForOneBuild`]), and stops at the first problem
/// it finds there. Where it failed, the site is read again and checked whole,
/// so that every problem of every file is reported together, as `check`
/// reports them; `found` is what is reported where that finds none.
fn every_problem(options: &BuildOptions, found: Diagnostics) -> Diagnostics {
    match load(options) {
        Err(all) => all,
        Ok(_) => found,
    }
}

/// Reads `--now`, or else `FORKLAR_NOW`: a moment in RFC 3339.
pub fn now_from_cli(flag: Option<&str>) -> Result<Option<jiff::Timestamp>, Diagnostic> {
    let (text, from) = match flag {
        Some(text) => (text.to_string(), "--now"),
        None => match std::env::var("FORKLAR_NOW") {
            Ok(text) if !text.trim().is_empty() => (text, "FORKLAR_NOW"),
            _ => return Ok(None),
        },
    };
    text.trim()
        .parse::<jiff::Timestamp>()
        .map(Some)
        .map_err(|_| {
            Diagnostic::new(format!("{from}: `{text}` is not a moment"))
                .with_help("write it in RFC 3339 with its offset, e.g. 2022-01-07T10:00:00+01:00")
        })
}

/// Resolves `--output` against the current directory, as a user typing it expects.
pub fn output_from_cli(output: Option<&Path>) -> PathBuf {
    match output {
        Some(path) if path.is_absolute() => path.to_path_buf(),
        Some(path) => std::env::current_dir().unwrap_or_default().join(path),
        // Relative to the site's folder, where `output_dir` joins it.
        None => PathBuf::from("public"),
    }
}
