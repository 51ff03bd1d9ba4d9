//! Which folders may be an output folder: never the site itself, a folder that
//! holds a site or a project, or one of the site's own folders.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::layout::CONTENT_DIR;

/// Refuses output folders that would put the site's own files at risk.
pub fn check_output_dir(root: &Path, dir: &Path) -> Result<(), Diagnostic> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let resolved = resolve(dir);
    let refuse = |why: &str| {
        Err(Diagnostic::new(format!(
            "refusing to use {} as the output folder: {why}",
            dir.display()
        ))
        .with_help("pass --output with a folder of its own, such as public/"))
    };
    if resolved == root {
        return refuse("it is the site's own folder");
    }
    if root.starts_with(&resolved) {
        return refuse("it holds the site");
    }
    if resolved.join(CONTENT_DIR).is_dir() || resolved.join(crate::layout::CONFIG_FILE).is_file() {
        return refuse("it holds a site (content/ or site.toml)");
    }
    for source in [
        CONTENT_DIR,
        crate::layout::TEMPLATE_DIR,
        crate::layout::STATIC_DIR,
    ] {
        if resolved.starts_with(root.join(source)) {
            return refuse(&format!("it is inside the site's {source}/ folder"));
        }
    }
    if resolved.join(".git").exists() || resolved.join("Cargo.toml").is_file() {
        return refuse("it holds a project of its own");
    }
    if resolved.is_file() {
        return refuse("it is a file");
    }
    Ok(())
}

/// The canonical form of a path that may not exist yet.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}
