//! The admin API handlers: thin wrappers over the config file, the store
//! and the scheduler.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ApiError, audit, edit};
use crate::app::AppState;
use crate::config::{self, KeyPath, Problem, Seg};
use crate::http::pages::health_name;
use crate::reload;

#[derive(Serialize)]
struct FeedLinks {
    rss: String,
    atom: String,
    json: String,
}

#[derive(Serialize)]
struct SectionRow {
    site: String,
    section: String,
    title: String,
    parent: Option<String>,
    group: bool,
    url: Option<String>,
    state: Option<&'static str>,
    last_success: Option<DateTime<Utc>>,
    last_attempt: Option<DateTime<Utc>>,
    last_error: Option<String>,
    entries: usize,
    next_scrape: Option<DateTime<Utc>>,
    feeds: FeedLinks,
}

#[derive(Serialize)]
struct SectionList {
    sections: Vec<SectionRow>,
    config_error: Option<String>,
}

/// `GET /api/sections`: every section with its health, failing ones first.
pub async fn list_sections(State(state): State<Arc<AppState>>) -> Response {
    let config = state.config();
    let base = config.server.base_url().to_owned();
    let now = Utc::now();
    let summaries = state.summaries().await;
    let mut rows = Vec::new();
    for site in &config.sites {
        for section in &site.sections {
            let key = (site.id.clone(), section.id.clone());
            let data = summaries.get(&key).cloned().unwrap_or_default();
            let path = format!("{base}/feeds/{}/{}", site.id, section.id);
            rows.push(SectionRow {
                site: site.id.to_string(),
                section: section.id.to_string(),
                title: section.title.clone(),
                parent: section.parent.as_ref().map(ToString::to_string),
                group: section.is_group(),
                url: section.source.as_ref().map(|s| s.url.to_string()),
                state: (!section.is_group())
                    .then(|| health_name(data.health.state(section.settings.interval, now))),
                last_success: data.health.last_success,
                last_attempt: data.health.last_attempt,
                last_error: data.health.last_error.clone(),
                entries: data.entries,
                next_scrape: state.scheduler.next_scrape(&key),
                feeds: FeedLinks {
                    rss: format!("{path}.rss"),
                    atom: format!("{path}.atom"),
                    json: format!("{path}.json"),
                },
            });
        }
    }
    // Stable sort: failing first, config order otherwise.
    rows.sort_by_key(|r| r.state != Some("failing"));
    let config_error = state
        .config_error
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    Json(SectionList {
        sections: rows,
        config_error,
    })
    .into_response()
}

/// The config file, or the 409 that says there is none to edit.
fn config_path(state: &AppState) -> Result<PathBuf, ApiError> {
    state.config_path.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "this service runs without a config file; nothing can be edited",
        )
    })
}

async fn read_file(path: &std::path::Path) -> Result<String, ApiError> {
    tokio::fs::read_to_string(path).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

fn etag(version: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

/// 412 when `If-Match` names another version.
fn check_if_match(headers: &HeaderMap, version: &str) -> Result<(), ApiError> {
    let Some(v) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let ok = v
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/").trim_matches('"'))
        .any(|t| t == "*" || t == version);
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "the config changed since you read it (If-Match does not name the current version); reload and edit again",
        ))
    }
}

fn site_index(raw: &config::RawConfig, site: &str) -> Result<usize, ApiError> {
    raw.sites
        .iter()
        .position(|s| s.id.as_deref() == Some(site))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no site `{site}`")))
}

/// The raw config of the file in force, with its text and version.
pub(super) async fn load_raw(
    state: &AppState,
) -> Result<(PathBuf, String, config::RawConfig), ApiError> {
    let path = config_path(state)?;
    let text = read_file(&path).await?;
    let raw = config::parse_raw(&text, &path.display().to_string()).map_err(|e| {
        ApiError::new(
            StatusCode::CONFLICT,
            format!("the config file does not parse; fix it first: {e}"),
        )
    })?;
    Ok((path, text, raw))
}

