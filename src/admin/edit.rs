//! Editing the config file: one section replaced, added or removed with
//! `toml_edit` so the admin's comments and key order survive; written
//! atomically (temp file, fsync, rename) with the previous file kept as
//! `<name>.bak`.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// Why an edit could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file is not TOML any more (edited by hand meanwhile).
    #[error("the config file is not valid TOML: {0}")]
    Syntax(String),
    /// No `[[sites]]` entry with that id.
    #[error("no site `{0}` in the config")]
    NoSite(String),
    /// No section with that id.
    #[error("no section `{section}` in site `{site}`")]
    NoSection {
        /// The site.
        site: String,
        /// The section.
        section: String,
    },
    /// The JSON could not be turned into TOML.
    #[error("cannot write this value as TOML: {0}")]
    Value(String),
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
}

/// The config version: a hash of the file's text (the API's ETag).
pub fn version(text: &str) -> String {
    crate::digest::sha256_hex(text.as_bytes(), 8)
}

fn parse(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>()
        .map_err(|e| EditError::Syntax(e.to_string()))
}

fn sections_of<'a>(doc: &'a mut DocumentMut, site: &str) -> Result<&'a mut Table, EditError> {
    let sites = doc
        .get_mut("sites")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| EditError::NoSite(site.to_owned()))?;
    sites
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(site))
        .ok_or_else(|| EditError::NoSite(site.to_owned()))
}

fn section_index(sections: &ArrayOfTables, id: &str) -> Option<usize> {
    sections
        .iter()
        .position(|t| t.get("id").and_then(Item::as_str) == Some(id))
}

/// Replaces (or adds) section `id` of `site` with `section` (the section's
/// JSON form, keys as in the TOML). Keys that did not change keep their
/// formatting and comments. Returns the new text and whether it was created.
pub fn put_section(
    text: &str,
    site: &str,
    id: &str,
    section: &serde_json::Value,
) -> Result<(String, bool), EditError> {
    let mut doc = parse(text)?;
    let new = section_table(section)?;
    let site_table = sections_of(&mut doc, site)?;
    if !site_table.contains_key("sections") {
        site_table.insert("sections", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let sections = site_table
        .get_mut("sections")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| EditError::Value("`sections` is not an array of tables".to_owned()))?;
    let created = match section_index(sections, id) {
        Some(i) => {
            if let Some(existing) = sections.get_mut(i) {
                merge_table(existing, &new);
            }
            false
        }
        None => {
            sections.push(new);
            true
        }
    };
    Ok((doc.to_string(), created))
}

/// Removes section `id` of `site`.
pub fn delete_section(text: &str, site: &str, id: &str) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let site_table = sections_of(&mut doc, site)?;
    let missing = || EditError::NoSection {
        site: site.to_owned(),
        section: id.to_owned(),
    };
    let sections = site_table
        .get_mut("sections")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(missing)?;
    let i = section_index(sections, id).ok_or_else(missing)?;
    sections.remove(i);
    Ok(doc.to_string())
}

/// The section as a TOML table: `list` and `article` as sub-tables, field
/// selector tables inline, `id` first.
fn section_table(section: &serde_json::Value) -> Result<Table, EditError> {
    let obj = section
        .as_object()
        .ok_or_else(|| EditError::Value("a section is a JSON object".to_owned()))?;
    let mut table = Table::new();
    table.set_implicit(false);
    let mut keys: Vec<&String> = obj.keys().collect();
    // Keep the usual order: who, where, how.
    const ORDER: [&str; 7] = ["id", "title", "parent", "url", "pages", "next_page", "list"];
    keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    for key in keys {
        let value = &obj[key];
        if value.is_null() {
            continue;
        }
        let item = match (key.as_str(), value) {
            ("list" | "article", serde_json::Value::Object(inner)) => {
                let mut sub = Table::new();
                for (k, v) in inner {
                    if !v.is_null() {
                        sub.insert(k, Item::Value(to_value(v)?));
                    }
                }
                Item::Table(sub)
            }
            _ => Item::Value(to_value(value)?),
        };
        table.insert(key, item);
    }
    Ok(table)
}

