//! `static/admin/config.yml`: the collections of src/cms/schema.rs in the
//! configuration language Decap CMS reads (and Sveltia CMS, which reads the
//! same), with the scaffold's comments as hints.

use super::field::{Field, Widget};
use super::help::Hints;
use super::schema::{Collection, Shape, collections};
use super::yaml::Yaml;
use crate::i18n::Language;

/// What the configuration depends on besides the schema.
pub struct ConfigOptions<'a> {
    pub language: Language,
    /// The published site, shown as "view live" in the CMS.
    pub base_url: &'a str,
    /// `owner/name` on GitHub, where the CMS saves when not run locally.
    pub repo: Option<&'a str>,
    pub branch: &'a str,
    /// For Sveltia CMS, which reads the same configuration and a few more keys.
    pub sveltia: bool,
}

/// Stands for the repository until `forklar cms --repo` names it.
pub const NO_REPO: &str = "OWNER/REPOSITORY";

/// The moment format (Day.js tokens) that writes forklar's RFC 3339 dates.
const MOMENT_FORMAT: &str = "YYYY-MM-DDTHH:mm:ssZ";

pub fn config_yaml(options: &ConfigOptions) -> String {
    let (article_hints, entry_hints) = Hints::from_scaffold(options.language);
    let none = Hints::default();
    let mut collections_yaml = Vec::new();
    for collection in collections() {
        let hints = match collection.name {
            "articles" => &article_hints,
            "background" => &entry_hints,
            // A shared timeline's events are an article's `[[timeline]]`.
            "timelines" => &article_hints,
            _ => &none,
        };
        collections_yaml.push(collection_yaml(&collection, hints, options.language));
    }
    let mut root = vec![
        (
            "backend",
            Yaml::Map(vec![
                ("name", Yaml::str("github")),
                ("repo", Yaml::str(options.repo.unwrap_or(NO_REPO))),
                ("branch", Yaml::str(options.branch)),
            ]),
        ),
        // `npx decap-server` in the site's folder saves to the files here.
        ("local_backend", Yaml::Bool(true)),
        ("locale", Yaml::str(locale(options.language))),
        ("site_url", Yaml::str(options.base_url)),
        ("display_url", Yaml::str(options.base_url)),
        ("media_folder", Yaml::str("static/bilder")),
        ("public_folder", Yaml::str("/bilder")),
        (
            "slug",
            Yaml::Map(vec![
                ("encoding", Yaml::str("ascii")),
                ("clean_accents", Yaml::Bool(true)),
                ("sanitize_replacement", Yaml::str("-")),
            ]),
        ),
        ("collections", Yaml::List(collections_yaml)),
    ];
    if options.sveltia {
        // Sveltia writes `key = ""` for an optional field left empty unless told not to.
        root.push((
            "output",
            Yaml::Map(vec![("omit_empty_optional_fields", Yaml::Bool(true))]),
        ));
    }
    Yaml::Map(root).write()
}

/// Decap's name for the site's language.
fn locale(language: Language) -> &'static str {
    match language {
        Language::Nb => "nb_no",
        Language::En => "en",
    }
}

fn pick(label: (&'static str, &'static str), language: Language) -> &'static str {
    match language {
        Language::Nb => label.0,
        Language::En => label.1,
    }
}

fn collection_yaml(collection: &Collection, hints: &Hints, language: Language) -> Yaml {
    let mut map = vec![
        ("name", Yaml::str(collection.name)),
        ("label", Yaml::str(pick(collection.label, language))),
        (
            "label_singular",
            Yaml::str(pick(collection.label_singular, language)),
        ),
        ("folder", Yaml::str(collection.folder)),
        ("create", Yaml::Bool(true)),
        ("identifier_field", Yaml::str(collection.identifier)),
        (
            "slug",
            Yaml::str(format!("{{{{{}}}}}", collection.identifier)),
        ),
    ];
    match collection.shape {
        Shape::FrontMatter => {
            map.push(("extension", Yaml::str("md")));
            map.push(("format", Yaml::str("toml-frontmatter")));
            map.push(("frontmatter_delimiter", Yaml::str("+++")));
        }
        Shape::Toml => {
            map.push(("extension", Yaml::str("toml")));
            map.push(("format", Yaml::str("toml")));
        }
    }
    let table = |name: &str| match name {
        "events" => "timeline".to_string(),
        other => other.to_string(),
    };
    map.push((
        "fields",
        Yaml::List(
            collection
                .fields
                .iter()
                .map(|field| field_yaml(field, None, hints, language, &table))
                .collect(),
        ),
    ));
    Yaml::Map(map)
}

