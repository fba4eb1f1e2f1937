//! Plain words find an outlet by its name, on every backend: `Horizon`, `l'Horizon` and
//! `L’Horizon` find the articles of the outlet "l'Horizon" whose text never says it, ranked
//! after an article that does; the outlet's web address is no word of it. On PostgreSQL, rows
//! written before outlet names were in them are written again by the next catch-up.

mod common;

use common::{Fixture, load};
use tidings_model::SourceId;
use tidings_search::{EngineChoice, SearchDoc, SearchEngine, SearchRequest, Sort, catch_up};
use tidings_store::testing::each_backend;

/// The fixture's article `id` again, from `outlet` (at `host`), with this headline and body.
fn rewritten(
    fx: &Fixture,
    id: &str,
    outlet: &str,
    host: &str,
    title: &str,
    body: &str,
) -> SearchDoc {
    SearchDoc {
        id: fx.ids[id],
        story_id: None,
        source_id: SourceId(900),
        source_name: outlet.into(),
        source_host: host.into(),
        url: format!("https://{host}/{id}"),
        language: Some("fr".into()),
        date: 1_752_473_063,
        title: title.into(),
        body: body.into(),
        entities: vec![],
    }
}

#[tokio::test]
async fn plain_words_find_an_outlet_by_its_name_after_the_articles_that_say_them() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let from_outlet = rewritten(
            &fx,
            "a001",
            "l'Horizon",
            "zqxhorizonhost.example",
            "Voile : Anaïs Ropert remporte la Transat des Goélands",
            "À Bellerive, on a suivi l’arrivée en direct sur l’écran géant installé quai de la \
             Capitainerie.",
        );
        let saying_it = rewritten(
            &fx,
            "a002",
            "Le Courrier du Matin",
            "courrierdumatin.example",
            "Le ciel s'éclaircit enfin",
            "Au large, l'horizon s'éclaircit après trois jours de tempête sur la côte.",
        );
        fx.engine
            .index(&[from_outlet, saying_it])
            .await
            .expect("index");
        fx.engine.commit().await.expect("commit");
        for q in ["Horizon", "horizon", "l'Horizon", "L’Horizon", "l’horizon"] {
            let ranked = fx.flat(q, Sort::Relevance, 50).await;
            let at = |id: &str| ranked.iter().position(|r| r == id);
            assert!(
                at("a001").is_some(),
                "{name}: {q} finds the outlet's article: {ranked:?}"
            );
            assert!(
                at("a002").is_some(),
                "{name}: {q} finds the text: {ranked:?}"
            );
            assert!(
                at("a002") < at("a001"),
                "{name}: {q}: the article that says it first: {ranked:?}"
            );
        }
        // Words of the name together, and with a word of the text.
        assert!(
            fx.matches("horizon transat")
                .await
                .contains(&"a001".to_string()),
            "{name}"
        );
        // The outlet's address is not its name: only `source:` reads it.
        assert!(fx.matches("zqxhorizonhost").await.is_empty(), "{name}");
        let by_host = fx
            .engine
            .search(&SearchRequest::flat(
                "source:zqxhorizonhost",
                Sort::Newest,
                10,
            ))
            .await
            .expect("search");
        assert_eq!(by_host.total_articles, 1, "{name}");
    })
    .await;
}

#[tokio::test]
async fn postgres_rows_written_without_outlet_names_are_written_again_once() {
    each_backend(|store| async move {
        let fx = load(store).await;
        // tantivy: an index of an older schema is rebuilt when it is opened (its version is
        // in the commit); PostgreSQL keeps its rows and their version in the database.
        if fx.engine.name() != "postgres" {
            return;
        }
        let rundschau = fx.select(|a| a.source == "rundschau");
        assert!(!rundschau.is_empty());
        assert_eq!(fx.matches("Rundschau").await, rundschau, "no text says it");
        // Rows as the version before wrote them: without the outlet's words (weight D), and
        // no version recorded.
        sqlx::query("UPDATE search_documents SET tsv = ts_filter(tsv, '{a,b}')")
            .execute(fx.store.pool())
            .await
            .expect("strip the outlet names");
        sqlx::query("DELETE FROM search_state WHERE name = 'documents'")
            .execute(fx.store.pool())
            .await
            .expect("forget the version");
        assert!(fx.matches("Rundschau").await.is_empty());
        // The next process's catch-up writes every row again, and only once.
        let next = SearchEngine::open(&fx.store, fx.dir.path(), EngineChoice::Auto).expect("open");
        let done = catch_up(&next, &fx.store).await.expect("catch up");
        assert_eq!(done.indexed as usize, fx.articles.len());
        assert_eq!(fx.matches("Rundschau").await, rundschau);
        let later = SearchEngine::open(&fx.store, fx.dir.path(), EngineChoice::Auto).expect("open");
        assert_eq!(
            catch_up(&later, &fx.store).await.expect("catch up").indexed,
            0
        );
    })
    .await;
}
