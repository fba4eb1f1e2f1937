//! The `fetch_icon` job: after a successful fetch of a source whose icon is missing or old,
//! find its icon (the feed's own images, its home page's icon links, `/favicon.ico`: see
//! [`tidings_feeds::icon_candidates`]), fetch it through the same careful fetcher as feeds,
//! and store it. Low priority: queued a minute out, so the feeds due now are fetched first,
//! and never a reason for the feed's fetch to fail or wait.

use crate::time::{now_ms, now_secs};
use crate::{Pipeline, PipelineError, Task};
use base64::Engine;
use sha2::{Digest, Sha256};
use tidings_fetch::Fetched;
use tidings_model::{Source, SourceId, UnixSeconds};
use tidings_store::NewIcon;

/// The largest icon accepted, in bytes; a larger one is no icon (a 16 px icon needs far
/// less, and each is kept in the database and sent to reader apps in base64).
pub const MAX_ICON_BYTES: usize = 64 * 1024;

/// The most of a home page read for its icon links (they are in its head).
const MAX_HOME_PAGE_BYTES: usize = 1024 * 1024;

/// How old a stored icon gets before it is fetched again.
pub const ICON_REFRESH_SECS: UnixSeconds = 7 * 24 * 3600;

/// How long after a failed attempt the icon is tried again (not at every poll).
pub const ICON_RETRY_SECS: UnixSeconds = 24 * 3600;

/// How far in the future the job is queued: the jobs due before it (the feeds) go first.
const ICON_DELAY_MS: i64 = 60_000;

/// The type of an image, decided by its first bytes, for the formats a browser and a
/// reader app show as an icon: PNG, ICO, GIF, JPEG, WebP. Anything else is none, whatever
/// its `Content-Type` said. SVG is refused on purpose: it is a document that can carry
/// script, and it is served from this site's own origin.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0, 0, 1, 0]) && bytes.len() > 6 {
        Some("image/x-icon")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The icon to store for `bytes`, when they are an accepted image no larger than
/// [`MAX_ICON_BYTES`]: its type, its base64, its hex SHA-256 (the `ETag`) and the integer
/// id the reader APIs use (the hash's first 53 bits, so that JavaScript clients read it
/// exactly; never 0, which some apps take for "no icon").
pub fn icon_of(bytes: &[u8]) -> Result<NewIcon, String> {
    if bytes.len() > MAX_ICON_BYTES {
        return Err(format!("larger than {MAX_ICON_BYTES} bytes"));
    }
    let content_type =
        image_type(bytes).ok_or("not a PNG, ICO, GIF, JPEG or WebP image (SVG is refused)")?;
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let icon_id = i64::try_from((u64::from_be_bytes(first) >> 11).max(1)).unwrap_or(1);
    Ok(NewIcon {
        content_type: content_type.to_string(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        hash: digest.iter().map(|b| format!("{b:02x}")).collect(),
        icon_id,
    })
}

/// Queues the icon job for `source` after a successful fetch of its feed, when its icon is
/// due ([`tidings_store::SourceIcons::is_due`]); `feed_images` are the feed's own images.
/// Bundled (demo) sources are offline and get none, and nothing is queued with
/// [`crate::PipelineSettings::fetch_icons`] off. Whatever goes wrong here is logged and
/// left: the feed's fetch went well and stays so.
pub(crate) async fn queue_if_due(pipeline: &Pipeline, source: &Source, feed_images: &[String]) {
    if !pipeline.settings.fetch_icons || pipeline.bundled.contains_key(&source.url) {
        return;
    }
    let queued = async {
        let due = pipeline
            .store
            .source_icons()
            .is_due(source.id, now_secs(), ICON_REFRESH_SECS, ICON_RETRY_SECS)
            .await?;
        if due {
            let task = Task::FetchIcon {
                source_id: source.id,
                feed_images: feed_images.to_vec(),
            };
            let job = task.to_job(now_ms() + ICON_DELAY_MS, pipeline.settings.max_attempts)?;
            pipeline.store.jobs().enqueue(&job, now_ms()).await?;
        }
        Ok::<(), PipelineError>(())
    }
    .await;
    if let Err(err) = queued {
        tracing::warn!(source = %source.id, %err, "could not queue the source's icon");
    }
}

/// Finds, fetches and stores the icon of `source_id`, trying each candidate in turn until
/// one is an accepted image; when none is, the failure is recorded (and an icon fetched
/// earlier stays). Returns whether an icon was stored. Only the database's errors fail the
/// job.
pub async fn run(
    pipeline: &Pipeline,
    source_id: SourceId,
    feed_images: &[String],
) -> Result<bool, PipelineError> {
    let Some(source) = pipeline.store.sources().get(source_id).await? else {
        return Ok(false);
    };
    let home = source.site_url.clone().or_else(|| {
        url::Url::parse(&source.url)
            .ok()
            .and_then(|u| u.join("/").ok())
            .map(String::from)
    });
    let page_icons = match &home {
        Some(home) => match pipeline.fetcher.get_capped(home, MAX_HOME_PAGE_BYTES).await {
            Ok(Fetched::Document(doc)) => tidings_feeds::page_icons(&doc.body, &doc.final_url),
            Ok(Fetched::NotModified) => Vec::new(),
            Err(err) => {
                tracing::debug!(source = %source.id, %home, %err, "home page not read for its icon");
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let candidates = tidings_feeds::icon_candidates(
        feed_images,
        &page_icons,
        source.site_url.as_deref(),
        &source.url,
    );
    let mut why = Vec::new();
    for url in &candidates {
        let tried = match pipeline.fetcher.get_capped(url, MAX_ICON_BYTES).await {
            Ok(Fetched::Document(doc)) => icon_of(&doc.body),
            Ok(Fetched::NotModified) => Err("not modified".to_string()),
            Err(err) => Err(err.to_string()),
        };
        match tried {
            Ok(icon) => {
                pipeline
                    .store
                    .source_icons()
                    .save(source.id, &icon, now_secs())
                    .await?;
                tracing::info!(source = %source.id, %url, content_type = %icon.content_type, "icon stored");
                return Ok(true);
            }
            Err(err) => why.push(format!("{url}: {err}")),
        }
    }
    let error = if why.is_empty() {
        "no address to look for an icon at".to_string()
    } else {
        tidings_model::public_addresses_in(&why.join("; ")).into_owned()
    };
    tracing::info!(source = %source.id, %error, "no icon found");
    pipeline
        .store
        .source_icons()
        .record_failure(source.id, &error, now_secs())
        .await?;
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide_the_type() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(
            image_type(&[0, 0, 1, 0, 1, 0, 16, 16]),
            Some("image/x-icon")
        );
        assert_eq!(image_type(b"GIF89a...."), Some("image/gif"));
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(image_type(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(
            image_type(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"),
            None
        );
        assert_eq!(image_type(b"<!DOCTYPE html><html>"), None);
        assert_eq!(image_type(b""), None);
    }

    #[test]
    fn an_icon_is_hashed_and_capped() {
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        let icon = icon_of(&png).expect("png");
        assert_eq!(icon.content_type, "image/png");
        assert_eq!(icon.hash.len(), 64);
        assert!(icon.icon_id > 0 && icon.icon_id < 1 << 53);
        assert_eq!(
            icon_of(&png).expect("png"),
            icon,
            "the same bytes, the same id"
        );
        let mut big = png.clone();
        big.resize(MAX_ICON_BYTES + 1, 0);
        assert!(icon_of(&big).is_err());
        big.truncate(MAX_ICON_BYTES);
        assert!(icon_of(&big).is_ok());
    }
}