fn field_yaml(
    field: &Field,
    table: Option<&str>,
    hints: &Hints,
    language: Language,
    table_name: &dyn Fn(&str) -> String,
) -> Yaml {
    let mut map = vec![
        ("name", Yaml::str(field.name)),
        ("label", Yaml::str(pick(field.label, language))),
    ];
    let path = match table {
        Some(table) => format!("{table}.{}", field.name),
        None => table_name(field.name),
    };
    let sub = |fields: &[Field]| {
        let table = table_name(field.name);
        Yaml::List(
            fields
                .iter()
                .map(|f| field_yaml(f, Some(&table), hints, language, table_name))
                .collect(),
        )
    };
    match &field.widget {
        Widget::Line => map.push(("widget", Yaml::str("string"))),
        Widget::Text => map.push(("widget", Yaml::str("text"))),
        Widget::Markdown => map.push(("widget", Yaml::str("markdown"))),
        Widget::Bool { default } => {
            map.push(("widget", Yaml::str("boolean")));
            // Decap starts a list with one item when its fields have
            // defaults, so booleans in lists start unset (read as false).
            if table.is_none() {
                map.push(("default", Yaml::Bool(*default)));
            }
        }
        Widget::Moment => {
            map.push(("widget", Yaml::str("datetime")));
            map.push(("format", Yaml::str(MOMENT_FORMAT)));
            // Not in lists: Decap would start the list with an item (see above).
            if field.required && table.is_none() {
                // As `forklar new` dates an article: now, to be changed if need be.
                map.push(("default", Yaml::str("{{now}}")));
            }
        }
        Widget::Day => {
            map.push(("widget", Yaml::str("datetime")));
            map.push(("date_format", Yaml::str("YYYY-MM-DD")));
            map.push(("time_format", Yaml::Bool(false)));
        }
        Widget::AnyDate => {
            map.push(("widget", Yaml::str("string")));
            map.push((
                "pattern",
                Yaml::List(vec![
                    Yaml::str(
                        r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$",
                    ),
                    Yaml::str(match language {
                        Language::Nb => "Skriv 2022, 2022-01, 2022-01-05 eller 2022-01-05T14:00",
                        Language::En => "Write 2022, 2022-01, 2022-01-05 or 2022-01-05T14:00",
                    }),
                ]),
            ));
        }
        Widget::Figure => map.push(("widget", Yaml::str("string"))),
        Widget::Choice(options) => {
            map.push(("widget", Yaml::str("select")));
            map.push((
                "options",
                Yaml::List(options.iter().map(|o| Yaml::str(*o)).collect()),
            ));
        }
        Widget::Lines => {
            map.push(("widget", Yaml::str("list")));
            map.push((
                "field",
                Yaml::Map(vec![
                    ("name", Yaml::str("item")),
                    ("label", Yaml::str(pick(field.label, language))),
                    ("widget", Yaml::str("string")),
                ]),
            ));
        }
        Widget::Keys { collection } => {
            let shown = if *collection == "people" {
                "name"
            } else {
                "title"
            };
            map.push(("widget", Yaml::str("relation")));
            map.push(("collection", Yaml::str(*collection)));
            map.push(("value_field", Yaml::str("{{slug}}")));
            map.push(("search_fields", Yaml::List(vec![Yaml::str(shown)])));
            map.push(("display_fields", Yaml::List(vec![Yaml::str(shown)])));
            // `timeline_file` names one timeline; the others are lists of keys.
            map.push(("multiple", Yaml::Bool(field.name != "timeline_file")));
        }
        Widget::Image => map.push(("widget", Yaml::str("image"))),
        Widget::Table(fields) => {
            map.push(("widget", Yaml::str("object")));
            map.push(("collapsed", Yaml::Bool(true)));
            if field.required {
                map.push(("fields", sub(fields)));
            } else {
                // Decap would demand an optional table's required fields even
                // when the table is left empty; forklar checks them when it is not.
                let optional: Vec<Field> = fields
                    .iter()
                    .map(|f| Field {
                        required: false,
                        ..f.clone()
                    })
                    .collect();
                map.push(("fields", sub(&optional)));
            }
        }
        Widget::Tables(fields) => {
            map.push(("widget", Yaml::str("list")));
            map.push(("fields", sub(fields)));
        }
    }
    if !field.required {
        map.push(("required", Yaml::Bool(false)));
    }
    if let Some(hint) = hints.get(&path) {
        map.push(("hint", Yaml::str(hint)));
    }
    Yaml::Map(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(language: Language) -> String {
        config_yaml(&ConfigOptions {
            language,
            base_url: "https://example.org/",
            repo: None,
            branch: "main",
            sveltia: false,
        })
    }

    /// The YAML block of the field `name` inside the list `list`.
    fn block<'a>(yaml: &'a str, list: &str, name: &str) -> &'a str {
        let start = yaml.find(&format!("name: \"{list}\"")).expect("list");
        let rest = &yaml[start..];
        let at = rest.find(&format!("- name: \"{name}\"")).expect("field");
        let rest = &rest[at + 2..];
        &rest[..rest.find("- name:").unwrap_or(rest.len())]
    }

    #[test]
    fn a_quote_needs_its_speaker_and_source_and_says_why() {
        let yaml = generated(Language::Nb);
        let speaker = block(&yaml, "quotes", "speaker");
        assert!(!speaker.contains("required: false"), "{speaker}");
        assert!(speaker.contains("label: \"Hvem sa det\""), "{speaker}");
        assert!(speaker.contains("content/people/"), "{speaker}");
        assert!(!block(&yaml, "quotes", "source").contains("required: false"));
        assert!(block(&yaml, "quotes", "role").contains("required: false"));
    }

    #[test]
    fn every_part_is_in_the_article_form_in_the_sites_language() {
        let yaml = generated(Language::En);
        for field in crate::parts::cms_fields() {
            assert!(
                yaml.contains(&format!("name: \"{}\"", field.name)),
                "{}",
                field.name
            );
        }
        assert!(yaml.contains("label: \"What they say\""));
        assert!(yaml.contains("locale: \"en\""));
        assert!(generated(Language::Nb).contains("label: \"Dette sier de\""));
    }
}
