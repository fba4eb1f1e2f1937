//! What an element's `class` and `id` say about it: boilerplate, main content, hidden,
//! byline, caption.
//!
//! Class and id values are split into lowercase words at every non-alphanumeric character
//! and at camelCase boundaries (`articleBody` → `article`, `body`), and the words are looked
//! up in fixed lists. Matching whole words, not substrings, keeps `head` from matching `ad`.

/// The element is boilerplate: sharing, ads, related links, comments, navigation, …
pub(crate) const NEGATIVE: u16 = 1;
/// The element's name says it holds the main content (article, story, entry, body text).
pub(crate) const POSITIVE: u16 = 1 << 1;
/// The element is hidden from readers (screen-reader text, `hidden` classes).
pub(crate) const HIDDEN: u16 = 1 << 2;
/// The element holds a byline or author information.
pub(crate) const BYLINE: u16 = 1 << 3;
/// The element is a caption or image credit.
pub(crate) const CAPTION: u16 = 1 << 4;
/// The element is a comment section (stronger than [`NEGATIVE`]).
pub(crate) const COMMENTS: u16 = 1 << 5;
/// The element's name says it is the article body proper (`articleBody`, `story-body`,
/// `entry-content`, `post-content`, …).
pub(crate) const BODY: u16 = 1 << 6;

/// Classifies an element from its `class` and `id` attribute values.
#[cfg(test)]
pub(crate) fn classify(class: &str, id: &str) -> u16 {
    classify_value(class) | classify_value(id)
}

/// Classifies one attribute value (a list of class names, or an id).
pub(crate) fn classify_value(value: &str) -> u16 {
    let mut flags = 0;
    for name in value.split_ascii_whitespace() {
        flags |= classify_name(name);
    }
    flags
}

/// Classifies one class name or id.
fn classify_name(name: &str) -> u16 {
    const HIDING: &[&str] = &[
        "hidden",
        "hide",
        "is-hidden",
        "u-hidden",
        "d-none",
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "screen-reader-only",
        "screenreader",
        "element-invisible",
        "invisible",
        "offscreen",
        "a11y-hidden",
        "sr-text",
    ];
    if HIDING
        .iter()
        .any(|h| h.len() == name.len() && h.eq_ignore_ascii_case(name))
    {
        return HIDDEN;
    }
    let mut flags = 0;
    let mut prev_body_word = false;
    let mut prev_no = false;
    let mut embedded = false;
    for_each_word(name, |word| {
        embedded |= matches!(word, b"embed" | b"embedded" | b"tweet" | b"oembed");
        let f = classify_word(word);
        let word = std::str::from_utf8(word).unwrap_or("");
        // "no-ads", "noads": the element is not an ad.
        if prev_no && f & NEGATIVE != 0 {
            prev_no = false;
            return;
        }
        flags |= f;
        if f == 0 && !prev_body_word && word.len() > 12 {
            prev_body_word = false;
            prev_no = false;
            return;
        }
        let body_word = matches!(
            word,
            "article" | "story" | "entry" | "post" | "content" | "news" | "blog" | "main" | "page"
        );
        if prev_body_word
            && matches!(
                word,
                "body" | "content" | "text" | "copy" | "entry" | "contents" | "inner" | "main"
            )
        {
            flags |= BODY;
        }
        if matches!(
            word,
            "articlebody" | "storybody" | "bodytext" | "richtext" | "postbody"
        ) {
            flags |= BODY;
        }
        prev_body_word = body_word;
        prev_no = matches!(word, "no" | "non" | "not");
    });
    // Embedded posts (`social-embed`, `twitter-tweet`) are quoted content, not share bars.
    if embedded && flags & (CAPTION | BYLINE) == 0 {
        flags &= !NEGATIVE;
    }
    flags
}

/// Calls `f` with each lowercase word of `name`.
fn for_each_word(name: &str, mut f: impl FnMut(&[u8])) {
    // Words longer than the buffer are never in the lists; they are passed cut short.
    let mut buf = [0u8; 32];
    let mut len = 0;
    let mut prev_lower = false;
    let emit = |buf: &[u8], len: &mut usize, f: &mut dyn FnMut(&[u8])| {
        if *len > 0 {
            f(&buf[..*len]);
            *len = 0;
        }
    };
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() {
            if b.is_ascii_uppercase() && prev_lower {
                emit(&buf, &mut len, &mut f);
            }
            prev_lower = !b.is_ascii_uppercase();
            if len < buf.len() {
                buf[len] = b.to_ascii_lowercase();
                len += 1;
            }
        } else {
            emit(&buf, &mut len, &mut f);
            prev_lower = false;
        }
    }
    emit(&buf, &mut len, &mut f);
}

/// Classifies one lowercase word, through a table built once from [`word_flags`].
fn classify_word(word: &[u8]) -> u16 {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static TABLE: OnceLock<HashMap<&'static [u8], u16, BuildFx>> = OnceLock::new();
    if word.len() < 2 || word.len() > 16 {
        return 0;
    }
    let table = TABLE.get_or_init(|| {
        let mut t = HashMap::with_hasher(BuildFx);
        for w in WORDS {
            t.insert(w.as_bytes(), word_flags(w));
        }
        t
    });
    table.get(word).copied().unwrap_or(0)
}

/// A fast, non-cryptographic hasher for short, trusted keys (the fixed word list; lookups
/// only ever compare against it).
#[derive(Default, Clone, Copy)]
pub(crate) struct BuildFx;

/// The hasher state of [`BuildFx`].
#[derive(Default)]
pub(crate) struct Fx(u64);

