//! Key paths (`sites[0].sections[2].list.item`) and the problems found at them.

use std::fmt;

/// One step of a [`KeyPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Where in the config a value lives, e.g. `sites[0].sections[2].list.item`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The root of the document.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path with `key` appended.
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        Self(segs)
    }

    /// This path with `index` appended.
    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        Self(segs)
    }

    /// This path followed by every step of `rest`.
    pub fn join(&self, rest: &KeyPath) -> Self {
        let mut segs = self.0.clone();
        segs.extend(rest.0.iter().cloned());
        Self(segs)
    }

    /// True when `self` is `other` or lies below it.
    pub fn starts_with(&self, other: &KeyPath) -> bool {
        self.0.starts_with(&other.0)
    }

    /// True for the root path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One problem in a config, without a position: the key path, what is
/// wrong, and what might fix it. [`crate::config::parse`] adds `file:line:col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub path: KeyPath,
    /// What is wrong.
    pub message: String,
    /// What might fix it.
    pub hint: Option<String>,
}

impl Problem {
    /// A problem with no hint.
    pub fn new(path: KeyPath, message: impl Into<String>) -> Self {
        Self {
            path,
            message: message.into(),
            hint: None,
        }
    }

    /// The same problem with a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_root() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `` `a`, `b`, `c` ``.
pub fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_keys_and_indices() {
        let p = KeyPath::root()
            .key("sites")
            .index(0)
            .key("sections")
            .index(2)
            .key("list")
            .key("item");
        assert_eq!(p.to_string(), "sites[0].sections[2].list.item");
        assert!(p.starts_with(&KeyPath::root().key("sites").index(0)));
        assert!(!p.starts_with(&KeyPath::root().key("sites").index(1)));
    }

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["item", "link", "title", "date", "summary"];
        assert_eq!(closest("itme", keys), Some("item"));
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("zzz", keys), None);
    }

    #[test]
    fn problem_display() {
        let p = Problem::new(KeyPath::root().key("server").key("listen"), "bad").hint("fix");
        assert_eq!(p.to_string(), "server.listen: bad (hint: fix)");
    }
}
