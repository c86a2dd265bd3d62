//! After a section is saved: does its list page still yield entries? A PUT
//! whose selectors match nothing is saved (the admin asked for it), and its
//! answer says what will happen, in a `warning` field, instead of silence.

use std::time::Duration;

use chrono::Utc;

use crate::app::AppState;
use crate::scrape::{self, Previous, ScrapeError, ScrapeOptions, ScrapeOutcome};

/// Longest the check may take.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// What saving `site/section` will do, when its first list page yields no
/// entry (`None`: it does, or the section is a group).
pub async fn after_save(state: &AppState, site: &str, section: &str) -> Option<String> {
    let config = state.config();
    let site_spec = config.site(site)?;
    let mut spec = site_spec.section(section)?.clone();
    let source = spec.source.as_mut()?;
    source.pages = 1;
    let list_item = source.list.item.source.clone();
    let url = source.url.to_string();
    let opts = ScrapeOptions {
        fetch_articles: false,
        now: Utc::now(),
        article_limit: 0,
    };
    let previous = Previous::default();
    let run = scrape::scrape_section(&state.fetcher, site_spec, &spec, &previous, opts);
    let problem = match tokio::time::timeout(TIME_LIMIT, run).await {
        Err(_) => format!(
            "the list page {url} did not answer within {}s",
            TIME_LIMIT.as_secs()
        ),
        Ok(Err(ScrapeError::NothingMatched { .. })) => {
            format!("list.item `{list_item}` matches nothing on {url}")
        }
        Ok(Err(e)) => format!("the list page could not be read: {e}"),
        Ok(Ok(ScrapeOutcome::Scraped(r))) if r.entries.is_empty() => {
            format!("list.item `{list_item}` matches items on {url} but none has a usable link")
        }
        Ok(Ok(_)) => return None,
    };
    let key = (site_spec.id.clone(), spec.id.clone());
    let kept = state
        .store
        .summary(&key)
        .await
        .ok()
        .flatten()
        .map_or(0, |s| s.entries);
    let served = match kept {
        0 => "it has no entries to serve yet".to_owned(),
        1 => "its last entry stays served".to_owned(),
        n => format!("its last {n} entries stay served"),
    };
    Some(format!(
        "saved, but {problem}: {site}/{section} turns failing at its next scrape and {served} until a scrape succeeds"
    ))
}
