//! Page furniture: text that an extractor left in a body but that is not part of the
//! report — share bars, photo captions and credits, headings and labels, bylines,
//! newsletter and cookie prompts, web-archive notices. Generic rules only: shapes
//! (no terminal punctuation, mostly social-network words, a URL) and the vocabulary
//! such furniture is written in.

/// Words of share bars and social widgets.
const SOCIAL: &[&str] = &[
    "share",
    "shares",
    "tweet",
    "pin",
    "email",
    "e",
    "mail",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "reddit",
    "print",
    "comment",
    "comments",
    "save",
    "copy",
    "link",
    "messenger",
    "pinterest",
    "flipboard",
    "google",
    "sms",
    "this",
    "article",
    "story",
    "on",
    "via",
    "x",
    "telegram",
    "tumblr",
    "more",
    "options",
    "close",
];

/// Label openings (lowercase) that mark a line as navigation or a caption.
const LABELS: &[&str] = &[
    "related:",
    "related coverage",
    "read more",
    "see also",
    "watch:",
    "listen:",
    "photo:",
    "photos:",
    "image:",
    "video:",
    "credit:",
    "advertisement",
    "sponsored",
    "editor's note",
    "editor’s note",
    "file photo",
    "click here",
    "more:",
    "also read",
    "recommended:",
    "trending:",
    "update:",
    "follow ",
    "by ",
    "posted ",
    "published ",
    "updated ",
    "last updated",
    "image caption",
    "media caption",
    "caption:",
];

/// Phrases that only furniture uses (lowercase).
const PHRASES: &[&str] = &[
    "all rights reserved",
    "copyright ",
    "©",
    "subscribe",
    "sign up",
    "signing up",
    "newsletter",
    "cookie",
    "javascript",
    "your browser",
    "internet archive",
    "wayback machine",
    "archive.org",
    "web crawl",
    "follow us",
    "mailing list",
    "contact details",
    "terms of use",
    "terms of service",
    "privacy policy",
    "may not be published, broadcast",
    "reporting by",
    "editing by",
    "contributed to this report",
    "getty images",
    "ap photo",
    "afp photo",
    "afp/getty",
    "/reuters",
    "reuters/",
    "(photo",
    "photo by",
    "photograph:",
    "image copyright",
    "media playback",
    "pic.twitter.com",
    "http://",
    "https://",
    "www.",
    "click to",
    "tap to",
    "download the app",
    "please enable",
    "this video",
    "this content",
    "embed code",
    "ad blocker",
    "adblock",
];

/// Reader-directed prompts: "your" followed by one of these.
const YOUR_THINGS: &[&str] = &[
    "browser",
    "email",
    "inbox",
    "account",
    "settings",
    "device",
    "location",
    "cookies",
    "subscription",
    "privacy",
    "password",
    "feed",
    "timeline",
];

/// Whether a whole paragraph is furniture: a heading or label (short, no terminal
/// punctuation) or a credit line.
pub fn is_furniture_paragraph(para: &str) -> bool {
    let t = para.trim();
    let words = t.split_whitespace().count();
    let last = t.chars().last().unwrap_or('.');
    // A closing quote ends prose, in every convention: English (”, ’), German („…“,
    // ‚…‘) and French or Swiss guillemets («…», »…«, ‹…›). A guillemet or German quote
    // counts only with its opening mark in the paragraph: "More »" is a link's arrow.
    let opener = match last {
        '“' => Some('„'),
        '‘' => Some('‚'),
        '»' => Some('«'),
        '«' => Some('»'),
        '›' => Some('‹'),
        '‹' => Some('›'),
        _ => None,
    };
    let terminal = matches!(last, '.' | '!' | '?' | '"' | '”' | '’' | '\'' | ')' | '…')
        || opener.is_some_and(|o| t.contains(o));
    !terminal && words < 25
}

/// Whether one sentence is furniture.
pub fn is_furniture_sentence(s: &str) -> bool {
    let lower = s.to_lowercase();
    let trimmed = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    if LABELS.iter().any(|l| trimmed.starts_with(l)) && !starts_like_prose(s) {
        return true;
    }
    if PHRASES.iter().any(|p| lower.contains(p)) {
        return true;
    }
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if tokens.is_empty() {
        return true;
    }
    if tokens
        .windows(2)
        .any(|w| w[0] == "your" && YOUR_THINGS.contains(&w[1]))
    {
        return true;
    }
    let social = tokens.iter().filter(|w| SOCIAL.contains(w)).count();
    if social >= 2 && social * 2 >= tokens.len() {
        return true;
    }
    // Short notices about web archiving and crawling.
    let archive = tokens.iter().any(|w| {
        matches!(
            *w,
            "crawl" | "crawls" | "crawled" | "crawler" | "archived" | "archive" | "wayback" | "404"
        )
    });
    if archive && tokens.len() < 14 {
        return true;
    }
    // A handle-and-date tweet signature: "— Jane Doe (@jane) May 3, 2016".
    if lower.contains("(@") || (s.contains('@') && tokens.len() < 12) {
        return true;
    }
    false
}

/// "By the time …", "Updated figures show …": a label word used as ordinary prose.
fn starts_like_prose(s: &str) -> bool {
    let mut words = s.split_whitespace();
    let first = words.next().unwrap_or("").to_lowercase();
    let second = words.next().unwrap_or("");
    match first.as_str() {
        // "By John Smith" is a byline; "By the end of …" is prose.
        "by" => second.chars().next().is_some_and(char::is_lowercase),
        "follow" | "posted" | "published" | "updated" | "advertisement" | "sponsored" => {
            s.split_whitespace().count() > 14
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_share_bars_captions_and_prompts() {
        assert!(is_furniture_sentence("Share Tweet Pin Email"));
        assert!(is_furniture_sentence(
            "Jane Doe speaks in Paris on May 3. REUTERS/John Roe"
        ));
        assert!(is_furniture_sentence(
            "Enter your email address to get our daily briefing."
        ));
        assert!(is_furniture_sentence("By Jane Doe and John Roe"));
        assert!(is_furniture_sentence(
            "Read more: the full report is online."
        ));
        assert!(is_furniture_sentence(
            "These pages were archived by a crawler."
        ));
        assert!(!is_furniture_sentence(
            "By the end of the week, the talks had collapsed."
        ));
        assert!(!is_furniture_sentence(
            "The minister said the talks would resume on Monday."
        ));
    }

    #[test]
    fn headings_have_no_terminal_punctuation() {
        assert!(is_furniture_paragraph("Long Story Short"));
        assert!(is_furniture_paragraph("Markets slide as rates rise"));
        assert!(!is_furniture_paragraph("Markets slid as rates rose."));
    }

    #[test]
    fn a_paragraph_closed_by_a_german_or_french_quote_is_prose() {
        assert!(!is_furniture_paragraph(
            "Der Trainer zeigte sich als fairer Verlierer: „Wir haben verdient verloren.“"
        ));
        assert!(!is_furniture_paragraph(
            "Une habitante résume : « On nous prévient toujours au dernier moment »"
        ));
        assert!(!is_furniture_paragraph("Er sagte: »Das war knapp.«"));
        assert!(is_furniture_paragraph(
            "Copyright © 2013 AFP. All rights reserved. More »"
        ));
    }
}
