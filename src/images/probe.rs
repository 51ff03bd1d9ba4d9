//! Finding out what a file really is, cheaply: magic bytes, then the
//! decoder's header (dimensions, colour type, EXIF orientation, animation).
//! No pixel data is decoded here.

use std::io::Cursor;
use std::path::Path;

use image::codecs::gif::GifDecoder;
use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::metadata::Orientation;
use image::{AnimationDecoder, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::SourceFormat;
use super::error::ImageError;

/// Header facts about a raster image.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    pub format: SourceFormat,
    /// Stored size, before orientation.
    pub raw_width: u32,
    pub raw_height: u32,
    pub orientation: Orientation,
    pub has_alpha: bool,
}

impl Header {
    /// Upright size, after EXIF orientation.
    pub fn upright(&self) -> (u32, u32) {
        if swaps_axes(self.orientation) {
            (self.raw_height, self.raw_width)
        } else {
            (self.raw_width, self.raw_height)
        }
    }
}

fn swaps_axes(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// The real format, from the content, whatever the extension says.
pub(crate) fn sniff(path: &Path, bytes: &[u8]) -> Result<SourceFormat, ImageError> {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(SourceFormat::Jpeg),
        Ok(ImageFormat::Png) => Ok(SourceFormat::Png),
        Ok(ImageFormat::Gif) => Ok(SourceFormat::Gif),
        Ok(ImageFormat::WebP) => Ok(SourceFormat::WebP),
        Ok(other) => Err(ImageError::UnsupportedFormat {
            path: path.to_path_buf(),
            format: format!("{other:?}").to_uppercase(),
        }),
        Err(_) if super::svg::looks_like_svg(bytes) => Ok(SourceFormat::Svg),
        Err(_) => {
            let found = if bytes.is_empty() {
                "the file is empty".to_string()
            } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
                let brand = String::from_utf8_lossy(&bytes[8..12]).to_string();
                return Err(ImageError::UnsupportedFormat {
                    path: path.to_path_buf(),
                    format: match brand.as_str() {
                        "heic" | "heix" | "mif1" | "heim" | "heis" => "HEIC".into(),
                        _ => format!("ISO media ({brand})"),
                    },
                });
            } else if std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok() {
                "it looks like text".to_string()
            } else {
                "unknown content".to_string()
            };
            Err(ImageError::UnknownFormat {
                path: path.to_path_buf(),
                found,
            })
        }
    }
}

/// Extensions that match each format, the first being the canonical one.
pub(crate) fn extensions(format: SourceFormat) -> &'static [&'static str] {
    match format {
        SourceFormat::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
        SourceFormat::Png => &["png"],
        SourceFormat::Gif => &["gif"],
        SourceFormat::WebP => &["webp"],
        SourceFormat::Svg => &["svg"],
    }
}

fn image_format(format: SourceFormat) -> ImageFormat {
    match format {
        SourceFormat::Jpeg => ImageFormat::Jpeg,
        SourceFormat::Png => ImageFormat::Png,
        SourceFormat::Gif => ImageFormat::Gif,
        SourceFormat::WebP => ImageFormat::WebP,
        SourceFormat::Svg => unreachable!("SVG is not decoded"),
    }
}

/// Limits for reading headers: no image buffer is allocated, so only a cap
/// on metadata allocations (EXIF, ICC) matters.
fn header_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(64 << 20);
    limits
}

/// Reads the header and refuses images over `max_megapixels` before any
/// pixel buffer exists.
pub(crate) fn header(
    path: &Path,
    bytes: &[u8],
    format: SourceFormat,
    max_megapixels: u32,
) -> Result<Header, ImageError> {
    let complete = match format {
        SourceFormat::Jpeg => jpeg_is_complete(bytes),
        // The IEND chunk ends every PNG; GIF ends with a 0x3B trailer.
        SourceFormat::Png => bytes.windows(4).rev().any(|w| w == b"IEND"),
        SourceFormat::Gif => bytes.iter().rev().take(64).any(|b| *b == 0x3B),
        _ => true,
    };
    if !complete {
        return Err(ImageError::Truncated {
            path: path.to_path_buf(),
        });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(format));
    reader.limits(header_limits());
    let mut decoder = reader.into_decoder().map_err(|e| decode_error(path, e))?;
    let (raw_width, raw_height) = decoder.dimensions();
    if raw_width == 0 || raw_height == 0 {
        return Err(ImageError::Corrupt {
            path: path.to_path_buf(),
            detail: "it has no pixels (zero width or height)".into(),
        });
    }
    if u64::from(raw_width) * u64::from(raw_height) > u64::from(max_megapixels) * 1_000_000 {
        return Err(ImageError::TooLarge {
            path: path.to_path_buf(),
            width: raw_width,
            height: raw_height,
            max_megapixels,
        });
    }
    // A damaged EXIF block only loses the orientation, not the image.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let has_alpha = decoder.color_type().has_alpha();
    drop(decoder);
    if is_animated(bytes, format, raw_width, raw_height).map_err(|e| decode_error(path, e))? {
        return Err(ImageError::Animated {
            path: path.to_path_buf(),
            format: match format {
                SourceFormat::Png => "PNG (APNG)".into(),
                SourceFormat::Gif => "GIF".into(),
                _ => "WebP".into(),
            },
        });
    }
    Ok(Header {
        format,
        raw_width,
        raw_height,
        orientation,
        has_alpha,
    })
}

