//! A small explainer site as its writer means it, the files it is written
//! as, and a seeded generator of the edits a writer makes: shared by the
//! serve equivalence test (`tests/serve/`) and the session test
//! (`tests/session/`), which check the same edits against a fresh build.

use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------
// A seeded generator

/// splitmix64: small, fast, and the same on every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
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

/// A number from the environment, decimal or `0x` hex, `_` allowed.
pub fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text:?} is not a number: {e}")))
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
/// Speakers besides the keys of the people on file.
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
pub enum Part {
    Background,
    Timeline,
    Quotes,
}

#[derive(Clone, Debug)]
pub enum Para {
    Text(String),
    /// A link to another article's file, `[…](file.md)`.
    Link(String),
    /// A link to a background entry's file, `[…](background/key.md)`.
    EntryLink(String),
    Marker(Part),
}

#[derive(Clone, Debug)]
pub enum Timeline {
    None,
    Inline(Vec<(String, String)>),
    Shared(String),
}

/// An image file, made from these when it is written (small, so its
/// variants are made quickly).
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub png: bool,
    pub width: u32,
    pub height: u32,
    pub seed: u32,
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
pub fn file_bytes(text: &str) -> Vec<u8> {
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
pub struct LeadImage {
    /// The picture's path from the site root.
    pub path: String,
    pub credit: String,
    /// `focus`, in hundredths.
    pub focus: Option<(u32, u32)>,
}

#[derive(Clone, Debug)]
pub struct Article {
    pub title: String,
    /// A TOML date or date-time, written as it is.
    pub date: String,
    pub lead: Option<String>,
    pub slug: Option<String>,
    pub tags: Vec<String>,
    pub background: Vec<String>,
    pub timeline: Timeline,
    /// `(text, speaker, source)`.
    pub quotes: Vec<(String, String, String)>,
    /// `(date, text)`: what the corrections archive lists.
    pub corrections: Vec<(String, String)>,
    /// `(time, text, timeline)`: a live article's updates, some also in its timeline.
    pub updates: Vec<(String, String, bool)>,
    pub image: Option<LeadImage>,
    pub body: Vec<Para>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub title: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub body: String,
}

#[derive(Clone, Debug)]
pub struct SharedTimeline {
    pub title: String,
    pub events: Vec<(String, String)>,
}

/// How a broken save breaks its file.
#[derive(Clone, Debug)]
pub enum Breakage {
    /// The `title` string is never closed: not TOML.
    BadToml,
    /// An article names a background entry that does not exist.
    UnknownEntry,
    /// An article names a shared timeline that does not exist.
    UnknownTimeline,
}

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub site_title: String,
    /// By file name in `content/`.
    pub articles: BTreeMap<String, Article>,
    /// By key (file name in `content/background/` without `.md`).
    pub entries: BTreeMap<String, Entry>,
    /// By key (file name in `content/timelines/` without `.toml`).
    pub timelines: BTreeMap<String, SharedTimeline>,
    /// Overrides by path in `templates/`, with their marker.
    pub templates: BTreeMap<String, String>,
    /// By path in `static/`.
    pub statics: BTreeMap<String, String>,
    /// Images by path from the site root, in `content/bilder/` or
    /// `static/bilder/`.
    pub pictures: BTreeMap<String, Picture>,
    /// People by key (file name in `content/people/`): name and role. Never
    /// deleted, since quotes name them.
    pub people: BTreeMap<String, (String, String)>,
    /// A file saved broken, to be fixed by a later step.
    pub broken: Option<(String, Breakage)>,
    /// `sitemap_urls_per_file` in site.toml, where set.
    pub sitemap_urls_per_file: Option<usize>,
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
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        // The people on file sign as authors too, so bylines read their files.
        let authors: Vec<String> = std::iter::once("Redaksjonen".to_owned())
            .chain(self.people.keys().cloned())
            .collect();
        files.insert(
            "site.toml".to_owned(),
            format!(
                "title = \"{}\"\ndescription = \"Bakgrunn for nyhetene\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\nauthors = {}\n",
                self.site_title,
                toml_list(&authors)
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

pub fn article(title: &str, date: &str, body: Vec<Para>) -> Article {
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

pub fn text(s: &str) -> Para {
    Para::Text(s.into())
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The starting site: four articles (one links to another, one uses the shared
/// timeline, one an inline timeline, two have quotes), three background
/// entries, a shared timeline and a static file.
pub fn fixture() -> Model {
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
        statics,
        ..Model::default()
    }
}

// ---------------------------------------------------------------------------
// Random steps

/// Which edits a [`Gen`] makes besides the core ones every test takes.
#[derive(Clone, Debug, Default)]
pub struct Edits {
    /// Also pictures and lead images, people, corrections, live updates and
    /// a tag archive of two pages: serve's test takes these, the session's
    /// keeps the core mix so that its seeds repeat the runs they did.
    pub extended: bool,
    /// Kinds of edit left out (`slug`, `entries`, `robots`): a known
    /// divergence set aside to look for others.
    pub avoid: Vec<String>,
}

/// Makes up names, words and dates; `n` numbers everything new.
pub struct Gen {
    rng: Rng,
    n: u32,
    edits: Edits,
}

impl Gen {
    pub fn new(seed: u64, edits: Edits) -> Gen {
        Gen {
            rng: Rng(seed),
            n: 0,
            edits,
        }
    }

    fn avoids(&self, kind: &str) -> bool {
        self.edits.avoid.iter().any(|k| k == kind)
    }

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

    fn quotes(&mut self, model: &Model) -> Vec<(String, String, String)> {
        let speakers: Vec<String> = NAMES
            .iter()
            .map(|name| (*name).to_owned())
            .chain(model.people.keys().cloned())
            .collect();
        let len = self.rng.below(3);
        (0..len)
            .map(|_| {
                (
                    self.sentence(&[]),
                    self.rng.pick(&speakers).clone(),
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
pub struct Step {
    pub what: String,
    pub model: Model,
    pub renames: Vec<(String, String)>,
}

/// A random step from `model`, or `None` when the chosen kind cannot apply.
fn try_step(g: &mut Gen, model: &Model) -> Option<Step> {
    let mut m = model.clone();
    let mut renames = Vec::new();
    let files: Vec<String> = m.articles.keys().cloned().collect();
    let pick_file = |g: &mut Gen| g.rng.pick(&files).clone();
    // The extended edits are the kinds from 28 on.
    let kinds = if g.edits.extended { 35 } else { 28 };
    let what = match g.rng.below(kinds) {
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
        9 | 10 if !g.avoids("slug") => {
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
        11 if g.edits.extended
            && !m.articles.keys().any(|f| f.starts_with(ARCHIVE))
            && g.rng.chance(50) =>
        {
            let count = add_archive(g, &mut m);
            format!("add {count} articles content/{ARCHIVE}*.md with the tag CSTO")
        }
        11 => {
            let f = format!("ny-sak-{}.md", g.fresh());
            let mut a = article(&g.title(), &g.date(), g.body(model, &f));
            a.tags = g.tags();
            a.lead = g.rng.chance(50).then(|| g.sentence(&[]));
            a.quotes = g.quotes(model);
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
        14 if !g.avoids("entries") => {
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
        17 if !g.avoids("entries") => {
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
            let quotes = g.quotes(model);
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
            if name == "robots.txt" && g.avoids("robots") {
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
        28 | 29 => {
            // A person's file read by quotes, bylines and their own page.
            let name = format!("Helge Blakkisrud {}", g.fresh());
            let role = g.title();
            m.people
                .insert("blakkisrud".to_owned(), (name.clone(), role.clone()));
            format!("content/people/blakkisrud.md: name = {name:?}, role = {role:?}")
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
pub const ARCHIVE: &str = "arkiv-";

/// Adds articles tagged CSTO (using the entry `csto` where it exists) until
/// 51 carry the tag, one more than a page holds; returns how many it added.
pub fn add_archive(g: &mut Gen, m: &mut Model) -> usize {
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
pub fn next_step(g: &mut Gen, model: &Model) -> Step {
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
