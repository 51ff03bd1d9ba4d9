//! The hints a CMS shows under each field are the comments `forklar new`
//! writes beside the same field: one text, read from the scaffold's own
//! output, so the two cannot drift apart.

use std::collections::BTreeMap;

use crate::i18n::Language;

/// Hints by field: `title`, `timeline` (the list), `timeline.date`.
#[derive(Debug, Default)]
pub struct Hints(BTreeMap<String, String>);

impl Hints {
    /// The hints of a new article and a new background entry.
    pub fn from_scaffold(language: Language) -> (Hints, Hints) {
        let (article, entry) = crate::scaffold::example_texts(language);
        (Hints::from_example(&article), Hints::from_example(&entry))
    }

    /// Reads `key = value  # hint` lines, commented out or not; a `[table]`
    /// or `[[table]]` line starts the fields `table.key`. A key without a
    /// comment of its own takes the comment lines just above it, where a
    /// field needs more words than fit beside it.
    pub fn from_example(text: &str) -> Hints {
        let mut hints = BTreeMap::new();
        let mut table: Option<String> = None;
        let mut above: Vec<&str> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            let commented = line.starts_with('#');
            let line = line.strip_prefix('#').map_or(line, str::trim_start);
            if commented && !line.starts_with('[') && !line.contains('=') {
                above.push(line);
                continue;
            }
            let prose = std::mem::take(&mut above);
            if let Some(rest) = line.strip_prefix('[') {
                let name = rest.trim_start_matches('[');
                let Some(end) = name.find(']') else { continue };
                let name = name[..end].trim().to_string();
                if let Some(hint) = comment_after(&rest[end..]) {
                    hints.insert(name.clone(), hint);
                }
                table = Some(name);
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let hint = comment_after(value).or_else(|| {
                let joined = prose.join(" ");
                (!joined.is_empty()).then(|| capitalised(&joined))
            });
            if let Some(hint) = hint {
                let path = match &table {
                    Some(table) => format!("{table}.{key}"),
                    None => key.to_string(),
                };
                hints.insert(path, hint);
            }
        }
        Hints(hints)
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }
}

/// The comment after a TOML value, as a hint: what "required" says is left
/// to the CMS, which marks required fields itself.
fn comment_after(value: &str) -> Option<String> {
    let mut in_string = false;
    let mut escaped = false;
    let mut at = None;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => {
                at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let comment = value[at? + 1..].trim();
    let comment = comment.replace("(required)", "");
    let comment = comment.trim();
    let comment = ["required:", "required;", "required"]
        .iter()
        .find_map(|prefix| comment.strip_prefix(prefix))
        .unwrap_or(comment)
        .trim();
    (!comment.is_empty()).then(|| capitalised(comment))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_come_from_the_scaffolds_comments() {
        let (article, entry) = Hints::from_scaffold(Language::Nb);
        assert_eq!(article.get("title"), Some("The headline"));
        assert_eq!(
            article.get("quotes.speaker"),
            Some("A name, or the key of a person in content/people/")
        );
        assert_eq!(article.get("timeline"), Some("One block per event"));
        assert_eq!(article.get("questions.question"), None);
        assert!(
            article
                .get("questions.answer")
                .unwrap()
                .starts_with("Several")
        );
        assert!(entry.get("summary").is_none());
        assert!(entry.get("aliases").unwrap().contains("running text"));
    }

    #[test]
    fn a_hash_inside_a_string_is_not_a_comment() {
        let hints = Hints::from_example("# url = \"https://a.example/#x\"  # where # it is\n");
        assert_eq!(hints.get("url"), Some("Where # it is"));
    }
}
