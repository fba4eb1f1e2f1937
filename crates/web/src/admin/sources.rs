//! Sources, for admins: the "Add a feed" form on `/sources` (`POST /sources/add`), and on each
//! `/source/{id}` "Fetch now" (`POST /source/{id}/refresh`), the display policy
//! (`POST /source/{id}/display`) and "Remove" (`GET /source/{id}/remove` asks, saying how many
//! articles go with the source; `POST` removes). Pausing, editing and acting on several
//! sources at once have modules of their own.
//!
//! The address is checked by [`tidings_fetch::check_feed_url`], the rule the command line and
//! the reader apps' APIs share. A page address is fine: the pipeline follows an HTML page to
//! its feed. Unless the instance allows private addresses, one whose host is certainly
//! private (an IP literal the fetcher's guard refuses, `localhost`) is refused here at once
//! rather than added to fail at every fetch; other names are not resolved here, the guard
//! checks their addresses at every fetch and redirect.

use super::source_edit::EditFeed;
use super::source_fields::{self, SourceForm};
use super::{action_admin, page_admin};
use crate::display::DisplayPolicy;
use crate::pages::{PageError, respond};
use crate::people::client_ip::ClientIp;
use crate::people::csrf::TokenForm;
use crate::people::{PeopleError, page_changed};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_model::{Source, SourceId};
use tidings_store::{NewSource, StoreError};

/// The "Add a feed" form as `/sources` shows it to an admin: empty, or as it was sent with
/// what was wrong.
pub(crate) struct AddFeed {
    pub(crate) csrf: String,
    pub(crate) url: String,
    pub(crate) name: String,
    /// The chosen section's slug ("" for none).
    pub(crate) section: String,
    /// Every section, as (slug, name).
    pub(crate) sections: Vec<(&'static str, &'static str)>,
    pub(crate) error: Option<String>,
    /// What the last addition did when it did more than add (approved a waiting source).
    pub(crate) notice: Option<String>,
    /// The source that already has the address, as (link, name).
    pub(crate) existing: Option<(String, String)>,
    /// The sources readers added that wait for review (filled by `/sources`).
    pub(crate) awaiting: Vec<super::source_review::AwaitingView>,
}

impl AddFeed {
    /// The empty form, with the admin's token.
    pub(crate) fn empty(csrf: &str) -> AddFeed {
        AddFeed {
            csrf: csrf.to_string(),
            url: String::new(),
            name: String::new(),
            section: String::new(),
            sections: source_fields::sections(),
            error: None,
            notice: None,
            existing: None,
            awaiting: Vec::new(),
        }
    }
}

/// The controls `/source/{id}` shows an admin.
pub(crate) struct SourceControls {
    pub(crate) csrf: String,
    /// The source's own display policy: `default`, `full` or `excerpt`.
    pub(crate) display: &'static str,
    /// The instance's policy, which `default` follows.
    pub(crate) instance_display: &'static str,
    /// The full feed address when it carries credentials (userinfo, a token in the query),
    /// which readers see redacted: admins see what is fetched.
    pub(crate) credentialed_url: Option<String>,
    /// Whether the source is paused ("Resume" instead of "Pause").
    pub(crate) paused: bool,
    /// The edit form: the source's fields, or an edit as sent with what was wrong.
    pub(crate) edit: EditFeed,
}

impl SourceControls {
    /// The controls for `source`, with the admin's token.
    pub(crate) fn of(state: &AppState, source: &Source, csrf: &str) -> SourceControls {
        SourceControls {
            csrf: csrf.to_string(),
            display: source
                .display
                .as_deref()
                .and_then(DisplayPolicy::parse)
                .map_or("default", DisplayPolicy::name),
            instance_display: state.display.name(),
            credentialed_url: source.url_carries_credentials().then(|| source.url.clone()),
            paused: source.paused_at.is_some(),
            edit: EditFeed::of(source),
        }
    }
}

