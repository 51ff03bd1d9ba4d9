//! What a full build reads, summed up in one hash, so that a build which finds
//! the same inputs, and the output folder as the last build left it, knows it
//! would write the same bytes and renders nothing.
//!
//! The sum covers everything a page can depend on:
//! - forklar itself (its version, and the program file's size, times and
//!   inode, so a rebuilt binary with another built-in theme counts as new);
//! - the options that change pages (`--base-url`, `--drafts`, a preview);
//! - `site.toml` and every file under `content/`, `templates/` and `static/`
//!   that [`crate::layout::classify`] takes for a source: its path, and its
//!   size, inode, modification and change times to the nanosecond.
//!
//! Time is the one input that is not a file: scheduled articles appear,
//! articles expire, live stories end and articles leave the news sitemap.
//! A build keeps the moment it was built for and the next moment at which
//! any of those happens ([`Recorded`]); a later build reuses the output only
//! between the two.
//!
//! A file's change time cannot be set by hand: any write, rename or `touch`
//! moves it. File system clocks tick coarsely, though, so a file changed
//! twice within one tick could keep its stamp. No sum is kept when any source
//! changed within [`SETTLE`] before the build began reading ([`sum`]; the
//! next build is simply not reused), nor when a source is a link or anything
//! but a plain file: those builds always render.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::layout::{CONFIG_FILE, CONTENT_DIR, STATIC_DIR, TEMPLATE_DIR, classify};
use crate::site::Site;

/// How long before a build begins reading a source must have last changed
/// for the build to be kept for reuse: far longer than any file system's
/// clock tick.
pub const SETTLE: Duration = Duration::from_secs(1);

/// The sum of a build's inputs, as hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum(String);

/// What a full build keeps with its output's record: its inputs, the span of
/// time its pages hold for, and what it reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recorded {
    pub sum: String,
    /// The moment the build was made for (RFC 3339).
    pub built_for: String,
    /// The first moment after it at which a page could read otherwise.
    pub until: Option<String>,
    pub pages: usize,
    pub articles: usize,
    pub warnings: Vec<Diagnostic>,
}

impl Recorded {
    pub fn of(sum: &Sum, site: &Site, pages: usize, warnings: &[Diagnostic]) -> Recorded {
        Recorded {
            sum: sum.0.clone(),
            built_for: site.publishing.now.to_string(),
            until: next_change(site).map(|at| at.to_string()),
            pages,
            articles: site.articles.len(),
            warnings: warnings.to_vec(),
        }
    }

    /// The one line kept with the record.
    pub fn line(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }

    /// What a line kept by an earlier build says, if it parses.
    pub fn parse(line: &str) -> Option<Recorded> {
        serde_json::from_str(line).ok()
    }

    /// Whether the build this describes wrote what a build of inputs `sum`
    /// at `now` would write.
    pub fn holds_for(&self, sum: &Sum, now: jiff::Timestamp) -> bool {
        let moment = |text: &str| text.parse::<jiff::Timestamp>().ok();
        let Some(built_for) = moment(&self.built_for) else {
            return false;
        };
        let before_change = match &self.until {
            None => true,
            Some(until) => moment(until).is_some_and(|until| now < until),
        };
        self.sum == sum.0 && built_for <= now && before_change
    }
}

/// The sum of what a build with `options` reads, or `None` where a build of
/// them must not be reused (see the module's docs). `reading_began` is the
/// moment before the build read its first source: a source changed less than
/// [`SETTLE`] before it gives no sum.
///
/// Every stamp in the sum is then older than anything the build reads: a
/// template read while the sum is still being made cannot have changed after
/// its read without a stamp newer than that. A source changed or removed
/// later leaves the next build another sum, and that build renders.
pub fn sum(options: &BuildOptions, reading_began: SystemTime) -> Option<Sum> {
    sum_settled_by(options, reading_began.checked_sub(SETTLE)?)
}

