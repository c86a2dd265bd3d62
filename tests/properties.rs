//! Properties over generated inputs (proptest, a few dozen cases each so
//! the suite stays fast; the fuzz targets in `fuzz/` go much further):
//! canonicalization and sanitizing are idempotent, rendered feeds keep
//! every id, title and date through an independent parser, and the date
//! finder never panics and never puts a year-less date in the future.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use portalfeed::model::{Entry, EntryId, sort_newest_first};
use portalfeed::normalize::{canonical_url, parse_date, sanitize_html};
use portalfeed::parse::datastore::inline_records;
use portalfeed::render::{FeedMeta, Format, render};
use proptest::prelude::*;
use url::Url;

fn base() -> Url {
    Url::parse("http://portal.test/news/local/index.html").unwrap()
}

/// Links as portals write them: relative or absolute, odd paths, tracking
/// parameters, fragments, entities left over, spaces, non-ASCII.
fn href() -> impl Strategy<Value = String> {
    let segment = prop::sample::select(vec![
        "a",
        "..",
        ".",
        "t20190513_100123.html",
        "衡阳",
        "a%20b",
        "A B",
        "index.html",
        "",
        "%2e%2e",
        "x;y",
        "~u",
    ]);
    let param = prop::sample::select(vec![
        "utm_source=x",
        "id=5",
        "spm=a.b",
        "page=2",
        "from=timeline",
        "a=1&b=2",
        "q=%E8%A1%A1",
        "fbclid=z",
        "",
    ]);
    let prefix = prop::sample::select(vec![
        "",
        "/",
        "//portal.test/",
        "http://portal.test/",
        "HTTP://Portal.Test:80/",
        "https://other.test/",
        "./",
        "../",
    ]);
    (
        prefix,
        prop::collection::vec(segment, 0..5),
        prop::collection::vec(param, 0..3),
        prop::option::of("[a-z#]{0,4}"),
    )
        .prop_map(|(prefix, segs, params, frag)| {
            let mut s = format!("{prefix}{}", segs.join("/"));
            let params: Vec<&str> = params.into_iter().filter(|p| !p.is_empty()).collect();
            if !params.is_empty() {
                s.push('?');
                s.push_str(&params.join("&"));
            }
            if let Some(f) = frag {
                s.push('#');
                s.push_str(&f);
            }
            s
        })
}

/// HTML fragments as article bodies have them, hostile parts included.
fn html() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<p>",
        "</p>",
        "text",
        "衡阳 ",
        "&amp;",
        "&lt;b&gt;",
        "<b>",
        "</b>",
        "<div class=x>",
        "</div>",
        "<a href=\"/a.html\">",
        "<a href=\"javascript:alert(1)\">",
        "</a>",
        "<img src=\"i.png\" onerror=\"x()\">",
        "<img data-src=\"/lazy.jpg\" src=\"data:,\">",
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        "<table><tr><td>",
        "</td></tr></table>",
        "<ul><li>",
        "<li>",
        "</ul>",
        "<br>",
        "<!-- c -->",
        "<span style=\"color:red\">",
        "</span>",
        "]]>",
        "<iframe src=x>",
        "<svg><script>1</script></svg>",
        "<form><input></form>",
        "\u{0}",
        "<p onclick=\"x\">",
        "<h1>",
        "</h1>",
        "<blockquote>",
        "<pre> a  b </pre>",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// A title as normalization leaves it: printable text, single spaces.
/// Pages built of the pieces of a Hanweb datastore, in any order.
fn datastore_page() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<script type=\"text/xml\">",
        "<script>",
        "</script>",
        "<datastore>",
        "<recordset>",
        "</recordset>",
        "<RECORDSET>",
        "<record>",
        "<record id=\"1\">",
        "</record>",
        "<![CDATA[",
        "]]>",
        "<li><a href=\"/a.html\">A</a></li>",
        "&lt;li&gt;",
        "&amp;",
        "x",
        " ",
        "\n",
        "<",
    ]);
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

fn title() -> impl Strategy<Value = String> {
    prop::collection::vec("[^\\p{C}\\s]{1,8}", 1..6).prop_map(|words| words.join(" "))
}

