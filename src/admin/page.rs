//! The admin page: a login form, then a static page whose script talks to
//! the API. Everything is served by portalfeed itself.

use std::sync::Arc;

use axum::Form;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth;
use crate::app::AppState;

const INDEX: &str = include_str!("page/index.html");
const LOGIN: &str = include_str!("page/login.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

fn authed(state: &AppState, headers: &HeaderMap) -> bool {
    state.admin.as_ref().is_some_and(|a| {
        auth::cookie_value(headers, auth::COOKIE).is_some_and(|c| a.token.matches(&c))
    })
}

fn login_page(status: StatusCode, error: &str) -> Response {
    let body = LOGIN.replace("<!--ERROR-->", &crate::http::escape(error));
    (status, Html(body)).into_response()
}

/// `GET /admin` while the admin side is off: one line on how to turn it on.
pub async fn off(State(state): State<Arc<AppState>>) -> Response {
    let config = state.config();
    let line = super::how_to_turn_on(config.server.admin_token_env.as_deref());
    (StatusCode::NOT_FOUND, format!("{line}\n")).into_response()
}

/// `GET /admin`: the page, or the login form.
pub async fn page(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if state.admin.is_none() {
        return off(State(state)).await;
    }
    if authed(&state, &headers) {
        Html(INDEX).into_response()
    } else {
        login_page(StatusCode::OK, "")
    }
}

/// The login form's body.
#[derive(Debug, Deserialize)]
pub struct Login {
    token: String,
}

/// `POST /admin/login`.
pub async fn login(
    State(state): State<Arc<AppState>>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<Login>,
) -> Response {
    let Some(admin) = state.admin.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ip = connect.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.0.ip());
    if let Err(wait) = admin.limiter.admit(ip) {
        return super::too_many_failures(wait);
    }
    if headers.contains_key(header::ORIGIN) && !auth::same_origin(&headers) {
        return login_page(StatusCode::FORBIDDEN, "Cross-origin login refused.");
    }
    let token = form.token.trim();
    if !admin.token.matches(token) {
        if let Some(wait) = admin.limiter.failed(ip) {
            return super::too_many_failures(wait);
        }
        return login_page(StatusCode::UNAUTHORIZED, "Wrong token.");
    }
    tracing::info!(who = admin.token.fingerprint(), "admin login");
    let cookie = format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/",
        auth::COOKIE
    );
    let mut r = Redirect::to("/admin").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// `POST /admin/logout`.
pub async fn logout() -> Response {
    let mut r = Redirect::to("/admin").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("portalfeed_admin=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    r
}

/// `GET /admin/app.js`.
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// `GET /admin/app.css`.
pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}
