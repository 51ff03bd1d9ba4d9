//! What templates get besides the parts: the site, an article as lists show
//! it, tags and pagination.

use serde::Serialize;
use tera::Value;
use tera::value::Key;

use crate::dates::ShownDate;
use crate::kind::KindView;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'static str,
    pub locale: &'static str,
    pub stylesheet: String,
    pub script: String,
    /// The script live articles load.
    pub live_script: String,
    pub background_index: String,
    pub feed: String,
    /// The corrections archive.
    pub corrections: String,
    /// The index of every topic (tag) and of every shared timeline.
    pub topics: String,
    pub timelines: String,
    /// The favicon and the touch icon: the theme's, or the site's own in static/.
    pub favicon: String,
    pub touch_icon: String,
    /// The banner of a preview build; `None` in a build for readers.
    pub preview: Option<&'static str>,
    /// The search page's address and the header link's words; `None`
    /// where the site has no search.
    pub search: Option<SearchLink>,
}

/// The header's link to the search page.
#[derive(Serialize)]
pub struct SearchLink {
    pub url: String,
    pub label: &'static str,
}

/// An article as lists show it.
#[derive(Serialize, Clone, PartialEq)]
pub struct ArticleSummary {
    /// The type of work, shown above the title.
    pub kind: KindView,
    pub title: String,
    /// The topic label above the headline: the `kicker`, else the first tag.
    pub kicker: Option<String>,
    pub lead: Option<String>,
    pub url: String,
    pub permalink: String,
    pub date: ShownDate,
    pub updated: Option<ShownDate>,
    /// What the update changed, or empty.
    pub update_note: Option<String>,
    pub tags: Vec<TagView>,
}

#[derive(Serialize, Clone, PartialEq)]
pub struct TagView {
    pub name: String,
    pub url: String,
}

/// Where a page of a list is among the others.
#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    /// "Side 2 av 200".
    pub label: String,
    /// What the page's heading adds to its name: ", side 2", or nothing on
    /// the first page.
    pub suffix: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Serialize)]
pub struct TagPageView {
    pub name: String,
    pub url: String,
    /// The background entry on the topic, linked at the top of its page.
    pub entry: Option<crate::parts::background::EntryView>,
}

/// A template value (a map) with more fields; the rest is shared, not copied.
pub fn with_fields(value: Value, fields: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let fields = fields.into_iter();
    let Some(map) = value.as_map() else {
        return map_of(fields.collect());
    };
    let mut all = Vec::with_capacity(map.len() + fields.size_hint().0);
    for (key, field) in map {
        match key {
            Key::Str(key) => all.push((*key, field.clone())),
            // Keys made at run time: the map is added to as it is.
            _ => return with_fields_inserted(value, fields),
        }
    }
    all.extend(fields);
    map_of(all)
}

fn with_fields_inserted(
    value: Value,
    fields: impl IntoIterator<Item = (&'static str, Value)>,
) -> Value {
    let mut map = value.into_map().unwrap_or_default();
    for (key, field) in fields {
        map.insert(key.into(), field);
    }
    Value::from(map)
}

/// A template map of `fields`; of two fields with one name, the later
/// counts. tera's `From<Map>` hashes every entry into a second map; a
/// serialised struct is hashed into one, and tera takes the values in it as
/// they are, without serialising them again.
pub fn map_of(fields: Vec<(&'static str, Value)>) -> Value {
    struct Fields(Vec<(&'static str, Value)>);
    impl Serialize for Fields {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct as _;
            let mut map = serializer.serialize_struct("", self.0.len())?;
            for (key, value) in &self.0 {
                map.serialize_field(key, value)?;
            }
            map.end()
        }
    }
    Value::from_serializable(&Fields(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of a map as a template would print them, by name.
    fn fields(value: &Value) -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = value
            .as_map()
            .unwrap()
            .iter()
            .map(|(key, field)| (key.as_str().unwrap().to_string(), field.to_string()))
            .collect();
        fields.sort();
        fields
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_map_of_fields_keeps_the_last_of_one_name_and_shares_values() {
        let inner = map_of(vec![("d", Value::from("dypt"))]);
        let value = map_of(vec![
            ("a", Value::from("første")),
            ("b", Value::from(2_u64)),
            ("a", Value::from("siste")),
            ("c", inner),
            ("html", Value::safe_string("<b>æ</b>")),
        ]);
        assert_eq!(
            fields(&value),
            pairs(&[
                ("a", "siste"),
                ("b", "2"),
                ("c", "{\"d\": \"dypt\"}"),
                ("html", "<b>æ</b>")
            ])
        );
        let html = value.get_from_path("html").unwrap();
        assert!(html.is_safe(), "a safe string stays safe");
    }

    #[test]
    fn fields_added_to_a_map_replace_those_of_the_same_name() {
        let base = map_of(vec![("a", Value::from("gammel")), ("b", Value::from("b"))]);
        let more = with_fields(
            base.clone(),
            [("a", Value::from("ny")), ("c", Value::from(3_u64))],
        );
        assert_eq!(fields(&more), pairs(&[("a", "ny"), ("b", "b"), ("c", "3")]));
        assert_eq!(
            fields(&base),
            pairs(&[("a", "gammel"), ("b", "b")]),
            "the map added to is not changed"
        );
        // Keys made at run time (a thawed map) are kept as well.
        let mut runtime = tera::Map::new();
        runtime.insert(Key::String("b".into()), Value::from("kjøretid"));
        let more = with_fields(Value::from(runtime), [("a", Value::from("ø"))]);
        assert_eq!(fields(&more), pairs(&[("a", "ø"), ("b", "kjøretid")]));
        let more = with_fields(Value::none(), [("b", Value::from(1_u64))]);
        assert_eq!(fields(&more), pairs(&[("b", "1")]));
    }
}
