//! Extraction of hand-written news pages: layouts, languages, charsets and source credits.

use tidings_extract::{Extracted, extract};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(name: &str, url: &str) -> Extracted {
    extract(&fixture(name), Some(url), None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn english_wire_story_with_furniture() {
    let a = run(
        "en_wire_afp.html",
        "https://daily.example/world/italy-floods",
    );
    assert_eq!(
        a.title.as_deref(),
        Some("Floods force thousands from homes in northern Italy")
    );
    assert_eq!(
        a.description.as_deref(),
        Some("Rivers burst their banks after a week of heavy rain.")
    );
    assert!(
        a.text.starts_with("ROME (AFP) — Thousands of people"),
        "{}",
        a.text
    );
    assert!(a.text.contains("Schools closed\nSchools across the region"));
    assert!(a.text.ends_with("absorb much more water."), "{}", a.text);
    for furniture in [
        "cookies",
        "Share on",
        "Advertisement",
        "Spain declares",
        "thoughts are with",
        "All rights reserved",
        "Rescuers in Faenza",
        "By AFP",
    ] {
        assert!(!a.text.contains(furniture), "{furniture} in {}", a.text);
    }
    assert_eq!(a.credit.agencies, ["AFP"]);
    assert_eq!(a.credit.outlet.as_deref(), Some("The Daily Example"));
    assert!(a.authors.is_empty(), "{:?}", a.authors);
    assert_eq!(a.published, Some(1_746_253_800));
    assert_eq!(a.modified, Some(1_746_266_400));
    assert_eq!(a.section.as_deref(), Some("World"));
    assert_eq!(a.tags, ["Italy", "floods", "weather"]);
    let image = a.image.as_ref().expect("lead image");
    assert_eq!(image.url, "https://daily.example/img/floods.jpg");
    assert_eq!(image.caption.as_deref(), Some("Rescuers in Faenza"));
    assert_eq!(
        a.canonical_url.as_deref(),
        Some("https://daily.example/world/italy-floods")
    );
    assert_eq!(a.language.as_deref(), Some("en"));
    assert!(a.confidence > 0.7, "confidence {}", a.confidence);
    assert!(a.html.contains("<h2>Schools closed</h2>"), "{}", a.html);
    assert!(a.html.contains("where the <a href=\"https://daily.example/tags/lamone\" rel=\"noopener noreferrer nofollow\">Lamone river</a> flooded"), "{}", a.html);
    assert!(!a.html.contains("script") && !a.html.contains("— AFP"));
}

#[test]
fn german_dw_story_with_editor_credit_and_related_cards() {
    let a = run("de_dw.html", "https://www.dw.example/de/wahlrecht/a-1");
    assert_eq!(
        a.title.as_deref(),
        Some("Bundestag beschließt Reform des Wahlrechts")
    );
    assert!(a.text.contains("auf 630 Abgeordnete begrenzen soll."));
    assert!(
        a.text.ends_with("nicht vor dem kommenden Jahr erwartet."),
        "{}",
        a.text
    );
    assert!(
        !a.text.contains("Fünf-Prozent-Hürde"),
        "related cards kept: {}",
        a.text
    );
    assert_eq!(a.credit.agencies, ["DW", "dpa", "AFP"]);
    assert_eq!(a.published, Some(1_741_953_900));
    assert_eq!(a.tags, ["Bundestag", "Wahlrecht", "Reform"]);
    assert_eq!(a.language.as_deref(), Some("de"));
}

#[test]
fn french_windows_1252_page_with_dateline() {
    let a = run(
        "fr_reuters_cp1252.html",
        "https://quotidien.example/eco/bce",
    );
    assert!(
        a.text
            .starts_with("FRANCFORT (Reuters) - La Banque centrale européenne a relevé"),
        "{}",
        a.text
    );
    assert!(a.text.contains("les cambistes interrogés à Paris"));
    assert!(!a.text.contains("Mentions légales"));
    assert!(!a.text.contains("Par Marie Dupont"));
    assert_eq!(a.credit.agencies, ["Reuters"]);
    assert_eq!(
        a.title.as_deref(),
        Some("La Banque centrale européenne relève ses taux")
    );
    assert_eq!(a.language.as_deref(), Some("fr"), "detected from the text");
}

#[test]
fn http_charset_overrides_the_page() {
    // The page says windows-1252; a (wrong) header saying UTF-8 wins, and the bytes that are
    // not UTF-8 become replacement characters instead of failing.
    let a = extract(
        &fixture("fr_reuters_cp1252.html"),
        None,
        Some("text/html; charset=utf-8"),
    )
    .expect("extract");
    assert!(a.text.contains('\u{FFFD}'));
}

#[test]
fn opinion_piece_with_syndication_trailer_in_a_sidebar_wrapper() {
    let a = run(
        "syndicate_opinion.html",
        "https://op.example/patient-capital",
    );
    assert!(
        a.text
            .starts_with("Long-term investors have rarely been as scarce"),
        "{}",
        a.text
    );
    assert!(a.text.ends_with("paid and evaluated."), "{}", a.text);
    assert!(!a.text.contains("Most read"));
    assert_eq!(a.credit.agencies, ["Project Syndicate"]);
    assert_eq!(a.authors, ["Jane Economist"]);
}

#[test]
fn japanese_article_with_kyodo_credit() {
    let a = run("ja_news.html", "https://news.example.jp/a/1");
    assert!(a.text.starts_with("気象庁は２７日"), "{}", a.text);
    assert!(a.text.contains("見ごろが続く見通しだ。"));
    assert!(!a.text.contains("（共同）"));
    assert!(!a.text.contains("株価"));
    assert_eq!(a.credit.agencies, ["Kyodo"]);
    assert_eq!(a.published, Some(1_743_037_200));
    assert_eq!(a.language.as_deref(), Some("ja"));
}

#[test]
fn index_page_has_low_confidence() {
    let a = run("index_page.html", "https://daily.example/world");
    assert!(
        a.confidence < 0.4,
        "confidence {} for {:?}",
        a.confidence,
        a.text
    );
}

#[test]
fn paywall_stub_has_low_confidence() {
    let a = run("paywall_stub.html", "https://finance.example/merger");
    assert!(
        a.confidence < 0.4,
        "confidence {} for {:?}",
        a.confidence,
        a.text
    );
    assert_eq!(a.published, Some(1_738_368_000));
}

#[test]
fn empty_and_binary_input_are_errors() {
    assert!(extract(b"", None, None).is_err());
    assert!(extract(b"   \n", None, None).is_err());
    assert!(extract(&[0u8; 64], None, None).is_err());
}

#[test]
fn article_inside_an_aside_is_found_on_the_second_try() {
    let paragraph = "<p>This odd page keeps its whole story inside an aside element, which the \
                     extractor normally drops before parsing, so it has to look again.</p>";
    let html = format!(
        "<html><body><nav><a href=/>Home</a></nav><aside>{}</aside></body></html>",
        paragraph.repeat(4)
    );
    let a = extract(html.as_bytes(), None, None).expect("extract");
    assert!(
        a.text.starts_with("This odd page keeps its whole story"),
        "{:?}",
        a.text
    );
    assert!(!a.text.contains("Home"));
}

#[test]
fn listicle_sections_inside_the_article_body_are_kept() {
    let item = |n: u32| {
        format!(
            "<div class=\"item\"><h2><a href=\"/p/{n}\">Product number {n} of the guide</a></h2>\
             <p>Product {n} is a sturdy, well-made thing that we tested for three weeks, and it \
             held up well in every test we could think of.</p></div>"
        )
    };
    let items: String = (1..=5).map(item).collect();
    let html = format!(
        "<html><body><div class=\"article-body\"><p>Our editors tested dozens of products this \
         year to find the ones worth your money; here are five of them.</p>{items}</div>\
         <div class=\"more\"><div class=\"c\"><h3><a href=/x>Other story one</a></h3><p>A teaser \
         for another story on this site, a sentence long.</p></div></div></body></html>"
    );
    let a = extract(html.as_bytes(), None, None).expect("extract");
    for n in 1..=5 {
        assert!(
            a.text.contains(&format!("Product {n} is a sturdy")),
            "{n}: {}",
            a.text
        );
    }
    assert!(!a.text.contains("Other story one"));
}

/// A page whose theme escaped its metadata twice (`&amp;#8211;`, as many WordPress themes
/// do) and whose JSON-LD holds references: the reader sees the characters, not `&#8211;`.
#[test]
fn references_escaped_twice_in_metadata_are_decoded_once() {
    let html = r#"<!doctype html><html lang="en"><head>
        <title>Fallen Order review &amp;#8211; shoots for the moon | Games Desk</title>
        <meta property="og:title" content="Fallen Order review &amp;#8211; shoots for the moon">
        <meta name="description" content="Chelsea paid the &amp;#163;71.6m fee &amp;amp; more.">
        <script type="application/ld+json">{"@type":"NewsArticle",
          "author":{"@type":"Person","name":"Ana&#239;s Ropert"}}</script>
        </head><body><article><h1>Fallen Order review</h1>
        <p>The game borrows from many others, but finds its own reason to exist, and the
        review goes on for long enough to be an article rather than a teaser of one.</p>
        <p>Its combat is demanding and its world is large, with a story that holds together
        across the twenty hours it takes to reach the end, the reviewer wrote.</p>
        </article></body></html>"#;
    let a = extract(html.as_bytes(), Some("https://games.example/review"), None).expect("extract");
    assert_eq!(
        a.title.as_deref(),
        Some("Fallen Order review – shoots for the moon")
    );
    assert_eq!(
        a.description.as_deref(),
        Some("Chelsea paid the £71.6m fee & more.")
    );
    assert!(
        a.authors.iter().any(|n| n == "Anaïs Ropert"),
        "{:?}",
        a.authors
    );
    for field in [&a.title, &a.description] {
        assert!(!field.as_deref().unwrap_or("").contains("&#"), "{field:?}");
    }
}

/// A headline that repeats the site's name after a separator loses it, whichever source the
/// name comes from; a tail that is not the site's name stays.
#[test]
fn the_sites_own_name_leaves_the_headline() {
    let page = |og_title: &str, site: &str| {
        format!(
            r#"<!doctype html><html lang="en"><head>
            <meta property="og:title" content="{og_title}">{site}</head><body><article>
            <p>The governor defended the campaign on Tuesday, saying it had drawn attention to a
            problem the state could no longer ignore, and that the money was well spent.</p>
            <p>Critics said the slogan was a joke that made the state look foolish, and asked
            how much the agency had paid for it, a figure the governor did not give.</p>
            </article></body></html>"#
        )
    };
    let title = |html: String, url: &str| {
        extract(html.as_bytes(), Some(url), None)
            .expect("extract")
            .title
            .unwrap_or_default()
    };
    let named = r#"<meta property="og:site_name" content="The Beachbody Blog">"#;
    for (og_title, site, url, expected) in [
        (
            "Governor doubles down on campaign | TheHill",
            "",
            "https://thehill.com/homenews/1",
            "Governor doubles down on campaign",
        ),
        (
            "Daily deals on controllers and more - IGN",
            "",
            "https://www.ign.com/articles/2",
            "Daily deals on controllers and more",
        ),
        (
            "Game day snack temptations | The Beachbody Blog",
            named,
            "https://www.beachbodyondemand.com/blog/3",
            "Game day snack temptations",
        ),
        (
            "Davis Cup: Spain alive against Russia - Sportsnet.ca",
            "",
            "https://www.sportsnet.ca/tennis/4",
            "Davis Cup: Spain alive against Russia",
        ),
        (
            "Só quem se Ama... — Mensagens de Reflexão",
            r#"<meta property="og:site_name" content="Mensagens de Reflexão">"#,
            "https://www.mensagensreflexao.com.br/8",
            "Só quem se Ama...",
        ),
        ("Up - IGN", "", "https://www.ign.com/articles/9", "Up - IGN"),
        (
            "The view on Hong Kong: a city on the brink | Editorial",
            "",
            "https://www.theguardian.com/5",
            "The view on Hong Kong: a city on the brink | Editorial",
        ),
        (
            "Third case of plague as panic begins – ‘The plague is coming’",
            "",
            "https://www.express.co.uk/6",
            "Third case of plague as panic begins – ‘The plague is coming’",
        ),
        (
            "Quarterly results beat forecasts - Com",
            "",
            "https://news.example.com/7",
            "Quarterly results beat forecasts - Com",
        ),
    ] {
        assert_eq!(title(page(og_title, site), url), expected, "{url}");
    }
}
