//! WebSub subscriptions on every backend: a hub's verification makes one active only with the
//! right token and topic; a denial fails it with the hub's reason; renewals come due; pushes
//! are taken one per source per gap and otherwise make the source due; removing the source
//! removes its subscription.

use std::time::Duration;
use tidings_model::SourceId;
use tidings_store::testing::each_backend;
use tidings_store::{NewPushSubscription, NewSource, PushOutcome, PushState, Store};

const NOW: i64 = 1_800_000_000;

async fn source(store: &Store, name: &str) -> SourceId {
    let new = NewSource {
        url: format!("https://{name}.example/feed"),
        name: name.into(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("add source").id
}

fn subscription(source_id: SourceId) -> NewPushSubscription {
    NewPushSubscription {
        source_id,
        hub_url: "https://hub.example/".into(),
        topic: "https://news.example/feed".into(),
        secret: "s3cret".into(),
        callback_token: "tok-1".into(),
    }
}

#[tokio::test]
async fn verification_needs_the_token_and_the_topic() {
    each_backend(|store| async move {
        let id = source(&store, "a").await;
        let ws = store.websub();
        assert!(ws.start(&subscription(id), NOW).await.expect("start"));
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Pending);
        assert_eq!(ws.due(NOW, 10).await.expect("due"), vec![id]);

        let topic = "https://news.example/feed";
        assert!(!ws.verify(id, "tok-2", topic, 3600, NOW).await.expect("v"));
        assert!(
            !ws.verify(id, "tok-1", "https://news.example/other", 3600, NOW)
                .await
                .expect("v")
        );
        assert!(
            !ws.verify(SourceId(id.0 + 1), "tok-1", topic, 3600, NOW)
                .await
                .expect("v")
        );
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(
            sub.state,
            PushState::Pending,
            "nothing matched: still pending"
        );
        assert!(!sub.is_pushing(NOW));

        assert!(ws.verify(id, "tok-1", topic, 3600, NOW).await.expect("v"));
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Active);
        assert_eq!(sub.lease_expires_at, Some(NOW + 3600));
        assert!(sub.is_pushing(NOW + 3599) && !sub.is_pushing(NOW + 3600));
        assert!(ws.due(NOW, 10).await.expect("due").is_empty());
        assert_eq!(
            ws.due(NOW + 3600 - 360, 10).await.expect("due"),
            vec![id],
            "the renewal comes due with a tenth of the lease left"
        );

        // A failed renewal keeps the running lease; a denial ends it.
        ws.fail(id, "HTTP 503", NOW + 10, NOW + 70)
            .await
            .expect("fail");
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Active);
        assert_eq!(sub.last_error.as_deref(), Some("HTTP 503"));
        assert_eq!(sub.next_attempt_at, Some(NOW + 70));
        assert!(
            !ws.deny(id, "tok-1", "https://x.example/", "no", NOW)
                .await
                .expect("d")
        );
        assert!(
            ws.deny(id, "tok-1", topic, "not allowed", NOW)
                .await
                .expect("d")
        );
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Failed);
        assert_eq!(
            sub.last_error.as_deref(),
            Some("the hub denied the subscription: not allowed")
        );
        assert!(!sub.is_pushing(NOW));
        assert!(
            !ws.verify(id, "tok-1", topic, 3600, NOW).await.expect("v"),
            "a failed subscription is not verified until it is asked for again"
        );
    })
    .await;
}

#[tokio::test]
async fn pushes_are_taken_one_per_gap_then_make_the_source_due() {
    each_backend(|store| async move {
        let id = source(&store, "b").await;
        let ws = store.websub();
        ws.start(&subscription(id), NOW).await.expect("start");
        store
            .sources()
            .make_due(Some(id), NOW + 3600)
            .await
            .expect("not due for an hour");
        let first = ws
            .accept_push(id, "Ym9keQ==", Some("application/atom+xml"), NOW, 10)
            .await
            .expect("push");
        assert_eq!(first, PushOutcome::Queued);
        let job = store
            .jobs()
            .claim("w", Duration::from_secs(60), NOW * 1000)
            .await
            .expect("claim")
            .expect("a push job");
        assert_eq!(job.kind, "websub_push");
        assert_eq!(
            job.payload,
            format!("{{\"task\":\"websub_push\",\"source_id\":{}}}", id.0)
        );
        assert!(store.sources().due(NOW, 10).await.expect("due").is_empty());

        // Within the gap: the source is made due instead.
        let second = ws
            .accept_push(id, "Ym9keTI=", None, NOW + 5, 10)
            .await
            .expect("push");
        assert_eq!(second, PushOutcome::RefreshDue);
        assert_eq!(
            store.sources().due(NOW + 5, 10).await.expect("due"),
            vec![id]
        );

        let taken = ws.take_push(id).await.expect("take");
        assert_eq!(
            taken,
            Some((
                "Ym9keQ==".to_string(),
                Some("application/atom+xml".to_string())
            ))
        );
        assert_eq!(ws.take_push(id).await.expect("take"), None);
        assert_eq!(
            ws.accept_push(id, "Ym9keTM=", None, NOW + 10, 10)
                .await
                .expect("push"),
            PushOutcome::Queued,
            "after the gap a push is taken again"
        );
    })
    .await;
}

#[tokio::test]
async fn removing_a_source_removes_its_subscription() {
    each_backend(|store| async move {
        let id = source(&store, "c").await;
        let other = source(&store, "d").await;
        let ws = store.websub();
        ws.start(&subscription(id), NOW).await.expect("start");
        ws.start(&subscription(other), NOW).await.expect("start");
        assert!(store.sources().remove(id, NOW).await.expect("remove"));
        assert!(ws.get(id).await.expect("get").is_none());
        assert!(ws.get(other).await.expect("get").is_some());
        let listed = ws.by_source().await.expect("list");
        assert_eq!(listed.len(), 1);
        assert!(listed.contains_key(&other));
        assert!(
            !ws.start(&subscription(id), NOW).await.expect("start"),
            "no subscription for a source that is gone"
        );
        assert!(ws.get(id).await.expect("get").is_none());
    })
    .await;
}
