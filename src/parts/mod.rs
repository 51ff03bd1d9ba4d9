//! The explainer parts: the sections an article is made of besides its text.
//! Each part is one file here that owns its front-matter fields, their checks,
//! its view for the templates, its heading in both languages, its markers and
//! its example for `forklar new`. The registry at the bottom lists them once;
//! everything else (the article's fields, the markers the body knows, the ids
//! the theme reserves, the built-in partials, the scaffold) follows from it.
//!
//! Adding a part: write `src/parts/<key>.rs` with a type that implements
//! [`ExplainerPart`], add `templates/partials/<key>.html`, and add one line to
//! `explainer_parts!` below. docs/templates.md walks through it.

pub mod background;
pub mod corrections;
pub mod key_figures;
pub mod known;
pub mod questions;
pub mod quotes;
pub mod sources;
pub mod summary;
pub mod timeline;
pub mod updates;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tera::Value;
use toml::Spanned;
use toml::de::DeTable;

use crate::cms::field::Field;
use crate::content::{BackgroundEntry, FileCx, Person, Place, SharedTimeline};
use crate::dates::{Date, ShownDate};
use crate::deps::{Dep, Deps};
use crate::diagnostics::Diagnostic;
use crate::front_matter::{TomlKind, toml_diagnostic};
use crate::i18n::Language;
use crate::links::{FoundLink, LinkScope, Resolved};
use crate::markdown::{self, Marker};
use crate::site::SharedText;
use crate::urls::Urls;

/// Where `article.html` shows a part that no marker placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Under the lead, before the text.
    Top,
    /// After the text, in registry order.
    End,
}

/// One explainer part. Its key (the name in the registry) is the template
/// variable `page.<key>`, the partial `partials/<key>.html` and the id
/// `part-<key>`.
pub trait ExplainerPart {
    /// The front-matter keys the part reads.
    const FIELDS: &'static [&'static str];
    /// Body markers, `{{ name() }}`, that place the part where they stand.
    const MARKERS: &'static [&'static str] = &[];
    const SLOT: Slot = Slot::End;
    /// Whether lists of articles show the part (it is then part of an
    /// article's summary, and a change to it updates the lists).
    const IN_LISTS: bool = false;
    /// Whether only the article's own page shows the part: a full build then
    /// keeps it out of memory and reads it again when that page is rendered.
    const ON_ITS_PAGE_ONLY: bool = false;
    /// Whether other pages show only some of the part: a full build then
    /// keeps only that ([`ExplainerPart::for_other_pages`]) and reads the
    /// part again when the article's own page is rendered.
    const PARTLY_ON_OTHER_PAGES: bool = false;
    /// The lines `forklar new article` writes for the part's plain fields,
    /// commented out; `{background}` stands for the site's entry keys.
    const EXAMPLE: &'static str = "";
    /// The commented `[[tables]]` it writes for the part, after every plain field.
    const EXAMPLE_TABLES: &'static str = "";

    /// The fields as written; every field has a default, so an article without
    /// the part reads as one with the part empty.
    type Fields: DeserializeOwned + Default;
    /// The part as checked, kept with the article.
    type Item: Debug + Clone + Default + PartialEq + Send + Sync;
    /// What the templates get as `page.<key>`.
    type View: Serialize;

    /// Checks the fields; problems go to `file` at their lines.
    fn check(fields: Self::Fields, file: &mut FileCx) -> Self::Item;

    /// The view, or `None` when the article has nothing to show for the part.
    fn view(item: &Self::Item, cx: &mut ViewCx) -> Option<Self::View>;

    /// The part's heading: `labels.parts.<key>` in templates.
    fn heading(language: Language) -> &'static str;

    /// Problems between files: names of other files that do not exist.
    fn check_references(_item: &Self::Item, _cx: &RefCx, _problems: &mut Vec<Diagnostic>) {}

    /// What other pages than the article's own show of the part, where
    /// `PARTLY_ON_OTHER_PAGES`: what a full build keeps of it.
    fn for_other_pages(item: Self::Item) -> Self::Item {
        item
    }

    /// The part's fields as an editor fills them in `forklar cms`, one for
    /// each key in `FIELDS`.
    fn cms_fields() -> Vec<Field>;
}

