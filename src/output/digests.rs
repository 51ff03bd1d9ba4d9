//! What each published file holds, remembered between builds, so that a
//! rebuild tells an unchanged file from a changed one without reading it.
//!
//! For every file a build published, the record keeps a hash of its bytes and
//! the file's *stamp*: size, modification time (to the nanosecond) and inode
//! number. A rebuild that finds a file with the stamp it recorded knows its
//! bytes from the hash; a file anyone touched since (a new stamp) is read and
//! compared as before. The record lives in the site's cache,
//! `.forklar-cache/output/`, one file per output folder, reached only
//! through [`crate::cache_dir`] (never through a link), not in the output
//! folder itself, so the published site stays the same bytes whichever folder
//! it is built into.
//!
//! The record also keeps, on its second line, what `build` summed up of the
//! inputs of the build that wrote it ([`Record::inputs`]): a later build with
//! the same inputs, finding every file with its recorded stamp, has nothing
//! to do. Only a full build writes that line; any other save of the record
//! leaves it out.
//!
//! The record is a cache, never trusted to decide anything but "these bytes
//! are already there": what a build may replace or remove is still decided by
//! the manifest alone. A record that is missing, damaged or stale costs reads,
//! not correctness; a line that does not parse is skipped.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::cache_dir;

/// The records' folder in the site's cache folder.
const FOLDER: &str = "output";
const HEADER: &str = "# forklar output digests 1";
/// What the second line starts with when it holds the build's inputs.
const INPUTS: &str = "inputs ";

/// A file's XXH3-128: a rebuild hashes every file it publishes, so the hash
/// must cost far less than reading the file back (a cryptographic hash cost
/// as much); the files are the site's own, not an adversary's.
pub type Hash = [u8; 16];

pub fn hash(bytes: &[u8]) -> Hash {
    xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes()
}

/// What the record keeps for a file published from the image cache's entry
/// `key` (a digest of the image and its settings): the entry's name stands
/// for its bytes, so a rebuild need not read them. Hashed with a prefix no
/// file's bytes are hashed with.
pub fn hash_of_entry(key: &str) -> Hash {
    hash(format!("forklar image cache entry {key}").as_bytes())
}

