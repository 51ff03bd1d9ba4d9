//! Benchmark driver for `src/images/` until the engine is wired into
//! `forklar build`. See bench/images.sh.
//!
//! ```text
//! images_bench gen DIR [COUNT]          COUNT (100) photo-like JPEGs of 12–24 MP
//! images_bench run SRC SITE [OPTIONS]   plan + produce every image in SRC
//!     --no-avif        WebP + JPEG only
//!     --limit N        only the first N images (sorted by name)
//!     --out DIR        write the outputs there (default: only count bytes)
//!     --concurrency N  decoded images in memory at once (default: config)
//! ```
//! `run` keeps its cache in SITE/.forklar-cache/images, so a second run with
//! the same SITE is the warm-cache case.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use forklar::images::{self, ImageCache, ImageConfig, ImageSpec};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") if args.len() >= 2 => {
            let count = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100);
            generate(Path::new(&args[1]), count);
            ExitCode::SUCCESS
        }
        Some("run") if args.len() >= 3 => run(&args[1], &args[2], &args[3..]),
        _ => {
            eprintln!(
                "usage: images_bench gen DIR [COUNT] | run SRC SITE [--no-avif] [--limit N] [--out DIR] [--concurrency N]"
            );
            ExitCode::from(2)
        }
    }
}

/// Deterministic photo-like pixels: smooth light, a horizon, and noise so
/// the encoders have real detail to spend bits on.
fn generate(dir: &Path, count: usize) {
    std::fs::create_dir_all(dir).expect("create folder");
    let sizes = [
        (4000u32, 3000u32),
        (4608, 3456),
        (5184, 3456),
        (6000, 4000),
        (3000, 4000),
    ];
    for i in 0..count {
        let path = dir.join(format!("photo{i:03}.jpg"));
        if path.exists() {
            continue;
        }
        let (w, h) = sizes[i % sizes.len()];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64 + 1);
        let mut data = Vec::with_capacity((w * h * 3) as usize);
        let horizon = h / 3 + (i as u32 * 97) % (h / 3);
        for y in 0..h {
            for x in 0..w {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let noise = (seed & 15) as u32;
                let (r, g, b) = if y < horizon {
                    (90 + x * 60 / w, 140 + y * 80 / horizon, 220)
                } else {
                    let stripe = ((x / 37 + y / 23 + i as u32) % 7) * 9;
                    (60 + stripe + y * 40 / h, 110 + stripe, 40 + x * 30 / w)
                };
                data.push((r + noise).min(255) as u8);
                data.push((g + noise).min(255) as u8);
                data.push((b + noise).min(255) as u8);
            }
        }
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 88)
            .encode(&data, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
            .expect("encode");
        std::fs::write(&path, out).expect("write");
        eprintln!("{} {w}x{h}", path.display());
    }
}

fn run(src: &str, site: &str, options: &[String]) -> ExitCode {
    let mut config = ImageConfig::default();
    let mut limit = usize::MAX;
    let mut out_dir: Option<PathBuf> = None;
    let mut it = options.iter();
    while let Some(option) = it.next() {
        match option.as_str() {
            "--no-avif" => config.avif = false,
            "--limit" => limit = it.next().and_then(|n| n.parse().ok()).expect("--limit N"),
            "--out" => out_dir = it.next().map(PathBuf::from),
            "--concurrency" => {
                config.decode_concurrency = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--concurrency N")
            }
            other => {
                eprintln!("unknown option {other}");
                return ExitCode::from(2);
            }
        }
    }
    let src = Path::new(src);
    let mut names: Vec<PathBuf> = std::fs::read_dir(src)
        .expect("read SRC")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter_map(|p| p.strip_prefix(src).ok().map(Path::to_path_buf))
        .collect();
    names.sort();
    names.truncate(limit);

    let started = Instant::now();
    let mut plans = Vec::new();
    let mut failed = 0;
    for name in &names {
        match images::plan(src, &ImageSpec::new(name), &config) {
            Ok(plan) => plans.push(plan),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}\n  help: {}", e.help());
            }
        }
    }
    let planned = started.elapsed();

    let cache = ImageCache::for_site(Path::new(site));
    let bytes = AtomicU64::new(0);
    let files = AtomicU64::new(0);
    let write = |path: &str, data: &[u8]| -> std::io::Result<()> {
        bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        files.fetch_add(1, Ordering::Relaxed);
        if let Some(dir) = &out_dir {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().expect("has parent"))?;
            std::fs::write(target, data)?;
        }
        Ok(())
    };
    let produce_started = Instant::now();
    let results = images::produce_all(&plans, &cache, config.decode_concurrency, &write);
    let produced = produce_started.elapsed();
    for result in &results {
        if let Err(e) = result {
            failed += 1;
            eprintln!("error: {e}\n  help: {}", e.help());
        }
    }
    let stats = cache.stats();
    println!(
        "images={} avif={} plan={:.2}s produce={:.2}s files={} bytes={} encodes={} cache_hits={} failed={failed}",
        plans.len(),
        config.avif_enabled(),
        planned.as_secs_f64(),
        produced.as_secs_f64(),
        files.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed),
        stats.encodes,
        stats.hits,
    );
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
