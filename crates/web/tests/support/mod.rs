//! A Tidings site served in this process on a loopback port, over a fresh store (SQLite, or
//! one the test opens) with one article and one story, on a hand-turned clock; and a small
//! browser-like client that keeps cookies and reads form tokens.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tidings_model::{ArticleId, NewArticle, Role, SourceId, StoryId, User};
use tidings_search::{EngineChoice, SearchEngine};
use tidings_store::{
    NewSource, NewUser, Placement, Store, StoreOptions, StoredInsight, StoryEntity,
};
use tidings_web::AppState;
use tidings_web::people::{ManualClock, People, PeopleConfig};

/// The test's site.
pub struct Site {
    pub base: String,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    /// The outlet (`https://outlet.example/feed`) the site's article is from.
    pub outlet: SourceId,
    pub article: ArticleId,
    pub article_path: String,
    pub story: StoryId,
    _dir: Option<tempfile::TempDir>,
}

/// Settings fast enough for tests (small argon2 memory) with the defaults otherwise.
pub fn config() -> PeopleConfig {
    PeopleConfig {
        password_memory_kib: 1024,
        ..PeopleConfig::default()
    }
}

/// Starts a site with these settings.
pub async fn site(config: PeopleConfig) -> Site {
    site_tuned(config, |_| {}).await
}

/// Starts a site with these settings over a fresh SQLite store, after `tune` has adjusted
/// its state.
pub async fn site_tuned(config: PeopleConfig, tune: impl FnOnce(&mut AppState)) -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = Store::open(&url, StoreOptions::default())
        .await
        .expect("store");
    let mut site = site_on(store, config, tune).await;
    site._dir = Some(dir);
    site
}

/// A site over `store` (an empty one, of either backend) with a search engine, which is
/// returned with the directory that keeps it (nothing is indexed yet).
pub async fn searchable_site(store: Store) -> (Site, Arc<SearchEngine>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = Arc::new(
        SearchEngine::open(&store, &dir.path().join("search"), EngineChoice::Auto)
            .expect("search engine"),
    );
    let in_site = engine.clone();
    let site = site_on(store, config(), move |state| state.search = Some(in_site)).await;
    (site, engine, dir)
}

