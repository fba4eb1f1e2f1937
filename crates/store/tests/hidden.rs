//! What readers hide, on every backend: hiding and unhiding each kind, words kept in one
//! spelling, the limit of 200 per account (also under concurrent requests), isolation
//! between accounts, removal with the account and with a removed source, and the lists'
//! questions: which stories and articles touch a hidden entity or topic, the latest list and
//! a reader's items (counted, listed, their headlines) without a reader's hidden sources,
//! topics and entities, and which article leads a story once its lead's outlet is hidden.

use std::collections::HashSet;
use tidings_model::{ArticleId, NewArticle, Role, SourceId, StoryId, User};
use tidings_store::testing::each_backend;
use tidings_store::{
    ArticleLabels, Exclusions, HiddenKind, HiddenThing, HideOutcome, ListFilter, MAX_HIDDEN,
    NewSource, NewUser, Placement, Store, StoredInsight, StoryEntity,
};

async fn user(store: &Store, name: &str) -> User {
    store
        .users()
        .create(
            &NewUser {
                name: name.into(),
                display_name: name.into(),
                password_hash: "h".into(),
                role: Role::Reader,
            },
            1,
        )
        .await
        .expect("create user")
}

async fn source(store: &Store, name: &str) -> SourceId {
    store
        .sources()
        .add(
            &NewSource {
                url: format!("https://{name}.example/feed"),
                name: name.into(),
                ..NewSource::default()
            },
            1,
        )
        .await
        .expect("source")
        .id
}

/// An article of `source` at `at` headed `slug`, tagged with `topics`, in a new story of its
/// own.
async fn article_in_story(
    store: &Store,
    source: SourceId,
    slug: &str,
    at: i64,
    topics: &[&str],
) -> (ArticleId, StoryId) {
    let id = article(store, source, slug, at, topics).await;
    (id, place(store, id, None, slug, at).await)
}

/// An article of `source` at `at` headed `slug`, tagged with `topics`, in no story yet.
async fn article(
    store: &Store,
    source: SourceId,
    slug: &str,
    at: i64,
    topics: &[&str],
) -> ArticleId {
    store
        .articles()
        .insert_labelled(
            source,
            &[NewArticle {
                url: format!("https://x.example/{slug}"),
                title: slug.into(),
                published_at: Some(at),
                fetched_at: at,
                body_text: "text".into(),
                body_html: "<p>text</p>".into(),
                ..NewArticle::default()
            }],
            &[ArticleLabels {
                section: None,
                topics: topics
                    .iter()
                    .map(|t| ((*t).to_string(), t.to_uppercase()))
                    .collect(),
                completed_from_page: false,
            }],
            |_, _| None,
            at * 1000,
        )
        .await
        .expect("insert");
    store
        .articles()
        .latest(1000, 0)
        .await
        .expect("latest")
        .into_iter()
        .find(|l| l.article.content.title == slug)
        .expect("inserted")
        .article
        .id
}

