//! Images on pages, through the real binary: a lead image in front matter
//! becomes a credited `<picture>` whose every file exists at the size the
//! markup claims, with nothing private left in it, a share image for cards
//! and crops for search engines; mistakes are errors at the line naming the
//! image; a second build encodes nothing.

use std::path::Path;

use image::{GenericImageView, Rgb, RgbImage};

use super::common::{TestSite, assert_contains, attribute_values, settle};

const SITE_TOML: &str = "title = \"Forklart\"\nbase_url = \"https://example.org/\"\nlanguage = \"nb\"\n\n[images]\nwidths = [480, 800]\n";

/// A photo-like picture: gradients and texture.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let t = ((x * 7 + y * 13) % 17) as u8;
        Rgb([
            (x * 255 / width) as u8 ^ t,
            (y * 255 / height) as u8,
            ((x + y) * 90 / (width + height)) as u8 + t,
        ])
    })
}

/// A little-endian EXIF (TIFF) block with a camera make and a GPS position,
/// as a phone writes it.
fn exif_with_gps() -> Vec<u8> {
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, 7, 38); // Make, at 38
    entry(&mut t, 0x8825, 4, 1, 46); // GPS IFD, at 46
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(b"SpyCam\0\0"); // 38..46
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, 100);
    entry(&mut t, 0x0003, 2, 2, u32::from_le_bytes(*b"E\0\0\0"));
    entry(&mut t, 0x0004, 5, 3, 124);
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 100);
    for (num, den) in [(43u32, 1u32), (15, 1), (0, 1), (76, 1), (54, 1), (0, 1)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    t
}

fn jpeg(img: &RgbImage, exif: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    if let Some(exif) = exif {
        encoder.add_exif_metadata(exif).unwrap();
    }
    encoder
        .encode(
            img.as_raw(),
            img.width() as u16,
            img.height() as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    out
}

fn article(image_table: &str) -> String {
    format!(
        "+++\ntitle = \"Uro i Almaty\"\ndate = 2022-01-06\nlead = \"Protestene spredte seg.\"\n\n{image_table}+++\nTekst om uroen.\n"
    )
}

const LEAD: &str = "[image]\nfile = \"/bilder/almaty.jpg\"\nalt = \"Røyk over bygårder i Almaty\"\ncredit = \"Foto: NTB\"\ncaption = \"Almaty 6. januar.\"\nfocus = [0.5, 0.4]\n";

fn site_with_lead_photo() -> TestSite {
    let mut exif = b"".to_vec();
    exif.extend_from_slice(&exif_with_gps());
    TestSite::new(SITE_TOML)
        .with(
            "static/bilder/almaty.jpg",
            jpeg(&photo(1800, 1260), Some(&exif)),
        )
        .with("content/uro.md", article(LEAD))
}

/// `/x.jpg` → `public/x.jpg`.
fn public_file(site: &TestSite, url: &str) -> std::path::PathBuf {
    let path = url
        .strip_prefix("https://example.org/")
        .or_else(|| url.strip_prefix('/'))
        .unwrap_or_else(|| panic!("{url} is not an address on the site"));
    site.public_dir().join(path)
}

fn size_of(path: &Path) -> (u32, u32) {
    image::open(path)
        .unwrap_or_else(|e| panic!("{} should be an image: {e}", path.display()))
        .dimensions()
}

fn meta<'a>(html: &'a str, property: &str) -> Option<&'a str> {
    let at = html
        .find(&format!("property=\"{property}\" content=\""))
        .or_else(|| html.find(&format!("name=\"{property}\" content=\"")))?;
    let rest = &html[at..];
    let start = rest.find("content=\"")? + "content=\"".len();
    let end = rest[start..].find('"')?;
    Some(&rest[start..start + end])
}

