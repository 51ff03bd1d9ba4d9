//! The Tera templates: the default theme embedded in the binary, each file
//! replaceable by one of the same name in the site's `templates/` folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod bounded;
mod runaway;
mod tags;

use bounded::{Bound, Stopped, too_long};

use tera::{Context, Tera};

use crate::diagnostics::{self, Diagnostic};

pub use crate::layout::TEMPLATE_DIR;

/// The default theme's page templates; the explainer parts bring their own
/// partials ([`crate::parts::PARTIALS`]).
pub const DEFAULT_PAGES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("404.html", include_str!("../templates/404.html")),
    (
        "background.html",
        include_str!("../templates/background.html"),
    ),
    (
        "background_index.html",
        include_str!("../templates/background_index.html"),
    ),
    ("timeline.html", include_str!("../templates/timeline.html")),
    (
        "partials/update.html",
        include_str!("../templates/partials/update.html"),
    ),
    ("tag.html", include_str!("../templates/tag.html")),
    ("used_in.html", include_str!("../templates/used_in.html")),
    (
        "partials/pagination.html",
        include_str!("../templates/partials/pagination.html"),
    ),
    ("topics.html", include_str!("../templates/topics.html")),
    (
        "timelines.html",
        include_str!("../templates/timelines.html"),
    ),
    (
        "partials/teaser.html",
        include_str!("../templates/partials/teaser.html"),
    ),
    ("person.html", include_str!("../templates/person.html")),
    (
        "corrections.html",
        include_str!("../templates/corrections.html"),
    ),
    ("search.html", include_str!("../templates/search.html")),
    (
        "partials/figure.html",
        include_str!("../templates/partials/figure.html"),
    ),
    (
        "partials/quote.html",
        include_str!("../templates/partials/quote.html"),
    ),
];

/// Every template of the default theme: the pages and the parts' partials.
pub fn default_templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    DEFAULT_PAGES.iter().chain(crate::parts::PARTIALS)
}

/// The theme's stylesheet and script, published with a content hash in their
/// names; a site replaces them with `templates/style.css` or `templates/forklar.js`.
pub const STYLESHEET: &str = include_str!("../templates/style.css");
pub const SCRIPT: &str = include_str!("../templates/forklar.js");
const STYLESHEET_FILE: &str = "style.css";
const SCRIPT_FILE: &str = "forklar.js";
/// The script only live articles load; a site replaces it with `templates/live.js`.
pub const LIVE_SCRIPT: &str = include_str!("../templates/live.js");
const LIVE_SCRIPT_FILE: &str = "live.js";
/// The search page's script; a site replaces it with `templates/search.js`.
const SEARCH_SCRIPT_FILE: &str = "search.js";

/// The theme's files that are not templates, by the name a site overrides
/// each with in `templates/`.
pub const THEME_ASSETS: [(&str, &str); 4] = [
    (STYLESHEET_FILE, STYLESHEET),
    (SCRIPT_FILE, SCRIPT),
    (LIVE_SCRIPT_FILE, LIVE_SCRIPT),
    (SEARCH_SCRIPT_FILE, crate::search::SCRIPT),
];

/// Parsed templates, ready to render pages in parallel.
pub struct Templates {
    tera: Arc<Tera>,
    /// The longest one page may take to render (`[templates] time_limit`).
    pub time_limit: Duration,
    /// The stylesheet and script pages link to: the theme's, or the site's own.
    pub stylesheet: String,
    pub script: String,
    pub live_script: String,
    pub search_script: String,
    /// Where each template came from and its text, for error messages.
    origins: Arc<[Origin]>,
    /// How a render is kept within [`time_limit`](Self::time_limit).
    bound: Bound,
    /// How many renders have run out of time.
    ran_out: AtomicUsize,
}

struct Origin {
    name: String,
    path: PathBuf,
    source: String,
}

