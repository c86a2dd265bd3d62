//! Hanweb's script lists ("jpage"): many government portals built on Hanweb
//! send a list page whose entries are not in its HTML but in an XML
//! datastore inside `<script type="text/xml">`, one `<record>` per entry,
//! each holding the entry's HTML fragment (`<li><a href=…>…</a><span>…`) in
//! a CDATA section. The browser's script turns the records into the list;
//! an HTML parser sees only the script's text, so no selector matches an
//! entry.
//!
//! [`inline_records`] puts the records' fragments in the place of their
//! script before the page is parsed, as the browser shows them: inside the
//! element that held the script (`<div id="4521088">`), so a list selector
//! such as `div[id="4521088"] li` matches the entries, and `portalfeed
//! suggest` finds the list. The pages after the first come from a POST to
//! the portal's `dataproxy.jsp`, which is not followed: the feed reads the
//! records that the list page carries (the newest entries).
//!
//! Bounded: two linear regex scans, and the output is never longer than the
//! page.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// A script element and its text.
static SCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<script\b[^>]*>(.*?)</script\s*>").expect("constant regex") // ok: a constant pattern, covered by the tests
});

/// One record: its CDATA, or its text when it has none.
static RECORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<record\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record\s*>")
        .expect("constant regex") // ok: a constant pattern, covered by the tests
});

/// A page with its datastore records in place of their scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inlined {
    /// The page's HTML.
    pub html: String,
    /// How many records were put in place.
    pub records: usize,
}

/// `html` with each datastore script (a script whose text has a
/// `<recordset>`) replaced by its records' HTML fragments, one per line;
/// `None` when the page has no datastore with a record.
pub fn inline_records(html: &str) -> Option<Inlined> {
    if !has_recordset(html) {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    let mut records = 0;
    for script in SCRIPT.captures_iter(html) {
        let (Some(whole), Some(text)) = (script.get(0), script.get(1)) else {
            continue;
        };
        if !has_recordset(text.as_str()) {
            continue;
        }
        // A record without CDATA holds its fragment as XML text, escaped.
        let fragments: Vec<Cow<'_, str>> = RECORD
            .captures_iter(text.as_str())
            .filter_map(|r| match (r.get(1), r.get(2)) {
                (Some(cdata), _) => Some(Cow::Borrowed(cdata.as_str().trim())),
                (None, Some(escaped)) => Some(unescape_xml(escaped.as_str().trim())),
                (None, None) => None,
            })
            .filter(|f| !f.is_empty())
            .collect();
        if fragments.is_empty() {
            continue;
        }
        records += fragments.len();
        out.push_str(&html[last..whole.start()]);
        for f in fragments {
            out.push_str(&f);
            out.push('\n');
        }
        last = whole.end();
    }
    if records == 0 {
        return None;
    }
    out.push_str(&html[last..]);
    Some(Inlined { html: out, records })
}

/// Whether `text` has a `<recordset` tag (as Hanweb writes it, lower or
/// upper case): a plain substring search, so a page without one costs no
/// regex and no regex cache.
fn has_recordset(text: &str) -> bool {
    text.contains("<recordset") || text.contains("<RECORDSET")
}

/// XML's five predefined entities, `&amp;` last.
fn unescape_xml(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<div id="9"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href="/art/1.html">One</a><span>[2024-03-20]</span></li>
]]></record>
<RECORD><![CDATA[<li><a href="/art/2.html?a=1&amp;b=2">Two</a></li>]]></RECORD>
<record>&lt;li&gt;&lt;a href="/art/3.html?a=1&amp;amp;b=2"&gt;Three&lt;/a&gt;&lt;/li&gt;</record>
<record><![CDATA[   ]]></record>
</recordset></datastore></script><script>jpage();</script></div>"#;

    #[test]
    fn records_take_the_place_of_their_script() {
        let got = inline_records(PAGE).expect("a datastore");
        assert_eq!(got.records, 3);
        assert_eq!(
            got.html,
            "<div id=\"9\"><li><a href=\"/art/1.html\">One</a><span>[2024-03-20]</span></li>\n\
             <li><a href=\"/art/2.html?a=1&amp;b=2\">Two</a></li>\n\
             <li><a href=\"/art/3.html?a=1&amp;b=2\">Three</a></li>\n\
             <script>jpage();</script></div>"
        );
        let doc = scraper::Html::parse_document(&got.html);
        let li = scraper::Selector::parse(r#"div[id="9"] li"#).expect("selector");
        let links: Vec<_> = doc
            .select(&li)
            .filter_map(|li| li.select(&scraper::Selector::parse("a").expect("a")).next())
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(
            links,
            ["/art/1.html", "/art/2.html?a=1&b=2", "/art/3.html?a=1&b=2"]
        );
    }

    #[test]
    fn pages_without_a_datastore_are_left_alone() {
        assert_eq!(inline_records("<ul><li>a</li></ul>"), None);
        // A script that only mentions the word, and a datastore without records.
        assert_eq!(
            inline_records("<script>var s = '<recordset>';</script>"),
            None
        );
        assert_eq!(
            inline_records(
                "<p>&lt;recordset&gt;</p><script type=\"text/xml\"><recordset></recordset></script>"
            ),
            None
        );
    }

    #[test]
    fn every_datastore_of_the_page_is_inlined_and_the_rest_kept() {
        let page = format!("<h1>a</h1>{PAGE}<p>between</p>{PAGE}<p>end</p>");
        let got = inline_records(&page).expect("datastores");
        assert_eq!(got.records, 6);
        assert!(got.html.starts_with("<h1>a</h1><div id=\"9\"><li>"));
        assert!(got.html.contains("</div><p>between</p><div id=\"9\"><li>"));
        assert!(
            got.html
                .ends_with("<script>jpage();</script></div><p>end</p>")
        );
        assert!(got.html.len() <= page.len());
    }

    #[test]
    fn an_unclosed_script_or_record_is_not_read_past_the_page() {
        assert_eq!(
            inline_records("<script type=\"text/xml\"><recordset><record><![CDATA[<li>x"),
            None
        );
        let got = inline_records(
            "<script type=\"text/xml\"><recordset><record><![CDATA[<li>x</li>]]></record><record>open</recordset></script>",
        )
        .expect("one record");
        assert_eq!(got.records, 1);
    }
}