#[test]
fn a_lead_image_is_a_credited_picture_whose_files_have_the_sizes_claimed() {
    let site = site_with_lead_photo();
    site.build_ok(&[]);
    let html = site.public("uro/index.html");
    let page = "uro/index.html";
    assert_contains(&html, "<picture>", page);
    assert_contains(&html, "<source type=\"image/webp\"", page);
    assert_contains(&html, "fetchpriority=\"high\"", page);
    // The caption has the text's typography: no line break inside a date.
    assert_contains(
        &html,
        "<figcaption>Almaty 6.\u{a0}januar. <span class=\"credit\">Foto: NTB</span></figcaption>",
        page,
    );

    // Every <img> says its size, so nothing jumps while the page loads.
    let imgs: Vec<&str> = html.split("<img ").skip(1).collect();
    assert!(!imgs.is_empty(), "the page should show the image");
    for img in &imgs {
        let tag = &img[..img.find('>').unwrap()];
        assert!(
            tag.contains(" width=\"") && tag.contains(" height=\""),
            "<img {tag}> has no width/height"
        );
    }

    // Every srcset candidate exists with the width it claims, and the
    // height the <img> promises for its aspect.
    let mut checked = 0;
    for srcset in attribute_values(&html, "srcset") {
        for candidate in srcset.split(", ") {
            let (url, width) = candidate.rsplit_once(' ').unwrap();
            let width: u32 = width.trim_end_matches('w').parse().unwrap();
            let (w, h) = size_of(&public_file(&site, url));
            assert_eq!(w, width, "{url} claims {width} px");
            assert_eq!(h, (1260 * width + 900) / 1800, "{url} keeps the aspect");
            checked += 1;
        }
    }
    // 480 and 800 in WebP and JPEG.
    assert_eq!(checked, 4, "two widths in two formats");
    assert!(
        !site.has_public("bilder/almaty.jpg"),
        "the original, with its GPS position, must not be published as it is"
    );
}

#[test]
fn no_output_image_keeps_exif_or_the_gps_position() {
    let site = site_with_lead_photo();
    // The fixture really carries a GPS position.
    let source = std::fs::read(site.root().join("static/bilder/almaty.jpg")).unwrap();
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&source))
        .expect("the fixture has EXIF");
    assert!(
        exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    site.build_ok(&[]);
    let mut images = 0;
    for entry in walk(&site.public_dir()) {
        let ext = entry.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["jpg", "png", "webp", "avif"].contains(&ext) {
            continue;
        }
        images += 1;
        let bytes = std::fs::read(&entry).unwrap();
        let read = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes));
        assert!(read.is_err(), "{} still has EXIF", entry.display());
        assert!(
            !bytes.windows(6).any(|w| w == b"SpyCam"),
            "{} still names the camera",
            entry.display()
        );
    }
    assert!(images >= 8, "only {images} images were published");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn share_image_is_1200_by_630_and_structured_data_lists_the_crops() {
    let site = site_with_lead_photo();
    site.build_ok(&[]);
    let html = site.public("uro/index.html");
    let og = meta(&html, "og:image").expect("an og:image");
    assert_eq!(size_of(&public_file(&site, og)), (1200, 630));
    assert_eq!(meta(&html, "og:image:width"), Some("1200"));
    assert_eq!(meta(&html, "og:image:height"), Some("630"));
    assert_eq!(meta(&html, "twitter:card"), Some("summary_large_image"));
    assert_contains(
        &html,
        "<meta name=\"robots\" content=\"max-image-preview:large\">",
        "uro/index.html",
    );
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let json = &html[start + 35..];
    let json: serde_json::Value =
        serde_json::from_str(&json[..json.find("</script>").unwrap()]).expect("JSON-LD parses");
    let crops = json["image"].as_array().expect("image lists the crops");
    let mut aspects = Vec::new();
    for crop in crops {
        let (w, h) = size_of(&public_file(&site, crop.as_str().unwrap()));
        assert!(w >= 1200, "{crop} is {w} px wide");
        aspects.push((w * 100 / h, crop.clone()));
    }
    let ratios: Vec<u32> = aspects.iter().map(|a| a.0).collect();
    assert_eq!(ratios, vec![177, 133, 100], "16:9, 4:3 and 1:1");
}

#[test]
fn a_repeated_build_takes_every_variant_from_the_cache() {
    let site = site_with_lead_photo();
    let first = site.build_ok(&[]);
    assert!(
        first.stdout.contains("variants encoded, 0 from the cache"),
        "{}",
        first.stdout
    );
    assert!(site.root().join(".forklar-cache/images").is_dir());
    let before = site.snapshot_public();
    std::fs::remove_dir_all(site.public_dir()).unwrap();
    let second = site.build_ok(&[]);
    let entries = cache_entries(&site).len();
    assert!(
        second.stdout.contains(&format!(
            "Images: 0 variants encoded, {entries} from the cache"
        )),
        "the second build should encode nothing and take all {entries} from the cache:\n{}",
        second.stdout
    );
    before.assert_same_bytes(&site.snapshot_public(), "a build from the cache");
}

