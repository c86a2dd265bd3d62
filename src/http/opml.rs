//! `GET /opml`: the feeds for a reader to import, each entry in exactly one
//! of them. Readers keep one copy of an entry id (newsboat) or show it twice
//! (most others), so a group's merged feed and its children's feeds must not
//! both be listed.
//!
//! - `/opml`: every leaf section's feed, in folders: one per site, one per
//!   group inside it (nested as the groups are).
//! - `/opml?merged=1`: the merged feeds instead: per site folder, the feed of
//!   each top-level group (it merges its children) and of each top-level
//!   section. Together they hold every entry of the site once, like the site
//!   feed, which is listed when the site has nothing to merge but itself (one
//!   top-level section or group).

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::fmt::Write;

use super::View;
use super::pages::escape;
use crate::config::spec::{SectionSpec, SiteSpec};
use crate::render::Format;

/// `?merged=1`.
#[derive(Debug, Default, Deserialize)]
pub struct OpmlQuery {
    /// `1`/`true`: the merged feeds instead of the leaves.
    #[serde(default)]
    merged: Option<String>,
}

impl OpmlQuery {
    fn merged(&self) -> bool {
        matches!(self.merged.as_deref(), Some("1" | "true" | "yes"))
    }
}

/// `GET /opml[?merged=1]`.
pub async fn opml(State(view): State<View>, Query(q): Query<OpmlQuery>) -> Response {
    let config = view.config();
    let body = render(config.server.base_url(), &config.sites, q.merged());
    ([(header::CONTENT_TYPE, "text/x-opml; charset=utf-8")], body).into_response()
}

/// The OPML document for `sites`, links under `base`.
pub fn render(base: &str, sites: &[SiteSpec], merged: bool) -> String {
    let title = if merged {
        "portalfeed feeds (merged)"
    } else {
        "portalfeed feeds"
    };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head><title>{title}</title></head>\n<body>\n"
    );
    for site in sites {
        let tops: Vec<&SectionSpec> = site
            .sections
            .iter()
            .filter(|s| s.parent.is_none())
            .collect();
        if merged && tops.len() == 1 {
            feed(
                &mut out,
                1,
                &site.title,
                &site.id.to_string(),
                site.url.as_str(),
                base,
            );
            continue;
        }
        folder_open(&mut out, 1, &site.title);
        for section in tops {
            if merged {
                section_feed(&mut out, 2, base, site, section);
            } else {
                leaves(&mut out, 2, base, site, section);
            }
        }
        folder_close(&mut out, 1);
    }
    out.push_str("</body>\n</opml>\n");
    out
}

/// A leaf's feed, or a group's folder holding its children's.
fn leaves(out: &mut String, depth: usize, base: &str, site: &SiteSpec, section: &SectionSpec) {
    if !section.is_group() {
        section_feed(out, depth, base, site, section);
        return;
    }
    let children: Vec<&SectionSpec> = site.children(&section.id).collect();
    if children.is_empty() {
        return;
    }
    folder_open(out, depth, &section.title);
    for child in children {
        leaves(out, depth + 1, base, site, child);
    }
    folder_close(out, depth);
}

fn section_feed(out: &mut String, depth: usize, base: &str, site: &SiteSpec, s: &SectionSpec) {
    let html = s.source.as_ref().map_or(&site.url, |src| &src.url);
    feed(
        out,
        depth,
        &s.title,
        &format!("{}/{}", site.id, s.id),
        html.as_str(),
        base,
    );
}

fn feed(out: &mut String, depth: usize, title: &str, path: &str, html: &str, base: &str) {
    let _ = writeln!(
        out,
        "{}<outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{}\" htmlUrl=\"{}\"/>",
        "  ".repeat(depth),
        escape(&format!("{base}/feeds/{path}.{}", Format::Rss.extension())),
        escape(html),
        t = escape(title)
    );
}

fn folder_open(out: &mut String, depth: usize, title: &str) {
    let _ = writeln!(
        out,
        "{}<outline text=\"{t}\" title=\"{t}\">",
        "  ".repeat(depth),
        t = escape(title)
    );
}

fn folder_close(out: &mut String, depth: usize) {
    let _ = writeln!(out, "{}</outline>", "  ".repeat(depth));
}
