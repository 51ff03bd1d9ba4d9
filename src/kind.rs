//! The type of work an article is — explainer, news, analysis or opinion —
//! which readers see above the title and search engines read as its schema.org type.

use serde::{Deserialize, Serialize};

use crate::i18n::Language;

/// What kind of journalism an article is. Written in either language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    #[serde(alias = "explainer")]
    Forklaring,
    #[serde(alias = "news")]
    Nyhet,
    #[serde(alias = "analysis")]
    Analyse,
    #[serde(alias = "opinion")]
    Kommentar,
}

/// What templates get as `page.kind`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindView {
    /// `forklaring`, `nyhet`, `analyse` or `kommentar`, for CSS classes.
    pub key: &'static str,
    /// The word readers see above the title.
    pub label: &'static str,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Forklaring => "forklaring",
            Kind::Nyhet => "nyhet",
            Kind::Analyse => "analyse",
            Kind::Kommentar => "kommentar",
        }
    }

    pub fn label(self, language: Language) -> &'static str {
        match (self, language) {
            (Kind::Forklaring, Language::Nb) => "Forklaring",
            (Kind::Nyhet, Language::Nb) => "Nyhet",
            (Kind::Analyse, Language::Nb) => "Analyse",
            (Kind::Kommentar, Language::Nb) => "Kommentar",
            (Kind::Forklaring, Language::En) => "Explainer",
            (Kind::Nyhet, Language::En) => "News",
            (Kind::Analyse, Language::En) => "Analysis",
            (Kind::Kommentar, Language::En) => "Opinion",
        }
    }

    /// The schema.org type Google News reads the article as.
    pub fn schema_type(self) -> &'static str {
        match self {
            Kind::Forklaring => "BackgroundNewsArticle",
            Kind::Nyhet => "NewsArticle",
            Kind::Analyse => "AnalysisNewsArticle",
            Kind::Kommentar => "OpinionNewsArticle",
        }
    }

    pub fn view(self, language: Language) -> KindView {
        KindView {
            key: self.key(),
            label: self.label(language),
        }
    }
}
