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

#[tokio::test]
async fn removing_a_source_records_the_unsubscribe_its_hub_needs() {
    each_backend(|store| async move {
        let ws = store.websub();
        let active = source(&store, "e").await;
        let failed = source(&store, "f").await;
        let kept = source(&store, "g").await;
        let topic = "https://news.example/feed";
        for id in [active, failed, kept] {
            assert!(ws.start(&subscription(id), NOW).await.expect("start"));
        }
        assert!(
            ws.verify(active, "tok-1", topic, 7200, NOW)
                .await
                .expect("v")
        );
        ws.fail(failed, "HTTP 500", NOW, NOW + 60)
            .await
            .expect("fail");
        assert!(
            !ws.confirm_unsubscribe(active, "tok-1", topic)
                .await
                .expect("confirm"),
            "a live subscription's unsubscribe is not confirmed"
        );

        assert!(store.sources().remove(active, NOW + 5).await.expect("rm"));
        assert!(store.sources().remove(failed, NOW + 5).await.expect("rm"));
        assert!(ws.get(active).await.expect("get").is_none());
        let pending = ws.unsubscribes(active).await.expect("unsubscribes");
        assert_eq!(pending.len(), 1, "{pending:?}");
        assert_eq!(pending[0].hub_url, "https://hub.example/");
        assert_eq!(pending[0].topic, topic);
        assert_eq!(pending[0].callback_token, "tok-1");
        assert_eq!(
            (pending[0].attempts, pending[0].next_attempt_at),
            (0, NOW + 5)
        );
        assert!(
            ws.unsubscribes(failed).await.expect("u").is_empty(),
            "a subscription the hub refused is not unsubscribed"
        );
        assert!(ws.unsubscribes(kept).await.expect("u").is_empty());
        assert_eq!(ws.due_unsubscribes(NOW + 4, 10).await.expect("due"), []);
        assert_eq!(
            ws.due_unsubscribes(NOW + 5, 10).await.expect("due"),
            [active]
        );

        // Attempts are counted and put off; a failure keeps its error.
        ws.unsubscribe_failed(active, "tok-1", "HTTP 503", NOW + 65)
            .await
            .expect("failed");
        ws.unsubscribe_requested(active, "tok-1", NOW + 3665)
            .await
            .expect("requested");
        let pending = ws.unsubscribes(active).await.expect("unsubscribes");
        assert_eq!(
            (pending[0].attempts, pending[0].next_attempt_at),
            (2, NOW + 3665)
        );
        assert_eq!(pending[0].last_error, None);
        assert_eq!(ws.due_unsubscribes(NOW + 3000, 10).await.expect("due"), []);

        // The hub's verification: only with the recorded token and topic, and only once.
        assert!(
            !ws.confirm_unsubscribe(active, "tok-2", topic)
                .await
                .expect("c")
        );
        assert!(
            !ws.confirm_unsubscribe(active, "tok-1", "https://news.example/other")
                .await
                .expect("c")
        );
        assert!(
            !ws.confirm_unsubscribe(kept, "tok-1", topic)
                .await
                .expect("c")
        );
        assert!(
            ws.confirm_unsubscribe(active, "tok-1", topic)
                .await
                .expect("c")
        );
        assert!(
            !ws.confirm_unsubscribe(active, "tok-1", topic)
                .await
                .expect("c")
        );
        assert!(ws.unsubscribes(active).await.expect("u").is_empty());
    })
    .await;
}

#[tokio::test]
async fn another_hub_or_no_hub_ends_the_old_subscription_and_a_refusal_is_never_asked() {
    each_backend(|store| async move {
        let ws = store.websub();
        let id = source(&store, "h").await;
        assert!(ws.start(&subscription(id), NOW).await.expect("start"));
        // The same hub and topic again (a new token): nothing to end.
        let again = NewPushSubscription {
            callback_token: "tok-2".into(),
            ..subscription(id)
        };
        assert!(ws.start(&again, NOW).await.expect("start"));
        assert!(ws.unsubscribes(id).await.expect("u").is_empty());

        // Another hub: the old one is told.
        let moved = NewPushSubscription {
            hub_url: "https://other-hub.example/".into(),
            callback_token: "tok-3".into(),
            ..subscription(id)
        };
        assert!(ws.start(&moved, NOW + 1).await.expect("start"));
        let ended = ws.unsubscribes(id).await.expect("u");
        assert_eq!(ended.len(), 1);
        assert_eq!(
            (ended[0].hub_url.as_str(), ended[0].callback_token.as_str()),
            ("https://hub.example/", "tok-2")
        );
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(
            (sub.hub_url.as_str(), sub.state),
            ("https://other-hub.example/", PushState::Pending)
        );

        // The feed names no hub any more: the row goes and its hub is told.
        assert!(ws.end(id, NOW + 2).await.expect("end"));
        assert!(ws.get(id).await.expect("get").is_none());
        let tokens: Vec<String> = ws
            .unsubscribes(id)
            .await
            .expect("u")
            .into_iter()
            .map(|u| u.callback_token)
            .collect();
        assert_eq!(tokens, ["tok-2", "tok-3"]);
        assert!(!ws.end(id, NOW + 3).await.expect("end"), "nothing left");
        assert!(ws.give_up_unsubscribe(id, "tok-2").await.expect("give up"));
        assert_eq!(ws.unsubscribes(id).await.expect("u").len(), 1);

        // A refused hub: shown with its reason, never due, and ends nothing it never held.
        let insecure = NewPushSubscription {
            hub_url: "http://plain-hub.example/".into(),
            callback_token: "tok-4".into(),
            ..subscription(id)
        };
        assert!(
            ws.refuse(&insecure, "the hub is not https", NOW + 4)
                .await
                .expect("refuse")
        );
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Failed);
        assert_eq!(sub.last_error.as_deref(), Some("the hub is not https"));
        assert_eq!(sub.next_attempt_at, None);
        assert!(ws.due(NOW + 1_000_000, 10).await.expect("due").is_empty());
        assert_eq!(ws.refused(10).await.expect("refused").len(), 1);

        // Lifting a refusal is only for the hub refused: one another fetch recorded since
        // is left alone.
        let other = NewPushSubscription {
            hub_url: "http://other-hub.example/".into(),
            secret: "new-secret".into(),
            callback_token: "tok-5".into(),
            ..subscription(id)
        };
        assert!(!ws.lift_refusal(&other, NOW + 5).await.expect("lift"));
        assert_eq!(
            ws.get(id).await.expect("get").expect("row").callback_token,
            "tok-4"
        );
        let lifted = NewPushSubscription {
            secret: "new-secret".into(),
            callback_token: "tok-6".into(),
            ..insecure.clone()
        };
        assert!(ws.lift_refusal(&lifted, NOW + 5).await.expect("lift"));
        let sub = ws.get(id).await.expect("get").expect("row");
        assert_eq!(
            (sub.state, sub.next_attempt_at, sub.secret.as_str()),
            (PushState::Pending, Some(NOW + 5), "new-secret")
        );
        assert!(ws.refused(10).await.expect("refused").is_empty());
        assert!(
            !ws.lift_refusal(&lifted, NOW + 6).await.expect("lift"),
            "no longer a refusal"
        );
        assert!(store.sources().remove(id, NOW + 5).await.expect("rm"));
        // The lifted subscription may have been asked for by now: it is ended at its hub.
        assert_eq!(ws.unsubscribes(id).await.expect("u").len(), 2);
    })
    .await;
}
