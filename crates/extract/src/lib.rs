//! `tidings-extract` turns an article page's HTML into the clean article and its metadata.
//!
//! It is pure: bytes, an optional page URL and an optional HTTP `Content-Type` go in, an
//! [`Extracted`] value comes out. No I/O (except in the optional [`bench`](mod@bench) runner), no clock.
//!
//! ```
//! let html = r#"<html lang="en"><head><title>Rates rise | Daily Example</title>
//!   <meta property="og:site_name" content="Daily Example"></head><body>
//!   <nav><a href="/">Home</a> <a href="/world">World</a></nav>
//!   <article><h1>Rates rise</h1><p class="byline">By Ann Lee, AFP</p>
//!   <p>The central bank raised its main rate by half a point on Thursday, the fourth
//!   increase this year, as inflation stayed well above its target.</p>
//!   <p>Markets had expected the move, and the currency barely changed after the
//!   announcement, traders said.</p><p>— AFP</p></article></body></html>"#;
//! let article = tidings_extract::extract(html.as_bytes(), Some("https://example.org/a"), None)?;
//! assert_eq!(article.title.as_deref(), Some("Rates rise"));
//! assert!(article.text.starts_with("The central bank raised"));
//! assert!(!article.text.contains("AFP"));
//! assert_eq!(article.credit.agencies, ["AFP"]);
//! assert_eq!(article.language.as_deref(), Some("en"));
//! # Ok::<(), tidings_extract::ExtractError>(())
//! ```
//!
//! How it works, one module per step:
//! - `charset`: bytes to text (BOM, HTTP header, `<meta>`, chardetng);
//! - `prefilter`: one cheap byte scan drops what is never article text before the parser
//!   sees it: script and style contents (JSON-LD kept), SVG, comments, `nav`, `aside` and
//!   `footer`; it also bounds the nesting depth at 256 elements;
//! - one html5ever parse (through scraper), then a flat pre-order view of the visible
//!   nodes (`dom`), on which every later step is a linear pass;
//! - `metadata`: JSON-LD, `<meta>` tags, visible markup and microdata;
//! - `body`: boilerplate removal by markup hints (class and id words, landmarks), teaser
//!   card lists and text/link density, then the element with the most paragraph text net
//!   of boilerplate; JSON-LD `articleBody` replaces a body the markup left far shorter;
//! - `credit`: agency credits in bylines, datelines and trailers;
//! - `sanitize`: the body HTML through ammonia;
//! - `language`, `confidence`.
//!
//! A page whose first pass yields under 250 characters is extracted a second time with the
//! furniture kept (an article inside an `<aside>`), so such pages cost two passes.
//!
//! Limits: input is capped at [`Options::max_bytes`] ([`DEFAULT_MAX_BYTES`], 4 MiB): a
//! longer page is cut there before decoding, which bounds time and memory (a 4 MiB page
//! takes some tens of milliseconds). Elements nested deeper than 256 lose their tags (not
//! their text), because the HTML tree builder's scope checks cost time in proportion to
//! the depth. Nothing recurses over the document tree, so deep nesting cannot overflow the
//! stack.

#[cfg(feature = "bench")]
pub mod bench;
mod body;
mod charset;
mod classify;
mod confidence;
mod credit;
mod dom;
mod error;
mod extracted;
pub mod language;
mod metadata;
mod prefilter;
mod sanitize;
mod tag;

use url::Url;

pub use error::ExtractError;
pub use extracted::{Extracted, LeadImage, SourceCredit};

/// The default input cap, in bytes: 4 MiB. Real article pages are rarely above 1 MiB
/// (the benchmark set's largest is well under); the parse of 4 MiB takes some 50 ms.
pub const DEFAULT_MAX_BYTES: usize = 4 * 1024 * 1024;

/// Extraction settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Input beyond this many bytes is ignored (cut at a character boundary after decoding).
    pub max_bytes: usize,
    /// Produce the sanitised body HTML ([`Extracted::html`]). Turning it off saves the
    /// sanitiser's parse when only text is needed.
    pub html: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: DEFAULT_MAX_BYTES,
            html: true,
        }
    }
}

/// Extracts the article from a page with the default [`Options`].
///
/// # Errors
///
/// [`ExtractError::EmptyInput`] for empty or blank input, [`ExtractError::NotHtml`] for
/// binary input. Every other page gives a value, possibly with an empty body and a low
/// confidence.
///
/// `url` is the page's address (used to resolve relative links and as a charset hint);
/// `content_type` is the HTTP `Content-Type` header, whose `charset` wins over the page's own
/// declaration.
pub fn extract(
    html: &[u8],
    url: Option<&str>,
    content_type: Option<&str>,
) -> Result<Extracted, ExtractError> {
    extract_with(html, url, content_type, &Options::default())
}

