//! The language's typography in running text: numbers and dates that do not
//! break across lines, typographic apostrophes, and quotes nested the way the
//! language nests them. It works on text only, never on code, URLs or
//! attributes, which is why it runs on the parser's text events and on plain
//! front-matter values, not on HTML.

use crate::i18n::{Language, QuotationMarks};

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
    // A table lookup per byte, without branches: this runs over every byte of
    // every text. The chunks only decide how often to stop early.
    let mut seen = 0u8;
    for chunk in text.as_bytes().chunks(64) {
        for &byte in chunk {
            seen |= BYTE_CLASS[usize::from(byte)];
        }
        if seen == MAY_QUOTE | DIGIT {
            break;
        }
    }
    (seen & MAY_QUOTE != 0, seen & DIGIT != 0)
}

/// [`BYTE_CLASS`]: the byte is `'`, `"` or the lead byte of a quote mark.
const MAY_QUOTE: u8 = 1;
/// [`BYTE_CLASS`]: the byte is an ASCII digit.
const DIGIT: u8 = 2;

/// What each byte may be, for [`scan`].
const BYTE_CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    class[b'\'' as usize] = MAY_QUOTE;
    class[b'"' as usize] = MAY_QUOTE;
    class[0xC2] = MAY_QUOTE;
    class[0xE2] = MAY_QUOTE;
    let mut digit = b'0';
    while digit <= b'9' {
        class[digit as usize] = DIGIT;
        digit += 1;
    }
    class
};

/// How deep in quotation a text stands before any quote of its own opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Level {
    /// Running text: its quotes are the outer ones («», “”).
    #[default]
    Running,
    /// Words the page already shows inside quotation marks of its own (an
    /// expert quote, whose marks the stylesheet draws): their quotes are the
    /// inner ones (‹›, ‘’), or the reader would see «… «…» …».
    Quoted,
}

impl Level {
    fn depth(self) -> usize {
        match self {
            Level::Running => 0,
            Level::Quoted => 1,
        }
    }
}

/// Typesetting state carried from one piece of text to the next within a block,
/// since a quote may open in one text event and close in another.
#[derive(Debug, Clone)]
pub struct Typesetter {
    language: Language,
    /// How many quotes are open, counting the page's own around the text.
    depth: usize,
    /// How many quotes are open before the text opens any: the page's own.
    floor: usize,
    /// The last character set, to tell an opening quote from a closing one.
    prev: Option<char>,
    /// An English single quote is open, so the next ’ after a word closes it.
    single_open: bool,
}

impl Typesetter {
    pub fn new(language: Language) -> Typesetter {
        Typesetter::at(language, Level::Running)
    }

    /// A typesetter for text that stands at `level`.
    pub fn at(language: Language, level: Level) -> Typesetter {
        Typesetter {
            language,
            depth: level.depth(),
            floor: level.depth(),
            prev: None,
            single_open: false,
        }
    }

    /// A new block (paragraph, heading, list item) starts: quotes do not carry over.
    pub fn end_block(&mut self) {
        self.depth = self.floor;
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
        if !has_quote {
            if let Some(last) = text.chars().next_back() {
                self.prev = Some(last);
            }
            return if has_digit {
                spaces(text, self.language)
            } else {
                text.to_owned()
            };
        }
        let quoted = self.quotes(text);
        if has_digit {
            spaces(&quoted, self.language)
        } else {
            quoted
        }
    }

    /// Sets the quotes of `text`. Only quote characters change, so the runs
    /// between them are copied whole and the per-character rules run at the
    /// quotes alone.
    fn quotes(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        let bytes = text.as_bytes();
        let mut copied = 0;
        let mut at = 0;
        while let Some(found) = bytes[at..]
            .iter()
            .position(|&byte| BYTE_CLASS[usize::from(byte)] == MAY_QUOTE)
        {
            at += found;
            let len = quote_len(&bytes[at..]);
            if len == 0 {
                at += 1;
                continue;
            }
            if copied < at {
                let run = &text[copied..at];
                out.push_str(run);
                self.prev = run.chars().next_back();
            }
            let quote = text[at..].chars().next().unwrap_or('"');
            let next = text[at + len..].chars().next();
            let set = self.quote(quote, next);
            out.push(set);
            self.prev = Some(set);
            at += len;
            copied = at;
        }
        if copied < bytes.len() {
            let run = &text[copied..];
            out.push_str(run);
            self.prev = run.chars().next_back();
        }
        out
    }

