//! Personal reading on the site: follow and unfollow buttons, read and save (star) buttons,
//! hide and unhide buttons with the page of what the reader hid (`/settings/hidden`, see
//! [`hiding`] for how pages leave it out), the "For you" and "Saved" pages, the settings for
//! reader apps (API keys, OPML import and export) and the page that tells each app how to
//! connect.
//!
//! Pages every reader sees alike stay alike (the page cache serves them to anonymous
//! readers): they carry only the marker [`CONTROLS_MARKER`] where personal buttons go.
//! For a request with a live session, [`controls_layer`] replaces the marker with the
//! buttons that fit the page (follow this source, section, entity, search or story; hide
//! this source, entity or topic; read or save this article, and "You hid" its outlet with
//! an unhide button; mark this story read), each a `POST` form with the session's CSRF
//! token, so they work without JavaScript. The page cache never keeps an answer to a request
//! with a session, so one reader's buttons never reach another.

mod actions;
mod apps;
mod for_you;
mod hide;
pub(crate) mod hiding;
mod item_card;
pub(crate) mod opened;
pub(crate) mod portability;
mod saved;
mod settings;

use crate::people::session::{Viewer, escape};
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use tidings_model::{ArticleId, SourceId, StoryId};
use tidings_store::{Follow, FollowKind, HiddenThing, StoreError};
use tidings_stories::section::Section;

/// Where a page's personal buttons go: an HTML comment, invisible to anonymous readers.
pub(crate) const CONTROLS_MARKER: &str = "<!--tidings:personal-->";

/// The personal routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/for-you", get(for_you::page))
        .route("/saved", get(saved::page))
        .route("/follow", post(actions::follow))
        .route("/unfollow", post(actions::unfollow))
        .route("/article/{id}/mark", post(actions::mark_article))
        .route("/story/{id}/read", post(actions::mark_story))
        .route("/hide", post(hide::hide))
        .route("/unhide", post(hide::unhide))
        .route(hide::SETTINGS_PATH, get(hide::settings_page))
        .route("/settings/apps", get(settings::apps_page))
        .route("/settings/apps/keys", post(settings::create_key))
        .route(
            "/settings/apps/keys/{id}/revoke",
            post(settings::revoke_key),
        )
        .route(
            "/settings/import",
            get(settings::import_page)
                .post(settings::import)
                .layer(DefaultBodyLimit::max(
                    portability::MAX_OPML_BYTES + 64 * 1024,
                )),
        )
        .route("/settings/export", get(settings::export))
        .route("/apps", get(apps::page))
}

/// What a page's path says its personal buttons are about.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PageSubject {
    Follow(Follow),
    Source(SourceId),
    Article(ArticleId),
    Story(StoryId),
    /// A topic's page, by slug: it has a hide button only.
    Topic(String),
}

/// The subject of the page at `path` (with its query), if it has personal buttons.
fn subject(path: &str, query: Option<&str>) -> Option<PageSubject> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["source", id] => id.parse().ok().map(|id| PageSubject::Source(SourceId(id))),
        ["section", slug] => Section::from_slug(slug).map(|s| {
            PageSubject::Follow(Follow {
                kind: FollowKind::Section,
                target: s.slug().to_string(),
            })
        }),
        ["entity", slug] => Some(PageSubject::Follow(Follow {
            kind: FollowKind::Entity,
            target: (*slug).to_string(),
        })),
        ["topic", slug] => Some(PageSubject::Topic((*slug).to_string())),
        ["article", id] | ["article", id, _] => id
            .parse()
            .ok()
            .map(|id| PageSubject::Article(ArticleId(id))),
        ["story", id] => id.parse().ok().map(|id| PageSubject::Story(StoryId(id))),
        ["search"] => {
            let q = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .find(|(k, _)| k == "q")
                .map(|(_, v)| v.trim().to_string())
                .filter(|q| !q.is_empty())?;
            Some(PageSubject::Follow(Follow {
                kind: FollowKind::Search,
                target: q,
            }))
        }
        _ => None,
    }
}

/// A `POST` form with the session's token, hidden fields and one submit button.
pub(crate) fn form(viewer: &Viewer, action: &str, fields: &[(&str, &str)], button: &str) -> String {
    let mut out = format!(
        r#"<form class="inline personal" method="post" action="{}"><input type="hidden" name="csrf" value="{}">"#,
        escape(action),
        escape(&viewer.csrf)
    );
    for (name, value) in fields {
        out.push_str(&format!(
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(name),
            escape(value)
        ));
    }
    out.push_str(&format!(
        r#"<button type="submit">{}</button></form>"#,
        escape(button)
    ));
    out
}

