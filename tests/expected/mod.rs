//! What the fixture portal (`fixtures/portal/`) publishes, written down by
//! hand from its HTML files, and the checks every rendered feed of it must
//! pass. Shared by `tests/pipeline.rs` (the library) and `tests/cli.rs` (the
//! binary): a regression in any step of the pipeline fails both.
#![allow(dead_code)]

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use feed_rs::model::{Entry as ParsedEntry, Feed as ParsedFeed};
use portalfeed::render::Format;
use regex::Regex;
use scraper::{ElementRef, Html, Selector};

/// One article page of the fixture portal, as its HTML says.
#[derive(Debug)]
pub struct Article {
    /// Canonical path: what every list link to it resolves to, without the
    /// tracking parameters and fragments some of them carry.
    pub path: &'static str,
    /// The article's own full heading, entities decoded once.
    pub title: &'static str,
    /// The date on the article page in RFC 3339, in the portal's zone
    /// (Asia/Shanghai, +08:00); `None`: no date anywhere.
    pub date: Option<&'static str>,
    /// The source after "From:" (or "来源：").
    pub author: &'static str,
    /// Path of the one image in the body.
    pub image: &'static str,
    /// Path of the one link in the body (the "Related:" link).
    pub related: &'static str,
    /// How the body's first paragraph starts.
    pub first: &'static str,
    /// The body's last paragraph, whole (the text after the share block).
    pub last: &'static str,
    /// More text the body must hold, entities decoded.
    pub also: &'static [&'static str],
}

const LOCAL: &str = "/shishixinwen/hotnews/bendixinwen3";
const DOMESTIC: &str = "/shishixinwen/hotnews/guoneixinwen3";
const INTERNATIONALE: &str = "/shishixinwen/hotnews/guojixinwen3";

