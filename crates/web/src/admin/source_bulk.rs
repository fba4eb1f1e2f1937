//! Several sources at once, for admins: the checkboxes of `/sources` and their one form
//! (`POST /sources/bulk` with `id` once per checked source and `action` = `pause`, `resume`,
//! `refresh` or `remove`). Every id is looked up first: one that names no source (removed
//! meanwhile, or a forged form) refuses the whole form and changes nothing. "Remove" asks
//! first, on a page listing what goes (each source and its article count), whose form
//! (`POST /sources/bulk/remove`) removes them. No JavaScript is needed.

use super::action_admin;
use crate::people::client_ip::ClientIp;
use crate::people::{PeopleError, page_changed};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use tidings_model::{Source, SourceId};
use tidings_store::StoreError;

/// The most sources one form acts on (a page of `/sources` lists them all; this bounds a
/// forged form).
const MAX_SOURCES: usize = 5_000;

/// A bulk form as sent: its token, the checked sources' ids and the action.
#[derive(Default)]
struct BulkForm {
    csrf: String,
    ids: Vec<SourceId>,
    /// An `id` that is not a number, if any: the form is refused (after the token check).
    bad_id: Option<String>,
    action: String,
}

impl BulkForm {
    /// The form from its fields (`id` repeats, one per checked source).
    fn parse(pairs: Vec<(String, String)>) -> BulkForm {
        let mut form = BulkForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf" => form.csrf = value,
                "action" => form.action = value,
                "id" => match value.trim().parse() {
                    Ok(id) => form.ids.push(SourceId(id)),
                    Err(_) => form.bad_id = Some(value),
                },
                _ => {}
            }
        }
        form
    }

    /// The checked sources, every one of them looked up (see [`checked_sources`]).
    async fn sources(&self, state: &AppState) -> Result<Vec<Source>, PeopleError> {
        if let Some(bad) = &self.bad_id {
            return Err(PeopleError::BadRequest(format!(
                "{bad:?} is not a source's id; nothing was changed."
            )));
        }
        checked_sources(state, &self.ids).await
    }
}

/// The checked sources, every one of them looked up; refused, naming the ids that name no
/// source, when any does not.
async fn checked_sources(state: &AppState, ids: &[SourceId]) -> Result<Vec<Source>, PeopleError> {
    if ids.is_empty() {
        return Err(PeopleError::BadRequest("Check at least one source.".into()));
    }
    if ids.len() > MAX_SOURCES {
        return Err(PeopleError::BadRequest(format!(
            "At most {MAX_SOURCES} sources at once."
        )));
    }
    match state.store.sources().several(ids).await {
        Ok(sources) => Ok(sources),
        Err(StoreError::NotFound(what)) => Err(PeopleError::BadRequest(format!(
            "There is no {what} (removed meanwhile?); nothing was changed."
        ))),
        Err(err) => Err(err.into()),
    }
}

/// One source on the removal page.
struct Going {
    id: i64,
    href: String,
    name: String,
    url: String,
    article_count: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "sources_bulk_remove.html")]
struct RemovePage {
    site_name: String,
    csrf: String,
    sources: Vec<Going>,
    article_count: i64,
}

/// `POST /sources/bulk`: pauses, resumes or refreshes the checked sources, then shows
/// `/sources`; or, for `remove`, shows the page that asks.
pub(crate) async fn act(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let form = BulkForm::parse(pairs);
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let sources = form.sources(&state).await?;
        let ids: Vec<SourceId> = sources.iter().map(|s| s.id).collect();
        let now = state.people.clock.now_secs();
        let store = state.store.sources();
        let by = Some(viewer.user.id);
        match form.action.as_str() {
            "pause" => {
                store.pause(&ids, by, now).await?;
            }
            "resume" => {
                store.resume(&ids, by, now).await?;
            }
            "refresh" => {
                for id in &ids {
                    store.make_due(Some(*id), now).await?;
                    state
                        .store
                        .moderation()
                        .log_source(by, "source-refresh", *id, "", now)
                        .await?;
                }
            }
            "remove" => {
                let mut going = Vec::with_capacity(sources.len());
                for source in &sources {
                    going.push(Going {
                        id: source.id.0,
                        href: format!("/source/{}", source.id),
                        name: source.display_name().to_string(),
                        url: source.url.clone(),
                        article_count: state.store.articles().count_by_source(source.id).await?,
                    });
                }
                return Ok(RemovePage {
                    site_name: state.site_name.clone(),
                    csrf: viewer.csrf.clone(),
                    article_count: going.iter().map(|g| g.article_count).sum(),
                    sources: going,
                }
                .into_response());
            }
            _ => {
                return Err(PeopleError::BadRequest(
                    "The action is pause, resume, refresh or remove.".into(),
                ));
            }
        }
        page_changed(&state, "/sources");
        Ok(Redirect::to("/sources").into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// `POST /sources/bulk/remove`: removes the sources the removal page listed, with their
/// articles (each as `tidings sources remove`), then shows `/sources`.
pub(crate) async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let form = BulkForm::parse(pairs);
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let sources = form.sources(&state).await?;
        let now = state.people.clock.now_secs();
        for source in &sources {
            state
                .store
                .sources()
                .remove_logged(source.id, Some(viewer.user.id), now)
                .await?;
        }
        page_changed(&state, "/sources");
        Ok(Redirect::to("/sources").into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
