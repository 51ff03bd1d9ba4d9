//! The property that [`Session`], the library behind `forklar serve`, is a
//! fresh build kept up to date: after any sequence of saves, its output folder
//! is byte for byte what `forklar::build::build` writes into an empty folder
//! from the same files (forklar's `.forklar-manifest` aside).
//!
//! The edits are those of the serve equivalence test (`tests/serve/`), made
//! here in-process and without a watcher, so what differs is the session's
//! own bookkeeping and nothing of file events or timing: titles, dates, tags,
//! slugs, bodies with links, articles added, renamed and deleted, background
//! entries, shared and inline timelines, quotes, template overrides, static
//! files with `static/robots.txt`, and broken saves with their fixes.
//!
//! Environment:
//! - `FORKLAR_SESSION_SEED`: the seed (decimal or `0x` hex). Printed on failure.
//! - `FORKLAR_SESSION_STEPS`: how many steps (default 200).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use forklar::build::{BuildOptions, build};
use forklar::incremental::{RebuildReport, Session};

mod entries;
mod lists;
mod moves;
mod sitemap;
mod spellings;
mod timelines;

const DEFAULT_SEED: u64 = 0x00f0_4b1a_2022_0120;
const DEFAULT_STEPS: usize = 200;

// ---------------------------------------------------------------------------
// A seeded generator

/// splitmix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times out of a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Each item kept with even odds, in order.
    fn subset<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        items.iter().filter(|_| self.chance(50)).cloned().collect()
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text:?} is not a number: {e}")))
}

fn base_seed() -> u64 {
    env_u64("FORKLAR_SESSION_SEED").unwrap_or(DEFAULT_SEED)
}

fn steps() -> usize {
    env_u64("FORKLAR_SESSION_STEPS").map_or(DEFAULT_STEPS, |n| n as usize)
}

// ---------------------------------------------------------------------------
// The site, as the writer means it

