//! Structured data for search engines and news aggregators (schema.org).

use std::io;

use serde::Serialize;
use serde_json::{Value as Json, json};
use tera::Value;

use super::views::ArticleSummary;
use crate::config::Config;
use crate::dates::ShownDate;
use crate::i18n::Language;
use crate::kind::Kind;
use crate::parts::PartView;
use crate::parts::background::ImageView;

/// An article as the schema.org type of its kind of work (`NewsArticle`,
/// `BackgroundNewsArticle` …).
pub fn article_json_ld(
    summary: &ArticleSummary,
    authors: Vec<Json>,
    image: Option<&ImageView>,
    views: &[PartView],
    publisher: Json,
    language: Language,
) -> String {
    let part = |key: &str| views.iter().find(|v| v.key == key).map(|v| &v.value);
    let published = shown_date(&summary.date);
    let keywords = (!summary.tags.is_empty()).then(|| {
        summary
            .tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let mut article = ArticleLd {
        context: "https://schema.org",
        kind: schema_type(summary.kind.key),
        about: part("background").and_then(Value::as_array).map(|entries| {
            entries
                .iter()
                .map(|e| Thing {
                    kind: "Thing",
                    description: e.get_from_path("summary"),
                    name: e.get_from_path("title"),
                    url: e.get_from_path("permalink"),
                })
                .collect()
        }),
        author: &authors,
        citation: part("sources")
            .and_then(Value::as_array)
            .map(|sources| sources.iter().map(citation).collect()),
        correction: part("corrections").and_then(Value::as_array).map(|list| {
            list.iter()
                .map(|c| CorrectionLd {
                    kind: "CorrectionComment",
                    date_published: date(c.get_from_path("date")),
                    text: c.get_from_path("plain"),
                })
                .collect()
        }),
        coverage_end_time: None,
        coverage_start_time: None,
        date_modified: summary.updated.as_ref().map_or(published, shown_date),
        date_published: published,
        description: summary.lead.as_deref(),
        headline: &summary.title,
        // Google wants 16:9, 4:3 and 1:1 versions, each at least 1200 px wide.
        image: image.map(|image| {
            if image.crops.is_empty() {
                ImageLd::One(&image.permalink)
            } else {
                ImageLd::Crops(&image.crops)
            }
        }),
        in_language: language.code(),
        keywords,
        live_blog_update: None,
        main_entity_of_page: &summary.permalink,
        publisher: &publisher,
        url: &summary.permalink,
    };
    if let Some(updates) = part("updates") {
        live_blog(&mut article, updates);
    }
    script_safe(&article)
}

// Each object's fields are in the order of their names, the order in which
// serde_json writes a map's keys, so the text is what it was when these
// objects were built as maps.

#[derive(Serialize)]
struct ArticleLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<Vec<Thing<'a>>>,
    author: &'a [Json],
    #[serde(skip_serializing_if = "Option::is_none")]
    citation: Option<Vec<Citation<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<Vec<CorrectionLd<'a>>>,
    #[serde(rename = "coverageEndTime", skip_serializing_if = "Option::is_none")]
    coverage_end_time: Option<Leaf<'a>>,
    #[serde(rename = "coverageStartTime", skip_serializing_if = "Option::is_none")]
    coverage_start_time: Option<Leaf<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: &'a str,
    #[serde(rename = "datePublished")]
    date_published: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageLd<'a>>,
    #[serde(rename = "inLanguage")]
    in_language: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<String>,
    #[serde(rename = "liveBlogUpdate", skip_serializing_if = "Option::is_none")]
    live_blog_update: Option<Vec<BlogPosting<'a>>>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    publisher: &'a Json,
    url: &'a str,
}

/// One address, or the focal crops' addresses.
#[derive(Serialize)]
#[serde(untagged)]
enum ImageLd<'a> {
    One(&'a str),
    Crops(&'a [String]),
}

#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    description: Leaf<'a>,
    name: Leaf<'a>,
    url: Leaf<'a>,
}

#[derive(Serialize)]
struct CorrectionLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished")]
    date_published: Leaf<'a>,
    text: Leaf<'a>,
}

