//! Planning an image: what it is, from its header, and which files it becomes.

#![allow(clippy::wildcard_imports)]

use super::*;

/// Plans the outputs of one image: reads and hashes the file, reads its
/// header, and names every variant with its size. No pixels are decoded.
pub fn plan(
    site_root: &Path,
    spec: &ImageSpec,
    config: &ImageConfig,
) -> Result<ImagePlan, ImageError> {
    let rel = spec.source.as_path();
    let source_file = site_root.join(rel);
    let memo_dir = site_root.join(memo::MEMO_DIR);
    let too_large = |h: &probe::Header| {
        u64::from(h.raw_width) * u64::from(h.raw_height)
            > u64::from(config.max_megapixels) * 1_000_000
    };
    let recalled = memo::recall(&memo_dir, rel, &source_file).filter(|(_, h)| !too_large(h));
    let before = memo::before_reading(&source_file);
    let (bytes, format) = match &recalled {
        Some((_, header)) => (Vec::new(), header.format),
        None => {
            let bytes = read_source(rel, &source_file)?;
            let format = probe::sniff(rel, &bytes)?;
            (bytes, format)
        }
    };
    let mut warnings = Vec::new();

    let extension = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let known = probe::extensions(format);
    if !known.contains(&extension.as_str()) {
        warnings.push(ImageWarning::new(
            format!(
                "{} is really a {} file, whatever its name says",
                rel.display(),
                format.name()
            ),
            format!(
                "rename it to .{}; it is published as {}",
                known[0],
                format.name()
            ),
        ));
    }

    let focus = match spec.focus {
        None => None,
        Some((x, y)) if x.is_finite() && y.is_finite() => {
            if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) {
                warnings.push(ImageWarning::new(
                    format!("focus = [{x}, {y}] is outside the image"),
                    "focus is [x, y] with each between 0 and 1, from the top left",
                ));
            }
            Some((x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)))
        }
        Some(_) => {
            warnings.push(ImageWarning::new(
                "focus is not a number",
                "focus is [x, y] with each between 0 and 1, from the top left",
            ));
            None
        }
    };

    let digest = match &recalled {
        Some((digest, _)) => *digest,
        None => sha256(&[&bytes]),
    };
    let focus_text = format!("{focus:?}");
    let name_hash = sha256(&[
        ENGINE_VERSION.as_bytes(),
        &digest,
        config.fingerprint().as_bytes(),
        focus_text.as_bytes(),
    ]);
    let hash = hex(&name_hash[..4]);
    let stem = match &spec.output_stem {
        Some(stem) => clean_stem(stem),
        None => default_stem(rel),
    };
    let settings = EncodeSettings {
        jpeg_quality: config.jpeg_quality,
        webp_quality: config.webp_quality,
        avif_quality: config.avif_quality,
        avif_speed: config.avif_speed,
    };

    if format == SourceFormat::Svg {
        let (width, height, svg_warnings) = svg::inspect(rel, &bytes)?;
        warnings.extend(svg_warnings);
        let variant = Variant {
            role: Role::Original,
            format: OutputFormat::Svg,
            width,
            height,
            path: format!("{stem}.{hash}.svg"),
            crop: None,
            cache_key: hex(&digest),
        };
        return Ok(ImagePlan {
            source: rel.to_path_buf(),
            source_file,
            format,
            width,
            height,
            has_alpha: true,
            fallback: OutputFormat::Svg,
            focus,
            hash,
            variants: vec![variant],
            warnings,
            digest,
            header: None,
            settings,
        });
    }

    let header = match recalled {
        Some((_, header)) => header,
        None => {
            let header = probe::header(rel, &bytes, format, config.max_megapixels)?;
            memo::remember(
                &memo_dir,
                rel,
                &source_file,
                before.as_deref(),
                &digest,
                &header,
            );
            header
        }
    };
    drop(bytes);
    let (width, height) = header.upright();
    let fallback = match (format, header.has_alpha) {
        (SourceFormat::Jpeg, _) | (SourceFormat::WebP, false) => OutputFormat::Jpeg,
        _ => OutputFormat::Png,
    };
    let mut formats = Vec::new();
    if config.avif_enabled() {
        formats.push(OutputFormat::Avif);
    }
    if config.webp {
        formats.push(OutputFormat::WebP);
    }
    formats.push(fallback);

    let mut variants = Vec::new();
    let mut add = |role: Role, format: OutputFormat, w: u32, h: u32, crop: Option<CropRect>| {
        let label = match role {
            Role::Responsive => w.to_string(),
            Role::Crop(aspect) => format!("{}-{w}", aspect.file_label()),
            Role::Share => format!("share-{w}x{h}"),
            Role::Original => unreachable!("only SVG is copied"),
        };
        let spec_text = format!(
            "{}|{w}x{h}|{crop:?}|{}",
            format.extension(),
            settings.quality_key(format)
        );
        variants.push(Variant {
            role,
            format,
            width: w,
            height: h,
            path: format!("{stem}.{hash}.{label}.{}", format.extension()),
            crop,
            cache_key: hex(&sha256(&[
                ENGINE_VERSION.as_bytes(),
                &digest,
                spec_text.as_bytes(),
            ])),
        });
    };
    let widths = config.sorted_widths();
    for &format in &formats {
        for w in geometry::responsive_widths(width, &widths) {
            add(
                Role::Responsive,
                format,
                w,
                geometry::scaled_height(width, height, w),
                None,
            );
        }
    }
    for &aspect in &config.crops {
        let crop = geometry::focal_crop(width, height, aspect, focus);
        let (w, h) = geometry::crop_output_size(crop, aspect, config.crop_width);
        for &format in &formats {
            add(Role::Crop(aspect), format, w, h, Some(crop));
        }
    }
    if config.share {
        let crop = geometry::focal_crop(width, height, SHARE_ASPECT, focus);
        let (w, h) = geometry::crop_output_size(crop, SHARE_ASPECT, SHARE_WIDTH);
        if w < SHARE_WIDTH {
            warnings.push(ImageWarning::new(
                format!(
                    "{} is too small for a 1200×630 share image; it will be {w}×{h}",
                    rel.display()
                ),
                "use a source at least 1200 pixels wide and 630 high for sharp social media cards",
            ));
        }
        add(Role::Share, OutputFormat::Jpeg, w, h, Some(crop));
    }

    Ok(ImagePlan {
        source: rel.to_path_buf(),
        source_file,
        format,
        width,
        height,
        has_alpha: header.has_alpha,
        fallback,
        focus,
        hash,
        variants,
        warnings,
        digest,
        header: Some(header),
        settings,
    })
}
