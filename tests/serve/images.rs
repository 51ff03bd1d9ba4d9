//! Images in `serve`: a page shows a new or changed image's source file at
//! once, with its width and height, while the variants are made in the
//! background; then the page is rendered again with the full `<picture>`,
//! browsers reload, `/__forklar/status` says nothing is pending, and the
//! output is what a fresh build writes. A text edit encodes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use crate::support::{BIN, Live, Site, article, without_snippet};

/// A photo-like JPEG: smooth gradients and some texture, `seed` varying it.
fn photo_jpeg(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let wave = ((x * 7 + y * 3 + seed * 11) % 64) as u8;
        image::Rgb([
            (x * 255 / width) as u8 ^ wave,
            (y * 255 / height) as u8,
            (seed * 40 % 256) as u8 ^ (wave / 2),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode a JPEG");
    out
}

const ARTICLE: &str = "+++\ntitle = \"Uro i Almaty\"\ndate = 2022-01-06\n\n[image]\nfile = \"foto.jpg\"\nalt = \"Røyk over Almaty\"\ncredit = \"Foto: NTB\"\n+++\n\nTekst om uroen.\n";

fn site_with_photo(width: u32, height: u32) -> Site {
    let site = Site::new(&[]);
    site.write(
        "site.toml",
        "title = \"T\"\nlanguage = \"nb\"\nbase_url = \"https://example.org/\"\n",
    );
    site.write("content/uro.md", ARTICLE);
    write_bytes(&site, "content/foto.jpg", &photo_jpeg(width, height, 1));
    site
}

/// Writes a whole file at once (a temporary file renamed over it), so the
/// watcher never sees half an image.
fn write_bytes(site: &Site, rel: &str, bytes: &[u8]) {
    let path = site.p(rel);
    fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
    let temp = path.with_extension("tmp");
    fs::write(&temp, bytes).expect("write");
    fs::rename(&temp, &path).expect("rename");
}

fn start(site: Site) -> Live {
    Live::start(site, "site.toml")
}

/// The `src` of the page's first `<img>`.
fn img_src(html: &str) -> String {
    let img = &html[html.find("<img ").expect("an <img>")..];
    let start = img.find("src=\"").expect("a src") + "src=\"".len();
    img[start..start + img[start..].find('"').expect("a closing quote")].to_owned()
}

/// The page while images are pending must be the preview: read the page,
/// then the status, so that "still pending" means the page was rendered
/// before the variants were ready.
fn page_while_pending(live: &Live, path: &str) -> Option<String> {
    let html = live.serve.get(path).text();
    (live.serve.status("images_pending") > 0).then_some(html)
}

/// `forklar build` of the site into a fresh folder with serve's base URL;
/// returns that folder.
fn fresh_build(live: &Live) -> PathBuf {
    let out = live.site.dir.path().join("fresh");
    let _ = fs::remove_dir_all(&out);
    let run = Command::new(BIN)
        .args(["build", "--quiet", "--root"])
        .arg(live.site.root())
        .arg("--output")
        .arg(&out)
        .arg("--base-url")
        .arg(format!("http://127.0.0.1:{}/", live.serve.port))
        .stdin(Stdio::null())
        .output()
        .expect("run forklar build");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

fn image_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(folder) = todo.pop() {
        for entry in fs::read_dir(&folder).expect("read a folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if ["jpg", "png", "webp", "avif", "gif"]
                .iter()
                .any(|ext| path.extension().is_some_and(|e| e == *ext))
            {
                let rel = path.strip_prefix(dir).expect("inside").display();
                found.push(rel.to_string());
            }
        }
    }
    found.sort();
    found
}

/// Served equals built: the article page and every image file.
fn assert_serve_equals_build(live: &Live) {
    let fresh = fresh_build(live);
    let served = without_snippet(&live.serve.get("/uro/").text());
    let built = fs::read_to_string(fresh.join("uro/index.html")).expect("built page");
    assert_eq!(served, built, "the served page is not the built one");
    let built_images = image_files(&fresh);
    assert_eq!(image_files(&live.serve.output_dir()), built_images);
    for rel in &built_images {
        let resp = live.serve.get(&format!("/{rel}"));
        assert_eq!(resp.status, 200, "/{rel}");
        assert_eq!(resp.body, fs::read(fresh.join(rel)).unwrap(), "/{rel}");
    }
}

/// Shows the preview (source bytes, its own size) until the variants are
/// made, then the `<picture>`, with a second reload.
fn assert_preview_then_picture(live: &Live, source: &[u8], width: u32, height: u32) {
    let html = page_while_pending(live, "/uro/").unwrap_or_else(|| {
        panic!(
            "the variants were ready before the page could be read; \
             the photo is too small to see the preview\n{}",
            live.serve.logs()
        )
    });
    let src = img_src(&html);
    assert!(
        src.starts_with("/foto.") && src.ends_with(".preview.jpg"),
        "the page shows {src}, not the source file"
    );
    assert!(
        html.contains(&format!("width=\"{width}\" height=\"{height}\"")),
        "the preview has the image's size, so nothing jumps: {html}"
    );
    assert!(!html.contains("<picture>"), "no variants yet: {html}");
    assert_eq!(live.serve.get(&src).body, source, "the preview is the file");

    live.serve.wait_images_idle();
    live.events.expect_reload(&live.serve);
    let html = live.serve.get("/uro/").text();
    assert!(html.contains("<picture>"), "{html}");
    assert!(html.contains("image/webp"), "{html}");
    assert!(!html.contains(".preview."), "{html}");
    assert_eq!(live.serve.get(&src).status, 404, "the preview is gone");
}

#[test]
fn a_new_or_changed_image_shows_its_file_at_once_then_the_picture() {
    // The article names the photo only once the server runs, so the page
    // is read right after the save, long before the variants are made.
    let site = site_with_photo(1200, 800);
    site.write(
        "content/uro.md",
        &article("Uro i Almaty", "Tekst om uroen."),
    );
    let first = fs::read(site.p("content/foto.jpg")).unwrap();
    let live = start(site);
    live.site.write("content/uro.md", ARTICLE);
    live.events.expect_reload(&live.serve);
    assert_preview_then_picture(&live, &first, 1200, 800);
    assert_serve_equals_build(&live);

    let second = photo_jpeg(1000, 750, 2);
    write_bytes(&live.site, "content/foto.jpg", &second);
    live.events.expect_reload(&live.serve);
    assert_preview_then_picture(&live, &second, 1000, 750);
    assert_serve_equals_build(&live);
    assert!(
        live.serve
            .stdout()
            .iter()
            .any(|l| l.starts_with("Images up to date")),
        "{}",
        live.serve.logs()
    );
}

/// Every encoded variant in the cache with its modification time.
fn cache_entries(site: &Site) -> BTreeMap<PathBuf, SystemTime> {
    let mut entries = BTreeMap::new();
    let mut todo = vec![site.p(".forklar-cache/images")];
    while let Some(folder) = todo.pop() {
        let Ok(read) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let modified = entry.metadata().unwrap().modified().unwrap();
                entries.insert(path, modified);
            }
        }
    }
    entries
}

