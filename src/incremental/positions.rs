//! Where each article is in the site's order, by its file, so that a save
//! finds the articles it touched without a walk over every article.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::site::Site;
use crate::site::index::Listings;
use crate::site::store::{Loaded, newest_first};

/// Each article's index in `Site::articles`, by its path. Kept true with
/// every change to the site's articles that goes through [`Positions::replace`]
/// or is followed by [`Positions::of`].
#[derive(Default)]
pub(super) struct Positions {
    at: HashMap<PathBuf, usize>,
    /// The articles that moved in the order since [`Positions::take_moves`],
    /// one after another: what was worked out by place follows them.
    moves: Vec<Moved>,
}

impl Positions {
    pub(super) fn of(site: &Site) -> Positions {
        Positions {
            at: site
                .articles
                .iter()
                .enumerate()
                .map(|(index, article)| (article.path.clone(), index))
                .collect(),
            moves: Vec::new(),
        }
    }

    /// The article from the file at `path`, if it is one.
    pub(super) fn get(&self, path: &Path) -> Option<usize> {
        self.at.get(path).copied()
    }

    /// The moves since the last call, in the order they were made.
    pub(super) fn take_moves(&mut self) -> Vec<Moved> {
        std::mem::take(&mut self.moves)
    }

    /// Replaces what came from the file at `path` with what it holds now: an
    /// article that keeps its place takes the old one's, one that moves is
    /// carried to its new place past the articles between (noted for
    /// [`Positions::take_moves`]), else the order is worked out again.
    pub(super) fn replace(&mut self, site: &mut Site, path: &Path, loaded: Loaded) {
        let at = self.get(path);
        let loaded = match (loaded, at) {
            (Loaded::Article(article), Some(index)) => {
                match site.replace_article_at(index, article) {
                    Ok(()) => return,
                    Err(article) if site.articles[index].path == article.path => {
                        site.articles[index] = *article;
                        self.carry(site, index);
                        return;
                    }
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

    /// Carries the article at `from`, out of place in an order otherwise
    /// sorted, to where it belongs; only the articles it passes move, by one.
    fn carry(&mut self, site: &mut Site, from: usize) {
        let articles = &mut site.articles;
        let moving = &articles[from];
        let to = if from > 0 && newest_first(&articles[from - 1], moving).is_gt() {
            articles[..from].partition_point(|other| newest_first(other, moving).is_lt())
        } else {
            from + articles[from + 1..].partition_point(|other| newest_first(other, moving).is_lt())
        };
        if to < from {
            articles[to..=from].rotate_right(1);
        } else {
            articles[from..=to].rotate_left(1);
        }
        let moved = Moved { from, to };
        for index in moved.span() {
            if let Some(at) = self.at.get_mut(&articles[index].path) {
                *at = index;
            }
        }
        self.moves.push(moved);
        debug_assert!(self.at == Positions::of(site).at);
    }
}

/// One article carried from one place in the order to another; those
/// between move by one the other way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Moved {
    from: usize,
    to: usize,
}

impl Moved {
    /// Where the article at `index` before the move is after it.
    pub(super) fn index(&self, index: usize) -> usize {
        let Moved { from, to } = *self;
        if index == from {
            to
        } else if to < from && (to..from).contains(&index) {
            index + 1
        } else if from < to && (from + 1..=to).contains(&index) {
            index - 1
        } else {
            index
        }
    }

    /// The places whose article changed.
    pub(super) fn span(&self) -> std::ops::RangeInclusive<usize> {
        self.from.min(self.to)..=self.from.max(self.to)
    }

    /// The lists after the move, each still in the order but for the moved
    /// article, which `Site::relist` puts in place in the lists it is in.
    pub(super) fn follow(&self, lists: &mut Listings) {
        let users = (lists.entry_users.values_mut())
            .chain(lists.timeline_users.values_mut())
            .chain(lists.tags.values_mut().map(|(_, users)| users))
            .chain(lists.quotes_by.values_mut())
            .chain(lists.authored_by.values_mut());
        for list in users {
            for index in list {
                *index = self.index(*index);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Moved;

    #[test]
    fn a_move_shifts_only_the_places_it_passes() {
        let up = Moved { from: 5, to: 2 };
        let after: Vec<usize> = (0..7).map(|i| up.index(i)).collect();
        assert_eq!(after, [0, 1, 3, 4, 5, 2, 6]);
        let down = Moved { from: 2, to: 5 };
        let after: Vec<usize> = (0..7).map(|i| down.index(i)).collect();
        assert_eq!(after, [0, 1, 5, 2, 3, 4, 6]);
        let stays = Moved { from: 3, to: 3 };
        assert!((0..7).all(|i| stays.index(i) == i));
        assert_eq!(up.span(), 2..=5);
    }
}
