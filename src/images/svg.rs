//! SVG is never rasterised. It is published byte for byte under a
//! content-hashed name, but only when it holds nothing that can run:
//! an SVG opened directly (not through `<img>`) runs its scripts with the
//! site's origin, so `<script>`, `on…=` event handlers, `javascript:` URLs
//! and `<foreignObject>` (embedded HTML) are refused. Editor metadata is
//! reported as a warning, since it can name people and local file paths.

use std::path::Path;

use super::error::{ImageError, ImageWarning};

/// Whether the bytes start like an SVG document (after a BOM, whitespace,
/// an XML declaration, comments or a doctype).
pub(crate) fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Ok(text) = std::str::from_utf8(head).or_else(|e| {
        // The 4 KiB cut may split a character.
        std::str::from_utf8(&head[..e.valid_up_to()])
    }) else {
        return false;
    };
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if rest.starts_with("<svg") {
            return true;
        }
        let skip_to = if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else if rest.starts_with("<!") {
            rest.find('>').map(|i| i + 1)
        } else {
            None
        };
        match skip_to {
            Some(i) => rest = rest[i..].trim_start(),
            None => return false,
        }
    }
}

/// Checks an SVG and returns its size and warnings.
pub(crate) fn inspect(
    path: &Path,
    bytes: &[u8],
) -> Result<(u32, u32, Vec<ImageWarning>), ImageError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ImageError::Corrupt {
        path: path.to_path_buf(),
        detail: "the SVG is not valid UTF-8".into(),
    })?;
    if let Some(what) = active_content(text) {
        return Err(ImageError::SvgActiveContent {
            path: path.to_path_buf(),
            what,
        });
    }
    let mut warnings = Vec::new();
    let lower = text.to_ascii_lowercase();
    if [
        "<metadata",
        "sodipodi:docname",
        "inkscape:export-filename",
        "<rdf:rdf",
    ]
    .iter()
    .any(|m| lower.contains(m))
    {
        warnings.push(ImageWarning::new(
            format!("{} carries editor metadata that is published as is", path.display()),
            "export it as plain or optimised SVG (e.g. with svgo) to drop author names and file paths",
        ));
    }
    let (w, h) = size(text).ok_or_else(|| ImageError::SvgNoSize {
        path: path.to_path_buf(),
    })?;
    Ok((w, h, warnings))
}

/// The first thing in the SVG that could run, described for the writer.
pub(crate) fn active_content(text: &str) -> Option<String> {
    for tag in tags(text) {
        let lower = tag.to_ascii_lowercase();
        let name: String = lower
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>')
            .collect();
        let local = name.rsplit(':').next().unwrap_or(&name);
        if local == "script" {
            return Some("a <script> element".into());
        }
        if local == "foreignobject" {
            return Some("a <foreignObject> element (embedded HTML)".into());
        }
        for (attr, value) in attributes(&lower) {
            let attr_local = attr.rsplit(':').next().unwrap_or(attr);
            if attr_local.starts_with("on") && attr_local.len() > 2 {
                return Some(format!("an event handler attribute ({attr}=…)"));
            }
            let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.contains("javascript:") {
                return Some(format!("a javascript: URL (in {attr})"));
            }
        }
    }
    None
}

/// The inside of every start tag (`<` to `>`, without them), skipping
/// comments, CDATA and processing instructions.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('<')?;
            rest = &rest[start + 1..];
            let close = |s: &str, end: &str| s.find(end).map(|i| i + end.len());
            let skip = if rest.starts_with("!--") {
                close(rest, "-->")
            } else if rest.starts_with("![CDATA[") {
                close(rest, "]]>")
            } else if rest.starts_with('?') || rest.starts_with('!') || rest.starts_with('/') {
                close(rest, ">")
            } else {
                let end = tag_end(rest);
                let tag = &rest[..end];
                rest = &rest[end..];
                return Some(tag);
            };
            rest = &rest[skip.unwrap_or(rest.len())..];
        }
    })
}

