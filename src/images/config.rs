//! `[images]` in site.toml.

use std::fmt;

use serde::Deserialize;

/// Settings for responsive images, read from the `[images]` table of
/// site.toml. Every field has a default, so an empty or missing table is
/// fine; unknown keys are an error so that a typo does not silently fall back
/// to a default.
///
/// ```toml
/// [images]
/// widths = [480, 800, 1200, 1600, 2000]
/// avif = true
/// webp = true
/// jpeg_quality = 80
/// webp_quality = 78
/// avif_quality = 62
/// avif_speed = 7
/// crops = ["16:9", "4:3", "1:1"]
/// crop_width = 1200
/// share = true
/// max_megapixels = 100
/// sizes = "(min-width: 50rem) 50rem, 100vw"
/// decode_concurrency = 2
/// share_image = "/bilder/forside.jpg"
/// share_image_alt = "Forklart – bakgrunn til nyhetene"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageConfig {
    /// Widths (px) of the responsive variants. Widths at or above the
    /// source's own width are left out and the source width is used instead:
    /// images are never upscaled.
    pub widths: Vec<u32>,
    /// Make AVIF variants. Ignored (no AVIF is made) when forklar was built
    /// without the `avif` cargo feature.
    pub avif: bool,
    /// Make lossy WebP variants.
    pub webp: bool,
    /// Quality 1–100 of the JPEG fallback and of the share image.
    pub jpeg_quality: u8,
    /// Quality 1–100 of the lossy WebP variants.
    pub webp_quality: u8,
    /// Quality 1–100 of the AVIF variants (ravif's scale, roughly JPEG-like).
    pub avif_quality: u8,
    /// rav1e speed 1 (slowest, smallest) – 10 (fastest).
    pub avif_speed: u8,
    /// Aspect ratios of the focal-point crops, as `"W:H"`.
    pub crops: Vec<Aspect>,
    /// Width (px) of each crop, or less when the source is too small.
    pub crop_width: u32,
    /// Make the 1200×630 JPEG share image (Open Graph / social cards).
    pub share: bool,
    /// Images with more pixels than this (in millions) are refused before any
    /// pixel is decoded: a guard against decompression bombs.
    pub max_megapixels: u32,
    /// Default `sizes` attribute of `<picture>` sources.
    pub sizes: String,
    /// How many images may be decoded and held in memory at once by
    /// [`produce_all`](super::produce_all). Each holds about
    /// width × height × 4 bytes (96 MB for a 24 MP photo).
    pub decode_concurrency: usize,
    /// The share image (og:image) of articles with no image of their own nor
    /// a background entry with one: `/path` in static/, or beside the content.
    pub share_image: Option<String>,
    /// What the default share image shows, for `og:image:alt`.
    pub share_image_alt: Option<String>,
    /// Where `share_image` is written in site.toml, for its problems.
    #[serde(skip)]
    pub share_image_at: Option<crate::diagnostics::Location>,
}

impl Default for ImageConfig {
    fn default() -> Self {
        ImageConfig {
            widths: vec![480, 800, 1200, 1600, 2000],
            avif: true,
            webp: true,
            jpeg_quality: 80,
            webp_quality: 78,
            avif_quality: 62,
            avif_speed: 7,
            crops: vec![Aspect::new(16, 9), Aspect::new(4, 3), Aspect::new(1, 1)],
            crop_width: 1200,
            share: true,
            max_megapixels: 100,
            sizes: "(min-width: 50rem) 50rem, 100vw".to_string(),
            decode_concurrency: 2,
            share_image: None,
            share_image_alt: None,
            share_image_at: None,
        }
    }
}

/// The largest side WebP can store; also a sane upper bound for web images.
pub(crate) const MAX_OUTPUT_SIDE: u32 = 16383;