#[test]
fn a_text_edit_beside_an_image_encodes_nothing() {
    let site = site_with_photo(640, 400);
    let live = start(site);
    live.serve.wait_images_idle();
    live.events.settle();
    let cache = cache_entries(&live.site);
    assert!(!cache.is_empty(), "the variants are cached");
    let encoded = live.serve.status("images_encoded");
    assert!(encoded > 0);

    live.site.write(
        "content/uro.md",
        &ARTICLE.replace("Tekst om uroen.", "Ny tekst om uroen."),
    );
    live.expect_change("/uro/", "Ny tekst om uroen.");
    // Straight to the picture: the variants are in the cache.
    let html = live.serve.get("/uro/").text();
    assert!(html.contains("<picture>"), "{html}");
    assert_eq!(live.serve.status("images_pending"), 0);
    assert_eq!(
        live.serve.status("images_encoded"),
        encoded,
        "encoded again"
    );
    assert_eq!(cache_entries(&live.site), cache, "the cache was touched");
    assert_serve_equals_build(&live);
}

/// The photo as the lead image and again in the body, each with its own
/// `focus`: two plans of one file, each with its own preview while the
/// variants are made.
const TWICE: &str = "+++\ntitle = \"Uro i Almaty\"\ndate = 2022-01-06\n\n[image]\nfile = \"foto.jpg\"\nalt = \"Røyk over Almaty\"\ncredit = \"Foto: NTB\"\nfocus = [0.2, 0.2]\n\n[[images]]\nfile = \"foto.jpg\"\ncredit = \"Foto: NTB\"\nfocus = [0.8, 0.7]\n+++\n\nTekst om uroen.\n\n![Torget i Almaty](foto.jpg \"Torget.\")\n";

#[test]
fn an_image_used_twice_with_two_focus_points_leaves_no_preview_behind() {
    let site = site_with_photo(1200, 800);
    site.write(
        "content/uro.md",
        &article("Uro i Almaty", "Tekst om uroen."),
    );
    let live = start(site);
    live.site.write("content/uro.md", TWICE);
    live.events.expect_reload(&live.serve);
    live.serve.wait_images_idle();
    live.events.expect_reload(&live.serve);
    live.serve.wait_pages_written();
    let html = live.serve.get("/uro/").text();
    assert!(!html.contains(".preview."), "{html}");
    let previews: Vec<String> = image_files(&live.serve.output_dir())
        .into_iter()
        .filter(|file| file.contains(".preview."))
        .collect();
    assert!(previews.is_empty(), "previews left behind: {previews:?}");
    assert_serve_equals_build(&live);

    // The body's focus moved: its old crops are no page's any more.
    live.site
        .write("content/uro.md", &TWICE.replace("[0.8, 0.7]", "[0.6, 0.4]"));
    live.events.expect_reload(&live.serve);
    live.serve.wait_images_idle();
    live.serve.wait_pages_written();
    live.events.settle();
    assert_serve_equals_build(&live);
}
