//! Images that are broken, too large, animated, mislabelled or able to run
//! scripts: each an error or a documented pass-through, never a crash.

#![allow(clippy::wildcard_imports)]

use super::*;

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid tiny PNG whose IHDR claims `w`×`h`.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut png = png_bytes(&photo(8, 8));
    // IHDR data starts at 16 (8 signature + 4 length + 4 type).
    png[16..20].copy_from_slice(&w.to_be_bytes());
    png[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// A valid tiny JPEG whose frame header claims `w`×`h`.
fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 80)
        .encode(&[128; 8 * 8 * 3], 8, 8, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let sof = jpeg
        .windows(2)
        .position(|m| m[0] == 0xFF && (m[1] == 0xC0 || m[1] == 0xC2))
        .unwrap();
    jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    jpeg
}

#[test]
fn decompression_bombs_are_refused_from_the_header_fast() {
    let site = site_with(&[
        ("bomb.png", &png_claiming(30_000, 30_000)),
        ("bomb.jpg", &jpeg_claiming(30_000, 30_000)),
    ]);
    for name in ["bomb.png", "bomb.jpg"] {
        let started = Instant::now();
        let err = plan(site.path(), &ImageSpec::new(name), &test_config()).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        match &err {
            ImageError::TooLarge { width, height, .. } => {
                assert_eq!((*width, *height), (30_000, 30_000))
            }
            other => panic!("{name}: {other}"),
        }
        assert!(err.help().contains("max_megapixels"));
    }
}

#[test]
fn a_header_that_lies_about_the_size_is_refused_when_decoding() {
    // Under the megapixel limit, but the data holds 8×8 pixels, not 2000×2000.
    let site = site_with(&[("liar.png", &png_claiming(2000, 2000))]);
    let plan = plan(site.path(), &ImageSpec::new("liar.png"), &test_config()).unwrap();
    let err = produce_discarding(&plan).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::Corrupt { .. } | ImageError::Truncated { .. }
        ),
        "{err}"
    );
}

#[test]
fn truncated_and_corrupt_files_are_errors() {
    let jpeg = jpeg_with_metadata(&photo(200, 150), 1);
    let png = png_bytes(&photo(200, 150));
    let mut flipped = png.clone();
    let idat = flipped.windows(4).position(|w| w == b"IDAT").unwrap();
    for b in &mut flipped[idat + 10..idat + 40] {
        *b ^= 0x5A;
    }
    let site = site_with(&[
        ("cut.jpg", &jpeg[..jpeg.len() * 2 / 3]),
        ("cut.png", &png[..png.len() / 2]),
        ("flipped.png", &flipped),
        ("noise.jpg", &[0x13u8; 500]),
        ("empty.png", b""),
    ]);
    let config = test_config();
    let err = |name: &str| -> ImageError {
        match plan(site.path(), &ImageSpec::new(name), &config) {
            Err(e) => e,
            Ok(plan) => produce_discarding(&plan).expect_err(name),
        }
    };
    assert!(matches!(err("cut.jpg"), ImageError::Truncated { .. }));
    assert!(matches!(err("cut.png"), ImageError::Truncated { .. }));
    assert!(
        matches!(err("flipped.png"), ImageError::Corrupt { .. }),
        "{}",
        err("flipped.png")
    );
    assert!(matches!(err("noise.jpg"), ImageError::UnknownFormat { .. }));
    assert!(err("empty.png").to_string().contains("empty"));
    assert!(matches!(err("missing.jpg"), ImageError::NotFound { .. }));
    assert!(!err("missing.jpg").help().is_empty());
}

#[test]
fn wrong_extension_is_sniffed_and_warned_about() {
    let site = site_with(&[("foto.jpg", &png_bytes(&photo(64, 48)))]);
    let plan = plan(site.path(), &ImageSpec::new("foto.jpg"), &test_config()).unwrap();
    assert_eq!(plan.format, SourceFormat::Png);
    assert_eq!(plan.fallback, OutputFormat::Png);
    assert_eq!(plan.warnings.len(), 2, "{:?}", plan.warnings); // + small share image
    assert!(plan.warnings[0].message.contains("really a PNG"));
    assert!(
        plan.variants
            .iter()
            .all(|v| !v.path.ends_with(".jpg") || v.role == Role::Share)
    );
}

