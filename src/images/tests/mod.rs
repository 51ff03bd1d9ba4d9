//! Unit tests of the image engine, on tiny fixtures made here.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

use super::*;

mod hostile;

/// Small outputs so that debug-mode tests stay fast.
fn test_config() -> ImageConfig {
    ImageConfig {
        widths: vec![96, 160, 320],
        crop_width: 120,
        avif_speed: 10,
        ..ImageConfig::default()
    }
}

/// A photo-like image: smooth gradients plus some texture.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let t = ((x * 7 + y * 13) % 17) as u8;
        Rgb([
            (x * 255 / width.max(1)) as u8 ^ t,
            (y * 255 / height.max(1)) as u8,
            ((x + y) * 127 / (width + height)) as u8 + t,
        ])
    })
}

fn paint(img: &mut RgbImage, cx: u32, cy: u32, half: u32, color: [u8; 3]) {
    for y in cy.saturating_sub(half)..(cy + half).min(img.height()) {
        for x in cx.saturating_sub(half)..(cx + half).min(img.width()) {
            img.put_pixel(x, y, Rgb(color));
        }
    }
}

/// A little-endian TIFF block with Make, Orientation and a GPS IFD
/// (latitude/longitude), as a phone writes into EXIF.
fn exif_tiff(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    // IFD0 at 8: 3 entries → ends at 8 + 2 + 36 + 4 = 50.
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, 7, 50); // Make, at 50
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(&mut t, 0x8825, 4, 1, 58); // GPS IFD, at 58
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(b"SpyCam\0\0"); // 50..58
    // GPS IFD at 58: 4 entries → ends at 58 + 2 + 48 + 4 = 112.
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, 112);
    entry(&mut t, 0x0003, 2, 2, u32::from_le_bytes(*b"E\0\0\0"));
    entry(&mut t, 0x0004, 5, 3, 136);
    t.extend_from_slice(&0u32.to_le_bytes());
    for (num, den) in [
        (59u32, 1u32),
        (54, 1),
        (4415, 100),
        (10, 1),
        (45, 1),
        (1234, 100),
    ] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    assert_eq!(t.len(), 160);
    t
}

/// A JPEG with EXIF (GPS, orientation), XMP and IPTC segments.
fn jpeg_with_metadata(img: &RgbImage, orientation: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.add_exif_metadata(&exif_tiff(orientation)).unwrap();
    enc.add_app_segment(
        1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>secret-xmp-creator</x:xmpmeta>".to_vec(),
    )
    .unwrap();
    enc.add_app_segment(
        13,
        b"Photoshop 3.0\08BIM\x04\x04IPTC-SECRET-BYLINE".to_vec(),
    )
    .unwrap();
    enc.encode(
        img.as_raw(),
        img.width() as u16,
        img.height() as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    out
}

fn png_bytes(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn site_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

type Outputs = BTreeMap<String, Vec<u8>>;

fn run(plan: &ImagePlan, cache: &ImageCache) -> (Produced, Outputs) {
    let outputs = Mutex::new(Outputs::new());
    let write = |path: &str, bytes: &[u8]| {
        outputs
            .lock()
            .unwrap()
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    };
    let produced = produce(plan, cache, &write, None).unwrap();
    (produced, outputs.into_inner().unwrap())
}

/// Produces `plan` without a cache, throwing the files away.
fn produce_discarding(plan: &ImagePlan) -> Result<Produced, ImageError> {
    produce(
        plan,
        &ImageCache::disabled(),
        &|_: &str, _: &[u8]| Ok(()),
        None,
    )
}

/// Width and height stored in an AVIF's `ispe` box.
fn avif_size(bytes: &[u8]) -> (u32, u32) {
    let at = bytes
        .windows(4)
        .position(|w| w == b"ispe")
        .expect("ispe box");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(at + 8), be(at + 12))
}

fn decoded_size(format: OutputFormat, bytes: &[u8]) -> (u32, u32) {
    match format {
        OutputFormat::Avif => {
            assert_eq!(&bytes[4..12], b"ftypavif");
            avif_size(bytes)
        }
        _ => {
            let img = image::load_from_memory(bytes).unwrap();
            (img.width(), img.height())
        }
    }
}

fn is_red(p: &Rgb<u8>) -> bool {
    p[0] > 200 && p[1] < 40 && p[2] < 40
}

#[test]
fn plan_names_sizes_and_formats_without_decoding() {
    let site = site_with(&[("bilder/foto.jpg", &jpeg_with_metadata(&photo(400, 300), 1))]);
    let plan = plan(
        site.path(),
        &ImageSpec::new("bilder/foto.jpg"),
        &test_config(),
    )
    .unwrap();
    assert_eq!((plan.width, plan.height), (400, 300));
    assert_eq!(plan.format, SourceFormat::Jpeg);
    assert_eq!(plan.fallback, OutputFormat::Jpeg);
    assert_eq!(plan.hash.len(), 8);
    let expected_formats: Vec<OutputFormat> = if cfg!(feature = "avif") {
        vec![OutputFormat::Avif, OutputFormat::WebP, OutputFormat::Jpeg]
    } else {
        vec![OutputFormat::WebP, OutputFormat::Jpeg]
    };
    assert_eq!(plan.formats(Role::Responsive), expected_formats);
    let webp = plan.srcset(Role::Responsive, OutputFormat::WebP, "/");
    assert_eq!(
        webp,
        format!(
            "/bilder/foto.{h}.96.webp 96w, /bilder/foto.{h}.160.webp 160w, /bilder/foto.{h}.320.webp 320w",
            h = plan.hash
        )
    );
    let share = plan.share().unwrap();
    assert_eq!((share.width, share.height), (400, 210));
    assert_eq!(share.format, OutputFormat::Jpeg);
    assert_eq!(
        plan.warnings.len(),
        1,
        "only: too small to share at 1200×630"
    );
    let square = plan
        .largest(Role::Crop(Aspect::new(1, 1)), OutputFormat::Jpeg)
        .unwrap();
    assert_eq!((square.width, square.height), (120, 120));
    // Every cache key is distinct.
    let mut keys: Vec<_> = plan.variants.iter().map(|v| &v.cache_key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), plan.variants.len());
}

