//! People's pages, bylines that link to them, and people in structured data.

use crate::images::Loading;
use serde::Serialize;
use serde_json::{Value as Json, json};
use tera::Value;

use super::views::with_fields;
use super::{Page, Renderer, seo};
use crate::content::Person;
use crate::content::person::PersonKind;
use crate::dates::ShownDate;
use crate::deps::{Dep, Deps, ListKey};
use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::parts::background::ImageView;
use crate::site::index::page_slice;

/// A name in a byline: linked where it is the key of a person.
#[derive(Serialize, Clone)]
pub struct Byline {
    pub name: String,
    pub url: Option<String>,
    /// `@name@server`, for `fediverse:creator`.
    pub fediverse: Option<String>,
    /// The author in schema.org terms, for the article's structured data.
    #[serde(skip)]
    pub json_ld: Json,
}

/// A quote on its speaker's page.
#[derive(Serialize)]
struct QuotedView {
    text: String,
    source: String,
    url: Option<String>,
    date: Option<ShownDate>,
    translated: bool,
    /// The article it is quoted in.
    article: ArticleLink,
}

#[derive(Serialize)]
struct ArticleLink {
    title: String,
    url: String,
    date: ShownDate,
}

#[derive(Serialize)]
struct PersonView<'a> {
    key: &'a str,
    /// `person` or `organisation`.
    kind: &'static str,
    name: &'a str,
    role: Option<&'a str>,
    organisation: Option<&'a str>,
    expertise: &'a [String],
    same_as: &'a [String],
    fediverse: Option<&'a str>,
    portrait: Option<ImageView>,
    url: String,
    permalink: String,
}

