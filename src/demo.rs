//! The bundled fixture portal: `fixtures/portal/` served on a loopback port,
//! for `portalfeed demo`, `scrape --demo` and the tests. The portal and
//! `config/demo.toml` are embedded in the binary, so the demo works from any
//! directory on any machine. Tests can make it misbehave (status codes,
//! delays, replaced pages) and read its request log.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use include_dir::{Dir, include_dir};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

mod run;
pub use run::{DEFAULT_LISTEN, run};

/// The base URL written in `config/demo.toml`; replaced by the fixture
/// portal's real address before the config is parsed.
pub const DEMO_BASE: &str = "http://portal.invalid";

/// The fixture portal's pages, embedded at build time.
static PORTAL: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures/portal");

/// `config/demo.toml`, embedded at build time.
pub const DEMO_CONFIG: &str = include_str!("../config/demo.toml");

/// Where the fixture portal's files are in the source tree (for tests that
/// read a page themselves; the portal serves its embedded copy).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/portal")
}

/// The shipped demo config in the source tree (its text is [`DEMO_CONFIG`]).
pub fn demo_config_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/demo.toml")
}

/// Replaces [`DEMO_BASE`] in a config text with `base` (no trailing slash).
pub fn rebase_config(text: &str, base: &str) -> String {
    text.replace(DEMO_BASE, base.trim_end_matches('/'))
}

/// A misbehaviour the fixture portal can be told to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer every request with this status and a short body.
    Status(u16),
    /// Wait this long before answering.
    Delay(Duration),
}

/// One request the portal received.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// Path and query.
    pub path: String,
    /// The `Host` header.
    pub host: String,
    /// When handling started.
    pub started: Instant,
    /// When the answer was ready.
    pub finished: Instant,
    /// The `If-None-Match` header sent, if any.
    pub if_none_match: Option<String>,
    /// The `If-Modified-Since` header sent, if any.
    pub if_modified_since: Option<String>,
    /// The status answered.
    pub status: u16,
}

#[derive(Debug, Default)]
struct Control {
    fault: Option<Fault>,
    overrides: HashMap<String, Vec<u8>>,
    log: Vec<RequestRecord>,
}

/// Where the portal's pages come from.
#[derive(Debug)]
enum Pages {
    /// The copy embedded in the binary.
    Embedded(&'static Dir<'static>),
    /// A directory on disk.
    Directory(PathBuf),
}

impl Pages {
    /// The file at `rel` (already checked to be a plain relative path).
    fn read(&self, rel: &Path) -> Option<Vec<u8>> {
        match self {
            Self::Embedded(dir) => dir.get_file(rel).map(|f| f.contents().to_vec()),
            Self::Directory(root) => std::fs::read(root.join(rel)).ok(),
        }
    }
}

#[derive(Debug)]
struct Shared {
    pages: Pages,
    control: Mutex<Control>,
}

impl Shared {
    fn control(&self) -> MutexGuard<'_, Control> {
        // A poisoned lock only means a handler panicked mid-update; the data is
        // plain values, still usable.
        self.control.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fixture portal. Stops when dropped.
#[derive(Debug)]
pub struct FixturePortal {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl FixturePortal {
    /// Serves the embedded `fixtures/portal/` on 127.0.0.1, on an
    /// ephemeral port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_pages(
            Pages::Embedded(&PORTAL),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .await
    }

    /// Serves the directory `root` on `addr`.
    pub async fn start_dir(root: PathBuf, addr: SocketAddr) -> std::io::Result<Self> {
        Self::start_pages(Pages::Directory(root), addr).await
    }

    async fn start_pages(pages: Pages, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            pages,
            control: Mutex::new(Control::default()),
        });
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            shared,
            _stop: stop,
        })
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The embedded `config/demo.toml` with its URLs pointing at this
    /// portal. (A `Result` for the callers written when it was read from
    /// disk; it no longer fails.)
    pub fn demo_config_text(&self) -> std::io::Result<String> {
        Ok(rebase_config(DEMO_CONFIG, &self.base_url()))
    }

    /// `config/demo.toml` pointed at this portal, parsed, with its text.
    pub fn demo_config(&self) -> anyhow::Result<(crate::config::Config, String)> {
        let text = rebase_config(DEMO_CONFIG, &self.base_url());
        let config =
            crate::config::parse(&text, "config/demo.toml").map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((config, text))
    }

    /// Makes every answer misbehave (`None` heals it).
    pub fn set_fault(&self, fault: Option<Fault>) {
        self.shared.control().fault = fault;
    }

    /// Serves `body` at `path` (e.g. `/news/index.html`) instead of the file.
    pub fn set_page(&self, path: &str, body: impl Into<Vec<u8>>) {
        self.shared
            .control()
            .overrides
            .insert(path.to_owned(), body.into());
    }

    /// Serves the file again at `path`.
    pub fn clear_page(&self, path: &str) {
        self.shared.control().overrides.remove(path);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.control().log.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.control().log.clear();
    }
}

async fn serve(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response {
    let started = Instant::now();
    let path = req.uri().path().to_owned();
    let headers = req.headers().clone();
    let fault = shared.control().fault.clone();
    let response = match fault {
        Some(Fault::Status(code)) => {
            let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (code, format!("fixture portal: fault {code}\n")).into_response()
        }
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            file_response(&shared, &path, &headers)
        }
        None => file_response(&shared, &path, &headers),
    };
    let record = RequestRecord {
        path: req
            .uri()
            .path_and_query()
            .map_or(path.clone(), |p| p.to_string()),
        host: header_str(&headers, header::HOST).unwrap_or_default(),
        started,
        finished: Instant::now(),
        if_none_match: header_str(&headers, header::IF_NONE_MATCH),
        if_modified_since: header_str(&headers, header::IF_MODIFIED_SINCE),
        status: response.status().as_u16(),
    };
    shared.control().log.push(record);
    response
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn file_response(shared: &Shared, path: &str, headers: &HeaderMap) -> Response {
    let mut rel = path.trim_start_matches('/').to_owned();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let overridden = {
        let control = shared.control();
        control
            .overrides
            .get(path)
            .or_else(|| control.overrides.get(&format!("/{rel}")))
            .cloned()
    };
    let body = match overridden {
        Some(body) => body,
        None => {
            let rel_path = Path::new(&rel);
            if rel_path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
            {
                return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
            }
            match shared.pages.read(rel_path) {
                Some(body) => body,
                None => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
            }
        }
    };
    let etag = format!("\"{}\"", crate::digest::sha256_hex(&body, 32));
    let etag_matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if etag_matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(body))
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&rel)),
    );
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html" | "htm") => "text/html",
        Some("txt") => "text/plain",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    }
}
