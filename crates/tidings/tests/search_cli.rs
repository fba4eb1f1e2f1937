//! `tidings search` end to end: the demo corpus is ingested by a server, then searched,
//! checked and rebuilt from the command line; a deleted index comes back on the next search.

mod support;

use std::time::Duration;
use support::{Server, article_links, cli, cli_ok, wait_until};

#[test]
fn search_commands_have_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [
        vec!["search", "--help"],
        vec!["search", "rebuild", "--help"],
        vec!["search", "check", "--help"],
        vec!["bench", "search", "--help"],
    ] {
        let out = cli_ok(dir.path(), &args);
        assert!(out.contains("Usage: tidings"), "{args:?}: {out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_corpus_is_searchable_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let server = Server::start(d, &["--demo"]).await;
    wait_until("the demo articles", Duration::from_secs(60), || async {
        let (_, html) = server.get("/").await;
        article_links(&html).len() >= 30
    })
    .await;
    assert!(server.stop());

    let out = cli_ok(d, &["search", "wildfire", "Calder"]);
    assert!(
        out.contains("[wildfire]") || out.contains("[Wildfire]"),
        "{out}"
    );
    assert!(out.contains("Calder"), "{out}");
    let out = cli_ok(
        d,
        &[
            "search",
            "--sort",
            "date",
            "--facets",
            "earthquake OR wildfire -x",
        ],
    );
    assert!(out.contains("outlets: "), "{out}");
    let out = cli_ok(d, &["search", "check"]);
    assert!(out.contains("missing from the index: 0"), "{out}");
    assert!(out.contains("extra in the index: 0"), "{out}");
    let out = cli_ok(d, &["search", "rebuild"]);
    assert!(out.contains("rebuilt the tantivy index"), "{out}");

    // The index directory lost: the next search indexes everything again.
    std::fs::remove_dir_all(d.join("search")).expect("remove the index");
    let out = cli_ok(d, &["search", "wildfire", "Calder"]);
    assert!(out.contains("Calder"), "{out}");
    assert!(cli_ok(d, &["search", "check"]).contains("missing from the index: 0"));

    let bad = cli(d, &["search", "--sort", "sideways", "x"]);
    assert!(!bad.status.success());
}