/// [`sum`], where every source must have last changed before `settled`.
fn sum_settled_by(options: &BuildOptions, settled: SystemTime) -> Option<Sum> {
    let settled = settled.duration_since(UNIX_EPOCH).ok()?;
    let mut hasher = Xxh3::new();
    hasher.update(b"forklar inputs 1\0");
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    let program = std::env::current_exe().ok()?;
    add_stamp(&mut hasher, &std::fs::metadata(program).ok()?);
    match &options.base_url {
        Some(base_url) => {
            hasher.update(b"\0base ");
            hasher.update(base_url.as_bytes());
        }
        None => hasher.update(b"\0no base"),
    }
    hasher.update(&[0, u8::from(options.drafts), u8::from(options.preview)]);

    let root = &options.root;
    let mut files = Vec::new();
    match std::fs::symlink_metadata(root.join(CONFIG_FILE)) {
        Ok(meta) => files.push((PathBuf::from(CONFIG_FILE), meta)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => return None,
    }
    for folder in [CONTENT_DIR, TEMPLATE_DIR, STATIC_DIR] {
        sources_in(root, Path::new(folder), &mut files)?;
    }
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (path, meta) in &files {
        if !meta.is_file() {
            return None;
        }
        let changed = Duration::new(
            u64::try_from(meta.ctime()).ok()?,
            u32::try_from(meta.ctime_nsec()).ok()?,
        );
        if changed >= settled {
            return None;
        }
        hasher.update(path.as_os_str().as_encoded_bytes());
        hasher.update(b"\0");
        add_stamp(&mut hasher, meta);
    }
    Some(Sum(format!("{:032x}", hasher.digest128())))
}

/// Every source under `folder` with its metadata, not following links (the
/// caller refuses them). `None` where a folder cannot be read.
fn sources_in(
    root: &Path,
    folder: &Path,
    files: &mut Vec<(PathBuf, std::fs::Metadata)>,
) -> Option<()> {
    let meta = match std::fs::symlink_metadata(root.join(folder)) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Some(()),
        Err(_) => return None,
    };
    if !meta.is_dir() {
        return None;
    }
    for entry in std::fs::read_dir(root.join(folder)).ok()? {
        let entry = entry.ok()?;
        // A name not in UTF-8 stops a build, so there is nothing to reuse.
        let path = folder.join(entry.file_name().to_str()?);
        if classify(&path).is_none() {
            // Hidden files and editor leftovers: a build does not read them.
            continue;
        }
        let meta = entry.metadata().ok()?;
        if meta.is_dir() {
            sources_in(root, &path, files)?;
        } else {
            files.push((path, meta));
        }
    }
    Some(())
}

