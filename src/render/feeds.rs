//! The machine-readable files a published site needs: an Atom feed of the articles,
//! `sitemap.xml` (one file, or an index of parts) and `robots.txt`. Built from the same summaries as the pages.

use std::fmt::Write;

use super::views::ArticleSummary;
use crate::markdown::escape;

pub const FEED_FILE: &str = "atom.xml";
pub const SITEMAP_FILE: &str = "sitemap.xml";

/// One article in the feed: its summary, authors and rendered body.
pub struct FeedEntry<'a> {
    /// The entry's `tag:` URI ([`tag_id`]).
    pub id: String,
    pub summary: &'a ArticleSummary,
    /// The authors' names as their bylines show them.
    pub authors: Vec<String>,
    pub content: String,
}

/// The feed's own details.
pub struct FeedInfo<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    /// The newest change of any entry, as RFC 3339: never the time of the build,
    /// so the same content gives the same bytes.
    pub updated: &'a str,
}

/// What every feed opens with, before its entries; the feeds differ only in
/// these values.
struct FeedHead<'a> {
    language: &'a str,
    /// `xml:base`, against which the entries' paths are read.
    base: &'a str,
    title: &'a str,
    /// Left out when empty.
    subtitle: &'a str,
    self_href: &'a str,
    alternate: Option<&'a str>,
    id: &'a str,
    updated: &'a str,
    author: Option<&'a str>,
}

impl FeedHead<'_> {
    fn write(&self) -> String {
        let mut xml = String::new();
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        let _ = writeln!(
            xml,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\" xml:base=\"{}\">",
            self.language,
            escape(self.base)
        );
        let _ = writeln!(xml, "<title>{}</title>", escape(self.title));
        if !self.subtitle.is_empty() {
            let _ = writeln!(xml, "<subtitle>{}</subtitle>", escape(self.subtitle));
        }
        let _ = writeln!(
            xml,
            "<link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
            escape(self.self_href)
        );
        if let Some(alternate) = self.alternate {
            let _ = writeln!(
                xml,
                "<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
                escape(alternate)
            );
        }
        let _ = writeln!(xml, "<id>{}</id>", escape(self.id));
        let _ = writeln!(xml, "<updated>{}</updated>", self.updated);
        if let Some(author) = self.author {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape(author));
        }
        let _ = writeln!(xml, "<generator>forklar</generator>");
        xml
    }
}

/// An Atom 1.0 feed (RFC 4287).
pub fn atom(info: &FeedInfo, entries: &[FeedEntry]) -> String {
    let FeedInfo {
        title,
        description,
        base_url,
        language,
        updated,
    } = *info;
    let self_href = format!("{base_url}{FEED_FILE}");
    // xml:base lets feed readers resolve the site paths in article bodies.
    let mut xml = FeedHead {
        language,
        base: base_url,
        title,
        subtitle: description,
        self_href: &self_href,
        alternate: Some(base_url),
        id: base_url,
        updated,
        author: None,
    }
    .write();
    for entry in entries {
        let s = entry.summary;
        xml.push_str("<entry>\n");
        let _ = writeln!(xml, "<title>{}</title>", escape(&s.title));
        let _ = writeln!(
            xml,
            "<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
            escape(&s.permalink)
        );
        let _ = writeln!(xml, "<id>{}</id>", escape(&entry.id));
        let _ = writeln!(xml, "<published>{}</published>", s.date.rfc3339);
        let _ = writeln!(
            xml,
            "<updated>{}</updated>",
            s.updated.as_ref().unwrap_or(&s.date).rfc3339
        );
        let names: Vec<&str> = if entry.authors.is_empty() {
            vec![title]
        } else {
            entry.authors.iter().map(String::as_str).collect()
        };
        for name in names {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape(name));
        }
        for tag in &s.tags {
            let _ = writeln!(xml, "<category term=\"{}\"/>", escape(&tag.name));
        }
        if let Some(lead) = &s.lead {
            let _ = writeln!(xml, "<summary>{}</summary>", escape(lead));
        }
        if !entry.content.is_empty() {
            let _ = writeln!(
                xml,
                "<content type=\"html\">{}</content>",
                escape(&entry.content)
            );
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    // Control characters cannot appear in XML at all, not even escaped: a
    // title or body that carries one must not make the whole feed unreadable.
    drop_non_xml_chars(&mut xml);
    xml
}

/// A `tag:` URI (RFC 4151) for an article's feed entry, made from the site's
/// host, the day it was first published and its file: a feed reader keeps
/// treating it as the same entry when its slug, and so its address, changes.
/// A site without a host in its base URL falls back to the address.
pub fn tag_id(base_url: &str, published: &str, file: &str, permalink: &str) -> String {
    let (host, path) = base_url
        .split_once("://")
        .map(|(_, rest)| rest.split_once('/').unwrap_or((rest, "")))
        .unwrap_or_default();
    let day = published.get(..10).unwrap_or(published);
    if host.is_empty() || day.len() != 10 {
        return permalink.to_string();
    }
    // The base path keeps two sites on one host apart.
    let file = file.trim_end_matches(".md");
    format!("tag:{host},{day}:/{path}{file}")
}

/// One correction in the corrections feed.
pub struct CorrectionEntry<'a> {
    /// The article corrected.
    pub title: &'a str,
    pub permalink: &'a str,
    pub date: String,
    pub text: &'a str,
    pub plain: &'a str,
}

