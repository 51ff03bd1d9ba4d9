//! The property that `forklar serve` is a fresh `forklar build`, kept up to date:
//! after any sequence of saves, every file the server serves is byte for byte
//! what `forklar build` writes into an empty folder from the same files (the
//! live-reload script aside), and every address an earlier build had but the
//! current one has not answers 404.
//!
//! A seeded generator edits a small explainer site the ways a writer does
//! (titles, dates, tags, slugs, bodies with links, background entries, shared
//! and inline timelines, quotes, live updates, template overrides, static files, broken saves
//! and their fixes, lead images added, replaced and removed, their credit and
//! focus changed), each step a real save as an editor makes it. After every
//! step the test waits for the server's event for that save and until serve
//! says no image work is pending (`/__forklar/status`: its variants are made
//! in the background), builds the same files afresh with the real binary, and
//! compares.
//!
//! Environment:
//! - `FORKLAR_EQUIV_SEED`: the seed of the first run (decimal or `0x` hex);
//!   the second run uses a seed derived from it. Printed on failure.
//! - `FORKLAR_EQUIV_RANDOM=1`: a seed from the clock when no seed is given.
//! - `FORKLAR_EQUIV_STEPS`: steps per run (default 100; two runs, 200 in all).
//! - `FORKLAR_EQUIV_KEEP_GOING=1`: after a divergence, report it, start a new
//!   server on the site as it is and go on; fail at the end with every one.
//! - `FORKLAR_EQUIV_AVOID=slug,entries,robots`: make no slug changes, no
//!   background entries added or deleted, no `static/robots.txt` (the known
//!   divergences), to look for others.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::support::{Event, Live, Site, WAIT, fresh_build, list_files, request, without_snippet};

const DEFAULT_SEED: u64 = 0x00f0_4b1a_2022_0106;
const DEFAULT_STEPS: usize = 100;
/// After a save's event, further events this close behind it (the rest of a
/// save that the watcher split in two) are waited for before comparing.
const TRAILING: Duration = Duration::from_millis(40);

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
    if let Some(seed) = env_u64("FORKLAR_EQUIV_SEED") {
        return seed;
    }
    if std::env::var("FORKLAR_EQUIV_RANDOM").is_ok_and(|v| v == "1") {
        return SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(DEFAULT_SEED, |d| d.as_nanos() as u64);
    }
    DEFAULT_SEED
}