/// `GET /api/sites/{site}/sections/{section}`: the section's config as JSON.
pub async fn get_section(
    State(state): State<Arc<AppState>>,
    Path((site, section)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (_, text, raw) = load_raw(&state).await?;
    let i = site_index(&raw, &site)?;
    let sec = raw.sites[i]
        .sections
        .iter()
        .find(|s| s.id.as_deref() == Some(section.as_str()))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no section `{section}` in site `{site}`"),
            )
        })?;
    let mut r = Json(sec).into_response();
    r.headers_mut()
        .insert(header::ETAG, etag(&edit::version(&text)));
    Ok(r)
}

/// The path of a problem relative to the section it is in (`list.item`),
/// or the whole path when it is elsewhere.
pub fn field_of(problem: &Problem, site: usize, section: Option<usize>) -> String {
    let mut prefix = vec![Seg::Key("sites".to_owned()), Seg::Index(site)];
    if let Some(s) = section {
        prefix.push(Seg::Key("sections".to_owned()));
        prefix.push(Seg::Index(s));
    }
    if problem.path.0.starts_with(&prefix) && problem.path.0.len() > prefix.len() {
        KeyPath(problem.path.0[prefix.len()..].to_vec()).to_string()
    } else {
        problem.path.to_string()
    }
}

/// 400 for JSON that is not a section; 422 with the field for a value serde refuses.
pub fn parse_section(
    body: &Bytes,
) -> Result<(serde_json::Value, config::raw::RawSection), ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("bad JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad JSON: a section is an object",
        ));
    }
    let section: config::raw::RawSection =
        serde_path_to_error::deserialize(&value).map_err(|e| {
            let field = e.path().to_string();
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.inner().to_string())
                .field(if field == "." { String::new() } else { field })
        })?;
    Ok((value, section))
}

/// Validates `raw` as a whole; the first problem becomes a 422 naming its field.
pub fn validate(
    raw: &config::RawConfig,
    site: usize,
    section: Option<usize>,
) -> Result<config::Config, ApiError> {
    config::compile(raw).map_err(|problems| {
        let first = problems
            .iter()
            .find(|p| {
                section.is_some_and(|s| {
                    p.path.0.starts_with(&[
                        Seg::Key("sites".to_owned()),
                        Seg::Index(site),
                        Seg::Key("sections".to_owned()),
                        Seg::Index(s),
                    ])
                })
            })
            .or(problems.first());
        match first {
            Some(p) => {
                let mut msg = p.message.clone();
                if let Some(h) = &p.hint {
                    msg.push_str(&format!(" (hint: {h})"));
                }
                let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, msg)
                    .field(field_of(p, site, section));
                err.errors = problems.iter().map(ToString::to_string).collect();
                err
            }
            None => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid config"),
        }
    })
}

#[derive(Serialize)]
struct Saved {
    version: String,
    started: Vec<String>,
    removed: Vec<String>,
    /// What the saved section will do when its list page yields nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

/// Writes `text` to the file and applies it live.
async fn save(state: &Arc<AppState>, path: PathBuf, text: String) -> Result<Saved, ApiError> {
    let file = path.display().to_string();
    let parsed = config::parse(&text, &file).map_err(|e| {
        let mut err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.0.first().map_or_else(String::new, |x| x.message.clone()),
        );
        err.field = e.0.first().map(|x| x.path.clone());
        err.errors = e.0.iter().map(ToString::to_string).collect();
        err
    })?;
    let write_path = path.clone();
    let write_text = text.clone();
    tokio::task::spawn_blocking(move || edit::write_atomic(&write_path, &write_text))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let applied = reload::apply(state, Ok(parsed))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Saved {
        version: edit::version(&text),
        started: applied.started,
        removed: applied.removed,
        warning: None,
    })
}

/// Puts `section` in place of the one with its id, or last; its index.
pub(super) fn upsert(
    sections: &mut Vec<config::raw::RawSection>,
    section: config::raw::RawSection,
) -> usize {
    match sections.iter().position(|s| s.id == section.id) {
        Some(i) => {
            sections[i] = section;
            i
        }
        None => {
            sections.push(section);
            sections.len() - 1
        }
    }
}

