//! `forklar check`: the whole pipeline without an output folder (it writes
//! only the site's image cache, as a build does), then every internal link,
//! `#anchor`, image and file reference verified against the pages the site
//! would publish.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

mod embargo;
mod external;
mod html;
pub mod stale;

use crate::build::{BuildOptions, load};
use crate::deps::Dep;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Sink;
use crate::render::Renderer;
use external::{Answers, check_external};
use html::attribute_values;

/// Keeps every rendered file in memory, with what it was made from.
#[derive(Default)]
struct Collect {
    files: Mutex<HashMap<String, (Vec<u8>, String)>>,
}

impl Sink for Collect {
    fn write(&self, path: &str, bytes: &[u8], origin: &str) -> Result<(), Diagnostic> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), (bytes.to_vec(), origin.to_string()));
        Ok(())
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic> {
        std::fs::metadata(from)
            .map_err(|err| Diagnostic::new(format!("cannot read the file: {err}")).in_file(from))?;
        // Static files are only checked for existence; their bytes are not needed.
        self.write(path, b"", "static")
    }
}

/// What `check` looked at, and the problems it found.
#[derive(Debug)]
pub struct CheckReport {
    pub pages: usize,
    /// Distinct addresses on the site itself that were followed.
    pub internal: usize,
    /// Distinct addresses on other sites that the pages link to.
    pub outside: usize,
    /// What `--external` did with those, where it was asked for.
    pub external: Option<External>,
    pub problems: Vec<Diagnostic>,
    /// Problems that do not stop a build.
    pub warnings: Vec<Diagnostic>,
}

/// What `--external` did with the addresses on other sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum External {
    /// This many were asked.
    Checked(usize),
    /// The network was unreachable, so this many were not checked.
    NoNetwork(usize),
}

impl CheckReport {
    /// One line saying what was checked and what was found.
    pub fn summary(&self) -> String {
        let checked = match self.external {
            Some(External::Checked(outside)) => format!(
                "{} ({} on this site, {} on other sites)",
                count(self.internal + outside, "address", "addresses"),
                self.internal,
                outside
            ),
            _ => format!(
                "{} on this site",
                count(self.internal, "address", "addresses")
            ),
        };
        let found = match (self.problems.len(), self.warnings.len()) {
            (0, 0) => "no problems found".to_string(),
            (0, w) => format!("no errors, {} found", count(w, "warning", "warnings")),
            (n, 0) => count(n, "error", "errors") + " found",
            (n, w) => format!(
                "{} and {} found",
                count(n, "error", "errors"),
                count(w, "warning", "warnings")
            ),
        };
        let unchecked = match self.external {
            None if self.outside > 0 => format!(
                "; {} on other sites not checked (--external checks them)",
                count(self.outside, "address", "addresses")
            ),
            Some(External::NoNetwork(outside)) => format!(
                "; {} on other sites not checked (no network)",
                count(outside, "address", "addresses")
            ),
            _ => String::new(),
        };
        format!(
            "Checked {} and {checked}: {found}{unchecked}",
            count(self.pages, "page", "pages")
        )
    }
}

/// `1 address`, `2 addresses`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one line printed instead of every external link, when none could be reached.
pub fn no_network_message(addresses: usize) -> String {
    format!(
        "The network is unreachable: no host could be looked up or connected to, so {} on other sites {} not checked; connect and run `forklar check --external` again.",
        count(addresses, "address", "addresses"),
        if addresses == 1 { "was" } else { "were" }
    )
}

/// How `--external` checks links to other sites.
#[derive(Debug, Clone, Copy)]
pub struct ExternalOptions {
    /// The longest one link may take.
    pub timeout: Duration,
    /// How many links are checked at once; a site is never flooded.
    pub concurrency: usize,
}

impl Default for ExternalOptions {
    fn default() -> ExternalOptions {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            concurrency: 8,
        }
    }
}

