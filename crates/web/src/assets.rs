//! The stylesheet, script and icon, embedded in the binary and served under names that carry
//! a hash of their content (`/static/style.3f9c0a1b2d4e.css`), so browsers and proxies may keep
//! them for a year: a new release changes the name. The plain names (`/static/style.css`) still
//! answer, with a short cache lifetime, for links kept from before.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// One embedded file.
struct Asset {
    /// Its plain name (`style.css`).
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 4] = [
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../assets/style.css"),
    },
    Asset {
        name: "keys.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/keys.js"),
    },
    Asset {
        name: "comments.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/comments.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_str!("../assets/favicon.svg"),
    },
];

/// Each asset's hashed name, in the order of [`ASSETS`].
static HASHED: LazyLock<[String; 4]> = LazyLock::new(|| ASSETS.each_ref().map(hashed_name));

/// `style.css` → `style.<12 hex digits>.css`.
fn hashed_name(asset: &Asset) -> String {
    let digest = format!("{:016x}", tidings_text::hash_str(asset.body));
    match asset.name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{}.{ext}", &digest[..12]),
        None => format!("{}.{}", asset.name, &digest[..12]),
    }
}

/// The path to link an asset by: `/static/` and its hashed name. Templates call it.
pub(crate) fn href(name: &str) -> String {
    let hashed = ASSETS
        .iter()
        .position(|a| a.name == name)
        .map_or(name, |i| HASHED[i].as_str());
    format!("/static/{hashed}")
}

/// A year: what a name that changes with its content may be kept for.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// An hour, for the plain names.
const PLAIN: &str = "public, max-age=3600";

/// `/static/{file}`: an asset by its hashed name (kept for a year) or its plain name.
pub(crate) async fn serve(Path(file): Path<String>) -> Response {
    for (i, asset) in ASSETS.iter().enumerate() {
        let cache = if file == HASHED[i] {
            IMMUTABLE
        } else if file == asset.name {
            PLAIN
        } else {
            continue;
        };
        return (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, cache),
            ],
            asset.body,
        )
            .into_response();
    }
    (StatusCode::NOT_FOUND, "no such file\n").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_carry_the_content_hash() {
        let style = href("style.css");
        assert!(
            style.starts_with("/static/style.") && style.ends_with(".css"),
            "{style}"
        );
        assert_eq!(style.len(), "/static/style..css".len() + 12);
        assert_ne!(href("keys.js"), "/static/keys.js");
        // Names outside the table are left as they are.
        assert_eq!(href("other.png"), "/static/other.png");
    }

    #[tokio::test]
    async fn hashed_names_are_immutable_and_plain_ones_short_lived() {
        let hashed = href("style.css").trim_start_matches("/static/").to_string();
        let res = serve(Path(hashed)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CACHE_CONTROL], IMMUTABLE);
        let res = serve(Path("style.css".to_string())).await;
        assert_eq!(res.headers()[header::CACHE_CONTROL], PLAIN);
        let res = serve(Path("style.000000000000.css".to_string())).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}
