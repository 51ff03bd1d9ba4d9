//! `site.toml`: the settings of one site.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Location};
use crate::front_matter::{TomlKind, toml_diagnostic};
use crate::i18n::Language;
pub use crate::layout::CONFIG_FILE;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, shown in every page header.
    pub title: String,
    /// A sentence about the site, for the front page, feeds and link previews.
    #[serde(default)]
    pub description: String,
    /// Where the site is published, e.g. `https://example.org/forklaring/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// `nb` or `en`: labels, date formats and the `lang` attribute.
    #[serde(default)]
    pub language: Language,
    /// Default authors for articles that name none.
    #[serde(default)]
    pub authors: Vec<String>,
    /// How Markdown bodies are rendered.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// How templates are run.
    #[serde(default)]
    pub templates: TemplatesConfig,
    /// The type of work of articles that name none.
    #[serde(default)]
    pub kind: crate::kind::Kind,
    /// Where the publisher's standards are published, for the `publisher` in
    /// structured data: news aggregators look for them to judge a source.
    #[serde(default)]
    pub publishing_principles: Option<String>,
    #[serde(default)]
    pub corrections_policy: Option<String>,
    #[serde(default)]
    pub ownership: Option<String>,
    /// The publisher's logo, an absolute URL or a path on the site.
    #[serde(default)]
    pub logo: Option<String>,
    /// The IANA name of the zone times are written and shown in, e.g.
    /// `Europe/Oslo`; by default Europe/Oslo for `nb` and UTC otherwise.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Sizes, formats and quality of published images.
    #[serde(default)]
    pub images: crate::images::ImageConfig,
    /// The search page and its index (`search = false` leaves both out).
    #[serde(default = "default_search")]
    pub search: bool,
    /// The most addresses one sitemap file lists: beyond it, `sitemap.xml`
    /// is an index of parts. The protocol allows 50,000.
    #[serde(default = "default_sitemap_urls_per_file")]
    pub sitemap_urls_per_file: usize,
    /// `timezone`, looked up in the tz database built into forklar.
    #[serde(skip)]
    pub zone: Zone,
}

/// The site's time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone(pub jiff::tz::TimeZone);

impl Default for Zone {
    fn default() -> Zone {
        Zone(jiff::tz::TimeZone::UTC)
    }
}

/// `[markdown]` in site.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Show raw HTML in article bodies as text instead of passing it through; for
    /// sites whose writers should not be able to add markup or scripts.
    #[serde(default)]
    pub escape_html: bool,
}

/// `[templates]` in site.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatesConfig {
    /// The longest one page may take to render, in seconds: a template with a
    /// loop that never ends fails the build instead of hanging it.
    #[serde(default = "default_time_limit")]
    pub time_limit: f64,
}

impl Default for TemplatesConfig {
    fn default() -> TemplatesConfig {
        TemplatesConfig {
            time_limit: default_time_limit(),
        }
    }
}

fn default_time_limit() -> f64 {
    10.0
}

impl TemplatesConfig {
    /// The limit as a duration; an unusable value was refused when site.toml was read.
    pub fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.time_limit)
    }
}

fn default_search() -> bool {
    true
}

/// The most URLs the sitemaps.org protocol allows in one sitemap file.
pub const SITEMAP_URLS_MOST: usize = 50_000;

fn default_sitemap_urls_per_file() -> usize {
    SITEMAP_URLS_MOST
}

fn default_base_url() -> String {
    "/".into()
}

