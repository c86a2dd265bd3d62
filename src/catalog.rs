//! Which feeds exist: a site, a section or a group, resolved to the
//! sections whose entries it merges and the metadata it renders with.

use chrono::{DateTime, Utc};

use crate::config::spec::{Config, SectionSpec, SiteSpec};
use crate::model::{SectionId, SiteId};
use crate::render::FeedMeta;

/// A scraped section, named by site and section.
pub type SectionKey = (SiteId, SectionId);

/// One feed: what it merges and how it presents itself.
#[derive(Debug, Clone)]
pub struct FeedDef {
    /// Metadata for the renderers.
    pub meta: FeedMeta,
    /// The sections whose entries the feed merges.
    pub sections: Vec<SectionKey>,
    /// The most entries the feed shows.
    pub max_items: usize,
    /// The shortest interval among its sections (for `Cache-Control`).
    pub interval: std::time::Duration,
}

/// Resolves `site` or `site/section` (`section = None` for a site feed).
pub fn feed(config: &Config, site: &str, section: Option<&str>) -> Option<FeedDef> {
    let site = config.site(site)?;
    let (title, description, home_url, path, members) = match section {
        None => (
            site.title.clone(),
            format!("Every section of {}", site.title),
            site.url.to_string(),
            site.id.to_string(),
            site.sections
                .iter()
                .filter(|s| !s.is_group())
                .collect::<Vec<_>>(),
        ),
        Some(id) => {
            let sec = site.section(id)?;
            (
                format!("{}: {}", site.title, sec.title),
                format!("{} ({}), as scraped by portalfeed", sec.title, site.title),
                sec.source
                    .as_ref()
                    .map_or_else(|| site.url.to_string(), |s| s.url.to_string()),
                format!("{}/{}", site.id, sec.id),
                site.scraped_sections_under(&sec.id),
            )
        }
    };
    Some(def_for(
        config,
        site,
        members,
        FeedText {
            title,
            description,
            home_url,
            path,
        },
    ))
}

struct FeedText {
    title: String,
    description: String,
    home_url: String,
    path: String,
}

fn def_for(
    config: &Config,
    site: &SiteSpec,
    members: Vec<&SectionSpec>,
    text: FeedText,
) -> FeedDef {
    let interval = members
        .iter()
        .map(|s| s.settings.interval)
        .min()
        .unwrap_or(site.settings.interval);
    let max_items = members
        .iter()
        .map(|s| s.settings.max_items)
        .max()
        .unwrap_or(site.settings.max_items);
    FeedDef {
        meta: FeedMeta {
            title: text.title,
            description: text.description,
            path: text.path,
            home_url: text.home_url,
            public_url: config.server.public_url.clone(),
            language: site.language.clone(),
            ttl_minutes: interval.as_secs().div_ceil(60).max(1),
            author: site.title.clone(),
            fallback_updated: DateTime::<Utc>::UNIX_EPOCH,
        },
        sections: members
            .into_iter()
            .map(|s| (site.id.clone(), s.id.clone()))
            .collect(),
        max_items,
        interval,
    }
}

/// Every feed of the config: each site, then each of its sections, in file order.
pub fn all_feeds(config: &Config) -> Vec<(SiteId, Option<SectionId>)> {
    let mut out = Vec::new();
    for site in &config.sites {
        out.push((site.id.clone(), None));
        for sec in &site.sections {
            out.push((site.id.clone(), Some(sec.id.clone())));
        }
    }
    out
}

/// Every feed of one config by path, numbered, so a request finds its feed
/// without allocating and the render cache keys are plain integers.
#[derive(Debug, Default)]
pub struct FeedIndex {
    /// Bumped by each config reload; part of every cache key.
    pub epoch: u32,
    by_path: std::collections::HashMap<Box<str>, u32>,
    defs: Vec<FeedDef>,
    by_section: std::collections::HashMap<SectionKey, Vec<u32>>,
}

impl FeedIndex {
    /// Indexes every feed of `config`.
    pub fn build(config: &Config, epoch: u32) -> Self {
        let mut index = Self {
            epoch,
            ..Self::default()
        };
        for (site, section) in all_feeds(config) {
            let Some(def) = feed(
                config,
                site.as_str(),
                section.as_ref().map(SectionId::as_str),
            ) else {
                continue;
            };
            let slot = u32::try_from(index.defs.len()).unwrap_or(u32::MAX);
            index
                .by_path
                .insert(def.meta.path.clone().into_boxed_str(), slot);
            for key in &def.sections {
                index.by_section.entry(key.clone()).or_default().push(slot);
            }
            index.defs.push(def);
        }
        index
    }

    /// The slot of `site` or `site/section`.
    #[inline]
    pub fn lookup(&self, path: &str) -> Option<u32> {
        self.by_path.get(path).copied()
    }

    /// The feed in `slot`.
    pub fn def(&self, slot: u32) -> Option<&FeedDef> {
        self.defs.get(slot as usize)
    }

    /// Every feed that merges `key`.
    pub fn slots_for(&self, key: &SectionKey) -> Vec<u32> {
        self.by_section.get(key).cloned().unwrap_or_default()
    }

    /// Every feed, in index order.
    pub fn defs(&self) -> &[FeedDef] {
        &self.defs
    }
}
