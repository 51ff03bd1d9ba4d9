//! Tags written in more than one way, differing only in case or in spaces
//! around them (`Kasakhstan`, `kasakhstan`, ` Kasakhstan `), are one tag:
//! each takes the spelling most articles use (on a tie, that of the oldest
//! article), and every other spelling gets a warning at its place.
//!
//! [`TagSpellings`] keeps which articles carry each tag, so that a save
//! merges again only the tags its articles had and have, with the same
//! result as a merge over every article.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use super::Site;
use super::article::{Article, Tag};
use super::shared_text::SharedText;
use crate::diagnostics::Diagnostic;

/// The merged spellings of a site's tags, and what they were worked out from.
#[derive(Default)]
pub struct TagSpellings {
    /// Each tag, by its name in lower case, with the articles whose file
    /// writes it.
    carriers: HashMap<String, HashSet<PathBuf>>,
    /// How many times each tag is written in each spelling.
    counts: HashMap<String, HashMap<String, usize>>,
    /// The spelling shown of each tag written in more than one way.
    chosen: HashMap<String, String>,
    /// The warnings about each article's spellings, where it has any.
    warned: HashMap<PathBuf, Vec<Diagnostic>>,
}

/// An article's tags as its file writes them, and its place in the order
/// (which breaks ties between spellings): all a merge reads of it.
#[derive(PartialEq)]
pub struct WrittenTags {
    index: usize,
    /// Each tag's key and spelling as written.
    spellings: Vec<(String, String)>,
}

impl WrittenTags {
    pub fn of(site: &Site, index: usize) -> WrittenTags {
        WrittenTags {
            index,
            spellings: site.articles[index]
                .written_tags()
                .iter()
                .map(|tag| (key_of(tag), tag.as_written().to_string()))
                .collect(),
        }
    }
}

/// The articles whose tags a merge showed differently, other than the
/// saved ones, with the slugs of their tags before and after.
#[derive(Default)]
pub struct Respelled {
    pub articles: Vec<PathBuf>,
    pub slugs: HashSet<String>,
}

impl Site {
    /// Merges the spellings of every article's tags; returns the warnings,
    /// in the order of the articles.
    pub fn merge_tag_spellings(&mut self) -> Vec<Diagnostic> {
        let mut spellings = TagSpellings::default();
        spellings.merge_all(self);
        let positions = positions(self);
        spellings.warnings(&|path| positions.get(path).copied())
    }
}

impl TagSpellings {
    /// Merges every article's tags again, from their tags as written.
    pub fn merge_all(&mut self, site: &mut Site) -> Respelled {
        self.carriers.clear();
        self.counts.clear();
        for article in &site.articles {
            for tag in article.written_tags() {
                let key = key_of(tag);
                *self
                    .counts
                    .entry(key.clone())
                    .or_default()
                    .entry(tag.as_written().to_string())
                    .or_default() += 1;
                self.carriers
                    .entry(key)
                    .or_default()
                    .insert(article.path.clone());
            }
        }
        let positions = positions(site);
        let chosen: HashMap<String, String> = self
            .carriers
            .keys()
            .filter_map(|key| {
                let spelling = self.spelling_of(site, key, &|path| positions.get(path).copied());
                spelling.map(|spelling| (key.clone(), spelling))
            })
            .collect();
        self.chosen = chosen;
        self.warned.clear();
        let every: Vec<usize> = (0..site.articles.len()).collect();
        self.respell(site, &every, &HashSet::new())
    }