/// `PUT /api/sites/{site}/sections/{section}`: create or replace.
pub async fn put_section(
    State(state): State<Arc<AppState>>,
    Path((site, section)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (value, mut raw_section) = parse_section(&body)?;
    match raw_section.id.as_deref() {
        Some(id) if id != section => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the body's id `{id}` is not the section `{section}` of the URL"),
            )
            .field("id"));
        }
        _ => raw_section.id = Some(section.clone()),
    }
    let mut value = value;
    if let Some(obj) = value.as_object_mut() {
        obj.insert("id".to_owned(), serde_json::Value::String(section.clone()));
    }
    let Some(admin) = state.admin.as_ref() else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "the admin API is off"));
    };
    let lock = admin.edit_lock.lock().await;
    let (path, text, mut raw) = load_raw(&state).await?;
    check_if_match(&headers, &edit::version(&text))?;
    let si = site_index(&raw, &site)?;
    let index = upsert(&mut raw.sites[si].sections, raw_section);
    validate(&raw, si, Some(index))?;
    let (new_text, created) = edit::put_section(&text, &site, &section, &value)
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, e.to_string()))?;
    let mut saved = save(&state, path, new_text).await?;
    // The check below fetches: other edits need not wait for it.
    drop(lock);
    audit(
        &state,
        &format!(
            "{} section {site}/{section}",
            if created { "created" } else { "replaced" }
        ),
    );
    saved.warning = super::warning::after_save(&state, &site, &section).await;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut r = (status, Json(&saved)).into_response();
    r.headers_mut().insert(header::ETAG, etag(&saved.version));
    Ok(r)
}

/// `DELETE /api/sites/{site}/sections/{section}`.
pub async fn delete_section(
    State(state): State<Arc<AppState>>,
    Path((site, section)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(admin) = state.admin.as_ref() else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "the admin API is off"));
    };
    let _lock = admin.edit_lock.lock().await;
    let (path, text, raw) = load_raw(&state).await?;
    check_if_match(&headers, &edit::version(&text))?;
    let si = site_index(&raw, &site)?;
    let sections = &raw.sites[si].sections;
    if !sections
        .iter()
        .any(|s| s.id.as_deref() == Some(section.as_str()))
    {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no section `{section}` in site `{site}`"),
        ));
    }
    let children: Vec<&str> = sections
        .iter()
        .filter(|s| s.parent.as_deref() == Some(section.as_str()))
        .filter_map(|s| s.id.as_deref())
        .collect();
    if !children.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "`{section}` is the parent of {}; delete or move them first",
                children.join(", ")
            ),
        ));
    }
    let new_text = edit::delete_section(&text, &site, &section)
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, e.to_string()))?;
    let saved = save(&state, path, new_text).await?;
    audit(&state, &format!("deleted section {site}/{section}"));
    Ok(Json(saved).into_response())
}

/// `GET /api/config`: the file as TOML.
pub async fn get_config(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let path = config_path(&state)?;
    let text = read_file(&path).await?;
    let version = edit::version(&text);
    let mut r = (
        [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
        text,
    )
        .into_response();
    r.headers_mut().insert(header::ETAG, etag(&version));
    Ok(r)
}

/// `PUT /api/config`: a whole new file, validated first.
pub async fn put_config(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let new_text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "the config must be UTF-8 text"))?;
    let Some(admin) = state.admin.as_ref() else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "the admin API is off"));
    };
    let _lock = admin.edit_lock.lock().await;
    let path = config_path(&state)?;
    let text = read_file(&path).await?;
    check_if_match(&headers, &edit::version(&text))?;
    let saved = save(&state, path, new_text).await?;
    audit(&state, "replaced the whole config");
    let mut r = Json(&saved).into_response();
    r.headers_mut().insert(header::ETAG, etag(&saved.version));
    Ok(r)
}
