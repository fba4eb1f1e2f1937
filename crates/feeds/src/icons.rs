//! Where a source's icon may be found, in the order to try: the feed's own images, the icons
//! its home page links to (`<link rel="icon">`, `"shortcut icon"`, `"apple-touch-icon"`),
//! then `/favicon.ico` of the site. Pure: fetching them is the pipeline's work.

use crate::encoding;
use crate::url_base::resolve;
use crate::xml::tokenizer::{Token, Tokenizer};
use url::Url;

/// The most candidates [`icon_candidates`] returns: each is a request to a publisher.
pub const MAX_ICON_CANDIDATES: usize = 5;

/// The smallest side, in pixels, of an icon that is sharp at 16 CSS pixels on a dense screen.
const SHARP_SIDE: u32 = 32;

/// One icon a page links to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageIcon {
    url: String,
    /// The square side its `sizes` gives, if it names one (the smallest square it lists
    /// that is at least [`SHARP_SIDE`], else the largest square).
    side: Option<u32>,
    /// `apple-touch-icon`: large and meant for a home screen, so after a plain icon.
    touch: bool,
    /// Its order on the page.
    order: usize,
}

/// The icons an HTML page links to with `rel="icon"`, `"shortcut icon"` or
/// `"apple-touch-icon"` (and `-precomposed`), resolved against its `<base href>` or
/// `page_url`, best first: a square of at least 32 px as `sizes` says (the smallest such),
/// then icons whose size is not given (plain icons before touch icons), then smaller or
/// non-square ones (the largest first). SVG icons are left out (an SVG can carry script; the
/// pipeline refuses them anyway), and so are addresses that are not http or https.
pub fn page_icons(html: &[u8], page_url: &str) -> Vec<String> {
    let text = encoding::decode(html, None);
    let mut base = Url::parse(page_url).ok();
    let mut found: Vec<PageIcon> = Vec::new();
    for token in Tokenizer::html(&text) {
        let Token::Start { name, attrs, .. } = token else {
            continue;
        };
        let get = |k: &str| {
            attrs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_ref())
        };
        if name.eq_ignore_ascii_case("base") {
            if let Some(b) = get("href").and_then(|h| match &base {
                Some(b) => b.join(h.trim()).ok(),
                None => Url::parse(h.trim()).ok(),
            }) {
                base = Some(b);
            }
            continue;
        }
        if !name.eq_ignore_ascii_case("link") {
            continue;
        }
        let rels: Vec<String> = get("rel")
            .unwrap_or("")
            .split_ascii_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let touch = rels
            .iter()
            .any(|r| r == "apple-touch-icon" || r == "apple-touch-icon-precomposed");
        if !touch && !rels.iter().any(|r| r == "icon") {
            continue;
        }
        let Some(href) = get("href").map(str::trim).filter(|h| !h.is_empty()) else {
            continue;
        };
        let svg = get("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("image/svg+xml"))
            || is_svg_path(href);
        let url = resolve(href, base.as_ref());
        if svg || !is_web_url(&url) || found.iter().any(|i| i.url == url) {
            continue;
        }
        found.push(PageIcon {
            url,
            side: get("sizes").and_then(square_side),
            touch,
            order: found.len(),
        });
    }
    found.sort_by_key(|icon| match icon.side {
        Some(side) if side >= SHARP_SIDE => (0, side, icon.order),
        None => (1, u32::from(icon.touch), icon.order),
        Some(side) => (2, u32::MAX - side, icon.order),
    });
    found.into_iter().map(|icon| icon.url).collect()
}

/// The square side a `sizes` attribute gives (`"16x16 32x32"`, `"any"` gives none): the
/// smallest listed square of at least [`SHARP_SIDE`], else the largest square.
fn square_side(sizes: &str) -> Option<u32> {
    let squares: Vec<u32> = sizes
        .split_ascii_whitespace()
        .filter_map(|size| {
            let (w, h) = size
                .to_ascii_lowercase()
                .split_once('x')
                .map(|(w, h)| (w.parse::<u32>().ok(), h.parse::<u32>().ok()))?;
            match (w, h) {
                (Some(w), Some(h)) if w == h && w > 0 => Some(w),
                _ => None,
            }
        })
        .collect();
    squares
        .iter()
        .copied()
        .filter(|&s| s >= SHARP_SIDE)
        .min()
        .or_else(|| squares.iter().copied().max())
}

/// Whether an address's path ends in `.svg` (an icon link without a `type`).
fn is_svg_path(href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or("");
    path.to_ascii_lowercase().ends_with(".svg")
}

