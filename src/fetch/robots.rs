//! A small `robots.txt` parser (RFC 9309): the group for our product token
//! (or `*`), `Allow` / `Disallow` with longest match, `*` and `$`.

/// The product token we look for in `User-agent` lines.
pub(crate) const PRODUCT_TOKEN: &str = "portalfeed";

/// How much of a `robots.txt` is parsed (RFC 9309 asks for at least 500 KiB).
pub(crate) const MAX_ROBOTS_LEN: usize = 512 * 1024;

/// One `Allow` / `Disallow` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    /// Percent-encoded pattern, `*` and a trailing `$` kept.
    pattern: Vec<u8>,
}

/// The rules of `robots.txt` that apply to us.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Robots {
    rules: Vec<Rule>,
}

impl Robots {
    /// Robots that allow everything (no file, or it could not be fetched).
    pub(crate) fn allow_all() -> Self {
        Self::default()
    }

    /// Parses `text` and keeps the rules for `token`: every group naming it,
    /// else every `*` group, else none.
    pub(crate) fn parse(text: &str, token: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut groups: Vec<(Vec<String>, Vec<Rule>)> = Vec::new();
        // True while the last significant line was a user-agent line.
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" | "useragent" | "user agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new()));
                    }
                    in_agents = true;
                    if let Some(group) = groups.last_mut() {
                        group.0.push(value.to_owned());
                    }
                }
                "allow" | "disallow" | "dissallow" | "dissalow" | "disalow" => {
                    in_agents = false;
                    // Rules before any user-agent line belong to no group;
                    // an empty pattern matches nothing.
                    if let (Some(group), false) = (groups.last_mut(), value.is_empty()) {
                        group.1.push(Rule {
                            allow: key == "allow",
                            pattern: normalize_pattern(value),
                        });
                    }
                }
                _ => {}
            }
        }
        let pick = |want: &dyn Fn(&str) -> bool| -> Vec<Rule> {
            groups
                .iter()
                .filter(|(agents, _)| agents.iter().any(|a| want(a)))
                .flat_map(|(_, rules)| rules.iter().cloned())
                .collect()
        };
        let named = |a: &str| agent_token(a).eq_ignore_ascii_case(token);
        let mut rules = pick(&named);
        if !groups
            .iter()
            .any(|(agents, _)| agents.iter().any(|a| named(a)))
        {
            rules = pick(&|a: &str| a == "*");
        }
        Self { rules }
    }

    /// Whether `path_and_query` (`/a/b?c`, percent-encoded as in a URL) may
    /// be fetched: the longest matching pattern decides, `Allow` on a tie.
    pub(crate) fn allowed(&self, path_and_query: &str) -> bool {
        if path_and_query == "/robots.txt" {
            return true;
        }
        let path = path_and_query.as_bytes();
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if matches(&rule.pattern, path) {
                let len = rule.pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, rule.allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// The product token at the start of a `User-agent` value (`portalfeed/1.0` → `portalfeed`).
fn agent_token(value: &str) -> &str {
    let end = value
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(value.len());
    if end == 0 { value } else { &value[..end] }
}

/// Percent-encodes non-ASCII bytes and upper-cases existing escapes, so a
/// pattern compares byte for byte with a URL's path.
fn normalize_pattern(pattern: &str) -> Vec<u8> {
    let bytes = pattern.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            out.push(b'%');
            out.push(bytes[i + 1].to_ascii_uppercase());
            out.push(bytes[i + 2].to_ascii_uppercase());
            i += 3;
            continue;
        }
        if b.is_ascii() && !b.is_ascii_whitespace() {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
        i += 1;
    }
    out
}

/// Whether `pattern` (with `*` wildcards and an optional trailing `$`)
/// matches the start of `path` (all of it with `$`).
fn matches(pattern: &[u8], path: &[u8]) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix(b"$") {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let mut parts = pattern.split(|b| *b == b'*');
    let first = parts.next().unwrap_or_default();
    if !path.starts_with(first) {
        return false;
    }
    let mut pos = first.len();
    let rest: Vec<&[u8]> = parts.collect();
    let Some((last, middle)) = rest.split_last() else {
        return !anchored || pos == path.len();
    };
    for part in middle {
        match find(&path[pos..], part) {
            Some(at) => pos += at + part.len(),
            None => return false,
        }
    }
    if anchored {
        path.len() >= pos + last.len() && path.ends_with(last)
    } else {
        find(&path[pos..], last).is_some()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn robots(text: &str) -> Robots {
        Robots::parse(text, PRODUCT_TOKEN)
    }

    #[test]
    fn star_group_applies_without_a_named_one() {
        let r = robots("User-agent: *\nDisallow: /private\n\nUser-agent: otherbot\nDisallow: /\n");
        assert!(!r.allowed("/private"));
        assert!(!r.allowed("/private/a.html"));
        assert!(r.allowed("/public/a.html"));
        assert!(r.allowed("/robots.txt"));
    }

    #[test]
    fn named_group_replaces_star() {
        let text = "User-agent: *\nDisallow: /\n\n\
                    User-Agent: PortalFeed/0.1\nUser-agent: other\nDisallow: /admin # staff only\n";
        let r = robots(text);
        assert!(r.allowed("/news/1.html"));
        assert!(!r.allowed("/admin/x"));
        // Two groups naming us merge.
        let r =
            robots("user-agent: portalfeed\ndisallow: /a\nuser-agent: portalfeed\ndisallow: /b\n");
        assert!(!r.allowed("/a") && !r.allowed("/b") && r.allowed("/c"));
    }

    #[test]
    fn longest_match_and_allow_on_tie() {
        let r = robots(
            "User-agent: *\nDisallow: /news/\nAllow: /news/public/\nAllow: /x\nDisallow: /x\n",
        );
        assert!(!r.allowed("/news/secret.html"));
        assert!(r.allowed("/news/public/1.html"));
        assert!(r.allowed("/x"), "tie goes to allow");
    }

    #[test]
    fn wildcards_and_anchor() {
        let r = robots(
            "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?print=\nDisallow: /a*b*c\nAllow: /$\nDisallow: /\n",
        );
        assert!(r.allowed("/"));
        assert!(!r.allowed("/index.html"));
        let r = robots("User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?print=\nDisallow: /a*b*c\n");
        assert!(!r.allowed("/files/x.pdf"));
        assert!(r.allowed("/files/x.pdf.html"));
        assert!(!r.allowed("/n/1.html?print=1"));
        assert!(r.allowed("/n/1.html?page=2"));
        assert!(!r.allowed("/a-b-c"));
        assert!(!r.allowed("/axxbyyczz"));
        assert!(r.allowed("/acb"));
    }

    #[test]
    fn empty_disallow_and_rules_outside_groups() {
        let r = robots("Disallow: /\nUser-agent: *\nDisallow:\n");
        assert!(r.allowed("/anything"));
        assert!(robots("").allowed("/x"));
        assert!(robots("garbage\n\0\0 not robots").allowed("/x"));
        assert_eq!(Robots::allow_all(), robots("User-agent: *\nAllow: \n"));
    }

    #[test]
    fn non_ascii_patterns_match_encoded_paths() {
        let r = robots("\u{feff}User-agent: *\nDisallow: /新闻\nDisallow: /%e4%b8%ad\n");
        assert!(!r.allowed("/%E6%96%B0%E9%97%BB/1.html"));
        assert!(!r.allowed("/%E4%B8%AD"));
        assert!(r.allowed("/news"));
    }

    #[test]
    fn sitemap_and_unknown_lines_do_not_split_groups() {
        let r = robots("User-agent: a\nSitemap: http://x/s.xml\nUser-agent: *\nDisallow: /p\n");
        assert!(!r.allowed("/p"));
    }
}