impl std::hash::BuildHasher for BuildFx {
    type Hasher = Fx;
    fn build_hasher(&self) -> Fx {
        Fx(0)
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Every word [`word_flags`] knows.
const WORDS: &[&str] = &[
    "comment",
    "comments",
    "commenting",
    "disqus",
    "discussion",
    "respond",
    "replies",
    "livefyre",
    "coral",
    "ad",
    "ads",
    "adv",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "adsense",
    "adslot",
    "adunit",
    "adwrap",
    "adcontainer",
    "dfp",
    "banner",
    "sponsor",
    "sponsored",
    "sponsors",
    "promo",
    "promos",
    "promoted",
    "promotion",
    "outbrain",
    "taboola",
    "zergnet",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "sharethis",
    "addthis",
    "social",
    "socials",
    "related",
    "recommended",
    "recommendations",
    "recirc",
    "recirculation",
    "trending",
    "popular",
    "mostread",
    "sidebar",
    "rail",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "masthead",
    "header",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "popup",
    "modal",
    "overlay",
    "toolbar",
    "tools",
    "print",
    "pagination",
    "pager",
    "tags",
    "tagged",
    "keywords",
    "topics",
    "skip",
    "jump",
    "ticker",
    "login",
    "rating",
    "poll",
    "readmore",
    "prevnext",
    "icon",
    "icons",
    "btn",
    "cta",
    "follow",
    "donate",
    "donation",
    "paywall",
    "teaser",
    "teasers",
    "more",
    "next",
    "prev",
    "previous",
    "tooltip",
    "dropdown",
    "offcanvas",
    "alert",
    "byline",
    "bylines",
    "author",
    "authors",
    "contributor",
    "dateline",
    "bio",
    "timestamp",
    "date",
    "dates",
    "published",
    "updated",
    "meta",
    "metadata",
    "posted",
    "signature",
    "caption",
    "captions",
    "figcaption",
    "credit",
    "credits",
    "photocredit",
    "copyright",
    "article",
    "articlebody",
    "story",
    "storybody",
    "entry",
    "content",
    "post",
    "postbody",
    "body",
    "text",
    "bodytext",
    "richtext",
    "blog",
    "main",
];

/// The flags of one known lowercase word.
fn word_flags(word: &str) -> u16 {
    match word {
        "comment" | "comments" | "commenting" | "disqus" | "discussion" | "respond" | "replies"
        | "livefyre" | "coral" => NEGATIVE | COMMENTS,
        "ad" | "ads" | "adv" | "advert" | "adverts" | "advertisement" | "advertising"
        | "adsense" | "adslot" | "adunit" | "adwrap" | "adcontainer" | "dfp" | "banner"
        | "sponsor" | "sponsored" | "sponsors" | "promo" | "promos" | "promoted" | "promotion"
        | "outbrain" | "taboola" | "zergnet" | "newsletter" | "newsletters" | "subscribe"
        | "subscription" | "signup" | "share" | "shares" | "sharing" | "sharebar" | "sharethis"
        | "addthis" | "social" | "socials" | "related" | "recommended" | "recommendations"
        | "recirc" | "recirculation" | "trending" | "popular" | "mostread" | "sidebar" | "rail"
        | "nav" | "navbar" | "navigation" | "menu" | "breadcrumb" | "breadcrumbs" | "footer"
        | "masthead" | "header" | "cookie" | "cookies" | "consent" | "gdpr" | "popup" | "modal"
        | "overlay" | "toolbar" | "tools" | "print" | "pagination" | "pager" | "tags"
        | "tagged" | "keywords" | "topics" | "skip" | "jump" | "ticker" | "login" | "rating"
        | "poll" | "readmore" | "prevnext" | "icon" | "icons" | "btn" | "cta" | "follow"
        | "donate" | "donation" | "paywall" | "teaser" | "teasers" | "more" | "next" | "prev"
        | "previous" | "tooltip" | "dropdown" | "offcanvas" | "alert" => NEGATIVE,
        "byline" | "bylines" | "author" | "authors" | "contributor" | "dateline" | "bio"
        | "timestamp" | "date" | "dates" | "published" | "updated" | "meta" | "metadata"
        | "posted" | "signature" => NEGATIVE | BYLINE,
        "caption" | "captions" | "figcaption" | "credit" | "credits" | "photocredit"
        | "copyright" => NEGATIVE | CAPTION,
        "article" | "articlebody" | "story" | "storybody" | "entry" | "content" | "post"
        | "postbody" | "body" | "text" | "bodytext" | "richtext" | "blog" | "main" => POSITIVE,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_flags() {
        for w in WORDS {
            assert_ne!(word_flags(w), 0, "{w}");
        }
    }

    #[test]
    fn words_are_split_at_case_and_punctuation() {
        let mut words = Vec::new();
        for_each_word("articleBody__inner-2", |w| {
            words.push(String::from_utf8_lossy(w).into_owned())
        });
        assert_eq!(words, ["article", "body", "inner", "2"]);
    }

    #[test]
    fn boilerplate_and_content_are_told_apart() {
        assert_ne!(classify("social-share-bar", "") & NEGATIVE, 0);
        assert_eq!(classify("header-wrap", "") & NEGATIVE, NEGATIVE);
        assert_eq!(classify("heading", "") & NEGATIVE, 0);
        assert_ne!(classify("", "articleBody") & BODY, 0);
        assert_ne!(classify("entry-content", "") & BODY, 0);
        assert_eq!(classify("no-ads", "") & NEGATIVE, 0);
        assert_eq!(classify("social-media-embed", "") & NEGATIVE, 0);
        assert_ne!(classify("sr-only", "") & HIDDEN, 0);
        assert_ne!(classify("article__byline", "") & BYLINE, 0);
    }
}
