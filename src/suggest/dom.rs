//! Small tools over the `scraper` tree shared by the finders: text and its
//! weight, classes worth naming in a selector, simple selectors for one
//! element, and "is this a date".

use std::sync::LazyLock;

use chrono::Utc;
use scraper::{ElementRef, Selector};

use crate::extract::field::folded_text;

/// Most elements a finder looks at on one page; the rest of a huge page is
/// ignored (bounded work on anything a portal sends).
pub const MAX_ELEMENTS: usize = 60_000;

/// The weight of a text: CJK characters count 2, other non-space ones 1, so
/// a Chinese title of 12 characters weighs like an English one of 24 letters.
pub fn units(text: &str) -> usize {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if is_cjk(c) { 2 } else { 1 })
        .sum()
}

/// A CJK ideograph or a full-width punctuation mark.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// The element's text, whitespace folded, script and style left out.
pub fn text(el: ElementRef<'_>) -> String {
    folded_text(el)
}

/// Texts of links that lead to more of something, never a title.
const NOT_TITLES: &[&str] = &[
    "more",
    "more>>",
    "more >>",
    "read more",
    "更多",
    "更多>>",
    "详细",
    "详情",
    "查看",
    "首页",
    "home",
    "next",
    "下一页",
    "上一页",
    "尾页",
    "末页",
    "prev",
    "previous",
    "last",
    "first",
    "top",
];

/// Whether a link text reads like an entry's title: long enough, and not a
/// "more" or paging word.
pub fn title_like(text: &str) -> bool {
    let t = text
        .trim()
        .trim_end_matches(['>', '»', '›', ' '])
        .to_lowercase();
    units(&t) >= 10 && !NOT_TITLES.contains(&t.as_str())
}

/// Whether `text` holds a date the date finder reads.
pub fn has_date(text: &str) -> bool {
    let t: String = text.chars().take(300).collect();
    crate::normalize::parse_date(&t, chrono_tz::UTC, &[], Utc::now()).is_some()
}

/// Class names that say a state, not a role: never put in a selector.
const STATE_CLASSES: &[&str] = &[
    "on", "active", "current", "cur", "selected", "first", "last", "odd", "even", "hover", "new",
    "hot", "top",
];

/// A class worth naming: not a state, not a generated name full of digits.
pub fn good_class(c: &str) -> bool {
    let digits = c.chars().filter(char::is_ascii_digit).count();
    !c.is_empty()
        && !STATE_CLASSES.contains(&c)
        && digits <= 2
        && c.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        && !c.starts_with(|ch: char| ch.is_ascii_digit())
}

/// The element's classes worth naming, in source order.
pub fn classes(el: ElementRef<'_>) -> Vec<String> {
    el.value()
        .classes()
        .filter(|c| good_class(c))
        .map(str::to_owned)
        .collect()
}

/// The element's id when it is worth naming.
pub fn good_id(el: ElementRef<'_>) -> Option<String> {
    el.value()
        .id()
        .filter(|id| good_class(id))
        .map(str::to_owned)
}

/// `tag.class1.class2` with only the classes worth naming.
pub fn tag_classes(el: ElementRef<'_>, classes: &[String]) -> String {
    let mut s = el.value().name().to_owned();
    for c in classes {
        s.push('.');
        s.push_str(c);
    }
    s
}

/// Simple selectors naming this element alone, most specific first:
/// `#id`, `tag.class…`, `tag.first-class`, `tag`.
pub fn simple_forms(el: ElementRef<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(id) = good_id(el) {
        out.push(format!("#{id}"));
    }
    let cls = classes(el);
    if !cls.is_empty() {
        out.push(tag_classes(el, &cls));
        if cls.len() > 1 {
            out.push(tag_classes(el, &cls[..1]));
        }
    }
    out.push(el.value().name().to_owned());
    out
}

/// Parses a selector the finders built; `None` if scraper refuses it.
pub fn parse(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

/// Class or id tokens of an element and its ancestors that mark a region
/// other than the main content (menus, headers, footers, side boxes).
const OFF_MAIN: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "foot",
    "header",
    "sidebar",
    "side",
    "aside",
    "related",
    "relate",
    "links",
    "link",
    "friend",
    "crumb",
    "breadcrumb",
    "position",
    "location",
    "copyright",
    "tab",
    "toolbar",
    "share",
];

/// Whether a name (class or id) marks a region outside the main content.
fn off_main_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.split(['-', '_']).any(|part| OFF_MAIN.contains(&part))
        || OFF_MAIN.contains(&lower.as_str())
}

/// The menu, header, footer or side box `el` sits in, if any (its tag or a
/// class or id on it or an ancestor).
pub fn off_main_region(el: ElementRef<'_>) -> Option<String> {
    let mut node = Some(el);
    while let Some(e) = node {
        let v = e.value();
        if matches!(v.name(), "nav" | "header" | "footer" | "aside") {
            return Some(format!("<{}>", v.name()));
        }
        if let Some(id) = v.id().filter(|id| off_main_name(id)) {
            return Some(format!("#{id}"));
        }
        if let Some(c) = v.classes().find(|c| off_main_name(c)) {
            return Some(format!(".{c}"));
        }
        node = e.parent().and_then(ElementRef::wrap);
    }
    None
}

/// `a[href]`, compiled once.
pub static LINKS: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("a[href]").expect("valid selector") // ok: a constant selector, covered by the tests
});

/// Cuts `text` to `max` characters with an ellipsis, for comments.
pub fn short(text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= max {
        t.to_owned()
    } else {
        let cut: String = t.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_weigh_cjk_double() {
        assert_eq!(units("ab c"), 3);
        assert_eq!(units("市政府"), 6);
    }

    #[test]
    fn titles_are_long_and_not_more_links() {
        assert!(title_like("Xiangjiang River Bridge Opens"));
        assert!(title_like("市政府召开常务会议"));
        assert!(!title_like("更多>>"));
        assert!(!title_like("Home"));
        assert!(!title_like("Read more"));
    }

    #[test]
    fn state_and_generated_classes_are_not_named() {
        assert!(good_class("list"));
        assert!(good_class("news_list"));
        assert!(!good_class("on"));
        assert!(!good_class("css-1x2y3z4"));
    }

    #[test]
    fn dates_in_any_common_form() {
        assert!(has_date("2019-05-13"));
        assert!(has_date("[05-13]"));
        assert!(has_date("发布时间：2019年05月13日"));
        assert!(!has_date("Farmers' Market Returns"));
    }
}
