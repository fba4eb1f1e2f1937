//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the API, written by hand in
//! `openapi.json` next to this file and embedded in the binary.

use crate::http_cache::{LONG_MAX_AGE, cached};
use axum::http::HeaderMap;
use axum::response::Response;

/// The document, as served.
pub(crate) const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`: the document, cached for an hour.
pub(crate) async fn document(headers: HeaderMap) -> Response {
    cached(
        &headers,
        "application/json",
        DOCUMENT.as_bytes().to_vec(),
        LONG_MAX_AGE,
    )
}

#[cfg(test)]
mod tests {
    use super::DOCUMENT;
    use std::collections::BTreeSet;

    fn document() -> serde_json::Value {
        serde_json::from_str(DOCUMENT).expect("the OpenAPI document is JSON")
    }

    #[test]
    fn it_is_openapi_3_1_and_names_exactly_the_routes_the_router_serves() {
        let doc = document();
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..4]), Some("3.1."));
        let documented: BTreeSet<String> = doc["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .cloned()
            .collect();
        let served: BTreeSet<String> = crate::api::routes()
            .into_iter()
            .map(|(path, _)| path.to_string())
            .collect();
        assert_eq!(documented, served);
    }

    #[test]
    fn every_operation_is_a_get_or_a_comment_post_with_an_id_and_a_success() {
        let doc = document();
        let mut ids = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let ops = item.as_object().expect("path item");
            let methods: Vec<&String> = ops.keys().collect();
            if path.ends_with("/comments") {
                assert_eq!(methods, vec!["get", "post"], "{path}");
            } else {
                assert_eq!(methods, vec!["get"], "{path}");
            }
            for (method, op) in ops {
                let id = op["operationId"].as_str().expect("operationId");
                assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
                let success = if method == "post" { "201" } else { "200" };
                assert!(
                    op["responses"][success].is_object(),
                    "{path} documents {success}"
                );
                if path.contains("{id}") {
                    assert!(op["responses"]["404"].is_object(), "{path} documents 404");
                }
            }
        }
    }

    #[test]
    fn every_operation_documents_the_rate_limit_with_retry_after() {
        let doc = document();
        assert!(doc["components"]["headers"]["RetryAfter"].is_object());
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let limited = &op["responses"]["429"];
                assert_eq!(
                    limited["headers"]["Retry-After"]["$ref"].as_str(),
                    Some("#/components/headers/RetryAfter"),
                    "{method} {path} documents 429 with Retry-After"
                );
                assert_eq!(
                    limited["content"]["application/json"]["schema"]["$ref"].as_str(),
                    Some("#/components/schemas/Error"),
                    "{method} {path}"
                );
            }
        }
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let text = DOCUMENT;
        for part in text.split("\"$ref\": \"#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap_or_default();
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "schema {name} is defined"
            );
        }
    }
}
