//! `tidings search`: run a query the way the search page ranks it, or rebuild and check the
//! index against the database.

use crate::cli::{SearchArgs, SearchCommand};
use crate::settings::Settings;
use anyhow::{Context, bail};
use tidings_search::{
    ArticleHit, EngineChoice, SearchEngine, SearchError, SearchRequest, Sort, catch_up, check,
    rebuild,
};
use tidings_store::Store;

/// Runs `search`.
pub async fn run(store: &Store, settings: &Settings, args: SearchArgs) -> anyhow::Result<()> {
    let choice = match args.engine.as_str() {
        "auto" => EngineChoice::Auto,
        "tantivy" => EngineChoice::Tantivy,
        "postgres" => EngineChoice::Postgres,
        other => bail!("unknown search engine {other:?}: use auto, tantivy or postgres"),
    };
    let dir = settings.data_dir.join("search");
    let engine = SearchEngine::open(store, &dir, choice).context("cannot open the search index")?;
    match args.command {
        Some(SearchCommand::Rebuild) => {
            let started = std::time::Instant::now();
            let done = rebuild(&engine, store).await?;
            println!(
                "rebuilt the {} index: {} articles in {:.1} s",
                engine.name(),
                done.indexed,
                started.elapsed().as_secs_f64()
            );
        }
        Some(SearchCommand::Check { fix }) => {
            let report = check(&engine, store, fix).await?;
            println!("database: {} articles", report.database);
            println!("{} index: {} documents", engine.name(), report.index);
            println!(
                "missing from the index: {}{}",
                report.missing.len(),
                sample(&report.missing)
            );
            println!(
                "extra in the index: {}{}",
                report.extra.len(),
                sample(&report.extra)
            );
            println!(
                "indexed as another article (id given again, e.g. after a restored backup): {}{}",
                report.mismatched.len(),
                sample(&report.mismatched)
            );
            if report.fixed {
                println!("repaired");
            } else if !report.consistent() {
                println!("run `tidings search check --fix` to repair");
                std::process::exit(1);
            }
        }
        None => query(store, &engine, &args).await?,
    }
    Ok(())
}

async fn query(store: &Store, engine: &SearchEngine, args: &SearchArgs) -> anyhow::Result<()> {
    // Bring the index up to date first (rebuilding it if a restored database went back in
    // time under it), unless a running server owns it (it does both itself).
    match tidings_search::rebuild_if_stale(engine, store).await {
        Ok(_) | Err(SearchError::ReadOnly) => {}
        Err(err) => return Err(err.into()),
    }
    match catch_up(engine, store).await {
        Ok(_) | Err(SearchError::ReadOnly) => {}
        Err(err) => return Err(err.into()),
    }
    let text = args.query.join(" ");
    let mut request = SearchRequest::new(&text, args.limit);
    request.offset = args.offset;
    request.facets = args.facets;
    request.sort = Sort::parse(&args.sort).with_context(|| {
        format!(
            "unknown order {:?}: use relevance, date or oldest",
            args.sort
        )
    })?;
    let results = engine.search(&request).await?;
    for ignored in &results.ignored {
        println!("(ignored {:?}: {})", ignored.text, ignored.reason.explain());
    }
    if results.relaxed {
        println!("(few articles have every word; showing those with some of them too)");
    }
    println!(
        "{} articles match; stories {}–{}:",
        results.total_articles,
        args.offset + 1,
        args.offset + results.hits.len()
    );
    for (i, hit) in results.hits.iter().enumerate() {
        println!();
        print_article(args.offset + i + 1, &hit.article);
        for other in &hit.others {
            println!(
                "      also: {} — {} ({})",
                other.source_name,
                terminal_text(&other.title_html),
                date(other.date)
            );
        }
    }
    if let Some(facets) = &results.facets {
        println!();
        let list = |items: &[tidings_search::FacetCount]| {
            items
                .iter()
                .take(10)
                .map(|f| {
                    format!(
                        "{} ({})",
                        if f.value.is_empty() { "?" } else { &f.value },
                        f.count
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("outlets: {}", list(&facets.sources));
        println!("months: {}", list(&facets.months));
        println!("languages: {}", list(&facets.languages));
    }
    Ok(())
}

fn print_article(rank: usize, a: &ArticleHit) {
    println!("{rank:>3}. {}", terminal_text(&a.title_html));
    println!(
        "     {} · {} · {}{}",
        a.source_name,
        date(a.date),
        if a.language.is_empty() {
            "?"
        } else {
            &a.language
        },
        if a.score > 0.0 {
            format!(" · score {:.2}", a.score)
        } else {
            String::new()
        }
    );
    println!("     {}", a.url);
    let snippet = terminal_text(&a.snippet_html);
    if !snippet.is_empty() {
        println!("     {snippet}");
    }
}

/// Escaped HTML with `<b>` marks as terminal text: marks become `[…]`, entities their text.
fn terminal_text(html: &str) -> String {
    html.replace("<b>", "[")
        .replace("</b>", "]")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn date(secs: i64) -> String {
    let (y, m, d) = tidings_search::query::days_to_civil(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

fn sample(ids: &[tidings_model::ArticleId]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = ids.iter().take(10).map(|id| id.to_string()).collect();
    let more = if ids.len() > 10 { ", …" } else { "" };
    format!(" (ids {}{more})", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_entities_for_the_terminal() {
        assert_eq!(
            terminal_text("<b>Flood</b> &amp; &lt;rain&gt;"),
            "[Flood] & <rain>"
        );
        assert_eq!(date(0), "1970-01-01");
    }
}