#[derive(Serialize)]
struct Citation<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<Leaf<'a>>,
    name: Leaf<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<Leaf<'a>>,
}

/// `{"@type": "Organization", "name": …}` and the like.
#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct BlogPosting<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "articleBody")]
    article_body: Leaf<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Named<'a>>,
    #[serde(rename = "datePublished")]
    date_published: Leaf<'a>,
    headline: Leaf<'a>,
    url: Leaf<'a>,
}

/// A field of a part's view, by a dotted path; where there is none, the
/// JSON says `null`.
type Leaf<'a> = Option<&'a Value>;

/// A source as a `CreativeWork`: its address, publisher and date where given.
fn citation(source: &Value) -> Citation<'_> {
    let field = |key| source.get_from_path(key);
    Citation {
        kind: "CreativeWork",
        date_published: field("date")
            .is_some_and(Value::is_map)
            .then(|| date(field("date"))),
        name: field("title"),
        publisher: field("publisher")
            .and_then(Value::as_str)
            .map(|name| Named {
                kind: "Organization",
                name,
            }),
        url: field("url").filter(|url| url.is_string()).map(Some),
    }
}

/// An article with updates as `LiveBlogPosting`: the coverage's start, its
/// end once it has ended, and each update as a `BlogPosting`.
fn live_blog<'a>(article: &mut ArticleLd<'a>, updates: &'a Value) {
    article.kind = "LiveBlogPosting";
    article.coverage_start_time = Some(updates.get_from_path("start"));
    let end = updates.get_from_path("end");
    if end.is_some_and(Value::is_string) {
        article.coverage_end_time = Some(end);
    }
    let all = super::live::UPDATE_LISTS
        .into_iter()
        .filter_map(|key| updates.get_from_path(key)?.as_array())
        .flatten();
    article.live_blog_update = Some(
        all.map(|u| BlogPosting {
            kind: "BlogPosting",
            article_body: u.get_from_path("plain"),
            author: u
                .get_from_path("author.name")
                .and_then(Value::as_str)
                .map(|name| Named {
                    kind: "Person",
                    name,
                }),
            date_published: u.get_from_path("time.rfc3339"),
            headline: u.get_from_path("headline"),
            url: u.get_from_path("permalink"),
        })
        .collect(),
    );
}

/// The schema.org type of a kind of work, by its key.
fn schema_type(key: &str) -> &'static str {
    [
        Kind::Forklaring,
        Kind::Nyhet,
        Kind::Analyse,
        Kind::Kommentar,
    ]
    .into_iter()
    .find(|kind| kind.key() == key)
    .map_or("NewsArticle", Kind::schema_type)
}

/// A shown date for schema.org: a date written without a time stays a date
/// (`2022-01-06`), since turning it into midnight UTC would state a moment
/// nobody wrote, and a day earlier for readers west of Greenwich.
fn shown_date(shown: &ShownDate) -> &str {
    if shown.iso.contains('T') {
        &shown.rfc3339
    } else {
        &shown.iso
    }
}

