//! The image engine through its public API, as the renderer will use it:
//! plan every image, render the markup, then produce all files into an
//! output folder and check that every URL in the markup exists with the
//! size it claims.

use std::path::Path;

use forklar::images::{
    self, ImageCache, ImageConfig, ImageSpec, Loading, PictureOptions, Role, picture_html,
};

fn photo_jpeg(width: u32, height: u32) -> Vec<u8> {
    let data: Vec<u8> = (0..width * height)
        .flat_map(|i| {
            let (x, y) = (i % width, i / width);
            [(x * 255 / width) as u8, (y * 255 / height) as u8, 120]
        })
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(
            &data,
            width as u16,
            height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    out
}

#[test]
fn markup_urls_point_at_produced_files_of_the_claimed_size() {
    let site = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("bilder")).unwrap();
    std::fs::write(site.path().join("bilder/demo.jpg"), photo_jpeg(640, 480)).unwrap();
    std::fs::write(
        site.path().join("bilder/kart.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"></svg>"#,
    )
    .unwrap();

    let config: ImageConfig =
        toml::from_str("widths = [200, 400]\ncrop_width = 300\navif = false\n").unwrap();
    config.validate().unwrap();
    let specs = [
        ImageSpec::new("bilder/demo.jpg").with_focus(0.3, 0.4),
        ImageSpec::new("bilder/kart.svg"),
    ];
    let plans: Vec<_> = specs
        .iter()
        .map(|spec| images::plan(site.path(), spec, &config).unwrap())
        .collect();

    let mut html = String::new();
    for plan in &plans {
        let mut options = PictureOptions::new("Demo", &config.sizes);
        options.loading = Loading::Priority;
        html.push_str(&picture_html(plan, &options));
        options.role = Role::Crop(images::Aspect::new(16, 9));
        html.push_str(&picture_html(plan, &options));
    }

    let cache = ImageCache::for_site(site.path());
    let write = |path: &str, bytes: &[u8]| -> std::io::Result<()> {
        let target = out.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap())?;
        std::fs::write(target, bytes)
    };
    for result in images::produce_all(&plans, &cache, config.decode_concurrency, &write) {
        result.unwrap();
    }

    // Every URL in src/srcset exists.
    let mut urls = 0;
    for attr in ["src=\"", "srcset=\""] {
        for chunk in html.split(attr).skip(1) {
            let value = &chunk[..chunk.find('"').unwrap()];
            for candidate in value.split(", ") {
                let url = candidate.split(' ').next().unwrap();
                let path = url.strip_prefix('/').unwrap();
                assert!(out.path().join(path).is_file(), "{url} missing");
                urls += 1;
            }
        }
    }
    assert_eq!(urls, 10, "{html}");

    // Sizes claimed in the plan are the real ones.
    for v in plans[0].variants.iter() {
        let (w, h) = image::image_dimensions(out.path().join(&v.path)).unwrap();
        assert_eq!((w, h), (v.width, v.height), "{}", v.path);
    }
    assert!(Path::new(&out.path().join(&plans[1].variants[0].path)).is_file());

    // A second build encodes nothing.
    let before = cache.stats().encodes;
    for result in images::produce_all(&plans, &cache, 1, &write) {
        result.unwrap();
    }
    assert_eq!(cache.stats().encodes, before);
}
