//! `forklar init` and `forklar new`: a working site from an empty folder, and new
//! content files with every field present and explained.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::i18n::Language;
use crate::slug::slugify;

/// Creates a new site in `dir`, which must be empty or missing.
pub fn init(dir: &Path, language: Language) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.is_file() {
        return Err(Diagnostic::new("the path is a file, not a folder").in_file(dir));
    }
    if dir.is_dir()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Diagnostic::new("the folder is not empty")
            .in_file(dir)
            .with_help(
                "forklar init only writes into an empty or new folder, so nothing is overwritten",
            ));
    }
    let (title, description, article_title) = match language {
        Language::Nb => ("Forklart", "Bakgrunn for nyhetene", "Min første forklaring"),
        Language::En => (
            "Explained",
            "The background to the news",
            "My first explainer",
        ),
    };
    let site = format!(
        "# The site's settings; every key is described in docs/writing.md of forklar.\n\
         title = \"{title}\"\n\
         description = \"{description}\"\n\
         # Where the site will be published; a sub-path such as https://example.org/forklaring/ works too.\n\
         base_url = \"https://example.org/\"\n\
         # \"nb\" (Norwegian Bokmål) or \"en\" (English): labels, dates and URLs.\n\
         language = \"{}\"\n\
         # Shown as the author of articles that name none.\n\
         authors = [\"{}\"]\n",
        language.code(),
        match language {
            Language::Nb => "Redaksjonen",
            Language::En => "The newsroom",
        }
    );
    let mut written = Vec::new();
    // The folder was empty when looked at; whatever appears in it meanwhile
    // (a link, a file) is refused rather than followed or overwritten.
    let mut write = |relative: &str, text: &str| -> Result<(), Diagnostic> {
        crate::writes::refuse_links(dir, Path::new(relative), "init")?;
        let path = dir.join(relative);
        crate::writes::create_new(
            &path,
            text.as_bytes(),
            "forklar init only writes into an empty or new folder; empty it, then run forklar init again",
        )?;
        written.push(path);
        Ok(())
    };
    write("site.toml", &site)?;
    let entry_key = match language {
        Language::Nb => "eksempel",
        Language::En => "example",
    };
    // The first article is published at once, so the first build shows a real page.
    let article = new_article_text(
        article_title,
        language,
        &moment(jiff::Timestamp::now()),
        &[entry_key],
    )
    .replacen("draft = true ", "draft = false", 1);
    write(&format!("content/{}.md", slugify(article_title)), &article)?;
    write(
        &format!("content/background/{entry_key}.md"),
        &new_background_text(entry_key, language),
    )?;
    write("templates/README.md", TEMPLATES_NOTE)?;
    write("static/.gitkeep", "")?;
    write(".gitignore", GITIGNORE)?;
    Ok(written)
}

/// What a build makes from the sources: a newsroom that keeps its site in git
/// commits the sources only (the published folder and the caches are made again).
const GITIGNORE: &str = "\
# Made by `forklar build` and `forklar serve` from the files here.
/public/
/.forklar-cache/
";

const TEMPLATES_NOTE: &str = "\
# Your templates

The default theme is built into forklar. To change a page, put a file here with the
same name as the theme template it replaces, for example `article.html`, or
`partials/timeline.html`. `forklar templates` writes every file of the theme here
to start from (it keeps files already here unless given `--force`). Files you add
here can also be included by your templates. The templates and the variables each
receives are listed in forklar's docs/templates.md.
";

/// The path of a new article for `title`, inside `root`.
pub fn new_article(
    root: &Path,
    title: &str,
    language: Language,
    now: jiff::Timestamp,
) -> Result<PathBuf, Diagnostic> {
    create_named_by_title(
        root,
        title,
        |date| new_article_text(title, language, date, &[]),
        now,
        "new article",
    )
}

