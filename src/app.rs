//! Wiring: load the config, open the store, start the scheduler and the
//! HTTP server, shut down gracefully.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::cache::FeedCache;
use crate::catalog::SectionKey;
use crate::config::{self, Config};
use crate::fetch::Fetcher;
use crate::metrics::Metrics;
use crate::scheduler::{OnChange, RunReport, Scheduler, Scraping};
use crate::store::{self, Store, StoreChange, StoreFuture, StoreStatus, Summaries};
use crate::{http, reload};

/// The application: the config in force and every part, wired. The parts
/// get narrow handles (the scheduler its [`Scraping`], the feed route the
/// [`FeedCache`], the status pages a [`http::StatusView`]); the admin API
/// and reloads use the whole.
#[derive(Debug)]
pub struct AppState {
    config: RwLock<Arc<Config>>,
    /// Entries and health per section.
    pub store: Arc<dyn Store>,
    /// Rendered feeds.
    pub feeds: Arc<FeedCache>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// The HTTP client for portals.
    pub fetcher: Fetcher,
    /// The section tasks.
    pub scheduler: Scheduler,
    /// When the service started.
    pub started: DateTime<Utc>,
    /// Where the config came from (reloads read it again).
    pub config_path: Option<PathBuf>,
    /// The last failed reload, shown on `/healthz`.
    pub config_error: RwLock<Option<String>>,
    /// The admin API's token and edit lock (`None`: the admin API is off).
    pub admin: Option<crate::admin::Admin>,
    /// `/healthz` and `/` as last rendered.
    kept: http::kept::KeptPages,
}

impl OnChange for FeedCache {
    fn section_changed(&self, key: &SectionKey) {
        FeedCache::section_changed(self, key);
    }
}

impl AppState {
    /// A state for `config` with an already opened store.
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        config_path: Option<PathBuf>,
    ) -> Result<Arc<Self>> {
        let admin = crate::admin::Admin::from_env(config.server.admin_token_env.as_deref());
        Self::with_admin(config, store, config_path, admin)
    }

    /// A state whose admin side is given (not read from the environment).
    pub fn with_admin(
        config: Config,
        store: Arc<dyn Store>,
        config_path: Option<PathBuf>,
        admin: Option<crate::admin::Admin>,
    ) -> Result<Arc<Self>> {
        let fetcher = Fetcher::new(config.server.max_concurrent_fetches)
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))?;
        let metrics = Arc::new(Metrics::default());
        let feeds = Arc::new(FeedCache::new(
            &config,
            store.clone(),
            metrics.clone(),
            config.server.cache_size,
        ));
        let scheduler = Scheduler::new(Scraping {
            store: store.clone(),
            fetcher: fetcher.clone(),
            changes: feeds.clone(),
            metrics: metrics.clone(),
            lease: config.store.lease,
        });
        Ok(Arc::new(Self {
            config: RwLock::new(Arc::new(config)),
            store,
            feeds,
            metrics,
            fetcher,
            scheduler,
            started: Utc::now(),
            config_path,
            config_error: RwLock::new(None),
            admin,
            kept: http::kept::KeptPages::default(),
        }))
    }

    /// Every section's summary (empty, and logged, when the store cannot
    /// be read).
    pub async fn summaries(&self) -> Summaries {
        self.store.summaries().await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "store summaries unreadable");
            Summaries::new()
        })
    }

    /// The config in force.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Puts `config` in force: reindexes the feeds, drops rendered feeds,
    /// makes the scheduler match it and forgets removed sections.
    pub fn install(&self, config: Config) -> (Vec<SectionKey>, Vec<SectionKey>) {
        let config = Arc::new(config);
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config.clone();
        self.feeds.install(&config);
        let (started, removed) = self.scheduler.apply(&config);
        if !removed.is_empty() {
            let store = self.store.clone();
            let gone = removed.clone();
            tokio::spawn(async move {
                for key in &gone {
                    if let Err(e) = store.remove(key).await {
                        tracing::error!(
                            section = %format!("{}/{}", key.0, key.1),
                            error = %e,
                            "removed section not deleted from the store"
                        );
                    }
                }
            });
        }
        (started, removed)
    }

    /// Scrapes `key` now with the config in force (`None`: no such
    /// scraped section).
    pub async fn scrape_now(&self, key: &SectionKey) -> Option<RunReport> {
        let config = self.config();
        self.scheduler.scrape_now(&config, key).await
    }

    /// The HTTP side: the feed route's handles and every other route
    /// (status pages; the admin API when it is on), mounted here.
    pub fn http(self: &Arc<Self>) -> http::Http {
        let feeds = http::feed::Feeds {
            cache: self.feeds.clone(),
            metrics: self.metrics.clone(),
        };
        let view: Arc<dyn http::StatusView> = self.clone();
        let router = http::routes(view, feeds.clone());
        let router = if self.admin.is_some() {
            router.merge(
                crate::admin::routes(self.clone())
                    .layer(tower_http::limit::RequestBodyLimitLayer::new(
                        http::BODY_LIMIT,
                    ))
                    .with_state(self.clone()),
            )
        } else {
            router.merge(crate::admin::off_routes().with_state(self.clone()))
        };
        http::Http {
            feeds,
            router,
            pacer: Arc::default(),
        }
    }
}

