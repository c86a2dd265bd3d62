//! Rows of the two tables, `sections` and `entries`, read and written.
//! Times are RFC 3339 text and lists JSON arrays, so `sqlite3` shows them
//! as they are.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::catalog::SectionKey;
use crate::fetch::Validators;
use crate::model::{Entry, EntryId, SectionId, SiteId};
use crate::store::{Health, MergePlan, StoreError, Summaries, Summary};

const ENTRY_COLUMNS: &str = "id, url, title, summary, content_html, author, published, \
     first_seen, updated, categories, image, position";

fn utc_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn bad(table: &'static str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::BadRow {
        table,
        reason: reason.to_string(),
    }
}

fn utc(table: &'static str, s: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .map_err(|e| bad(table, format!("time `{s}`: {e}")))
    })
    .transpose()
}

fn key_of(site: String, section: String) -> Result<SectionKey, StoreError> {
    match (SiteId::new(&site), SectionId::new(&section)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(bad("sections", format!("bad key `{site}/{section}`"))),
    }
}

/// The raw columns of an entry row, converted outside rusqlite's closure.
struct EntryRow {
    id: String,
    url: String,
    title: String,
    summary: Option<String>,
    content_html: Option<String>,
    author: Option<String>,
    published: Option<String>,
    first_seen: String,
    updated: String,
    categories: String,
    image: Option<String>,
    position: i64,
}

impl EntryRow {
    fn read(r: &Row<'_>, at: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(at)?,
            url: r.get(at + 1)?,
            title: r.get(at + 2)?,
            summary: r.get(at + 3)?,
            content_html: r.get(at + 4)?,
            author: r.get(at + 5)?,
            published: r.get(at + 6)?,
            first_seen: r.get(at + 7)?,
            updated: r.get(at + 8)?,
            categories: r.get(at + 9)?,
            image: r.get(at + 10)?,
            position: r.get(at + 11)?,
        })
    }

    fn into_entry(self) -> Result<Entry, StoreError> {
        let published = self
            .published
            .map(|s| {
                DateTime::<FixedOffset>::parse_from_rfc3339(&s)
                    .map_err(|e| bad("entries", format!("published `{s}`: {e}")))
            })
            .transpose()?;
        let first_seen = utc("entries", Some(self.first_seen))?.unwrap_or_default();
        let updated = utc("entries", Some(self.updated))?.unwrap_or_default();
        let categories = serde_json::from_str(&self.categories)
            .map_err(|e| bad("entries", format!("categories: {e}")))?;
        Ok(Entry {
            id: EntryId(self.id),
            url: self.url,
            title: self.title,
            summary: self.summary,
            content_html: self.content_html,
            author: self.author,
            published,
            first_seen,
            updated,
            categories,
            image: self.image,
            position: u32::try_from(self.position).unwrap_or_default(),
        })
    }
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// Every section's summary, read once at start.
pub fn load_summaries(conn: &Connection) -> Result<Summaries, StoreError> {
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    {
        let mut q = conn
            .prepare("SELECT site, section, count(*) FROM entries GROUP BY site, section")
            .map_err(db)?;
        let rows = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?)))
            .map_err(db)?;
        for row in rows {
            let (site, section, n) = row.map_err(db)?;
            counts.insert((site, section), usize::try_from(n).unwrap_or(0));
        }
    }
    let mut q = conn
        .prepare(
            "SELECT site, section, last_success, last_attempt, last_error, consecutive_failures, \
             scrapes, failures, last_new, last_seen, last_duration_ms, warnings, changed \
             FROM sections",
        )
        .map_err(db)?;
    type Raw = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        String,
        Option<String>,
    );
    let rows = q
        .query_map([], |r| {
            Ok::<Raw, _>((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .map_err(db)?;
    let mut out = Summaries::new();
    for row in rows {
        let (site, section, ls, la, le, cf, sc, fa, ln, lseen, ld, warnings, changed) =
            row.map_err(db)?;
        let entries = counts.remove(&(site.clone(), section.clone())).unwrap_or(0);
        let health = Health {
            last_success: utc("sections", ls)?,
            last_attempt: utc("sections", la)?,
            last_error: le,
            consecutive_failures: u32::try_from(cf).unwrap_or(0),
            scrapes: u64::try_from(sc).unwrap_or(0),
            failures: u64::try_from(fa).unwrap_or(0),
            last_new: usize::try_from(ln).unwrap_or(0),
            last_seen: usize::try_from(lseen).unwrap_or(0),
            last_duration_ms: u64::try_from(ld).unwrap_or(0),
            warnings: serde_json::from_str(&warnings)
                .map_err(|e| bad("sections", format!("warnings: {e}")))?,
        };
        out.insert(
            key_of(site, section)?,
            Summary {
                health,
                entries,
                changed: utc("sections", changed)?,
            },
        );
    }
    Ok(out)
}

/// The entries of one section (in no particular order).
pub fn section_entries(conn: &Connection, key: &SectionKey) -> Result<Vec<Entry>, StoreError> {
    let mut q = conn
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE site = ?1 AND section = ?2"
        ))
        .map_err(db)?;
    let rows = q
        .query_map(params![key.0.as_str(), key.1.as_str()], |r| {
            EntryRow::read(r, 0)
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row.map_err(db)?.into_entry()?);
    }
    Ok(out)
}

/// Every entry of `site`, with its section.
pub fn site_entries(
    conn: &Connection,
    site: &SiteId,
) -> Result<Vec<(SectionId, Entry)>, StoreError> {
    let mut q = conn
        .prepare_cached(&format!(
            "SELECT section, {ENTRY_COLUMNS} FROM entries WHERE site = ?1"
        ))
        .map_err(db)?;
    let rows = q
        .query_map(params![site.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, EntryRow::read(r, 1)?))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (section, row) = row.map_err(db)?;
        let section = SectionId::new(&section)
            .ok_or_else(|| bad("entries", format!("bad section `{section}`")))?;
        out.push((section, row.into_entry()?));
    }
    Ok(out)
}