/// What a part's view may read. Every read of another file goes through here
/// and is recorded, so a page is rebuilt when anything it showed changes.
pub struct ViewCx<'a> {
    pub language: Language,
    pub urls: &'a Urls,
    pub links: LinkScope<'a>,
    pub entries: &'a BTreeMap<String, BackgroundEntry>,
    pub timelines: &'a BTreeMap<String, SharedTimeline>,
    /// The site's clock, on which times are shown.
    pub zone: &'a jiff::tz::TimeZone,
    /// The moment the build counts as now (`--now`), which ends a live article.
    pub now: jiff::Timestamp,
    /// The article's point in time (when it was last updated, else published):
    /// what it shows of shared content stops there.
    pub until: Option<Date>,
    pub people: &'a BTreeMap<String, Person>,
    /// The article being rendered.
    pub slug: &'a str,
    pub title: &'a str,
    pub deps: &'a mut Deps,
    /// Links in front matter and shared files that are broken or lead to an
    /// unpublished article, with the file they are written in.
    pub link_problems: &'a std::sync::Mutex<Vec<(std::path::PathBuf, FoundLink)>>,
}

impl<'a> ViewCx<'a> {
    /// Inline Markdown from front matter, with its links resolved and recorded.
    pub fn inline(&mut self, text: &str) -> String {
        self.inline_at(text, markdown::Level::Running)
    }

    /// Inline Markdown from front matter that the page shows inside quotation
    /// marks of its own (a quote's words): quotes in it are the inner ones.
    pub fn quoted(&mut self, text: &str) -> String {
        self.inline_at(text, markdown::Level::Quoted)
    }

    fn inline_at(&mut self, text: &str, level: markdown::Level) -> String {
        let rendered =
            markdown::render_inline_with(text, Some(self.links), Some(self.language), level);
        self.record(rendered.links);
        rendered.html
    }

    /// Records what the links lead to, and notes the ones with a problem.
    fn record(&mut self, links: Vec<FoundLink>) {
        let mut problems = Vec::new();
        for link in links {
            self.deps.extend(link.target.clone().map(Dep::Url));
            if link.problem.is_some() {
                problems.push((self.links.from.to_path_buf(), link));
            }
        }
        if !problems.is_empty() {
            self.link_problems
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(problems);
        }
    }

    /// A link from front matter as it is published.
    pub fn link(&mut self, dest: &str) -> String {
        let (resolved, target) = self.links.index.resolve(self.links.from, dest);
        let problem = self.links.index.problem(self.links.from, dest, false);
        if problem.is_some() {
            self.record(vec![FoundLink {
                dest: dest.to_string(),
                target: None,
                range: 0..0,
                problem,
            }]);
        }
        self.deps.extend(target.map(Dep::Url));
        match resolved {
            Resolved::Url(url) => url,
            Resolved::Keep | Resolved::Missing(_) | Resolved::Unpublished(_) => dest.to_string(),
        }
    }

    /// Plain text from front matter, with the language's typography.
    pub fn text(&self, text: &str) -> String {
        markdown::typography::typeset(text, self.language)
    }

    /// A block of Markdown from front matter (an answer), links resolved and
    /// recorded; raw HTML is shown as text, as in all front matter.
    pub fn markdown(&mut self, text: &str) -> String {
        let rendered = markdown::render(
            text,
            &[],
            markdown::MarkdownOptions {
                escape_html: true,
                links: Some(self.links),
                reserved_ids: &[],
                markers: &[],
                language: Some(self.language),
                figures: None,
            },
        );
        self.record(rendered.links);
        rendered.html
    }

    /// A moment for readers, with its time of day where one was written.
    pub fn stamp(&self, date: &Date) -> ShownDate {
        let mut shown = date.shown_in(self.language, self.zone, true);
        shown.text = shown.moment.clone();
        shown
    }

