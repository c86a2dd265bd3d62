//! Hot reload: the config file is watched (and `SIGHUP` reloads too); a valid
//! new config is applied as a difference, an invalid one is refused, logged
//! with every error, shown on `/healthz`, and the old one keeps running.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::app::AppState;
use crate::catalog::SectionKey;
use crate::config::{self, ConfigErrors};

/// What a successful reload changed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Applied {
    /// Sections started or restarted (new or changed).
    pub started: Vec<String>,
    /// Sections removed.
    pub removed: Vec<String>,
}

fn labels(keys: &[SectionKey]) -> Vec<String> {
    keys.iter().map(|(a, b)| format!("{a}/{b}")).collect()
}

/// Reads the config file again and applies it if valid.
pub async fn reload(state: &Arc<AppState>) -> Result<Applied, ConfigErrors> {
    let Some(path) = state.config_path.clone() else {
        return Ok(Applied::default());
    };
    // Serialized with admin edits: a reload that read the file before an
    // admin save must not apply that older text after it.
    let _edit = match state.admin.as_ref() {
        Some(admin) => Some(admin.edit_lock.lock().await),
        None => None,
    };
    let loaded = tokio::task::spawn_blocking(move || config::load(&path))
        .await
        .unwrap_or_else(|e| {
            Err(ConfigErrors(vec![config::ConfigError {
                file: String::new(),
                line: 0,
                col: 0,
                path: String::new(),
                message: format!("reload task failed: {e}"),
                hint: None,
            }]))
        });
    apply(state, loaded)
}

/// Applies a loaded config (or records why it was refused).
pub fn apply(
    state: &Arc<AppState>,
    loaded: Result<config::Config, ConfigErrors>,
) -> Result<Applied, ConfigErrors> {
    match loaded {
        Ok(mut new) => {
            let old = state.config();
            // Where the service listens and keeps its data cannot change live.
            if new.server.listen != old.server.listen || new.server.data_dir != old.server.data_dir
            {
                tracing::warn!(
                    "server.listen and server.data_dir changes take effect at the next restart"
                );
            }
            new.server.listen = old.server.listen;
            new.server.data_dir = old.server.data_dir.clone();
            new.server.public_url = old.server.public_url.clone();
            let (started, removed) = state.install(new);
            *state
                .config_error
                .write()
                .unwrap_or_else(|e| e.into_inner()) = None;
            let applied = Applied {
                started: labels(&started),
                removed: labels(&removed),
            };
            tracing::info!(started = ?applied.started, removed = ?applied.removed, "config reloaded");
            Ok(applied)
        }
        Err(errors) => {
            for e in &errors.0 {
                tracing::error!(error = %e, "config reload refused; the previous config keeps running");
            }
            *state
                .config_error
                .write()
                .unwrap_or_else(|e| e.into_inner()) = Some(errors.to_string());
            Err(errors)
        }
    }
}

/// Watches `path` (through its directory, so editors that replace the file
/// are seen) and reloads on change, debounced; also reloads on `SIGHUP`.
/// Runs until the returned handle is aborted.
pub fn spawn_watcher(state: Arc<AppState>, path: PathBuf) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let (tx, mut rx) = mpsc::unbounded_channel::<()>();
        let watcher = make_watcher(&path, tx.clone());
        if let Err(e) = &watcher {
            tracing::warn!(error = %e, path = %path.display(), "config file not watched; SIGHUP still reloads");
        }
        #[cfg(unix)]
        {
            let tx = tx.clone();
            tokio::spawn(async move {
                let Ok(mut hup) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                else {
                    return;
                };
                while hup.recv().await.is_some() {
                    if tx.send(()).is_err() {
                        return;
                    }
                }
            });
        }
        while rx.recv().await.is_some() {
            // Debounce: editors write in bursts.
            tokio::time::sleep(Duration::from_millis(250)).await;
            while rx.try_recv().is_ok() {}
            let _ = reload(&state).await;
        }
        drop(watcher);
    })
}

fn make_watcher(
    path: &Path,
    tx: mpsc::UnboundedSender<()>,
) -> notify::Result<notify::RecommendedWatcher> {
    let file_name = path.file_name().map(|n| n.to_os_string());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if event.kind.is_access() {
            return;
        }
        let ours = event
            .paths
            .iter()
            .any(|p| p.file_name().map(|n| n.to_os_string()) == file_name);
        if ours {
            let _ = tx.send(());
        }
    })?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    Ok(watcher)
}
