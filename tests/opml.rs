//! `/opml` for real readers: every entry in exactly one listed feed, leaf
//! sections in folders for their site and groups; `?merged=1` lists the
//! merged feeds instead. Parsed as XML, the listed feeds fetched and parsed
//! with feed-rs, and imported and fetched by newsboat where it is installed.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use common::{client, demo_config, parse_feed, wait_scraped};
use portalfeed::app::Service;
use portalfeed::demo::FixturePortal;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// One `<outline>` and what it contains.
#[derive(Debug, Default)]
struct Outline {
    attrs: BTreeMap<String, String>,
    children: Vec<Outline>,
}

impl Outline {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.get(k).map(String::as_str)
    }

    /// Every feed below (and including) this outline, with the folder
    /// titles above it.
    fn feeds(&self, folders: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
        match self.attr("xmlUrl") {
            Some(url) => {
                assert!(self.children.is_empty(), "a feed outline holds no others");
                assert_eq!(self.attr("type"), Some("rss"));
                assert!(self.attr("text").is_some_and(|t| !t.is_empty()));
                out.push((folders.clone(), url.to_owned()));
            }
            None => {
                assert!(!self.children.is_empty(), "an empty folder");
                folders.push(self.attr("text").expect("folder text").to_owned());
                for c in &self.children {
                    c.feeds(folders, out);
                }
                folders.pop();
            }
        }
    }
}

fn attrs(e: &BytesStart<'_>, reader: &Reader<&[u8]>) -> BTreeMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.expect("attribute");
            let key = String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 key");
            let value = a
                .decoded_and_normalized_value(XmlVersion::Implicit1_0, reader.decoder())
                .expect("value")
                .into_owned();
            (key, value)
        })
        .collect()
}

/// The `<body>` outlines of an OPML 2.0 document (panics on bad XML).
fn parse_opml(text: &str) -> Vec<Outline> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Outline> = vec![Outline::default()];
    let mut version = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().as_ref() == b"opml" => {
                version = attrs(&e, &reader).get("version").cloned();
            }
            Event::Start(e) if e.name().as_ref() == b"outline" => stack.push(Outline {
                attrs: attrs(&e, &reader),
                children: Vec::new(),
            }),
            Event::Empty(e) if e.name().as_ref() == b"outline" => {
                let o = Outline {
                    attrs: attrs(&e, &reader),
                    children: Vec::new(),
                };
                stack.last_mut().unwrap().children.push(o);
            }
            Event::End(e) if e.name().as_ref() == b"outline" => {
                let o = stack.pop().unwrap();
                stack.last_mut().expect("balanced").children.push(o);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(version.as_deref(), Some("2.0"));
    assert_eq!(stack.len(), 1, "balanced outlines");
    stack.pop().unwrap().children
}

/// Every feed of the document: (folders, URL).
fn feeds_of(text: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    for o in parse_opml(text) {
        o.feeds(&mut Vec::new(), &mut out);
    }
    out
}

/// Entry ids per listed feed, fetched and parsed.
async fn entry_ids(http: &reqwest::Client, urls: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for url in urls {
        let r = http.get(url).send().await.expect("feed");
        assert!(r.status().is_success(), "{url}: {}", r.status());
        let feed = parse_feed(&r.bytes().await.expect("body"));
        out.insert(
            url.clone(),
            feed.entries.into_iter().map(|e| e.id).collect::<Vec<_>>(),
        );
    }
    out
}

/// The listed feeds hold every entry of the site; per feed, how many of
/// its entries no other listed feed has. (The portal lists some articles in
/// two sections; those a reader that keeps one copy per id, like newsboat,
/// shows in one of them. A group listed with its children would have no
/// entry of its own and show empty.)
fn own_entries(
    ids: &BTreeMap<String, Vec<String>>,
    site_ids: &[String],
    what: &str,
) -> BTreeMap<String, usize> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for list in ids.values() {
        for id in list.iter().collect::<BTreeSet<_>>() {
            *count.entry(id.as_str()).or_default() += 1;
        }
    }
    let union: BTreeSet<&str> = count.keys().copied().collect();
    let site: BTreeSet<&str> = site_ids.iter().map(String::as_str).collect();
    assert_eq!(
        union, site,
        "{what}: the listed feeds hold the site's entries"
    );
    ids.iter()
        .map(|(url, list)| {
            let own = list.iter().filter(|id| count[id.as_str()] == 1).count();
            (url.clone(), own)
        })
        .collect()
}