impl Config {
    /// Reads and checks `site.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        if path.is_dir() {
            return Err(Diagnostic::new(format!("{CONFIG_FILE} is a folder"))
                .in_file(&path)
                .with_help(format!(
                    "{CONFIG_FILE} must be a text file with the site's settings; move the folder away and create the file"
                )));
        }
        if !path.exists() {
            return Err(Diagnostic::new(format!("there is no {CONFIG_FILE}"))
                .in_file(&path)
                .with_help(format!(
                    "run forklar in the site's folder, pass --root DIR, or create {CONFIG_FILE} with at least title = \"…\""
                )));
        }
        // Read like a content file, so a byte that is not UTF-8 is shown at its line.
        let text = crate::layout::read_text(root, Path::new(CONFIG_FILE))?;
        // Errors name the file as the writer knows it, like content files.
        Config::parse(Path::new(CONFIG_FILE), &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(text)
            .map_err(|err| toml_diagnostic(path, text, 0, &err, TomlKind::Settings))?;
        if config.images.share_image.is_some() {
            config.images.share_image_at = key_line(text, "share_image")
                .map(|at| Location::from_span(text, at..at + "share_image".len()));
        }
        let limit = config.templates.time_limit;
        if !(limit.is_finite() && limit > 0.0 && limit <= 3600.0) {
            let at = text.find("time_limit").unwrap_or(0);
            return Err(Diagnostic::new(format!(
                "time_limit = {limit} is not a usable time limit"
            ))
            .in_file(path)
            .at_span(text, at..at + "time_limit".len())
            .with_help("give the seconds one page may take to render, e.g. time_limit = 10"));
        }
        let per_file = config.sitemap_urls_per_file;
        if !(1..=SITEMAP_URLS_MOST).contains(&per_file) {
            let key = "sitemap_urls_per_file";
            let at = text.find(key).unwrap_or(0);
            return Err(Diagnostic::new(format!(
                "{key} = {per_file} is not a number of addresses a sitemap file may list"
            ))
            .in_file(path)
            .at_span(text, at..at + key.len())
            .with_help("give a number from 1 to 50000 (the protocol's limit), e.g. sitemap_urls_per_file = 50000"));
        }
        let name = config.timezone.clone().unwrap_or_else(|| {
            match config.language {
                Language::Nb => "Europe/Oslo",
                Language::En => "UTC",
            }
            .to_string()
        });
        config.zone = Zone(jiff::tz::db().get(&name).map_err(|_| {
            let span = text
                .find("timezone")
                .and_then(|at| text[at..].find(&name).map(|i| at + i..at + i + name.len()))
                .unwrap_or(0..0);
            Diagnostic::new(format!("`{name}` is not a time zone forklar knows"))
                .in_file(path)
                .at_span(text, span)
                .with_help("write the zone's IANA name, such as Europe/Oslo, Asia/Almaty or UTC")
        })?);
        config.images.validate().map_err(|why| {
            let span = text
                .find("[images]")
                .map_or(0..0, |i| i..i + "[images]".len());
            Diagnostic::new(why)
                .in_file(path)
                .at_span(text, span)
                .with_help("see docs/writing.md, \"Images\", for the settings and their defaults")
        })?;
        config.base_url = normalise_base_url(&config.base_url).map_err(|why| {
            let span = text
                .find("base_url")
                .map_or(0..0, |i| i..i + "base_url".len());
            Diagnostic::new(why)
                .in_file(path)
                .at_span(text, span)
                .with_help(
                    "write base_url as https://example.org/ or https://example.org/sub-path/",
                )
        })?;
        Ok(config)
    }

    /// Replaces the base URL, as `--base-url` does.
    pub fn set_base_url(&mut self, base_url: &str) -> Result<(), Diagnostic> {
        self.base_url = normalise_base_url(base_url).map_err(|why| {
            Diagnostic::new(format!("--base-url: {why}"))
                .with_help("pass a URL like https://example.org/ or https://example.org/sub-path/")
        })?;
        Ok(())
    }

    /// The path part of the base URL, always starting and ending with `/`: every
    /// internal link starts with it, so the site works under a sub-path.
    pub fn base_path(&self) -> &str {
        match self.base_url.find("://") {
            Some(scheme_end) => {
                let after_host = &self.base_url[scheme_end + 3..];
                match after_host.find('/') {
                    Some(i) => &after_host[i..],
                    None => "/",
                }
            }
            None => &self.base_url,
        }
    }

    /// The absolute URL for a site path such as `kasakhstan/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

