//! Raw values that take more than one form: a field selector (a CSS string
//! or a table), date formats (one string or several) and a size (bytes or
//! `"10MiB"`). Each has a hand-written `Deserialize` so a wrong value says
//! which forms are accepted, and errors inside a table keep their key path.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer, Serialize};

/// A field selector: `"css"` or `{ css, attr, regex, format }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RawField {
    /// Text of the first match.
    Css(String),
    /// The table form.
    Table(RawFieldTable),
}

impl Default for RawField {
    fn default() -> Self {
        Self::Css(String::new())
    }
}

/// The table form of a field selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFieldTable {
    /// Which element. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
    /// Take this attribute instead of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attr: Option<String>,
    /// Keep the first capture group of this regex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Explicit date formats (chrono strftime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<RawFormats>,
    /// Only elements whose text contains this string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    /// Only elements whose text matches this regex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    /// CSS of descendants dropped before the text is read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl<'de> Deserialize<'de> for RawField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CSS selector string or a table { css, attr, regex, format, contains, matches, exclude }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawField, E> {
                Ok(RawField::Css(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawField, A::Error> {
                RawFieldTable::deserialize(MapAccessDeserializer::new(map)).map(RawField::Table)
            }
        }
        d.deserialize_any(V)
    }
}

/// Date formats: one strftime string or an array of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RawFormats {
    /// `format = "%Y-%m-%d"`.
    One(String),
    /// `format = ["%Y-%m-%d", "%Y/%m/%d"]`.
    Many(Vec<String>),
}

impl RawFormats {
    /// The formats, in the order written.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Self::One(s) => vec![s.clone()],
            Self::Many(v) => v.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for RawFormats {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFormats;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date format string or an array of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawFormats, E> {
                Ok(RawFormats::One(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawFormats, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(RawFormats::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A size in bytes: an integer, or a string like `"10MiB"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RawSize {
    /// `max_body = 1048576`.
    Bytes(i64),
    /// `max_body = "1MiB"`.
    Text(String),
}

impl<'de> Deserialize<'de> for RawSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of bytes or a size string like \"10MiB\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSize, E> {
                Ok(RawSize::Bytes(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSize, E> {
                i64::try_from(v)
                    .map(RawSize::Bytes)
                    .map_err(|_| E::custom(format!("{v} bytes is too large")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSize, E> {
                Ok(RawSize::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_forms() {
        let f: RawField = serde_json::from_str(r#""a.title""#).expect("string form");
        assert_eq!(f, RawField::Css("a.title".into()));
        let f: RawField =
            serde_json::from_str(r#"{"css":"a","attr":"href","regex":"(\\d+)","format":"%Y"}"#)
                .expect("table form");
        assert_eq!(
            f,
            RawField::Table(RawFieldTable {
                css: Some("a".into()),
                attr: Some("href".into()),
                regex: Some("(\\d+)".into()),
                format: Some(RawFormats::One("%Y".into())),
                ..RawFieldTable::default()
            })
        );
        let err = serde_json::from_str::<RawField>("5").expect_err("a number");
        assert!(
            err.to_string().contains("a CSS selector string or a table"),
            "{err}"
        );
    }

    #[test]
    fn format_forms() {
        let one: RawFormats = serde_json::from_str(r#""%Y""#).expect("one");
        assert_eq!(one.to_vec(), vec!["%Y".to_owned()]);
        let many: RawFormats = serde_json::from_str(r#"["%Y","%d"]"#).expect("many");
        assert_eq!(many.to_vec(), vec!["%Y".to_owned(), "%d".to_owned()]);
    }

    #[test]
    fn size_forms() {
        assert_eq!(
            serde_json::from_str::<RawSize>("2048").expect("int"),
            RawSize::Bytes(2048)
        );
        assert_eq!(
            serde_json::from_str::<RawSize>(r#""1MiB""#).expect("text"),
            RawSize::Text("1MiB".into())
        );
        assert!(serde_json::from_str::<RawSize>("true").is_err());
    }
}
