//! From the parsed TOML tree to [`RawConfig`], collecting every type error.
//!
//! serde stops at the first error, so the tree is deserialized unit by unit
//! (the root, each site, each section: the arrays of tables are cut out of
//! their parent first), and inside a unit every error removes the offending
//! key and tries again. Every wrong key of every unit is thus reported once.

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::path::{KeyPath, Problem, Seg, closest, quoted_list};
use super::raw::{RawConfig, RawSection, RawSite};

/// What deserialization found.
#[derive(Debug, Default)]
pub(super) struct Deserialized {
    /// The config, with every wrong value left out.
    pub raw: RawConfig,
    /// One per wrong key or value.
    pub problems: Vec<Problem>,
    /// Paths whose value was dropped; later checks keep quiet about them.
    pub removed: Vec<KeyPath>,
}

/// Deserializes the whole document.
pub(super) fn deserialize(root: &DeTable<'_>) -> Deserialized {
    let mut out = Deserialized::default();
    let mut root = root.clone();
    let sites = take_array(&mut root, "sites");
    let base = KeyPath::root();
    let mut raw: RawConfig = unit(table(root), &base, &mut out).unwrap_or_default();
    if let Some(sites) = sites {
        let sites_path = base.key("sites");
        for (i, mut site) in sites.into_iter().enumerate() {
            let path = sites_path.index(i);
            let sections = match site.get_mut() {
                DeValue::Table(t) => take_array(t, "sections"),
                _ => None,
            };
            let mut raw_site: RawSite = unit(site, &path, &mut out).unwrap_or_default();
            let sections_path = path.key("sections");
            for (j, section) in sections.into_iter().flatten().enumerate() {
                let section_path = sections_path.index(j);
                let raw_section: RawSection =
                    unit(section, &section_path, &mut out).unwrap_or_default();
                raw_site.sections.push(raw_section);
            }
            raw.sites.push(raw_site);
        }
    }
    out.raw = raw;
    out
}

/// Removes `key` from `table` when it holds an array (of tables), returning it.
fn take_array<'i>(table: &mut DeTable<'i>, key: &str) -> Option<Vec<Spanned<DeValue<'i>>>> {
    if !matches!(table.get(key).map(|v| v.get_ref()), Some(DeValue::Array(_))) {
        return None;
    }
    match table.remove(key)?.into_inner() {
        DeValue::Array(items) => Some(items.into_iter().collect()),
        _ => None,
    }
}

fn table(t: DeTable<'_>) -> Spanned<DeValue<'_>> {
    Spanned::new(0..0, DeValue::Table(t))
}

/// Deserializes one unit, reporting and dropping wrong keys until it fits.
/// `None` when the unit as a whole has the wrong type.
fn unit<T: DeserializeOwned>(
    mut value: Spanned<DeValue<'_>>,
    base: &KeyPath,
    out: &mut Deserialized,
) -> Option<T> {
    // Each round removes one node, so the tree's size bounds the rounds.
    loop {
        let de = ValueDeserializer::from(value.clone());
        let err = match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => return Some(v),
            Err(err) => err,
        };
        let rel = relative_path(err.path());
        let (message, mut hint) = humanize(err.inner().message(), node_at(&value, &rel));
        if let Some(Seg::Key(key)) = rel.0.last() {
            hint = hint.or_else(|| type_hint(key).map(str::to_owned));
        }
        out.problems.push(Problem {
            path: base.join(&rel),
            message,
            hint,
        });
        // Drop the nearest keyed value: removing one array element would
        // shift the indices of the later ones.
        let keep = rel.0.iter().rposition(|s| matches!(s, Seg::Key(_)));
        let cut = KeyPath(keep.map_or_else(Vec::new, |n| rel.0[..=n].to_vec()));
        if cut.is_root() || !remove(&mut value, &cut) {
            out.removed.push(base.clone());
            return None;
        }
        out.removed.push(base.join(&cut));
    }
}