/// Runs the pipeline and verifies every internal link, and with `external` every
/// link to another site. `Err` is a site that does not load or render, so no link
/// was followed; the links' problems are in the report.
pub fn check(
    options: &BuildOptions,
    external: Option<ExternalOptions>,
) -> Result<CheckReport, Diagnostics> {
    let (site, mut templates) = load(options)?;
    // As in a build: a render past its time limit ends the process, so the
    // others need no hand-over to a worker.
    templates.end_process_on_overrun(Box::new(|problem| {
        let problems = Diagnostics(vec![problem]);
        eprint!("{problems}");
        eprintln!("\n{} found; no link was checked", problems.summary());
    }));
    let collected = Collect::default();
    let renderer = Renderer::new(&site, &templates).at(options.now());
    let rendered = renderer.render_all(&collected).map_err(|mut problems| {
        problems.0.extend(site.warnings.iter().cloned());
        problems.0.extend(renderer.take_noted());
        problems
    })?;
    // Links to missing files and images were found while rendering; they are
    // reported with the rest, each once.
    let (warnings, mut problems): (Vec<Diagnostic>, Vec<Diagnostic>) = site
        .warnings
        .iter()
        .cloned()
        .chain(renderer.take_noted())
        .partition(Diagnostic::is_warning);
    let pages = rendered.len();
    // The files each published file was made from, where a link on it can be
    // written: its own source first, then the entries and timelines it shows.
    let mut sources: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for page in &rendered {
        let files: Vec<PathBuf> = page
            .deps
            .iter()
            .filter_map(|dep| match dep {
                Dep::File(path) => Some(path.clone()),
                Dep::Entry(key) | Dep::EntryShown(key) => {
                    site.background.get(key).map(|e| e.path.clone())
                }
                Dep::Timeline(key) => site.timelines.get(key).map(|t| t.path.clone()),
                _ => None,
            })
            .collect();
        for output in renderer.output_paths(&page.page) {
            sources.insert(output, files.clone());
        }
    }
    drop(renderer);
    let files = collected
        .files
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    let base_path = site.config.base_path().to_string();
    let ids: HashMap<&str, HashSet<String>> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, (bytes, _))| {
            (
                path.as_str(),
                attribute_values(&String::from_utf8_lossy(bytes), "id")
                    .into_iter()
                    .collect::<HashSet<String>>(),
            )
        })
        .collect();
    problems.extend(embargo::links_to_embargoed(&site, &rendered));
    // Each address on the site once, relative ones resolved against their page.
    let mut internal: HashSet<String> = HashSet::new();
    // Each external address once, with the file of the first page that has it.
    let mut outside: BTreeMap<String, String> = BTreeMap::new();
    let mut pages_sorted: Vec<(&String, &(Vec<u8>, String))> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .collect();
    pages_sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (page, (bytes, origin)) in pages_sorted {
        let html = String::from_utf8_lossy(bytes);
        let mut seen = HashSet::new();
        for attribute in ["href", "src"] {
            for target in attribute_values(&html, attribute) {
                if !seen.insert(target.clone()) {
                    continue;
                }
                if target.starts_with("http://") || target.starts_with("https://") {
                    outside
                        .entry(target.clone())
                        .or_insert_with(|| origin.clone());
                } else if let Some(address) = internal_address(page, &target) {
                    internal.insert(address);
                }
                if let Some(problem) = check_link(page, &target, &base_path, &files, &ids) {
                    let read = sources.get(page.as_str()).map_or(&[][..], Vec::as_slice);
                    let diagnostic = locate(problem, &target, origin, read, &options.root);
                    // A timeline's link shows on its page and in every article with it.
                    if !problems.iter().any(|p: &Diagnostic| {
                        (p.message == diagnostic.message
                            || (p.location.is_some()
                                && p.location.as_ref().map(|l| l.column)
                                    == diagnostic.location.as_ref().map(|l| l.column)))
                            && p.file == diagnostic.file
                            && p.line() == diagnostic.line()
                    }) {
                        problems.push(diagnostic);
                    }
                }
            }
        }
    }
    let own_site = site.config.base_url.clone();
    let targets: Vec<(String, String)> = outside
        .into_iter()
        // The site's own absolute URLs (canonical, feed) are not on the web yet.
        .filter(|(url, _)| !url.starts_with(&own_site))
        .collect();
    let outside = targets.len();
    let external = external.map(|settings| match check_external(targets, settings) {
        Answers::NoNetwork => External::NoNetwork(outside),
        Answers::Asked(broken) => {
            for (url, origin, why) in broken {
                problems.push(locate(
                    format!("`{url}` {why}"),
                    &url,
                    &origin,
                    &[],
                    &options.root,
                ));
            }
            External::Checked(outside)
        }
    });
    Ok(CheckReport {
        pages,
        internal: internal.len(),
        outside,
        external,
        problems,
        warnings,
    })
}

/// The address a link on `page` leads to on the site, written one way whatever
/// way the link is written; `None` for `mailto:`, `tel:` and other schemes.
fn internal_address(page: &str, target: &str) -> Option<String> {
    if target.starts_with("//") || (target.contains(':') && !target.starts_with('/')) {
        return None;
    }
    if target.starts_with('/') {
        return Some(target.to_string());
    }
    let page_path = page.strip_suffix("index.html").unwrap_or(page);
    if target.starts_with('#') || target.is_empty() {
        return Some(format!("/{page_path}{target}"));
    }
    let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
    Some(format!("/{}", normalise(&format!("{dir}/{target}"))))
}

