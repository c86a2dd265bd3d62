//! Unit tests of the extractors on hand-built specs.

// A failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use regex::Regex;

use super::*;

fn css(s: &str) -> FieldSelector {
    FieldSelector::css(s).unwrap()
}

fn with_attr(s: &str, attr: &str) -> FieldSelector {
    FieldSelector {
        attr: Some(attr.to_owned()),
        ..css(s)
    }
}

fn with_regex(s: &str, re: &str) -> FieldSelector {
    FieldSelector {
        regex: Some(Regex::new(re).unwrap()),
        ..css(s)
    }
}

fn list(item: &str) -> ListSpec {
    ListSpec {
        item: CssSelector::parse(item).unwrap(),
        link: css("a"),
        title: css("a"),
        date: Some(css("span")),
        summary: Some(css("p")),
        author: None,
        category: None,
    }
}

fn article() -> ArticleSpec {
    ArticleSpec {
        title: Some(css("h1")),
        content: Some(css(".TRS_Editor")),
        date: Some(css(".info")),
        author: Some(with_regex(".info", r"From:\s*([^|]+)")),
        remove: vec![
            CssSelector::parse("script").unwrap(),
            CssSelector::parse(".share").unwrap(),
        ],
    }
}

const LIST: &str = r#"<!DOCTYPE html><html><head><base href=" http://example.org/news/ "></head><body>
<ul class="list">
  <li><a href="./201905/t20190513_1.html">Bridge
      opens   &amp; traffic flows</a> <span>2019-05-13</span><p>The new <b>bridge</b> opened.</p></li>
  <li class="top"><a href="../201905/t20190512_2.html" title="Market">Farmers' market</a></li>
  <li><span>2019-05-10</span></li>
</ul>
<a class="next" href=" index_1.html ">Next</a>
</body></html>"#;

#[test]
fn list_items_take_text_href_and_fold_whitespace() {
    let page = list_page(LIST, &list("ul.list > li"), Some(&css("a.next")));
    assert_eq!(page.items.len(), 3);
    assert_eq!(
        page.items[0],
        RawItem {
            title: Some("Bridge opens & traffic flows".to_owned()),
            link: Some("./201905/t20190513_1.html".to_owned()),
            date: Some("2019-05-13".to_owned()),
            summary: Some("The new bridge opened.".to_owned()),
            ..RawItem::default()
        }
    );
    assert_eq!(page.next_page.as_deref(), Some("index_1.html"));
    assert_eq!(page.base_href.as_deref(), Some("http://example.org/news/"));
}

#[test]
fn missing_fields_are_none() {
    let page = list_page(LIST, &list("ul.list > li"), None);
    assert_eq!(page.items[1].date, None);
    assert_eq!(page.items[1].summary, None);
    assert_eq!(
        page.items[2],
        RawItem {
            date: Some("2019-05-10".to_owned()),
            ..RawItem::default()
        }
    );
    assert_eq!(page.next_page, None);
}

#[test]
fn attr_overrides_text_and_href() {
    let mut spec = list("li.top");
    spec.title = with_attr("a", "title");
    spec.link = with_attr("a", "data-missing");
    let page = list_page(LIST, &spec, None);
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].title.as_deref(), Some("Market"));
    assert_eq!(page.items[0].link, None);
}

#[test]
fn regex_keeps_first_group_or_whole_match() {
    let mut spec = list("ul.list > li");
    spec.date = Some(with_regex("span", r"\d{4}-(\d{2})"));
    spec.title = with_regex("a", r"\b[a-z]+");
    spec.summary = Some(with_regex("p", r"^(nothing)"));
    let page = list_page(LIST, &spec, None);
    assert_eq!(page.items[0].date.as_deref(), Some("05"));
    assert_eq!(page.items[0].title.as_deref(), Some("opens"));
    assert_eq!(page.items[0].summary, None);
}

#[test]
fn regex_group_that_did_not_take_part_is_none() {
    let mut spec = list("ul.list > li");
    spec.title = with_regex("a", r"Bridge|(never)");
    let page = list_page(LIST, &spec, None);
    assert_eq!(page.items[0].title, None);
}