/// Starts a site with these settings over `store` (an empty one, of either backend), after
/// `tune` has adjusted its state.
pub async fn site_on(store: Store, config: PeopleConfig, tune: impl FnOnce(&mut AppState)) -> Site {
    let source = store
        .sources()
        .add(
            &NewSource {
                url: "https://outlet.example/feed".into(),
                name: "Outlet".into(),
                ..NewSource::default()
            },
            0,
        )
        .await
        .expect("source");
    let now = chrono::Utc::now().timestamp();
    store
        .articles()
        .insert_new(
            source.id,
            &[NewArticle {
                url: "https://outlet.example/flood".into(),
                title: "Flood in the valley".into(),
                published_at: Some(now - 600),
                fetched_at: now - 500,
                language: Some("en".into()),
                body_text: "The river rose.".into(),
                body_html: "<p>The river rose.</p>".into(),
                ..NewArticle::default()
            }],
        )
        .await
        .expect("article");
    let article = store.articles().latest(1, 0).await.expect("latest")[0]
        .article
        .id;
    let mut batch = store.stories().begin().await.expect("batch");
    let story = batch
        .create_story("Flood in the valley", Some("en"), now)
        .await
        .expect("story");
    batch
        .place(&Placement {
            article,
            story,
            duplicate_of: None,
            related: Vec::new(),
        })
        .await
        .expect("place");
    batch.commit(now).await.expect("commit");
    let clock = Arc::new(ManualClock::at(now * 1000));
    let mut state = AppState::new(store.clone());
    state.people = Arc::new(People::with_clock(config, clock.clone()));
    tune(&mut state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = tidings_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Site {
        base: format!("http://{addr}"),
        store,
        clock,
        outlet: source.id,
        article,
        article_path: format!("/article/{article}/flood-in-the-valley"),
        story,
        _dir: None,
    }
}

impl Site {
    /// Adds the outlet `name` (`https://{name}.example/feed`, lowercased); returns its id.
    pub async fn add_outlet(&self, name: &str) -> SourceId {
        self.store
            .sources()
            .add(
                &NewSource {
                    url: format!("https://{}.example/feed", name.to_lowercase()),
                    name: name.into(),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("source")
            .id
    }

    /// Adds an article at `url` from `source`, published `at`; returns its id.
    pub async fn article_at(&self, source: SourceId, url: &str, title: &str, at: i64) -> ArticleId {
        self.store
            .articles()
            .insert_new(
                source,
                &[NewArticle {
                    url: url.into(),
                    title: title.into(),
                    published_at: Some(at),
                    fetched_at: at,
                    body_text: "The river rose.".into(),
                    body_html: "<p>The river rose.</p>".into(),
                    ..NewArticle::default()
                }],
            )
            .await
            .expect("insert");
        self.article_by_url(url).await
    }

    /// The id of the article at `url`, among the newest 10,000.
    pub async fn article_by_url(&self, url: &str) -> ArticleId {
        self.store
            .articles()
            .latest(10_000, 0)
            .await
            .expect("latest")
            .into_iter()
            .find(|l| l.article.content.url == url)
            .expect("inserted")
            .article
            .id
    }

    /// Adds a wire outlet (`https://wire.example/feed`) whose article copies the site's
    /// article, placed in its story as a copy; returns the outlet and the copy.
    pub async fn add_wire_copy(&self) -> (SourceId, ArticleId) {
        let now = chrono::Utc::now().timestamp();
        self.add_copy("Wire", "Flood (wire copy)", now - 400).await
    }

    /// Adds the outlet `name` (as [`Site::add_outlet`]) whose article
    /// `https://{name}.example/flood`, titled `title` and published `at`, copies the site's
    /// article, placed in its story as a copy; returns the outlet and the copy.
    pub async fn add_copy(&self, name: &str, title: &str, at: i64) -> (SourceId, ArticleId) {
        let outlet = self.add_outlet(name).await;
        let url = format!("https://{}.example/flood", name.to_lowercase());
        let copy = self.article_at(outlet, &url, title, at).await;
        let mut batch = self.store.stories().begin().await.expect("batch");
        batch
            .place(&Placement {
                article: copy,
                story: self.story,
                duplicate_of: Some(self.article),
                related: Vec::new(),
            })
            .await
            .expect("place the copy");
        batch.commit(at).await.expect("commit");
        (outlet, copy)
    }

    /// An account made as `tidings users create` makes one.
    pub async fn user(&self, name: &str, password: &str, role: Role) -> User {
        let hash = tidings_web::people::hash_password(name, password, 1024)
            .await
            .expect("hash");
        self.store
            .users()
            .create(
                &NewUser {
                    name: name.into(),
                    display_name: name.into(),
                    password_hash: hash,
                    role,
                },
                0,
            )
            .await
            .expect("create user")
    }

    /// A new reader account `name`, logged in through the form: its browser.
    pub async fn reader(&self, name: &str) -> Browser {
        self.logged_in(name, "correct horse battery", Role::Reader)
            .await
    }

    /// A new account `name` with `password` and `role`, logged in through the form: its
    /// browser.
    pub async fn logged_in(&self, name: &str, password: &str, role: Role) -> Browser {
        self.user(name, password, role).await;
        let mut browser = self.browser();
        let login = browser.login(name, password).await;
        assert_eq!(login.status, 303, "{name} logs in: {}", login.body);
        browser
    }

    /// Places `article` alone in a new story called `title` in `language`: the story.
    pub async fn place_in_new_story(
        &self,
        article: ArticleId,
        title: &str,
        language: &str,
        at: i64,
    ) -> StoryId {
        let mut batch = self.store.stories().begin().await.expect("batch");
        let story = batch
            .create_story(title, Some(language), at)
            .await
            .expect("story");
        batch
            .place(&Placement {
                article,
                story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
        batch.commit(at).await.expect("commit");
        story
    }

    /// Stores `story`'s understanding as the pipeline would (read from its articles now),
    /// with `entities`, so its pages show the AI panel.
    pub async fn understand(&self, story: StoryId, entities: &[StoryEntity]) {
        let members = self.store.stories().articles(story).await.expect("members");
        let articles: Vec<tidings_insight::StoryArticle> = members
            .iter()
            .map(|m| tidings_insight::StoryArticle::from_article(&m.article, &m.source_name))
            .collect();
        let insight = tidings_insight::understand(&articles);
        assert!(!insight.summary.long.is_empty(), "a summary to show");
        self.store
            .insights()
            .save(
                story,
                &StoredInsight {
                    version: 1,
                    computed_at: chrono::Utc::now().timestamp(),
                    json: serde_json::to_string(&insight).expect("json"),
                },
                entities,
            )
            .await
            .expect("save the insight");
    }

    /// A new account `name`, logged in, with an API key made on its settings page: the
    /// browser and the key.
    pub async fn account_with_key(&self, name: &str) -> (Browser, String) {
        self.user(name, "correct horse battery", Role::Reader).await;
        let mut browser = self.browser();
        assert_eq!(
            browser.login(name, "correct horse battery").await.status,
            303
        );
        let page = browser.get("/settings/apps").await;
        assert_eq!(page.status, 200);
        let token = csrf_after(&page.body, "action=\"/settings/apps/keys\"");
        let made = browser
            .post(
                "/settings/apps/keys",
                &[("csrf", &token), ("label", "tests")],
            )
            .await;
        assert_eq!(made.status, 200, "{}", made.body);
        let key = made
            .body
            .split("<code class=\"api-key\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("the new key on the page")
            .to_string();
        (browser, key)
    }

    /// A new browser on this site.
    pub fn browser(&self) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: self.base.clone(),
            cookies: BTreeMap::new(),
            forwarded_for: None,
        }
    }
}

/// An answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The `Location` header.
    pub fn location(&self) -> String {
        self.header("location")
    }

    /// The header `name` (the first, when there are several), or `""`.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

/// A client that keeps cookies like a browser (no redirects followed).
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: BTreeMap<String, String>,
    /// Sent as `X-Forwarded-For` (only trusted when the site is configured so).
    pub forwarded_for: Option<String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        let mut request = request.header("cookie", self.cookie_header());
        if let Some(ip) = &self.forwarded_for {
            request = request.header("x-forwarded-for", ip);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for value in headers.get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            let first = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = first.split_once('=') {
                if text.contains("Max-Age=0") || value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        let body = response.text().await.unwrap_or_default();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Answer {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// POST a form to a path.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_with(path, fields, &[]).await
    }

    /// POST a form with extra headers.
    pub async fn post_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        self.send(request).await
    }

    /// POST JSON with extra headers.
    pub async fn post_json(&mut self, path: &str, json: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(json.to_string());
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        self.send(request).await
    }

    /// Logs in through the form; returns the POST's answer.
    pub async fn login(&mut self, name: &str, password: &str) -> Answer {
        let page = self.get("/login").await;
        let token = csrf_after(&page.body, "action=\"/login\"");
        self.post(
            "/login",
            &[
                ("csrf", &token),
                ("name", name),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    /// Signs up through the form; returns the POST's answer.
    pub async fn signup(&mut self, name: &str, display: &str, password: &str) -> Answer {
        let page = self.get("/signup").await;
        let token = csrf_after(&page.body, "action=\"/signup\"");
        self.post(
            "/signup",
            &[
                ("csrf", &token),
                ("name", name),
                ("display_name", display),
                ("password", password),
            ],
        )
        .await
    }

    /// The session's CSRF token, read from the account page.
    pub async fn token(&mut self) -> String {
        let page = self.get("/account").await;
        assert_eq!(page.status, 200, "logged in");
        csrf_in(&page.body)
    }

    /// Opens `/replies` and presses its "Mark all as seen" button; returns the POST's answer.
    pub async fn mark_replies_seen(&mut self) -> Answer {
        let page = self.get("/replies").await;
        assert_eq!(page.status, 200, "logged in");
        let form = "action=\"/replies/seen\"";
        let token = csrf_after(&page.body, form);
        let up_to = field_after(&page.body, form, "up_to");
        self.post("/replies/seen", &[("csrf", &token), ("up_to", &up_to)])
            .await
    }

    /// Posts a comment on a page path; returns the answer.
    pub async fn comment(&mut self, page: &str, body: &str, parent: Option<i64>) -> Answer {
        let token = self.token().await;
        let parent = parent.map(|p| p.to_string()).unwrap_or_default();
        self.post(
            &format!("{page}/comments"),
            &[("csrf", &token), ("body", body), ("parent", &parent)],
        )
        .await
    }
}

/// The first form token in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("a csrf field");
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The first form token after `marker` in a page.
pub fn csrf_after(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or(0);
    csrf_in(&html[at..])
}

/// The value of the first hidden field `name` after `marker` in a page.
pub fn field_after(html: &str, marker: &str, name: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in the page: {html}"));
    let field = format!("name=\"{name}\" value=\"");
    let start = html[at..]
        .find(&field)
        .map(|i| at + i + field.len())
        .unwrap_or_else(|| panic!("a field {name} after {marker}"));
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The comment id a post redirected to (`…#comment-ID`).
pub fn comment_id(answer: &Answer) -> i64 {
    let location = answer.location();
    location
        .rsplit("#comment-")
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a comment anchor in {location:?} ({})", answer.status))
}