fn steps_per_run() -> usize {
    env_u64("FORKLAR_EQUIV_STEPS").map_or(DEFAULT_STEPS, |n| n as usize)
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
/// Speakers: names, and keys of people in `content/people/`.
const NAMES: [&str; 5] = [
    "Helge Blakkisrud",
    "Kari Nordmann",
    "Ola Svendsen",
    "Åse Øvrebø",
    "blakkisrud",
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

/// An image file, made from these when it is written (small, so its
/// variants are made quickly).
#[derive(Clone, Debug, PartialEq)]
struct Picture {
    png: bool,
    width: u32,
    height: u32,
    seed: u32,
}

/// What a file's text stands for when it starts with this: an image, made
/// by [`file_bytes`].
const PICTURE_MARK: &str = "\u{0}picture:";

impl Picture {
    fn as_text(&self) -> String {
        format!(
            "{PICTURE_MARK}{}:{}:{}:{}",
            self.png, self.width, self.height, self.seed
        )
    }
}

/// The bytes of a file as the model writes it: an image for a picture's
/// text, else the text.
fn file_bytes(text: &str) -> Vec<u8> {
    let Some(spec) = text.strip_prefix(PICTURE_MARK) else {
        return text.as_bytes().to_vec();
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let number = |i: usize| parts[i].parse::<u32>().expect("a number");
    let (png, width, height, seed) = (parts[0] == "true", number(1), number(2), number(3));
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            (seed * 53 % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    if png {
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encode a PNG");
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&img)
            .expect("encode a JPEG");
    }
    out
}

/// An article's `[image]`.
#[derive(Clone, Debug)]
struct LeadImage {
    /// The picture's path from the site root.
    path: String,
    credit: String,
    /// `focus`, in hundredths.
    focus: Option<(u32, u32)>,
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
    /// `(date, text)`: what the corrections archive lists.
    corrections: Vec<(String, String)>,
    /// `(time, text, timeline)`: a live article's updates, some also in its timeline.
    updates: Vec<(String, String, bool)>,
    image: Option<LeadImage>,
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
    /// Images by path from the site root, in `content/bilder/` or
    /// `static/bilder/`.
    pictures: BTreeMap<String, Picture>,
    /// People by key (file name in `content/people/`): name and role. Never
    /// deleted, since quotes name them.
    people: BTreeMap<String, (String, String)>,
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
        // A plain key, so before the first [[table]].
        if !a.updates.is_empty() {
            s += "live = true\n";
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
        for (date, text) in &a.corrections {
            s += &format!("\n[[corrections]]\ndate = {date}\ntext = \"{text}\"\n");
        }
        for (time, text, timeline) in &a.updates {
            s += &format!(
                "\n[[updates]]\ntime = {time}\ntext = \"{text}\"\ntimeline = {timeline}\n"
            );
        }
        if let Some(image) = &a.image {
            // Articles are in content/: a file there is named from it, one
            // in static/ from the site's root.
            let file = match image.path.strip_prefix("content/") {
                Some(beside) => beside.to_owned(),
                None => image.path.replacen("static", "", 1),
            };
            s += &format!(
                "\n[image]\nfile = \"{file}\"\nalt = \"Bilde fra {file}\"\ncredit = \"{}\"\n",
                image.credit
            );
            if let Some((x, y)) = image.focus {
                s += &format!(
                    "focus = [{}, {}]\n",
                    f64::from(x) / 100.0,
                    f64::from(y) / 100.0
                );
            }
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
                "title = \"{}\"\ndescription = \"Bakgrunn for nyhetene\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\nauthors = [\"Redaksjonen\", \"blakkisrud\"]\n",
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
        for (key, (name, role)) in &self.people {
            files.insert(
                format!("content/people/{key}.md"),
                format!("+++\nname = \"{name}\"\nrole = \"{role}\"\n+++\n\nForsker.\n"),
            );
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
        for (path, picture) in &self.pictures {
            files.insert(path.clone(), picture.as_text());
        }
        // A step may rename or delete the broken file; then it is left as it is.
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

    fn picture_used(&self, path: &str) -> bool {
        self.articles
            .values()
            .any(|a| a.image.as_ref().is_some_and(|i| i.path == path))
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
        corrections: Vec::new(),
        updates: Vec::new(),
        image: None,
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
    a.corrections = vec![("2022-01-07".into(), "Et navn var feil.".into())];
    a.image = Some(LeadImage {
        path: "content/bilder/almaty.jpg".into(),
        credit: "Foto: NTB".into(),
        focus: None,
    });
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
        pictures: BTreeMap::from([(
            "content/bilder/almaty.jpg".to_owned(),
            Picture {
                png: false,
                width: 96,
                height: 64,
                seed: 1,
            },
        )]),
        people: BTreeMap::from([(
            "blakkisrud".to_owned(),
            ("Helge Blakkisrud".to_owned(), "seniorforsker".to_owned()),
        )]),
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

/// Whether `FORKLAR_EQUIV_AVOID` (a comma-separated list of `slug`,
/// `entries`, `robots`) rules out a kind of step: a known divergence can be
/// set aside to look for others.
fn avoided(kind: &str) -> bool {
    std::env::var("FORKLAR_EQUIV_AVOID").is_ok_and(|v| v.split(',').any(|k| k.trim() == kind))
}

/// A random step from `model`, or `None` when the chosen kind cannot apply.
fn try_step(g: &mut Gen, model: &Model) -> Option<Step> {
    let mut m = model.clone();
    let mut renames = Vec::new();
    let files: Vec<String> = m.articles.keys().cloned().collect();
    let pick_file = |g: &mut Gen| g.rng.pick(&files).clone();
    let what = match g.rng.below(35) {
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
        9 | 10 if !avoided("slug") => {
            let f = pick_file(g);
            let slug = if g.rng.chance(75) {
                Some(format!("adresse-{}", g.fresh()))
            } else {
                None
            };
            m.articles.get_mut(&f)?.slug = slug.clone();
            format!("content/{f}: slug = {slug:?}")
        }
        // Once a run, enough articles under one tag and entry that their
        // lists take two pages, so later saves move articles across the
        // page boundary, add the second page and take it away.
        11 if !m.articles.keys().any(|f| f.starts_with(ARCHIVE)) && g.rng.chance(50) => {
            let count = add_archive(g, &mut m);
            format!("add {count} articles content/{ARCHIVE}*.md with the tag CSTO")
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
        14 if !avoided("entries") => {
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
        17 if !avoided("entries") => {
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
        31 => {
            // A new picture, or a new version of one.
            let paths: Vec<String> = m.pictures.keys().cloned().collect();
            let path = if paths.is_empty() || g.rng.chance(40) {
                let n = g.fresh();
                if g.rng.chance(50) {
                    format!("content/bilder/foto-{n}.jpg")
                } else {
                    format!("static/bilder/bilde-{n}.png")
                }
            } else {
                g.rng.pick(&paths).clone()
            };
            let picture = Picture {
                png: path.ends_with(".png"),
                width: 24 + 8 * g.rng.below(12) as u32,
                height: 24 + 8 * g.rng.below(8) as u32,
                seed: g.fresh(),
            };
            let what = format!("write {path} ({}×{})", picture.width, picture.height);
            m.pictures.insert(path, picture);
            what
        }
        32 => {
            // An article's lead image: another picture, or none.
            let f = pick_file(g);
            let paths: Vec<String> = m.pictures.keys().cloned().collect();
            let image = if paths.is_empty() || g.rng.chance(20) {
                None
            } else {
                Some(LeadImage {
                    path: g.rng.pick(&paths).clone(),
                    credit: (*g.rng.pick(&["Foto: NTB", "Foto: Reuters", "Foto: AP"])).to_owned(),
                    focus: None,
                })
            };
            let what = format!("content/{f}: image = {image:?}");
            m.articles.get_mut(&f)?.image = image;
            what
        }
        33 => {
            // A lead image's credit or focal point.
            let with_image: Vec<String> = m
                .articles
                .iter()
                .filter(|(_, a)| a.image.is_some())
                .map(|(f, _)| f.clone())
                .collect();
            if with_image.is_empty() {
                return None;
            }
            let f = g.rng.pick(&with_image).clone();
            let credit = format!("Foto: Fotograf {}", g.fresh());
            let focus =
                (g.rng.chance(70)).then(|| (g.rng.below(101) as u32, g.rng.below(101) as u32));
            let image = m.articles.get_mut(&f)?.image.as_mut()?;
            if g.rng.chance(50) {
                image.credit = credit;
            } else {
                image.focus = focus;
            }
            format!("content/{f}: image = {image:?}")
        }
        34 => {
            let unused: Vec<String> = m
                .pictures
                .keys()
                .filter(|p| !m.picture_used(p))
                .cloned()
                .collect();
            if unused.is_empty() {
                return None;
            }
            let path = g.rng.pick(&unused).clone();
            m.pictures.remove(&path);
            format!("delete {path}")
        }
        30 if g.rng.chance(50) => {
            let f = pick_file(g);
            let updates: Vec<(String, String, bool)> = (0..g.rng.below(4))
                .map(|_| {
                    let time = format!(
                        "2022-01-{:02}T{:02}:{:02}",
                        1 + g.rng.below(9),
                        g.rng.below(24),
                        g.rng.below(60)
                    );
                    (time, g.sentence(&[]), g.rng.chance(30))
                })
                .collect();
            let what = format!("content/{f}: updates = {updates:?}");
            m.articles.get_mut(&f)?.updates = updates;
            what
        }
        30 => {
            let f = pick_file(g);
            let corrections: Vec<(String, String)> = (0..g.rng.below(3))
                .map(|_| (g.date(), g.sentence(&[])))
                .collect();
            let what = format!("content/{f}: corrections = {corrections:?}");
            m.articles.get_mut(&f)?.corrections = corrections;
            what
        }
        28 | 29 => {
            // A person's file read by quotes, bylines and their own page.
            let name = format!("Helge Blakkisrud {}", g.fresh());
            let role = g.title();
            m.people
                .insert("blakkisrud".to_owned(), (name.clone(), role.clone()));
            format!("content/people/blakkisrud.md: name = {name:?}, role = {role:?}")
        }
        25 | 26 => {
            let name = (*g.rng.pick(&STATIC_FILES)).to_owned();
            if name == "robots.txt" && avoided("robots") {
                return None;
            }
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

/// The file names of the articles [`add_archive`] adds start with this.
const ARCHIVE: &str = "arkiv-";

/// Adds articles tagged CSTO (using the entry `csto` where it exists) until
/// 51 carry the tag, one more than a page holds; returns how many it added.
fn add_archive(g: &mut Gen, m: &mut Model) -> usize {
    let tagged = m
        .articles
        .values()
        .filter(|a| a.tags.iter().any(|t| t == "CSTO"))
        .count();
    let count = 51usize.saturating_sub(tagged);
    for _ in 0..count {
        let f = format!("{ARCHIVE}{}.md", g.fresh());
        let mut a = article(&g.title(), &g.date(), vec![text("Fra arkivet.")]);
        a.tags = strings(&["CSTO"]);
        if m.entries.contains_key("csto") {
            a.background = strings(&["csto"]);
        }
        m.articles.insert(f, a);
    }
    count
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
// Saving, serving, building and comparing

/// The address a browser asks for a file of the output.
pub(crate) fn url_of(rel: &str) -> String {
    if rel == "index.html" {
        "/".to_owned()
    } else if let Some(dir) = rel.strip_suffix("/index.html") {
        format!("/{dir}/")
    } else {
        format!("/{rel}")
    }
}

/// Where two texts part, with some of each around it.
fn first_difference(expected: &[u8], served: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(served)
        .take_while(|(a, b)| a == b)
        .count();
    let around = |b: &[u8]| {
        let from = at.saturating_sub(150);
        let to = (at + 250).min(b.len());
        String::from_utf8_lossy(&b[from.min(to)..to]).into_owned()
    };
    format!(
        "first difference at byte {at} (expected {} bytes, served {}):\n    expected: …{}…\n    served:   …{}…",
        expected.len(),
        served.len(),
        around(expected),
        around(served)
    )
}

/// How one save is written, as different editors do it.
#[derive(Clone, Copy, Debug)]
enum Save {
    /// Truncate and write (most editors, `>` in a shell).
    InPlace,
    /// A temporary file in the same folder, renamed over the file (sed -i,
    /// gedit, many IDEs).
    RenameOver,
    /// vim with `writebackup`: probe file, temp file, original renamed to
    /// `name~`, temp renamed to the name, backup deleted.
    Vim,
    /// Deleted, then written anew.
    DeleteCreate,
}

/// A site being served, the model it was written from, and what is known.
struct Runner {
    live: Live,
    model: Model,
    /// The files on disk, by path from the site root.
    files: BTreeMap<String, String>,
    /// Every output path a fresh build has produced so far.
    ever: BTreeSet<String>,
    /// Chooses how each file is saved.
    saves: Rng,
    temp_n: u32,
    seed: Option<u64>,
    log: Vec<String>,
}

impl Runner {
    fn start(model: Model, seed: Option<u64>) -> Runner {
        let site = Site::new(&[]);
        let files = model.files();
        for (rel, text) in &files {
            let path = site.p(rel);
            fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            fs::write(&path, file_bytes(text)).expect("write");
        }
        let live = Live::start(site, "site.toml");
        live.serve.wait_images_idle();
        live.events.settle();
        let mut runner = Runner {
            live,
            model,
            files,
            ever: BTreeSet::new(),
            saves: Rng(seed.unwrap_or(7) ^ 0x5a5a),
            temp_n: 0,
            seed,
            log: Vec::new(),
        };
        if let Err(problem) = runner.check(None) {
            runner.fail(&problem);
        }
        runner
    }

    fn root(&self) -> PathBuf {
        self.live.site.root()
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.live.serve.port)
    }

    /// Writes `text` to `rel` the way `how` says.
    fn save(&mut self, rel: &str, text: &str, how: Save) {
        let path = self.root().join(rel);
        let dir = path.parent().expect("a folder").to_path_buf();
        fs::create_dir_all(&dir).expect("folder");
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        self.temp_n += 1;
        let n = self.temp_n;
        let text = file_bytes(text);
        let text = text.as_slice();
        match how {
            Save::InPlace => fs::write(&path, text).expect("write"),
            Save::RenameOver => {
                let temp = match n % 3 {
                    0 => dir.join(format!("sed{n:06}")),
                    1 => dir.join(format!(".goutputstream-{n}")),
                    _ => dir.join(format!("{name}.tmp{n}")),
                };
                fs::write(&temp, text).expect("write temp");
                fs::rename(&temp, &path).expect("rename temp");
            }
            Save::Vim => {
                let probe = dir.join("4913");
                fs::write(&probe, "").expect("probe");
                fs::remove_file(&probe).expect("remove probe");
                let temp = dir.join(format!("{name}.swx{n}"));
                fs::write(&temp, text).expect("write temp");
                let backup = dir.join(format!("{name}~"));
                fs::rename(&path, &backup).expect("backup");
                fs::rename(&temp, &path).expect("rename temp");
                fs::remove_file(&backup).expect("remove backup");
            }
            Save::DeleteCreate => {
                fs::remove_file(&path).expect("delete");
                fs::write(&path, text).expect("write");
            }
        }
    }

    /// Makes the site on disk that of `model`: renames first, then deletes,
    /// then writes. Returns what was done to which file.
    fn write_model(&mut self, model: &Model, renames: &[(String, String)]) -> Vec<String> {
        let mut done = Vec::new();
        for (from, to) in renames {
            fs::rename(self.root().join(from), self.root().join(to)).expect("rename");
            let text = self.files.remove(from).expect("a file to rename");
            self.files.insert(to.clone(), text);
            done.push(format!("renamed {from} -> {to}"));
        }
        let wanted = model.files();
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|k| !wanted.contains_key(*k))
            .cloned()
            .collect();
        for rel in gone {
            fs::remove_file(self.root().join(&rel)).expect("delete");
            self.files.remove(&rel);
            done.push(format!("deleted {rel}"));
        }
        for (rel, text) in &wanted {
            let existed = match self.files.get(rel) {
                Some(old) if old == text => continue,
                Some(_) => true,
                None => false,
            };
            let how = match self.saves.below(if existed { 5 } else { 2 }) {
                0 | 4 => Save::InPlace,
                1 => Save::RenameOver,
                2 => Save::Vim,
                _ => Save::DeleteCreate,
            };
            self.save(rel, text, how);
            self.files.insert(rel.clone(), text.clone());
            done.push(format!("saved {rel} ({how:?})"));
        }
        done
    }

    /// Applies one step and checks the property; `Err` describes a divergence.
    fn step(
        &mut self,
        what: &str,
        model: Model,
        renames: &[(String, String)],
    ) -> Result<(), String> {
        let done = self.write_model(&model, renames);
        assert!(!done.is_empty(), "step {what:?} changed no file");
        self.log.push(format!("{what}  [{}]", done.join("; ")));
        self.model = model;
        // `search` says the index caught up with an earlier save, which
        // happens after that save's pages are all written: the save's own
        // outcome is a `reload` or an `error`.
        let mut seen = Vec::new();
        let event = loop {
            match self.live.events.rx.recv_timeout(WAIT) {
                Ok(event) if event.name == "search" => seen.push(event.name),
                Ok(event) => break event,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "no reload or error event within {WAIT:?} of the save"
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err("the event stream closed".into());
                }
            }
        };
        seen.push(event.name.clone());
        let mut last = event;
        while let Ok(event) = self.live.events.rx.recv_timeout(TRAILING) {
            seen.push(event.name.clone());
            // `search` says the index caught up; the rebuild's outcome is the
            // event before it.
            if event.name != "search" {
                last = event;
            }
        }
        // The pages that show the save besides the reader's own are
        // written right after the reload.
        self.live.serve.wait_pages_written();
        // Variants made in the background end with a render and a reload
        // of their own.
        if self.wait_images_idle() {
            while let Ok(event) = self.live.events.rx.recv_timeout(TRAILING) {
                seen.push(event.name.clone());
                // The variants' rebuild wakes the search index too.
                if event.name != "search" {
                    last = event;
                }
            }
        }
        if let Some(entry) = self.log.last_mut() {
            entry.push_str(&format!(" -> {}", seen.join(", ")));
        }
        self.check(Some(last))
    }

    /// Waits until serve has no image work pending; whether it had any.
    fn wait_images_idle(&self) -> bool {
        if self.live.serve.status("images_pending") == 0 {
            return false;
        }
        self.live.serve.wait_images_idle();
        true
    }

    /// Builds the files afresh and compares with what is served. A first
    /// mismatch may be a rebuild not yet done: then waits until the event
    /// stream is quiet and looks again.
    fn check(&mut self, last: Option<Event>) -> Result<(), String> {
        let fresh = self.fresh_build();
        let first = self.compare(&fresh, last.as_ref());
        if first.is_ok() {
            if let Ok(built) = &fresh {
                self.ever.extend(built.iter().cloned());
            }
            return Ok(());
        }
        // Settling also waits for the search index, which serve remakes after
        // the reload event (`event: search` when done).
        self.live.serve.wait_images_idle();
        let later = self.live.events.settle();
        let last = later.into_iter().rfind(|e| e.name != "search").or(last);
        let result = self.compare(&fresh, last.as_ref());
        if let Ok(built) = &fresh {
            self.ever.extend(built.iter().cloned());
        }
        result
    }

    fn fresh_dir(&self) -> PathBuf {
        self.live.site.dir.path().join("fresh")
    }

    /// `forklar build` of the site into an empty folder: the paths written,
    /// or the build's errors.
    fn fresh_build(&self) -> Result<BTreeSet<String>, String> {
        let out = self.fresh_dir();
        if out.exists() {
            fs::remove_dir_all(&out).expect("remove the last fresh build");
        }
        let result = fresh_build(&self.root(), &out, &self.base_url());
        if result.status.success() {
            Ok(list_files(&out))
        } else {
            Err(String::from_utf8_lossy(&result.stderr).into_owned())
        }
    }

    fn compare(
        &self,
        fresh: &Result<BTreeSet<String>, String>,
        last: Option<&Event>,
    ) -> Result<(), String> {
        let serve = &self.live.serve;
        let built = match fresh {
            Err(errors) => {
                return match last {
                    Some(e) if e.name == "error" => Ok(()),
                    other => Err(format!(
                        "the fresh build fails, but serve's last event is {:?}, not `error`\nbuild errors:\n{errors}",
                        other.map(|e| (&e.name, &e.data))
                    )),
                };
            }
            Ok(built) => built,
        };
        let mut problems = Vec::new();
        if let Some(e) = last
            && e.name != "reload"
        {
            problems.push(format!(
                "the fresh build succeeds, but serve's last event is `{}`: {}",
                e.name, e.data
            ));
        }
        let out = self.fresh_dir();
        for rel in built {
            let url = url_of(rel);
            let expected = fs::read(out.join(rel)).expect("a built file");
            let resp = match request(serve.port, "GET", &url) {
                Ok(resp) => resp,
                Err(e) => {
                    problems.push(format!("GET {url}: {e}"));
                    continue;
                }
            };
            if resp.status != 200 {
                problems.push(format!(
                    "GET {url}: {} (the fresh build has {rel})",
                    resp.status
                ));
                continue;
            }
            let served = if rel.ends_with(".html") {
                without_snippet(&resp.text()).into_bytes()
            } else {
                resp.body
            };
            if served != expected {
                problems.push(format!(
                    "GET {url} differs from the fresh build's {rel}: {}",
                    first_difference(&expected, &served)
                ));
            }
        }
        for rel in self.ever.difference(built) {
            let url = url_of(rel);
            match request(serve.port, "GET", &url) {
                Ok(resp) if resp.status == 404 => {}
                Ok(resp) => problems.push(format!(
                    "GET {url}: {} although the fresh build no longer has {rel} (served {} bytes: {:?}…)",
                    resp.status,
                    resp.body.len(),
                    String::from_utf8_lossy(&resp.body[..resp.body.len().min(120)])
                )),
                Err(e) => problems.push(format!("GET {url}: {e}")),
            }
        }
        for rel in list_files(&serve.output_dir()).difference(built) {
            if !self.ever.contains(rel) {
                problems.push(format!(
                    "serve's output has {rel}, which no fresh build ever had"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }

    /// Panics with everything needed to see and repeat the divergence.
    fn fail(&self, problem: &str) -> ! {
        let steps: String = self
            .log
            .iter()
            .enumerate()
            .map(|(i, s)| format!("  {:3}. {s}\n", i + 1))
            .collect();
        let repeat = match self.seed {
            Some(seed) => format!(
                "seed {seed:#x}; repeat with FORKLAR_EQUIV_SEED={seed:#x} FORKLAR_EQUIV_STEPS={} cargo test --test serve equivalence::serve_matches_a_fresh_build_1\n",
                self.log.len()
            ),
            None => String::new(),
        };
        let tail = |lines: Vec<String>| lines[lines.len().saturating_sub(15)..].join("\n");
        let stderr: Vec<String> = self.live.serve.stderr().lines().map(String::from).collect();
        panic!(
            "serve diverges from a fresh build after step {}:\n{problem}\n\n{repeat}steps:\n{steps}\n--- serve stdout (last lines) ---\n{}\n--- serve stderr (last lines) ---\n{}",
            self.log.len(),
            tail(self.live.serve.stdout()),
            tail(stderr)
        );
    }

    /// A step that must keep the property; panics with the report if not.
    fn must(&mut self, what: &str, change: impl FnOnce(&mut Model)) {
        let mut model = self.model.clone();
        change(&mut model);
        if let Err(problem) = self.step(what, model, &[]) {
            self.fail(&problem);
        }
    }
}

/// `steps` random steps from the fixture with `seed`.
fn run(seed: u64, steps: usize) {
    println!("forklar serve/build equivalence: seed {seed:#x}, {steps} steps");
    let keep_going = std::env::var("FORKLAR_EQUIV_KEEP_GOING").is_ok_and(|v| v == "1");
    let mut runner = Runner::start(fixture(), Some(seed));
    let mut g = Gen {
        rng: Rng(seed),
        n: 0,
    };
    let mut found = Vec::new();
    for i in 0..steps {
        let step = next_step(&mut g, &runner.model);
        let Err(problem) = runner.step(&step.what, step.model, &step.renames) else {
            continue;
        };
        if !keep_going {
            runner.fail(&problem);
        }
        // Report, then start a new server on the site as it is now.
        let since: String = runner.log.iter().map(|s| format!("    {s}\n")).collect();
        let report = format!(
            "DIVERGENCE at step {} (seed {seed:#x}); steps since the server started:\n{since}  {}\n",
            i + 1,
            problem.replace('\n', "\n  ")
        );
        println!("{report}");
        found.push(report);
        let mut model = runner.model.clone();
        model.broken = None;
        drop(runner);
        runner = Runner::start(model, Some(seed));
    }
    assert!(
        found.is_empty(),
        "{} divergences with seed {seed:#x}:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn serve_matches_a_fresh_build_1() {
    run(base_seed(), steps_per_run());
}

#[test]
fn serve_matches_a_fresh_build_2() {
    run(Rng(base_seed()).next(), steps_per_run());
}

// ---------------------------------------------------------------------------
// Known divergences, by name

/// Article A links to `sak-b.md`; B gets a new slug: A must link to B's new
/// address, as a fresh build does.
#[test]
fn a_new_slug_reaches_the_articles_that_link_to_it() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-b.md: slug = \"tokajev-forklart\"", |m| {
        m.articles.get_mut("sak-b.md").expect("sak-b").slug = Some("tokajev-forklart".into());
    });
    let page = runner.live.serve.get("/sak-a/").text();
    assert!(
        page.contains("href=\"/tokajev-forklart/\""),
        "/sak-a/ does not link to B's new address /tokajev-forklart/"
    );
}

/// `static/robots.txt` replaces the generated robots.txt; removing it must
/// bring the generated one back.
#[test]
fn removing_static_robots_txt_brings_back_the_generated_one() {
    let mut runner = Runner::start(fixture(), None);
    let generated = runner.live.serve.get("/robots.txt").text();
    runner.must("write static/robots.txt", |m| {
        m.statics.insert(
            "robots.txt".into(),
            "User-agent: *\nDisallow: /utkast/\n".into(),
        );
    });
    runner.must("delete static/robots.txt", |m| {
        m.statics.remove("robots.txt");
    });
    let resp = runner.live.serve.get("/robots.txt");
    assert_eq!(
        (resp.status, resp.text()),
        (200, generated),
        "/robots.txt is not the generated one again"
    );
}

/// Found by the property test: a background entry added while serving is
/// missing from `sitemap.xml`, and one deleted stays listed there.
#[test]
fn background_entries_added_and_deleted_reach_the_sitemap() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("add content/background/oppslag.md", |m| {
        m.entries.insert(
            "oppslag".into(),
            Entry {
                title: "Et nytt oppslag".into(),
                aliases: Vec::new(),
                summary: "Kort forklart.".into(),
                body: "Lengre tekst.".into(),
            },
        );
    });
    runner.must("delete content/background/oppslag.md", |m| {
        m.entries.remove("oppslag");
    });
}

/// A sitemap index of parts of six addresses: articles added and deleted
/// across a part's boundary, until the site fits one file and back, and a
/// title save, each as a fresh build writes the parts and no other.
#[test]
fn sitemap_parts_come_and_go_as_articles_do() {
    let mut start = fixture();
    start.sitemap_urls_per_file = Some(6);
    let mut runner = Runner::start(start, None);
    for n in 1..=4 {
        runner.must(&format!("add content/ny-{n}.md"), |m| {
            m.articles.insert(
                format!("ny-{n}.md"),
                article(
                    &format!("Ny sak {n}"),
                    &format!("2022-02-0{n}"),
                    vec![text("Mer skjedde.")],
                ),
            );
        });
    }
    runner.must("content/ny-2.md: title", |m| {
        m.articles.get_mut("ny-2.md").expect("an article").title = "Ny tittel".into();
    });
    for n in 1..=4 {
        runner.must(&format!("delete content/ny-{n}.md"), |m| {
            m.articles.remove(&format!("ny-{n}.md"));
        });
    }
    runner.must("site.toml: one file", |m| {
        m.sitemap_urls_per_file = Some(50_000)
    });
    runner.must("site.toml: parts of three", |m| {
        m.sitemap_urls_per_file = Some(3)
    });
}

/// Found by the property test: `site.toml` saved while another file is broken
/// is forgotten once that file is fixed; every page keeps the old site title.
#[test]
fn a_site_toml_change_made_while_broken_survives_the_fix() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("break content/sak-c.md: BadToml", |m| {
        m.broken = Some(("content/sak-c.md".into(), Breakage::BadToml));
    });
    runner.must("site.toml: title = \"Nytt navn\"", |m| {
        m.site_title = "Nytt navn".into();
    });
    runner.must("fix content/sak-c.md", |m| m.broken = None);
}

/// Found by the property test: while an article names an unknown background
/// entry, another article moves from its inline timeline to a shared one; after
/// the fix, `sitemap.xml` still lists the inline timeline's page, now gone.
#[test]
fn a_timeline_page_dropped_while_broken_leaves_the_sitemap_after_the_fix() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("break content/sak-c.md: UnknownEntry", |m| {
        m.broken = Some(("content/sak-c.md".into(), Breakage::UnknownEntry));
    });
    runner.must("content/sak-a.md: timeline = Shared(\"uro-2022\")", |m| {
        m.articles.get_mut("sak-a.md").expect("sak-a").timeline =
            Timeline::Shared("uro-2022".into());
    });
    runner.must("fix content/sak-c.md", |m| m.broken = None);
}

/// Found by the property test: a template override saved while another file is
/// broken is forgotten once that file is fixed.
#[test]
fn a_template_saved_while_broken_survives_the_fix() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("break content/sak-b.md: BadToml", |m| {
        m.broken = Some(("content/sak-b.md".into(), Breakage::BadToml));
    });
    runner.must("write templates/partials/quotes.html (marked)", |m| {
        m.templates
            .insert("partials/quotes.html".into(), "egen mal".into());
    });
    runner.must("fix content/sak-b.md", |m| m.broken = None);
}

/// Pages that gather from every article: the corrections archive and a
/// person's page must follow a save to any article.
#[test]
fn corrections_and_quotes_reach_the_archive_and_the_persons_page() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-c.md: a first correction", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").corrections =
            vec![("2022-01-08".into(), "Prisen var feil.".into())];
    });
    runner.must("content/sak-a.md: the correction reworded", |m| {
        m.articles.get_mut("sak-a.md").expect("sak-a").corrections =
            vec![("2022-01-07".into(), "Et annet navn var feil.".into())];
    });
    runner.must("content/sak-c.md: a quote from blakkisrud", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").quotes =
            vec![("Det kom brått.".into(), "blakkisrud".into(), "NRK".into())];
    });
    runner.must("content/sak-c.md: the quote reworded", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").quotes = vec![(
            "Det kom svært brått.".into(),
            "blakkisrud".into(),
            "NRK".into(),
        )];
    });
}

/// A live article's updates: its page, feed and `updates.json`, and its own
/// timeline page where an update joins the timeline, follow every save.
#[test]
fn live_updates_reach_the_page_its_feed_and_the_timeline() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-c.md: a first update", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").updates = vec![(
            "2022-01-06T10:05".into(),
            "Styrker er på vei.".into(),
            false,
        )];
    });
    runner.must(
        "content/sak-c.md: a second update, also in the timeline",
        |m| {
            m.articles
                .get_mut("sak-c.md")
                .expect("sak-c")
                .updates
                .push((
                    "2022-01-06T14:32".into(),
                    "De første er framme.".into(),
                    true,
                ));
        },
    );
    runner.must("content/sak-c.md: the updates gone", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").updates = Vec::new();
    });
}

