//! Template values kept for the whole build in one block of bytes each.
//!
//! A summary keeps what lists show of an article's parts («Kort fortalt»'s
//! points) for every article of the site. As a template value that is a map,
//! an array and a string each, about 850 bytes an article for some 350 bytes
//! of text; frozen it is the text and a few bytes of structure, and a list
//! thaws it when it shows the summary. All of one summary's parts share one
//! block.

use std::sync::Arc;

use tera::Number;
use tera::value::{Key, ValueKind};
use tera::{Map, Value};

/// Template values under keys from a fixed table (the parts' keys), frozen
/// end to end in one block: one block and one slot for all of a summary's
/// parts, not one each, for every article of the site.
pub(super) enum FrozenEntries {
    Bytes(Box<[u8]>),
    /// The entries as they are, where one holds what the block does not
    /// encode (bytes, 128-bit numbers, map keys that are not strings) or a
    /// key is not in the table.
    Kept(Box<[(&'static str, Value)]>),
}

const UNDEFINED: u8 = 0;
const NONE: u8 = 1;
const FALSE: u8 = 2;
const TRUE: u8 = 3;
const I64: u8 = 4;
const U64: u8 = 5;
const F64: u8 = 6;
const STRING: u8 = 7;
const SAFE_STRING: u8 = 8;
const ARRAY: u8 = 9;
const MAP: u8 = 10;

impl FrozenEntries {
    pub(super) fn of(
        entries: Vec<(&'static str, Value)>,
        keys: &'static [&'static str],
    ) -> FrozenEntries {
        let mut bytes = Vec::new();
        for (key, value) in &entries {
            let index = keys.iter().position(|k| k == key);
            let Some(index) = index.and_then(|i| u8::try_from(i).ok()) else {
                return FrozenEntries::Kept(entries.into_boxed_slice());
            };
            bytes.push(index);
            if freeze(value, &mut bytes).is_none() {
                return FrozenEntries::Kept(entries.into_boxed_slice());
            }
        }
        FrozenEntries::Bytes(bytes.into_boxed_slice())
    }

    pub(super) fn thaw(&self, keys: &'static [&'static str]) -> Vec<(&'static str, Value)> {
        match self {
            FrozenEntries::Bytes(bytes) => {
                let mut entries = Vec::new();
                let mut at = 0;
                // Only `of` wrote these bytes; a block it cannot have written
                // would be a bug here, shown as the entries before it.
                while let Some(&index) = bytes.get(at) {
                    at += 1;
                    let Some(key) = keys.get(usize::from(index)) else {
                        break;
                    };
                    let Some(value) = thaw(bytes, &mut at) else {
                        break;
                    };
                    entries.push((*key, value));
                }
                entries
            }
            FrozenEntries::Kept(entries) => entries.to_vec(),
        }
    }
}

fn put_len(len: usize, bytes: &mut Vec<u8>) -> Option<()> {
    bytes.extend_from_slice(&u32::try_from(len).ok()?.to_le_bytes());
    Some(())
}

fn put_str(text: &str, bytes: &mut Vec<u8>) -> Option<()> {
    put_len(text.len(), bytes)?;
    bytes.extend_from_slice(text.as_bytes());
    Some(())
}

fn freeze(value: &Value, bytes: &mut Vec<u8>) -> Option<()> {
    match value.kind() {
        ValueKind::Undefined => bytes.push(UNDEFINED),
        ValueKind::None => bytes.push(NONE),
        ValueKind::Bool => bytes.push(if value.as_bool()? { TRUE } else { FALSE }),
        ValueKind::I64 => {
            let Number::Integer(n) = value.as_number()? else {
                return None;
            };
            bytes.push(I64);
            bytes.extend_from_slice(&i64::try_from(n).ok()?.to_le_bytes());
        }
        ValueKind::U64 => {
            let Number::Integer(n) = value.as_number()? else {
                return None;
            };
            bytes.push(U64);
            bytes.extend_from_slice(&u64::try_from(n).ok()?.to_le_bytes());
        }
        ValueKind::F64 => {
            let Number::Float(x) = value.as_number()? else {
                return None;
            };
            bytes.push(F64);
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        ValueKind::String => {
            bytes.push(if value.is_safe() { SAFE_STRING } else { STRING });
            put_str(value.as_str()?, bytes)?;
        }
        ValueKind::Array => {
            let items = value.as_array()?;
            bytes.push(ARRAY);
            put_len(items.len(), bytes)?;
            for item in items {
                freeze(item, bytes)?;
            }
        }
        ValueKind::Map => {
            let map = value.as_map()?;
            bytes.push(MAP);
            put_len(map.len(), bytes)?;
            for (key, item) in map {
                put_str(key.as_str()?, bytes)?;
                freeze(item, bytes)?;
            }
        }
        // 128-bit numbers, bytes, and whatever a later Tera adds: kept as they are.
        _ => return None,
    }
    Some(())
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, len: usize) -> Option<&'a [u8]> {
    let taken = bytes.get(*at..*at + len)?;
    *at += len;
    Some(taken)
}

fn take_8(bytes: &[u8], at: &mut usize) -> Option<[u8; 8]> {
    take(bytes, at, 8)?.try_into().ok()
}

fn take_len(bytes: &[u8], at: &mut usize) -> Option<usize> {
    Some(u32::from_le_bytes(take(bytes, at, 4)?.try_into().ok()?) as usize)
}

fn take_str<'a>(bytes: &'a [u8], at: &mut usize) -> Option<&'a str> {
    let len = take_len(bytes, at)?;
    simdutf8::basic::from_utf8(take(bytes, at, len)?).ok()
}