/// Places `article` in `story`, or in a new story called `title`; returns the story.
async fn place(
    store: &Store,
    article: ArticleId,
    story: Option<StoryId>,
    title: &str,
    at: i64,
) -> StoryId {
    let mut batch = store.stories().begin().await.expect("batch");
    let story = match story {
        Some(story) => story,
        None => batch
            .create_story(title, Some("en"), at)
            .await
            .expect("story"),
    };
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

async fn mention(store: &Store, story: StoryId, slug: &str) {
    store
        .insights()
        .save(
            story,
            &StoredInsight {
                version: 1,
                computed_at: 1,
                json: "{}".into(),
            },
            &[StoryEntity {
                slug: slug.into(),
                name: slug.into(),
                kind: "person".into(),
                mentions: 2,
            }],
        )
        .await
        .expect("save insight");
}

#[tokio::test]
async fn each_kind_is_hidden_listed_and_shown_again_per_account() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let outlet = source(&store, "outlet").await;
        let hidden = store.hidden();
        let things = [
            HiddenThing::source(outlet),
            HiddenThing::entity("kim-jong-un"),
            HiddenThing::topic("royals"),
            HiddenThing::word("  The ROYAL family!").expect("a word"),
        ];
        // Added in an order other than the list's, which goes by kind, then oldest first.
        for (i, thing) in things.iter().rev().enumerate() {
            assert_eq!(
                hidden
                    .hide(ana.id, thing, 10 + i as i64)
                    .await
                    .expect("hide"),
                HideOutcome::Hidden
            );
        }
        let word = HiddenThing::word("the royal FAMILY").expect("same word");
        assert_eq!(
            hidden.hide(ana.id, &word, 50).await.expect("again"),
            HideOutcome::AlreadyHidden,
            "one spelling per word"
        );
        let listed = hidden.list(ana.id).await.expect("list");
        assert_eq!(
            listed.iter().map(|h| h.thing.clone()).collect::<Vec<_>>(),
            things.to_vec()
        );
        assert_eq!(listed[3].thing.target, "the royal family");
        assert_eq!(listed[3].created_at, 10, "the first hide's time stays");
        assert_eq!(listed[0].thing.source_id(), Some(outlet));
        assert!(hidden.hides(ana.id, &things[1]).await.expect("hides"));
        assert!(!hidden.hides(bob.id, &things[1]).await.expect("hides"));
        assert!(hidden.list(bob.id).await.expect("list").is_empty());

        assert!(hidden.unhide(ana.id, &things[2]).await.expect("unhide"));
        assert!(!hidden.unhide(ana.id, &things[2]).await.expect("again"));
        assert!(!hidden.unhide(bob.id, &things[1]).await.expect("not bob's"));
        let kinds: Vec<HiddenKind> = hidden
            .list(ana.id)
            .await
            .expect("list")
            .iter()
            .map(|h| h.thing.kind)
            .collect();
        assert_eq!(
            kinds,
            [HiddenKind::Source, HiddenKind::Entity, HiddenKind::Word]
        );

        // A target the kind cannot have is refused, not stored.
        let bad = HiddenThing {
            kind: HiddenKind::Source,
            target: "1 OR 1=1".into(),
        };
        assert!(hidden.hide(ana.id, &bad, 60).await.is_err());
        assert_eq!(hidden.list(ana.id).await.expect("list").len(), 3);

        // Removing the source unhides it for everyone; deleting the account forgets the rest.
        hidden
            .hide(bob.id, &HiddenThing::source(outlet), 70)
            .await
            .expect("bob hides it");
        assert!(store.sources().remove(outlet, 80).await.expect("remove"));
        assert!(!hidden.hides(ana.id, &things[0]).await.expect("hides"));
        assert!(hidden.list(bob.id).await.expect("list").is_empty());
        assert_eq!(hidden.list(ana.id).await.expect("list").len(), 2);
        store.users().delete(ana.id).await.expect("delete");
        assert!(hidden.list(ana.id).await.expect("list").is_empty());
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hidden_things")
            .fetch_one(store.pool())
            .await
            .expect("count");
        assert_eq!(left, 0, "no row of a deleted account stays");
    })
    .await;
}

#[tokio::test]
async fn an_account_hides_at_most_two_hundred_things_even_all_at_once() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let hidden = store.hidden();
        for i in 0..MAX_HIDDEN - 10 {
            let word = HiddenThing::word(&format!("word{i}")).expect("word");
            assert_eq!(
                hidden.hide(ana.id, &word, i).await.expect("hide"),
                HideOutcome::Hidden
            );
        }
        // Twenty at once for the last ten places: exactly ten get in.
        let outcomes = hide_at_once(&store, ana.id, 20).await;
        let added = outcomes
            .iter()
            .filter(|o| **o == HideOutcome::Hidden)
            .count();
        let refused = outcomes
            .iter()
            .filter(|o| **o == HideOutcome::LimitReached)
            .count();
        assert_eq!((added, refused), (10, 10), "{outcomes:?}");
        assert_eq!(
            hidden.list(ana.id).await.expect("list").len() as i64,
            MAX_HIDDEN
        );
        // What is already hidden stays so; another account has its own room.
        let first = HiddenThing::word("word0").expect("word");
        assert_eq!(
            hidden.hide(ana.id, &first, 1).await.expect("again"),
            HideOutcome::AlreadyHidden
        );
        assert_eq!(
            hidden
                .hide(ana.id, &HiddenThing::topic("one-more"), 1)
                .await
                .expect("full"),
            HideOutcome::LimitReached
        );
        assert_eq!(
            hidden
                .hide(bob.id, &HiddenThing::topic("one-more"), 1)
                .await
                .expect("bob"),
            HideOutcome::Hidden
        );
        // Unhiding one makes room for one.
        assert!(hidden.unhide(ana.id, &first).await.expect("unhide"));
        assert_eq!(
            hidden
                .hide(ana.id, &HiddenThing::topic("one-more"), 1)
                .await
                .expect("room"),
            HideOutcome::Hidden
        );
    })
    .await;
}

