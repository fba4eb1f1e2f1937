//! The review of sources readers add (under `[people] reader_sources = "review"`): the
//! "Awaiting review" list `/sources` shows administrators, and its buttons,
//! `POST /source/{id}/approve` (the source becomes public and is fetched at the next tick)
//! and `POST /source/{id}/reject` (the source goes, with its readers' subscriptions). Both
//! are logged (`source-approve`, `source-reject`).

use super::action_admin;
use crate::pages::Age;
use crate::people::client_ip::ClientIp;
use crate::people::csrf::TokenForm;
use crate::people::{PeopleError, page_changed};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::IpAddr;
use tidings_model::{SourceId, UnixSeconds};
use tidings_store::StoreError;

/// A source waiting for review, as the list shows it.
pub(crate) struct AwaitingView {
    /// The source's id, for the buttons' addresses.
    pub(crate) id: i64,
    /// The feed's address as fetched (administrators see it whole).
    pub(crate) url: String,
    /// Who asked for it ("a removed account" when it is gone).
    pub(crate) requester: String,
    /// Since when it waits.
    pub(crate) since: Age,
    /// How many accounts follow it.
    pub(crate) subscribers: i64,
}

/// The sources waiting for review, oldest request first.
pub(crate) async fn awaiting(
    state: &AppState,
    now: UnixSeconds,
) -> Result<Vec<AwaitingView>, StoreError> {
    let waiting = state.store.sources().awaiting_review().await?;
    Ok(waiting
        .into_iter()
        .map(|w| AwaitingView {
            id: w.source.id.0,
            url: w.source.url,
            requester: if w.requester.is_empty() {
                "a removed account".to_string()
            } else {
                w.requester
            },
            since: Age::of(w.since, now),
            subscribers: w.subscribers,
        })
        .collect())
}

/// `POST /source/{id}/approve`: the waiting source becomes public, due for a fetch at once.
pub(crate) async fn approve(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    decide(
        &state,
        ip,
        SourceId(id),
        &headers,
        &form.csrf,
        Decision::Approve,
    )
    .await
}

/// `POST /source/{id}/reject`: the waiting source is removed with its subscriptions.
pub(crate) async fn reject(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    decide(
        &state,
        ip,
        SourceId(id),
        &headers,
        &form.csrf,
        Decision::Reject,
    )
    .await
}

/// What an administrator decides about a waiting source.
#[derive(Clone, Copy)]
enum Decision {
    Approve,
    Reject,
}

/// Carries out an administrator's decision: back to `/sources`, or `404` when the source is
/// not waiting (any more).
async fn decide(
    state: &AppState,
    ip: IpAddr,
    id: SourceId,
    headers: &HeaderMap,
    csrf: &str,
    decision: Decision,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(state, headers, ip, csrf).await?;
        let now = state.people.clock.now_secs();
        let sources = state.store.sources();
        let done = match decision {
            Decision::Approve => sources.approve(id, Some(viewer.user.id), now).await?,
            Decision::Reject => sources.reject(id, Some(viewer.user.id), now).await?,
        };
        if !done {
            return Err(PeopleError::NotFound);
        }
        page_changed(state, "/sources");
        Ok(Redirect::to("/sources").into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
