//! The confidence score: how likely the extracted text is the full body of an article.
//!
//! It combines the length of the body (an article has some), the share of the page's
//! paragraph text that the body holds (a clear main content block holds most of it), the
//! body's link density, and what the metadata says (an article type in JSON-LD or
//! OpenGraph; a live blog or a paywall lowers it).

/// The signals the score is made from.
pub(crate) struct Signals {
    /// Visible characters of the body text.
    pub(crate) body_chars: usize,
    /// Good (paragraph) characters inside the main content element.
    pub(crate) main_good: u32,
    /// Good characters of the whole page.
    pub(crate) page_good: u32,
    /// Share of link text in the main content element.
    pub(crate) link_density: f32,
    /// Number of text blocks in the body.
    pub(crate) paragraphs: usize,
    /// The metadata names an article type.
    pub(crate) is_article: bool,
    /// The page is a live blog.
    pub(crate) live_blog: bool,
    /// The metadata says the article is behind a paywall.
    pub(crate) paywalled: bool,
}

/// Computes the confidence, from 0 to 1.
pub(crate) fn score(s: &Signals) -> f32 {
    if s.body_chars == 0 {
        return 0.0;
    }
    let length = ((s.body_chars as f32 - 150.0) / 850.0).clamp(0.0, 1.0);
    let share = if s.page_good == 0 {
        0.0
    } else {
        s.main_good as f32 / s.page_good as f32
    };
    let paragraphs = (s.paragraphs as f32 / 5.0).min(1.0);
    let mut c = 0.1 + 0.45 * length + 0.2 * share.min(1.0) + 0.1 * paragraphs;
    if s.is_article {
        c += 0.15;
    }
    c -= (s.link_density - 0.2).max(0.0);
    if s.live_blog {
        c -= 0.2;
    }
    if s.paywalled && s.body_chars < 1500 {
        c -= 0.3;
    }
    c.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(body_chars: usize, is_article: bool) -> Signals {
        Signals {
            body_chars,
            main_good: 900,
            page_good: 1000,
            link_density: 0.05,
            paragraphs: 8,
            is_article,
            live_blog: false,
            paywalled: false,
        }
    }

    #[test]
    fn long_articles_score_high_and_stubs_low() {
        assert!(score(&signals(4000, true)) > 0.9);
        assert!(score(&signals(120, false)) < 0.4);
        assert_eq!(score(&signals(0, true)), 0.0);
    }
}