impl http::StatusView for AppState {
    fn config(&self) -> Arc<Config> {
        AppState::config(self)
    }

    fn config_error(&self) -> Option<String> {
        self.config_error
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn summaries(&self) -> StoreFuture<'_, Summaries> {
        self.store.summaries()
    }

    fn store_status(&self) -> StoreStatus {
        self.store.status()
    }

    fn next_scrape(&self, key: &SectionKey) -> Option<DateTime<Utc>> {
        self.scheduler.next_scrape(key)
    }

    fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    fn fetch_stats(&self) -> crate::fetch::FetchStats {
        self.fetcher.stats()
    }

    fn admin_enabled(&self) -> bool {
        self.admin.is_some()
    }

    fn kept(&self) -> &http::kept::KeptPages {
        &self.kept
    }
}

/// A running service (used by `serve`, `demo` and the tests).
#[derive(Debug)]
pub struct Service {
    /// Shared state.
    pub state: Arc<AppState>,
    /// Where it listens.
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    watcher: Option<JoinHandle<()>>,
    follower: Option<JoinHandle<()>>,
}

impl Service {
    /// Opens the store, binds `config.server.listen`, starts the scheduler
    /// and the server.
    pub async fn start(config: Config, config_path: Option<PathBuf>) -> Result<Self> {
        let admin = crate::admin::Admin::from_env(config.server.admin_token_env.as_deref());
        Self::start_with(config, config_path, admin).await
    }

    /// Like [`Service::start`], with the admin side given instead of read
    /// from the environment variable the config names.
    pub async fn start_with(
        mut config: Config,
        config_path: Option<PathBuf>,
        admin: Option<crate::admin::Admin>,
    ) -> Result<Self> {
        let store = store::open(&config)
            .await
            .map_err(|e| anyhow::anyhow!("{e}\nrefusing to start"))?;
        let listen = config.server.listen;
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        if config.server.public_url.port() == Some(0) {
            // An ephemeral listen port: self links use the real one.
            let _ = config.server.public_url.set_port(Some(addr.port()));
        }
        let state = AppState::with_admin(config, store, config_path, admin)?;
        state.scheduler.apply(&state.config());
        let follower = state
            .store
            .changes()
            .map(|changes| tokio::spawn(follow_changes(state.feeds.clone(), changes)));
        let (stop, stopped) = watch::channel(false);
        let server = tokio::spawn(http::serve(listener, state.http(), stopped));
        let watcher = state
            .config_path
            .clone()
            .map(|path| reload::spawn_watcher(state.clone(), path));
        tracing::info!(%addr, "listening");
        Ok(Self {
            state,
            addr,
            stop,
            server,
            watcher,
            follower,
        })
    }

    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, stops the scheduler
    /// (everything stored is committed already).
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.stop.send(true);
        if let Some(w) = &self.watcher {
            w.abort();
        }
        if let Some(f) = &self.follower {
            f.abort();
        }
        self.state.scheduler.stop_all();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.server).await;
        Ok(())
    }
}

/// Drops the renderings that other instances' committed changes affect (a
/// store shared by several instances announces them).
async fn follow_changes(feeds: Arc<FeedCache>, mut changes: broadcast::Receiver<StoreChange>) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match changes.recv().await {
            Ok(StoreChange::Section(key)) => feeds.section_changed(&key),
            Ok(StoreChange::All) | Err(RecvError::Lagged(_)) => feeds.clear(),
            Err(RecvError::Closed) => return,
        }
    }
}

/// Waits for SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// `portalfeed serve`.
pub async fn serve(path: &Path) -> Result<()> {
    let config = config::load(path).map_err(|e| anyhow::anyhow!("{e}\nrefusing to start"))?;
    let service = Service::start(config, Some(path.to_path_buf())).await?;
    crate::banner::announce(&service);
    shutdown_signal().await;
    tracing::info!("shutting down");
    service.shutdown().await
}
