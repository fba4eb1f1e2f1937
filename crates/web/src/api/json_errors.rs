//! Every error under `/api` in the API's JSON shape (`{"error": "…"}`), also the ones axum
//! answers before a handler runs: `405` for a method the route does not answer (empty, with
//! `Allow`), `413` from the body limit and the extractors' `400`/`415`/`422` (plain text).
//! Their status and headers (`Allow`, `Retry-After`) stay; only the body changes. (axum's
//! router writes a `405`'s `Allow` around this layer, so the answer carries it.)

use super::json_error;
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The longest plain-text error body taken over as the JSON message, in bytes (axum's
/// rejections are a line or two); a longer one gives way to the status's reason.
const MAX_TEXT_BYTES: usize = 1_024;

/// Runs the request and turns an error answer that is not JSON into the API's error shape.
pub(crate) async fn as_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => not_allowed(&parts.headers),
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large".to_string(),
        _ => match to_bytes(body, MAX_TEXT_BYTES).await {
            Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).trim().to_string(),
            _ => reason(status),
        },
    };
    let mut answer = json_error(status, &message);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

/// Whether an answer is JSON already.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

/// The message of a `405`: the methods the route answers when its `Allow` header is there
/// already, else a pointer to that header (axum's router adds it to the answer after this
/// layer has run).
fn not_allowed(headers: &HeaderMap) -> String {
    match headers.get(header::ALLOW).and_then(|v| v.to_str().ok()) {
        Some(allow) if !allow.is_empty() => {
            format!("method not allowed; this endpoint answers {allow}")
        }
        _ => "method not allowed; the Allow header lists the methods this endpoint answers"
            .to_string(),
    }
}

/// The status's reason phrase, lowercased (`not found`).
fn reason(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("error")
        .to_ascii_lowercase()
}