impl ImageConfig {
    /// Checks ranges that serde cannot. The message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.widths.is_empty() {
            return Err("images.widths must list at least one width".into());
        }
        if let Some(w) = self
            .widths
            .iter()
            .find(|w| **w == 0 || **w > MAX_OUTPUT_SIDE)
        {
            return Err(format!(
                "images.widths: {w} is out of range (1–{MAX_OUTPUT_SIDE})"
            ));
        }
        for (key, q) in [
            ("jpeg_quality", self.jpeg_quality),
            ("webp_quality", self.webp_quality),
            ("avif_quality", self.avif_quality),
        ] {
            if !(1..=100).contains(&q) {
                return Err(format!("images.{key} must be 1–100, not {q}"));
            }
        }
        if !(1..=10).contains(&self.avif_speed) {
            return Err(format!(
                "images.avif_speed must be 1–10, not {}",
                self.avif_speed
            ));
        }
        if self.crop_width == 0 || self.crop_width > MAX_OUTPUT_SIDE {
            return Err(format!(
                "images.crop_width must be 1–{MAX_OUTPUT_SIDE}, not {}",
                self.crop_width
            ));
        }
        if self.max_megapixels == 0 {
            return Err("images.max_megapixels must be at least 1".into());
        }
        if self.decode_concurrency == 0 {
            return Err("images.decode_concurrency must be at least 1".into());
        }
        Ok(())
    }

    /// Whether AVIF variants are made: asked for and compiled in.
    pub fn avif_enabled(&self) -> bool {
        cfg!(feature = "avif") && self.avif
    }

    /// The sorted, deduplicated widths.
    pub(crate) fn sorted_widths(&self) -> Vec<u32> {
        let mut widths = self.widths.clone();
        widths.sort_unstable();
        widths.dedup();
        widths
    }

    /// Everything that changes output bytes or names, as one canonical text
    /// that goes into the content hash of every output name.
    pub(crate) fn fingerprint(&self) -> String {
        let crops: Vec<String> = self.crops.iter().map(|a| a.to_string()).collect();
        format!(
            "widths={:?};avif={}:{}:{};webp={}:{};jpeg={};crops={}@{};share={}",
            self.sorted_widths(),
            self.avif_enabled(),
            self.avif_quality,
            self.avif_speed,
            self.webp,
            self.webp_quality,
            self.jpeg_quality,
            crops.join(","),
            self.crop_width,
            self.share,
        )
    }
}

/// An aspect ratio such as 16:9, written `"16:9"` in site.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Aspect {
    pub w: u32,
    pub h: u32,
}

impl Aspect {
    pub const fn new(w: u32, h: u32) -> Aspect {
        Aspect { w, h }
    }

    /// `16x9`, as used in output file names.
    pub fn file_label(self) -> String {
        format!("{}x{}", self.w, self.h)
    }

    pub fn ratio(self) -> f64 {
        f64::from(self.w) / f64::from(self.h)
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.w, self.h)
    }
}

impl TryFrom<String> for Aspect {
    type Error = String;

    fn try_from(text: String) -> Result<Aspect, String> {
        let bad = || format!("aspect ratio {text:?} should look like \"16:9\"");
        let (w, h) = text.split_once(':').ok_or_else(bad)?;
        let w: u32 = w.trim().parse().map_err(|_| bad())?;
        let h: u32 = h.trim().parse().map_err(|_| bad())?;
        if w == 0 || h == 0 || w > 100 || h > 100 {
            return Err(bad());
        }
        Ok(Aspect { w, h })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Site {
        images: ImageConfig,
    }

    #[test]
    fn empty_table_gives_defaults() {
        let site: Site = toml::from_str("[images]\n").unwrap();
        assert_eq!(site.images, ImageConfig::default());
        site.images.validate().unwrap();
    }

    #[test]
    fn table_overrides_and_parses_aspects() {
        let site: Site =
            toml::from_str("[images]\nwidths = [300, 600]\ncrops = [\"3:2\"]\nwebp_quality = 70\n")
                .unwrap();
        assert_eq!(site.images.widths, vec![300, 600]);
        assert_eq!(site.images.crops, vec![Aspect::new(3, 2)]);
        assert_eq!(site.images.webp_quality, 70);
        assert!(site.images.share);
    }

    #[test]
    fn unknown_keys_and_bad_aspects_are_errors() {
        assert!(toml::from_str::<Site>("[images]\nwidth = [300]\n").is_err());
        assert!(toml::from_str::<Site>("[images]\ncrops = [\"16/9\"]\n").is_err());
        assert!(toml::from_str::<Site>("[images]\ncrops = [\"0:9\"]\n").is_err());
    }

    #[test]
    fn validate_catches_ranges() {
        let bad = ImageConfig {
            jpeg_quality: 0,
            ..ImageConfig::default()
        };
        assert!(bad.validate().unwrap_err().contains("jpeg_quality"));
        let bad = ImageConfig {
            widths: vec![],
            ..ImageConfig::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn fingerprint_changes_with_output_settings_only() {
        let a = ImageConfig::default();
        let b = ImageConfig {
            sizes: "100vw".into(),
            decode_concurrency: 8,
            ..a.clone()
        };
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = ImageConfig {
            webp_quality: 50,
            ..a.clone()
        };
        assert_ne!(a.fingerprint(), c.fingerprint());
    }
}