#[test]
fn scope_names_the_item_itself() {
    let mut spec = list("ul.list > li");
    spec.title = with_attr(":scope", "class");
    spec.link = css(":scope > a");
    spec.date = Some(css("li"));
    let page = list_page(LIST, &spec, None);
    assert_eq!(page.items[1].title.as_deref(), Some("top"));
    assert_eq!(
        page.items[1].link.as_deref(),
        Some("../201905/t20190512_2.html")
    );
    // A plain selector never matches the item itself.
    assert_eq!(page.items[1].date, None);
}

#[test]
fn selector_forms_descendant_child_attribute_and_pseudo() {
    let html = r#"<div id="x"><ul><li><a href="/a">A</a></li><li><a class="hot" href="/b">B</a></li>
        <li><a href="/c" data-k="v">C</a></li></ul></div>"#;
    for (sel, want) in [
        ("#x a", "/a"),
        ("ul > li > a.hot", "/b"),
        ("a[data-k=v]", "/c"),
        ("li:nth-child(2) a", "/b"),
        ("li:last-child a, li:first-child a", "/a"),
    ] {
        let spec = ListSpec {
            item: CssSelector::parse("#x").unwrap(),
            link: css(sel),
            title: css(sel),
            date: None,
            summary: None,
            author: None,
            category: None,
        };
        let page = list_page(html, &spec, None);
        assert_eq!(page.items[0].link.as_deref(), Some(want), "{sel}");
    }
}

#[test]
fn img_defaults_to_src() {
    let html = r#"<ul><li><img src="/p.jpg" alt="x"><a href="/a">A</a></li></ul>"#;
    let mut spec = list("li");
    spec.summary = Some(css("img"));
    spec.link = css("img");
    let page = list_page(html, &spec, None);
    assert_eq!(page.items[0].summary.as_deref(), Some("/p.jpg"));
    // A link defaults to href, which an img lacks.
    assert_eq!(page.items[0].link, None);
}

#[test]
fn empty_values_are_none() {
    let html = r#"<ul><li><a href="  ">   </a><span> </span></li></ul>"#;
    let page = list_page(html, &list("li"), None);
    assert_eq!(page.items, vec![RawItem::default()]);
}

#[test]
fn empty_page_gives_nothing() {
    assert_eq!(
        list_page("", &list("li"), Some(&css("a.next"))),
        ListPage::default()
    );
    assert_eq!(article_page("", &article()), RawArticle::default());
}

const ARTICLE: &str = r#"<html><head><title>t</title><script>var a = 1;</script></head><body>
<h1>River <em>clean-up</em> draws 500 volunteers</h1>
<div class="info">From:衡阳新闻网 | Date Add in:2019-05-13 14:01:05 [A  A]</div>
<div class="TRS_Editor"><p>First &amp; <a href="../x.html">second</a>.</p><script>alert(1)</script>
<div class="share"><a href="javascript:share()">Share</a></div><p><img src="./p.jpg"></p></div>
<div class="share">footer share</div>
</body></html>"#;

#[test]
fn article_fields_and_remove() {
    let raw = article_page(ARTICLE, &article());
    assert_eq!(
        raw.title.as_deref(),
        Some("River clean-up draws 500 volunteers")
    );
    assert_eq!(
        raw.date.as_deref(),
        Some("From:衡阳新闻网 | Date Add in:2019-05-13 14:01:05 [A A]")
    );
    assert_eq!(raw.author.as_deref(), Some("衡阳新闻网"));
    let content = raw.content_html.unwrap();
    assert_eq!(
        content,
        "<p>First &amp; <a href=\"../x.html\">second</a>.</p>\n<p><img src=\"./p.jpg\"></p>"
    );
    assert_eq!(raw.base_href, None);
}

#[test]
fn remove_only_touches_matches() {
    let mut spec = article();
    spec.remove.clear();
    let raw = article_page(ARTICLE, &spec);
    let content = raw.content_html.unwrap();
    assert!(content.contains("<script>alert(1)</script>"), "{content}");
    assert!(content.contains("class=\"share\""), "{content}");
}

