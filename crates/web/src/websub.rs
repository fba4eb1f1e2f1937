//! The WebSub callback, `/websub/{source}/{token}`: where a hub verifies a subscription the
//! pipeline asked for, and pushes the source's feed.
//!
//! * `GET` is the hub's verification of intent. `hub.mode=subscribe` is answered with its
//!   `hub.challenge` (`200`, `text/plain`) only when the source and token are those of a
//!   pending or active subscription and `hub.topic` is its topic; the subscription is then
//!   active for `hub.lease_seconds`. `hub.mode=unsubscribe` is answered the same way only
//!   for a subscription the pipeline is ending (its source removed, or its feed naming no hub
//!   or another one now: see [`tidings_store::WebSub::confirm_unsubscribe`]), with its token
//!   and topic; never for a live one, so no one can end a subscription Tidings still wants.
//!   `hub.mode=denied` with the right topic records the failure with the hub's `hub.reason`.
//!   Anything else is `404`.
//! * `POST` is content distribution. The body (at most the fetch's `max_body_bytes`, else
//!   `413`) must carry a valid `X-Hub-Signature` (`sha1=`, `sha256=`, `sha384=` or `sha512=`,
//!   the HMAC of the raw body under the subscription's secret, compared in constant time).
//!   Without one the spec has the subscriber answer `2xx` and ignore the content, which this
//!   does, counting it as rejected. A signed push is kept for the pipeline to ingest as a
//!   fetched feed, at most one per source per [`PUSH_GAP_SECS`]; one sooner makes the source
//!   due for a fetch instead. A push for a subscription that no longer exists, or failed, is
//!   answered `410 Gone`, which tells the hub to drop it (how a removed source's subscription
//!   ends if the hub pushes before it has handled the unsubscribe request; a `404` would
//!   only have it try again).
//!
//! Hubs are not browsers: the route is mounted outside the session, private-site and reading
//! layers (no cookie is read or set, and a private instance's hub can still reach it), and has
//! no CSRF token or origin check; the token in the path is what authenticates the hub's
//! verification, and the secret its pushes.

use crate::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use tidings_model::SourceId;
use tidings_store::{PushOutcome, PushState};

/// The shortest time between two pushes of one source taken for ingest.
pub const PUSH_GAP_SECS: i64 = 10;

/// The longest `hub.challenge` answered.
const MAX_CHALLENGE: usize = 1024;
/// The longest `hub.reason` kept.
const MAX_REASON_CHARS: usize = 500;
/// The shortest lease taken from a hub: an hour. A lease of 0 (or a few seconds) would be
/// renewed at every scheduler tick, one request to the hub each, for as long as it lasts.
const MIN_LEASE_SECS: i64 = 3_600;
/// The longest lease taken from a hub: a year.
const MAX_LEASE_SECS: i64 = 365 * 86_400;
/// The lease assumed when a hub names none: what the pipeline asks for.
const DEFAULT_LEASE_SECS: i64 = 10 * 86_400;

/// The callback's routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/websub/{source}/{token}", get(verify).post(push))
}

/// The query of a verification request.
#[derive(Deserialize)]
pub(crate) struct Intent {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.topic")]
    topic: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
    #[serde(rename = "hub.lease_seconds")]
    lease_seconds: Option<String>,
    #[serde(rename = "hub.reason")]
    reason: Option<String>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The source id and token of a callback path, when they look like ours.
fn callback(source: &str, token: &str) -> Option<SourceId> {
    let id = source.parse::<i64>().ok().filter(|id| *id > 0)?;
    let well_formed =
        !token.is_empty() && token.len() <= 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then_some(SourceId(id))
}

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "no such subscription\n".into())
}

fn server_error(err: &tidings_store::StoreError) -> Response {
    tracing::warn!(%err, "the WebSub callback could not reach the database");
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "database unavailable\n".into(),
    )
}

