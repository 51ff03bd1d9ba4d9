//! Where things are in a site: every folder and file name, which files are
//! sources and of what kind, and the one walk that finds them. `build`, the
//! watcher and the incremental rebuild all ask [`classify`], so they cannot
//! disagree about what a file is.

use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;

pub const CONFIG_FILE: &str = "site.toml";
pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
pub const TEMPLATE_DIR: &str = "templates";
pub const BACKGROUND_DIR: &str = "background";
pub const TIMELINES_DIR: &str = "timelines";
pub const PEOPLE_DIR: &str = "people";

/// What a file of the site is, by where it lies. Paths are relative to the
/// site root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceFile {
    Config,
    Article(PathBuf),
    Background(PathBuf),
    Timeline(PathBuf),
    /// A person or desk, `content/people/KEY.md`.
    Person(PathBuf),
    /// Any other file under `content/`, such as an image beside an article.
    ContentOther(PathBuf),
    Template(PathBuf),
    /// A file under `static/`, published as it is.
    Static(PathBuf),
}

impl SourceFile {
    /// The file, relative to the site root.
    pub fn path(&self) -> PathBuf {
        match self {
            SourceFile::Config => PathBuf::from(CONFIG_FILE),
            SourceFile::Article(p)
            | SourceFile::Background(p)
            | SourceFile::Timeline(p)
            | SourceFile::Person(p)
            | SourceFile::ContentOther(p)
            | SourceFile::Template(p)
            | SourceFile::Static(p) => p.clone(),
        }
    }
}

/// What the file at `relative` (to the site root) is, or `None` when it is not
/// part of the site: outside its folders, hidden, or an editor's leftover.
/// A folder's own path classifies like a file in it.
pub fn classify(relative: &Path) -> Option<SourceFile> {
    let mut names = Vec::new();
    for part in relative.components() {
        match part {
            Component::Normal(name) => names.push(name.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let (&first, rest) = names.split_first()?;
    let last = *names.last()?;
    let path = relative.to_path_buf();
    match first {
        CONFIG_FILE if rest.is_empty() => Some(SourceFile::Config),
        STATIC_DIR => {
            if rest.iter().any(|n| is_not_published(n)) {
                return None;
            }
            Some(SourceFile::Static(path))
        }
        CONTENT_DIR | TEMPLATE_DIR => {
            if rest.iter().any(|n| is_ignored(n)) {
                return None;
            }
            if first == TEMPLATE_DIR {
                return Some(SourceFile::Template(path));
            }
            let extension = Path::new(last).extension().and_then(|e| e.to_str());
            let nested = rest.len() > 1;
            match (rest.first().copied(), nested, extension) {
                (Some(BACKGROUND_DIR), true, Some("md")) => Some(SourceFile::Background(path)),
                (Some(TIMELINES_DIR), true, Some("toml")) => Some(SourceFile::Timeline(path)),
                (Some(PEOPLE_DIR), true, Some("md")) => Some(SourceFile::Person(path)),
                (_, _, Some("md")) => Some(SourceFile::Article(path)),
                _ => Some(SourceFile::ContentOther(path)),
            }
        }
        _ => None,
    }
}

/// Hidden files and the temporary files editors leave behind: never content or
/// templates.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || is_editor_temp(name)
}

/// Files in `static/` that are never published: version control, desktop
/// leftovers and editor temporaries. Other dot-files (`.well-known/`,
/// `.htaccess`) are published as they are.
pub fn is_not_published(name: &str) -> bool {
    matches!(name, ".git" | ".DS_Store" | ".gitkeep" | ".gitignore") || is_editor_temp(name)
}

/// Editor and download droppings: vim's swap files and its `4913` probe, emacs'
/// `.#x` and `#x#`, backups, LibreOffice's lock files, unfinished downloads.
pub fn is_editor_temp(name: &str) -> bool {
    const SUFFIXES: [&str; 7] = [
        ".swp",
        ".swo",
        ".swx",
        ".bck",
        ".bak",
        ".tmp",
        ".crdownload",
    ];
    let lower = name.to_ascii_lowercase();
    lower.ends_with('~')
        || name == "4913"
        || SUFFIXES.iter().any(|s| lower.ends_with(s))
        || name.starts_with(".#")
        || (name.len() >= 2 && name.starts_with('#') && name.ends_with('#'))
        || name == ".DS_Store"
        || name.starts_with(".~lock.")
}

/// Every source file of the site under `folder` (one of its top folders),
/// classified and sorted. Symbolic links to folders are not followed, links out
/// of the site are refused, and anything that is neither a file nor a folder (a
/// named pipe, a socket, a device) is skipped with a problem, so nothing can
/// make the walk block or hang. A top folder that is itself a link is refused.
pub fn walk(root: &Path, folder: &str, problems: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    if let Some(problem) = linked_folder(root, folder) {
        problems.push(problem);
        return Vec::new();
    }
    let mut files = Vec::new();
    let mut pending = vec![PathBuf::from(folder)];
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
            let path = dir.join(&name);
            if name.to_str().is_none() {
                problems.push(
                    Diagnostic::new("the file name is not valid UTF-8")
                        .in_file(&path)
                        .with_help("rename the file using letters, digits and hyphens"),
                );
                continue;
            }
            let Some(source) = classify(&path) else {
                continue;
            };
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_file() => files.push(source),
                Ok(kind) if kind.is_symlink() => match link_target(root, &path) {
                    Ok(LinkTarget::Folder) => {}
                    Ok(LinkTarget::File) => files.push(source),
                    Ok(LinkTarget::Outside) => problems.push(
                        Diagnostic::new("the file is a link to something outside the site's folder")
                            .in_file(&path)
                            .with_help("forklar reads only files inside the site; copy the file here instead of linking to it"),
                    ),
                    Ok(LinkTarget::Special) => problems.push(not_a_file(&path)),
                    Err(err) => problems.push(
                        Diagnostic::new(format!("the file is a broken link: {err}"))
                            .in_file(&path)
                            .with_help("remove the link, or point it at a file that exists"),
                    ),
                },
                Ok(_) => problems.push(not_a_file(&path)),
                Err(_) => {}
            }
        }
    }
    files.sort();
    files
}

