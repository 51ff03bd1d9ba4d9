//! One pipeline for `build`, `serve`, `check` and the tests: load the site, render
//! every page, and write the output only when everything rendered.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, WriteReport};
use crate::render::Renderer;
use crate::site::Site;
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
            now: None,
        }
    }

    /// The moment taken as now.
    pub fn now(&self) -> jiff::Timestamp {
        self.now.unwrap_or_else(jiff::Timestamp::now)
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
    /// Images published with something the writer should know.
    pub image_warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// Loads the configuration and the site, with `--base-url` applied.
pub fn load(options: &BuildOptions) -> Result<(Site, Templates), Diagnostics> {
    let mut config = Config::load(&options.root)?;
    if let Some(base_url) = &options.base_url {
        config.set_base_url(base_url)?;
    }
    let (site, templates) = rayon::join(
        || Site::load(&options.root, config, options.drafts),
        || Templates::load(&options.root),
    );
    // Content and templates are checked apart; report the problems of both.
    match (site, templates) {
        (Ok(site), Ok(templates)) => Ok((site, templates)),
        (site, templates) => {
            let mut problems = site.err().map(|d| d.0).unwrap_or_default();
            problems.extend(templates.err());
            Err(Diagnostics(problems))
        }
    }
}

/// Builds the site into its output folder. On any error the folder is left exactly
/// as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let (site, templates) = load(options)?;
    let output = Output::begin(&options.root, &options.output_dir())?;
    let renderer = Renderer::new(&site, &templates).at(options.now());
    match renderer.build_all(&output) {
        Ok(pages) => {
            let files = output.commit()?;
            Ok(BuildReport {
                pages,
                articles: site.articles.len(),
                files,
                images: renderer.image_stats(),
                image_warnings: renderer.image_warnings(),
                elapsed: started.elapsed(),
            })
        }
        Err(problems) => {
            output.abandon();
            Err(problems)
        }
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