/// `GET /websub/{source}/{token}`: the hub's verification of intent, or its denial.
pub(crate) async fn verify(
    State(state): State<AppState>,
    Path((source, token)): Path<(String, String)>,
    Query(intent): Query<Intent>,
) -> Response {
    let Some(source) = callback(&source, &token) else {
        return not_found();
    };
    let Some(topic) = intent.topic.as_deref().filter(|t| !t.is_empty()) else {
        return not_found();
    };
    let websub = state.store.websub();
    match intent.mode.as_deref() {
        Some("subscribe") => {
            let Some(challenge) = intent
                .challenge
                .filter(|c| !c.is_empty() && c.len() <= MAX_CHALLENGE)
            else {
                return not_found();
            };
            let lease = intent
                .lease_seconds
                .and_then(|l| l.trim().parse::<i64>().ok())
                .unwrap_or(DEFAULT_LEASE_SECS)
                .clamp(MIN_LEASE_SECS, MAX_LEASE_SECS);
            match websub.verify(source, &token, topic, lease, now()).await {
                Ok(true) => {
                    tracing::info!(%source, lease, "the WebSub hub verified the subscription");
                    plain(StatusCode::OK, challenge)
                }
                Ok(false) => not_found(),
                Err(err) => server_error(&err),
            }
        }
        Some("unsubscribe") => {
            let Some(challenge) = intent
                .challenge
                .filter(|c| !c.is_empty() && c.len() <= MAX_CHALLENGE)
            else {
                return not_found();
            };
            match websub.confirm_unsubscribe(source, &token, topic).await {
                Ok(true) => {
                    tracing::info!(%source, "the WebSub hub verified the unsubscription");
                    plain(StatusCode::OK, challenge)
                }
                Ok(false) => not_found(),
                Err(err) => server_error(&err),
            }
        }
        Some("denied") => {
            let reason: String = intent
                .reason
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_REASON_CHARS)
                .collect();
            match websub.deny(source, &token, topic, &reason, now()).await {
                Ok(true) => {
                    tracing::warn!(%source, %reason, "the WebSub hub denied the subscription");
                    plain(StatusCode::OK, String::new())
                }
                Ok(false) => not_found(),
                Err(err) => server_error(&err),
            }
        }
        _ => not_found(),
    }
}

/// Counts a push by what became of it.
fn count(outcome: &str) {
    tidings_metrics::global().add(
        "tidings_websub_pushes_total",
        "WebSub pushes this process received, by outcome: accepted (kept for ingest), \
         rate_limited (the source made due instead), rejected (missing or invalid signature: \
         ignored), gone (no such subscription: 410).",
        &[("outcome", outcome)],
        1,
    );
}

/// `POST /websub/{source}/{token}`: a hub pushes the source's feed.
pub(crate) async fn push(
    State(state): State<AppState>,
    Path((source, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let gone = || {
        count("gone");
        plain(StatusCode::GONE, "no such subscription\n".into())
    };
    let Some(source) = callback(&source, &token) else {
        return gone();
    };
    let sub = match state.store.websub().get(source).await {
        Ok(Some(sub))
            if sub.token_matches(&token)
                && matches!(sub.state, PushState::Active | PushState::Pending) =>
        {
            sub
        }
        Ok(_) => return gone(),
        Err(err) => return server_error(&err),
    };
    let Ok(body) = axum::body::to_bytes(body, state.push_body_limit()).await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a push is at most {} bytes\n", state.push_body_limit()),
        );
    };
    let signature = headers.get("x-hub-signature").and_then(|v| v.to_str().ok());
    if !signature.is_some_and(|s| signed(sub.secret.as_bytes(), &body, s)) {
        count("rejected");
        tracing::warn!(%source, signed = signature.is_some(), "a WebSub push without a valid signature; ignored");
        // The spec: answer 2xx all the same, so a forger learns nothing.
        return plain(StatusCode::OK, String::new());
    }
    let content_type: Option<String> = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(200).collect());
    let encoded = base64::engine::general_purpose::STANDARD.encode(&body);
    match state
        .store
        .websub()
        .accept_push(
            source,
            &encoded,
            content_type.as_deref(),
            now(),
            PUSH_GAP_SECS,
        )
        .await
    {
        Ok(PushOutcome::Queued) => {
            count("accepted");
            tracing::info!(%source, bytes = body.len(), "WebSub push accepted");
            plain(StatusCode::ACCEPTED, String::new())
        }
        Ok(PushOutcome::RefreshDue) => {
            count("rate_limited");
            tracing::info!(%source, "WebSub push too soon after the last: the source is fetched instead");
            plain(StatusCode::ACCEPTED, String::new())
        }
        Err(err) => server_error(&err),
    }
}