/// Into an empty folder, variants are copied from the cache by the system
/// without being read; an entry that is a link is still never followed.
#[cfg(unix)]
#[test]
fn a_cache_entry_that_is_a_link_is_made_again_not_copied() {
    let site = site_with_lead_photo();
    site.build_ok(&[]);
    let before = site.snapshot_public();
    let secret = site.outside().join("secret.txt");
    std::fs::write(&secret, "not for the output").unwrap();
    let entries = cache_entries(&site);
    std::fs::remove_file(&entries[0]).unwrap();
    std::os::unix::fs::symlink(&secret, &entries[0]).unwrap();
    std::fs::remove_dir_all(site.public_dir()).unwrap();

    let run = site.build_ok(&[]);
    assert!(
        run.stdout.contains(&format!(
            "Images: 1 variants encoded, {} from the cache",
            entries.len() - 1
        )),
        "the linked entry is encoded again, the others copied:\n{}",
        run.stdout
    );
    before.assert_same_bytes(&site.snapshot_public(), "a build past a linked entry");
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "not for the output",
        "the file the link points to is left alone"
    );
}

/// A site is often someone else's repository: a `.forklar-cache` committed
/// as a link to elsewhere must not be read, written or emptied through.
#[cfg(unix)]
#[test]
fn a_cache_folder_linked_elsewhere_is_not_used() {
    let site = site_with_lead_photo();
    let elsewhere = site.outside().join("elsewhere");
    for folder in ["images", "sources", "search"] {
        std::fs::create_dir_all(elsewhere.join(folder)).unwrap();
        std::fs::write(elsewhere.join(folder).join("a".repeat(64)), "theirs").unwrap();
    }
    std::os::unix::fs::symlink(&elsewhere, site.root().join(".forklar-cache")).unwrap();
    let before = crate::common::Snapshot::of(&elsewhere);
    for _ in 0..2 {
        let run = site.build_ok(&[]);
        assert!(
            run.stdout.contains("variants encoded, 0 from the cache"),
            "every build encodes, since the cache is not used:\n{}",
            run.stdout
        );
    }
    before.assert_unchanged(
        &crate::common::Snapshot::of(&elsewhere),
        "the folder the link points to",
    );
    assert!(site.public("uro/index.html").contains("<picture"));
}

#[test]
fn a_focal_crop_keeps_the_marked_point() {
    // A red mark far right of the middle: a centred square crop misses it.
    let mut img = photo(2400, 1260);
    for y in 580..680 {
        for x in 1990..2090 {
            img.put_pixel(x, y, Rgb([255, 0, 0]));
        }
    }
    let table = "[image]\nfile = \"mark.jpg\"\nalt = \"Et merke\"\ncredit = \"Foto: Test\"\nfocus = [0.85, 0.5]\n";
    let site = TestSite::new(SITE_TOML)
        .with("content/mark.jpg", jpeg(&img, None))
        .with("content/uro.md", article(table));
    site.build_ok(&[]);
    let html = site.public("uro/index.html");
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let json = &html[start + 35..];
    let json: serde_json::Value =
        serde_json::from_str(&json[..json.find("</script>").unwrap()]).unwrap();
    let square = json["image"][2].as_str().unwrap();
    let share = meta(&html, "og:image").unwrap();
    for url in [square, share] {
        let crop = image::open(public_file(&site, url)).unwrap().to_rgb8();
        let red = crop
            .pixels()
            .filter(|p| p[0] > 200 && p[1] < 60 && p[2] < 60)
            .count();
        assert!(red > 1000, "{url} lost the marked point ({red} red pixels)");
    }
}

#[test]
fn a_missing_credit_is_an_error_at_the_line_naming_the_image() {
    let table = "[image]\nfile = \"/bilder/almaty.jpg\"\nalt = \"Almaty\"\n";
    let site = TestSite::new(SITE_TOML)
        .with("static/bilder/almaty.jpg", jpeg(&photo(600, 400), None))
        .with("content/uro.md", article(table));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("no `credit`");
    run.assert_help();
    run.assert_points_at(&site, "content/uro.md", Some(7));
}

