//! The merge of a scrape into a section's entries, as a plan any store
//! applies: which rows to write (new or changed entries), which to delete
//! (trimmed), and what it did. Pure, so every store merges the same way.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::model::{Entry, EntryId, sort_newest_first};

/// What a merge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeOutcome {
    /// Entries not seen before.
    pub new: usize,
    /// Known entries whose content changed.
    pub updated: usize,
    /// Entries kept after the merge.
    pub total: usize,
}

impl MergeOutcome {
    /// True when the feed changed.
    pub fn changed(&self) -> bool {
        self.new > 0 || self.updated > 0
    }
}

/// The rows a merge writes.
#[derive(Debug, Default)]
pub struct MergePlan {
    /// Entries to insert or replace (new or changed, and kept).
    pub upserts: Vec<Entry>,
    /// Stored entries that fell off the end (beyond `max_items`).
    pub deletes: Vec<EntryId>,
    /// What the merge did.
    pub outcome: MergeOutcome,
    /// True when the section's entries changed (new, changed or trimmed):
    /// its `changed` time moves to the scrape time.
    pub entries_changed: bool,
}

/// Plans merging `scraped` into `stored` (a section's entries): new entries
/// are added with `first_seen` = `now` and `updated` = their publication
/// time (`now` when undated); a known entry is replaced only when its
/// content changed, keeping its `first_seen`, with `updated` = `now`;
/// entries gone from the list stay; newest first, capped at `max_items`.
pub fn plan(
    stored: Vec<Entry>,
    scraped: Vec<Entry>,
    max_items: usize,
    now: DateTime<Utc>,
) -> MergePlan {
    let mut outcome = MergeOutcome::default();
    let mut entries = stored;
    let mut index: HashMap<EntryId, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    let stored_len = entries.len();
    // Which entries (by id) this merge wrote.
    let mut written: HashSet<EntryId> = HashSet::new();
    for mut entry in scraped {
        match index.get(&entry.id) {
            Some(&i) => {
                let old = &mut entries[i];
                if old.content_differs(&entry) {
                    entry.first_seen = old.first_seen;
                    entry.updated = now;
                    *old = entry;
                    if i < stored_len && written.insert(old.id.clone()) {
                        outcome.updated += 1;
                    }
                }
            }
            None => {
                entry.first_seen = now;
                entry.updated = entry.published.map_or(now, |p| p.to_utc());
                index.insert(entry.id.clone(), entries.len());
                written.insert(entry.id.clone());
                entries.push(entry);
                outcome.new += 1;
            }
        }
    }
    sort_newest_first(&mut entries);
    let mut deletes = Vec::new();
    if entries.len() > max_items {
        for e in entries.drain(max_items..) {
            if index.get(&e.id).is_some_and(|&i| i < stored_len) {
                deletes.push(e.id);
            }
        }
    }
    outcome.total = entries.len();
    let upserts: Vec<Entry> = entries
        .into_iter()
        .filter(|e| written.contains(&e.id))
        .collect();
    MergePlan {
        entries_changed: outcome.changed() || !deletes.is_empty(),
        upserts,
        deletes,
        outcome,
    }
}

/// Deduplicates entries by id (the most recently updated wins, carrying
/// every copy's categories) and sorts them newest first. A group or site
/// feed is built with it.
pub fn merge_entries(entries: Vec<Entry>) -> Vec<Entry> {
    let mut by_id: HashMap<EntryId, Entry> = HashMap::with_capacity(entries.len());
    for e in entries {
        match by_id.get_mut(&e.id) {
            Some(old) if old.updated >= e.updated => {
                for c in e.categories {
                    if !old.categories.contains(&c) {
                        old.categories.push(c);
                    }
                }
            }
            Some(old) => {
                let cats = std::mem::take(&mut old.categories);
                *old = e;
                for c in cats {
                    if !old.categories.contains(&c) {
                        old.categories.push(c);
                    }
                }
            }
            None => {
                by_id.insert(e.id.clone(), e);
            }
        }
    }
    let mut out: Vec<Entry> = by_id.into_values().collect();
    sort_newest_first(&mut out);
    out
}
