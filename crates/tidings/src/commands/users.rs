//! `users`: create accounts (the first admin), list them, change roles.

use crate::settings::Settings;
use anyhow::{Context, bail};
use std::io::BufRead;
use std::path::Path;
use tidings_model::Role;
use tidings_store::{NewUser, Store};

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
    let display_name = display_name
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| name.to_string());
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
    for user in store.users().list().await? {
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
