//! Embargo: an article with `embargo = true` and a date still to come must not
//! be linked from anything published before its time; a link would give it
//! away (its address, and in a preview its text).

use std::path::{Path, PathBuf};

use crate::deps::Dep;
use crate::diagnostics::Diagnostic;
use crate::render::Rendered;
use crate::site::Site;
use crate::site::publish::Status;

/// A problem for each published file linking to an embargoed article, at the
/// line of the link in the file it is written in (the page's own, or a
/// background entry or timeline the page shows).
pub fn links_to_embargoed(site: &Site, rendered: &[Rendered]) -> Vec<Diagnostic> {
    let mut problems: Vec<Diagnostic> = Vec::new();
    for page in rendered {
        for dep in page.deps.iter() {
            let Dep::Url(target) = dep else { continue };
            let Some(article) = site.withheld.get(target) else {
                continue;
            };
            if !article.embargo || article.status != Status::Scheduled {
                continue;
            }
            let when = article
                .date
                .shown_in(site.config.language, &site.config.zone.0, true)
                .moment;
            let found = made_from(site, page)
                .iter()
                .find_map(|file| locate(&site.root, file, target));
            let diagnostic = Diagnostic::new(format!(
                "link to {}, which is under embargo until {when}",
                target.display()
            ))
            .with_help(
                "remove the link until the article is published, or give this file a date no earlier than the embargoed article's",
            );
            let diagnostic = match found {
                Some((file, text, span)) => diagnostic.in_file(file).at_span(&text, span),
                None => diagnostic,
            };
            let seen = problems.iter().any(|p| {
                p.message == diagnostic.message
                    && p.file == diagnostic.file
                    && p.line() == diagnostic.line()
            });
            if !seen {
                problems.push(diagnostic);
            }
        }
    }
    problems
}

/// The files a page was made from, where a link on it can be written.
fn made_from(site: &Site, page: &Rendered) -> Vec<PathBuf> {
    page.deps
        .iter()
        .filter_map(|dep| match dep {
            Dep::File(path) => Some(path.clone()),
            Dep::Entry(key) | Dep::EntryShown(key) => {
                site.background.get(key).map(|e| e.path.clone())
            }
            Dep::Timeline(key) => site.timelines.get(key).map(|t| t.path.clone()),
            _ => None,
        })
        .collect()
}

/// Where in `file` a link to `target` is written: its file name inside a
/// Markdown link destination.
fn locate(
    root: &Path,
    file: &Path,
    target: &Path,
) -> Option<(PathBuf, String, std::ops::Range<usize>)> {
    let name = target.file_name()?.to_str()?;
    let text = std::fs::read_to_string(root.join(file)).ok()?;
    let at = text.find(name)?;
    Some((file.to_path_buf(), text, at..at + name.len()))
}
