//! `portalfeed suggest URL [--config PATH] [--id SITE/SECTION]`: the config
//! on stdout, the candidates weighed on stderr, exit 1 with a reason when
//! the page has no list.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use url::Url;

use super::{SuggestOptions, suggest};
use crate::config::spec::Settings;
use crate::{config, fetch};

/// The arguments of `suggest`.
#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// The section's first list page.
    pub url: String,
    /// Print a fragment to paste into this config (its site reused when the
    /// host matches) instead of a whole file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The ids to give the site and section, as `SITE/SECTION`.
    #[arg(long)]
    pub id: Option<String>,
}

/// Runs `suggest`.
pub async fn run(args: &SuggestArgs) -> Result<ExitCode> {
    let url = Url::parse(args.url.trim())
        .with_context(|| format!("{}: not an absolute URL", args.url))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("{url}: only http and https pages can be suggested");
    }
    let ids = match &args.id {
        None => None,
        Some(id) => {
            let Some((site, section)) = id.split_once('/') else {
                bail!("--id {id}: write SITE/SECTION, e.g. hengyang/local");
            };
            let ok = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            };
            if !ok(site) || !ok(section) {
                bail!("--id {id}: ids are [a-z0-9-]+");
            }
            Some((site.to_owned(), section.to_owned()))
        }
    };
    let existing = match &args.config {
        None => None,
        Some(path) => {
            let cfg = config::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
            Some((cfg, path.display().to_string()))
        }
    };
    let mut settings = existing
        .as_ref()
        .map(|(cfg, _)| super::settings_for(cfg, &url))
        .unwrap_or_else(Settings::default);
    // The URL was typed by the person running the command: a loopback or
    // private address is what they mean (the config written says so too).
    if super::site::is_private(&url) {
        settings.allow_private = true;
    }
    let opts = SuggestOptions {
        ids,
        settings,
        existing,
    };
    let fetcher = fetch::Fetcher::new(2).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut stderr = std::io::stderr().lock();
    match suggest(&fetcher, &url, &opts).await {
        Ok(s) => {
            for line in &s.report {
                writeln!(stderr, "{line}")?;
            }
            std::io::stdout().lock().write_all(s.text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            writeln!(stderr, "portalfeed suggest: {e}")?;
            Ok(ExitCode::FAILURE)
        }
    }
}
