//! Producing an image's files: decoded once, encoded in parallel, cached.

#![allow(clippy::wildcard_imports)]

use super::*;

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Makes the bytes of every variant of `plan` and passes each to `out`:
/// from `cache` when it has them (the source is then not even read), else
/// decoded once and encoded, variants in parallel on rayon's pool, and
/// stored in `cache`. One decoded image is held at a time per call. With
/// `stored`, a variant the cache has goes there instead, by its key, so an
/// output that already holds it need not read it.
pub fn produce(
    plan: &ImagePlan,
    cache: &ImageCache,
    out: &OutputSink<'_>,
    stored: Option<&StoredSink<'_>>,
) -> Result<Produced, ImageError> {
    let write = |v: &Variant, bytes: &[u8]| {
        out(&v.path, bytes).map_err(|source| ImageError::Output {
            path: v.path.clone(),
            source,
        })
    };
    let load = || -> Result<Vec<u8>, ImageError> {
        let bytes = read_source(&plan.source, &plan.source_file)?;
        if sha256(&[&bytes]) != plan.digest {
            return Err(ImageError::Changed {
                path: plan.source.clone(),
            });
        }
        Ok(bytes)
    };
    let mut produced = Produced::default();

    let Some(header) = plan.header else {
        // SVG: a checked copy.
        let bytes = load()?;
        for v in &plan.variants {
            write(v, &bytes)?;
            produced.copied += 1;
        }
        return Ok(produced);
    };

    let mut missing = Vec::new();
    for v in &plan.variants {
        let entry = cache.entry(&v.cache_key);
        let outcome = match stored {
            Some(stored) => {
                stored(&v.path, &v.cache_key, &entry).map_err(|source| ImageError::Output {
                    path: v.path.clone(),
                    source,
                })?
            }
            None => match entry.bytes() {
                Some(bytes) => {
                    write(v, &bytes)?;
                    Stored::Copied
                }
                None => Stored::Missing,
            },
        };
        match outcome {
            Stored::Kept | Stored::Copied => {
                cache.count_hit();
                produced.cached += 1;
            }
            Stored::Missing => missing.push(v),
        }
    }
    if missing.is_empty() {
        return Ok(produced);
    }

    let bytes = load()?;
    let pixels = catch_unwind(AssertUnwindSafe(|| {
        probe::decode(&plan.source, &bytes, &header)
    }))
    .map_err(|panic| ImageError::Corrupt {
        path: plan.source.clone(),
        detail: format!("the decoder failed ({})", panic_text(&*panic)),
    })??;
    drop(bytes);
    let pixels = encode::Pixels::from_image(pixels);

    // Resize once per geometry, then encode each format of it.
    let mut groups: Vec<(Option<CropRect>, u32, u32, Vec<&Variant>)> = Vec::new();
    for v in missing {
        match groups
            .iter_mut()
            .find(|g| (g.0, g.1, g.2) == (v.crop, v.width, v.height))
        {
            Some(group) => group.3.push(v),
            None => groups.push((v.crop, v.width, v.height, vec![v])),
        }
    }
    let encoded = AtomicUsize::new(0);
    groups
        .par_iter()
        .try_for_each(|(crop, width, height, variants)| {
            let resized =
                if crop.is_none() && *width == pixels.width && *height == pixels.height {
                    Cow::Borrowed(&pixels)
                } else {
                    Cow::Owned(encode::resize(&pixels, *crop, *width, *height).map_err(
                        |detail| ImageError::Encode {
                            path: plan.source.clone(),
                            format: "resize",
                            detail,
                        },
                    )?)
                };
            variants.par_iter().try_for_each(|v| {
                let bytes = catch_unwind(AssertUnwindSafe(|| {
                    encode::encode(&plan.source, &resized, v.format, &plan.settings)
                }))
                .map_err(|panic| ImageError::Encode {
                    path: plan.source.clone(),
                    format: v.format.name(),
                    detail: format!("the encoder panicked ({})", panic_text(&*panic)),
                })??;
                cache.count_encode();
                encoded.fetch_add(1, Ordering::Relaxed);
                cache.put(&v.cache_key, &bytes)?;
                write(v, &bytes)
            })
        })?;
    produced.encoded = encoded.into_inner();
    Ok(produced)
}

/// [`produce`] for many images, at most `max_decoded` at a time (each holds
/// one decoded image, about width × height × 4 bytes, plus its resized
/// variants), each using rayon's pool for its variants. Results are in the
/// order of `plans`.
pub fn produce_all(
    plans: &[ImagePlan],
    cache: &ImageCache,
    max_decoded: usize,
    out: &OutputSink<'_>,
) -> Vec<Result<Produced, ImageError>> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Produced, ImageError>>>> =
        plans.iter().map(|_| Mutex::new(None)).collect();
    let workers = max_decoded.clamp(1, plans.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(plan) = plans.get(i) else { break };
                    let result = produce(plan, cache, out, None);
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every plan was produced")
        })
        .collect()
}