/// An article re-dated into the future leaves its page, the lists, the feed
/// and the links to it, as a fresh build does; dated back, it returns.
#[test]
fn an_article_scheduled_while_serving_leaves_and_returns_as_in_a_fresh_build() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("content/sak-b.md: dated 2099, so scheduled", |m| {
        m.articles.get_mut("sak-b.md").expect("sak-b").date = "2099-01-07T18:00:00+01:00".into();
    });
    assert_eq!(runner.live.serve.get("/sak-b/").status, 404);
    let front = runner.live.serve.get("/").text();
    assert!(
        !front.contains("Hvem er Tokajev?"),
        "the front page lists a scheduled article"
    );
    runner.must("content/sak-b.md: dated back to 2022", |m| {
        m.articles.get_mut("sak-b.md").expect("sak-b").date = "2022-01-07T18:00:00+01:00".into();
    });
    assert_eq!(runner.live.serve.get("/sak-b/").status, 200);
}

/// The ways in follow every save: a favicon in static/ replaces the theme's
/// and leaves again, a tag page gains and loses the entry on its topic, the
/// index of topics counts a new tag, and «Nyere» in the background box names
/// an article that becomes newer.
#[test]
fn icons_topics_and_newer_articles_follow_every_save() {
    let mut runner = Runner::start(fixture(), None);
    runner.must("write static/favicon.svg", |m| {
        m.statics.insert(
            "favicon.svg".into(),
            "<svg><title>egen</title></svg>".into(),
        );
    });
    runner.must("delete static/favicon.svg", |m| {
        m.statics.remove("favicon.svg");
    });
    runner.must("content/background/tokajev.md: the alias Energi", |m| {
        m.entries
            .get_mut("tokajev")
            .expect("tokajev")
            .aliases
            .push("energi".into());
    });
    runner.must("content/sak-c.md: a new tag", |m| {
        m.articles
            .get_mut("sak-c.md")
            .expect("sak-c")
            .tags
            .push("Tokajev".into());
    });
    runner.must("content/sak-c.md: uses tokajev, and is the newest", |m| {
        let c = m.articles.get_mut("sak-c.md").expect("sak-c");
        c.background = strings(&["tokajev"]);
        c.date = "2022-01-09".into();
    });
    runner.must("content/sak-c.md: older again", |m| {
        m.articles.get_mut("sak-c.md").expect("sak-c").date = "2022-01-05".into();
    });
}

