//! What a CMS edits: the four kinds of content file, each with its fields.
//! An article's fields are the ones every article has followed by every
//! explainer part's (from the part registry), so a new part reaches the CMS
//! through its own `cms_fields`.

use super::field::{Field, Widget, image_fields};
use crate::parts::timeline::event_fields;

/// One kind of content file, kept in one folder.
#[derive(Debug, Clone)]
pub struct Collection {
    /// The name a CMS knows it by, and the target of `Widget::Keys`.
    pub name: &'static str,
    pub label: (&'static str, &'static str),
    pub label_singular: (&'static str, &'static str),
    pub folder: &'static str,
    pub shape: Shape,
    /// The field naming a file in lists and in `Widget::Keys`.
    pub identifier: &'static str,
    pub fields: Vec<Field>,
}

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `+++` TOML front matter, then Markdown (`body`).
    FrontMatter,
    /// A TOML file and nothing else.
    Toml,
}

/// The body under the front matter.
fn body(label: (&'static str, &'static str)) -> Field {
    Field::new("body", label, Widget::Markdown)
}

/// The fields every article has, before its parts.
pub fn article_fields() -> Vec<Field> {
    vec![
        Field::new("title", ("Tittel", "Title"), Widget::Line).required(),
        Field::new("date", ("Publisert", "Published"), Widget::Moment).required(),
        Field::new("updated", ("Oppdatert", "Updated"), Widget::Moment),
        Field::new(
            "update_note",
            ("Hva er oppdatert", "What was updated"),
            Widget::Line,
        ),
        Field::new("lead", ("Ingress", "Lead"), Widget::Text),
        Field::new("kicker", ("Stikktittel", "Kicker"), Widget::Line),
        Field::new(
            "authors",
            ("Forfattere", "Authors"),
            Widget::Keys {
                collection: "people",
            },
        ),
        Field::new(
            "kind",
            ("Sjanger", "Type of work"),
            Widget::Choice(&["forklaring", "nyhet", "analyse", "kommentar"]),
        ),
        Field::new("tags", ("Emner", "Tags"), Widget::Lines),
        Field::new("slug", ("Adresse", "Address"), Widget::Line),
        Field::new("draft", ("Utkast", "Draft"), Widget::Bool { default: true }),
        Field::new("expires", ("Utløper", "Expires"), Widget::Moment),
        Field::new(
            "expired",
            ("Etter utløp", "Once expired"),
            Widget::Choice(&["keep", "remove"]),
        ),
        Field::new(
            "embargo",
            ("Sperrefrist", "Embargo"),
            Widget::Bool { default: false },
        ),
        Field::new(
            "image",
            ("Hovedbilde", "Main image"),
            Widget::Table(image_fields()),
        ),
        Field::new(
            "images",
            ("Bilder i teksten", "Images in the body"),
            Widget::Tables(image_fields()),
        ),
    ]
}

pub fn collections() -> Vec<Collection> {
    let mut article = article_fields();
    article.extend(crate::parts::cms_fields());
    article.push(body(("Brødtekst", "Body")));
    vec![
        Collection {
            name: "articles",
            label: ("Artikler", "Articles"),
            label_singular: ("Artikkel", "Article"),
            folder: "content",
            shape: Shape::FrontMatter,
            identifier: "title",
            fields: article,
        },
        Collection {
            name: "background",
            label: ("Bakgrunn", "Background"),
            label_singular: ("Bakgrunnsoppslag", "Background entry"),
            folder: "content/background",
            shape: Shape::FrontMatter,
            identifier: "title",
            fields: vec![
                Field::new("title", ("Navn", "Name"), Widget::Line).required(),
                Field::new("aliases", ("Andre navn", "Aliases"), Widget::Lines),
                Field::new("summary", ("Kort forklaring", "Summary"), Widget::Text).required(),
                Field::new(
                    "type",
                    ("Type", "Type"),
                    Widget::Choice(&["person", "organisation", "thing"]),
                ),
                Field::new("verified", ("Sist kontrollert", "Verified"), Widget::Day),
                Field::new(
                    "review_after",
                    ("Kontrolleres igjen", "Review after"),
                    Widget::Line,
                ),
                Field::new("updated", ("Oppdatert", "Updated"), Widget::Moment),
                Field::new(
                    "same_as",
                    ("Samme som (lenker)", "Same as (links)"),
                    Widget::Lines,
                ),
                Field::new(
                    "changes",
                    ("Endringer", "Changes"),
                    Widget::Tables(vec![
                        Field::new("date", ("Dato", "Date"), Widget::AnyDate).required(),
                        Field::new("text", ("Hva ble endret", "What changed"), Widget::Text)
                            .required(),
                    ]),
                ),
                Field::new(
                    "facts",
                    ("Fakta", "Facts"),
                    Widget::Tables(vec![
                        Field::new("label", ("Hva", "Label"), Widget::Line).required(),
                        Field::new("value", ("Verdi", "Value"), Widget::Line).required(),
                    ]),
                ),
                Field::new("image", ("Bilde", "Image"), Widget::Table(image_fields())),
                Field::new(
                    "questions",
                    ("Spørsmål og svar", "Questions and answers"),
                    Widget::Tables(vec![
                        Field::new("question", ("Spørsmål", "Question"), Widget::Line).required(),
                        Field::new("answer", ("Svar", "Answer"), Widget::Markdown).required(),
                    ]),
                ),
                body(("Lengre tekst", "Longer text")),
            ],
        },
        Collection {
            name: "timelines",
            label: ("Tidslinjer", "Timelines"),
            label_singular: ("Tidslinje", "Timeline"),
            folder: "content/timelines",
            shape: Shape::Toml,
            identifier: "title",
            fields: vec![
                Field::new("title", ("Tittel", "Title"), Widget::Line).required(),
                Field::new(
                    "events",
                    ("Hendelser", "Events"),
                    Widget::Tables(event_fields()),
                ),
            ],
        },
        Collection {
            name: "people",
            label: ("Personer", "People"),
            label_singular: ("Person", "Person"),
            folder: "content/people",
            shape: Shape::FrontMatter,
            identifier: "name",
            fields: vec![
                Field::new("name", ("Navn", "Name"), Widget::Line).required(),
                Field::new(
                    "kind",
                    ("Type", "Type"),
                    Widget::Choice(&["person", "organisation"]),
                ),
                Field::new("role", ("Rolle", "Role"), Widget::Line),
                Field::new(
                    "organisation",
                    ("Organisasjon", "Organisation"),
                    Widget::Line,
                ),
                Field::new("expertise", ("Fagfelt", "Expertise"), Widget::Lines),
                Field::new(
                    "same_as",
                    ("Samme som (lenker)", "Same as (links)"),
                    Widget::Lines,
                ),
                Field::new("fediverse", ("Fediverset", "Fediverse"), Widget::Line),
                Field::new(
                    "portrait",
                    ("Portrett", "Portrait"),
                    Widget::Table(image_fields()),
                ),
                body(("Om personen", "About")),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_an_article_reads_is_one_the_cms_edits() {
        let mut read = crate::site::article::COMMON_FIELDS.to_vec();
        let mut edited: Vec<&str> = article_fields().iter().map(|f| f.name).collect();
        read.sort_unstable();
        edited.sort_unstable();
        assert_eq!(
            edited, read,
            "a field articles read is missing from src/cms/schema.rs (or the other way round)"
        );
    }
}
