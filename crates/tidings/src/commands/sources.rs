//! `sources add|list|remove|display|refresh`, `import-opml` and `export-opml` (`sources
//! approve|reject` are in [`super::source_review`]; `pause`, `resume` and `edit` in
//! [`super::source_admin`]). Every change is written to the moderation log as the site's
//! admin pages write it, with no moderator (shown as "(command line)"), so `/moderation` tells
//! who changed the sources and when.

use super::now_secs;
use super::source_review;
use anyhow::{Context, bail};
use std::path::Path;
use tidings_feeds::{Outline, parse_opml, write_opml};
use tidings_model::{Source, SourceId};
use tidings_store::{NewSource, Store, StoreError};

/// Adds one feed. `fetches_private` says whether the settings this command read let the
/// server fetch private addresses; when they do not, a certainly private address is added
/// with a warning (the server may still be started with `--allow-private-addresses`).
pub(crate) async fn add(
    store: &Store,
    url: &str,
    name: Option<String>,
    category: Option<String>,
    fetches_private: bool,
) -> anyhow::Result<()> {
    let url = check_feed_url(url)?;
    if !fetches_private
        && let Err(refused @ tidings_fetch::FeedUrlError::PrivateAddress(_)) =
            tidings_fetch::check_feed_url(&url, tidings_fetch::FeedUrlPolicy::PublicOnly)
    {
        eprintln!(
            "Warning: {refused}. A server started with --allow-private-addresses, or with \
             allow_private_addresses = true under [fetch], fetches it; any other fails at \
             every fetch."
        );
    }
    let new = NewSource {
        url,
        name: name.unwrap_or_default(),
        category,
        ..NewSource::default()
    };
    match store.sources().add(&new, now_secs()).await {
        Ok(source) => {
            store
                .moderation()
                .log_source(
                    None,
                    "source-add",
                    source.id,
                    &source.public_url(),
                    now_secs(),
                )
                .await?;
            println!("Added source {}: {}", source.id, source.url);
            if source.url_carries_credentials() {
                println!("{CREDENTIALS_NOTE}");
            }
            Ok(())
        }
        Err(StoreError::AlreadyExists(_)) => bail!("{} is already a source", new.url),
        Err(err) => Err(err.into()),
    }
}

/// What the command line says of a feed address that carries credentials.
pub(crate) const CREDENTIALS_NOTE: &str = "       This address carries credentials (a password or a secret query parameter): \
     readers, the API, feeds and exports see it without them.";

/// Accepts the bundled `demo:` URLs and what [`tidings_fetch::check_feed_url`] accepts (any
/// http(s) URL: the fetcher's guard refuses private addresses at fetch time unless the server
/// allows them, which this command cannot know).
pub(crate) fn check_feed_url(url: &str) -> anyhow::Result<String> {
    let url = url.trim();
    if url.starts_with("demo:") {
        return Ok(url.to_string());
    }
    Ok(tidings_fetch::check_feed_url(
        url,
        tidings_fetch::FeedUrlPolicy::Any,
    )?)
}

