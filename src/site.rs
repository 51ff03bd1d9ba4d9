//! The site graph: every article, background entry and timeline, loaded in
//! parallel, checked against each other, and rendered through the templates.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::content::{Article, BackgroundEntry, Event, SharedTimeline};
use crate::dates::{Date, ShownDate};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::Language;
use crate::markdown::{self, Mention, Part};
use crate::slug::slugify;
use crate::templates::{SCRIPT, STYLESHEET, Templates};

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
const BACKGROUND_DIR: &str = "background";
const TIMELINES_DIR: &str = "timelines";

/// A loaded site: everything read and cross-checked, nothing rendered yet.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Newest first, drafts included only when asked for.
    pub articles: Vec<Article>,
    pub background: BTreeMap<String, BackgroundEntry>,
    pub timelines: BTreeMap<String, SharedTimeline>,
    /// Files under `static/`, relative to it.
    pub static_files: Vec<PathBuf>,
}

/// Where rendered files go: the output folder, or nowhere for `check`.
pub trait Sink: Sync {
    /// Stores `bytes` at `path`, relative to the output folder, with `/` separators.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Copies a file from the site into the output.
    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic>;
}

/// The kinds of file found under `content/`.
enum ContentFile {
    Article(PathBuf),
    Background(PathBuf),
    Timeline(PathBuf),
}

impl Site {
    /// Reads and checks the whole site under `root`.
    pub fn load(root: &Path, config: Config, drafts: bool) -> Result<Site, Diagnostics> {
        let mut problems = Vec::new();
        let files = content_files(root, &mut problems);
        let loaded: Vec<Result<Loaded, Vec<Diagnostic>>> = files
            .par_iter()
            .map(|file| match file {
                ContentFile::Article(path) => {
                    Article::load(root, path).map(|a| Loaded::Article(Box::new(a)))
                }
                ContentFile::Background(path) => {
                    BackgroundEntry::load(root, path).map(Loaded::Background)
                }
                ContentFile::Timeline(path) => {
                    SharedTimeline::load(root, path).map(Loaded::Timeline)
                }
            })
            .collect();
        let mut articles = Vec::new();
        let mut background = BTreeMap::new();
        let mut timelines = BTreeMap::new();
        for item in loaded {
            match item {
                Ok(Loaded::Article(article)) => {
                    if drafts || !article.draft {
                        articles.push(*article);
                    }
                }
                Ok(Loaded::Background(entry)) => {
                    background.insert(entry.key.clone(), entry);
                }
                Ok(Loaded::Timeline(timeline)) => {
                    timelines.insert(timeline.key.clone(), timeline);
                }
                Err(mut found) => problems.append(&mut found),
            }
        }
        // Newest first; the path breaks ties so the order never depends on the file system.
        articles.sort_by(|a, b| {
            b.date
                .chronological(&a.date)
                .then_with(|| a.path.cmp(&b.path))
        });
        let site = Site {
            root: root.to_path_buf(),
            config,
            articles,
            background,
            timelines,
            static_files: static_files(root, &mut problems),
        };
        site.check_references(&mut problems);
        if problems.is_empty() {
            Ok(site)
        } else {
            Err(Diagnostics(problems))
        }
    }

    fn check_references(&self, problems: &mut Vec<Diagnostic>) {
        let mut by_url: HashMap<String, &Path> = HashMap::new();
        for path in self.reserved_paths() {
            by_url.insert(path, Path::new("(forklar)"));
        }
        for article in &self.articles {
            if let Some(other) = by_url.insert(article.slug.clone(), &article.path) {
                let help = if other == Path::new("(forklar)") {
                    format!(
                        "`{}` is used by forklar itself; set another slug = \"…\"",
                        article.slug
                    )
                } else {
                    format!(
                        "`{}` and `{}` would both be published at /{}/; give one of them another slug = \"…\"",
                        other.display(),
                        article.path.display(),
                        article.slug
                    )
                };
                problems.push(
                    Diagnostic::new(format!("two pages have the URL /{}/", article.slug))
                        .in_file(&article.path)
                        .with_help(help),
                );
            }
            for reference in &article.background {
                if !self.background.contains_key(&reference.key) {
                    problems.push(
                        Diagnostic::new(format!("unknown background entry `{}`", reference.key))
                            .in_file(&article.path)
                            .at_span(&article.file_text, reference.span.clone())
                            .with_help(known_keys(
                                "background entries",
                                "content/background/",
                                self.background.keys(),
                            )),
                    );
                }
            }
            if let Some(reference) = &article.timeline_file
                && !self.timelines.contains_key(&reference.key)
            {
                problems.push(
                    Diagnostic::new(format!("unknown timeline `{}`", reference.key))
                        .in_file(&article.path)
                        .at_span(&article.file_text, reference.span.clone())
                        .with_help(known_keys(
                            "timelines",
                            "content/timelines/",
                            self.timelines.keys(),
                        )),
                );
            }
        }
    }

