//! The vocabulary a content file's fields are described in for a CMS: what
//! kind of input each field needs and whether it may be left out. The parts
//! (src/parts/) describe their own fields with it; src/cms/schema.rs adds the
//! fields every article, entry, timeline and person has.

/// A label in both languages: (Norwegian Bokmål, English).
pub type Label = (&'static str, &'static str);

/// One front-matter key as an editor fills it in.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub label: Label,
    pub widget: Widget,
    pub required: bool,
}

/// The kind of input a field takes, named by what forklar reads, not by any
/// one CMS's widget names.
#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    /// One line of text.
    Line,
    /// Plain text over several lines.
    Text,
    /// Markdown.
    Markdown,
    Bool {
        default: bool,
    },
    /// A day and a time of day, written with the site's offset.
    Moment,
    /// A day, 2022-01-06.
    Day,
    /// A date of any precision: a year, a month, a day or a moment.
    AnyDate,
    /// A number, or text such as «ca. 2 000».
    Figure,
    /// One of the given words.
    Choice(&'static [&'static str]),
    /// A list of lines.
    Lines,
    /// Keys of files in another collection (`background`, `people`).
    Keys {
        collection: &'static str,
    },
    /// An image file, or a web address.
    Image,
    /// A table: `[image]`.
    Table(Vec<Field>),
    /// A list of tables: `[[timeline]]`.
    Tables(Vec<Field>),
}

impl Field {
    /// An optional field.
    pub fn new(name: &'static str, label: Label, widget: Widget) -> Field {
        Field {
            name,
            label,
            widget,
            required: false,
        }
    }

    /// The same field, which may not be left out or empty.
    pub fn required(self) -> Field {
        Field {
            required: true,
            ..self
        }
    }
}

/// `[image]` as articles, entries and people write it.
pub fn image_fields() -> Vec<Field> {
    vec![
        Field::new("src", ("Bilde", "Image"), Widget::Image).required(),
        Field::new(
            "alt",
            ("Alternativ tekst", "Alternative text"),
            Widget::Line,
        )
        .required(),
        Field::new("credit", ("Kreditering", "Credit"), Widget::Line),
        Field::new("licence", ("Lisens", "Licence"), Widget::Line),
        Field::new("caption", ("Bildetekst", "Caption"), Widget::Line),
    ]
}