/// A tag's list and an entry's «Brukt i» list take a second page at 51
/// articles: a new article adds the page, a date change moves an article
/// across the boundary, a removal takes the page away again.
#[test]
fn tag_and_entry_pages_follow_articles_across_the_page_boundary() {
    let mut model = fixture();
    let mut g = Gen { rng: Rng(7), n: 0 };
    add_archive(&mut g, &mut model);
    // One fewer, so the new article below is the one that needs the second page.
    let first = model
        .articles
        .keys()
        .find(|f| f.starts_with(ARCHIVE))
        .cloned()
        .expect("an archive article");
    model.articles.remove(&first);
    let mut runner = Runner::start(model, None);
    assert_eq!(runner.live.serve.get("/emne/csto/side/2/").status, 404);

    runner.must("add content/ny-csto.md, the newest, tagged CSTO", |m| {
        let mut a = article("Ny sak om CSTO", "2022-01-10", vec![text("Nytt.")]);
        a.tags = strings(&["CSTO"]);
        a.background = strings(&["csto"]);
        m.articles.insert("ny-csto.md".into(), a);
    });
    let second = runner.live.serve.get("/emne/csto/side/2/");
    assert_eq!(
        second.status, 200,
        "/emne/csto/side/2/ after the 51st article"
    );
    assert_eq!(second.text().matches("class=\"teaser\"").count(), 1);

    runner.must("content/ny-csto.md: the oldest", |m| {
        m.articles.get_mut("ny-csto.md").expect("ny-csto").date = "2021-12-01".into();
    });
    assert!(
        runner
            .live
            .serve
            .get("/emne/csto/side/2/")
            .text()
            .contains("Ny sak om CSTO"),
        "the oldest article is on the second page"
    );

    runner.must("delete content/ny-csto.md", |m| {
        m.articles.remove("ny-csto.md");
    });
    assert_eq!(runner.live.serve.get("/emne/csto/side/2/").status, 404);
}

