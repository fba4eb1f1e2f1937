//! A signed-in reader follows a developing story from its page: the story then leads their
//! `/for-you`, marked while it has reports they have not read, and is named among what they
//! follow; the follow is theirs alone, anonymous pages (cached for everyone) never show it,
//! and the form refuses bad targets and requests without the session's token.

mod support;

use support::{Answer, Browser, Site, config, csrf_after, site};
use tidings_model::{NewArticle, StoryId};
use tidings_store::{Follow, Placement};

/// The story page's follow button (the page also links "Follow this story as a feed").
const FOLLOW_BUTTON: &str = ">Follow this story</button>";
/// What the story page says while the reader follows it.
const FOLLOWING: &str = ">Following</span>";

/// The part of `html` from `heading` to the end of its section.
fn section<'a>(html: &'a str, heading: &str) -> Option<&'a str> {
    let start = html.find(heading)?;
    let rest = &html[start..];
    Some(&rest[..rest.find("</section>").unwrap_or(rest.len())])
}

/// Places a new report from the site's outlet, published now, in `story`.
async fn new_report(site: &Site, story: StoryId, slug: &str, title: &str) {
    let outlet = site
        .store
        .sources()
        .find_by_url("https://outlet.example/feed")
        .await
        .expect("find")
        .expect("outlet")
        .id;
    let now = chrono::Utc::now().timestamp();
    let id = site
        .article_at(
            outlet,
            &format!("https://outlet.example/{slug}"),
            title,
            now,
        )
        .await;
    let mut batch = site.store.stories().begin().await.expect("batch");
    batch
        .place(&Placement {
            article: id,
            story,
            duplicate_of: None,
            related: Vec::new(),
        })
        .await
        .expect("place");
    batch.commit(now).await.expect("commit");
}

/// A story of its own with one report from the site's outlet, published `ago` seconds ago.
async fn other_story(site: &Site, slug: &str, title: &str, ago: i64) -> StoryId {
    let outlet = site
        .store
        .sources()
        .find_by_url("https://outlet.example/feed")
        .await
        .expect("find")
        .expect("outlet")
        .id;
    let now = chrono::Utc::now().timestamp();
    site.store
        .articles()
        .insert_new(
            outlet,
            &[NewArticle {
                url: format!("https://outlet.example/{slug}"),
                title: title.into(),
                published_at: Some(now - ago),
                fetched_at: now - ago,
                body_text: "Water held.".into(),
                body_html: "<p>Water held.</p>".into(),
                ..NewArticle::default()
            }],
        )
        .await
        .expect("insert");
    let id = site
        .store
        .articles()
        .latest(100, 0)
        .await
        .expect("latest")
        .into_iter()
        .find(|l| l.article.content.title == title)
        .expect("inserted")
        .article
        .id;
    let mut batch = site.store.stories().begin().await.expect("batch");
    let story = batch
        .create_story(title, Some("en"), now)
        .await
        .expect("story");
    batch
        .place(&Placement {
            article: id,
            story,
            duplicate_of: None,
            related: Vec::new(),
        })
        .await
        .expect("place");
    batch.commit(now).await.expect("commit");
    story
}

/// Posts the follow form as the story page's button would.
async fn post_follow(browser: &mut Browser, action: &str, token: &str, target: &str) -> Answer {
    browser
        .post(
            action,
            &[
                ("csrf", token),
                ("kind", "story"),
                ("target", target),
                ("next", "/for-you"),
            ],
        )
        .await
}

