//! A source's edit form, for admins (`POST /source/{id}/edit`): its name, section and feed
//! address. A new address passes the checks a new source's does (http(s), the instance's
//! private-address policy, not another source's address) and makes the source due at once
//! with its conditional-GET validators forgotten (see [`tidings_store::Sources::edit`]).
//! A refused edit shows the source's page again with the form as sent and what was wrong
//! (`422` for a field that cannot be used, `409` for another source's address); nothing
//! changes then.

use super::action_admin;
use super::source_fields::{self, SourceForm};
use super::sources::{SourceControls, source_or_not_found};
use crate::pages::{PageError, source_page};
use crate::people::client_ip::ClientIp;
use crate::people::{PeopleError, page_changed};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tidings_model::Source;
use tidings_store::{SourceEdit, StoreError};

/// The section field's value that keeps a section which is none of the site's sections (one
/// the command line or an OPML import filed the source under).
const KEEP_SECTION: &str = "=";

/// The edit form as a source's page shows it to an admin: the source's fields, or an edit as
/// sent with what was wrong.
pub(crate) struct EditFeed {
    /// The feed address in full (admins see what is fetched, credentials included).
    pub(crate) url: String,
    pub(crate) name: String,
    /// The chosen section's slug ("" for none, [`KEEP_SECTION`] for `other_section`).
    pub(crate) section: String,
    /// Every section, as (slug, name).
    pub(crate) sections: Vec<(&'static str, &'static str)>,
    /// The source's section when it is none of the site's sections, offered to keep.
    pub(crate) other_section: Option<String>,
    pub(crate) error: Option<String>,
    /// The source that already has the address asked for, as (link, name).
    pub(crate) existing: Option<(String, String)>,
}

impl EditFeed {
    /// The form filled with `source`'s fields.
    pub(crate) fn of(source: &Source) -> EditFeed {
        let category = source.category.as_deref().unwrap_or("");
        let slug = source_fields::section_slug(category);
        let other_section = match (category, slug) {
            ("", _) | (_, Some(_)) => None,
            (other, None) => Some(other.to_string()),
        };
        EditFeed {
            url: source.url.clone(),
            name: source.name.clone(),
            section: match (slug, &other_section) {
                (Some(slug), _) => slug.to_string(),
                (None, Some(_)) => KEEP_SECTION.to_string(),
                (None, None) => String::new(),
            },
            sections: source_fields::sections(),
            other_section,
            error: None,
            existing: None,
        }
    }
}

/// The source's page with `controls`' edit form refused with `status`.
async fn refused(
    state: &AppState,
    source: Source,
    controls: SourceControls,
    status: StatusCode,
) -> Result<Response, PeopleError> {
    let mut page = source_page(state, source, 1, Some(controls))
        .await
        .map_err(|e| match e {
            PageError::NotFound => PeopleError::NotFound,
            PageError::Internal(err) => PeopleError::Internal(err),
        })?;
    *page.status_mut() = status;
    Ok(page)
}

/// `POST /source/{id}/edit`: saves the source's name, section and feed address (as
/// `tidings sources edit`) and shows its page; or shows the page with the form as sent and
/// what was wrong.
pub(crate) async fn edit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<SourceForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let source = source_or_not_found(&state, id).await?;
        let mut controls = SourceControls::of(&state, &source, &viewer.csrf);
        let shown = form.shown();
        (controls.edit.url, controls.edit.name, controls.edit.section) =
            (shown.url, shown.name, shown.section);
        let unusable = StatusCode::UNPROCESSABLE_ENTITY;
        let mut edit = SourceEdit::default();
        match source_fields::checked_name(&form.name) {
            Ok(name) => edit.name = Some(name),
            Err(message) => {
                controls.edit.error = Some(message);
                return refused(&state, source, controls, unusable).await;
            }
        }
        if controls.edit.section != KEEP_SECTION {
            match source_fields::checked_section(&controls.edit.section) {
                Ok(category) => edit.category = Some(category),
                Err(message) => {
                    controls.edit.section = EditFeed::of(&source).section;
                    controls.edit.error = Some(message);
                    return refused(&state, source, controls, unusable).await;
                }
            }
        }
        // The address as stored (credentials and all) is no new address, whatever the
        // private-address policy says of it now.
        if form.url.trim() != source.url {
            match source_fields::checked_url(&state, &form.url) {
                Ok(url) => edit.url = Some(url),
                Err(message) => {
                    controls.edit.error = Some(message);
                    return refused(&state, source, controls, unusable).await;
                }
            }
        }
        let now = state.people.clock.now_secs();
        match state
            .store
            .sources()
            .edit(source.id, &edit, Some(viewer.user.id), now)
            .await
        {
            Ok(edited) => {
                if !edited.changes.is_empty() {
                    page_changed(&state, &format!("/source/{}", source.id));
                }
                Ok(Redirect::to(&format!("/source/{}", source.id)).into_response())
            }
            Err(StoreError::AlreadyExists(_)) => {
                let url = edit.url.unwrap_or_default();
                if let Some(found) = state.store.sources().find_by_url(&url).await? {
                    controls.edit.existing = Some((
                        format!("/source/{}", found.id),
                        found.display_name().to_string(),
                    ));
                }
                controls.edit.error = Some(format!(
                    "{url} is already another source's address; nothing was changed."
                ));
                refused(&state, source, controls, StatusCode::CONFLICT).await
            }
            Err(err) => Err(err.into()),
        }
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
