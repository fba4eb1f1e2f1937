//! The client's IP address, which rate limits and the login throttle key on: the TCP peer
//! (axum's `ConnectInfo`), or the last `X-Forwarded-For` entry when the operator says a
//! trusted proxy writes it (`trust_forwarded_for`). When that header arrives but is not
//! trusted, the process logs one warning (once): behind a proxy every client would otherwise
//! look like the proxy, sharing one rate-limit bucket, and the operator would not know why.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;

/// The client's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if !state.people.config.trust_forwarded_for {
            if parts.headers.contains_key("x-forwarded-for") {
                warn_ignored_once(state, peer);
            }
            return Ok(ClientIp(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        Ok(ClientIp(forwarded.unwrap_or(peer)))
    }
}

/// Logs, the first time only, that an `X-Forwarded-For` header was ignored.
fn warn_ignored_once(state: &AppState, peer: IpAddr) {
    if !state
        .people
        .forwarded_for_ignored
        .swap(true, Ordering::Relaxed)
    {
        tracing::warn!(
            %peer,
            "a request carries X-Forwarded-For but [people] trust_forwarded_for is off, so \
             the TCP peer's address is used: behind a reverse proxy every client then shares \
             the proxy's rate limits. Set trust_forwarded_for = true if a proxy you run \
             writes the header (logged once)"
        );
    }
}

/// Whether a proxy the operator trusts (`trust_forwarded_for`) says the client came over
/// https (`X-Forwarded-Proto: https`), so cookies may be marked `Secure`.
pub(crate) fn trusted_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.people.config.trust_forwarded_for && crate::base_url::forwarded_https(headers)
}
