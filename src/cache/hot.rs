//! The hot table: the current rendering of each feed without `?limit`, by
//! slot and format, found with one read lock and no hashing.

use std::sync::Arc;

use super::Rendered;
use crate::render::Format;

/// The renderings of each feed without `?limit`, by slot and format: what
/// almost every request asks for, found with one read lock and no hashing.
/// Each slot has a generation, bumped when its feed changes, so a render
/// that started before the change is never installed after it.
#[derive(Debug, Default)]
pub struct HotTable {
    slots: Vec<HotSlot>,
}

#[derive(Debug, Default)]
struct HotSlot {
    generation: std::sync::atomic::AtomicU64,
    formats: [std::sync::RwLock<Option<Arc<Rendered>>>; 3],
}

fn format_index(format: Format) -> usize {
    match format {
        Format::Rss => 0,
        Format::Atom => 1,
        Format::Json => 2,
    }
}

impl HotTable {
    /// A table for `n` feeds.
    pub fn new(n: usize) -> Self {
        Self {
            slots: (0..n).map(|_| HotSlot::default()).collect(),
        }
    }

    /// The current rendering of `slot` in `format`, if any.
    #[inline]
    pub fn get(&self, slot: u32, format: Format) -> Option<Arc<Rendered>> {
        let s = self.slots.get(slot as usize)?;
        s.formats[format_index(format)]
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The generation of `slot` (read before rendering it).
    pub fn generation(&self, slot: u32) -> u64 {
        self.slots.get(slot as usize).map_or(0, |s| {
            s.generation.load(std::sync::atomic::Ordering::Acquire)
        })
    }

    /// Installs `rendered` unless `slot` changed since `generation` was read.
    pub fn fill(&self, slot: u32, format: Format, generation: u64, rendered: Arc<Rendered>) {
        let Some(s) = self.slots.get(slot as usize) else {
            return;
        };
        let mut cell = s.formats[format_index(format)]
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if s.generation.load(std::sync::atomic::Ordering::Acquire) == generation {
            *cell = Some(rendered);
        }
    }

    /// Forgets the renderings of `slots` and bumps their generations.
    pub fn invalidate(&self, slots: &[u32]) {
        for &slot in slots {
            if let Some(s) = self.slots.get(slot as usize) {
                s.generation
                    .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                for cell in &s.formats {
                    *cell.write().unwrap_or_else(|e| e.into_inner()) = None;
                }
            }
        }
    }

    /// Forgets `rendered` if it is still `slot`'s rendering in `format`
    /// (the byte-bounded cache evicted it).
    pub fn evict(&self, slot: u32, format: Format, rendered: &Arc<Rendered>) {
        if let Some(s) = self.slots.get(slot as usize) {
            let mut cell = s.formats[format_index(format)]
                .write()
                .unwrap_or_else(|e| e.into_inner());
            if cell.as_ref().is_some_and(|r| Arc::ptr_eq(r, rendered)) {
                *cell = None;
            }
        }
    }

    /// Bytes the renderings held here weigh (see [`Rendered::weight`]).
    pub fn weight(&self) -> u64 {
        self.slots
            .iter()
            .flat_map(|s| s.formats.iter())
            .filter_map(|c| {
                c.read()
                    .unwrap_or_else(|e| e.into_inner())
                    .as_ref()
                    .map(|r| u64::from(r.weight()))
            })
            .sum()
    }
}
