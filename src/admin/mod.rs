//! The admin API (`/api/...`) and page (`/admin`): list sections with their
//! health, read, write and delete a section's config (written to the file
//! with comments kept, applied live), scrape now, preview a section config
//! without saving, suggest a section from a list page's URL, read and
//! replace the whole config.

mod api;
pub mod auth;
pub mod edit;
mod page;
mod preview;
pub mod refresh;
mod suggest;
mod warning;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use crate::app::AppState;
use auth::{Refusal, Token};

/// The admin side of the state: the token and the lock that serializes edits.
#[derive(Debug)]
pub struct Admin {
    /// The token every request must carry.
    pub token: Token,
    /// Held while the config file is read, edited and written.
    pub edit_lock: tokio::sync::Mutex<()>,
    /// Failed authentications per client address.
    pub limiter: auth::Limiter,
}

impl Admin {
    /// The admin side, if `admin_token_env` names a set variable.
    pub fn from_env(var: Option<&str>) -> Option<Self> {
        Token::from_env(var).map(Self::with_token)
    }

    /// The admin side with this token.
    pub fn with_token(token: Token) -> Self {
        Self {
            token,
            edit_lock: tokio::sync::Mutex::new(()),
            limiter: auth::Limiter::default(),
        }
    }
}

/// A JSON error answer: `{"error": "...", "field": "..."}`.
#[derive(Debug, Serialize)]
pub struct ApiError {
    /// What went wrong, one sentence.
    pub error: String,
    /// The config field at fault (`list.item`), when there is one.
    pub field: Option<String>,
    /// Every error, when there are several (a whole config).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    #[serde(skip)]
    status: StatusCode,
}

impl ApiError {
    /// An error with a status and no field.
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            field: None,
            errors: Vec::new(),
            status,
        }
    }

    /// The same error naming `field`.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut r = (status, axum::Json(self)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"portalfeed\""),
            );
        }
        r
    }
}

/// One line saying how to turn the admin side on, given the variable the
/// config names (`None`: it names none).
pub fn how_to_turn_on(var: Option<&str>) -> String {
    match var {
        Some(var) => format!(
            "the admin page is off: set the environment variable {var} to a secret token and restart portalfeed"
        ),
        None => "the admin page is off: set server.admin_token_env = \"PORTALFEED_ADMIN_TOKEN\" in the config and that variable to a secret token, then restart portalfeed".to_owned(),
    }
}

/// What `/admin` answers while the admin side is off: how to turn it on.
pub fn off_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/admin", get(page::off))
        .route("/admin/", get(page::off))
        .layer(middleware::map_response(admin_page_headers))
}

/// The admin routes (only mounted when the token is set).
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let api = Router::new()
        .route("/api/sections", get(api::list_sections))
        .route(
            "/api/sites/{site}/sections/{section}",
            get(api::get_section)
                .put(api::put_section)
                .delete(api::delete_section),
        )
        .route(
            "/api/sites/{site}/sections/{section}/refresh",
            post(refresh::refresh),
        )
        .route("/api/preview", post(preview::preview))
        .route("/api/suggest", post(suggest::suggest))
        .route("/api/config", get(api::get_config).put(api::put_config))
        .route_layer(middleware::from_fn_with_state(state, require_token));
    Router::new()
        .route("/admin", get(page::page))
        .route("/admin/", get(page::page))
        .route("/admin/login", post(page::login))
        .route("/admin/logout", post(page::logout))
        .route("/admin/app.js", get(page::script))
        .route("/admin/app.css", get(page::style))
        .layer(middleware::map_response(admin_page_headers))
        .merge(api)
        .layer(middleware::from_fn(body_within_limit))
}

/// Longest an admin request may take to send its body.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads the request body within [`BODY_TIMEOUT`] (a client sending a
/// byte a second gets `408`), then hands it on whole.
async fn body_within_limit(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let read = axum::body::to_bytes(body, crate::http::BODY_LIMIT);
    let bytes = match tokio::time::timeout(BODY_TIMEOUT, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body not readable or over the limit: {e}"),
            )
            .into_response();
        }
        Err(_) => {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "request body not received within {} s",
                    BODY_TIMEOUT.as_secs()
                ),
            )
            .into_response();
        }
    };
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// The admin pages' security headers.
async fn admin_page_headers(mut r: Response) -> Response {
    crate::http::security::page_headers(r.headers_mut(), &crate::http::security::ADMIN_CSP);
    r
}

async fn require_token(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let Some(admin) = state.admin.as_ref() else {
        return ApiError::new(StatusCode::NOT_FOUND, "the admin API is off").into_response();
    };
    let ip = auth::client_ip(req.extensions());
    if let Err(wait) = admin.limiter.admit(ip) {
        return too_many_failures(wait);
    }
    match auth::check(&admin.token, req.method(), req.headers()) {
        Ok(_) => next.run(req).await,
        Err(Refusal::Unauthorized) => match auth::presents_credential(req.headers())
            .then(|| admin.limiter.failed(ip))
            .flatten()
        {
            Some(wait) => too_many_failures(wait),
            None => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing or wrong admin token: send `Authorization: Bearer <token>`",
            )
            .into_response(),
        },
        Err(Refusal::CrossOrigin) => ApiError::new(
            StatusCode::FORBIDDEN,
            "cross-origin change refused: the request's Origin is not this server",
        )
        .into_response(),
    }
}

/// `429` with `Retry-After` for an address past its failed authentications.
pub fn too_many_failures(wait: std::time::Duration) -> Response {
    let secs = crate::http::pace::retry_after_secs(wait);
    let mut r = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many failed authentications from this address: try again in {secs} s"),
    )
    .into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    r
}

/// Logs an admin change: who (token fingerprint), what, when (the log line's time).
pub fn audit(state: &AppState, what: &str) {
    let who = state.admin.as_ref().map_or("-", |a| a.token.fingerprint());
    tracing::info!(who, what, "admin change");
}
