//! Benchmarks of the hot and warm paths: rendering a feed, compressing it
//! once, answering a cached feed request through the router, and the
//! SQLite store's merge and read behind them.
//! Run: `cargo bench --bench pipeline`.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use portalfeed::app::AppState;
use portalfeed::config;
use portalfeed::model::{Entry, EntryId};
use portalfeed::render::{self, FeedMeta, Format};
use portalfeed::store::{Attempt, Scraped, SqliteStore, Store};
use tower::ServiceExt;

fn entries(n: usize) -> Vec<Entry> {
    let paragraph = "<p>The municipal government opened the new Xiangjiang bridge to traffic on Monday morning, \
        cutting the trip between the two districts to twelve minutes. <a href=\"http://portal.example/a.html\">More</a> \
        <img src=\"http://portal.example/img/bridge.jpg\" alt=\"bridge\"></p>";
    (0..n)
        .map(|i| {
            let t = Utc
                .with_ymd_and_hms(2019, 5, 13, 6, 1, 5)
                .single()
                .expect("date")
                + chrono::Duration::hours(i as i64);
            let url = format!("http://portal.example/news/201905/t20190513_{i}.html");
            Entry {
                id: EntryId(url.clone()),
                url,
                title: format!("Entry number {i}: the city opens a new bridge over the river"),
                summary: Some(
                    "The municipal government opened the new bridge to traffic.".to_owned(),
                ),
                content_html: Some(paragraph.repeat(8)),
                author: Some("衡阳新闻网".to_owned()),
                published: Some(t.fixed_offset()),
                first_seen: t,
                updated: t,
                categories: vec!["Local".to_owned()],
                image: Some("http://portal.example/img/bridge.jpg".to_owned()),
                position: 0,
            }
        })
        .collect()
}

fn meta() -> FeedMeta {
    FeedMeta {
        title: "Demo: Local".to_owned(),
        description: "Local news".to_owned(),
        path: "demo/local".to_owned(),
        home_url: "http://portal.example/news/".to_owned(),
        public_url: url::Url::parse("http://127.0.0.1:8080/").expect("url"),
        language: Some("en".to_owned()),
        ttl_minutes: 15,
        author: "Demo".to_owned(),
        fallback_updated: Utc::now(),
    }
}

fn bench_render(c: &mut Criterion) {
    let entries = entries(50);
    let meta = meta();
    let mut g = c.benchmark_group("render_50_entries");
    for f in Format::ALL {
        g.bench_function(f.extension(), |b| {
            b.iter(|| render::render(black_box(f), black_box(&meta), black_box(&entries)))
        });
    }
    g.finish();
    let body = render::render(Format::Rss, &meta, &entries);
    c.bench_function("cache_entry_hash_gzip_br_50_entries", |b| {
        b.iter(|| {
            portalfeed::cache::Rendered::new(
                black_box(body.clone()),
                Format::Rss,
                Utc::now(),
                std::time::Duration::from_secs(60),
                0,
            )
        })
    });
}

fn bench_serve(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let text = std::fs::read_to_string(portalfeed::demo::demo_config_path()).expect("demo config");
    let text = portalfeed::demo::rebase_config(&text, "http://127.0.0.1:9");
    let cfg = config::parse(&text, "config/demo.toml").expect("demo config parses");
    let store: Arc<dyn Store> =
        rt.block_on(async { Arc::new(SqliteStore::open(None).await.expect("store")) });
    let key = (
        portalfeed::model::SiteId::new("demo").expect("id"),
        portalfeed::model::SectionId::new("local").expect("id"),
    );
    rt.block_on(store.merge(
        &key,
        Scraped {
            entries: entries(50),
            validators: Default::default(),
            max_items: 50,
            attempt: Attempt::new(Utc::now(), 1),
        },
    ))
    .expect("merge");
    let state = rt.block_on(async { AppState::new(cfg, store, None).expect("state") });
    let router = state.http().router;
    let request = |enc: &'static str, inm: Option<String>| {
        let mut b = Request::get("/feeds/demo/local.rss").header(header::ACCEPT_ENCODING, enc);
        if let Some(tag) = inm {
            b = b.header(header::IF_NONE_MATCH, tag);
        }
        b.body(Body::empty()).expect("request")
    };
    let etag = rt.block_on(async {
        let r = router
            .clone()
            .oneshot(request("identity", None))
            .await
            .expect("answer");
        r.headers()[header::ETAG].to_str().expect("etag").to_owned()
    });
    let mut g = c.benchmark_group("serve_cached_feed");
    g.bench_function("200_identity", |b| {
        b.to_async(&rt)
            .iter(|| async { router.clone().oneshot(request("identity", None)).await })
    });
    g.bench_function("200_gzip", |b| {
        b.to_async(&rt)
            .iter(|| async { router.clone().oneshot(request("gzip", None)).await })
    });
    g.bench_function("304", |b| {
        b.to_async(&rt).iter(|| async {
            router
                .clone()
                .oneshot(request("identity", Some(etag.clone())))
                .await
        })
    });
    g.finish();
}

/// The SQLite store on disk (WAL, in a temporary directory): a scrape of
/// 20 new entries, the same scrape again (nothing changed), and the read of
/// a 50-entry feed.
fn bench_store(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = rt
        .block_on(SqliteStore::open(Some(dir.path().to_path_buf())))
        .expect("store");
    let site = portalfeed::model::SiteId::new("bench").expect("id");
    let key = |name: &str| {
        (
            site.clone(),
            portalfeed::model::SectionId::new(name).expect("id"),
        )
    };
    let scraped = |n: usize| Scraped {
        entries: entries(n),
        validators: Default::default(),
        max_items: 50,
        attempt: Attempt::new(Utc::now(), 1),
    };
    let read_key = key("read");
    rt.block_on(store.merge(&read_key, scraped(50)))
        .expect("merge");
    let mut g = c.benchmark_group("store_sqlite");
    let mut fresh = 0u64;
    g.bench_function("merge_20_new", |b| {
        b.iter(|| {
            fresh += 1;
            rt.block_on(store.merge(&key(&format!("s{fresh}")), scraped(20)))
                .expect("merge")
        })
    });
    let same = key("same");
    rt.block_on(store.merge(&same, scraped(20))).expect("merge");
    g.bench_function("merge_20_unchanged", |b| {
        b.iter(|| rt.block_on(store.merge(&same, scraped(20))).expect("merge"))
    });
    let keys = [read_key];
    g.bench_function("feed_entries_50", |b| {
        b.iter(|| rt.block_on(store.feed_entries(&keys, 50)).expect("read"))
    });
    g.finish();
}

criterion_group!(benches, bench_render, bench_serve, bench_store);
criterion_main!(benches);
