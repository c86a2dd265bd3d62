//! Rows of `sections` and `entries`, read and written. Times are RFC 3339
//! text (exact, offset kept), lists `text[]`, so `psql` shows them as they
//! are.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use tokio_postgres::{GenericClient, Row};

use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, EntryId, SectionId, SiteId};
use crate::store::{Health, MergePlan, StoreError, Summaries, Summary};

const ENTRY_COLUMNS: &str = "id, url, title, summary, content_html, author, published, \
     first_seen, updated, categories, image, position";

const SECTION_COLUMNS: &str = "site, section, last_success, last_attempt, last_error, \
     consecutive_failures, scrapes, failures, last_new, last_seen, last_duration_ms, warnings, \
     changed, entry_count";

/// A query error, with what the server said.
pub fn db(e: tokio_postgres::Error) -> StoreError {
    StoreError::Database(describe(&e))
}

/// `e` with the server's message (tokio-postgres' own says `db error`).
pub fn describe(e: &tokio_postgres::Error) -> String {
    match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(d), _) => format!("{}: {}", d.severity(), d.message()),
        (None, Some(source)) => format!("{e}: {source}"),
        (None, None) => e.to_string(),
    }
}

fn bad(table: &'static str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::BadRow {
        table,
        reason: reason.to_string(),
    }
}

fn text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn utc(table: &'static str, s: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .map_err(|e| bad(table, format!("time `{s}`: {e}")))
    })
    .transpose()
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn key_of(site: &str, section: &str) -> Result<SectionKey, StoreError> {
    match (SiteId::new(site), SectionId::new(section)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(bad("sections", format!("bad key `{site}/{section}`"))),
    }
}

/// The entry in the columns of `row` from `at` on (in [`ENTRY_COLUMNS`] order).
fn entry(row: &Row, at: usize) -> Result<Entry, StoreError> {
    let get = |i: usize| -> Result<Option<String>, StoreError> {
        row.try_get(at + i).map_err(|e| bad("entries", e))
    };
    let need = |i: usize| -> Result<String, StoreError> {
        row.try_get(at + i).map_err(|e| bad("entries", e))
    };
    let published = get(6)?
        .map(|s| {
            DateTime::<FixedOffset>::parse_from_rfc3339(&s)
                .map_err(|e| bad("entries", format!("published `{s}`: {e}")))
        })
        .transpose()?;
    Ok(Entry {
        id: EntryId(need(0)?),
        url: need(1)?,
        title: need(2)?,
        summary: get(3)?,
        content_html: get(4)?,
        author: get(5)?,
        published,
        first_seen: utc("entries", Some(need(7)?))?.unwrap_or_default(),
        updated: utc("entries", Some(need(8)?))?.unwrap_or_default(),
        categories: row.try_get(at + 9).map_err(|e| bad("entries", e))?,
        image: get(10)?,
        position: u32::try_from(
            row.try_get::<_, i64>(at + 11)
                .map_err(|e| bad("entries", e))?,
        )
        .unwrap_or_default(),
    })
}

/// A section row (in [`SECTION_COLUMNS`] order) as its key and summary.
fn summary(row: &Row) -> Result<(SectionKey, Summary), StoreError> {
    let e = |e: tokio_postgres::Error| bad("sections", e);
    let site: String = row.try_get(0).map_err(e)?;
    let section: String = row.try_get(1).map_err(e)?;
    let health = Health {
        last_success: utc("sections", row.try_get(2).map_err(e)?)?,
        last_attempt: utc("sections", row.try_get(3).map_err(e)?)?,
        last_error: row.try_get(4).map_err(e)?,
        consecutive_failures: u32::try_from(row.try_get::<_, i32>(5).map_err(e)?).unwrap_or(0),
        scrapes: count(row.try_get(6).map_err(e)?),
        failures: count(row.try_get(7).map_err(e)?),
        last_new: count(row.try_get(8).map_err(e)?) as usize,
        last_seen: count(row.try_get(9).map_err(e)?) as usize,
        last_duration_ms: count(row.try_get(10).map_err(e)?),
        warnings: row.try_get(11).map_err(e)?,
    };
    let summary = Summary {
        health,
        changed: utc("sections", row.try_get(12).map_err(e)?)?,
        entries: count(row.try_get(13).map_err(e)?) as usize,
    };
    Ok((key_of(&site, &section)?, summary))
}

