//! The CMS's own script, written into `static/admin/` so the site serves it
//! itself and the CMS page asks no other server for code. It comes from the
//! pinned npm package, fetched with `npm pack` (npm's cache makes a second
//! run work offline) and checked against the package's pinned SHA-512, so
//! what is written is exactly what was tested.

use std::io::Read;
use std::process::Command;

use crate::diagnostics::Diagnostic;

/// A pinned npm package and the files of it the CMS page loads.
pub struct Package {
    pub name: &'static str,
    pub version: &'static str,
    /// SHA-512 of the package's tarball, as the npm registry lists it.
    sha512: &'static str,
    /// The page's script, relative to `static/admin/`.
    pub script: &'static str,
    /// Where a file of the tarball goes in `static/admin/`, if it is needed.
    keep: fn(&str) -> Option<String>,
}

pub const DECAP: Package = Package {
    name: "decap-cms",
    version: "3.16.3",
    sha512: "85ff9d3e50a1ed32665a5f3ee954731d839686b8b9c605249eb65b0dec1a59ee2cf41ef127c3d0ba0a7640779295d3142b36afebecf4a08a7051885424362d63",
    script: "decap-cms.js",
    keep: |path| {
        let name = path.strip_prefix("package/dist/")?;
        // The bundle, the chunks it loads on demand (editor modes, locales)
        // and its WebAssembly; not the source maps or the second copy (cms.js).
        let wanted = name == "decap-cms.js"
            || name == "decap-cms.js.LICENSE.txt"
            || name.ends_with(".decap-cms.js")
            || name.ends_with(".wasm");
        (wanted && !name.contains('/')).then(|| name.to_string())
    },
};

pub const SVELTIA: Package = Package {
    name: "@sveltia/cms",
    version: "0.221.1",
    sha512: "27e4288a4f6418c9362fbbcda4e42b9c3985462f8d07abf02747fae7b62db31587d0ff16612611452442da943f8c619b56533ffcf83f588826929b30aa8a3781",
    script: "sveltia-cms.js",
    keep: |path| {
        let name = path.strip_prefix("package/dist/")?;
        let wanted = name == "sveltia-cms.js" || name == "chunks/react-dom.js";
        wanted.then(|| name.to_string())
    },
};

/// Fetches `package` with npm; returns the files to write, by their path in
/// `static/admin/`, and their bytes.
pub fn fetch(package: &Package) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let tarball = npm_pack(package)?;
    let actual = ring::digest::digest(&ring::digest::SHA512, &tarball);
    let actual: String = actual.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    if actual != package.sha512 {
        return Err(Diagnostic::new(format!(
            "npm gave a {}@{} that is not the one forklar was tested with (its SHA-512 differs)",
            package.name, package.version
        ))
        .with_help(
            "check the npm registry set in your npm configuration (npm config get registry)",
        ));
    }
    let files: Vec<(String, Vec<u8>)> = untar(&ungzip(&tarball)?)?
        .into_iter()
        .filter_map(|(path, bytes)| Some(((package.keep)(&path)?, bytes)))
        .collect();
    if !files.iter().any(|(name, _)| name == package.script) {
        return Err(Diagnostic::new(format!(
            "{}@{} holds no {}",
            package.name, package.version, package.script
        )));
    }
    Ok(files)
}

/// The package's tarball, by `npm pack` in a private temporary folder.
fn npm_pack(package: &Package) -> Result<Vec<u8>, Diagnostic> {
    let dir = crate::writes::private_folder("forklar-cms-", "cms")?;
    let spec = format!("{}@{}", package.name, package.version);
    let output = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
        .args(["pack", &spec, "--silent", "--prefer-offline", "--ignore-scripts"])
        .current_dir(dir.path())
        .output()
        .map_err(|err| {
            Diagnostic::new(format!("cannot run npm: {err}")).with_help(format!(
                "forklar cms takes {spec} from npm: install Node.js (it brings npm), then run forklar cms again"
            ))
        })?;
    if !output.status.success() {
        return Err(Diagnostic::new(format!(
            "npm could not fetch {spec}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
        .with_help("npm needs the internet the first time (later it uses its cache); try again when online"));
    }
    let name = String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string();
    std::fs::read(dir.path().join(&name))
        .map_err(|err| Diagnostic::new(format!("npm pack wrote no {name}: {err}")))
}

fn ungzip(bytes: &[u8]) -> Result<Vec<u8>, Diagnostic> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|err| Diagnostic::new(format!("the npm package is not a gzip file: {err}")))?;
    Ok(out)
}

/// The regular files of a tar archive (ustar, as npm writes it).
fn untar(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let broken = || Diagnostic::new("the npm package is not a readable tar archive");
    let field = |block: &[u8], range: std::ops::Range<usize>| {
        let raw = &block[range];
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        String::from_utf8_lossy(&raw[..end]).trim().to_string()
    };
    let mut files = Vec::new();
    let mut at = 0;
    while at + 512 <= bytes.len() {
        let header = &bytes[at..at + 512];
        if header.iter().all(|&b| b == 0) {
            break;
        }
        let size = usize::from_str_radix(&field(header, 124..136), 8).map_err(|_| broken())?;
        let kind = header[156];
        let prefix = field(header, 345..500);
        let name = field(header, 0..100);
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let start = at + 512;
        let end = start
            .checked_add(size)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(broken)?;
        // Regular files only, and no path that climbs out of the package.
        if (kind == b'0' || kind == 0) && !path.split('/').any(|part| part == "..") {
            files.push((path, bytes[start..end].to_vec()));
        }
        at = start + size.div_ceil(512) * 512;
    }
    Ok(files)
}
