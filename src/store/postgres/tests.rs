//! The conformance bodies on a real PostgreSQL (a throwaway server per
//! test, see `tests/common/pg.rs`), and what is PostgreSQL's own: the
//! schema across restarts, writes per scrape, leases between instances,
//! change announcements.

use std::time::Duration;

use chrono::Utc;

use super::PostgresStore;
use crate::store::conformance::{self, entry, key, scraped};
use crate::store::{Lease, LeaseKind, Store, StoreChange, StoreError};

#[allow(dead_code)]
#[path = "../../../tests/common/pg.rs"]
mod pg;

fn expect<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A server with database `db`, and its URL; `None`: PostgreSQL is not
/// installed (and `CI` unset), the test skips.
fn server(db: &str) -> Option<(pg::TestPg, String)> {
    let pg = pg::TestPg::start()?;
    let url = pg.create_db(db);
    Some((pg, url))
}

/// Runs `sql` (one statement) on its own connection.
async fn sql(url: &str, sql: &str) -> Vec<tokio_postgres::Row> {
    let (client, conn) = expect(tokio_postgres::connect(url, tokio_postgres::NoTls).await);
    let conn = tokio::spawn(conn);
    let rows = client
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {}", super::rows::describe(&e)));
    drop(client);
    let _ = conn.await;
    rows
}

/// Runs `sql` (any number of statements) on its own connection.
async fn exec(url: &str, sql: &str) {
    let (client, conn) = expect(tokio_postgres::connect(url, tokio_postgres::NoTls).await);
    let conn = tokio::spawn(conn);
    client
        .batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {}", super::rows::describe(&e)));
    drop(client);
    let _ = conn.await;
}

#[tokio::test]
async fn conformance_and_everything_survives_a_reopen() {
    let Some((_pg, url)) = server("conformance") else {
        return;
    };
    let store = expect(PostgresStore::open(&url).await);
    conformance::all(&store).await;
    let before = expect(store.summaries().await);
    let feed = expect(store.feed_entries(&[key("a")], 10).await);
    drop(store);
    // A second start finds the schema in place and every row as it was.
    let again = expect(PostgresStore::open(&url).await);
    assert_eq!(expect(again.summaries().await), before);
    let after = expect(again.feed_entries(&[key("a")], 10).await);
    assert_eq!(after.entries, feed.entries);
    assert_eq!(after.changed, feed.changed);
    let version = sql(&url, "SELECT version FROM portalfeed_schema").await;
    assert_eq!(version.len(), 1);
    assert_eq!(version[0].get::<_, i64>(0), super::schema::VERSION);
}

#[tokio::test]
async fn a_newer_schema_refuses_to_start_and_a_bad_url_says_where() {
    let Some((_pg, url)) = server("newer") else {
        return;
    };
    drop(expect(PostgresStore::open(&url).await));
    sql(&url, "UPDATE portalfeed_schema SET version = 99").await;
    match PostgresStore::open(&url).await {
        Err(StoreError::TooNew { found: 99, .. }) => {}
        other => panic!("expected TooNew, got {other:?}"),
    }
    let nobody = url.replace("/newer", "/no_such_database");
    let e = PostgresStore::open(&nobody)
        .await
        .map(|_| ())
        .expect_err("no such database");
    assert!(
        e.to_string().contains("no_such_database") && !e.to_string().contains("password"),
        "{e}"
    );
    let e = PostgresStore::open("postgres://x@127.0.0.1:notaport/db")
        .await
        .map(|_| ())
        .expect_err("bad URL");
    assert!(e.to_string().contains("bad PostgreSQL URL"), "{e}");
}

#[tokio::test]
async fn a_scrape_writes_only_the_entries_it_changed() {
    let Some((_pg, url)) = server("writes") else {
        return;
    };
    let store = expect(PostgresStore::open(&url).await);
    exec(
        &url,
        "CREATE TABLE writes (n bigint NOT NULL);
         INSERT INTO writes VALUES (0);
         CREATE FUNCTION count_write() RETURNS trigger AS
             $$ BEGIN UPDATE writes SET n = n + 1; RETURN NULL; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER w AFTER INSERT OR UPDATE OR DELETE ON entries
             FOR EACH ROW EXECUTE FUNCTION count_write();",
    )
    .await;
    let writes = || async { sql(&url, "SELECT n FROM writes").await[0].get::<_, i64>(0) };
    let k = key("w");
    let t0 = Utc::now();
    let list = vec![entry(1, "one"), entry(2, "two"), entry(3, "three")];
    expect(store.merge(&k, scraped(list.clone(), 10, t0)).await);
    assert_eq!(writes().await, 3);
    let t1 = t0 + chrono::Duration::minutes(15);
    let out = expect(store.merge(&k, scraped(list.clone(), 10, t1)).await);
    assert!(!out.changed());
    assert_eq!(writes().await, 3, "an unchanged rescrape writes no entry");
    let mut changed = list;
    changed[1].title = "two, corrected".to_owned();
    expect(store.merge(&k, scraped(changed.clone(), 10, t1)).await);
    assert_eq!(writes().await, 4, "one changed entry, one row");
    let mut more = changed;
    more.push(entry(4, "four"));
    let out = expect(store.merge(&k, scraped(more, 3, t1)).await);
    assert_eq!((out.new, out.total), (1, 3));
    assert_eq!(writes().await, 6, "one insert, one trimmed delete");
    let health = expect(store.summary(&k).await).unwrap_or_default();
    assert_eq!(health.health.scrapes, 4);
}

