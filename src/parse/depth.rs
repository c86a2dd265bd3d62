//! How deeply a page nests its elements, found by a cheap scan of the tags
//! before any tree is built (building the tree of a deeply nested page
//! costs time growing with the square of its depth).
//!
//! The scan follows the HTML rules that matter for depth and no more: void
//! elements (`<br>`, `<img>`) and comments open nothing; script, style and
//! the other raw-text elements are skipped to their end tag; elements whose
//! end tag is optional (`<li>`, `<p>`, `<td>`, `<option>` …) close their
//! open sibling; `/>` closes only inside SVG and MathML (in HTML `<div/>`
//! opens a `<div>`); an end tag closes everything up to its element, and an
//! end tag of nothing open is ignored. It runs in one pass, in time linear
//! in the page.

use std::collections::HashMap;

/// The deepest nesting allowed before a page is refused.
pub const MAX_DEPTH: usize = 512;

/// The deepest element nesting in `html`.
pub fn max_depth(html: &str) -> usize {
    let mut scan = Scan::default();
    scan.run(html.as_bytes());
    scan.max
}

/// A tag name, case-folded and hashed (a clash only merges two names).
type Name = u64;

fn name_of(bytes: &[u8]) -> Name {
    // FNV-1a over the lowercased bytes.
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
    })
}

macro_rules! names {
    ($($n:literal),* $(,)?) => {
        &[$($n),*]
    };
}

const VOID: &[&str] = names![
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame", "image",
];
const RAW_TEXT: &[&str] = names![
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];
/// Elements whose start closes an open `<p>`.
const CLOSES_P: &[&str] = names![
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "dd",
    "dt",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Void,
    RawText,
    Other,
}

/// What an opening tag closes first (the open siblings its start ends).
fn closes(name: &[u8]) -> &'static [&'static str] {
    let lower = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
    if lower("li") {
        names!["li"]
    } else if lower("dt") || lower("dd") {
        names!["dt", "dd"]
    } else if lower("td") || lower("th") {
        names!["td", "th"]
    } else if lower("tr") {
        names!["td", "th", "tr"]
    } else if lower("tbody") || lower("thead") || lower("tfoot") {
        names!["td", "th", "tr", "tbody", "thead", "tfoot"]
    } else if lower("option") {
        names!["option"]
    } else if lower("optgroup") {
        names!["option", "optgroup"]
    } else if lower("rb") || lower("rt") || lower("rp") || lower("rtc") {
        names!["rb", "rt", "rp"]
    } else {
        names![]
    }
}

#[derive(Debug, Default)]
struct Scan {
    stack: Vec<Name>,
    /// How many of each name are on the stack (end tags of nothing open
    /// are then ignored without walking the stack).
    open: HashMap<Name, usize>,
    /// Open `<svg>` / `<math>` elements: `/>` closes inside them.
    foreign: usize,
    max: usize,
}

impl Scan {
    fn run(&mut self, b: &[u8]) {
        let mut i = 0;
        while let Some(lt) = find(b, i, b'<') {
            i = lt + 1;
            match b.get(i) {
                Some(b'!') if b[i..].starts_with(b"!--") => {
                    i = find_seq(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
                }
                Some(b'!' | b'?') => i = find(b, i, b'>').map_or(b.len(), |e| e + 1),
                Some(b'/') => {
                    let (name, end) = tag_name(b, i + 1);
                    if !name.is_empty() {
                        self.close(name_of(name));
                    }
                    i = tag_end(b, end).0;
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    let (name, end) = tag_name(b, i);
                    let (after, self_closing) = tag_end(b, end);
                    i = after;
                    match kind(name) {
                        Kind::Void => {}
                        Kind::RawText => {
                            i = skip_raw_text(b, i, name);
                        }
                        Kind::Other if name.eq_ignore_ascii_case(b"plaintext") => return,
                        Kind::Other if self_closing && self.foreign > 0 => {}
                        Kind::Other => self.open(name),
                    }
                }
                _ => {}
            }
        }
    }

    fn open(&mut self, name: &[u8]) {
        let closes_p = CLOSES_P
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n.as_bytes()));
        while let Some(&top) = self.stack.last() {
            let sibling = closes(name).iter().any(|n| name_of(n.as_bytes()) == top);
            if sibling || (closes_p && top == name_of(b"p")) {
                self.pop();
            } else {
                break;
            }
        }
        let id = name_of(name);
        if is_foreign(id) {
            self.foreign += 1;
        }
        self.stack.push(id);
        *self.open.entry(id).or_default() += 1;
        self.max = self.max.max(self.stack.len());
    }

    fn close(&mut self, id: Name) {
        if self.open.get(&id).copied().unwrap_or(0) == 0 {
            return;
        }
        while let Some(top) = self.pop() {
            if top == id {
                break;
            }
        }
    }

    fn pop(&mut self) -> Option<Name> {
        let top = self.stack.pop()?;
        if let Some(n) = self.open.get_mut(&top) {
            *n = n.saturating_sub(1);
        }
        if is_foreign(top) {
            self.foreign = self.foreign.saturating_sub(1);
        }
        Some(top)
    }
}