fn relative_path(path: &serde_path_to_error::Path) -> KeyPath {
    let mut segs = Vec::new();
    for seg in path.iter() {
        match seg {
            serde_path_to_error::Segment::Map { key } => segs.push(Seg::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => segs.push(Seg::Index(*index)),
            _ => break,
        }
    }
    KeyPath(segs)
}

/// The value at `path` below `value`.
fn node_at<'a, 'i>(value: &'a Spanned<DeValue<'i>>, path: &KeyPath) -> Option<&'a DeValue<'i>> {
    let mut cur = value.get_ref();
    for seg in &path.0 {
        cur = match (seg, cur) {
            (Seg::Key(k), DeValue::Table(t)) => t.get(k.as_str())?.get_ref(),
            (Seg::Index(i), DeValue::Array(a)) => a.get(*i)?.get_ref(),
            _ => return None,
        };
    }
    Some(cur)
}

/// Removes the value at `path` (which ends in a key); false if absent.
fn remove(value: &mut Spanned<DeValue<'_>>, path: &KeyPath) -> bool {
    let Some((Seg::Key(last), parents)) = path.0.split_last() else {
        return false;
    };
    let mut cur = value.get_mut();
    for seg in parents {
        cur = match (seg, cur) {
            (Seg::Key(k), DeValue::Table(t)) => match t.get_mut(k.as_str()) {
                Some(v) => v.get_mut(),
                None => return false,
            },
            (Seg::Index(i), DeValue::Array(a)) => match a.get_mut(*i) {
                Some(v) => v.get_mut(),
                None => return false,
            },
            _ => return false,
        };
    }
    match cur {
        DeValue::Table(t) => t.remove(last.as_str()).is_some(),
        _ => false,
    }
}

/// Turns a serde message into ours: `unknown key` with the closest known
/// key as a hint, `expected X, found Y` for wrong types.
fn humanize(message: &str, node: Option<&DeValue<'_>>) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = backticked(rest);
        let Some((key, known)) = names.split_first() else {
            return (message.to_owned(), None);
        };
        let hint = match closest(key, known.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None if known.is_empty() => "remove it".to_owned(),
            None => format!(
                "known keys here: {}",
                quoted_list(known.iter().map(String::as_str))
            ),
        };
        return (format!("unknown key `{key}`"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or(rest, |(_, e)| e);
        let found = match node {
            Some(v) => a_type(v).to_owned(),
            None => rest
                .split_once(", expected ")
                .map_or(rest, |(f, _)| f)
                .to_owned(),
        };
        return (
            format!("expected {}, found {found}", expectation(expected)),
            None,
        );
    }
    (message.replace('\n', " "), None)
}

/// What a key of this name takes, for keys whose type alone says too little.
fn type_hint(key: &str) -> Option<&'static str> {
    match key {
        "interval" | "timeout" | "min_delay" => Some("a duration like \"90s\" or \"15m\""),
        "listen" => Some("an address like \"127.0.0.1:8080\""),
        "public_url" | "url" => Some("an absolute http(s) URL in quotes"),
        _ => None,
    }
}

/// Every `` `name` `` in `s`, in order.
fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

fn a_type(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// serde's names for what was expected, in TOML words.
fn expectation(serde: &str) -> String {
    match serde {
        "i64" | "u64" | "i32" | "u32" | "usize" => "an integer".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" => "a table".to_owned(),
        s if s.starts_with("struct ") => "a table".to_owned(),
        s => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Deserialized {
        let doc = DeTable::parse(text).expect("valid TOML");
        deserialize(doc.get_ref())
    }

    fn lines(d: &Deserialized) -> Vec<String> {
        let mut v: Vec<String> = d.problems.iter().map(ToString::to_string).collect();
        v.sort();
        v
    }

    #[test]
    fn clean_document_has_no_problems() {
        let d = run(
            "[server]\nlisten = \"127.0.0.1:9\"\n[[sites]]\nid = \"a\"\n[[sites.sections]]\nid = \"s\"\n\
             [sites.sections.list]\nitem = \"li\"\nlink = { css = \"a\", attr = \"href\" }\n",
        );
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.raw.sites[0].sections[0].id.as_deref(), Some("s"));
        assert_eq!(d.raw.server.listen.as_deref(), Some("127.0.0.1:9"));
    }

    #[test]
    fn every_wrong_key_in_every_unit_is_reported() {
        let d = run(
            "bogus = 1\n[server]\nlisten = 5\nmax_concurrent_fetches = \"x\"\n\
             [[sites]]\nid = 3\ntitel = \"t\"\n\
             [[sites.sections]]\nid = \"a\"\npages = true\n\
             [sites.sections.list]\nitme = \"li\"\nlink = { css = \"a\", atr = \"x\" }\n\
             [[sites.sections]]\nid = \"b\"\nlist = { date = { css = \"x\", format = [\"%Y\", 5] } }\n",
        );
        assert_eq!(
            lines(&d),
            vec![
                "bogus: unknown key `bogus` (hint: known keys here: `server`, `store`, `defaults`, `sites`)",
                "server.listen: expected a string, found an integer (hint: an address like \"127.0.0.1:8080\")",
                "server.max_concurrent_fetches: expected an integer, found a string",
                "sites[0].id: expected a string, found an integer",
                "sites[0].sections[0].list.itme: unknown key `itme` (hint: did you mean `item`?)",
                "sites[0].sections[0].list.link.atr: unknown key `atr` (hint: did you mean `attr`?)",
                "sites[0].sections[0].pages: expected an integer, found a boolean",
                "sites[0].sections[1].list.date.format[1]: expected a string, found an integer",
                "sites[0].titel: unknown key `titel` (hint: did you mean `title`?)",
            ]
        );
        // What was wrong is gone, the rest is kept.
        let s0 = &d.raw.sites[0].sections[0];
        assert_eq!(s0.id.as_deref(), Some("a"));
        assert!(s0.pages.is_none());
        assert!(
            s0.list
                .as_ref()
                .is_some_and(|l| l.link.is_some() && l.item.is_none())
        );
        assert!(
            d.removed
                .contains(&KeyPath::root().key("sites").index(0).key("id"))
        );
    }

    #[test]
    fn a_site_that_is_not_a_table_keeps_later_indices() {
        let d = run("sites = [1, { id = \"b\", nope = 1 }]\n");
        assert_eq!(
            lines(&d),
            vec![
                "sites[0]: expected a table, found an integer",
                "sites[1].nope: unknown key `nope` (hint: known keys here: `id`, `title`, `url`, \
                 `timezone`, `language`, `encoding`, `article`, `sections`, `interval`, `max_items`, \
                 `timeout`, `user_agent`, `min_delay`, `fetch_articles`, `obey_robots`, `max_body`, `allow_private`, `scrape_deadline`, `max_content`)",
            ]
        );
        assert_eq!(d.raw.sites.len(), 2);
        assert_eq!(d.raw.sites[1].id.as_deref(), Some("b"));
        assert!(d.removed.contains(&KeyPath::root().key("sites").index(0)));
    }

    #[test]
    fn field_selector_and_size_forms() {
        let d = run(
            "[[sites]]\nmax_body = \"1MiB\"\narticle = { title = \"h1\", date = { css = \".d\", format = \"%Y\" }, remove = [\"script\"] }\n\
                     [[sites]]\nmax_body = 4096\narticle = { title = 5 }\n",
        );
        assert_eq!(
            lines(&d),
            vec![
                "sites[1].article.title: expected a CSS selector string or a table { css, attr, regex, format, contains, matches, exclude }, found an integer"
            ]
        );
    }
}