/// Every section's summary.
pub async fn summaries(c: &impl GenericClient) -> Result<Summaries, StoreError> {
    let rows = c
        .query(&format!("SELECT {SECTION_COLUMNS} FROM sections"), &[])
        .await
        .map_err(db)?;
    rows.iter().map(summary).collect()
}

/// One section's summary; `lock` takes its row for the transaction.
pub async fn summary_of(
    c: &impl GenericClient,
    key: &SectionKey,
    lock: bool,
) -> Result<Option<Summary>, StoreError> {
    let sql = format!(
        "SELECT {SECTION_COLUMNS} FROM sections WHERE site = $1 AND section = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let row = c
        .query_opt(&sql, &[&key.0.as_str(), &key.1.as_str()])
        .await
        .map_err(db)?;
    row.map(|r| summary(&r).map(|(_, s)| s)).transpose()
}

/// Creates `key`'s row when missing, then reads it locked for the
/// transaction (a concurrent writer of the same section waits).
pub async fn lock_section(c: &impl GenericClient, key: &SectionKey) -> Result<Summary, StoreError> {
    c.execute(
        "INSERT INTO sections (site, section) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&key.0.as_str(), &key.1.as_str()],
    )
    .await
    .map_err(db)?;
    Ok(summary_of(c, key, true).await?.unwrap_or_default())
}

/// The entries of one section (in no particular order).
pub async fn section_entries(
    c: &impl GenericClient,
    key: &SectionKey,
) -> Result<Vec<Entry>, StoreError> {
    let rows = c
        .query(
            &format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE site = $1 AND section = $2"),
            &[&key.0.as_str(), &key.1.as_str()],
        )
        .await
        .map_err(db)?;
    rows.iter().map(|r| entry(r, 0)).collect()
}

/// The entries of `keys` and the `changed` time of each of them.
pub async fn feed_rows(
    c: &impl GenericClient,
    keys: &[SectionKey],
) -> Result<(Vec<Entry>, Vec<Option<DateTime<Utc>>>), StoreError> {
    let sites: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    let sections: Vec<&str> = keys.iter().map(|k| k.1.as_str()).collect();
    let rows = c
        .query(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM entries \
                 JOIN unnest($1::text[], $2::text[]) AS k (site, section) USING (site, section)"
            ),
            &[&sites, &sections],
        )
        .await
        .map_err(db)?;
    let entries = rows.iter().map(|r| entry(r, 0)).collect::<Result<_, _>>()?;
    let rows = c
        .query(
            "SELECT changed FROM sections \
             JOIN unnest($1::text[], $2::text[]) AS k (site, section) USING (site, section)",
            &[&sites, &sections],
        )
        .await
        .map_err(db)?;
    let changed = rows
        .iter()
        .map(|r| utc("sections", r.try_get(0).map_err(|e| bad("sections", e))?))
        .collect::<Result<_, _>>()?;
    Ok((entries, changed))
}

/// Every entry of `site`, with its section.
pub async fn site_entries(
    c: &impl GenericClient,
    site: &SiteId,
) -> Result<Vec<(SectionId, Entry)>, StoreError> {
    let rows = c
        .query(
            &format!("SELECT section, {ENTRY_COLUMNS} FROM entries WHERE site = $1"),
            &[&site.as_str()],
        )
        .await
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            let section: String = r.try_get(0).map_err(|e| bad("entries", e))?;
            let section = SectionId::new(&section)
                .ok_or_else(|| bad("entries", format!("bad section `{section}`")))?;
            Ok((section, entry(r, 1)?))
        })
        .collect()
}

/// Every entry of `site` by id, `key`'s own copy winning.
pub async fn known_entries_of_site(
    c: &impl GenericClient,
    key: &SectionKey,
) -> Result<HashMap<EntryId, Entry>, StoreError> {
    let mut own = Vec::new();
    let mut out = HashMap::new();
    for (section, e) in site_entries(c, &key.0).await? {
        if section == key.1 {
            own.push(e);
        } else {
            out.insert(e.id.clone(), e);
        }
    }
    for e in own {
        out.insert(e.id.clone(), e);
    }
    Ok(out)
}