fn is_animated(
    bytes: &[u8],
    format: SourceFormat,
    width: u32,
    height: u32,
) -> image::ImageResult<bool> {
    match format {
        SourceFormat::Png => PngDecoder::new(Cursor::new(bytes))?.is_apng(),
        SourceFormat::WebP => Ok(WebPDecoder::new(Cursor::new(bytes))?.has_animation()),
        SourceFormat::Gif => {
            // Decoding two frames is the reliable test; the size was checked
            // above, so each frame buffer is bounded.
            let mut decoder = GifDecoder::new(Cursor::new(bytes))?;
            decoder.set_limits(decode_limits(width, height))?;
            let mut frames = decoder.into_frames();
            let mut count = 0;
            for frame in frames.by_ref().take(2) {
                frame?;
                count += 1;
            }
            Ok(count > 1)
        }
        SourceFormat::Jpeg | SourceFormat::Svg => Ok(false),
    }
}

/// Limits for decoding pixels of an image whose header said `width`×`height`:
/// 16-bit RGBA plus room for decoder scratch.
pub(crate) fn decode_limits(width: u32, height: u32) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(u64::from(width) * u64::from(height) * 8 + (64 << 20));
    limits
}

/// Decodes the pixels, applies EXIF orientation and returns 8-bit RGB or
/// RGBA (16-bit, grey and palette images are converted; CMYK JPEGs are
/// converted to RGB by the decoder).
pub(crate) fn decode(
    path: &Path,
    bytes: &[u8],
    header: &Header,
) -> Result<image::DynamicImage, ImageError> {
    if header.format == SourceFormat::Jpeg && !jpeg_is_complete(bytes) {
        // The JPEG decoder is lenient and would fill the missing part grey.
        return Err(ImageError::Truncated {
            path: path.to_path_buf(),
        });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(header.format));
    reader.limits(decode_limits(header.raw_width, header.raw_height));
    let decoder = reader.into_decoder().map_err(|e| decode_error(path, e))?;
    let mut image =
        image::DynamicImage::from_decoder(decoder).map_err(|e| decode_error(path, e))?;
    image.apply_orientation(header.orientation);
    Ok(if header.has_alpha {
        image::DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        image::DynamicImage::ImageRgb8(image.into_rgb8())
    })
}

/// A JPEG is complete when an end-of-image marker follows the first
/// start-of-scan. Markers cannot occur inside entropy-coded data (0xFF is
/// stuffed as FF 00), so a file cut short has none. Data appended after the
/// end (MPF depth maps, trailing bytes) does not matter.
pub(crate) fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(sos) = bytes.windows(2).position(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    bytes[sos..].windows(2).any(|w| w == [0xFF, 0xD9])
}

pub(crate) fn decode_error(path: &Path, error: image::ImageError) -> ImageError {
    use image::error::{ImageError as E, LimitErrorKind};
    let path = path.to_path_buf();
    match error {
        E::Limits(limit) => match limit.kind() {
            LimitErrorKind::DimensionError => ImageError::Corrupt {
                path,
                detail: "its dimensions disagree with its header".into(),
            },
            _ => ImageError::Corrupt {
                path,
                detail: format!("decoding it would need too much memory ({limit})"),
            },
        },
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            ImageError::Truncated { path }
        }
        E::Unsupported(what) => ImageError::UnsupportedFormat {
            path,
            format: what.to_string(),
        },
        other => {
            let detail = other.to_string();
            if detail.to_lowercase().contains("eof") || detail.to_lowercase().contains("end of") {
                ImageError::Truncated { path }
            } else {
                ImageError::Corrupt { path, detail }
            }
        }
    }
}
