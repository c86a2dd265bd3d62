//! The pager finder: a next link (`下一页`, `Next`, `›`, `rel=next`), a TRS
//! `createPageHTML` script, or a URL pattern in the page-number links, and
//! how many pages the portal says it has.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html};
use url::Url;

use super::Pick;
use super::dom::{self, LINKS, MAX_ELEMENTS};
use super::site::same_site;

/// Most list pages a suggested section follows.
pub const MAX_PAGES: u32 = 5;

/// Texts of a next-page link.
const NEXT_TEXTS: &[&str] = &[
    "下一页",
    "下页",
    "下一頁",
    "后页",
    "next",
    "next page",
    "next ›",
    "next »",
    "next >",
    "next>",
    "›",
    "»",
    ">",
];

/// "Page 1 of 3", "共3页", "1/3页": the number of pages printed.
static PAGE_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)page\s*\d+\s*of\s*(\d+)|共\s*(\d+)\s*页|\d+\s*/\s*(\d+)\s*页")
        .expect("valid regex") // ok: a constant regex, covered by the tests
});

/// What the pager finder found.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// `next_page`, when there is a next link.
    pub next_page: Option<Pick>,
    /// `page_url` and what it was read from, when page-number links show a
    /// pattern and there is no next link.
    pub page_url: Option<(String, String)>,
    /// Pages to follow (`pages`).
    pub pages: u32,
    /// Why (`# ...` beside `pages`).
    pub note: String,
    /// The next page's URL, resolved, to check it.
    pub next_url: Option<Url>,
}

/// Finds the pager of the list page `doc` at `page`.
pub fn find(doc: &Html, html: &str, page: &Url) -> Pager {
    let mut pager = Pager {
        pages: 1,
        ..Pager::default()
    };
    let printed = PAGE_COUNT
        .captures(&visible_text(doc))
        .and_then(|c| (1..=3).find_map(|i| c.get(i)))
        .and_then(|m| m.as_str().parse::<u32>().ok());
    // TRS WCM's script pager, read as the scrape reads it.
    let trs = crate::scrape::ScriptPager::find(html).and_then(|p| u32::try_from(p.count).ok());
    if let Some((a, pick)) = next_link(doc, page) {
        pager.next_url = a
            .value()
            .attr("href")
            .and_then(|h| page.join(h.trim()).ok());
        pager.next_page = Some(pick);
    }
    let numbered = page_numbers(doc, page);
    if pager.next_page.is_none() && trs.is_none() {
        pager.page_url = numbered
            .as_ref()
            .map(|(p, note, _)| (p.clone(), note.clone()));
    }
    let total = printed.or(trs).or_else(|| {
        pager
            .page_url
            .as_ref()
            .and(numbered.as_ref().map(|(_, _, max)| *max))
    });
    pager.pages = match (total, &pager.next_page, trs) {
        (Some(n), _, _) => n.clamp(1, MAX_PAGES),
        (None, Some(_), _) => 3,
        (None, None, _) => 1,
    };
    pager.note = match (total, &pager.next_page, trs) {
        (Some(n), None, None) if pager.page_url.is_some() => format!(
            "{n} pages linked by number{}",
            if n > MAX_PAGES {
                format!("; the first {MAX_PAGES} are followed")
            } else {
                String::new()
            }
        ),
        (Some(n), Some(_), _) if n > MAX_PAGES => {
            format!(
                "the portal shows {n} pages; the first {MAX_PAGES} are followed (raise to follow more)"
            )
        }
        (Some(n), Some(_), _) => format!("the portal shows {n} page(s)"),
        (Some(n), None, Some(_)) => format!(
            "a TRS script pager of {n} page(s){}",
            if n > MAX_PAGES {
                format!("; the first {MAX_PAGES} are followed")
            } else {
                String::new()
            }
        ),
        (Some(n), None, None) => format!("the portal shows {n} page(s) but no next link was found"),
        (None, Some(_), _) => "a next link; the page count is not shown, 3 are followed".to_owned(),
        (None, None, _) => "no pager found: the first page only".to_owned(),
    };
    pager
}

