//! Size caps on what a portal may put in a feed: titles cut at
//! [`MAX_TITLE_CHARS`] on a word boundary, entry content cut at the
//! section's `max_content` bytes (before it is sanitized, which closes
//! whatever the cut left open).

use std::borrow::Cow;

/// The longest title kept, in characters.
pub const MAX_TITLE_CHARS: usize = 1_000;

/// The longest summary kept (the list's own summary text), in characters.
pub const MAX_SUMMARY_CHARS: usize = 2_000;
/// The longest author kept, in characters.
pub const MAX_AUTHOR_CHARS: usize = 200;

/// `title` cut to at most [`MAX_TITLE_CHARS`] characters.
pub fn cap_title(title: &str) -> Cow<'_, str> {
    cap_chars(title, MAX_TITLE_CHARS)
}

/// `text` cut to at most `max` characters (at least 2; the "…" that marks
/// the cut included), at the last space when there is one in the second
/// half of the cut, else at a character boundary (CJK text has no spaces).
pub fn cap_chars(text: &str, max: usize) -> Cow<'_, str> {
    let max = max.max(2);
    let Some((cut, _)) = text.char_indices().nth(max - 1) else {
        return Cow::Borrowed(text);
    };
    if text[cut..].chars().nth(1).is_none() {
        // Exactly `max` characters.
        return Cow::Borrowed(text);
    }
    let head = &text[..cut];
    let half = head.char_indices().nth(max / 2).map_or(0, |(i, _)| i);
    let at = head[half..]
        .rfind(char::is_whitespace)
        .map_or(head.len(), |i| half + i);
    Cow::Owned(format!("{}…", head[..at].trim_end()))
}

/// `html` cut to at most `max` bytes, at a character boundary and before a
/// tag the cut would split; `None` when it fits.
pub fn cut_html(html: &str, max: usize) -> Option<&str> {
    if html.len() <= max {
        return None;
    }
    let mut end = max;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    // A `<` after the last `>` opens a tag the cut splits: drop it.
    let head = match (head.rfind('<'), head.rfind('>')) {
        (Some(lt), gt) if gt.is_none_or(|gt| gt < lt) => &head[..lt],
        _ => head,
    };
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_titles_are_kept() {
        assert_eq!(cap_title("Hot news"), "Hot news");
        let exact = "x".repeat(MAX_TITLE_CHARS);
        assert_eq!(cap_title(&exact), exact.as_str());
    }

    #[test]
    fn long_titles_are_cut_on_a_word_boundary() {
        let long = "word ".repeat(1_000);
        let cut = cap_title(&long);
        assert!(
            cut.chars().count() <= MAX_TITLE_CHARS,
            "{}",
            cut.chars().count()
        );
        assert!(cut.ends_with("word…"), "{cut}");
        let cjk = "衡".repeat(5_000);
        let cut = cap_title(&cjk);
        assert_eq!(cut.chars().count(), MAX_TITLE_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn html_is_cut_between_tags_and_characters() {
        assert_eq!(cut_html("<p>ok</p>", 100), None);
        assert_eq!(cut_html("<p>abc</p><p>def</p>", 12), Some("<p>abc</p>"));
        assert_eq!(
            cut_html("<p>衡阳</p>", 5),
            Some("<p>"),
            "not inside a character"
        );
        assert_eq!(cut_html("<p>abcdef", 6), Some("<p>abc"));
    }
}
