//! The personal buttons' forms: follow and unfollow (a source, section, entity, saved
//! search or story), mark an article read, unread, starred or unstarred, mark a story read. Each
//! checks the origin, the session and its CSRF token, and the per-account write limit, then
//! sends the reader back where they were.

use crate::people::PeopleError;
use crate::people::accounts::{checked_writer, safe_next, see_other};
use crate::people::client_ip::ClientIp;
use crate::reader_api::default_folder;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use tidings_model::{ArticleId, SourceId, StoryId};
use tidings_store::{Follow, FollowKind};
use tidings_stories::section::Section;

/// The `kind` a follow form sends for a source (a subscription, which apps see too).
pub(crate) const SOURCE_KIND: &str = "source";

/// The longest saved search, in characters (the search box's own limit).
const MAX_SEARCH_CHARS: usize = 500;

/// A follow or unfollow form, and the hide and unhide forms (see `super::hide`): what
/// (`kind`, `target`) and where to go back to (`next`), with the session's token.
#[derive(Deserialize, Default)]
pub(crate) struct FollowForm {
    #[serde(default)]
    pub(super) csrf: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) target: String,
    #[serde(default)]
    pub(super) next: String,
}

/// The source a form's target names: `400` when the target is no id, `404` when no source
/// has it (asked only when it `must_exist`).
pub(super) async fn source_target(
    state: &AppState,
    target: &str,
    must_exist: bool,
) -> Result<SourceId, PeopleError> {
    let id = target
        .trim()
        .parse::<i64>()
        .map(SourceId)
        .map_err(|_| PeopleError::BadRequest("No such source.".into()))?;
    if must_exist {
        state
            .store
            .sources()
            .get(id)
            .await?
            .ok_or(PeopleError::NotFound)?;
    }
    Ok(id)
}

/// What a follow form names, checked.
enum Target {
    Source(SourceId),
    Other(Follow),
}

/// The follow a form names, checked: a source or story must exist (`400` when the target is
/// no id, `404` when no such one exists), a section or entity must be known (an entity
/// merged into another is that one), a search must be short plain text (`400` otherwise).
async fn target(state: &AppState, kind: &str, target: &str) -> Result<Target, PeopleError> {
    let target = target.trim();
    if kind == SOURCE_KIND {
        return Ok(Target::Source(source_target(state, target, true).await?));
    }
    let kind = FollowKind::parse(kind).ok_or_else(|| {
        PeopleError::BadRequest("One can follow a source, section, entity, search or story.".into())
    })?;
    let ok = match kind {
        FollowKind::Section => Section::from_slug(target).is_some(),
        FollowKind::Entity => {
            // An entity merged into another is followed as that one, whose page lists its
            // stories.
            let Some(entity) = state.store.entity_groups().resolve(target).await? else {
                return Err(PeopleError::BadRequest(
                    "There is nothing to follow there.".into(),
                ));
            };
            return Ok(Target::Other(Follow {
                kind,
                target: entity,
            }));
        }
        FollowKind::Search => {
            !target.is_empty()
                && target.chars().count() <= MAX_SEARCH_CHARS
                && !target.chars().any(char::is_control)
        }
        FollowKind::Story => {
            // Like a source: a target that is no id is a bad form, an id of no story is not
            // found. Stored in its one spelling ("007" follows story 7).
            let id = target
                .parse::<i64>()
                .map_err(|_| PeopleError::BadRequest("No such story.".into()))?;
            state
                .store
                .stories()
                .get(StoryId(id))
                .await?
                .ok_or(PeopleError::NotFound)?;
            return Ok(Target::Other(Follow::story(StoryId(id))));
        }
    };
    if !ok {
        return Err(PeopleError::BadRequest(
            "There is nothing to follow there.".into(),
        ));
    }
    Ok(Target::Other(Follow {
        kind,
        target: target.to_string(),
    }))
}

/// `POST /follow`.
pub(crate) async fn follow(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<FollowForm>,
) -> Response {
    set_follow(&state, ip, &headers, &form, true).await
}

/// `POST /unfollow`.
pub(crate) async fn unfollow(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<FollowForm>,
) -> Response {
    set_follow(&state, ip, &headers, &form, false).await
}

async fn set_follow(
    state: &AppState,
    ip: std::net::IpAddr,
    headers: &HeaderMap,
    form: &FollowForm,
    on: bool,
) -> Response {
    let run = async {
        let viewer = checked_writer(state, headers, ip, &form.csrf).await?;
        let user = viewer.user.id;
        let reading = state.store.reading();
        let now = state.people.clock.now_secs();
        match target(state, &form.kind, &form.target).await? {
            Target::Source(source) if on => {
                if reading.subscription(user, source).await?.is_none() {
                    let folder = default_folder(state, user).await?;
                    reading.subscribe(user, source, folder, now).await?;
                }
            }
            Target::Source(source) => {
                reading.unsubscribe(user, source).await?;
            }
            Target::Other(follow) if on => reading.follow(user, &follow, now).await?,
            Target::Other(follow) => {
                reading.unfollow(user, &follow).await?;
            }
        }
        Ok::<_, PeopleError>(see_other(&safe_next(&form.next), Vec::new()))
    };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Deserialize, Default)]
pub(crate) struct MarkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    mark: String,
    #[serde(default)]
    next: String,
}

/// `POST /article/{id}/mark`: `mark` = `read`, `unread`, `star` or `unstar`; the mark reaches
/// every copy of the article.
pub(crate) async fn mark_article(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<MarkForm>,
) -> Response {
    let run = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let id = ArticleId(id);
        state
            .store
            .articles()
            .get(id)
            .await?
            .ok_or(PeopleError::NotFound)?;
        let reading = state.store.reading();
        let now = state.people.clock.now_secs();
        let user = viewer.user.id;
        match form.mark.as_str() {
            "read" => reading.set_read(user, &[id], true, now).await?,
            "unread" => reading.set_read(user, &[id], false, now).await?,
            "star" => reading.set_starred(user, &[id], true, now).await?,
            "unstar" => reading.set_starred(user, &[id], false, now).await?,
            _ => {
                return Err(PeopleError::BadRequest(
                    "Mark it read, unread, star or unstar.".into(),
                ));
            }
        };
        Ok(see_other(&safe_next(&form.next), Vec::new()))
    };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Deserialize, Default)]
pub(crate) struct StoryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// `POST /story/{id}/read`: every article of the story, and every copy of them, read.
pub(crate) async fn mark_story(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<StoryForm>,
) -> Response {
    let run = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let story = StoryId(id);
        state
            .store
            .stories()
            .get(story)
            .await?
            .ok_or(PeopleError::NotFound)?;
        let now = state.people.clock.now_secs();
        state
            .store
            .reading()
            .mark_story_read(viewer.user.id, story, now)
            .await?;
        Ok::<_, PeopleError>(see_other(&safe_next(&form.next), Vec::new()))
    };
    run.await.unwrap_or_else(|e| e.page(&state.site_name))
}