/// Checks a base URL and gives it exactly one trailing slash.
fn normalise_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let ok = url.starts_with('/')
        || ((url.starts_with("https://") || url.starts_with("http://"))
            && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty()));
    if !ok || url.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!(
            "`{url}` is not a usable base URL: it must be an http(s) URL or a path starting with /"
        ));
    }
    Ok(format!("{}/", url.trim_end_matches('/')))
}

/// Where the line that sets `key` (`key = …`, under any table) starts its key.
fn key_line(text: &str, key: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(start + (line.len() - trimmed.len()));
        }
        start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostic> {
        Config::parse(Path::new("site.toml"), text)
    }

    #[test]
    fn reads_every_key_and_normalises_the_base_url() {
        let config = parse(
            "title = \"Forklart\"\ndescription = \"d\"\nbase_url = \"https://example.org/forklaring\"\n\
             language = \"en\"\nauthors = [\"A\"]\n",
        )
        .unwrap();
        assert_eq!(config.base_url, "https://example.org/forklaring/");
        assert_eq!(config.base_path(), "/forklaring/");
        assert_eq!(config.language, Language::En);
        assert_eq!(
            config.permalink("/csto/"),
            "https://example.org/forklaring/csto/"
        );
        let bare = parse("title = \"x\"\nbase_url = \"https://example.org\"").unwrap();
        assert_eq!(bare.base_path(), "/");
    }

    #[test]
    fn an_unknown_key_names_the_key_its_line_and_the_accepted_keys() {
        let err = parse("title = \"x\"\ntitel = \"y\"\n").unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.message.contains("unknown field `titel`"), "{err}");
        for key in [
            "title",
            "description",
            "base_url",
            "language",
            "authors",
            "markdown",
            "timezone",
        ] {
            assert!(err.message.contains(key), "{err}");
        }
    }

    #[test]
    fn rejects_an_unknown_language_and_a_bad_base_url() {
        let err = parse("title = \"x\"\nlanguage = \"nn\"\n").unwrap_err();
        assert_eq!(err.line(), Some(2));
        let err = parse("title = \"x\"\nbase_url = \"example.org\"\n").unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.message.contains("not a usable base URL"));
    }

    #[test]
    fn the_zone_defaults_by_language_and_an_unknown_zone_is_named_at_its_line() {
        let nb = parse("title = \"x\"\n").unwrap();
        assert_eq!(nb.zone.0.iana_name(), Some("Europe/Oslo"));
        let en = parse("title = \"x\"\nlanguage = \"en\"\n").unwrap();
        assert_eq!(en.zone.0.iana_name(), Some("UTC"));
        let almaty = parse("title = \"x\"\ntimezone = \"Asia/Almaty\"\n").unwrap();
        assert_eq!(almaty.zone.0.iana_name(), Some("Asia/Almaty"));
        let err = parse("title = \"x\"\ntimezone = \"Europe/Olso\"\n").unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.message.contains("Europe/Olso"), "{err}");
    }

    #[test]
    fn the_sitemap_limit_defaults_to_the_protocols_and_is_checked_at_its_line() {
        let config = parse("title = \"x\"\n").unwrap();
        assert_eq!(config.sitemap_urls_per_file, 50_000);
        let small = parse("title = \"x\"\nsitemap_urls_per_file = 3\n").unwrap();
        assert_eq!(small.sitemap_urls_per_file, 3);
        for bad in ["0", "50001"] {
            let err =
                parse(&format!("title = \"x\"\nsitemap_urls_per_file = {bad}\n")).unwrap_err();
            assert_eq!(err.line(), Some(2), "{bad}");
            assert!(err.message.contains("sitemap_urls_per_file"), "{err}");
        }
        let err = parse("title = \"x\"\nsitemap_urls_per_file = -1\n").unwrap_err();
        assert_eq!(err.line(), Some(2));
    }

    #[test]
    fn the_title_is_required() {
        let err = parse("language = \"nb\"\n").unwrap_err();
        assert!(err.message.contains("missing field `title`"), "{err}");
    }
}
