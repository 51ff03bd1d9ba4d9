//! Responsive, credited, private news images: the processing engine.
//!
//! Two steps, so pages can be rendered before any pixel is encoded:
//!
//! 1. [`plan`] reads the source file, hashes it and decodes only its header
//!    (real format, size, EXIF orientation, animation). The [`ImagePlan`]
//!    lists every output file by name with its exact width and height, so a
//!    page can emit `width`/`height`, `srcset` and [`picture_html`] at once.
//! 2. [`produce`] (one image) or [`produce_all`] (many, in parallel, with a
//!    bound on how many decoded images are in memory) makes the bytes of each
//!    variant, taking them from the [`ImageCache`] when it can, and hands them
//!    to a callback that writes them into the output folder.
//!
//! What comes out of a raster source (JPEG, PNG, still GIF, WebP):
//!
//! - **Responsive widths** (default 480, 800, 1200, 1600, 2000). Widths not
//!   below the source width are replaced by the source width: never upscaled.
//! - **Formats**: AVIF (cargo feature `avif`, on by default), lossy WebP, and
//!   a fallback in the source's own format (JPEG stays JPEG, PNG stays PNG;
//!   still GIF becomes PNG; WebP becomes JPEG, or PNG when it has alpha).
//! - **Focal crops**: for each aspect in `images.crops` (default 16:9, 4:3,
//!   1:1) the largest crop of that aspect that keeps the focal point
//!   (`focus`, 0–1 from the top left; centre by default) as near its middle as
//!   the edges allow, scaled to `images.crop_width` (1200) or, when the crop
//!   is narrower than that, kept at its own width: crops are never upscaled
//!   either. Same three formats.
//! - **Share image**: a 1200×630 JPEG focal crop for Open Graph cards (JPEG
//!   because not every crawler reads AVIF/WebP). A source too small for that
//!   gives the largest 40:21 crop it can, with a warning.
//! - **Names**: `STEM.HASH.WIDTH.EXT` (`bilder/foto.3f2a9c1b.800.webp`),
//!   `STEM.HASH.16x9-1200.EXT` for crops and `STEM.HASH.share-1200x630.jpg`.
//!   HASH covers the source bytes, the focal point and every output setting,
//!   so the files can be served as immutable.
//!
//! Privacy: outputs are encoded from raw pixels, so no EXIF (GPS, camera
//! serial, time), XMP, IPTC, comment or ICC block of the source survives.
//! EXIF orientation is applied before cropping, so a rotated phone photo
//! comes out upright and `width`/`height` are the upright ones. Colour
//! profiles are dropped too: a wide-gamut (Display P3, Adobe RGB) source
//! shows slightly duller; sRGB conversion is left for later.
//!
//! Bad input gives an [`ImageError`] (message + [`ImageError::help`]) or a
//! documented outcome, never a panic (encoders and decoders run under
//! `catch_unwind`) or an unbounded allocation:
//!
//! | input | outcome |
//! |---|---|
//! | missing file | [`ImageError::NotFound`] |
//! | wrong extension | published as its real (sniffed) format, with a warning |
//! | more than `max_megapixels` (decompression bomb) | [`ImageError::TooLarge`] from the header alone, before any pixel buffer; decoding also runs under `image::Limits` sized from the header |
//! | truncated / corrupt | [`ImageError::Truncated`] / [`ImageError::Corrupt`] |
//! | CMYK JPEG | converted to RGB by the decoder and published |
//! | 16-bit PNG, grey, palette | converted to 8-bit RGB(A) and published |
//! | animated GIF, APNG, animated WebP | [`ImageError::Animated`] (help: use video); a one-frame GIF is published as PNG |
//! | SVG | never rasterised: copied byte for byte as `STEM.HASH.svg`, size from width/height or viewBox; refused with [`ImageError::SvgActiveContent`] if it has `<script>`, `on…=` handlers, `javascript:` URLs or `<foreignObject>`; editor metadata gives a warning |
//! | TIFF, HEIC, BMP, AVIF … | [`ImageError::UnsupportedFormat`] |

mod background;
mod cache;
mod config;
mod encode;
mod error;
mod geometry;
mod html;
mod memo;
mod planning;
mod probe;
mod producing;
mod svg;

use std::borrow::Cow;
use std::fs;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

pub use background::{BackgroundImages, BackgroundStatus};
pub use cache::{CACHE_DIR, CacheStats, ImageCache};
pub use config::{Aspect, ImageConfig};
pub use error::{ImageError, ImageWarning};
pub use geometry::CropRect;
pub use html::{Loading, PictureOptions, escape_attribute, picture_html};
pub use planning::plan;
pub use producing::{produce, produce_all};

