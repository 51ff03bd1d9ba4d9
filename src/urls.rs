//! The URL scheme: where every kind of page is published, as a site path that
//! starts with the base path, and as an absolute address.

use crate::config::Config;
use crate::i18n::Language;
use crate::slug::slugify;

/// Makes the URLs of one site.
#[derive(Debug, Clone)]
pub struct Urls {
    base_path: String,
    base_url: String,
    pub language: Language,
}

impl Urls {
    pub fn new(config: &Config) -> Urls {
        Urls {
            base_path: config.base_path().to_string(),
            base_url: config.base_url.clone(),
            language: config.language,
        }
    }

    /// `/` or `/forklaring/`.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// An article's page, e.g. `/forklaring/kasakhstan/`.
    pub fn article(&self, slug: &str) -> String {
        // Made for every page and list entry: joined directly, without format!.
        [self.base_path.as_str(), slug, "/"].concat()
    }

    pub fn background(&self, key: &str) -> String {
        self.in_section(self.language.background_section(), key)
    }

    pub fn background_index(&self) -> String {
        format!("{}{}/", self.base_path, self.language.background_section())
    }

    /// The corrections archive.
    pub fn corrections(&self) -> String {
        format!("{}{}/", self.base_path, self.language.corrections_section())
    }

    /// A person's page.
    pub fn person(&self, key: &str) -> String {
        self.in_section(self.language.people_section(), key)
    }

    /// Page `n` of a person's page; page 1 is `/personer/<key>/`, the others
    /// `/personer/<key>/side/2/`.
    pub fn person_page(&self, key: &str, n: usize) -> String {
        self.nth_page(self.person(key), n)
    }

    /// The page of a shared timeline, or of the inline timeline of an article.
    pub fn timeline(&self, key: &str) -> String {
        self.in_section(self.language.timeline_section(), key)
    }

    /// The index of every tag, `/emne/`: the folder tag pages are in.
    pub fn tag_index(&self) -> String {
        format!("{}{}/", self.base_path, self.language.tag_section())
    }

    /// The index of every shared timeline, `/tidslinje/`.
    pub fn timeline_index(&self) -> String {
        format!("{}{}/", self.base_path, self.language.timeline_section())
    }

    pub fn tag(&self, tag: &str) -> String {
        self.in_section(self.language.tag_section(), &slugify(tag))
    }

    /// `<base path><section>/<key>/`, joined directly: made for every
    /// mention, entry and tag a page shows.
    fn in_section(&self, section: &str, key: &str) -> String {
        [self.base_path.as_str(), section, "/", key, "/"].concat()
    }

    /// Page `n` of the front page's list; page 1 is the front page.
    pub fn index(&self, n: usize) -> String {
        self.nth_page(self.base_path.clone(), n)
    }

    /// Page `n` of a list whose first page is at `first`: the others are
    /// `<first>side/2/` (`page/2/` in English), as on the front page.
    fn nth_page(&self, first: String, n: usize) -> String {
        if n <= 1 {
            first
        } else {
            format!("{first}{}/{n}/", self.language.pages_section())
        }
    }

    /// Page `n` of the corrections archive; page 1 is `/rettelser/`, the
    /// others `/rettelser/side/2/`.
    pub fn corrections_page(&self, n: usize) -> String {
        self.nth_page(self.corrections(), n)
    }

    /// Page `n` of a tag's list; page 1 is the tag's page, `/emne/csto/`,
    /// and the others follow the front page's pattern, `/emne/csto/side/2/`.
    pub fn tag_page(&self, tag: &str, n: usize) -> String {
        self.nth_page(self.tag(tag), n)
    }

    /// Page `n` of the list of articles that use a background entry; page 1
    /// is the entry's own page, the others `/bakgrunn/<key>/side/2/`.
    pub fn used_in(&self, key: &str, n: usize) -> String {
        self.nth_page(self.background(key), n)
    }

    /// The absolute URL of a site path that starts with the base path.
    pub fn permalink(&self, url: &str) -> String {
        if url.contains("://") {
            return url.to_string();
        }
        let path = url.strip_prefix(&self.base_path).unwrap_or(url);
        // Made for every page and list entry: joined directly, without format!.
        [self.base_url.as_str(), path.trim_start_matches('/')].concat()
    }

    /// A link written in front matter, made to work under a sub-path: site paths
    /// are taken from the site's root, web addresses are kept.
    pub fn asset(&self, src: &str) -> String {
        if src.contains("://") || src.starts_with("mailto:") || src.starts_with("tel:") {
            src.to_string()
        } else {
            format!("{}{}", self.base_path, src.trim_start_matches('/'))
        }
    }
}
