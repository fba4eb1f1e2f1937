//! The ingest benchmark's web: a loopback server that makes up feeds and article pages on the
//! fly, so a thousand outlets cost no disk. Each feed lists teaser items; each item's page is a
//! realistic news page (navigation, article, related links, footer) for the extractor.

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;

/// A running bench web.
pub(crate) struct BenchWeb {
    pub(crate) addr: SocketAddr,
}

/// Starts the web with `entries` items per feed.
pub(crate) async fn start(entries: usize) -> anyhow::Result<BenchWeb> {
    let app = Router::new()
        .route(
            "/feed/{n}",
            get(move |Path(n): Path<String>| async move { feed(&n, entries) }),
        )
        .route(
            "/article/{n}/{i}",
            get(|Path((n, i)): Path<(String, String)>| async move { page(&n, &i) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(BenchWeb { addr })
}

fn feed(n: &str, entries: usize) -> impl IntoResponse + use<> {
    let n = n.trim_end_matches(".xml");
    let items: String = (0..entries)
        .map(|i| {
            format!(
                "<item><title>Outlet {n} report {i}: council approves new harbour plan</title>\
                 <link>/article/{n}/{i}</link><guid isPermaLink=\"false\">o{n}-{i}</guid>\
                 <pubDate>Wed, 25 Nov 2026 {:02}:{:02}:00 GMT</pubDate>\
                 <dc:creator>Reporter {i}</dc:creator>\
                 <description>The council approved the plan late on Tuesday after a long debate…</description>\
                 </item>",
                i % 24,
                (i * 7) % 60
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>\
             <title>Outlet {n}</title><link>/</link>{items}</channel></rss>"
        ),
    )
}

fn page(n: &str, i: &str) -> impl IntoResponse + use<> {
    let nav: String = (0..40)
        .map(|k| format!("<li><a href=\"/section/{k}\">Section {k}</a></li>"))
        .collect();
    let paragraphs: String = (0..12)
        .map(|k| {
            format!(
                "<p>Paragraph {k} of report {i} from outlet {n}. The council's vote ends months of \
                 argument over the harbour, where fishing crews, ferry operators and residents \
                 have competed for space since the old quay was closed for repairs. Supporters \
                 said the plan would bring jobs; opponents warned of traffic and noise.</p>"
            )
        })
        .collect();
    let related: String = (0..10)
        .map(|k| format!("<li><a href=\"/article/{n}/{k}\">Related story {k}</a></li>"))
        .collect();
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Council approves harbour plan | Outlet {n}</title>\
             <meta property=\"og:title\" content=\"Council approves harbour plan\">\
             <meta name=\"description\" content=\"The council approved the plan late on Tuesday.\">\
             <script>window.analytics = {{ page: \"{n}/{i}\" }};</script></head><body>\
             <header><nav><ul>{nav}</ul></nav></header>\
             <main><article><h1>Council approves harbour plan</h1>\
             <p class=\"byline\">By Reporter {i}</p>{paragraphs}<p>— AFP</p></article>\
             <aside><h2>Related</h2><ul>{related}</ul></aside></main>\
             <footer><p>© Outlet {n}. All rights reserved.</p><form><input name=\"email\">\
             <button>Subscribe to our newsletter</button></form></footer></body></html>"
        ),
    )
}
