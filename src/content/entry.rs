//! Background entries: short reusable explanations such as "CSTO", written once
//! in `content/background/KEY.md` and used by many articles.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fields::FileCx;
use super::{Image, ImageFields, key_from_path};
use crate::diagnostics::Diagnostic;
use crate::front_matter::{parse_toml, split};
use crate::layout::read_text;

/// A key fact about a background entry: "Grunnlagt" = "2002".
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackgroundFields {
    title: String,
    #[serde(default)]
    aliases: Vec<String>,
    summary: String,
    #[serde(default)]
    facts: Vec<Fact>,
    #[serde(default)]
    image: Option<ImageFields>,
    #[serde(default, rename = "type")]
    kind: EntryKind,
    #[serde(default)]
    same_as: Vec<toml::Spanned<String>>,
}

/// What an entry is about, for search engines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Person,
    Organisation,
    /// Anything else: an event, a place, an idea.
    #[default]
    Thing,
}

impl EntryKind {
    pub fn schema_type(self) -> &'static str {
        match self {
            EntryKind::Person => "Person",
            EntryKind::Organisation => "Organization",
            EntryKind::Thing => "Thing",
        }
    }
}

/// A short reusable entry such as "CSTO", written once and used by many articles.
#[derive(Debug, Clone, PartialEq)]
pub struct BackgroundEntry {
    pub key: String,
    pub path: PathBuf,
    pub title: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub facts: Vec<Fact>,
    pub image: Option<Image>,
    pub kind: EntryKind,
    /// The same thing elsewhere (Wikidata, an official site).
    pub same_as: Vec<String>,
    pub body: String,
    /// The 1-based line where the body starts, for errors in it.
    pub body_first_line: usize,
}

impl BackgroundEntry {
    pub fn load(root: &Path, path: &Path) -> Result<BackgroundEntry, Vec<Diagnostic>> {
        let text = read_text(root, path).map_err(|d| vec![d])?;
        BackgroundEntry::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<BackgroundEntry, Vec<Diagnostic>> {
        let parts = split(path, text).map_err(|d| vec![d])?;
        let fields: BackgroundFields =
            parse_toml(path, text, parts.front_matter_offset, parts.front_matter)
                .map_err(|d| vec![d])?;
        let key = key_from_path(path, text)?;
        let mut file = FileCx::new(path, text, parts.front_matter_offset);
        let image = fields.image.as_ref().and_then(|i| i.check(&mut file));
        let same_as = fields
            .same_as
            .iter()
            .filter_map(|url| file.url(url))
            .collect();
        file.finish(BackgroundEntry {
            key,
            path: path.to_path_buf(),
            title: fields.title,
            aliases: fields.aliases,
            summary: fields.summary,
            facts: fields.facts,
            image,
            kind: fields.kind,
            same_as,
            body: parts.body.to_string(),
            body_first_line: text[..parts.body_offset].matches('\n').count() + 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_be_slugs() {
        assert!(
            BackgroundEntry::parse(
                Path::new("content/background/Nazarbajev.md"),
                "+++\ntitle = \"N\"\nsummary = \"s\"\n+++\n"
            )
            .is_err()
        );
        let entry = BackgroundEntry::parse(
            Path::new("content/background/nazarbajev.md"),
            "+++\ntitle = \"N\"\nsummary = \"s\"\naliases = [\"Nazarbajev\"]\n+++\nKropp\n",
        )
        .unwrap();
        assert_eq!(entry.key, "nazarbajev");
        assert_eq!(entry.body, "Kropp\n");
        assert_eq!(entry.body_first_line, 6);
    }
}
