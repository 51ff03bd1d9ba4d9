//! `<picture>` markup for a planned image.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{ImagePlan, Role};

/// How the browser should fetch the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loading {
    /// Below the fold: `loading="lazy" decoding="async"`.
    #[default]
    Lazy,
    /// The page's main (LCP) image: `fetchpriority="high"`, loaded at once.
    Priority,
}

/// What [`picture_html`] needs besides the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PictureOptions<'a> {
    /// Alternative text; may be empty for decorative images.
    pub alt: &'a str,
    /// The `sizes` attribute (usually `ImageConfig::sizes`).
    pub sizes: &'a str,
    pub loading: Loading,
    /// Prefix of every URL: `/`, a base URL, or `../` for relative links.
    pub url_prefix: &'a str,
    /// [`Role::Responsive`] for the whole image, or [`Role::Crop`] for a
    /// focal crop. A role the plan has no variants of falls back to the
    /// whole image.
    pub role: Role,
    /// `class` of the `<img>`.
    pub class: Option<&'a str>,
}

impl<'a> PictureOptions<'a> {
    pub fn new(alt: &'a str, sizes: &'a str) -> PictureOptions<'a> {
        PictureOptions {
            alt,
            sizes,
            loading: Loading::Lazy,
            url_prefix: "/",
            role: Role::Responsive,
            class: None,
        }
    }
}

/// Escapes text for a double- or single-quoted HTML attribute value.
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Characters kept as they are in URL paths; commas and spaces are encoded
/// because they separate `srcset` candidates.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

pub(crate) fn url(prefix: &str, path: &str) -> String {
    format!("{prefix}{}", utf8_percent_encode(path, PATH))
}

/// `<picture>` with one `<source>` per modern format (AVIF, WebP) and an
/// `<img>` fallback carrying `width`, `height`, `alt` and the loading hints.
/// An SVG gives a plain `<img>`. Every attribute value is escaped.
pub fn picture_html(plan: &ImagePlan, options: &PictureOptions<'_>) -> String {
    let attr = escape_attribute;
    let loading = match options.loading {
        Loading::Lazy => r#" loading="lazy" decoding="async""#,
        Loading::Priority => r#" fetchpriority="high""#,
    };
    let class = options
        .class
        .map(|c| format!(r#" class="{}""#, attr(c)))
        .unwrap_or_default();

    if let Some(svg) = plan.variants_with(Role::Original).next() {
        return format!(
            r#"<img src="{}" width="{}" height="{}" alt="{}"{class}{loading}>"#,
            attr(&url(options.url_prefix, &svg.path)),
            svg.width,
            svg.height,
            attr(options.alt),
        );
    }

    let role = if plan.variants_with(options.role).next().is_some() {
        options.role
    } else {
        Role::Responsive
    };
    let mut html = String::from("<picture>");
    for format in plan.formats(role) {
        if format == plan.fallback {
            continue;
        }
        html.push_str(&format!(
            r#"<source type="{}" srcset="{}" sizes="{}">"#,
            format.mime(),
            attr(&plan.srcset(role, format, options.url_prefix)),
            attr(options.sizes),
        ));
    }
    let fallback: Vec<_> = plan
        .variants_with(role)
        .filter(|v| v.format == plan.fallback)
        .collect();
    // src for browsers without srcset: the widest up to 1200 px.
    let src = fallback
        .iter()
        .filter(|v| v.width <= 1200)
        .max_by_key(|v| v.width)
        .or_else(|| fallback.iter().min_by_key(|v| v.width));
    if let Some(src) = src {
        html.push_str(&format!(
            r#"<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{class}{loading}>"#,
            attr(&url(options.url_prefix, &src.path)),
            attr(&plan.srcset(role, plan.fallback, options.url_prefix)),
            attr(options.sizes),
            src.width,
            src.height,
            attr(options.alt),
        ));
    }
    html.push_str("</picture>");
    html
}