/// Extracts the article from a page with the given [`Options`].
pub fn extract_with(
    html: &[u8],
    url: Option<&str>,
    content_type: Option<&str>,
    options: &Options,
) -> Result<Extracted, ExtractError> {
    let bytes = cap(html, options.max_bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::EmptyInput);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.iter().filter(|&&b| b == 0).count() > head.len() / 8 {
        return Err(ExtractError::NotHtml);
    }
    let base = url.and_then(|u| Url::parse(u).ok());
    let tld = base
        .as_ref()
        .and_then(|u| u.host_str())
        .and_then(|h| h.rsplit('.').next());
    let text = charset::decode(bytes, content_type, tld);
    let stripped = prefilter::strip(&text, true);
    let extracted = extract_text(&stripped.html, base.as_ref(), options, false);
    // Furniture (`nav`, `aside`, `header`, `footer`) almost never holds the article; when
    // the page gave next to nothing without it, try again with it.
    if extracted.text.chars().count() < MIN_BODY_CHARS {
        let again = extract_text(
            &prefilter::strip(&text, false).html,
            base.as_ref(),
            options,
            true,
        );
        if again.text.chars().count() > extracted.text.chars().count() {
            return Ok(again);
        }
    }
    Ok(extracted)
}

/// Cuts `html` to at most `max` bytes, backing off to the start of a UTF-8 sequence so that
/// a UTF-8 page cut in the middle of a character still reads as UTF-8.
fn cap(html: &[u8], max: usize) -> &[u8] {
    if html.len() <= max {
        return html;
    }
    let mut end = max;
    while end > 0 && max - end < 4 && html[end] & 0xC0 == 0x80 {
        end -= 1;
    }
    if max - end >= 4 {
        end = max;
    }
    &html[..end]
}

/// Below this many characters of body text, a page is extracted again, keeping furniture
/// elements.
const MIN_BODY_CHARS: usize = 250;

/// Extracts the article from decoded, prefiltered page text.
fn extract_text(text: &str, base: Option<&Url>, options: &Options, lenient: bool) -> Extracted {
    let document = scraper::Html::parse_document(text);
    let dom = dom::Dom::build(&document);

    let mut fields = metadata::read(&dom);
    if let Some(title) = fields.title.take() {
        let names: Vec<&str> = [fields.site_name.as_deref(), fields.publisher.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let host = base.and_then(|b| b.host_str());
        fields.title = Some(metadata::without_site_name(&title, &names, host));
    }
    let (mut blocks, analysis) = body::extract(&dom, base, lenient);

    if let Some(article_body) = fields.article_body.as_deref() {
        body::fallback::use_article_body(&mut blocks, article_body);
    }
    let mut agencies = Vec::new();
    let authors = credit::from_bylines(&fields.bylines, fields.authors.clone(), &mut agencies);
    credit::from_body(&mut blocks, &mut agencies);
    body::clean::clean(&mut blocks, fields.title.as_deref());

    let text = body::text_of(&blocks);
    let html_out = if options.html {
        sanitize::sanitize(&body::html_of(&blocks))
    } else {
        String::new()
    };

    let language = fields
        .language
        .as_deref()
        .and_then(language::normalise)
        .or_else(|| language::detect(&text));

    let main = analysis.sums[analysis.best as usize];
    let confidence = confidence::score(&confidence::Signals {
        body_chars: text.chars().filter(|c| !c.is_whitespace()).count(),
        main_good: main.good,
        page_good: analysis.page_good,
        link_density: if main.len == 0 {
            0.0
        } else {
            main.link as f32 / main.len as f32
        },
        paragraphs: blocks
            .iter()
            .filter(|b| b.kind != body::BlockKind::Figure)
            .count(),
        is_article: fields.is_article,
        live_blog: fields.live_blog,
        paywalled: fields.paywalled,
    });

    let absolute = |u: String| match base {
        Some(b) => b.join(&u).map(String::from).unwrap_or(u),
        None => u,
    };
    let outlet = fields
        .publisher
        .clone()
        .or_else(|| fields.site_name.clone())
        .or_else(|| {
            base.as_ref()
                .and_then(|b| b.host_str())
                .map(|h| h.trim_start_matches("www.").to_string())
        });
    Extracted {
        title: fields.title,
        description: fields.description,
        authors,
        credit: SourceCredit { outlet, agencies },
        published: fields.published,
        modified: fields.modified,
        section: fields.section,
        tags: fields.tags,
        image: fields.image.map(|u| LeadImage {
            url: absolute(u),
            caption: fields.image_caption,
        }),
        site_name: fields.site_name,
        canonical_url: fields.canonical.map(absolute),
        language,
        text,
        html: html_out,
        confidence,
    }
}

/// Describes how the main content was chosen: the best-scoring elements with their scores,
/// and what each top-level subtree of the winner contributed. A diagnostic for tuning, not
/// a stable interface.
#[doc(hidden)]
pub fn explain(html: &[u8]) -> String {
    let text = charset::decode(html, None, None);
    let text = prefilter::strip(&text, true).html;
    let document = scraper::Html::parse_document(&text);
    let dom = dom::Dom::build(&document);
    body::score::explain(&dom)
}
