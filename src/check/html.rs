//! Reading attributes out of HTML as a browser would: names in any case,
//! values in double quotes, single quotes or none, and tags across lines. The
//! pages hold raw HTML from writers, so the theme's own spelling is not enough.

/// Every value of attribute `name` (lowercase) in `html`, decoded.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let mut values = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(found) = html[i..].find('<') {
        i += found + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |end| i + end + 3);
            continue;
        }
        // Only start tags carry attributes: `<a`, not `</a>`, `<!doctype>` or `< 3`.
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let tag_start = i;
        while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        let tag = html[tag_start..i].to_ascii_lowercase();
        i = read_attributes(html, i, name, &mut values);
        // Text inside these is not markup.
        if matches!(tag.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{tag}");
            i = find_ascii_case_insensitive(html, i, &close).unwrap_or(html.len());
        }
    }
    values
}

/// Reads the attributes of one tag from `i` to its `>`, keeping the values of
/// `wanted`; returns where the tag ends.
fn read_attributes(html: &str, mut i: usize, wanted: &str, values: &mut Vec<String>) -> usize {
    let bytes = html.as_bytes();
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return (i + 1).min(bytes.len());
        }
        let name_start = i;
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attribute = html[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && is_space(bytes[j]) {
            j += 1;
        }
        if bytes.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while j < bytes.len() && is_space(bytes[j]) {
            j += 1;
        }
        let (value, end) = match bytes.get(j) {
            Some(&quote @ (b'"' | b'\'')) => {
                let end = html[j + 1..]
                    .find(quote as char)
                    .map_or(html.len(), |e| j + 1 + e);
                (&html[j + 1..end], (end + 1).min(html.len()))
            }
            _ => {
                let end = html[j..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(html.len(), |e| j + e);
                (&html[j..end], end)
            }
        };
        if attribute == wanted {
            values.push(unescape(value));
        }
        i = end;
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn find_ascii_case_insensitive(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    haystack.as_bytes()[from..]
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
        .map(|at| from + at)
}

/// The text of an attribute value: the entities HTML writers use.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_way_of_writing_an_attribute() {
        let html = "<a href=\"/a/\">x</a> <A HREF='/b/'>y</A> <a\nclass=x\nhref=/c/>z</a>\
                    <a title=\"href='/no/'\" href = \"/d/?x=1&amp;y=2\">\
                    <!-- <a href=\"/comment/\"> --><script>var s = '<a href=\"/script/\">';</script>\
                    <img src=/e.png alt=''>";
        assert_eq!(
            attribute_values(html, "href"),
            vec!["/a/", "/b/", "/c/", "/d/?x=1&y=2"]
        );
        assert_eq!(attribute_values(html, "src"), vec!["/e.png"]);
    }

    #[test]
    fn survives_broken_markup() {
        assert!(attribute_values("<a href=\"/open", "href") == vec!["/open"]);
        assert!(attribute_values("<", "href").is_empty());
        assert!(attribute_values("<a href=", "href") == vec![""]);
        assert!(attribute_values("a < b > c", "href").is_empty());
    }
}
