//! The three renderers, checked through the independent `feed-rs` parser
//! (and serde_json, and string checks for what feed-rs does not expose).
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, FixedOffset, Utc};
use feed_rs::model::{Entry as ParsedEntry, Feed as ParsedFeed, Link as ParsedLink};
use portalfeed::model::{Entry, EntryId, sort_newest_first};
use portalfeed::render::{FeedMeta, Format, render};
use serde_json::Value;
use url::Url;

const E1: &str = "http://eng.hengyang.gov.cn/news/local/202405/t20240513_1.html";
const E2: &str = "http://eng.hengyang.gov.cn/news/local/202405/t20240512_2.html";
const E3: &str = "http://eng.hengyang.gov.cn/news/local/202405/t20240510_3.html";
const CONTENT1: &str = "<p>衡阳 正文 &amp; R&amp;D &lt;tag&gt; ]]> still inside</p>\
                        <img src=\"http://eng.hengyang.gov.cn/img/a.jpg\">";
const HOME: &str = "http://eng.hengyang.gov.cn/news/local/";
const SITE_AUTHOR: &str = "Hengyang Municipal People's Government";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test date").to_utc()
}

fn cst(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("test date")
}

fn meta() -> FeedMeta {
    FeedMeta {
        title: "衡阳市人民政府: Local".to_owned(),
        description: "Local news & notices".to_owned(),
        path: "hengyang/local".to_owned(),
        home_url: HOME.to_owned(),
        public_url: Url::parse("http://127.0.0.1:8080/").expect("test url"),
        language: Some("zh-cn".to_owned()),
        ttl_minutes: 15,
        author: SITE_AUTHOR.to_owned(),
        fallback_updated: utc("2024-01-01T00:00:00Z"),
    }
}

/// Three entries, deliberately out of order: `entries()` sorts them.
fn entries() -> Vec<Entry> {
    let mut v = vec![
        // Dated, summary only, no HTML.
        Entry {
            id: EntryId(E3.to_owned()),
            url: E3.to_owned(),
            title: "Just a summary".to_owned(),
            summary: Some("Summary without content".to_owned()),
            content_html: None,
            author: Some("Xinhua".to_owned()),
            published: Some(cst("2024-05-10T09:00:00+08:00")),
            first_seen: utc("2024-05-10T03:00:00Z"),
            updated: utc("2024-05-10T03:00:00Z"),
            categories: vec!["Local".to_owned()],
            image: None,
            position: 0,
        },
        // Dated +08:00, CJK, tricky HTML, updated after publication.
        Entry {
            id: EntryId(E1.to_owned()),
            url: E1.to_owned(),
            title: "衡阳召开新闻发布会 & <更多>".to_owned(),
            summary: Some("R&D 摘要 <b>不是标签</b>".to_owned()),
            content_html: Some(CONTENT1.to_owned()),
            author: Some("衡阳新闻网".to_owned()),
            published: Some(cst("2024-05-13T14:01:05+08:00")),
            first_seen: utc("2024-05-13T07:00:00Z"),
            updated: utc("2024-05-14T01:00:00Z"),
            categories: vec!["Local".to_owned(), "Hot News".to_owned()],
            image: Some("http://eng.hengyang.gov.cn/img/a.jpg".to_owned()),
            position: 0,
        },
        // Undated: relies on first_seen; no summary, no author.
        Entry {
            id: EntryId(E2.to_owned()),
            url: E2.to_owned(),
            title: "无日期的条目".to_owned(),
            summary: None,
            content_html: Some("<p>Only content</p>".to_owned()),
            author: None,
            published: None,
            first_seen: utc("2024-05-12T10:30:00Z"),
            updated: utc("2024-05-12T10:30:00Z"),
            categories: vec!["Local".to_owned()],
            image: None,
            position: 0,
        },
    ];
    sort_newest_first(&mut v);
    v
}

/// feed-rs without its HTML sanitizer, so content compares byte for byte.
fn parse(bytes: &[u8]) -> ParsedFeed {
    feed_rs::parser::Builder::new()
        .sanitize_content(false)
        .build()
        .parse(bytes)
        .unwrap_or_else(|e| panic!("feed-rs rejects the feed: {e}\n{}", text(bytes)))
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("feeds are UTF-8")
}

