//! What can go wrong with an image, as values with a message and a help text.
//! The caller adds the file and line of the front matter or Markdown that
//! named the image, e.g. `Diagnostic::new(err.to_string()).with_help(err.help())`.

use std::io;
use std::path::PathBuf;

/// An image that cannot be published. `Display` is the message; [`help`]
/// says what the writer can do about it.
///
/// [`help`]: ImageError::help
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("image {} not found", .path.display())]
    NotFound { path: PathBuf },

    #[error("could not read image {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{} is not an image forklar can read ({found})", .path.display())]
    UnknownFormat { path: PathBuf, found: String },

    #[error("{} is a {format} image, which forklar does not publish", .path.display())]
    UnsupportedFormat { path: PathBuf, format: String },

    #[error(
        "{} is {width}×{height} pixels ({:.0} megapixels), over the limit of {max_megapixels}",
        .path.display(), f64::from(*.width) * f64::from(*.height) / 1e6
    )]
    TooLarge {
        path: PathBuf,
        width: u32,
        height: u32,
        max_megapixels: u32,
    },

    #[error("{} is a {bytes}-byte file, over the limit of {max} bytes", .path.display())]
    FileTooLarge { path: PathBuf, bytes: u64, max: u64 },

    #[error("{} is damaged: {detail}", .path.display())]
    Corrupt { path: PathBuf, detail: String },

    #[error("{} is cut short: the file ends before the image does", .path.display())]
    Truncated { path: PathBuf },

    #[error("{} is an animated {format}", .path.display())]
    Animated { path: PathBuf, format: String },

    #[error("{} contains {what}, which could run as a script on the site", .path.display())]
    SvgActiveContent { path: PathBuf, what: String },

    #[error("{} gives no size (no width/height or viewBox on <svg>)", .path.display())]
    SvgNoSize { path: PathBuf },

    #[error("{} changed while the site was being built", .path.display())]
    Changed { path: PathBuf },

    #[error("could not encode {} as {format}: {detail}", .path.display())]
    Encode {
        path: PathBuf,
        format: &'static str,
        detail: String,
    },

    #[error("could not use the image cache at {}: {source}", .path.display())]
    Cache {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("could not write {path}: {source}")]
    Output {
        path: String,
        #[source]
        source: io::Error,
    },
}

impl ImageError {
    /// What the writer or site owner can do about it.
    pub fn help(&self) -> String {
        match self {
            ImageError::NotFound { .. } => {
                "check the spelling: `foto.jpg` is beside the file that names it, `/bilder/foto.jpg` is static/bilder/foto.jpg".into()
            }
            ImageError::Read { .. } => "check that the file is readable".into(),
            ImageError::UnknownFormat { .. } => {
                "forklar publishes JPEG, PNG, WebP, still GIF and SVG; export the image as JPEG (photos) or PNG (graphics)".into()
            }
            ImageError::UnsupportedFormat { .. } => {
                "export the image as JPEG (photos) or PNG (graphics, screenshots)".into()
            }
            ImageError::TooLarge { max_megapixels, .. } => format!(
                "scale the image down below {max_megapixels} megapixels before adding it, or raise images.max_megapixels in site.toml if it is genuine"
            ),
            ImageError::FileTooLarge { .. } => {
                "scale the image down or save it with stronger compression".into()
            }
            ImageError::Corrupt { .. } => {
                "open the image in an image editor and save it again; if that fails, get a new copy from the source".into()
            }
            ImageError::Truncated { .. } => {
                "the download or copy was probably interrupted: get the file again".into()
            }
            ImageError::Animated { .. } => {
                "use a video (MP4/WebM) for moving pictures, or export one frame as PNG or JPEG".into()
            }
            ImageError::SvgActiveContent { .. } => {
                "remove scripts, event handlers (onclick=…), javascript: links and <foreignObject> from the SVG, or export it as PNG".into()
            }
            ImageError::SvgNoSize { .. } => {
                "give the <svg> element width and height attributes or a viewBox".into()
            }
            ImageError::Changed { .. } => "build again once the file is saved".into(),
            ImageError::Encode { .. } => {
                "this is probably a bug in forklar; please report it with the image".into()
            }
            ImageError::Cache { .. } => {
                "check the permissions of .forklar-cache/ in the site folder; it is safe to delete".into()
            }
            ImageError::Output { .. } => "check that the output folder is writable".into(),
        }
    }
}

/// Something worth telling the writer about an image that is still published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageWarning {
    pub message: String,
    pub help: String,
}

impl ImageWarning {
    pub(crate) fn new(message: impl Into<String>, help: impl Into<String>) -> ImageWarning {
        ImageWarning {
            message: message.into(),
            help: help.into(),
        }
    }
}
