//! Where each article is in the site's order, by its file, so that a save
//! finds the articles it touched without a walk over every article.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::site::Site;
use crate::site::store::Loaded;

/// Each article's index in `Site::articles`, by its path. Kept true with
/// every change to the site's articles that goes through [`Positions::replace`]
/// or is followed by [`Positions::of`].
#[derive(Default)]
pub(super) struct Positions(HashMap<PathBuf, usize>);

impl Positions {
    pub(super) fn of(site: &Site) -> Positions {
        Positions(
            site.articles
                .iter()
                .enumerate()
                .map(|(index, article)| (article.path.clone(), index))
                .collect(),
        )
    }

    /// The article from the file at `path`, if it is one.
    pub(super) fn get(&self, path: &Path) -> Option<usize> {
        self.0.get(path).copied()
    }

    /// Replaces what came from the file at `path` with what it holds now: an
    /// article that keeps its place takes the old one's, else the order is
    /// changed and worked out again.
    pub(super) fn replace(&mut self, site: &mut Site, path: &Path, loaded: Loaded) {
        let at = self.get(path);
        let loaded = match (loaded, at) {
            (Loaded::Article(article), Some(index)) => {
                match site.replace_article_at(index, article) {
                    Ok(()) => return,
                    Err(article) => Loaded::Article(article),
                }
            }
            (loaded, _) => loaded,
        };
        let moves = at.is_some() || matches!(loaded, Loaded::Article(_));
        site.replace(path, loaded);
        if moves {
            *self = Positions::of(site);
        }
    }
}
