//! Key path -> `line:col` in the TOML text.

use toml::de::{DeTable, DeValue};

use super::path::{KeyPath, Seg};

/// The byte offset a problem at `path` points at: the key when it exists
/// (the `[header]` of a table written as one; the element, for an array
/// index), else the header of the deepest table that does exist (where a
/// missing key belongs).
pub(super) fn offset(root: &DeTable<'_>, path: &KeyPath) -> usize {
    // Span start of the deepest table reached; the root starts at 0.
    let mut container = 0;
    // `None` stands for the root table.
    let mut cur: Option<&DeValue<'_>> = None;
    for (n, seg) in path.0.iter().enumerate() {
        let found = match (seg, cur) {
            (Seg::Key(k), None) => root
                .get_key_value(k.as_str())
                .map(|(key, v)| (key.span().start, v)),
            (Seg::Key(k), Some(DeValue::Table(t))) => t
                .get_key_value(k.as_str())
                .map(|(key, v)| (key.span().start, v)),
            (Seg::Index(i), Some(DeValue::Array(a))) => a.get(*i).map(|v| (v.span().start, v)),
            _ => None,
        };
        let Some((at, value)) = found else {
            return container;
        };
        if n + 1 == path.0.len() {
            // A `[header]` table's key sits inside its header: point at the `[`.
            let v = value.span();
            return if !v.is_empty() && v.start < at {
                v.start
            } else {
                at
            };
        }
        // A table's span is its `[header]`, its `{`, or its dotted key.
        if matches!(value.get_ref(), DeValue::Table(_)) {
            container = value.span().start;
        }
        cur = Some(value.get_ref());
    }
    container
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
[server]
listen = \"x\"

[[sites]]
id = \"a\"
  [sites.article]
  title = \"h1\"
  remove = [\"script\", \".share\"]
  [[sites.sections]]
  id = \"s\"
  list = { item = \"li\", link = { css = \"a\" } }
  [[sites.sections]]
  id = \"t\"
    [sites.sections.list]
    item = \"li\"
";

    fn at(path: KeyPath) -> (usize, usize) {
        let doc = DeTable::parse(DOC).expect("valid");
        line_col(DOC, offset(doc.get_ref(), &path))
    }

    fn p() -> KeyPath {
        KeyPath::root()
    }

    #[test]
    fn existing_keys_point_at_the_key() {
        assert_eq!(at(p().key("server").key("listen")), (2, 1));
        assert_eq!(at(p().key("sites").index(0).key("id")), (5, 1));
        assert_eq!(
            at(p().key("sites").index(0).key("article").key("title")),
            (7, 3)
        );
        let list = p()
            .key("sites")
            .index(0)
            .key("sections")
            .index(0)
            .key("list");
        assert_eq!(at(list.key("item")), (11, 12));
        assert_eq!(at(list.key("link").key("css")), (11, 34));
        let list1 = p()
            .key("sites")
            .index(0)
            .key("sections")
            .index(1)
            .key("list");
        assert_eq!(at(list1.key("item")), (15, 5));
        assert_eq!(
            at(list1.clone()),
            (14, 5),
            "a [header] table points at its `[`"
        );
        assert_eq!(at(p().key("sites").index(0).key("article")), (6, 3));
        assert_eq!(at(list), (11, 3), "an inline table points at its key");
    }

    #[test]
    fn array_elements_point_at_the_value() {
        let remove = p().key("sites").index(0).key("article").key("remove");
        assert_eq!(at(remove.index(1)), (8, 23));
    }

    #[test]
    fn missing_keys_point_at_their_table() {
        assert_eq!(at(p().key("server").key("public_url")), (1, 1));
        assert_eq!(at(p().key("sites").index(0).key("title")), (4, 1));
        assert_eq!(
            at(p().key("sites").index(0).key("article").key("content")),
            (6, 3)
        );
        let s1 = p().key("sites").index(0).key("sections").index(1);
        assert_eq!(at(s1.key("url")), (12, 3));
        assert_eq!(at(s1.key("list").key("link")), (14, 5));
        let s0 = p().key("sites").index(0).key("sections").index(0);
        assert_eq!(at(s0.key("list").key("title")), (11, 10));
        assert_eq!(at(p().key("defaults").key("interval")), (1, 1));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col("a = \"衡阳\"\nb", 13), (2, 1));
        assert_eq!(line_col("a = \"衡阳\" x", 13), (1, 10));
    }
}
