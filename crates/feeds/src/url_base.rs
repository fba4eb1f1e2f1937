//! Resolving references: `xml:base` over `Content-Location` over the document's URL. Where no
//! base is known a reference stays as written.

use url::Url;

/// The document's own base: `Content-Location` (itself relative to the URL), else the URL.
pub(crate) fn document_base(url: Option<&str>, content_location: Option<&str>) -> Option<Url> {
    let url = url.and_then(|u| Url::parse(u.trim()).ok());
    match content_location.map(str::trim).filter(|c| !c.is_empty()) {
        Some(loc) => match &url {
            Some(u) => u.join(loc).ok().or(Some(u.clone())),
            None => Url::parse(loc).ok(),
        },
        None => url,
    }
}

/// The base an `xml:base` attribute establishes under `parent`.
pub(crate) fn join_base(parent: Option<&Url>, value: &str) -> Option<Url> {
    let value = value.trim();
    match parent {
        Some(p) => p.join(value).ok(),
        None => Url::parse(value).ok(),
    }
}

/// Whether `s` starts with a URI scheme (`http:`, `urn:`, `tag:` …).
pub(crate) fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// Resolves a link against `base`. Absolute references and references with no base stay as
/// written (trimmed); unparsable ones too.
pub(crate) fn resolve(href: &str, base: Option<&Url>) -> String {
    let href = href.trim();
    if has_scheme(href) {
        return href.to_string();
    }
    match base {
        Some(b) => b
            .join(href)
            .map(String::from)
            .unwrap_or_else(|_| href.to_string()),
        None => href.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_location_is_relative_to_the_url() {
        let b = document_base(Some("http://a.example/x/feed"), Some("/y/"));
        assert_eq!(b.map(String::from).as_deref(), Some("http://a.example/y/"));
    }

    #[test]
    fn resolution_keeps_absolute_and_unknown_bases() {
        let base = Url::parse("http://a.example/d/").ok();
        assert_eq!(resolve("p/1", base.as_ref()), "http://a.example/d/p/1");
        assert_eq!(resolve("tag:x,2004:1", base.as_ref()), "tag:x,2004:1");
        assert_eq!(resolve(" /p ", None), "/p");
    }
}