/// The corrections archive takes a second page at the 51st correction: a
/// save adds the page and another takes it away again, as a fresh build
/// does.
#[test]
fn the_corrections_archive_follows_corrections_across_the_page_boundary() {
    let mut model = fixture();
    let existing: usize = model.articles.values().map(|a| a.corrections.len()).sum();
    model
        .articles
        .get_mut("sak-c.md")
        .expect("sak-c")
        .corrections = (existing..50)
        .map(|k| {
            (
                format!("2022-02-{:02}", 1 + k % 28),
                format!("Rettelse nummer {k}."),
            )
        })
        .collect();
    let mut runner = Runner::start(model, None);
    assert_eq!(runner.live.serve.get("/rettelser/side/2/").status, 404);

    runner.must("content/sak-c.md: a 51st correction", |m| {
        let c = m.articles.get_mut("sak-c.md").expect("sak-c");
        c.corrections
            .push(("2022-03-01".into(), "Den nyeste rettelsen.".into()));
    });
    let second = runner.live.serve.get("/rettelser/side/2/");
    assert_eq!(second.status, 200, "/rettelser/side/2/ after the 51st");
    let text = second.text();
    assert!(
        text.contains("Et navn var feil.") && !text.contains("Rettelse nummer"),
        "the second page holds the oldest correction alone:\n{text}"
    );

    runner.must("content/sak-c.md: back to 50", |m| {
        m.articles
            .get_mut("sak-c.md")
            .expect("sak-c")
            .corrections
            .pop();
    });
    assert_eq!(runner.live.serve.get("/rettelser/side/2/").status, 404);
}
