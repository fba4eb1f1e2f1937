//! Hiding: the "Hide" buttons' forms (`POST /hide` and `POST /unhide`, for a source, an
//! entity, a topic or a word) and `/settings/hidden`, which lists everything the reader hid
//! with an "Unhide" button each and a form to hide a word or phrase. Each form checks the
//! origin, the session and its CSRF token and the per-account write limit, as the follow
//! forms do; a source, entity or topic must exist, a word is at most 100 characters, and an
//! account hides at most 200 things (the settings page then says so).

use super::actions::{FollowForm, source_target};
use crate::people::PeopleError;
use crate::people::accounts::{checked_writer, safe_next, see_other};
use crate::people::client_ip::ClientIp;
use crate::people::session::{self, Viewer};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tidings_model::SourceId;
use tidings_store::{HiddenKind, HiddenThing, HideOutcome, MAX_HIDDEN, StoreError};

/// Where the settings page is.
pub(crate) const SETTINGS_PATH: &str = "/settings/hidden";

/// One hidden thing as the settings page lists it.
struct HiddenView {
    /// Its stored kind and target, for the Unhide form.
    kind: &'static str,
    target: String,
    /// How it is named, and its page when it has one.
    name: String,
    href: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_hidden.html")]
struct HiddenSettingsPage {
    site_name: String,
    csrf: String,
    sources: Vec<HiddenView>,
    entities: Vec<HiddenView>,
    topics: Vec<HiddenView>,
    words: Vec<HiddenView>,
    count: usize,
    max: i64,
    /// What was typed into the word form, kept when it was refused.
    word: String,
    error: Option<String>,
}

/// The name of the entity or topic `target` (`kind`), when the site knows one by that slug;
/// `None` for other kinds.
async fn known_name(
    state: &AppState,
    kind: HiddenKind,
    target: &str,
) -> Result<Option<String>, StoreError> {
    match kind {
        HiddenKind::Entity => Ok(state
            .store
            .insights()
            .entity(target)
            .await?
            .map(|(name, _)| name)),
        HiddenKind::Topic => state.store.articles().topic_name(target).await,
        HiddenKind::Source | HiddenKind::Word => Ok(None),
    }
}

/// The settings page for `viewer`, with an error and the refused word, if any.
async fn settings(
    state: &AppState,
    viewer: &Viewer,
    error: Option<String>,
    word: String,
) -> Result<HiddenSettingsPage, PeopleError> {
    let hidden = state.store.hidden().list(viewer.user.id).await?;
    let ids: Vec<SourceId> = hidden.iter().filter_map(|h| h.thing.source_id()).collect();
    let names: std::collections::HashMap<SourceId, String> = state
        .store
        .sources()
        .names(&ids)
        .await?
        .into_iter()
        .collect();
    let mut page = HiddenSettingsPage {
        site_name: state.site_name.clone(),
        csrf: viewer.csrf.clone(),
        sources: Vec::new(),
        entities: Vec::new(),
        topics: Vec::new(),
        words: Vec::new(),
        count: hidden.len(),
        max: MAX_HIDDEN,
        word,
        error,
    };
    for h in hidden {
        let source = h.thing.source_id();
        let HiddenThing { kind, target } = h.thing;
        let (list, name, href) = match kind {
            HiddenKind::Source => {
                let id = source.unwrap_or(SourceId(0));
                let name = names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("Source {target}"));
                (&mut page.sources, name, Some(format!("/source/{target}")))
            }
            HiddenKind::Entity | HiddenKind::Topic => {
                let name = known_name(state, kind, &target)
                    .await?
                    .unwrap_or_else(|| target.clone());
                let href = Some(format!("/{}/{target}", kind.as_str()));
                let list = if kind == HiddenKind::Entity {
                    &mut page.entities
                } else {
                    &mut page.topics
                };
                (list, name, href)
            }
            HiddenKind::Word => (&mut page.words, target.clone(), None),
        };
        list.push(HiddenView {
            kind: kind.as_str(),
            target,
            name,
            href,
        });
    }
    Ok(page)
}