fn add_stamp(hasher: &mut Xxh3, meta: &std::fs::Metadata) {
    for number in [
        meta.dev(),
        meta.ino(),
        u64::from(meta.mode()),
        meta.len(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
        meta.ctime() as u64,
        meta.ctime_nsec() as u64,
    ] {
        hasher.update(&number.to_le_bytes());
    }
}

/// The first moment after the build's at which a page could read otherwise:
/// an article is published or expires, a live story's `live_until` passes,
/// or an article enters or leaves the news sitemap's window.
pub fn next_change(site: &Site) -> Option<jiff::Timestamp> {
    let now = site.publishing.now;
    let zone = &site.config.zone.0;
    let publishing = site.upcoming_changes().first().map(|change| change.at);
    let per_article = site.articles.iter().flat_map(|article| {
        let news = crate::render::news::recency_changes(&article.date)
            .into_iter()
            .filter_map(|second| jiff::Timestamp::from_second(second).ok());
        news.chain(article.parts.updates.live_ends(zone))
    });
    publishing
        .into_iter()
        .chain(per_article)
        .filter(|at| *at > now)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A moment after every file a test writes.
    fn later() -> SystemTime {
        SystemTime::now() + Duration::from_secs(60)
    }

    fn site() -> (tempfile::TempDir, BuildOptions) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "title = \"T\"\n").unwrap();
        std::fs::create_dir_all(dir.path().join("content/bakgrunn")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "+++\n+++\n").unwrap();
        let options = BuildOptions::new(dir.path());
        (dir, options)
    }

    #[test]
    fn the_sum_follows_sources_and_options_and_ignores_what_a_build_does_not_read() {
        let (dir, options) = site();
        let first = sum_settled_by(&options, later()).unwrap();
        assert_eq!(sum_settled_by(&options, later()), Some(first.clone()));
        // Hidden files, editor leftovers and other folders are not read.
        std::fs::write(dir.path().join("content/.a.md.swp"), "x").unwrap();
        std::fs::write(dir.path().join("content/a.md~"), "x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        assert_eq!(sum_settled_by(&options, later()), Some(first.clone()));

        let drafts = BuildOptions {
            drafts: true,
            ..options.clone()
        };
        let based = BuildOptions {
            base_url: Some("https://example.org/".into()),
            ..options.clone()
        };
        let mut sums = vec![first.clone()];
        sums.push(sum_settled_by(&drafts, later()).unwrap());
        sums.push(sum_settled_by(&based, later()).unwrap());
        std::fs::write(dir.path().join("content/bakgrunn/b.md"), "").unwrap();
        sums.push(sum_settled_by(&options, later()).unwrap());
        std::fs::write(dir.path().join("content/a.md"), "+++\n+++\nx").unwrap();
        sums.push(sum_settled_by(&options, later()).unwrap());
        std::fs::create_dir(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/robots.txt"), "").unwrap();
        sums.push(sum_settled_by(&options, later()).unwrap());
        let distinct: std::collections::HashSet<_> = sums.iter().map(|s| s.0.clone()).collect();
        assert_eq!(distinct.len(), sums.len(), "{sums:?}");
    }

    #[test]
    fn no_sum_for_a_fresh_change_a_link_or_a_special_file() {
        let (dir, options) = site();
        assert!(sum_settled_by(&options, later()).is_some());
        // Changed after the moment sources must have settled by.
        assert_eq!(sum_settled_by(&options, SystemTime::now() - SETTLE), None);

        std::os::unix::fs::symlink("a.md", dir.path().join("content/b.md")).unwrap();
        assert_eq!(sum_settled_by(&options, later()), None);
        std::fs::remove_file(dir.path().join("content/b.md")).unwrap();

        // A socket: neither a file nor a folder.
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        let _socket =
            std::os::unix::net::UnixListener::bind(dir.path().join("templates/x.html")).unwrap();
        assert_eq!(sum_settled_by(&options, later()), None);
    }

    #[test]
    fn a_record_holds_between_its_moment_and_the_next_change() {
        let sum = Sum("ab".into());
        let recorded = Recorded {
            sum: sum.0.clone(),
            built_for: "2022-01-08T09:00:00Z".into(),
            until: Some("2022-01-08T10:00:00Z".into()),
            pages: 1,
            articles: 1,
            warnings: Vec::new(),
        };
        let at = |text: &str| text.parse::<jiff::Timestamp>().unwrap();
        assert!(recorded.holds_for(&sum, at("2022-01-08T09:00:00Z")));
        assert!(recorded.holds_for(&sum, at("2022-01-08T09:59:59Z")));
        assert!(!recorded.holds_for(&sum, at("2022-01-08T10:00:00Z")));
        assert!(!recorded.holds_for(&sum, at("2022-01-08T08:59:59Z")));
        assert!(!recorded.holds_for(&Sum("cd".into()), at("2022-01-08T09:30:00Z")));
        let line = recorded.line().unwrap();
        assert!(!line.contains('\n'));
        let read = Recorded::parse(&line).unwrap();
        assert!(read.holds_for(&sum, at("2022-01-08T09:30:00Z")));
        assert!(Recorded::parse("{\"sum\": 1}").is_none());
    }
}