    /// Top-level folders the site itself publishes into.
    fn reserved_paths(&self) -> Vec<String> {
        let language = self.config.language;
        vec![
            language.background_section().to_string(),
            language.timeline_section().to_string(),
            language.tag_section().to_string(),
        ]
    }

    pub fn language(&self) -> Language {
        self.config.language
    }

    /// The site path of an article, e.g. `/forklaring/kasakhstan/`.
    pub fn article_url(&self, article: &Article) -> String {
        format!("{}{}/", self.config.base_path(), article.slug)
    }

    pub fn background_url(&self, key: &str) -> String {
        format!(
            "{}{}/{key}/",
            self.config.base_path(),
            self.language().background_section()
        )
    }

    /// The page of a shared timeline, or of the inline timeline of an article.
    pub fn timeline_url(&self, key: &str) -> String {
        format!(
            "{}{}/{key}/",
            self.config.base_path(),
            self.language().timeline_section()
        )
    }

    pub fn tag_url(&self, tag: &str) -> String {
        format!(
            "{}{}/{}/",
            self.config.base_path(),
            self.language().tag_section(),
            slugify(tag)
        )
    }

    /// The key of the timeline an article shows: its shared timeline, or its own.
    fn timeline_key(article: &Article) -> Option<String> {
        match &article.timeline_file {
            Some(reference) => Some(reference.key.clone()),
            None if !article.timeline.is_empty() => Some(article.slug.clone()),
            None => None,
        }
    }

    /// Renders every page into `sink`. Pages render in parallel; the first problems
    /// are reported together.
    pub fn render(&self, templates: &Templates, sink: &dyn Sink) -> Result<usize, Diagnostics> {
        let assets = Assets::new();
        let base = self.base_context(&assets);
        let summaries: Vec<ArticleSummary> =
            self.articles.iter().map(|a| self.summary(a)).collect();
        let mut jobs: Vec<Job> = Vec::new();
        jobs.push(Job::Index);
        jobs.push(Job::NotFound);
        jobs.extend((0..self.articles.len()).map(Job::Article));
        let results: Vec<Result<(), Diagnostic>> = jobs
            .par_iter()
            .map(|job| self.render_job(job, templates, &base, &summaries, sink))
            .collect();
        let mut problems: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
        for (name, body) in [(&assets.stylesheet, STYLESHEET), (&assets.script, SCRIPT)] {
            if let Err(problem) = sink.write(name, body.as_bytes()) {
                problems.push(problem);
            }
        }
        for file in &self.static_files {
            let from = self.root.join(STATIC_DIR).join(file);
            let to = file.to_string_lossy().replace('\\', "/");
            if let Err(problem) = sink.copy(&to, &from) {
                problems.push(problem);
            }
        }
        if problems.is_empty() {
            Ok(jobs.len())
        } else {
            Err(Diagnostics(problems))
        }
    }

    fn base_context(&self, assets: &Assets) -> Context {
        let mut context = Context::new();
        let base_path = self.config.base_path();
        context.insert(
            "site",
            &SiteView {
                title: &self.config.title,
                description: &self.config.description,
                base_url: &self.config.base_url,
                base_path,
                language: self.language().code(),
                stylesheet: format!("{base_path}{}", assets.stylesheet),
                script: format!("{base_path}{}", assets.script),
                background_index: format!("{base_path}{}/", self.language().background_section()),
            },
        );
        context.insert("labels", &self.language().labels());
        context
    }

    fn render_job(
        &self,
        job: &Job,
        templates: &Templates,
        base: &Context,
        summaries: &[ArticleSummary],
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let mut context = base.clone();
        match job {
            Job::Index => {
                context.insert("articles", summaries);
                let html = templates.render("index.html", &context, "the front page")?;
                sink.write("index.html", html.as_bytes())
            }
            Job::NotFound => {
                let html = templates.render("404.html", &context, "the 404 page")?;
                sink.write("404.html", html.as_bytes())
            }
            Job::Article(index) => {
                let article = &self.articles[*index];
                let view = self.article_view(article, &summaries[*index]);
                context.insert("page", &view);
                let source = article.path.display().to_string();
                let html = templates.render("article.html", &context, &source)?;
                sink.write(&format!("{}/index.html", article.slug), html.as_bytes())
            }
        }
    }

