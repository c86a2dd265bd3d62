//! The `<meta>` charset prescan of the HTML standard, simplified: the first
//! 1024 bytes are scanned for `<meta charset>` or
//! `<meta http-equiv="Content-Type" content="…; charset=…">`.

use encoding_rs::Encoding;

/// How many bytes the prescan looks at.
const PRESCAN_LEN: usize = 1024;

/// The encoding a `<meta>` in the head of `body` declares, if any.
pub(crate) fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(PRESCAN_LEN)];
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += find(&rest[4..], b"-->").map_or(head.len(), |p| p + 7);
        } else if starts_with_ci(rest, b"<meta")
            && rest.get(5).is_some_and(|b| is_space(*b) || *b == b'/')
        {
            let (label, end) = meta_tag(&rest[5..]);
            if let Some(enc) = label.and_then(|l| Encoding::for_label(l.as_bytes())) {
                return Some(enc);
            }
            i += 5 + end;
        } else if rest.starts_with(b"<")
            && rest
                .get(1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/' || *b == b'!' || *b == b'?')
        {
            // Another tag: skip its attributes so a `<meta` inside a value is not taken.
            let (_, end) = attributes(&rest[1..]);
            i += 1 + end;
        } else {
            i += 1;
        }
    }
    None
}

/// Reads the attributes of one `<meta` tag (after the tag name); returns
/// the charset label it declares and the length consumed.
fn meta_tag(bytes: &[u8]) -> (Option<String>, usize) {
    let (attrs, end) = attributes(bytes);
    let get = |name: &str| {
        attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(cs) = get("charset") {
        return (Some(cs.trim().to_owned()), end);
    }
    let is_content_type =
        get("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("content-type"));
    let label = if is_content_type {
        get("content").and_then(charset_from_content)
    } else {
        None
    };
    (label, end)
}

/// The `charset=` value of a `content` attribute (or a `Content-Type` header).
pub(crate) fn charset_from_content(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("charset") {
        let after = from + pos + "charset".len();
        let rest = lower[after..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            let value = match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
                _ => value
                    .split(|c: char| c == ';' || c.is_ascii_whitespace())
                    .next()
                    .unwrap_or(""),
            };
            let value = value.trim();
            return (!value.is_empty()).then(|| value.to_owned());
        }
        from = after;
    }
    None
}

/// Parses `name=value` attributes up to the closing `>`; returns them with
/// lower-cased names and the length consumed (including the `>`).
fn attributes(bytes: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, i);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        // A stray `/` right after a name start keeps the loop moving.
        let name = String::from_utf8_lossy(&bytes[start..i]).to_ascii_lowercase();
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let vstart = i + 1;
                    let vend = bytes[vstart..]
                        .iter()
                        .position(|b| *b == q)
                        .map_or(bytes.len(), |p| vstart + p);
                    value = String::from_utf8_lossy(&bytes[vstart..vend]).into_owned();
                    i = (vend + 1).min(bytes.len());
                }
                _ => {
                    let vstart = i;
                    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = String::from_utf8_lossy(&bytes[vstart..i]).into_owned();
                }
            }
        }
        if !name.is_empty() && !attrs.iter().any(|(n, _)| *n == name) {
            attrs.push((name, value));
        }
        if i == start {
            // Nothing consumed (a lone `=`): step over it.
            i += 1;
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_forms() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#"<html><head><meta charset="gbk"><title>x</title>"#,
                Some("GBK"),
            ),
            ("<META CHARSET=Shift_JIS>", Some("Shift_JIS")),
            ("<meta charset='utf-8'/>", Some("UTF-8")),
            (
                r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312">"#,
                Some("GBK"),
            ),
            (
                r#"<meta content="text/html;charset=big5" http-equiv=content-type>"#,
                Some("Big5"),
            ),
            (r#"<meta name="description" content="charset=gbk">"#, None),
            ("<!-- <meta charset=gbk> --><p>hi</p>", None),
            (r#"<a title="<meta charset=gbk>">x</a>"#, None),
            ("<meta charset=nonsense>", None),
            ("<p>no meta at all</p>", None),
        ];
        for (html, want) in cases {
            assert_eq!(
                meta_charset(html.as_bytes()).map(|e| e.name()),
                *want,
                "{html}"
            );
        }
    }

    #[test]
    fn only_the_first_kib_counts() {
        let mut html = "<p>".to_owned() + &"x".repeat(1100);
        html.push_str("<meta charset=gbk>");
        assert_eq!(meta_charset(html.as_bytes()), None);
    }

    #[test]
    fn charset_param() {
        assert_eq!(
            charset_from_content("text/html; charset=GBK").as_deref(),
            Some("gbk")
        );
        assert_eq!(
            charset_from_content(r#"text/html; charset="utf-8"; x=y"#).as_deref(),
            Some("utf-8")
        );
        assert_eq!(charset_from_content("text/html").as_deref(), None);
        assert_eq!(charset_from_content("text/html; charset=").as_deref(), None);
    }
}