/// Index of the `>` that ends a tag, ignoring `>` inside quoted values.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    s.len()
}

/// `name="value"` pairs of a tag's inside (after the element name).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start_matches(|c: char| !c.is_whitespace());
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if name_end == 0 {
            return out;
        }
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], &body[(end + 1).min(body.len())..])
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            out.push((name, value));
            rest = remaining;
        } else {
            out.push((name, ""));
        }
    }
}

/// Size from the root element's width/height (in px or unitless), else its
/// viewBox.
fn size(text: &str) -> Option<(u32, u32)> {
    let root = tags(text).find(|t| t.starts_with("svg"))?;
    let attrs = attributes(root);
    let get = |key: &str| attrs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let length = |v: &str| -> Option<f64> {
        let v = v.trim().trim_end_matches("px");
        v.parse::<f64>().ok().filter(|n| *n > 0.0 && n.is_finite())
    };
    let to_px = |n: f64| (n.round() as u32).max(1);
    if let (Some(w), Some(h)) = (
        get("width").and_then(length),
        get("height").and_then(length),
    ) {
        return Some((to_px(w), to_px(h)));
    }
    let view_box = get("viewBox").or_else(|| get("viewbox"))?;
    let numbers: Vec<f64> = view_box
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match numbers[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => {
            Some((to_px(w), to_px(h)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_svg_documents() {
        assert!(looks_like_svg(b"<svg xmlns='http://www.w3.org/2000/svg'/>"));
        assert!(looks_like_svg(
            b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE svg>\n<svg>"
        ));
        assert!(!looks_like_svg(b"<html><svg></svg></html>"));
        assert!(!looks_like_svg(b"\x89PNG"));
    }

    #[test]
    fn finds_scripts_handlers_and_javascript_urls() {
        let svg = |body: &str| format!("<svg width=\"10\" height=\"10\">{body}</svg>");
        assert!(
            active_content(&svg("<script>alert(1)</script>"))
                .unwrap()
                .contains("script")
        );
        assert!(active_content(&svg("<svg:script href='x.js'/>")).is_some());
        assert!(
            active_content(&svg("<rect onclick=\"alert(1)\"/>"))
                .unwrap()
                .contains("onclick")
        );
        assert!(active_content(&svg("<rect\nONLOAD = 'x'/>")).is_some());
        assert!(active_content(&svg("<a href=\" java\tscript:alert(1)\">x</a>")).is_some());
        assert!(active_content(&svg("<a xlink:href='javascript:x()'>x</a>")).is_some());
        assert!(active_content(&svg("<foreignObject><p>hi</p></foreignObject>")).is_some());
        // Text and comments that merely mention these are fine.
        assert_eq!(
            active_content(&svg("<text>click on = this, <!-- <script> --></text>")),
            None
        );
        assert_eq!(
            active_content(&svg("<rect fill=\"red\" data-x=\"a>b\"/>")),
            None
        );
    }

    #[test]
    fn reads_size_from_attributes_or_view_box() {
        let p = Path::new("x.svg");
        assert_eq!(
            inspect(p, b"<svg width=\"120px\" height=\"80\"></svg>")
                .unwrap()
                .0,
            120
        );
        let (w, h, _) = inspect(p, b"<svg viewBox=\"0 0 640.4 360\"></svg>").unwrap();
        assert_eq!((w, h), (640, 360));
        assert!(matches!(
            inspect(p, b"<svg width=\"100%\"></svg>"),
            Err(ImageError::SvgNoSize { .. })
        ));
    }

    #[test]
    fn warns_about_editor_metadata() {
        let (_, _, warnings) = inspect(
            Path::new("x.svg"),
            b"<svg width='1' height='1' sodipodi:docname='/home/anna/secret.svg'></svg>",
        )
        .unwrap();
        assert_eq!(warnings.len(), 1);
    }
}
