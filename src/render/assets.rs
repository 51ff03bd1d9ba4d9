//! The theme's stylesheet and script, named by their content so hosts can
//! cache them forever.

use crate::templates::Templates;

pub struct Assets {
    pub stylesheet: String,
    pub script: String,
    /// Loaded only by live articles.
    pub live_script: String,
    /// Loaded only by the search page.
    pub search_script: String,
}

impl Assets {
    pub fn new(templates: &Templates) -> Assets {
        Assets {
            stylesheet: format!("style.{}.css", fingerprint(templates.stylesheet.as_bytes())),
            script: format!("forklar.{}.js", fingerprint(templates.script.as_bytes())),
            live_script: format!("live.{}.js", fingerprint(templates.live_script.as_bytes())),
            search_script: format!(
                "search.{}.js",
                fingerprint(templates.search_script.as_bytes())
            ),
        }
    }
}

/// A short content hash (FNV-1a, 64 bits): stable across builds, platforms and
/// Rust versions, which `std`'s hasher does not promise.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

/// The theme's favicon and touch icon, published at the site's root under
/// these names unless the site has a file of the same name in `static/`.
pub const FAVICON_FILE: &str = "favicon.svg";
pub const TOUCH_ICON_FILE: &str = "apple-touch-icon.png";
pub const FAVICON: &[u8] = include_bytes!("icons/favicon.svg");
/// 180 × 180 px, opaque: phones round the corners themselves.
pub const TOUCH_ICON: &[u8] = include_bytes!("icons/apple-touch-icon.png");

/// The theme's icons, by the file name a site overrides each with.
pub const ICONS: [(&str, &[u8]); 2] = [(FAVICON_FILE, FAVICON), (TOUCH_ICON_FILE, TOUCH_ICON)];
