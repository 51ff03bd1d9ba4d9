//! Request paths and file types: decoding a path so it can never leave the
//! output folder, query strings, redirects, and the type each file is served as.

use std::path::{Component, Path, PathBuf};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Canonicalises `path` (following symlinks) and returns it only if it exists
/// and lies inside `canon_root`.
pub(super) fn contained(canon_root: &Path, path: &Path) -> Option<PathBuf> {
    let canon = path.canonicalize().ok()?;
    canon.starts_with(canon_root).then_some(canon)
}

/// Splits the (still encoded) request path into decoded segments, or `None` if
/// any segment could escape the root or is not valid UTF-8. Decodes exactly
/// once, per segment, so `%2f` can never turn into a separator.
pub(super) fn decode_segments(rel: &str) -> Option<Vec<String>> {
    if rel.contains(['\\', '\0']) {
        return None;
    }
    let mut out = Vec::new();
    for raw in rel.split('/') {
        if raw.is_empty() {
            // `a//b` and the trailing slash; an empty segment adds nothing to the path.
            continue;
        }
        let seg = percent_decode_str(raw).decode_utf8().ok()?;
        if seg.contains(['/', '\\', '\0']) || seg == "." || seg == ".." {
            return None;
        }
        // Rejects anything the platform treats specially (drive prefixes, roots).
        let mut comps = Path::new(seg.as_ref()).components();
        if !matches!(
            (comps.next(), comps.next()),
            (Some(Component::Normal(_)), None)
        ) {
            return None;
        }
        out.push(seg.into_owned());
    }
    Some(out)
}

/// The page an event stream's `page=` parameter names (the script sends
/// `location.pathname`), as an output path ("emne/csto/index.html"), or `None`
/// when it is not a path on this site. It is only ever compared with the
/// output paths of the pages a save renders.
pub(super) fn open_page(query: &str, base_path: &str) -> Option<String> {
    let raw = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))?;
    if raw.len() > 2048 {
        return None;
    }
    // The parameter is the encoded path, encoded once more as a parameter.
    let path = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
    let rel = path.strip_prefix(base_path)?;
    let segments = decode_segments(rel)?;
    let joined = segments.join("/");
    Some(if rel.is_empty() || rel.ends_with('/') {
        if joined.is_empty() {
            "index.html".to_owned()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined
    })
}

pub(super) fn split_query(url: &str) -> (&str, Option<&str>) {
    let url = url.split('#').next().unwrap_or(url);
    match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    }
}

pub(super) fn with_query(location: &str, query: Option<&str>) -> String {
    match query {
        Some(q) => format!("{location}?{}", encode_location(q)),
        None => location.to_owned(),
    }
}

/// Characters that must not appear raw in a Location header (controls, space,
/// non-ASCII); existing `%XX` escapes are kept as they are.
const LOCATION: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>');

pub(super) fn encode_location(s: &str) -> String {
    utf8_percent_encode(s, LOCATION).to_string()
}

pub(super) fn normalise_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        format!("/{trimmed}/")
    }
}

/// Content-Type by extension (ASCII case-insensitive).
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "avif" => "image/avif",
        "xml" => "application/xml",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_page_is_a_path_on_this_site_or_nothing() {
        let page = |query| open_page(query, "/");
        assert_eq!(page("page=%2F"), Some("index.html".into()));
        assert_eq!(
            page("page=%2Femne%2F%25C3%25B8l%2F"),
            Some("emne/øl/index.html".into())
        );
        assert_eq!(page("x=1&page=%2F404.html"), Some("404.html".into()));
        for outside in [
            "page=%2F..%2F..%2Fetc%2Fpasswd",
            "page=%2Fa%2F%252e%252e%2F%252e%252e%2Fetc",
            "page=https%3A%2F%2Fexample.com%2F",
            "page=etc%2Fpasswd",
            "page=%2Fa%255cb",
            "other=%2F",
        ] {
            assert_eq!(page(outside), None, "{outside}");
        }
        assert_eq!(
            open_page("page=%2Fforklaring%2Fsak%2F", "/forklaring/"),
            Some("sak/index.html".into())
        );
        assert_eq!(open_page("page=%2Fsak%2F", "/forklaring/"), None);
    }

    #[test]
    fn segments_reject_escapes() {
        for bad in [
            "..", "a/../b", "%2e%2e/x", "%2E%2E", ".%2e", "a%2fb", "a%2Fb", "a%5cb", "a\\b",
            "a%00b", "./a", "%ff",
        ] {
            assert_eq!(decode_segments(bad), None, "{bad}");
        }
    }

    #[test]
    fn segments_decode_once_as_utf8() {
        assert_eq!(
            decode_segments("bakgrunn/%C3%A6/"),
            Some(vec!["bakgrunn".to_owned(), "æ".to_owned()])
        );
        // Double encoding decodes to a literal `%2e%2e` file name, which is harmless.
        assert_eq!(
            decode_segments("%252e%252e"),
            Some(vec!["%2e%2e".to_owned()])
        );
        assert_eq!(
            decode_segments("a//b"),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(decode_segments(""), Some(vec![]));
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type(Path::new("a/INDEX.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("x.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.woff2")), "font/woff2");
        assert_eq!(content_type(Path::new("x.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
        assert_eq!(content_type(Path::new("x.exe")), "application/octet-stream");
    }

    #[test]
    fn base_and_query_helpers() {
        assert_eq!(normalise_base(""), "/");
        assert_eq!(normalise_base("/"), "/");
        assert_eq!(normalise_base("forklaring"), "/forklaring/");
        assert_eq!(normalise_base("/forklaring/"), "/forklaring/");
        assert_eq!(split_query("/a?b=1#x"), ("/a", Some("b=1")));
        assert_eq!(split_query("/a"), ("/a", None));
        assert_eq!(with_query("/a/", Some("q=1")), "/a/?q=1");
        assert_eq!(encode_location("/æ\r\n"), "/%C3%A6%0D%0A");
    }
}