    fn summary(&self, article: &Article) -> ArticleSummary {
        let url = self.article_url(article);
        ArticleSummary {
            title: article.title.clone(),
            lead: article.lead.clone(),
            permalink: self.config.permalink(&url[self.config.base_path().len()..]),
            url,
            date: article.date.shown(self.language()),
            updated: article.updated.map(|d| d.shown(self.language())),
            tags: article
                .tags
                .iter()
                .map(|tag| TagView {
                    name: tag.clone(),
                    url: self.tag_url(tag),
                })
                .collect(),
        }
    }

    fn article_view(&self, article: &Article, summary: &ArticleSummary) -> ArticleView {
        let language = self.language();
        let entries: Vec<&BackgroundEntry> = article
            .background
            .iter()
            .filter_map(|r| self.background.get(&r.key))
            .collect();
        let mentions: Vec<Mention> = entries
            .iter()
            .map(|entry| Mention {
                aliases: entry.aliases.clone(),
                url: self.background_url(&entry.key),
                title: entry.title.clone(),
                summary: entry.summary.clone(),
            })
            .collect();
        let body = markdown::render(
            &article.body,
            &mentions,
            markdown::MarkdownOptions::default(),
        );
        let timeline = Site::timeline_key(article).map(|key| {
            let (title, events) = match self.timelines.get(&key) {
                Some(shared) => (shared.title.clone(), shared.events.as_slice()),
                None => (article.title.clone(), article.timeline.as_slice()),
            };
            TimelineView {
                url: self.timeline_url(&key),
                title,
                events: event_views(events, language),
            }
        });
        ArticleView {
            summary: summary.clone(),
            authors: article
                .authors
                .clone()
                .unwrap_or_else(|| self.config.authors.clone()),
            content: body.html,
            image: article.image.clone(),
            background: entries
                .iter()
                .map(|entry| EntryView {
                    key: entry.key.clone(),
                    title: entry.title.clone(),
                    summary: entry.summary.clone(),
                    url: self.background_url(&entry.key),
                    facts: entry.facts.clone(),
                })
                .collect(),
            timeline,
            quotes: article
                .quotes
                .iter()
                .map(|quote| QuoteView {
                    text: markdown::render_inline(&quote.text),
                    speaker: quote.speaker.clone(),
                    role: quote.role.clone(),
                    organisation: quote.organisation.clone(),
                    source: quote.source.clone(),
                    url: quote.url.clone(),
                    date: quote.date.map(|d| d.shown(language)),
                })
                .collect(),
            sources: article
                .sources
                .iter()
                .map(|source| SourceView {
                    title: source.title.clone(),
                    url: source.url.clone(),
                    publisher: source.publisher.clone(),
                    date: source
                        .date
                        .as_ref()
                        .and_then(|d| Date::from_toml(d).ok())
                        .map(|d| d.shown(language)),
                })
                .collect(),
            corrections: article
                .corrections
                .iter()
                .map(|c| CorrectionView {
                    date: c.date.shown(language),
                    text: markdown::render_inline(&c.text),
                })
                .collect(),
            placed: PlacedParts {
                background: body.placed.contains(&Part::Background),
                timeline: body.placed.contains(&Part::Timeline),
                quotes: body.placed.contains(&Part::Quotes),
            },
        }
    }
}

enum Loaded {
    Article(Box<Article>),
    Background(BackgroundEntry),
    Timeline(SharedTimeline),
}

enum Job {
    Index,
    NotFound,
    Article(usize),
}

/// The theme's stylesheet and script, named by their content so hosts can cache
/// them forever.
struct Assets {
    stylesheet: String,
    script: String,
}

impl Assets {
    fn new() -> Assets {
        Assets {
            stylesheet: format!("style.{}.css", fingerprint(STYLESHEET.as_bytes())),
            script: format!("forklar.{}.js", fingerprint(SCRIPT.as_bytes())),
        }
    }
}

/// A short content hash (FNV-1a, 64 bits): stable across builds, platforms and
/// Rust versions, which `std`'s hasher does not promise.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

fn event_views(events: &[Event], language: Language) -> Vec<EventView> {
    let mut sorted: Vec<&Event> = events.iter().collect();
    // A stable sort keeps events with equal dates in the order written.
    sorted.sort_by(|a, b| a.date.chronological(&b.date));
    let one_year = sorted.windows(2).all(|w| w[0].date.year == w[1].date.year);
    sorted
        .into_iter()
        .map(|event| EventView {
            date: ShownDate {
                iso: event.date.iso(),
                text: event.date.text(language, !one_year),
                rfc3339: event.date.rfc3339(),
            },
            title: event.title.clone(),
            text: event.text.as_deref().map(markdown::render_inline),
            source: event.source.clone(),
            url: event.url.clone(),
        })
        .collect()
}