/// The validators of `key`'s first list page.
pub async fn validators(
    c: &impl GenericClient,
    key: &SectionKey,
) -> Result<Option<Validators>, StoreError> {
    let row = c
        .query_opt(
            "SELECT etag, last_modified FROM sections WHERE site = $1 AND section = $2",
            &[&key.0.as_str(), &key.1.as_str()],
        )
        .await
        .map_err(db)?;
    row.map(|r| {
        Ok(Validators {
            etag: r.try_get(0).map_err(|e| bad("sections", e))?,
            last_modified: r.try_get(1).map_err(|e| bad("sections", e))?,
        })
    })
    .transpose()
}

/// Writes `key`'s section row (it exists: see [`lock_section`]): health,
/// `changed`, the entry count, and the validators when given.
pub async fn put_section(
    c: &impl GenericClient,
    key: &SectionKey,
    summary: &Summary,
    validators: Option<&Validators>,
) -> Result<(), StoreError> {
    let h = &summary.health;
    let failures_in_a_row = i32::try_from(h.consecutive_failures).unwrap_or(i32::MAX);
    c.execute(
        "UPDATE sections SET last_success = $3, last_attempt = $4, last_error = $5, \
         consecutive_failures = $6, scrapes = $7, failures = $8, last_new = $9, \
         last_seen = $10, last_duration_ms = $11, warnings = $12, changed = $13, \
         entry_count = $14, \
         etag = CASE WHEN $15 THEN $16 ELSE etag END, \
         last_modified = CASE WHEN $15 THEN $17 ELSE last_modified END \
         WHERE site = $1 AND section = $2",
        &[
            &key.0.as_str(),
            &key.1.as_str(),
            &h.last_success.map(text),
            &h.last_attempt.map(text),
            &h.last_error,
            &failures_in_a_row,
            &big(h.scrapes),
            &big(h.failures),
            &big(h.last_new as u64),
            &big(h.last_seen as u64),
            &big(h.last_duration_ms),
            &h.warnings,
            &summary.changed.map(text),
            &big(summary.entries as u64),
            &validators.is_some(),
            &validators.and_then(|v| v.etag.as_deref()),
            &validators.and_then(|v| v.last_modified.as_deref()),
        ],
    )
    .await
    .map_err(db)?;
    Ok(())
}

/// Inserts or replaces one entry of `key`.
async fn put_entry(c: &impl GenericClient, key: &SectionKey, e: &Entry) -> Result<(), StoreError> {
    c.execute(
        &format!(
            "INSERT INTO entries (site, section, {ENTRY_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (site, section, id) DO UPDATE SET url = $4, title = $5, summary = $6, \
             content_html = $7, author = $8, published = $9, first_seen = $10, updated = $11, \
             categories = $12, image = $13, position = $14"
        ),
        &[
            &key.0.as_str(),
            &key.1.as_str(),
            &e.id.as_str(),
            &e.url,
            &e.title,
            &e.summary,
            &e.content_html,
            &e.author,
            &e.published
                .map(|p| p.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            &text(e.first_seen),
            &text(e.updated),
            &e.categories,
            &e.image,
            &i64::from(e.position),
        ],
    )
    .await
    .map_err(db)?;
    Ok(())
}

/// Writes a merge plan's rows: its new and changed entries, and deletes
/// the trimmed ones.
pub async fn apply_plan(
    c: &impl GenericClient,
    key: &SectionKey,
    plan: &MergePlan,
) -> Result<(), StoreError> {
    for e in &plan.upserts {
        put_entry(c, key, e).await?;
    }
    if !plan.deletes.is_empty() {
        let ids: Vec<&str> = plan.deletes.iter().map(|id| id.as_str()).collect();
        c.execute(
            "DELETE FROM entries WHERE site = $1 AND section = $2 AND id = ANY($3)",
            &[&key.0.as_str(), &key.1.as_str(), &ids],
        )
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Deletes a section, its entries (by cascade) and its lease; true when
/// it existed.
pub async fn delete_section(c: &impl GenericClient, key: &SectionKey) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "DELETE FROM sections WHERE site = $1 AND section = $2",
            &[&key.0.as_str(), &key.1.as_str()],
        )
        .await
        .map_err(db)?;
    c.execute(
        "DELETE FROM leases WHERE site = $1 AND section = $2",
        &[&key.0.as_str(), &key.1.as_str()],
    )
    .await
    .map_err(db)?;
    Ok(n > 0)
}