fn meta() -> FeedMeta {
    FeedMeta {
        title: "Portal: Local".to_owned(),
        description: "Local news".to_owned(),
        path: "portal/local".to_owned(),
        home_url: "http://portal.test/news/local/".to_owned(),
        public_url: Url::parse("http://127.0.0.1:8080/").unwrap(),
        language: Some("en".to_owned()),
        ttl_minutes: 15,
        author: "Portal".to_owned(),
        fallback_updated: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn canonicalization_is_idempotent(href in href()) {
        if let Some(once) = canonical_url(&base(), &href) {
            let twice = canonical_url(&base(), once.as_str());
            prop_assert_eq!(twice.as_ref(), Some(&once), "{} -> {}", href, once);
            // Against another base too: an absolute canonical URL stands alone.
            let other = Url::parse("https://elsewhere.test/x/").unwrap();
            let elsewhere = canonical_url(&other, once.as_str());
            prop_assert_eq!(elsewhere.as_ref(), Some(&once));
        }
    }

    #[test]
    fn datastore_records_are_inlined_within_the_page(page in datastore_page()) {
        if let Some(d) = inline_records(&page) {
            prop_assert!(d.records > 0);
            prop_assert!(d.html.len() <= page.len(), "{} -> {}", page, d.html);
            // Each record's fragment is on the page, so the page had a record.
            prop_assert!(page.to_ascii_lowercase().contains("<record"), "{}", page);
        }
    }

    #[test]
    fn sanitizing_is_idempotent(html in html()) {
        let once = sanitize_html(&html, &base());
        let twice = sanitize_html(&once, &base());
        prop_assert_eq!(&twice, &once, "input: {}", html);
        prop_assert!(!once.contains("<script"), "{}", once);
        prop_assert!(!once.contains("javascript:"), "{}", once);
        prop_assert!(!once.contains("onerror"), "{}", once);
    }

    #[test]
    fn rendered_feeds_keep_every_id_title_and_date(
        items in prop::collection::vec((title(), 0i64..2_000_000_000, -11i32..=12), 1..12)
    ) {
        let mut entries: Vec<Entry> = items
            .iter()
            .enumerate()
            .map(|(i, (title, secs, hours))| {
                let offset = FixedOffset::east_opt(hours * 3600).unwrap();
                let published = offset.timestamp_opt(*secs, 0).unwrap();
                let url = format!("http://portal.test/news/{i}.html");
                Entry {
                    id: EntryId(url.clone()),
                    url,
                    title: title.clone(),
                    summary: Some(format!("{title} summary")),
                    content_html: Some(format!("<p>{i}</p>")),
                    author: None,
                    published: Some(published),
                    first_seen: published.to_utc(),
                    updated: published.to_utc(),
                    categories: vec!["Local".to_owned()],
                    image: None,
                    position: u32::try_from(i).unwrap_or(0),
                }
            })
            .collect();
        sort_newest_first(&mut entries);
        for format in Format::ALL {
            let bytes = render(format, &meta(), &entries);
            let feed = feed_rs::parser::parse(&bytes[..]);
            prop_assert!(feed.is_ok(), "{:?}: {:?}", format, feed.err());
            let feed = feed.unwrap();
            prop_assert_eq!(feed.entries.len(), entries.len());
            for (want, got) in entries.iter().zip(&feed.entries) {
                prop_assert_eq!(&got.id, want.id.as_str(), "{:?}", format);
                let got_title = got.title.as_ref().map(|t| t.content.clone());
                prop_assert_eq!(got_title.as_deref(), Some(want.title.as_str()), "{:?}", format);
                let got_date = got.published.or(got.updated).map(|d| d.timestamp());
                prop_assert_eq!(got_date, want.published.map(|d| d.timestamp()), "{:?}", format);
            }
        }
    }

    #[test]
    fn the_date_finder_never_panics(text in "\\PC{0,60}", secs in 946_684_800i64..4_102_444_800) {
        let now = DateTime::from_timestamp(secs, 0).unwrap();
        let _ = parse_date(&text, chrono_tz::Asia::Shanghai, &[], now);
        let _ = parse_date(&text, chrono_tz::UTC, &["%Y-%m-%d %H:%M".to_owned()], now);
    }

    #[test]
    fn a_date_without_a_year_is_never_in_the_future(
        month in 1u32..=12,
        day in 1u32..=31,
        time in prop::option::of((0u32..24, 0u32..60)),
        form in 0usize..4,
        around in prop::sample::select(vec!["", "发布时间：", "Updated ", "[", "("]),
        secs in 946_684_800i64..4_102_444_800,
        zone in prop::sample::select(vec![
            chrono_tz::Asia::Shanghai, chrono_tz::UTC, chrono_tz::Pacific::Kiritimati,
            chrono_tz::Pacific::Pago_Pago, chrono_tz::America::New_York,
        ]),
    ) {
        let now = DateTime::from_timestamp(secs, 0).unwrap();
        let date = match form {
            0 => format!("{month:02}-{day:02}"),
            1 => format!("{month}月{day}日"),
            2 => format!("{month:02}/{day:02}"),
            _ => format!("{month:02}.{day:02}"),
        };
        let text = match time {
            Some((h, m)) => format!("{around}{date} {h:02}:{m:02}"),
            None => format!("{around}{date}"),
        };
        if let Some(found) = parse_date(&text, zone, &[], now) {
            prop_assert!(
                found.to_utc() <= now + Duration::days(1),
                "{} at {} gave {}", text, now, found
            );
        }
    }
}