fn is_web_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// The addresses to try, in order, for the icon of a source: the feed's own images
/// ([`crate::ParsedFeed::images`]), then its home page's icons ([`page_icons`]), then
/// `/favicon.ico` at the site's address (`site_url`, else the feed's own host). Each address
/// once, web addresses only, at most [`MAX_ICON_CANDIDATES`].
pub fn icon_candidates(
    feed_images: &[String],
    page_icons: &[String],
    site_url: Option<&str>,
    feed_url: &str,
) -> Vec<String> {
    let site = site_url
        .and_then(|s| Url::parse(s.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .or_else(|| Url::parse(feed_url.trim()).ok());
    let favicon = site
        .and_then(|s| s.join("/favicon.ico").ok())
        .map(String::from);
    let mut out: Vec<String> = Vec::new();
    for url in feed_images.iter().chain(page_icons).chain(favicon.as_ref()) {
        if out.len() == MAX_ICON_CANDIDATES {
            break;
        }
        if is_web_url(url) && !is_svg_path(url) && !out.contains(url) {
            out.push(url.clone());
        }
    }
    // The site's own favicon is the last resort however many images came before it.
    if let Some(favicon) = favicon
        && !out.contains(&favicon)
        && is_web_url(&favicon)
    {
        if out.len() == MAX_ICON_CANDIDATES {
            out.pop();
        }
        out.push(favicon);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_feed;

    #[test]
    fn each_feed_format_gives_its_own_image() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/">
            <title>A</title><logo>/logo.png</logo><icon>img/icon.png</icon></feed>"#;
        let feed = parse_feed(atom.as_bytes(), "https://a.example/atom.xml").expect("atom");
        assert_eq!(
            feed.images,
            [
                "https://a.example/blog/img/icon.png",
                "https://a.example/logo.png"
            ],
            "the icon before the logo, both resolved"
        );
        let rss = r#"<rss version="2.0"><channel><title>R</title>
            <image><url>/i/r.gif</url><title>R</title><link>https://r.example/</link></image>
            </channel></rss>"#;
        let feed = parse_feed(rss.as_bytes(), "https://r.example/feed").expect("rss");
        assert_eq!(feed.images, ["https://r.example/i/r.gif"]);
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
            xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://d.example/"><title>D</title></channel>
            <image rdf:about="https://d.example/d.png"><url>https://d.example/d.png</url></image></rdf:RDF>"#;
        let feed = parse_feed(rdf.as_bytes(), "https://d.example/rdf").expect("rdf");
        assert_eq!(feed.images, ["https://d.example/d.png"]);
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J",
            "icon":"https://j.example/512.png","favicon":"/fav.png","items":[]}"#;
        let feed = parse_feed(json.as_bytes(), "https://j.example/feed.json").expect("json");
        assert_eq!(
            feed.images,
            ["https://j.example/fav.png", "https://j.example/512.png"],
            "the favicon before the large icon"
        );
        let bare = parse_feed(
            b"<rss><channel><title>x</title></channel></rss>",
            "https://x.example/",
        )
        .expect("rss");
        assert!(bare.images.is_empty());
    }

    #[test]
    fn page_icons_are_resolved_and_the_sharp_square_comes_first() {
        let page = br#"<html><head><base href="/static/">
            <link rel="stylesheet" href="s.css">
            <link rel="shortcut icon" href="favicon.ico">
            <link rel="icon" sizes="16x16" href="i16.png">
            <LINK REL="Icon" SIZES="16x16 48x48 32x32" HREF="multi.png">
            <link rel="apple-touch-icon" href="https://cdn.example/touch.png">
            <link rel="icon" type="image/svg+xml" href="i.svg">
            <link rel="icon" href="/mask.SVG?v=2">
            <link rel="icon" sizes="64x64" href="i64.png">
            <link rel="icon" sizes="any" href="any.png">
            <link rel="icon" href="javascript:alert(1)">
            </head></html>"#;
        let icons = page_icons(page, "https://p.example/news/");
        assert_eq!(
            icons,
            [
                "https://p.example/static/multi.png",
                "https://p.example/static/i64.png",
                "https://p.example/static/favicon.ico",
                "https://p.example/static/any.png",
                "https://cdn.example/touch.png",
                "https://p.example/static/i16.png",
            ]
        );
    }

    #[test]
    fn sizes_pick_the_smallest_sharp_square() {
        assert_eq!(square_side("16x16 48x48 32x32"), Some(32));
        assert_eq!(square_side("16x16 24X24"), Some(24));
        assert_eq!(square_side("64x32"), None);
        assert_eq!(square_side("any"), None);
    }

    #[test]
    fn candidates_go_feed_page_then_the_site_favicon() {
        let feed = vec!["https://f.example/icon.png".to_string()];
        let page = vec![
            "https://f.example/icon.png".to_string(),
            "https://f.example/apple.png".to_string(),
        ];
        assert_eq!(
            icon_candidates(
                &feed,
                &page,
                Some("https://www.f.example/home"),
                "https://feeds.f.example/rss"
            ),
            [
                "https://f.example/icon.png",
                "https://f.example/apple.png",
                "https://www.f.example/favicon.ico",
            ],
            "each once, the favicon of the site address last"
        );
        assert_eq!(
            icon_candidates(&[], &[], None, "http://127.0.0.1:8080/feed.xml"),
            ["http://127.0.0.1:8080/favicon.ico"],
            "no site address: the feed's host"
        );
        let many: Vec<String> = (0..9)
            .map(|i| format!("https://m.example/{i}.png"))
            .collect();
        let out = icon_candidates(
            &many,
            &[],
            Some("https://m.example/"),
            "https://m.example/f",
        );
        assert_eq!(out.len(), MAX_ICON_CANDIDATES);
        assert_eq!(
            out.last().map(String::as_str),
            Some("https://m.example/favicon.ico")
        );
        assert!(icon_candidates(&[], &[], Some("mailto:x@y"), "not a url").is_empty());
    }
}