#[tokio::test]
async fn opml_lists_each_entry_once_and_newsboat_imports_it() {
    let portal = FixturePortal::start().await.expect("portal");
    // Every entry of the site fits in its site feed.
    let cfg = demo_config(&portal, |t| common::set_default(&t, "interval", "\"1h\""));
    let service = Service::start(cfg, None).await.expect("service");
    wait_scraped(&service, 1).await;
    let base = service.base_url();
    let http = client();
    let config = service.state.config();
    let site = config.site("demo").unwrap();
    let site_ids = entry_ids(&http, &[format!("{base}/feeds/demo.rss")])
        .await
        .into_values()
        .next()
        .unwrap();

    // Leaves, in folders: site, then group.
    let text = http
        .get(format!("{base}/opml"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let feeds = feeds_of(&text);
    let leaves: Vec<String> = site
        .sections
        .iter()
        .filter(|s| !s.is_group())
        .map(|s| format!("{base}/feeds/demo/{}.rss", s.id))
        .collect();
    let listed: Vec<String> = feeds.iter().map(|(_, u)| u.clone()).collect();
    assert_eq!(
        listed.iter().collect::<BTreeSet<_>>(),
        leaves.iter().collect::<BTreeSet<_>>(),
        "/opml lists every leaf section, nothing else"
    );
    assert_eq!(listed.len(), leaves.len(), "each once");
    for (folders, url) in &feeds {
        let id = url.rsplit('/').next().unwrap().trim_end_matches(".rss");
        let section = site.section(id).unwrap();
        let mut expected = vec![site.title.clone()];
        let mut parents = Vec::new();
        let mut p = section.parent.clone();
        while let Some(pid) = p {
            let parent = site.section(pid.as_str()).unwrap();
            parents.push(parent.title.clone());
            p = parent.parent.clone();
        }
        expected.extend(parents.into_iter().rev());
        assert_eq!(folders, &expected, "{url} in its group's folder");
    }
    assert!(
        feeds.iter().any(|(f, _)| f.len() == 2),
        "the demo has leaves inside groups"
    );
    let own = own_entries(&entry_ids(&http, &listed).await, &site_ids, "/opml");

    // Merged: the top-level groups' and sections' feeds.
    let merged = http
        .get(format!("{base}/opml?merged=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let merged_urls: Vec<String> = feeds_of(&merged).into_iter().map(|(_, u)| u).collect();
    let tops: Vec<String> = site
        .sections
        .iter()
        .filter(|s| s.parent.is_none())
        .map(|s| format!("{base}/feeds/demo/{}.rss", s.id))
        .collect();
    assert_eq!(
        merged_urls, tops,
        "/opml?merged=1 lists the top-level feeds"
    );
    assert!(
        site.sections.iter().any(|s| s.is_group()
            && merged_urls
                .iter()
                .any(|u| u.ends_with(&format!("/{}.rss", s.id)))),
        "group feeds are listed"
    );
    let merged_own = own_entries(
        &entry_ids(&http, &merged_urls).await,
        &site_ids,
        "/opml?merged=1",
    );
    assert!(
        merged_own.values().all(|n| *n > 0),
        "every merged feed has entries of its own: {merged_own:?}"
    );

    // newsboat blocks; the service must keep answering meanwhile.
    tokio::task::spawn_blocking(move || newsboat_imports(&text, &own, &site_ids))
        .await
        .unwrap();
    service.shutdown().await.unwrap();
}

/// `newsboat -i` imports the OPML (folders become tags); a reload fetches
/// every feed, keeps one copy of each entry, and shows each feed's own.
fn newsboat_imports(opml: &str, own: &BTreeMap<String, usize>, site_ids: &[String]) {
    let leaves: Vec<&String> = own.keys().collect();
    if Command::new("newsboat").arg("--version").output().is_err() {
        eprintln!("SKIPPED: newsboat is not installed (apt-get install -y newsboat)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("feeds.opml"), opml).unwrap();
    std::fs::create_dir(d.join("home")).unwrap();
    let newsboat = |args: &[&str]| {
        let out = Command::new("newsboat")
            .args(["-u", "urls", "-c", "cache.db", "-C", "config"])
            .args(args)
            .current_dir(d)
            .env_clear()
            .env("HOME", d.join("home"))
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("newsboat runs");
        assert!(
            out.status.success(),
            "newsboat {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    newsboat(&["-i", "feeds.opml"]);
    let urls = std::fs::read_to_string(d.join("urls")).unwrap();
    for leaf in &leaves {
        let line = urls
            .lines()
            .find(|l| l.starts_with(&format!("{leaf} ")) || l == leaf)
            .unwrap_or_else(|| panic!("{leaf} imported:\n{urls}"));
        assert!(line.contains('"'), "a folder tag: {line}");
    }
    assert_eq!(
        urls.lines().filter(|l| l.starts_with("http")).count(),
        leaves.len()
    );
    newsboat(&["-x", "reload"]);
    let db = rusqlite::Connection::open(d.join("cache.db")).unwrap();
    let mut per_feed: BTreeMap<String, i64> = BTreeMap::new();
    let mut stmt = db
        .prepare("SELECT feedurl, COUNT(*) FROM rss_item GROUP BY feedurl")
        .unwrap();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
    {
        let (url, n) = row.unwrap();
        per_feed.insert(url, n);
    }
    for (leaf, n) in own {
        let shown = per_feed.get(leaf).copied().unwrap_or(0);
        assert!(
            usize::try_from(shown).unwrap() >= *n,
            "newsboat shows at least the {n} entries of {leaf} no other feed has: {per_feed:?}"
        );
    }
    assert!(
        own.values().filter(|n| **n > 0).count() >= own.len() / 2,
        "most leaves have entries of their own: {own:?}"
    );
    let total: i64 = per_feed.values().sum();
    let distinct: BTreeSet<&String> = site_ids.iter().collect();
    assert_eq!(
        usize::try_from(total).unwrap(),
        distinct.len(),
        "one copy of each entry"
    );
}
