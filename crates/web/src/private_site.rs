//! The private instance: when `[people] private = true`, only signed-in readers see the site.
//!
//! An anonymous request for a page is sent to the sign-in form, which brings the reader back
//! to the page afterwards; an anonymous request for the JSON API or a feed answers `401`,
//! since a program cannot fill in a form. What must stay reachable without an account is let
//! through: signing in (and signing up, when the operator keeps it open), password reset
//! links, the stylesheet and scripts, `/healthz` and `/metrics` for the operator's
//! monitoring, and `robots.txt`. Every answer of a private instance carries `X-Robots-Tag:
//! noindex`, so a search engine that finds the sign-in form does not list it.
//!
//! A suspended or banned account is treated as anonymous: it cannot read a private site.

use crate::people::viewer;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tidings_model::AccountState;

/// Paths an anonymous visitor of a private instance may reach (exact matches). The reader
/// apps' APIs (Google Reader's login, Fever) check their own API keys, which only accounts
/// have, and a banned account's keys log in no more.
const OPEN_PATHS: &[&str] = &[
    "/login",
    "/signup",
    "/healthz",
    "/metrics",
    "/robots.txt",
    "/accounts/ClientLogin",
    "/fever",
    "/fever/",
    "/api/fever.php",
];

/// Path prefixes an anonymous visitor of a private instance may reach: the assets, the
/// password reset links (whose holders cannot log in yet), and the reader apps' APIs (Google
/// Reader, Miniflux), which check their own API keys.
const OPEN_PREFIXES: &[&str] = &[
    "/static/",
    "/reset/",
    "/reader/api/",
    "/api/greader.php/",
    "/v1/",
];

/// Whether `path` is reachable without an account on a private instance.
fn is_open(path: &str) -> bool {
    OPEN_PATHS.contains(&path) || OPEN_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Whether `path` is read by programs (the JSON API and the feeds), which get `401` rather
/// than a sign-in form.
fn is_for_programs(path: &str) -> bool {
    path.starts_with("/api/")
        || path.ends_with("/feed.xml")
        || path.ends_with("/feed.atom")
        || path.ends_with("/feed.json")
}

/// The middleware: lets signed-in readers and the open paths through, and turns everyone else
/// away (see the module documentation). Does nothing on a public instance.
pub(crate) async fn require_reader(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.people.config.private {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let allowed = is_open(path) || {
        match viewer(&state, request.headers()).await {
            Ok(found) => found.is_some_and(|v| v.user.state == AccountState::Active),
            Err(err) => {
                tracing::error!(%err, "cannot read the session of a private-site request");
                let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                mark_noindex(&mut response);
                return response;
            }
        }
    };
    let mut response = if allowed {
        next.run(request).await
    } else if is_for_programs(path) {
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "This Tidings instance is private: sign in to read it.\n",
        )
            .into_response()
    } else {
        let wanted = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &wanted)
            .finish();
        Redirect::to(&format!("/login?{query}")).into_response()
    };
    mark_noindex(&mut response);
    response
}

fn mark_noindex(response: &mut Response) {
    response.headers_mut().insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_assets_and_probes_are_open_and_pages_are_not() {
        for path in [
            "/login",
            "/signup",
            "/static/style.abc.css",
            "/reset/0123abcd",
            "/healthz",
            "/v1/me",
            "/reader/api/0/user-info",
            "/api/greader.php/accounts/ClientLogin",
            "/fever/",
        ] {
            assert!(is_open(path), "{path}");
        }
        for path in [
            "/",
            "/story/3",
            "/article/1/x",
            "/search",
            "/login/../",
            "/staticx",
        ] {
            assert!(!is_open(path), "{path}");
        }
    }

    #[test]
    fn the_api_and_feeds_are_for_programs() {
        for path in ["/api/v1/stories", "/feed.xml", "/section/world/feed.json"] {
            assert!(is_for_programs(path), "{path}");
        }
        for path in ["/", "/story/3", "/search"] {
            assert!(!is_for_programs(path), "{path}");
        }
    }
}