pub fn new_background(root: &Path, key: &str, language: Language) -> Result<PathBuf, Diagnostic> {
    let slug = slugify(key);
    if slug.is_empty() || slug != key {
        return Err(
            Diagnostic::new(format!("`{key}` cannot be a key")).with_help(format!(
                "a key is lowercase letters a–z, digits and hyphens{}",
                if slug.is_empty() {
                    String::new()
                } else {
                    format!(", e.g. `{slug}`")
                }
            )),
        );
    }
    let relative = Path::new("content/background").join(format!("{key}.md"));
    create_new(
        root,
        &relative,
        &new_background_text(key, language),
        "new background",
    )?;
    Ok(root.join(relative))
}

/// Writes the new file `relative` (to the site's folder): never through a
/// link, and never over a file that exists (`O_EXCL`, with no separate look
/// first that a file could slip in after).
fn create_new(root: &Path, relative: &Path, text: &str, command: &str) -> Result<(), Diagnostic> {
    crate::writes::refuse_links(root, relative, command)?;
    crate::writes::create_new(
        &root.join(relative),
        text.as_bytes(),
        "choose another title or key, or edit the existing file",
    )
}

/// A moment as a TOML date-time in UTC, to the minute.
fn moment(now: jiff::Timestamp) -> String {
    now.strftime("%Y-%m-%dT%H:%M:00Z").to_string()
}

fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// A new article and a new background entry as `forklar new` writes them:
/// their comments are also the hints `forklar cms` shows.
pub(crate) fn example_texts(language: Language) -> (String, String) {
    let key = match language {
        Language::Nb => "eksempel",
        Language::En => "example",
    };
    (
        new_article_text("", language, "2022-01-06T18:00:00Z", &[key]),
        new_background_text(key, language),
    )
}

/// The example values a new file is written with, in the site's language, so a
/// writer sees what to type in the words the site is written in.
struct Placeholders {
    author: &'static str,
    kind: &'static str,
    kinds: &'static str,
    tags: &'static str,
    slug: &'static str,
    image_src: &'static str,
    image_alt: &'static str,
    image_credit: &'static str,
    body: &'static str,
    entry_summary: &'static str,
    entry_body: &'static str,
    change_text: &'static str,
    fact_label: &'static str,
    fact_value: &'static str,
}

impl Placeholders {
    fn of(language: Language) -> &'static Placeholders {
        match language {
            Language::Nb => &Placeholders {
                author: "Navn Navnesen",
                kind: "forklaring",
                kinds: "forklaring, nyhet, analyse or kommentar",
                tags: "[\"Kasakhstan\", \"CSTO\"]",
                slug: "egen-adresse",
                image_src: "/bilder/bilde.jpg",
                image_alt: "Hva bildet viser",
                image_credit: "Foto: …",
                body: "Skriv ingressen i `lead` over, og brødteksten her.\n\n## En mellomtittel\n\nTekst.\n",
                entry_summary: "Én til tre setninger som forklarer oppslaget; vises i bakgrunnsboksen.",
                entry_body: "Lengre tekst om oppslaget, vist på dets egen side.",
                change_text: "Hva som ble endret, og hvorfor.",
                fact_label: "Grunnlagt",
                fact_value: "2002",
            },
            Language::En => &Placeholders {
                author: "Jane Doe",
                kind: "explainer",
                kinds: "explainer, news, analysis or opinion",
                tags: "[\"Kazakhstan\", \"CSTO\"]",
                slug: "own-address",
                image_src: "/images/picture.jpg",
                image_alt: "What the image shows",
                image_credit: "Photo: …",
                body: "Write the lead in `lead` above, and the body here.\n\n## A subheading\n\nText.\n",
                entry_summary: "One to three sentences explaining the entry; shown in the background box.",
                entry_body: "Longer text about the entry, shown on its own page.",
                change_text: "What changed, and why.",
                fact_label: "Founded",
                fact_value: "2002",
            },
        }
    }
}

