//! `/`: the HTML index.

use std::fmt::Write;

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;

use super::View;
use crate::config::spec::{SectionSpec, SiteSpec};
use crate::render::Format;
use crate::store::{State as Health, Summaries};

/// Escapes text for HTML and XML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if is_stray_control(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Control characters other than tab and line breaks: they have no place
/// in a page, break XML (OPML) and are dropped from every output.
pub fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `s` without [`is_stray_control`] characters.
pub fn printable(s: &str) -> String {
    s.chars().filter(|&c| !is_stray_control(c)).collect()
}

fn feed_url(base: &str, path: &str, format: Format) -> String {
    format!("{base}/feeds/{path}.{}", format.extension())
}

/// `GET /`: every site and section tree with its feeds, health and last update.
pub async fn index(State(state): State<View>) -> Response {
    state.kept().index.answer(&state, index_page).await
}

fn index_page(state: &View, summaries: &Summaries) -> Response {
    let config = state.config();
    let base = config.server.base_url().to_owned();
    let mut head = String::new();
    let mut body = String::new();
    for site in &config.sites {
        let path = site.id.to_string();
        let _ = writeln!(
            head,
            r#"<link rel="alternate" type="application/atom+xml" title="{}" href="{}">"#,
            escape(&site.title),
            escape(&feed_url(&base, &path, Format::Atom))
        );
        let _ = writeln!(
            body,
            "<section class=\"site\"><h2>{} {}</h2><p class=\"home\"><a href=\"{}\">{}</a></p>",
            escape(&site.title),
            feed_links(&base, &path),
            escape(site.url.as_str()),
            escape(site.url.as_str())
        );
        body.push_str("<ul class=\"tree\">");
        for section in site.sections.iter().filter(|s| s.parent.is_none()) {
            section_tree(summaries, &base, site, section, &mut head, &mut body);
        }
        body.push_str("</ul></section>\n");
    }
    let admin = if state.admin_enabled() {
        format!(" · <a href=\"{base}/admin\">admin</a>")
    } else {
        String::new()
    };
    let page = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portalfeed</title>
{head}<link rel="alternate" type="text/x-opml" title="All feeds (OPML)" href="{base}/opml">
<style>{INDEX_STYLE}</style></head><body>
<h1>portalfeed</h1>
<p>Feeds of portals that publish none. <a href="{base}/opml">OPML of every feed</a> · <a href="{base}/healthz">health</a> · <a href="{base}/metrics">metrics</a>{admin}</p>
{body}</body></html>
"#
    );
    let mut r = Html(page).into_response();
    super::security::page_headers(r.headers_mut(), &super::security::INDEX_CSP);
    r
}

/// The index page's only style sheet, inline (its hash is in the page's
/// `Content-Security-Policy`).
pub const INDEX_STYLE: &str = "
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2rem}
ul.tree,ul.tree ul{list-style:none;padding-left:1.2rem} li{margin:.3rem 0}
.feeds a{font-size:.8rem;margin-left:.4rem} .meta{color:#666;font-size:.85rem}
.ok{color:#176f2c} .stale{color:#8a6d00} .failing{color:#b00020;font-weight:600} .pending{color:#666}
.error{color:#b00020;font-size:.85rem;display:block}
";

fn feed_links(base: &str, path: &str) -> String {
    let mut s = String::from("<span class=\"feeds\">");
    for f in Format::ALL {
        let _ = write!(
            s,
            "<a href=\"{}\">{}</a>",
            escape(&feed_url(base, path, f)),
            match f {
                Format::Rss => "RSS",
                Format::Atom => "Atom",
                Format::Json => "JSON",
            }
        );
    }
    s.push_str("</span>");
    s
}

fn section_tree(
    summaries: &Summaries,
    base: &str,
    site: &SiteSpec,
    section: &SectionSpec,
    head: &mut String,
    body: &mut String,
) {
    let path = format!("{}/{}", site.id, section.id);
    let _ = writeln!(
        head,
        r#"<link rel="alternate" type="application/atom+xml" title="{}: {}" href="{}">"#,
        escape(&site.title),
        escape(&section.title),
        escape(&feed_url(base, &path, Format::Atom))
    );
    let _ = write!(
        body,
        "<li><strong>{}</strong> {}",
        escape(&section.title),
        feed_links(base, &path)
    );
    if !section.is_group() {
        let key = (site.id.clone(), section.id.clone());
        let data = summaries.get(&key).cloned().unwrap_or_default();
        let health = data.health.state(section.settings.interval, Utc::now());
        let class = health_name(health);
        let updated = data.changed.map_or_else(
            || "never".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        );
        let _ = write!(
            body,
            " <span class=\"meta\"><span class=\"{class}\">{class}</span> · {} entries · updated {updated}</span>",
            data.entries
        );
        if let Some(e) = &data.health.last_error {
            let _ = write!(body, "<span class=\"error\">{}</span>", escape(e));
        }
    }
    let children: Vec<&SectionSpec> = site.children(&section.id).collect();
    if !children.is_empty() {
        body.push_str("<ul>");
        for child in children {
            section_tree(summaries, base, site, child, head, body);
        }
        body.push_str("</ul>");
    }
    body.push_str("</li>\n");
}

/// The name of a health state.
pub fn health_name(s: Health) -> &'static str {
    match s {
        Health::Pending => "pending",
        Health::Ok => "ok",
        Health::Stale => "stale",
        Health::Failing => "failing",
    }
}