pub const BRIDGE: Article = Article {
    path: "/shishixinwen/hotnews/bendixinwen3/201905/t20190513_100123.html",
    title: "Xiangjiang River Bridge Opens to Traffic Ahead of Schedule",
    date: Some("2019-05-13T14:01:05+08:00"),
    author: "衡阳新闻网",
    image: "/shishixinwen/hotnews/bendixinwen3/201905/W020190513382915642178.jpg",
    related: "/shishixinwen/hotnews/bendixinwen3/201905/t20190508_100112.html",
    first: "At 10 a.m. on May 12, the new Xiangjiang River Bridge linking Zhuhui District",
    last: "Translated by Liu Fang",
    also: &[
        "the bridge “makes the river feel smaller”.",
        "the riverside ramps will open to cars on May 20, once",
    ],
};
pub const FARMERS: Article = Article {
    path: "/shishixinwen/hotnews/bendixinwen3/201905/t20190510_100118.html",
    title: "Farmers' Market Returns to Yanfeng Square Every Saturday",
    date: Some("2019-05-10T09:12:40+08:00"),
    author: "衡阳市电子政务办",
    image: "/shishixinwen/hotnews/bendixinwen3/201905/W020190510291034567890.jpg",
    related: "/shishixinwen/hotnews/bendixinwen3/201905/t20190513_100123.html",
    first: "The Saturday farmers' market in Yanfeng Square reopened on May 4",
    last: "Translated by Chen Jing",
    also: &[],
};
pub const CLEANUP: Article = Article {
    path: "/shishixinwen/hotnews/bendixinwen3/201905/t20190508_100112.html",
    title: "City Launches Xiangjiang River Clean-up Campaign with 2,000 Volunteers",
    date: Some("2019-05-08T16:45:00+08:00"),
    author: "www.e0734.com",
    image: "/shishixinwen/hotnews/bendixinwen3/201905/W020190508455120938476.jpg",
    related: "/shishixinwen/hotnews/bendixinwen3/201905/t20190513_100123.html",
    first: "More than 2,000 volunteers, including students, retired workers",
    last: "Translated by Zhou Yi",
    also: &[],
};
/// The list cuts its title: "…to Serve Resident...".
pub const HEALTH: Article = Article {
    path: "/shishixinwen/hotnews/bendixinwen3/201905/t20190506_100105.html",
    title: "Hengyang Opens 12 New Community Health Stations to Serve Residents of Old Town Districts",
    date: Some("2019-05-06T11:30:22+08:00"),
    author: "衡阳党政门户网",
    image: "/shishixinwen/hotnews/bendixinwen3/201905/W020190506573829104652.jpg",
    related: "/shishixinwen/hotnews/bendixinwen3/201905/t20190510_100118.html",
    first: "Twelve community health stations opened in Shigu, Yanfeng and Zhuhui",
    last: "Related: Farmers' market returns",
    also: &[],
};
/// Entities in the list, the heading and the body.
pub const BUS: Article = Article {
    path: "/shishixinwen/hotnews/bendixinwen3/201905/t20190503_100099.html",
    title: "Bus Routes 1 & 16 Get \"Smart Stop\" Displays",
    date: Some("2019-05-03T08:05:17+08:00"),
    author: "衡阳新闻网",
    image: "/shishixinwen/hotnews/bendixinwen3/201905/W020190503118273645509.jpg",
    related: "/shishixinwen/hotnews/bendixinwen3/201905/t20190510_100118.html",
    first: "Passengers on routes 1 and 16 can now see when the next bus will arrive",
    last: "Translated by Peng Li",
    also: &[
        "fitted with solar-powered \"smart stop\" displays.",
        "starting with those that serve hospitals & schools.",
    ],
};
pub const RESURFACING: Article = Article {
    path: "/shishixinwen/hotnews/bendixinwen3/201904/t20190429_100087.html",
    title: "Nanyue Road Resurfacing to Finish Before May Day Holiday",
    date: Some("2019-04-29T17:20:03+08:00"),
    author: "衡阳市电子政务办",
    image: "/shishixinwen/hotnews/bendixinwen3/201904/W020190429640192837465.jpg",
    related: "/shishixinwen/hotnews/bendixinwen3/201905/t20190503_100099.html",
    first: "Resurfacing of the 3.6-kilometre section of Nanyue Road",
    last: "Translated by Chen Jing",
    also: &[],
};
/// No date on the list, none on the article: on the section's first
/// scrape it takes the date of the entry above it on the page
/// ([`RESURFACING`]) and comes right after it.
pub const CAMPHOR: Article = Article {
    path: "/shishixinwen/hotnews/bendixinwen3/201904/t20190425_100080.html",
    title: "Volunteers Plant 3,000 Camphor Trees Along Zhengxiang Greenway",
    date: Some("2019-04-29T17:20:03+08:00"),
    author: "衡阳市电子政务办",
    image: "/shishixinwen/hotnews/bendixinwen3/201904/W020190425019283746551.jpg",
    related: "/shishixinwen/hotnews/bendixinwen3/201905/t20190508_100112.html",
    first: "Families, schoolchildren and members of the city's cycling clubs",
    last: "Translated by Zhou Yi",
    also: &[],
};
pub const RAIL: Article = Article {
    path: "/shishixinwen/hotnews/guoneixinwen3/201905/t20190512_100121.html",
    title: "Hunan Expands High-speed Rail Links to Western Counties",
    date: Some("2019-05-12T10:48:31+08:00"),
    author: "www.e0734.com",
    image: "/shishixinwen/hotnews/guoneixinwen3/201905/W020190512837465019283.jpg",
    related: "/shishixinwen/hotnews/guoneixinwen3/201905/t20190509_100115.html",
    first: "Hunan Province will open three new high-speed rail lines",
    last: "Translated by Peng Li",
    also: &[],
};
pub const VENDORS: Article = Article {
    path: "/shishixinwen/hotnews/guoneixinwen3/201905/t20190509_100115.html",
    title: "National Food Safety Standards Updated for Street Vendors",
    date: Some("2019-05-09T15:02:44+08:00"),
    author: "衡阳党政门户网",
    image: "/shishixinwen/hotnews/guoneixinwen3/201905/W020190509564738291054.jpg",
    related: "/tebielanmu/spaqxcz/201905/t20190514_100125.html",
    first: "Updated national rules for small food workshops and street vendors",
    last: "Translated by Liu Fang",
    also: &[],
};
pub const HAMBURG: Article = Article {
    path: "/shishixinwen/hotnews/guojixinwen3/201905/t20190511_100120.html",
    title: "Hengyang Trade Delegation Signs Agreements at Hamburg Fair",
    date: Some("2019-05-11T19:26:08+08:00"),
    author: "衡阳新闻网",
    image: "/shishixinwen/hotnews/guojixinwen3/201905/W020190511203948576612.jpg",
    related: "/shishixinwen/hotnews/guojixinwen3/201905/t20190507_100110.html",
    first: "A delegation of 15 Hengyang companies signed export agreements",
    last: "Translated by Zhou Yi",
    also: &[],
};
pub const STUDENTS: Article = Article {
    path: "/shishixinwen/hotnews/guojixinwen3/201905/t20190507_100110.html",
    title: "Students from Six Countries Join Summer Exchange at Hengyang Normal University",
    date: Some("2019-05-07T12:14:55+08:00"),
    author: "衡阳市电子政务办",
    image: "/shishixinwen/hotnews/guojixinwen3/201905/W020190507748392016455.jpg",
    related: "/shishixinwen/hotnews/guojixinwen3/201905/t20190511_100120.html",
    first: "Forty-two students from Russia, Thailand, Kenya, Brazil",
    last: "Related: Trade delegation in Hamburg",
    also: &[],
};
pub const RANKING: Article = Article {
    path: "/tebielanmu/TopNews/201905/t20190511_100119.html",
    title: "Hengyang Ranks Among Top Ten Cities for Business Environment in Hunan",
    date: Some("2019-05-11T09:40:12+08:00"),
    author: "衡阳党政门户网",
    image: "/tebielanmu/TopNews/201905/W020190511667382910043.jpg",
    related: "/tebielanmu/TopNews/201905/t20190509_100114.html",
    first: "Hengyang was ranked seventh among Hunan's cities",
    last: "Translated by Liu Fang",
    also: &[],
};
pub const FESTIVAL: Article = Article {
    path: "/tebielanmu/TopNews/201905/t20190509_100114.html",
    title: "Nanyue Mountain Tourism Festival Welcomes Visitors from 20 Countries",
    date: Some("2019-05-09T18:33:29+08:00"),
    author: "www.e0734.com",
    image: "/tebielanmu/TopNews/201905/W020190509102938475660.jpg",
    related: "/tebielanmu/TopNews/201905/t20190511_100119.html",
    first: "The annual Nanyue Mountain Tourism Festival opened on May 8",
    last: "Translated by Peng Li",
    also: &[],
};
pub const LABOUR: Article = Article {
    path: "/tebielanmu/TopNews/201904/t20190428_100085.html",
    title: "Labour Day Honours for 30 Model Workers",
    date: Some("2019-04-28T10:00:00+08:00"),
    author: "衡阳新闻网",
    image: "/tebielanmu/TopNews/201904/W020190428384756102934.jpg",
    related: "/tebielanmu/TopNews/201905/t20190511_100119.html",
    first: "Thirty workers were named model workers of Hengyang",
    last: "Translated by Chen Jing",
    also: &[],
};
pub const CEMETERY: Article = Article {
    path: "/tebielanmu/bzgg/201904/t20190426_100082.html",
    title: "New Public Cemetery Offers Tree Burials Free of Charge",
    date: Some("2019-04-26T16:08:41+08:00"),
    author: "衡阳党政门户网",
    image: "/tebielanmu/bzgg/201904/W020190426561029384756.jpg",
    related: "/tebielanmu/bzgg/201904/t20190402_100060.html",
    first: "The new public cemetery at Yueping opened an area for tree",
    last: "Translated by Liu Fang",
    also: &[],
};
pub const QINGMING: Article = Article {
    path: "/tebielanmu/bzgg/201904/t20190402_100060.html",
    title: "Qingming Festival: Online Memorial Platform Launched",
    date: Some("2019-04-02T11:11:11+08:00"),
    author: "衡阳市电子政务办",
    image: "/tebielanmu/bzgg/201904/W020190402384756291032.jpg",
    related: "/tebielanmu/bzgg/201904/t20190426_100082.html",
    first: "Ahead of the Qingming Festival, the city opened an online memorial",
    last: "Translated by Chen Jing",
    also: &[],
};
pub const FUNERALS: Article = Article {
    path: "/tebielanmu/bzgg/201903/t20190320_100051.html",
    title: "Civil Affairs Bureau Promotes Simple and Green Funerals",
    date: Some("2019-03-20T15:47:36+08:00"),
    author: "www.e0734.com",
    image: "/tebielanmu/bzgg/201903/W020190320102938475610.jpg",
    related: "/tebielanmu/bzgg/201904/t20190426_100082.html",
    first: "The civil affairs bureau has asked every township to set up a council",
    last: "Related: Tree burials",
    also: &[],
};
pub const KITCHENS: Article = Article {
    path: "/tebielanmu/spaqxcz/201905/t20190510_100117.html",
    title: "Inspectors Check Kitchens of 200 School Canteens",
    date: Some("2019-05-10T14:22:19+08:00"),
    author: "衡阳新闻网",
    image: "/tebielanmu/spaqxcz/201905/W020190510847561029384.jpg",
    related: "/tebielanmu/spaqxcz/201905/t20190514_100125.html",
    first: "Joint teams from the education and market supervision bureaus",
    last: "Translated by Peng Li",
    also: &["through the \"Bright Kitchen\" app."],
};
pub const WEEK: Article = Article {
    path: "/tebielanmu/spaqxcz/201905/t20190514_100125.html",
    title: "Publicity Week of Food Safety Opens at Central Square",
    date: Some("2019-05-14T09:30:00+08:00"),
    author: "衡阳市电子政务办",
    image: "/tebielanmu/spaqxcz/201905/W020190514293847561023.jpg",
    related: "/tebielanmu/spaqxcz/201905/t20190510_100117.html",
    first: "This year's Publicity Week of Food Safety opened on May 14",
    last: "Translated by Zhou Yi",
    also: &[],
};
/// GBK pages, declared by `<meta>` only; the date is `2019年05月13日 09:30`.
pub const GAMES: Article = Article {
    path: "/rdbd/201905/t20190513_100126.html",
    title: "衡阳市第三届全民健身运动会开幕",
    date: Some("2019-05-13T09:30:00+08:00"),
    author: "衡阳日报",
    image: "/rdbd/201905/W020190513510293847561.jpg",
    related: "/rdbd/201905/t20190510_100116.html",
    first: "5月12日上午，衡阳市第三届全民健身运动会在市体育中心开幕。",
    last: "相关链接：市区新增5条公交线路",
    also: &["市体育局同时公布，全市新建和改造的45处社区健身场地已全部向市民免费开放。"],
};
pub const BUS_LINES: Article = Article {
    path: "/rdbd/201905/t20190510_100116.html",
    title: "市区新增5条公交线路 方便市民出行",
    date: Some("2019-05-10T16:05:00+08:00"),
    author: "衡阳新闻网",
    image: "/rdbd/201905/W020190510938475610293.jpg",
    related: "/rdbd/201905/t20190508_100111.html",
    first: "记者从市交通运输局获悉，5月15日起",
    last: "相关链接：蒸水河综合治理工程进展顺利",
    also: &["市民可通过“衡阳公交”微信公众号查询车辆实时位置。"],
};
pub const RIVER: Article = Article {
    path: "/rdbd/201905/t20190508_100111.html",
    title: "蒸水河综合治理工程进展顺利",
    date: Some("2019-05-08T11:20:00+08:00"),
    author: "衡阳市电子政务办",
    image: "/rdbd/201905/W020190508102938475699.jpg",
    related: "/rdbd/201905/t20190513_100126.html",
    first: "蒸水河综合治理工程自去年10月开工以来",
    last: "相关链接：全民健身运动会开幕",
    also: &[],
};

