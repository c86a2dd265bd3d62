//! Change announcements between instances: a commit that changes a
//! section's entries sends `NOTIFY portalfeed_changes, '<instance> <site>/<section>'`
//! in its transaction (delivered when it commits); every instance keeps one
//! connection that `LISTEN`s and passes other instances' changes on. A lost
//! connection is opened again (with backoff) and then announces
//! [`StoreChange::All`], as changes may have been missed meanwhile.

use std::time::Duration;

use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, GenericClient, NoTls, Notification};

use super::rows::db;
use crate::catalog::SectionKey;
use crate::model::{SectionId, SiteId};
use crate::store::{StoreChange, StoreError};

/// The channel.
pub const CHANNEL: &str = "portalfeed_changes";

/// Announces (at commit) that `key` changed, from `instance`.
pub async fn announce(
    c: &impl GenericClient,
    instance: &str,
    key: &SectionKey,
) -> Result<(), StoreError> {
    let payload = format!("{instance} {}/{}", key.0, key.1);
    c.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
        .await
        .map_err(db)?;
    Ok(())
}

/// The section a notification names, unless it came from `instance`.
fn parse(n: &Notification, instance: &str) -> Option<SectionKey> {
    let (from, key) = n.payload().split_once(' ')?;
    if from == instance {
        return None;
    }
    let (site, section) = key.split_once('/')?;
    Some((SiteId::new(site)?, SectionId::new(section)?))
}

/// Listens until the task is aborted, sending what other instances
/// announce to `changes`.
pub fn spawn(
    config: tokio_postgres::Config,
    instance: String,
    changes: broadcast::Sender<StoreChange>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(100);
        let mut listened_before = false;
        loop {
            let mut listening = false;
            match listen(
                &config,
                &instance,
                &changes,
                listened_before,
                &mut listening,
            )
            .await
            {
                Ok(()) => tracing::warn!("store change listener: connection closed"),
                Err(e) => tracing::warn!(
                    error = %super::rows::describe(&e),
                    "store change listener: connection lost"
                ),
            }
            if listening {
                listened_before = true;
                backoff = Duration::from_millis(100);
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(10));
        }
    })
}

/// One connection's life: `LISTEN`, then pass notifications on until it
/// ends. `missed_some`: an earlier connection was lost, announce `All`.
async fn listen(
    config: &tokio_postgres::Config,
    instance: &str,
    changes: &broadcast::Sender<StoreChange>,
    missed_some: bool,
    listening: &mut bool,
) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Notification>();
    // The connection must be polled for the LISTEN below to complete and
    // for notifications to arrive.
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                None => return Ok(()),
                Some(Err(e)) => return Err(e),
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if tx.send(n).is_err() {
                        return Ok(());
                    }
                }
                Some(Ok(_)) => {}
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    if missed_some {
        let _ = changes.send(StoreChange::All);
    }
    *listening = true;
    tracing::debug!("store change listener: listening");
    while let Some(n) = rx.recv().await {
        if let Some(key) = parse(&n, instance) {
            let _ = changes.send(StoreChange::Section(key));
        }
    }
    drop(client);
    match driver.await {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}