/// [`shown_date`] for a date already turned into JSON (in a part's view).
fn date(shown: Leaf<'_>) -> Leaf<'_> {
    let shown = shown?;
    match shown.get_from_path("iso") {
        Some(iso) if iso.as_str().is_some_and(|iso| !iso.contains('T')) => Some(iso),
        _ => shown.get_from_path("rfc3339"),
    }
}

/// The site's publisher as schema.org `NewsMediaOrganization`, with the
/// standards and ownership pages `site.toml` names.
pub fn publisher(config: &Config) -> Json {
    let mut org = json!({
        "@type": "NewsMediaOrganization",
        "name": config.title,
        "url": config.base_url,
    });
    if let Some(logo) = &config.logo {
        org["logo"] = json!({"@type": "ImageObject", "url": absolute(config, logo)});
    }
    for (field, value) in [
        ("publishingPrinciples", &config.publishing_principles),
        ("correctionsPolicy", &config.corrections_policy),
        ("ownershipFundingInfo", &config.ownership),
    ] {
        if let Some(url) = value {
            org[field] = absolute(config, url).into();
        }
    }
    org
}

/// An address from `site.toml`: absolute as written, or a site path made absolute.
fn absolute(config: &Config, url: &str) -> String {
    if url.contains("://") {
        url.to_string()
    } else {
        config.permalink(url)
    }
}

/// JSON that is safe inside `<script type="application/ld+json">`.
pub fn script_safe<T: Serialize + ?Sized>(data: &T) -> String {
    let mut json = Vec::with_capacity(1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut json, ScriptSafe);
    data.serialize(&mut serializer)
        .expect("JSON-LD is made of strings, numbers and maps with string keys");
    crate::utf8::into_string(json).expect("serde_json writes UTF-8, and the escapes are ASCII")
}

/// serde_json's compact form, with every `<`, `>` and `&` in a string
/// written as a `\u` escape. Inside <script>, "</script>" ends the element
/// and "<!--" changes how the rest is parsed; outside strings JSON has none
/// of the three, so escaping them as the strings are written is one pass.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: io::Write + ?Sized>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for i in memchr::memchr3_iter(b'<', b'>', b'&', bytes) {
            let escape: &[u8] = match bytes[i] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            };
            writer.write_all(&bytes[start..i])?;
            writer.write_all(escape)?;
            start = i + 1;
        }
        writer.write_all(&bytes[start..])
    }
}

/// What `base.html` says about a page to search engines and link previews:
/// `<title>`, the description, and for an indexable page its canonical
/// address, Open Graph and Twitter cards, and its structured data.
#[derive(serde::Serialize)]
pub struct PageSeo {
    pub title: String,
    pub description: String,
    /// The canonical address; empty for a page that is not indexed (the 404
    /// page) or that writes its own (`article.html`).
    pub permalink: String,
    pub og_type: &'static str,
    /// Each a JSON-LD object, safe inside `<script>`.
    pub json_ld: Vec<String>,
}

/// `BreadcrumbList` from the front page to a page: each step a name and an
/// absolute address. Typed, with the keys in the order serde_json writes a
/// map's: every page has one, and a map of maps cost a tenth of a timeline
/// page's render.
pub fn breadcrumbs<'a>(steps: &'a [(&'a str, &'a str)]) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct BreadcrumbList<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "itemListElement")]
        items: Vec<Crumb<'a>>,
    }
    #[derive(Serialize)]
    struct Crumb<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        item: &'a str,
        name: &'a str,
        position: usize,
    }
    BreadcrumbList {
        context: "https://schema.org",
        kind: "BreadcrumbList",
        items: steps
            .iter()
            .enumerate()
            .map(|(i, (name, url))| Crumb {
                kind: "ListItem",
                item: url,
                name,
                position: i + 1,
            })
            .collect(),
    }
}

/// The front page's `WebSite`, and its publisher on its own.
pub fn website(config: &Config) -> Vec<Json> {
    let mut organisation = publisher(config);
    organisation["@context"] = "https://schema.org".into();
    vec![
        json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": config.title,
            "url": config.base_url,
            "description": config.description,
            "inLanguage": config.language.code(),
            "publisher": publisher(config),
        }),
        organisation,
    ]
}

