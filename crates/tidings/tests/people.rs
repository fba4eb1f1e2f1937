//! People through the binary: `tidings users create|list|set-role|set-password|reset-link`,
//! the `[people]` configuration (closed sign-up), and the first admin moderating on a served
//! site (which also checks that `serve` hands the web app the client's address and the
//! settings).

mod support;

use std::process::{Command, Stdio};
use support::{
    Server, binary, cli, cli_ok, get_as, log_in, open_store, set_cookie, token_after, try_log_in,
};

fn create_with_stdin(dir: &std::path::Path, args: &[&str], password: &str) -> std::process::Output {
    let args: Vec<&str> = ["users", "create"].iter().chain(args).copied().collect();
    with_stdin(dir, &args, password)
}

/// Runs `tidings ARGS` on the data directory with `input` on standard input.
fn with_stdin(dir: &std::path::Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(binary())
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
        .write_all(input.as_bytes())
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
    // Nor may a display name pass for another account's name.
    let fake = create_with_stdin(
        dir.path(),
        &["carol", "--display-name", "R00T"],
        "another long password\n",
    );
    assert!(!fake.status.success(), "a display name passing for root's");
    assert!(
        String::from_utf8_lossy(&fake.stderr).contains("passes for another account's name"),
        "{}",
        String::from_utf8_lossy(&fake.stderr)
    );
    let control = create_with_stdin(
        dir.path(),
        &["carol", "--display-name", "Carol\u{7}"],
        "another long password\n",
    );
    assert!(
        !control.status.success(),
        "a display name with a control character"
    );
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

#[tokio::test]
async fn a_forgotten_password_is_set_or_reset_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old");
    std::fs::write(&old, "the forgotten password\n").expect("write");
    let old = old.to_str().expect("utf-8");
    cli_ok(
        dir.path(),
        &["users", "create", "bob", "--password-file", old],
    );
    let server = Server::start(dir.path(), &[]).await;
    let session = log_in(&server, "bob", "the forgotten password").await;
    assert_eq!(get_as(&server, &session, "/account").await.0, 200);

    let weak = with_stdin(dir.path(), &["users", "set-password", "bob"], "short\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 10 characters"));
    let nobody = with_stdin(
        dir.path(),
        &["users", "set-password", "nobody"],
        "long enough pw\n",
    );
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no account named"));
    let set = with_stdin(
        dir.path(),
        &["users", "set-password", "bob"],
        "the operator's new one\n",
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(String::from_utf8_lossy(&set.stdout).contains("bob's password is set"));
    assert_eq!(
        get_as(&server, &session, "/account").await.0,
        303,
        "the old session ended"
    );
    assert_eq!(
        try_log_in(&server, "bob", "the forgotten password").await.0,
        401
    );
    log_in(&server, "bob", "the operator's new one").await;

    // Without a base_url, the link starts with the listen address, and says so.
    let out = cli(dir.path(), &["users", "reset-link", "bob"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("http://127.0.0.1:8080/reset/"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("No base_url is configured"));
    assert!(
        !cli(dir.path(), &["users", "reset-link", "bob", "--hours", "0"])
            .status
            .success()
    );

    // With the server's address as base_url, the printed link works as it is.
    let config = dir.path().join("cli.toml");
    std::fs::write(&config, format!("base_url = \"{}\"\n", server.base)).expect("config");
    let config = config.to_str().expect("utf-8");
    let out = cli_ok(
        dir.path(),
        &[
            "--config",
            config,
            "users",
            "reset-link",
            "bob",
            "--hours",
            "2",
        ],
    );
    let link = out.trim();
    assert!(
        link.starts_with(&format!("{}/reset/", server.base)),
        "{link}"
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = http.get(link).send().await.expect("GET the link");
    assert_eq!(page.status().as_u16(), 200);
    let nonce = set_cookie(&page, "tidings_csrf").expect("a nonce cookie");
    let token = token_after(&page.text().await.expect("body"), "action=\"/reset/");
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", token.as_str()),
            ("password", "chosen by bob himself"),
            ("confirm", "chosen by bob himself"),
        ])
        .finish();
    let done = http
        .post(link)
        .header("cookie", format!("tidings_csrf={nonce}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("POST the link");
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(
        try_log_in(&server, "bob", "the operator's new one").await.0,
        401
    );
    log_in(&server, "bob", "chosen by bob himself").await;

    let store = open_store(dir.path()).await;
    let actions: Vec<(String, Option<i64>)> = store
        .moderation()
        .log_entries(10)
        .await
        .expect("log")
        .into_iter()
        .map(|e| (e.action, e.moderator_id.map(|m| m.0)))
        .collect();
    for action in ["password", "reset-link"] {
        assert!(
            actions.contains(&(action.to_string(), None)),
            "{action} by the command line: {actions:?}"
        );
    }
    store.close().await;
    assert!(server.stop());
}

#[tokio::test]
async fn set_password_revokes_the_api_keys_only_with_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("first");
    std::fs::write(&first, "the first password\n").expect("write");
    let first = first.to_str().expect("utf-8");
    for name in ["bob", "cleo"] {
        cli_ok(
            dir.path(),
            &["users", "create", name, "--password-file", first],
        );
    }
    let store = open_store(dir.path()).await;
    let id = |name: &'static str| {
        let store = store.clone();
        async move {
            store
                .users()
                .credentials(name)
                .await
                .expect("read")
                .expect("account")
                .user
                .id
        }
    };
    let (bob, cleo) = (id("bob").await, id("cleo").await);
    for (who, label) in [(bob, "phone"), (bob, "tablet"), (cleo, "cleo's")] {
        store
            .api_keys()
            .create(who, label, &format!("t-{label}"), &format!("f-{label}"), 1)
            .await
            .expect("key");
    }
    let keys = |who| {
        let store = store.clone();
        async move { store.api_keys().count(who).await.expect("count") }
    };

    let kept = with_stdin(
        dir.path(),
        &["users", "set-password", "bob"],
        "the operator's new one\n",
    );
    assert!(
        kept.status.success(),
        "{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    assert!(String::from_utf8_lossy(&kept.stdout).contains("its API keys stay"));
    assert_eq!(keys(bob).await, 2, "without the flag the keys stay");

    let revoked = with_stdin(
        dir.path(),
        &["users", "set-password", "bob", "--revoke-api-keys"],
        "and another new one\n",
    );
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert!(
        String::from_utf8_lossy(&revoked.stdout).contains("its 2 API key(s) revoked"),
        "{}",
        String::from_utf8_lossy(&revoked.stdout)
    );
    assert_eq!(keys(bob).await, 0, "with the flag every key is revoked");
    assert_eq!(keys(cleo).await, 1, "another account's key stays");
    let log = store.moderation().log_entries(5).await.expect("log");
    assert_eq!(log[0].action, "password");
    assert_eq!(log[0].user_id, Some(bob));
    assert_eq!(log[0].note, "API keys revoked: 2");
    assert_eq!(log[1].action, "password");
    assert_eq!(log[1].note, "");
    store.close().await;
}
