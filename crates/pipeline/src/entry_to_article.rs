//! A feed entry into an article: the canonical URL, a plain-text headline, sanitised body HTML
//! and its plain text, the standfirst and the byline (headline and byline print inline, so
//! they keep no direction controls: see [`tidings_text::direction`]).

use crate::html_text::{sanitize, to_text};
use tidings_extract::language;
use tidings_model::{Entry, NewArticle, UnixSeconds};
use tidings_stories::canonical_url;
use tidings_text::without_direction_controls;

/// The most HTML of one entry that is read. A long article is ~50 KB of HTML; the cap keeps a
/// hostile entry (say, 100,000 nested elements, which html5ever parses in quadratic time) from
/// stalling a worker.
pub const MAX_CONTENT_BYTES: usize = 256 * 1024;

/// How far past its fetch an entry's date may lie before it is taken as wrong (clocks drift,
/// time zones are mislabelled by minutes, not by a year).
pub const FUTURE_TOLERANCE_SECS: UnixSeconds = 10 * 60;

/// Turns a feed entry into an article, or `None` when it has no usable link (an article is
/// keyed by its URL, so an entry without one cannot be stored).
pub fn entry_to_article(entry: &Entry, fetched_at: UnixSeconds) -> Option<NewArticle> {
    let url = canonical_url(entry.url.as_deref()?)?;
    let content_html = entry
        .content_html
        .as_deref()
        .or(entry.summary_html.as_deref())
        .unwrap_or_default();
    let (content_html, shortened) = cut_html(content_html, MAX_CONTENT_BYTES);
    let mut body_html = sanitize(content_html, Some(&url));
    if shortened {
        body_html.push_str(SHORTENED_NOTE_HTML);
    }
    let body_text = to_text(&body_html);
    let summary_text = entry
        .summary_html
        .as_deref()
        .map(|s| to_text(cut_html(s, MAX_CONTENT_BYTES).0))
        .unwrap_or_default();
    // The summary is a standfirst only when there is a separate body it does not just repeat.
    let standfirst = (entry.content_html.is_some()
        && !summary_text.is_empty()
        && !body_text.starts_with(summary_text.trim_end_matches('…').trim_end_matches("...")))
    .then_some(summary_text);
    let title = entry
        .title
        .as_deref()
        .map(|t| without_direction_controls(&to_text(t)).into_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| headline_from(&body_text));
    let byline = (!entry.authors.is_empty())
        .then(|| without_direction_controls(&entry.authors.join(", ")).into_owned());
    // Declared tags vary ("en-GB", "en_us"); stories group by primary language, so
    // normalise, and detect it from the text when the feed does not say.
    let language = entry
        .language
        .as_deref()
        .and_then(language::normalise)
        .or_else(|| language::detect(&format!("{title}\n{body_text}")));
    Some(NewArticle {
        url,
        title,
        standfirst,
        byline,
        credit: None,
        // A date in the future would sort the article first everywhere, show it as "just now"
        // and escape "mark all read before now": the feed's claim is not kept.
        published_at: entry
            .published
            .or(entry.updated)
            .map(|t| not_after(t, fetched_at)),
        updated_at: entry.updated.map(|t| not_after(t, fetched_at)),
        fetched_at,
        // Declared tags vary ("en-GB", "en_us"); stories group by primary language, so
        // normalise, and detect it from the text when the feed does not say.
        language,
        body_text,
        body_html,
        image_url: entry.image_url.as_deref().and_then(canonical_url),
    })
}

/// `time`, or `fetched_at` when `time` lies more than [`FUTURE_TOLERANCE_SECS`] after it.
fn not_after(time: UnixSeconds, fetched_at: UnixSeconds) -> UnixSeconds {
    if time > fetched_at.saturating_add(FUTURE_TOLERANCE_SECS) {
        fetched_at
    } else {
        time
    }
}

/// What ends the body of an entry cut at [`MAX_CONTENT_BYTES`], so a reader knows the text
/// goes on at the outlet.
pub const SHORTENED_NOTE: &str = "[Shortened: the original is longer than is kept here.]";

/// [`SHORTENED_NOTE`] as a paragraph of its own, appended after sanitising.
const SHORTENED_NOTE_HTML: &str =
    "<p><em>[Shortened: the original is longer than is kept here.]</em></p>";

/// At most `max` bytes of the HTML `html`, and whether it was cut. A cut falls after the last
/// closing paragraph or block (`</p>`, `</div>`, `<br>`…) in the second half of the allowance,
/// else before the last whitespace, never inside a tag nor a character, so no word is split.
fn cut_html(html: &str, max: usize) -> (&str, bool) {
    if html.len() <= max {
        return (html, false);
    }
    let mut end = max;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    let lower = head.to_ascii_lowercase();
    let block_end = [
        "</p>",
        "</div>",
        "</li>",
        "</blockquote>",
        "<br>",
        "<br/>",
        "<br />",
    ]
    .iter()
    .filter_map(|tag| lower.rfind(tag).map(|at| at + tag.len()))
    .max()
    .filter(|&at| at >= max / 2);
    let end = block_end
        .or_else(|| head.rfind(char::is_whitespace))
        .unwrap_or(end);
    let mut head = &head[..end];
    // Not inside a tag: an unclosed `<` is dropped with what follows it.
    if let Some(open) = head.rfind('<')
        && head[open..].find('>').is_none()
    {
        head = &head[..open];
    }
    (head, true)
}

