//! The site as a whole: its articles, background entries, timelines and
//! static files, loaded in parallel and checked against each other, and the
//! indexes that say which article is listed where.

pub mod article;
pub mod index;
pub mod publish;
pub mod references;
pub mod shared_text;
pub mod store;
pub mod tags;

pub use article::{Article, Tag};
pub use shared_text::SharedText;
pub use store::Site;

/// How many articles each page of a list shows; a site of 10,000 articles gets
/// a front page of readable size, and an edit re-renders one page.
pub const ARTICLES_PER_PAGE: usize = 50;
/// How many of the newest articles the feed carries.
pub const FEED_LENGTH: usize = 20;