/// Hides `n` new words for `user` from `n` tasks at once; their outcomes.
async fn hide_at_once(store: &Store, user: tidings_model::UserId, n: usize) -> Vec<HideOutcome> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let word = HiddenThing::word(&format!("late{i}")).expect("word");
            // SQLite's single writer may answer "busy" to a racing transaction: try again,
            // as a reader would.
            for _ in 0..50 {
                match store.hidden().hide(user, &word, 100).await {
                    Ok(outcome) => return outcome,
                    Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                }
            }
            panic!("hiding never went through");
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    outcomes
}

#[tokio::test]
async fn lists_leave_out_hidden_sources_topics_and_entities() {
    each_backend(|store| async move {
        let a = source(&store, "a").await;
        let b = source(&store, "b").await;
        let (plain, plain_story) = article_in_story(&store, a, "plain", 100, &[]).await;
        let (royal, royal_story) = article_in_story(&store, a, "royal", 200, &["royals"]).await;
        let (kim, kim_story) = article_in_story(&store, b, "kim", 300, &["asia"]).await;
        let (other, other_story) = article_in_story(&store, b, "other", 400, &[]).await;
        mention(&store, kim_story, "kim-jong-un").await;
        mention(&store, other_story, "someone-else").await;

        let hidden = store.hidden();
        let stories = [plain_story, royal_story, kim_story, other_story];
        let touching = hidden
            .stories_touching(&stories, &["kim-jong-un".into()], &["royals".into()])
            .await
            .expect("stories");
        assert_eq!(touching, HashSet::from([royal_story, kim_story]));
        assert!(
            hidden
                .stories_touching(&stories, &[], &[])
                .await
                .expect("nothing hidden")
                .is_empty()
        );
        let articles = [plain, royal, kim, other];
        let touching = hidden
            .articles_touching(&articles, &["kim-jong-un".into()], &["royals".into()])
            .await
            .expect("articles");
        assert_eq!(touching, HashSet::from([royal, kim]));
        let touching = hidden
            .articles_touching(&articles, &[], &["asia".into()])
            .await
            .expect("articles");
        assert_eq!(touching, HashSet::from([kim]));

        let titles =
            |l: Vec<(ArticleId, String)>| l.into_iter().map(|(_, t)| t).collect::<Vec<_>>();
        let all = ListFilter::default();
        let none = Exclusions::default();
        assert!(none.is_empty());
        assert_eq!(
            titles(
                store
                    .articles()
                    .latest_headlines_excluding(&all, &none, 10, 0)
                    .await
                    .expect("all")
            ),
            ["other", "kim", "royal", "plain"]
        );
        let excluded = Exclusions {
            sources: vec![b],
            topics: vec!["royals".into()],
            entities: Vec::new(),
        };
        let listed = store
            .articles()
            .latest_excluding(&all, &excluded, 10, 0)
            .await
            .expect("excluding");
        assert_eq!(
            listed.iter().map(|l| l.article.id).collect::<Vec<_>>(),
            [plain]
        );
        let excluded = Exclusions {
            sources: Vec::new(),
            topics: vec!["royals".into(), "nothing".into()],
            entities: vec!["kim-jong-un".into()],
        };
        assert_eq!(
            titles(
                store
                    .articles()
                    .latest_headlines_excluding(&all, &excluded, 10, 0)
                    .await
                    .expect("excluding")
            ),
            ["other", "plain"]
        );
        // With a scope's own filter, its parameters first, and a page.
        let topic = ListFilter {
            topic: Some("asia".into()),
            ..ListFilter::default()
        };
        assert_eq!(
            store
                .articles()
                .latest_excluding(&topic, &excluded, 10, 0)
                .await
                .expect("topic")
                .len(),
            0
        );
        let only_b = Exclusions {
            sources: vec![a],
            ..Exclusions::default()
        };
        assert_eq!(
            titles(
                store
                    .articles()
                    .latest_headlines_excluding(&topic, &only_b, 10, 0)
                    .await
                    .expect("topic")
            ),
            ["kim"]
        );
        assert_eq!(
            titles(
                store
                    .articles()
                    .latest_headlines_excluding(&all, &excluded, 1, 1)
                    .await
                    .expect("page")
            ),
            ["plain"]
        );
    })
    .await;
}

