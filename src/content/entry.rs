//! Background entries: short reusable explanations such as "CSTO", written once
//! in `content/background/KEY.md` and used by many articles.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fields::{DateField, FileCx};
use super::{Image, ImageFields, key_from_path};
use crate::dates::Date;
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
    #[serde(default)]
    updated: Option<DateField>,
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
    /// When the entry last changed in substance; an article older than that
    /// says so beside it.
    pub updated: Option<Date>,
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
        let updated = fields.updated.as_ref().and_then(|u| file.day(u));
        file.finish(BackgroundEntry {
            key,
            path: path.to_path_buf(),
            title: fields.title,
            aliases: fields.aliases,
            summary: fields.summary,
            facts: fields.facts,
            image,
            updated,
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
