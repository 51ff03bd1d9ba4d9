//! Structured data for search engines and news aggregators (schema.org).

use serde_json::{Value as Json, json};

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
    let part = |key: &str| {
        views
            .iter()
            .find(|v| v.key == key)
            .and_then(|v| serde_json::to_value(&v.value).ok())
    };
    let published = shown_date(&summary.date);
    let modified = summary
        .updated
        .as_ref()
        .map_or_else(|| published.clone(), shown_date);
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": schema_type(summary.kind.key),
        "headline": summary.title,
        "url": summary.permalink,
        "mainEntityOfPage": summary.permalink,
        "inLanguage": language.code(),
        "datePublished": published,
        "dateModified": modified,
        "author": authors,
        "publisher": publisher,
    });
    if let Some(lead) = &summary.lead {
        data["description"] = lead.as_str().into();
    }
    if let Some(image) = image {
        // Google wants 16:9, 4:3 and 1:1 versions, each at least 1200 px wide.
        data["image"] = if image.crops.is_empty() {
            image.permalink.clone().into()
        } else {
            image.crops.clone().into()
        };
    }
    if let Some(Json::Array(entries)) = part("background") {
        data["about"] = entries
            .iter()
            .map(|e| json!({"@type": "Thing", "name": e["title"], "url": e["permalink"], "description": e["summary"]}))
            .collect::<Vec<_>>()
            .into();
    }
    if !summary.tags.is_empty() {
        data["keywords"] = summary
            .tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
            .into();
    }
    if let Some(Json::Array(corrections)) = part("corrections") {
        data["correction"] = corrections
            .iter()
            .map(|c| json!({"@type": "CorrectionComment", "text": c["plain"], "datePublished": date(&c["date"])}))
            .collect::<Vec<_>>()
            .into();
    }
    if let Some(Json::Array(sources)) = part("sources") {
        data["citation"] = sources
            .iter()
            .map(|s| {
                let mut work = json!({"@type": "CreativeWork", "name": s["title"]});
                if s["url"].is_string() {
                    work["url"] = s["url"].clone();
                }
                if let Some(publisher) = s["publisher"].as_str() {
                    work["publisher"] = json!({"@type": "Organization", "name": publisher});
                }
                if s["date"].is_object() {
                    work["datePublished"] = date(&s["date"]);
                }
                work
            })
            .collect::<Vec<_>>()
            .into();
    }
    if let Some(updates) = part("updates") {
        live_blog(&mut data, &updates);
    }
    script_safe(&data)
}

/// An article with updates as `LiveBlogPosting`: the coverage's start, its
/// end once it has ended, and each update as a `BlogPosting`.
fn live_blog(data: &mut Json, updates: &Json) {
    data["@type"] = "LiveBlogPosting".into();
    data["coverageStartTime"] = updates["start"].clone();
    if updates["end"].is_string() {
        data["coverageEndTime"] = updates["end"].clone();
    }
    data["liveBlogUpdate"] = super::live::all_updates(updates)
        .into_iter()
        .map(|u| {
            let mut post = json!({
                "@type": "BlogPosting",
                "headline": u["headline"],
                "datePublished": u["time"]["rfc3339"],
                "articleBody": u["plain"],
                "url": u["permalink"],
            });
            if u["author"]["name"].is_string() {
                post["author"] = json!({"@type": "Person", "name": u["author"]["name"]});
            }
            post
        })
        .collect::<Vec<_>>()
        .into();
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
fn shown_date(shown: &ShownDate) -> Json {
    if shown.iso.contains('T') {
        shown.rfc3339.as_str().into()
    } else {
        shown.iso.as_str().into()
    }
}

/// [`shown_date`] for a date already turned into JSON (in a part's view).
fn date(shown: &Json) -> Json {
    match shown["iso"].as_str() {
        Some(iso) if !iso.contains('T') => iso.into(),
        _ => shown["rfc3339"].clone(),
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
pub fn script_safe(data: &Json) -> String {
    // Inside <script>, "</script>" ends the element and "<!--" changes how the
    // rest is parsed; JSON may write every <, > and & as a \u escape instead.
    let json = data.to_string();
    // One pass, and no copy at all for the usual JSON without any of the three.
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    let mut safe = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            c => safe.push(c),
        }
    }
    safe
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
/// absolute address.
pub fn breadcrumbs(steps: &[(&str, &str)]) -> Json {
    json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": steps
            .iter()
            .enumerate()
            .map(|(i, (name, url))| json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": name,
                "item": url,
            }))
            .collect::<Vec<_>>(),
    })
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

/// A timeline's events as an `ItemList`, in order.
pub fn timeline_list(title: &str, permalink: &str, events: &Json) -> Json {
    let items: Vec<Json> = events
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let mut item = json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": event["title"],
            });
            if event["date"].is_object() {
                item["description"] = event["date"]["text"].clone();
            }
            item
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": title,
        "url": permalink,
        "numberOfItems": items.len(),
        "itemListElement": items,
    })
}