fn thaw(bytes: &[u8], at: &mut usize) -> Option<Value> {
    let tag = *bytes.get(*at)?;
    *at += 1;
    Some(match tag {
        UNDEFINED => Value::undefined(),
        NONE => Value::none(),
        FALSE => Value::from(false),
        TRUE => Value::from(true),
        I64 => Value::from(i64::from_le_bytes(take_8(bytes, at)?)),
        U64 => Value::from(u64::from_le_bytes(take_8(bytes, at)?)),
        F64 => Value::from(f64::from_le_bytes(take_8(bytes, at)?)),
        STRING => Value::from(take_str(bytes, at)?),
        SAFE_STRING => Value::safe_string(take_str(bytes, at)?),
        ARRAY => {
            let len = take_len(bytes, at)?;
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                items.push(thaw(bytes, at)?);
            }
            Value::from(items)
        }
        MAP => {
            let len = take_len(bytes, at)?;
            let mut map = Map::with_capacity(len);
            for _ in 0..len {
                let key = Key::String(Arc::from(take_str(bytes, at)?));
                map.insert(key, thaw(bytes, at)?);
            }
            Value::from(map)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `value` the way a template shows it, so a thawed value is
    /// compared by what a reader would get, safe strings unescaped included.
    fn shown(value: &Value) -> String {
        let mut tera = tera::Tera::default();
        tera.add_raw_template(
            "t.html",
            "{% for p in v.points %}[{{ p }}]{% endfor %}|{{ v.safe }}|{{ v.plain }}|{{ v.n }}|{{ v.x }}|{{ v.yes }}|{% if v.nothing is none %}none{% endif %}",
        )
        .unwrap();
        let mut context = tera::Context::new();
        context.insert_value("v", value.clone());
        tera.render("t.html", &context).unwrap()
    }

    fn sample() -> Value {
        let mut map = Map::new();
        map.insert(
            Key::Str("points"),
            Value::from(vec![
                Value::from("Protestene startet <i>2. januar</i>"),
                Value::from("Æ ø å – «sitat»"),
            ]),
        );
        map.insert(Key::Str("safe"), Value::safe_string("<b>fet</b>"));
        map.insert(Key::Str("plain"), Value::from("<b>fet</b>"));
        map.insert(Key::Str("n"), Value::from(-7_i64));
        map.insert(Key::Str("x"), Value::from(2.5_f64));
        map.insert(Key::Str("yes"), Value::from(true));
        map.insert(Key::Str("nothing"), Value::none());
        Value::from(map)
    }

    const KEYS: &[&str] = &["summary", "known", "key_figures"];

    #[test]
    fn thawed_values_show_as_the_frozen_ones_did_under_their_keys() {
        let value = sample();
        let entries = vec![
            ("key_figures", Value::from("tall")),
            ("summary", value.clone()),
        ];
        let frozen = FrozenEntries::of(entries, KEYS);
        assert!(matches!(frozen, FrozenEntries::Bytes(_)));
        let thawed = frozen.thaw(KEYS);
        assert_eq!(thawed.len(), 2);
        assert_eq!(thawed[0], ("key_figures", Value::from("tall")));
        assert_eq!(thawed[1].0, "summary");
        assert_eq!(shown(&thawed[1].1), shown(&value));
        assert!(shown(&value).contains("[Protestene startet &lt;i&gt;2. januar&lt;"));
        assert!(shown(&value).contains("|<b>fet</b>|&lt;b&gt;fet"));
    }

    #[test]
    fn no_entries_thaw_to_none() {
        let frozen = FrozenEntries::of(Vec::new(), KEYS);
        assert!(matches!(&frozen, FrozenEntries::Bytes(bytes) if bytes.is_empty()));
        assert!(frozen.thaw(KEYS).is_empty());
    }

    #[test]
    fn a_value_with_a_128_bit_number_is_kept_as_it_is() {
        let value = Value::from(vec![Value::from(1_i64), Value::from(u128::MAX)]);
        let entries = vec![("summary", Value::from("a")), ("known", value.clone())];
        let frozen = FrozenEntries::of(entries.clone(), KEYS);
        assert!(matches!(frozen, FrozenEntries::Kept(_)));
        assert_eq!(frozen.thaw(KEYS), entries);
    }

    #[test]
    fn a_key_outside_the_table_is_kept_as_it_is() {
        let entries = vec![
            ("summary", Value::from("a")),
            ("elsewhere", Value::from("b")),
        ];
        let frozen = FrozenEntries::of(entries.clone(), KEYS);
        assert!(matches!(frozen, FrozenEntries::Kept(_)));
        assert_eq!(frozen.thaw(KEYS), entries);
    }
}
