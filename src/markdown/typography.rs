//! The language's typography in running text: numbers and dates that do not
//! break across lines, typographic apostrophes, and quotes nested the way the
//! language nests them. It works on text only, never on code, URLs or
//! attributes, which is why it runs on the parser's text events and on plain
//! front-matter values, not on HTML.

use crate::i18n::Language;

/// U+00A0: keeps «6. januar» and «kl. 10.00» on one line.
const NO_BREAK: char = '\u{A0}';
/// U+202F: the narrow no-break space Norwegian and SI style put in «10 000».
const NARROW_NO_BREAK: char = '\u{202F}';

/// Whether `text` may hold a quote character (and so needs
/// [`Typesetter::quotes`]) and whether it holds a digit (and so may need
/// [`spaces`]), in one pass over the bytes. Every quote mark is ASCII (`'`,
/// `"`) or starts with the UTF-8 lead byte 0xC2 (« ») or 0xE2 (“ ” ‘ ’ ‹ ›);
/// other characters with those lead bytes (a no-break space, a dash) only
/// send the text the slow way, which leaves them as they are.
fn scan(text: &str) -> (bool, bool) {
    let (mut quote, mut digit) = (false, false);
    for byte in text.bytes() {
        quote |= matches!(byte, b'\'' | b'"' | 0xC2 | 0xE2);
        digit |= byte.is_ascii_digit();
        if quote && digit {
            break;
        }
    }
    (quote, digit)
}

/// Typesetting state carried from one piece of text to the next within a block,
/// since a quote may open in one text event and close in another.
#[derive(Debug, Clone)]
pub struct Typesetter {
    language: Language,
    /// How many quotes are open.
    depth: usize,
    /// The last character set, to tell an opening quote from a closing one.
    prev: Option<char>,
    /// An English single quote is open, so the next ’ after a word closes it.
    single_open: bool,
}

impl Typesetter {
    pub fn new(language: Language) -> Typesetter {
        Typesetter {
            language,
            depth: 0,
            prev: None,
            single_open: false,
        }
    }

    /// A new block (paragraph, heading, list item) starts: quotes do not carry over.
    pub fn end_block(&mut self) {
        self.depth = 0;
        self.prev = None;
        self.single_open = false;
    }

    /// Something that is not text was set in between: a word (code, a tag) or a
    /// line break (`' '`).
    pub fn skip(&mut self, like: char) {
        self.prev = Some(like);
    }

    pub fn set(&mut self, text: &str) -> String {
        // Most text has nothing to set: one pass over the bytes decides, so the
        // per-character work below runs only where a quote or a digit is.
        let (has_quote, has_digit) = scan(text);
        let quoted = if has_quote {
            self.quotes(text)
        } else {
            if let Some(last) = text.chars().next_back() {
                self.prev = Some(last);
            }
            text.to_owned()
        };
        if has_digit {
            spaces(&quoted, self.language)
        } else {
            quoted
        }
    }

    fn quotes(&mut self, text: &str) -> String {
        let (open, close, inner_open, inner_close) = match self.language {
            Language::Nb => ('«', '»', '‹', '›'),
            Language::En => ('“', '”', '‘', '’'),
        };
        let mut out = String::with_capacity(text.len() + 8);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let opens_here = self.prev.is_none_or(|p| {
                p.is_whitespace() || matches!(p, '(' | '[' | '{' | '–' | '—' | '/')
            });
            let set = match c {
                '\'' | '’' if self.prev.is_some_and(char::is_alphanumeric) => {
                    if self.single_open && chars.peek().is_none_or(|n| !n.is_alphanumeric()) {
                        self.single_open = false;
                        self.depth = self.depth.saturating_sub(1);
                    }
                    '’'
                }
                '\'' | '‘' if opens_here && self.language == Language::En => {
                    self.depth += 1;
                    self.single_open = true;
                    '‘'
                }
                '«' | '“' => self.open(open, inner_open),
                '»' | '”' => self.close(close, inner_close),
                '"' if opens_here && chars.peek().is_some_and(|n| !n.is_whitespace()) => {
                    self.open(open, inner_open)
                }
                '"' if self.depth > 0 => self.close(close, inner_close),
                '‹' if self.language == Language::Nb => self.open(open, inner_open),
                '›' if self.language == Language::Nb => self.close(close, inner_close),
                other => other,
            };
            out.push(set);
            self.prev = Some(set);
        }
        out
    }

    fn open(&mut self, outer: char, inner: char) -> char {
        self.depth += 1;
        if self.depth > 1 { inner } else { outer }
    }

    fn close(&mut self, outer: char, inner: char) -> char {
        let set = if self.depth > 1 { inner } else { outer };
        self.depth = self.depth.saturating_sub(1);
        set
    }
}

