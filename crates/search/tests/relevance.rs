//! Relevance regression: NDCG@10 over the judged queries of the fixture corpus, on every
//! backend, against a floor just under what was measured. Run with `--nocapture` to see the
//! per-query figures. (`tidings bench search` prints the same measure.)

mod common;

use common::load;
use tidings_store::testing::each_backend;

/// Measured 2026-11-27: tantivy 0.883 (0.818 with every word required), PostgreSQL 0.895
/// (0.822). The floors leave a little room for harmless reordering.
const FLOOR_TANTIVY: f64 = 0.86;
const FLOOR_POSTGRES: f64 = 0.87;

#[tokio::test]
async fn ndcg_at_10_stays_above_its_floor() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let measured = fx.relevance().await.expect("relevance");
        assert!(measured.queries >= 40);
        for (query, score, ranked) in &measured.per_query {
            println!("{:>8} {score:.3}  {query}  {ranked:?}", measured.engine);
        }
        println!(
            "{}: NDCG@10 = {:.4} as ranked for the page, {:.4} with every word required, \
             over {} queries",
            measured.engine, measured.ndcg, measured.strict_ndcg, measured.queries
        );
        let floor = match measured.engine {
            "tantivy" => FLOOR_TANTIVY,
            _ => FLOOR_POSTGRES,
        };
        assert!(
            measured.ndcg >= floor,
            "{}: NDCG@10 {:.4} < {floor}",
            measured.engine,
            measured.ndcg
        );
    })
    .await;
}
