//! Links between the site's own files, as data: an index from each content
//! file to the URL it is published at, handed down to the Markdown renderer,
//! which hands back every link it found and what it pointed at.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::layout::{CONTENT_DIR, normalise};
use crate::url_policy::is_external;

/// Every content file that has a page, by its path from the site root.
#[derive(Debug, Clone, Default)]
pub struct LinkIndex {
    /// The site's base path, `/` or `/forklaring/`.
    pub base_path: String,
    pub urls: HashMap<PathBuf, String>,
}

/// A link as a content file wrote it, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    pub dest: String,
    /// The content file it points at, for links to `.md` files, whether or
    /// not that file exists.
    pub target: Option<PathBuf>,
    /// Where the link is in the Markdown it was found in (bytes).
    pub range: Range<usize>,
}

/// What to publish for a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Publish as written: anchors, web addresses, relative paths.
    Keep,
    /// Publish this URL instead.
    Url(String),
    /// A link to a content file that has no page.
    Missing(PathBuf),
}

impl LinkIndex {
    /// Links to content files (`annen-sak.md`, `../background/csto.md#x`) become
    /// their pages' URLs; site paths (`/bilder/a.jpg`) get the base path, so the
    /// site works under a sub-path. `from` is the file the link is written in.
    pub fn resolve(&self, from: &Path, dest: &str) -> (Resolved, Option<PathBuf>) {
        if dest.is_empty() || dest.starts_with('#') || is_external(dest) {
            return (Resolved::Keep, None);
        }
        let split_at = dest.find(['#', '?']).unwrap_or(dest.len());
        let (path, rest) = dest.split_at(split_at);
        if path.ends_with(".md") {
            let target = match path.strip_prefix('/') {
                Some(from_content) => Path::new(CONTENT_DIR).join(from_content),
                None => from.parent().unwrap_or(Path::new("")).join(path),
            };
            let target = normalise(&target);
            let resolved = match self.urls.get(&target) {
                Some(url) => Resolved::Url(format!("{url}{rest}")),
                None => Resolved::Missing(target.clone()),
            };
            return (resolved, Some(target));
        }
        match path.strip_prefix('/') {
            Some(from_root) if self.base_path != "/" => (
                Resolved::Url(format!("{}{from_root}{rest}", self.base_path)),
                None,
            ),
            _ => (Resolved::Keep, None),
        }
    }

    /// The URL to publish for `dest`: rewritten where it points into the site,
    /// as written otherwise.
    pub fn publish(&self, from: &Path, dest: &str) -> String {
        match self.resolve(from, dest).0 {
            Resolved::Url(url) => url,
            Resolved::Keep | Resolved::Missing(_) => dest.to_string(),
        }
    }
}

/// Where links in one file are resolved from; what the Markdown renderer gets.
#[derive(Clone, Copy)]
pub struct LinkScope<'a> {
    pub index: &'a LinkIndex,
    pub from: &'a Path,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex {
        LinkIndex {
            base_path: "/f/".into(),
            urls: [
                (PathBuf::from("content/b.md"), "/f/bee/".to_string()),
                (
                    PathBuf::from("content/background/csto.md"),
                    "/f/bakgrunn/csto/".to_string(),
                ),
            ]
            .into(),
        }
    }

    #[test]
    fn resolves_content_files_and_site_paths() {
        let from = Path::new("content/a.md");
        let links = index();
        assert_eq!(
            links.resolve(from, "b.md#x"),
            (
                Resolved::Url("/f/bee/#x".into()),
                Some(PathBuf::from("content/b.md"))
            )
        );
        assert_eq!(
            links.resolve(from, "background/csto.md").0,
            Resolved::Url("/f/bakgrunn/csto/".into())
        );
        assert_eq!(
            links
                .resolve(Path::new("content/background/x.md"), "../b.md")
                .0,
            Resolved::Url("/f/bee/".into())
        );
        assert_eq!(
            links.resolve(from, "c.md").0,
            Resolved::Missing(PathBuf::from("content/c.md"))
        );
        assert_eq!(
            links.resolve(from, "/bilder/a.jpg").0,
            Resolved::Url("/f/bilder/a.jpg".into())
        );
        assert_eq!(links.resolve(from, "https://x.no/a.md").0, Resolved::Keep);
        assert_eq!(links.resolve(from, "#top").0, Resolved::Keep);
    }
}
