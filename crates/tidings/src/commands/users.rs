//! `users`: create accounts (the first admin), list them, change roles, set a password, and
//! make a password reset link for an account's owner.

use crate::settings::Settings;
use anyhow::{Context, bail};
use std::io::BufRead;
use std::path::Path;
use tidings_model::{AccountState, Role};
use tidings_store::{Credentials, NewUser, Store};

/// The role the flags ask for.
pub(crate) fn role_of(admin: bool, moderator: bool) -> Role {
    if admin {
        Role::Admin
    } else if moderator {
        Role::Moderator
    } else {
        Role::Reader
    }
}

/// The first line of a file or of standard input, without its line ending.
fn read_password(file: Option<&Path>) -> anyhow::Result<String> {
    let mut line = String::new();
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the password file {}", path.display()))?;
            line = text.lines().next().unwrap_or_default().to_string();
        }
        None => {
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
        }
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// `users create`.
pub(crate) async fn create(
    store: &Store,
    settings: &Settings,
    name: &str,
    role: Role,
    password_file: Option<&Path>,
    display_name: Option<String>,
) -> anyhow::Result<()> {
    let password = read_password(password_file)?;
    let hash =
        tidings_web::people::hash_password(name, &password, settings.people.password_memory_kib)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let display_name = match display_name.filter(|d| !d.trim().is_empty()) {
        Some(given) => tidings_web::people::clean_display_name(&given)
            .map_err(|problem| anyhow::anyhow!("{problem}"))?,
        None => name.to_string(),
    };
    let user = store
        .users()
        .create(
            &NewUser {
                name: name.to_string(),
                display_name,
                password_hash: hash,
                role,
            },
            super::now_secs(),
        )
        .await?;
    store
        .moderation()
        .log(
            None,
            "create",
            None,
            Some(user.id),
            role.as_str(),
            super::now_secs(),
        )
        .await?;
    println!(
        "created {} ({}) with id {}",
        user.name,
        role.as_str(),
        user.id
    );
    Ok(())
}

/// `users list`.
pub(crate) async fn list(store: &Store) -> anyhow::Result<()> {
    let users = store.users().list().await?;
    if users.is_empty() {
        println!("No accounts. Create the first admin with `tidings users create NAME --admin`.");
        return Ok(());
    }
    println!("ID\tNAME\tROLE\tSTATE\tDISPLAY NAME");
    for user in users {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            user.id,
            user.name,
            user.role.as_str(),
            user.state.as_str(),
            user.display_name
        );
    }
    Ok(())
}

/// `users set-role`: refused when it would demote the last active admin.
pub(crate) async fn set_role(store: &Store, name: &str, role: &str) -> anyhow::Result<()> {
    let Some(role) = Role::parse(role) else {
        bail!("unknown role {role:?}: use reader, moderator or admin");
    };
    let Some(creds) = store.users().credentials(name).await? else {
        bail!("no account named {name:?}");
    };
    if !store.users().set_role(creds.user.id, role).await? {
        bail!(
            "{} is the last admin: make another account admin first",
            creds.user.name
        );
    }
    store
        .moderation()
        .log(
            None,
            "role",
            None,
            Some(creds.user.id),
            role.as_str(),
            super::now_secs(),
        )
        .await?;
    println!("{} is now {}", creds.user.name, role.as_str());
    Ok(())
}

/// The account named `name`, or an error saying there is none.
async fn account(store: &Store, name: &str) -> anyhow::Result<Credentials> {
    match store.users().credentials(name).await? {
        Some(creds) => Ok(creds),
        None => bail!("no account named {name:?}"),
    }
}

/// `users set-password`: the password as `users create` reads it, by the sign-up rules;
/// ends every session of the account (and with `revoke_api_keys` revokes every API key of
/// it, in the same transaction) and logs `password`, noting the keys revoked.
pub(crate) async fn set_password(
    store: &Store,
    settings: &Settings,
    name: &str,
    password_file: Option<&Path>,
    revoke_api_keys: bool,
) -> anyhow::Result<()> {
    let creds = account(store, name).await?;
    let password = read_password(password_file)?;
    let hash = tidings_web::people::hash_password(
        &creds.user.name,
        &password,
        settings.people.password_memory_kib,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = super::now_secs();
    let ended = store
        .users()
        .set_password_revoking(creds.user.id, &hash, None, now, revoke_api_keys)
        .await?;
    let note = if revoke_api_keys {
        format!("API keys revoked: {}", ended.api_keys)
    } else {
        String::new()
    };
    store
        .moderation()
        .log(None, "password", None, Some(creds.user.id), &note, now)
        .await?;
    if revoke_api_keys {
        println!(
            "{}'s password is set; every session of it ended and its {} API key(s) revoked",
            creds.user.name, ended.api_keys
        );
    } else {
        println!(
            "{}'s password is set; every session of it ended (its API keys stay)",
            creds.user.name
        );
    }
    Ok(())
}

/// `users reset-link`: prints a one-time link (on standard output alone, for scripts) that
/// works for `hours`, and on standard error until when and, without a `base_url`, what to
/// check in it.
pub(crate) async fn reset_link(
    store: &Store,
    settings: &Settings,
    name: &str,
    hours: i64,
) -> anyhow::Result<()> {
    let creds = account(store, name).await?;
    if creds.user.state != AccountState::Active {
        bail!(
            "{} is banned: lift the ban first, or the link would be refused",
            creds.user.name
        );
    }
    let made = tidings_web::people::password_reset::make_reset_link(
        store,
        creds.user.id,
        hours,
        None,
        super::now_secs(),
    )
    .await?;
    let base = match &settings.base_url {
        Some(base) => base.clone(),
        None => format!("http://{}", settings.listen),
    };
    println!("{base}{}", made.path);
    eprintln!(
        "Hand this link to {} privately. It works once, until {}; a new link ends it.",
        creds.user.name,
        tidings_web::exact_time(made.expires_at)
    );
    if settings.base_url.is_none() {
        eprintln!(
            "No base_url is configured, so the link starts with the listen address ({base}): \
             if readers reach the site at another address, put that in front of {} instead.",
            made.path
        );
    }
    Ok(())
}
