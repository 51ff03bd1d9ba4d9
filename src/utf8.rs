//! UTF-8 checks with SIMD. The standard library checks Norwegian text at
//! about six instructions a byte, since every æ, ø and å leaves its ASCII
//! fast path; each article is checked when it is loaded, again when its page
//! reads it, and every partial's output once more: 4.5 % of a build.
//! simdutf8 is already built for the search index's HTML parser.

use std::borrow::Cow;
use std::string::FromUtf8Error;

/// `bytes` as text, or the standard library's error, which says where they
/// stop being UTF-8.
#[allow(unsafe_code)] // taking checked bytes as text without a copy; see SAFETY below
pub fn into_string(bytes: Vec<u8>) -> Result<String, FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just found `bytes` to be valid UTF-8, which is
        // all `from_utf8_unchecked` asks; the buffer is not touched in between.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    // Not UTF-8: the standard library says where, for the message.
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
            // Longer than a few SIMD blocks, with the fault at the very end.
            [&"ø".repeat(1 << 20)[..], "å"].concat().into_bytes(),
            [&"ø".repeat(1 << 20)[..], "\u{0}"].concat().into_bytes(),
            [&b"o".repeat((1 << 20) + 2)[..], b"\x80"].concat(),
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