impl Templates {
    /// Loads the default theme and the site's overrides and additions.
    pub fn load(root: &Path) -> Result<Templates, Diagnostic> {
        let dir = root.join(TEMPLATE_DIR);
        let mut stylesheet = STYLESHEET.to_string();
        let mut script = SCRIPT.to_string();
        let mut live_script = LIVE_SCRIPT.to_string();
        let mut search_script = crate::search::SCRIPT.to_string();
        let mut sources: Vec<(String, String, PathBuf)> = default_templates()
            .map(|(name, source)| {
                (
                    name.to_string(),
                    source.to_string(),
                    PathBuf::from(format!("(default theme) {name}")),
                )
            })
            .collect();
        // A link (even a broken one) is refused by the walk, not taken as no folder.
        if dir.is_dir() || dir.is_symlink() {
            for shown in template_files(root)? {
                let name = shown
                    .strip_prefix(TEMPLATE_DIR)
                    .unwrap_or(&shown)
                    .to_string_lossy()
                    .replace('\\', "/");
                let source = crate::layout::read_text(root, &shown)?;
                match name.as_str() {
                    STYLESHEET_FILE => stylesheet = source.clone(),
                    SCRIPT_FILE => script = source.clone(),
                    LIVE_SCRIPT_FILE => live_script = source.clone(),
                    SEARCH_SCRIPT_FILE => search_script = source.clone(),
                    _ => {}
                }
                if !matches!(
                    shown.extension().and_then(|e| e.to_str()),
                    Some("html" | "xml" | "txt")
                ) {
                    continue;
                }
                match sources.iter_mut().find(|(n, _, _)| *n == name) {
                    Some(entry) => *entry = (name, source, shown),
                    None => sources.push((name, source, shown)),
                }
            }
        }
        let mut tera = new_tera();
        let origins: Arc<[Origin]> = sources
            .iter()
            .map(|(name, source, path)| Origin {
                name: name.clone(),
                path: path.clone(),
                source: source.clone(),
            })
            .collect();
        let templates = Templates {
            tera: Arc::new(Tera::new()),
            time_limit: crate::config::TemplatesConfig::default().time_limit(),
            stylesheet,
            script,
            live_script,
            search_script,
            origins,
            bound: Bound::HandOver,
            ran_out: AtomicUsize::new(0),
        };
        tera.add_raw_templates(sources.iter().map(|(n, s, _)| (n.as_str(), s.as_str())))
            .map_err(|err| {
                templates.diagnostic(
                    &err,
                    "the template has an error".into(),
                    "fix the template; docs/templates.md describes every template and its variables",
                )
            })?;
        Ok(Templates {
            tera: Arc::new(tera),
            ..templates
        })
    }

    /// A Tera error as a diagnostic pointing into the template file, with the
    /// template's own line and column where Tera knows them.
    fn diagnostic(&self, err: &tera::Error, context: String, help: &str) -> Diagnostic {
        if let Some((report, origin)) = self.report_of(err) {
            return Diagnostic::new(format!("{context}: {}", report.message()))
                .in_file(&origin.path)
                .at_span(&origin.source, report.span().range.clone())
                .with_help(help);
        }
        if let tera::ErrorKind::MissingParent { current, parent } = err.kind()
            && let Some(origin) = self.origins.iter().find(|o| &o.name == current)
        {
            return self.missing_parent(origin, parent, &context);
        }
        let text = error_text(err);
        if let Some(diagnostic) = self.first_report_in(&text, &context, help) {
            return diagnostic;
        }
        // In a loop, the site's own template is the one to fix, not the theme's.
        let chain: &[String] = match err.kind() {
            tera::ErrorKind::CircularExtend {
                inheritance_chain, ..
            } => inheritance_chain,
            tera::ErrorKind::CircularInclude { include_chain, .. } => include_chain,
            _ => &[],
        };
        let culprit = chain
            .iter()
            .filter_map(|name| self.origins.iter().find(|o| &o.name == name))
            .find(|origin| origin.path.starts_with(TEMPLATE_DIR))
            .or_else(|| {
                self.origins
                    .iter()
                    .find(|origin| text.contains(&format!("'{}'", origin.name)))
            });
        let diagnostic = Diagnostic::new(format!("{context}: {text}")).with_help(help);
        match culprit {
            Some(origin) => diagnostic.in_file(&origin.path),
            None => diagnostic,
        }
    }

