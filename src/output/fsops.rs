//! The system calls the output folder needs beyond `std`: locking a folder,
//! exchanging two folders atomically, and telling a mount point from a folder.

use std::fs::{File, TryLockError};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// An exclusive lock on a folder (`flock` on the folder itself), released when
/// dropped or when the process dies, so a killed build never leaves it stuck.
pub struct DirLock {
    _file: File,
}

/// Locks `dir`, waiting for another build that holds it; `waiting` is called once
/// with the other process's id (when the system tells it) before waiting.
/// The folder at `dir` may be swapped while waiting: the lock is taken again
/// until it is on the folder that is there now.
pub fn lock_dir(dir: &Path, mut waiting: impl FnMut(Option<u32>)) -> io::Result<DirLock> {
    let mut told = false;
    loop {
        let file = File::open(dir)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                if !told {
                    told = true;
                    waiting(lock_holder(file.metadata()?.ino()));
                }
                file.lock()?;
            }
            Err(TryLockError::Error(err)) => return Err(err),
        }
        let locked = file.metadata()?;
        let now = std::fs::metadata(dir)?;
        if locked.ino() == now.ino() && locked.dev() == now.dev() {
            return Ok(DirLock { _file: file });
        }
    }
}

/// Locks a folder this process just made (no one else can be waiting for it).
pub fn lock_new(dir: &Path) -> io::Result<DirLock> {
    let file = File::open(dir)?;
    file.lock()?;
    Ok(DirLock { _file: file })
}

/// The process holding a `flock` on the inode `ino`, from `/proc/locks`.
fn lock_holder(ino: u64) -> Option<u32> {
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // 1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF
        let at = fields.iter().position(|f| *f == "FLOCK")?;
        let pid = fields.get(at + 3)?.parse().ok()?;
        let inode = fields
            .get(at + 4)?
            .rsplit(':')
            .next()?
            .parse::<u64>()
            .ok()?;
        (inode == ino).then_some(pid)
    })
}

/// Exchanges two paths atomically (`renameat2(RENAME_EXCHANGE)`): at every
/// instant each name refers to one of the two folders, never to neither.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)] // a system call the standard library does not offer; see SAFETY below
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated strings that outlive the call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether this process may create and remove entries in `dir` (false for a
/// folder made read-only by its mode, `chattr +i` or a read-only mount).
#[allow(unsafe_code)] // a system call the standard library does not offer; see SAFETY below
pub fn writable(dir: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

/// Whether `dir` (canonical) is a mount point: another device than its parent,
/// or listed as a mount point (a bind mount of the same device).
pub fn is_mount_point(dir: &Path) -> bool {
    let Some(parent) = dir.parent() else {
        return true;
    };
    match (std::fs::metadata(dir), std::fs::metadata(parent)) {
        (Ok(d), Ok(p)) if d.dev() != p.dev() => return true,
        (Ok(_), Ok(_)) => {}
        _ => return true,
    }
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    let wanted = dir.to_string_lossy();
    mounts.lines().any(|line| {
        line.split(' ')
            .nth(4)
            .is_some_and(|point| unescape_mount(point) == wanted)
    })
}

/// `/proc/self/mountinfo` writes space, tab, newline and backslash as `\ooo`.
fn unescape_mount(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 3 < bytes.len()
            && bytes[i + 1..i + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let code =
                (bytes[i + 1] - b'0') * 64 + (bytes[i + 2] - b'0') * 8 + (bytes[i + 3] - b'0');
            out.push(code);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