/// The validators of `key`'s first list page.
pub fn validators(conn: &Connection, key: &SectionKey) -> Result<Option<Validators>, StoreError> {
    conn.prepare_cached("SELECT etag, last_modified FROM sections WHERE site = ?1 AND section = ?2")
        .map_err(db)?
        .query_row(params![key.0.as_str(), key.1.as_str()], |r| {
            Ok(Validators {
                etag: r.get(0)?,
                last_modified: r.get(1)?,
            })
        })
        .optional()
        .map_err(db)
}

/// Writes `key`'s section row (health, `changed`, and the validators when
/// given; kept otherwise).
pub fn put_section(
    conn: &Connection,
    key: &SectionKey,
    summary: &Summary,
    validators: Option<&Validators>,
) -> rusqlite::Result<()> {
    let h = &summary.health;
    let warnings = serde_json::to_string(&h.warnings).unwrap_or_else(|_| "[]".to_owned());
    let i = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mut q = conn.prepare_cached(
        "INSERT INTO sections (site, section, last_success, last_attempt, last_error, \
         consecutive_failures, scrapes, failures, last_new, last_seen, last_duration_ms, \
         warnings, etag, last_modified, changed) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
         ON CONFLICT (site, section) DO UPDATE SET last_success = ?3, last_attempt = ?4, \
         last_error = ?5, consecutive_failures = ?6, scrapes = ?7, failures = ?8, \
         last_new = ?9, last_seen = ?10, last_duration_ms = ?11, warnings = ?12, \
         etag = CASE WHEN ?16 THEN ?13 ELSE etag END, \
         last_modified = CASE WHEN ?16 THEN ?14 ELSE last_modified END, changed = ?15",
    )?;
    q.execute(params![
        key.0.as_str(),
        key.1.as_str(),
        h.last_success.map(utc_text),
        h.last_attempt.map(utc_text),
        h.last_error,
        h.consecutive_failures,
        i(h.scrapes),
        i(h.failures),
        i(h.last_new as u64),
        i(h.last_seen as u64),
        i(h.last_duration_ms),
        warnings,
        validators.and_then(|v| v.etag.as_deref()),
        validators.and_then(|v| v.last_modified.as_deref()),
        summary.changed.map(utc_text),
        validators.is_some(),
    ])?;
    Ok(())
}

/// Inserts or replaces one entry of `key`.
pub fn put_entry(conn: &Connection, key: &SectionKey, e: &Entry) -> rusqlite::Result<()> {
    let categories = serde_json::to_string(&e.categories).unwrap_or_else(|_| "[]".to_owned());
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO entries (site, section, {ENTRY_COLUMNS}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?
    .execute(params![
        key.0.as_str(),
        key.1.as_str(),
        e.id.as_str(),
        e.url,
        e.title,
        e.summary,
        e.content_html,
        e.author,
        e.published
            .map(|p| p.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        utc_text(e.first_seen),
        utc_text(e.updated),
        categories,
        e.image,
        i64::from(e.position),
    ])?;
    Ok(())
}

/// Writes a merge plan's rows (the section row must exist first).
pub fn apply_plan(conn: &Connection, key: &SectionKey, plan: &MergePlan) -> rusqlite::Result<()> {
    for e in &plan.upserts {
        put_entry(conn, key, e)?;
    }
    let mut del =
        conn.prepare_cached("DELETE FROM entries WHERE site = ?1 AND section = ?2 AND id = ?3")?;
    for id in &plan.deletes {
        del.execute(params![key.0.as_str(), key.1.as_str(), id.as_str()])?;
    }
    Ok(())
}

/// Deletes a section and (by cascade) its entries; true when it existed.
pub fn delete_section(conn: &Connection, key: &SectionKey) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM sections WHERE site = ?1 AND section = ?2")?
        .execute(params![key.0.as_str(), key.1.as_str()])?;
    Ok(n > 0)
}