/// The corrections archive as an Atom feed: one entry per correction.
pub fn corrections_atom(
    title: &str,
    base_url: &str,
    feed_path: &str,
    language: &str,
    updated: &str,
    entries: &[CorrectionEntry],
) -> String {
    let feed_url = format!("{base_url}{feed_path}");
    let mut xml = FeedHead {
        language,
        base: base_url,
        title,
        subtitle: "",
        self_href: &feed_url,
        alternate: None,
        id: &feed_url,
        updated,
        author: Some(title),
    }
    .write();
    for entry in entries {
        xml.push_str("<entry>\n");
        let _ = writeln!(xml, "<title>{}</title>", escape(entry.title));
        let _ = writeln!(
            xml,
            "<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
            escape(entry.permalink)
        );
        // A correction has no address of its own: its article's, its date and
        // its text make it one that stays while nothing about it changes.
        let page = entry.permalink.split('#').next().unwrap_or_default();
        let _ = writeln!(
            xml,
            "<id>{}#correction-{}-{:x}</id>",
            escape(page),
            entry.date.get(..10).unwrap_or_default(),
            text_hash(entry.plain)
        );
        let _ = writeln!(xml, "<updated>{}</updated>", entry.date);
        let _ = writeln!(xml, "<summary>{}</summary>", escape(entry.plain));
        let _ = writeln!(
            xml,
            "<content type=\"html\">{}</content>",
            escape(entry.text)
        );
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    drop_non_xml_chars(&mut xml);
    xml
}

/// A short stable number for a text (FNV-1a), so ids do not depend on Rust's hasher.
fn text_hash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Takes out the characters XML 1.0 does not allow. A feed or sitemap
/// almost never has one, so the text is looked through as bytes first.
fn drop_non_xml_chars(xml: &mut String) {
    let control = |b: &u8| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    let bytes = xml.as_bytes();
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
    if bytes.iter().any(control) || memchr::memmem::find(bytes, b"\xEF\xBF").is_some() {
        xml.retain(is_xml_char);
    }
}

/// Whether XML 1.0 allows the character.
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// A page for the sitemap: its absolute URL and, where known, when it last changed.
#[derive(Clone, Copy)]
pub struct SitemapUrl<'a> {
    pub loc: &'a str,
    pub lastmod: Option<&'a str>,
}

/// Hands every address of a sitemap to the closure it is given, in order.
/// It is called twice, once to count the room and once to write, so a file
/// of 50,000 addresses is never held beside a list of them.
pub trait SitemapEntries: Fn(&mut dyn FnMut(SitemapUrl)) {}
impl<F: Fn(&mut dyn FnMut(SitemapUrl))> SitemapEntries for F {}

/// `sitemap.xml` by the sitemaps.org 0.9 schema.
pub fn sitemap(urls: impl SitemapEntries) -> String {
    sitemap_xml("urlset", "url", urls)
}