/// Every article of the portal (22: the whole-site feed).
pub const ALL: [&Article; 22] = [
    &BRIDGE,
    &FARMERS,
    &CLEANUP,
    &HEALTH,
    &BUS,
    &RESURFACING,
    &CAMPHOR,
    &RAIL,
    &VENDORS,
    &HAMBURG,
    &STUDENTS,
    &RANKING,
    &FESTIVAL,
    &LABOUR,
    &CEMETERY,
    &QINGMING,
    &FUNERALS,
    &KITCHENS,
    &WEEK,
    &GAMES,
    &BUS_LINES,
    &RIVER,
];

/// What an entry's summary must be.
#[derive(Debug, Clone, Copy)]
pub enum Summary {
    /// The list's own summary line.
    List(&'static str),
    /// An excerpt of the content: starts with the first paragraph.
    Excerpt,
    /// Not checked (merged feeds: which section's summary wins is not specified).
    Any,
}

/// One scraped section of `config/demo.toml` and what its feed holds.
#[derive(Debug)]
pub struct Section {
    /// The section id.
    pub id: &'static str,
    /// Its title: the entries' category.
    pub title: &'static str,
    /// Its entries, newest first (the undated one was first seen "now").
    pub entries: &'static [(&'static Article, Summary)],
}

use Summary::{Excerpt, List};

