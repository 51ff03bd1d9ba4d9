//! `forklar templates`: the built-in theme written into the site's `templates/`
//! folder, where each file overrides the built-in one and can be changed.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::templates::{TEMPLATE_DIR, THEME_ASSETS, default_templates};
use crate::writes::{create_new, read, refuse_links, replace};

/// Every file of the built-in theme, by its name inside `templates/`: the page
/// templates, the explainer parts' partials, the stylesheet and the script.
pub fn theme_files() -> Vec<(&'static str, &'static str)> {
    let mut files: Vec<(&str, &str)> = default_templates().copied().collect();
    files.extend(THEME_ASSETS);
    files
}

/// What `export` did with each file of the theme, by its path in the site.
#[derive(Debug, Default)]
pub struct Exported {
    /// Files that did not exist and were written.
    pub written: Vec<PathBuf>,
    /// Files that differed from the theme and were replaced (`--force`).
    pub replaced: Vec<PathBuf>,
    /// Files that already hold the theme's text, left as they are.
    pub same: Vec<PathBuf>,
    /// Files that differ from the theme, kept because `--force` was not given.
    pub kept: Vec<PathBuf>,
}

/// Writes the built-in theme into `root/templates/`. A file that is already there
/// is replaced only with `force`; nothing is written through a symbolic link.
pub fn export(root: &Path, force: bool) -> Result<Exported, Diagnostic> {
    if !root.join("site.toml").is_file() {
        return Err(Diagnostic::new("this folder holds no site (no site.toml)")
            .in_file(root)
            .with_help("run forklar templates in the site's folder, or give it with --root DIR"));
    }
    let mut done = Exported::default();
    for (name, text) in theme_files() {
        let relative = Path::new(TEMPLATE_DIR).join(name);
        let path = root.join(&relative);
        refuse_links(root, &relative, "templates")?;
        match read(&path) {
            Ok(existing) if existing == text.as_bytes() => done.same.push(relative),
            Ok(_) if !force => done.kept.push(relative),
            Ok(_) => {
                replace(&path, text.as_bytes())?;
                done.replaced.push(relative);
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                create_new(&path, text.as_bytes(), "run forklar templates again")?;
                done.written.push(relative);
            }
            Err(err) => {
                return Err(
                    Diagnostic::new(format!("cannot read the file: {err}")).in_file(&relative)
                );
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_has_every_page_partial_and_asset_once() {
        let files = theme_files();
        let mut names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), files.len());
        for name in [
            "base.html",
            "article.html",
            "partials/timeline.html",
            "style.css",
            "forklar.js",
            "live.js",
        ] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
    }
}
