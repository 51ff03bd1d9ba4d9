//! `forklar status`: what a build at this moment publishes, what is scheduled
//! and what has expired, and the next moment the site changes, so a cron or
//! CI job can rebuild exactly then.

use std::path::PathBuf;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::build::BuildOptions;
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::site::Site;
use crate::site::publish::{NextChange, Publishing, Status};

/// One article as `status` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub path: PathBuf,
    pub title: String,
    /// When it is (or was) published, in the site's zone and in UTC.
    pub date: Option<String>,
    pub date_utc: Option<String>,
    /// When it leaves lists and feeds, where it has `expires`.
    pub expires: Option<String>,
    pub expires_utc: Option<String>,
}

/// The next change, in the form `status --next --json` prints.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Next {
    /// In the site's time zone, with its offset.
    pub next: String,
    pub next_utc: String,
    pub path: PathBuf,
    pub change: &'static str,
}

/// Everything `status` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub now: String,
    pub timezone: String,
    pub published: Vec<Entry>,
    pub scheduled: Vec<Entry>,
    pub expired: Vec<Entry>,
    pub drafts: Vec<Entry>,
    pub next: Option<Next>,
}

/// Loads the site as a build at `options.now()` sees it and sorts its articles.
pub fn status(options: &BuildOptions) -> Result<Report, Diagnostics> {
    let config = Config::load(&options.root)?;
    let site = Site::load(&options.root, config, Publishing::at(options.now()))?;
    let zone = &site.config.zone.0;
    let timezone = zone.iana_name().unwrap_or("UTC").to_string();
    let mut report = Report {
        now: in_zone(site.publishing.now, zone),
        timezone,
        published: Vec::new(),
        scheduled: Vec::new(),
        expired: Vec::new(),
        drafts: Vec::new(),
        next: site.upcoming_changes().first().map(|c| next(c, zone)),
    };
    let shown = site
        .articles
        .iter()
        .map(|a| (a.status, &a.path, &a.title, a.date, a.expires));
    let withheld = site
        .withheld
        .values()
        .map(|w| (w.status, &w.path, &w.title, w.date, w.expires));
    for (status, path, title, date, expires) in shown.chain(withheld) {
        let moment = |d: Option<crate::dates::Date>| d.and_then(|d| d.begins(zone));
        let entry = Entry {
            path: path.clone(),
            title: title.clone(),
            date: moment(Some(date)).map(|t| in_zone(t, zone)),
            date_utc: moment(Some(date)).map(in_utc),
            expires: moment(expires).map(|t| in_zone(t, zone)),
            expires_utc: moment(expires).map(in_utc),
        };
        match status {
            Status::Published => report.published.push(entry),
            Status::Scheduled => report.scheduled.push(entry),
            Status::Expired => report.expired.push(entry),
            Status::Draft => report.drafts.push(entry),
        }
    }
    // Soonest first: what a reader of the list acts on next.
    report.scheduled.sort_by(|a, b| a.date_utc.cmp(&b.date_utc));
    report.drafts.sort_by(|a, b| a.path.cmp(&b.path));
    report.expired.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

fn next(change: &NextChange, zone: &TimeZone) -> Next {
    Next {
        next: in_zone(change.at, zone),
        next_utc: in_utc(change.at),
        path: change.path.clone(),
        change: change.change.name(),
    }
}

/// RFC 3339 on the site's clock: `2022-01-08T10:00:00+06:00`.
pub fn in_zone(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// RFC 3339 in UTC: `2022-01-08T04:00:00Z`.
pub fn in_utc(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Report {
    /// The report for people: each group with its articles.
    pub fn text(&self) -> String {
        let mut out = format!("At {} ({}):\n", self.now, self.timezone);
        let groups = [
            ("Published", &self.published),
            ("Scheduled", &self.scheduled),
            ("Expired", &self.expired),
            ("Drafts", &self.drafts),
        ];
        for (name, entries) in groups {
            out.push_str(&format!("\n{name} ({}):\n", entries.len()));
            for entry in entries {
                let when = match (name, &entry.date, &entry.expires) {
                    ("Scheduled", Some(date), _) => format!("  {date}"),
                    ("Expired", _, Some(expires)) => format!("  expired {expires}"),
                    (_, _, Some(expires)) if name == "Published" => {
                        format!("  expires {expires}")
                    }
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "  {}  «{}»{when}\n",
                    entry.path.display(),
                    entry.title
                ));
            }
        }
        out.push('\n');
        out.push_str(&self.next_text());
        out
    }

    /// One line: the next change, or that none is due.
    pub fn next_text(&self) -> String {
        match &self.next {
            Some(next) => format!(
                "Next change: {} ({}): {} {}\n",
                next.next,
                next.next_utc,
                next.change,
                next.path.display()
            ),
            None => "Next change: none scheduled\n".into(),
        }
    }

    /// `status --next --json`: the next change or `null`.
    pub fn next_json(&self) -> String {
        serde_json::to_string(&self.next).unwrap_or_else(|_| "null".into())
    }

    /// `status --json`: everything.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "null".into())
    }
}