fn is_foreign(id: Name) -> bool {
    id == name_of(b"svg") || id == name_of(b"math")
}

fn kind(name: &[u8]) -> Kind {
    let is = |list: &[&str]| list.iter().any(|n| name.eq_ignore_ascii_case(n.as_bytes()));
    if is(VOID) {
        Kind::Void
    } else if is(RAW_TEXT) {
        Kind::RawText
    } else {
        Kind::Other
    }
}

fn find(b: &[u8], from: usize, c: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&x| x == c)
        .map(|p| p + from)
}

fn find_seq(b: &[u8], from: usize, seq: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(seq.len())
        .position(|w| w == seq)
        .map(|p| p + from)
}

/// The tag name starting at `from`, and where it ends.
fn tag_name(b: &[u8], from: usize) -> (&[u8], usize) {
    let end = b[from.min(b.len())..]
        .iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
        .map_or(b.len(), |p| p + from);
    (&b[from.min(end)..end], end)
}

/// Past the `>` that ends the tag (quotes respected), and whether it was
/// written `/>`.
fn tag_end(b: &[u8], from: usize) -> (usize, bool) {
    let mut quote = None;
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return (i + 1, i > from && b[i - 1] == b'/'),
            None => {}
        }
        i += 1;
    }
    (b.len(), false)
}

/// Past the end tag of the raw-text element `name` whose content starts at
/// `from`.
fn skip_raw_text(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(lt) = find(b, i, b'<') {
        let rest = &b[lt + 1..];
        if rest.first() == Some(&b'/')
            && rest.len() > name.len()
            && rest[1..=name.len()].eq_ignore_ascii_case(name)
        {
            return lt + 1;
        }
        i = lt + 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_shallow() {
        assert_eq!(max_depth(""), 0);
        assert_eq!(max_depth("plain text"), 0);
        assert_eq!(
            max_depth("<html><body><div><p>x</p></div></body></html>"),
            4
        );
        assert_eq!(
            max_depth("<ul><li>a<li>b<li><p>c<p>d<li>e</ul>"),
            3,
            "optional end tags close their siblings"
        );
        assert_eq!(
            max_depth("<table><tr><td>a<td>b<tr><td>c</table>"),
            3,
            "cells and rows close each other"
        );
        assert_eq!(max_depth("<p>a<div>b</div><p>c<div>d</div>"), 1);
        assert_eq!(max_depth("<div><br><img src=x><hr><input></div>"), 1);
        assert_eq!(
            max_depth("<svg><path d='x'/><path/><g><circle/></g></svg>"),
            2,
            "/> closes inside svg"
        );
        assert_eq!(
            max_depth("<div><script>if (a<b) { '<div><div><div>' }</script></div>"),
            1,
            "script text is not markup"
        );
        assert_eq!(
            max_depth("<div title='a > b <div>'><!-- <div><div> --></div>"),
            1
        );
        assert_eq!(
            max_depth("<div></span></span></div><div>"),
            1,
            "stray end tags"
        );
        assert_eq!(max_depth("<DIV><Div></div></DIV>"), 2, "case-insensitive");
    }

    #[test]
    fn deep_nesting_is_measured_in_every_disguise() {
        let n = 5_000;
        assert_eq!(max_depth(&"<div>".repeat(n)), n);
        assert_eq!(
            max_depth(&"<div/>".repeat(n)),
            n,
            "/> does not close an HTML div"
        );
        assert_eq!(max_depth(&"<b><i>".repeat(n)), 2 * n);
        let closed = format!("{}{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(max_depth(&closed), n);
        assert_eq!(max_depth(&"<li>".repeat(n)), 1, "siblings, not nesting");
    }

    #[test]
    fn truncated_and_broken_markup_does_not_panic() {
        for s in [
            "<",
            "<!",
            "<!--",
            "</",
            "<div",
            "<div a='",
            "<script>",
            "<svg/",
            "< div>",
            "<1>",
            "<\u{e9}>",
            "<div\u{0}>",
            "</>",
            "<!-->",
            "<a <b <c",
        ] {
            let _ = max_depth(s);
        }
        assert_eq!(max_depth("<div a='>"), 1);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    /// Every `.html` file under `dir`.
    fn pages(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pages(&path, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_fixture_pages_are_far_below_the_cap() {
        let mut all = Vec::new();
        pages(std::path::Path::new("fixtures"), &mut all);
        assert!(all.len() > 10, "fixture pages found: {}", all.len());
        for path in all {
            let bytes = std::fs::read(&path).expect("readable");
            let depth = max_depth(&String::from_utf8_lossy(&bytes));
            assert!(
                (1..64).contains(&depth),
                "{}: depth {depth}",
                path.display()
            );
        }
    }
}
