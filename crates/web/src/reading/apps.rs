//! `/apps`: how to connect each kind of reader app, with this site's own addresses.

use crate::base_url::site_base;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;

#[derive(Template, WebTemplate)]
#[template(path = "apps.html")]
pub(crate) struct AppsPage {
    site_name: String,
    base: String,
}

/// `GET /apps`: the same for everyone (the addresses come from the configured base URL, or
/// the request's host).
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap) -> AppsPage {
    AppsPage {
        site_name: state.site_name.clone(),
        base: site_base(state.base_url.as_deref(), &headers),
    }
}