/// Prints every source and how its last fetch went, then those awaiting review.
pub(crate) async fn list(store: &Store) -> anyhow::Result<()> {
    let sources = store.sources().list().await?;
    let awaiting = store.sources().awaiting_review().await?;
    if sources.is_empty() {
        println!("No sources. Add one with `tidings sources add URL`.");
        source_review::print_awaiting(&awaiting);
        return Ok(());
    }
    let now = now_secs();
    let pushes = store.websub().by_source().await?;
    println!(
        "{:>5}  {:<6}  {:<14}  {:<14}  {:<7}  {:<28}  URL",
        "ID", "STATUS", "LAST FETCH", "NEXT FETCH", "PUSH", "NAME"
    );
    for source in &sources {
        let last = source
            .fetch
            .last_fetch_at
            .map(|t| tidings_web::relative_age(t, now))
            .unwrap_or_else(|| "never".to_string());
        // WebSub: `active` while the hub's lease runs, else the subscription's state.
        let sub = pushes.get(&source.id);
        let push = match sub {
            Some(sub) if sub.is_pushing(now) => "active",
            Some(sub) if sub.state == tidings_store::PushState::Active => "expired",
            Some(sub) => sub.state.as_str(),
            None => "-",
        };
        println!(
            "{:>5}  {:<6}  {:<14}  {:<14}  {:<7}  {:<28}  {}",
            source.id,
            source.status(),
            last,
            match source.status() {
                "gone" => "never (gone)".to_string(),
                "paused" => "- (paused)".to_string(),
                _ => time_until(source.next_fetch_at, now),
            },
            push,
            truncate(&source.name, 28),
            source.url
        );
        if source.url_carries_credentials() {
            println!("{CREDENTIALS_NOTE}");
        }
        if let Some(error) = &source.fetch.last_error {
            let streak = match source.fetch.error_count {
                n if n > 1 => format!(" ({n} failures in a row)"),
                _ => String::new(),
            };
            println!("       error: {error}{streak}");
        }
        if let Some(skipped) = source.fetch.skipped_no_link_note() {
            println!("       {skipped}");
        }
        // Why it is not pushed: a refused (plain-http) hub, a denial, a failing hub.
        if let Some(sub) = sub
            && sub.state == tidings_store::PushState::Failed
            && let Some(error) = &sub.last_error
        {
            println!("       push: {error}");
        }
    }
    let failing = sources.iter().filter(|s| s.status() == "error").count();
    let waiting = match awaiting.len() {
        0 => String::new(),
        n => format!(", {n} awaiting review"),
    };
    println!("{} sources, {} failing{waiting}", sources.len(), failing);
    source_review::print_awaiting(&awaiting);
    Ok(())
}