/// Every scraped section, in config order.
pub const SECTIONS: [Section; 7] = [
    Section {
        id: "domestic",
        title: "Domestic",
        entries: &[(&RAIL, Excerpt), (&RANKING, Excerpt), (&VENDORS, Excerpt)],
    },
    Section {
        id: "internationale",
        title: "Internationale",
        entries: &[
            (&HAMBURG, Excerpt),
            (&FESTIVAL, Excerpt),
            (&STUDENTS, Excerpt),
        ],
    },
    Section {
        id: "local",
        title: "Local",
        entries: &[
            (
                &BRIDGE,
                List(
                    "The six-lane bridge links Zhuhui and Yanfeng districts and opened forty days early.",
                ),
            ),
            (
                &FARMERS,
                List("86 stalls of growers from three counties, every Saturday morning."),
            ),
            (&CLEANUP, Excerpt),
            (
                &HEALTH,
                List("Twelve stations bring basic care within walking distance."),
            ),
            (
                &BUS,
                List("Solar-powered displays show when the next bus arrives."),
            ),
            (
                &RESURFACING,
                List("Night work kept daytime traffic moving."),
            ),
            (
                &CAMPHOR,
                List("Families plant the city tree along the greenway."),
            ),
        ],
    },
    Section {
        id: "recommendation",
        title: "Recommendation",
        entries: &[
            (&WEEK, List("Free pesticide tests in Central Square.")),
            (
                &BRIDGE,
                List("Forty days ahead of schedule, the new bridge is open."),
            ),
            (&RAIL, List("Three new lines to the west by 2022.")),
            (&RANKING, List("Seventh in the province, up from eleventh.")),
            (
                &FESTIVAL,
                List("Lantern parade, night hikes and a tea fair."),
            ),
            (&RESURFACING, List("Finished in time for the holiday.")),
            (
                &LABOUR,
                List("Thirty workers honoured ahead of Labour Day."),
            ),
        ],
    },
    Section {
        id: "food-safety",
        title: "Publicity Week of Food Safety",
        entries: &[(&WEEK, Excerpt), (&KITCHENS, Excerpt), (&VENDORS, Excerpt)],
    },
    Section {
        id: "funeral-reform",
        title: "Funeral Reform",
        entries: &[
            (&CEMETERY, Excerpt),
            (&QINGMING, Excerpt),
            (&FUNERALS, Excerpt),
        ],
    },
    Section {
        id: "hot-report",
        title: "Hot Report",
        entries: &[(&GAMES, Excerpt), (&BUS_LINES, Excerpt), (&RIVER, Excerpt)],
    },
];