    /// The quote character `c` set where it stands, `next` being the
    /// character after it as written.
    fn quote(&mut self, c: char, next: Option<char>) -> char {
        let QuotationMarks {
            open,
            close,
            inner_open,
            inner_close,
        } = self.language.quotation_marks();
        // A quote opens after a space or a bracket, and right after another
        // opening mark ('"Det …"' is a quote inside a quote).
        let opens_here = self.prev.is_none_or(|p| {
            p.is_whitespace()
                || matches!(
                    p,
                    '(' | '[' | '{' | '–' | '—' | '/' | '«' | '“' | '‹' | '‘' | '\''
                )
        });
        match c {
            '\'' | '’' if self.prev.is_some_and(char::is_alphanumeric) => {
                if self.single_open && next.is_none_or(|n| !n.is_alphanumeric()) {
                    self.single_open = false;
                    self.depth = self.depth.saturating_sub(1).max(self.floor);
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
            '"' if opens_here && next.is_some_and(|n| !n.is_whitespace()) => {
                self.open(open, inner_open)
            }
            '"' if self.depth > self.floor => self.close(close, inner_close),
            '‹' if self.language == Language::Nb => self.open(open, inner_open),
            '›' if self.language == Language::Nb => self.close(close, inner_close),
            other => other,
        }
    }

    fn open(&mut self, outer: char, inner: char) -> char {
        self.depth += 1;
        marks_at(self.depth, outer, inner)
    }

    fn close(&mut self, outer: char, inner: char) -> char {
        let set = marks_at(self.depth, outer, inner);
        // A close the text never opened ends the page's own quotation, which
        // stays open around the rest.
        self.depth = self.depth.saturating_sub(1).max(self.floor);
        set
    }
}

/// The mark of a quote `depth` deep: the outer and inner marks take turns,
/// so a quote three deep is «…» again, as in «… ‹… «…» …› …».
fn marks_at(depth: usize, outer: char, inner: char) -> char {
    if depth.is_multiple_of(2) {
        inner
    } else {
        outer
    }
}

/// Plain text from front matter, set in `language`.
pub fn typeset(text: &str, language: Language) -> String {
    Typesetter::new(language).set(text)
}

/// Plain text from front matter standing at `level`, set in `language`.
pub fn typeset_at(text: &str, language: Language, level: Level) -> String {
    Typesetter::at(language, level).set(text)
}

/// The length in bytes of the quote character `bytes` starts with (one that
/// [`Typesetter::quote`] may change), or 0.
fn quote_len(bytes: &[u8]) -> usize {
    match bytes {
        [b'\'' | b'"', ..] => 1,
        // « »
        [0xC2, 0xAB | 0xBB, ..] => 2,
        // ‘ ’ “ ” ‹ ›
        [0xE2, 0x80, 0x98 | 0x99 | 0x9C | 0x9D | 0xB9 | 0xBA, ..] => 3,
        _ => 0,
    }
}

/// The spaces that must not break: in digit groups, after a day number before
/// its month, and after «kl.» before the time.
fn spaces(text: &str, language: Language) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for (at, _) in text.match_indices(' ') {
        // Every rule needs a digit or a full stop right before the space.
        if !text.as_bytes()[..at]
            .last()
            .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
        {
            continue;
        }
        if let Some(space) = unbreakable(&text[..at], &text[at + 1..], language) {
            out.push_str(&text[copied..at]);
            out.push(space);
            copied = at + 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn unbreakable(before: &str, after: &str, language: Language) -> Option<char> {
    if digit_group(before, after) {
        return Some(NARROW_NO_BREAK);
    }
    let months = language.month_names();
    let day_before = match language {
        // «6. januar»: one or two digits and a full stop.
        Language::Nb => before.strip_suffix('.').is_some_and(day_number),
        // "6 January".
        Language::En => day_number(before),
    };
    if day_before && months.iter().any(|m| starts_word(after, m)) {
        return Some(NO_BREAK);
    }
    if language == Language::Nb
        && ends_word(before, "kl.")
        && after.starts_with(|c: char| c.is_ascii_digit())
    {
        return Some(NO_BREAK);
    }
    None
}

/// How many ASCII digits `text` ends with.
fn trailing_digits(text: &str) -> usize {
    text.bytes().rev().take_while(u8::is_ascii_digit).count()
}

/// «10 000»: one to three digits (not part of a longer number or a decimal)
/// before the space, exactly three after it.
fn digit_group(before: &str, after: &str) -> bool {
    let run = trailing_digits(before);
    let lead_ok = (1..=3).contains(&run)
        && before[..before.len() - run]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, ',' | '.')));
    let three_after = after.len() >= 3
        && after.as_bytes()[..3].iter().all(u8::is_ascii_digit)
        && after[3..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() || c == ' ');
    lead_ok && three_after
}

fn day_number(before: &str) -> bool {
    let run = trailing_digits(before);
    (1..=2).contains(&run)
        && before[..before.len() - run]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

fn starts_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word)
        .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphabetic()))
}

