//! The command line: `serve`, `demo`, `check`, `scrape`, `suggest`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

use crate::config::{self, Overrides};
use crate::render::{self, Format};
use crate::scrape::{self, Previous, ScrapeOptions, ScrapeOutcome, ScrapeReport};
use crate::{catalog, demo, fetch};

/// Turns the sections of web portals that publish no feeds into RSS, Atom
/// and JSON feeds.
#[derive(Debug, Parser)]
#[command(name = "portalfeed", version, about)]
pub struct Cli {
    /// Log lines as text or JSON (`RUST_LOG` sets the level).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service.
    Serve {
        /// The config file.
        #[arg(long, default_value = "config/portalfeed.toml")]
        config: PathBuf,
        /// Where to listen, over `server.listen` and `PORTALFEED_LISTEN`
        /// (e.g. `0.0.0.0:8080`).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Serve the bundled fixture portal and the feeds scraped from it.
    Demo {
        /// Where the feeds are served, over `PORTALFEED_LISTEN`
        /// [default: 127.0.0.1:8080].
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Validate a config file.
    Check {
        /// The config file.
        #[arg(long, default_value = "config/portalfeed.toml")]
        config: PathBuf,
    },
    /// Scrape one section (or group) now and print its feed.
    Scrape {
        /// The config file.
        #[arg(long, default_value = "config/portalfeed.toml")]
        config: PathBuf,
        /// Scrape the bundled fixture portal with `config/demo.toml`.
        #[arg(long, conflicts_with = "config")]
        demo: bool,
        /// `SITE/SECTION` (or `SITE` for every section).
        target: String,
        /// Feed format on stdout.
        #[arg(long, value_enum, default_value_t = FormatArg::Rss)]
        format: FormatArg,
        /// Do not fetch article pages (list data only).
        #[arg(long)]
        no_articles: bool,
    },
    /// Print a complete, commented config for the list page at URL.
    Suggest(crate::suggest::cli::SuggestArgs),
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Rss => Format::Rss,
            FormatArg::Atom => Format::Atom,
            FormatArg::Json => Format::Json,
        }
    }
}