const TAGS: [&str; 5] = ["Kasakhstan", "CSTO", "Økonomi", "Politikk", "Energi"];
const WORDS: [&str; 16] = [
    "protestene",
    "regjeringen",
    "prisen",
    "gass",
    "soldater",
    "hovedstaden",
    "Almaty",
    "økte",
    "brått",
    "etter",
    "nyttår",
    "krisen",
    "forklarer",
    "hvorfor",
    "tusenvis",
    "gatene",
];
const NAMES: [&str; 4] = [
    "Helge Blakkisrud",
    "Kari Nordmann",
    "Ola Svendsen",
    "Åse Øvrebø",
];
const OUTLETS: [&str; 3] = ["VG", "NRK", "Reuters"];
/// Theme templates a site may override, with the theme's own text.
const OVERRIDABLE: [(&str, &str); 4] = [
    (
        "partials/quotes.html",
        include_str!("../../templates/partials/quotes.html"),
    ),
    (
        "partials/timeline.html",
        include_str!("../../templates/partials/timeline.html"),
    ),
    (
        "partials/background.html",
        include_str!("../../templates/partials/background.html"),
    ),
    ("base.html", include_str!("../../templates/base.html")),
];
const STATIC_FILES: [&str; 4] = [
    "robots.txt",
    "notat.txt",
    "bilder/kart.txt",
    "css/ekstra.css",
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Part {
    Background,
    Timeline,
    Quotes,
}

#[derive(Clone, Debug)]
enum Para {
    Text(String),
    /// A link to another article's file, `[…](file.md)`.
    Link(String),
    /// A link to a background entry's file, `[…](background/key.md)`.
    EntryLink(String),
    Marker(Part),
}

#[derive(Clone, Debug)]
enum Timeline {
    None,
    Inline(Vec<(String, String)>),
    Shared(String),
}

#[derive(Clone, Debug)]
struct Article {
    title: String,
    /// A TOML date or date-time, written as it is.
    date: String,
    lead: Option<String>,
    slug: Option<String>,
    tags: Vec<String>,
    background: Vec<String>,
    timeline: Timeline,
    /// `(text, speaker, source)`.
    quotes: Vec<(String, String, String)>,
    body: Vec<Para>,
}

#[derive(Clone, Debug)]
struct Entry {
    title: String,
    aliases: Vec<String>,
    summary: String,
    body: String,
}

#[derive(Clone, Debug)]
struct SharedTimeline {
    title: String,
    events: Vec<(String, String)>,
}

/// How a broken save breaks its file.
#[derive(Clone, Debug)]
enum Breakage {
    /// The `title` string is never closed: not TOML.
    BadToml,
    /// An article names a background entry that does not exist.
    UnknownEntry,
    /// An article names a shared timeline that does not exist.
    UnknownTimeline,
}

#[derive(Clone, Debug)]
struct Model {
    site_title: String,
    /// By file name in `content/`.
    articles: BTreeMap<String, Article>,
    /// By key (file name in `content/background/` without `.md`).
    entries: BTreeMap<String, Entry>,
    /// By key (file name in `content/timelines/` without `.toml`).
    timelines: BTreeMap<String, SharedTimeline>,
    /// Overrides by path in `templates/`, with their marker.
    templates: BTreeMap<String, String>,
    /// By path in `static/`.
    statics: BTreeMap<String, String>,
    /// A file saved broken, to be fixed by a later step.
    broken: Option<(String, Breakage)>,
    /// `sitemap_urls_per_file` in site.toml, where set.
    sitemap_urls_per_file: Option<usize>,
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

impl Model {
    fn has_part(article: &Article, part: Part) -> bool {
        match part {
            Part::Background => !article.background.is_empty(),
            Part::Timeline => match &article.timeline {
                Timeline::None => false,
                Timeline::Inline(events) => !events.is_empty(),
                Timeline::Shared(_) => true,
            },
            Part::Quotes => !article.quotes.is_empty(),
        }
    }

    fn render_article(&self, file: &str, a: &Article) -> String {
        let mut s = format!("+++\ntitle = \"{}\"\ndate = {}\n", a.title, a.date);
        if let Some(lead) = &a.lead {
            s += &format!("lead = \"{lead}\"\n");
        }
        if let Some(slug) = &a.slug {
            s += &format!("slug = \"{slug}\"\n");
        }
        if !a.tags.is_empty() {
            s += &format!("tags = {}\n", toml_list(&a.tags));
        }
        if !a.background.is_empty() {
            s += &format!("background = {}\n", toml_list(&a.background));
        }
        match &a.timeline {
            Timeline::Shared(key) => s += &format!("timeline_file = \"{key}\"\n"),
            Timeline::Inline(events) => {
                for (date, title) in events {
                    s += &format!("\n[[timeline]]\ndate = {date}\ntitle = \"{title}\"\n");
                }
            }
            Timeline::None => {}
        }
        for (text, speaker, source) in &a.quotes {
            s += &format!(
                "\n[[quotes]]\ntext = \"{text}\"\nspeaker = \"{speaker}\"\nsource = \"{source}\"\n"
            );
        }
        s += "+++\n";
        for para in &a.body {
            let line = match para {
                Para::Text(text) => text.clone(),
                Para::Link(target) if target != file && self.articles.contains_key(target) => {
                    format!("Les også [den andre saken]({target}).")
                }
                Para::EntryLink(key) if self.entries.contains_key(key) => {
                    format!("Mer om [{key}](background/{key}.md).")
                }
                Para::Marker(part) if Model::has_part(a, *part) => match part {
                    Part::Background => "{{ bakgrunn() }}".to_owned(),
                    Part::Timeline => "{{ tidslinje() }}".to_owned(),
                    Part::Quotes => "{{ sitater() }}".to_owned(),
                },
                _ => continue,
            };
            s += "\n";
            s += &line;
            s += "\n";
        }
        s
    }

    /// Every file of the site, by path from the site's root.
    fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        files.insert(
            "site.toml".to_owned(),
            format!(
                "title = \"{}\"\ndescription = \"Bakgrunn for nyhetene\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\nauthors = [\"Redaksjonen\"]\n",
                self.site_title
            ),
        );
        if let (Some(per_file), Some(toml)) =
            (self.sitemap_urls_per_file, files.get_mut("site.toml"))
        {
            toml.push_str(&format!("sitemap_urls_per_file = {per_file}\n"));
        }
        for (file, a) in &self.articles {
            files.insert(format!("content/{file}"), self.render_article(file, a));
        }
        for (key, e) in &self.entries {
            let mut s = format!("+++\ntitle = \"{}\"\n", e.title);
            if !e.aliases.is_empty() {
                s += &format!("aliases = {}\n", toml_list(&e.aliases));
            }
            s += &format!("summary = \"{}\"\n+++\n\n{}\n", e.summary, e.body);
            files.insert(format!("content/background/{key}.md"), s);
        }
        for (key, t) in &self.timelines {
            let mut s = format!("title = \"{}\"\n", t.title);
            for (date, title) in &t.events {
                s += &format!("\n[[events]]\ndate = {date}\ntitle = \"{title}\"\n");
            }
            files.insert(format!("content/timelines/{key}.toml"), s);
        }
        for (name, marker) in &self.templates {
            let theme = OVERRIDABLE
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, text)| *text)
                .expect("an overridable template");
            let mark = format!("<!-- {marker} -->");
            let text = if name == "base.html" {
                theme.replacen("<body>\n", &format!("<body>\n{mark}\n"), 1)
            } else {
                format!("{mark}\n{theme}")
            };
            files.insert(format!("templates/{name}"), text);
        }
        for (name, text) in &self.statics {
            files.insert(format!("static/{name}"), text.clone());
        }
        // A step may rename or delete the broken file; `next_step` then sees
        // the file change and picks another step.
        if let Some((path, how)) = &self.broken
            && files.contains_key(path)
        {
            let text = match how {
                Breakage::BadToml => {
                    let good = &files[path];
                    let start = good.find("title = \"").expect("a title") + "title = \"".len();
                    let end = start + good[start..].find('"').expect("a closing quote");
                    format!("{}{}", &good[..end], &good[end + 1..])
                }
                Breakage::UnknownEntry | Breakage::UnknownTimeline => {
                    let file = path.strip_prefix("content/").expect("an article");
                    let mut a = self.articles[file].clone();
                    if matches!(how, Breakage::UnknownEntry) {
                        a.background.push("finnes-ikke".into());
                    } else {
                        a.timeline = Timeline::Shared("finnes-ikke".into());
                    }
                    self.render_article(file, &a)
                }
            };
            files.insert(path.clone(), text);
        }
        files
    }

    /// Whether another article's body links to `file`.
    fn article_linked(&self, file: &str) -> bool {
        self.articles.iter().any(|(f, a)| {
            f != file
                && a.body
                    .iter()
                    .any(|p| matches!(p, Para::Link(t) if t == file))
        })
    }

    fn entry_used(&self, key: &str) -> bool {
        self.articles.values().any(|a| {
            a.background.iter().any(|k| k == key)
                || a.body
                    .iter()
                    .any(|p| matches!(p, Para::EntryLink(k) if k == key))
        })
    }

    fn timeline_used(&self, key: &str) -> bool {
        self.articles
            .values()
            .any(|a| matches!(&a.timeline, Timeline::Shared(k) if k == key))
    }

    fn aliases(&self) -> Vec<String> {
        self.entries
            .values()
            .flat_map(|e| e.aliases.iter().cloned())
            .collect()
    }
}

