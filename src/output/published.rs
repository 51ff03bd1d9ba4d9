//! The files a build publishes, each path kept once with all a build needs to
//! know of it: what made it (named when a second page claims the same path),
//! whether its new bytes wait in the stage, and its hash and stamp for the
//! next build. A site publishes two or three files an article; a table of
//! paths for each of those three questions held every path three times, a
//! tenth of a full build's memory.

use std::collections::HashMap;

use super::digests::Entry;

#[derive(Default)]
pub(super) struct Published {
    files: HashMap<Box<str>, File>,
    /// Each origin once, by number: an article's file makes its page, its
    /// timeline's page and its images.
    origins: HashMap<Box<str>, u32>,
}

struct File {
    /// Its hash and stamp once it is written; see `recorded`.
    entry: Entry,
    origin: u32,
    recorded: bool,
    staged: bool,
}

impl Published {
    /// Claims `path` for `origin`, or gives the origin of the file that holds
    /// it already.
    pub(super) fn claim(&mut self, path: &str, origin: &str) -> Result<(), String> {
        if let Some(file) = self.files.get(path) {
            return Err(self.origin_named(file.origin).to_string());
        }
        let next = u32::try_from(self.origins.len()).unwrap_or(u32::MAX);
        let origin = *self.origins.entry(origin.into()).or_insert(next);
        self.files.insert(
            path.into(),
            File {
                entry: Entry::default(),
                origin,
                recorded: false,
                staged: false,
            },
        );
        Ok(())
    }

    /// Found only for a message, so a walk over the few origins will do.
    fn origin_named(&self, number: u32) -> &str {
        self.origins
            .iter()
            .find(|&(_, &n)| n == number)
            .map_or("another page", |(name, _)| name)
    }

    /// Makes room for `files` more paths from `origins` more origins.
    pub(super) fn reserve(&mut self, files: usize, origins: usize) {
        self.files.reserve(files);
        self.origins.reserve(origins);
    }

    /// Gives `path` up, to be claimed again.
    pub(super) fn release(&mut self, path: &str) {
        self.files.remove(path);
    }

    /// Keeps `entry` for the claimed `path`, for the next build.
    pub(super) fn record(&mut self, path: &str, entry: Entry) {
        if let Some(file) = self.files.get_mut(path) {
            file.entry = entry;
            file.recorded = true;
        }
    }

    /// Marks the claimed `path` as written into the stage.
    pub(super) fn stage(&mut self, path: &str) {
        if let Some(file) = self.files.get_mut(path) {
            file.staged = true;
        }
    }

    pub(super) fn is_staged(&self, path: &str) -> bool {
        self.files.get(path).is_some_and(|file| file.staged)
    }

    pub(super) fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub(super) fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|path| &**path)
    }

    /// The paths written into the stage, in order.
    pub(super) fn staged(&self) -> Vec<&str> {
        let mut staged: Vec<&str> = self
            .files
            .iter()
            .filter(|(_, file)| file.staged)
            .map(|(path, _)| &**path)
            .collect();
        staged.sort_unstable();
        staged
    }

    /// The hash and stamp of every file written or found unchanged.
    pub(super) fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> + Clone {
        self.files
            .iter()
            .filter(|(_, file)| file.recorded)
            .map(|(path, file)| (&**path, &file.entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_names_the_first_origin() {
        let mut published = Published::default();
        assert!(published.claim("a/index.html", "content/a.md").is_ok());
        assert!(
            published
                .claim("a/tidslinje/index.html", "content/a.md")
                .is_ok()
        );
        assert!(published.claim("b/index.html", "content/b.md").is_ok());
        assert_eq!(
            published.claim("a/index.html", "static/a/index.html"),
            Err("content/a.md".to_string())
        );
        assert_eq!(
            published.claim("b/index.html", "content/c.md"),
            Err("content/b.md".to_string())
        );
    }

    #[test]
    fn only_staged_paths_are_staged_and_only_recorded_ones_are_kept() {
        let mut published = Published::default();
        for path in ["c", "a", "b"] {
            published.claim(path, "origin").unwrap();
        }
        published.stage("c");
        published.stage("a");
        published.record("b", Entry::default());
        published.stage("not claimed");
        published.record("not claimed", Entry::default());
        assert_eq!(published.staged(), ["a", "c"]);
        assert!(published.is_staged("a") && !published.is_staged("b"));
        assert!(!published.is_staged("not claimed"));
        let kept: Vec<&str> = published.entries().map(|(path, _)| path).collect();
        assert_eq!(kept, ["b"]);
        published.release("a");
        assert!(!published.contains("a"));
        assert!(published.claim("a", "other").is_ok());
    }
}
