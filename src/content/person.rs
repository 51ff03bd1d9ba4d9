//! People and desks: who writes and who is quoted, written once in
//! `content/people/KEY.md` and named by key in bylines and quotes.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::fields::FileCx;
use super::{Image, ImageFields, key_from_path};
use crate::diagnostics::Diagnostic;
use crate::front_matter::{parse_toml, split};
use crate::layout::read_text;

/// A person, or an organisation such as a desk that signs articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PersonKind {
    #[default]
    Person,
    Organisation,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFields {
    name: String,
    #[serde(default)]
    kind: PersonKind,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    expertise: Vec<String>,
    #[serde(default)]
    same_as: Vec<Spanned<String>>,
    #[serde(default)]
    portrait: Option<ImageFields>,
    #[serde(default)]
    fediverse: Option<Spanned<String>>,
}

/// Someone named by key in bylines and quotes, with a page of their own.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub key: String,
    pub path: PathBuf,
    pub kind: PersonKind,
    pub name: String,
    pub role: Option<String>,
    pub organisation: Option<String>,
    pub expertise: Vec<String>,
    /// The same person elsewhere (Wikidata, an institution's staff page).
    pub same_as: Vec<String>,
    pub portrait: Option<Image>,
    /// `@user@example.social`.
    pub fediverse: Option<String>,
    /// A short biography in Markdown.
    pub bio: String,
    pub bio_first_line: usize,
}

impl Person {
    pub fn load(root: &Path, path: &Path) -> Result<Person, Vec<Diagnostic>> {
        let text = read_text(root, path).map_err(|d| vec![d])?;
        Person::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Person, Vec<Diagnostic>> {
        let parts = split(path, text).map_err(|d| vec![d])?;
        let fields: PersonFields =
            parse_toml(path, text, parts.front_matter_offset, parts.front_matter)
                .map_err(|d| vec![d])?;
        let key = key_from_path(path, text)?;
        let mut file = FileCx::new(path, text, parts.front_matter_offset);
        let portrait = fields.portrait.as_ref().and_then(|i| i.check(&mut file));
        let same_as = fields
            .same_as
            .iter()
            .filter_map(|url| file.url(url))
            .collect();
        let fediverse = fields.fediverse.as_ref().and_then(|handle| {
            let value = handle.get_ref().trim();
            if is_fediverse_handle(value) {
                Some(value.to_string())
            } else {
                file.error(
                    format!("`{value}` is not a fediverse handle"),
                    file.span(handle),
                    "write the handle as @name@server, e.g. fediverse = \"@kari@mastodon.social\"",
                );
                None
            }
        });
        file.finish(Person {
            key,
            path: path.to_path_buf(),
            kind: fields.kind,
            name: fields.name,
            role: fields.role,
            organisation: fields.organisation,
            expertise: fields.expertise,
            same_as,
            portrait,
            fediverse,
            bio: parts.body.to_string(),
            bio_first_line: crate::diagnostics::line_breaks(&text[..parts.body_offset]) + 1,
        })
    }
}

/// `@name@server.tld`: what `fediverse:creator` expects.
fn is_fediverse_handle(handle: &str) -> bool {
    let Some(rest) = handle.strip_prefix('@') else {
        return false;
    };
    let Some((user, server)) = rest.split_once('@') else {
        return false;
    };
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    !user.is_empty() && server.contains('.') && user.chars().all(fine) && server.chars().all(fine)
}

/// Whether a name in a byline or a quote's `speaker` is written as a key
/// (`blakkisrud`, `kari-nordmann`) rather than as a name ("Helge Blakkisrud").
pub fn looks_like_key(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_person_and_refuses_a_bad_handle() {
        let person = Person::parse(
            Path::new("content/people/blakkisrud.md"),
            "+++\nname = \"Helge Blakkisrud\"\nrole = \"forsker\"\norganisation = \"NUPI\"\nfediverse = \"@helge@nupi.example\"\n+++\nForsker.\n",
        )
        .unwrap();
        assert_eq!(person.key, "blakkisrud");
        assert_eq!(person.fediverse.as_deref(), Some("@helge@nupi.example"));
        assert!(
            Person::parse(
                Path::new("content/people/x.md"),
                "+++\nname = \"X\"\nfediverse = \"x\"\n+++\n"
            )
            .is_err()
        );
        assert!(looks_like_key("kari-nordmann"));
        assert!(!looks_like_key("Helge Blakkisrud"));
    }
}