#[test]
fn an_empty_alt_needs_decorative() {
    let table = "[image]\nfile = \"/bilder/almaty.jpg\"\nalt = \"\"\ncredit = \"Foto: NTB\"\n";
    let site = TestSite::new(SITE_TOML)
        .with("static/bilder/almaty.jpg", jpeg(&photo(600, 400), None))
        .with("content/uro.md", article(table));
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("not marked decorative");
    run.assert_points_at(&site, "content/uro.md", Some(7));

    let table = "[image]\nfile = \"/bilder/almaty.jpg\"\nalt = \"\"\ndecorative = true\ncredit = \"Foto: NTB\"\n";
    site.write("content/uro.md", article(table));
    site.build_ok(&[]);
    assert_contains(&site.public("uro/index.html"), "alt=\"\"", "uro/index.html");
}

#[test]
fn bad_images_are_errors_at_their_line_and_leave_the_output_alone() {
    let good = jpeg(&photo(600, 400), None);
    let site = TestSite::new(SITE_TOML)
        .with("static/bilder/almaty.jpg", &good)
        .with("content/uro.md", article(LEAD));
    site.build_ok(&[]);
    let before = site.snapshot_public();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("kuttet.jpg", good[..good.len() / 2].to_vec(), "kuttet.jpg"),
        (
            "skript.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(1)</script></svg>".to_vec(),
            "script",
        ),
        ("tekst.jpg", b"dette er ikke et bilde".to_vec(), "tekst.jpg"),
        ("", Vec::new(), "not found"),
    ];
    for (name, bytes, says) in cases {
        let file = if name.is_empty() {
            "mangler.jpg".to_string()
        } else {
            site.write(&format!("content/{name}"), &bytes);
            name.to_string()
        };
        let table =
            format!("[image]\nfile = \"{file}\"\nalt = \"Et bilde\"\ncredit = \"Foto: NTB\"\n");
        site.write("content/uro.md", article(&table));
        let run = site.build(&[]);
        run.assert_failure();
        run.assert_stderr_contains(says);
        run.assert_help();
        run.assert_points_at(&site, "content/uro.md", Some(7));
        before.assert_unchanged(&site.snapshot_public(), &format!("a failed build ({file})"));
    }
}

#[test]
fn an_article_without_an_image_shares_its_background_entrys_then_the_sites() {
    let entry = "+++\ntitle = \"CSTO\"\nsummary = \"En allianse.\"\n\n[image]\nfile = \"csto.jpg\"\nalt = \"Soldater\"\ncredit = \"Foto: Reuters\"\n+++\nTekst.\n";
    let toml = format!("{SITE_TOML}share_image = \"/kort.jpg\"\n");
    let site = TestSite::new(&toml)
        .with("content/background/csto.jpg", jpeg(&photo(1300, 700), None))
        .with("content/background/csto.md", entry)
        .with("static/kort.jpg", jpeg(&photo(1250, 700), None))
        .with(
            "content/uro.md",
            "+++\ntitle = \"Uro\"\ndate = 2022-01-06\nbackground = [\"csto\"]\n+++\nTekst.\n",
        )
        .with(
            "content/annen.md",
            "+++\ntitle = \"Annen\"\ndate = 2022-01-05\n+++\nTekst.\n",
        );
    site.build_ok(&[]);
    let uro = site.public("uro/index.html");
    let og = meta(&uro, "og:image").expect("the entry's image");
    assert!(og.contains("background/csto."), "{og}");
    assert_eq!(size_of(&public_file(&site, og)), (1200, 630));
    let annen = site.public("annen/index.html");
    let og = meta(&annen, "og:image").expect("the site's share image");
    assert!(og.contains("/kort."), "{og}");
    assert_eq!(size_of(&public_file(&site, og)), (1200, 630));
    // The entry's own page shows its picture with its credit.
    let page = site.public("bakgrunn/csto/index.html");
    assert_contains(&page, "<picture>", "bakgrunn/csto/index.html");
    assert_contains(&page, "Foto: Reuters", "bakgrunn/csto/index.html");
}

#[test]
fn a_missing_share_image_is_an_error_at_its_line_in_site_toml() {
    // SITE_TOML's [images] table, then two lines, then the key: line 9.
    let toml =
        format!("{SITE_TOML}# Kortet sosiale medier viser\n\nshare_image = \"/mangler.jpg\"\n");
    let site = TestSite::new(&toml).with(
        "content/annen.md",
        "+++\ntitle = \"Annen\"\ndate = 2022-01-05\n+++\nTekst.\n",
    );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("mangler.jpg");
    run.assert_points_at(&site, "site.toml", Some(9));
}

