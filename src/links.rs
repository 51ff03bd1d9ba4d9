//! Links between the site's own files, as data: an index from each content
//! file to the URL it is published at, handed down to the Markdown renderer,
//! which hands back every link it found and what it pointed at.

use std::collections::{HashMap, HashSet};
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
    /// Content files that exist but are not published in this build (drafts):
    /// links to them are shown as their text until they are.
    pub unpublished: HashSet<PathBuf>,
    /// Files under `static/`, as paths from the site's root URL (`bilder/kart.png`),
    /// which images may show. `None` leaves images unchecked.
    pub static_files: Option<HashSet<String>>,
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
    /// What is wrong with it, if anything.
    pub problem: Option<LinkProblem>,
}

/// A link or image a writer must fix (or wait for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// A link to a content file that does not exist.
    NoSuchFile(PathBuf),
    /// A link to an article that exists but is not published in this build.
    Unpublished(PathBuf),
    /// An image that is not among the static files.
    NoSuchImage(String),
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
    /// A link to an article that is not published in this build.
    Unpublished(PathBuf),
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
                None => written_from(from).join(path),
            };
            let target = normalise(&target);
            let resolved = match self.urls.get(&target) {
                Some(url) => Resolved::Url(format!("{url}{rest}")),
                None if self.unpublished.contains(&target) => Resolved::Unpublished(target.clone()),
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
            Resolved::Keep | Resolved::Missing(_) | Resolved::Unpublished(_) => dest.to_string(),
        }
    }

    /// What is wrong with a link or image written in `from`, if anything.
    pub fn problem(&self, from: &Path, dest: &str, image: bool) -> Option<LinkProblem> {
        match self.resolve(from, dest).0 {
            Resolved::Missing(target) => return Some(LinkProblem::NoSuchFile(target)),
            Resolved::Unpublished(target) => return Some(LinkProblem::Unpublished(target)),
            Resolved::Url(_) | Resolved::Keep => {}
        }
        if !image || dest.is_empty() || dest.starts_with('#') || is_external(dest) {
            return None;
        }
        let files = self.static_files.as_ref()?;
        let path = dest.split(['#', '?']).next().unwrap_or_default();
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let from_root = match decoded.strip_prefix('/') {
            Some(from_root) => from_root.to_string(),
            // Relative to the page the file is published as.
            None => {
                let page = self.urls.get(from)?;
                let page = page.strip_prefix(&self.base_path).unwrap_or(page);
                format!("{}{decoded}", page.trim_start_matches('/'))
            }
        };
        let wanted = normalise(Path::new(&from_root))
            .to_string_lossy()
            .replace('\\', "/");
        (!files.contains(&wanted)).then_some(LinkProblem::NoSuchImage(wanted))
    }

    /// The existing content file whose path is nearest to `missing`, for a
    /// "did you mean" in the help.
    pub fn nearest(&self, missing: &Path) -> Option<&Path> {
        let wanted = missing.to_string_lossy();
        self.urls
            .keys()
            .chain(&self.unpublished)
            .map(|path| (edit_distance(&wanted, &path.to_string_lossy()), path))
            .filter(|(distance, path)| *distance <= 3.max(path.as_os_str().len() / 4))
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
            .map(|(_, path)| path.as_path())
    }

    /// The static file nearest to `missing` (a path from the site's root URL).
    pub fn nearest_static(&self, missing: &str) -> Option<&str> {
        self.static_files
            .as_ref()?
            .iter()
            .map(|file| (edit_distance(missing, file), file))
            .filter(|(distance, file)| *distance <= 3.max(file.len() / 4))
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
            .map(|(_, file)| file.as_str())
    }
}

/// How many characters must be inserted, removed or replaced to turn `a` into `b`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The folder links in `from` are written from: its own, except for a shared
/// timeline (a `.toml` file), which is written for articles and so links
/// from the content folder as they do.
fn written_from(from: &Path) -> &Path {
    if from.extension().is_some_and(|e| e == "toml") {
        return Path::new(CONTENT_DIR);
    }
    from.parent().unwrap_or(Path::new(""))
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
            ..LinkIndex::default()
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
        assert_eq!(
            links
                .resolve(Path::new("content/timelines/uro.toml"), "b.md")
                .0,
            Resolved::Url("/f/bee/".into())
        );
    }

    #[test]
    fn names_missing_files_unpublished_articles_and_missing_images() {
        let mut links = index();
        links.unpublished.insert(PathBuf::from("content/utkast.md"));
        links
            .urls
            .insert(PathBuf::from("content/a.md"), "/f/a/".into());
        links.static_files = Some(["bilder/kart.png".to_string()].into());
        let from = Path::new("content/a.md");
        assert_eq!(
            links.problem(from, "utkast.md", false),
            Some(LinkProblem::Unpublished(PathBuf::from("content/utkast.md")))
        );
        assert_eq!(
            links.problem(from, "bb.md", false),
            Some(LinkProblem::NoSuchFile(PathBuf::from("content/bb.md")))
        );
        assert_eq!(
            links.nearest(Path::new("content/bb.md")),
            Some(Path::new("content/b.md"))
        );
        assert_eq!(links.problem(from, "/bilder/kart.png", true), None);
        assert_eq!(
            links.problem(from, "/bilder/kort.png", true),
            Some(LinkProblem::NoSuchImage("bilder/kort.png".into()))
        );
        assert_eq!(
            links.nearest_static("bilder/kort.png"),
            Some("bilder/kart.png")
        );
        assert_eq!(links.problem(from, "https://x.no/a.png", true), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
