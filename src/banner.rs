//! What `serve` and `demo` print once they listen: one copyable URL per
//! line (the index, OPML, health, the admin page when it is on, then every
//! feed in each format), and the log line that names the admin page.

use std::io::Write;

use crate::app::Service;
use crate::render::Format;

/// Writes the service's URLs to `out`.
pub fn write_urls(out: &mut impl Write, service: &Service) -> std::io::Result<()> {
    let config = service.state.config();
    let base = config.server.base_url();
    writeln!(out, "index:  {base}/")?;
    writeln!(out, "OPML:   {base}/opml")?;
    writeln!(out, "health: {base}/healthz")?;
    if service.state.admin.is_some() {
        writeln!(out, "admin:  {base}/admin")?;
    }
    writeln!(out, "feeds:")?;
    for def in service.state.feeds.live().feeds.defs() {
        for format in Format::ALL {
            writeln!(
                out,
                "  {base}/feeds/{}.{}",
                def.meta.path,
                format.extension()
            )?;
        }
    }
    out.flush()
}

/// Prints the URLs on stdout and logs where the admin page is (or how to
/// turn it on).
pub fn announce(service: &Service) {
    let config = service.state.config();
    let base = config.server.base_url();
    if service.state.admin.is_some() {
        tracing::info!(url = %format!("{base}/admin"), "admin page on");
    } else {
        let how = crate::admin::how_to_turn_on(config.server.admin_token_env.as_deref());
        tracing::info!("{how}");
    }
    if let Err(e) = write_urls(&mut std::io::stdout().lock(), service) {
        tracing::warn!(error = %e, "cannot print the feed URLs");
    }
}