    /// An entry as other pages show it: a part reads no more of it than
    /// `background::entry_view` takes and its aliases and image
    /// ([`Dep::EntryShown`]), so a save of its body leaves those pages be.
    pub fn entry(&mut self, key: &str) -> Option<&'a BackgroundEntry> {
        self.deps.add(|| Dep::EntryShown(key.to_string()));
        self.entries.get(key)
    }

    pub fn timeline(&mut self, key: &str) -> Option<&'a SharedTimeline> {
        self.deps.add(|| Dep::Timeline(key.to_string()));
        self.timelines.get(key)
    }

    pub fn person(&mut self, key: &str) -> Option<&'a Person> {
        self.deps.push(Dep::Person(key.to_string()));
        self.people.get(key)
    }

    /// The same reads, with links resolved from another file (a shared
    /// timeline's links are written from its own file).
    pub fn from_file<'b>(&'b mut self, from: &'b Path) -> ViewCx<'b>
    where
        'a: 'b,
    {
        ViewCx {
            language: self.language,
            urls: self.urls,
            links: LinkScope {
                index: self.links.index,
                from,
            },
            entries: self.entries,
            timelines: self.timelines,
            zone: self.zone,
            now: self.now,
            until: self.until,
            people: self.people,
            slug: self.slug,
            title: self.title,
            deps: self.deps,
            link_problems: self.link_problems,
        }
    }
}

/// What a part's cross-file check may read.
pub struct RefCx<'a> {
    pub language: Language,
    pub path: &'a Path,
    /// Reads the front matter, for drawing errors (only they need it: a
    /// large site keeps no article's text in memory).
    pub text: &'a dyn Fn() -> String,
    pub slug: &'a str,
    pub slug_span: Range<usize>,
    pub entries: &'a BTreeMap<String, BackgroundEntry>,
    pub timelines: &'a BTreeMap<String, SharedTimeline>,
    pub people: &'a BTreeMap<String, Person>,
}

/// "the known timelines are: a, b (files in content/timelines/)".
pub fn known_keys<'a>(what: &str, folder: &str, keys: impl Iterator<Item = &'a String>) -> String {
    let keys: Vec<&str> = keys.map(String::as_str).collect();
    if keys.is_empty() {
        format!("there are no {what} yet; add a file to {folder}")
    } else {
        format!(
            "the known {what} are: {} (files in {folder})",
            keys.join(", ")
        )
    }
}

/// A name written in a file, with where it was written, for errors found later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Held once for every article that names it.
    pub key: SharedText,
    pub span: Place,
}

impl Reference {
    pub fn new(key: &Spanned<String>, file: &FileCx) -> Reference {
        Reference {
            key: SharedText::new(key.get_ref()),
            span: file.span(key).into(),
        }
    }
}

/// Reads every time of day the parts hold without an offset on the clock of
/// `zone`.
pub fn settle_dates(items: &mut PartItems, zone: &jiff::tz::TimeZone) {
    for event in &mut items.timeline.events {
        event.date.settle(zone);
    }
    if let Some(as_of) = &mut items.known.as_of {
        as_of.settle(zone);
    }
    for figure in &mut items.key_figures {
        if let Some(as_of) = &mut figure.as_of {
            as_of.settle(zone);
        }
    }
    for quote in &mut items.quotes {
        if let Some(date) = &mut quote.date {
            date.settle(zone);
        }
    }
    updates::settle(items, zone);
}

/// A part's view, ready for the templates.
pub struct PartView {
    pub key: &'static str,
    pub slot: Slot,
    pub value: Value,
}

/// Reads and checks one part's fields, taken out of the front matter.
fn read_part<P: ExplainerPart>(own: DeTable<'_>, file: &mut FileCx) -> P::Item {
    if own.is_empty() {
        return P::Item::default();
    }
    let at = file.offset..file.offset;
    let read = P::Fields::deserialize(toml::de::Deserializer::from(Spanned::new(0..0, own)));
    match read {
        Ok(fields) => P::check(fields, file),
        Err(err) => {
            let mut diagnostic = toml_diagnostic(
                file.path,
                file.text,
                file.offset,
                &err,
                TomlKind::FrontMatter,
            );
            if diagnostic.location.is_none() {
                diagnostic = diagnostic.at_span(file.text, at);
            }
            file.problems.push(diagnostic);
            P::Item::default()
        }
    }
}

/// Whether a full build lets go of some or all of the part, which the
/// article's own page then reads again.
const fn read_again<P: ExplainerPart>() -> bool {
    P::ON_ITS_PAGE_ONLY || P::PARTLY_ON_OTHER_PAGES
}