impl Renderer<'_> {
    /// An article's bylines, recording the people they name (or that no one
    /// by that key exists yet).
    pub(super) fn bylines(&self, names: &[String], deps: &mut Deps) -> Vec<Byline> {
        names
            .iter()
            .map(|name| {
                deps.push(Dep::Person(name.clone()));
                match self.site.people.get(name) {
                    Some(person) => Byline {
                        name: person.name.clone(),
                        url: Some(self.urls.person(&person.key)),
                        fediverse: person.fediverse.clone(),
                        json_ld: self.person_json(person, false),
                    },
                    None => Byline {
                        name: name.clone(),
                        url: None,
                        fediverse: None,
                        json_ld: json!({"@type": "Person", "name": name}),
                    },
                }
            })
            .collect()
    }

    /// A person as schema.org `Person` or `Organization`; `full` adds what
    /// their own page says of them.
    fn person_json(&self, person: &Person, full: bool) -> Json {
        let url = self.urls.permalink(&self.urls.person(&person.key));
        let mut data = json!({
            "@type": match person.kind {
                PersonKind::Person => "Person",
                PersonKind::Organisation => "Organization",
            },
            "name": person.name,
            "url": url,
        });
        if !person.same_as.is_empty() {
            data["sameAs"] = person.same_as.clone().into();
        }
        if full {
            data["@context"] = "https://schema.org".into();
            // schema.org gives a job and an employer to a Person only; an
            // organisation's role describes it, and its organisation is its parent.
            let (role_property, organisation_property) = match person.kind {
                PersonKind::Person => ("jobTitle", "worksFor"),
                PersonKind::Organisation => ("description", "parentOrganization"),
            };
            if let Some(role) = &person.role {
                data[role_property] = role.clone().into();
            }
            if let Some(organisation) = &person.organisation {
                data[organisation_property] =
                    json!({"@type": "Organization", "name": organisation});
            }
            if !person.expertise.is_empty() {
                data["knowsAbout"] = person.expertise.clone().into();
            }
            if let Some(portrait) = &person.portrait {
                data["image"] = ImageView::new(portrait, &self.urls).permalink.into();
            }
        }
        data
    }

    /// Page `n` of a person's page: on the first, who they are; on each, 50
    /// of their quotes and 50 of the articles they sign.
    pub(super) fn person_page(
        &self,
        key: &str,
        n: usize,
        page: &Page,
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<(), Diagnostic> {
        deps.push(Dep::Person(key.to_string()));
        deps.push(Dep::List(ListKey::PersonPages(key.to_string())));
        let Some(person) = self.site.people.get(key) else {
            return Ok(());
        };
        let first = n <= 1;
        let bio = if first {
            self.file_body(&person.bio, &person.path, person.bio_first_line, deps)?
        } else {
            String::new()
        };
        let quotes = self.quotes_by(key, n, deps);
        let signed = self
            .listings
            .authored_by
            .get(key)
            .map_or(&[][..], Vec::as_slice);
        let articles = self.list(
            ListKey::AuthoredByPage(key.to_string(), n),
            page_slice(signed, n),
            deps,
        );
        let total = self.site.person_page_count(key, &self.listings);
        let pagination = self.pagination(n, total, |n| self.urls.person_page(key, n));
        let url = self.urls.person(key);
        let portrait = match &person.portrait {
            Some(image) if first => {
                Some(self.image_view(image, Loading::Priority, Some(sink), deps)?)
            }
            _ => None,
        };
        let view = PersonView {
            key,
            kind: match person.kind {
                PersonKind::Person => "person",
                PersonKind::Organisation => "organisation",
            },
            name: &person.name,
            role: person.role.as_deref(),
            organisation: person.organisation.as_deref(),
            expertise: &person.expertise,
            same_as: &person.same_as,
            fediverse: person.fediverse.as_deref(),
            portrait: portrait.clone(),
            permalink: self.urls.permalink(&url),
            url,
        };
        let description = [
            Some(person.name.as_str()),
            person.role.as_deref(),
            person.organisation.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let page_title = format!("{}{}", person.name, pagination.suffix);
        let trail = if first {
            Vec::new()
        } else {
            vec![(person.name.as_str(), self.urls.person(key))]
        };
        let mut page_seo = self.seo(
            &page_title,
            &description,
            &self.urls.person_page(key, n),
            &trail,
            vec![seo::script_safe(&{
                let mut data = self.person_json(person, true);
                if let Some(portrait) = &portrait {
                    data["image"] = portrait.permalink.clone().into();
                }
                data
            })],
        );
        page_seo.og_type = "profile";
        let view = with_fields(
            Value::from_serializable(&view),
            [
                ("bio", Value::from(bio)),
                ("quotes", Value::from_serializable(&quotes)),
                ("articles", articles),
            ],
        );
        let mut context = self.context();
        context.insert("seo", &page_seo);
        context.insert_value("person", view);
        context.insert("pagination", &pagination);
        self.write_page(
            page,
            "person.html",
            &context,
            &person.path.display().to_string(),
            sink,
        )
    }

    /// Page `n` of the quotes from the person with `key`, newest first, by
    /// the date each was said where given, else the article's date.
    fn quotes_by(&self, key: &str, n: usize, deps: &mut Deps) -> Vec<QuotedView> {
        deps.push(Dep::List(ListKey::QuotesByPage(key.to_string(), n)));
        let language = self.urls.language;
        let ordered = self.site.quotes_in_order(key, &self.listings);
        page_slice(&ordered, n)
            .iter()
            .map(|&(index, q)| {
                let article = &self.site.articles[index];
                let quote = &article.parts.quotes[q];
                deps.push(Dep::Summary(article.path.clone()));
                deps.push(Dep::Url(article.path.clone()));
                let summary = self.summary_of(article);
                let mut cx = self.view_cx(article, deps);
                QuotedView {
                    text: cx.quoted(&quote.text),
                    source: cx.text(&quote.source),
                    url: quote.url.as_deref().map(|url| cx.link(url)),
                    date: quote.date.map(|d| d.shown(language)),
                    translated: quote.translated,
                    article: ArticleLink {
                        title: summary.title,
                        url: summary.url,
                        date: summary.date,
                    },
                }
            })
            .collect()
    }
}
