//! People through the binary: `tidings users create|list|set-role`, the `[people]`
//! configuration (closed sign-up), and the first admin moderating on a served site (which
//! also checks that `serve` hands the web app the client's address and the settings).

mod support;

use std::process::{Command, Stdio};
use support::{Server, binary, cli, cli_ok, log_in};

fn create_with_stdin(dir: &std::path::Path, args: &[&str], password: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(binary())
        .args(["users", "create"])
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("TIDINGS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tidings");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(password.as_bytes())
        .expect("write the password");
    child.wait_with_output().expect("wait")
}

#[tokio::test]
async fn the_first_admin_comes_from_the_command_line_and_sign_up_can_be_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = create_with_stdin(dir.path(), &["--admin", "root"], "correct horse battery\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created root (admin)"));
    let weak = create_with_stdin(dir.path(), &["bob"], "short\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 10 characters"));
    let again = create_with_stdin(dir.path(), &["ROOT"], "another long password\n");
    assert!(!again.status.success(), "names are unique without case");
    let password = dir.path().join("pw");
    std::fs::write(&password, "a reader's password\n").expect("write");
    cli_ok(
        dir.path(),
        &[
            "users",
            "create",
            "reader1",
            "--password-file",
            password.to_str().expect("utf-8"),
        ],
    );
    cli_ok(dir.path(), &["users", "set-role", "reader1", "moderator"]);
    let list = cli_ok(dir.path(), &["users", "list"]);
    assert!(list.contains("root\tadmin\tactive"), "{list}");
    assert!(list.contains("reader1\tmoderator\tactive"), "{list}");
    assert!(
        !cli(dir.path(), &["users", "set-role", "reader1", "emperor"])
            .status
            .success()
    );
    let last = cli(dir.path(), &["users", "set-role", "root", "reader"]);
    assert!(!last.status.success(), "the last admin stays one");
    assert!(
        String::from_utf8_lossy(&last.stderr).contains("root is the last admin"),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    assert!(cli_ok(dir.path(), &["users", "list"]).contains("root\tadmin\tactive"));

    let config = dir.path().join("tidings.toml");
    std::fs::write(&config, "[people]\nsignup_open = false\n").expect("config");
    let server = Server::start(dir.path(), &["--config", config.to_str().expect("utf-8")]).await;
    let (status, page) = server.get("/signup").await;
    assert_eq!(status, 200);
    assert!(page.contains("Sign-up is closed"));

    let session = log_in(&server, "root", "correct horse battery").await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let moderation = http
        .get(server.url("/moderation"))
        .header("cookie", format!("tidings_session={session}"))
        .send()
        .await
        .expect("GET /moderation");
    assert_eq!(moderation.status().as_u16(), 200);
    let page = moderation.text().await.expect("body");
    assert!(page.contains("Nothing is waiting"));
    assert!(
        page.contains("(command line)") && page.contains("<td>role</td>"),
        "the CLI's role change is logged"
    );

    // The operator's page is the admin's alone: anyone else is sent to log in.
    let operator = http
        .get(server.url("/operator"))
        .header("cookie", format!("tidings_session={session}"))
        .send()
        .await
        .expect("GET /operator");
    assert_eq!(operator.status().as_u16(), 200);
    let page = operator.text().await.expect("body");
    assert!(page.contains("<h1 class=\"page-title\">Operator</h1>"));
    assert!(
        page.contains("Waiting for a story</dt><dd>0 articles"),
        "{page}"
    );
    let anonymous = http
        .get(server.url("/operator"))
        .send()
        .await
        .expect("GET /operator");
    assert_eq!(anonymous.status().as_u16(), 303);
    assert_eq!(
        anonymous.headers()["location"].to_str().expect("ascii"),
        "/login?next=/operator"
    );
    assert!(server.stop());
}
