//! Page types found in the built output, and the page budget.
//!
//! A page type is read off where a page sits, not taken from a fixed list, so
//! page types a theme or a later version adds (an index of topics, a search
//! page) are checked as soon as they exist: the front page, top-level files
//! such as `404.html`, articles (one folder deep, `<article class="article">`;
//! a live article, with its updates, apart), other one-folder
//! pages each a type (`rettelser/`), section indexes with pages under them
//! (`bakgrunn/ (index)`), and deeper pages grouped by their folder
//! (`bakgrunn/*`, `emne/*`).
//!
//! The budget: a page's HTML plus the stylesheets and scripts it loads, each
//! gzipped, at most 30 KB. Images and what a page fetches only on demand (a
//! search index) are not counted: they are not in its `<link rel=stylesheet>`
//! or `<script src>`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::html_files;

/// Gzipped bytes a page may weigh with its CSS and JS.
pub const PAGE_BUDGET: usize = 30 * 1024;

/// Every HTML page under `root` by page type; each page as its path relative
/// to `root` with `/` separators, sorted.
pub fn page_types(root: &Path) -> BTreeMap<String, Vec<String>> {
    let mut types: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in html_files(root) {
        let rel = relative(root, &file);
        let html = std::fs::read_to_string(&file).unwrap_or_default();
        types
            .entry(page_type(root, &rel, &html))
            .or_default()
            .push(rel);
    }
    types
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .expect("a page inside the output")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn page_type(root: &Path, rel: &str, html: &str) -> String {
    if rel == "index.html" {
        return "front page".into();
    }
    let Some(dir) = rel.strip_suffix("/index.html") else {
        return match rel.rsplit_once('/') {
            Some((parent, _)) => format!("{parent}/*.html"),
            None => rel.to_string(),
        };
    };
    match dir.rsplit_once('/') {
        Some((parent, _)) => format!("{parent}/*"),
        None if html_files(&root.join(dir)).len() > 1 => format!("{dir}/ (index)"),
        None if !is_article(html) => format!("{dir}/"),
        None if is_live(html) => "live article".into(),
        None => "article".into(),
    }
}

/// Whether a page is an article: its `<article>` has the class `article`
/// (other one-folder pages, such as the corrections log, are types of their own).
fn is_article(html: &str) -> bool {
    loads(html, "article", "class")
        .any(|class| class.split_ascii_whitespace().any(|c| c == "article"))
}

/// Whether an article is a live one: it has the updates part, or loads the
/// live script (while it is live).
fn is_live(html: &str) -> bool {
    loads(html, "section", "class")
        .any(|class| class.split_ascii_whitespace().any(|c| c == "updates"))
        || loads(html, "script", "src").any(|src| file_name(&src).starts_with("live"))
}

/// One page per type to check in a browser: the largest, which carries the
/// most of what its type can show.
pub fn largest_of_each_type(root: &Path) -> Vec<(String, String)> {
    page_types(root)
        .into_iter()
        .map(|(name, pages)| {
            let largest = pages
                .into_iter()
                .max_by_key(|p| std::fs::metadata(root.join(p)).map_or(0, |m| m.len()))
                .expect("a page type has pages");
            (name, largest)
        })
        .collect()
}

/// What one page weighs, gzipped.
#[derive(Debug)]
pub struct Weight {
    pub page: String,
    pub html: usize,
    pub css: usize,
    pub js: usize,
}

impl Weight {
    pub fn total(&self) -> usize {
        self.html + self.css + self.js
    }
}

/// The heaviest page of each type, with its type.
pub fn heaviest_of_each_type(root: &Path, base: &str) -> Vec<(String, Weight)> {
    page_types(root)
        .into_iter()
        .map(|(name, pages)| {
            let heaviest = pages
                .iter()
                .map(|page| weigh(root, base, page))
                .max_by_key(Weight::total)
                .expect("a page type has pages");
            (name, heaviest)
        })
        .collect()
}

/// The gzipped weight of `page` (relative to `root`) and of the stylesheets
/// and scripts it loads, found in the output by their addresses.
pub fn weigh(root: &Path, base: &str, page: &str) -> Weight {
    let html = std::fs::read_to_string(root.join(page))
        .unwrap_or_else(|e| panic!("cannot read {page}: {e}"));
    let asset = |href: String| {
        let path = asset_path(page, base, &href)
            .unwrap_or_else(|| panic!("{page} loads {href}, which is not a file of the site"));
        let bytes = std::fs::read(root.join(&path))
            .unwrap_or_else(|e| panic!("{page} loads {href}, but {path} cannot be read: {e}"));
        gzipped_len(&bytes)
    };
    let stylesheets: Vec<String> = tags(&html, "link")
        .filter(|tag| {
            attr(tag, "rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("stylesheet"))
            })
        })
        .filter_map(|tag| attr(tag, "href"))
        .collect();
    Weight {
        page: page.to_string(),
        html: gzipped_len(html.as_bytes()),
        css: stylesheets.into_iter().map(asset).sum(),
        js: loads(&html, "script", "src").map(asset).sum(),
    }
}

/// A table of weights, one row per page type, in bytes.
pub fn table(rows: &[(String, Weight)]) -> String {
    let mut out = format!(
        "{:<24} {:>8} {:>8} {:>8} {:>9}  heaviest page\n",
        "page type", "HTML gz", "CSS gz", "JS gz", "total gz"
    );
    for (name, w) in rows {
        let flag = if w.total() > PAGE_BUDGET {
            "  OVER"
        } else {
            ""
        };
        out.push_str(&format!(
            "{name:<24} {:>8} {:>8} {:>8} {:>9}  {}{flag}\n",
            w.html,
            w.css,
            w.js,
            w.total(),
            w.page
        ));
    }
    out.push_str(&format!("budget: {PAGE_BUDGET} bytes gzipped per page\n"));
    out
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).expect("gzip in memory");
    gz.finish().expect("gzip in memory").len()
}

/// The output path of an asset that `page` refers to as `href`: a site path
/// (with or without the base path) or relative to the page; None for another
/// host.
fn asset_path(page: &str, base: &str, href: &str) -> Option<String> {
    let href = href.split(['?', '#']).next()?;
    if href.contains("://") || href.starts_with("//") {
        return None;
    }
    if let Some(p) = href.strip_prefix(base).filter(|_| href.starts_with('/')) {
        return Some(p.to_string());
    }
    if let Some(p) = href.strip_prefix('/') {
        return Some(p.to_string());
    }
    let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in href.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn file_name(href: &str) -> &str {
    let path = href.split(['?', '#']).next().unwrap_or(href);
    path.rsplit('/').next().unwrap_or(path)
}

/// The values of `attribute` on every `<name>` tag that has it.
fn loads<'a>(
    html: &'a str,
    name: &'a str,
    attribute: &'a str,
) -> impl Iterator<Item = String> + 'a {
    tags(html, name).filter_map(move |tag| attr(tag, attribute))
}

/// The start tags `<name ...>` in `html` (ASCII case-insensitive).
fn tags<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&open) {
        let start = from + i;
        let after = lower.as_bytes().get(start + open.len()).copied();
        let Some(len) = lower[start..].find('>') else {
            break;
        };
        if matches!(after, Some(b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')) {
            found.push(&html[start..start + len]);
        }
        from = start + len;
    }
    found.into_iter()
}

/// The value of `name` in a start tag, unquoted and with `&amp;` decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split([' ', '\t', '\n', '\r', '>'])
                .next()
                .unwrap_or(""),
        };
        return Some(value.replace("&amp;", "&"));
    }
    None
}
