//! How the commands that add files to a site (`templates`, `new`, `cms`)
//! write them, and the private folders `serve`, `impact` and `cms` work in.
//! A site is often someone else's repository: a symbolic link committed in
//! it must not make forklar read or write anything outside it, and a
//! folder in the system's temporary folder must not be open to other users.

use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Refuses a symbolic link anywhere on the way from the site's folder to the
/// file (the file included), so nothing is written outside the site.
/// `command` is the command to run again once the link is gone.
pub fn refuse_links(root: &Path, relative: &Path, command: &str) -> Result<(), Diagnostic> {
    let mut path = root.to_path_buf();
    for part in relative.components() {
        path.push(part);
        let is_link = std::fs::symlink_metadata(&path)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false);
        let shown = path.strip_prefix(root).unwrap_or(&path);
        if is_link {
            return Err(Diagnostic::new(
                "the path is a symbolic link; forklar writes no file through one",
            )
            .in_file(shown)
            .with_help(format!(
                "replace the link with a real folder or file, then run forklar {command} again"
            )));
        }
    }
    Ok(())
}

/// Reads a file without following a link in its place.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Creates the file and the folders it needs. `create_new` (`O_EXCL`) fails
/// rather than replace a file that is there (perhaps one that appeared
/// meanwhile) or follow a link in its place; `if_exists` is the help then.
pub fn create_new(path: &Path, bytes: &[u8], if_exists: &str) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| {
            Diagnostic::new(format!("cannot create the folder: {err}")).in_file(parent)
        })?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|err| {
            if err.kind() == std::io::ErrorKind::AlreadyExists {
                Diagnostic::new("the file already exists; forklar does not replace it")
                    .in_file(path)
                    .with_help(if_exists)
            } else {
                Diagnostic::new(format!("cannot write the file: {err}")).in_file(path)
            }
        })
}

/// Replaces a file whole: written beside it, then renamed over it, so an
/// interrupted run never leaves half a file and a link in its place is
/// replaced, not followed.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(dir)
        .map_err(|err| Diagnostic::new(format!("cannot write the file: {err}")).in_file(path))?;
    temporary
        .write_all(bytes)
        .map_err(|err| Diagnostic::new(format!("cannot write the file: {err}")).in_file(path))?;
    temporary
        .persist(path)
        .map_err(|err| Diagnostic::new(format!("cannot write the file: {err}")).in_file(path))?;
    Ok(())
}

/// A fresh folder in the system's temporary folder, named `prefix` and
/// random letters, that only this user can enter (mode 0700; without it the
/// folder is made 0777 less the umask). `command` is the command to run
/// again once the temporary folder can be written.
pub fn private_folder(prefix: &str, command: &str) -> Result<tempfile::TempDir, Diagnostic> {
    tempfile::Builder::new()
        .prefix(prefix)
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .map_err(|err| {
            Diagnostic::new(format!(
                "cannot create a private folder in {}: {err}",
                std::env::temp_dir().display()
            ))
            .with_help(format!(
                "set TMPDIR to a folder you can write, then run forklar {command} again"
            ))
        })
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_private_folder_is_open_to_its_user_alone() {
        let folder = private_folder("forklar-test-", "test").unwrap();
        let mode = std::fs::metadata(folder.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "mode {mode:o}");
        let name = folder.path().file_name().unwrap().to_string_lossy();
        assert!(name.starts_with("forklar-test-") && name.len() > "forklar-test-".len());
    }
}