/// The binary's whole work: parse the command line, set up logging, run
/// the command on a multi-threaded runtime. (In the library, so the
/// binary's crate is a one-line `main` and its generic code is built once.)
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal: a file, a pipe or a container
        // log gets plain text.
        .with_ansi(std::io::stderr().is_terminal());
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("portalfeed: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("portalfeed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a parsed command line; errors are printed by the caller.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve { config, listen } => {
            install_overrides(listen.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}\nrefusing to start"))?;
            crate::app::serve(&config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { listen } => {
            let overrides = Overrides::from_env(listen.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}\nrefusing to start"))?;
            demo::run(overrides).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config } => match install_overrides(None) {
            Ok(()) => Ok(check(&config)),
            Err(e) => {
                eprintln!("{e}");
                Ok(ExitCode::FAILURE)
            }
        },
        Command::Scrape {
            config,
            demo,
            target,
            format,
            no_articles,
        } => scrape_cmd(&config, demo, &target, format.into(), no_articles).await,
        Command::Suggest(args) => crate::suggest::cli::run(&args).await,
    }
}

/// Reads the settings given from outside the file (`--listen`,
/// `PORTALFEED_*`) and makes every config read apply them.
fn install_overrides(listen: Option<&str>) -> Result<(), config::overrides::OverrideErrors> {
    let overrides = Overrides::from_env(listen)?;
    for line in overrides.describe() {
        tracing::info!("{line}");
    }
    config::overrides::install(overrides);
    Ok(())
}

/// `check`: every error on stderr (exit 1) or a summary on stdout (exit 0).
pub fn check(path: &Path) -> ExitCode {
    match config::load(path) {
        Ok(cfg) if cfg.sites.is_empty() => {
            // Valid TOML with nothing to serve (an empty file, say) is a
            // mistake, not a config.
            eprintln!(
                "{}:1:1: sites: no sites configured (hint: add a [[sites]] table with at least \
                 one section; config/portalfeed.toml has a commented example)",
                path.display()
            );
            eprintln!("{}: 1 error", path.display());
            ExitCode::FAILURE
        }
        Ok(cfg) => {
            println!("{}: ok: {}", path.display(), cfg.summary());
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!(
                "{}: {} error{}",
                path.display(),
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}

async fn scrape_cmd(
    path: &Path,
    use_demo: bool,
    target: &str,
    format: Format,
    no_articles: bool,
) -> Result<ExitCode> {
    let (_portal, config) = if use_demo {
        let portal = demo::FixturePortal::start()
            .await
            .context("cannot start the fixture portal")?;
        let (cfg, _) = portal.demo_config()?;
        (Some(portal), cfg)
    } else {
        let cfg = config::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        (None, cfg)
    };
    let (site_id, section_id) = match target.split_once('/') {
        Some((site, section)) => (site, Some(section)),
        None => (target, None),
    };
    let Some(def) = catalog::feed(&config, site_id, section_id) else {
        bail!("{target}: no such site or section (see `portalfeed check` for the ids)");
    };
    let fetcher = fetch::Fetcher::new(config.server.max_concurrent_fetches)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    let mut entries = Vec::new();
    let mut failed = false;
    let mut succeeded = false;
    let mut stderr = std::io::stderr().lock();
    for (site, section) in &def.sections {
        let (Some(site), Some(section)) = (
            config.site(site.as_str()),
            config
                .site(site.as_str())
                .and_then(|s| s.section(section.as_str())),
        ) else {
            continue;
        };
        let opts = ScrapeOptions {
            fetch_articles: section.settings.fetch_articles && !no_articles,
            now: chrono::Utc::now(),
            article_limit: usize::MAX,
        };
        let label = format!("{}/{}", site.id, section.id);
        match scrape::scrape_section(&fetcher, site, section, &Previous::default(), opts).await {
            Ok(ScrapeOutcome::Scraped(report)) => {
                write_diagnosis(&mut stderr, &label, &report)?;
                entries.extend(report.entries);
                succeeded = true;
            }
            Ok(ScrapeOutcome::NotModified) => {
                writeln!(stderr, "{label}: not modified")?;
                succeeded = true;
            }
            Err(e) => {
                failed = true;
                writeln!(stderr, "{label}: scrape failed: {e}")?;
            }
        }
    }
    if failed && !succeeded {
        // Nothing was scraped: an empty feed on stdout would pass for "no
        // entries" (PRODUCT.md: a failure, never an empty feed).
        writeln!(
            stderr,
            "{target}: no feed written ({:.2}s)",
            started.elapsed().as_secs_f64()
        )?;
        return Ok(ExitCode::FAILURE);
    }
    let mut entries = crate::store::merge_entries(entries);
    // A one-shot scrape has nothing stored: every entry is new, so its
    // `updated` is its publication time, as the store's merge gives it.
    for entry in &mut entries {
        entry.updated = entry.published.map_or(entry.first_seen, |p| p.to_utc());
    }
    entries.truncate(def.max_items);
    let bytes = render::render(format, &def.meta, &entries);
    std::io::stdout().lock().write_all(&bytes)?;
    writeln!(
        stderr,
        "{target}: {} entries in {:.2}s{}",
        entries.len(),
        started.elapsed().as_secs_f64(),
        if failed {
            " (some sections failed)"
        } else {
            ""
        }
    )?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The diagnosis of one scrape on stderr: pages, warnings, field problems.
fn write_diagnosis(
    out: &mut impl Write,
    label: &str,
    report: &ScrapeReport,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{label}: {} list page(s) fetched, {} items matched, {} entries, {} article(s) fetched",
        report.pages.len(),
        report.matched(),
        report.entries.len(),
        report.articles_fetched
    )?;
    for (i, (url, n)) in report.pages.iter().enumerate() {
        writeln!(out, "  page {}: {url}: {n} items", i + 1)?;
    }
    if report.left_out > 0 {
        writeln!(
            out,
            "  {} item(s) left out: a scrape considers the first max_items in page order",
            report.left_out
        )?;
    }
    for line in report.warning_lines() {
        writeln!(out, "  warning: {line}")?;
    }
    for line in report.problem_lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}