/// The section with `id`.
pub fn section(id: &str) -> &'static Section {
    SECTIONS
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no expectations for section `{id}`"))
}

/// The feed title of the demo site, and of its section or group `title`.
pub const SITE_TITLE: &str = "Hengyang Municipal People's Government (demo)";

/// An article's date as an instant (`first_seen` for the undated one).
pub fn instant(article: &Article, first_seen: DateTime<Utc>) -> DateTime<Utc> {
    article.date.map_or(first_seen, |d| {
        DateTime::parse_from_rfc3339(d)
            .expect("expected dates are RFC 3339")
            .to_utc()
    })
}

/// The entries of sections `ids` merged: one per article, newest first,
/// with the categories of every section that lists it.
pub fn merged(
    ids: &[&str],
    first_seen: DateTime<Utc>,
) -> Vec<(&'static Article, Vec<&'static str>)> {
    let mut out: Vec<(&'static Article, Vec<&'static str>)> = Vec::new();
    for id in ids {
        let sec = section(id);
        for (article, _) in sec.entries {
            match out.iter_mut().find(|(a, _)| a.path == article.path) {
                Some((_, cats)) => cats.push(sec.title),
                None => out.push((article, vec![sec.title])),
            }
        }
    }
    out.sort_by_key(|(a, _)| std::cmp::Reverse(instant(a, first_seen)));
    out
}