fn article(title: &str, date: &str, body: Vec<Para>) -> Article {
    Article {
        title: title.into(),
        date: date.into(),
        lead: None,
        slug: None,
        tags: Vec::new(),
        background: Vec::new(),
        timeline: Timeline::None,
        quotes: Vec::new(),
        body,
    }
}

fn text(s: &str) -> Para {
    Para::Text(s.into())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The starting site: four articles (one links to another, one uses the shared
/// timeline, one an inline timeline, two have quotes), three background
/// entries, a shared timeline and a static file.
fn fixture() -> Model {
    let mut articles = BTreeMap::new();
    let mut a = article(
        "Hva skjer i Kasakhstan?",
        "2022-01-06",
        vec![
            text("Protestene startet i Zjanaozen etter at CSTO og regjeringen ble enige."),
            Para::Link("sak-b.md".into()),
            text("Nazarbajev styrte landet i nesten tretti år."),
            Para::EntryLink("csto".into()),
        ],
    );
    a.lead = Some("Én eller to setninger om uroen.".into());
    a.tags = strings(&["Kasakhstan", "CSTO"]);
    a.background = strings(&["csto", "nazarbajev"]);
    a.timeline = Timeline::Inline(vec![
        ("\"2022-01-02\"".into(), "Protestene begynner".into()),
        (
            "\"2022-01-05T14:00+06:00\"".into(),
            "Regjeringen går av".into(),
        ),
    ]);
    a.quotes = vec![(
        "Slike opptøyer kan lett få sin egen dynamikk.".into(),
        "Helge Blakkisrud".into(),
        "VG".into(),
    )];
    articles.insert("sak-a.md".to_owned(), a);

    let mut b = article(
        "Hvem er Tokajev?",
        "2022-01-07T18:00:00+01:00",
        vec![
            text("Tokajev ble president i 2019."),
            Para::Marker(Part::Timeline),
        ],
    );
    b.tags = strings(&["Kasakhstan"]);
    b.background = strings(&["tokajev"]);
    b.timeline = Timeline::Shared("uro-2022".into());
    articles.insert("sak-b.md".to_owned(), b);

    let mut c = article(
        "Derfor steg gassprisen",
        "2022-01-05",
        vec![
            text("Prisen på flytende gass doblet seg nesten ved nyttår."),
            Para::Marker(Part::Quotes),
            text("Les mer om [kartet](/bilder/kart.txt) her."),
        ],
    );
    c.lead = Some("Pristaket ble fjernet.".into());
    c.tags = strings(&["Økonomi", "Energi"]);
    c.quotes = vec![
        (
            "Prisen var politisk.".into(),
            "Kari Nordmann".into(),
            "NRK".into(),
        ),
        (
            "Det kom brått.".into(),
            "Ola Svendsen".into(),
            "Reuters".into(),
        ),
    ];
    articles.insert("sak-c.md".to_owned(), c);

    let mut d = article(
        "Russiske soldater i Almaty",
        "2022-01-06",
        vec![text("CSTO sendte soldater for første gang.")],
    );
    d.slug = Some("soldatene".into());
    d.tags = strings(&["CSTO", "Politikk"]);
    articles.insert("sak-d.md".to_owned(), d);

    let entry = |title: &str, aliases: &[&str], summary: &str| Entry {
        title: title.into(),
        aliases: strings(aliases),
        summary: summary.into(),
        body: format!("Lengre tekst om {title}."),
    };
    let mut entries = BTreeMap::new();
    entries.insert(
        "csto".to_owned(),
        entry(
            "CSTO",
            &["CSTO", "ODKB"],
            "En militærallianse ledet av Russland.",
        ),
    );
    entries.insert(
        "nazarbajev".to_owned(),
        entry(
            "Nursultan Nazarbajev",
            &["Nazarbajev"],
            "Landets første president.",
        ),
    );
    entries.insert(
        "tokajev".to_owned(),
        entry(
            "Kassym-Zjomart Tokajev",
            &["Tokajev"],
            "Presidenten siden 2019.",
        ),
    );

    let mut timelines = BTreeMap::new();
    timelines.insert(
        "uro-2022".to_owned(),
        SharedTimeline {
            title: "Uroen i Kasakhstan, januar 2022".into(),
            events: vec![
                ("\"2022-01-01\"".into(), "Pristaket fjernes".into()),
                ("\"2022-01-02\"".into(), "Protestene begynner".into()),
            ],
        },
    );

    let mut statics = BTreeMap::new();
    statics.insert("bilder/kart.txt".to_owned(), "Et kart.\n".to_owned());

    Model {
        site_title: "Forklart".into(),
        articles,
        entries,
        timelines,
        templates: BTreeMap::new(),
        statics,
        broken: None,
        sitemap_urls_per_file: None,
    }
}

// ---------------------------------------------------------------------------
// Random steps

/// Makes up names, words and dates; `n` numbers everything new.
struct Gen {
    rng: Rng,
    n: u32,
}

impl Gen {
    fn fresh(&mut self) -> u32 {
        self.n += 1;
        self.n
    }

    fn sentence(&mut self, aliases: &[String]) -> String {
        let len = 4 + self.rng.below(8);
        let mut words: Vec<String> = (0..len)
            .map(|_| (*self.rng.pick(&WORDS)).to_owned())
            .collect();
        if !aliases.is_empty() && self.rng.chance(50) {
            let at = self.rng.below(words.len());
            words[at] = self.rng.pick(aliases).clone();
        }
        let mut s = words.join(" ");
        if let Some(first) = s.chars().next() {
            s = first.to_uppercase().chain(s.chars().skip(1)).collect();
        }
        let n = self.fresh();
        format!("{s} ({n}).")
    }

    fn title(&mut self) -> String {
        let n = self.fresh();
        let w = self.rng.pick(&WORDS);
        format!("Saken om {w} nr. {n}")
    }

    fn date(&mut self) -> String {
        // Few distinct days, so that articles often share a date.
        let day = 1 + self.rng.below(9);
        if self.rng.chance(30) {
            let hour = 6 + self.rng.below(12);
            format!("2022-01-{day:02}T{hour:02}:00:00+01:00")
        } else {
            format!("2022-01-{day:02}")
        }
    }

    fn event_date(&mut self) -> String {
        let day = 1 + self.rng.below(28);
        match self.rng.below(4) {
            0 => "2021".to_owned(),
            1 => format!("\"2022-{:02}\"", 1 + self.rng.below(3)),
            _ => format!("\"2022-01-{day:02}\""),
        }
    }

    fn events(&mut self, at_least: usize) -> Vec<(String, String)> {
        let len = at_least + self.rng.below(3);
        (0..len)
            .map(|_| (self.event_date(), self.title()))
            .collect()
    }

    fn quotes(&mut self) -> Vec<(String, String, String)> {
        let len = self.rng.below(3);
        (0..len)
            .map(|_| {
                (
                    self.sentence(&[]),
                    (*self.rng.pick(&NAMES)).to_owned(),
                    (*self.rng.pick(&OUTLETS)).to_owned(),
                )
            })
            .collect()
    }

    fn body(&mut self, model: &Model, own: &str) -> Vec<Para> {
        let aliases = model.aliases();
        let others: Vec<String> = model
            .articles
            .keys()
            .filter(|f| *f != own)
            .cloned()
            .collect();
        let entries: Vec<String> = model.entries.keys().cloned().collect();
        let len = 1 + self.rng.below(4);
        let mut body = Vec::new();
        for _ in 0..len {
            let para =
                match self.rng.below(10) {
                    0 | 1 if !others.is_empty() => Para::Link(self.rng.pick(&others).clone()),
                    2 if !entries.is_empty() => Para::EntryLink(self.rng.pick(&entries).clone()),
                    3 => Para::Marker(*self.rng.pick(&[
                        Part::Background,
                        Part::Timeline,
                        Part::Quotes,
                    ])),
                    _ => Para::Text(self.sentence(&aliases)),
                };
            body.push(para);
        }
        body
    }

    fn tags(&mut self) -> Vec<String> {
        let mut tags = self.rng.subset(&TAGS.map(String::from));
        if self.rng.chance(15) {
            let n = self.fresh();
            tags.push(format!("Emne {n}"));
        }
        tags
    }
}

/// One step: what it does, the site after it, and files it renames.
struct Step {
    what: String,
    model: Model,
    renames: Vec<(String, String)>,
}

/// A random step from `model`, or `None` when the chosen kind cannot apply.
fn try_step(g: &mut Gen, model: &Model) -> Option<Step> {
    let mut m = model.clone();
    let mut renames = Vec::new();
    let files: Vec<String> = m.articles.keys().cloned().collect();
    let pick_file = |g: &mut Gen| g.rng.pick(&files).clone();
    let what = match g.rng.below(28) {
        0 | 1 => {
            let f = pick_file(g);
            let title = g.title();
            m.articles.get_mut(&f)?.title = title.clone();
            format!("content/{f}: title = {title:?}")
        }
        2 => {
            let f = pick_file(g);
            let date = g.date();
            m.articles.get_mut(&f)?.date = date.clone();
            format!("content/{f}: date = {date}")
        }
        3 => {
            let f = pick_file(g);
            let lead = g.rng.chance(70).then(|| g.sentence(&[]));
            m.articles.get_mut(&f)?.lead = lead.clone();
            format!("content/{f}: lead = {lead:?}")
        }
        4 | 5 => {
            let f = pick_file(g);
            let tags = g.tags();
            m.articles.get_mut(&f)?.tags = tags.clone();
            format!("content/{f}: tags = {tags:?}")
        }
        6..=8 => {
            let f = pick_file(g);
            let body = g.body(model, &f);
            m.articles.get_mut(&f)?.body = body.clone();
            format!("content/{f}: new body {body:?}")
        }
        9 | 10 => {
            let f = pick_file(g);
            let slug = if g.rng.chance(75) {
                Some(format!("adresse-{}", g.fresh()))
            } else {
                None
            };
            m.articles.get_mut(&f)?.slug = slug.clone();
            format!("content/{f}: slug = {slug:?}")
        }
        11 => {
            let f = format!("ny-sak-{}.md", g.fresh());
            let mut a = article(&g.title(), &g.date(), g.body(model, &f));
            a.tags = g.tags();
            a.lead = g.rng.chance(50).then(|| g.sentence(&[]));
            a.quotes = g.quotes();
            let keys: Vec<String> = m.entries.keys().cloned().collect();
            a.background = g.rng.subset(&keys);
            m.articles.insert(f.clone(), a);
            format!("add content/{f}")
        }
        12 => {
            let f = pick_file(g);
            if m.article_linked(&f) {
                return None;
            }
            let to = format!("omdopt-{}.md", g.fresh());
            let a = m.articles.remove(&f)?;
            m.articles.insert(to.clone(), a);
            renames.push((format!("content/{f}"), format!("content/{to}")));
            format!("rename content/{f} to content/{to}")
        }
        13 => {
            let f = pick_file(g);
            if m.article_linked(&f) || m.articles.len() < 2 {
                return None;
            }
            m.articles.remove(&f);
            format!("delete content/{f}")
        }
        14 => {
            let key = format!("oppslag-{}", g.fresh());
            let title = g.title();
            let alias = format!("Oppslag{}", g.fresh());
            let summary = g.sentence(&[]);
            let body = g.sentence(&[]);
            m.entries.insert(
                key.clone(),
                Entry {
                    title,
                    aliases: vec![alias],
                    summary,
                    body,
                },
            );
            format!("add content/background/{key}.md")
        }
        15 | 16 => {
            let keys: Vec<String> = m.entries.keys().cloned().collect();
            if keys.is_empty() {
                return None;
            }
            let key = g.rng.pick(&keys).clone();
            let what = match g.rng.below(4) {
                0 => {
                    let title = g.title();
                    m.entries.get_mut(&key)?.title = title.clone();
                    format!("title = {title:?}")
                }
                1 => {
                    let summary = g.sentence(&[]);
                    m.entries.get_mut(&key)?.summary = summary.clone();
                    format!("summary = {summary:?}")
                }
                2 => {
                    let mut aliases = vec![key.to_uppercase()];
                    if g.rng.chance(50) {
                        aliases.push(format!("Alias{}", g.fresh()));
                    }
                    if g.rng.chance(20) {
                        aliases.clear();
                    }
                    m.entries.get_mut(&key)?.aliases = aliases.clone();
                    format!("aliases = {aliases:?}")
                }
                _ => {
                    let body = g.sentence(&[]);
                    m.entries.get_mut(&key)?.body = body.clone();
                    format!("body {body:?}")
                }
            };
            format!("content/background/{key}.md: {what}")
        }
        17 => {
            let keys: Vec<String> = m.entries.keys().cloned().collect();
            let key = g.rng.pick(&keys).clone();
            if m.entry_used(&key) {
                return None;
            }
            m.entries.remove(&key);
            format!("delete content/background/{key}.md")
        }
        18 | 19 => {
            let f = pick_file(g);
            let keys: Vec<String> = m.entries.keys().cloned().collect();
            let chosen = g.rng.subset(&keys);
            m.articles.get_mut(&f)?.background = chosen.clone();
            format!("content/{f}: background = {chosen:?}")
        }
        20 => {
            let keys: Vec<String> = m.timelines.keys().cloned().collect();
            if keys.is_empty() || g.rng.chance(30) {
                let key = format!("tidslinje-{}", g.fresh());
                let t = SharedTimeline {
                    title: g.title(),
                    events: g.events(1),
                };
                m.timelines.insert(key.clone(), t);
                format!("add content/timelines/{key}.toml")
            } else {
                let key = g.rng.pick(&keys).clone();
                if g.rng.chance(25) {
                    if m.timeline_used(&key) {
                        return None;
                    }
                    m.timelines.remove(&key);
                    format!("delete content/timelines/{key}.toml")
                } else {
                    let t = m.timelines.get_mut(&key)?;
                    if g.rng.chance(50) {
                        t.title = g.title();
                    } else {
                        t.events = g.events(1);
                    }
                    format!("edit content/timelines/{key}.toml")
                }
            }
        }
        21 | 22 => {
            let f = pick_file(g);
            let keys: Vec<String> = m.timelines.keys().cloned().collect();
            let timeline = match g.rng.below(3) {
                0 if !keys.is_empty() => Timeline::Shared(g.rng.pick(&keys).clone()),
                1 => Timeline::Inline(g.events(1)),
                _ => Timeline::None,
            };
            let what = format!("content/{f}: timeline = {timeline:?}");
            m.articles.get_mut(&f)?.timeline = timeline;
            what
        }
        23 => {
            let f = pick_file(g);
            let quotes = g.quotes();
            let what = format!("content/{f}: quotes = {quotes:?}");
            m.articles.get_mut(&f)?.quotes = quotes;
            what
        }
        24 => {
            let (name, _) = *g.rng.pick(&OVERRIDABLE);
            let name = name.to_owned();
            if m.templates.contains_key(&name) && g.rng.chance(40) {
                m.templates.remove(&name);
                format!("delete templates/{name}")
            } else {
                let marker = format!("egen mal {}", g.fresh());
                m.templates.insert(name.clone(), marker.clone());
                format!("write templates/{name} (the theme's, marked {marker:?})")
            }
        }
        25 | 26 => {
            let name = (*g.rng.pick(&STATIC_FILES)).to_owned();
            if m.statics.contains_key(&name) && g.rng.chance(50) {
                m.statics.remove(&name);
                format!("delete static/{name}")
            } else {
                let text = if name == "robots.txt" {
                    format!("User-agent: *\nDisallow: /utkast-{}/\n", g.fresh())
                } else {
                    format!("{}\n", g.sentence(&[]))
                };
                m.statics.insert(name.clone(), text);
                format!("write static/{name}")
            }
        }
        _ => {
            if g.rng.chance(50) {
                m.site_title = format!("Forklart {}", g.fresh());
                format!("site.toml: title = {:?}", m.site_title)
            } else {
                if model.broken.is_some() {
                    return None;
                }
                let how = match g.rng.below(4) {
                    0 => Breakage::UnknownEntry,
                    1 => Breakage::UnknownTimeline,
                    _ => Breakage::BadToml,
                };
                let path = if matches!(how, Breakage::BadToml) {
                    let mut candidates: Vec<String> = vec!["site.toml".into()];
                    candidates.extend(files.iter().map(|f| format!("content/{f}")));
                    candidates.extend(
                        m.entries
                            .keys()
                            .map(|k| format!("content/background/{k}.md")),
                    );
                    candidates.extend(
                        m.timelines
                            .keys()
                            .map(|k| format!("content/timelines/{k}.toml")),
                    );
                    g.rng.pick(&candidates).clone()
                } else {
                    format!("content/{}", pick_file(g))
                };
                m.broken = Some((path.clone(), how.clone()));
                format!("break {path}: {how:?}")
            }
        }
    };
    Some(Step {
        what,
        model: m,
        renames,
    })
}

/// The next step: a fix of a broken save half of the time, else a random
/// change that leaves a broken file alone and changes at least one file.
fn next_step(g: &mut Gen, model: &Model) -> Step {
    if let Some((path, _)) = &model.broken
        && g.rng.chance(50)
    {
        let mut m = model.clone();
        m.broken = None;
        return Step {
            what: format!("fix {path}"),
            model: m,
            renames: Vec::new(),
        };
    }
    let before = model.files();
    loop {
        let Some(step) = try_step(g, model) else {
            continue;
        };
        let after = step.model.files();
        let renamed: BTreeSet<&String> = step.renames.iter().map(|(from, _)| from).collect();
        if after == before && renamed.is_empty() {
            continue;
        }
        if let Some((path, _)) = &model.broken
            && (after.get(path) != before.get(path) || renamed.contains(path))
        {
            continue;
        }
        return step;
    }
}
// ---------------------------------------------------------------------------
// Saving, rebuilding in the session, building afresh and comparing

/// Every file under `dir`, by path from it with `/`, with its bytes; the
/// manifest that records what forklar wrote is bookkeeping, not the site.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, into: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{prefix}{name}");
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&entry.path(), &format!("{path}/"), into);
            } else if name != ".forklar-manifest" {
                into.insert(path, fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, "", &mut files);
    files
}

