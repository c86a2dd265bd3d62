//! The store on disk: one JSON file written atomically (temp file, fsync,
//! rename, fsync of the directory), so a crash mid-write leaves the previous
//! snapshot whole.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::SectionData;
use crate::catalog::SectionKey;
use crate::model::{SectionId, SiteId};

/// The snapshot format written by this version.
pub const SNAPSHOT_VERSION: u32 = 1;

const FILE: &str = "store.json";

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
    /// Reading or writing failed.
    #[error("snapshot {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

#[derive(Serialize)]
struct SnapshotOut<'a> {
    version: u32,
    sections: Vec<SectionOut<'a>>,
}

#[derive(Serialize)]
struct SectionOut<'a> {
    site: &'a SiteId,
    section: &'a SectionId,
    data: &'a SectionData,
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

/// Writes the snapshot to `dir` atomically.
pub(crate) fn save(
    dir: &Path,
    sections: &HashMap<SectionKey, SectionData>,
) -> Result<(), SnapshotError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SnapshotError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let mut list: Vec<SectionOut<'_>> = sections
        .iter()
        .map(|((site, section), data)| SectionOut {
            site,
            section,
            data,
        })
        .collect();
    list.sort_by(|a, b| (a.site, a.section).cmp(&(b.site, b.section)));
    let snap = SnapshotOut {
        version: SNAPSHOT_VERSION,
        sections: list,
    };
    let tmp = dir.join(format!("{FILE}.tmp"));
    let file = File::create(&tmp).map_err(io(&tmp))?;
    let mut w = BufWriter::new(file);
    serde_json::to_writer(&mut w, &snap).map_err(|e| SnapshotError::Io {
        path: tmp.clone(),
        source: std::io::Error::other(e),
    })?;
    let file = w.into_inner().map_err(|e| SnapshotError::Io {
        path: tmp.clone(),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(io(&tmp))?;
    drop(file);
    let path = path_in(dir);
    fs::rename(&tmp, &path).map_err(io(&path))?;
    // Make the rename itself durable.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