/// The problem with a top folder of the site (`content/`, `templates/`,
/// `static/`) that is a symbolic link, or `None` when it is not one. Links to
/// folders are not followed anywhere in the site; here, where skipping the
/// link would silently drop the whole folder, it is an error.
pub fn linked_folder(root: &Path, folder: &str) -> Option<Diagnostic> {
    let meta = std::fs::symlink_metadata(root.join(folder)).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let message = match link_target(root, Path::new(folder)) {
        Ok(LinkTarget::Outside) => "the folder is a link to something outside the site's folder",
        Err(_) => "the folder is a broken link",
        Ok(_) => "the folder is a link; forklar follows no link to a folder",
    };
    Some(Diagnostic::new(message).in_file(folder).with_help(format!(
        "replace the link with a real {folder}/ folder, with the files moved or copied into it"
    )))
}

fn not_a_file(path: &Path) -> Diagnostic {
    Diagnostic::new("this is neither a file nor a folder (a named pipe, socket or device)")
        .in_file(path)
        .with_help("forklar reads only ordinary files; remove it from the site's folder")
}

enum LinkTarget {
    File,
    Folder,
    Special,
    Outside,
}

/// Where a symbolic link inside the site leads.
fn link_target(root: &Path, path: &Path) -> std::io::Result<LinkTarget> {
    let target = std::fs::canonicalize(root.join(path))?;
    let root = std::fs::canonicalize(root)?;
    if !target.starts_with(&root) {
        return Ok(LinkTarget::Outside);
    }
    let kind = std::fs::metadata(&target)?.file_type();
    Ok(if kind.is_dir() {
        LinkTarget::Folder
    } else if kind.is_file() {
        LinkTarget::File
    } else {
        LinkTarget::Special
    })
}

/// Reads a file of the site as UTF-8, with an error that says what to do. A
/// link out of the site, or anything that is not an ordinary file, is refused
/// before it is opened.
pub fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let full = root.join(path);
    let kind = std::fs::symlink_metadata(&full)
        .map_err(|err| Diagnostic::new(format!("cannot read the file: {err}")).in_file(path))?;
    if kind.file_type().is_symlink() {
        match link_target(root, path) {
            Ok(LinkTarget::File) => {}
            Ok(LinkTarget::Outside) => {
                return Err(Diagnostic::new(
                    "the file is a link to something outside the site's folder",
                )
                .in_file(path)
                .with_help("forklar reads only files inside the site; replace the link with a copy of the file"));
            }
            Ok(_) => return Err(not_a_file(path)),
            Err(err) => {
                return Err(
                    Diagnostic::new(format!("the file is a broken link: {err}")).in_file(path)
                );
            }
        }
    } else if !kind.is_file() {
        return Err(not_a_file(path));
    }
    let bytes = std::fs::read(&full)
        .map_err(|err| Diagnostic::new(format!("cannot read the file: {err}")).in_file(path))?;
    crate::utf8::into_string(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
        Diagnostic::new("the file is not valid UTF-8 text")
            .in_file(path)
            .at_span(&text, valid..valid + 1)
            .with_help("save the file as UTF-8 in your editor")
    })
}

/// `a/b/../c` → `a/c`, without touching the file system.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> Option<SourceFile> {
        classify(Path::new(path))
    }

    #[test]
    fn classifies_by_place() {
        let p = PathBuf::from;
        assert_eq!(kind("site.toml"), Some(SourceFile::Config));
        assert_eq!(
            kind("content/a.md"),
            Some(SourceFile::Article(p("content/a.md")))
        );
        assert_eq!(
            kind("content/2022/a.md"),
            Some(SourceFile::Article(p("content/2022/a.md")))
        );
        assert_eq!(
            kind("content/background/csto.md"),
            Some(SourceFile::Background(p("content/background/csto.md")))
        );
        assert_eq!(
            kind("content/timelines/k.toml"),
            Some(SourceFile::Timeline(p("content/timelines/k.toml")))
        );
        assert_eq!(
            kind("content/people/blakkisrud.md"),
            Some(SourceFile::Person(p("content/people/blakkisrud.md")))
        );
        assert_eq!(
            kind("content/kart.png"),
            Some(SourceFile::ContentOther(p("content/kart.png")))
        );
        assert_eq!(
            kind("templates/partials/x.html"),
            Some(SourceFile::Template(p("templates/partials/x.html")))
        );
        assert_eq!(
            kind("static/.well-known/security.txt"),
            Some(SourceFile::Static(p("static/.well-known/security.txt")))
        );
        assert_eq!(kind("public/index.html"), None);
        assert_eq!(kind("site.toml/x"), None);
    }

    #[test]
    fn leftovers_are_not_sources_anywhere() {
        for name in [
            ".a.md.swp",
            "a.md~",
            "4913",
            "#a.md#",
            ".#a.md",
            "x.crdownload",
            "X.SWP",
            ".~lock.a.md#",
        ] {
            assert_eq!(kind(&format!("content/{name}")), None, "{name}");
            assert_eq!(kind(&format!("static/{name}")), None, "{name}");
            assert_eq!(kind(&format!("templates/{name}")), None, "{name}");
        }
        assert_eq!(kind("content/.hidden/a.md"), None);
        assert_eq!(kind("static/.git/config"), None);
    }
}
