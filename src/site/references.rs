//! Problems between files: two articles with one URL, an article on a URL
//! forklar uses itself, and names of background entries or timelines that no
//! file has (each part checks its own).

use std::collections::{BTreeMap, HashMap};
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
