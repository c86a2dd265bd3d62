//! The TOML config: serde types (`raw`), checked and compiled into runtime
//! specs (`spec`). Every problem is reported with `file:line:col`, the key
//! path and a hint.

mod compile;
mod fields;
pub mod overrides;
mod path;
pub mod raw;
mod raw_values;
mod sections;
mod span;
pub mod spec;
mod units;
mod values;

use std::fmt;
use std::path::Path;

use toml::de::DeTable;

pub use compile::compile;
pub use overrides::Overrides;
pub use path::{KeyPath, Problem, Seg};
pub use raw::RawConfig;
pub use spec::Config;

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// Key path, e.g. `sites[0].sections[2].list.item`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What might fix it.
    pub hint: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.col)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Every problem found in one config file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Reads and compiles the config at `path` (with the installed overrides).
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &file),
        Err(e) => Err(ConfigErrors(vec![ConfigError {
            file,
            line: 0,
            col: 0,
            path: String::new(),
            message: format!("cannot read the config: {e}"),
            hint: None,
        }])),
    }
}

/// Parses and compiles config `text`; `file` names it in errors. The
/// settings given from outside the file ([`overrides::install`]) apply.
pub fn parse(text: &str, file: &str) -> Result<Config, ConfigErrors> {
    parse_with(text, file, overrides::installed())
}

/// [`parse`] with these `overrides` (or none) written over the file's values.
pub fn parse_with(
    text: &str,
    file: &str,
    overrides: Option<&Overrides>,
) -> Result<Config, ConfigErrors> {
    let doc = DeTable::parse(text).map_err(|e| syntax_error(text, file, &e))?;
    let mut de = units::deserialize(doc.get_ref());
    if let Some(o) = overrides {
        o.apply(&mut de.raw);
    }
    let compiled = compile::compile_with(&de.raw, &de.removed);
    let mut problems = de.problems;
    match compiled {
        Ok(config) if problems.is_empty() => return Ok(config),
        Ok(_) => {}
        Err(more) => problems.extend(more),
    }
    Err(locate(text, file, doc.get_ref(), problems))
}

/// Parses `text` into the raw serde types, checking types and keys only
/// (no value rules: see [`compile`]).
pub fn parse_raw(text: &str, file: &str) -> Result<RawConfig, ConfigErrors> {
    let doc = DeTable::parse(text).map_err(|e| syntax_error(text, file, &e))?;
    let de = units::deserialize(doc.get_ref());
    if de.problems.is_empty() {
        Ok(de.raw)
    } else {
        Err(locate(text, file, doc.get_ref(), de.problems))
    }
}

/// A TOML syntax error, at the parser's position.
fn syntax_error(text: &str, file: &str, e: &toml::de::Error) -> ConfigErrors {
    let (line, col) = span::line_col(text, e.span().map_or(0, |s| s.start));
    ConfigErrors(vec![ConfigError {
        file: file.to_owned(),
        line,
        col,
        path: String::new(),
        message: format!(
            "TOML syntax error: {}",
            e.message().trim().replace('\n', " ")
        ),
        hint: None,
    }])
}

/// Gives each problem its `line:col`; sorted by position.
fn locate(text: &str, file: &str, doc: &DeTable<'_>, problems: Vec<Problem>) -> ConfigErrors {
    let mut errors: Vec<ConfigError> = problems
        .into_iter()
        .map(|p| {
            let (line, col) = span::line_col(text, span::offset(doc, &p.path));
            ConfigError {
                file: file.to_owned(),
                line,
                col,
                path: p.path.to_string(),
                message: p.message,
                hint: p.hint,
            }
        })
        .collect();
    errors.sort_by_key(|e| (e.line, e.col));
    errors.dedup();
    ConfigErrors(errors)
}

#[cfg(test)]
mod tests;