fn known_keys<'a>(what: &str, folder: &str, keys: impl Iterator<Item = &'a String>) -> String {
    let keys: Vec<&str> = keys.map(String::as_str).collect();
    if keys.is_empty() {
        format!("there are no {what} yet; add a file to {folder}")
    } else {
        format!(
            "the known {what} are: {} (files in {folder})",
            keys.join(", ")
        )
    }
}

/// Every content file, classified; hidden files and editor leftovers are skipped.
fn content_files(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<ContentFile> {
    let mut files = Vec::new();
    let content = Path::new(CONTENT_DIR);
    for path in walk(root, content, problems) {
        let relative = path.strip_prefix(content).unwrap_or(&path);
        let first = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_owned());
        let extension = path.extension().and_then(|e| e.to_str());
        match (first.as_deref().and_then(|f| f.to_str()), extension) {
            (Some(BACKGROUND_DIR), Some("md")) => files.push(ContentFile::Background(path)),
            (Some(TIMELINES_DIR), Some("toml")) => files.push(ContentFile::Timeline(path)),
            (_, Some("md")) => files.push(ContentFile::Article(path)),
            _ => {}
        }
    }
    files
}

fn static_files(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let folder = Path::new(STATIC_DIR);
    walk(root, folder, problems)
        .into_iter()
        .map(|p| p.strip_prefix(folder).map(Path::to_path_buf).unwrap_or(p))
        .collect()
}

/// Files below `root/folder`, relative to `root`, sorted. Symbolic links to folders
/// are not followed, so a link loop cannot hang the build.
fn walk(root: &Path, folder: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(root.join(&dir)) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => {
                problems
                    .push(Diagnostic::new(format!("cannot read the folder: {err}")).in_file(&dir));
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name_str) = name.to_str() else {
                problems.push(
                    Diagnostic::new("the file name is not valid UTF-8")
                        .in_file(dir.join(&name))
                        .with_help("rename the file using letters, digits and hyphens"),
                );
                continue;
            };
            if is_ignored(name_str) {
                continue;
            }
            let path = dir.join(&name);
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_symlink() && root.join(&path).is_dir() => {}
                Ok(_) => files.push(path),
                Err(_) => {}
            }
        }
    }
    files.sort();
    files
}

/// Hidden files and the temporary files editors leave behind.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".bck"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'static str,
    stylesheet: String,
    script: String,
    background_index: String,
}

#[derive(Serialize, Clone)]
pub struct ArticleSummary {
    pub title: String,
    pub lead: Option<String>,
    pub url: String,
    pub permalink: String,
    pub date: ShownDate,
    pub updated: Option<ShownDate>,
    pub tags: Vec<TagView>,
}

#[derive(Serialize, Clone)]
pub struct TagView {
    pub name: String,
    pub url: String,
}

#[derive(Serialize)]
struct ArticleView {
    #[serde(flatten)]
    summary: ArticleSummary,
    authors: Vec<String>,
    content: String,
    image: Option<crate::content::Image>,
    background: Vec<EntryView>,
    timeline: Option<TimelineView>,
    quotes: Vec<QuoteView>,
    sources: Vec<SourceView>,
    corrections: Vec<CorrectionView>,
    placed: PlacedParts,
}

#[derive(Serialize)]
struct PlacedParts {
    background: bool,
    timeline: bool,
    quotes: bool,
}

#[derive(Serialize)]
struct EntryView {
    key: String,
    title: String,
    summary: String,
    url: String,
    facts: Vec<crate::content::Fact>,
}

#[derive(Serialize)]
struct TimelineView {
    title: String,
    url: String,
    events: Vec<EventView>,
}

#[derive(Serialize)]
struct EventView {
    date: ShownDate,
    title: String,
    text: Option<String>,
    source: Option<String>,
    url: Option<String>,
}

#[derive(Serialize)]
struct QuoteView {
    text: String,
    speaker: String,
    role: Option<String>,
    organisation: Option<String>,
    source: String,
    url: Option<String>,
    date: Option<ShownDate>,
}

#[derive(Serialize)]
struct SourceView {
    title: String,
    url: Option<String>,
    publisher: Option<String>,
    date: Option<ShownDate>,
}

#[derive(Serialize)]
struct CorrectionView {
    date: ShownDate,
    text: String,
}