#[test]
fn an_image_alone_in_a_paragraph_is_a_lazy_credited_figure() {
    let front =
        "[[images]]\nfile = \"foto.jpg\"\ncredit = \"Foto: NTB\"\nlicence = \"CC BY 4.0\"\n";
    let text = format!(
        "+++\ntitle = \"Uro\"\ndate = 2022-01-06\n\n{front}+++\nFørst tekst.\n\n![Røyk over Almaty](foto.jpg \"Almaty 6. januar\")\n\nSå mer tekst.\n"
    );
    let site = TestSite::new(SITE_TOML)
        .with("content/foto.jpg", jpeg(&photo(900, 600), None))
        .with("content/uro.md", text);
    site.build_ok(&[]);
    let html = site.public("uro/index.html");
    let page = "uro/index.html";
    assert_contains(&html, "<figure class=\"article-image\">\n<picture>", page);
    assert_contains(&html, "loading=\"lazy\"", page);
    assert_contains(&html, "alt=\"Røyk over Almaty\"", page);
    assert_contains(
        &html,
        "<span class=\"credit\">Foto: NTB (CC BY 4.0)</span>",
        page,
    );
    assert!(
        !html.contains("<p><figure"),
        "a figure cannot sit in a paragraph"
    );
    for srcset in attribute_values(&html, "srcset") {
        for candidate in srcset.split(", ") {
            let (url, width) = candidate.rsplit_once(' ').unwrap();
            let width: u32 = width.trim_end_matches('w').parse().unwrap();
            assert_eq!(size_of(&public_file(&site, url)).0, width, "{url}");
        }
    }
    assert!(
        !site.has_public("foto.jpg"),
        "an image beside the article is never published as it is"
    );
}

#[test]
fn an_image_in_the_body_without_a_credit_is_an_error_at_its_line() {
    let site = TestSite::new(SITE_TOML)
        .with("content/foto.jpg", jpeg(&photo(300, 200), None))
        .with(
            "content/uro.md",
            "+++\ntitle = \"Uro\"\ndate = 2022-01-06\n+++\nFørst tekst.\n\n![Røyk](foto.jpg)\n",
        );
    let run = site.build(&[]);
    run.assert_failure();
    run.assert_stderr_contains("foto.jpg has no credit");
    run.assert_stderr_contains("[[images]]");
    run.assert_points_at(&site, "content/uro.md", Some(7));
}

/// A small real JPEG, for fixtures that show an image.
pub fn small_jpeg() -> Vec<u8> {
    jpeg(&photo(320, 200), None)
}

/// A small real PNG, for fixtures that show an image.
pub fn small_png() -> Vec<u8> {
    let img = photo(240, 160);
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    out
}

fn image_files(dir: &Path) -> std::collections::BTreeSet<String> {
    walk(dir)
        .into_iter()
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            ["jpg", "png", "webp", "avif"].contains(&ext)
        })
        // The theme's touch icon is no variant of a site's image.
        .filter(|p| !p.ends_with("apple-touch-icon.png"))
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

#[test]
fn serve_renders_again_what_shows_a_changed_image_and_a_text_edit_encodes_nothing() {
    use forklar::build::BuildOptions;
    use forklar::incremental::Session;
    use std::path::PathBuf;

    let table = "[image]\nfile = \"foto.jpg\"\nalt = \"Almaty\"\ncredit = \"Foto: NTB\"\n";
    let site = TestSite::new(SITE_TOML)
        .with("content/foto.jpg", jpeg(&photo(900, 600), None))
        .with("content/uro.md", article(table))
        .with(
            "content/annen.md",
            "+++\ntitle = \"Annen\"\ndate = 2022-01-05\n+++\nTekst.\n",
        );
    let out = tempfile::tempdir().unwrap();
    let served = out.path().join("serve");
    let mut options = BuildOptions::new(site.root());
    options.output = served.clone();
    let mut session = Session::new(options);
    session.rebuild_all("start").expect("the site builds");

    // A text edit renders the article again from the cache: nothing encoded.
    let cache = site.root().join(".forklar-cache/images");
    let cached = |dir: &Path| -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
        walk(dir)
            .into_iter()
            .map(|p| {
                let modified = p.metadata().unwrap().modified().unwrap();
                (p, modified)
            })
            .collect()
    };
    let before = cached(&cache);
    assert!(!before.is_empty(), "the first build fills the cache");
    site.write(
        "content/uro.md",
        article(table).replace("Tekst om uroen.", "Ny tekst om uroen."),
    );
    let report = session
        .apply(&[PathBuf::from("content/uro.md")])
        .expect("the edit builds");
    assert!(report.rendered.contains(&"uro/index.html".to_string()));
    assert_eq!(cached(&cache), before, "a text edit encoded an image");

    // A new version of the image renders again the page showing it, and only
    // that; its old files go, as a fresh build would not have them.
    let old_files = image_files(&served);
    site.write("content/foto.jpg", jpeg(&photo(700, 500), None));
    let report = session
        .apply(&[PathBuf::from("content/foto.jpg")])
        .expect("the new image builds");
    assert!(report.rendered.contains(&"uro/index.html".to_string()));
    assert!(!report.rendered.contains(&"annen/index.html".to_string()));
    let new_files = image_files(&served);
    assert!(
        old_files.is_disjoint(&new_files),
        "{old_files:?}\n{new_files:?}"
    );
    assert!(
        std::fs::read_to_string(served.join("uro/index.html"))
            .unwrap()
            .contains("height=\"500\""),
        "the page shows the new image"
    );

    site.build_ok(&[]);
    assert_eq!(
        new_files,
        image_files(&site.public_dir()),
        "serve equals build"
    );
    assert_eq!(
        std::fs::read_to_string(served.join("uro/index.html")).unwrap(),
        site.public("uro/index.html")
    );
}

