//! Plain text: whitespace folding and excerpts of HTML.

use scraper::{Html, Node};

/// Trims and folds every run of whitespace to one ASCII space.
///
/// Whitespace is every Unicode `White_Space` character (NBSP, U+3000
/// ideographic space, …), the zero-width space, word joiner and BOM, and the
/// control characters (which have no place in a title and are invalid in
/// XML). The zero-width (non-)joiners U+200C/U+200D are folded only inside a
/// run of other whitespace or at the ends: between two visible characters
/// they are kept, because Persian, Indic scripts and emoji sequences need
/// them. Entities are never decoded: the text is already decoded once.
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // The run of foldable characters not yet written, and whether it holds
    // anything beyond zero-width (non-)joiners.
    let mut run = String::new();
    let mut run_is_space = false;
    for c in s.chars() {
        if is_joiner(c) {
            run.push(c);
        } else if is_foldable(c) {
            run_is_space = true;
        } else {
            if !out.is_empty() {
                if run_is_space {
                    out.push(' ');
                } else {
                    out.push_str(&run);
                }
            }
            run.clear();
            run_is_space = false;
            out.push(c);
        }
    }
    out
}

/// Zero-width non-joiner and joiner: kept between visible characters.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Characters that fold to a space.
fn is_foldable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')
}

/// Sentence-ending punctuation a CJK excerpt may be cut after.
const CJK_SENTENCE_END: &[char] = &['。', '！', '？', '；'];

/// Punctuation dropped from the end of a cut excerpt before the "…".
const DANGLING: &[char] = &[',', ':', '，', '、', '：', '-', '—', '(', '（'];

