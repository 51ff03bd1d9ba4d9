//! Structured data for search engines and news aggregators (schema.org).

use serde_json::{Value as Json, json};
use tera::Value;

use crate::i18n::Language;
use crate::parts::PartView;
use crate::parts::background::ImageView;

/// An article as schema.org `NewsArticle`.
pub fn article_json_ld(
    summary: &Value,
    authors: &[String],
    image: Option<&ImageView>,
    views: &[PartView],
    publisher: &str,
    language: Language,
) -> String {
    let summary = serde_json::to_value(summary).unwrap_or_default();
    let part = |key: &str| {
        views
            .iter()
            .find(|v| v.key == key)
            .and_then(|v| serde_json::to_value(&v.value).ok())
    };
    let published = &summary["date"]["rfc3339"];
    let modified = match &summary["updated"] {
        Json::Null => published,
        updated => &updated["rfc3339"],
    };
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": summary["title"],
        "url": summary["permalink"],
        "mainEntityOfPage": summary["permalink"],
        "inLanguage": language.code(),
        "datePublished": published,
        "dateModified": modified,
        "author": authors.iter().map(|name| json!({"@type": "Person", "name": name})).collect::<Vec<_>>(),
        "publisher": {"@type": "Organization", "name": publisher},
    });
    if let Some(lead) = summary["lead"].as_str() {
        data["description"] = lead.into();
    }
    if let Some(image) = image {
        data["image"] = image.permalink.clone().into();
    }
    if let Some(Json::Array(entries)) = part("background") {
        data["about"] = entries
            .iter()
            .map(|e| json!({"@type": "Thing", "name": e["title"], "url": e["permalink"], "description": e["summary"]}))
            .collect::<Vec<_>>()
            .into();
    }
    if let Some(Json::Array(tags)) = summary.get("tags")
        && !tags.is_empty()
    {
        data["keywords"] = tags
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect::<Vec<_>>()
            .join(", ")
            .into();
    }
    if let Some(Json::Array(corrections)) = part("corrections") {
        data["correction"] = corrections
            .iter()
            .map(|c| json!({"@type": "CorrectionComment", "text": c["plain"], "datePublished": c["date"]["rfc3339"]}))
            .collect::<Vec<_>>()
            .into();
    }
    // Inside <script>, "</script>" ends the element and "<!--" changes how the
    // rest is parsed; JSON may write every <, > and & as a \u escape instead.
    data.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