/// Why a link from `page` to `target` is broken, or `None` if it is fine or external.
fn check_link(
    page: &str,
    target: &str,
    base_path: &str,
    files: &HashMap<String, (Vec<u8>, String)>,
    ids: &HashMap<&str, HashSet<String>>,
) -> Option<String> {
    if target.starts_with("//")
        || target.contains("://")
        || target.starts_with("mailto:")
        || target.starts_with("tel:")
    {
        return None;
    }
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (target, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let file = if path.is_empty() {
        page.to_string()
    } else if let Some(from_root) = path.strip_prefix('/') {
        match from_root.strip_prefix(base_path.trim_start_matches('/')) {
            Some(inside) => inside.to_string(),
            None => {
                return Some(format!(
                    "`{target}` is outside the site's base path {base_path}"
                ));
            }
        }
    } else {
        let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        normalise(&format!("{dir}/{path}"))
    };
    let file = percent_decode(&file);
    let resolved = [
        file.clone(),
        format!("{file}index.html"),
        format!("{file}/index.html"),
    ]
    .into_iter()
    .find(|candidate| files.contains_key(candidate.trim_start_matches('/')));
    let Some(resolved) = resolved else {
        if path.ends_with(".md") {
            return Some(format!(
                "`{target}` links to a content file that does not exist"
            ));
        }
        return Some(format!("`{target}` leads to no page or file of the site"));
    };
    if let Some(fragment) = fragment.filter(|f| !f.is_empty())
        && let Some(page_ids) = ids.get(resolved.trim_start_matches('/'))
        && !page_ids.contains(&percent_decode(fragment))
    {
        return Some(format!("`{target}`: the page has no section `#{fragment}`"));
    }
    None
}

/// Points a broken link at its line in the content file it is written in: the
/// page's own file (`origin`), or another file the page was made from (`read`).
fn locate(
    message: String,
    target: &str,
    origin: &str,
    read: &[PathBuf],
    root: &Path,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(format!("broken link: {message}"));
    let help = "fix the link, or create the page or file it points to";
    let needles = [
        target,
        target.split('#').next().unwrap_or(target),
        target.rsplit('/').find(|s| !s.is_empty()).unwrap_or(target),
    ];
    let origin = PathBuf::from(origin);
    for path in std::iter::once(&origin).chain(read) {
        let Ok(text) = std::fs::read_to_string(root.join(path)) else {
            continue;
        };
        for needle in needles.iter().filter(|n| !n.is_empty()) {
            if let Some(at) = text.find(needle) {
                return diagnostic
                    .in_file(path)
                    .at_span(&text, at..at + needle.len())
                    .with_help(help);
            }
        }
    }
    diagnostic.with_help(format!("{help}; the link is on {}", origin.display()))
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> HashMap<String, (Vec<u8>, String)> {
        files
            .iter()
            .map(|(path, html)| (path.to_string(), (html.as_bytes().to_vec(), String::new())))
            .collect()
    }

    #[test]
    fn finds_broken_paths_and_anchors() {
        let files = site(&[
            ("index.html", "<a href=\"/a/\">"),
            ("a/index.html", "<h2 id=\"del-1\">"),
            ("style.css", ""),
        ]);
        let ids: HashMap<&str, HashSet<String>> = files
            .iter()
            .map(|(p, (b, _))| {
                (
                    p.as_str(),
                    attribute_values(&String::from_utf8_lossy(b), "id")
                        .into_iter()
                        .collect(),
                )
            })
            .collect();
        let check = |target: &str| check_link("index.html", target, "/", &files, &ids);
        assert_eq!(check("/a/"), None);
        assert_eq!(check("/a/#del-1"), None);
        assert_eq!(check("/style.css"), None);
        assert_eq!(check("a/"), None);
        assert_eq!(check("https://example.org/x"), None);
        assert!(check("/a/#mangler").unwrap().contains("no section"));
        assert!(check("/b/").unwrap().contains("leads to no page"));
        assert!(check("b.md").unwrap().contains("content file"));
        assert!(check("#topp").unwrap().contains("no section"));
    }

    #[test]
    fn respects_the_base_path() {
        let files = site(&[("a/index.html", "")]);
        let ids = HashMap::new();
        assert_eq!(
            check_link("index.html", "/sub/a/", "/sub/", &files, &ids),
            None
        );
        assert!(check_link("index.html", "/a/", "/sub/", &files, &ids).is_some());
    }
}
