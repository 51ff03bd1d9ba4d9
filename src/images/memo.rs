//! What planning learnt about a raster source file (its hash and header),
//! remembered by the file's size, modification time and inode in
//! [`MEMO_DIR`] (beside the variants' cache, not in it), so that a build with a warm cache does
//! not read and hash every photo again: with a hundred 20 MP photos that is
//! some 300 MB read and hashed on every build.
//!
//! A file changed within the same clock tick, at the same size, would look
//! unchanged; so a file is only remembered once its modification time is a
//! few seconds in the past, as git does for its index.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use image::metadata::Orientation;

use super::probe::Header;
use super::{SourceFormat, hex, sha256};
use crate::cache_dir;

/// The memo folder relative to the site root.
pub(crate) const MEMO_DIR: &str = ".forklar-cache/sources";

/// Newer files are hashed every time (see the module docs).
const SETTLED: Duration = Duration::from_secs(3);

/// The file's identity on disk: size, modification time (ns) and inode.
fn stamp(meta: &fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!(
        "{} {} {} {}",
        meta.len(),
        modified.as_nanos(),
        meta.ino(),
        meta.dev()
    ))
}

fn entry(memo_dir: &Path, rel: &Path) -> PathBuf {
    let name = hex(&sha256(&[rel.to_string_lossy().as_bytes()])[..16]);
    memo_dir.join(name)
}

/// `memo_dir` when it and the cache folder holding it are real folders, not
/// links (see [`cache_dir`]); made when missing and `make` is set.
fn real_memo_dir(memo_dir: &Path, make: bool) -> Option<PathBuf> {
    cache_dir::real_dir(memo_dir.parent()?.to_path_buf(), make)?;
    cache_dir::real_dir(memo_dir.to_path_buf(), make)
}

fn format_name(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Jpeg => "jpeg",
        SourceFormat::Png => "png",
        SourceFormat::Gif => "gif",
        SourceFormat::WebP => "webp",
        SourceFormat::Svg => "svg",
    }
}

fn format_named(name: &str) -> Option<SourceFormat> {
    Some(match name {
        "jpeg" => SourceFormat::Jpeg,
        "png" => SourceFormat::Png,
        "gif" => SourceFormat::Gif,
        "webp" => SourceFormat::WebP,
        _ => return None,
    })
}

/// The remembered digest and header of `rel`, if the file is as it was.
pub(crate) fn recall(memo_dir: &Path, rel: &Path, file: &Path) -> Option<([u8; 32], Header)> {
    let stamp = stamp(&fs::metadata(file).ok()?)?;
    let memo_dir = real_memo_dir(memo_dir, false)?;
    let text = String::from_utf8(cache_dir::read(&entry(&memo_dir, rel))?).ok()?;
    let mut lines = text.lines();
    if lines.next()? != "forklar-source/1" || lines.next()? != stamp {
        return None;
    }
    let fields: Vec<&str> = lines.next()?.split(' ').collect();
    let [digest, format, width, height, orientation, alpha] = fields[..] else {
        return None;
    };
    let digest: [u8; 32] = (0..32)
        .map(|i| u8::from_str_radix(digest.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?
        .try_into()
        .ok()?;
    let header = Header {
        format: format_named(format)?,
        raw_width: width.parse().ok()?,
        raw_height: height.parse().ok()?,
        orientation: Orientation::from_exif(orientation.parse().ok()?)?,
        has_alpha: alpha == "alpha",
    };
    Some((digest, header))
}

/// The file's identity before it is read, for [`remember`].
pub(crate) fn before_reading(file: &Path) -> Option<String> {
    stamp(&fs::metadata(file).ok()?)
}

/// Remembers `digest` and `header` for `rel`, if the file has settled and
/// is still what it was before it was read (`before`). Failing to write is
/// not an error: the file is just hashed next time.
pub(crate) fn remember(
    memo_dir: &Path,
    rel: &Path,
    file: &Path,
    before: Option<&str>,
    digest: &[u8],
    header: &Header,
) {
    let Ok(meta) = fs::metadata(file) else {
        return;
    };
    if before.is_none() || stamp(&meta).as_deref() != before {
        return;
    }
    let settled = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age >= SETTLED);
    let Some(stamp) = stamp(&meta).filter(|_| settled) else {
        return;
    };
    let text = format!(
        "forklar-source/1\n{stamp}\n{} {} {} {} {} {}\n",
        hex(digest),
        format_name(header.format),
        header.raw_width,
        header.raw_height,
        header.orientation.to_exif(),
        if header.has_alpha { "alpha" } else { "opaque" }
    );
    let Some(memo_dir) = real_memo_dir(memo_dir, true) else {
        return;
    };
    let _ = cache_dir::write_atomic(&memo_dir, &entry(&memo_dir, rel), text.as_bytes());
}
