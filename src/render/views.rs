//! What templates get besides the parts: the site, an article as lists show
//! it, tags and pagination.

use serde::Serialize;
use tera::Value;

use crate::dates::ShownDate;
use crate::kind::KindView;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'static str,
    pub locale: &'static str,
    pub stylesheet: String,
    pub script: String,
    /// The script live articles load.
    pub live_script: String,
    pub background_index: String,
    pub feed: String,
    /// The corrections archive.
    pub corrections: String,
    /// The index of every topic (tag) and of every shared timeline.
    pub topics: String,
    pub timelines: String,
    /// The favicon and the touch icon: the theme's, or the site's own in static/.
    pub favicon: String,
    pub touch_icon: String,
    /// The banner of a preview build; `None` in a build for readers.
    pub preview: Option<&'static str>,
    /// The search page's address and the header link's words; `None`
    /// where the site has no search.
    pub search: Option<SearchLink>,
}

/// The header's link to the search page.
#[derive(Serialize)]
pub struct SearchLink {
    pub url: String,
    pub label: &'static str,
}

/// An article as lists show it.
#[derive(Serialize, Clone, PartialEq)]
pub struct ArticleSummary {
    /// The type of work, shown above the title.
    pub kind: KindView,
    pub title: String,
    /// The topic label above the headline: the `kicker`, else the first tag.
    pub kicker: Option<String>,
    pub lead: Option<String>,
    pub url: String,
    pub permalink: String,
    pub date: ShownDate,
    pub updated: Option<ShownDate>,
    /// What the update changed, or empty.
    pub update_note: Option<String>,
    pub tags: Vec<TagView>,
}

#[derive(Serialize, Clone, PartialEq)]
pub struct TagView {
    pub name: String,
    pub url: String,
}

/// Where a page of a list is among the others.
#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    /// "Side 2 av 200".
    pub label: String,
    /// What the page's heading adds to its name: ", side 2", or nothing on
    /// the first page.
    pub suffix: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Serialize)]
pub struct TagPageView {
    pub name: String,
    pub url: String,
    /// The background entry on the topic, linked at the top of its page.
    pub entry: Option<crate::parts::background::EntryView>,
}

/// A template value (a map) with more fields; the rest is shared, not copied.
pub fn with_fields(value: Value, fields: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut map = value.into_map().unwrap_or_default();
    for (key, field) in fields {
        map.insert(key.into(), field);
    }
    Value::from(map)
}