/// "now", "in 5 min", "in 3 h", "in 2 d".
fn time_until(at: i64, now: i64) -> String {
    match at - now {
        s if s <= 0 => "now".to_string(),
        s if s < 3_600 => format!("in {} min", (s + 59) / 60),
        s if s < 86_400 => format!("in {} h", s / 3_600),
        s => format!("in {} d", s / 86_400),
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Removes sources named by id or URL. Every name is looked up first, so a typo removes
/// nothing.
pub(crate) async fn remove(store: &Store, which: &[String]) -> anyhow::Result<()> {
    let mut sources = Vec::with_capacity(which.len());
    for name in which {
        sources.push(find(store, name).await?);
    }
    for source in sources {
        store
            .sources()
            .remove_logged(source.id, None, now_secs())
            .await?;
        println!("Removed source {}: {}", source.id, source.url);
    }
    Ok(())
}

/// Sets a source's display policy (`full`, `excerpt`, or `default`).
pub(crate) async fn display(store: &Store, which: &str, policy: &str) -> anyhow::Result<()> {
    let source = find(store, which).await?;
    let value = match policy.trim() {
        "default" => None,
        other => Some(
            tidings_web::DisplayPolicy::parse(other)
                .with_context(|| {
                    format!("the policy must be full, excerpt or default, not {other:?}")
                })?
                .name(),
        ),
    };
    store.sources().set_display(source.id, value).await?;
    store
        .moderation()
        .log_source(
            None,
            "source-display",
            source.id,
            value.unwrap_or("default"),
            now_secs(),
        )
        .await?;
    println!(
        "Source {} ({}) now shows {}.",
        source.id,
        source.url,
        value.map_or("what the instance's display setting says", |v| match v {
            "full" => "articles in full",
            _ => "excerpts with a link to the publisher",
        })
    );
    Ok(())
}

/// Makes one source, or every source, due now.
pub(crate) async fn refresh(store: &Store, which: Option<&str>) -> anyhow::Result<()> {
    let id = match which {
        Some(which) => Some(find(store, which).await?.id),
        None => None,
    };
    let touched = store.sources().make_due(id, now_secs()).await?;
    let log = store.moderation();
    match id {
        Some(id) => {
            log.log_source(None, "source-refresh", id, "", now_secs())
                .await?
        }
        None => {
            let note = format!("every source ({touched})");
            log.log(None, "source-refresh", None, None, &note, now_secs())
                .await?
        }
    }
    let noun = if touched == 1 { "source" } else { "sources" };
    println!("{touched} {noun} will be fetched at the next scheduler tick.");
    Ok(())
}

/// The source `which` names, by id or feed URL; an error that says how to list them when it
/// names none.
pub(crate) async fn find(store: &Store, which: &str) -> anyhow::Result<Source> {
    let found = match which.parse::<i64>() {
        Ok(id) => store.sources().get(SourceId(id)).await?,
        Err(_) => store.sources().find_by_url(which.trim()).await?,
    };
    found.with_context(|| format!("no source {which:?}; `tidings sources list` shows them"))
}

/// Adds every feed of an OPML file. Returns how many were added and how many were present.
pub(crate) async fn import_opml(store: &Store, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let outlines =
        parse_opml(&text).with_context(|| format!("cannot import {}", file.display()))?;
    let (added, present) = add_outlines(store, &outlines).await?;
    let note = format!("{}: {added} added, {present} present", file.display());
    store
        .moderation()
        .log(None, "source-import", None, None, &note, now_secs())
        .await?;
    println!(
        "Imported {added} sources from {} ({present} already present).",
        file.display()
    );
    Ok(())
}

/// Adds outlines as sources in one transaction (all or, on a database error, none), skipping
/// those already present and those without a usable URL. Returns how many were added and how
/// many were present.
pub(crate) async fn add_outlines(
    store: &Store,
    outlines: &[Outline],
) -> anyhow::Result<(usize, usize)> {
    let mut new = Vec::with_capacity(outlines.len());
    for outline in outlines {
        let Ok(url) = check_feed_url(&outline.url) else {
            tracing::warn!(url = %outline.url, "skipped an outline without an http(s) URL");
            continue;
        };
        new.push(NewSource {
            url,
            name: outline.title.clone(),
            site_url: outline
                .site_url
                .clone()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            category: outline.category.clone(),
            language: outline.language.clone(),
        });
    }
    let added = store.sources().add_all(&new, now_secs()).await?;
    Ok((added, new.len() - added))
}

/// Writes every source as OPML: feed addresses without their credentials unless
/// `with_credentials` (an OPML file is made to be shared; a backup keeps them anyway).
pub(crate) async fn export_opml(
    store: &Store,
    file: Option<&Path>,
    with_credentials: bool,
) -> anyhow::Result<()> {
    let sources = store.sources().list().await?;
    let credentialed = sources
        .iter()
        .filter(|s| s.url_carries_credentials())
        .count();
    let outlines: Vec<Outline> = sources
        .into_iter()
        .map(|s| Outline {
            title: s.display_name().into_owned(),
            url: if with_credentials {
                s.url.clone()
            } else {
                s.public_url()
            },
            site_url: s.site_url,
            category: s.category,
            language: s.language,
        })
        .collect();
    let text = write_opml("Tidings sources", &outlines)?;
    match file {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Exported {} sources to {}.", outlines.len(), path.display());
        }
        None => println!("{text}"),
    }
    if credentialed > 0 && !with_credentials {
        eprintln!(
            "{credentialed} feed address(es) carry credentials, left out of the export \
             (--with-credentials keeps them)."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_feed_url;

    #[test]
    fn next_fetches_read_naturally() {
        use super::time_until;
        assert_eq!(time_until(100, 200), "now");
        assert_eq!(time_until(290, 200), "in 2 min");
        assert_eq!(time_until(200 + 7_200, 200), "in 2 h");
        assert_eq!(time_until(200 + 3 * 86_400, 200), "in 3 d");
    }

    #[test]
    fn only_web_and_demo_urls_are_sources() {
        assert_eq!(
            check_feed_url(" https://example.org/feed ").expect("ok"),
            "https://example.org/feed"
        );
        assert!(check_feed_url("demo:meridian-wire.xml").is_ok());
        assert!(check_feed_url("ftp://example.org/feed").is_err());
        assert!(check_feed_url("not a url").is_err());
        assert!(check_feed_url("file:///etc/passwd").is_err());
    }
}
