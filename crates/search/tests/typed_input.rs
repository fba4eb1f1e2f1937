//! What readers type that the index cannot use as it stands, on every backend: words too long
//! for the index, input with nothing to look for, words typed without their accents, and
//! French words with an elided article. None of it may widen a search to every article.

mod common;

use common::{Fixture, load};
use tidings_model::SourceId;
use tidings_search::query::{Clause, IgnoreReason, Query};
use tidings_search::{SearchDoc, SearchRequest, Sort, saved_search};
use tidings_store::testing::each_backend;

/// A word of 60 bytes: longer than any the analysers keep.
fn long_word() -> String {
    "x".repeat(60)
}

#[tokio::test]
async fn a_word_too_long_for_the_index_is_said_and_widens_nothing() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let floods = fx.matches("floods").await;
        assert!(floods.len() >= 5, "{name}: {floods:?}");
        let long = long_word();
        let r = fx
            .engine
            .search(&SearchRequest::new(&format!("floods {long}"), 20))
            .await
            .expect("search");
        let ignored: Vec<(&str, IgnoreReason)> = r
            .ignored
            .iter()
            .map(|i| (i.text.as_str(), i.reason))
            .collect();
        assert_eq!(
            ignored,
            vec![(long.as_str(), IgnoreReason::TooLong)],
            "{name}"
        );
        // The articles with "floods", not presented as matching a word they lack.
        assert!(!r.relaxed, "{name}");
        assert_eq!(r.total_articles, floods.len() as u64, "{name}");
        // Alone, it leaves nothing to search for: a feed of it lists nothing.
        let alone = saved_search(&fx.engine, &"q".repeat(45), Sort::Newest, 50)
            .await
            .expect("feed");
        assert!(alone.is_empty(), "{name}: {} articles", alone.len());
    })
    .await;
}

#[tokio::test]
async fn a_saved_search_with_nothing_to_look_for_lists_nothing() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        for q in [
            "",
            "OR",
            "-",
            "*",
            "(((",
            "source:",
            "after:notadate",
            "\"!\" -?",
        ] {
            let hits = saved_search(&fx.engine, q, Sort::Newest, 50)
                .await
                .expect("feed");
            assert!(hits.is_empty(), "{name}: {q:?} listed {}", hits.len());
        }
        // A query that says something still lists its matches.
        let hits = saved_search(&fx.engine, "floods", Sort::Newest, 50)
            .await
            .expect("feed");
        assert!(!hits.is_empty(), "{name}");
    })
    .await;
}

#[tokio::test]
async fn a_group_with_nothing_to_look_for_matches_nothing() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        // The parser keeps no such clause; a query built by hand may hold one. It is in no
        // article, so the query matches nothing instead of dropping it.
        let nothing = Clause::Word("!!!".into());
        let alone = Query {
            must: vec![vec![nothing.clone()]],
            ..Query::default()
        };
        let with_a_word = Query {
            must: vec![vec![Clause::Word("floods".into())], vec![nothing]],
            ..Query::default()
        };
        for query in [alone, with_a_word] {
            let mut request = SearchRequest::flat("", Sort::Relevance, 200);
            request.query = query.clone();
            let r = fx.engine.search(&request).await.expect("search");
            assert_eq!(r.total_articles, 0, "{name}: {query:?}");
        }
    })
    .await;
}

/// The fixture's article a001 again, in French, with this headline and body.
fn french_a001(fx: &Fixture, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        id: fx.ids["a001"],
        story_id: None,
        source_id: SourceId(1),
        source_name: "L’Horizon de Bellerive".into(),
        source_host: "horizon-bellerive.example".into(),
        url: "https://horizon-bellerive.example/1".into(),
        language: Some("fr".into()),
        date: 1_752_473_063,
        title: title.into(),
        body: body.into(),
        entities: vec![],
    }
}

#[tokio::test]
async fn words_typed_without_accents_or_with_an_elided_article_are_found() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let doc = french_a001(
            &fx,
            "Voile : Anaïs Ropert remporte la Transat des Goélands",
            "À Bellerive, on a suivi l’arrivée en direct sur l’écran géant installé quai de la \
             Capitainerie. Noël approche, et l’Horizon s’éclaircit.",
        );
        fx.engine.index(&[doc]).await.expect("index");
        fx.engine.commit().await.expect("commit");
        let a001 = vec!["a001".to_string()];
        // Folded before stemming: the French stemmer reads ï and ë as vowel marks.
        for q in [
            "Anaïs",
            "anais",
            "ANAIS",
            "goelands",
            "Goélands",
            "noel",
            "Noël",
        ] {
            assert_eq!(fx.matches(q).await, a001, "{name}: {q}");
        }
        // An elided article, straight or curly, is not required before the word.
        for q in [
            "l'écran",
            "l’écran",
            "d'écran",
            "d’ecran",
            "l'Horizon",
            "L’horizon",
            "d'arrivée",
            "qu'arrivée",
        ] {
            assert_eq!(fx.matches(q).await, a001, "{name}: {q}");
        }
        // A French article of the fixture: "modèles d'intelligence artificielle".
        let intelligence = fx.matches("l'intelligence").await;
        assert!(
            intelligence.contains(&"a020".to_string()),
            "{name}: {intelligence:?}"
        );
        assert_eq!(fx.matches("l’intelligence").await, intelligence, "{name}");
        // A phrase keeps its words as typed.
        assert_eq!(fx.matches("\"l'écran géant\"").await, a001, "{name}");
        assert!(fx.matches("\"d'écran géant\"").await.is_empty(), "{name}");
    })
    .await;
}
