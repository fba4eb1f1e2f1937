//! "Ban and hide their comments" and "Unban and restore their comments" on `/moderation`,
//! through HTTP against a site served in this process: the buttons, what every page, card
//! count and the comment API show afterwards (a cached anonymous page too), the replies, the
//! log, who may do it and the CSRF check; on SQLite and, with `TIDINGS_TEST_DATABASE_URL`, on
//! PostgreSQL.

mod support;

use std::time::Duration;
use support::{Answer, Browser, Site, comment_id, config, site_on};
use tidings_model::Role;
use tidings_store::testing::each_backend;

const PASSWORD: &str = "a long enough password";

async fn logged_in(site: &Site, name: &str, role: Role) -> Browser {
    site.user(name, PASSWORD, role).await;
    let mut browser = site.browser();
    let login = browser.login(name, PASSWORD).await;
    assert_eq!(login.status, 303, "{name} logs in: {}", login.body);
    browser
}

/// Posts on a page and returns the new comment's id.
async fn say(site: &Site, who: &mut Browser, page: &str, text: &str, parent: Option<i64>) -> i64 {
    // Past the burst and per-minute limits.
    site.clock.advance(Duration::from_secs(61));
    let answer = who.comment(page, text, parent).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    comment_id(&answer)
}

async fn user_id(site: &Site, name: &str) -> i64 {
    site.store
        .users()
        .credentials(name)
        .await
        .expect("read")
        .expect("there")
        .user
        .id
        .0
}

fn x_cache(answer: &Answer) -> String {
    answer
        .headers
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The count in a page's comment section heading.
fn section_count(html: &str) -> String {
    let marker = "<span class=\"comment-count\">(";
    let start = html.find(marker).expect("a comment section") + marker.len();
    html[start..]
        .split(')')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The `(state, body_html)` of comment `id` in the comment API's answer.
fn api_comment(json: &serde_json::Value, id: i64) -> (String, String) {
    let c = json["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("comment {id} in {json}"));
    (
        c["state"].as_str().unwrap_or_default().to_string(),
        c["body_html"].as_str().unwrap_or_default().to_string(),
    )
}

async fn api(site: &Site) -> serde_json::Value {
    let answer = site
        .browser()
        .get(&format!("/api/v1/articles/{}/comments", site.article))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_str(&answer.body).expect("JSON")
}

#[tokio::test]
async fn a_moderator_bans_a_reader_with_their_comments_and_unbans_them_with_them() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let story_path = format!("/story/{}", site.story);
        let mut spam = site.browser();
        assert_eq!(spam.signup("spam", "Spammer", PASSWORD).await.status, 303);
        let mut ana = site.browser();
        assert_eq!(ana.signup("ana", "Ana", PASSWORD).await.status, 303);
        let anas = say(&site, &mut ana, &site.article_path, "Ana thinks", None).await;
        let on_article = say(&site, &mut spam, &site.article_path, "Buy pills", None).await;
        let reply_to_ana = say(
            &site,
            &mut spam,
            &site.article_path,
            "Pills for Ana",
            Some(anas),
        )
        .await;
        let on_story = say(&site, &mut spam, &story_path, "Cheap watches", None).await;
        let anas_answer = say(
            &site,
            &mut ana,
            &site.article_path,
            "Go away",
            Some(on_article),
        )
        .await;
        let token = ana.token().await;
        let reported = ana
            .post(
                &format!("/comments/{on_story}/report"),
                &[("csrf", &token), ("reason", "spam")],
            )
            .await;
        assert_eq!(reported.status, 303);
        let replies = ana.get("/replies").await.body;
        assert!(replies.contains("Pills for Ana"), "{replies}");

        // What anonymous readers got before, kept in the cache.
        let mut anon = site.browser();
        for path in [site.article_path.as_str(), story_path.as_str(), "/"] {
            anon.get(path).await;
            assert_eq!(x_cache(&anon.get(path).await), "hit", "{path} cached");
        }
        let before = anon.get(&site.article_path).await.body;
        assert!(before.contains("Buy pills") && before.contains("Pills for Ana"));
        assert_eq!(section_count(&before), "4");
        assert!(
            anon.get("/").await.body.contains("4 comments"),
            "the card's count"
        );
        assert_eq!(api(&site).await["count"], 4);

        let spam_id = user_id(&site, "spam").await;
        let mut m = logged_in(&site, "mod", Role::Moderator).await;
        let queue = m.get("/moderation").await.body;
        assert!(
            queue.contains(&format!(
                "formaction=\"/moderation/users/{spam_id}/ban-hide\">Ban and hide their \
                 comments</button>"
            )),
            "beside the ban button of the reported comment: {queue}"
        );
        let token = m.token().await;
        let ban_hide = format!("/moderation/users/{spam_id}/ban-hide");
        assert_eq!(
            m.post(&ban_hide, &[("csrf", "wrong"), ("note", "spam")])
                .await
                .status,
            403,
            "a wrong token is refused"
        );
        assert_eq!(m.post(&ban_hide, &[("note", "spam")]).await.status, 403);
        assert!(
            anon.get(&site.article_path)
                .await
                .body
                .contains("Buy pills"),
            "nothing happened"
        );

        let done = m
            .post(&ban_hide, &[("csrf", &token), ("note", "spam")])
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/moderation");

        let page = anon.get(&site.article_path).await;
        assert_ne!(x_cache(&page), "hit", "the cached page was dropped");
        let page = page.body;
        assert!(
            !page.contains("Buy pills") && !page.contains("Pills for Ana"),
            "{page}"
        );
        assert!(page.contains("This comment was hidden by a moderator."));
        assert!(
            page.contains("Ana thinks") && page.contains("Go away"),
            "other readers' comments stay, a reply to a hidden one in its place"
        );
        assert!(
            page.find(&format!("id=\"comment-{on_article}\""))
                < page.find(&format!("id=\"comment-{anas_answer}\"")),
            "the reply still under its hidden parent"
        );
        assert_eq!(section_count(&page), "2");
        let story = anon.get(&story_path).await.body;
        assert!(!story.contains("Cheap watches") && section_count(&story) == "0");
        let front = anon.get("/").await.body;
        assert!(front.contains("2 comments") && !front.contains("4 comments"));
        let json = api(&site).await;
        assert_eq!(json["count"], 2);
        assert_eq!(
            api_comment(&json, on_article),
            ("hidden".into(), String::new())
        );
        assert_eq!(
            api_comment(&json, reply_to_ana),
            ("hidden".into(), String::new())
        );
        assert_eq!(api_comment(&json, anas).0, "visible");
        let replies = ana.get("/replies").await.body;
        assert!(!replies.contains("Pills for Ana"), "{replies}");
        assert_eq!(
            spam.get("/account").await.status,
            303,
            "the ban ended its session"
        );

        let moderation = m.get("/moderation").await.body;
        assert!(moderation.contains("<td>ban-hide</td>"), "{moderation}");
        assert!(moderation.contains(&format!("<td>account {spam_id}</td>")));
        assert!(moderation.contains("<td>spam (hid 3 comments)</td>"));
        assert!(
            moderation.contains("Waiting for a moderator (0)"),
            "the reported comment left the queue"
        );
        assert!(moderation.contains("Spammer</span> (spam) · 3 comments hidden by the ban"));
        let unban_restore = format!("/moderation/users/{spam_id}/unban-restore");
        assert!(moderation.contains(&format!(
            "formaction=\"{unban_restore}\">Unban and restore their comments</button>"
        )));

        anon.get(&site.article_path).await;
        assert_eq!(x_cache(&anon.get(&site.article_path).await), "hit");
        let done = m.post(&unban_restore, &[("csrf", &token)]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let page = anon.get(&site.article_path).await.body;
        assert!(page.contains("Buy pills") && page.contains("Pills for Ana"));
        assert_eq!(section_count(&page), "4");
        assert!(anon.get(&story_path).await.body.contains("Cheap watches"));
        assert!(anon.get("/").await.body.contains("4 comments"));
        let json = api(&site).await;
        assert_eq!(json["count"], 4);
        assert_eq!(api_comment(&json, on_article).0, "visible");
        assert!(ana.get("/replies").await.body.contains("Pills for Ana"));
        assert_eq!(
            spam.login("spam", PASSWORD).await.status,
            303,
            "it may log in"
        );
        let moderation = m.get("/moderation").await.body;
        assert!(moderation.contains("<td>unban-restore</td>"));
        assert!(moderation.contains("<td>restored 3 comments</td>"));
        assert!(moderation.contains("No banned accounts."));
        let actions: Vec<String> = site
            .store
            .moderation()
            .log_entries(10)
            .await
            .expect("log")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            vec!["unban-restore", "ban-hide"],
            "refusals are not logged"
        );
    })
    .await;
}

