//! URL slugs and heading ids that survive every host and every keyboard:
//! lowercase ASCII letters, digits and hyphens. Norwegian letters follow the
//! Norwegian convention (æ→ae, ø→o, å→a); other scripts are transliterated.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Turns any text into a slug; empty when nothing letter-like is left. Text is
/// composed first (Unicode NFC): macOS writes `å` in file names as `a` and a
/// combining ring, which must give the same slug as the `å` typed in a title.
pub fn slugify(text: &str) -> String {
    // Nearly every text is composed already: composing it again would cost
    // more than the rest of the slug.
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        slug_of(text.chars(), text.len())
    } else {
        slug_of(text.nfc(), text.len())
    }
}

fn slug_of(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut slug = String::with_capacity(len);
    let mut pending_hyphen = false;
    for c in chars {
        let ascii: &str = match c {
            'æ' | 'Æ' => "ae",
            'ø' | 'Ø' => "o",
            'å' | 'Å' => "a",
            c if c.is_ascii() => {
                push_ascii(&mut slug, c, &mut pending_hyphen);
                continue;
            }
            // Emoji and symbols have names, not spellings: "🙂" must not become "slight-smile".
            c if c.is_alphanumeric() => deunicode::deunicode_char(c).unwrap_or(" "),
            _ => " ",
        };
        for c in ascii.chars() {
            push_ascii(&mut slug, c, &mut pending_hyphen);
        }
    }
    slug
}

fn push_ascii(slug: &mut String, c: char, pending_hyphen: &mut bool) {
    if c.is_ascii_alphanumeric() {
        if *pending_hyphen && !slug.is_empty() {
            slug.push('-');
        }
        *pending_hyphen = false;
        slug.push(c.to_ascii_lowercase());
    } else if c == '\'' {
        // "Tokajev's" → "tokajevs", not "tokajev-s".
    } else {
        *pending_hyphen = true;
    }
}

/// Hands out unique ids within one page: the second "Bakgrunn" becomes "bakgrunn-2".
#[derive(Debug, Default)]
pub struct UniqueIds {
    taken: std::collections::HashSet<String>,
    /// The next number to try for each base id.
    next_number: std::collections::HashMap<String, usize>,
}

impl UniqueIds {
    /// Reserves an id the page already uses (a footnote, a theme section).
    pub fn reserve(&mut self, id: &str) {
        self.taken.insert(id.to_string());
    }

    /// A unique id for a heading; `fallback` serves when the text has no letters.
    pub fn claim(&mut self, text: &str, fallback: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            base = fallback.to_string();
        }
        // Counting on from where the last heading with this text stopped keeps a
        // page of thousands of equal headings linear.
        let mut n = self.next_number.get(&base).copied().unwrap_or(2);
        let mut id = base.clone();
        while !self.taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.next_number.insert(base, n);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_letters_give_the_same_slug_as_composed_ones() {
        assert_eq!(slugify("bla\u{30a}"), "bla");
        assert_eq!(slugify("bla\u{30a}"), slugify("blå"));
        assert_eq!(slugify("Kafe\u{301}"), slugify("Kafé"));
    }

    #[test]
    fn skipping_composition_never_changes_a_slug() {
        // Texts of letters, combining marks and separators, composed and not:
        // the quick check may skip composition only where it changes nothing.
        const PIECES: [&str; 12] = [
            "a", "A", "å", "e", "\u{30a}", "\u{301}", "\u{308}", " ", "-", "Å", "\u{212b}", "ǻ",
        ];
        for text in crate::seeded_texts::seeded_texts(0x9e37_79b9_7f4a_7c15, &PIECES, 8, 5_000) {
            assert_eq!(slugify(&text), slug_of(text.nfc(), text.len()), "{text:?}");
        }
    }

    #[test]
    fn norwegian_letters_follow_norwegian_convention() {
        assert_eq!(
            slugify("Blåbærsyltetøy på brødskiva"),
            "blabaersyltetoy-pa-brodskiva"
        );
        assert_eq!(slugify("ÆRLIG ØKONOMI ÅPENT"), "aerlig-okonomi-apent");
    }

    #[test]
    fn other_scripts_are_transliterated() {
        assert_eq!(slugify("Назарбаев"), "nazarbaev");
        assert_eq!(slugify("Müller über Straße"), "muller-uber-strasse");
        assert_eq!(slugify("Café résumé"), "cafe-resume");
        assert_eq!(slugify("Αθήνα"), "athena");
        assert!(!slugify("北京").is_empty());
    }

    #[test]
    fn punctuation_collapses_to_single_hyphens() {
        assert_eq!(
            slugify("  Hva skjer i Kasakhstan?!  "),
            "hva-skjer-i-kasakhstan"
        );
        assert_eq!(slugify("CSTO -- 2022/01"), "csto-2022-01");
        assert_eq!(slugify("Tokajev's «plan»"), "tokajevs-plan");
        assert_eq!(slugify("🙂 … —"), "");
    }

    #[test]
    fn ids_are_unique_within_a_page() {
        let mut ids = UniqueIds::default();
        ids.reserve("kilder");
        assert_eq!(ids.claim("Bakgrunn", "seksjon"), "bakgrunn");
        assert_eq!(ids.claim("Bakgrunn", "seksjon"), "bakgrunn-2");
        assert_eq!(ids.claim("Kilder", "seksjon"), "kilder-2");
        assert_eq!(ids.claim("!!!", "seksjon"), "seksjon");
        assert_eq!(ids.claim("", "seksjon"), "seksjon-2");
    }
}