fn view_value<P: ExplainerPart>(item: &P::Item, cx: &mut ViewCx) -> Option<Value> {
    P::view(item, cx).map(|view| Value::from_serializable(&view))
}

use serde::Deserialize as _;

macro_rules! explainer_parts {
    ($($key:ident => $part:ty),* $(,)?) => {
        /// Every part's checked content, as an article holds it.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct PartItems {
            $(pub $key: <$part as ExplainerPart>::Item,)*
        }

        /// The parts' keys, in the order `article.html` shows them.
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];

        /// The built-in partial of every part.
        pub const PARTIALS: &[(&str, &str)] = &[$((
            concat!("partials/", stringify!($key), ".html"),
            include_str!(concat!("../../templates/partials/", stringify!($key), ".html")),
        )),*];

        /// The front-matter keys the parts read.
        pub fn field_names() -> Vec<&'static str> {
            let mut names = Vec::new();
            $(names.extend_from_slice(<$part as ExplainerPart>::FIELDS);)*
            names
        }

        /// Every marker the body knows, with the part it places.
        pub fn markers() -> &'static [Marker] {
            static MARKERS: std::sync::OnceLock<Vec<Marker>> = std::sync::OnceLock::new();
            MARKERS.get_or_init(|| {
                let mut markers = Vec::new();
                $(markers.extend(<$part as ExplainerPart>::MARKERS.iter().map(|name| Marker {
                    name,
                    key: stringify!($key),
                }));)*
                markers
            })
        }

        /// Takes every part's fields out of `table` and checks them.
        pub fn read(table: &mut DeTable<'_>, file: &mut FileCx) -> PartItems {
            let fields: &[&[&str]] = &[$(<$part as ExplainerPart>::FIELDS),*];
            let mut own: Vec<DeTable<'_>> = fields.iter().map(|_| DeTable::new()).collect();
            let mut rest = DeTable::new();
            // One pass hands each key to the part that reads it.
            for (key, value) in std::mem::take(table) {
                match fields.iter().position(|f| f.contains(&key.get_ref().as_ref())) {
                    Some(part) => {
                        own[part].insert(key, value);
                    }
                    None => {
                        rest.insert(key, value);
                    }
                }
            }
            *table = rest;
            let mut own = own.into_iter();
            PartItems {
                $($key: read_part::<$part>(own.next().unwrap_or_default(), file),)*
            }
        }

        /// The views of the parts the article has.
        pub fn views(items: &PartItems, cx: &mut ViewCx) -> Vec<PartView> {
            views_with(items, cx, None)
        }

        /// The views of the parts the article has, taking those lists show
        /// from its `summary` (the template value lists show, which holds
        /// them): they are made once for it.
        pub fn views_beside(items: &PartItems, cx: &mut ViewCx, summary: &Value) -> Vec<PartView> {
            views_with(items, cx, Some(summary))
        }

        fn views_with(items: &PartItems, cx: &mut ViewCx, summary: Option<&Value>) -> Vec<PartView> {
            let mut views = Vec::new();
            $(let value = match summary {
                Some(summary) if <$part as ExplainerPart>::IN_LISTS => {
                    summary.get_from_path(stringify!($key)).cloned()
                }
                _ => view_value::<$part>(&items.$key, cx),
            };
            if let Some(value) = value {
                views.push(PartView {
                    key: stringify!($key),
                    slot: <$part as ExplainerPart>::SLOT,
                    value,
                });
            })*
            views
        }

        /// The views of the parts lists show.
        pub fn list_views(items: &PartItems, cx: &mut ViewCx) -> Vec<(&'static str, Value)> {
            // A summary keeps these for the whole build: no room for more.
            let mut views = Vec::with_capacity(0 $(+ usize::from(<$part as ExplainerPart>::IN_LISTS))*);
            $(if <$part as ExplainerPart>::IN_LISTS
                && let Some(value) = view_value::<$part>(&items.$key, cx)
            {
                views.push((stringify!($key), value));
            })*
            views
        }

        /// Lets go of what only the article's own page shows: the parts
        /// only it shows, and what other pages do not show of the others.
        pub fn release_page_only(items: &mut PartItems) {
            $(if <$part as ExplainerPart>::ON_ITS_PAGE_ONLY {
                items.$key = Default::default();
            } else if <$part as ExplainerPart>::PARTLY_ON_OTHER_PAGES {
                items.$key = <$part as ExplainerPart>::for_other_pages(std::mem::take(&mut items.$key));
            })*
        }

        /// Whether `key` is a front-matter key of a part the article's own
        /// page reads again after a full build let go of it.
        pub fn page_only_field(key: &str) -> bool {
            $((read_again::<$part>() && <$part as ExplainerPart>::FIELDS.contains(&key)) ||)* false
        }

        /// Whether `key` is a front-matter key of a part only the article's
        /// own page shows: a full build checks it when it renders that page.
        pub fn own_page_field(key: &str) -> bool {
            $((<$part as ExplainerPart>::ON_ITS_PAGE_ONLY && <$part as ExplainerPart>::FIELDS.contains(&key)) ||)* false
        }

        /// Every part: those the article's own page reads again from
        /// `page_only`, the others from `kept`.
        pub fn with_page_only(kept: &PartItems, page_only: PartItems) -> PartItems {
            PartItems {
                $($key: if read_again::<$part>() {
                    page_only.$key
                } else {
                    kept.$key.clone()
                },)*
            }
        }

        /// Only the parts lists show, the others left empty: what a change
        /// must alter for the lists that show an article to change.
        pub fn in_lists(items: &PartItems) -> PartItems {
            let mut kept = PartItems::default();
            $(if <$part as ExplainerPart>::IN_LISTS {
                kept.$key = items.$key.clone();
            })*
            kept
        }

        /// Every part's heading, by key.
        pub fn headings(language: Language) -> BTreeMap<&'static str, &'static str> {
            BTreeMap::from([$((stringify!($key), <$part as ExplainerPart>::heading(language))),*])
        }

        /// The examples `forklar new article` writes: every part's plain
        /// fields, then every part's tables.
        pub fn examples() -> (String, String) {
            let mut fields = String::new();
            let mut tables = String::new();
            $(
                fields.push_str(<$part as ExplainerPart>::EXAMPLE);
                if !<$part as ExplainerPart>::EXAMPLE_TABLES.is_empty() {
                    tables.push('\n');
                    tables.push_str(<$part as ExplainerPart>::EXAMPLE_TABLES);
                }
            )*
            (fields, tables)
        }

        /// Every part's fields as an editor fills them in, in registry order.
        pub fn cms_fields() -> Vec<Field> {
            let mut fields = Vec::new();
            $(fields.extend(<$part as ExplainerPart>::cms_fields());)*
            fields
        }

        /// Problems between files, for every part.
        pub fn check_references(items: &PartItems, cx: &RefCx, problems: &mut Vec<Diagnostic>) {
            $(<$part as ExplainerPart>::check_references(&items.$key, cx, problems);)*
        }
    };
}

explainer_parts! {
    summary => summary::Summary,
    key_figures => key_figures::KeyFigures,
    known => known::Known,
    updates => updates::Updates,
    timeline => timeline::Timeline,
    quotes => quotes::Quotes,
    questions => questions::Questions,
    background => background::Background,
    sources => sources::Sources,
    corrections => corrections::Corrections,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_has_a_partial_markers_are_unique_and_keys_are_not_shared() {
        assert_eq!(PARTIALS.len(), KEYS.len());
        let markers = markers();
        for (i, marker) in markers.iter().enumerate() {
            assert!(
                !markers[i + 1..].iter().any(|m| m.name == marker.name),
                "marker {} is used twice",
                marker.name
            );
        }
        let fields = field_names();
        for (i, field) in fields.iter().enumerate() {
            assert!(!fields[i + 1..].contains(field), "{field} is read twice");
        }
    }

    #[test]
    fn every_field_a_part_reads_is_one_the_cms_edits() {
        let mut read = field_names();
        let mut edited: Vec<&str> = cms_fields().iter().map(|f| f.name).collect();
        read.sort_unstable();
        edited.sort_unstable();
        assert_eq!(edited, read);
    }
}
