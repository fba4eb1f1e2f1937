//! Totals of large result sets: tantivy counts every match; PostgreSQL counts exactly up to
//! [`EXACT_COUNT`] and estimates beyond (counting every match of a common word was what made
//! it slow), saying so. Small result sets are exact on both. Run on every backend.

use tidings_model::NewArticle;
use tidings_search::{EXACT_COUNT, EngineChoice, SearchEngine, SearchRequest, Sort, catch_up};
use tidings_store::testing::each_backend;
use tidings_store::{Backend, NewSource};

const ARTICLES: usize = 1_100;

#[tokio::test]
async fn large_totals_are_estimated_on_postgres_and_small_ones_exact() {
    const { assert!(ARTICLES as i64 > EXACT_COUNT) };
    each_backend(|store| async move {
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: "https://many.example/feed".into(),
                    name: "Many Times".into(),
                    ..NewSource::default()
                },
                1_700_000_000,
            )
            .await
            .expect("add source")
            .id;
        let articles: Vec<NewArticle> = (0..ARTICLES)
            .map(|i| NewArticle {
                url: format!("https://many.example/{i}"),
                title: format!("Harbour report number {i}"),
                fetched_at: 1_750_000_000 + i as i64,
                language: Some("en".into()),
                body_text: if i % 100 == 0 {
                    "Ships waited in the harbour; a lighthouse keeper counted them.".into()
                } else {
                    "Ships waited in the harbour.".into()
                },
                ..NewArticle::default()
            })
            .collect();
        store
            .articles()
            .insert_new(source, &articles)
            .await
            .expect("insert");
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = SearchEngine::open(&store, &dir.path().join("search"), EngineChoice::Auto)
            .expect("open engine");
        catch_up(&engine, &store).await.expect("catch up");
        if store.backend() == Backend::Postgres {
            sqlx::query("ANALYZE search_documents")
                .execute(store.pool())
                .await
                .expect("analyze");
        }
        let name = engine.name();
        let mut request = SearchRequest::new("harbour", 10);
        request.facets = true;
        let all = engine.search(&request).await.expect("search");
        assert_eq!(all.hits.len(), 10, "{name}");
        if name == "postgres" {
            assert!(all.total_estimated, "{name}");
            assert!(
                all.total_articles > EXACT_COUNT as u64 && all.total_articles <= 5_000,
                "{name}: a plausible estimate, {}",
                all.total_articles
            );
        } else {
            assert!(!all.total_estimated, "{name}");
            assert_eq!(all.total_articles, ARTICLES as u64, "{name}");
        }
        // Facets count every match on both.
        let facets = all.facets.expect("facets");
        assert_eq!(facets.sources[0].count, ARTICLES as u64, "{name}");
        assert_eq!(
            facets.languages.iter().map(|l| l.count).sum::<u64>(),
            ARTICLES as u64,
            "{name}"
        );
        // Few matches: exact, and by relevance the title-and-body ones come first.
        let mut request = SearchRequest::new("lighthouse", 20);
        request.sort = Sort::Relevance;
        let few = engine.search(&request).await.expect("search");
        assert!(!few.total_estimated, "{name}");
        assert_eq!(few.total_articles, (ARTICLES / 100) as u64, "{name}");
        // Sorted by date, the newest first, over the whole table.
        let mut request = SearchRequest::new("harbour", 1);
        request.sort = Sort::Newest;
        let newest = engine.search(&request).await.expect("search");
        assert_eq!(
            newest.hits[0].article.title,
            format!("Harbour report number {}", ARTICLES - 1),
            "{name}"
        );
    })
    .await;
}
