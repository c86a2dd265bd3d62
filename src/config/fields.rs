//! Field selectors (a CSS string or `{ css, attr, regex, format }`) and
//! the CSS selectors, regexes and date formats inside them.

use chrono::format::{Item, StrftimeItems};
use regex::Regex;

use super::path::{KeyPath, Problem};
use super::raw::{RawField, RawFormats};
use super::spec::{CssSelector, FieldSelector};
use super::values::{Ctx, non_empty};

/// A CSS selector.
pub(super) fn css(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str) -> Option<CssSelector> {
    match CssSelector::parse(s) {
        Ok(c) => Some(c),
        Err(e) => {
            ctx.push(
                Problem::new(path.clone(), e.replace('\n', " "))
                    .hint("a CSS selector like `ul.list > li` or `a[href]`"),
            );
            None
        }
    }
}

/// What a field selector reads, which decides its defaults and what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldKind {
    /// Text; `format` is not allowed.
    Text,
    /// A date; `format` is allowed.
    Date,
    /// A link; `attr` defaults to `href`.
    Link,
}

/// A field selector in either form.
pub(super) fn field(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    raw: &RawField,
    kind: FieldKind,
) -> Option<FieldSelector> {
    let default_attr = (kind == FieldKind::Link).then(|| "href".to_owned());
    let table = match raw {
        RawField::Css(s) => {
            let css = css(ctx, path, s)?;
            return Some(FieldSelector {
                css,
                attr: default_attr,
                regex: None,
                formats: Vec::new(),
                contains: None,
                matches: None,
                exclude: Vec::new(),
            });
        }
        RawField::Table(t) => t,
    };
    let contains = match &table.contains {
        Some(c) => non_empty(ctx, &path.key("contains"), c).map(Some),
        None => Some(None),
    };
    let matches = match &table.matches {
        Some(r) => regex(ctx, &path.key("matches"), r, MATCHES_HINT).map(Some),
        None => Some(None),
    };
    let mut exclude = Some(Vec::new());
    for (i, s) in table.exclude.iter().enumerate() {
        let one = css(ctx, &path.key("exclude").index(i), s);
        exclude = exclude.zip(one).map(|(mut all, one)| {
            all.push(one);
            all
        });
    }
    let css_path = path.key("css");
    let css = ctx
        .required(
            &css_path,
            table.css.as_ref(),
            "the CSS selector of the element to read",
        )
        .and_then(|s| css(ctx, &css_path, s));
    let attr = match &table.attr {
        Some(a) => non_empty(ctx, &path.key("attr"), a).map(Some),
        None => Some(default_attr),
    };
    let regex = match &table.regex {
        Some(r) => regex(ctx, &path.key("regex"), r, REGEX_HINT).map(Some),
        None => Some(None),
    };
    let formats = match &table.format {
        Some(_) if kind != FieldKind::Date => {
            ctx.push(
                Problem::new(path.key("format"), "`format` only applies to date fields")
                    .hint("remove `format`"),
            );
            None
        }
        Some(f) => date_formats(
            ctx,
            &path.key("format"),
            &f.to_vec(),
            matches!(f, RawFormats::Many(_)),
        ),
        None => Some(Vec::new()),
    };
    Some(FieldSelector {
        css: css?,
        attr: attr?,
        regex: regex?,
        formats: formats?,
        contains: contains?,
        matches: matches?,
        exclude: exclude?,
    })
}

/// The hint of a bad `regex`.
const REGEX_HINT: &str = "the first capture group is kept, e.g. `From:\\\\s*([^|]+)`";
/// The hint of a bad `matches`.
const MATCHES_HINT: &str = "a regex the element's text must match, e.g. `^Next`";

/// A regex; its error is cut down to one line.
fn regex(ctx: &mut Ctx<'_>, path: &KeyPath, s: &str, hint: &str) -> Option<Regex> {
    match Regex::new(s) {
        Ok(r) => Some(r),
        Err(e) => {
            let full = e.to_string();
            let why = full
                .lines()
                .find_map(|l| l.strip_prefix("error: "))
                .or_else(|| full.lines().next())
                .unwrap_or("invalid")
                .to_owned();
            ctx.push(Problem::new(path.clone(), format!("invalid regex `{s}`: {why}")).hint(hint));
            None
        }
    }
}

