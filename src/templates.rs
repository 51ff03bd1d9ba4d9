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
            for path in template_files(&dir)? {
                let name = path
                    .strip_prefix(&dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let shown = Path::new(TEMPLATE_DIR).join(path.strip_prefix(&dir).unwrap_or(&path));
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
        let culprit = self
            .origins
            .iter()
            .find(|origin| text.contains(&format!("'{}'", origin.name)));
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

fn template_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|err| {
            Diagnostic::new(format!("cannot read the folder: {err}")).in_file(&dir)
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("html" | "xml" | "txt")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}