/// Where two texts part, with some of each around it.
fn first_difference(expected: &[u8], got: &[u8]) -> String {
    let at = expected.iter().zip(got).take_while(|(a, b)| a == b).count();
    let around = |b: &[u8]| {
        let from = at.saturating_sub(150);
        let to = (at + 250).min(b.len());
        String::from_utf8_lossy(&b[from.min(to)..to]).into_owned()
    };
    format!(
        "first difference at byte {at} (fresh build {} bytes, session {}):\n    fresh:   …{}…\n    session: …{}…",
        expected.len(),
        got.len(),
        around(expected),
        around(got)
    )
}

/// What differs between a fresh build and the session's folder, or `None`.
fn compare(
    fresh: &BTreeMap<String, Vec<u8>>,
    session: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let mut problems = Vec::new();
    for (path, bytes) in fresh {
        match session.get(path) {
            None => problems.push(format!("{path}: missing from the session's output")),
            Some(got) if got != bytes => {
                problems.push(format!("{path}: {}", first_difference(bytes, got)));
            }
            Some(_) => {}
        }
    }
    for path in session.keys().filter(|p| !fresh.contains_key(*p)) {
        problems.push(format!(
            "{path}: in the session's output, not in a fresh build"
        ));
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
}

/// A site on disk, a session over it, and the steps taken so far.
struct Runner {
    tmp: tempfile::TempDir,
    model: Model,
    session: Session,
    log: Vec<String>,
    seed: u64,
    /// How many steps were compared with a fresh build.
    compared: usize,
}

impl Runner {
    fn root(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    /// The page of the article `slug` as the session wrote it.
    fn page(&self, slug: &str) -> String {
        let path = self
            .tmp
            .path()
            .join("session-output")
            .join(slug)
            .join("index.html");
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn start(model: Model, seed: u64) -> Runner {
        let tmp = tempfile::Builder::new()
            .prefix("forklar-session-")
            .tempdir()
            .expect("a temporary folder");
        let root = tmp.path().join("site");
        for (path, text) in model.files() {
            write(&root, &path, &text);
        }
        let mut options = BuildOptions::new(&root);
        options.output = tmp.path().join("session-output");
        let mut session = Session::new(options);
        if let Err(problems) = session.rebuild_all("start") {
            panic!("the fixture does not build:\n{problems}");
        }
        Runner {
            tmp,
            model,
            session,
            log: Vec::new(),
            seed,
            compared: 0,
        }
    }

    /// The site as it is with `edit` made to it, saved as one batch by
    /// [`Runner::step`]; the report of a save that had to be good.
    fn save(&mut self, what: &str, edit: impl FnOnce(&mut Model)) -> RebuildReport {
        let mut model = self.model.clone();
        edit(&mut model);
        self.step(what, model, &[]).expect("a good save")
    }

    /// Saves the files `step` changes, gives them to the session as one batch,
    /// and compares with a fresh build when the site is good.
    /// Returns the session's report of a good save.
    fn step(
        &mut self,
        what: &str,
        model: Model,
        renames: &[(String, String)],
    ) -> Option<RebuildReport> {
        self.log.push(what.to_string());
        // Shown with a panic from anywhere, the generator's own included.
        println!("{:>3}. {what}", self.log.len());
        let root = self.root();
        let before = self.model.files();
        let after = model.files();
        let mut changed = Vec::new();
        for (from, to) in renames {
            fs::rename(root.join(from), root.join(to)).expect("rename");
            changed.push(from.clone());
            changed.push(to.clone());
        }
        let renamed: BTreeSet<&String> = renames.iter().map(|(_, to)| to).collect();
        for path in before.keys().filter(|p| !after.contains_key(*p)) {
            if root.join(path).exists() {
                fs::remove_file(root.join(path)).expect("remove");
            }
            changed.push(path.clone());
        }
        for (path, text) in &after {
            if before.get(path) != Some(text) || renamed.contains(path) {
                write(&root, path, text);
                changed.push(path.clone());
            }
        }
        changed.sort();
        changed.dedup();
        let paths: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
        let result = self.session.apply(&paths);
        let broken = model.broken.clone();
        self.model = model;
        match (result, broken) {
            (Ok(_), Some((path, how))) => self.fail(&format!(
                "the session took {path} broken by {how:?} as good"
            )),
            (Err(_), Some(_)) => None,
            (Err(problems), None) => {
                self.fail(&format!("the session failed on a good site:\n{problems}"))
            }
            (Ok(report), None) => {
                self.catch_up_search();
                self.compare_with_fresh_build();
                Some(report)
            }
        }
    }

    /// `serve` remakes the search index on a thread of its own once the
    /// reload has gone out; the session is compared after that work is done.
    fn catch_up_search(&mut self) {
        let Some(job) = self.session.search_job() else {
            return;
        };
        let files = match job.bundle() {
            Ok(files) => files,
            Err(problem) => self.fail(&format!("remaking the search index failed:\n{problem}")),
        };
        if let Err(problem) = self.session.finish_search(&job, files) {
            self.fail(&format!("writing the search index failed:\n{problem}"));
        }
    }

    fn compare_with_fresh_build(&mut self) {
        let fresh_dir = self.tmp.path().join("fresh-output");
        if fresh_dir.exists() {
            fs::remove_dir_all(&fresh_dir).expect("remove the last fresh build");
        }
        let mut options = BuildOptions::new(self.root());
        options.output = fresh_dir.clone();
        if let Err(problems) = build(&options) {
            self.fail(&format!("a fresh build of a good site failed:\n{problems}"));
        }
        let fresh = snapshot(&fresh_dir);
        let session = snapshot(&self.tmp.path().join("session-output"));
        if let Some(difference) = compare(&fresh, &session) {
            self.fail(&difference);
        }
        self.compared += 1;
    }

    fn fail(&self, problem: &str) -> ! {
        let steps: String = self
            .log
            .iter()
            .enumerate()
            .map(|(i, s)| format!("  {:>3}. {s}\n", i + 1))
            .collect();
        panic!(
            "the session and a fresh build differ after step {} (FORKLAR_SESSION_SEED={:#x}, FORKLAR_SESSION_STEPS={}):\n{problem}\nsteps:\n{steps}",
            self.log.len(),
            self.seed,
            self.log.len(),
        );
    }
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folders");
    }
    fs::write(&path, text).expect("write");
}

#[test]
fn the_session_matches_a_fresh_build_after_every_step() {
    let seed = base_seed();
    let steps = steps();
    println!("FORKLAR_SESSION_SEED={seed:#x} FORKLAR_SESSION_STEPS={steps}");
    let mut runner = Runner::start(fixture(), seed);
    random_saves(&mut runner, seed, steps);
}

/// `steps` random saves from `seed`, each compared with a fresh build.
fn random_saves(runner: &mut Runner, seed: u64, steps: usize) {
    let mut g = Gen {
        rng: Rng(seed),
        n: 0,
    };
    for _ in 0..steps {
        let step = next_step(&mut g, &runner.model);
        runner.step(&step.what, step.model, &step.renames);
    }
    // A run that seldom compared a good site would prove little.
    assert!(
        runner.compared > steps / 2,
        "only {} of {steps} steps left a good site to compare",
        runner.compared
    );
}

/// `serve` keeps the output folder's list of published files between saves;
/// a build that wrote the folder in between is seen, not overwritten by a
/// list that no longer holds.
#[test]
fn a_build_between_saves_is_seen_by_the_next_save() {
    let mut runner = Runner::start(fixture(), base_seed());
    let mut model = runner.model.clone();
    let first = model.articles.keys().next().cloned().expect("an article");
    model.articles.get_mut(&first).expect("the article").title = "Først lagret".into();
    runner.step(&format!("content/{first}: title"), model, &[]);

    // A build from the command line, of the site with one more static file.
    let root = runner.root();
    write(&root, "static/mellom.txt", "Skrevet av en annen bygging.\n");
    let mut options = BuildOptions::new(&root);
    options.output = runner.tmp.path().join("session-output");
    if let Err(problems) = build(&options) {
        panic!("the build in between failed:\n{problems}");
    }
    // A save that changes that file replaces it: a file the list now names.
    let mut model = runner.model.clone();
    model
        .statics
        .insert("mellom.txt".into(), "Lagret på nytt.\n".into());
    runner.step("write static/mellom.txt", model, &[]);
    assert_eq!(
        runner.compared, 2,
        "both saves were compared with a fresh build"
    );
}

/// A tag written in two ways takes the spelling most articles use, on every
/// article; a save that leaves an article's tags as they were keeps that,
/// and one that removes the other spelling everywhere gives the article its
/// own again, as a fresh build does.
#[test]
fn tag_spellings_follow_saves_of_other_articles() {
    let mut runner = Runner::start(fixture(), base_seed());
    let files: Vec<String> = runner.model.articles.keys().cloned().collect();
    let (odd, others) = files.split_first().expect("articles");
    let mut model = runner.model.clone();
    for (file, article) in &mut model.articles {
        article.tags = if file == odd {
            vec!["kasakhstan".into()]
        } else {
            vec!["Kasakhstan".into(), "CSTO".into()]
        };
    }
    runner.step(
        "one article writes kasakhstan, the others Kasakhstan",
        model,
        &[],
    );

    let mut model = runner.model.clone();
    let article = model.articles.get_mut(odd).expect("the article");
    article.body.push(text("Et nytt avsnitt om protestene."));
    runner.step(&format!("content/{odd}: body"), model, &[]);

    // A longer title moves the tags further into the file: the article
    // with the odd spelling keeps its warning, where the tag now stands.
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(odd).expect("the article");
    article.title.push_str(" – og hva som skjedde etterpå");
    runner.step(&format!("content/{odd}: a longer title"), model, &[]);

    // One with the common spelling: the names stay as they were.
    let common = &others[0];
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(common).expect("an article");
    article.title.push_str(" (oppdatert)");
    runner.step(&format!("content/{common}: a longer title"), model, &[]);

    // A date that moves it to the front of the order: on a tie between two
    // spellings the oldest article's wins, so the order counts.
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(common).expect("an article");
    article.date = "2022-03-01".into();
    runner.step(
        &format!("content/{common}: a date that moves it"),
        model,
        &[],
    );

    // One batch: the article's tags stay as written, every other spelling goes.
    let mut model = runner.model.clone();
    let article = model.articles.get_mut(odd).expect("the article");
    article.body.push(text("Enda et avsnitt."));
    for file in others {
        model.articles.get_mut(file).expect("an article").tags = vec!["CSTO".into()];
    }
    runner.step("the others drop Kasakhstan, with a body edit", model, &[]);
    assert_eq!(
        runner.compared, 6,
        "every save was compared with a fresh build"
    );
}