/// A timeline's events as an `ItemList`, in order: each event's title and
/// the text of its date (`null` where it has none).
pub fn timeline_list<'a>(
    title: &'a str,
    permalink: &'a str,
    events: &'a [(Option<&'a str>, Option<&'a str>)],
) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct ItemList<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "itemListElement")]
        items: Vec<Event<'a>>,
        name: &'a str,
        #[serde(rename = "numberOfItems")]
        count: usize,
        url: &'a str,
    }
    #[derive(Serialize)]
    struct Event<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        description: Option<&'a str>,
        name: Option<&'a str>,
        position: usize,
    }
    ItemList {
        context: "https://schema.org",
        kind: "ItemList",
        items: events
            .iter()
            .enumerate()
            .map(|(i, (name, date))| Event {
                kind: "ListItem",
                description: *date,
                name: *name,
                position: i + 1,
            })
            .collect(),
        name: title,
        count: events.len(),
        url: permalink,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_escapes_markup_characters_in_keys_and_strings() {
        let data = json!({"a": "</script><!-- & æøå «»", "<k>": [1, "&amp;"]});
        assert_eq!(
            script_safe(&data),
            r#"{"\u003ck\u003e":[1,"\u0026amp;"],"a":"\u003c/script\u003e\u003c!-- \u0026 æøå «»"}"#
        );
        assert_eq!(script_safe(&json!({"plain": "ord"})), r#"{"plain":"ord"}"#);
    }

    /// Breadcrumbs and a timeline's list, typed, write what the same data
    /// built as maps writes.
    #[test]
    fn typed_lists_write_what_maps_write() {
        let steps = [
            ("Forside", "https://e.no/"),
            ("Tidslinje <1>", "https://e.no/t/"),
        ];
        let crumbs = json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Forside", "item": "https://e.no/"},
                {"@type": "ListItem", "position": 2, "name": "Tidslinje <1>", "item": "https://e.no/t/"},
            ],
        });
        assert_eq!(script_safe(&breadcrumbs(&steps)), script_safe(&crumbs));
        let events = [
            (Some("Protestene begynner"), Some("2. januar 2022")),
            (None, None),
        ];
        let list = json!({
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": "Tidslinje: Kasakhstan",
            "url": "https://e.no/t/",
            "numberOfItems": 2,
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Protestene begynner", "description": "2. januar 2022"},
                {"@type": "ListItem", "position": 2, "name": null, "description": null},
            ],
        });
        assert_eq!(
            script_safe(&timeline_list(
                "Tidslinje: Kasakhstan",
                "https://e.no/t/",
                &events
            )),
            script_safe(&list)
        );
    }

    /// The typed objects write their keys in the order serde_json writes a
    /// map's, so the text is the same as the same data built as a map.
    #[test]
    fn typed_objects_write_keys_in_map_order() {
        let text = Value::from("<b>Tekst</b> & mer");
        let date = Value::from_serializable(&json!({"iso": "2022-01-06", "rfc3339": "x"}));
        let publisher = json!({"@type": "NewsMediaOrganization", "name": "Avis"});
        let authors = [json!({"@type": "Person", "name": "Kari"})];
        let crops = [
            "https://e.no/a.jpg".to_string(),
            "https://e.no/b.jpg".to_string(),
        ];
        let named = |kind| Named { kind, name: "Navn" };
        let citation = Citation {
            kind: "CreativeWork",
            date_published: Some(date_of(&date)),
            name: Some(&text),
            publisher: Some(named("Organization")),
            url: Some(Some(&text)),
        };
        let article = ArticleLd {
            context: "https://schema.org",
            kind: "LiveBlogPosting",
            about: Some(vec![Thing {
                kind: "Thing",
                description: Some(&text),
                name: Some(&text),
                url: None,
            }]),
            author: &authors,
            citation: Some(vec![citation]),
            correction: Some(vec![CorrectionLd {
                kind: "CorrectionComment",
                date_published: date_of(&date),
                text: Some(&text),
            }]),
            coverage_end_time: Some(Some(&text)),
            coverage_start_time: Some(Some(&text)),
            date_modified: "2022-01-07",
            date_published: "2022-01-06",
            description: Some("Ingress"),
            headline: "Tittel",
            image: Some(ImageLd::Crops(&crops)),
            in_language: "nb",
            keywords: Some("a, b".to_string()),
            live_blog_update: Some(vec![BlogPosting {
                kind: "BlogPosting",
                article_body: Some(&text),
                author: Some(named("Person")),
                date_published: Some(&text),
                headline: Some(&text),
                url: Some(&text),
            }]),
            main_entity_of_page: "https://e.no/a/",
            publisher: &publisher,
            url: "https://e.no/a/",
        };
        let as_map = serde_json::to_value(&article).unwrap();
        assert_eq!(script_safe(&article), script_safe(&as_map));
        assert!(script_safe(&article).contains(r#""datePublished":"2022-01-06","#));
    }

    fn date_of(shown: &Value) -> Leaf<'_> {
        date(Some(shown))
    }
}