/// `sitemap.xml` as a sitemap index (sitemaps.org 0.9): the parts, each
/// with its newest change where known.
pub fn sitemap_index(parts: impl SitemapEntries) -> String {
    sitemap_xml("sitemapindex", "sitemap", parts)
}

/// A sitemaps.org 0.9 document: `root` holding an `item` per address, the
/// two kinds differing only in these names.
fn sitemap_xml(root: &str, item: &str, entries: impl SitemapEntries) -> String {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const XMLNS: &str = " xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    // Room for the whole file up front: grown by doubling, a part of 50,000
    // addresses would be held one and a half times while it is copied.
    let mut room = HEAD.len() + 2 * (root.len() + "</>".len()) + XMLNS.len() + 1;
    entries(&mut |entry| {
        room += 2 * item.len()
            + "<><loc></loc></>\n".len()
            + escape(entry.loc).len()
            + entry
                .lastmod
                .map_or(0, |l| l.len() + "<lastmod></lastmod>".len());
    });
    let mut xml = String::with_capacity(room);
    let _ = write!(xml, "{HEAD}<{root}{XMLNS}");
    entries(&mut |entry| {
        let _ = write!(xml, "<{item}><loc>{}</loc>", escape(entry.loc));
        if let Some(lastmod) = entry.lastmod {
            let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
        }
        let _ = writeln!(xml, "</{item}>");
    });
    let _ = writeln!(xml, "</{root}>");
    drop_non_xml_chars(&mut xml);
    xml
}

/// What a preview build tells every crawler: stay out.
pub const PREVIEW_ROBOTS: &str = "User-agent: *\nDisallow: /\n";

pub fn robots(base_url: &str) -> String {
    let news = super::news::NEWS_SITEMAP_FILE;
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {base_url}{SITEMAP_FILE}\nSitemap: {base_url}{news}\n"
    )
}

/// One update of a live article in its own feed.
pub struct UpdateEntry<'a> {
    pub id: &'a str,
    pub permalink: &'a str,
    pub headline: &'a str,
    pub time: &'a str,
    pub html: &'a str,
    pub author: Option<&'a str>,
}

/// A live article's updates as an Atom feed, `/<slug>/atom.xml`: a reader
/// following a developing story gets each update as it comes.
pub fn updates_atom(
    title: &str,
    site_title: &str,
    page: &str,
    feed: &str,
    language: &str,
    updated: &str,
    entries: &[UpdateEntry],
) -> String {
    let mut xml = FeedHead {
        language,
        base: page,
        title,
        subtitle: "",
        self_href: feed,
        alternate: Some(page),
        id: feed,
        updated,
        author: Some(site_title),
    }
    .write();
    for entry in entries {
        xml.push_str("<entry>\n");
        let _ = writeln!(xml, "<title>{}</title>", escape(entry.headline));
        let _ = writeln!(
            xml,
            "<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
            escape(entry.permalink)
        );
        let _ = writeln!(xml, "<id>{}</id>", escape(entry.id));
        let _ = writeln!(xml, "<published>{}</published>", entry.time);
        let _ = writeln!(xml, "<updated>{}</updated>", entry.time);
        if let Some(author) = entry.author {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape(author));
        }
        let _ = writeln!(
            xml,
            "<content type=\"html\">{}</content>",
            escape(entry.html)
        );
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    drop_non_xml_chars(&mut xml);
    xml
}

#[cfg(test)]
mod tests {
    use super::drop_non_xml_chars;

    #[test]
    fn only_the_characters_xml_forbids_are_taken_out() {
        let mut xml = "a\u{1}b\u{ffff}c\u{fffe}d\u{fffd}e\tf\u{b}g\u{1f}h\u{e000}".to_string();
        drop_non_xml_chars(&mut xml);
        assert_eq!(xml, "abcd\u{fffd}e\tfgh\u{e000}");
        let mut plain = "Kasakhstan – «uro» i januar\n".to_string();
        drop_non_xml_chars(&mut plain);
        assert_eq!(plain, "Kasakhstan – «uro» i januar\n");
    }
}
