//! `forklar cms`: a Decap CMS (or Sveltia CMS) for the site, configured from
//! forklar's own schema. It writes `static/admin/index.html`, whose script
//! the site serves itself, and `static/admin/config.yml`, generated from the
//! content files' fields and the part registry. Each file carries a hash of
//! what forklar wrote, so running it again updates a file nobody edited and
//! keeps one that was edited by hand unless `--force` says otherwise.

pub mod config;
pub mod field;
pub mod help;
pub mod schema;
pub mod script;
mod yaml;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::Language;
use crate::layout::STATIC_DIR;
use crate::writes::{self, refuse_links};
use config::{ConfigOptions, NO_REPO, config_yaml};
use script::{DECAP, Package, SVELTIA};

pub struct CmsOptions {
    pub root: PathBuf,
    pub sveltia: bool,
    /// Replace files that were edited by hand.
    pub force: bool,
    /// `owner/name` on GitHub; kept from the last run when not given.
    pub repo: Option<String>,
    pub branch: String,
}

/// What became of a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

pub struct CmsReport {
    pub files: Vec<(PathBuf, Outcome)>,
    pub package: &'static Package,
    /// The package's files written into static/admin/.
    pub script_files: usize,
    /// Whether the configuration names a GitHub repository yet.
    pub has_repo: bool,
}

/// The line that marks a file as forklar's, with the hash of the rest.
const STAMP: &str = "forklar cms sha256:";

pub fn cms(options: &CmsOptions) -> Result<CmsReport, Diagnostics> {
    let root = &options.root;
    let config = Config::load(root)?;
    let admin = Path::new(STATIC_DIR).join("admin");
    let config_path = admin.join("config.yml");
    let index_path = admin.join("index.html");
    // Before anything is read: nothing is read or written through a link.
    for path in [&config_path, &index_path] {
        refuse_links(root, path, "cms")?;
    }
    let old_config = writes::read(&root.join(&config_path))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let repo = options
        .repo
        .clone()
        .or_else(|| old_config.as_deref().and_then(repo_in));
    let package = if options.sveltia { &SVELTIA } else { &DECAP };
    let generated = [
        (
            config_path,
            stamped_yaml(&config_yaml(&ConfigOptions {
                language: config.language,
                base_url: &config.base_url,
                repo: repo.as_deref(),
                branch: &options.branch,
                sveltia: options.sveltia,
            })),
        ),
        (
            index_path,
            index_html(config.language, &config.title, package),
        ),
    ];
    // Every file is looked at before any is written: a refusal changes nothing.
    let mut plans = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in generated {
        match plan(root, &path, &text, options.force) {
            Ok(outcome) => plans.push((path, text, outcome)),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let script_files: Vec<(PathBuf, Vec<u8>)> = script::fetch(package)?
        .into_iter()
        .map(|(name, bytes)| (admin.join(name), bytes))
        .collect();
    for (path, _) in &script_files {
        refuse_links(root, path, "cms")?;
    }
    // The script before the page that loads it.
    for (path, bytes) in &script_files {
        let full = root.join(path);
        match writes::read(&full) {
            Ok(old) if old == *bytes => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                writes::create_new(&full, bytes, "run forklar cms again")?
            }
            _ => writes::replace(&full, bytes)?,
        }
    }
    let mut files = Vec::new();
    for (path, text, outcome) in plans {
        let full = root.join(&path);
        match outcome {
            Outcome::Created => {
                writes::create_new(&full, text.as_bytes(), "run forklar cms again")?
            }
            Outcome::Updated => writes::replace(&full, text.as_bytes())?,
            Outcome::Unchanged => {}
        }
        files.push((full, outcome));
    }
    Ok(CmsReport {
        files,
        package,
        script_files: script_files.len(),
        has_repo: repo.is_some(),
    })
}

/// What writing `text` to `path` (in the site's folder) does, or why it must not.
fn plan(root: &Path, path: &Path, text: &str, force: bool) -> Result<Outcome, Diagnostic> {
    let old = match writes::read(&root.join(path)) {
        // Not UTF-8: not as forklar wrote it, so kept unless `force`.
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Outcome::Created),
        Err(err) => {
            return Err(Diagnostic::new(format!("cannot read the file: {err}"))
                .in_file(path)
                .with_help(
                    "forklar cms reads it to see whether it was edited by hand; move it out of static/admin/, then run forklar cms again",
                ));
        }
    };
    if old == text {
        return Ok(Outcome::Unchanged);
    }
    if force || is_as_written(&old) {
        return Ok(Outcome::Updated);
    }
    Err(Diagnostic::new("the file was changed by hand since forklar cms wrote it; it is kept")
        .in_file(path)
        .with_help(
            "to have forklar write it again from the site's schema, copy what you changed, then run forklar cms --force",
        ))
}

/// Whether a file still holds exactly what forklar wrote: its stamp's hash
/// matches the rest.
fn is_as_written(text: &str) -> bool {
    let Some(line) = text.lines().find(|line| line.contains(STAMP)) else {
        return false;
    };
    let Some(hash) = line
        .split(STAMP)
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
    else {
        return false;
    };
    let rest = text.replacen(&format!("{line}\n"), "", 1);
    sha256(&rest) == hash
}

fn sha256(text: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn stamped_yaml(body: &str) -> String {
    format!(
        "# {STAMP}{} written by forklar cms from the site's schema: run it again after a change to forklar; a copy edited by hand is kept unless forklar cms --force\n{body}",
        sha256(body)
    )
}

/// The repository a previous run wrote into `config.yml`.
fn repo_in(config: &str) -> Option<String> {
    let line = config
        .lines()
        .find(|line| line.trim_start().starts_with("repo:"))?;
    let repo: String = serde_json::from_str(line.trim_start()["repo:".len()..].trim()).ok()?;
    (repo != NO_REPO && !repo.is_empty()).then_some(repo)
}

fn index_html(language: Language, site_title: &str, package: &Package) -> String {
    let title = match language {
        Language::Nb => format!("Redigering – {site_title}"),
        Language::En => format!("Editing – {site_title}"),
    };
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <!-- forklar serve: no reloading under an editor's unsaved form -->\n{opt_out}\n\
         <title>{title}</title>\n</head>\n<body>\n\
         <!-- {name} {version}, served by the site itself; it reads config.yml beside this page -->\n\
         <script src=\"{script}\"></script>\n</body>\n</html>\n",
        lang = language.code(),
        name = package.name,
        version = package.version,
        script = package.script,
        opt_out = crate::serve::livereload::OPT_OUT,
    );
    format!(
        "<!doctype html>\n<!-- {STAMP}{} written by forklar cms; kept once edited by hand -->\n{body}",
        sha256(&format!("<!doctype html>\n{body}"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamped_file_is_known_until_it_is_edited() {
        let yaml = stamped_yaml("a: \"b\"\n");
        assert!(is_as_written(&yaml));
        assert!(!is_as_written(&yaml.replace("\"b\"", "\"c\"")));
        let html = index_html(Language::Nb, "Forklart", &DECAP);
        assert!(is_as_written(&html));
        assert!(!is_as_written(&html.replace("decap-cms.js\"", "x.js\"")));
        assert!(!is_as_written("a: \"b\"\n"));
    }

    #[test]
    fn the_repository_is_read_back() {
        assert_eq!(
            repo_in("backend:\n  name: \"github\"\n  repo: \"nyhet/forklar\"\n"),
            Some("nyhet/forklar".into())
        );
        assert_eq!(repo_in(&format!("  repo: \"{NO_REPO}\"\n")), None);
    }
}
