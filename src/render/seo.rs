//! Structured data for search engines and news aggregators (schema.org).

use serde_json::json;

use super::views::ArticleSummary;
use crate::i18n::Language;
use crate::markdown;
use crate::parts::background::{EntryView, ImageView};
use crate::parts::corrections::Correction;

/// An article as schema.org `NewsArticle`.
pub fn article_json_ld(
    summary: &ArticleSummary,
    authors: &[String],
    image: Option<&ImageView>,
    about: &[EntryView],
    corrections: &[Correction],
    publisher: &str,
    language: Language,
) -> String {
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": summary.title,
        "url": summary.permalink,
        "mainEntityOfPage": summary.permalink,
        "inLanguage": language.code(),
        "datePublished": summary.date.rfc3339,
        "dateModified": summary.updated.as_ref().unwrap_or(&summary.date).rfc3339,
        "author": authors.iter().map(|name| json!({"@type": "Person", "name": name})).collect::<Vec<_>>(),
        "publisher": {"@type": "Organization", "name": publisher},
    });
    if let Some(lead) = &summary.lead {
        data["description"] = lead.clone().into();
    }
    if let Some(image) = image {
        data["image"] = image.permalink.clone().into();
    }
    if !about.is_empty() {
        data["about"] = about
            .iter()
            .map(|e| json!({"@type": "Thing", "name": e.title, "url": e.permalink, "description": e.summary}))
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
    if !corrections.is_empty() {
        data["correction"] = corrections
            .iter()
            .map(|c| {
                json!({
                    "@type": "CorrectionComment",
                    "text": markdown::plain_text(&markdown::render_inline(&c.text)),
                    "datePublished": c.date.rfc3339(),
                })
            })
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