    /// Merges the spellings of the tags the saved articles had (`before`,
    /// by file, read before the save) and have now. Only the saved
    /// articles and those that carry a tag whose spelling changed are given
    /// their tags again.
    pub fn merge_saved(
        &mut self,
        site: &mut Site,
        index_of: &dyn Fn(&Path) -> Option<usize>,
        before: Vec<(PathBuf, Option<WrittenTags>)>,
    ) -> Respelled {
        let mut keys: HashSet<String> = HashSet::new();
        let mut saved: HashSet<PathBuf> = HashSet::new();
        for (path, before) in before {
            let now = index_of(&path).map(|index| WrittenTags::of(site, index));
            if now.is_none() {
                self.warned.remove(&path);
            }
            if before != now {
                for (key, spelling) in before.iter().flat_map(|b| &b.spellings) {
                    self.forget(&path, key, spelling);
                    keys.insert(key.clone());
                }
                for (key, spelling) in now.iter().flat_map(|n| &n.spellings) {
                    *self
                        .counts
                        .entry(key.clone())
                        .or_default()
                        .entry(spelling.clone())
                        .or_default() += 1;
                    self.carriers
                        .entry(key.clone())
                        .or_default()
                        .insert(path.clone());
                    keys.insert(key.clone());
                }
            }
            saved.insert(path);
        }
        let merged_before = !self.chosen.is_empty();
        let mut redo: HashSet<PathBuf> = saved.clone();
        for key in keys {
            let spelling = self.spelling_of(site, &key, index_of);
            if spelling.as_ref() == self.chosen.get(&key) {
                continue;
            }
            if let Some(paths) = self.carriers.get(&key) {
                redo.extend(paths.iter().cloned());
            }
            match spelling {
                Some(spelling) => self.chosen.insert(key, spelling),
                None => self.chosen.remove(&key),
            };
        }
        // Whether any tag is merged decides whether every article's
        // repeated tags are shown once.
        let merged_now = !self.chosen.is_empty();
        let indices: Vec<usize> = if merged_now != merged_before {
            (0..site.articles.len()).collect()
        } else {
            redo.iter().filter_map(|path| index_of(path)).collect()
        };
        self.respell(site, &indices, &saved)
    }

    /// Takes one tag of the article at `path`, written as `spelling`, out
    /// of the counts and the tag's articles.
    fn forget(&mut self, path: &Path, key: &str, spelling: &str) {
        if let Some(paths) = self.carriers.get_mut(key) {
            paths.remove(path);
            if paths.is_empty() {
                self.carriers.remove(key);
            }
        }
        if let Some(counts) = self.counts.get_mut(key) {
            if let Some(n) = counts.get_mut(spelling) {
                *n -= 1;
                if *n == 0 {
                    counts.remove(spelling);
                }
            }
            if counts.is_empty() {
                self.counts.remove(key);
            }
        }
    }

    /// The spelling the tag `key` is shown in, where it is written in more
    /// than one way: the one written most, from the counts alone; on a tie,
    /// the one the oldest of its articles writes first.
    fn spelling_of(
        &self,
        site: &Site,
        key: &str,
        index_of: &dyn Fn(&Path) -> Option<usize>,
    ) -> Option<String> {
        let counts = self.counts.get(key)?;
        if counts.len() < 2 {
            return None;
        }
        let most = counts.values().copied().max().unwrap_or(0);
        let mut top = counts.iter().filter(|(_, n)| **n == most);
        let first = top.next()?;
        if top.next().is_none() {
            return Some(first.0.trim().to_string());
        }
        chosen_spelling(site, key, self.carriers.get(key)?, index_of)
    }

    /// The warnings about spellings, in the order of the articles (their
    /// places by `index_of`).
    pub fn warnings(&self, index_of: &dyn Fn(&Path) -> Option<usize>) -> Vec<Diagnostic> {
        let mut warned: Vec<(usize, &Vec<Diagnostic>)> = self
            .warned
            .iter()
            .filter_map(|(path, warnings)| Some((index_of(path)?, warnings)))
            .collect();
        warned.sort_by_key(|(index, _)| *index);
        warned
            .into_iter()
            .flat_map(|(_, warnings)| warnings.iter().cloned())
            .collect()
    }

    /// Gives the articles at `indices` their tags with the chosen spellings;
    /// returns those other than `saved` whose tags are now shown otherwise.
    fn respell(
        &mut self,
        site: &mut Site,
        indices: &[usize],
        saved: &HashSet<PathBuf>,
    ) -> Respelled {
        let merge = !self.chosen.is_empty();
        let mut respelled = Respelled::default();
        for &index in indices {
            let article = &mut site.articles[index];
            let shown_before = shown_hash(&article.tags);
            let warnings = spell(article, &self.chosen, merge);
            if warnings.is_empty() {
                self.warned.remove(&article.path);
            } else {
                self.warned.insert(article.path.clone(), warnings);
            }
            if shown_hash(&article.tags) != shown_before && !saved.contains(&article.path) {
                respelled.articles.push(article.path.clone());
                // The tags as written hold every tag shown before and after.
                respelled
                    .slugs
                    .extend(article.written_tags().iter().map(|t| t.slug.to_string()));
            }
        }
        respelled
    }
}