    /// `{% extends "name" %}` naming no template: at the tag's name, with the
    /// nearest template's name or the templates there are, and where a new
    /// one goes.
    fn missing_parent(&self, origin: &Origin, parent: &str, context: &str) -> Diagnostic {
        let frames = || {
            self.origins
                .iter()
                .map(|o| o.name.as_str())
                .filter(|name| !name.starts_with("partials/") && *name != origin.name)
        };
        let nearest = frames()
            .map(|name| (crate::links::edit_distance(parent, name), name))
            .filter(|(distance, name)| *distance <= 3.max(name.len() / 4))
            .min();
        let add = format!("save it as {TEMPLATE_DIR}/{parent}");
        let choice = match nearest {
            Some((_, name)) => format!("did you mean `{name}`? To add a new one, {add}"),
            None => {
                let mut names: Vec<&str> = frames().collect();
                names.sort_unstable();
                format!(
                    "the templates it can extend are {}; to add a new one, {add}",
                    names.join(", ")
                )
            }
        };
        let diagnostic = Diagnostic::new(format!(
            "{context}: `{}` extends `{parent}`, which is neither a template of the default theme \
             nor a file in {TEMPLATE_DIR}/",
            origin.name
        ))
        .in_file(&origin.path)
        .with_help(format!(
            "{choice} (docs/templates.md describes the theme's templates)"
        ));
        match tags::extends_tag(&origin.source, parent) {
            Some(span) => diagnostic.at_span(&origin.source, span),
            None => diagnostic,
        }
    }