fn ends_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word)
        .is_some_and(|rest| rest.chars().next_back().is_none_or(|c| !c.is_alphabetic()))
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
    fn long_text_is_set_all_through() {
        // Past the first chunks of the byte scan: a quote and a number far in.
        let words = "ærlig talt sa han øst for byen ".repeat(3);
        assert_eq!(
            typeset(&format!("{words}\"sitat\" med 10 000 folk"), Language::Nb),
            format!("{words}«sitat» med 10\u{202F}000 folk")
        );
        assert_eq!(
            typeset(&format!("{words}{words}kl. 19.00"), Language::Nb),
            format!("{words}{words}kl.\u{A0}19.00")
        );
        assert_eq!(typeset(&words, Language::Nb), words);
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

    #[test]
    fn a_quote_three_deep_takes_the_outer_marks_again() {
        assert_eq!(
            typeset("«Han sa «de ropte «nå» i kor» i går»", Language::Nb),
            "«Han sa ‹de ropte «nå» i kor› i går»"
        );
        assert_eq!(
            typeset(
                "\"He said 'they shouted \"now\" together' today\"",
                Language::En
            ),
            "“He said ‘they shouted “now” together’ today”"
        );
    }

    #[test]
    fn a_quote_opens_right_after_another_opening_mark() {
        // The single mark stays as typed in Norwegian; the double one after
        // it still opens, and closes before the single one.
        assert_eq!(
            typeset("Han sa '\"Det er over\"' i går", Language::Nb),
            "Han sa '«Det er over»' i går"
        );
        assert_eq!(
            typeset("«\"Nei\", sa hun»", Language::Nb),
            "«‹Nei›, sa hun»"
        );
        assert_eq!(typeset("tomt: \"\" her", Language::Nb), "tomt: «» her");
    }

    #[test]
    fn quoted_words_take_the_inner_quotes() {
        let quoted = |text| typeset_at(text, Language::Nb, Level::Quoted);
        assert_eq!(
            quoted("Det er \"bare\" en \"periode\""),
            "Det er ‹bare› en ‹periode›"
        );
        assert_eq!(
            quoted("«for en «begrenset» periode»"),
            "‹for en «begrenset» periode›"
        );
        // A close the words never opened closes the page's quotation.
        assert_eq!(quoted("slutt» og \"ny\""), "slutt» og ‹ny›");
        assert_eq!(
            typeset_at("a \"limited period\" it's", Language::En, Level::Quoted),
            "a ‘limited period’ it’s"
        );
    }
}