/// The explainer parts' example fields, whose placeholders are Norwegian,
/// written in English for an English site.
const PART_EXAMPLES_IN_ENGLISH: &[(&str, &str)] = &[
    ("«Nøkkeltall»", "“Key figures”"),
    ("\"personer\"", "\"people\""),
    ("\"pågrepet\"", "\"detained\""),
    ("\"Innenriksdepartementet\"", "\"The interior ministry\""),
    ("\"ca. 2 000\"", "\"about 2,000\""),
    ("«Dette vet vi ikke»", "“What we don’t know”"),
    ("«Dette vet vi»", "“What we know”"),
    ("«Spørsmål og svar»", "“Questions and answers”"),
    ("\"Hvorfor nå?\"", "\"Why now?\""),
    ("Svaret i Markdown.", "The answer, in Markdown."),
    ("«Kort fortalt»", "“In brief”"),
    ("\"nokkel\"", "\"key\""),
];

fn part_examples(language: Language) -> (String, String) {
    let (mut fields, mut tables) = crate::parts::examples();
    if language == Language::En {
        for (nb, en) in PART_EXAMPLES_IN_ENGLISH {
            fields = fields.replace(nb, en);
            tables = tables.replace(nb, en);
        }
    }
    (fields, tables)
}

/// Every front-matter field, those not needed yet commented out with what it is for.
fn new_article_text(title: &str, language: Language, date: &str, background: &[&str]) -> String {
    let words = Placeholders::of(language);
    let background = background
        .iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let (part_fields, part_tables) = part_examples(language);
    let part_fields = part_fields.replace("{background}", &background);
    format!(
        "+++
title = {title}                      # the headline (required)
date = {date}                        # when it was published (required)
# updated = {date}                   # when it last changed in substance
lead = \"\"                          # one or two sentences under the headline and on the front page
# kicker = \"\"                      # the topic label above the headline on the front page; else the first tag
# authors = [\"{author}\"]        # names or keys in content/people/; falls back to authors in site.toml
# kind = \"{kind}\"               # {kinds}; falls back to kind in site.toml
tags = []                            # topics, e.g. {tags}
# slug = \"{slug}\"             # the URL; defaults to the file name
draft = true                         # drafts are built only with --drafts; set to false to publish
{part_fields}
# [image]                            # the main image
# src = \"{image_src}\"         # a file in static/, or a web address
# alt = \"{image_alt}\"      # required with an image
# credit = \"{image_credit}\"
# caption = \"…\"
{part_tables}+++

{body}",
        title = toml_string(title),
        author = words.author,
        kind = words.kind,
        kinds = words.kinds,
        tags = words.tags,
        slug = words.slug,
        image_src = words.image_src,
        image_alt = words.image_alt,
        image_credit = words.image_credit,
        body = words.body,
    )
}

/// The title a key suggests: `wagner-group` → `Wagner group`. The writer
/// corrects the capitals of names the key cannot show (`Wagner Group`).
fn title_from_key(key: &str) -> String {
    let spaced = key.replace('-', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Writes `content/<slug of title>.md` with the text `text` gives for the
/// moment `now`, refusing a title with nothing to name a file by.
fn create_named_by_title(
    root: &Path,
    title: &str,
    text: impl FnOnce(&str) -> String,
    now: jiff::Timestamp,
    command: &str,
) -> Result<PathBuf, Diagnostic> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::new("the title gives no usable file name")
            .with_help("use a title with letters or digits"));
    }
    let relative = Path::new("content").join(format!("{slug}.md"));
    create_new(root, &relative, &text(&moment(now)), command)?;
    Ok(root.join(relative))
}

/// A new live article for `title`: live, with «Dette vet vi» and one update
/// to write over.
pub fn new_live(
    root: &Path,
    title: &str,
    language: Language,
    now: jiff::Timestamp,
) -> Result<PathBuf, Diagnostic> {
    create_named_by_title(
        root,
        title,
        |date| new_live_text(title, language, date),
        now,
        "new live",
    )
}