/// A headline for an untitled entry: the start of its text, cut at a word.
fn headline_from(body: &str) -> String {
    let first = body.lines().next().unwrap_or_default();
    if first.chars().count() <= 90 {
        return if first.is_empty() {
            "(untitled)".to_string()
        } else {
            first.to_string()
        };
    }
    let cut: String = first.chars().take(90).collect();
    match cut.rfind(' ') {
        Some(space) => format!("{}…", &cut[..space]),
        None => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            guid: Some("g1".into()),
            url: Some("https://news.example/world/bridge#comments".into()),
            title: Some("Bridge <em>reopens</em> &amp; more".into()),
            summary_html: Some("<p>The bridge is open.</p>".into()),
            content_html: Some(
                "<p>After two years, the harbour bridge reopened.</p><p>More.</p><script>x()</script>"
                    .into(),
            ),
            authors: vec!["Ana Ruiz".into(), "Li Wei".into()],
            published: Some(100),
            updated: Some(200),
            image_url: None,
            enclosures: vec![],
            categories: vec![],
            category_labels: vec![],
            language: Some("en".into()),
        }
    }

    #[test]
    fn headline_and_byline_keep_no_direction_override() {
        let mut e = entry();
        e.title = Some("T1 \u{202E}gnp.exe".into());
        e.authors = vec!["\u{2067}Ana Ruiz".into()];
        let a = entry_to_article(&e, 300).expect("article");
        assert_eq!(a.title, "T1 gnp.exe");
        assert_eq!(a.byline.as_deref(), Some("Ana Ruiz"));
    }

    #[test]
    fn a_full_entry_becomes_an_article() {
        let a = entry_to_article(&entry(), 300).expect("article");
        assert_eq!(a.url, "https://news.example/world/bridge");
        assert_eq!(a.title, "Bridge reopens & more");
        assert_eq!(a.standfirst.as_deref(), Some("The bridge is open."));
        assert_eq!(a.byline.as_deref(), Some("Ana Ruiz, Li Wei"));
        assert_eq!(
            a.body_text,
            "After two years, the harbour bridge reopened.\n\nMore."
        );
        assert!(!a.body_html.contains("script"));
        assert_eq!(a.published_at, Some(100));
        assert_eq!(a.fetched_at, 300);
    }

    #[test]
    fn a_summary_only_entry_uses_it_as_body_without_repeating_it() {
        let mut e = entry();
        e.content_html = None;
        let a = entry_to_article(&e, 300).expect("article");
        assert_eq!(a.body_text, "The bridge is open.");
        assert_eq!(a.standfirst, None);
    }

    #[test]
    fn entries_without_a_usable_link_are_skipped() {
        let mut e = entry();
        e.url = None;
        assert!(entry_to_article(&e, 0).is_none());
        e.url = Some("javascript:alert(1)".into());
        assert!(entry_to_article(&e, 0).is_none());
    }

    #[test]
    fn oversized_content_is_cut_at_the_cap() {
        let mut e = entry();
        e.content_html = Some(format!("<p>{}</p>", "ü".repeat(MAX_CONTENT_BYTES)));
        let a = entry_to_article(&e, 0).expect("article");
        assert!(a.body_text.len() <= MAX_CONTENT_BYTES + SHORTENED_NOTE.len() + 2);
        assert!(a.body_text.len() > MAX_CONTENT_BYTES / 2);
        assert!(a.body_text.ends_with(SHORTENED_NOTE));
    }

    #[test]
    fn oversized_content_is_cut_between_words_and_marked() {
        let mut e = entry();
        // One long paragraph: the cut falls between words.
        let words = "harbour ".repeat(MAX_CONTENT_BYTES / 8 + 1000);
        e.content_html = Some(format!("<p>{words}</p>"));
        let a = entry_to_article(&e, 0).expect("article");
        let text = a.body_text.strip_suffix(SHORTENED_NOTE).expect("marked");
        assert!(text.split_whitespace().all(|w| w == "harbour"));
        assert!(a.body_html.ends_with("</em></p>"));
        // Many paragraphs: the cut falls after a whole one.
        let paragraphs = "<p>One whole paragraph of the report.</p>".repeat(MAX_CONTENT_BYTES / 30);
        e.content_html = Some(paragraphs);
        let a = entry_to_article(&e, 0).expect("article");
        let text = a.body_text.strip_suffix(SHORTENED_NOTE).expect("marked");
        assert!(
            text.trim_end()
                .ends_with("One whole paragraph of the report.")
        );
        // A short entry is not marked.
        let a = entry_to_article(&entry(), 0).expect("article");
        assert!(!a.body_text.contains(SHORTENED_NOTE));
    }

    #[test]
    fn dates_in_the_future_are_clamped_to_the_fetch() {
        let fetched = 1_000_000;
        let mut e = entry();
        e.published = Some(fetched + 365 * 86_400);
        e.updated = Some(fetched + 365 * 86_400);
        let a = entry_to_article(&e, fetched).expect("article");
        assert_eq!(a.published_at, Some(fetched));
        assert_eq!(a.updated_at, Some(fetched));
        assert_eq!(a.shown_time(), fetched);
        // A few minutes ahead is clock drift, kept as the feed says.
        e.published = Some(fetched + 300);
        let a = entry_to_article(&e, fetched).expect("article");
        assert_eq!(a.published_at, Some(fetched + 300));
    }

    #[test]
    fn untitled_entries_get_a_headline_from_their_text() {
        let mut e = entry();
        e.title = None;
        let a = entry_to_article(&e, 0).expect("article");
        assert_eq!(a.title, "After two years, the harbour bridge reopened.");
    }
}
