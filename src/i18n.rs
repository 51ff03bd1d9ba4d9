//! The words a reader sees around the content, in the site's language.

use serde::{Deserialize, Serialize};

/// A language the default theme speaks. `nb` is Norwegian Bokmål.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
pub enum Language {
    #[default]
    #[serde(rename = "nb")]
    Nb,
    #[serde(rename = "en")]
    En,
}

/// A language's quotation marks ([`Language::quotation_marks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotationMarks {
    pub open: char,
    pub close: char,
    pub inner_open: char,
    pub inner_close: char,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Nb => "nb",
            Language::En => "en",
        }
    }

    /// The names of the months, January first, as written inside a sentence.
    pub fn month_names(self) -> &'static [&'static str; 12] {
        const NB: [&str; 12] = [
            "januar",
            "februar",
            "mars",
            "april",
            "mai",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "desember",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self {
            Language::Nb => &NB,
            Language::En => &EN,
        }
    }

    pub fn month_name(self, month: u8) -> &'static str {
        self.month_names()[usize::from(month.clamp(1, 12) - 1)]
    }

    /// The quotation marks, opening and closing: the outer pair, and the
    /// pair for a quote inside a quote. The default stylesheet draws the
    /// outer pair around an expert quote in the same marks.
    pub fn quotation_marks(self) -> QuotationMarks {
        match self {
            Language::Nb => QuotationMarks {
                open: '«',
                close: '»',
                inner_open: '‹',
                inner_close: '›',
            },
            Language::En => QuotationMarks {
                open: '“',
                close: '”',
                inner_open: '‘',
                inner_close: '’',
            },
        }
    }

    /// For `og:locale`.
    pub fn locale(self) -> &'static str {
        match self {
            Language::Nb => "nb_NO",
            Language::En => "en_GB",
        }
    }

    /// The folder background entries are published under.
    pub fn background_section(self) -> &'static str {
        match self {
            Language::Nb => "bakgrunn",
            Language::En => "background",
        }
    }

    /// The folder timelines are published under.
    pub fn timeline_section(self) -> &'static str {
        match self {
            Language::Nb => "tidslinje",
            Language::En => "timeline",
        }
    }

    /// The folder of the corrections archive.
    pub fn corrections_section(self) -> &'static str {
        match self {
            Language::Nb => "rettelser",
            Language::En => "corrections",
        }
    }

    /// The folder people's pages are published under.
    pub fn people_section(self) -> &'static str {
        match self {
            Language::Nb => "personer",
            Language::En => "people",
        }
    }

    /// "Side 2 av 200" / "Page 2 of 200".
    pub fn page_of(self, current: usize, total: usize) -> String {
        match self {
            Language::Nb => format!("Side {current} av {total}"),
            Language::En => format!("Page {current} of {total}"),
        }
    }

    /// What a further page of a list adds to its title and heading:
    /// ", side 2" / ", page 2"; nothing on the first page.
    pub fn page_suffix(self, n: usize) -> String {
        match (self, n) {
            (_, 0 | 1) => String::new(),
            (Language::Nb, n) => format!(", side {n}"),
            (Language::En, n) => format!(", page {n}"),
        }
    }

    /// The folder the further pages of the front page's list are published under.
    pub fn pages_section(self) -> &'static str {
        match self {
            Language::Nb => "side",
            Language::En => "page",
        }
    }

    /// The folder tag pages are published under.
    pub fn tag_section(self) -> &'static str {
        match self {
            Language::Nb => "emne",
            Language::En => "tags",
        }
    }

    pub fn labels(self) -> Labels {
        match self {
            Language::Nb => Labels {
                published: "Publisert",
                updated: "Oppdatert",
                by: "Av",
                tags: "Emner",
                articles: "Artikler",
                latest: "Siste forklaringer",
                read_more: "Les mer om",
                used_in: "Brukt i disse artiklene",
                key_facts: "Nøkkelfakta",
                skip_to_content: "Hopp til innholdet",
                site_navigation: "Hovedmeny",
                home: "Forside",
                not_found_title: "Fant ikke siden",
                not_found_text: "Siden du leter etter, finnes ikke, eller den har fått en ny adresse.",
                back_home: "Tilbake til forsiden",
                correction_note: "Denne artikkelen er rettet.",
                timeline_of: "Tidslinje:",
                photo: "Foto",
                tagged: "Artikler om",
                all_timelines: "Tidslinjer",
                footnotes: "Fotnoter",
                printed: "Skrevet ut",
                feed: "Abonner (Atom)",
                close: "Lukk",
                source: "Kilde",
                timeline_page: "Tidslinjen på egen side",
                translated: "oversatt",
                pages: "Sider",
                newer: "Nyere artikler",
                older: "Eldre artikler",
                change_log: "Endringslogg",
                corrections_archive: "Rettelser",
                corrections_intro: "Alle feil vi har rettet i artiklene våre, de nyeste først.",
                corrected_in: "Rettet i",
                corrections_feed: "Abonner på rettelser (Atom)",
                quotes_by: "Sitater",
                expertise: "Fagfelt",
                elsewhere: "Andre steder",
                articles_by: "Artikler",
                background_index_description: "Korte forklaringer av personer, organisasjoner og begreper som går igjen i sakene.",
                events: "hendelser",
                event: "hendelse",
                article_count_one: "artikkel",
                article_count_many: "artikler",
                topics_description: "Alle emnene vi har forklart, med antall artikler om hvert.",
                timelines_description: "Tidslinjer som følger en sak over tid, hendelse for hendelse.",
            },
            Language::En => Labels {
                published: "Published",
                updated: "Updated",
                by: "By",
                tags: "Topics",
                articles: "Articles",
                latest: "Latest explainers",
                read_more: "Read more about",
                used_in: "Used in these articles",
                key_facts: "Key facts",
                skip_to_content: "Skip to content",
                site_navigation: "Main menu",
                home: "Home",
                not_found_title: "Page not found",
                not_found_text: "The page you are looking for does not exist, or it has moved.",
                back_home: "Back to the front page",
                correction_note: "This article has been corrected.",
                timeline_of: "Timeline:",
                photo: "Photo",
                tagged: "Articles about",
                all_timelines: "Timelines",
                footnotes: "Footnotes",
                printed: "Printed",
                feed: "Subscribe (Atom)",
                close: "Close",
                source: "Source",
                timeline_page: "The timeline on its own page",
                translated: "translated",
                pages: "Pages",
                newer: "Newer articles",
                older: "Older articles",
                change_log: "Change log",
                corrections_archive: "Corrections",
                corrections_intro: "Every error we have corrected in our articles, newest first.",
                corrected_in: "Corrected in",
                corrections_feed: "Subscribe to corrections (Atom)",
                quotes_by: "Quotes",
                expertise: "Expertise",
                elsewhere: "Elsewhere",
                articles_by: "Articles",
                background_index_description: "Short explanations of the people, organisations and terms that recur in our articles.",
                events: "events",
                event: "event",
                article_count_one: "article",
                article_count_many: "articles",
                topics_description: "Every topic we have explained, with the number of articles on each.",
                timelines_description: "Timelines that follow a story over time, event by event.",
            },
        }
    }
}

