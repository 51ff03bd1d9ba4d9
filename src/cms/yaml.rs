//! Just enough YAML for a CMS configuration: maps, lists and scalars, every
//! string double-quoted (JSON's escaping is valid YAML), so no value is ever
//! read back as something else (`no`, `1.0`, `2022-01-06`).

pub enum Yaml {
    Map(Vec<(&'static str, Yaml)>),
    List(Vec<Yaml>),
    Str(String),
    Bool(bool),
}

impl Yaml {
    pub fn str(text: impl Into<String>) -> Yaml {
        Yaml::Str(text.into())
    }

    /// The value as a YAML document.
    pub fn write(&self) -> String {
        let mut out = String::new();
        self.block(&mut out, 0);
        out
    }

    fn block(&self, out: &mut String, indent: usize) {
        match self {
            Yaml::Map(entries) => {
                for (key, value) in entries {
                    out.push_str(&" ".repeat(indent));
                    out.push_str(key);
                    out.push(':');
                    value.after_key(out, indent);
                }
            }
            Yaml::List(items) => {
                for item in items {
                    out.push_str(&" ".repeat(indent));
                    out.push('-');
                    match item {
                        // A map's first key goes on the dash's line.
                        Yaml::Map(entries) if !entries.is_empty() => {
                            let mut first = String::new();
                            item.block(&mut first, indent + 2);
                            out.push(' ');
                            out.push_str(&first[indent + 2..]);
                        }
                        _ => item.after_key(out, indent),
                    }
                }
            }
            scalar => {
                out.push_str(&" ".repeat(indent));
                out.push_str(&scalar.scalar());
                out.push('\n');
            }
        }
    }

    fn after_key(&self, out: &mut String, indent: usize) {
        match self {
            Yaml::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
            Yaml::List(items) if items.is_empty() => out.push_str(" []\n"),
            Yaml::Map(_) | Yaml::List(_) => {
                out.push('\n');
                self.block(out, indent + 2);
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar.scalar());
                out.push('\n');
            }
        }
    }

    fn scalar(&self) -> String {
        match self {
            Yaml::Str(text) => serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into()),
            Yaml::Bool(value) => value.to_string(),
            Yaml::Map(_) | Yaml::List(_) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_maps_and_lists() {
        let doc = Yaml::Map(vec![
            ("name", Yaml::str("a \"b\"")),
            (
                "fields",
                Yaml::List(vec![
                    Yaml::Map(vec![
                        ("name", Yaml::str("x")),
                        ("required", Yaml::Bool(false)),
                    ]),
                    Yaml::str("plain"),
                ]),
            ),
            ("empty", Yaml::List(vec![])),
        ]);
        assert_eq!(
            doc.write(),
            "name: \"a \\\"b\\\"\"\nfields:\n  - name: \"x\"\n    required: false\n  - \"plain\"\nempty: []\n"
        );
    }
}