#[test]
fn share_image_of_a_small_source_warns() {
    let site = site_with(&[("a.png", &png_bytes(&photo(300, 200)))]);
    let config = ImageConfig {
        widths: vec![100],
        ..ImageConfig::default()
    };
    let plan = plan(site.path(), &ImageSpec::new("a.png"), &config).unwrap();
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].message.contains("share"));
}

#[test]
fn outputs_match_the_plan_and_carry_no_metadata() {
    let source = jpeg_with_metadata(&photo(400, 300), 1);
    // The fixture really has the GPS data the outputs must lose.
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&source))
        .unwrap();
    assert!(
        exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );

    let site = site_with(&[("foto.jpg", &source)]);
    let plan = plan(site.path(), &ImageSpec::new("foto.jpg"), &test_config()).unwrap();
    let (produced, outputs) = run(&plan, &ImageCache::disabled());
    assert_eq!(produced.encoded, plan.variants.len());
    assert_eq!(outputs.len(), plan.variants.len());
    for v in &plan.variants {
        let bytes = &outputs[&v.path];
        assert_eq!(
            decoded_size(v.format, bytes),
            (v.width, v.height),
            "{}",
            v.path
        );
        assert!(
            v.width <= plan.width && v.height <= plan.height,
            "upscaled {}",
            v.path
        );
        for secret in [
            &b"SpyCam"[..],
            b"secret-xmp",
            b"IPTC-SECRET",
            b"Exif\0\0",
            b"8BIM",
        ] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{} leaks {:?}",
                v.path,
                String::from_utf8_lossy(secret)
            );
        }
        if v.format != OutputFormat::Avif {
            let read = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes));
            assert!(read.is_err(), "{} has EXIF", v.path);
        }
    }
}

#[test]
fn exif_orientation_is_applied_first() {
    // Stored landscape 60×40 with orientation 6 (rotate 90° clockwise to
    // view): the viewer sees a 40×60 portrait, stored top-left at top-right.
    let mut stored = photo(60, 40);
    paint(&mut stored, 6, 6, 6, [255, 0, 0]);
    let site = site_with(&[("phone.jpg", &jpeg_with_metadata(&stored, 6))]);
    let config = ImageConfig {
        widths: vec![40],
        crops: vec![],
        share: false,
        avif: false,
        ..ImageConfig::default()
    };
    let plan = plan(site.path(), &ImageSpec::new("phone.jpg"), &config).unwrap();
    assert_eq!((plan.width, plan.height), (40, 60));
    let (_, outputs) = run(&plan, &ImageCache::disabled());
    let jpeg = plan.largest(Role::Responsive, OutputFormat::Jpeg).unwrap();
    let img = image::load_from_memory(&outputs[&jpeg.path])
        .unwrap()
        .into_rgb8();
    assert_eq!(img.dimensions(), (40, 60));
    assert!(is_red(img.get_pixel(34, 5)), "top right should be red");
    assert!(!is_red(img.get_pixel(5, 5)), "top left should not");
}

