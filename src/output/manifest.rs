//! `.forklar-manifest`: the list of files the last build published, one path a
//! line, relative to the output folder. It decides what a build may remove, so it
//! is read as untrusted input: every entry must be a normalised relative path
//! inside the output folder, and a list that is not forklar's own is refused
//! whole, before anything is touched.

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Location};

/// The file's name, in the output folder.
pub const MANIFEST_FILE: &str = ".forklar-manifest";
/// The lock file every build holds while it writes the output folder.
pub const LOCK_FILE: &str = ".forklar-lock";
/// Where the in-place fallback stages files (and where forklar before 0.2 did).
pub const STAGING_DIR: &str = ".forklar-staging";
/// The first line of every manifest forklar writes. Lists without it (written by
/// earlier versions) are read when every line is a valid entry.
pub const HEADER: &str = "# forklar manifest 1";

/// Why a path cannot be an entry, or be written by a build.
pub fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("it is empty");
    }
    if path.len() > 4096 {
        return Some("it is longer than any path a build writes");
    }
    if path.starts_with('/') {
        return Some("it is an absolute path");
    }
    if path.chars().any(|c| c.is_control()) {
        return Some("it holds a control character");
    }
    if path.contains('\\') {
        return Some("it holds a backslash");
    }
    for part in path.split('/') {
        match part {
            "" => return Some("it has an empty folder name (`//` or a trailing `/`)"),
            "." | ".." => return Some("it has a `.` or `..` part, which could leave the folder"),
            _ => {}
        }
    }
    let first = path.split('/').next().unwrap_or(path);
    if first == MANIFEST_FILE || first == LOCK_FILE || first == STAGING_DIR {
        return Some("it is one of forklar's own files");
    }
    None
}

/// Reads a manifest's text: the set of entries, or what is wrong with it, with
/// the line it is on (1-based).
pub fn parse(text: &str) -> Result<BTreeSet<String>, (usize, String)> {
    let mut entries = BTreeSet::new();
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.is_empty() {
        return Ok(entries);
    }
    for (index, line) in body.split('\n').enumerate() {
        let number = index + 1;
        if number == 1 && line == HEADER {
            continue;
        }
        if let Some(why) = path_problem(line) {
            return Err((
                number,
                format!(
                    "`{}` is not a file inside the output folder: {why}",
                    line.escape_debug()
                ),
            ));
        }
        if !entries.insert(line.to_string()) {
            return Err((number, format!("`{line}` is listed twice")));
        }
    }
    Ok(entries)
}

/// The text forklar writes for `entries`.
pub fn render<'a>(entries: impl ExactSizeIterator<Item = &'a str>) -> String {
    let mut text = String::with_capacity(entries.len() * 32 + HEADER.len() + 1);
    text.push_str(HEADER);
    text.push('\n');
    for entry in entries {
        text.push_str(entry);
        text.push('\n');
    }
    text
}

/// Reads the manifest in `dir` (missing: empty). A manifest that is not forklar's
/// own is an error naming it and saying what to do; nothing has been touched.
pub fn read(
    dir: &std::path::Path,
    shown: &std::path::Path,
) -> Result<BTreeSet<String>, Diagnostic> {
    let path = dir.join(MANIFEST_FILE);
    let shown = shown.join(MANIFEST_FILE);
    let help = format!(
        "forklar reads this list to know which files it published and may replace or remove; \
         nothing was changed. If you did not edit it, someone else did: look through the folder, \
         then delete {} and build again (forklar then takes over a file that holds exactly what \
         it would write there, reports any other file where it would write without \
         overwriting it, and leaves the files it no longer publishes in place)",
        shown.display()
    );
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(err) => {
            return Err(Diagnostic::new(format!(
                "cannot read forklar's list of published files: {err}"
            ))
            .in_file(&shown)
            .with_help("check the output folder's permissions"));
        }
    };
    if !meta.is_file() {
        return Err(Diagnostic::new(
            "forklar's list of published files is not a plain file (a link or a folder)",
        )
        .in_file(&shown)
        .with_help(help));
    }
    let bytes = std::fs::read(&path).map_err(|err| {
        Diagnostic::new(format!(
            "cannot read forklar's list of published files: {err}"
        ))
        .in_file(&shown)
        .with_help("check the output folder's permissions")
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            // The first byte that is not UTF-8, shown as U+FFFD at its line and
            // column: the text before it is the same in the lossy copy.
            let at = err.utf8_error().valid_up_to();
            let byte = err.as_bytes()[at];
            let lossy = String::from_utf8_lossy(err.as_bytes());
            return Err(Diagnostic::new(format!(
                "forklar's list of published files is not UTF-8 text (byte 0x{byte:02X} here), \
                 so forklar did not write it"
            ))
            .in_file(&shown)
            .at_span(&lossy, at..at + char::REPLACEMENT_CHARACTER.len_utf8())
            .with_help(help));
        }
    };
    parse(&text).map_err(|(line, why)| {
        Diagnostic::new(format!(
            "forklar's list of published files is not one forklar wrote: {why}"
        ))
        .in_file(&shown)
        .at(Location::from_line(&text, line))
        .with_help(help)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let entries: BTreeSet<String> = ["index.html", "a/b/index.html", "æ ø/x.css"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            parse(&render(entries.iter().map(String::as_str))),
            Ok(entries)
        );
        assert_eq!(parse(""), Ok(BTreeSet::new()));
        assert_eq!(parse("a\nb\n").map(|e| e.len()), Ok(2));
    }

    #[test]
    fn refuses_paths_outside_the_folder() {
        for bad in [
            "/etc/passwd",
            "../../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            ".",
            "..",
            "a\\..\\b",
            "a\rb",
            ".forklar-manifest",
            ".forklar-lock",
            ".forklar-staging/x",
            "\0",
        ] {
            let text = format!("{HEADER}\nok.html\n{bad}\n");
            assert_eq!(parse(&text).map_err(|e| e.0), Err(3), "{bad:?}");
        }
        assert_eq!(parse("a\na\n").map_err(|e| e.0), Err(2));
        assert_eq!(parse("a\n\nb\n").map_err(|e| e.0), Err(2));
    }
}