/// Changes whenever the engine's output for the same input and settings
/// changes (a new encoder version, a different filter…), so caches and
/// content hashes move on.
pub const ENGINE_VERSION: &str = "forklar-images/1";

/// Source files larger than this are refused without being read.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Aspect of the share image, 1200×630.
pub const SHARE_ASPECT: Aspect = Aspect::new(40, 21);
/// Width of the share image.
pub const SHARE_WIDTH: u32 = 1200;

/// One image as a page asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSpec {
    /// Path of the source file relative to the site root.
    pub source: PathBuf,
    /// Focal point, `(x, y)` in 0–1 from the top left of the upright image.
    pub focus: Option<(f32, f32)>,
    /// Output path without extension, relative to the output root, `/`
    /// separated (`bilder/foto`). Default: `source` without its extension.
    pub output_stem: Option<String>,
}

impl ImageSpec {
    pub fn new(source: impl Into<PathBuf>) -> ImageSpec {
        ImageSpec {
            source: source.into(),
            focus: None,
            output_stem: None,
        }
    }

    pub fn with_focus(mut self, x: f32, y: f32) -> ImageSpec {
        self.focus = Some((x, y));
        self
    }

    pub fn with_output_stem(mut self, stem: impl Into<String>) -> ImageSpec {
        self.output_stem = Some(stem.into());
        self
    }
}

/// The real format of a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    Jpeg,
    Png,
    Gif,
    WebP,
    Svg,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "JPEG",
            SourceFormat::Png => "PNG",
            SourceFormat::Gif => "GIF",
            SourceFormat::WebP => "WebP",
            SourceFormat::Svg => "SVG",
        }
    }
}

/// The format of an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Avif,
    WebP,
    Jpeg,
    Png,
    Svg,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Avif => "avif",
            OutputFormat::WebP => "webp",
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Svg => "svg",
        }
    }

    /// The MIME type, for `<source type=…>`.
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Avif => "image/avif",
            OutputFormat::WebP => "image/webp",
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::Svg => "image/svg+xml",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Avif => "AVIF",
            OutputFormat::WebP => "WebP",
            OutputFormat::Jpeg => "JPEG",
            OutputFormat::Png => "PNG",
            OutputFormat::Svg => "SVG",
        }
    }
}

/// What a variant is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A width of the whole image, for `srcset`.
    Responsive,
    /// A focal crop to an aspect ratio.
    Crop(Aspect),
    /// The 1200×630 share image.
    Share,
    /// The source itself, copied (SVG).
    Original,
}

/// One output file.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub role: Role,
    pub format: OutputFormat,
    pub width: u32,
    pub height: u32,
    /// Output path relative to the output root, `/` separated.
    pub path: String,
    /// The part of the upright source it shows; `None` for all of it.
    pub crop: Option<CropRect>,
    /// Cache key: hash of engine version, source bytes and this variant's
    /// full spec (format, size, crop, quality).
    pub cache_key: String,
}

/// The settings that change encoded bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EncodeSettings {
    pub jpeg_quality: u8,
    pub webp_quality: u8,
    pub avif_quality: u8,
    pub avif_speed: u8,
}

impl EncodeSettings {
    fn quality_key(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Avif => format!("q{}s{}", self.avif_quality, self.avif_speed),
            OutputFormat::WebP => format!("q{}m4", self.webp_quality),
            OutputFormat::Jpeg => format!("q{}p420", self.jpeg_quality),
            OutputFormat::Png | OutputFormat::Svg => String::new(),
        }
    }
}

/// Everything known about an image before encoding: what [`plan`] returns.
#[derive(Debug, Clone)]
pub struct ImagePlan {
    /// Source path relative to the site root, as in the spec.
    pub source: PathBuf,
    /// The source file on disk.
    pub source_file: PathBuf,
    /// Real (sniffed) format.
    pub format: SourceFormat,
    /// Upright size of the source (after EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    /// Format of the `<img>` fallback.
    pub fallback: OutputFormat,
    /// Focal point used for crops (clamped to 0–1).
    pub focus: Option<(f32, f32)>,
    /// 8 hex digits in every output name.
    pub hash: String,
    pub variants: Vec<Variant>,
    /// Things to tell the writer; the image is still published.
    pub warnings: Vec<ImageWarning>,
    digest: [u8; 32],
    header: Option<probe::Header>,
    settings: EncodeSettings,
}