/// Plain text of `html` (block elements separate words), folded, cut to at
/// most `max_chars` characters including the "…" that marks a cut.
///
/// The cut falls on the last space. When the text at the limit is CJK (no
/// spaces between words) it falls after the last sentence end (`。！？；`)
/// or space in the last third of the allowed length, else at the limit; a
/// single token longer than the limit is cut at the limit too.
pub fn excerpt(html: &str, max_chars: usize) -> String {
    let text = fold_whitespace(&html_text(html));
    if text.chars().count() <= max_chars {
        return text;
    }
    let Some(budget) = max_chars.checked_sub(1) else {
        return String::new();
    };
    // Byte offset just past `budget` characters; the text is longer, so it exists.
    let limit = text
        .char_indices()
        .nth(budget)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..limit];
    let at_boundary = text[limit..].starts_with(' ');
    let cut = if at_boundary {
        limit
    } else {
        let space = head.rfind(' ').unwrap_or(0);
        if head[space..].chars().any(is_cjk) {
            // Inside CJK text any place is a boundary; a sentence end reads better.
            let sentence = head
                .char_indices()
                .rfind(|(_, c)| CJK_SENTENCE_END.contains(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let best = space.max(sentence);
            let in_last_third = head[..best].chars().count() * 3 >= budget * 2;
            if best > 0 && in_last_third {
                best
            } else {
                limit
            }
        } else if space > 0 {
            space
        } else {
            limit
        }
    };
    let mut out = text[..cut]
        .trim_end_matches(|c: char| c == ' ' || DANGLING.contains(&c))
        .to_owned();
    out.push('…');
    out
}

/// Chinese, Japanese and Korean characters and their punctuation.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Elements whose start and end separate words.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose text is not part of the reading text.
const HIDDEN: &[&str] = &["script", "style", "template", "noscript", "head", "title"];

/// The text of `html` with a space wherever a block element starts or ends.
/// Iterative, so deeply nested input cannot overflow the stack.
fn html_text(html: &str) -> String {
    enum Step<N> {
        Visit(N),
        Space,
    }
    let doc = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() / 2);
    let mut stack = vec![Step::Visit(doc.tree.root())];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Space => {
                out.push(' ');
                continue;
            }
            Step::Visit(node) => node,
        };
        match node.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(el) if HIDDEN.contains(&el.name()) => {}
            Node::Element(el) if BLOCKS.contains(&el.name()) => {
                out.push(' ');
                stack.push(Step::Space);
                stack.extend(node.children().rev().map(Step::Visit));
            }
            _ => stack.extend(node.children().rev().map(Step::Visit)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_all_kinds_of_whitespace() {
        assert_eq!(
            fold_whitespace("  Hot \t News\r\n\n Local  "),
            "Hot News Local"
        );
        assert_eq!(
            fold_whitespace("\u{a0}衡阳\u{3000}\u{3000}新闻\u{a0}网\u{feff}"),
            "衡阳 新闻 网"
        );
        assert_eq!(fold_whitespace("\u{feff}Title"), "Title");
        assert_eq!(fold_whitespace("a\u{200b}b"), "a b");
        assert_eq!(fold_whitespace("a \u{200b} \u{2060} b"), "a b");
        assert_eq!(fold_whitespace("a\u{2028}\u{2029}\u{85}b"), "a b");
        assert_eq!(fold_whitespace("a\u{1}\u{7}b\u{0}"), "a b");
        assert_eq!(fold_whitespace(""), "");
        assert_eq!(fold_whitespace(" \u{a0}\u{3000}\u{200b}\u{200d} "), "");
    }

    #[test]
    fn joiners_kept_between_letters_only() {
        assert_eq!(fold_whitespace("می\u{200c}خواهم"), "می\u{200c}خواهم");
        assert_eq!(
            fold_whitespace("👨\u{200d}👩\u{200d}👧"),
            "👨\u{200d}👩\u{200d}👧"
        );
        assert_eq!(fold_whitespace("\u{200d}a \u{200c} b\u{200d}"), "a b");
    }

    #[test]
    fn never_decodes_entities() {
        assert_eq!(
            fold_whitespace("&amp;lt;b&amp;gt;  &nbsp;x"),
            "&amp;lt;b&amp;gt; &nbsp;x"
        );
    }

    #[test]
    fn excerpt_cuts_english_on_a_word_boundary() {
        let html = "<p>On the morning of May 8, Zheng Jianxin went deep into Baishazhou Industrial Park.</p>";
        assert_eq!(excerpt(html, 31), "On the morning of May 8, Zheng…");
        assert_eq!(excerpt(html, 30), "On the morning of May 8…");
        assert_eq!(excerpt(html, 29), "On the morning of May 8…");
        // A token longer than the limit is cut at the limit.
        assert_eq!(excerpt("Supercalifragilisticexpialidocious", 6), "Super…");
        // The cut lands exactly before a space: the whole word is kept.
        assert_eq!(excerpt("<p>alpha beta gamma</p>", 11), "alpha beta…");
        // A trailing comma is not left dangling before the ellipsis.
        assert_eq!(excerpt("one, two, three, four", 10), "one, two…");
    }

    #[test]
    fn excerpt_blocks_separate_words_inline_does_not() {
        assert_eq!(
            excerpt(
                "<h1>Title</h1><p>First<b>Bold</b></p><ul><li>a</li><li>b</li></ul>x<br>y",
                100
            ),
            "Title FirstBold a b x y"
        );
        assert_eq!(
            excerpt("<table><tr><td>1</td><td>2</td></tr></table>", 100),
            "1 2"
        );
        assert_eq!(
            excerpt(
                "<p>kept</p><script>alert(1)</script><style>p{}</style>",
                100
            ),
            "kept"
        );
    }

    #[test]
    fn excerpt_exact_length_is_not_cut() {
        assert_eq!(excerpt("<p>abcde fghij</p>", 11), "abcde fghij");
        assert_eq!(excerpt("衡阳市人民政府", 7), "衡阳市人民政府");
        assert_eq!(excerpt("abcde fghij", 10), "abcde…");
    }

    #[test]
    fn excerpt_cjk_cuts_at_sentence_end_in_last_third() {
        let text = "衡阳市委书记郑建新深入白沙洲工业园调研。他强调要以最强执行力打造最优营商环境";
        // 20 characters allowed: the "。" (20th char) is in the last third.
        assert_eq!(
            excerpt(text, 21),
            "衡阳市委书记郑建新深入白沙洲工业园调研。…"
        );
        // No sentence end in the last third: cut at the limit.
        let long = "他强调要以最强执行力打造最优营商环境加快项目落地";
        assert_eq!(excerpt(long, 10), "他强调要以最强执行…");
        // A sentence end too early is not used.
        assert_eq!(
            excerpt("短句。他强调要以最强执行力打造最优营商环境", 11),
            "短句。他强调要以最强…"
        );
    }

    #[test]
    fn excerpt_counts_chars_not_bytes() {
        for max in 0..40 {
            let e = excerpt(
                "衡阳新闻网 Hengyang 新闻 — a b c 郑建新深入白沙洲工业园调研。他强调",
                max,
            );
            assert!(e.chars().count() <= max, "{max}: {e}");
        }
        assert_eq!(excerpt("anything", 0), "");
        assert_eq!(excerpt("anything", 1), "…");
    }

    #[test]
    fn excerpt_decodes_entities_once() {
        assert_eq!(
            excerpt("<p>Tom &amp; Jerry &lt;3 &amp;lt;b&amp;gt;&nbsp;x</p>", 100),
            "Tom & Jerry <3 &lt;b&gt; x"
        );
    }

    #[test]
    fn excerpt_survives_deep_nesting() {
        let html = "<div>".repeat(3_000) + "deep" + &"</div>".repeat(3_000);
        assert_eq!(excerpt(&html, 10), "deep");
    }
}