/// Labels for the default theme, passed to every template as `labels`.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub published: &'static str,
    pub updated: &'static str,
    pub by: &'static str,
    pub tags: &'static str,
    pub articles: &'static str,
    pub latest: &'static str,
    pub read_more: &'static str,
    pub used_in: &'static str,
    pub key_facts: &'static str,
    pub skip_to_content: &'static str,
    pub site_navigation: &'static str,
    pub home: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
    pub correction_note: &'static str,
    pub timeline_of: &'static str,
    pub photo: &'static str,
    pub tagged: &'static str,
    pub all_timelines: &'static str,
    pub footnotes: &'static str,
    /// Before the date a page was printed, in the printed page's footer.
    pub printed: &'static str,
    pub feed: &'static str,
    pub close: &'static str,
    pub source: &'static str,
    pub timeline_page: &'static str,
    pub translated: &'static str,
    pub pages: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub change_log: &'static str,
    pub corrections_archive: &'static str,
    pub corrections_intro: &'static str,
    pub corrected_in: &'static str,
    pub corrections_feed: &'static str,
    pub quotes_by: &'static str,
    pub expertise: &'static str,
    pub elsewhere: &'static str,
    pub articles_by: &'static str,
    pub background_index_description: &'static str,
    pub events: &'static str,
    /// One of `events`: «1 hendelse».
    pub event: &'static str,
    /// «1 artikkel», «2 artikler».
    pub article_count_one: &'static str,
    pub article_count_many: &'static str,
    pub topics_description: &'static str,
    pub timelines_description: &'static str,
}
