//! `portalfeed demo`: the embedded fixture portal on an ephemeral loopback
//! port and the service scraping it, with the config in a scratch directory
//! (so the admin page can edit it) that goes away on every way out.

use std::net::SocketAddr;

use anyhow::{Context, Result};

use super::FixturePortal;
use crate::app::{self, Service};
use crate::config::Overrides;
use crate::config::overrides::{self, Setting};

/// Where the demo listens without `--listen` or `PORTALFEED_LISTEN`.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080);

/// Runs the demo until SIGINT or SIGTERM. `overrides` gives `listen` and
/// `public_url`; the store stays in memory whatever `data_dir` says.
pub async fn run(overrides: Overrides) -> Result<()> {
    let listen = overrides
        .listen
        .as_ref()
        .map_or(DEFAULT_LISTEN, |s| s.value);
    let public_url = match &overrides.public_url {
        Some(s) => s.value.clone(),
        None => url::Url::parse(&format!("http://{listen}"))?,
    };
    // Every later read of the scratch config (reloads, admin saves) keeps
    // these, as `serve` keeps its overrides.
    overrides::install(Overrides {
        listen: Some(Setting {
            value: listen,
            from: overrides.listen.as_ref().map_or("demo", |s| s.from),
        }),
        public_url: Some(Setting {
            value: public_url.clone(),
            from: overrides.public_url.as_ref().map_or("demo", |s| s.from),
        }),
        data_dir: None,
        // The demo's store stays in memory, whatever the environment says.
        database_url: None,
    });
    // Removed when this guard drops: a normal stop, an error (a busy port)
    // or a panic.
    let scratch = tempfile::Builder::new()
        .prefix("portalfeed-demo-")
        .tempdir()
        .context("cannot create the demo's scratch directory")?;
    let portal = FixturePortal::start()
        .await
        .context("cannot start the fixture portal")?;
    let (mut config, text) = portal.demo_config()?;
    config.server.listen = listen;
    config.server.public_url = public_url;
    config.server.data_dir = None;
    let path = scratch.path().join("demo.toml");
    std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    let service = Service::start(config, Some(path.clone())).await?;
    println!("fixture portal: {}/", portal.base_url());
    println!("demo config (edited live by the admin page, removed at exit):");
    println!("  {}", path.display());
    crate::banner::announce(&service);
    app::shutdown_signal().await;
    tracing::info!("shutting down");
    let result = service.shutdown().await;
    drop(scratch);
    result
}