impl ImagePlan {
    /// The variants with `role`, of every format.
    pub fn variants_with(&self, role: Role) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(move |v| v.role == role)
    }

    /// The formats made for `role`, best first (AVIF, WebP, fallback).
    pub fn formats(&self, role: Role) -> Vec<OutputFormat> {
        let mut formats: Vec<OutputFormat> = Vec::new();
        for v in self.variants_with(role) {
            if !formats.contains(&v.format) {
                formats.push(v.format);
            }
        }
        formats
    }

    /// `url 480w, url 800w, …` for one role and format; each URL is
    /// `url_prefix` + the variant path, percent-encoded where needed (not
    /// HTML-escaped: [`picture_html`] does that).
    pub fn srcset(&self, role: Role, format: OutputFormat, url_prefix: &str) -> String {
        self.variants_with(role)
            .filter(|v| v.format == format)
            .map(|v| format!("{} {}w", html::url(url_prefix, &v.path), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The widest variant of `role` in `format`.
    pub fn largest(&self, role: Role, format: OutputFormat) -> Option<&Variant> {
        self.variants_with(role)
            .filter(|v| v.format == format)
            .max_by_key(|v| v.width)
    }

    /// The share image, if one is made.
    pub fn share(&self) -> Option<&Variant> {
        self.variants_with(Role::Share).next()
    }

    /// Whether the output is the source copied (SVG): nothing to encode.
    pub fn is_copy(&self) -> bool {
        self.header.is_none()
    }

    /// The plan `serve` shows while the variants are made: one file, the
    /// source itself copied as `STEM.HASH.preview.EXT`, with the upright
    /// width and height, so the page does not jump when the `<picture>`
    /// replaces it. `None` for an SVG, which is always copied anyway.
    pub fn preview(&self) -> Option<ImagePlan> {
        if self.is_copy() {
            return None;
        }
        let (format, extension) = match self.format {
            SourceFormat::Jpeg => (OutputFormat::Jpeg, "jpg"),
            SourceFormat::Png => (OutputFormat::Png, "png"),
            SourceFormat::Gif => (OutputFormat::Png, "gif"),
            SourceFormat::WebP => (OutputFormat::WebP, "webp"),
            SourceFormat::Svg => return None,
        };
        let first = self.variants.first()?;
        let marker = format!(".{}.", self.hash);
        let stem = &first.path[..first.path.find(&marker)?];
        Some(ImagePlan {
            fallback: format,
            variants: vec![Variant {
                role: Role::Original,
                format,
                width: self.width,
                height: self.height,
                path: format!("{stem}.{}.preview.{extension}", self.hash),
                crop: None,
                cache_key: String::new(),
            }],
            warnings: Vec::new(),
            ..self.clone()
        })
    }
}

/// Bytes counted by [`produce`] for one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Produced {
    /// Variants taken from the cache.
    pub cached: usize,
    /// Variants encoded now.
    pub encoded: usize,
    /// Variants copied from the source (SVG).
    pub copied: usize,
}

/// The writer of output files: `(path relative to the output root, bytes)`.
/// Called from several threads.
pub type OutputSink<'a> = dyn Fn(&str, &[u8]) -> io::Result<()> + Sync + 'a;

/// The publisher of stored variants: `(path, cache key, the cache entry)`.
/// An output that knows the file at `path` already holds that entry answers
/// [`Stored::Kept`] without looking at the entry.
pub type StoredSink<'a> = dyn Fn(&str, &str, &dyn StoredEntry) -> io::Result<Stored> + Sync + 'a;

pub use crate::output::{Stored, StoredEntry};

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        // Length-prefixed so that part boundaries cannot shift.
        ctx.update(&(part.len() as u64).to_le_bytes());
        ctx.update(part);
    }
    ctx.finish()
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_source(rel: &Path, full: &Path) -> Result<Vec<u8>, ImageError> {
    let read_error = |source: io::Error| {
        if source.kind() == io::ErrorKind::NotFound {
            ImageError::NotFound {
                path: rel.to_path_buf(),
            }
        } else {
            ImageError::Read {
                path: rel.to_path_buf(),
                source,
            }
        }
    };
    let meta = fs::metadata(full).map_err(read_error)?;
    if meta.is_dir() {
        return Err(ImageError::Read {
            path: rel.to_path_buf(),
            source: io::Error::other("it is a folder"),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ImageError::FileTooLarge {
            path: rel.to_path_buf(),
            bytes: meta.len(),
            max: MAX_FILE_BYTES,
        });
    }
    fs::read(full).map_err(read_error)
}

/// `/`-separated path without root, `.` or `..` parts, so outputs stay in
/// the output folder.
fn clean_stem(stem: &str) -> String {
    Path::new(stem)
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn default_stem(source: &Path) -> String {
    clean_stem(&source.with_extension("").to_string_lossy())
}

#[cfg(test)]
mod tests;