/// `GET /settings/hidden`: what the reader hid, or the login page for anonymous readers.
pub(crate) async fn settings_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let run = async {
        let viewer = session::viewer(&state, &headers)
            .await?
            .ok_or(PeopleError::LoginRequired)?;
        settings(&state, &viewer, None, String::new()).await
    };
    match run.await {
        Ok(page) => page.into_response(),
        Err(PeopleError::LoginRequired) => {
            see_other(&format!("/login?next={SETTINGS_PATH}"), Vec::new())
        }
        Err(e) => e.page(&state.site_name),
    }
}

/// What a hide form names, checked: a source must exist (`400` when the target is no id,
/// `404` when there is no such source), an entity or topic must be known (`404`; an entity
/// merged into another is that one), a word
/// must be one ([`HiddenThing::word`]; its problem is the `Err(Ok(…))`, for the settings
/// page to show). When `unhiding`, a source, entity or topic need not exist any more.
async fn thing(
    state: &AppState,
    kind: &str,
    target: &str,
    unhiding: bool,
) -> Result<Result<HiddenThing, String>, PeopleError> {
    let target = target.trim();
    let kind = HiddenKind::parse(kind).ok_or_else(|| {
        PeopleError::BadRequest(
            "One can hide a source, a person, place or organisation, a topic or a word.".into(),
        )
    })?;
    let thing = match kind {
        HiddenKind::Source => HiddenThing::source(source_target(state, target, !unhiding).await?),
        HiddenKind::Entity => {
            // An entity merged into another is hidden and unhidden as that one (the merge
            // moved what readers hid to it).
            match state.store.entity_groups().resolve(target).await? {
                Some(entity) => HiddenThing::entity(&entity),
                None if unhiding => HiddenThing::entity(target),
                None => return Err(PeopleError::NotFound),
            }
        }
        HiddenKind::Topic => {
            if !unhiding && known_name(state, kind, target).await?.is_none() {
                return Err(PeopleError::NotFound);
            }
            HiddenThing {
                kind,
                target: target.to_string(),
            }
        }
        HiddenKind::Word => match HiddenThing::word(target) {
            Ok(word) => word,
            Err(problem) => return Ok(Err(problem.to_string())),
        },
    };
    Ok(Ok(thing))
}

/// The settings page with `error`, answered `400`, keeping the word typed.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    error: String,
    word: String,
) -> Result<Response, PeopleError> {
    let page = settings(state, viewer, Some(error), word).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// `POST /hide`: hides a source, entity, topic or word, then back to `next` (the settings
/// page by default). A refused word, or an account at its limit, gets the settings page
/// saying why.
pub(crate) async fn hide(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<FollowForm>,
) -> Response {
    let run = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let typed = if form.kind == HiddenKind::Word.as_str() {
            form.target
                .chars()
                .take(2 * tidings_store::MAX_WORD_CHARS)
                .collect()
        } else {
            String::new()
        };
        let thing = match thing(&state, &form.kind, &form.target, false).await? {
            Ok(thing) => thing,
            Err(problem) => return refused(&state, &viewer, problem, typed).await,
        };
        let now = state.people.clock.now_secs();
        match state
            .store
            .hidden()
            .hide(viewer.user.id, &thing, now)
            .await?
        {
            HideOutcome::Hidden | HideOutcome::AlreadyHidden => {}
            HideOutcome::LimitReached => {
                let problem = format!(
                    "You hide {MAX_HIDDEN} things already, the most one account may. \
                     Unhide something below first."
                );
                return refused(&state, &viewer, problem, typed).await;
            }
        }
        Ok::<_, PeopleError>(see_other(&next_or_settings(&form.next), Vec::new()))
    };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}

/// `POST /unhide`: shows a source, entity, topic or word again, then back to `next`.
pub(crate) async fn unhide(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<FollowForm>,
) -> Response {
    let run = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let thing = thing(&state, &form.kind, &form.target, true)
            .await?
            .map_err(PeopleError::BadRequest)?;
        state.store.hidden().unhide(viewer.user.id, &thing).await?;
        Ok::<_, PeopleError>(see_other(&next_or_settings(&form.next), Vec::new()))
    };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}

/// Where a form goes back to: its `next`, if it is a path here, else the settings page.
fn next_or_settings(next: &str) -> String {
    if next.is_empty() {
        SETTINGS_PATH.to_string()
    } else {
        safe_next(next)
    }
}