fn ids(feed: &ParsedFeed) -> Vec<&str> {
    feed.entries.iter().map(|e| e.id.as_str()).collect()
}

fn authors(entry: &ParsedEntry) -> Vec<&str> {
    entry.authors.iter().map(|p| p.name.as_str()).collect()
}

fn terms(entry: &ParsedEntry) -> Vec<&str> {
    entry.categories.iter().map(|c| c.term.as_str()).collect()
}

fn link_with_rel<'a>(links: &'a [ParsedLink], rel: &str) -> &'a ParsedLink {
    links
        .iter()
        .find(|l| l.rel.as_deref() == Some(rel))
        .unwrap_or_else(|| panic!("no link rel={rel} in {links:?}"))
}

fn content(entry: &ParsedEntry) -> Option<(&str, String)> {
    let c = entry.content.as_ref()?;
    Some((c.body.as_deref()?, c.content_type.to_string()))
}

#[test]
fn rss_round_trips_through_feed_rs() {
    let bytes = render(Format::Rss, &meta(), &entries());
    let xml = text(&bytes);
    let feed = parse(&bytes);

    assert_eq!(
        feed.title.as_ref().map(|t| t.content.as_str()),
        Some("衡阳市人民政府: Local")
    );
    assert_eq!(
        feed.description.as_ref().map(|t| t.content.as_str()),
        Some("Local news & notices")
    );
    assert_eq!(feed.language.as_deref(), Some("zh-cn"));
    assert_eq!(feed.ttl, Some(15));
    assert!(feed.links.iter().any(|l| l.href == HOME && l.rel.is_none()));
    let self_link = link_with_rel(&feed.links, "self");
    assert_eq!(
        self_link.href,
        "http://127.0.0.1:8080/feeds/hengyang/local.rss"
    );
    assert_eq!(self_link.media_type.as_deref(), Some("application/rss+xml"));
    let generator = feed.generator.as_ref().expect("generator");
    assert_eq!(
        generator.content,
        concat!("portalfeed ", env!("CARGO_PKG_VERSION"))
    );
    // lastBuildDate: the newest `updated` (E1 was updated after publication).
    assert_eq!(feed.updated, Some(utc("2024-05-14T01:00:00Z")));
    assert!(xml.contains("<lastBuildDate>Tue, 14 May 2024 01:00:00 +0000</lastBuildDate>"));
    // pubDate: the newest publication, in its own offset.
    assert_eq!(feed.published, Some(utc("2024-05-13T06:01:05Z")));
    assert!(xml.contains("<ttl>15</ttl>"));
    for ns in [
        r#"xmlns:atom="http://www.w3.org/2005/Atom""#,
        r#"xmlns:content="http://purl.org/rss/1.0/modules/content/""#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/""#,
    ] {
        assert!(xml.contains(ns), "missing {ns}");
    }

    // Newest first: E1 (13 May), E2 (first seen 12 May), E3 (10 May).
    assert_eq!(ids(&feed), [E1, E2, E3]);
    for id in [E1, E2, E3] {
        assert!(xml.contains(&format!(r#"<guid isPermaLink="true">{id}</guid>"#)));
    }
    let [e1, e2, e3] = &feed.entries[..] else {
        panic!("three items expected");
    };

    assert_eq!(
        e1.title.as_ref().map(|t| t.content.as_str()),
        Some("衡阳召开新闻发布会 & <更多>")
    );
    assert_eq!(e1.links[0].href, E1);
    assert_eq!(e1.published, Some(utc("2024-05-13T06:01:05Z")));
    assert!(xml.contains("<pubDate>Mon, 13 May 2024 14:01:05 +0800</pubDate>"));
    assert_eq!(authors(e1), ["衡阳新闻网"]);
    assert!(xml.contains("<dc:creator>衡阳新闻网</dc:creator>"));
    assert_eq!(content(e1), Some((CONTENT1, "text/html".to_owned())));
    // description is HTML: the plain-text summary comes back escaped once.
    let summary = e1.summary.as_ref().expect("summary");
    assert_eq!(summary.content, "R&amp;D 摘要 &lt;b&gt;不是标签&lt;/b&gt;");
    assert_eq!(terms(e1), ["Local", "Hot News"]);

    // The undated entry shows the time it was first seen.
    assert_eq!(e2.published, Some(utc("2024-05-12T10:30:00Z")));
    assert!(xml.contains("<pubDate>Sun, 12 May 2024 10:30:00 +0000</pubDate>"));
    assert!(e2.summary.is_none(), "no summary, no description");
    assert!(e2.authors.is_empty());
    assert_eq!(
        content(e2),
        Some(("<p>Only content</p>", "text/html".to_owned()))
    );

    assert_eq!(authors(e3), ["Xinhua"]);
    assert!(e3.content.is_none());
    assert_eq!(
        e3.summary.as_ref().map(|t| t.content.as_str()),
        Some("Summary without content")
    );
}

#[test]
fn atom_round_trips_through_feed_rs() {
    let meta = meta();
    let bytes = render(Format::Atom, &meta, &entries());
    let xml = text(&bytes);
    let feed = parse(&bytes);

    assert_eq!(feed.id, "urn:portalfeed:hengyang:local");
    assert_eq!(feed.id, meta.feed_id());
    assert_eq!(
        feed.title.as_ref().map(|t| t.content.as_str()),
        Some("衡阳市人民政府: Local")
    );
    assert_eq!(
        feed.description.as_ref().map(|t| t.content.as_str()),
        Some("Local news & notices")
    );
    assert_eq!(feed.updated, Some(utc("2024-05-14T01:00:00Z")));
    assert_eq!(
        feed.authors
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        [SITE_AUTHOR]
    );
    let self_link = link_with_rel(&feed.links, "self");
    assert_eq!(
        self_link.href,
        "http://127.0.0.1:8080/feeds/hengyang/local.atom"
    );
    assert_eq!(
        self_link.media_type.as_deref(),
        Some("application/atom+xml")
    );
    let alternate = link_with_rel(&feed.links, "alternate");
    assert_eq!(alternate.href, HOME);
    assert_eq!(alternate.media_type.as_deref(), Some("text/html"));
    let generator = feed.generator.as_ref().expect("generator");
    assert_eq!(generator.content, "portalfeed");
    assert_eq!(
        generator.version.as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );

    assert_eq!(ids(&feed), [E1, E2, E3]);
    let [e1, e2, e3] = &feed.entries[..] else {
        panic!("three entries expected");
    };

    assert_eq!(
        e1.title.as_ref().map(|t| t.content.as_str()),
        Some("衡阳召开新闻发布会 & <更多>")
    );
    assert_eq!(link_with_rel(&e1.links, "alternate").href, E1);
    assert_eq!(e1.published, Some(utc("2024-05-13T06:01:05Z")));
    assert!(xml.contains("<published>2024-05-13T14:01:05+08:00</published>"));
    // updated: the later of `updated` and the date, in the portal's offset.
    assert_eq!(e1.updated, Some(utc("2024-05-14T01:00:00Z")));
    assert!(xml.contains("<updated>2024-05-14T09:00:00+08:00</updated>"));
    assert_eq!(authors(e1), ["衡阳新闻网"]);
    assert_eq!(content(e1), Some((CONTENT1, "text/html".to_owned())));
    assert!(xml.contains(r#"<content type="html">"#));
    let summary = e1.summary.as_ref().expect("summary");
    assert_eq!(summary.content, "R&D 摘要 <b>不是标签</b>");
    assert_eq!(summary.content_type.to_string(), "text/plain");
    assert_eq!(terms(e1), ["Local", "Hot News"]);

    assert_eq!(e2.published, Some(utc("2024-05-12T10:30:00Z")));
    assert_eq!(e2.updated, Some(utc("2024-05-12T10:30:00Z")));
    assert!(e2.summary.is_none());
    // Atom requires an author: the feed's stands in.
    assert_eq!(authors(e2), [SITE_AUTHOR]);

    assert_eq!(authors(e3), ["Xinhua"]);
    assert!(e3.content.is_none());
    assert_eq!(e3.published, Some(utc("2024-05-10T01:00:00Z")));
}

#[test]
fn json_feed_round_trips_through_feed_rs() {
    let bytes = render(Format::Json, &meta(), &entries());
    let feed = parse(&bytes);

    assert_eq!(
        feed.title.as_ref().map(|t| t.content.as_str()),
        Some("衡阳市人民政府: Local")
    );
    let hrefs: Vec<&str> = feed.links.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(
        hrefs,
        [HOME, "http://127.0.0.1:8080/feeds/hengyang/local.json"]
    );
    assert_eq!(feed.language.as_deref(), Some("zh-cn"));
    assert_eq!(ids(&feed), [E1, E2, E3]);
    let [e1, e2, e3] = &feed.entries[..] else {
        panic!("three items expected");
    };

    assert_eq!(e1.links[0].href, E1);
    assert_eq!(e1.published, Some(utc("2024-05-13T06:01:05Z")));
    assert_eq!(e1.updated, Some(utc("2024-05-14T01:00:00Z")));
    assert_eq!(authors(e1), ["衡阳新闻网"]);
    assert_eq!(content(e1), Some((CONTENT1, "text/html".to_owned())));
    assert_eq!(
        e1.summary.as_ref().map(|t| t.content.as_str()),
        Some("R&D 摘要 <b>不是标签</b>")
    );
    assert_eq!(terms(e1), ["Local", "Hot News"]);

    assert_eq!(e2.published, Some(utc("2024-05-12T10:30:00Z")));
    assert!(e2.summary.is_none());
    // feed-rs lends the feed's authors to an item without its own.
    assert_eq!(authors(e2), [SITE_AUTHOR]);

    // No HTML: the summary is the text content.
    assert_eq!(
        content(e3),
        Some(("Summary without content", "text/plain".to_owned()))
    );
}

fn assert_no_nulls(value: &Value, path: &str) {
    match value {
        Value::Null => panic!("null at {path}"),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                assert_no_nulls(v, &format!("{path}[{i}]"));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                assert_no_nulls(v, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

#[test]
fn json_feed_fields_and_no_nulls() {
    let bytes = render(Format::Json, &meta(), &entries());
    let json: Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_no_nulls(&json, "$");
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["home_page_url"], HOME);
    assert_eq!(
        json["feed_url"],
        "http://127.0.0.1:8080/feeds/hengyang/local.json"
    );
    assert_eq!(json["description"], "Local news & notices");
    assert_eq!(json["authors"][0]["name"], SITE_AUTHOR);

    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    let e1 = &items[0];
    assert_eq!(e1["id"], E1);
    assert_eq!(e1["url"], E1);
    assert_eq!(e1["content_html"], CONTENT1);
    assert!(e1.get("content_text").is_none());
    assert_eq!(e1["image"], "http://eng.hengyang.gov.cn/img/a.jpg");
    assert_eq!(e1["date_published"], "2024-05-13T14:01:05+08:00");
    assert_eq!(e1["date_modified"], "2024-05-14T09:00:00+08:00");
    assert_eq!(e1["authors"], serde_json::json!([{ "name": "衡阳新闻网" }]));
    assert_eq!(e1["tags"], serde_json::json!(["Local", "Hot News"]));

    let e2 = &items[1];
    assert_eq!(e2["date_published"], "2024-05-12T10:30:00+00:00");
    for absent in ["summary", "image", "authors", "content_text"] {
        assert!(e2.get(absent).is_none(), "{absent} should be omitted");
    }

    let e3 = &items[2];
    assert!(e3.get("content_html").is_none());
    assert_eq!(e3["content_text"], "Summary without content");
    assert_eq!(e3["summary"], "Summary without content");
}

#[test]
fn json_item_without_content_or_summary_still_has_content() {
    let mut entry = entries().remove(1);
    entry.content_html = None;
    entry.summary = None;
    let bytes = render(Format::Json, &meta(), &[entry]);
    let json: Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(json["items"][0]["content_text"], "");
}

#[test]
fn same_input_gives_identical_bytes() {
    for format in Format::ALL {
        let first = render(format, &meta(), &entries());
        let second = render(format, &meta().clone(), &entries().clone());
        assert!(!first.is_empty());
        assert_eq!(first, second, "{format} render is not deterministic");
    }
}

#[test]
fn empty_feeds_are_valid_and_use_fallback_updated() {
    let meta = meta();
    for format in Format::ALL {
        let bytes = render(format, &meta, &[]);
        let feed = feed_rs::parser::parse(&bytes[..])
            .unwrap_or_else(|e| panic!("empty {format} feed rejected: {e}"));
        assert!(feed.entries.is_empty());
        assert_eq!(
            feed.title.as_ref().map(|t| t.content.as_str()),
            Some(meta.title.as_str())
        );
        match format {
            Format::Rss => {
                assert_eq!(feed.updated, Some(meta.fallback_updated));
                let xml = text(&bytes);
                assert!(
                    xml.contains("<lastBuildDate>Mon, 1 Jan 2024 00:00:00 +0000</lastBuildDate>")
                );
            }
            Format::Atom => {
                assert_eq!(feed.updated, Some(meta.fallback_updated));
                assert_eq!(feed.id, meta.feed_id());
            }
            Format::Json => {
                let json: Value = serde_json::from_slice(&bytes).expect("valid JSON");
                assert_eq!(json["items"], serde_json::json!([]));
                assert_no_nulls(&json, "$");
            }
        }
    }
}

#[test]
fn forbidden_control_characters_are_stripped() {
    let mut entry = entries().remove(0);
    entry.title = "Bad\u{0} title\u{1b}[31m red\u{b}".to_owned();
    entry.author = Some("衡阳\u{1}新闻网".to_owned());
    entry.content_html = Some("<p>a\u{0}b\u{fffe}c\td</p>".to_owned());
    entry.summary = Some("sum\u{1f}mary".to_owned());
    entry.categories = vec!["Lo\u{8}cal".to_owned()];
    let mut meta = meta();
    meta.title = "Feed\u{0} title".to_owned();

    for format in Format::ALL {
        let bytes = render(format, &meta, std::slice::from_ref(&entry));
        for bad in [
            "\u{0}", "\u{1b}", "\u{1}", "\u{b}", "\u{1f}", "\u{8}", "\u{fffe}",
        ] {
            assert!(!text(&bytes).contains(bad), "{format} kept {bad:?}");
        }
        let feed = parse(&bytes);
        assert_eq!(
            feed.title.as_ref().map(|t| t.content.as_str()),
            Some("Feed title")
        );
        let parsed = &feed.entries[0];
        assert_eq!(
            parsed.title.as_ref().map(|t| t.content.as_str()),
            Some("Bad title[31m red"),
            "{format}"
        );
        assert_eq!(authors(parsed), ["衡阳新闻网"], "{format}");
        assert_eq!(
            content(parsed).map(|c| c.0),
            Some("<p>abc\td</p>"),
            "{format}"
        );
        assert_eq!(terms(parsed), ["Local"], "{format}");
    }
}

#[test]
fn feed_ids_are_stable() {
    let a = meta();
    let mut b = meta();
    b.public_url = Url::parse("https://feeds.example.org/base/").expect("test url");
    b.title = "Another title".to_owned();
    assert_eq!(a.feed_id(), b.feed_id());
    assert_eq!(a.feed_id(), "urn:portalfeed:hengyang:local");

    let mut site = meta();
    site.path = "hengyang".to_owned();
    assert_eq!(site.feed_id(), "urn:portalfeed:hengyang");
    assert_ne!(site.feed_id(), a.feed_id());

    // And the rendered Atom id follows it, whatever the public URL.
    let atom_a = parse(&render(Format::Atom, &a, &entries()));
    let atom_b = parse(&render(Format::Atom, &b, &entries()));
    assert_eq!(atom_a.id, atom_b.id);
    assert_eq!(
        link_with_rel(&atom_b.links, "self").href,
        "https://feeds.example.org/base/feeds/hengyang/local.atom"
    );
}

#[test]
fn outputs_are_utf8_with_cjk_unescaped() {
    for format in Format::ALL {
        let bytes = render(format, &meta(), &entries());
        assert!(text(&bytes).contains("衡阳新闻网"), "{format}");
    }
    let rss = render(Format::Rss, &meta(), &entries());
    assert!(text(&rss).starts_with(r#"<?xml version="1.0" encoding="utf-8"?>"#));
}
