//! The display policy: whether the site shows an article's whole text or an excerpt with a link
//! to the publisher. The operator sets it for the instance (`display = "full" | "excerpt"`) and
//! may override it per source; a public instance shows excerpts by default, because the text
//! belongs to its publisher.

use crate::feeds_out::escape;
use serde::Serialize;

/// How much of an article the site shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DisplayPolicy {
    /// The whole text, as extracted.
    Full,
    /// The opening paragraphs and a link to the original.
    Excerpt,
}

/// Words an excerpt runs to, at most: the standfirst and about one paragraph.
const EXCERPT_WORDS: usize = 70;

impl DisplayPolicy {
    /// The policy named `full` or `excerpt`.
    pub fn parse(name: &str) -> Option<DisplayPolicy> {
        match name.trim().to_ascii_lowercase().as_str() {
            "full" => Some(DisplayPolicy::Full),
            "excerpt" => Some(DisplayPolicy::Excerpt),
            _ => None,
        }
    }

    /// The policy's name, as config and the database spell it.
    pub fn name(self) -> &'static str {
        match self {
            DisplayPolicy::Full => "full",
            DisplayPolicy::Excerpt => "excerpt",
        }
    }

    /// The policy for an article of a source that set `source_display` (if any), under this
    /// instance policy.
    pub fn for_source(self, source_display: Option<&str>) -> DisplayPolicy {
        source_display
            .and_then(DisplayPolicy::parse)
            .unwrap_or(self)
    }
}

/// The excerpt of a body: its first paragraphs, whole, while they stay within
/// [`EXCERPT_WORDS`] (at least the first, cut at a word with "…" if it alone is longer), as
/// escaped paragraphs of HTML and as text.
pub fn excerpt(body_text: &str) -> (String, String) {
    let mut words = 0;
    let mut paragraphs: Vec<String> = Vec::new();
    for para in body_text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let n = para.split_whitespace().count();
        if words + n > EXCERPT_WORDS {
            if paragraphs.is_empty() {
                let cut: Vec<&str> = para.split_whitespace().take(EXCERPT_WORDS).collect();
                paragraphs.push(format!("{}…", cut.join(" ")));
            }
            break;
        }
        words += n;
        paragraphs.push(para.to_string());
    }
    let html = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    (html, paragraphs.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_override_the_instance() {
        assert_eq!(
            DisplayPolicy::Excerpt.for_source(Some("full")),
            DisplayPolicy::Full
        );
        assert_eq!(
            DisplayPolicy::Full.for_source(Some("excerpt")),
            DisplayPolicy::Excerpt
        );
        assert_eq!(DisplayPolicy::Full.for_source(None), DisplayPolicy::Full);
        assert_eq!(
            DisplayPolicy::Excerpt.for_source(Some("bogus")),
            DisplayPolicy::Excerpt
        );
    }

    #[test]
    fn excerpts_keep_whole_opening_paragraphs_escaped() {
        let body = format!(
            "First <b>para</b>.\n\nSecond one.\n\n{}",
            "word ".repeat(80)
        );
        let (html, text) = excerpt(&body);
        assert_eq!(
            html,
            "<p>First &lt;b&gt;para&lt;/b&gt;.</p><p>Second one.</p>"
        );
        assert_eq!(text, "First <b>para</b>.\n\nSecond one.");
        let (html, _) = excerpt(&"long ".repeat(200));
        assert!(html.ends_with("long…</p>"), "{html}");
        assert_eq!(html.matches("long").count(), EXCERPT_WORDS);
    }
}