/// The form as sent back, refused with `status` and `message`.
async fn refused(
    state: &AppState,
    mut form: AddFeed,
    status: StatusCode,
    message: String,
) -> Result<Response, PeopleError> {
    form.error = Some(message);
    with_form(state, form, status).await
}

/// `/sources` with `form` as it is, answered with `status`.
async fn with_form(
    state: &AppState,
    form: AddFeed,
    status: StatusCode,
) -> Result<Response, PeopleError> {
    let mut page = crate::pages::sources_page(state, Some(form))
        .await
        .map_err(|e| match e {
            PageError::NotFound => PeopleError::NotFound,
            PageError::Internal(err) => PeopleError::Internal(err),
        })?;
    *page.status_mut() = status;
    Ok(page)
}

/// `POST /sources/add`: adds the feed, due for a fetch at once, and shows its page; or
/// shows `/sources` again with the form as sent and what was wrong (`422` for an address or
/// field that cannot be used, `409` for an address that is already a source). An address a
/// reader added that awaits review is approved instead (as its "Approve" button does, name
/// and section as the reader left them), and `/sources` says so.
pub(crate) async fn add(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SourceForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let mut view = AddFeed::empty(&viewer.csrf);
        let shown = form.shown();
        (view.url, view.name, view.section) = (shown.url, shown.name, shown.section);
        let unusable = StatusCode::UNPROCESSABLE_ENTITY;
        let name = match source_fields::checked_name(&form.name) {
            Ok(name) => name,
            Err(message) => return refused(&state, view, unusable, message).await,
        };
        let category = match source_fields::checked_section(&view.section) {
            Ok(category) => category,
            Err(message) => {
                view.section.clear();
                return refused(&state, view, unusable, message).await;
            }
        };
        let url = match source_fields::checked_url(&state, &form.url) {
            Ok(url) => url,
            Err(message) => return refused(&state, view, unusable, message).await,
        };
        let now = state.people.clock.now_secs();
        let new = NewSource {
            url,
            name,
            category,
            ..NewSource::default()
        };
        match state.store.sources().add(&new, now).await {
            Ok(source) => {
                state
                    .store
                    .moderation()
                    .log_source(
                        Some(viewer.user.id),
                        "source-add",
                        source.id,
                        &source.public_url(),
                        now,
                    )
                    .await?;
                page_changed(&state, "/sources");
                Ok(Redirect::to(&format!("/source/{}", source.id)).into_response())
            }
            Err(StoreError::AlreadyExists(_)) => {
                let found = state.store.sources().find_by_url(&new.url).await?;
                if let Some(found) = &found
                    && let Some(requester) = approve_waiting(&state, found, viewer.user.id).await?
                {
                    view.url.clear();
                    view.name.clear();
                    view.section.clear();
                    view.notice = Some(format!(
                        "{} was awaiting review, asked for by {requester}: adding it approved \
                         it, and it is fetched at the scheduler's next tick.",
                        found.public_url()
                    ));
                    view.existing = Some((
                        format!("/source/{}", found.id),
                        found.display_name().to_string(),
                    ));
                    return with_form(&state, view, StatusCode::OK).await;
                }
                if let Some(found) = found {
                    view.existing = Some((
                        format!("/source/{}", found.id),
                        found.display_name().to_string(),
                    ));
                }
                let message = format!("{} is already a source.", new.url);
                refused(&state, view, StatusCode::CONFLICT, message).await
            }
            Err(err) => Err(err.into()),
        }
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// Approves `source` as `admin` when it awaits review (logged `source-approve`, as the
/// "Approve" button does): the name of the account that asked for it ("a removed account"
/// when gone), or `None` when it does not wait (it is a public source).
async fn approve_waiting(
    state: &AppState,
    source: &Source,
    admin: tidings_model::UserId,
) -> Result<Option<String>, PeopleError> {
    let awaiting = state.store.sources().awaiting_review().await?;
    let Some(waiting) = awaiting.into_iter().find(|w| w.source.id == source.id) else {
        return Ok(None);
    };
    let now = state.people.clock.now_secs();
    // Another administrator's decision in between leaves nothing to approve: it is a public
    // source (the 409), or gone.
    if !state
        .store
        .sources()
        .approve(source.id, Some(admin), now)
        .await?
    {
        return Ok(None);
    }
    page_changed(state, "/sources");
    Ok(Some(if waiting.requester.is_empty() {
        "a removed account".to_string()
    } else {
        waiting.requester
    }))
}

/// The source `id`, or `404`.
pub(crate) async fn source_or_not_found(state: &AppState, id: i64) -> Result<Source, PeopleError> {
    state
        .store
        .sources()
        .get(SourceId(id))
        .await?
        .ok_or(PeopleError::NotFound)
}

/// `POST /source/{id}/refresh`: "Fetch now" — the source is due at once, and the scheduler
/// queues its fetch at its next tick (as `tidings sources refresh`).
pub(crate) async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let source = source_or_not_found(&state, id).await?;
        let now = state.people.clock.now_secs();
        state.store.sources().make_due(Some(source.id), now).await?;
        state
            .store
            .moderation()
            .log_source(Some(viewer.user.id), "source-refresh", source.id, "", now)
            .await?;
        Ok(Redirect::to(&format!("/source/{}", source.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// The display form's fields.
#[derive(Deserialize, Default)]
pub(crate) struct DisplayForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    policy: String,
}

/// `POST /source/{id}/display`: how much of this source's articles the site shows —
/// `default` (the instance's `display`), `excerpt` or `full` (as `tidings sources display`).
pub(crate) async fn display(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<DisplayForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let value = match form.policy.trim() {
            "default" => None,
            other => Some(
                DisplayPolicy::parse(other)
                    .ok_or_else(|| {
                        PeopleError::BadRequest(
                            "The display policy is default, excerpt or full.".into(),
                        )
                    })?
                    .name(),
            ),
        };
        let source = source_or_not_found(&state, id).await?;
        state.store.sources().set_display(source.id, value).await?;
        let now = state.people.clock.now_secs();
        state
            .store
            .moderation()
            .log_source(
                Some(viewer.user.id),
                "source-display",
                source.id,
                value.unwrap_or("default"),
                now,
            )
            .await?;
        page_changed(&state, &format!("/source/{}", source.id));
        Ok(Redirect::to(&format!("/source/{}", source.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Template, WebTemplate)]
#[template(path = "source_remove.html")]
struct RemovePage {
    site_name: String,
    csrf: String,
    href: String,
    name: String,
    url: String,
    article_count: i64,
}

/// `GET /source/{id}/remove`: the confirmation step, saying how many articles go with the
/// source.
pub(crate) async fn remove_page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let viewer = match page_admin(&state, &headers, &format!("/source/{id}/remove")).await {
        Ok(viewer) => viewer,
        Err(answer) => return answer,
    };
    let result: Result<RemovePage, PageError> = async {
        let source = state
            .store
            .sources()
            .get(SourceId(id))
            .await?
            .ok_or(PageError::NotFound)?;
        Ok(RemovePage {
            site_name: state.site_name.clone(),
            csrf: viewer.csrf.clone(),
            href: format!("/source/{}", source.id),
            name: source.display_name().to_string(),
            url: source.url.clone(),
            article_count: state.store.articles().count_by_source(source.id).await?,
        })
    }
    .await;
    respond(result, &state.site_name)
}

/// `POST /source/{id}/remove`: removes the source and its articles (as `tidings sources
/// remove`), then shows `/sources`.
pub(crate) async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let source = source_or_not_found(&state, id).await?;
        if !state
            .store
            .sources()
            .remove_logged(
                source.id,
                Some(viewer.user.id),
                state.people.clock.now_secs(),
            )
            .await?
        {
            return Err(PeopleError::NotFound);
        }
        page_changed(&state, &format!("/source/{}", source.id));
        Ok(Redirect::to("/sources").into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
