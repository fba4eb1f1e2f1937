//! The JSON API fuzzed from its own OpenAPI document by schemathesis (the PyPI package,
//! installed into `target/tmp/schemathesis` on first use): against `serve --demo`, every phase
//! (coverage, fuzzing, stateful links) with the `not_a_server_error` check. The document must
//! load and no generated request may get a 5xx answer.
//!
//! Without Python's venv and pip the test says so and passes on a developer's machine, but
//! fails in CI (`CI` set).

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use support::{Server, article_links, wait_until};

/// The schemathesis command, installed into a virtual environment under `target/tmp`.
fn schemathesis() -> Option<PathBuf> {
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("schemathesis");
    let binary = venv.join("bin/schemathesis");
    if !binary.exists() {
        let installed = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "schemathesis>=4,<5"])
                .status()
                .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                std::env::var_os("CI").is_none(),
                "schemathesis could not be installed with pip into {}",
                venv.display()
            );
            eprintln!("API fuzzing not run: pip could not install schemathesis");
            return None;
        }
    }
    Some(binary)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_in_the_api() {
    let Some(schemathesis) = schemathesis() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    // The fuzzer sends far more than the default 600 API requests a minute from one
    // address: with the limit on, most cases would be answered 429 and test nothing else.
    let config = dir.path().join("unlimited.toml");
    std::fs::write(&config, "[people.limits]\napi_per_minute_per_ip = 0\n").expect("config");
    let config = config.to_string_lossy().into_owned();
    let server = Server::start(dir.path(), &["--demo", "--config", &config]).await;
    wait_until("the demo articles", Duration::from_secs(60), || async {
        article_links(&server.get("/").await.1).len() >= 30
    })
    .await;
    let out = tokio::task::spawn_blocking({
        let document = server.url("/api/v1/openapi.json");
        move || {
            // schemathesis keeps a `.schemathesis/` cache in its working directory: under
            // `target/`, not in the source tree.
            Command::new(schemathesis)
                .current_dir(env!("CARGO_TARGET_TMPDIR"))
                .args(["run", &document, "--checks", "not_a_server_error"])
                .args(["--max-examples", "40", "--seed", "1"])
                .output()
                .expect("run schemathesis")
        }
    })
    .await
    .expect("schemathesis finished");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found problems:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every generated case passed. (Posting a comment needs a session, so those two
    // operations answer 401 to the fuzzer, which it reports as a warning, not a failure.)
    let summary = report
        .lines()
        .find(|l| l.contains(" generated, "))
        .unwrap_or_default();
    let counts: Vec<u64> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        counts.len() == 2
            && counts[0] > 100
            && counts[0] == counts[1]
            && summary.contains("passed"),
        "not every case passed: {summary:?}\n{report}"
    );
    assert!(server.stop());
}
