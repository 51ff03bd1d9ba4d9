//! Sizes and focal-point crops. Pure arithmetic, no pixels.

use super::config::Aspect;

/// A rectangle in the (upright, orientation-applied) source image, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CropRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The widths to make for a source `source_width` wide: every configured
/// width below it, and the source width itself when it is smaller than the
/// largest configured width (so the biggest variant is as sharp as the
/// source allows). Never wider than the source.
pub(crate) fn responsive_widths(source_width: u32, sorted_widths: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = sorted_widths
        .iter()
        .copied()
        .filter(|w| *w < source_width)
        .collect();
    let largest = sorted_widths.last().copied().unwrap_or(source_width);
    let top = source_width.min(largest);
    if out.last() != Some(&top) {
        out.push(top);
    }
    out
}

/// Height for `width` keeping the source's aspect ratio, at least 1.
pub(crate) fn scaled_height(source_width: u32, source_height: u32, width: u32) -> u32 {
    let h = (u64::from(width) * u64::from(source_height) + u64::from(source_width) / 2)
        / u64::from(source_width);
    (h as u32).max(1)
}

/// The largest `aspect` rectangle that fits the source, placed so that the
/// focal point (0–1 in each axis; the centre when `None`) is as close to its
/// middle as the image edges allow. The focal point is always inside.
pub(crate) fn focal_crop(
    source_width: u32,
    source_height: u32,
    aspect: Aspect,
    focus: Option<(f32, f32)>,
) -> CropRect {
    let (sw, sh) = (u64::from(source_width), u64::from(source_height));
    let (aw, ah) = (u64::from(aspect.w), u64::from(aspect.h));
    // Compare sw/sh with aw/ah without floating point.
    let (width, height) = if sw * ah > sh * aw {
        // Source is wider than the aspect: full height.
        (((sh * aw + ah / 2) / ah).clamp(1, sw), sh)
    } else {
        (sw, ((sw * ah + aw / 2) / aw).clamp(1, sh))
    };
    let (fx, fy) = focus.unwrap_or((0.5, 0.5));
    let place = |extent: u64, size: u64, f: f32| -> u64 {
        let centre = f64::from(f.clamp(0.0, 1.0)) * extent as f64;
        let start = (centre - size as f64 / 2.0).round();
        (start.max(0.0) as u64).min(extent - size)
    };
    CropRect {
        x: place(sw, width, fx) as u32,
        y: place(sh, height, fy) as u32,
        width: width as u32,
        height: height as u32,
    }
}

/// Output size of a crop: `target_width` wide, or the crop's own width when
/// that is smaller (never upscaled), with the exact aspect's height.
pub(crate) fn crop_output_size(crop: CropRect, aspect: Aspect, target_width: u32) -> (u32, u32) {
    let width = target_width.min(crop.width).max(1);
    let height = ((u64::from(width) * u64::from(aspect.h) + u64::from(aspect.w) / 2)
        / u64::from(aspect.w))
    .clamp(1, u64::from(crop.height)) as u32;
    (width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDTHS: [u32; 5] = [480, 800, 1200, 1600, 2000];

    #[test]
    fn widths_never_upscale() {
        assert_eq!(responsive_widths(4000, &WIDTHS), WIDTHS.to_vec());
        assert_eq!(responsive_widths(2000, &WIDTHS), WIDTHS.to_vec());
        assert_eq!(responsive_widths(1000, &WIDTHS), vec![480, 800, 1000]);
        assert_eq!(responsive_widths(800, &WIDTHS), vec![480, 800]);
        assert_eq!(responsive_widths(300, &WIDTHS), vec![300]);
        assert_eq!(responsive_widths(1, &WIDTHS), vec![1]);
    }

    #[test]
    fn heights_keep_aspect() {
        assert_eq!(scaled_height(4000, 3000, 800), 600);
        assert_eq!(scaled_height(3000, 4000, 480), 640);
        assert_eq!(scaled_height(10000, 10, 480), 1);
    }

    #[test]
    fn crop_is_largest_fit_and_centred_by_default() {
        let c = focal_crop(4000, 3000, Aspect::new(16, 9), None);
        assert_eq!((c.width, c.height), (4000, 2250));
        assert_eq!((c.x, c.y), (0, 375));
        let c = focal_crop(4000, 3000, Aspect::new(1, 1), None);
        assert_eq!(
            c,
            CropRect {
                x: 500,
                y: 0,
                width: 3000,
                height: 3000
            }
        );
    }

    #[test]
    fn crop_follows_focus_and_stays_inside() {
        let c = focal_crop(4000, 3000, Aspect::new(1, 1), Some((0.0, 0.5)));
        assert_eq!(c.x, 0);
        let c = focal_crop(4000, 3000, Aspect::new(1, 1), Some((1.0, 0.5)));
        assert_eq!(c.x, 1000);
        let c = focal_crop(4000, 3000, Aspect::new(1, 1), Some((0.6, 0.5)));
        assert_eq!(c.x, 900);
        // The focal point is inside every crop, for a grid of foci and aspects.
        for aspect in [
            Aspect::new(16, 9),
            Aspect::new(4, 3),
            Aspect::new(1, 1),
            Aspect::new(1200, 630),
        ] {
            for (w, h) in [(4000, 3000), (3000, 4000), (1000, 1000), (17, 5)] {
                for i in 0..=10 {
                    let f = (i as f32 / 10.0, 1.0 - i as f32 / 10.0);
                    let c = focal_crop(w, h, aspect, Some(f));
                    assert!(c.x + c.width <= w && c.y + c.height <= h);
                    let (px, py) = (f.0 * w as f32, f.1 * h as f32);
                    assert!(px >= c.x as f32 && px <= (c.x + c.width) as f32);
                    assert!(py >= c.y as f32 && py <= (c.y + c.height) as f32);
                }
            }
        }
    }

    #[test]
    fn crop_output_never_upscales() {
        let c = focal_crop(4000, 3000, Aspect::new(16, 9), None);
        assert_eq!(crop_output_size(c, Aspect::new(16, 9), 1200), (1200, 675));
        let c = focal_crop(1000, 800, Aspect::new(1200, 630), None);
        assert_eq!(c.width, 1000);
        assert_eq!(
            crop_output_size(c, Aspect::new(1200, 630), 1200),
            (1000, 525)
        );
    }
}