#[tokio::test]
async fn a_reader_follows_a_story_sees_it_for_them_reads_it_and_unfollows() {
    let site = site(config()).await;
    let story = site.story;
    let story_path = format!("/story/{story}");
    let target = story.0.to_string();
    // A story ana reaches through her source, to see the followed one is not shown twice.
    other_story(&site, "dam", "Dam holds", 300).await;

    // Anonymous readers get no control on the story page, cached or not.
    let mut anon = site.browser();
    for _ in 0..2 {
        let page = anon.get(&story_path).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains(FOLLOW_BUTTON), "{}", page.body);
        assert!(!page.body.contains("action=\"/follow\""));
        assert!(page.body.contains("href=\"/login\""), "the usual way in");
    }

    let mut ana = site.reader("ana").await;
    let page = ana.get(&story_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(FOLLOW_BUTTON), "{}", page.body);
    assert!(!page.body.contains(FOLLOWING));
    assert_eq!(
        page.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store"),
        "a page with personal controls is nobody else's"
    );
    let token = csrf_after(&page.body, "action=\"/follow\"");

    // The form without the token, or with another one, is refused.
    let no_token = ana
        .post(
            "/follow",
            &[("kind", "story"), ("target", &target), ("next", "/for-you")],
        )
        .await;
    assert_eq!(no_token.status, 403, "{}", no_token.body);
    assert_eq!(
        post_follow(&mut ana, "/follow", "forged", &target)
            .await
            .status,
        403
    );
    // Targets that are no story.
    for (bad, status) in [("abc", 400), ("", 400), ("1.5", 400), ("999999", 404)] {
        let refused = post_follow(&mut ana, "/follow", &token, bad).await;
        assert_eq!(refused.status, status, "target {bad:?}: {}", refused.body);
    }
    let ana_id = site
        .store
        .users()
        .credentials("ana")
        .await
        .expect("credentials")
        .expect("ana")
        .user
        .id;
    assert!(
        site.store
            .reading()
            .follows(ana_id)
            .await
            .expect("follows")
            .is_empty(),
        "nothing refused was stored"
    );

    // Following: back where the form said, and the page says so.
    let done = post_follow(&mut ana, "/follow", &token, &target).await;
    assert_eq!((done.status, done.location().as_str()), (303, "/for-you"));
    let page = ana.get(&story_path).await;
    assert!(page.body.contains(FOLLOWING), "{}", page.body);
    assert!(page.body.contains("action=\"/unfollow\""));
    assert!(!page.body.contains(FOLLOW_BUTTON));
    // A story and no source yet: no count of items from sources she does not have.
    let only_a_story = ana.get("/for-you").await;
    assert!(
        only_a_story.body.contains("Stories you follow")
            && !only_a_story.body.contains("from your sources"),
        "{}",
        only_a_story.body
    );

    // Her sources reach the dam story; the followed one leads, each story once.
    let outlet = site
        .store
        .sources()
        .find_by_url("https://outlet.example/feed")
        .await
        .expect("find")
        .expect("outlet")
        .id
        .0
        .to_string();
    let subscribed = ana
        .post(
            "/follow",
            &[("csrf", &token), ("kind", "source"), ("target", &outlet)],
        )
        .await;
    assert_eq!(subscribed.status, 303);
    let for_you = ana.get("/for-you").await;
    assert_eq!(for_you.status, 200);
    let followed_at = for_you
        .body
        .find("Stories you follow")
        .expect("a block of followed stories");
    let top_at = for_you
        .body
        .find("Top stories for you")
        .expect("the other top stories");
    assert!(followed_at < top_at, "followed stories come first");
    let followed = section(&for_you.body, "Stories you follow").expect("block");
    assert!(followed.contains("Flood in the valley"), "{followed}");
    assert!(followed.contains(&format!("href=\"/story/{story}\"")));
    assert!(followed.contains("<p class=\"reading-state\">Unread</p>"));
    assert!(!followed.contains("Dam holds"));
    let top = section(&for_you.body, "Top stories for you").expect("top");
    assert!(top.contains("Dam holds"), "{top}");
    assert!(
        !top.contains("Flood in the valley"),
        "shown once, with the followed"
    );
    let follows = section(&for_you.body, "You follow").expect("follows list");
    assert!(
        follows.contains(&format!(
            "Story: <a href=\"/story/{story}\">Flood in the valley</a>"
        )),
        "{follows}"
    );

    // Reading its article takes the mark away; a new report brings it back.
    let article = ana.get(&site.article_path).await;
    let mark = format!("action=\"/article/{}/mark\"", site.article);
    let read = ana
        .post(
            &format!("/article/{}/mark", site.article),
            &[
                ("csrf", &csrf_after(&article.body, &mark)),
                ("mark", "read"),
                ("next", "/for-you"),
            ],
        )
        .await;
    assert_eq!(read.status, 303);
    let for_you = ana.get("/for-you").await;
    let followed = section(&for_you.body, "Stories you follow").expect("block");
    assert!(
        followed.contains("<p class=\"reading-state\">Read</p>"),
        "{followed}"
    );
    assert!(!followed.contains("Unread"));
    new_report(&site, story, "flood-2", "The flood recedes").await;
    let for_you = ana.get("/for-you").await;
    let followed = section(&for_you.body, "Stories you follow").expect("block");
    assert!(
        followed.contains("<p class=\"reading-state\">Unread</p>"),
        "{followed}"
    );

    // Another reader sees nothing of it.
    let mut bob = site.reader("bob").await;
    let page = bob.get(&story_path).await;
    assert!(page.body.contains(FOLLOW_BUTTON));
    assert!(!page.body.contains(FOLLOWING));
    let for_you = bob.get("/for-you").await;
    assert!(!for_you.body.contains("Stories you follow"));
    assert!(
        for_you.body.contains("You follow nothing yet"),
        "{}",
        for_you.body
    );
    // Nor does the page everyone gets from the cache.
    let page = anon.get(&story_path).await;
    assert!(
        matches!(
            page.headers.get("x-cache").and_then(|v| v.to_str().ok()),
            Some("hit" | "stale")
        ),
        "served from the cache"
    );
    assert!(!page.body.contains(FOLLOWING));
    assert!(!page.body.contains("Unfollow"));

    // Unfollowing.
    let page = ana.get(&story_path).await;
    let token = csrf_after(&page.body, "action=\"/unfollow\"");
    let done = post_follow(&mut ana, "/unfollow", &token, &target).await;
    assert_eq!((done.status, done.location().as_str()), (303, "/for-you"));
    let for_you = ana.get("/for-you").await;
    assert!(!for_you.body.contains("Stories you follow"));
    assert!(!for_you.body.contains("Story: <a"));
    assert!(ana.get(&story_path).await.body.contains(FOLLOW_BUTTON));
}

#[tokio::test]
async fn a_followed_story_that_is_gone_is_skipped() {
    let site = site(config()).await;
    let mut ana = site.reader("ana").await;
    let token = ana.token().await;
    let target = site.story.0.to_string();
    let done = post_follow(&mut ana, "/follow", &token, &target).await;
    assert_eq!(done.status, 303);
    // A follow whose story retention deleted (or one stored before a restore).
    let ana_id = site
        .store
        .users()
        .credentials("ana")
        .await
        .expect("credentials")
        .expect("ana")
        .user
        .id;
    site.store
        .reading()
        .follow(ana_id, &Follow::story(StoryId(site.story.0 + 1000)), 1)
        .await
        .expect("a follow of nothing");

    let for_you = ana.get("/for-you").await;
    assert_eq!(for_you.status, 200, "{}", for_you.body);
    let followed = section(&for_you.body, "Stories you follow").expect("block");
    assert_eq!(followed.matches("class=\"card story-card\"").count(), 1);
    let follows = section(&for_you.body, "You follow").expect("follows list");
    assert_eq!(follows.matches("Story: <a").count(), 1, "{follows}");
}
