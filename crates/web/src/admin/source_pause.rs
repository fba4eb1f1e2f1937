//! "Pause" and "Resume" on a source's page, for admins (`POST /source/{id}/pause`,
//! `POST /source/{id}/resume`, as `tidings sources pause|resume`): a paused source is not
//! fetched and keeps its articles; a resumed one is due at the scheduler's next tick. Both
//! are logged by the store ([`tidings_store::Sources::pause`]).

use super::action_admin;
use super::sources::source_or_not_found;
use crate::people::client_ip::ClientIp;
use crate::people::csrf::TokenForm;
use crate::people::{PeopleError, page_changed};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

/// `POST /source/{id}/pause`.
pub(crate) async fn pause(
    state: State<AppState>,
    ip: ClientIp,
    id: Path<i64>,
    headers: HeaderMap,
    form: Form<TokenForm>,
) -> Response {
    set_paused(state, ip, id, headers, form, true).await
}

/// `POST /source/{id}/resume`.
pub(crate) async fn resume(
    state: State<AppState>,
    ip: ClientIp,
    id: Path<i64>,
    headers: HeaderMap,
    form: Form<TokenForm>,
) -> Response {
    set_paused(state, ip, id, headers, form, false).await
}

/// Pauses (`pause`) or resumes the source, then shows its page.
async fn set_paused(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
    pause: bool,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let source = source_or_not_found(&state, id).await?;
        let now = state.people.clock.now_secs();
        let sources = state.store.sources();
        let ids = [source.id];
        let by = Some(viewer.user.id);
        let changed = if pause {
            sources.pause(&ids, by, now).await?
        } else {
            sources.resume(&ids, by, now).await?
        };
        if !changed.is_empty() {
            page_changed(&state, &format!("/source/{}", source.id));
        }
        Ok(Redirect::to(&format!("/source/{}", source.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