/// Two stores on one database stand for two instances.
#[tokio::test]
async fn leases_give_a_section_to_one_instance_and_expire_on_their_own() {
    let Some((_pg, url)) = server("leases") else {
        return;
    };
    let a = expect(PostgresStore::open(&url).await);
    let b = expect(PostgresStore::open(&url).await);
    assert_ne!(a.instance(), b.instance());
    let k = key("l");
    let hold = Duration::from_secs(60);
    assert_eq!(
        expect(a.take_lease(&k, LeaseKind::Scheduled, hold).await),
        Lease::Granted
    );
    match expect(b.take_lease(&k, LeaseKind::Scheduled, hold).await) {
        Lease::Busy { retry_in } => assert!(
            retry_in > Duration::from_secs(50) && retry_in <= hold,
            "{retry_in:?}"
        ),
        Lease::Granted => panic!("two instances hold one lease"),
    }
    assert!(
        matches!(
            expect(b.take_lease(&k, LeaseKind::Now, hold).await),
            Lease::Busy { .. }
        ),
        "an admin's scrape-now waits for a running scrape too"
    );
    assert!(expect(a.renew_lease(&k, hold).await));
    // Done: due again in an hour, for everyone; an admin may still scrape now.
    expect(a.release_lease(&k, Duration::from_secs(3600)).await);
    match expect(b.take_lease(&k, LeaseKind::Scheduled, hold).await) {
        Lease::Busy { retry_in } => assert!(retry_in > Duration::from_secs(3500), "{retry_in:?}"),
        Lease::Granted => panic!("scraped again within its interval"),
    }
    let short = Duration::from_millis(300);
    assert_eq!(
        expect(b.take_lease(&k, LeaseKind::Now, short).await),
        Lease::Granted
    );
    // b dies without renewing: its lease runs out by itself.
    assert!(matches!(
        expect(a.take_lease(&k, LeaseKind::Now, hold).await),
        Lease::Busy { .. }
    ));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        expect(a.take_lease(&k, LeaseKind::Now, hold).await),
        Lease::Granted
    );
    assert!(!expect(b.renew_lease(&k, hold).await), "b lost it");
    // Removing the section drops its lease.
    expect(
        a.merge(&k, scraped(vec![entry(1, "one")], 10, Utc::now()))
            .await,
    );
    assert!(expect(a.remove(&k).await));
    assert!(sql(&url, "SELECT 1 FROM leases").await.is_empty());
}

/// The next change from `rx` within 5 s.
async fn next_change(rx: &mut tokio::sync::broadcast::Receiver<StoreChange>) -> StoreChange {
    expect(
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .map_err(|_| "no change announced within 5 s"),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn changes_are_announced_to_the_other_instances() {
    let Some((_pg, url)) = server("notify") else {
        return;
    };
    let a = expect(PostgresStore::open(&url).await);
    let b = expect(PostgresStore::open(&url).await);
    let mut from_a = b.changes().unwrap_or_else(|| unreachable!());
    let mut own = a.changes().unwrap_or_else(|| unreachable!());
    // The listeners start with the stores: wait until both listen.
    for _ in 0..100 {
        let n = sql(
            &url,
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
        )
        .await;
        if n[0].get::<_, i64>(0) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let now = Utc::now();
    let list = vec![entry(1, "one")];
    expect(a.merge(&key("x"), scraped(list.clone(), 10, now)).await);
    assert_eq!(
        next_change(&mut from_a).await,
        StoreChange::Section(key("x"))
    );
    // An unchanged rescrape announces nothing; the next change is y's.
    expect(a.merge(&key("x"), scraped(list.clone(), 10, now)).await);
    expect(
        a.record_failure(
            &key("x"),
            "down".to_owned(),
            crate::store::Attempt::new(now, 1),
        )
        .await,
    );
    expect(a.merge(&key("y"), scraped(list, 10, now)).await);
    assert_eq!(
        next_change(&mut from_a).await,
        StoreChange::Section(key("y"))
    );
    assert!(
        own.try_recv().is_err(),
        "an instance is not told its own changes"
    );
    // A lost listening connection comes back and says changes may be missed.
    sql(
        &url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
    )
    .await;
    assert_eq!(next_change(&mut from_a).await, StoreChange::All);
    expect(a.remove(&key("y")).await);
    loop {
        match next_change(&mut from_a).await {
            StoreChange::All => continue,
            other => {
                assert_eq!(other, StoreChange::Section(key("y")));
                break;
            }
        }
    }
}
