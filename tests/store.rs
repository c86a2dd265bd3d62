//! The store on a real database.

mod common;

use common::pg::TestPg;

#[tokio::test]
async fn a_throwaway_postgres_answers_and_goes_away() {
    let Some(pg) = TestPg::start() else { return };
    let url = pg.create_db("smoke");
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connect to the throwaway server");
    let conn = tokio::spawn(conn);
    let row = client
        .query_one("SELECT current_database(), inet_server_port()", &[])
        .await
        .expect("query");
    assert_eq!(row.get::<_, String>(0), "smoke");
    assert_eq!(row.get::<_, i32>(1), i32::from(pg.port()));
    drop(client);
    let _ = conn.await;
    let port = pg.port();
    drop(pg);
    assert!(
        tokio_postgres::connect(
            &format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            tokio_postgres::NoTls
        )
        .await
        .is_err(),
        "the server stops with its guard"
    );
}
