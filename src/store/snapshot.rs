//! The JSON snapshot (`store.json`) earlier versions wrote: read once, to
//! import it into the database, never written.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Health;
use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, SectionId, SiteId};

/// The snapshot format earlier versions wrote.
const SNAPSHOT_VERSION: u32 = 1;

pub(crate) const FILE: &str = "store.json";

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file was unreadable, corrupt or from another format version; it
    /// was moved aside and the store starts empty.
    #[error(
        "snapshot {path} could not be used ({reason}); moved to {moved_to} and starting with an empty store"
    )]
    SetAside {
        /// The snapshot.
        path: PathBuf,
        /// Where it was moved.
        moved_to: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// Reading failed.
    #[error("snapshot {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// One section as the snapshot holds it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SectionData {
    /// Newest first, at most `max_items`.
    pub entries: Vec<Entry>,
    /// Validators of the first list page.
    pub list_validators: Option<Validators>,
    /// Scrape history.
    pub health: Health,
    /// When the entries last changed.
    pub changed: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct Header {
    version: u32,
}

#[derive(Deserialize)]
struct SnapshotIn {
    sections: Vec<SectionIn>,
}

#[derive(Deserialize)]
struct SectionIn {
    site: SiteId,
    section: SectionId,
    data: SectionData,
}

/// The snapshot file inside `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Loads the snapshot in `dir`; `Ok(None)` when there is none.
pub(crate) fn load(dir: &Path) -> Result<Option<HashMap<SectionKey, SectionData>>, SnapshotError> {
    let path = path_in(dir);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SnapshotError::Io { path, source }),
    };
    let parsed = serde_json::from_slice::<Header>(&bytes)
        .map_err(|e| format!("not a snapshot: {e}"))
        .and_then(|h| {
            if h.version == SNAPSHOT_VERSION {
                serde_json::from_slice::<SnapshotIn>(&bytes)
                    .map_err(|e| format!("corrupt snapshot: {e}"))
            } else {
                Err(format!(
                    "format version {} (this portalfeed reads {SNAPSHOT_VERSION})",
                    h.version
                ))
            }
        });
    match parsed {
        Ok(snap) => Ok(Some(
            snap.sections
                .into_iter()
                .map(|s| ((s.site, s.section), s.data))
                .collect(),
        )),
        Err(reason) => {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
            let moved_to = dir.join(format!("{FILE}.bad-{stamp}"));
            fs::rename(&path, &moved_to).map_err(|source| SnapshotError::Io {
                path: path.clone(),
                source,
            })?;
            Err(SnapshotError::SetAside {
                path,
                moved_to,
                reason,
            })
        }
    }
}
