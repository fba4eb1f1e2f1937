//! Test support for Tidings: [`FixtureWeb`], a loopback web server whose every path answers as
//! a test tells it to — a feed, a page, an error status, a redirect, a slow or oversized body —
//! with conditional GET for the documents it serves, extra headers on request (a WebSub
//! `Link`), and a record of every request it got (method, path, body), so a test can play a
//! hub that receives subscription requests. Tests only: nothing here reaches beyond
//! 127.0.0.1.

pub mod news;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How one path answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `200` with a body, an `ETag` and conditional GET.
    Document {
        /// The `Content-Type`.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// A bare status code.
    Status(u16),
    /// A `302` to another path or URL.
    Redirect(String),
    /// A `301` to another path or URL.
    MovedPermanently(String),
    /// Any redirect status (`303`, `307`, `308`, …) to another path or URL.
    RedirectWith {
        /// The status code.
        status: u16,
        /// The `Location`.
        to: String,
    },
    /// A status (e.g. 429 or 503) with a `Retry-After` in seconds.
    RetryAfter {
        /// The status code.
        status: u16,
        /// The seconds to wait.
        seconds: u64,
    },
    /// `200` with a body of this many bytes of filler.
    Filler(usize),
}

impl Reply {
    /// An RSS or Atom document.
    pub fn feed(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Document {
            content_type: "application/xml; charset=utf-8".into(),
            body: body.into(),
        }
    }

    /// An HTML page.
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Document {
            content_type: "text/html; charset=utf-8".into(),
            body: body.into(),
        }
    }
}

/// A request the server got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The method (`GET`, `POST`, …).
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query, if any.
    pub query: Option<String>,
    /// The body, as text (lossily).
    pub body: String,
}

impl Received {
    /// The values of the `application/x-www-form-urlencoded` body field `name`, decoded.
    pub fn form_field(&self, name: &str) -> Option<String> {
        self.body.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k) == name).then(|| decode(v))
        })
    }
}

/// Percent-decodes a form value (`+` is a space).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct State {
    routes: RwLock<HashMap<String, Reply>>,
    headers: RwLock<HashMap<String, Vec<(String, String)>>>,
    received: RwLock<Vec<Received>>,
    delay_ms: AtomicU64,
    ignore_validators: std::sync::atomic::AtomicBool,
    hits: AtomicU64,
}

/// A running fixture server on 127.0.0.1; it stops with the test's runtime.
#[derive(Clone)]
pub struct FixtureWeb {
    addr: SocketAddr,
    state: Arc<State>,
}

impl FixtureWeb {
    /// Starts a server on a free loopback port.
    pub async fn start() -> FixtureWeb {
        let state = Arc::new(State::default());
        let shared = state.clone();
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: axum::body::Bytes| {
                let state = shared.clone();
                async move {
                    if let Ok(mut received) = state.received.write() {
                        received.push(Received {
                            method: method.to_string(),
                            path: uri.path().to_string(),
                            query: uri.query().map(str::to_string),
                            body: String::from_utf8_lossy(&body).into_owned(),
                        });
                    }
                    let mut response = answer(&state, &uri, &headers).await;
                    let extra = state
                        .headers
                        .read()
                        .ok()
                        .and_then(|h| h.get(uri.path()).cloned())
                        .unwrap_or_default();
                    for (name, value) in extra {
                        if let (Ok(name), Ok(value)) = (
                            HeaderName::from_bytes(name.as_bytes()),
                            HeaderValue::from_str(&value),
                        ) {
                            response.headers_mut().append(name, value);
                        }
                    }
                    response
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        FixtureWeb { addr, state }
    }

    /// The absolute URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sets how `path` answers.
    pub fn set(&self, path: &str, reply: Reply) {
        if let Ok(mut routes) = self.state.routes.write() {
            routes.insert(path.to_string(), reply);
        }
    }

    /// Adds a header to every answer of `path` (say, a WebSub `Link`).
    pub fn add_header(&self, path: &str, name: &str, value: &str) {
        if let Ok(mut headers) = self.state.headers.write() {
            headers
                .entry(path.to_string())
                .or_default()
                .push((name.to_string(), value.to_string()));
        }
    }

    /// The requests the server got for `path`, oldest first.
    pub fn received(&self, path: &str) -> Vec<Received> {
        self.state
            .received
            .read()
            .map(|r| r.iter().filter(|x| x.path == path).cloned().collect())
            .unwrap_or_default()
    }

    /// Delays every answer, to make ingestion take a while.
    pub fn set_delay(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.state.delay_ms.store(ms, Ordering::Relaxed);
    }

    /// Makes the server ignore `If-None-Match`, so every fetch gets the whole document, as
    /// from a server without conditional GET.
    pub fn ignore_validators(&self, ignore: bool) {
        self.state
            .ignore_validators
            .store(ignore, Ordering::Relaxed);
    }

    /// How many requests the server has answered.
    pub fn hits(&self) -> u64 {
        self.state.hits.load(Ordering::Relaxed)
    }
}

async fn answer(state: &State, uri: &Uri, headers: &HeaderMap) -> Response {
    state.hits.fetch_add(1, Ordering::Relaxed);
    let delay = state.delay_ms.load(Ordering::Relaxed);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let key = uri
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_default();
    let reply = state
        .routes
        .read()
        .ok()
        .and_then(|routes| routes.get(&key).or_else(|| routes.get(uri.path())).cloned());
    match reply {
        None => StatusCode::NOT_FOUND.into_response(),
        Some(Reply::Status(code)) => StatusCode::from_u16(code)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
        Some(Reply::Redirect(to)) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        Some(Reply::MovedPermanently(to)) => {
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response()
        }
        Some(Reply::RedirectWith { status, to }) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT),
            [(header::LOCATION, to)],
        )
            .into_response(),
        Some(Reply::RetryAfter { status, seconds }) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            [(header::RETRY_AFTER, seconds.to_string())],
        )
            .into_response(),
        Some(Reply::Filler(len)) => Body::from(vec![b'x'; len]).into_response(),
        Some(Reply::Document { content_type, body }) => {
            let mut hasher = DefaultHasher::new();
            body.hash(&mut hasher);
            let etag = format!("\"{:x}\"", hasher.finish());
            if !state.ignore_validators.load(Ordering::Relaxed)
                && headers
                    .get(header::IF_NONE_MATCH)
                    .is_some_and(|v| v.as_bytes() == etag.as_bytes())
            {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            (
                [(header::CONTENT_TYPE, content_type), (header::ETAG, etag)],
                body,
            )
                .into_response()
        }
    }
}