#[test]
fn focal_crops_keep_the_marked_point() {
    // A red square near the right edge, outside a centred square crop.
    let mut img = photo(400, 300);
    paint(&mut img, 380, 60, 10, [255, 0, 0]);
    let site = site_with(&[("f.png", &png_bytes(&img))]);
    let config = ImageConfig {
        widths: vec![100],
        crops: vec![Aspect::new(1, 1), Aspect::new(16, 9)],
        avif: false,
        webp: false,
        ..ImageConfig::default()
    };
    let red_in = |spec: ImageSpec, role: Role| -> bool {
        let plan = plan(site.path(), &spec, &config).unwrap();
        let (_, outputs) = run(&plan, &ImageCache::disabled());
        let v = plan.variants_with(role).next().unwrap();
        let out = image::load_from_memory(&outputs[&v.path])
            .unwrap()
            .into_rgb8();
        out.pixels().any(is_red)
    };
    let square = Role::Crop(Aspect::new(1, 1));
    assert!(
        !red_in(ImageSpec::new("f.png"), square),
        "centre crop misses it"
    );
    assert!(red_in(
        ImageSpec::new("f.png").with_focus(0.95, 0.2),
        square
    ));
    assert!(red_in(
        ImageSpec::new("f.png").with_focus(0.95, 0.2),
        Role::Share
    ));
    assert!(red_in(
        ImageSpec::new("f.png").with_focus(0.95, 0.2),
        Role::Crop(Aspect::new(16, 9))
    ));
}

#[test]
fn second_run_is_served_from_the_cache_without_encoding() {
    let site = site_with(&[("foto.jpg", &jpeg_with_metadata(&photo(320, 240), 1))]);
    let cache = ImageCache::for_site(site.path());
    let config = test_config();
    let first_plan = plan(site.path(), &ImageSpec::new("foto.jpg"), &config).unwrap();
    let (first, first_out) = run(&first_plan, &cache);
    assert_eq!(first.encoded, first_plan.variants.len());
    let encodes = cache.stats().encodes;

    let again = plan(site.path(), &ImageSpec::new("foto.jpg"), &config).unwrap();
    assert_eq!(again.hash, first_plan.hash);
    let (second, second_out) = run(&again, &cache);
    assert_eq!(second.encoded, 0);
    assert_eq!(second.cached, again.variants.len());
    assert_eq!(cache.stats().encodes, encodes, "nothing encoded again");
    assert_eq!(first_out, second_out);
    assert!(site.path().join(CACHE_DIR).join("CACHEDIR.TAG").exists());

    // Another quality: new names and new keys for WebP only.
    let changed = ImageConfig {
        webp_quality: 50,
        ..config
    };
    let third = plan(site.path(), &ImageSpec::new("foto.jpg"), &changed).unwrap();
    assert_ne!(third.hash, first_plan.hash);
    let (p, _) = run(&third, &cache);
    assert_eq!(p.encoded, count(&third, OutputFormat::WebP));

    fn count(plan: &ImagePlan, format: OutputFormat) -> usize {
        plan.variants.iter().filter(|v| v.format == format).count()
    }
}

#[test]
fn a_changed_source_after_planning_is_an_error() {
    let site = site_with(&[("a.png", &png_bytes(&photo(50, 40)))]);
    let plan = plan(site.path(), &ImageSpec::new("a.png"), &test_config()).unwrap();
    std::fs::write(site.path().join("a.png"), png_bytes(&photo(51, 40))).unwrap();
    let err = produce_discarding(&plan).unwrap_err();
    assert!(matches!(err, ImageError::Changed { .. }), "{err}");
}

