//! The security headers every answer carries: `X-Content-Type-Options: nosniff` on all of
//! them, and on HTML pages a Content-Security-Policy, `X-Frame-Options: DENY` and a
//! `Referrer-Policy`. Set by the site's outermost layer, the page cache's early answers
//! ([`crate::page_cache::answer_early`]), on every answer it gives or passes on, so pages
//! answered from the cache before anything else runs carry them too. A header a route set
//! itself is kept (a password reset page's `Referrer-Policy: no-referrer`).
//!
//! The policy is what the site's own pages need and nothing more, checked against every
//! template by this module's test:
//!
//! - `default-src 'none'`: anything not named below is refused (frames, plugins, fonts,
//!   media, `fetch`: the pages use none).
//! - `script-src 'self'`: the two enhancement scripts under `/static/`; no inline script
//!   runs, nor an inline event handler (a comment's or an article's HTML is sanitised before
//!   it is stored: this is the second lock on that door). The JSON-LD block in a page's head
//!   is data, not a script, and is not subject to it.
//! - `style-src 'self'`: the one stylesheet; no `<style>` or `style=` in any template.
//! - `img-src 'self' https: http:`: the favicon, and the lead and inline images of articles,
//!   which stay on their outlets' servers; feeds give their addresses as `https:` or, from
//!   older outlets, `http:` (the feed parser keeps only those two schemes, and the body
//!   sanitiser the same). No `data:`: nothing of the site makes one, and a sanitiser bug
//!   would then not show a made-up image either.
//! - `form-action 'self'`: every form posts to the site (and a login's redirect stays on it).
//! - `frame-ancestors 'none'` (with `X-Frame-Options: DENY` for older browsers): no other
//!   site may frame a page to trick a click on "Ban" or "Delete my account".
//! - `base-uri 'none'`: an injected `<base>` cannot move the relative links.
//!
//! `Referrer-Policy: same-origin`: links and images leaving the site send no `Referer`, so
//! outlets and image hosts do not learn what a reader was reading here (a private site's
//! address either); within the site the full address is kept.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;

/// The Content-Security-Policy of HTML pages; see the module's notes.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' https: http:; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The `Referrer-Policy` of HTML pages that set none.
pub(crate) const REFERRER_POLICY: &str = "same-origin";

/// Whether headers describe an HTML page.
fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .get(..9)
                .is_some_and(|t| t.eq_ignore_ascii_case("text/html"))
        })
}

/// Sets on `response` the security headers it does not set itself.
pub(crate) fn add(response: &mut Response) {
    add_to(response.headers_mut());
}

/// Sets in an answer's `headers` the security headers they do not hold yet.
pub(crate) fn add_to(headers: &mut HeaderMap) {
    let html = is_html(headers);
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if html {
        set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
        set(header::X_FRAME_OPTIONS, "DENY");
        set(header::REFERRER_POLICY, REFERRER_POLICY);
    }
}

#[cfg(test)]
mod tests {
    use super::CONTENT_SECURITY_POLICY;
    use std::path::Path;

    /// Every template, with its name.
    fn templates() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut all = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("the templates directory") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "html") {
                let text = std::fs::read_to_string(&path).expect("a template");
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                all.push((name.unwrap_or_default(), text));
            }
        }
        assert!(all.len() > 20, "found the templates");
        all
    }

    #[test]
    fn the_pages_need_nothing_the_policy_refuses() {
        for (name, text) in templates() {
            let lower = text.to_ascii_lowercase();
            assert!(!lower.contains("<style"), "{name}: an inline stylesheet");
            assert!(!lower.contains(" style="), "{name}: a style attribute");
            assert!(!lower.contains("javascript:"), "{name}: a javascript: URL");
            assert!(!lower.contains("<iframe"), "{name}: a frame");
            assert!(!lower.contains("<base"), "{name}: a base element");
            for (at, _) in lower.match_indices("<script") {
                let tag = &lower[at..at + lower[at..].find('>').unwrap_or(0)];
                assert!(
                    tag.contains(" src=") || tag.contains("application/ld+json"),
                    "{name}: an inline script {tag}"
                );
            }
            // Inline event handlers: ` onclick=`, ` onload=`, …
            for (at, _) in lower.match_indices(" on") {
                let word: String = lower[at + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let after = lower[at + 1 + word.len()..].chars().next();
                assert!(
                    !(after == Some('=') && word.len() > 2),
                    "{name}: an event handler {word}"
                );
            }
            // Every form posts to the site.
            for (at, _) in lower.match_indices("action=\"") {
                let target = &lower[at + 8..];
                assert!(
                    target.starts_with('/') || target.starts_with('#') || target.starts_with("{{"),
                    "{name}: a form posting elsewhere: {}",
                    &target[..target.len().min(40)]
                );
            }
        }
        assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    }
}