/// Whether `header` (`sha256=<hex>`, …) is the HMAC of `body` under `secret`.
pub(crate) fn signed(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some((method, hex)) = header.trim().split_once('=') else {
        return false;
    };
    let Some(expected) = unhex(hex) else {
        return false;
    };
    match method.to_ascii_lowercase().as_str() {
        "sha1" => verify_with::<Hmac<sha1::Sha1>>(secret, body, &expected),
        "sha256" => verify_with::<Hmac<sha2::Sha256>>(secret, body, &expected),
        "sha384" => verify_with::<Hmac<sha2::Sha384>>(secret, body, &expected),
        "sha512" => verify_with::<Hmac<sha2::Sha512>>(secret, body, &expected),
        _ => false,
    }
}

/// HMAC verification in constant time (`verify_slice`).
fn verify_with<M: Mac + KeyInit>(secret: &[u8], body: &[u8], expected: &[u8]) -> bool {
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(expected).is_ok()
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim().as_bytes();
    if hex.is_empty() || !hex.len().is_multiple_of(2) || hex.len() > 256 {
        return None;
    }
    hex.chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(text, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hmac_hex<M: Mac + KeyInit>(secret: &[u8], body: &[u8]) -> String {
        let mut mac = <M as KeyInit>::new_from_slice(secret).expect("any key");
        mac.update(body);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn every_spec_method_is_checked_against_the_secret() {
        let (secret, body) = (b"s3cret".as_slice(), b"<feed/>".as_slice());
        let cases = [
            ("sha1", hmac_hex::<Hmac<sha1::Sha1>>(secret, body)),
            ("sha256", hmac_hex::<Hmac<sha2::Sha256>>(secret, body)),
            ("sha384", hmac_hex::<Hmac<sha2::Sha384>>(secret, body)),
            ("sha512", hmac_hex::<Hmac<sha2::Sha512>>(secret, body)),
        ];
        for (method, hex) in &cases {
            assert!(signed(secret, body, &format!("{method}={hex}")), "{method}");
            assert!(
                signed(
                    secret,
                    body,
                    &format!("{}={}", method.to_uppercase(), hex.to_uppercase())
                ),
                "{method} in capitals"
            );
            assert!(
                !signed(b"other", body, &format!("{method}={hex}")),
                "{method}: key"
            );
            assert!(
                !signed(secret, b"<feed />", &format!("{method}={hex}")),
                "{method}: body"
            );
        }
        let sha256 = &cases[1].1;
        assert!(!signed(secret, body, &format!("md5={sha256}")));
        assert!(!signed(secret, body, sha256));
        assert!(!signed(secret, body, "sha256="));
        assert!(!signed(secret, body, &format!("sha256={}", &sha256[..20])));
        assert!(!signed(secret, body, "sha256=zz"));
    }

    #[test]
    fn callback_paths_must_look_like_ours() {
        assert_eq!(callback("12", "abcdef0123"), Some(SourceId(12)));
        assert_eq!(callback("0", "abc"), None);
        assert_eq!(callback("x", "abc"), None);
        assert_eq!(callback("12", ""), None);
        assert_eq!(callback("12", "not-hex"), None);
        assert_eq!(callback("12", &"a".repeat(65)), None);
    }
}