#[test]
fn an_image_too_small_to_share_is_published_with_a_warning_at_its_line() {
    let table = "[image]\nfile = \"liten.jpg\"\nalt = \"Almaty\"\ncredit = \"Foto: NTB\"\n";
    let site = TestSite::new(SITE_TOML)
        .with("content/liten.jpg", jpeg(&photo(600, 400), None))
        .with("content/uro.md", article(table));
    let run = site.build_ok(&[]);
    run.assert_stderr_contains(
        "warning: content/liten.jpg is too small for a 1200×630 share image",
    );
    run.assert_points_at(&site, "content/uro.md", Some(7));
    assert_eq!(
        meta(&site.public("uro/index.html"), "og:image:width"),
        Some("600")
    );
}

/// The stored variants in the image cache, by path.
fn cache_entries(site: &TestSite) -> Vec<std::path::PathBuf> {
    walk(&site.root().join(".forklar-cache/images"))
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect()
}

#[test]
fn a_warm_rebuild_leaves_every_variant_unread_and_puts_right_one_changed_by_hand() {
    let site = site_with_lead_photo();
    site.build_ok(&[]);
    // The second build publishes every variant from the cache, and from then
    // on the record knows each file by its cache entry.
    site.build_ok(&[]);
    let before = site.snapshot_public();
    let entries = cache_entries(&site);
    assert!(entries.len() > 5, "{entries:?}");
    let stored: Vec<Vec<u8>> = entries.iter().map(|p| std::fs::read(p).unwrap()).collect();
    settle();
    // site.toml saved again as it was: the build renders (a build that finds
    // no source saved since the last one would render nothing at all).
    let config = site.root().join("site.toml");
    std::fs::write(&config, std::fs::read(&config).unwrap()).unwrap();
    let third = site.build_ok(&[]);
    assert!(third.stdout.contains(" 0 written,"), "{}", third.stdout);
    assert!(
        third.stdout.contains("Images: 0 variants encoded,"),
        "{}",
        third.stdout
    );
    before.assert_unchanged(&site.snapshot_public(), "public/ after a warm rebuild");
    // Damaged cache entries change nothing published: a variant the output
    // already holds is not read from the cache again.
    for entry in &entries {
        std::fs::write(entry, b"damaged").unwrap();
    }
    site.build_ok(&[]);
    before.assert_same_bytes(&site.snapshot_public(), "public/ with a damaged cache");
    for (entry, bytes) in entries.iter().zip(&stored) {
        std::fs::write(entry, bytes).unwrap();
    }
    // A variant changed by hand has a new stamp: it is read, compared and put
    // right from the cache.
    let variant = image_files(&site.public_dir())
        .into_iter()
        .find(|p| p.ends_with(".webp"))
        .expect("a WebP variant");
    let path = site.public_dir().join(&variant);
    let original = std::fs::read(&path).unwrap();
    settle();
    std::fs::write(&path, b"not a picture").unwrap();
    let fifth = site.build_ok(&[]);
    assert!(fifth.stdout.contains(" 1 written,"), "{}", fifth.stdout);
    assert_eq!(std::fs::read(&path).unwrap(), original, "{variant}");
}