#[test]
fn removed_content_is_none_and_missing_fields_are_none() {
    let mut spec = article();
    spec.remove.push(CssSelector::parse(".TRS_Editor").unwrap());
    spec.title = Some(css("h2"));
    spec.author = Some(with_regex(".info", "Author: (.+)"));
    let raw = article_page(ARTICLE, &spec);
    assert_eq!(raw.content_html, None);
    assert_eq!(raw.title, None);
    assert_eq!(raw.author, None);
    assert!(raw.date.is_some());
}

#[test]
fn content_with_regex_and_attr() {
    let mut spec = article();
    spec.content = Some(with_regex(".TRS_Editor", r"(?s)^(.*?)<p><img"));
    let raw = article_page(ARTICLE, &spec);
    assert_eq!(
        raw.content_html.as_deref(),
        Some("<p>First &amp; <a href=\"../x.html\">second</a>.</p>")
    );
    spec.content = Some(with_attr("div.info", "class"));
    assert_eq!(
        article_page(ARTICLE, &spec).content_html.as_deref(),
        Some("info")
    );
}

#[test]
fn nested_markup_text_skips_scripts() {
    let html = r#"<h1> A <span>nested <b>bold</b></span><script>x()</script><style>p{}</style> title </h1>
        <base href="/root/">"#;
    let raw = article_page(
        html,
        &ArticleSpec {
            remove: vec![],
            ..article()
        },
    );
    assert_eq!(raw.title.as_deref(), Some("A nested bold title"));
    assert_eq!(raw.base_href.as_deref(), Some("/root/"));
}

#[test]
fn selecting_a_script_keeps_its_text() {
    let html = "<div><script>var x = 1;</script></div>";
    let spec = ArticleSpec {
        title: Some(css("script")),
        remove: vec![],
        ..article()
    };
    assert_eq!(
        article_page(html, &spec).title.as_deref(),
        Some("var x = 1;")
    );
}

#[test]
fn broken_html_does_not_panic() {
    let broken = [
        "<ul class=list><li><a href=/a>A<li><a href=/b>B <span>2019-05-13",
        "<html><body><div class=TRS_Editor><p>open <b>bold <i>italic",
        "</li></ul><<<>>><a href=\"x",
        "<h1>\u{0}\u{feff}</h1><div class='info'>From:</div>",
        "<table><li><a href='/t'>in table</a></li><script>",
    ];
    for html in broken {
        let page = list_page(html, &list("li"), Some(&css("a.next")));
        let _ = serde_json::to_string(&page).unwrap();
        let raw = article_page(html, &article());
        let _ = serde_json::to_string(&raw).unwrap();
    }
    let page = list_page(broken[0], &list("ul.list > li"), None);
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].title.as_deref(), Some("B 2019-05-13"));
    assert_eq!(page.items[1].date.as_deref(), Some("2019-05-13"));
    let raw = article_page(broken[1], &article());
    assert_eq!(
        raw.content_html.as_deref(),
        Some("<p>open <b>bold <i>italic</i></b></p>")
    );
}

#[test]
fn removed_subtree_is_gone_for_every_field() {
    let html = r#"<div class="wrap"><h1>Old title</h1><base href="/gone/">
        <div class="info">From:gone</div></div>
        <div class="TRS_Editor"><div class="share"><p class="inner">x</p></div><p>kept</p></div>
        <h1>Real title</h1>"#;
    let mut spec = article();
    spec.remove.push(CssSelector::parse(".wrap").unwrap());
    let raw = article_page(html, &spec);
    assert_eq!(raw.title.as_deref(), Some("Real title"));
    assert_eq!(raw.author, None);
    assert_eq!(raw.date, None);
    assert_eq!(raw.base_href, None);
    assert_eq!(raw.content_html.as_deref(), Some("<p>kept</p>"));
    spec.title = Some(css("p.inner"));
    assert_eq!(article_page(html, &spec).title, None);
}

#[test]
fn first_match_is_in_document_order() {
    // The parser moves the table's stray <a> before the table (foster
    // parenting), so it comes first in the document though created later.
    let html = r#"<table><tr><td><a class="x" href="/in-cell">cell</a></td></tr><a class="x" href="/fostered">f</a></table>"#;
    let page = list_page(html, &list("body"), Some(&css("a.x")));
    assert_eq!(page.next_page.as_deref(), Some("/fostered"));
}
