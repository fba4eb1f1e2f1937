//! API errors: each becomes `{"error": "…"}` with the status that fits.

use crate::pages::PageError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_store::StoreError;

/// What went wrong answering an API request.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// `400`: the request is malformed (a bad query parameter).
    BadRequest(String),
    /// `404`: nothing has that id, or no endpoint has that path.
    NotFound(String),
    /// `503`: the server does not offer this now (search is not enabled).
    Unavailable(String),
    /// `500`: the server failed; the details go to the log, not to the client.
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        ApiError::Internal(err.to_string())
    }
}

impl From<PageError> for ApiError {
    fn from(err: PageError) -> Self {
        match err {
            PageError::NotFound => ApiError::NotFound("not found".to_string()),
            PageError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ApiError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, m),
            ApiError::Internal(err) => {
                tracing::error!(%err, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; please try again in a moment".to_string(),
                )
            }
        };
        json_error(status, &message)
    }
}

/// The API's error answer: `{"error": message}` as `application/json`, with `status`. Every
/// error under `/api` has this shape (see [`super::json_errors`]).
pub(crate) fn json_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::to_vec(&serde_json::json!({ "error": message }))
        .map(|b| crate::feeds_out::json_without_markup(&b))
        .unwrap_or_else(|_| b"{\"error\": \"internal error\"}".to_vec());
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
