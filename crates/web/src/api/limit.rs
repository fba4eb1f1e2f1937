//! The per-address API rate limit (`[people.limits] api_per_minute_per_ip`), checked once for
//! every request under `/api`, whatever its route, method or answer: `429` with `Retry-After`
//! and the API's JSON error shape. The reader apps' APIs (`/v1`, `/reader/api`, `/fever`)
//! count against the same bucket through their own check.

use crate::people::PeopleError;
use crate::people::client_ip::ClientIp;
use crate::people::limits::Action;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Counts the request against its address's API limit; refuses it when the limit is spent.
pub(crate) async fn per_address(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    request: Request,
    next: Next,
) -> Response {
    match state.people.limits.check(Action::Api, ip, None) {
        Ok(()) => next.run(request).await,
        Err(limited) => PeopleError::from(limited).json(),
    }
}
