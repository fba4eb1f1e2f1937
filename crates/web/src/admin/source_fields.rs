//! The checks a source's fields pass on the administrators' forms, shared by "Add a feed" and
//! a source's edit form: the name, the section and the feed address, each refused with a
//! sentence the form shows.

use crate::state::AppState;
use serde::Deserialize;
use tidings_fetch::check_feed_url;
use tidings_stories::section::Section;

/// The longest feed address accepted, in bytes.
pub(crate) const MAX_URL_BYTES: usize = 2_048;
/// The longest source name accepted, in characters (as the reader apps' APIs cut them).
pub(crate) const MAX_NAME_CHARS: usize = 200;

/// A source's fields as "Add a feed" and the edit form send them.
#[derive(Deserialize, Default)]
pub(crate) struct SourceForm {
    /// The form's token.
    #[serde(default)]
    pub(crate) csrf: String,
    /// The feed address.
    #[serde(default)]
    pub(crate) url: String,
    /// The outlet's name ("" lets the feed's title name it).
    #[serde(default)]
    pub(crate) name: String,
    /// The section's slug ("" for none).
    #[serde(default)]
    pub(crate) section: String,
}

/// A form's fields as it shows them again when it is refused: the address, name and section,
/// trimmed, cut to their limits, the name without control characters.
pub(crate) struct ShownFields {
    /// The feed address as sent, cut to [`MAX_URL_BYTES`] characters.
    pub(crate) url: String,
    /// The name as sent, cut to [`MAX_NAME_CHARS`] characters.
    pub(crate) name: String,
    /// The section's slug as sent.
    pub(crate) section: String,
}

impl SourceForm {
    /// The fields to show again in the refused form.
    pub(crate) fn shown(&self) -> ShownFields {
        ShownFields {
            url: self.url.trim().chars().take(MAX_URL_BYTES).collect(),
            name: tidings_model::without_controls(&self.name)
                .trim()
                .chars()
                .take(MAX_NAME_CHARS)
                .collect(),
            section: self.section.trim().to_string(),
        }
    }
}

/// Every section, as (slug, name), for a form's select.
pub(crate) fn sections() -> Vec<(&'static str, &'static str)> {
    Section::ALL.iter().map(|s| (s.slug(), s.name())).collect()
}

/// `raw` as a source's name: trimmed, without control characters; refused when longer than
/// [`MAX_NAME_CHARS`]. An empty name lets the feed's own title name the source.
pub(crate) fn checked_name(raw: &str) -> Result<String, String> {
    let name = tidings_model::without_controls(raw).trim().to_string();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "A name may have at most {MAX_NAME_CHARS} characters."
        ));
    }
    Ok(name)
}

/// The section a form's `slug` chooses: `None` for "" (none), the section's name otherwise;
/// refused when it names no section.
pub(crate) fn checked_section(slug: &str) -> Result<Option<String>, String> {
    match slug.trim() {
        "" => Ok(None),
        slug => Section::from_slug(slug)
            .map(|section| Some(section.name().to_string()))
            .ok_or_else(|| "Choose one of the sections, or none.".to_string()),
    }
}

/// The slug of the section named `category`, if it is one of the sections.
pub(crate) fn section_slug(category: &str) -> Option<&'static str> {
    Section::ALL
        .iter()
        .find(|s| s.name() == category)
        .map(|s| s.slug())
}

/// `raw` as a feed address, by the rule the command line and the reader apps' APIs share
/// ([`check_feed_url`]) under the instance's private-address policy; refused when longer than
/// [`MAX_URL_BYTES`] or not usable.
pub(crate) fn checked_url(state: &AppState, raw: &str) -> Result<String, String> {
    if raw.trim().len() > MAX_URL_BYTES {
        return Err(format!(
            "A feed address may have at most {MAX_URL_BYTES} bytes."
        ));
    }
    check_feed_url(raw, state.feed_url_policy()).map_err(|err| {
        format!(
            "{err}. Give the address of a feed, or of a page that links to one (http or https)."
        )
    })
}
