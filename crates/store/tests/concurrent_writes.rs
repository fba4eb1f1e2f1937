//! Many writers at once, and reads while a write transaction is open, on every backend.

use std::collections::HashSet;
use std::time::Duration;
use tidings_store::testing::each_backend;
use tidings_store::{Job, NewJob, Store};

const WRITERS: usize = 32;
const JOBS_EACH: usize = 8;
const LEASE: Duration = Duration::from_secs(60);

fn job(writer: usize, n: usize) -> NewJob {
    NewJob {
        kind: "fetch_source".into(),
        key: Some(format!("w{writer}-j{n}")),
        payload: "{}".into(),
        run_at_ms: 0,
        max_attempts: 3,
    }
}

/// One writer's share: enqueue its jobs, then claim as many jobs (anyone's) and complete
/// them. Returns the jobs it completed.
async fn enqueue_then_work(store: Store, writer: usize) -> Vec<Job> {
    let jobs = store.jobs();
    for n in 0..JOBS_EACH {
        let id = jobs.enqueue(&job(writer, n), 1).await.expect("enqueue");
        assert!(id.is_some(), "a fresh key is queued");
    }
    let owner = format!("worker-{writer}");
    let mut done = Vec::new();
    for _ in 0..JOBS_EACH {
        let Some(claimed) = jobs.claim(&owner, LEASE, 2).await.expect("claim") else {
            break;
        };
        assert!(jobs.complete(&claimed).await.expect("complete"));
        done.push(claimed);
    }
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_writers_lose_and_repeat_no_job() {
    each_backend(|store| async move {
        let tasks: Vec<_> = (0..WRITERS)
            .map(|writer| tokio::spawn(enqueue_then_work(store.clone(), writer)))
            .collect();
        let mut completed = Vec::new();
        for task in tasks {
            completed.extend(task.await.expect("no writer fails"));
        }
        // Whatever the early claimers missed (they may run before the last enqueues) is
        // drained here, so every job is completed exactly once overall.
        while let Some(late) = store.jobs().claim("drain", LEASE, 2).await.expect("claim") {
            assert!(store.jobs().complete(&late).await.expect("complete"));
            completed.push(late);
        }
        let keys: HashSet<String> = completed.iter().filter_map(|j| j.key.clone()).collect();
        assert_eq!(completed.len(), WRITERS * JOBS_EACH, "each job once");
        assert_eq!(keys.len(), WRITERS * JOBS_EACH, "no job claimed twice");
        let counts = store.jobs().counts().await.expect("counts");
        assert_eq!((counts.queued, counts.running, counts.dead), (0, 0, 0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_on_while_a_write_transaction_is_open() {
    each_backend(|store| async move {
        store.jobs().enqueue(&job(0, 0), 1).await.expect("enqueue");
        // A batch of placements holds its write transaction open until it commits.
        let batch = store
            .stories()
            .begin()
            .await
            .expect("begin a write transaction");
        let counts = tokio::time::timeout(Duration::from_secs(5), store.jobs().counts())
            .await
            .expect("a read does not wait for the open write transaction")
            .expect("counts");
        assert_eq!(counts.queued, 1);
        let listed = tokio::time::timeout(Duration::from_secs(5), store.sources().list())
            .await
            .expect("a read does not wait for the open write transaction")
            .expect("sources");
        assert!(listed.is_empty());
        // A write meanwhile waits its turn and goes through once the transaction ends.
        let waiting = tokio::spawn({
            let store = store.clone();
            async move { store.jobs().enqueue(&job(0, 1), 1).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        batch.commit(0).await.expect("commit");
        let queued = waiting
            .await
            .expect("task")
            .expect("the waiting write succeeds");
        assert!(queued.is_some());
        assert_eq!(store.jobs().counts().await.expect("counts").queued, 2);
    })
    .await;
}
