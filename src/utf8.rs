//! UTF-8 checks with SIMD. The standard library checks Norwegian text at
//! about six instructions a byte, since every æ, ø and å leaves its ASCII
//! fast path; each article is checked when it is loaded, again when its page
//! reads it, and every partial's output once more: 4.5 % of a build.
//! simdutf8 is already built for the search index's HTML parser.

use std::borrow::Cow;
use std::string::FromUtf8Error;

/// Bytes up to this size are checked with SIMD and copied into a new
/// `String`; larger ones are checked in place by the standard library, so a
/// very large file is never held twice.
const COPIED_UP_TO: usize = 1 << 20;

/// `bytes` as text, or the standard library's error, which says where they
/// stop being UTF-8.
pub fn into_string(bytes: Vec<u8>) -> Result<String, FromUtf8Error> {
    if bytes.len() <= COPIED_UP_TO
        && let Ok(text) = simdutf8::basic::from_utf8(&bytes)
    {
        return Ok(text.to_owned());
    }
    String::from_utf8(bytes)
}

/// Template output as text. Tera writes UTF-8; were a byte ever wrong, it
/// shows as U+FFFD rather than failing the page.
pub fn output_text(bytes: Vec<u8>) -> String {
    into_string(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `bytes` as text, borrowed where they are UTF-8.
pub fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_taken_as_it_is_and_bad_bytes_are_found_where_std_finds_them() {
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            "Tokajev ba CSTO om hjelp – «fredsbevarende» styrker, 5. januar".into(),
            "æøå".repeat(40_000).into_bytes(),
            b"Almaty \xff".to_vec(),
            b"bl\xc3".to_vec(),
            [&b"a".repeat(100)[..], b"\xed\xa0\x80", b"z"].concat(),
            // Past the size that is copied: checked in place.
            [&"ø".repeat(COPIED_UP_TO)[..], "å"].concat().into_bytes(),
            [&"ø".repeat(COPIED_UP_TO)[..], "\u{0}"]
                .concat()
                .into_bytes(),
            [&b"o".repeat(COPIED_UP_TO + 2)[..], b"\x80"].concat(),
        ];
        for bytes in cases {
            let expected = String::from_utf8(bytes.clone());
            match (into_string(bytes.clone()), expected) {
                (Ok(text), Ok(expected)) => assert_eq!(text, expected),
                (Err(err), Err(expected)) => {
                    assert_eq!(err.utf8_error(), expected.utf8_error());
                    assert_eq!(err.as_bytes(), bytes.as_slice());
                }
                (got, expected) => panic!("{:?} against {:?}", got.is_ok(), expected.is_ok()),
            }
            assert_eq!(lossy(&bytes), String::from_utf8_lossy(&bytes));
            assert_eq!(output_text(bytes.clone()), String::from_utf8_lossy(&bytes));
        }
    }
}