#[tokio::test]
async fn a_moderator_may_not_ban_and_hide_a_moderator_or_an_admin_and_an_admin_may_not_ban_themselves()
 {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut other = logged_in(&site, "other", Role::Moderator).await;
        let theirs = say(
            &site,
            &mut other,
            &site.article_path,
            "Moderator's word",
            None,
        )
        .await;
        let mut boss = logged_in(&site, "boss", Role::Admin).await;
        say(&site, &mut boss, &site.article_path, "Admin's word", None).await;
        let mut m = logged_in(&site, "mod", Role::Moderator).await;
        let token = m.token().await;
        for name in ["other", "boss", "mod"] {
            let id = user_id(&site, name).await;
            for action in ["ban-hide", "unban-restore"] {
                let answer = m
                    .post(
                        &format!("/moderation/users/{id}/{action}"),
                        &[("csrf", &token)],
                    )
                    .await;
                assert_eq!(answer.status, 403, "mod {action} {name}");
            }
        }
        let boss_id = user_id(&site, "boss").await;
        let token = boss.token().await;
        let answer = boss
            .post(
                &format!("/moderation/users/{boss_id}/ban-hide"),
                &[("csrf", &token)],
            )
            .await;
        assert_eq!(answer.status, 403, "nobody themselves");
        let page = site.browser().get(&site.article_path).await.body;
        assert!(page.contains("Moderator&#39;s word") || page.contains("Moderator's word"));
        assert!(page.contains("Admin&#39;s word") || page.contains("Admin's word"));

        // An admin may ban a moderator with their comments.
        let other_id = user_id(&site, "other").await;
        let answer = boss
            .post(
                &format!("/moderation/users/{other_id}/ban-hide"),
                &[("csrf", &token)],
            )
            .await;
        assert_eq!(answer.status, 303, "{}", answer.body);
        let comment = site
            .store
            .comments()
            .get(tidings_model::CommentId(theirs))
            .await
            .expect("read")
            .expect("there");
        assert_eq!(comment.state, tidings_model::CommentState::Hidden);
        assert!(
            site.store
                .moderation()
                .log_entries(10)
                .await
                .expect("log")
                .iter()
                .all(|e| e.moderator == "boss"),
            "only the admin's action was logged"
        );
        // The moderator's page offers no unban of the moderator it may not unban.
        let page = m.get("/moderation").await.body;
        assert!(page.contains("1 comment hidden by the ban"), "{page}");
        assert!(!page.contains(&format!("/moderation/users/{other_id}/unban")));
    })
    .await;
}
