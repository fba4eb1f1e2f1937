//! What can go wrong in the people routes, as an HTML page or as API JSON, with the status
//! that fits (`403` for a bad CSRF token or someone else's comment, `410` for a password
//! reset link that no longer works, `429` with `Retry-After` for a rate limit).

use askama::Template;
use askama_web::WebTemplate;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tidings_store::StoreError;

/// A refusal or failure.
#[derive(Debug)]
pub(crate) enum PeopleError {
    /// `400`: the request is malformed or a field breaks a rule.
    BadRequest(String),
    /// `401`: this needs a logged-in account.
    LoginRequired,
    /// `403`: not allowed (bad CSRF token, foreign origin, someone else's comment, banned).
    Forbidden(String),
    /// `404`.
    NotFound,
    /// `410`: what the address names is gone for good (a used or expired link).
    Gone(String),
    /// `413`: a field is longer than allowed.
    TooLarge(String),
    /// `429`: too many requests; retry after this long.
    TooMany(Duration, String),
    /// `500`: the details go to the log.
    Internal(String),
}

impl From<StoreError> for PeopleError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => PeopleError::NotFound,
            other => PeopleError::Internal(other.to_string()),
        }
    }
}

impl From<super::limits::Limited> for PeopleError {
    fn from(limited: super::limits::Limited) -> Self {
        PeopleError::TooMany(
            limited.0,
            "Too many requests. Please wait a little and try again.".into(),
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    site_name: String,
    heading: String,
    message: String,
}

impl PeopleError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            PeopleError::BadRequest(m) => (StatusCode::BAD_REQUEST, "That did not work", m.clone()),
            PeopleError::LoginRequired => (
                StatusCode::UNAUTHORIZED,
                "Please log in",
                "Log in to do this.".into(),
            ),
            PeopleError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m.clone()),
            PeopleError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing at this address. It may have been removed.".into(),
            ),
            PeopleError::Gone(m) => (StatusCode::GONE, "This link does not work", m.clone()),
            PeopleError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "Too long", m.clone()),
            PeopleError::TooMany(_, m) => (StatusCode::TOO_MANY_REQUESTS, "Slow down", m.clone()),
            PeopleError::Internal(err) => {
                tracing::error!(%err, "people request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Please try again in a moment.".into(),
                )
            }
        }
    }

    fn retry_after(&self) -> Option<HeaderValue> {
        match self {
            PeopleError::TooMany(wait, _) => {
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                HeaderValue::from_str(&secs.max(1).to_string()).ok()
            }
            _ => None,
        }
    }

    /// The error as an HTML page.
    pub(crate) fn page(self, site_name: &str) -> Response {
        let retry = self.retry_after();
        let (status, heading, message) = self.parts();
        let mut response = (
            status,
            ErrorPage {
                site_name: site_name.to_string(),
                heading: heading.to_string(),
                message,
            },
        )
            .into_response();
        if let Some(retry) = retry {
            response.headers_mut().insert(header::RETRY_AFTER, retry);
        }
        response
    }

    /// The error as API JSON: `{"error": "…"}`.
    pub(crate) fn json(self) -> Response {
        let retry = self.retry_after();
        let (status, _, message) = self.parts();
        let mut response = crate::api::json_error(status, &message);
        if let Some(retry) = retry {
            response.headers_mut().insert(header::RETRY_AFTER, retry);
        }
        response
    }
}
