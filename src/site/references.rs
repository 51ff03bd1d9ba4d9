//! Problems between files: two articles with one URL, an article on a URL
//! forklar uses itself, and names of background entries or timelines that no
//! file has (each part checks its own).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::path::PathBuf;

use super::Site;
use super::article::Article;
use crate::diagnostics::Diagnostic;
use crate::parts::{self, RefCx};

impl Site {
    /// The problems between files, by the article they are reported on.
    pub fn problems_between_files(&self) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        let mut first_with_slug: HashMap<&str, &Article> =
            HashMap::with_capacity(self.articles.len());
        let mut found = BTreeMap::new();
        for article in &self.articles {
            let first = *first_with_slug.entry(&article.slug).or_insert(article);
            let problems = self.problems_of(article, first);
            if !problems.is_empty() {
                found.insert(article.path.clone(), problems);
            }
        }
        found
    }

    /// [`Site::problems_between_files`] of the articles at `paths` alone: enough
    /// after a save that changed no slug and no key of a shared file, when the
    /// other articles had none.
    pub fn problems_of_articles(
        &self,
        paths: &std::collections::BTreeSet<PathBuf>,
    ) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        let mut found = BTreeMap::new();
        for article in self.articles.iter().filter(|a| paths.contains(&a.path)) {
            let first = self.articles.iter().find(|a| a.slug == article.slug);
            let problems = self.problems_of(article, first.unwrap_or(article));
            if !problems.is_empty() {
                found.insert(article.path.clone(), problems);
            }
        }
        found
    }

    /// Tags written in more than one way, differing only in case or in spaces
    /// around them (`Kasakhstan`, `kasakhstan`, ` Kasakhstan `), are one tag:
    /// each takes the spelling most articles use (on a tie, that of the oldest
    /// article), and every other spelling gets a warning at its place.
    pub fn merge_tag_spellings(&mut self) -> Vec<Diagnostic> {
        // Oldest first, so a tie goes to the spelling that was there first.
        let mut spellings: HashMap<String, Vec<(String, usize)>> = HashMap::new();
        for article in self.articles.iter().rev() {
            for tag in &article.tags {
                let raw = tag.as_written().to_string();
                let counts = spellings.entry(tag.name.to_lowercase()).or_default();
                match counts.iter_mut().find(|(spelling, _)| *spelling == raw) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((raw, 1)),
                }
            }
        }
        let canonical: HashMap<String, String> = spellings
            .into_iter()
            .filter(|(_, counts)| counts.len() > 1)
            .map(|(key, counts)| {
                let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
                let chosen = counts
                    .iter()
                    .find(|(_, n)| *n == most)
                    .map(|(spelling, _)| spelling.trim().to_string())
                    .unwrap_or_default();
                (key, chosen)
            })
            .collect();
        if canonical.is_empty() {
            return Vec::new();
        }
        let mut warnings = Vec::new();
        for article in &mut self.articles {
            for at in 0..article.tags.len() {
                let tag = &article.tags[at];
                let Some(chosen) = canonical.get(&tag.name.to_lowercase()) else {
                    continue;
                };
                let raw = tag.as_written().to_string();
                if raw != *chosen {
                    let text = article.front_matter();
                    warnings.push(tag_warning(&article.path, &text, tag, &raw, chosen));
                }
                let tag = &mut article.tags[at];
                tag.name = chosen.clone();
                // The chosen spelling is now the name; the raw one stays
                // for the next comparison (serve merges again on each save).
                if tag.written.is_none() && raw != tag.name {
                    tag.written = Some(raw.into());
                }
            }
            let mut seen = std::collections::HashSet::new();
            article.tags.retain(|tag| seen.insert(tag.name.clone()));
        }
        warnings
    }

    /// Top-level folders the site itself publishes into.
    pub fn reserved_paths(&self) -> [&'static str; 6] {
        let language = self.config.language;
        [
            language.background_section(),
            language.timeline_section(),
            language.tag_section(),
            language.pages_section(),
            language.corrections_section(),
            language.people_section(),
        ]
    }

    /// An article's clashes with `first`, the first article with the same
    /// slug, or with forklar's own folders, and its parts' unknown names.
    pub(crate) fn problems_of(&self, article: &Article, first: &Article) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let clash = if self.reserved_paths().contains(&article.slug.as_str()) {
            Some(format!(
                "`{}` is used by forklar itself; set another slug = \"…\"",
                article.slug
            ))
        } else if first.path != article.path {
            Some(format!(
                "`{}` and `{}` would both be published at /{}/; give one of them another slug = \"…\"",
                first.path.display(),
                article.path.display(),
                article.slug
            ))
        } else {
            None
        };
        if let Some(help) = clash {
            problems.push(
                Diagnostic::new(format!("two pages have the URL /{}/", article.slug))
                    .in_file(&article.path)
                    .at_span(&article.front_matter(), article.slug_span.clone())
                    .with_help(help),
            );
        }
        let cx = RefCx {
            language: self.config.language,
            path: &article.path,
            text: &|| article.front_matter().into_owned(),
            slug: &article.slug,
            slug_span: article.slug_span.clone(),
            entries: &self.background,
            timelines: &self.timelines,
            people: &self.people,
        };
        parts::check_references(&article.parts, &cx, &mut problems);
        problems
    }
}

fn tag_warning(
    path: &Path,
    text: &str,
    tag: &super::article::Tag,
    raw: &str,
    chosen: &str,
) -> Diagnostic {
    let why = if raw.trim() == chosen {
        "has spaces around it"
    } else {
        "is written differently in other articles"
    };
    Diagnostic::warning(format!("the tag `{raw}` {why}; it is shown as `{chosen}`"))
        .in_file(path)
        .at_span(text, tag.span.clone())
        .with_help(format!(
            "write \"{chosen}\" here too, so the tag is spelt one way on every page"
        ))
}