/// What one entry of a rendered feed must be.
#[derive(Debug)]
pub struct Want<'a> {
    /// The article.
    pub article: &'a Article,
    /// Its summary.
    pub summary: Summary,
    /// Categories it must carry (all of them, in any order).
    pub categories: Vec<&'a str>,
}

impl<'a> Want<'a> {
    /// The entries of one section's feed.
    pub fn section(sec: &'a Section) -> Vec<Want<'a>> {
        sec.entries
            .iter()
            .map(|(article, summary)| Want {
                article,
                summary: *summary,
                categories: vec![sec.title],
            })
            .collect()
    }

    /// The entries of a feed merging sections `ids`.
    pub fn merged(ids: &[&str], first_seen: DateTime<Utc>) -> Vec<Want<'static>> {
        merged(ids, first_seen)
            .into_iter()
            .map(|(article, categories)| Want {
                article,
                summary: Summary::Any,
                categories,
            })
            .collect()
    }
}

/// Parses with feed-rs twice: as readers do (`parser::parse`, which
/// sanitizes), which must succeed, and without its sanitizer, so the checks
/// see our HTML as we wrote it.
pub fn parse(bytes: &[u8]) -> ParsedFeed {
    if let Err(e) = feed_rs::parser::parse(bytes) {
        panic!(
            "feed-rs rejects the feed: {e}\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
    feed_rs::parser::Builder::new()
        .sanitize_content(false)
        .build()
        .parse(bytes)
        .unwrap_or_else(|e| panic!("feed-rs (unsanitized) rejects the feed: {e}"))
}

static EVENT_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\son[a-z]+\s*=").expect("test regex"));

/// Nothing executable anywhere in the raw output, in any escaping.
pub fn assert_nothing_executable(raw: &str, label: &str) {
    let lower = raw.to_lowercase();
    for needle in ["<script", "&lt;script", "\\u003cscript", "javascript:"] {
        assert!(!lower.contains(needle), "{label}: `{needle}` in the output");
    }
    if let Some(m) = EVENT_ATTR.find(raw) {
        panic!(
            "{label}: event handler attribute `{}` in the output",
            m.as_str()
        );
    }
    assert!(
        !raw.contains('\u{FFFD}'),
        "{label}: a replacement character (mojibake)"
    );
}

/// The `<item>`/`<entry>` chunks of an XML feed, or the items of a JSON one,
/// as text, in order.
fn raw_items(format: Format, raw: &str) -> Vec<String> {
    match format {
        Format::Rss => raw.split("<item>").skip(1).map(str::to_owned).collect(),
        Format::Atom => raw.split("<entry>").skip(1).map(str::to_owned).collect(),
        Format::Json => {
            let v: serde_json::Value = serde_json::from_str(raw).expect("JSON feed");
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(ToString::to_string)
                .collect()
        }
    }
}

/// Checks a rendered feed of the fixture portal entry by entry: ids, links,
/// order, titles, dates (instant and printed offset), authors, summaries,
/// categories, full sanitized content with absolute URLs. `base` is the
/// portal's `http://127.0.0.1:PORT`; the undated entry's date must fall in
/// `first_seen`.
pub fn check_feed(
    format: Format,
    bytes: &[u8],
    base: &str,
    want: &[Want<'_>],
    first_seen: RangeInclusive<DateTime<Utc>>,
    label: &str,
) -> ParsedFeed {
    let raw = std::str::from_utf8(bytes).expect("feeds are UTF-8");
    assert_nothing_executable(raw, label);
    let feed = parse(bytes);

    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    let expected: Vec<String> = want
        .iter()
        .map(|w| format!("{base}{}", w.article.path))
        .collect();
    assert_eq!(ids, expected, "{label}: ids, newest first");
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{label}: duplicate ids");
    let dates: Vec<_> = feed.entries.iter().map(|e| e.published).collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "{label}: not newest first: {dates:?}"
    );

    let chunks = raw_items(format, raw);
    assert_eq!(chunks.len(), want.len(), "{label}: raw items");
    for ((entry, w), chunk) in feed.entries.iter().zip(want).zip(&chunks) {
        let label = format!("{label}: {}", w.article.path);
        check_entry(format, entry, chunk, base, w, &first_seen, &label);
    }
    feed
}

fn check_entry(
    format: Format,
    entry: &ParsedEntry,
    chunk: &str,
    base: &str,
    want: &Want<'_>,
    first_seen: &RangeInclusive<DateTime<Utc>>,
    label: &str,
) {
    let a = want.article;
    let url = format!("{base}{}", a.path);
    assert_eq!(entry.id, url, "{label}: id");
    assert_eq!(
        entry.links.first().map(|l| l.href.as_str()),
        Some(url.as_str()),
        "{label}: link"
    );
    assert_eq!(
        entry.title.as_ref().map(|t| t.content.as_str()),
        Some(a.title),
        "{label}: title"
    );
    let authors: Vec<&str> = entry.authors.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(authors, [a.author], "{label}: author");
    let terms: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
    for cat in &want.categories {
        assert!(
            terms.contains(cat),
            "{label}: category {cat} not in {terms:?}"
        );
    }
    assert_eq!(
        terms.len(),
        want.categories.len(),
        "{label}: categories {terms:?}"
    );

    check_date(format, entry, chunk, a, first_seen, label);
    check_summary(entry, want, label);
    let body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .unwrap_or_else(|| panic!("{label}: no content"));
    check_content(body, base, a, label);
}

fn check_date(
    format: Format,
    entry: &ParsedEntry,
    chunk: &str,
    a: &Article,
    first_seen: &RangeInclusive<DateTime<Utc>>,
    label: &str,
) {
    let published = entry
        .published
        .unwrap_or_else(|| panic!("{label}: no date"));
    let Some(date) = a.date else {
        assert!(
            first_seen.contains(&published),
            "{label}: undated entry shows {published}, not its first-seen time {first_seen:?}"
        );
        return;
    };
    let fixed = DateTime::parse_from_rfc3339(date).expect("expected date");
    assert_eq!(published, fixed.to_utc(), "{label}: date");
    // feed-rs gives UTC: the offset is read from the text.
    let printed = match format {
        Format::Rss => format!(
            "<pubDate>{}</pubDate>",
            fixed.format("%a, %-d %b %Y %H:%M:%S %z")
        ),
        Format::Atom => format!("<published>{date}</published>"),
        Format::Json => format!("\"date_published\":\"{date}\""),
    };
    assert!(
        chunk.contains(&printed),
        "{label}: `{printed}` not in\n{chunk}"
    );
}

fn check_summary(entry: &ParsedEntry, want: &Want<'_>, label: &str) {
    let summary = entry.summary.as_ref().map(|t| t.content.as_str());
    match want.summary {
        Summary::List(s) => assert_eq!(summary, Some(s), "{label}: summary"),
        Summary::Excerpt => {
            let s = summary.unwrap_or_else(|| panic!("{label}: no summary"));
            assert!(
                s.starts_with(want.article.first),
                "{label}: summary `{s}` is not an excerpt"
            );
            assert!(s.chars().count() <= 310, "{label}: summary too long");
        }
        Summary::Any => assert!(summary.is_some_and(|s| !s.is_empty()), "{label}: summary"),
    }
}

static P: LazyLock<Selector> = LazyLock::new(|| Selector::parse("p").expect("selector"));

/// The content: sanitized, absolute, complete, without the share block.
pub fn check_content(body: &str, base: &str, a: &Article, label: &str) {
    assert!(
        !body.contains("&amp;amp;"),
        "{label}: entities escaped twice"
    );
    let doc = Html::parse_fragment(body);
    let mut urls = Vec::new();
    for node in doc.root_element().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        assert!(
            !matches!(
                name,
                "script" | "style" | "iframe" | "object" | "embed" | "form"
            ),
            "{label}: <{name}> in the content"
        );
        for (attr, value) in el.value().attrs() {
            assert!(!attr.starts_with("on"), "{label}: `{attr}` attribute kept");
            assert!(
                !value.trim().to_lowercase().starts_with("javascript:"),
                "{label}: javascript: URL kept"
            );
            if matches!(attr, "href" | "src") {
                urls.push(value.to_owned());
            }
        }
    }
    // Every href and src: absolute, resolved against the article's URL.
    assert_eq!(
        urls,
        [format!("{base}{}", a.image), format!("{base}{}", a.related)],
        "{label}: the content's links and images"
    );
    let paragraphs: Vec<String> = doc
        .select(&P)
        .map(|p| fold(&p.text().collect::<String>()))
        .filter(|t| !t.is_empty())
        .collect();
    let text = paragraphs.join("\n");
    assert!(
        paragraphs.first().is_some_and(|p| p.starts_with(a.first)),
        "{label}: first paragraph: {paragraphs:?}"
    );
    assert_eq!(
        paragraphs.last().map(String::as_str),
        Some(a.last),
        "{label}: last paragraph"
    );
    for s in a.also {
        assert!(
            text.contains(s),
            "{label}: `{s}` not in the content:\n{text}"
        );
    }
    for gone in [
        "Share to",
        "shareTo",
        "分享到",
        "新浪微博",
        "trsArticleId",
        "打印本页",
        "doZoom",
    ] {
        assert!(
            !body.contains(gone),
            "{label}: `{gone}` (share block, script or print links) kept"
        );
    }
}

/// Whitespace folded to single spaces, trimmed.
pub fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
