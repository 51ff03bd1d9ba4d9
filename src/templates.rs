//! The Tera templates: the default theme embedded in the binary, each file
//! replaceable by one of the same name in the site's `templates/` folder.

use std::path::{Path, PathBuf};

use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;

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
    ("tag.html", include_str!("../templates/tag.html")),
    ("person.html", include_str!("../templates/person.html")),
    (
        "corrections.html",
        include_str!("../templates/corrections.html"),
    ),
    (
        "partials/figure.html",
        include_str!("../templates/partials/figure.html"),
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

/// Parsed templates, ready to render pages in parallel.
pub struct Templates {
    tera: Tera,
    /// The stylesheet and script pages link to: the theme's, or the site's own.
    pub stylesheet: String,
    pub script: String,
    /// Where each template came from and its text, for error messages.
    origins: Vec<Origin>,
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
        let mut sources: Vec<(String, String, PathBuf)> = default_templates()
            .map(|(name, source)| {
                (
                    name.to_string(),
                    source.to_string(),
                    PathBuf::from(format!("(default theme) {name}")),
                )
            })
            .collect();
        if dir.is_dir() {
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
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let origins: Vec<Origin> = sources
            .iter()
            .map(|(name, source, path)| Origin {
                name: name.clone(),
                path: path.clone(),
                source: source.clone(),
            })
            .collect();
        let templates = Templates {
            tera: Tera::new(),
            stylesheet,
            script,
            origins,
        };
        tera.add_raw_templates(sources.iter().map(|(n, s, _)| (n.as_str(), s.as_str())))
            .map_err(|err| {
                templates.diagnostic(
                    &err,
                    "the template has an error".into(),
                    "fix the template; docs/templates.md describes every template and its variables",
                )
            })?;
        Ok(Templates { tera, ..templates })
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
        let text = error_text(err);
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

    /// Renders `template` for the page made from `source` (a content file, or a
    /// description such as "the front page").
    /// Renders a page to bytes, ready to write: no UTF-8 check of what Tera wrote.
    pub fn render(
        &self,
        template: &str,
        context: &Context,
        source: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, context, &mut out)
            .map_err(|err| {
                let diagnostic = self.diagnostic(
                    &err,
                    format!("cannot render {source} with the template `{template}`"),
                    "a template can only use the variables listed in docs/templates.md",
                );
                if diagnostic.file.is_some() {
                    return diagnostic;
                }
                match self.origins.iter().find(|o| o.name == template) {
                    Some(origin) => diagnostic.in_file(&origin.path),
                    None => diagnostic,
                }
            })?;
        Ok(out)
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
