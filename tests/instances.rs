//! Several instances on one PostgreSQL: two `portalfeed serve` processes
//! (the built binary), one throwaway PostgreSQL, the fixture portal. Each
//! list page is fetched once per interval across both, both answer the same
//! bytes and ETag for every feed, a new entry scraped by one is served by
//! the other within a second, and a killed instance's lease runs out so the
//! other scrapes its section within one lease time.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pg::TestPg;
use common::{client, parse_feed, set_default};
use portalfeed::demo::FixturePortal;

const INTERVAL: Duration = Duration::from_secs(10);
const LEASE: Duration = Duration::from_secs(2);
/// What every instance puts in its self links: the load balancer's address.
const PUBLIC_URL: &str = "http://feeds.example.test";

/// One `portalfeed serve`, killed when dropped; its log is printed when the
/// test fails.
struct Instance {
    name: &'static str,
    child: Child,
    base: String,
    log: PathBuf,
}

impl Instance {
    /// `PORTALFEED_DATABASE_URL=DB portalfeed serve --config CONFIG --listen
    /// 127.0.0.1:PORT`: every instance runs the same file.
    fn spawn(name: &'static str, dir: &Path, config: &Path, db: &str) -> Self {
        let port = free_port();
        let log = dir.join(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_portalfeed"))
            .args(["serve", "--config"])
            .arg(config)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "portalfeed=debug")
            .env("PORTALFEED_DATABASE_URL", db)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("portalfeed serve starts");
        Self {
            name,
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until it answers `/healthz`.
    async fn ready(&self, http: &reqwest::Client) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(r) = http.get(format!("{}/healthz", self.base)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{} did not answer /healthz within 30 s", self.name);
    }

    /// Status, `ETag` and body of `path`, optionally compressed.
    async fn get(
        &self,
        http: &reqwest::Client,
        path: &str,
        encoding: &str,
    ) -> (u16, String, Vec<u8>) {
        let mut req = http.get(format!("{}{path}", self.base));
        if !encoding.is_empty() {
            req = req.header("accept-encoding", encoding);
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let etag = r
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, etag, r.bytes().await.expect("body").to_vec())
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("---- {} log (last lines) ----", self.name);
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One query on its own connection.
async fn query(url: &str, sql: &str) -> Vec<tokio_postgres::Row> {
    let (db, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    let conn = tokio::spawn(conn);
    let rows = db.query(sql, &[]).await.expect(sql);
    drop(db);
    let _ = conn.await;
    rows
}

/// Polls `check` every 20 ms until it answers `Some`, for at most `limit`.
async fn poll<T, F: std::future::Future<Output = Option<T>>>(
    limit: Duration,
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A portal that accepts connections and never answers, recording when
/// each connection came.
struct Stalling {
    base: String,
    connections: Arc<Mutex<Vec<Instant>>>,
}

impl Stalling {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.2:0")
            .await
            .expect("bind 127.0.0.2");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let log = connections.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                log.lock().unwrap().push(Instant::now());
                open.push(socket);
            }
        });
        Self { base, connections }
    }

    fn connections(&self) -> Vec<Instant> {
        self.connections.lock().unwrap().clone()
    }
}

/// The demo config on `portal`, scraped every [`INTERVAL`], leases of
/// [`LEASE`], plus a site on `slow` (a portal that never answers). The
/// store's URL comes from the environment.
fn config_text(portal: &FixturePortal, slow: &Stalling) -> String {
    let text = portal.demo_config_text().expect("demo config");
    let text = set_default(&text, "interval", "\"10s\"")
        .replace(
            "public_url = \"http://127.0.0.1:8080\"",
            &format!("public_url = \"{PUBLIC_URL}\""),
        )
        .replace("\n[defaults]", "\n[store]\nlease = \"2s\"\n\n[defaults]");
    let slow = &slow.base;
    format!(
        "{text}
[[sites]]
id = \"slow\"
title = \"A portal that stalls\"
url = \"{slow}/\"
timeout = \"10m\"
obey_robots = false

  [[sites.sections]]
  id = \"stalled\"
  title = \"Stalled\"
  url = \"{slow}/shishixinwen/hotnews/guoneixinwen3/\"
    [sites.sections.list]
    item = \"ul.list > li\"
    link = \"a\"
    title = \"a\"
"
    )
}

/// Every feed path of `config` (sites, groups, sections; three formats).
fn feed_paths(config: &portalfeed::config::Config) -> Vec<String> {
    let mut out = Vec::new();
    for site in &config.sites {
        let mut feeds = vec![site.id.to_string()];
        feeds.extend(
            site.sections
                .iter()
                .map(|s| format!("{}/{}", site.id, s.id)),
        );
        for feed in feeds {
            for ext in ["rss", "atom", "json"] {
                out.push(format!("/feeds/{feed}.{ext}"));
            }
        }
    }
    out
}

/// Both instances answer `paths` with the same status, ETag and bytes,
/// identity and brotli.
async fn same_everywhere(http: &reqwest::Client, a: &Instance, b: &Instance, paths: &[String]) {
    for path in paths {
        for encoding in ["", "br"] {
            let from_a = a.get(http, path, encoding).await;
            let from_b = b.get(http, path, encoding).await;
            assert_eq!(from_a.0, 200, "{path} from a");
            assert!(!from_a.1.is_empty(), "{path}: an ETag");
            assert_eq!(
                (from_a.0, &from_a.1),
                (from_b.0, &from_b.1),
                "{path} ({encoding:?}): status and ETag"
            );
            assert!(
                from_a.2 == from_b.2,
                "{path} ({encoding:?}): the same bytes"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_postgres() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let db = pg.create_db("instances");
    let portal = FixturePortal::start().await.expect("portal");
    let slow = Stalling::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let text = config_text(&portal, &slow);
    let config = portalfeed::config::parse(&text, "instances.toml").expect("config parses");
    assert!(
        config.store.url.is_none(),
        "the URL comes from the environment"
    );
    let http = client();
    let path = dir.path().join("portalfeed.toml");
    std::fs::write(&path, &text).expect("write config");
    let a = Instance::spawn("a", dir.path(), &path, &db);
    let b = Instance::spawn("b", dir.path(), &path, &db);
    a.ready(&http).await;
    b.ready(&http).await;

    // Every demo section scraped once (by one instance or the other).
    let demo = config.site("demo").expect("demo site");
    let scraped: Vec<&str> = demo
        .sections
        .iter()
        .filter(|s| !s.is_group())
        .map(|s| s.id.as_str())
        .collect();
    poll(
        Duration::from_secs(30),
        "every demo section scraped",
        || async {
            let rows = query(
                &db,
                "SELECT count(*) FROM sections WHERE site = 'demo' AND last_success IS NOT NULL",
            )
            .await;
            (rows[0].get::<_, i64>(0) as usize == scraped.len()).then_some(())
        },
    )
    .await;
    let window = Instant::now();
    portal.clear_requests();

    // The same bytes and ETag everywhere, from stored data only (the slow
    // site's feeds, never scraped, included).
    let paths = feed_paths(&config);
    same_everywhere(&http, &a, &b, &paths).await;
    let local = a.get(&http, "/feeds/demo/local.atom", "").await;
    let feed = parse_feed(&local.2);
    assert!(!feed.entries.is_empty(), "a real feed");

    // A new entry on the portal: whichever instance scrapes it commits it,
    // the other serves it within a second of the commit.
    let list = "/shishixinwen/hotnews/guoneixinwen3/index.html";
    let article = "/shishixinwen/hotnews/guoneixinwen3/201905/t20190514_100130.html";
    let root = portalfeed::demo::fixtures_dir();
    let page = std::fs::read_to_string(root.join(list.trim_start_matches('/'))).expect("list page");
    let page = page.replace(
        "<ul class=\"list\">\n",
        "<ul class=\"list\">\n  <li><a href=\"./201905/t20190514_100130.html\" target=\"_blank\">Two Instances Serve One Feed</a> <span>2019-05-14</span></li>\n",
    );
    let old = "/shishixinwen/hotnews/guoneixinwen3/201905/t20190512_100121.html";
    let body = std::fs::read_to_string(root.join(old.trim_start_matches('/'))).expect("article");
    portal.set_page(article, body);
    portal.set_page(list, page);
    let new_id = format!("{}{article}", portal.base_url());
    let sql = format!("SELECT count(*) FROM entries WHERE id = '{new_id}'");
    poll(INTERVAL * 2, "the new entry committed", || async {
        (query(&db, &sql).await[0].get::<_, i64>(0) > 0).then_some(())
    })
    .await;
    let committed = Instant::now();
    for instance in [&a, &b] {
        poll(
            Duration::from_secs(1),
            "the new entry served by both",
            || async {
                let (_, _, body) = instance.get(&http, "/feeds/demo/domestic.rss", "").await;
                let feed = parse_feed(&body);
                feed.entries
                    .iter()
                    .any(|e| e.links.iter().any(|l| l.href == new_id))
                    .then_some(())
            },
        )
        .await;
    }
    assert!(committed.elapsed() < Duration::from_secs(1));
    same_everywhere(&http, &a, &b, &paths).await;

    // Each list page once per interval across both instances (a scrape that
    // found nothing new counts: a 304 is a fetch too).
    let until = window + INTERVAL * 2 + INTERVAL / 2;
    tokio::time::sleep(until.saturating_duration_since(Instant::now())).await;
    let mut fetches: BTreeMap<String, Vec<Instant>> = BTreeMap::new();
    for r in portal.requests().into_iter().filter(|r| r.started <= until) {
        fetches.entry(r.path).or_default().push(r.started);
    }
    for section in demo.sections.iter().filter(|s| !s.is_group()) {
        let interval = section.settings.interval;
        let path = section
            .source
            .as_ref()
            .map(|s| s.url.path().to_owned())
            .unwrap_or_default();
        let times = fetches.get(&path).cloned().unwrap_or_default();
        if interval > INTERVAL * 3 {
            // A slower section (its own `interval`): scraped at start only.
            assert!(
                times.is_empty(),
                "{path} fetched again within its interval: {times:?}"
            );
            continue;
        }
        assert!(
            times.len() >= 2,
            "{path} fetched {} time(s) in 2½ intervals",
            times.len()
        );
        for pair in times.windows(2) {
            let gap = pair[1].duration_since(pair[0]);
            assert!(
                gap >= interval.mul_f64(0.85),
                "{path} fetched twice within {gap:?} (interval {interval:?}): {times:?}"
            );
        }
    }

    // The stalled section: one instance took it at start and still holds it
    // (renewed); the other never fetched it. Kill the holder: the other
    // takes it over within one lease time.
    let before = slow.connections();
    assert_eq!(
        before.len(),
        1,
        "one instance scrapes the stalled section: {before:?}"
    );
    let holder: String = query(
        &db,
        "SELECT holder FROM leases WHERE site = 'slow' AND section = 'stalled' AND scraping_until > now()",
    )
    .await
    .first()
    .map(|r| r.get(0))
    .expect("a live lease on the stalled section");
    let holder_pid: u32 = holder
        .split('-')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("holder names its pid");
    let (mut victim, survivor) = if holder_pid == a.pid() {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(victim.pid(), holder_pid, "the holder is one of the two");
    victim.child.kill().expect("kill -9");
    let killed = Instant::now();
    let taken_over = poll(
        LEASE + Duration::from_secs(1),
        "the survivor scrapes the stalled section",
        || async { slow.connections().into_iter().find(|t| *t > killed) },
    )
    .await;
    let after = taken_over.duration_since(killed);
    assert!(
        after <= LEASE + Duration::from_secs(1),
        "taken over after {after:?}"
    );
    let new_holder: String = query(
        &db,
        "SELECT holder FROM leases WHERE site = 'slow' AND section = 'stalled'",
    )
    .await[0]
        .get(0);
    assert!(
        new_holder.starts_with(&format!("{}-", survivor.pid())),
        "{new_holder} is the survivor ({})",
        survivor.pid()
    );
    drop(victim);
    drop(survivor);
    drop(pg);
}
