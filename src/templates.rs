//! The Tera templates: the default theme embedded in the binary, each file
//! replaceable by one of the same name in the site's `templates/` folder.

use std::path::{Path, PathBuf};

use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;

pub const TEMPLATE_DIR: &str = "templates";

/// The default theme: name and source of every template.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../theme/base.html")),
    ("index.html", include_str!("../theme/index.html")),
    ("article.html", include_str!("../theme/article.html")),
    ("404.html", include_str!("../theme/404.html")),
    ("background.html", include_str!("../theme/background.html")),
    (
        "background_index.html",
        include_str!("../theme/background_index.html"),
    ),
    ("timeline.html", include_str!("../theme/timeline.html")),
    ("tag.html", include_str!("../theme/tag.html")),
    (
        "partials/background.html",
        include_str!("../theme/partials/background.html"),
    ),
    (
        "partials/timeline.html",
        include_str!("../theme/partials/timeline.html"),
    ),
    (
        "partials/quotes.html",
        include_str!("../theme/partials/quotes.html"),
    ),
];

/// The theme's stylesheet and script, published with a content hash in their names.
pub const STYLESHEET: &str = include_str!("../theme/style.css");
pub const SCRIPT: &str = include_str!("../theme/forklar.js");

/// Parsed templates, ready to render pages in parallel.
pub struct Templates {
    tera: Tera,
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
        let mut sources: Vec<(String, String, PathBuf)> = DEFAULT_TEMPLATES
            .iter()
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
                let source = crate::content::read_text(root, &shown)?;
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

    pub fn has(&self, template: &str) -> bool {
        self.tera.get_template_names().any(|name| name == template)
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

/// The template files under `templates/`, relative to the site root. The same
/// walk as for content: links to folders are not followed, and links out of the
/// site are refused.
fn template_files(root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut problems = Vec::new();
    let files = crate::site::walk(
        root,
        Path::new(TEMPLATE_DIR),
        crate::site::is_ignored,
        &mut problems,
    );
    if let Some(problem) = problems.into_iter().next() {
        return Err(problem);
    }
    Ok(files
        .into_iter()
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("html" | "xml" | "txt")
            )
        })
        .collect())
}
