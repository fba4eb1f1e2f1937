//! Canonical URLs: the key that makes the same article, linked from two feeds or with
//! campaign tags, one article. The URL alone gives tracking parameters, fragments and AMP
//! markers away; AMP paths and mobile hosts are resolved by the page's own
//! `<link rel="canonical">`, accepted only when it stays on the same site.

use url::Url;

/// Query parameters that track a click, never choose a page: campaign tags of analytics,
/// ad and mail tools, and share buttons.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "twclid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "xtor",
    "ns_source",
    "ns_mchannel",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "cmpid",
    "s_cid",
    "wt_mc",
    "wt.mc_id",
    "ocid",
    "ref_src",
    "smid",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
];

/// The article's key: an absolute http(s) URL without its fragment, tracking parameters
/// (`utm_*`, `fbclid`, …) or AMP marker (`?amp=1`, `?outputType=amp`), so that the same
/// article linked from two feeds, or from one feed with campaign tags, is one article.
///
/// Variants the URL alone cannot tell (an AMP path, a mobile host) are resolved by the page's
/// `<link rel="canonical">`, which the Stories stage reads.
pub fn canonical_url(link: &str) -> Option<String> {
    let mut url = Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, value)| {
                let key = key.to_ascii_lowercase();
                let amp_marker = (key == "amp" && matches!(value.as_ref(), "" | "1" | "true"))
                    || (key == "outputtype" && value.eq_ignore_ascii_case("amp"));
                !key.starts_with("utm_") && !TRACKING_PARAMS.contains(&key.as_str()) && !amp_marker
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url.to_string())
}

/// The canonical URL a page declares (`<link rel="canonical">`, `og:url`), made absolute
/// against the page's URL and cleaned with [`canonical_url`], when it can be trusted: it is
/// http(s), it stays on the page's site (`www.`, `m.`, `mobile.` and `amp.` hosts count as the
/// site itself), and it does not point a deep page at the site's home page (a common template
/// mistake that would fold every article of a site into one).
pub fn declared_canonical(page_url: &str, declared: &str) -> Option<String> {
    let page = Url::parse(page_url).ok()?;
    let target = page.join(declared.trim()).ok()?;
    let target = Url::parse(&canonical_url(target.as_str())?).ok()?;
    let (page_host, target_host) = (page.host_str()?, target.host_str()?);
    if site_of(page_host) != site_of(target_host) {
        return None;
    }
    let is_home = |u: &Url| u.path().trim_end_matches('/').is_empty() && u.query().is_none();
    if is_home(&target) && !is_home(&page) {
        return None;
    }
    Some(target.to_string())
}

/// A host without the prefixes that mark a variant of the same site.
fn site_of(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    for prefix in ["www.", "m.", "mobile.", "amp."] {
        if let Some(rest) = host.strip_prefix(prefix)
            && rest.contains('.')
        {
            return rest.to_string();
        }
    }
    host
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_parameters_and_amp_markers_do_not_make_a_new_article() {
        let clean = "https://news.example/world/bridge?id=42";
        for variant in [
            "https://news.example/world/bridge?id=42&utm_source=rss&utm_medium=feed",
            "https://NEWS.example/world/bridge?utm_campaign=x&id=42#top",
            "https://news.example/world/bridge?id=42&fbclid=abc&gclid=def",
            "https://news.example/world/bridge?id=42&amp=1",
            "https://news.example/world/bridge?outputType=amp&id=42",
        ] {
            assert_eq!(canonical_url(variant).as_deref(), Some(clean), "{variant}");
        }
        assert_eq!(
            canonical_url("https://news.example/a?utm_source=rss").as_deref(),
            Some("https://news.example/a"),
            "an emptied query goes"
        );
        assert_eq!(
            canonical_url("https://news.example/search?q=amp&page=2").as_deref(),
            Some("https://news.example/search?q=amp&page=2"),
            "meaningful parameters stay"
        );
    }

    #[test]
    fn a_declared_canonical_resolves_amp_and_mobile_variants() {
        let canonical = "https://news.example/world/bridge";
        for page in [
            "https://news.example/amp/world/bridge",
            "https://m.news.example/world/bridge",
            "https://amp.news.example/world/bridge.amp.html",
        ] {
            assert_eq!(
                declared_canonical(page, "https://www.news.example/world/bridge?utm_source=x")
                    .map(|u| u.replace("www.", "")),
                Some(canonical.to_string()),
                "{page}"
            );
        }
        assert_eq!(
            declared_canonical("https://news.example/amp/a", "/a").as_deref(),
            Some("https://news.example/a"),
            "relative canonicals resolve against the page"
        );
    }

    #[test]
    fn a_declared_canonical_elsewhere_or_at_the_home_page_is_ignored() {
        let page = "https://news.example/world/bridge";
        assert_eq!(
            declared_canonical(page, "https://other.example/world/bridge"),
            None
        );
        assert_eq!(declared_canonical(page, "https://news.example/"), None);
        assert_eq!(declared_canonical(page, "javascript:alert(1)"), None);
        assert_eq!(
            declared_canonical("https://news.example/", "https://www.news.example/").as_deref(),
            Some("https://www.news.example/"),
            "the home page may call itself canonical"
        );
    }
}
