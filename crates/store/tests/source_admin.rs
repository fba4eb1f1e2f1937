//! An administrator's changes to sources, on every backend: pausing takes a source out of
//! the fetch schedule and out of the failing count, resuming makes it due at once; several
//! at once is all or nothing; an edit to another source's address is refused and changes
//! nothing, a new address forgets the old one's validators and is due at once.

use tidings_model::{Role, SourceId, User, UserId};
use tidings_store::testing::each_backend;
use tidings_store::{FetchSuccess, NewSource, NewUser, SourceEdit, Store, StoreError};

async fn admin(store: &Store) -> User {
    let new = NewUser {
        name: "root".into(),
        display_name: "Root".into(),
        password_hash: "h".into(),
        role: Role::Admin,
    };
    store.users().create(&new, 1).await.expect("create user")
}

async fn source(store: &Store, name: &str) -> SourceId {
    let new = NewSource {
        url: format!("https://{name}.example/feed"),
        name: name.into(),
        ..NewSource::default()
    };
    store.sources().add(&new, 1).await.expect("add").id
}

/// The log's lines as (action, who, source, note), oldest first.
async fn log(store: &Store) -> Vec<(String, Option<UserId>, Option<SourceId>, String)> {
    let mut lines = store.moderation().log_entries(50).await.expect("log");
    lines.reverse();
    lines
        .into_iter()
        .map(|l| (l.action, l.moderator_id, l.source_id, l.note))
        .collect()
}

const FAR: i64 = 4_000_000_000;

