//! The value [`crate::extract`] returns: the article's text, sanitised HTML and metadata.

use serde::Serialize;

/// An article extracted from one HTML page.
///
/// Every field is optional or may be empty: a page that is not an article still yields a value,
/// with a low [`Extracted::confidence`], so the caller can fall back to other content.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Extracted {
    /// The headline, from JSON-LD, OpenGraph, Twitter cards, the page's `<h1>` or `<title>`.
    pub title: Option<String>,
    /// The standfirst (dek, summary, description).
    pub description: Option<String>,
    /// Author names, in page order, without agency credits.
    pub authors: Vec<String>,
    /// Who the text comes from: the outlet and any news agencies credited on the page.
    pub credit: SourceCredit,
    /// Publication time, unix seconds (UTC).
    pub published: Option<i64>,
    /// Last modification time, unix seconds (UTC).
    pub modified: Option<i64>,
    /// The section of the site ("Politics", "Sport").
    pub section: Option<String>,
    /// Tags and keywords, deduplicated, in page order.
    pub tags: Vec<String>,
    /// The lead image, if the page names one.
    pub image: Option<LeadImage>,
    /// The site's name ("The Guardian").
    pub site_name: Option<String>,
    /// The canonical URL (`<link rel=canonical>`, `og:url`, JSON-LD), absolute when resolvable.
    pub canonical_url: Option<String>,
    /// Language: a lowercase BCP 47 primary subtag ("en", "pt") from the markup, else an
    /// ISO 639-1 code detected from the body text (ISO 639-3 where no two-letter code exists).
    pub language: Option<String>,
    /// The body as plain text: one paragraph (heading, list item, quote) per line,
    /// lines separated by `\n`. Captions, headline, byline and boilerplate are left out.
    pub text: String,
    /// The body as HTML, sanitised with ammonia and safe to display: paragraphs, headings,
    /// lists, quotes, preformatted text, figures with captions, links and inline emphasis.
    pub html: String,
    /// How sure the extractor is that `text` is the article's full body, from 0 to 1.
    /// Below about 0.4 the page is probably not an article (an index, a video page, a
    /// paywall stub) and the caller should prefer other content.
    pub confidence: f32,
}

/// The source credit: the publishing outlet and the agencies whose copy it carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceCredit {
    /// The outlet that published the page (publisher or site name).
    pub outlet: Option<String>,
    /// News agencies credited in bylines, datelines, trailers or metadata, normalised
    /// ("AFP", "Reuters", "AP", "DW", "Project Syndicate", "Agencies"), deduplicated.
    pub agencies: Vec<String>,
}

/// The lead image of an article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeadImage {
    /// Absolute URL of the image when the page URL is known, as written otherwise.
    pub url: String,
    /// The caption, if one is given.
    pub caption: Option<String>,
}
