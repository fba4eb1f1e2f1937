//! The interface's language and text in others: the site's own words (headings, labels,
//! buttons, times) are English, and text of articles and stories carries its own language.
//! A region marked with another language (a German story's page, a German sentence) holds no
//! interface text unmarked; interface parts inside one say `lang="en"` again.

/// The language of the site's own words, as `lang` spells it.
pub(crate) const INTERFACE_LANGUAGE: &str = "en";

/// Whether text in `language` (BCP 47, or empty when unknown) is in another language than
/// the interface, so that it needs its own `lang` inside the interface: `de` is; `en`,
/// `en-GB` and an unknown language are not.
pub(crate) fn is_foreign(language: &str) -> bool {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    !primary.is_empty() && !primary.eq_ignore_ascii_case(INTERFACE_LANGUAGE)
}

/// `language` when it is foreign to the interface ([`is_foreign`]): the `lang` text in it
/// needs inside the interface; `None` when it needs none.
pub(crate) fn foreign(language: &str) -> Option<&str> {
    is_foreign(language).then_some(language)
}

#[cfg(test)]
mod tests {
    use super::is_foreign;

    #[test]
    fn only_another_known_language_is_foreign() {
        assert!(is_foreign("de"));
        assert!(is_foreign("pt-BR"));
        assert!(!is_foreign("en"));
        assert!(!is_foreign("en-GB"));
        assert!(!is_foreign("EN_us"));
        assert!(!is_foreign(""));
        assert_eq!(super::foreign("de"), Some("de"));
        assert_eq!(super::foreign("en-GB"), None);
    }
}
