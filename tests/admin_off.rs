//! With the admin side off, `/admin` says in one line how to turn it on,
//! and the API does not exist.
#![allow(clippy::unwrap_used)]

mod common;

use portalfeed::app::Service;
use portalfeed::demo::FixturePortal;
use reqwest::StatusCode;

async fn get(http: &reqwest::Client, url: String) -> (StatusCode, String) {
    let r = http.get(url).send().await.expect("request");
    (r.status(), r.text().await.expect("body"))
}

#[tokio::test]
async fn admin_off_says_how_to_turn_it_on() {
    let portal = FixturePortal::start().await.expect("portal");
    let http = common::client();
    let cfg = common::demo_config(&portal, |t| t);
    let var = cfg
        .server
        .admin_token_env
        .clone()
        .expect("demo names a variable");
    let service = Service::start_with(cfg, None, None).await.expect("starts");
    let base = service.base_url();
    for path in ["/admin", "/admin/"] {
        let (status, body) = get(&http, format!("{base}{path}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body.lines().count(), 1, "{body}");
        assert!(
            body.contains(&format!("set the environment variable {var}"))
                && body.contains("restart"),
            "{body}"
        );
    }
    let (status, _) = get(&http, format!("{base}/api/sections")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    service.shutdown().await.expect("shutdown");

    // A config that names no variable: the line says which key to add.
    let mut cfg = common::demo_config(&portal, |t| t);
    cfg.server.admin_token_env = None;
    let service = Service::start_with(cfg, None, None).await.expect("starts");
    let (_, body) = get(&http, format!("{}/admin", service.base_url())).await;
    assert!(body.contains("server.admin_token_env"), "{body}");
    service.shutdown().await.expect("shutdown");
}