/// The follow or unfollow form for `target` of `kind` (`source`, or a [`FollowKind`]),
/// returning to `back`.
fn follow_form(
    viewer: &Viewer,
    kind: &str,
    target: &str,
    following: bool,
    label: &str,
    back: &str,
) -> String {
    let (action, verb) = if following {
        ("/unfollow", "Unfollow")
    } else {
        ("/follow", "Follow")
    };
    form(
        viewer,
        action,
        &[("kind", kind), ("target", target), ("next", back)],
        &format!("{verb} {label}"),
    )
}

/// The hide or unhide form for `thing`, named `label`, returning to `back`; while it is
/// hidden, "You hid" comes first.
fn hide_form(
    viewer: &Viewer,
    thing: &HiddenThing,
    hidden: bool,
    label: &str,
    back: &str,
) -> String {
    let kind = thing.kind.as_str();
    let fields = [
        ("kind", kind),
        ("target", thing.target.as_str()),
        ("next", back),
    ];
    if hidden {
        format!(
            r#"<span class="reading-state">You hid {}</span> {}"#,
            escape(label),
            form(viewer, "/unhide", &fields, &format!("Unhide {label}"))
        )
    } else {
        form(viewer, "/hide", &fields, &format!("Hide {label}"))
    }
}

/// The buttons for a page's subject, for this viewer.
async fn controls(
    state: &AppState,
    viewer: &Viewer,
    subject: &PageSubject,
    back: &str,
) -> Result<String, StoreError> {
    let user = viewer.user.id;
    let reading = state.store.reading();
    let html = match subject {
        PageSubject::Source(source) => {
            let Some(found) = state.store.sources().get(*source).await? else {
                return Ok(String::new());
            };
            let following = reading.subscription(user, *source).await?.is_some();
            let target = source.0.to_string();
            let thing = HiddenThing::source(*source);
            let hidden = state.store.hidden().hides(user, &thing).await?;
            format!(
                "{} {}",
                follow_form(
                    viewer,
                    actions::SOURCE_KIND,
                    &target,
                    following,
                    &found.display_name(),
                    back,
                ),
                hide_form(viewer, &thing, hidden, &found.display_name(), back)
            )
        }
        PageSubject::Follow(follow) => {
            let following = reading.follows(user).await?.contains(follow);
            let label = match follow.kind {
                FollowKind::Section => Section::from_slug(&follow.target)
                    .map_or_else(|| follow.target.clone(), |s| s.name().to_string()),
                FollowKind::Entity => match state.store.insights().entity(&follow.target).await? {
                    Some((name, _)) => name,
                    None => return Ok(String::new()),
                },
                FollowKind::Search => "this search".to_string(),
                // A story's page names its subject as a story, not a follow; no page path
                // leads here.
                FollowKind::Story => "this story".to_string(),
            };
            let follow_html = follow_form(
                viewer,
                follow.kind.as_str(),
                &follow.target,
                following,
                &label,
                back,
            );
            if follow.kind == FollowKind::Entity {
                let thing = HiddenThing::entity(&follow.target);
                let hidden = state.store.hidden().hides(user, &thing).await?;
                format!(
                    "{follow_html} {}",
                    hide_form(viewer, &thing, hidden, &label, back)
                )
            } else {
                follow_html
            }
        }
        PageSubject::Topic(slug) => {
            let Some(name) = state.store.articles().topic_name(slug).await? else {
                return Ok(String::new());
            };
            let thing = HiddenThing::topic(slug);
            let hidden = state.store.hidden().hides(user, &thing).await?;
            hide_form(viewer, &thing, hidden, &name, back)
        }
        PageSubject::Article(id) => {
            let Some(item) = reading.items_by_id(user, &[*id]).await?.into_iter().next() else {
                return Ok(String::new());
            };
            let read = item.read_at.is_some();
            let starred = item.starred_at.is_some();
            let path = format!("/article/{}/mark", id.0);
            // Back on the page after marking it unread, the article is not read again
            // for being open (see `opened`).
            let after_mark = if read {
                opened::kept_unread(back)
            } else {
                back.to_string()
            };
            let mut out = form(
                viewer,
                &path,
                &[
                    ("mark", if read { "unread" } else { "read" }),
                    ("next", &after_mark),
                ],
                if read { "Mark unread" } else { "Mark read" },
            );
            out.push(' ');
            out.push_str(&form(
                viewer,
                &path,
                &[
                    ("mark", if starred { "unstar" } else { "star" }),
                    ("next", back),
                ],
                if starred { "Unsave" } else { "Save" },
            ));
            if let Some(story) = item.listing.article.story_id {
                out.push(' ');
                out.push_str(&form(
                    viewer,
                    &format!("/story/{}/read", story.0),
                    &[("next", back)],
                    "Mark the whole story read",
                ));
            }
            let status = match (read, starred) {
                (true, true) => r#"Read · <a href="/saved">saved</a>"#,
                (true, false) => "Read",
                (false, true) => r#"Unread · <a href="/saved">saved</a>"#,
                (false, false) => "Unread",
            };
            let outlet = HiddenThing::source(item.listing.article.source_id);
            let outlet_hidden = if state.store.hidden().hides(user, &outlet).await? {
                format!(
                    "{} ",
                    hide_form(viewer, &outlet, true, &item.listing.source_name, back)
                )
            } else {
                String::new()
            };
            format!(r#"{outlet_hidden}<span class="reading-state">{status}</span> {out}"#)
        }
        PageSubject::Story(story) => {
            let follow = Follow::story(*story);
            let following = reading.follows(user).await?.contains(&follow);
            let kind = follow.kind.as_str();
            let follow_html = if following {
                let unfollow = form(
                    viewer,
                    "/unfollow",
                    &[("kind", kind), ("target", &follow.target), ("next", back)],
                    "Unfollow",
                );
                format!(r#"<span class="reading-state">Following</span> · {unfollow}"#)
            } else {
                form(
                    viewer,
                    "/follow",
                    &[("kind", kind), ("target", &follow.target), ("next", back)],
                    "Follow this story",
                )
            };
            let mark = form(
                viewer,
                &format!("/story/{}/read", story.0),
                &[("next", back)],
                "Mark story read",
            );
            format!("{follow_html} {mark}")
        }
    };
    // Interface text, placed inside the headers of pages whose content may be in another
    // language (a German story's page is `lang="de"`): it says its own language.
    Ok(format!(
        r#"<div class="personal-controls" lang="en" role="group" aria-label="Your reading">{html}</div>"#
    ))
}

/// Replaces [`CONTROLS_MARKER`] in HTML answers to requests with a live session with the
/// page's personal buttons. The viewer is the one the session layer
/// ([`crate::people::viewer_layer`], outside this one) put in the request's extensions, so a
/// request reads its session once. Other requests and answers pass untouched.
pub async fn controls_layer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let Some(viewer) = request.extensions().get::<Viewer>().cloned() else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let Some(subject) = subject(&path, query.as_deref()) else {
        return next.run(request).await;
    };
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html || !response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let html = String::from_utf8_lossy(&bytes);
    if !html.contains(CONTROLS_MARKER) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let back = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let buttons = match controls(&state, &viewer, &subject, &back).await {
        Ok(buttons) => buttons,
        Err(err) => {
            tracing::warn!(%err, "could not render the personal buttons");
            String::new()
        }
    };
    let replaced = html.replacen(CONTROLS_MARKER, &buttons, 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Response::from_parts(parts, Body::from(replaced))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_name_their_subject() {
        assert_eq!(
            subject("/source/3", None),
            Some(PageSubject::Source(SourceId(3)))
        );
        assert_eq!(
            subject("/section/sport", None),
            Some(PageSubject::Follow(Follow {
                kind: FollowKind::Section,
                target: "sport".into()
            }))
        );
        assert_eq!(subject("/section/nonsense", None), None);
        assert_eq!(
            subject("/article/12/a-slug", None),
            Some(PageSubject::Article(ArticleId(12)))
        );
        assert_eq!(
            subject("/story/5", None),
            Some(PageSubject::Story(StoryId(5)))
        );
        assert_eq!(
            subject("/search", Some("q=dam+breach&page=2")),
            Some(PageSubject::Follow(Follow {
                kind: FollowKind::Search,
                target: "dam breach".into()
            }))
        );
        assert_eq!(subject("/search", Some("q=")), None);
        assert_eq!(
            subject("/topic/royals", None),
            Some(PageSubject::Topic("royals".into()))
        );
        assert_eq!(subject("/", None), None);
    }
}