#[tokio::test]
async fn a_paused_source_is_not_due_nor_failing_until_resumed() {
    each_backend(|store| async move {
        let root = admin(&store).await;
        let sources = store.sources();
        let (a, b) = (source(&store, "a").await, source(&store, "b").await);
        sources
            .record_failure(a, 5, "HTTP 500", 10)
            .await
            .expect("fail");
        assert_eq!(
            store
                .stats()
                .snapshot(0)
                .await
                .expect("stats")
                .failing_sources,
            1
        );

        let paused = sources
            .pause(&[a, a], Some(root.id), 20)
            .await
            .expect("pause");
        assert_eq!(paused, vec![a], "once, however often named");
        assert_eq!(sources.due(FAR, 10).await.expect("due"), vec![b]);
        let got = sources.get(a).await.expect("get").expect("kept");
        assert_eq!((got.paused_at, got.status()), (Some(20), "paused"));
        assert_eq!(
            store
                .stats()
                .snapshot(0)
                .await
                .expect("stats")
                .failing_sources,
            0,
            "a paused source is not failing"
        );
        assert_eq!(sources.list().await.expect("list").len(), 2, "still listed");
        assert!(
            sources
                .pause(&[a], None, 30)
                .await
                .expect("again")
                .is_empty(),
            "pausing a paused source changes nothing"
        );

        let resumed = sources
            .resume(&[a, b], Some(root.id), 40)
            .await
            .expect("resume");
        assert_eq!(resumed, vec![a], "b was not paused");
        let got = sources.get(a).await.expect("get").expect("kept");
        assert_eq!(
            (got.paused_at, got.next_fetch_at),
            (None, 40),
            "due at once"
        );
        assert_eq!(sources.due(40, 10).await.expect("due"), vec![b, a]);
        let lines: Vec<_> = log(&store)
            .await
            .into_iter()
            .map(|(action, by, id, _)| (action, by, id))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("source-pause".to_string(), Some(root.id), Some(a)),
                ("source-resume".to_string(), Some(root.id), Some(a)),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn several_sources_with_one_unknown_id_change_nothing() {
    each_backend(|store| async move {
        let sources = store.sources();
        let (a, b) = (source(&store, "a").await, source(&store, "b").await);
        let unknown = SourceId(b.0 + 100);
        match sources.pause(&[a, unknown, b], None, 20).await {
            Err(StoreError::NotFound(what)) => assert!(what.contains(&unknown.0.to_string())),
            other => panic!("expected NotFound, got {other:?}"),
        }
        for id in [a, b] {
            let got = sources.get(id).await.expect("get").expect("kept");
            assert_eq!(got.paused_at, None, "source {id} untouched");
        }
        assert!(log(&store).await.is_empty(), "nothing logged");
        sources.pause(&[a], None, 20).await.expect("pause");
        assert!(matches!(
            sources.resume(&[a, unknown], None, 30).await,
            Err(StoreError::NotFound(_))
        ));
        let got = sources.get(a).await.expect("get").expect("kept");
        assert_eq!(got.paused_at, Some(20), "still paused");
        assert!(matches!(
            sources.several(&[b, unknown]).await,
            Err(StoreError::NotFound(_))
        ));
        let both = sources.several(&[b, a, b]).await.expect("several");
        assert_eq!(both.iter().map(|s| s.id).collect::<Vec<_>>(), vec![a, b]);
    })
    .await;
}

#[tokio::test]
async fn an_edit_to_another_sources_address_changes_nothing() {
    each_backend(|store| async move {
        let root = admin(&store).await;
        let sources = store.sources();
        let (a, b) = (source(&store, "a").await, source(&store, "b").await);
        let taken = SourceEdit {
            name: Some("Renamed".into()),
            url: Some("https://b.example/feed".into()),
            ..SourceEdit::default()
        };
        assert!(matches!(
            sources.edit(a, &taken, Some(root.id), 50).await,
            Err(StoreError::AlreadyExists(_))
        ));
        let got = sources.get(a).await.expect("get").expect("kept");
        assert_eq!(
            (got.name.as_str(), got.url.as_str()),
            ("a", "https://a.example/feed"),
            "neither the name nor the address changed"
        );
        assert!(log(&store).await.is_empty());
        assert!(matches!(
            sources.edit(SourceId(b.0 + 100), &taken, None, 50).await,
            Err(StoreError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn a_new_address_forgets_the_validators_and_is_due_at_once() {
    each_backend(|store| async move {
        let root = admin(&store).await;
        let sources = store.sources();
        let a = source(&store, "a").await;
        let fetched = FetchSuccess {
            at: 10,
            next_fetch_at: 1_000,
            etag: Some("\"v1\"".into()),
            last_modified: Some("Sun, 01 Nov 2026 00:00:00 GMT".into()),
            ..FetchSuccess::default()
        };
        sources.record_success(a, &fetched).await.expect("fetched");
        let edit = SourceEdit {
            name: Some("Harbour Times".into()),
            category: Some(Some("World".into())),
            url: Some("https://harbour.example/rss".into()),
        };
        let edited = sources
            .edit(a, &edit, Some(root.id), 50)
            .await
            .expect("edit");
        assert_eq!(edited.changes.len(), 3, "{:?}", edited.changes);
        let got = edited.source;
        assert_eq!(got.url, "https://harbour.example/rss");
        assert_eq!(got.name, "Harbour Times");
        assert_eq!(got.category.as_deref(), Some("World"));
        assert_eq!((got.fetch.etag, got.fetch.last_modified), (None, None));
        assert_eq!(got.next_fetch_at, 50, "due at once");
        let lines = log(&store).await;
        assert_eq!(lines.len(), 1);
        let (action, by, id, note) = &lines[0];
        assert_eq!(
            (action.as_str(), *by, *id),
            ("source-edit", Some(root.id), Some(a))
        );
        assert!(note.contains("https://harbour.example/rss"), "{note}");

        // A name-only edit keeps the address, its validators and the schedule.
        sources.record_success(a, &fetched).await.expect("fetched");
        let rename = SourceEdit {
            name: Some("Harbour".into()),
            ..SourceEdit::default()
        };
        let got = sources
            .edit(a, &rename, None, 60)
            .await
            .expect("edit")
            .source;
        assert_eq!(got.fetch.etag.as_deref(), Some("\"v1\""));
        assert_eq!(got.next_fetch_at, 1_000);
        let same = sources.edit(a, &rename, None, 70).await.expect("edit");
        assert!(same.changes.is_empty(), "nothing to change");
        assert_eq!(
            log(&store).await.len(),
            2,
            "an edit that changes nothing is not logged"
        );
    })
    .await;
}
