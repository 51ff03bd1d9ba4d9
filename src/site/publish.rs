//! What is published in this build: the one place that decides whether an
//! article is in the site, in its lists and in its feeds, from `draft`, its
//! `date`, `expires` and the build's clock.

use std::path::PathBuf;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::Article;
use crate::dates::Date;
use crate::i18n::Language;

/// Where an article stands at the build's moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Published,
    /// `draft = true`.
    Draft,
    /// Dated after the build's moment: published when its time comes.
    Scheduled,
    /// Past its `expires` moment.
    Expired,
}

/// What becomes of an article once `expires` has passed (`expired = "…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterExpiry {
    /// Off lists and feeds; the page stays, with a note that it is no longer updated.
    #[default]
    Keep,
    /// Off the site altogether.
    Remove,
}

/// What a build publishes: its moment, and whether drafts and scheduled
/// articles are let in.
#[derive(Debug, Clone)]
pub struct Publishing {
    pub now: Timestamp,
    /// `--drafts`: drafts are built as if published.
    pub drafts: bool,
    /// `--preview`: drafts and scheduled articles are built, marked as such,
    /// and kept out of feeds and sitemaps.
    pub preview: bool,
}

/// An article the build leaves out, remembered for `check` and `status`.
#[derive(Debug, Clone)]
pub struct Withheld {
    pub path: PathBuf,
    pub slug: String,
    pub title: String,
    pub date: Date,
    pub expires: Option<Date>,
    pub status: Status,
    pub embargo: bool,
}

impl Withheld {
    pub fn of(article: &Article) -> Withheld {
        Withheld {
            path: article.path.clone(),
            slug: article.slug.clone(),
            title: article.title.clone(),
            date: article.date,
            expires: article.expires,
            status: article.status,
            embargo: article.embargo,
        }
    }
}

impl Publishing {
    /// A build of what is published at `now`, nothing more.
    pub fn at(now: Timestamp) -> Publishing {
        Publishing {
            now,
            drafts: false,
            preview: false,
        }
    }

    /// Where `article` stands at this build's moment; dates without a time
    /// of day begin at midnight on the site's clock (`zone`).
    pub fn status(&self, article: &Article, zone: &TimeZone) -> Status {
        if article.draft {
            return Status::Draft;
        }
        if article.date.begins(zone).is_some_and(|at| at > self.now) {
            return Status::Scheduled;
        }
        match article.expires.and_then(|e| e.begins(zone)) {
            Some(at) if at <= self.now => Status::Expired,
            _ => Status::Published,
        }
    }

    /// Whether an article has a page in this build.
    pub fn includes(&self, article: &Article) -> bool {
        match article.status {
            Status::Published => true,
            Status::Draft => self.drafts || self.preview,
            Status::Scheduled => self.preview,
            Status::Expired => article.after_expiry == AfterExpiry::Keep,
        }
    }

    /// Whether an article with a page is shown in lists: the front page,
    /// tag, background and people pages.
    pub fn lists(&self, article: &Article) -> bool {
        article.status != Status::Expired
    }

    /// Whether an article is in the feeds and the news sitemap: what readers
    /// subscribe to is what is published.
    pub fn feeds(&self, article: &Article) -> bool {
        match article.status {
            Status::Published => true,
            Status::Draft => !self.preview,
            Status::Scheduled | Status::Expired => false,
        }
    }
}

/// The next moment the site changes after `now`: an article to publish or to
/// expire, the earliest first (the path breaks ties).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextChange {
    pub at: Timestamp,
    pub path: PathBuf,
    pub change: Change,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Publish,
    Expire,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::Publish => "publish",
            Change::Expire => "expire",
        }
    }
}

impl super::Site {
    /// The moments after this build's at which articles are published or
    /// expire, the earliest first. Drafts never change by themselves.
    pub fn upcoming_changes(&self) -> Vec<NextChange> {
        let (now, zone) = (self.publishing.now, &self.config.zone.0);
        let shown = self
            .articles
            .iter()
            .map(|a| (&a.path, &a.date, a.expires, a.status));
        let withheld = self
            .withheld
            .values()
            .map(|w| (&w.path, &w.date, w.expires, w.status));
        let mut found = Vec::new();
        for (path, date, expires, status) in shown.chain(withheld) {
            if status == Status::Draft {
                continue;
            }
            let mut add = |at: Option<Timestamp>, change| {
                if let Some(at) = at.filter(|at| *at > now) {
                    found.push(NextChange {
                        at,
                        path: path.clone(),
                        change,
                    });
                }
            };
            add(date.begins(zone), Change::Publish);
            add(expires.and_then(|e| e.begins(zone)), Change::Expire);
        }
        found.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.path.cmp(&b.path)));
        found
    }
}

/// The banner of a preview build, in the site's language.
pub fn preview_banner(language: Language) -> &'static str {
    match language {
        Language::Nb => "Forhåndsvisning – ikke publisert",
        Language::En => "Preview – not published",
    }
}

/// An article's status as a preview's banner states it: «Utkast», «Planlagt
/// 8. januar 2022 kl. 10.00»; nothing for an article that is published.
pub fn preview_status(article: &Article, language: Language, zone: &TimeZone) -> Option<String> {
    let moment = || article.date.shown_in(language, zone, true).moment;
    match (article.status, language) {
        (Status::Draft, Language::Nb) => Some("Utkast".into()),
        (Status::Draft, Language::En) => Some("Draft".into()),
        (Status::Scheduled, Language::Nb) => Some(format!("Planlagt {}", moment())),
        (Status::Scheduled, Language::En) => Some(format!("Scheduled for {}", moment())),
        _ => None,
    }
}

/// The note an expired article's page keeps at its top.
pub fn expired_note(article: &Article, language: Language) -> Option<&'static str> {
    (article.status == Status::Expired).then_some(match language {
        Language::Nb => "Denne artikkelen er ikke lenger oppdatert.",
        Language::En => "This article is no longer updated.",
    })
}
