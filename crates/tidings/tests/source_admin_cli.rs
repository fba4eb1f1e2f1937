//! `tidings sources pause|resume|edit`: every source named is looked up first, so a typo
//! changes nothing; a paused source is listed as such and not due, a resumed one is due at
//! once; an edit to another source's address is refused and changes nothing; each change is
//! in the moderation log with no moderator.

mod support;

use support::{cli, cli_ok};
use tidings_model::SourceId;

const FAR: i64 = 4_000_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_are_paused_resumed_and_edited_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    cli_ok(
        d,
        &[
            "sources",
            "add",
            "https://a.example/feed.xml",
            "--name",
            "A",
        ],
    );
    cli_ok(d, &["sources", "add", "https://b.example/rss"]);

    let typo = cli(d, &["sources", "pause", "1", "99"]);
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("no source \"99\""));
    assert!(
        !cli_ok(d, &["sources", "list"]).contains("paused"),
        "nothing paused"
    );

    let paused = cli_ok(d, &["sources", "pause", "1", "https://b.example/rss"]);
    assert!(
        paused.contains("Paused: not fetched until resumed: source 1"),
        "{paused}"
    );
    assert!(paused.contains("source 2"), "{paused}");
    let list = cli_ok(d, &["sources", "list"]);
    assert!(
        list.contains("paused") && list.contains("2 sources, 0 failing"),
        "{list}"
    );
    {
        let store = support::open_store(d).await;
        assert!(store.sources().due(FAR, 10).await.expect("due").is_empty());
        store.close().await;
    }
    let resumed = cli_ok(d, &["sources", "resume", "1"]);
    assert!(resumed.contains("Resumed"), "{resumed}");

    let taken = cli(
        d,
        &[
            "sources",
            "edit",
            "1",
            "--name",
            "Renamed",
            "--url",
            "https://b.example/rss",
        ],
    );
    assert!(!taken.status.success());
    let said = String::from_utf8_lossy(&taken.stderr);
    assert!(
        said.contains("already another source's address (source 2)"),
        "{said}"
    );
    let nothing = cli(d, &["sources", "edit", "1"]);
    assert!(
        !nothing.status.success(),
        "an edit needs something to change"
    );

    let edited = cli_ok(
        d,
        &[
            "sources",
            "edit",
            "1",
            "--name",
            "A News",
            "--section",
            "Europe",
            "--url",
            "https://a.example/rss",
        ],
    );
    assert!(
        edited.contains("fetched at the next scheduler tick"),
        "{edited}"
    );

    let store = support::open_store(d).await;
    let a = store
        .sources()
        .get(SourceId(1))
        .await
        .expect("read")
        .expect("a");
    assert_eq!(
        (
            a.name.as_str(),
            a.category.as_deref(),
            a.url.as_str(),
            a.paused_at
        ),
        ("A News", Some("Europe"), "https://a.example/rss", None)
    );
    let b = store
        .sources()
        .get(SourceId(2))
        .await
        .expect("read")
        .expect("b");
    assert!(b.paused_at.is_some(), "b stays paused");
    assert_eq!(
        store.sources().due(FAR, 10).await.expect("due"),
        vec![SourceId(1)]
    );

    let mut log = store.moderation().log_entries(20).await.expect("log");
    log.reverse();
    let lines: Vec<(String, Option<i64>)> = log
        .iter()
        .filter(|e| e.action != "source-add")
        .map(|e| {
            assert_eq!(e.moderator_id, None, "the command line has no moderator");
            (e.action.clone(), e.source_id.map(|s| s.0))
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("source-pause".into(), Some(1)),
            ("source-pause".into(), Some(2)),
            ("source-resume".into(), Some(1)),
            ("source-edit".into(), Some(1)),
        ]
    );
    store.close().await;
}