/// `page_url` from the page-number links (`2` → `index_1.html`): the
/// pattern with `{i}` (0-based) or `{p}` (1-based), what it was read from,
/// and the highest page number linked.
fn page_numbers(doc: &Html, page: &Url) -> Option<(String, String, u32)> {
    let mut found: Vec<(u32, String)> = Vec::new();
    for a in doc.select(&LINKS).take(MAX_ELEMENTS) {
        let Ok(k) = dom::text(a).parse::<u32>() else {
            continue;
        };
        let href = a.value().attr("href").unwrap_or_default().trim();
        if !(2..=1000).contains(&k) || href.is_empty() || href.starts_with('#') {
            continue;
        }
        if page.join(href).is_ok_and(|u| same_site(&u, page)) {
            found.push((k, href.to_owned()));
        }
    }
    let (k, href) = found.iter().min_by_key(|(k, _)| *k)?;
    // The number in the link: the page index (k - 1) or the page number k,
    // in the last place it appears.
    let (pattern, placeholder) =
        [(k - 1, "{i}"), (*k, "{p}")]
            .into_iter()
            .find_map(|(n, ph)| {
                let digits = n.to_string();
                let at = href.rfind(&digits)?;
                let before = href[..at].chars().next_back();
                let after = href[at + digits.len()..].chars().next();
                (!before.is_some_and(|c| c.is_ascii_digit())
                    && !after.is_some_and(|c| c.is_ascii_digit()))
                .then(|| {
                    (
                        format!("{}{ph}{}", &href[..at], &href[at + digits.len()..]),
                        ph,
                    )
                })
            })?;
    // Every other page-number link must fit the same pattern.
    let fits = found.iter().all(|(n, h)| {
        let v = if placeholder == "{i}" { n - 1 } else { *n };
        pattern.replace(placeholder, &v.to_string()) == *h
    });
    let max = found.iter().map(|(n, _)| *n).max()?;
    fits.then(|| {
        (
            pattern.clone(),
            format!(
                "from the page-number links (\"{k}\" is {href}), {placeholder} = {}",
                if placeholder == "{i}" {
                    "0-based page index"
                } else {
                    "1-based page number"
                }
            ),
            max,
        )
    })
}

/// The page's visible text (bounded), for "Page 1 of 3".
fn visible_text(doc: &Html) -> String {
    let t = dom::text(doc.root_element());
    t.chars().take(200_000).collect()
}

