//! Contract tests of the reader apps' APIs (Miniflux `/v1`, Google Reader, Fever) and of the
//! personal pages behind them: status codes, authentication failures (the same for an
//! unknown account as for a wrong key), pagination, item ids, copies folded into one item,
//! and one account's state out of another's reach.

mod support;

use serde_json::Value;
use support::{Site, config, csrf_after, site};
use tidings_model::{ArticleId, SourceId};

/// The site's fixture plus a wire outlet whose article copies the site's article (same
/// story), and a second article at the first outlet.
struct World {
    site: Site,
    outlet: SourceId,
    wire: SourceId,
    copy: ArticleId,
    second: ArticleId,
}

async fn world() -> World {
    world_with(config()).await
}

async fn world_with(config: tidings_web::people::PeopleConfig) -> World {
    let site = site(config).await;
    let outlet = site
        .store
        .sources()
        .find_by_url("https://outlet.example/feed")
        .await
        .expect("find")
        .expect("outlet")
        .id;
    let (wire, copy) = site.add_wire_copy().await;
    let now = chrono::Utc::now().timestamp();
    let second = site
        .article_at(
            outlet,
            "https://outlet.example/second",
            "Second story",
            now - 300,
        )
        .await;
    World {
        site,
        outlet,
        wire,
        copy,
        second,
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

/// A Miniflux API request on the site at `base` with `key` (the request is built at once, so
/// the answer borrows nothing): its status and JSON answer.
fn miniflux_call(
    c: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> impl Future<Output = (u16, Value)> + use<> {
    let mut request = c
        .request(method, format!("{base}{path}"))
        .header("x-auth-token", key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    async move { json_of(request.send().await.expect("send")).await }
}

fn fever_key(name: &str, key: &str) -> String {
    use md5::Digest;
    md5::Md5::digest(format!("{name}:{key}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn api_keys_are_shown_once_stored_hashed_and_revocable() {
    let w = world().await;
    let (mut browser, key) = w.site.account_with_key("ana").await;
    assert_eq!(key.len(), 64);
    let listed = browser.get("/settings/apps").await;
    assert!(listed.body.contains("tests"), "the key's label is listed");
    assert!(!listed.body.contains(&key), "the key is shown only once");

    let rows = sqlx::query_as::<_, (String, String)>("SELECT token_hash, fever_hash FROM api_keys")
        .fetch_all(w.site.store.pool())
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    let fever = fever_key("ana", &key);
    for (token_hash, fever_hash) in &rows {
        for stored in [token_hash, fever_hash] {
            assert_ne!(stored, &key, "the key is not stored in clear");
            assert_ne!(stored, &fever, "nor its Fever form");
        }
    }

    let base = &w.site.base;
    let me = http()
        .get(format!("{base}/v1/me"))
        .header("x-auth-token", &key)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);
    let page = browser.get("/settings/apps").await;
    let revoke_at = page.body.find("/revoke").expect("a revoke form");
    let action_start = page.body[..revoke_at].rfind("action=\"").expect("action") + 8;
    let action = page.body[action_start..]
        .split('"')
        .next()
        .expect("path")
        .to_string();
    let token = csrf_after(&page.body, &action);
    assert_eq!(browser.post(&action, &[("csrf", &token)]).await.status, 303);
    let me = http()
        .get(format!("{base}/v1/me"))
        .header("x-auth-token", &key)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 401, "a revoked key logs in no more");
}

#[tokio::test]
async fn miniflux_api_answers_its_contract() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    let (_, bob_key) = w.site.account_with_key("bob").await;
    let c = http();
    let get = |path: &str, key: &str| c.get(format!("{base}{path}")).header("x-auth-token", key);

    // Authentication failures look alike.
    let (status, none) = json_of(c.get(format!("{base}/v1/me")).send().await.expect("me")).await;
    assert_eq!(status, 401);
    let (status, wrong) = json_of(get("/v1/me", &"0".repeat(64)).send().await.expect("me")).await;
    assert_eq!((status, &wrong), (401, &none));
    let basic_known = c
        .get(format!("{base}/v1/me"))
        .basic_auth("ana", Some("wrong"))
        .send()
        .await
        .expect("basic");
    let basic_unknown = c
        .get(format!("{base}/v1/me"))
        .basic_auth("nobody", Some("wrong"))
        .send()
        .await
        .expect("basic");
    let known = json_of(basic_known).await;
    assert_eq!(
        known,
        json_of(basic_unknown).await,
        "no hint whether the account exists"
    );
    assert_eq!(known.0, 401);
    let basic_ok = c
        .get(format!("{base}/v1/me"))
        .basic_auth("ana", Some(&key))
        .send()
        .await
        .expect("basic");
    let (status, me) = json_of(basic_ok).await;
    assert_eq!((status, me["username"].as_str()), (200, Some("ana")));
    assert_eq!(
        me["keyboard_shortcuts"], true,
        "the site's pages answer to keys (keys.js)"
    );

    // Feeds: create (201), a second time (409), bad address (400).
    let create = |url: &str| {
        c.post(format!("{base}/v1/feeds"))
            .header("x-auth-token", &key)
            .json(&serde_json::json!({ "feed_url": url }))
    };
    let (status, made) = json_of(
        create("https://outlet.example/feed")
            .send()
            .await
            .expect("create"),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(made["feed_id"].as_i64(), Some(w.outlet.0));
    assert_eq!(
        create("https://outlet.example/feed")
            .send()
            .await
            .expect("again")
            .status(),
        409
    );
    assert_eq!(create("not a url").send().await.expect("bad").status(), 400);
    // This instance does not fetch private addresses, so it does not take them as sources.
    for private in [
        "http://127.0.0.1:8080/feed",
        "http://localhost/rss",
        "http://[::1]/feed",
    ] {
        assert_eq!(
            create(private).send().await.expect("private").status(),
            400,
            "{private}"
        );
    }
    assert_eq!(
        create("https://wire.example/feed")
            .send()
            .await
            .expect("wire")
            .status(),
        201
    );
    let (_, feeds) = json_of(get("/v1/feeds", &key).send().await.expect("feeds")).await;
    assert_eq!(feeds.as_array().map(Vec::len), Some(2));
    assert_eq!(feeds[0]["category"]["title"], "All");

    // Entries: the wire copy folds into the original.
    let (status, entries) = json_of(
        get("/v1/entries?status=unread", &key)
            .send()
            .await
            .expect("entries"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(entries["total"], 2, "{entries}");
    let ids: Vec<i64> = entries["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["id"].as_i64())
        .collect();
    assert_eq!(
        ids,
        vec![w.second.0, w.site.article.0],
        "newest first, copy folded"
    );
    assert_eq!(entries["entries"][1]["story_id"], w.site.story.0);
    // Pages.
    let (_, page) = json_of(
        get("/v1/entries?limit=1&offset=1&direction=desc", &key)
            .send()
            .await
            .expect("page"),
    )
    .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["entries"][0]["id"], w.site.article.0);
    assert_eq!(
        get("/v1/entries?limit=x", &key)
            .send()
            .await
            .expect("bad")
            .status(),
        400
    );

    // Reading the original reads the copy.
    let put = c
        .put(format!("{base}/v1/entries"))
        .header("x-auth-token", &key)
        .json(&serde_json::json!({ "entry_ids": [w.site.article.0], "status": "read" }))
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 204);
    let (_, copy) = json_of(
        get(&format!("/v1/entries/{}", w.copy.0), &key)
            .send()
            .await
            .expect("copy"),
    )
    .await;
    assert_eq!(
        copy["status"], "read",
        "the copy was read with its original"
    );
    let (_, wire_entries) = json_of(
        get(
            &format!("/v1/feeds/{}/entries?status=unread", w.wire.0),
            &key,
        )
        .send()
        .await
        .expect("wire"),
    )
    .await;
    assert_eq!(wire_entries["total"], 0);

    // Bookmarks toggle.
    let toggle = || {
        c.put(format!("{base}/v1/entries/{}/bookmark", w.second.0))
            .header("x-auth-token", &key)
            .send()
    };
    assert_eq!(toggle().await.expect("star").status(), 204);
    let (_, starred) = json_of(
        get("/v1/entries?starred=true", &key)
            .send()
            .await
            .expect("starred"),
    )
    .await;
    assert_eq!(starred["total"], 1);
    assert_eq!(toggle().await.expect("unstar").status(), 204);
    let (_, starred) = json_of(
        get("/v1/entries?starred=true", &key)
            .send()
            .await
            .expect("starred"),
    )
    .await;
    assert_eq!(starred["total"], 0);

    // Counters, categories.
    let (_, counters) = json_of(
        get("/v1/feeds/counters", &key)
            .send()
            .await
            .expect("counters"),
    )
    .await;
    assert_eq!(counters["unreads"][w.outlet.0.to_string()], 1);
    assert_eq!(counters["reads"][w.outlet.0.to_string()], 1);
    let made = c
        .post(format!("{base}/v1/categories"))
        .header("x-auth-token", &key)
        .json(&serde_json::json!({ "title": "Later" }))
        .send()
        .await
        .expect("category");
    assert_eq!(made.status(), 201);
    let (_, cats) = json_of(get("/v1/categories", &key).send().await.expect("cats")).await;
    assert_eq!(cats.as_array().map(Vec::len), Some(2));

    // Another account sees none of it and changes none of it.
    let (_, bob_feeds) = json_of(get("/v1/feeds", &bob_key).send().await.expect("bob feeds")).await;
    assert_eq!(bob_feeds, serde_json::json!([]));
    // Though it follows nothing, it has the category Miniflux gives every account.
    let (_, bob_cats) = json_of(
        get("/v1/categories", &bob_key)
            .send()
            .await
            .expect("bob cats"),
    )
    .await;
    assert_eq!(bob_cats.as_array().map(Vec::len), Some(1), "{bob_cats}");
    assert_eq!(bob_cats[0]["title"], "All");
    let (_, bob_entry) = json_of(
        get(&format!("/v1/entries/{}", w.site.article.0), &bob_key)
            .send()
            .await
            .expect("bob entry"),
    )
    .await;
    assert_eq!(bob_entry["status"], "unread", "ana's read mark is hers");
    assert_eq!(
        get(&format!("/v1/feeds/{}", w.outlet.0), &bob_key)
            .send()
            .await
            .expect("bob feed")
            .status(),
        404
    );
    let cat_id = cats[0]["id"].as_i64().expect("id");
    let bob_delete = c
        .delete(format!("{base}/v1/categories/{cat_id}"))
        .header("x-auth-token", &bob_key)
        .send()
        .await
        .expect("bob delete");
    assert_eq!(bob_delete.status(), 404);
    let bob_mark = c
        .put(format!("{base}/v1/feeds/{}/mark-all-as-read", w.outlet.0))
        .header("x-auth-token", &bob_key)
        .send()
        .await
        .expect("bob mark");
    assert_eq!(bob_mark.status(), 404);

    // Unsubscribe.
    let gone = c
        .delete(format!("{base}/v1/feeds/{}", w.wire.0))
        .header("x-auth-token", &key)
        .send()
        .await
        .expect("delete");
    assert_eq!(gone.status(), 204);
    assert_eq!(
        get(&format!("/v1/feeds/{}", w.wire.0), &key)
            .send()
            .await
            .expect("gone")
            .status(),
        404
    );
}

/// Logs in to the Google Reader API; the `Auth` token.
async fn greader_login(base: &str, name: &str, key: &str) -> (u16, String) {
    let response = http()
        .post(format!("{base}/accounts/ClientLogin"))
        .form(&[("Email", name), ("Passwd", key)])
        .send()
        .await
        .expect("login");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    let auth = body
        .lines()
        .find_map(|l| l.strip_prefix("Auth="))
        .unwrap_or_default()
        .to_string();
    (status, if status == 200 { auth } else { body })
}

#[tokio::test]
async fn google_reader_api_answers_its_contract() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    let c = http();

    let (status, unknown) = greader_login(&base, "nobody", &key).await;
    let (status2, wrong) = greader_login(&base, "ana", &"f".repeat(64)).await;
    assert_eq!((status, status2), (401, 401));
    assert_eq!(unknown, wrong, "no hint whether the account exists");
    let (status, auth) = greader_login(&base, "ana", &key).await;
    assert_eq!(status, 200);
    let freshrss_path = greader_login(&format!("{base}/api/greader.php"), "ana", &key).await;
    assert_eq!(
        freshrss_path,
        (200, auth.clone()),
        "FreshRSS's path serves the same API"
    );
    let header = format!("GoogleLogin auth={auth}");
    let get = |path: &str| {
        c.get(format!("{base}{path}"))
            .header("authorization", &header)
    };
    let post = |path: &str, form: &[(&str, &str)]| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        c.post(format!("{base}{path}"))
            .header("authorization", &header)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    assert_eq!(
        c.get(format!("{base}/reader/api/0/user-info"))
            .send()
            .await
            .expect("anon")
            .status(),
        401
    );
    assert_eq!(
        c.get(format!("{base}/reader/api/0/user-info"))
            .header("authorization", "GoogleLogin auth=nonsense")
            .send()
            .await
            .expect("bad")
            .status(),
        401
    );
    let (_, info) = json_of(get("/reader/api/0/user-info").send().await.expect("info")).await;
    assert_eq!(info["userName"], "ana");
    let token = get("/reader/api/0/token")
        .send()
        .await
        .expect("token")
        .text()
        .await
        .expect("text");
    assert_eq!(token.len(), 57);

    // Subscribe by address, by quickadd; both end up listed.
    let sub = post(
        "/reader/api/0/subscription/edit",
        &[
            ("ac", "subscribe"),
            ("s", "feed/https://outlet.example/feed"),
            ("a", "user/-/label/News"),
            ("T", &token),
        ],
    )
    .send()
    .await
    .expect("subscribe");
    assert_eq!(sub.text().await.expect("ok"), "OK");
    let (_, quick) = json_of(
        post(
            "/reader/api/0/subscription/quickadd",
            &[("quickadd", "https://wire.example/feed")],
        )
        .send()
        .await
        .expect("quickadd"),
    )
    .await;
    assert_eq!(quick["streamId"], format!("feed/{}", w.wire.0));
    let (_, list) = json_of(
        get("/reader/api/0/subscription/list?output=json")
            .send()
            .await
            .expect("list"),
    )
    .await;
    let subs = list["subscriptions"].as_array().expect("subscriptions");
    assert_eq!(subs.len(), 2);
    let outlet = subs
        .iter()
        .find(|s| s["id"] == format!("feed/{}", w.outlet.0))
        .expect("outlet");
    assert_eq!(outlet["categories"][0]["label"], "News");
    let (_, tags) = json_of(get("/reader/api/0/tag/list").send().await.expect("tags")).await;
    assert!(
        tags["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .any(|t| t["id"] == "user/-/label/News")
    );

    // One item per page, continued; copies folded.
    let (_, first) = json_of(
        get("/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=1")
            .send()
            .await
            .expect("page 1"),
    )
    .await;
    let items = first["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0]["id"],
        format!("tag:google.com,2005:reader/item/{:016x}", w.second.0)
    );
    let next = first["continuation"]
        .as_str()
        .expect("a continuation")
        .to_string();
    let (_, second) = json_of(
        get(&format!(
            "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=1&c={next}"
        ))
        .send()
        .await
        .expect("page 2"),
    )
    .await;
    assert_eq!(
        second["items"][0]["id"],
        format!("tag:google.com,2005:reader/item/{:016x}", w.site.article.0)
    );
    assert!(
        second.get("continuation").is_none(),
        "the wire copy is folded: no third item"
    );
    let categories = second["items"][0]["categories"]
        .as_array()
        .expect("categories");
    assert!(
        categories
            .iter()
            .any(|c| c == &Value::from(format!("tidings/story/{}", w.site.story.0)))
    );
    assert_eq!(
        get("/reader/api/0/stream/contents/user/-/state/com.google/reading-list?c=garbage")
            .send()
            .await
            .expect("bad c")
            .status(),
        400
    );

    // Ids in the short form; contents by either form.
    let (_, ids) = json_of(
        get("/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=10&xt=user/-/state/com.google/read")
            .send()
            .await
            .expect("ids"),
    )
    .await;
    let refs: Vec<&str> = ids["itemRefs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        refs,
        vec![w.second.0.to_string(), w.site.article.0.to_string()]
    );
    let long = format!("tag:google.com,2005:reader/item/{:016x}", w.copy.0);
    let (_, contents) = json_of(
        post(
            "/reader/api/0/stream/items/contents",
            &[("i", &long), ("i", &w.second.0.to_string())],
        )
        .send()
        .await
        .expect("contents"),
    )
    .await;
    assert_eq!(contents["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        post(
            "/reader/api/0/stream/items/contents",
            &[("i", "tag:google.com,2005:reader/item/xyz")]
        )
        .send()
        .await
        .expect("bad id")
        .status(),
        400
    );

    // Reading the copy reads the original; starring; mark-all-as-read.
    let read = post(
        "/reader/api/0/edit-tag",
        &[("i", &long), ("a", "user/-/state/com.google/read")],
    )
    .send()
    .await
    .expect("edit-tag");
    assert_eq!(read.text().await.expect("ok"), "OK");
    let (_, unread) = json_of(
        get("/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&xt=user/-/state/com.google/read")
            .send()
            .await
            .expect("unread"),
    )
    .await;
    assert_eq!(
        unread["itemRefs"].as_array().map(Vec::len),
        Some(1),
        "{unread}"
    );
    post(
        "/reader/api/0/edit-tag",
        &[
            ("i", &w.second.0.to_string()),
            ("a", "user/-/state/com.google/starred"),
        ],
    )
    .send()
    .await
    .expect("star");
    let (_, starred) = json_of(
        get("/reader/api/0/stream/items/ids?s=user/-/state/com.google/starred")
            .send()
            .await
            .expect("starred"),
    )
    .await;
    assert_eq!(starred["itemRefs"][0]["id"], w.second.0.to_string());
    let (_, story) = json_of(
        get(&format!(
            "/reader/api/0/stream/contents/tidings/story/{}",
            w.site.story.0
        ))
        .send()
        .await
        .expect("story stream"),
    )
    .await;
    assert_eq!(
        story["items"].as_array().map(Vec::len),
        Some(1),
        "the story's copies fold"
    );
    let all = post(
        "/reader/api/0/mark-all-as-read",
        &[("s", "user/-/state/com.google/reading-list")],
    )
    .send()
    .await
    .expect("mark all");
    assert_eq!(all.text().await.expect("ok"), "OK");
    let (_, counts) = json_of(
        get("/reader/api/0/unread-count")
            .send()
            .await
            .expect("counts"),
    )
    .await;
    assert!(
        counts["unreadcounts"]
            .as_array()
            .expect("counts")
            .iter()
            .all(|c| c["count"] == 0),
        "{counts}"
    );
    assert_eq!(
        get("/reader/api/0/stream/contents/user/-/label/Nope")
            .send()
            .await
            .expect("no label")
            .status(),
        404
    );
}

#[tokio::test]
async fn fever_api_answers_its_contract() {
    let w = world().await;
    let base = w.site.base.clone();
    let (mut browser, key) = w.site.account_with_key("ana").await;
    // Follow both outlets on the site: subscriptions the APIs share.
    for source in [w.outlet, w.wire] {
        let page = browser.get(&format!("/source/{}", source.0)).await;
        assert!(
            page.body.contains("action=\"/follow\""),
            "a follow button for a signed-in reader"
        );
        let token = csrf_after(&page.body, "action=\"/follow\"");
        let id = source.0.to_string();
        let done = browser
            .post(
                "/follow",
                &[
                    ("csrf", &token),
                    ("kind", "source"),
                    ("target", &id),
                    ("next", "/for-you"),
                ],
            )
            .await;
        assert_eq!((done.status, done.location().as_str()), (303, "/for-you"));
    }
    let c = http();
    let fever = |query: &str, api_key: &str| {
        c.post(format!("{base}/fever/?api{query}"))
            .form(&[("api_key", api_key)])
    };
    let good = fever_key("ana", &key);
    let (status, refused) = json_of(
        fever("", &fever_key("ana", "wrong"))
            .send()
            .await
            .expect("fever"),
    )
    .await;
    assert_eq!((status, refused["auth"].as_i64()), (200, Some(0)));
    let (_, unknown) = json_of(
        fever("", &fever_key("nobody", &key))
            .send()
            .await
            .expect("fever"),
    )
    .await;
    assert_eq!(unknown, refused);
    let (status, ok) = json_of(fever("", &good).send().await.expect("fever")).await;
    assert_eq!(
        (status, ok["auth"].as_i64(), ok["api_version"].as_i64()),
        (200, Some(1), Some(3))
    );

    let (_, groups) = json_of(fever("&groups&feeds", &good).send().await.expect("groups")).await;
    assert_eq!(groups["groups"][0]["title"], "All");
    assert_eq!(groups["feeds"].as_array().map(Vec::len), Some(2));
    let feed_ids = groups["feeds_groups"][0]["feed_ids"]
        .as_str()
        .expect("feed ids");
    assert_eq!(feed_ids.split(',').count(), 2);

    let (_, unread) = json_of(
        fever("&unread_item_ids", &good)
            .send()
            .await
            .expect("unread"),
    )
    .await;
    assert_eq!(
        unread["unread_item_ids"],
        format!("{},{}", w.site.article.0, w.second.0),
        "the wire copy is folded into the original"
    );
    let (_, items) = json_of(
        fever("&items&since_id=0", &good)
            .send()
            .await
            .expect("items"),
    )
    .await;
    assert_eq!(items["total_items"], 2);
    assert_eq!(items["items"][0]["id"], w.site.article.0);
    assert_eq!(items["items"][0]["story_id"], w.site.story.0);
    let (_, after) = json_of(
        fever(&format!("&items&since_id={}", w.site.article.0), &good)
            .send()
            .await
            .expect("since"),
    )
    .await;
    assert_eq!(after["items"].as_array().map(Vec::len), Some(1));
    let (_, before) = json_of(
        fever(&format!("&items&max_id={}", w.second.0), &good)
            .send()
            .await
            .expect("max"),
    )
    .await;
    assert_eq!(before["items"][0]["id"], w.site.article.0);
    let (_, with) = json_of(
        fever(&format!("&items&with_ids={}", w.copy.0), &good)
            .send()
            .await
            .expect("with"),
    )
    .await;
    assert_eq!(with["items"][0]["feed_id"], w.wire.0);

    // Marking the copy read marks its original.
    let (_, marked) = json_of(
        fever(&format!("&mark=item&as=read&id={}", w.copy.0), &good)
            .send()
            .await
            .expect("mark"),
    )
    .await;
    assert_eq!(marked["unread_item_ids"], w.second.0.to_string());
    let (_, saved) = json_of(
        fever(&format!("&mark=item&as=saved&id={}", w.second.0), &good)
            .send()
            .await
            .expect("save"),
    )
    .await;
    assert_eq!(saved["saved_item_ids"], w.second.0.to_string());
    let (_, all) = json_of(
        fever("&mark=group&as=read&id=0", &good)
            .send()
            .await
            .expect("group"),
    )
    .await;
    assert_eq!(all["unread_item_ids"], "");
    let (status, bad) = json_of(
        fever("&mark=item&as=read&id=x", &good)
            .send()
            .await
            .expect("bad"),
    )
    .await;
    assert_eq!((status, bad["auth"].as_i64()), (400, Some(1)));

    // The site shows the same state: the article page's buttons, For you.
    let article = browser.get(&w.site.article_path).await;
    assert!(
        article.body.contains("Mark unread"),
        "read through Fever, read on the site"
    );
    let for_you = browser.get("/for-you").await;
    assert_eq!(for_you.status, 200);
    assert!(for_you.body.contains("0 unread items"), "{}", for_you.body);
    assert!(for_you.body.contains("Flood in the valley"));
}

#[tokio::test]
async fn wrong_keys_are_throttled_like_wrong_passwords() {
    let mut config = config();
    config.login_throttle.free_failures = 2;
    config.login_throttle.base_delay_ms = 60_000;
    config.trust_forwarded_for = true;
    let w = world_with(config).await;
    let (_, key) = w.site.account_with_key("ana").await;
    let base = w.site.base.clone();
    let c = http();
    let login_from = |ip: &'static str, key: String| {
        c.post(format!("{base}/accounts/ClientLogin"))
            .header("x-forwarded-for", ip)
            .form(&[("Email", "ana".to_string()), ("Passwd", key)])
            .send()
    };
    let attacker = "203.0.113.9";
    for _ in 0..2 {
        let r = login_from(attacker, "0".repeat(64)).await.expect("login");
        assert_eq!(r.status(), 401);
    }
    let r = login_from(attacker, key.clone()).await.expect("login");
    assert_eq!(
        r.status(),
        429,
        "after the free failures even the right key waits"
    );
    assert!(r.headers().get("retry-after").is_some());
    let owner = login_from("127.0.0.1", key.clone()).await.expect("login");
    assert_eq!(
        owner.status(),
        200,
        "the owner's known address still gets in"
    );

    // Bare keys are throttled per address too.
    let me = |ip: &'static str, key: String| {
        c.get(format!("{base}/v1/me"))
            .header("x-forwarded-for", ip)
            .header("x-auth-token", key)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(
            me(attacker, "1".repeat(64)).await.expect("me").status(),
            401
        );
    }
    assert_eq!(me(attacker, key.clone()).await.expect("me").status(), 429);
    assert_eq!(
        me("198.51.100.7", key).await.expect("me").status(),
        200,
        "other addresses are not slowed"
    );
}

#[tokio::test]
async fn personal_pages_need_a_session_and_a_token() {
    let w = world().await;
    let mut anon = w.site.browser();
    assert_eq!(anon.get("/for-you").await.status, 303);
    assert_eq!(anon.get("/settings/apps").await.status, 303);
    let apps = anon.get("/apps").await;
    assert_eq!(apps.status, 200);
    assert!(apps.body.contains("/fever/"));
    let source = anon.get(&format!("/source/{}", w.outlet.0)).await;
    assert!(
        !source.body.contains("action=\"/follow\""),
        "no personal buttons for anonymous readers"
    );
    let (mut browser, _) = w.site.account_with_key("ana").await;
    let id = w.outlet.0.to_string();
    let forged = browser
        .post(
            "/follow",
            &[("csrf", "forged"), ("kind", "source"), ("target", &id)],
        )
        .await;
    assert_eq!(forged.status, 403);
    let token = browser.token().await;
    let section = browser
        .post(
            "/follow",
            &[
                ("csrf", &token),
                ("kind", "section"),
                ("target", "no-such-section"),
            ],
        )
        .await;
    assert_eq!(section.status, 400);
    let story = browser
        .post(
            &format!("/story/{}/read", w.site.story.0),
            &[("csrf", &token), ("next", "/for-you")],
        )
        .await;
    assert_eq!(story.status, 303);
    let read = w
        .site
        .store
        .reading()
        .items_by_id(
            w.site
                .store
                .users()
                .credentials("ana")
                .await
                .expect("creds")
                .expect("ana")
                .user
                .id,
            &[w.site.article, w.copy],
        )
        .await
        .expect("items");
    assert!(
        read.iter().all(|i| i.read_at.is_some()),
        "the story and its copy are read"
    );

    // OPML import: a new feed becomes a shared source, followed in its folder.
    let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Tech"><outline text="New Feed" xmlUrl="https://new.example/feed.xml" htmlUrl="https://new.example/"/></outline>
<outline text="Bad" xmlUrl="javascript:alert(1)"/>
</body></opml>"#;
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .part(
            "opml",
            reqwest::multipart::Part::bytes(opml.as_bytes().to_vec()).file_name("feeds.opml"),
        );
    let cookie = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let imported = http()
        .post(format!("{}/settings/import", w.site.base))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .expect("import");
    assert_eq!(imported.status(), 200);
    let body = imported.text().await.expect("body");
    assert!(body.contains("You now follow 1 feed"), "{body}");
    assert!(
        body.contains("javascript:alert(1)"),
        "the refused address is listed"
    );
    let source = w
        .site
        .store
        .sources()
        .find_by_url("https://new.example/feed.xml")
        .await
        .expect("find")
        .expect("a shared source");
    assert_eq!(source.name, "New Feed");
}

#[tokio::test]
async fn apps_reach_a_private_instance_with_their_keys_only() {
    let mut private = config();
    private.private = true;
    let w = world_with(private).await;
    let (_, key) = w.site.account_with_key("ana").await;
    let base = &w.site.base;
    let c = http();
    let anon = c
        .get(format!("{base}/v1/entries"))
        .send()
        .await
        .expect("anon");
    assert_eq!(anon.status(), 401, "the API's own refusal, no page");
    let me = c
        .get(format!("{base}/v1/me"))
        .header("x-auth-token", &key)
        .send()
        .await
        .expect("me");
    assert_eq!(
        me.status(),
        200,
        "an app with a key reads a private instance"
    );
    assert_eq!(greader_login(base, "ana", &key).await.0, 200);
    let page = c.get(format!("{base}/")).send().await.expect("front");
    assert_eq!(page.status(), 303, "pages still ask to sign in");
}

#[tokio::test]
async fn for_you_ranks_followed_stories_first_and_marks_them_read_or_unread() {
    let w = world().await;
    let (mut browser, _) = w.site.account_with_key("ana").await;
    let empty = browser.get("/for-you").await;
    assert!(
        empty.body.contains("You follow nothing yet"),
        "{}",
        empty.body
    );
    assert!(!empty.body.contains("Top stories for you"));

    let token = browser.token().await;
    let wire = w.wire.0.to_string();
    let followed = browser
        .post(
            "/follow",
            &[("csrf", &token), ("kind", "source"), ("target", &wire)],
        )
        .await;
    assert_eq!(followed.status, 303);
    let page = browser.get("/for-you").await;
    let stories_at = page
        .body
        .find("Top stories for you")
        .expect("stories first");
    let latest_at = page
        .body
        .find("Latest from your sources")
        .expect("then items");
    assert!(stories_at < latest_at);
    let story_card = &page.body[stories_at..latest_at];
    assert!(
        story_card.contains("Flood in the valley"),
        "the wire's story"
    );
    assert!(story_card.contains("Unread"));
    assert!(
        page.body.contains("Source: <a href=\"/source/"),
        "what is followed is listed"
    );

    let story = format!("/story/{}/read", w.site.story.0);
    assert_eq!(browser.post(&story, &[("csrf", &token)]).await.status, 303);
    let page = browser.get("/for-you").await;
    let stories_at = page.body.find("Top stories for you").expect("stories");
    let latest_at = page.body.find("Latest from your sources").expect("items");
    assert!(page.body[stories_at..latest_at].contains("<p class=\"reading-state\">Read</p>"));
    assert!(page.body.contains("0 unread items"));

    // Unfollowing empties the page again.
    let unfollowed = browser
        .post(
            "/unfollow",
            &[("csrf", &token), ("kind", "source"), ("target", &wire)],
        )
        .await;
    assert_eq!(unfollowed.status, 303);
    assert!(
        browser
            .get("/for-you")
            .await
            .body
            .contains("You follow nothing yet")
    );
}

/// The id of the account `name`.
async fn user_id(site: &Site, name: &str) -> tidings_model::UserId {
    site.store
        .users()
        .credentials(name)
        .await
        .expect("credentials")
        .expect("the account")
        .user
        .id
}

/// Each feed of an OPML document as (address, title, folder), sorted.
fn outlines_of(opml: &str) -> Vec<(String, String, Option<String>)> {
    let mut found: Vec<_> = tidings_feeds::parse_opml(opml)
        .expect("the export parses as OPML")
        .into_iter()
        .map(|o| (o.url, o.title, o.category))
        .collect();
    found.sort();
    found
}

/// An account's subscriptions as (address, name, folder), sorted.
async fn filed(site: &Site, name: &str) -> Vec<(String, String, Option<String>)> {
    let mut found: Vec<_> = site
        .store
        .reading()
        .subscriptions(user_id(site, name).await)
        .await
        .expect("subscriptions")
        .into_iter()
        .map(|s| (s.url, s.name, Some(s.folder.title)))
        .collect();
    found.sort();
    found
}

/// Google Reader's (feed id, folder label) pairs of `subscription/list`, sorted.
async fn greader_filed(base: &str, auth: &str) -> Vec<(String, String)> {
    let (status, list) = json_of(
        http()
            .get(format!("{base}/reader/api/0/subscription/list"))
            .header("authorization", format!("GoogleLogin auth={auth}"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(status, 200);
    let mut found: Vec<(String, String)> = list["subscriptions"]
        .as_array()
        .expect("subscriptions")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or_default().to_string(),
                s["categories"][0]["label"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// Google Reader's folder labels of `tag/list`, sorted.
async fn greader_labels(base: &str, auth: &str) -> Vec<String> {
    let (status, tags) = json_of(
        http()
            .get(format!("{base}/reader/api/0/tag/list"))
            .header("authorization", format!("GoogleLogin auth={auth}"))
            .send()
            .await
            .expect("tags"),
    )
    .await;
    assert_eq!(status, 200);
    let mut labels: Vec<String> = tags["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t["id"].as_str()?.strip_prefix("user/-/label/"))
        .map(str::to_string)
        .collect();
    labels.sort();
    labels
}

const HOSTILE: &str = "<script>alert(\"x\")</script> & 'quotes' \"too\"";

#[tokio::test]
async fn opml_export_then_import_moves_feeds_in_their_folders() {
    let w = world().await;
    let base = w.site.base.clone();
    let (mut ana_browser, ana_key) = w.site.account_with_key("ana").await;
    let (_, bob_key) = w.site.account_with_key("bob").await;
    let (_, cleo_key) = w.site.account_with_key("cleo").await;
    let c = http();
    let store = &w.site.store;
    let hostile = store
        .sources()
        .add(
            &tidings_store::NewSource {
                url: "https://hostile.example/feed?a=1&b=2".into(),
                name: HOSTILE.into(),
                ..tidings_store::NewSource::default()
            },
            0,
        )
        .await
        .expect("hostile source");
    let ana = user_id(&w.site, "ana").await;
    let reading = store.reading();
    for (source, folder) in [
        (w.outlet, "News"),
        (w.wire, "Wire & <Co> \"quoted\""),
        (hostile.id, "All"),
    ] {
        let folder = reading.folder_named(ana, folder, 1).await.expect("folder");
        reading
            .subscribe(ana, source, folder.id, 1)
            .await
            .expect("subscribe");
    }
    let ana_feeds = filed(&w.site, "ana").await;
    assert_eq!(ana_feeds.len(), 3);

    // Miniflux's export: 200 application/xml, every feed in its folder, titles intact.
    let exported = c
        .get(format!("{base}/v1/export"))
        .header("x-auth-token", &ana_key)
        .send()
        .await
        .expect("export");
    assert_eq!(exported.status(), 200);
    let kind = exported
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(kind.starts_with("application/xml"), "{kind}");
    let opml = exported.text().await.expect("opml");
    assert_eq!(outlines_of(&opml), ana_feeds, "{opml}");
    assert!(
        outlines_of(&opml)
            .iter()
            .any(|(_, title, _)| title == HOSTILE),
        "the hostile title comes back as it was"
    );

    // Google Reader's and the site's exports say the same.
    let (_, ana_auth) = greader_login(&base, "ana", &ana_key).await;
    let gr = c
        .get(format!("{base}/reader/api/0/subscription/export"))
        .header("authorization", format!("GoogleLogin auth={ana_auth}"))
        .send()
        .await
        .expect("greader export");
    assert_eq!(gr.status(), 200);
    assert_eq!(outlines_of(&gr.text().await.expect("text")), ana_feeds);
    let site_export = ana_browser.get("/settings/export").await;
    assert_eq!(site_export.status, 200);
    assert_eq!(
        site_export
            .headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok()),
        Some("attachment; filename=\"tidings-subscriptions.opml\"")
    );
    assert_eq!(outlines_of(&site_export.body), ana_feeds);
    let import_page = ana_browser.get("/settings/import").await;
    assert!(
        import_page.body.contains("href=\"/settings/export\""),
        "the import page links to the export"
    );
    let anon = w.site.browser().get("/settings/export").await;
    assert_eq!(
        (anon.status, anon.location().as_str()),
        (303, "/login?next=/settings/export")
    );

    // Into bob through Google Reader, into cleo through Miniflux: the same feeds, folders.
    let (_, bob_auth) = greader_login(&base, "bob", &bob_key).await;
    let imported = c
        .post(format!("{base}/reader/api/0/subscription/import"))
        .header("authorization", format!("GoogleLogin auth={bob_auth}"))
        .header("content-type", "text/x-opml")
        .body(opml.clone())
        .send()
        .await
        .expect("greader import");
    assert_eq!(imported.status(), 200);
    assert_eq!(imported.text().await.expect("text"), "OK");
    assert_eq!(
        greader_filed(&base, &bob_auth).await,
        greader_filed(&base, &ana_auth).await
    );
    assert_eq!(filed(&w.site, "bob").await, ana_feeds);
    let (status, answer) = json_of(
        c.post(format!("{base}/v1/import"))
            .header("x-auth-token", &cleo_key)
            .body(opml.clone())
            .send()
            .await
            .expect("miniflux import"),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["message"], "Feeds imported successfully");
    assert_eq!(filed(&w.site, "cleo").await, ana_feeds);

    // Signed out, or a wrong key: 401, nothing served or imported.
    let wrong = "0".repeat(64);
    for (path, post) in [
        ("/v1/export", false),
        ("/v1/import", true),
        ("/reader/api/0/subscription/export", false),
        ("/reader/api/0/subscription/import", true),
        ("/api/greader.php/reader/api/0/subscription/import", true),
    ] {
        let url = format!("{base}{path}");
        let greader = path.contains("/reader/");
        for key in [None, Some(wrong.as_str())] {
            let mut request = if post {
                c.post(&url).body(opml.clone())
            } else {
                c.get(&url)
            };
            if let Some(key) = key {
                request = if greader {
                    request.header("authorization", format!("GoogleLogin auth={key}"))
                } else {
                    request.header("x-auth-token", key)
                };
            }
            let status = request.send().await.expect("refused").status();
            assert_eq!(status, 401, "{path} with {key:?}");
        }
    }
}

/// An OPML document of `feeds`, as (address, folder), with `padding` bytes in a comment.
fn opml_doc(feeds: &[(String, Option<&str>)], padding: usize) -> String {
    let mut body = String::new();
    for (url, folder) in feeds {
        let outline = format!("<outline text=\"f\" type=\"rss\" xmlUrl=\"{url}\"/>");
        match folder {
            Some(folder) => {
                body.push_str(&format!("<outline text=\"{folder}\">{outline}</outline>"))
            }
            None => body.push_str(&outline),
        }
    }
    format!(
        "<?xml version=\"1.0\"?><!--{}--><opml version=\"2.0\"><head><title>t</title></head><body>{body}</body></opml>",
        "x".repeat(padding)
    )
}

/// An imported outline's title becomes the reader's own title for that feed when it is not
/// the outlet's name, for a source the site has already (an own title the reader had is
/// replaced) as for a new one; the outlet's own name, an empty title and one too long leave
/// the outlet's name, and the feed is followed all the same. On both backends.
#[tokio::test]
async fn an_opml_import_keeps_the_readers_own_feed_titles() {
    tidings_store::testing::each_backend(|store| async move {
        let site = support::site_on(store, config(), |_| {}).await;
        let base = site.base.clone();
        let (wire, _) = site.add_wire_copy().await;
        site.add_outlet("Long").await;
        site.add_outlet("Blank").await;
        let (_, key) = site.account_with_key("ana").await;
        let ana = user_id(&site, "ana").await;
        let reading = site.store.reading();
        let folder = reading.folder_named(ana, "All", 1).await.expect("folder");
        reading
            .subscribe(ana, wire, folder.id, 1)
            .await
            .expect("follow");
        reading
            .retitle(ana, wire, Some("Old"))
            .await
            .expect("retitle");
        let long = "t".repeat(300);
        let opml = format!(
            r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline type="rss" xmlUrl="https://wire.example/feed" title="My wire"/>
<outline type="rss" xmlUrl="https://outlet.example/feed" text="Outlet"/>
<outline type="rss" xmlUrl="https://fresh.example/feed" title="Fresh"/>
<outline type="rss" xmlUrl="https://long.example/feed" title="{long}"/>
<outline type="rss" xmlUrl="https://blank.example/feed" title=""/>
</body></opml>"#
        );
        let (status, answer) = json_of(
            http()
                .post(format!("{base}/v1/import"))
                .header("x-auth-token", &key)
                .body(opml)
                .send()
                .await
                .expect("import"),
        )
        .await;
        assert_eq!(status, 201, "{answer}");
        let mut titles: Vec<(String, String, Option<String>)> = reading
            .subscriptions(ana)
            .await
            .expect("subscriptions")
            .into_iter()
            .map(|s| (s.url, s.name, s.title))
            .collect();
        titles.sort();
        let row = |url: &str, name: &str, own: Option<&str>| {
            (url.to_string(), name.to_string(), own.map(str::to_string))
        };
        assert_eq!(
            titles,
            vec![
                row("https://blank.example/feed", "Blank", None),
                row("https://fresh.example/feed", "Fresh", None),
                row("https://long.example/feed", "Long", None),
                row("https://outlet.example/feed", "Outlet", None),
                row("https://wire.example/feed", "Wire", Some("My wire")),
            ]
        );
        // The outlet keeps its name for everyone else.
        let outlet = site
            .store
            .sources()
            .find_by_url("https://wire.example/feed")
            .await
            .expect("find")
            .expect("wire");
        assert_eq!(outlet.name, "Wire");
    })
    .await;
}

#[tokio::test]
async fn opml_imports_skip_bad_addresses_and_refuse_too_much() {
    let w = world().await;
    let base = w.site.base.clone();
    let (mut browser, key) = w.site.account_with_key("ana").await;
    let c = http();
    let (_, auth) = greader_login(&base, "ana", &key).await;
    let miniflux_import = |body: String| {
        c.post(format!("{base}/v1/import"))
            .header("x-auth-token", &key)
            .body(body)
    };
    let greader_import = |body: String| {
        c.post(format!("{base}/reader/api/0/subscription/import"))
            .header("authorization", format!("GoogleLogin auth={auth}"))
            .body(body)
    };
    let site_import = |browser: &mut support::Browser, token: &str, body: String| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.to_string())
            .part(
                "opml",
                reqwest::multipart::Part::bytes(body.into_bytes()).file_name("feeds.opml"),
            );
        let cookie = browser
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        http()
            .post(format!("{}/settings/import", browser.base))
            .header("cookie", cookie)
            .multipart(form)
    };
    let token = browser.token().await;

    // Not http(s), or a private address this instance does not fetch: skipped and reported;
    // the good feed followed.
    let mixed = opml_doc(
        &[
            ("javascript:alert(1)".into(), Some("Bad")),
            ("file:///etc/passwd".into(), None),
            (
                "http://169.254.169.254/latest/meta-data/".into(),
                Some("Metadata"),
            ),
            ("https://good.example/feed".into(), Some("Good")),
        ],
        0,
    );
    let (status, answer) =
        json_of(miniflux_import(mixed.clone()).send().await.expect("import")).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        answer["skipped"],
        serde_json::json!([
            "javascript:alert(1)",
            "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data/"
        ])
    );
    let feeds = filed(&w.site, "ana").await;
    assert_eq!(
        feeds,
        [(
            "https://good.example/feed".to_string(),
            "f".to_string(),
            Some("Good".to_string())
        )]
    );
    let page = site_import(&mut browser, &token, mixed)
        .send()
        .await
        .expect("site import");
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("page");
    assert!(page.contains("You now follow 1 feed"), "{page}");
    assert!(page.contains("file:///etc/passwd") && page.contains("javascript:alert(1)"));

    // Not OPML: 400 in each API's form.
    let (status, answer) =
        json_of(miniflux_import("<rss/>".into()).send().await.expect("bad")).await;
    assert_eq!(status, 400);
    assert!(answer["error_message"].as_str().is_some(), "{answer}");
    assert_eq!(
        greader_import("garbage".into())
            .send()
            .await
            .expect("bad")
            .status(),
        400
    );

    // Too many feeds: refused everywhere, nothing imported.
    let many: Vec<(String, Option<&str>)> = (0..2_001)
        .map(|i| (format!("https://many{i}.example/feed"), None))
        .collect();
    let many = opml_doc(&many, 0);
    assert!(many.len() < 256 * 1024, "under the old body limit");
    let (status, answer) = json_of(miniflux_import(many.clone()).send().await.expect("many")).await;
    assert_eq!(status, 400);
    assert!(answer["error_message"].as_str().is_some(), "{answer}");
    assert_eq!(
        greader_import(many.clone())
            .send()
            .await
            .expect("many")
            .status(),
        400
    );
    assert_eq!(
        site_import(&mut browser, &token, many)
            .send()
            .await
            .expect("many")
            .status(),
        413
    );
    let none_added = w
        .site
        .store
        .sources()
        .find_by_url("https://many0.example/feed")
        .await
        .expect("find");
    assert!(none_added.is_none(), "no source added");

    // A body over 2 MB: 413 and nothing imported; one over the other routes' 256 KB is taken.
    let huge = opml_doc(
        &[("https://huge.example/feed".into(), None)],
        2 * 1024 * 1024 + 1,
    );
    assert_eq!(
        miniflux_import(huge.clone())
            .send()
            .await
            .expect("huge")
            .status(),
        413
    );
    assert_eq!(
        greader_import(huge).send().await.expect("huge").status(),
        413
    );
    assert!(
        w.site
            .store
            .sources()
            .find_by_url("https://huge.example/feed")
            .await
            .expect("find")
            .is_none(),
        "nothing imported from a body too large"
    );
    let big = opml_doc(&[("https://big.example/feed".into(), None)], 512 * 1024);
    assert_eq!(
        miniflux_import(big.clone())
            .send()
            .await
            .expect("big")
            .status(),
        201
    );
    assert_eq!(greader_import(big).send().await.expect("big").status(), 200);
    assert_eq!(filed(&w.site, "ana").await.len(), 2, "good and big");
}

#[tokio::test]
async fn google_reader_renames_and_disables_tags() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    let (_, bob_key) = w.site.account_with_key("bob").await;
    let (_, auth) = greader_login(&base, "ana", &key).await;
    let (_, bob_auth) = greader_login(&base, "bob", &bob_key).await;
    let c = http();
    let post = |path: &str, auth: &str, form: &[(&str, &str)]| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        c.post(format!("{base}{path}"))
            .header("authorization", format!("GoogleLogin auth={auth}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let outlet = format!("feed/{}", w.outlet.0);
    let wire = format!("feed/{}", w.wire.0);
    for (feed, label) in [(&outlet, "user/-/label/News"), (&wire, "user/-/label/Wire")] {
        let done = post(
            "/reader/api/0/subscription/edit",
            &auth,
            &[("ac", "subscribe"), ("s", feed), ("a", label)],
        )
        .send()
        .await
        .expect("subscribe");
        assert_eq!(done.status(), 200);
    }
    assert_eq!(greader_labels(&base, &auth).await, ["News", "Wire"]);
    // A label is a folder name by the same rule as rename-tag's.
    let long = format!("user/-/label/{}", "x".repeat(101));
    for bad in [
        "user/-/label/Bad\u{1}Name",
        "user/-/label/ \t",
        long.as_str(),
    ] {
        let refused = post(
            "/reader/api/0/subscription/edit",
            &auth,
            &[("ac", "edit"), ("s", outlet.as_str()), ("a", bad)],
        )
        .send()
        .await
        .expect("refused");
        assert_eq!(refused.status(), 400, "{bad:?}");
    }
    assert_eq!(greader_labels(&base, &auth).await, ["News", "Wire"]);

    // Without a key, or with a wrong one: 401, nothing changes.
    let rename = [("s", "user/-/label/News"), ("dest", "user/-/label/World")];
    let anon = c
        .post(format!("{base}/reader/api/0/rename-tag"))
        .form(&rename)
        .send()
        .await
        .expect("anon");
    assert_eq!(anon.status(), 401);
    let wrong = "0".repeat(64);
    for path in ["/reader/api/0/rename-tag", "/reader/api/0/disable-tag"] {
        let answer = post(path, &wrong, &rename).send().await.expect("wrong");
        assert_eq!(answer.status(), 401, "{path}");
    }
    // Bob has no folder News: 404, and ana's stays.
    let bobs = post("/reader/api/0/rename-tag", &bob_auth, &rename)
        .send()
        .await
        .expect("bob");
    assert_eq!(bobs.status(), 404);
    assert_eq!(greader_labels(&base, &auth).await, ["News", "Wire"]);

    // Rename: the folder and its feed's label follow.
    let renamed = post("/reader/api/0/rename-tag", &auth, &rename)
        .send()
        .await
        .expect("rename");
    assert_eq!(renamed.status(), 200);
    assert_eq!(renamed.text().await.expect("ok"), "OK");
    assert_eq!(greader_labels(&base, &auth).await, ["Wire", "World"]);
    assert_eq!(
        greader_filed(&base, &auth).await,
        [
            (outlet.clone(), "World".to_string()),
            (wire.clone(), "Wire".into())
        ]
    );
    // Onto another folder's name: refused, nothing merged. An unknown label: 404.
    let onto = post(
        "/api/greader.php/reader/api/0/rename-tag",
        &auth,
        &[("s", "user/-/label/World"), ("dest", "user/-/label/Wire")],
    )
    .send()
    .await
    .expect("onto");
    assert_eq!(onto.status(), 400);
    let unknown = post(
        "/reader/api/0/rename-tag",
        &auth,
        &[("s", "user/-/label/Nope"), ("dest", "user/-/label/Other")],
    )
    .send()
    .await
    .expect("unknown");
    assert_eq!(unknown.status(), 404);
    assert_eq!(greader_labels(&base, &auth).await, ["Wire", "World"]);

    // Disable: the folder goes, its feed moves to All, still subscribed.
    let disabled = post("/reader/api/0/disable-tag", &auth, &[("t", "Wire")])
        .send()
        .await
        .expect("disable");
    assert_eq!(disabled.status(), 200);
    assert_eq!(disabled.text().await.expect("ok"), "OK");
    assert_eq!(greader_labels(&base, &auth).await, ["All", "World"]);
    assert_eq!(
        greader_filed(&base, &auth).await,
        [
            (outlet.clone(), "World".to_string()),
            (wire.clone(), "All".into())
        ]
    );
    let by_stream = post(
        "/reader/api/0/disable-tag",
        &auth,
        &[("s", "user/-/label/World")],
    )
    .send()
    .await
    .expect("disable by s");
    assert_eq!(by_stream.status(), 200);
    assert_eq!(
        greader_filed(&base, &auth).await,
        [(outlet, "All".to_string()), (wire, "All".into())]
    );
    for (form, status) in [
        ([("s", "user/-/label/All")], 400),
        ([("s", "user/-/label/Gone")], 404),
    ] {
        let answer = post("/reader/api/0/disable-tag", &auth, &form)
            .send()
            .await
            .expect("refused");
        assert_eq!(answer.status(), status, "{form:?}");
    }
    assert_eq!(greader_labels(&base, &auth).await, ["All"]);
}

#[tokio::test]
async fn api_imports_count_against_the_accounts_write_limit() {
    let w = world_with(tidings_web::people::PeopleConfig {
        limits: tidings_web::people::RateLimitConfig {
            writes_per_minute_per_account: 3,
            ..tidings_web::people::RateLimitConfig::default()
        },
        ..config()
    })
    .await;
    let base = w.site.base.clone();
    // Making the key on the settings page is the first write of the minute.
    let (_, key) = w.site.account_with_key("ana").await;
    let (_, auth) = greader_login(&base, "ana", &key).await;
    let c = http();
    let feed = |n: usize| opml_doc(&[(format!("https://many{n}.example/feed"), None)], 0);
    for n in 0..2 {
        let imported = c
            .post(format!("{base}/v1/import"))
            .header("x-auth-token", &key)
            .body(feed(n))
            .send()
            .await
            .expect("import");
        assert_eq!(imported.status(), 201, "import {n}");
    }
    // The third write in the minute, through either API, waits and imports nothing.
    let miniflux = c
        .post(format!("{base}/v1/import"))
        .header("x-auth-token", &key)
        .body(feed(2))
        .send()
        .await
        .expect("import");
    assert_eq!(miniflux.status(), 429);
    assert!(miniflux.headers().contains_key("retry-after"));
    let greader = c
        .post(format!("{base}/reader/api/0/subscription/import"))
        .header("authorization", format!("GoogleLogin auth={auth}"))
        .body(feed(3))
        .send()
        .await
        .expect("import");
    assert_eq!(greader.status(), 429);
    let urls: Vec<String> = filed(&w.site, "ana")
        .await
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(
        urls,
        ["https://many0.example/feed", "https://many1.example/feed"]
    );
    // Reading is not a write: the export still answers.
    let export = c
        .get(format!("{base}/v1/export"))
        .header("x-auth-token", &key)
        .send()
        .await
        .expect("export");
    assert_eq!(export.status(), 200);
}

/// The characters of `xml` that XML 1.0 forbids, raw or as character references (which
/// must name an allowed character too): none, in a well-formed document.
fn forbidden_in(xml: &str) -> Vec<String> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    let mut found: Vec<String> = xml
        .chars()
        .filter(|c| !allowed(*c))
        .map(|c| format!("{c:?}"))
        .collect();
    for reference in xml.split("&#").skip(1) {
        let digits = reference.split(';').next().unwrap_or_default();
        let code = match digits.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => digits.parse(),
        };
        if code
            .ok()
            .and_then(char::from_u32)
            .is_none_or(|c| !allowed(c))
        {
            found.push(format!("&#{digits};"));
        }
    }
    found
}

#[tokio::test]
async fn imported_names_lose_control_characters_and_exports_stay_well_formed_xml() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, ana_key) = w.site.account_with_key("ana").await;
    let (_, bob_key) = w.site.account_with_key("bob").await;
    let c = http();
    let long = format!("{}&#9;{}", "a".repeat(99), "b".repeat(10));
    // Character references bring in what raw text may not: a C0 control (&#x1;) the XML
    // of an export could not carry, tabs, line breaks, DEL and C1 controls.
    let opml = format!(
        r#"<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="World&#x1;&#x1b;News&#x9f;">
  <outline type="rss" text="x" title="Daily&#10;&#13;Brief&#x2;&#x7f;" xmlUrl="https://ctl.example/feed"/>
</outline>
<outline type="rss" text="t" title="&#x80;&#x3;" xmlUrl="https://blank.example/feed" category="&#x81;&#x4;"/>
<outline text="{long}"><outline type="rss" text="Long" xmlUrl="https://long.example/feed"/></outline>
</body></opml>"#
    );
    let (status, answer) = json_of(
        c.post(format!("{base}/v1/import"))
            .header("x-auth-token", &ana_key)
            .body(opml)
            .send()
            .await
            .expect("import"),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let cleaned = vec![
        (
            "https://blank.example/feed".to_string(),
            "blank.example".to_string(),
            Some("All".to_string()),
        ),
        (
            "https://ctl.example/feed".into(),
            "Daily Brief".into(),
            Some("World News".into()),
        ),
        (
            "https://long.example/feed".into(),
            "Long".into(),
            Some("a".repeat(99)),
        ),
    ];
    assert_eq!(filed(&w.site, "ana").await, cleaned);

    // A name stored before the fix (or by any other road) with C0 controls in it.
    let store = &w.site.store;
    let legacy = store
        .sources()
        .add(
            &tidings_store::NewSource {
                url: "https://legacy.example/feed".into(),
                name: "Legacy\u{2}Name\u{FFFE}".into(),
                ..tidings_store::NewSource::default()
            },
            0,
        )
        .await
        .expect("legacy source");
    let ana = user_id(&w.site, "ana").await;
    let old = store
        .reading()
        .folder_named(ana, "Old\u{1}Folder", 1)
        .await
        .expect("old folder");
    store
        .reading()
        .subscribe(ana, legacy.id, old.id, 1)
        .await
        .expect("subscribe");

    // The export is well-formed XML, and reads back with the cleaned names.
    let exported = c
        .get(format!("{base}/v1/export"))
        .header("x-auth-token", &ana_key)
        .send()
        .await
        .expect("export");
    assert_eq!(exported.status(), 200);
    let xml = exported.text().await.expect("opml");
    assert_eq!(forbidden_in(&xml), Vec::<String>::new(), "{xml:?}");
    let mut expected = cleaned.clone();
    expected.push((
        "https://legacy.example/feed".into(),
        "LegacyName".into(),
        Some("OldFolder".into()),
    ));
    expected.sort();
    assert_eq!(outlines_of(&xml), expected, "{xml:?}");

    // And it moves into another account as it reads.
    let (status, answer) = json_of(
        c.post(format!("{base}/v1/import"))
            .header("x-auth-token", &bob_key)
            .body(xml)
            .send()
            .await
            .expect("import into bob"),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let bobs: Vec<_> = filed(&w.site, "bob")
        .await
        .into_iter()
        .map(|(url, _, folder)| (url, folder))
        .collect();
    let wanted: Vec<_> = expected
        .into_iter()
        .map(|(url, _, folder)| (url, folder))
        .collect();
    assert_eq!(bobs, wanted);
}

#[tokio::test]
async fn an_opml_import_that_fails_midway_imports_nothing() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    // The database refuses the third feed's new source, as a full disk or a broken
    // constraint would.
    sqlx::query(
        "CREATE TRIGGER refuse_feed BEFORE INSERT ON sources \
         WHEN NEW.url = 'https://refused.example/feed' \
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    )
    .execute(w.site.store.pool())
    .await
    .expect("trigger");
    let opml = opml_doc(
        &[
            ("https://first.example/feed".into(), Some("One")),
            ("https://outlet.example/feed".into(), Some("Two")),
            ("https://refused.example/feed".into(), Some("Two")),
            ("https://last.example/feed".into(), None),
        ],
        0,
    );
    let response = http()
        .post(format!("{base}/v1/import"))
        .header("x-auth-token", &key)
        .body(opml)
        .send()
        .await
        .expect("import");
    assert_eq!(response.status(), 500);
    assert_eq!(filed(&w.site, "ana").await, [], "nothing followed");
    let ana = user_id(&w.site, "ana").await;
    assert_eq!(
        w.site.store.reading().folders(ana).await.expect("folders"),
        [],
        "no folder made"
    );
    assert!(
        w.site
            .store
            .sources()
            .find_by_url("https://first.example/feed")
            .await
            .expect("find")
            .is_none(),
        "no source added"
    );
}

/// Adds an article from `source` at `url`, dated `published` by its outlet and fetched
/// (arrived at the site) at `fetched`; returns its id.
async fn article_dated(
    site: &Site,
    source: SourceId,
    url: &str,
    published: i64,
    fetched: i64,
) -> ArticleId {
    site.store
        .articles()
        .insert_new(
            source,
            &[tidings_model::NewArticle {
                url: url.into(),
                title: format!("Dated {published}, fetched {fetched}"),
                published_at: Some(published),
                fetched_at: fetched,
                body_text: "The river rose.".into(),
                body_html: "<p>The river rose.</p>".into(),
                ..tidings_model::NewArticle::default()
            }],
        )
        .await
        .expect("insert");
    site.article_by_url(url).await
}

/// Subscribes `name` to `sources` in its folder `News`.
async fn subscribe_all(site: &Site, name: &str, sources: &[SourceId]) {
    let user = user_id(site, name).await;
    let reading = site.store.reading();
    let folder = reading.folder_named(user, "News", 0).await.expect("folder");
    for source in sources {
        reading
            .subscribe(user, *source, folder.id, 0)
            .await
            .expect("subscribe");
    }
}

/// The decimal item ids of a Google Reader `stream/items/ids` answer.
fn item_refs(ids: &Value) -> Vec<String> {
    ids["itemRefs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

/// A client that synced at `synced` must get, with `ot=synced`, every item fetched since
/// (even one its outlet dated earlier), and its "mark all read before `synced`" must leave
/// such an item unread: both windows count from arrival (`crawlTimeMsec`), not from date.
#[tokio::test]
async fn sync_windows_count_from_when_items_arrived() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    subscribe_all(&w.site, "ana", &[w.outlet]).await;
    let now = chrono::Utc::now().timestamp();
    let synced = now - 100;
    // Dated long before the sync, fetched after it: the client has never seen it.
    let late = article_dated(
        &w.site,
        w.outlet,
        "https://outlet.example/late",
        now - 5000,
        now - 50,
    )
    .await;
    // Dated after the sync (a clock ahead), fetched before it: the client has it already.
    let early = article_dated(
        &w.site,
        w.outlet,
        "https://outlet.example/early",
        now - 20,
        now - 200,
    )
    .await;
    let (_, auth) = greader_login(&base, "ana", &key).await;
    let header = format!("GoogleLogin auth={auth}");
    let c = http();
    let (status, ids) = json_of(
        c.get(format!(
            "{base}/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=100&ot={synced}"
        ))
        .header("authorization", &header)
        .send()
        .await
        .expect("ids"),
    )
    .await;
    assert_eq!(status, 200);
    let refs = item_refs(&ids);
    assert!(
        refs.contains(&late.0.to_string()),
        "fetched after ot: listed ({refs:?})"
    );
    assert!(
        !refs.contains(&early.0.to_string()),
        "fetched before ot: not listed ({refs:?})"
    );
    let (_, newer) = json_of(
        c.get(format!(
            "{base}/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=100&nt={synced}"
        ))
        .header("authorization", &header)
        .send()
        .await
        .expect("ids"),
    )
    .await;
    let refs = item_refs(&newer);
    assert!(
        refs.contains(&early.0.to_string()),
        "fetched before nt: listed ({refs:?})"
    );
    assert!(
        !refs.contains(&late.0.to_string()),
        "fetched after nt: not listed ({refs:?})"
    );
    // crawlTimeMsec is what ot filters on.
    let (_, contents) = json_of(
        c.get(format!(
            "{base}/reader/api/0/stream/contents/feed/{}?n=100&ot={synced}",
            w.outlet.0
        ))
        .header("authorization", &header)
        .send()
        .await
        .expect("contents"),
    )
    .await;
    let items = contents["items"].as_array().expect("items");
    assert!(!items.is_empty());
    for item in items {
        let crawl: i64 = item["crawlTimeMsec"]
            .as_str()
            .expect("crawl")
            .parse()
            .expect("ms");
        assert!(
            crawl >= synced * 1000,
            "every item listed by ot arrived after it: {item}"
        );
    }

    // Mark all read up to the sync: the late item stays unread, the early one is read.
    let form = format!(
        "s=user/-/state/com.google/reading-list&ts={}",
        synced * 1_000_000
    );
    let done = c
        .post(format!("{base}/reader/api/0/mark-all-as-read"))
        .header("authorization", &header)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("mark");
    assert_eq!(done.status(), 200);
    let (_, unread) = json_of(
        c.get(format!(
            "{base}/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=100&xt=user/-/state/com.google/read"
        ))
        .header("authorization", &header)
        .send()
        .await
        .expect("ids"),
    )
    .await;
    let refs = item_refs(&unread);
    assert!(
        refs.contains(&late.0.to_string()),
        "never received: still unread ({refs:?})"
    );
    assert!(
        !refs.contains(&early.0.to_string()),
        "received before ts: read ({refs:?})"
    );
}

/// Fever's `mark=feed|group&as=read&before=T` (T: the client's last `items` request) leaves
/// unread an item that arrived after T, however early its outlet dated it.
#[tokio::test]
async fn fever_mark_read_before_counts_from_arrival() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    subscribe_all(&w.site, "ana", &[w.outlet, w.wire]).await;
    let now = chrono::Utc::now().timestamp();
    let synced = now - 100;
    let late = article_dated(
        &w.site,
        w.outlet,
        "https://outlet.example/late",
        now - 5000,
        now - 50,
    )
    .await;
    let late_wire = article_dated(
        &w.site,
        w.wire,
        "https://wire.example/late",
        now - 5000,
        now - 50,
    )
    .await;
    let early = article_dated(
        &w.site,
        w.outlet,
        "https://outlet.example/early",
        now - 20,
        now - 200,
    )
    .await;
    let c = http();
    let good = fever_key("ana", &key);
    let fever = |query: String| {
        c.post(format!("{base}/fever/?api{query}"))
            .form(&[("api_key", good.as_str())])
    };
    let unread = || async {
        let (_, answer) = json_of(
            fever("&unread_item_ids".into())
                .send()
                .await
                .expect("fever"),
        )
        .await;
        answer["unread_item_ids"]
            .as_str()
            .expect("ids")
            .split(',')
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (status, _) = json_of(
        fever(format!(
            "&mark=feed&as=read&id={}&before={synced}",
            w.outlet.0
        ))
        .send()
        .await
        .expect("mark feed"),
    )
    .await;
    assert_eq!(status, 200);
    let ids = unread().await;
    assert!(
        ids.contains(&late.0.to_string()),
        "arrived after before: unread ({ids:?})"
    );
    assert!(
        !ids.contains(&early.0.to_string()),
        "arrived before: read ({ids:?})"
    );
    let (_, _) = json_of(
        fever(format!("&mark=group&as=read&id=0&before={synced}"))
            .send()
            .await
            .expect("mark group"),
    )
    .await;
    let ids = unread().await;
    assert!(ids.contains(&late.0.to_string()), "group 0 too ({ids:?})");
    assert!(
        ids.contains(&late_wire.0.to_string()),
        "group 0 too ({ids:?})"
    );
}

/// A feed's unread count is the length of its unread list, in both APIs, when a wire copy's
/// original is in another subscribed feed; the reading list's count is its own list's.
#[tokio::test]
async fn unread_counts_agree_with_the_lists_they_count() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    subscribe_all(&w.site, "ana", &[w.outlet, w.wire]).await;
    let (_, auth) = greader_login(&base, "ana", &key).await;
    let header = format!("GoogleLogin auth={auth}");
    let c = http();
    let gr = |path: String| {
        let c = c.clone();
        let header = header.clone();
        let base = base.clone();
        async move {
            json_of(
                c.get(format!("{base}{path}"))
                    .header("authorization", &header)
                    .send()
                    .await
                    .expect("greader"),
            )
            .await
            .1
        }
    };
    let (_, counts) = json_of(
        c.get(format!("{base}/reader/api/0/unread-count"))
            .header("authorization", &header)
            .send()
            .await
            .expect("counts"),
    )
    .await;
    let count_of = |id: &str| {
        counts["unreadcounts"]
            .as_array()
            .expect("counts")
            .iter()
            .find(|c| c["id"] == id)
            .and_then(|c| c["count"].as_i64())
            .unwrap_or(0)
    };
    let streams = [
        format!("feed/{}", w.outlet.0),
        format!("feed/{}", w.wire.0),
        "user/-/state/com.google/reading-list".to_string(),
    ];
    let mut listed = Vec::new();
    for stream in &streams {
        let ids = gr(format!(
            "/reader/api/0/stream/items/ids?s={stream}&n=1000&xt=user/-/state/com.google/read"
        ))
        .await;
        let n = item_refs(&ids).len() as i64;
        assert_eq!(count_of(stream), n, "unread-count of {stream} = its list");
        listed.push(n);
    }
    assert_eq!(
        listed,
        vec![2, 1, 2],
        "the copy is listed in its own feed, folded in all"
    );

    let (_, counters) = json_of(
        c.get(format!("{base}/v1/feeds/counters"))
            .header("x-auth-token", &key)
            .send()
            .await
            .expect("counters"),
    )
    .await;
    for feed in [w.outlet, w.wire] {
        let (_, entries) = json_of(
            c.get(format!(
                "{base}/v1/feeds/{}/entries?status=unread&limit=1000",
                feed.0
            ))
            .header("x-auth-token", &key)
            .send()
            .await
            .expect("entries"),
        )
        .await;
        let id = feed.0.to_string();
        assert_eq!(
            counters["unreads"][&id].as_i64().unwrap_or(0),
            entries["total"].as_i64().expect("total"),
            "Miniflux counter of feed {id} = its list"
        );
        assert_eq!(
            counters["unreads"][&id].as_i64().unwrap_or(0) as usize,
            entries["entries"].as_array().expect("entries").len(),
        );
    }
}

/// Fever's group `-1` is Sparks, which Tidings does not have: marking it read marks nothing,
/// while group `0` (Kindling) marks every subscription read.
#[tokio::test]
async fn fever_sparks_group_marks_nothing_and_kindling_everything() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    subscribe_all(&w.site, "ana", &[w.outlet, w.wire]).await;
    let c = http();
    let good = fever_key("ana", &key);
    let fever = |query: &str| {
        c.post(format!("{base}/fever/?api{query}"))
            .form(&[("api_key", good.as_str())])
    };
    let unread = || async {
        let (_, answer) = json_of(fever("&unread_item_ids").send().await.expect("fever")).await;
        answer["unread_item_ids"].as_str().expect("ids").to_string()
    };
    let before = unread().await;
    assert_eq!(before.split(',').count(), 2, "two unread items: {before}");
    let later = chrono::Utc::now().timestamp() + 60;
    let (status, _) = json_of(
        fever(&format!("&mark=group&as=read&id=-1&before={later}"))
            .send()
            .await
            .expect("sparks"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(unread().await, before, "Sparks holds nothing to mark");
    fever(&format!("&mark=group&as=read&id=0&before={later}"))
        .send()
        .await
        .expect("kindling");
    assert_eq!(unread().await, "", "Kindling is every subscription");
}

/// Miniflux's feed update (moving a feed to another category), category and account
/// mark-all-as-read, and version answer as Miniflux documents them; any other `/v1/…` path
/// is a JSON `404`, not the site's HTML page.
#[tokio::test]
async fn miniflux_moves_feeds_marks_categories_and_accounts_read_and_answers_json() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    let (_, bob_key) = w.site.account_with_key("bob").await;
    subscribe_all(&w.site, "ana", &[w.outlet, w.wire]).await;
    let ana = user_id(&w.site, "ana").await;
    let reading = w.site.store.reading();
    let news = reading.folder_named(ana, "News", 0).await.expect("news").id;
    let later = reading
        .folder_named(ana, "Later", 0)
        .await
        .expect("later")
        .id;
    let c = http();
    let send = |method: reqwest::Method, path: &str, key: &str, body: Option<Value>| {
        miniflux_call(&c, &base, method, path, key, body)
    };
    let put = reqwest::Method::PUT;
    let get = reqwest::Method::GET;

    // Move the wire to "Later": 201 and the feed, filed there.
    let (status, feed) = send(
        put.clone(),
        &format!("/v1/feeds/{}", w.wire.0),
        &key,
        Some(serde_json::json!({ "category_id": later, "title": "Wire" })),
    )
    .await;
    assert_eq!(status, 201, "{feed}");
    assert_eq!(feed["category"]["id"], later);
    let (_, listed) = send(
        get.clone(),
        &format!("/v1/categories/{later}/feeds"),
        &key,
        None,
    )
    .await;
    assert_eq!(listed[0]["id"], w.wire.0, "{listed}");
    // Another account's category, an unknown one, a title that is none (empty, too long,
    // with a control character), another's feed: refused.
    let bob = user_id(&w.site, "bob").await;
    let bobs = reading.folder_named(bob, "Bob's", 0).await.expect("bob").id;
    for body in [
        serde_json::json!({ "category_id": bobs }),
        serde_json::json!({ "category_id": 999_999 }),
        serde_json::json!({ "title": "  " }),
        serde_json::json!({ "title": "x".repeat(201) }),
        serde_json::json!({ "title": "Re\u{7}named" }),
        serde_json::json!({ "title": "Renamed", "category_id": bobs }),
    ] {
        let (status, answer) = send(
            put.clone(),
            &format!("/v1/feeds/{}", w.wire.0),
            &key,
            Some(body),
        )
        .await;
        assert_eq!(status, 400, "{answer}");
        assert!(answer["error_message"].is_string());
    }
    let (status, _) = send(
        put.clone(),
        &format!("/v1/feeds/{}", w.wire.0),
        &bob_key,
        Some(serde_json::json!({ "category_id": bobs })),
    )
    .await;
    assert_eq!(status, 404, "bob does not follow the wire");
    let sub = reading
        .subscription(ana, w.wire)
        .await
        .expect("sub")
        .expect("ana's");
    assert_eq!(sub.folder.id, later, "the refusals moved nothing");
    assert_eq!(sub.title, None, "and renamed nothing");

    // Mark the "News" category read: the outlet's items only; the wire's copy stays unread.
    let unread = |feed: SourceId| {
        let path = format!("/v1/feeds/{}/entries?status=unread", feed.0);
        let key = key.clone();
        let send = &send;
        let get = get.clone();
        async move { send(get, &path, &key, None).await.1["total"].as_i64() }
    };
    assert_eq!(
        (unread(w.outlet).await, unread(w.wire).await),
        (Some(2), Some(1))
    );
    let (status, _) = send(
        put.clone(),
        &format!("/v1/categories/{news}/mark-all-as-read"),
        &bob_key,
        None,
    )
    .await;
    assert_eq!(status, 404, "not bob's category");
    assert_eq!(unread(w.outlet).await, Some(2));
    let (status, _) = send(
        put.clone(),
        &format!("/v1/categories/{news}/mark-all-as-read"),
        &key,
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(unread(w.outlet).await, Some(0));
    // Reading the original reads its copy: a mark reaches every copy.
    assert_eq!(unread(w.wire).await, Some(0));

    // The account's mark-all-as-read: its own id only.
    reading
        .set_read(ana, &[w.second, w.site.article], false, 0)
        .await
        .expect("unread again");
    assert_eq!(unread(w.outlet).await, Some(2));
    let (status, answer) = send(
        put.clone(),
        &format!("/v1/users/{}/mark-all-as-read", bob.0),
        &key,
        None,
    )
    .await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(unread(w.outlet).await, Some(2));
    let (status, _) = send(
        put.clone(),
        &format!("/v1/users/{}/mark-all-as-read", ana.0),
        &key,
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        (unread(w.outlet).await, unread(w.wire).await),
        (Some(0), Some(0))
    );

    // Version, and JSON for any other /v1 path.
    let (status, version) = send(get.clone(), "/v1/version", &key, None).await;
    assert_eq!(status, 200);
    assert!(
        version["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("tidings-"))
    );
    let (status, _) = send(get.clone(), "/v1/version", "wrong", None).await;
    assert_eq!(status, 401);
    for path in [
        "/v1/nothing",
        "/v1/feeds/1/nothing/here",
        "/v1/flush-history",
        "/v1",
    ] {
        let response = c
            .get(format!("{base}{path}"))
            .header("x-auth-token", &key)
            .send()
            .await
            .expect("unknown");
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json")),
            "{path}"
        );
        let (_, answer) = json_of(response).await;
        assert!(answer["error_message"].is_string(), "{path}: {answer}");
    }
}

/// An address refused because it names a private host says so, in both APIs, rather than
/// calling it not an http(s) address.
#[tokio::test]
async fn private_feed_addresses_are_refused_for_what_they_are() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    let c = http();
    let (status, answer) = json_of(
        c.post(format!("{base}/v1/feeds"))
            .header("x-auth-token", &key)
            .json(&serde_json::json!({ "feed_url": "http://10.0.0.1/x" }))
            .send()
            .await
            .expect("create"),
    )
    .await;
    assert_eq!(status, 400);
    let message = answer["error_message"].as_str().expect("message");
    assert!(message.contains("private"), "{message}");
    assert!(!message.contains("not an http"), "{message}");
    let (_, answer) = json_of(
        c.post(format!("{base}/v1/feeds"))
            .header("x-auth-token", &key)
            .json(&serde_json::json!({ "feed_url": "ftp://outlet.example/x" }))
            .send()
            .await
            .expect("create"),
    )
    .await;
    assert!(
        answer["error_message"]
            .as_str()
            .is_some_and(|m| m.contains("not an http")),
        "{answer}"
    );

    let (_, auth) = greader_login(&base, "ana", &key).await;
    let header = format!("GoogleLogin auth={auth}");
    let (status, quick) = json_of(
        c.post(format!("{base}/reader/api/0/subscription/quickadd"))
            .header("authorization", &header)
            .form(&[("quickadd", "feed/http://127.0.0.1/feed")])
            .send()
            .await
            .expect("quickadd"),
    )
    .await;
    assert_eq!(status, 200);
    let error = quick["error"].as_str().expect("error");
    assert!(error.contains("private"), "{error}");
    let edit = c
        .post(format!("{base}/reader/api/0/subscription/edit"))
        .header("authorization", &header)
        .form(&[("ac", "subscribe"), ("s", "feed/http://127.0.0.1/feed")])
        .send()
        .await
        .expect("edit");
    assert_eq!(edit.status(), 400);
    let text = edit.text().await.expect("body");
    assert!(text.contains("private"), "{text}");
    assert!(
        w.site
            .store
            .sources()
            .find_by_url("http://127.0.0.1/feed")
            .await
            .expect("find")
            .is_none(),
        "no source was added"
    );
}

/// A known path asked with a method it does not take: `405` in each API's own error format
/// (Miniflux's JSON `error_message`, Google Reader's plain text, Fever's JSON), with an
/// `Allow` header naming the methods the path takes; an unknown `/v1` path stays a `404`.
#[tokio::test]
async fn known_paths_with_a_wrong_method_say_so_in_each_apis_format() {
    let w = world().await;
    let base = w.site.base.clone();
    let (_, key) = w.site.account_with_key("ana").await;
    let c = http();
    let allowed = |response: &reqwest::Response| -> Vec<String> {
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect()
    };
    let content_type = |response: &reqwest::Response| -> String {
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    use reqwest::Method;
    let feed = format!("/v1/feeds/{}", w.wire.0);
    for (method, path, allow) in [
        (Method::PATCH, feed.as_str(), &["GET", "PUT", "DELETE"][..]),
        (Method::POST, "/v1/me", &["GET"][..]),
        (Method::DELETE, "/v1/feeds/1/mark-all-as-read", &["PUT"][..]),
        (Method::GET, "/v1/import", &["POST"][..]),
    ] {
        let response = c
            .request(method.clone(), format!("{base}{path}"))
            .header("x-auth-token", &key)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 405, "{method} {path}");
        let methods = allowed(&response);
        for m in allow {
            assert!(
                methods.iter().any(|a| a == m),
                "{method} {path}: {methods:?}"
            );
        }
        assert!(
            !methods.iter().any(|a| *a == method.as_str()),
            "{methods:?}"
        );
        assert!(
            content_type(&response).starts_with("application/json"),
            "{method} {path}"
        );
        let (_, answer) = json_of(response).await;
        assert!(
            answer["error_message"]
                .as_str()
                .is_some_and(|m| m.contains("not allowed")),
            "{method} {path}: {answer}"
        );
    }
    let unknown = c
        .patch(format!("{base}/v1/nothing"))
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 404, "an unknown path is still not found");

    for prefix in ["", "/api/greader.php"] {
        for (method, path, allow) in [
            (Method::GET, "/reader/api/0/edit-tag", "POST"),
            (Method::PUT, "/reader/api/0/subscription/list", "GET"),
        ] {
            let response = c
                .request(method.clone(), format!("{base}{prefix}{path}"))
                .send()
                .await
                .expect("send");
            assert_eq!(response.status(), 405, "{method} {prefix}{path}");
            assert!(
                allowed(&response).iter().any(|a| a == allow),
                "{prefix}{path}: {:?}",
                allowed(&response)
            );
            assert!(content_type(&response).starts_with("text/plain"));
            let body = response.text().await.expect("body");
            assert_eq!(body, "Method not allowed\n");
        }
    }

    for path in ["/fever/", "/api/fever.php"] {
        let response = c
            .put(format!("{base}{path}?api"))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 405, "{path}");
        let methods = allowed(&response);
        assert!(
            methods.iter().any(|a| a == "GET") && methods.iter().any(|a| a == "POST"),
            "{path}: {methods:?}"
        );
        assert!(content_type(&response).starts_with("application/json"));
        let (_, answer) = json_of(response).await;
        assert_eq!(answer["api_version"], 3, "{answer}");
        assert_eq!(answer["auth"], 0, "{answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
}

/// An unknown path under a reader API's prefix answers in that API's own format, not the JSON
/// API's `{"error": …}` its `/api` prefix would give, nor the site's HTML page: Google
/// Reader's plain text under `/api/greader.php` and `/reader/api/0/`, Fever's JSON under
/// `/api/fever.php/`; the JSON API keeps its own 404 elsewhere under `/api`.
#[tokio::test]
async fn unknown_paths_under_a_reader_api_answer_in_its_format() {
    let w = world().await;
    let base = w.site.base.clone();
    let c = http();
    for path in [
        "/api/greader.php/reader/api/0/nothing",
        "/api/greader.php/nothing",
        "/api/greader.php",
        "/reader/api/0/nothing",
        "/reader/api/0/stream/nothing/else",
    ] {
        let response = c.get(format!("{base}{path}")).send().await.expect("send");
        assert_eq!(response.status(), 404, "{path}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            content_type.starts_with("text/plain"),
            "{path}: {content_type}"
        );
        assert_eq!(
            response.text().await.expect("body"),
            "Not found\n",
            "{path}"
        );
    }
    let slashed = c
        .get(format!("{base}/api/greader.php/nothing/"))
        .send()
        .await
        .expect("send");
    assert_eq!(
        slashed.status(),
        308,
        "a slashed path goes to the path without it"
    );
    let response = c
        .post(format!("{base}/api/fever.php/nothing?api"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
    let (_, answer) = json_of(response).await;
    assert_eq!(answer["api_version"], 3, "{answer}");
    assert_eq!(answer["auth"], 0, "{answer}");
    assert!(answer["error"].is_string(), "{answer}");
    let response = c
        .get(format!("{base}/api/nothing"))
        .send()
        .await
        .expect("send");
    let (status, answer) = json_of(response).await;
    assert_eq!(status, 404);
    assert!(
        answer["error"].is_string(),
        "the JSON API's own 404: {answer}"
    );
    // The known routes still answer under both prefixes.
    for prefix in ["", "/api/greader.php"] {
        let response = c
            .get(format!("{base}{prefix}/reader/api/0/user-info"))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 401, "{prefix}");
        assert_eq!(
            response.text().await.expect("body"),
            "Error=BadAuthentication\n"
        );
    }
}

/// A reader's own title for a feed (Miniflux's `PUT /v1/feeds/{id}` `title`, Google
/// Reader's `subscription/edit` `t`): shown to that reader in every API, the OPML export and
/// the "For you" page, as plain text escaped where written; the outlet's name stays for
/// everyone else, the outlet's name itself drops the own title, and a title that is none is
/// refused without a change. On both backends.
#[tokio::test]
async fn a_feed_renamed_by_one_reader_keeps_its_name_for_everyone_else() {
    tidings_store::testing::each_backend(|store| async move {
        let site = support::site_on(store, config(), |_| {}).await;
        let (wire, _) = site.add_wire_copy().await;
        let base = site.base.clone();
        let (mut ana_browser, key) = site.account_with_key("ana").await;
        let (_, bob_key) = site.account_with_key("bob").await;
        let c = http();
        for k in [&key, &bob_key] {
            let made = c
                .post(format!("{base}/v1/feeds"))
                .header("x-auth-token", k)
                .json(&serde_json::json!({ "feed_url": "https://wire.example/feed" }))
                .send()
                .await
                .expect("subscribe");
            assert_eq!(made.status(), 201);
        }
        let mf = |method: reqwest::Method, path: String, key: &str, body: Option<Value>| {
            miniflux_call(&c, &base, method, &path, key, body)
        };
        let feed_path = format!("/v1/feeds/{}", wire.0);
        let title_of = |key: String| {
            let mf = &mf;
            let feed_path = feed_path.clone();
            async move {
                let (_, one) = mf(reqwest::Method::GET, feed_path, &key, None).await;
                let (_, all) = mf(reqwest::Method::GET, "/v1/feeds".into(), &key, None).await;
                assert_eq!(all[0]["title"], one["title"], "{all}");
                one["title"].as_str().unwrap_or_default().to_string()
            }
        };

        // Ana renames it through Miniflux: hers alone, as plain text.
        let mine = "<b>My wire</b> & \"co\"";
        let (status, feed) = mf(
            reqwest::Method::PUT,
            feed_path.clone(),
            &key,
            Some(serde_json::json!({ "title": format!("  {mine} ") })),
        )
        .await;
        assert_eq!(status, 201, "{feed}");
        assert_eq!(feed["title"], mine);
        assert_eq!(title_of(key.clone()).await, mine);
        assert_eq!(title_of(bob_key.clone()).await, "Wire");
        let outlet = site.store.sources().get(wire).await.expect("get");
        assert_eq!(
            outlet.expect("the wire").name,
            "Wire",
            "the outlet keeps its name"
        );
        let (_, entries) = mf(
            reqwest::Method::GET,
            format!("{feed_path}/entries"),
            &key,
            None,
        )
        .await;
        assert_eq!(entries["entries"][0]["feed"]["title"], mine, "{entries}");

        // Every other API and the site show her the same title, escaped where written.
        let auth = format!("GoogleLogin auth={key}");
        let greader = |path: &str| {
            let request = c
                .get(format!("{base}/reader/api/0/{path}"))
                .header("authorization", &auth);
            async move {
                let answer = request.send().await.expect("greader");
                answer.json::<Value>().await.expect("json")
            }
        };
        let list = greader("subscription/list?output=json").await;
        assert_eq!(list["subscriptions"][0]["title"], mine, "{list}");
        let stream = greader("stream/contents/user/-/state/com.google/reading-list").await;
        assert_eq!(stream["items"][0]["origin"]["title"], mine, "{stream}");
        let (_, fever) = json_of(
            c.post(format!("{base}/fever/?api&feeds"))
                .form(&[("api_key", fever_key("ana", &key))])
                .send()
                .await
                .expect("fever"),
        )
        .await;
        assert_eq!(fever["feeds"][0]["title"], mine, "{fever}");
        let opml = c
            .get(format!("{base}/v1/export"))
            .header("x-auth-token", &key)
            .send()
            .await
            .expect("export")
            .text()
            .await
            .expect("opml");
        assert!(!opml.contains("<b>"), "{opml}");
        assert_eq!(
            outlines_of(&opml)
                .into_iter()
                .map(|(_, title, _)| title)
                .collect::<Vec<_>>(),
            vec![mine.to_string()],
            "{opml}"
        );
        let page = ana_browser.get("/for-you").await;
        assert!(
            page.body
                .contains(">&#60;b&#62;My wire&#60;/b&#62; &#38; &#34;co&#34;</a>"),
            "{}",
            page.body
        );
        assert!(!page.body.contains(mine));

        // Google Reader's rename, `t`; an empty `t` changes nothing; a bad one is refused.
        let edit = |t: String| {
            let c = &c;
            let (base, auth) = (&base, &auth);
            async move {
                let response = c
                    .post(format!("{base}/reader/api/0/subscription/edit"))
                    .header("authorization", auth)
                    .form(&[
                        ("ac", "edit".to_string()),
                        ("s", format!("feed/{}", wire.0)),
                        ("t", t),
                    ])
                    .send()
                    .await
                    .expect("edit");
                response.status().as_u16()
            }
        };
        assert_eq!(edit("Wire service".into()).await, 200);
        assert_eq!(title_of(key.clone()).await, "Wire service");
        assert_eq!(edit(String::new()).await, 200);
        assert_eq!(title_of(key.clone()).await, "Wire service");
        for bad in ["a\u{1b}b".to_string(), "é".repeat(201)] {
            assert_eq!(edit(bad).await, 400);
            assert_eq!(title_of(key.clone()).await, "Wire service");
        }
        let longest = "é".repeat(200);
        assert_eq!(
            edit(longest.clone()).await,
            200,
            "200 characters are a title"
        );
        assert_eq!(title_of(key.clone()).await, longest);
        assert_eq!(title_of(bob_key.clone()).await, "Wire");

        // The outlet's own name drops the own title: the feed follows the outlet's name.
        let (status, _) = mf(
            reqwest::Method::PUT,
            feed_path.clone(),
            &key,
            Some(serde_json::json!({ "title": "Wire" })),
        )
        .await;
        assert_eq!(status, 201);
        let ana = user_id(&site, "ana").await;
        let sub = site
            .store
            .reading()
            .subscription(ana, wire)
            .await
            .expect("sub")
            .expect("ana's");
        assert_eq!(sub.title, None);
        assert_eq!(sub.shown_title(), "Wire");

        // Titles pair with streams by position; subscribing with a title that cannot be one
        // subscribes under the outlet's name.
        let (agency, _) = site.add_copy("Agency", "Flood (agency copy)", 0).await;
        let greader_edit = |fields: Vec<(&'static str, String)>| {
            let c = &c;
            let (base, auth) = (&base, &auth);
            async move {
                c.post(format!("{base}/reader/api/0/subscription/edit"))
                    .header("authorization", auth)
                    .form(&fields)
                    .send()
                    .await
                    .expect("edit")
                    .status()
                    .as_u16()
            }
        };
        let subscribe = vec![
            ("ac", "subscribe".to_string()),
            ("s", format!("feed/{}", agency.0)),
            ("t", "bad\u{7}".to_string()),
        ];
        assert_eq!(greader_edit(subscribe).await, 200);
        let shown = |source| {
            let store = site.store.clone();
            async move {
                store
                    .reading()
                    .subscription(ana, source)
                    .await
                    .expect("sub")
                    .expect("subscribed")
                    .shown_title()
            }
        };
        assert_eq!(shown(agency).await, "Agency");
        let both = vec![
            ("ac", "edit".to_string()),
            ("s", format!("feed/{}", wire.0)),
            ("t", "One".to_string()),
            ("s", format!("feed/{}", agency.0)),
            ("t", "Two".to_string()),
        ];
        assert_eq!(greader_edit(both).await, 200);
        assert_eq!(
            (shown(wire).await, shown(agency).await),
            ("One".into(), "Two".into())
        );
    })
    .await;
}
