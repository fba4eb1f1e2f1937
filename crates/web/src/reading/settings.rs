//! The reader's settings for apps: API keys (create, list, revoke; a new key is shown once
//! and only its hashes are kept) and OPML import (each feed becomes a shared source, if no
//! source has its address yet, and the reader follows it, filed in its OPML folder) and
//! export (the feeds the reader follows, as an OPML file to download).

use crate::people::PeopleError;
use crate::people::accounts::checked_viewer;
use crate::people::client_ip::ClientIp;
use crate::people::csrf::TokenForm;
use crate::people::limits::Action;
use crate::people::session::{self, Viewer};
use crate::reader_api::new_key;
use crate::reading::portability::{ImportError, export_opml, import_opml};
use crate::state::AppState;
use crate::{exact_time, people};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The longest key label, in characters.
const MAX_LABEL_CHARS: usize = 64;

/// A key as the settings page lists it.
struct KeyView {
    id: i64,
    label: String,
    created: String,
    last_used: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_apps.html")]
struct AppsSettingsPage {
    site_name: String,
    csrf: String,
    name: String,
    keys: Vec<KeyView>,
    /// A key just made: shown once.
    new_key: Option<String>,
    error: Option<String>,
}

async fn require_viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, PeopleError> {
    session::viewer(state, headers)
        .await?
        .ok_or(PeopleError::LoginRequired)
}

async fn apps_settings(
    state: &AppState,
    viewer: &Viewer,
    new_key: Option<String>,
    error: Option<String>,
) -> Result<AppsSettingsPage, PeopleError> {
    let keys = state
        .store
        .api_keys()
        .list(viewer.user.id)
        .await?
        .into_iter()
        .map(|k| KeyView {
            id: k.id,
            label: k.label,
            created: exact_time(k.created_at),
            last_used: k.last_used_at.map_or_else(|| "never".into(), exact_time),
        })
        .collect();
    Ok(AppsSettingsPage {
        site_name: state.site_name.clone(),
        csrf: viewer.csrf.clone(),
        name: viewer.user.name.clone(),
        keys,
        new_key,
        error,
    })
}

/// `GET /settings/apps`.
pub(crate) async fn apps_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let run = async {
        let viewer = require_viewer(&state, &headers).await?;
        apps_settings(&state, &viewer, None, None).await
    };
    match run.await {
        Ok(page) => page.into_response(),
        Err(PeopleError::LoginRequired) => {
            people::accounts::see_other("/login?next=/settings/apps", Vec::new())
        }
        Err(e) => e.page(&state.site_name),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct KeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    label: String,
}

/// `POST /settings/apps/keys`: makes a key and shows it once.
pub(crate) async fn create_key(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<KeyForm>,
) -> Response {
    let run = async {
        let viewer = checked_viewer(&state, &headers, &form.csrf).await?;
        state
            .people
            .limits
            .check(Action::Write, ip, Some(viewer.user.id))?;
        let label = form.label.trim();
        if label.is_empty()
            || label.chars().count() > MAX_LABEL_CHARS
            || label.chars().any(char::is_control)
        {
            let page = apps_settings(
                &state,
                &viewer,
                None,
                Some("Name the key (1 to 64 characters), e.g. the app it is for.".into()),
            )
            .await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
        let (key, _) = new_key(&state, &viewer.user, label).await?;
        Ok::<_, PeopleError>(
            apps_settings(&state, &viewer, Some(key), None)
                .await?
                .into_response(),
        )
    };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}

/// `POST /settings/apps/keys/{id}/revoke`.
pub(crate) async fn revoke_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> Response {
    let run = async {
        let viewer = checked_viewer(&state, &headers, &form.csrf).await?;
        if !state.store.api_keys().revoke(viewer.user.id, id).await? {
            return Err(PeopleError::NotFound);
        }
        Ok(people::accounts::see_other("/settings/apps", Vec::new()))
    };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_import.html")]
struct ImportPage {
    site_name: String,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    skipped: Vec<String>,
}

/// `GET /settings/import`.
pub(crate) async fn import_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match require_viewer(&state, &headers).await {
        Ok(viewer) => ImportPage {
            site_name: state.site_name.clone(),
            csrf: viewer.csrf,
            notice: None,
            error: None,
            skipped: Vec::new(),
        }
        .into_response(),
        Err(PeopleError::LoginRequired) => {
            people::accounts::see_other("/login?next=/settings/import", Vec::new())
        }
        Err(e) => e.page(&state.site_name),
    }
}

/// `POST /settings/import` (multipart: `csrf` and the file `opml`).
pub(crate) async fn import(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let run =
        async {
            let mut csrf = String::new();
            let mut opml: Option<String> = None;
            while let Some(field) = multipart.next_field().await.map_err(|e| {
                PeopleError::BadRequest(format!("The upload could not be read: {e}"))
            })? {
                match field.name() {
                    Some("csrf") => {
                        csrf = field.text().await.map_err(|_| {
                            PeopleError::BadRequest("The upload could not be read.".into())
                        })?;
                    }
                    Some("opml") => {
                        let bytes = field.bytes().await.map_err(|_| {
                            PeopleError::TooLarge("The file is too large (at most 2 MB).".into())
                        })?;
                        opml = Some(String::from_utf8_lossy(&bytes).into_owned());
                    }
                    _ => {}
                }
            }
            let viewer = checked_viewer(&state, &headers, &csrf).await?;
            state
                .people
                .limits
                .check(Action::Write, ip, Some(viewer.user.id))?;
            let page =
                |notice: Option<String>, error: Option<String>, skipped: Vec<String>| ImportPage {
                    site_name: state.site_name.clone(),
                    csrf: viewer.csrf.clone(),
                    notice,
                    error,
                    skipped,
                };
            let Some(text) = opml.filter(|t| !t.trim().is_empty()) else {
                let p = page(
                    None,
                    Some("Choose an OPML file to import.".into()),
                    Vec::new(),
                );
                return Ok((StatusCode::BAD_REQUEST, p).into_response());
            };
            let outcome = match import_opml(&state, &viewer.user, &text).await {
                Ok(outcome) => outcome,
                Err(ImportError::Store(err)) => return Err(err.into()),
                Err(err) => {
                    // Too many feeds keeps the page's old answer, 413; unreadable files 400.
                    let status = match err {
                        ImportError::TooManyFeeds(_) => StatusCode::PAYLOAD_TOO_LARGE,
                        _ => StatusCode::BAD_REQUEST,
                    };
                    let p = page(None, Some(err.to_string()), Vec::new());
                    return Ok((status, p).into_response());
                }
            };
            let followed = outcome.followed;
            let notice = format!(
                "You now follow {followed} feed{} from this file.",
                if followed == 1 { "" } else { "s" }
            );
            Ok::<_, PeopleError>(page(Some(notice), None, outcome.skipped).into_response())
        };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}

/// `GET /settings/export`: the feeds the reader follows, as an OPML file to download, each
/// in its folder.
pub(crate) async fn export(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let run = async {
        let viewer = require_viewer(&state, &headers).await?;
        let opml = export_opml(&state, viewer.user.id)
            .await
            .map_err(|err| PeopleError::Internal(err.to_string()))?;
        Ok::<_, PeopleError>(
            (
                [
                    (header::CONTENT_TYPE, "text/x-opml; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"tidings-subscriptions.opml\"",
                    ),
                    (header::CACHE_CONTROL, "private, no-store"),
                ],
                opml,
            )
                .into_response(),
        )
    };
    match run.await {
        Ok(response) => response,
        Err(PeopleError::LoginRequired) => {
            people::accounts::see_other("/login?next=/settings/export", Vec::new())
        }
        Err(e) => e.page(&state.site_name),
    }
}