/// Each article's place in the order, by its file.
fn positions(site: &Site) -> HashMap<&Path, usize> {
    site.articles
        .iter()
        .enumerate()
        .map(|(index, article)| (article.path.as_path(), index))
        .collect()
}

/// A tag's key: spellings with one key are one tag.
fn key_of(tag: &Tag) -> String {
    tag.name.to_lowercase()
}

/// The spelling most of `carriers` write `key` in, counted oldest article
/// first so that a tie goes to the spelling that was there first; `None`
/// when there is only one.
fn chosen_spelling(
    site: &Site,
    key: &str,
    carriers: &HashSet<PathBuf>,
    index_of: &dyn Fn(&Path) -> Option<usize>,
) -> Option<String> {
    let mut indices: Vec<usize> = carriers.iter().filter_map(|path| index_of(path)).collect();
    indices.sort_unstable_by(|a, b| b.cmp(a));
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for index in indices {
        for tag in site.articles[index].written_tags() {
            if key_of(tag) != key {
                continue;
            }
            let raw = tag.as_written();
            match counts.iter_mut().find(|(spelling, _)| *spelling == raw) {
                Some((_, n)) => *n += 1,
                None => counts.push((raw, 1)),
            }
        }
    }
    if counts.len() < 2 {
        return None;
    }
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts
        .iter()
        .find(|(_, n)| *n == most)
        .map(|(spelling, _)| spelling.trim().to_string())
}

/// Gives one article its tags as written with the `chosen` spellings and,
/// when any tag on the site is merged, each tag once; returns its warnings.
fn spell(article: &mut Article, chosen: &HashMap<String, String>, merge: bool) -> Vec<Diagnostic> {
    if let Some(written) = article.tags_as_written.take() {
        article.tags = written;
    }
    if !merge {
        return Vec::new();
    }
    let renamed = article
        .tags
        .iter()
        .any(|tag| chosen.contains_key(&key_of(tag)));
    let mut names = HashSet::new();
    let repeated = !article.tags.iter().all(|tag| names.insert(&tag.name));
    if !renamed && !repeated {
        return Vec::new();
    }
    let written = article.tags.clone();
    let mut warnings = Vec::new();
    for at in 0..article.tags.len() {
        let tag = &article.tags[at];
        let Some(chosen) = chosen.get(&key_of(tag)) else {
            continue;
        };
        let raw = tag.as_written().to_string();
        if raw != *chosen {
            let text = article.front_matter();
            warnings.push(tag_warning(&article.path, &text, tag, &raw, chosen));
        }
        let tag = &mut article.tags[at];
        tag.name = SharedText::new(chosen);
        // The chosen spelling is now the name; the raw one stays for
        // warnings and for telling whether the file changed it.
        if tag.written.is_none() && tag.name != raw {
            tag.written = Some(raw.into());
        }
    }
    let mut seen = HashSet::new();
    article.tags.retain(|tag| seen.insert(tag.name.clone()));
    if article.tags != written {
        article.tags_as_written = Some(written);
    }
    warnings
}

/// A hash of the tags as an article shows them.
fn shown_hash(tags: &[Tag]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for tag in tags {
        tag.name.hash(&mut hasher);
        tag.slug.hash(&mut hasher);
    }
    hasher.finish()
}

fn tag_warning(path: &Path, text: &str, tag: &Tag, raw: &str, chosen: &str) -> Diagnostic {
    let why = if raw.trim() == chosen {
        "has spaces around it"
    } else {
        "is written differently in other articles"
    };
    Diagnostic::warning(format!("the tag `{raw}` {why}; it is shown as `{chosen}`"))
        .in_file(path)
        .at_span(text, tag.span.range())
        .with_help(format!(
            "write \"{chosen}\" here too, so the tag is spelt one way on every page"
        ))
}
