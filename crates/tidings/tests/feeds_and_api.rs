//! Feeds out and the JSON API end to end through `tidings serve` on the fixture day (three
//! outlets, two stories): every feed parses with Tidings' own parser and carries the right
//! items with absolute links; the API returns the two stories with their outlets, pages its
//! lists and answers errors in JSON; every path of the OpenAPI document answers; `ETag`s turn
//! a repeated request into a `304`; and hostile text from a feed comes out escaped.

mod support;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;
use support::{
    Server, add_fixture_outlets, fixture_day_web, open_store, wait_until, wait_until_placed,
};
use tidings_testkit::news::OUTLETS;

/// A GET's status, content type and body.
async fn fetch(server: &Server, path: &str) -> (StatusCode, String, String) {
    let resp = reqwest::get(server.url(path)).await.expect("GET");
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, resp.text().await.expect("body"))
}

/// A JSON API answer that must be 200.
async fn api(server: &Server, path: &str) -> Value {
    let (status, content_type, body) = fetch(server, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert_eq!(content_type, "application/json", "{path}");
    serde_json::from_str(&body).expect("JSON")
}

/// A JSON error answer with `status`.
async fn api_error(server: &Server, path: &str, status: StatusCode) {
    let (got, content_type, body) = fetch(server, path).await;
    assert_eq!(got, status, "{path}: {body}");
    assert_eq!(content_type, "application/json", "{path}");
    let value: Value = serde_json::from_str(&body).expect("a JSON error");
    assert!(
        value["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{path}: {body}"
    );
}

/// The feed at `path`, checked for its content type and parsed with `tidings_feeds`.
async fn feed(server: &Server, path: &str) -> (String, tidings_feeds::ParsedFeed) {
    let (status, content_type, body) = fetch(server, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let expected = if path.ends_with(".xml") {
        "application/rss+xml; charset=utf-8"
    } else if path.ends_with(".atom") {
        "application/atom+xml; charset=utf-8"
    } else {
        "application/feed+json; charset=utf-8"
    };
    assert_eq!(content_type, expected, "{path}");
    let parsed = tidings_feeds::parse_feed(body.as_bytes(), &server.url(path))
        .unwrap_or_else(|e| panic!("{path} parses: {e}\n{body}"));
    assert_eq!(parsed.malformed, None, "{path} is well-formed:\n{body}");
    (body, parsed)
}

/// The property names a schema of the OpenAPI document declares (following `$ref` and
/// `allOf`), and the schema of each.
fn schema_fields(doc: &Value, schema: &Value) -> Vec<(String, Value)> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return schema_fields(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(parts) = schema["allOf"].as_array() {
        return parts.iter().flat_map(|p| schema_fields(doc, p)).collect();
    }
    schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Checks that `value` has exactly the fields `schema` declares, and so on down into the
/// first element of each array of objects: the document describes what the API answers.
fn assert_same_fields(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let fields = schema_fields(doc, schema);
    let Some(object) = value.as_object() else {
        return;
    };
    if fields.is_empty() {
        return;
    }
    let declared: BTreeSet<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    let answered: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(answered, declared, "{at}: the fields the document declares");
    for (name, field) in &fields {
        let inner = &object[name.as_str()];
        match inner {
            Value::Object(_) => assert_same_fields(doc, field, inner, &format!("{at}.{name}")),
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    assert_same_fields(doc, &field["items"], first, &format!("{at}.{name}[0]"));
                }
            }
            _ => {}
        }
    }
}

const FORMATS: [&str; 3] = ["feed.xml", "feed.atom", "feed.json"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_and_api_serve_the_fixture_day() {
    let web = fixture_day_web().await;
    let dir = tempfile::tempdir().expect("tempdir");
    add_fixture_outlets(dir.path(), &web);
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until_placed(dir.path(), 5).await;
    let all_titles: BTreeSet<&str> = OUTLETS
        .iter()
        .flat_map(|o| o.reports.iter().map(|r| r.title))
        .collect();

    // The site feeds: the five latest articles, linking to their pages here, with the
    // story's outlet count.
    for format in FORMATS {
        let path = format!("/{format}");
        let (body, parsed) = feed(&server, &path).await;
        let titles: BTreeSet<&str> = parsed
            .entries
            .iter()
            .filter_map(|e| e.title.as_deref())
            .collect();
        assert_eq!(titles, all_titles, "{path}");
        for entry in &parsed.entries {
            let url = entry.url.as_deref().unwrap_or_default();
            assert!(
                url.starts_with(&server.url("/article/")),
                "{path}: absolute links to article pages: {url}"
            );
            assert!(entry.published.is_some(), "{path}: dated");
        }
        assert!(
            body.contains("3 sources"),
            "{path} names the flood's outlets"
        );
        assert!(body.contains("2 sources"), "{path} names the rate rise's");
    }

    // The API's sources, and each source's feeds.
    let sources = api(&server, "/api/v1/sources").await;
    let sources = sources["items"].as_array().expect("items").clone();
    assert_eq!(sources.len(), 3);
    for outlet in OUTLETS {
        let source = sources
            .iter()
            .find(|s| s["name"] == outlet.name)
            .unwrap_or_else(|| panic!("{} is listed", outlet.name));
        let id = source["id"].as_i64().expect("id");
        let detail = api(&server, &format!("/api/v1/sources/{id}")).await;
        assert_eq!(detail["article_count"], outlet.reports.len());
        assert_eq!(detail["status"], "ok");
        let titles: BTreeSet<&str> = outlet.reports.iter().map(|r| r.title).collect();
        for format in FORMATS {
            let path = format!("/source/{id}/{format}");
            let (_, parsed) = feed(&server, &path).await;
            let got: BTreeSet<&str> = parsed
                .entries
                .iter()
                .filter_map(|e| e.title.as_deref())
                .collect();
            assert_eq!(got, titles, "{path}");
        }
        assert_eq!(
            source["feeds"]["rss"],
            server.url(&format!("/source/{id}/feed.xml"))
        );
        let (_, page) = server.get(&format!("/source/{id}")).await;
        assert!(
            page.contains(&format!(
                "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{} · Tidings (RSS)\" href=\"/source/{id}/feed.xml\">",
                outlet.name
            )),
            "the source page announces its own feed"
        );
    }
    assert_eq!(fetch(&server, "/source/999999/feed.xml").await.0, 404);
    assert_eq!(fetch(&server, "/source/x/feed.json").await.0, 404);

    // Every page announces the site feeds; the front page lists the stories in the order the
    // API ranks them.
    let (_, front) = server.get("/").await;
    for (kind, href) in [
        ("application/rss+xml", "/feed.xml"),
        ("application/atom+xml", "/feed.atom"),
        ("application/feed+json", "/feed.json"),
    ] {
        assert!(
            front.contains(&format!("rel=\"alternate\" type=\"{kind}\"")),
            "{kind}"
        );
        assert!(front.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let stories = api(&server, "/api/v1/stories").await;
    let items = stories["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 2, "two stories: {stories}");
    assert_eq!(stories["has_more"], false);
    let front_order: Vec<String> = front
        .split("href=\"/story/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .fold(Vec::new(), |mut ids, id| {
            if !ids.iter().any(|i: &String| i == id) {
                ids.push(id.to_string());
            }
            ids
        });
    let api_order: Vec<String> = items.iter().map(|s| s["id"].to_string()).collect();
    assert_eq!(api_order, front_order, "ranked as on the front page");
    let outlets_of = |story: &Value| -> BTreeSet<String> {
        story["outlets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["name"].as_str().map(str::to_string))
            .collect()
    };
    let flood = items
        .iter()
        .find(|s| s["source_count"] == 3)
        .expect("the flood story");
    assert_eq!(
        outlets_of(flood),
        ["Daily Ledger", "Harbour Post", "Metro Wire"]
            .map(String::from)
            .into()
    );
    let rates = items
        .iter()
        .find(|s| s["source_count"] == 2)
        .expect("the rate story");
    assert_eq!(
        outlets_of(rates),
        ["Daily Ledger", "Harbour Post"].map(String::from).into()
    );
    let paged = api(&server, "/api/v1/stories?per_page=1&page=2").await;
    assert_eq!(paged["items"][0]["id"], items[1]["id"]);
    assert_eq!(paged["has_more"], false);

    // One story: coverage by outlet, the agency copy marked, the insight once computed.
    let flood_path = format!("/api/v1/stories/{}", flood["id"]);
    wait_until("the story understood", Duration::from_secs(30), || async {
        api(&server, &flood_path).await["insight"].is_object()
    })
    .await;
    let detail = api(&server, &flood_path).await;
    let coverage = detail["coverage"].as_array().expect("coverage");
    assert_eq!(coverage.len(), 3, "three outlets");
    let copies: Vec<&Value> = coverage
        .iter()
        .flat_map(|g| g["articles"].as_array().into_iter().flatten())
        .filter(|a| a["copy_of"].is_i64())
        .collect();
    assert_eq!(copies.len(), 1, "one agency copy");
    assert_eq!(copies[0]["source"]["name"], "Metro Wire");
    let insight = &detail["insight"];
    assert!(
        insight["summary"]
            .as_array()
            .is_some_and(|s| !s.is_empty() && s.iter().all(|x| x["article_id"].is_i64())),
        "a cited summary: {insight}"
    );
    // The key points sit beside the long summary; the list is there (empty for this small
    // story, whose long summary holds every sentence that is not a repeat).
    assert!(insight["key_points"].is_array(), "{insight}");
    let texts = |field: &str| -> Vec<String> {
        insight[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["text"].as_str().map(String::from))
            .collect()
    };
    let summary = texts("summary");
    assert!(
        texts("key_points").iter().all(|k| !summary.contains(k)),
        "key points add to the summary: {insight}"
    );
    assert!(
        insight["entities"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["slug"] == "claire-vautrin" && e["kind"] == "person"),
        "entities: {insight}"
    );

    // A developing story, and a person, as feeds: the story's reports, newest first, and the
    // reports of the stories that name her.
    let flood_titles: BTreeSet<&str> = OUTLETS
        .iter()
        .flat_map(|o| o.reports.iter())
        .filter(|r| r.path.ends_with("/flood"))
        .map(|r| r.title)
        .collect();
    for format in FORMATS {
        for path in [
            format!("/story/{}/{format}", flood["id"]),
            format!("/entity/claire-vautrin/{format}"),
        ] {
            let (_, parsed) = feed(&server, &path).await;
            let got: BTreeSet<&str> = parsed
                .entries
                .iter()
                .filter_map(|e| e.title.as_deref())
                .collect();
            assert_eq!(got, flood_titles, "{path}");
            let times: Vec<i64> = parsed.entries.iter().filter_map(|e| e.published).collect();
            assert_eq!(times.len(), 3, "{path}: dated");
            assert!(
                times.windows(2).all(|t| t[0] >= t[1]),
                "{path}: newest first"
            );
        }
    }
    assert_eq!(
        flood["feeds"]["atom"],
        server.url(&format!("/story/{}/feed.atom", flood["id"])),
        "the API names the story's feeds"
    );
    let (_, story_page) = server.get(&format!("/story/{}", flood["id"])).await;
    assert!(story_page.contains(&format!(
        "href=\"/story/{}/feed.xml\">Follow this story as a feed",
        flood["id"]
    )));
    assert!(story_page.contains(&format!(
        "type=\"application/atom+xml\" title=\"{} · Tidings (Atom)\" href=\"/story/{}/feed.atom\"",
        flood["title"].as_str().expect("title"),
        flood["id"]
    )));
    let (_, person_page) = server.get("/entity/claire-vautrin").await;
    assert!(person_page.contains("href=\"/entity/claire-vautrin/feed.json\""));
    assert_eq!(fetch(&server, "/story/999999/feed.xml").await.0, 404);
    assert_eq!(fetch(&server, "/story/x/feed.atom").await.0, 404);
    assert_eq!(
        fetch(&server, "/entity/nobody-at-all/feed.json").await.0,
        404
    );

    // Articles: latest first, paged and capped.
    let articles = api(&server, "/api/v1/articles").await;
    assert_eq!(articles["items"].as_array().map(Vec::len), Some(5));
    let first_two = api(&server, "/api/v1/articles?per_page=2").await;
    assert_eq!(first_two["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(first_two["has_more"], true);
    let last = api(&server, "/api/v1/articles?per_page=2&page=3").await;
    assert_eq!(last["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(last["has_more"], false);
    // Walked by position (`next` → `?before=`), the pages hold the whole list once, in order.
    let ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|a| a["id"].as_i64()).collect())
            .unwrap_or_default()
    };
    let mut walked = ids(&first_two);
    let mut next = first_two["next"].as_str().map(str::to_string);
    while let Some(position) = next {
        let page = api(
            &server,
            &format!("/api/v1/articles?per_page=2&before={position}"),
        )
        .await;
        walked.extend(ids(&page));
        assert_eq!(page["next"].is_string(), page["has_more"] == true, "{page}");
        assert!(page["next"].is_string() || page["next"].is_null(), "{page}");
        next = page["next"].as_str().map(str::to_string);
    }
    assert_eq!(walked, ids(&articles), "every article once, newest first");
    assert!(last["next"].is_null(), "no position after the end: {last}");
    assert_eq!(
        api(&server, "/api/v1/articles?per_page=100000").await["per_page"],
        100
    );
    let newest = &articles["items"][0];
    assert_eq!(
        newest["title"],
        "Norland central bank surprises with half-point rise"
    );
    let one = api(&server, &format!("/api/v1/articles/{}", newest["id"])).await;
    assert!(
        one["body_text"]
            .as_str()
            .is_some_and(|b| b.contains("half-point increase"))
    );
    assert_eq!(one["source"]["name"], "Daily Ledger");

    // Errors are JSON with the right status.
    for path in [
        "/api/v1/stories/999999",
        "/api/v1/stories/abc",
        "/api/v1/articles/999999",
        "/api/v1/sources/999999",
        "/api/v1/nothing-here",
    ] {
        api_error(&server, path, StatusCode::NOT_FOUND).await;
    }
    for path in [
        "/api/v1/articles?page=two",
        "/api/v1/articles?language=en",
        "/api/v1/articles?before=yesterday",
        "/api/v1/articles?before=1.2&page=2",
        "/api/v1/stories?before=1.2",
        "/api/v1/stories?section=weather",
    ] {
        api_error(&server, path, StatusCode::BAD_REQUEST).await;
    }
    // The API's root is an index that leads to its description.
    let index = api(&server, "/api/v1").await;
    assert!(
        index["openapi_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/api/v1/openapi.json")),
        "{index}"
    );

    // Search: the three reports that name the prefect are one story hit (the copy included),
    // highlighted, with facets and the query's saved-search feeds.
    wait_until("the articles indexed", Duration::from_secs(30), || async {
        api(&server, "/api/v1/search?q=Vautrin").await["total_articles"] == 3
    })
    .await;
    let found = api(&server, "/api/v1/search?q=Vautrin").await;
    assert_eq!(found["query"], "Vautrin");
    assert_eq!(found["sort"], "relevance");
    assert_eq!(found["total_estimated"], false);
    assert_eq!(found["has_more"], false);
    let hits = found["items"].as_array().expect("items");
    assert_eq!(hits.len(), 1, "one story: {found}");
    assert_eq!(hits[0]["story"]["id"], flood["id"]);
    assert_eq!(hits[0]["others"].as_array().map(Vec::len), Some(2));
    let snippets: String = std::iter::once(&hits[0]["article"])
        .chain(hits[0]["others"].as_array().into_iter().flatten())
        .map(|h| format!("{} {}", h["title_html"], h["snippet_html"]))
        .collect();
    assert!(snippets.contains("<b>Vautrin</b>"), "{snippets}");
    let facets = &found["facets"];
    let by_source: u64 = facets["sources"]
        .as_array()
        .expect("source facet")
        .iter()
        .filter_map(|f| f["count"].as_u64())
        .sum();
    assert_eq!(by_source, 3);
    assert!(
        facets["sources"][0]["refine"]
            .as_str()
            .is_some_and(|r| r.starts_with("Vautrin source:\"")),
        "{facets}"
    );
    let rss = found["feeds"]["rss"].as_str().expect("feed link");
    assert_eq!(rss, server.url("/search/feed.xml?q=Vautrin"));
    let (_, saved) = feed(&server, "/search/feed.json?q=Vautrin").await;
    assert_eq!(saved.entries.len(), 3, "the saved search's feed");
    // Paging by story, by date, and without facets.
    let first = api(&server, "/api/v1/search?q=Vautrin+OR+Norland&per_page=1").await;
    assert_eq!(first["total_articles"], 5);
    assert_eq!(first["has_more"], true);
    let second = api(
        &server,
        "/api/v1/search?q=Vautrin+OR+Norland&per_page=1&page=2&sort=newest&facets=false",
    )
    .await;
    assert_eq!(second["has_more"], false);
    assert_eq!(second["facets"], Value::Null);
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert_ne!(
        second["items"][0]["story"]["id"],
        first["items"][0]["story"]["id"]
    );
    api_error(&server, "/api/v1/search", StatusCode::BAD_REQUEST).await;
    api_error(
        &server,
        "/api/v1/search?q=x&sort=upside",
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Every path the OpenAPI document names answers, with ids from the fixture day.
    let doc = api(&server, "/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), 12);
    for path in paths.keys() {
        if path.starts_with("/api/v1/me/") {
            // A reader's own: without a session, a JSON 401 (its answer is checked against
            // the document in tidings-web's tests/replies.rs).
            api_error(&server, path, StatusCode::UNAUTHORIZED).await;
            continue;
        }
        let id = if path.starts_with("/api/v1/stories/") {
            flood["id"].to_string()
        } else if path.starts_with("/api/v1/articles/") {
            newest["id"].to_string()
        } else {
            sources[0]["id"].to_string()
        };
        let query = if path.ends_with("/search") {
            "?q=Vautrin"
        } else {
            ""
        };
        let value = api(&server, &format!("{}{query}", path.replace("{id}", &id))).await;
        assert!(value.is_object(), "{path}");
        if path.ends_with("openapi.json") {
            continue;
        }
        let schema =
            &paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_same_fields(&doc, schema, &value, path);
    }

    // Caching: a weak ETag and Cache-Control; the same tag back gets a 304 and no body.
    let client = reqwest::Client::new();
    for path in [
        "/feed.xml",
        "/feed.json",
        "/api/v1/stories",
        "/api/v1/openapi.json",
    ] {
        let first = client.get(server.url(path)).send().await.expect("GET");
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .expect("an ETag")
            .to_string();
        assert!(etag.starts_with("W/\""), "{path}: weak: {etag}");
        assert!(
            first
                .headers()
                .get(CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|c| c.starts_with("public, max-age=")),
            "{path}: Cache-Control"
        );
        let again = client
            .get(server.url(path))
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(
            again.headers().get(ETAG).and_then(|v| v.to_str().ok()),
            Some(etag.as_str())
        );
        assert!(again.text().await.expect("body").is_empty());
        let stale = client
            .get(server.url(path))
            .header(IF_NONE_MATCH, "W/\"0000000000000000-0\"")
            .send()
            .await
            .expect("GET");
        assert_eq!(
            stale.status(),
            StatusCode::OK,
            "{path}: a stale tag gets the body"
        );
    }
    assert!(server.stop());
}

/// Text a hostile feed could carry.
const HOSTILE: &str = "<script>alert(1)</script> ]]> & \"q\" <b>bold</b>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_comes_out_escaped_and_links_use_the_configured_base() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_store(dir.path()).await;
    let source = store
        .sources()
        .add(
            &tidings_store::NewSource {
                url: "http://127.0.0.1:9/hostile.xml".into(),
                name: format!("Outlet {HOSTILE}"),
                ..Default::default()
            },
            0,
        )
        .await
        .expect("add a source");
    let now = chrono::Utc::now().timestamp();
    store
        .articles()
        .insert_new(
            source.id,
            &[tidings_model::NewArticle {
                url: "https://hostile.example/a?x=1&y=2".into(),
                title: format!("Title {HOSTILE}"),
                standfirst: Some(format!("Standfirst {HOSTILE}")),
                body_text: format!("Body {HOSTILE}"),
                body_html: "<p>Body</p>".into(),
                published_at: Some(now - 60),
                fetched_at: now,
                ..Default::default()
            }],
        )
        .await
        .expect("insert");
    store.close().await;
    let config = dir.path().join("tidings.toml");
    std::fs::write(&config, "base_url = \"https://news.example/\"\n").expect("config");
    let config = config.to_string_lossy().to_string();
    let server = Server::start(dir.path(), &["--no-workers", "--config", &config]).await;

    let id = source.id;
    for path in FORMATS
        .iter()
        .flat_map(|f| [format!("/{f}"), format!("/source/{id}/{f}")])
    {
        let (body, parsed) = feed(&server, &path).await;
        assert!(!body.contains("<script>"), "{path}: {body}");
        assert!(!body.contains("]]>"), "{path}: {body}");
        assert!(!body.contains("<b>"), "{path}: {body}");
        assert_eq!(parsed.entries.len(), 1, "{path}");
        let entry = &parsed.entries[0];
        let title = entry.title.as_deref().unwrap_or_default();
        assert!(
            title.starts_with("Title") && title.contains("alert(1)") && title.contains("]]>"),
            "{path}: the text survives as text: {title}"
        );
        assert!(
            entry
                .url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://news.example/article/")),
            "{path}: links use the configured base: {:?}",
            entry.url
        );
        assert!(
            parsed.title.as_deref().is_some_and(|t| !t.is_empty()),
            "{path}: titled"
        );
    }

    let (status, content_type, body) = fetch(&server, "/api/v1/articles").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    assert!(!body.contains('<') && !body.contains('>'), "{body}");
    let value: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(value["items"][0]["title"], format!("Title {HOSTILE}"));
    assert!(
        value["items"][0]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://news.example/article/"))
    );

    let (_, page) = server.get(&format!("/source/{id}")).await;
    assert!(!page.contains("<script>alert"), "the page escapes the name");
    assert!(page.contains(&format!("href=\"/source/{id}/feed.atom\"")));
    assert!(server.stop());
}