/// The next-page link and a selector naming it (first match in the page).
fn next_link<'a>(doc: &'a Html, page: &Url) -> Option<(ElementRef<'a>, Pick)> {
    let a = doc.select(&LINKS).take(MAX_ELEMENTS).find(|a| {
        let v = a.value();
        let href = v.attr("href").unwrap_or_default().trim();
        let Ok(target) = page.join(href) else {
            return false;
        };
        let text = dom::text(*a).to_lowercase();
        let named = v
            .attr("rel")
            .is_some_and(|r| r.split_whitespace().any(|t| t == "next"))
            || v.classes().any(|c| c == "next")
            || NEXT_TEXTS.contains(&text.as_str())
            || text.starts_with("next ")
            || text.starts_with("下一页")
            || v.attr("title")
                .is_some_and(|t| NEXT_TEXTS.contains(&t.trim().to_lowercase().as_str()));
        named
            && !href.is_empty()
            && !href.starts_with('#')
            && matches!(target.scheme(), "http" | "https")
            && same_site(&target, page)
            && target.as_str().trim_end_matches('/') != page.as_str().trim_end_matches('/')
    })?;
    let text = dom::text(a);
    let note = format!(
        "the \"{}\" link: {}",
        dom::short(&text, 20),
        a.value().attr("href").unwrap_or_default()
    );
    let mut forms = Vec::new();
    if a.value()
        .attr("rel")
        .is_some_and(|r| r.split_whitespace().any(|t| t == "next"))
    {
        forms.push("a[rel~=\"next\"]".to_owned());
    }
    for c in dom::classes(a) {
        forms.push(format!("a.{c}"));
    }
    if let Some(parent) = a.parent().and_then(ElementRef::wrap) {
        for f in dom::simple_forms(parent)
            .into_iter()
            .filter(|f| f.contains(['.', '#']))
        {
            for c in dom::classes(a) {
                forms.push(format!("{f} a.{c}"));
            }
            forms.push(format!("{f} > a"));
        }
    }
    if let Some(t) = a.value().attr("title") {
        forms.push(format!("a[title=\"{}\"]", t.trim().replace('"', "\\\"")));
    }
    let first_is_it = |css: &str| {
        dom::parse(css)
            .and_then(|sel| doc.select(&sel).next())
            .is_some_and(|e| e.id() == a.id())
    };
    if let Some(css) = forms.iter().find(|css| first_is_it(css)) {
        return Some((a, Pick::css(css, note)));
    }
    // A link known by its text only: `{ css, contains }`.
    let container = a
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take(3)
        .find_map(|anc| {
            dom::simple_forms(anc)
                .into_iter()
                .find(|f| f.contains(['.', '#']))
        })
        .unwrap_or_default();
    let css = if container.is_empty() {
        "a".to_owned()
    } else {
        format!("{container} a")
    };
    let mut pick = Pick::css(&css, note);
    pick.contains = Some(text);
    Some((a, pick))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pager(html: &str) -> Pager {
        let url = Url::parse("http://x.test/news/").expect("url");
        find(&Html::parse_document(html), html, &url)
    }

    #[test]
    fn a_next_link_with_a_class_and_a_printed_count() {
        let p = pager(
            r#"<div class="page">Page 1 of 2 <a class="next" href="index_1.html">Next</a></div>"#,
        );
        assert_eq!(p.next_page.map(|n| n.css), Some("a.next".to_owned()));
        assert_eq!(p.pages, 2);
    }

    #[test]
    fn a_trs_script_pager_gives_the_page_count() {
        let p = pager(r#"<script>createPageHTML(4, 0, "index", "html");</script>"#);
        assert!(p.next_page.is_none());
        assert_eq!(p.pages, 4);
        assert!(p.note.contains("TRS script pager of 4"), "{}", p.note);
        // The older template: the count in countPage, the links written by script.
        let p = pager(
            r#"<script>var countPage = 3//共多少页
document.write("<a href=\"index"+"_" + nextPage + "."+"html\">下一页</a>");</script>"#,
        );
        assert!(p.next_page.is_none());
        assert!(p.page_url.is_none());
        assert_eq!(p.pages, 3, "{}", p.note);
    }

    #[test]
    fn page_number_links_give_a_page_url_pattern() {
        let p = pager(
            r#"<div class="pages"><span>1</span> <a href="list_1.html">2</a> <a href="list_2.html">3</a></div>"#,
        );
        assert!(p.next_page.is_none());
        assert_eq!(p.page_url.map(|(u, _)| u), Some("list_{i}.html".to_owned()));
        assert_eq!(p.pages, 3);
        let p = pager(
            r#"<p><a href="?page=2">2</a> <a href="?page=3">3</a> <a href="?page=4">4</a></p>"#,
        );
        assert_eq!(p.page_url.map(|(u, _)| u), Some("?page={p}".to_owned()));
    }

    #[test]
    fn a_next_link_known_by_its_text_only() {
        let p = pager(
            r#"<div class="pages"><a href="index_1.html">2</a> <a href="index_1.html">下一页</a></div>"#,
        );
        let next = p.next_page.expect("next link");
        assert_eq!(next.css, "div.pages a");
        assert_eq!(next.contains.as_deref(), Some("下一页"));
    }
}
