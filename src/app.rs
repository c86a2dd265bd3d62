//! Wiring: load the config and the store, start the scheduler and the HTTP
//! server, write the snapshot, shut down gracefully.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::cache::{HotTable, RenderCache};
use crate::catalog::{FeedIndex, SectionKey};
use crate::config::{self, Config};
use crate::fetch::Fetcher;
use crate::metrics::Metrics;
use crate::scheduler::Scheduler;
use crate::store::Store;
use crate::{http, reload};

/// Bytes of rendered feeds the cache may hold.
const CACHE_BYTES: u64 = 256 * 1024 * 1024;

/// The config in force and the feeds it defines.
#[derive(Debug)]
pub struct Live {
    /// The config.
    pub config: Arc<Config>,
    /// Its feeds, indexed.
    pub feeds: FeedIndex,
    /// The current renderings of its feeds (no `?limit`).
    pub hot: HotTable,
}

impl Live {
    fn new(config: Arc<Config>, epoch: u32) -> Self {
        let feeds = FeedIndex::build(&config, epoch);
        let hot = HotTable::new(feeds.defs().len());
        Self { config, feeds, hot }
    }
}

/// Everything the handlers and the scheduler share.
#[derive(Debug)]
pub struct AppState {
    live: RwLock<Arc<Live>>,
    /// Entries and health per section.
    pub store: Arc<Store>,
    /// Rendered feeds.
    pub cache: RenderCache,
    /// Counters.
    pub metrics: Metrics,
    /// The HTTP client for portals.
    pub fetcher: Fetcher,
    /// The section tasks.
    pub scheduler: Scheduler,
    /// When the service started (`Last-Modified` of feeds never scraped).
    pub started: DateTime<Utc>,
    /// Where the config came from (reloads read it again).
    pub config_path: Option<PathBuf>,
    /// The last failed reload, shown on `/healthz`.
    pub config_error: RwLock<Option<String>>,
    /// The admin API's token and edit lock (`None`: the admin API is off).
    pub admin: Option<crate::admin::Admin>,
    snapshot_due: Notify,
}

impl AppState {
    /// A state for `config` with an already opened store.
    pub fn new(config: Config, store: Store, config_path: Option<PathBuf>) -> Result<Arc<Self>> {
        let admin = crate::admin::Admin::from_env(config.server.admin_token_env.as_deref());
        Self::with_admin(config, store, config_path, admin)
    }

    /// A state whose admin side is given (not read from the environment).
    pub fn with_admin(
        config: Config,
        store: Store,
        config_path: Option<PathBuf>,
        admin: Option<crate::admin::Admin>,
    ) -> Result<Arc<Self>> {
        let fetcher = Fetcher::new(config.server.max_concurrent_fetches)
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))?;
        Ok(Arc::new(Self {
            live: RwLock::new(Arc::new(Live::new(Arc::new(config), 0))),
            store: Arc::new(store),
            cache: RenderCache::new(CACHE_BYTES),
            metrics: Metrics::default(),
            fetcher,
            scheduler: Scheduler::default(),
            started: Utc::now(),
            config_path,
            config_error: RwLock::new(None),
            admin,
            snapshot_due: Notify::new(),
        }))
    }

    /// The config and feed index in force.
    #[inline]
    pub fn live(&self) -> Arc<Live> {
        self.live.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Runs `f` on the config and feeds in force without cloning them (the
    /// feed hot path).
    #[inline]
    pub fn with_live<R>(&self, f: impl FnOnce(&Live) -> R) -> R {
        f(&self.live.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The config in force.
    pub fn config(&self) -> Arc<Config> {
        self.live().config.clone()
    }

    /// Puts `config` in force: reindexes the feeds, drops rendered feeds,
    /// and makes the scheduler match it.
    pub fn install(self: &Arc<Self>, config: Config) -> (Vec<SectionKey>, Vec<SectionKey>) {
        let epoch = self.live().feeds.epoch.wrapping_add(1);
        let config = Arc::new(config);
        *self.live.write().unwrap_or_else(|e| e.into_inner()) =
            Arc::new(Live::new(config.clone(), epoch));
        self.cache.clear();
        let (started, removed) = self.scheduler.apply(self, &config);
        for key in &removed {
            self.store.remove(key);
        }
        if !removed.is_empty() {
            self.snapshot_due.notify_one();
        }
        (started, removed)
    }

    /// A section's data changed: drop the renderings of every feed that
    /// shows it (when its entries changed) and schedule a snapshot.
    pub fn section_changed(&self, key: &SectionKey, entries_changed: bool) {
        if entries_changed {
            let live = self.live();
            let slots = live.feeds.slots_for(key);
            live.hot.invalidate(&slots);
            self.cache.invalidate_slots(slots);
        }
        self.snapshot_due.notify_one();
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
    snapshots: JoinHandle<()>,
    watcher: Option<JoinHandle<()>>,
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
        let (store, problem) = Store::open(config.server.data_dir.clone());
        if let Some(problem) = problem {
            tracing::warn!(%problem, "snapshot not loaded");
        }
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
        let config = state.config();
        state.scheduler.apply(&state, &config);
        let (stop, stopped) = watch::channel(false);
        let snapshots = tokio::spawn(snapshot_writer(state.clone(), stopped.clone()));
        let server = tokio::spawn(http::serve(listener, state.clone(), stopped));
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
            snapshots,
            watcher,
        })
    }

    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, stops the scheduler
    /// and writes the snapshot.
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.stop.send(true);
        if let Some(w) = &self.watcher {
            w.abort();
        }
        self.state.scheduler.stop_all();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.server).await;
        let _ = self.snapshots.await;
        let store = self.state.store.clone();
        tokio::task::spawn_blocking(move || store.save())
            .await
            .context("snapshot task")?
            .context("writing the snapshot")?;
        Ok(())
    }
}

async fn snapshot_writer(state: Arc<AppState>, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = state.snapshot_due.notified() => {}
            _ = stopped.changed() => return,
        }
        // Let a burst of changes settle into one write.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let store = state.store.clone();
        match tokio::task::spawn_blocking(move || store.save()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "snapshot not written"),
            Err(e) => tracing::error!(error = %e, "snapshot task failed"),
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
