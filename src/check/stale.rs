//! `forklar check --stale`: background entries due to be checked again, most
//! read first, so the time goes where readers are.

use std::path::PathBuf;

use crate::build::{BuildOptions, load};
use crate::dates::{Date, days_from_civil};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// A background entry whose review day has come.
#[derive(Debug, Clone)]
pub struct StaleEntry {
    pub key: String,
    pub path: PathBuf,
    /// The day it was last verified; `None` when it never was.
    pub verified: Option<Date>,
    /// The day it was due; `None` when it was never verified.
    pub due: Option<Date>,
    /// How many published articles show it in their background box.
    pub shown_in: usize,
}

fn day_number(date: &Date) -> i64 {
    days_from_civil(date.year, date.month.unwrap_or(1), date.day.unwrap_or(1))
}

/// The entries due on or before `today`: those never verified, and those whose
/// `review_after` has run out. Most shown first; on a tie the one verified
/// longest ago (never verified first), then by key.
pub fn stale_entries(options: &BuildOptions, today: &Date) -> Result<Vec<StaleEntry>, Diagnostics> {
    let (site, _) = load(options)?;
    let listings = site.listings();
    let today = day_number(today);
    let mut stale: Vec<StaleEntry> = site
        .background
        .values()
        .filter_map(|entry| {
            let due = entry.review_on();
            let is_due = match (&entry.verified, &due) {
                (None, _) => true,
                (Some(_), Some(due)) => day_number(due) <= today,
                // Verified, with no review day: true until someone says otherwise.
                (Some(_), None) => false,
            };
            is_due.then(|| StaleEntry {
                key: entry.key.clone(),
                path: entry.path.clone(),
                verified: entry.verified,
                due,
                shown_in: listings.entry_users.get(&entry.key).map_or(0, Vec::len),
            })
        })
        .collect();
    stale.sort_by(|a, b| {
        b.shown_in
            .cmp(&a.shown_in)
            .then_with(|| {
                let age = |e: &StaleEntry| e.verified.as_ref().map_or(i64::MIN, day_number);
                age(a).cmp(&age(b))
            })
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(stale)
}

/// One line of the listing.
pub fn describe(entry: &StaleEntry) -> String {
    let articles = match entry.shown_in {
        1 => "1 article".to_string(),
        n => format!("{n} articles"),
    };
    let state = match (&entry.verified, &entry.due) {
        (None, _) => "never verified (no `verified` date)".to_string(),
        (Some(verified), Some(due)) => {
            format!("verified {}, due {}", verified.iso(), due.iso())
        }
        (Some(verified), None) => format!("verified {}", verified.iso()),
    };
    format!(
        "{}  {}  shown in {articles}; {state}",
        entry.key,
        entry.path.display()
    )
}

/// With `--strict`, each stale entry is a problem at its `verified` line (or
/// the file's first line), so CI fails and says where to look.
pub fn as_problems(options: &BuildOptions, stale: &[StaleEntry], today: &Date) -> Diagnostics {
    let problems = stale
        .iter()
        .map(|entry| {
            let message = match entry.verified {
                None => format!("background entry `{}` has never been verified", entry.key),
                Some(_) => format!("background entry `{}` is due for review", entry.key),
            };
            let help = format!(
                "check that the entry is still true, then set verified = {} (and add a [[changes]] line if anything changed)",
                today.iso()
            );
            let diagnostic = Diagnostic::new(message).in_file(&entry.path);
            let diagnostic = match std::fs::read_to_string(options.root.join(&entry.path)) {
                Ok(text) => {
                    let at = text
                        .find("\nverified")
                        .map_or(0..0, |i| i + 1..i + 1 + text[i + 1..].find('\n').unwrap_or(0));
                    diagnostic.at_span(&text, at)
                }
                Err(_) => diagnostic,
            };
            diagnostic.with_help(help)
        })
        .collect();
    Diagnostics(problems)
}