#[test]
fn cmyk_jpeg_is_converted_to_rgb() {
    let (w, h) = (64u16, 48u16);
    let cmyk: Vec<u8> = (0..usize::from(w) * usize::from(h))
        .flat_map(|i| [(i % 200) as u8, 40, 90, 10])
        .collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 85)
        .encode(&cmyk, w, h, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let site = site_with(&[("cmyk.jpg", &jpeg)]);
    let plan = plan(site.path(), &ImageSpec::new("cmyk.jpg"), &test_config()).unwrap();
    let (_, outputs) = run(&plan, &ImageCache::disabled());
    let v = plan.largest(Role::Responsive, OutputFormat::Jpeg).unwrap();
    let out = image::load_from_memory(&outputs[&v.path]).unwrap();
    assert_eq!(out.color(), image::ColorType::Rgb8);
    assert_eq!((out.width(), out.height()), (64, 48));
}

#[test]
fn sixteen_bit_png_becomes_eight_bit() {
    let img = image::ImageBuffer::<Rgba<u16>, _>::from_fn(50, 30, |x, y| {
        Rgba([(x * 1300) as u16, (y * 2100) as u16, 40_000, 65_535])
    });
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            &bytemuck_u16(img.as_raw()),
            50,
            30,
            image::ExtendedColorType::Rgba16,
        )
        .unwrap();
    let site = site_with(&[("deep.png", &png)]);
    let plan = plan(site.path(), &ImageSpec::new("deep.png"), &test_config()).unwrap();
    assert!(plan.has_alpha);
    let (_, outputs) = run(&plan, &ImageCache::disabled());
    let v = plan.largest(Role::Responsive, OutputFormat::Png).unwrap();
    let out = image::load_from_memory(&outputs[&v.path]).unwrap();
    assert_eq!(out.color(), image::ColorType::Rgba8);
    assert_eq!((out.width(), out.height()), (50, 30));
}

/// Native-endian bytes of u16 samples, as `write_image` takes them.
fn bytemuck_u16(samples: &[u16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_ne_bytes()).collect()
}

fn gif(frames: usize) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        for i in 0..frames {
            let frame = RgbaImage::from_pixel(16, 12, Rgba([i as u8 * 80, 20, 200, 255]));
            enc.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    out
}

#[test]
fn animated_gif_is_refused_and_still_gif_becomes_png() {
    let site = site_with(&[("anim.gif", &gif(3)), ("still.gif", &gif(1))]);
    let err = plan(site.path(), &ImageSpec::new("anim.gif"), &test_config()).unwrap_err();
    assert!(matches!(err, ImageError::Animated { .. }), "{err}");
    assert!(err.help().contains("video"));
    let still = plan(site.path(), &ImageSpec::new("still.gif"), &test_config()).unwrap();
    assert_eq!(still.fallback, OutputFormat::Png);
    let (_, outputs) = run(&still, &ImageCache::disabled());
    assert_eq!(outputs.len(), still.variants.len());
}

#[test]
fn svg_is_copied_unless_it_can_run_scripts() {
    let clean = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"><rect width="10" height="10"/></svg>"#;
    let evil = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>fetch('//x')</script></svg>"#;
    let site = site_with(&[("kart.svg", clean), ("evil.svg", evil)]);
    let plan = plan(site.path(), &ImageSpec::new("kart.svg"), &test_config()).unwrap();
    assert_eq!((plan.width, plan.height), (300, 150));
    assert_eq!(plan.variants.len(), 1);
    let (produced, outputs) = run(&plan, &ImageCache::disabled());
    assert_eq!(produced.copied, 1);
    assert_eq!(outputs[&format!("kart.{}.svg", plan.hash)], clean.to_vec());
    let html = picture_html(&plan, &PictureOptions::new("Kart", "100vw"));
    assert!(html.starts_with("<img src=\"/kart."), "{html}");
    let err = super::plan(site.path(), &ImageSpec::new("evil.svg"), &test_config()).unwrap_err();
    assert!(matches!(err, ImageError::SvgActiveContent { .. }), "{err}");
}

#[test]
fn unsupported_formats_are_named() {
    let mut tiff = Vec::from(&b"II\x2a\x00"[..]);
    tiff.extend_from_slice(&[0; 60]);
    let mut heic = Vec::from(&b"\0\0\0\x18ftypheic"[..]);
    heic.extend_from_slice(&[0; 60]);
    let site = site_with(&[("a.tif", &tiff), ("b.heic", &heic)]);
    for (name, format) in [("a.tif", "TIFF"), ("b.heic", "HEIC")] {
        match plan(site.path(), &ImageSpec::new(name), &test_config()) {
            Err(ImageError::UnsupportedFormat { format: f, .. }) => assert_eq!(f, format),
            other => panic!("{name}: {other:?}"),
        }
    }
}