    /// Tera checks the filters, tests, functions and includes a template uses
    /// while loading it, and reports each unknown one as text of its own
    /// («error: Unknown filter `x`», « --> article.html:8:52», the line, a
    /// caret line): the first as a diagnostic at its place, with the number
    /// of the others.
    fn first_report_in(&self, text: &str, context: &str, help: &str) -> Option<Diagnostic> {
        let mut lines = text.lines();
        let message = lines.next()?.strip_prefix("error: ")?;
        let place = lines.next()?.trim_start().strip_prefix("--> ")?;
        let mut parts = place.rsplitn(3, ':');
        let column: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let name = parts.next()?;
        let origin = self.origins.iter().find(|o| o.name == name)?;
        let width = lines
            .take(3)
            .find_map(|l| {
                l.find('^')
                    .map(|at| l[at..].chars().take_while(|&c| c == '^').count())
            })
            .unwrap_or(1);
        let line_start = diagnostics::line_offset(&origin.source, line);
        let line_text = &origin.source[line_start..];
        let start = line_start
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(at, _)| at);
        let end = origin.source[start..]
            .char_indices()
            .nth(width)
            .map_or(origin.source.len(), |(at, _)| start + at);
        let others = text.matches("\nerror: ").count();
        let more = match others {
            0 => String::new(),
            n => format!(" ({} in the templates)", diagnostics::count(n, "more use")),
        };
        Some(
            Diagnostic::new(format!("{context}: {message}{more}"))
                .in_file(&origin.path)
                .at_span(&origin.source, start..end)
                .with_help(help),
        )
    }

    /// The first error in the chain that carries a location in a known template.
    fn report_of<'a>(
        &'a self,
        err: &'a tera::Error,
    ) -> Option<(&'a tera::ReportError, &'a Origin)> {
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(error) = current {
            if let Some(tera_error) = error.downcast_ref::<tera::Error>()
                && let tera::ErrorKind::SyntaxError(report)
                | tera::ErrorKind::RenderingError(report) = tera_error.kind()
                && let Some(origin) = self.origins.iter().find(|o| o.name == report.filename())
            {
                return Some((report, origin));
            }
            current = error.source();
        }
        None
    }

    /// How many renders so far have been stopped for running out of time.
    /// Each took the whole time limit: a build that sees one renders no
    /// more pages, which would most likely take as long.
    pub fn renders_out_of_time(&self) -> usize {
        self.ran_out.load(Ordering::Relaxed)
    }

    /// Renders `template` for the page made from `source` (a content file, or a
    /// description such as "the front page") to bytes, ready to write. A render
    /// that takes longer than [`time_limit`](Self::time_limit) is given up on.
    pub fn render(
        &self,
        template: &str,
        context: &Context,
        source: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut pages = self.render_each(&[template], context, source)?;
        Ok(pages.pop().unwrap_or_default())
    }

    /// Renders each of `templates` with the same context, in one hand-over to
    /// the render worker (a page's partials), within one time limit.
    pub fn render_each(
        &self,
        templates: &[&str],
        context: &Context,
        source: &str,
    ) -> Result<Vec<Vec<u8>>, Diagnostic> {
        let (failed, stopped) = match self.render_bounded(templates, context, source) {
            Ok(pages) => return Ok(pages),
            Err(failure) => failure,
        };
        if stopped.ran_out_of_time() {
            self.ran_out.fetch_add(1, Ordering::Relaxed);
        }
        let template = templates.get(failed).copied().unwrap_or_default();
        let origin = self.origins.iter().find(|o| o.name == template);
        match stopped {
            Stopped::Failed(err) => {
                let message = self.report_of(&err).map_or_else(
                    || err.to_string(),
                    |(report, _)| report.message().to_string(),
                );
                let diagnostic = self.diagnostic(
                    &err,
                    format!("cannot render {source} with the template `{template}`"),
                    &render_help(&message),
                );
                Err(match origin {
                    Some(origin) if diagnostic.file.is_none() => diagnostic.in_file(&origin.path),
                    _ => diagnostic,
                })
            }
            Stopped::TooLong(why) => Err(too_long(
                &self.origins,
                self.time_limit,
                source,
                template,
                &why,
                runaway::running_loop(&self.origins, template, context, self.time_limit),
            )),
            Stopped::WalkedAway(why) => Err(too_long(
                &self.origins,
                self.time_limit,
                source,
                template,
                &why,
                None,
            )),
        }
    }

    /// Renders a fragment as text, to be placed inside another page.
    pub fn render_text(
        &self,
        template: &str,
        context: &Context,
        source: &str,
    ) -> Result<String, Diagnostic> {
        let bytes = self.render(template, context, source)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// What to do about a render error, by Tera's message for it: only a value
/// that is not there is a matter of which variables a template has.
fn render_help(message: &str) -> String {
    const WHAT_EACH_TAKES: &str = "docs/templates.md says what each variable holds, and Tera's \
                                   documentation (https://keats.github.io/tera/) what each \
                                   filter, test and function takes";
    if message.contains("divide by 0") {
        return "the number divided by is 0 for this page: test it first \
                ({% if n != 0 %}…{% endif %}), or divide by something that cannot be 0"
            .into();
    }
    if message.contains("undefined") || message.contains("not defined") {
        return "a template can only use the variables listed in docs/templates.md; for one \
                that some pages lack, test it first ({% if page.x is defined %}) or give a \
                fallback (`| default(value=\"\")`)"
            .into();
    }
    if message.starts_with("Missing keyword argument") {
        return "give the filter, test or function the argument it names \
                (`| truncate(length=80)`); Tera's documentation \
                (https://keats.github.io/tera/) lists what each one takes"
            .into();
    }
    if message.starts_with("Invalid type for the value")
        || message.starts_with("Math operations can only be done on numbers")
        || message.starts_with("Cannot compare")
        || message.starts_with("Iteration not possible")
        || message.starts_with("Key/value iteration")
        || message.contains("must be an integer")
    {
        return format!(
            "the value is not of the type this needs on this page: convert it first \
             (`| int`, `| float`, `| str`) or use it another way; {WHAT_EACH_TAKES}"
        );
    }
    if message.contains("out of range") {
        return format!("give a number that fits; {WHAT_EACH_TAKES}");
    }
    if message.contains("super()") {
        return "`super()` renders the block of the same name in the template this one \
                extends: use it only inside a `{% block %}` that template has too"
            .into();
    }
    format!("check what this expression gets on this page; {WHAT_EACH_TAKES}")
}

/// Tera as forklar sets it up, before any template is added.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.register_filter("safe", safe);
    tera
}

/// Tera's `safe`, without its copy of the string: a page's body can be
/// megabytes, and Tera's strings are shared, so marking one safe is free.
fn safe(value: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.as_str().is_some() {
        value.clone().mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

/// The whole chain of a Tera error, so nothing is hidden.
fn error_text(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str("\ncaused by: ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The files under `templates/`, relative to the site root: the same walk as
/// for content, so links to folders are not followed and links out of the site
/// are refused.
fn template_files(root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut problems = Vec::new();
    let files = crate::layout::walk(root, TEMPLATE_DIR, &mut problems);
    if let Some(problem) = problems.into_iter().next() {
        return Err(problem);
    }
    Ok(files.into_iter().map(|file| file.path()).collect())
}
