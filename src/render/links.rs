//! The links and images a page's Markdown and front matter hold, checked as
//! the page is rendered: a missing file or image is an error at its line, a
//! link to an article not published in this build a warning. And where each
//! content file is published, which those links resolve against.

use std::collections::HashMap;
use std::path::Path;

use super::Renderer;
use crate::diagnostics::{Diagnostic, Location};
use crate::links::{FoundLink, LinkIndex, LinkProblem};
use crate::site::Site;
use crate::site::publish::Status;
use crate::urls::Urls;

impl Renderer<'_> {
    /// The problems of the links and images of a Markdown text from `file`
    /// (whose first line is the file's `first_line`), noted: a link to an
    /// article not published in this build is a warning; anything missing is
    /// an error, which fails the build once every page is rendered.
    pub(super) fn check_links(
        &self,
        found: &[FoundLink],
        text: &str,
        file: &Path,
        first_line: usize,
    ) {
        for link in found {
            let Some(problem) = &link.problem else {
                continue;
            };
            // The caret goes under the address, where the link has one.
            let written = text.get(link.range.clone()).unwrap_or_default();
            let span = match written.find(&format!("]({}", link.dest)) {
                Some(at) => {
                    let start = link.range.start + at + 2;
                    start..start + link.dest.len()
                }
                None => link.range.clone(),
            };
            let mut location = Location::from_span(text, span);
            location.line += first_line.saturating_sub(1);
            self.note(
                self.link_diagnostic(link, problem, file)
                    .in_file(file)
                    .at(location),
            );
        }
    }

    /// Why the article at `target` is left out of this build, and when its links appear.
    fn why_unpublished(&self, target: &Path) -> String {
        let file = target.display();
        let withheld = self.site.withheld.get(target);
        match withheld.map(|w| (w.status, w.date, w.expires)) {
            Some((Status::Scheduled, date, _)) => format!(
                "{file} is scheduled for {}; the link appears in the first build after that, \
                 and `--preview` shows it now",
                date.rfc3339()
            ),
            Some((Status::Expired, _, Some(expires))) => format!(
                "{file} expired at {} (expires in its front matter) and is no longer published; \
                 link to another article, or remove the link",
                expires.rfc3339()
            ),
            _ => format!(
                "{file} is a draft; the link appears once it is published (draft = false), \
                 and `--drafts` shows it in a preview"
            ),
        }
    }

    fn link_diagnostic(&self, link: &FoundLink, problem: &LinkProblem, file: &Path) -> Diagnostic {
        let dest = &link.dest;
        match problem {
            LinkProblem::Unpublished(target) => Diagnostic::warning(format!(
                "`{dest}` is not published in this build, so the link is shown as plain text"
            ))
            .with_help(self.why_unpublished(target)),
            LinkProblem::NoSuchFile(target) => {
                let help = match self.links.nearest(target) {
                    Some(near) => format!(
                        "did you mean `{}`? {} does not exist",
                        as_written_from(file, near),
                        target.display()
                    ),
                    None => format!(
                        "{} does not exist; links to content files are written from the file \
                         they are in (from content/ in a timeline), e.g. [text](other-article.md) \
                         or [text](/background/csto.md)",
                        target.display()
                    ),
                };
                Diagnostic::new(format!(
                    "`{dest}` links to a content file that does not exist"
                ))
                .with_help(help)
            }
            LinkProblem::NoSuchImage(wanted) => {
                let help = match self.links.nearest_static(wanted) {
                    Some(near) => format!(
                        "did you mean `/{near}`? images are published from static/, so this one \
                         would be static/{wanted}"
                    ),
                    None => format!(
                        "put the image in static/{wanted}, or fix the path; images are published from static/"
                    ),
                };
                Diagnostic::new(format!("the image `{dest}` does not exist")).with_help(help)
            }
        }
    }

    /// The links found in front matter and shared files while rendering, as
    /// diagnostics at their line: each once, however many pages show them.
    pub(super) fn note_front_matter_links(&self) {
        let found: Vec<(std::path::PathBuf, FoundLink)> = self
            .link_problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
            .collect();
        let mut seen = std::collections::HashSet::new();
        for (file, link) in found {
            let Some(problem) = &link.problem else {
                continue;
            };
            if !seen.insert((file.clone(), link.dest.clone())) {
                continue;
            }
            let diagnostic = self.link_diagnostic(&link, problem, &file).in_file(&file);
            let text = std::fs::read_to_string(self.site.root.join(&file)).unwrap_or_default();
            // Written inside a TOML string: found by its address, as written.
            let at = text
                .find(&format!("]({}", link.dest))
                .map(|at| at + 2)
                .or_else(|| text.find(&link.dest));
            let diagnostic = match at {
                Some(at) => diagnostic.at_span(&text, at..at + link.dest.len()),
                None => diagnostic,
            };
            self.note(diagnostic);
        }
    }

    pub(super) fn note(&self, diagnostic: Diagnostic) {
        self.noted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(diagnostic);
    }
}

/// How a writer links to `target` from `file`: by its name beside it, else
/// from the content folder (`/background/csto.md`).
fn as_written_from(file: &Path, target: &Path) -> String {
    if file.parent() == target.parent() {
        return target
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    let inside = target
        .strip_prefix(crate::layout::CONTENT_DIR)
        .unwrap_or(target);
    format!("/{}", inside.to_string_lossy().replace('\\', "/"))
}

/// Where each content file with a page is published, for links.
pub(super) fn link_index(site: &Site, urls: &Urls) -> LinkIndex {
    let mut links = LinkIndex {
        base_path: urls.base_path().to_string(),
        urls: HashMap::with_capacity(site.articles.len() + site.background.len()),
        unpublished: site.withheld.keys().cloned().collect(),
        static_files: Some(
            site.static_files
                .iter()
                .map(|file| file.to_string_lossy().replace('\\', "/"))
                .collect(),
        ),
    };
    // The first article with a slug gets it; a clash is an error before rendering.
    for article in site.articles.iter().rev() {
        links
            .urls
            .insert(article.path.clone(), urls.article(&article.slug));
    }
    for entry in site.background.values() {
        links
            .urls
            .insert(entry.path.clone(), urls.background(&entry.key));
    }
    for person in site.people.values() {
        links
            .urls
            .insert(person.path.clone(), urls.person(&person.key));
    }
    links
}