fn to_value(v: &serde_json::Value) -> Result<Value, EditError> {
    Ok(match v {
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::from(i),
            None => Value::from(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => {
            let mut arr = toml_edit::Array::new();
            for item in items {
                arr.push(to_value(item)?);
            }
            Value::Array(arr)
        }
        serde_json::Value::Object(map) => {
            let mut t = InlineTable::new();
            for (k, v) in map {
                if !v.is_null() {
                    t.insert(k, to_value(v)?);
                }
            }
            Value::InlineTable(t)
        }
        serde_json::Value::Null => return Err(EditError::Value("null".to_owned())),
    })
}

/// Makes `existing` hold what `new` holds, keeping the decor (comments,
/// spacing) of every key and value that stays.
fn merge_table(existing: &mut Table, new: &Table) {
    let gone: Vec<String> = existing
        .iter()
        .map(|(k, _)| k.to_owned())
        .filter(|k| !new.contains_key(k))
        .collect();
    for k in gone {
        existing.remove(&k);
    }
    for (k, item) in new.iter() {
        match (existing.get_mut(k), item) {
            (Some(Item::Table(old)), Item::Table(t)) => merge_table(old, t),
            (Some(Item::Value(old)), Item::Value(v)) => {
                if !same_value(old, v) {
                    let decor = old.decor().clone();
                    *old = v.clone();
                    *old.decor_mut() = decor;
                }
            }
            (Some(slot), _) => *slot = item.clone(),
            (None, _) => {
                existing.insert(k, item.clone());
            }
        }
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.decor_mut().clear();
    b.decor_mut().clear();
    if let (Value::InlineTable(x), Value::InlineTable(y)) = (&mut a, &mut b) {
        x.fmt();
        y.fmt();
    }
    if let (Value::Array(x), Value::Array(y)) = (&mut a, &mut b) {
        x.fmt();
        y.fmt();
    }
    a.to_string() == b.to_string()
}

/// Writes `text` to `path` atomically, keeping the previous file as
/// `<name>.bak`.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), EditError> {
    let io = |p: &Path| {
        let path = p.to_path_buf();
        move |source| EditError::Io { path, source }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".to_owned());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bak = dir.join(format!("{name}.bak"));
    if path.exists() {
        fs::copy(path, &bak).map_err(io(&bak))?;
    }
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut file = File::create(&tmp).map_err(io(&tmp))?;
    file.write_all(text.as_bytes()).map_err(io(&tmp))?;
    file.sync_all().map_err(io(&tmp))?;
    drop(file);
    fs::rename(&tmp, path).map_err(io(path))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# the config
[[sites]]
id = "a"   # site a
  [[sites.sections]]
  id = "x"          # keep me
  title = "X"
  url = "http://p.example/x/"
    [sites.sections.list]
    item = "li"     # one per entry
    link = "a"
    title = "a"

[[sites]]
id = "b"
  [[sites.sections]]
  id = "y"
  title = "Y"
"#;

    #[test]
    fn replace_keeps_comments() {
        let json = serde_json::json!({
            "id": "x", "title": "X", "url": "http://p.example/x/",
            "list": {"item": "ul > li", "link": "a", "title": {"css": "a", "attr": "title"}}
        });
        let (out, created) = put_section(TEXT, "a", "x", &json).expect("edit");
        assert!(!created);
        assert!(out.contains("# the config"));
        assert!(out.contains("id = \"x\"          # keep me"));
        assert!(
            out.contains("item = \"ul > li\"     # one per entry"),
            "{out}"
        );
        assert!(
            out.contains("title = { css = \"a\", attr = \"title\" }"),
            "{out}"
        );
        let doc: DocumentMut = out.parse().expect("valid TOML");
        assert_eq!(doc["sites"][1]["sections"][0]["id"].as_str(), Some("y"));
    }

    #[test]
    fn add_and_delete() {
        let json = serde_json::json!({"id": "z", "title": "Z"});
        let (out, created) = put_section(TEXT, "a", "z", &json).expect("add");
        assert!(created);
        let doc: DocumentMut = out.parse().expect("valid TOML");
        assert_eq!(doc["sites"][0]["sections"][1]["id"].as_str(), Some("z"));
        assert_eq!(doc["sites"][1]["sections"][0]["id"].as_str(), Some("y"));
        let out = delete_section(&out, "a", "x").expect("delete");
        let doc: DocumentMut = out.parse().expect("valid TOML");
        assert_eq!(doc["sites"][0]["sections"][0]["id"].as_str(), Some("z"));
        assert!(matches!(
            delete_section(&out, "a", "nope"),
            Err(EditError::NoSection { .. })
        ));
        assert!(matches!(
            delete_section(&out, "c", "x"),
            Err(EditError::NoSite(_))
        ));
    }

    #[test]
    fn atomic_write_keeps_a_backup() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "a = 1\n").expect("write");
        write_atomic(&path, "a = 2\n").expect("atomic");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "a = 2\n");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("c.toml.bak")).expect("bak"),
            "a = 1\n"
        );
        assert_ne!(version("a = 1\n"), version("a = 2\n"));
    }
}
