//! Source icons on the site and in the reader APIs, on every backend: `/source/{id}/icon`
//! answers the stored bytes with their type, `nosniff`, a sandboxing policy, a day's
//! caching and the hash as `ETag` (`304` on `If-None-Match`), and `404` without an icon, for
//! a source awaiting review, or once the source is removed; the source page and `/sources`
//! show it; Miniflux, Google Reader and Fever name it to the accounts that follow the feed.

mod support;

use base64::Engine;
use serde_json::{Value, json};
use support::{config, site_on};
use tidings_model::SourceId;
use tidings_store::testing::each_backend;
use tidings_store::{AddedBy, NewIcon, NewSource};

/// A PNG's signature and header: the bytes served back.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";

fn png_icon() -> NewIcon {
    NewIcon {
        content_type: "image/png".into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(PNG),
        hash: "5eed".repeat(16),
        icon_id: 4_242_424_242,
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn fever_key(name: &str, key: &str) -> String {
    use md5::Digest;
    md5::Md5::digest(format!("{name}:{key}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn an_icon_is_served_shown_and_named_to_reader_apps() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let base = site.base.clone();
        let outlet = site.outlet;
        let plain = site.add_outlet("Plain").await;
        let (_, key) = site.account_with_key("ana").await;
        let (_, bob_key) = site.account_with_key("bob").await;
        let c = http();
        let mf = |path: &str, key: &str| {
            c.get(format!("{base}{path}")).header("x-auth-token", key)
        };
        for url in ["https://outlet.example/feed", "https://plain.example/feed"] {
            let made = c
                .post(format!("{base}/v1/feeds"))
                .header("x-auth-token", &key)
                .json(&json!({ "feed_url": url }))
                .send()
                .await
                .expect("subscribe");
            assert_eq!(made.status(), 201, "{url}");
        }
        let icon_path = format!("/source/{}/icon", outlet.0);
        let get_icon = |etag: Option<&str>| {
            let mut request = c.get(format!("{base}{icon_path}"));
            if let Some(etag) = etag {
                request = request.header("if-none-match", etag);
            }
            request.send()
        };
        assert_eq!(get_icon(None).await.expect("icon").status(), 404, "none yet");
        let (status, _) =
            json_of(mf(&format!("/v1/feeds/{}/icon", outlet.0), &key).send().await.expect("mf")).await;
        assert_eq!(status, 404);

        site.store
            .source_icons()
            .save(outlet, &png_icon(), 1)
            .await
            .expect("save");

        // The bytes, inert and cached for a day, with the hash as ETag.
        let answer = get_icon(None).await.expect("icon");
        assert_eq!(answer.status(), 200);
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("content-type"), "image/png");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert!(header("content-security-policy").contains("default-src 'none'"));
        assert!(header("content-security-policy").contains("sandbox"));
        assert_eq!(header("cache-control"), "public, max-age=86400");
        let etag = header("etag");
        assert_eq!(etag, format!("\"{}\"", png_icon().hash));
        assert_eq!(answer.bytes().await.expect("bytes").as_ref(), PNG);
        let again = get_icon(Some(&etag)).await.expect("conditional");
        assert_eq!(again.status(), 304);
        assert_eq!(get_icon(Some("\"other\"")).await.expect("other").status(), 200);

        // The pages show it beside the name, 16 px, lazily, with an empty alt.
        let img = format!(
            "<img class=\"source-icon\" src=\"/source/{}/icon?v={}\" width=\"16\" height=\"16\" alt=\"\" loading=\"lazy\">",
            outlet.0,
            &png_icon().hash[..12]
        );
        let page = c.get(format!("{base}/source/{}", outlet.0)).send().await.expect("page");
        assert!(page.text().await.expect("page").contains(&img), "the source page");
        let list = c.get(format!("{base}/sources")).send().await.expect("list");
        let list = list.text().await.expect("list");
        assert!(list.contains(&img), "the sources list");
        assert!(!list.contains(&format!("/source/{}/icon", plain.0)), "no icon, no img");
        let plain_page = c.get(format!("{base}/source/{}", plain.0)).send().await.expect("page");
        assert!(!plain_page.text().await.expect("page").contains("source-icon"));

        // Miniflux: the feed names its icon; the icon by feed and by id; others 404.
        let (_, feeds) = json_of(mf("/v1/feeds", &key).send().await.expect("feeds")).await;
        let feed = |id: SourceId| {
            feeds
                .as_array()
                .and_then(|a| a.iter().find(|f| f["id"] == id.0))
                .cloned()
                .expect("feed")
        };
        assert_eq!(
            feed(outlet)["icon"],
            json!({ "feed_id": outlet.0, "icon_id": 4_242_424_242i64 })
        );
        assert_eq!(feed(plain)["icon"], Value::Null);
        let expected = json!({
            "id": 4_242_424_242i64,
            "data": format!("image/png;base64,{}", png_icon().data_base64),
            "mime_type": "image/png",
        });
        let by_feed =
            json_of(mf(&format!("/v1/feeds/{}/icon", outlet.0), &key).send().await.expect("mf")).await;
        assert_eq!(by_feed, (200, expected.clone()));
        let by_id = json_of(mf("/v1/icons/4242424242", &key).send().await.expect("mf")).await;
        assert_eq!(by_id, (200, expected));
        let (status, _) =
            json_of(mf(&format!("/v1/feeds/{}/icon", plain.0), &key).send().await.expect("mf")).await;
        assert_eq!(status, 404);
        let (status, _) = json_of(mf("/v1/icons/4242424242", &bob_key).send().await.expect("mf")).await;
        assert_eq!(status, 404, "an icon of a feed bob does not follow");

        // Google Reader: the icon's absolute address.
        let login = c
            .post(format!("{base}/accounts/ClientLogin"))
            .form(&[("Email", "ana"), ("Passwd", key.as_str())])
            .send()
            .await
            .expect("login")
            .text()
            .await
            .expect("login");
        let auth = login
            .lines()
            .find_map(|l| l.strip_prefix("Auth="))
            .expect("auth")
            .to_string();
        let (_, list) = json_of(
            c.get(format!("{base}/reader/api/0/subscription/list?output=json"))
                .header("authorization", format!("GoogleLogin auth={auth}"))
                .send()
                .await
                .expect("list"),
        )
        .await;
        let icon_url = |id: SourceId| {
            list["subscriptions"]
                .as_array()
                .and_then(|a| a.iter().find(|s| s["id"] == format!("feed/{}", id.0)))
                .map(|s| s["iconUrl"].clone())
                .expect("subscription")
        };
        assert_eq!(icon_url(outlet), json!(format!("{base}{icon_path}")));
        assert_eq!(icon_url(plain), json!(""));

        // Fever: the favicons, and each feed's favicon_id.
        let (_, fever) = json_of(
            c.post(format!("{base}/fever/?api&feeds&favicons"))
                .form(&[("api_key", fever_key("ana", &key))])
                .send()
                .await
                .expect("fever"),
        )
        .await;
        assert_eq!(
            fever["favicons"],
            json!([{
                "id": 4_242_424_242i64,
                "data": format!("image/png;base64,{}", png_icon().data_base64),
            }])
        );
        let favicon_id = |id: SourceId| {
            fever["feeds"]
                .as_array()
                .and_then(|a| a.iter().find(|f| f["id"] == id.0))
                .map(|f| f["favicon_id"].clone())
                .expect("feed")
        };
        assert_eq!(favicon_id(outlet), json!(4_242_424_242i64));
        assert_eq!(favicon_id(plain), json!(0));

        // Removing the source removes its icon.
        assert!(site.store.sources().remove(outlet, 2).await.expect("remove"));
        assert_eq!(get_icon(None).await.expect("icon").status(), 404);
    })
    .await;
}

#[tokio::test]
async fn a_source_awaiting_review_has_no_public_icon() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let reader = site
            .user("ana", "correct horse battery", tidings_model::Role::Reader)
            .await;
        let waiting = site
            .store
            .sources()
            .add_by(
                &NewSource {
                    url: "https://waiting.example/feed".into(),
                    ..NewSource::default()
                },
                AddedBy::ReaderForReview(reader.id),
                1,
            )
            .await
            .expect("add")
            .id;
        site.store
            .source_icons()
            .save(waiting, &png_icon(), 1)
            .await
            .expect("save");
        let answer = http()
            .get(format!("{}/source/{}/icon", site.base, waiting.0))
            .send()
            .await
            .expect("icon");
        assert_eq!(answer.status(), 404);
        site.store
            .sources()
            .approve(waiting, Some(reader.id), 2)
            .await
            .expect("approve");
        let answer = http()
            .get(format!("{}/source/{}/icon", site.base, waiting.0))
            .send()
            .await
            .expect("icon");
        assert_eq!(answer.status(), 200, "once approved");
    })
    .await;
}