#[tokio::test]
async fn a_reader_s_items_leave_out_what_they_hid_and_stories_are_led_without_it() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let a = source(&store, "a").await;
        let b = source(&store, "b").await;
        let (plain, _) = article_in_story(&store, a, "plain", 100, &[]).await;
        let (royal, _) = article_in_story(&store, a, "royal", 200, &["royals"]).await;
        let (_, kim_story) = article_in_story(&store, b, "kim", 300, &[]).await;
        let (other, other_story) = article_in_story(&store, b, "other", 400, &[]).await;
        mention(&store, kim_story, "kim-jong-un").await;
        let reading = store.reading();
        let folder = reading
            .folder_named(ana.id, "News", 5)
            .await
            .expect("folder");
        for s in [a, b] {
            reading
                .subscribe(ana.id, s, folder.id, 5)
                .await
                .expect("subscribe");
        }
        let unread = |excluded: Exclusions| tidings_store::ItemQuery {
            read: Some(false),
            excluded,
            ..tidings_store::ItemQuery::default()
        };
        assert_eq!(
            reading
                .count(ana.id, &unread(Exclusions::default()))
                .await
                .expect("all"),
            4
        );
        let excluded = Exclusions {
            sources: Vec::new(),
            topics: vec!["royals".into()],
            entities: vec!["kim-jong-un".into()],
        };
        assert_eq!(
            reading
                .count(ana.id, &unread(excluded.clone()))
                .await
                .expect("count"),
            2
        );
        let headlines = reading
            .item_headlines(ana.id, &unread(excluded))
            .await
            .expect("headlines");
        assert_eq!(
            headlines,
            [(other, "other".to_string()), (plain, "plain".to_string())]
        );
        let only_a = Exclusions {
            sources: vec![b],
            ..Exclusions::default()
        };
        let items = reading
            .items(ana.id, &unread(only_a.clone()))
            .await
            .expect("items");
        assert_eq!(
            items
                .iter()
                .map(|i| i.listing.article.id)
                .collect::<Vec<_>>(),
            [royal, plain]
        );
        let mut limited = unread(only_a);
        limited.limit = 1;
        assert_eq!(
            reading.item_headlines(ana.id, &limited).await.expect("one"),
            [(royal, "royal".to_string())]
        );

        // Outlet a's two reports join b's "other" story, and b's update after them: b's
        // update leads (the newest report); hiding b, a's newer report leads it; kim's story
        // has only b's and has no other lead.
        let earlier = article(&store, a, "Quake report", 500, &[]).await;
        place(&store, earlier, Some(other_story), "", 500).await;
        let later = article(&store, a, "Quake report again", 550, &[]).await;
        place(&store, later, Some(other_story), "", 550).await;
        let update = article(&store, b, "Quake report update", 600, &[]).await;
        place(&store, update, Some(other_story), "", 600).await;
        let led = store
            .stories()
            .get(other_story)
            .await
            .expect("get")
            .expect("story");
        assert_eq!(led.lead_article_id, Some(update));
        let hidden = store.hidden();
        let leads = hidden
            .leads_without(&[other_story, kim_story], &[b])
            .await
            .expect("leads");
        assert_eq!(leads.len(), 1, "{leads:?}");
        assert_eq!(
            leads.get(&other_story),
            Some(&(later, "Quake report again".to_string()))
        );
        assert!(
            hidden
                .leads_without(&[other_story], &[a])
                .await
                .expect("a hidden")
                .is_empty(),
            "a story led by a shown outlet keeps its lead"
        );
        assert!(
            hidden
                .leads_without(&[other_story], &[])
                .await
                .expect("nothing hidden")
                .is_empty()
        );
    })
    .await;
}