#[test]
fn picture_markup_is_escaped_and_complete() {
    let site = site_with(&[(
        "bilder/sol, hav.jpg",
        &jpeg_with_metadata(&photo(400, 300), 1),
    )]);
    let plan = plan(
        site.path(),
        &ImageSpec::new("bilder/sol, hav.jpg"),
        &test_config(),
    )
    .unwrap();
    let mut options = PictureOptions::new("Sol & \"hav\" <i>", "(min-width: 50rem) 50rem, 100vw");
    let html = picture_html(&plan, &options);
    assert!(html.starts_with("<picture><source type=\"image/"), "{html}");
    assert!(html.contains("<source type=\"image/webp\" srcset=\"/bilder/sol%2C%20hav."));
    assert!(html.contains("alt=\"Sol &amp; &quot;hav&quot; &lt;i&gt;\""));
    assert!(html.contains(" width=\"320\" height=\"240\""), "{html}");
    assert!(html.contains("loading=\"lazy\""));
    assert!(!html.contains("fetchpriority"));
    options.loading = Loading::Priority;
    options.role = Role::Crop(Aspect::new(16, 9));
    options.class = Some("hero\"x");
    let html = picture_html(&plan, &options);
    assert!(html.contains("fetchpriority=\"high\""));
    assert!(!html.contains("loading="));
    assert!(html.contains(".16x9-120.jpg"));
    assert!(html.contains("class=\"hero&quot;x\""));
    assert_eq!(
        html.matches("<source").count(),
        plan.formats(Role::Responsive).len() - 1
    );
}

#[test]
fn produce_all_keeps_order_and_reports_each_image() {
    let site = site_with(&[
        ("a.png", &png_bytes(&photo(90, 60))),
        ("b.png", &png_bytes(&photo(70, 60))),
        ("c.png", &png_bytes(&photo(50, 60))),
    ]);
    let config = ImageConfig {
        avif: false,
        ..test_config()
    };
    let plans: Vec<ImagePlan> = ["a.png", "b.png", "c.png"]
        .iter()
        .map(|n| plan(site.path(), &ImageSpec::new(*n), &config).unwrap())
        .collect();
    std::fs::remove_file(site.path().join("b.png")).unwrap();
    let written = Mutex::new(Vec::new());
    let results = produce_all(
        &plans,
        &ImageCache::disabled(),
        2,
        &|path: &str, _: &[u8]| {
            written.lock().unwrap().push(path.to_string());
            Ok(())
        },
    );
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0].as_ref().unwrap().encoded,
        plans[0].variants.len()
    );
    assert!(matches!(results[1], Err(ImageError::NotFound { .. })));
    assert_eq!(
        results[2].as_ref().unwrap().encoded,
        plans[2].variants.len()
    );
    assert_eq!(
        written.lock().unwrap().len(),
        plans[0].variants.len() + plans[2].variants.len()
    );
}

#[test]
fn output_stems_cannot_leave_the_output_folder() {
    let site = site_with(&[("a.png", &png_bytes(&photo(20, 20)))]);
    let spec = ImageSpec::new("a.png").with_output_stem("../../etc/./x");
    let plan = plan(site.path(), &spec, &test_config()).unwrap();
    assert!(plan.variants.iter().all(|v| v.path.starts_with("etc/x.")));
    assert!(Path::new(&plan.variants[0].path).is_relative());
}

/// Sets a file's modification time `ago` in the past.
fn age(path: &Path, ago: Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - ago)
        .unwrap();
}

#[test]
fn a_settled_source_is_not_read_again_and_a_changed_one_is() {
    let site = site_with(&[("a.png", &png_bytes(&photo(200, 120)))]);
    let file = site.path().join("a.png");
    let memo_dir = site.path().join(memo::MEMO_DIR);
    let config = test_config();
    let spec = ImageSpec::new("a.png");

    // Just saved: hashed, and not remembered, as it might change again
    // within the same clock tick.
    let fresh = plan(site.path(), &spec, &config).unwrap();
    assert!(!memo_dir.exists(), "a file saved just now was remembered");

    age(&file, Duration::from_secs(60));
    let first = plan(site.path(), &spec, &config).unwrap();
    assert_eq!(first.hash, fresh.hash);
    assert_eq!(std::fs::read_dir(&memo_dir).unwrap().count(), 1);
    // Remembered: the same plan, from the memo.
    let again = plan(site.path(), &spec, &config).unwrap();
    assert_eq!(
        (again.hash, again.width, again.height),
        (first.hash.clone(), 200, 120)
    );

    // A new version, even one aged the same way, is read and hashed again.
    std::fs::write(&file, png_bytes(&photo(180, 100))).unwrap();
    age(&file, Duration::from_secs(60));
    let changed = plan(site.path(), &spec, &config).unwrap();
    assert_ne!(changed.hash, first.hash);
    assert_eq!((changed.width, changed.height), (180, 100));
}
