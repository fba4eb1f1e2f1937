//! The durable job queue, on every backend.

use std::collections::HashSet;
use std::time::Duration;
use tidings_store::testing::each_backend;
use tidings_store::{JobCounts, NewJob, RetryPolicy};

fn job(key: &str, run_at_ms: i64) -> NewJob {
    NewJob {
        kind: "fetch_source".into(),
        key: Some(key.into()),
        payload: format!("{{\"key\":\"{key}\"}}"),
        run_at_ms,
        max_attempts: 3,
    }
}

const LEASE: Duration = Duration::from_secs(30);

#[tokio::test]
async fn enqueue_is_idempotent_per_key_and_claims_follow_run_time() {
    each_backend(|store| async move {
        let jobs = store.jobs();
        assert!(
            jobs.enqueue(&job("b", 2_000), 0)
                .await
                .expect("enqueue")
                .is_some()
        );
        assert!(
            jobs.enqueue(&job("a", 1_000), 0)
                .await
                .expect("enqueue")
                .is_some()
        );
        assert!(
            jobs.enqueue(&job("a", 1_000), 0)
                .await
                .expect("enqueue")
                .is_none(),
            "a pending key is not enqueued twice"
        );
        assert!(
            jobs.claim("w1", LEASE, 500).await.expect("claim").is_none(),
            "nothing due"
        );
        let first = jobs
            .claim("w1", LEASE, 5_000)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(first.key.as_deref(), Some("a"));
        assert_eq!(first.attempts, 1);
        assert_eq!(first.payload, "{\"key\":\"a\"}");
        let second = jobs
            .claim("w2", LEASE, 5_000)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(second.key.as_deref(), Some("b"));
        assert!(
            jobs.claim("w3", LEASE, 5_000)
                .await
                .expect("claim")
                .is_none()
        );
        assert_eq!(
            jobs.counts().await.expect("counts"),
            JobCounts {
                queued: 0,
                running: 2,
                dead: 0
            }
        );
        assert!(
            jobs.enqueue(&job("a", 0), 6_000)
                .await
                .expect("enqueue")
                .is_none(),
            "a running key is not enqueued twice"
        );
        assert!(jobs.complete(&first).await.expect("complete"));
        assert!(!jobs.complete(&first).await.expect("complete twice"));
        assert!(
            jobs.enqueue(&job("a", 0), 6_000)
                .await
                .expect("enqueue")
                .is_some(),
            "a completed key can be enqueued again"
        );
    })
    .await;
}

#[tokio::test]
async fn failures_back_off_exponentially_then_die_and_can_be_revived() {
    each_backend(|store| async move {
        let jobs = store.jobs();
        let policy = RetryPolicy {
            base: Duration::from_secs(10),
            max: Duration::from_secs(3600),
        };
        jobs.enqueue(&job("x", 0), 0).await.expect("enqueue");

        let try1 = jobs
            .claim("w", LEASE, 0)
            .await
            .expect("claim")
            .expect("due");
        assert!(jobs.fail(&try1, "boom 1", &policy, 0).await.expect("fail"));
        assert!(
            jobs.claim("w", LEASE, 9_999)
                .await
                .expect("claim")
                .is_none(),
            "10 s back-off"
        );
        let try2 = jobs
            .claim("w", LEASE, 10_000)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(try2.attempts, 2);
        assert!(
            jobs.fail(&try2, "boom 2", &policy, 10_000)
                .await
                .expect("fail")
        );
        assert!(
            jobs.claim("w", LEASE, 29_999)
                .await
                .expect("claim")
                .is_none(),
            "20 s back-off"
        );
        let try3 = jobs
            .claim("w", LEASE, 30_000)
            .await
            .expect("claim")
            .expect("due");
        assert!(
            jobs.fail(&try3, "boom 3", &policy, 30_000)
                .await
                .expect("fail")
        );
        assert!(
            jobs.claim("w", LEASE, i64::MAX / 2)
                .await
                .expect("claim")
                .is_none(),
            "dead"
        );
        assert_eq!(jobs.counts().await.expect("counts").dead, 1);
        assert_eq!(
            jobs.last_error("x").await.expect("error").as_deref(),
            Some("boom 3")
        );
        // The operator's view: per kind, and the dead job with its error.
        let by_kind = jobs.counts_by_kind(40_000).await.expect("by kind");
        let dead: i64 = by_kind.iter().map(|k| k.counts.dead).sum();
        assert_eq!(dead, 1, "{by_kind:?}");
        let listed = jobs.dead(10).await.expect("dead");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].1.as_deref(), Some("x"));
        assert_eq!(listed[0].2.as_deref(), Some("boom 3"));

        assert!(
            jobs.enqueue(&job("x", 40_000), 40_000)
                .await
                .expect("revive")
                .is_some(),
            "a dead key is revived by a new enqueue"
        );
        let again = jobs
            .claim("w", LEASE, 40_000)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(again.attempts, 1, "revived with fresh attempts");
    })
    .await;
}

