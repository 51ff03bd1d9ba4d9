//! Pixels to bytes: crop + resize with fast_image_resize, then encode. The
//! encoders are given raw pixels only, so no EXIF, XMP, IPTC, ICC or comment
//! from the source can reach an output file.

use std::path::Path;

use fast_image_resize as fr;
use image::DynamicImage;

use super::error::ImageError;
use super::geometry::CropRect;
use super::{EncodeSettings, OutputFormat};

/// Upright 8-bit pixels, RGB or RGBA.
#[derive(Clone)]
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub data: Vec<u8>,
}

impl Pixels {
    pub fn from_image(image: DynamicImage) -> Pixels {
        let (width, height) = (image.width(), image.height());
        match image {
            DynamicImage::ImageRgba8(buf) => Pixels {
                width,
                height,
                alpha: true,
                data: buf.into_raw(),
            },
            other => Pixels {
                width,
                height,
                alpha: false,
                data: other.into_rgb8().into_raw(),
            },
        }
    }

    fn pixel_type(&self) -> fr::PixelType {
        if self.alpha {
            fr::PixelType::U8x4
        } else {
            fr::PixelType::U8x3
        }
    }
}

/// The `crop` of `source` (the whole image when `None`) scaled to
/// `width`×`height` with Lanczos3, alpha-aware.
pub(crate) fn resize(
    source: &Pixels,
    crop: Option<CropRect>,
    width: u32,
    height: u32,
) -> Result<Pixels, String> {
    let src = fr::images::ImageRef::new(
        source.width,
        source.height,
        &source.data,
        source.pixel_type(),
    )
    .map_err(|e| e.to_string())?;
    let mut dst = fr::images::Image::new(width, height, source.pixel_type());
    let crop = crop.unwrap_or(CropRect {
        x: 0,
        y: 0,
        width: source.width,
        height: source.height,
    });
    let options = fr::ResizeOptions::new()
        .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3))
        .crop(
            f64::from(crop.x),
            f64::from(crop.y),
            f64::from(crop.width),
            f64::from(crop.height),
        );
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(Pixels {
        width,
        height,
        alpha: source.alpha,
        data: dst.into_vec(),
    })
}

/// RGB on white, for formats without alpha (JPEG).
fn flatten(pixels: &Pixels) -> Vec<u8> {
    if !pixels.alpha {
        return pixels.data.clone();
    }
    pixels
        .data
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect()
}

/// Encodes `pixels` as `format`.
pub(crate) fn encode(
    path: &Path,
    pixels: &Pixels,
    format: OutputFormat,
    settings: &EncodeSettings,
) -> Result<Vec<u8>, ImageError> {
    let failed = |detail: String| ImageError::Encode {
        path: path.to_path_buf(),
        format: format.name(),
        detail,
    };
    match format {
        OutputFormat::Jpeg => {
            let rgb = flatten(pixels);
            let (w, h) = (
                u16::try_from(pixels.width).map_err(|e| failed(e.to_string()))?,
                u16::try_from(pixels.height).map_err(|e| failed(e.to_string()))?,
            );
            let mut out = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, settings.jpeg_quality);
            encoder.set_progressive(true);
            encoder.set_optimized_huffman_tables(true);
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
            encoder
                .encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| failed(e.to_string()))?;
            Ok(out)
        }
        OutputFormat::Png => {
            use image::ImageEncoder;
            let mut out = Vec::new();
            let encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            );
            let color = if pixels.alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            encoder
                .write_image(&pixels.data, pixels.width, pixels.height, color)
                .map_err(|e| failed(e.to_string()))?;
            Ok(out)
        }
        OutputFormat::WebP => {
            let layout = if pixels.alpha {
                webp::PixelLayout::Rgba
            } else {
                webp::PixelLayout::Rgb
            };
            let encoder = webp::Encoder::new(&pixels.data, layout, pixels.width, pixels.height);
            let mut config =
                webp::WebPConfig::new().map_err(|_| failed("libwebp version mismatch".into()))?;
            config.quality = f32::from(settings.webp_quality);
            config.method = 4;
            config.alpha_quality = 90;
            let memory = encoder
                .encode_advanced(&config)
                .map_err(|e| failed(format!("{e:?}")))?;
            Ok(memory.to_vec())
        }
        OutputFormat::Avif => encode_avif(pixels, settings).map_err(failed),
        OutputFormat::Svg => Err(failed("SVG is copied, not encoded".into())),
    }
}

#[cfg(feature = "avif")]
fn encode_avif(pixels: &Pixels, settings: &EncodeSettings) -> Result<Vec<u8>, String> {
    use ravif::{Encoder, Img, RGB8, RGBA8};
    let (w, h) = (pixels.width as usize, pixels.height as usize);
    let encoder = Encoder::new()
        .with_quality(f32::from(settings.avif_quality))
        .with_alpha_quality(f32::from(settings.avif_quality.saturating_add(10).min(100)))
        .with_speed(settings.avif_speed);
    let encoded = if pixels.alpha {
        let rgba: Vec<RGBA8> = pixels
            .data
            .chunks_exact(4)
            .map(|p| RGBA8::new(p[0], p[1], p[2], p[3]))
            .collect();
        encoder.encode_rgba(Img::new(&rgba[..], w, h))
    } else {
        let rgb: Vec<RGB8> = pixels
            .data
            .chunks_exact(3)
            .map(|p| RGB8::new(p[0], p[1], p[2]))
            .collect();
        encoder.encode_rgb(Img::new(&rgb[..], w, h))
    };
    encoded.map(|e| e.avif_file).map_err(|e| e.to_string())
}

#[cfg(not(feature = "avif"))]
fn encode_avif(_: &Pixels, _: &EncodeSettings) -> Result<Vec<u8>, String> {
    Err("forklar was built without the avif feature".into())
}