/// Plain text from front matter, set in `language`.
pub fn typeset(text: &str, language: Language) -> String {
    Typesetter::new(language).set(text)
}

/// The spaces that must not break: in digit groups, after a day number before
/// its month, and after «kl.» before the time.
fn spaces(text: &str, language: Language) -> String {
    if !text.contains(' ') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = &chars[..i];
            let after = &chars[i + 1..];
            if let Some(space) = unbreakable(before, after, language) {
                out.push(space);
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn unbreakable(before: &[char], after: &[char], language: Language) -> Option<char> {
    if digit_group(before, after) {
        return Some(NARROW_NO_BREAK);
    }
    let months = language.month_names();
    let day_before = match language {
        // «6. januar»: one or two digits and a full stop.
        Language::Nb => before.last() == Some(&'.') && day_number(&before[..before.len() - 1]),
        // "6 January".
        Language::En => day_number(before),
    };
    if day_before && months.iter().any(|m| starts_word(after, m)) {
        return Some(NO_BREAK);
    }
    if language == Language::Nb
        && ends_word(before, "kl.")
        && after.first().is_some_and(char::is_ascii_digit)
    {
        return Some(NO_BREAK);
    }
    None
}

/// «10 000»: one to three digits (not part of a longer number or a decimal)
/// before the space, exactly three after it.
fn digit_group(before: &[char], after: &[char]) -> bool {
    let run = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let start = before.len() - run;
    let lead_ok = (1..=3).contains(&run)
        && (start == 0
            || !(before[start - 1].is_alphanumeric() || matches!(before[start - 1], ',' | '.')));
    let three_after = after.len() >= 3
        && after[..3].iter().all(char::is_ascii_digit)
        && after
            .get(3)
            .is_none_or(|c| !c.is_alphanumeric() || *c == ' ');
    lead_ok && three_after
}

fn day_number(before: &[char]) -> bool {
    let run = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (1..=2).contains(&run)
        && before
            .len()
            .checked_sub(run + 1)
            .is_none_or(|i| !before[i].is_alphanumeric())
}

fn starts_word(chars: &[char], word: &str) -> bool {
    let n = word.chars().count();
    chars.len() >= n
        && chars[..n].iter().copied().eq(word.chars())
        && chars.get(n).is_none_or(|c| !c.is_alphabetic())
}

fn ends_word(chars: &[char], word: &str) -> bool {
    let n = word.chars().count();
    chars.len() >= n
        && chars[chars.len() - n..].iter().copied().eq(word.chars())
        && (chars.len() == n || !chars[chars.len() - n - 1].is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_times_stay_on_one_line() {
        assert_eq!(
            typeset("Over 10 000 pågrepet 6. januar kl. 19.00", Language::Nb),
            "Over 10\u{202F}000 pågrepet 6.\u{A0}januar kl.\u{A0}19.00"
        );
        assert_eq!(
            typeset("1 234 567 tenge", Language::Nb),
            "1\u{202F}234\u{202F}567 tenge"
        );
        assert_eq!(
            typeset("i 2021 500 ganger", Language::Nb),
            "i 2021 500 ganger"
        );
        assert_eq!(typeset("side 6. Januar", Language::Nb), "side 6. Januar");
        assert_eq!(typeset("on 6 January", Language::En), "on 6\u{A0}January");
        assert_eq!(
            typeset("kapittel 12. mai-utgaven", Language::Nb),
            "kapittel 12.\u{A0}mai-utgaven"
        );
    }

    #[test]
    fn state_carries_over_text_with_nothing_to_set() {
        // Text without quotes or digits takes the quick path; the next piece of
        // text must still see the character before it.
        let mut setter = Typesetter::new(Language::Nb);
        assert_eq!(setter.set("Reuters"), "Reuters");
        assert_eq!(setter.set("' tall og "), "’ tall og ");
        assert_eq!(setter.set("\"sitat"), "«sitat");
        assert_eq!(setter.set(" fortsetter"), " fortsetter");
        assert_eq!(setter.set("\" slutt"), "» slutt");
    }

    #[test]
    fn quotes_nest_and_apostrophes_curl() {
        assert_eq!(
            typeset("«for en «begrenset periode»»", Language::Nb),
            "«for en ‹begrenset periode›»"
        );
        assert_eq!(
            typeset("\"Sitat\" og Reuters' tall", Language::Nb),
            "«Sitat» og Reuters’ tall"
        );
        assert_eq!(
            typeset("\"a 'limited period' now\" it's", Language::En),
            "“a ‘limited period’ now” it’s"
        );
    }
}