#[tokio::test]
async fn expired_leases_are_reclaimed_and_a_stale_worker_cannot_complete() {
    each_backend(|store| async move {
        let jobs = store.jobs();
        jobs.enqueue(&job("y", 0), 0).await.expect("enqueue");
        let lease = Duration::from_secs(5);
        let dead_worker = jobs
            .claim("w-dead", lease, 0)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(
            jobs.reclaim_expired(4_999).await.expect("reclaim"),
            0,
            "lease still valid"
        );
        assert!(
            jobs.extend_lease(&dead_worker, lease, 4_000)
                .await
                .expect("heartbeat")
        );
        assert_eq!(
            jobs.reclaim_expired(8_999).await.expect("reclaim"),
            0,
            "extended to 9 s"
        );
        assert_eq!(jobs.reclaim_expired(9_001).await.expect("reclaim"), 1);

        let live = jobs
            .claim("w-live", lease, 9_001)
            .await
            .expect("claim")
            .expect("requeued");
        assert_eq!(live.attempts, 2);
        assert!(!jobs.complete(&dead_worker).await.expect("stale complete"));
        assert!(
            !jobs
                .extend_lease(&dead_worker, lease, 9_002)
                .await
                .expect("stale heartbeat")
        );
        assert!(jobs.complete(&live).await.expect("complete"));
        assert_eq!(jobs.counts().await.expect("counts"), JobCounts::default());

        jobs.enqueue(&job("z", 0), 0).await.expect("enqueue");
        jobs.claim("w", LEASE, 0)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(jobs.reclaim_all_running(1).await.expect("reclaim all"), 1);
        assert_eq!(jobs.counts().await.expect("counts").queued, 1);
    })
    .await;
}

#[tokio::test]
async fn a_job_whose_worker_keeps_dying_ends_dead() {
    each_backend(|store| async move {
        let jobs = store.jobs();
        let mut one_try = job("poison", 0);
        one_try.max_attempts = 1;
        jobs.enqueue(&one_try, 0).await.expect("enqueue");
        jobs.claim("w", Duration::from_millis(10), 0)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(jobs.reclaim_expired(100).await.expect("reclaim"), 1);
        assert_eq!(jobs.counts().await.expect("counts").dead, 1);
        assert!(jobs.last_error("poison").await.expect("error").is_some());
    })
    .await;
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_job() {
    each_backend(|store| async move {
        let total = 60;
        for i in 0..total {
            store
                .jobs()
                .enqueue(&job(&format!("c{i}"), 0), 0)
                .await
                .expect("enqueue");
        }
        let mut workers = Vec::new();
        for w in 0..4 {
            let store = store.clone();
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                let owner = format!("worker-{w}");
                while let Some(job) = store.jobs().claim(&owner, LEASE, 1).await.expect("claim") {
                    mine.push(job.id);
                    assert!(store.jobs().complete(&job).await.expect("complete"));
                }
                mine
            }));
        }
        let mut seen = HashSet::new();
        let mut claimed = 0;
        for worker in workers {
            for id in worker.await.expect("worker") {
                claimed += 1;
                assert!(seen.insert(id), "job {id} claimed twice");
            }
        }
        assert_eq!(claimed, total);
        assert_eq!(
            store.jobs().counts().await.expect("counts"),
            JobCounts::default()
        );
    })
    .await;
}
