//! What a live article publishes beside its page: the feed of its updates and
//! `updates.json`, the small file the page's script polls.

use serde_json::{Value as Json, json};

use super::Renderer;
use super::feeds::{UpdateEntry, updates_atom};
use crate::deps::{Dep, Deps};
use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::parts;
use crate::parts::updates::{FEED_FILE, UPDATES_FILE};

/// The lists of a live article's updates view, in the order the page shows
/// them: the updates shown, then the earlier ones.
pub const UPDATE_LISTS: [&str; 2] = ["shown", "earlier"];

/// A live article's updates, every one, in the order the page shows them.
pub fn all_updates(view: &Json) -> Vec<&Json> {
    UPDATE_LISTS
        .iter()
        .filter_map(|key| view[key].as_array())
        .flatten()
        .collect()
}

impl Renderer<'_> {
    /// The build's moment, as live articles compare it.
    pub(super) fn now_timestamp(&self) -> jiff::Timestamp {
        jiff::Timestamp::try_from(self.now).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// Whether any article is live at the build's moment: only then is the
    /// script they load published.
    pub(super) fn any_live(&self) -> bool {
        let (now, zone) = (self.now_timestamp(), &self.site.config.zone.0);
        self.site
            .articles
            .iter()
            .any(|a| a.parts.updates.is_live(now, zone))
    }

    /// Writes the feed and `updates.json` of an article with updates, from
    /// the same view its page shows, recording what that read.
    pub(super) fn live_files(
        &self,
        index: usize,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        let article = &self.site.articles[index];
        deps.add(|| Dep::File(article.path.clone()));
        let views = parts::views(&article.parts, &mut self.view_cx(article, deps));
        let Some(view) = views.iter().find(|v| v.key == "updates") else {
            return Ok(());
        };
        let view = serde_json::to_value(&view.value).unwrap_or_default();
        let updates = all_updates(&view);
        let origin = article.path.display().to_string();
        let page = self.urls.article(&article.slug);
        let permalink = self.urls.permalink(&page);
        let feed = format!("{permalink}{FEED_FILE}");
        // Newest first, as feed readers expect, whatever order the page has.
        let mut newest_first = updates.clone();
        newest_first.sort_by(|a, b| {
            let time = |u: &Json| {
                u["time"]["rfc3339"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            };
            jiff_order(&time(b), &time(a))
        });
        let newest = newest_first
            .first()
            .and_then(|u| u["time"]["rfc3339"].as_str())
            .unwrap_or_default()
            .to_string();
        let entries: Vec<UpdateEntry> = newest_first
            .iter()
            .map(|u| UpdateEntry {
                id: u["permalink"].as_str().unwrap_or_default(),
                permalink: u["permalink"].as_str().unwrap_or_default(),
                headline: u["headline"].as_str().unwrap_or_default(),
                time: u["time"]["rfc3339"].as_str().unwrap_or_default(),
                html: u["html"].as_str().unwrap_or_default(),
                author: u["author"]["name"].as_str(),
            })
            .collect();
        let config = &self.site.config;
        let title = crate::markdown::typography::typeset(&article.title, self.urls.language);
        let atom = updates_atom(
            &title,
            &config.title,
            &permalink,
            &feed,
            self.urls.language.code(),
            &newest,
            &entries,
        );
        sink.write(
            &format!("{}/{FEED_FILE}", article.slug),
            atom.as_bytes(),
            &origin,
        )?;
        let json = json!({
            "live": view["live"],
            "updated": newest,
            "updates": newest_first
                .iter()
                .map(|u| json!({
                    "id": u["id"],
                    "time": u["time"]["rfc3339"],
                    "headline": u["headline"],
                }))
                .collect::<Vec<_>>(),
        });
        sink.write(
            &format!("{}/{UPDATES_FILE}", article.slug),
            json.to_string().as_bytes(),
            &origin,
        )
    }
}

/// Orders two RFC 3339 moments in time, whatever their offsets.
fn jiff_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}