/// chrono strftime formats, each checked.
fn date_formats(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    formats: &[String],
    array: bool,
) -> Option<Vec<String>> {
    if formats.is_empty() {
        ctx.push(
            Problem::new(path.clone(), "no date format given").hint("e.g. `\"%Y-%m-%d %H:%M\"`"),
        );
        return None;
    }
    let mut ok = true;
    for (i, f) in formats.iter().enumerate() {
        let at = if array { path.index(i) } else { path.clone() };
        let bad =
            f.trim().is_empty() || StrftimeItems::new(f).any(|item| matches!(item, Item::Error));
        if bad {
            ctx.push(
                Problem::new(at, format!("invalid date format `{f}`"))
                    .hint("chrono strftime, e.g. `\"%Y-%m-%d %H:%M\"`"),
            );
            ok = false;
        }
    }
    ok.then(|| formats.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::raw::RawFieldTable;

    fn check<T>(f: impl FnOnce(&mut Ctx<'_>, &KeyPath) -> Option<T>) -> Result<T, String> {
        let mut ctx = Ctx::new(&[]);
        let v = f(&mut ctx, &KeyPath::root().key("x"));
        match v {
            Some(v) if ctx.problems.is_empty() => Ok(v),
            _ => Err(ctx
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")),
        }
    }

    fn table(css: &str) -> RawFieldTable {
        RawFieldTable {
            css: Some(css.into()),
            ..RawFieldTable::default()
        }
    }

    #[test]
    fn field_string_form() {
        let f =
            check(|c, p| field(c, p, &RawField::Css("a.t".into()), FieldKind::Text)).expect("ok");
        assert_eq!(f.css.source, "a.t");
        assert_eq!(f.attr, None);
        let f = check(|c, p| field(c, p, &RawField::Css("a".into()), FieldKind::Link)).expect("ok");
        assert_eq!(f.attr.as_deref(), Some("href"));
    }

    #[test]
    fn field_table_form() {
        let raw = RawField::Table(RawFieldTable {
            attr: Some("data-url".into()),
            regex: Some(r"id=(\d+)".into()),
            ..table("a")
        });
        let f = check(|c, p| field(c, p, &raw, FieldKind::Link)).expect("ok");
        assert_eq!(f.attr.as_deref(), Some("data-url"));
        assert_eq!(f.regex.as_ref().map(Regex::as_str), Some(r"id=(\d+)"));
        let raw = RawField::Table(table("a"));
        let f = check(|c, p| field(c, p, &raw, FieldKind::Link)).expect("ok");
        assert_eq!(
            f.attr.as_deref(),
            Some("href"),
            "link defaults to href in table form too"
        );
    }

    #[test]
    fn field_formats() {
        let one = RawField::Table(RawFieldTable {
            format: Some(RawFormats::One("%Y-%m-%d".into())),
            ..table("span")
        });
        let f = check(|c, p| field(c, p, &one, FieldKind::Date)).expect("ok");
        assert_eq!(f.formats, vec!["%Y-%m-%d".to_owned()]);
        let many = RawField::Table(RawFieldTable {
            format: Some(RawFormats::Many(vec![
                "%Y-%m-%d".into(),
                "%Y/%m/%d %H:%M".into(),
            ])),
            ..table("span")
        });
        let f = check(|c, p| field(c, p, &many, FieldKind::Date)).expect("ok");
        assert_eq!(f.formats.len(), 2);
        let bad = RawField::Table(RawFieldTable {
            format: Some(RawFormats::Many(vec!["%Y".into(), "%Q".into()])),
            ..table("span")
        });
        assert_eq!(
            check(|c, p| field(c, p, &bad, FieldKind::Date)).expect_err("bad"),
            "x.format[1]: invalid date format `%Q` (hint: chrono strftime, e.g. `\"%Y-%m-%d %H:%M\"`)"
        );
        assert_eq!(
            check(|c, p| field(c, p, &one, FieldKind::Text)).expect_err("not a date"),
            "x.format: `format` only applies to date fields (hint: remove `format`)"
        );
    }

    #[test]
    fn field_errors_are_all_reported() {
        let raw = RawField::Table(RawFieldTable {
            css: Some("ul >> li".into()),
            regex: Some("(".into()),
            attr: Some(" ".into()),
            ..RawFieldTable::default()
        });
        let err = check(|c, p| field(c, p, &raw, FieldKind::Text)).expect_err("bad");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 3, "{err}");
        assert!(
            lines[0].starts_with("x.css: invalid CSS selector `ul >> li`: "),
            "{err}"
        );
        assert_eq!(lines[1], "x.attr: must not be empty");
        assert!(
            lines[2].starts_with("x.regex: invalid regex `(`: unclosed group"),
            "{err}"
        );
        let missing = RawField::Table(RawFieldTable::default());
        let err = check(|c, p| field(c, p, &missing, FieldKind::Text)).expect_err("no css");
        assert!(err.starts_with("x.css: required key is missing"), "{err}");
    }
}
