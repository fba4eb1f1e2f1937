//! A feed address with credentials (`http://user:password@host/feed?token=…`) stays the
//! administrators' business: the public API, `/source/N` and `/sources`, the source's RSS
//! feed, the reader apps' APIs and a reader's exports show it without userinfo and with the
//! secret query values redacted; an admin's `/source/N` shows the full address, flagged.

mod support;

use support::{config, site};
use tidings_model::{NewArticle, Role};
use tidings_store::NewSource;

/// The stored address: a password in the userinfo and a token in the query.
const SECRET_URL: &str = "http://reader:s3cretpw@creds.example/feed.xml?token=tok3nzz9&lang=en";
/// What everyone but an admin sees of it.
const PUBLIC_URL: &str = "http://creds.example/feed.xml?token=REDACTED&lang=en";

/// Neither secret appears in `body`, which shows the public address instead.
fn shows_no_secret(surface: &str, body: &str) {
    for secret in ["s3cretpw", "tok3nzz9", "reader:"] {
        assert!(!body.contains(secret), "{surface} shows {secret}: {body}");
    }
}

#[tokio::test]
async fn feed_credentials_are_shown_to_admins_only() {
    let site = site(config()).await;
    // No name yet: the address is what names the source until its first fetch.
    let source = site
        .store
        .sources()
        .add(
            &NewSource {
                url: SECRET_URL.into(),
                ..NewSource::default()
            },
            0,
        )
        .await
        .expect("source");
    assert_eq!(source.url, SECRET_URL, "the fetcher gets the full address");
    let now = chrono::Utc::now().timestamp();
    site.store
        .articles()
        .insert_new(
            source.id,
            &[NewArticle {
                url: "https://creds.example/story".into(),
                title: "Behind a password".into(),
                published_at: Some(now - 60),
                fetched_at: now - 60,
                body_text: "Text.".into(),
                body_html: "<p>Text.</p>".into(),
                ..NewArticle::default()
            }],
        )
        .await
        .expect("article");
    let id = source.id.0;

    // Anonymous visitors.
    let mut anon = site.browser();
    let api = anon.get("/api/v1/sources").await;
    assert_eq!(api.status, 200);
    shows_no_secret("/api/v1/sources", &api.body);
    let listed: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    let feed_urls: Vec<&str> = listed["items"]
        .as_array()
        .expect("a list of sources")
        .iter()
        .filter_map(|s| s["feed_url"].as_str())
        .collect();
    assert!(feed_urls.contains(&PUBLIC_URL), "{feed_urls:?}");
    let one = anon.get(&format!("/api/v1/sources/{id}")).await;
    assert_eq!(one.status, 200);
    shows_no_secret("/api/v1/sources/N", &one.body);
    for path in [
        format!("/source/{id}"),
        "/sources".to_string(),
        format!("/source/{id}/feed.xml"),
        format!("/source/{id}/feed.atom"),
        format!("/source/{id}/feed.json"),
        "/feed.xml".to_string(),
    ] {
        let got = anon.get(&path).await;
        assert_eq!(got.status, 200, "{path}");
        shows_no_secret(&path, &got.body);
    }
    let rss = anon.get(&format!("/source/{id}/feed.xml")).await;
    assert!(
        rss.body
            .contains("creds.example/feed.xml?token=REDACTED&amp;lang=en"),
        "RSS <source url> names the public address: {}",
        rss.body
    );

    // A reader subscribed through the Miniflux API, then every reader app and export.
    let (mut reader, key) = site.account_with_key("ana").await;
    let http = reqwest::Client::new();
    let base = &site.base;
    let made = http
        .post(format!("{base}/v1/feeds"))
        .header("x-auth-token", &key)
        .json(&serde_json::json!({ "feed_url": SECRET_URL }))
        .send()
        .await
        .expect("subscribe");
    assert_eq!(made.status().as_u16(), 201);
    let miniflux = http
        .get(format!("{base}/v1/feeds"))
        .header("x-auth-token", &key)
        .send()
        .await
        .expect("feeds")
        .text()
        .await
        .expect("body");
    assert!(miniflux.contains("creds.example"), "{miniflux}");
    shows_no_secret("Miniflux /v1/feeds", &miniflux);

    let login = http
        .post(format!("{base}/accounts/ClientLogin"))
        .form(&[("Email", "ana"), ("Passwd", key.as_str())])
        .send()
        .await
        .expect("login")
        .text()
        .await
        .expect("body");
    let auth = login
        .lines()
        .find_map(|l| l.strip_prefix("Auth="))
        .expect("an Auth line");
    let greader = http
        .get(format!("{base}/reader/api/0/subscription/list?output=json"))
        .header("authorization", format!("GoogleLogin auth={auth}"))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("body");
    assert!(greader.contains("creds.example"), "{greader}");
    shows_no_secret("Google Reader subscription/list", &greader);

    use md5::Digest;
    let fever_key: String = md5::Md5::digest(format!("ana:{key}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let fever = http
        .post(format!("{base}/fever/?api&feeds"))
        .form(&[("api_key", fever_key.as_str())])
        .send()
        .await
        .expect("fever")
        .text()
        .await
        .expect("body");
    assert!(fever.contains("creds.example"), "{fever}");
    shows_no_secret("Fever feeds", &fever);

    for path in ["/settings/export", "/account/export"] {
        let got = reader.get(path).await;
        assert_eq!(got.status, 200, "{path}");
        assert!(got.body.contains("creds.example"), "{path}: {}", got.body);
        shows_no_secret(path, &got.body);
    }

    // An admin sees the full address on the source's page, and that it carries credentials.
    let mut admin = site
        .logged_in("root", "correct horse battery", Role::Admin)
        .await;
    let page = admin.get(&format!("/source/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("carries credentials")
            && page.body.contains("reader:s3cretpw@creds.example"),
        "{}",
        page.body
    );
}
