//! Is the feed's text the whole article, or a teaser that the article's page should replace?

/// Words below which a feed's text is taken for a teaser: news articles run longer.
const MIN_FULL_WORDS: usize = 150;

/// Endings that say "there is more on the page".
const CUT_MARKERS: &[&str] = &[
    "…",
    "...",
    "[…]",
    "[...]",
    "read more",
    "continue reading",
    "read the full story",
    "weiterlesen",
    "mehr lesen",
    "lire la suite",
    "leer más",
    "continua a leggere",
    "lees meer",
];

/// Whether `body_text` looks like a teaser: short, or cut off with a marker.
pub fn is_teaser(body_text: &str) -> bool {
    let words = body_text.split_whitespace().count();
    if words < MIN_FULL_WORDS {
        return true;
    }
    let tail = body_text.trim_end().to_lowercase();
    let tail = tail.trim_end_matches(['»', '›', '→', '>', ' ']);
    CUT_MARKERS.iter().any(|m| tail.ends_with(m))
}

/// Below this extraction confidence the page is not taken for an article (a video page, a
/// live-blog index, a paywall stub): the feed's text stays.
pub const MIN_CONFIDENCE: f32 = 0.4;

/// Whether a page's extracted text should replace the feed's: the extractor is confident
/// enough and the page says clearly more.
pub fn page_is_better(feed_text: &str, page_text: &str, confidence: f32) -> bool {
    let feed_words = feed_text.split_whitespace().count();
    let page_words = page_text.split_whitespace().count();
    confidence >= MIN_CONFIDENCE && page_words >= (feed_words + feed_words / 5).max(feed_words + 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize) -> String {
        vec!["word"; n].join(" ")
    }

    #[test]
    fn short_or_cut_texts_are_teasers() {
        assert!(is_teaser("The bridge reopened on Monday."));
        assert!(is_teaser(&format!("{} …", words(300))));
        assert!(is_teaser(&format!("{} Read more »", words(300))));
        assert!(is_teaser(&format!("{} [...]", words(300))));
        assert!(is_teaser(&format!("{} Weiterlesen", words(300))));
        assert!(!is_teaser(&format!("{}.", words(300))));
    }

    #[test]
    fn the_page_wins_only_when_it_says_clearly_more_with_confidence() {
        let teaser = words(40);
        assert!(page_is_better(&teaser, &words(400), 0.8));
        assert!(
            !page_is_better(&teaser, &words(400), 0.1),
            "a low-confidence page loses"
        );
        assert!(
            !page_is_better(&teaser, &words(50), 0.9),
            "barely longer is not better"
        );
        assert!(!page_is_better(&words(500), &words(520), 0.9));
    }
}