fn new_live_text(title: &str, language: Language, date: &str) -> String {
    let (known, unknown, update, body) = match language {
        Language::Nb => (
            "Det som er bekreftet.",
            "Det som ennå er uklart.",
            "Det første som har skjedd, med kilde.",
            "Bakgrunn for saken, under oppdateringene.",
        ),
        Language::En => (
            "What has been confirmed.",
            "What is still unclear.",
            "The first thing that happened, with its source.",
            "Background to the story, below the updates.",
        ),
    };
    format!(
        "+++
title = {title}
date = {date}
lead = \"\"
tags = []
draft = true                         # set to false to publish
live = true                          # «Direkte» until live = false, or use live_until = 2022-01-07T18:00:00+01:00
# order = \"oldest-first\"           # once ended, show the first update first
known = [{known:?}]                  # «Dette vet vi», pinned above the updates
unknown = [{unknown:?}]              # «Dette vet vi ikke»
known_as_of = {date}

[[updates]]                          # one block per update; the newest is shown first
time = {date}                        # required, to the minute
text = {update:?}                    # required, in Markdown
source = \"\"                        # who says so
# title = \"…\"
# author = \"person-key\"            # a person in content/people/, or a plain name
# timeline = true                    # also an event in the article's timeline
+++

{body}
",
        title = toml_string(title),
    )
}

fn new_background_text(key: &str, language: Language) -> String {
    let words = Placeholders::of(language);
    let title = title_from_key(key);
    format!(
        "+++
title = {title}                      # the name shown (required)
# Other names the entry goes by, written as they appear in articles. In an article
# that lists this entry in `background`, the first of them found in running text
# (not in headings, links, quotations or code) becomes a link to the entry, with
# its summary as a preview. Whole words only, capitals as written, a genitive -s
# allowed; the title is not looked for unless it is listed here too.
aliases = [{title}]
summary = {summary}                  # required
verified = {verified}                # the day someone last checked that the entry is true
review_after = \"180d\"               # due for review so many days later (forklar check --stale), or a day

# [[changes]]                        # the change log on the entry's page, one per change
# date = {verified}
# text = {change_text}

# [[facts]]                          # key facts, in this order
# label = {fact_label}
# value = {fact_value}

# [image]
# src = {image_src}
# alt = {image_alt}
# credit = {image_credit}
+++

{body}
",
        title = toml_string(&title),
        summary = toml_string(words.entry_summary),
        change_text = toml_string(words.change_text),
        fact_label = toml_string(words.fact_label),
        fact_value = toml_string(words.fact_value),
        image_src = toml_string(words.image_src),
        image_alt = toml_string(words.image_alt),
        image_credit = toml_string(words.image_credit),
        body = words.entry_body,
        // Written just now, so checked just now.
        verified = crate::clock::today().map_or_else(|_| moment(jiff::Timestamp::now())[..10].to_string(), |d| d.iso()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_toml_date_time() {
        let now = moment(jiff::Timestamp::now());
        assert!(now.parse::<toml::value::Datetime>().is_ok(), "{now}");
    }

    #[test]
    fn a_key_suggests_a_title() {
        assert_eq!(title_from_key("wagner-group"), "Wagner group");
        assert_eq!(title_from_key("csto"), "Csto");
        assert_eq!(title_from_key("ost-europa-2"), "Ost europa 2");
    }

    /// An English site's new files carry no Norwegian word, also where the
    /// explainer parts bring their own examples.
    #[test]
    fn english_files_have_english_placeholders() {
        let article = new_article_text("Title", Language::En, "2022-01-06T10:00:00Z", &[]);
        let entry = new_background_text("wagner-group", Language::En);
        for text in [&article, &entry] {
            for word in [
                "æ",
                "ø",
                "å",
                "Æ",
                "Ø",
                "Å",
                "forklaring",
                "Navn",
                "bilde",
                "Foto",
                "Grunnlagt",
                "personer",
                "Hvorfor",
                "Svaret",
                "nokkel",
                "Tekst",
                "Skriv",
            ] {
                assert!(!text.contains(word), "`{word}` in:\n{text}");
            }
        }
        let norwegian = new_article_text("Tittel", Language::Nb, "2022-01-06T10:00:00Z", &[]);
        assert!(norwegian.contains("Navn Navnesen"), "{norwegian}");
        assert!(norwegian.contains("«Nøkkeltall»"), "{norwegian}");
    }
}
