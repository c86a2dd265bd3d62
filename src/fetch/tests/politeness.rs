//! Politeness over real sockets: one request at a time per host with
//! `min_delay` between, hosts independent, and the global cap.

use std::time::Instant;

use axum::routing::get as route;

use super::*;

/// When each request arrived at and left the server.
type Log = Arc<Mutex<Vec<(Instant, Instant)>>>;

/// A server whose `/{n}` takes `work` and logs its arrival and departure.
async fn recording(work: Duration, log: &Log) -> Url {
    let log = Arc::clone(log);
    serve(Router::new().route(
        "/{n}",
        route(move || {
            let log = Arc::clone(&log);
            async move {
                let start = Instant::now();
                tokio::time::sleep(work).await;
                log.lock().expect("log").push((start, Instant::now()));
                "<p>ok</p>"
            }
        }),
    ))
    .await
}

/// Fetches every URL at once, each from its own clone of `f`.
async fn all_at_once(f: &Fetcher, urls: Vec<Url>, settings: &Settings) {
    let mut tasks = tokio::task::JoinSet::new();
    for url in urls {
        let (f, settings) = (f.clone(), settings.clone());
        tasks.spawn(async move { get(&f, &url, &settings).await.map(|_| ()) });
    }
    while let Some(done) = tasks.join_next().await {
        assert!(matches!(done, Ok(Ok(()))), "{done:?}");
    }
}

fn sorted(log: &Log) -> Vec<(Instant, Instant)> {
    let mut v = log.lock().expect("log").clone();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_host_is_served_one_at_a_time_with_min_delay() {
    let log = Log::default();
    let base = recording(Duration::from_millis(20), &log).await;
    let settings = Settings {
        min_delay: Duration::from_millis(100),
        ..settings()
    };
    let urls = (0..5).map(|i| join(&base, &format!("/{i}"))).collect();
    all_at_once(&fetcher(), urls, &settings).await;
    let log = sorted(&log);
    assert_eq!(log.len(), 5);
    for pair in log.windows(2) {
        let ((_, prev_end), (next_start, _)) = (pair[0], pair[1]);
        assert!(next_start > prev_end, "two requests in flight at once");
        let gap = next_start - prev_end;
        assert!(
            gap >= Duration::from_millis(100),
            "gap {gap:?} shorter than min_delay"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_hosts_are_not_serialized() {
    let (log_a, log_b) = (Log::default(), Log::default());
    let a = recording(Duration::from_millis(300), &log_a).await;
    let b = recording(Duration::from_millis(300), &log_b).await;
    let settings = Settings {
        min_delay: Duration::from_secs(5),
        ..settings()
    };
    let urls = vec![join(&a, "/1"), join(&b, "/1")];
    let started = Instant::now();
    all_at_once(&fetcher(), urls, &settings).await;
    let (a, b) = (sorted(&log_a)[0], sorted(&log_b)[0]);
    assert!(
        a.0 < b.1 && b.0 < a.1,
        "the two hosts' requests overlapped in time"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_cap_limits_requests_across_hosts() {
    let (log_a, log_b) = (Log::default(), Log::default());
    let a = recording(Duration::from_millis(100), &log_a).await;
    let b = recording(Duration::from_millis(100), &log_b).await;
    let f = Fetcher::new(1).expect("client");
    all_at_once(&f, vec![join(&a, "/1"), join(&b, "/1")], &settings()).await;
    let (a, b) = (sorted(&log_a)[0], sorted(&log_b)[0]);
    assert!(
        a.1 <= b.0 || b.1 <= a.0,
        "with a cap of 1 the requests never overlap"
    );
}
