//! The Google News sitemap: the articles published in the last 48 hours,
//! which is all Google News reads from it.

use std::fmt::Write;
use std::time::SystemTime;

use crate::dates::{Date, days_from_civil};
use crate::markdown::escape;

pub const NEWS_SITEMAP_FILE: &str = "news-sitemap.xml";
/// How far back Google News looks.
const WINDOW_SECONDS: i64 = 48 * 60 * 60;
/// Google News reads no more than this many URLs from one sitemap.
pub const MAX_NEWS_URLS: usize = 1000;

/// Seconds since 1970 at the start of a date (UTC where no offset was written).
pub fn unix_seconds(date: &Date) -> i64 {
    let days = days_from_civil(date.year, date.month.unwrap_or(1), date.day.unwrap_or(1));
    let (hour, minute, second, offset) = date.time.map_or((0, 0, 0, 0), |t| {
        (
            i64::from(t.hour),
            i64::from(t.minute),
            i64::from(t.second.unwrap_or(0)),
            i64::from(t.offset_minutes.unwrap_or(0)),
        )
    });
    days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60
}

/// Where an article published at some moment stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recency {
    /// Not published yet.
    Ahead,
    /// News: in the last 48 hours.
    Recent,
    /// Too old for Google News.
    Past,
}

/// Where an article published at `published` stands at `now`.
pub fn recency(published: &Date, now: SystemTime) -> Recency {
    let now = match now.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    };
    let at = unix_seconds(published);
    if at > now {
        Recency::Ahead
    } else if now - at <= WINDOW_SECONDS {
        Recency::Recent
    } else {
        Recency::Past
    }
}

/// The moments, in seconds since 1970, at which [`recency`] of an article
/// published at `published` changes: when it is published, and the first
/// second it is too old for Google News.
pub fn recency_changes(published: &Date) -> [i64; 2] {
    let at = unix_seconds(published);
    [at, at.saturating_add(WINDOW_SECONDS + 1)]
}

/// One article in the news sitemap.
pub struct NewsUrl {
    pub loc: String,
    pub title: String,
    /// W3C date or date-time, as written.
    pub published: String,
}

/// `news-sitemap.xml` by Google's news sitemap schema.
pub fn news_sitemap(publication: &str, language: &str, urls: &[NewsUrl]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for url in urls.iter().take(MAX_NEWS_URLS) {
        let _ = writeln!(
            xml,
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name><news:language>{language}</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>",
            escape(&url.loc),
            escape(publication),
            escape(&url.published),
            escape(&url.title),
        );
    }
    xml.push_str("</urlset>\n");
    xml.retain(|c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}'));
    xml
}
