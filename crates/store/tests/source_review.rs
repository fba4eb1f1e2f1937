//! Sources readers add, on every backend: under review they wait (not listed, counted or
//! fetched) until an administrator approves or rejects them; open, they are public at once;
//! either way the moderation log names the account that added them.

use tidings_model::{Role, SourceId, User, UserId};
use tidings_store::testing::each_backend;
use tidings_store::{AddedBy, ImportedFeed, NewSource, NewUser, Store};

async fn user(store: &Store, name: &str, role: Role) -> User {
    let new = NewUser {
        name: name.into(),
        display_name: name.into(),
        password_hash: "h".into(),
        role,
    };
    store.users().create(&new, 1).await.expect("create user")
}

fn feed(name: &str) -> NewSource {
    NewSource {
        url: format!("https://{name}.example/feed"),
        name: name.into(),
        ..NewSource::default()
    }
}

/// The ids of the public sources.
async fn listed(store: &Store) -> Vec<SourceId> {
    let sources = store.sources().list().await.expect("list");
    sources.into_iter().map(|s| s.id).collect()
}

/// The log's lines as (action, who, source), oldest first.
async fn log(store: &Store) -> Vec<(String, Option<UserId>, Option<SourceId>)> {
    let mut lines = store.moderation().log_entries(50).await.expect("log");
    lines.reverse();
    lines
        .into_iter()
        .map(|l| (l.action, l.moderator_id, l.source_id))
        .collect()
}

const FAR: i64 = 4_000_000_000;

#[tokio::test]
async fn a_readers_source_under_review_waits_until_approved() {
    each_backend(|store| async move {
        let ana = user(&store, "ana", Role::Reader).await;
        let admin = user(&store, "root", Role::Admin).await;
        let sources = store.sources();
        let known = sources.add(&feed("known"), 1).await.expect("add").id;
        let imported = [
            ImportedFeed {
                source: feed("known"),
                folder: "News".into(),
            },
            ImportedFeed {
                source: feed("fresh"),
                folder: "News".into(),
            },
        ];
        let reading = store.reading();
        reading
            .import_subscriptions(ana.id, &imported, true, 10)
            .await
            .expect("import");
        let fresh = sources
            .find_by_url("https://fresh.example/feed")
            .await
            .expect("find")
            .expect("added")
            .id;

        assert_eq!(listed(&store).await, vec![known], "not public");
        assert_eq!(sources.count().await.expect("count"), 1);
        assert_eq!(
            sources.due(FAR, 10).await.expect("due"),
            vec![known],
            "not fetched"
        );
        assert!(sources.is_awaiting_review(fresh).await.expect("state"));
        assert!(!sources.is_awaiting_review(known).await.expect("state"));
        let waiting = sources.awaiting_review().await.expect("awaiting");
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].source.id, fresh);
        assert_eq!(waiting[0].requested_by, Some(ana.id));
        assert_eq!(waiting[0].requester, "ana");
        assert_eq!((waiting[0].since, waiting[0].subscribers), (10, 1));
        let subs = reading.subscriptions(ana.id).await.expect("subscriptions");
        let waits: Vec<(SourceId, bool)> = subs
            .iter()
            .map(|s| (s.source_id, s.awaiting_review))
            .collect();
        assert!(waits.contains(&(fresh, true)) && waits.contains(&(known, false)));
        assert_eq!(
            log(&store).await,
            vec![("source-request".to_string(), Some(ana.id), Some(fresh))],
            "the known source was not added, so not logged"
        );

        assert!(
            sources
                .approve(fresh, Some(admin.id), 20)
                .await
                .expect("approve")
        );
        assert!(
            !sources
                .approve(fresh, Some(admin.id), 21)
                .await
                .expect("twice")
        );
        let mut public = listed(&store).await;
        public.sort();
        assert_eq!(public, vec![known, fresh]);
        assert_eq!(sources.due(20, 10).await.expect("due"), vec![known, fresh]);
        assert!(
            sources
                .awaiting_review()
                .await
                .expect("awaiting")
                .is_empty()
        );
        assert_eq!(
            log(&store).await.last(),
            Some(&("source-approve".to_string(), Some(admin.id), Some(fresh)))
        );
    })
    .await;
}

#[tokio::test]
async fn a_rejected_source_goes_with_its_subscriptions_and_only_a_waiting_one() {
    each_backend(|store| async move {
        let ana = user(&store, "ana", Role::Reader).await;
        let admin = user(&store, "root", Role::Admin).await;
        let sources = store.sources();
        let asked = sources
            .add_by(&feed("asked"), AddedBy::ReaderForReview(ana.id), 5)
            .await
            .expect("add")
            .id;
        let public = sources
            .add_by(&feed("open"), AddedBy::Account(ana.id), 6)
            .await
            .expect("add")
            .id;
        let reading = store.reading();
        let folder = reading
            .folder_named(ana.id, "News", 7)
            .await
            .expect("folder");
        reading
            .subscribe(ana.id, asked, folder.id, 7)
            .await
            .expect("sub");

        assert!(
            !sources
                .reject(public, Some(admin.id), 8)
                .await
                .expect("reject"),
            "public"
        );
        assert_eq!(
            listed(&store).await,
            vec![public],
            "an open add is public at once"
        );
        assert!(
            sources
                .reject(asked, Some(admin.id), 8)
                .await
                .expect("reject")
        );
        assert_eq!(sources.get(asked).await.expect("get"), None);
        assert!(
            reading
                .subscriptions(ana.id)
                .await
                .expect("subs")
                .is_empty()
        );
        assert_eq!(
            log(&store).await,
            vec![
                ("source-request".to_string(), Some(ana.id), Some(asked)),
                ("source-add".to_string(), Some(ana.id), Some(public)),
                ("source-reject".to_string(), Some(admin.id), Some(asked)),
            ]
        );
    })
    .await;
}