/// Size, modification time and inode: what changes when anyone writes a file
/// or puts another in its place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
    ino: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            size: meta.len(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
            ino: meta.ino(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    pub hash: Hash,
    pub stamp: Stamp,
}

/// The record for one output folder.
pub struct Record {
    /// The site folder, canonical, or `None` where there is none to keep a
    /// record in.
    root: Option<PathBuf>,
    /// The record's file name in the cache's `output` folder.
    name: String,
    pub entries: HashMap<String, Entry>,
    /// What the build that wrote the record read, as `build` summed it up
    /// (one line of text, opaque here).
    pub inputs: Option<String>,
}

/// Removes the record of `output`, a temporary folder about to be removed
/// (`impact`, a `serve` with nothing kept): named after a folder that will
/// never be built into again, it would only grow the cache.
pub fn forget(root: &Path, output: &Path) {
    let output = std::fs::canonicalize(output).unwrap_or_else(|_| output.to_path_buf());
    if let Some(dir) = std::fs::canonicalize(root)
        .ok()
        .as_deref()
        .and_then(existing_dir)
    {
        let record = dir.join(record_name(&output));
        if cache_dir::is_real_file(&record) {
            let _ = std::fs::remove_file(record);
        }
    }
}

/// A record's file name: a hash of the output folder's path, so each output
/// folder a site is built into keeps its own.
fn record_name(output: &Path) -> String {
    hash(output.as_os_str().as_encoded_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Record {
    /// The record of `output` (canonical) kept in the site `root`, read only
    /// when `read`.
    pub fn load(root: &Path, output: &Path, read: bool) -> Record {
        let root = std::fs::canonicalize(root).ok();
        let name = record_name(output);
        let (entries, inputs) = root
            .as_deref()
            .filter(|_| read)
            .and_then(existing_dir)
            .and_then(|dir| cache_dir::read(&dir.join(&name)))
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(|text| parse(&text))
            .unwrap_or_default();
        Record {
            root,
            name,
            entries,
            inputs,
        }
    }

    /// The entry for `path`, if its file still has the recorded stamp.
    pub fn known(&self, path: &str, stamp: Stamp) -> Option<Hash> {
        self.entries
            .get(path)
            .filter(|entry| entry.stamp == stamp)
            .map(|entry| entry.hash)
    }

    /// Stores `entries` and `inputs` as the record, unless they are what it
    /// holds already. A record that cannot be written is left out: the next
    /// build reads files.
    pub fn save<'a>(
        &self,
        entries: impl Iterator<Item = (&'a str, &'a Entry)> + Clone,
        inputs: Option<&str>,
    ) {
        let inputs = inputs.filter(|line| !line.contains(['\n', '\r']));
        let count = entries.clone().count();
        if inputs == self.inputs.as_deref()
            && count == self.entries.len()
            && entries
                .clone()
                .all(|(path, entry)| self.entries.get(path) == Some(entry))
        {
            return;
        }
        let Some(dir) = self
            .root
            .as_deref()
            .and_then(|root| cache_dir::open(root, FOLDER))
        else {
            return;
        };
        let mut sorted: Vec<(&str, &Entry)> = Vec::with_capacity(count);
        sorted.extend(entries);
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        // Written line by line: the record of a large site is tens of
        // megabytes, which a build would otherwise hold at its very end.
        let _ = cache_dir::write_atomic_with(&dir, &dir.join(&self.name), |out| {
            writeln!(out, "{HEADER}")?;
            if let Some(inputs) = inputs {
                writeln!(out, "{INPUTS}{inputs}")?;
            }
            let mut hex = [0u8; 32];
            for (path, entry) in sorted {
                for (pair, byte) in hex.chunks_exact_mut(2).zip(entry.hash) {
                    pair[0] = HEX[usize::from(byte >> 4)];
                    pair[1] = HEX[usize::from(byte & 15)];
                }
                let Stamp {
                    size,
                    mtime,
                    mtime_nsec,
                    ino,
                } = entry.stamp;
                out.write_all(&hex)?;
                writeln!(out, " {size} {mtime} {mtime_nsec} {ino} {path}")?;
            }
            Ok(())
        });
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The cache's `output` folder in `root` when it exists as a real folder.
fn existing_dir(root: &Path) -> Option<PathBuf> {
    let cache = cache_dir::real_dir(root.join(cache_dir::CACHE_ROOT), false)?;
    cache_dir::real_dir(cache.join(FOLDER), false)
}

fn parse(text: &str) -> (HashMap<String, Entry>, Option<String>) {
    let mut lines = text.lines().peekable();
    if lines.next() != Some(HEADER) {
        return (HashMap::new(), None);
    }
    let inputs = lines
        .next_if(|line| line.starts_with(INPUTS))
        .map(|line| line[INPUTS.len()..].to_string());
    (lines.filter_map(parse_line).collect(), inputs)
}

fn parse_line(line: &str) -> Option<(String, Entry)> {
    let mut fields = line.splitn(6, ' ');
    let hex = fields.next()?.as_bytes();
    if hex.len() != 32 {
        return None;
    }
    let mut hash = [0u8; 16];
    for (byte, pair) in hash.iter_mut().zip(hex.chunks(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(text, 16).ok()?;
    }
    let stamp = Stamp {
        size: fields.next()?.parse().ok()?,
        mtime: fields.next()?.parse().ok()?,
        mtime_nsec: fields.next()?.parse().ok()?,
        ino: fields.next()?.parse().ok()?,
    };
    let path = fields.next()?;
    (super::manifest::path_problem(path).is_none())
        .then(|| (path.to_string(), Entry { hash, stamp }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_record_reads_back_and_damage_costs_only_its_lines() {
        let site = tempfile::tempdir().unwrap();
        let output = site.path().join("public");
        let record = Record::load(site.path(), &output, true);
        assert!(record.entries.is_empty());
        let stamp = Stamp {
            size: 12,
            mtime: 1_700_000_000,
            mtime_nsec: 123_456_789,
            ino: 42,
        };
        let mut entries = HashMap::new();
        entries.insert(
            "a b/index.html".to_string(),
            Entry {
                hash: hash(b"hello"),
                stamp,
            },
        );
        entries.insert(
            "x.css".to_string(),
            Entry {
                hash: hash(b"css"),
                stamp,
            },
        );
        record.save(
            entries.iter().map(|(path, entry)| (path.as_str(), entry)),
            Some("{\"sum\":1}"),
        );
        let again = Record::load(site.path(), &output, true);
        assert_eq!(again.entries, entries);
        assert_eq!(again.inputs.as_deref(), Some("{\"sum\":1}"));
        assert_eq!(again.known("x.css", stamp), Some(hash(b"css")));
        let touched = Stamp {
            mtime_nsec: 1,
            ..stamp
        };
        assert_eq!(again.known("x.css", touched), None);
        let file = existing_dir(&site.path().canonicalize().unwrap())
            .unwrap()
            .join(&record.name);
        let text = std::fs::read_to_string(&file).unwrap();
        let damaged = text.replace(" x.css", " ../x.css");
        std::fs::write(&file, damaged).unwrap();
        let damaged = Record::load(site.path(), &output, true);
        assert_eq!(damaged.entries.len(), 1);
        assert!(damaged.entries.contains_key("a b/index.html"));
        assert_eq!(damaged.inputs.as_deref(), Some("{\"sum\":1}"));
        // The same files saved without inputs (any save but a full build's)
        // take the inputs line away.
        damaged.save(
            damaged
                .entries
                .iter()
                .map(|(path, entry)| (path.as_str(), entry)),
            None,
        );
        let cleared = Record::load(site.path(), &output, true);
        assert_eq!(cleared.inputs, None);
        assert_eq!(cleared.entries, damaged.entries);
        // Another output folder has its own record.
        assert!(
            Record::load(site.path(), &site.path().join("other"), true)
                .entries
                .is_empty()
        );
    }
}
