//! Saved searches as feeds: the ranked articles of a query string, flat (one entry per
//! article, as a feed lists them), which the web crate renders as RSS, Atom or JSON Feed.

use crate::SearchError;
use crate::engine::SearchEngine;
use crate::results::{ArticleHit, SearchRequest, Sort};

/// The newest (or best, with [`Sort::Relevance`]) `limit` articles matching `query`, each
/// with its highlighted title and snippet. Articles are not grouped by story: a feed reader
/// wants every article.
pub async fn saved_search(
    engine: &SearchEngine,
    query: &str,
    sort: Sort,
    limit: usize,
) -> Result<Vec<ArticleHit>, SearchError> {
    let results = engine
        .search(&SearchRequest::flat(query, sort, limit))
        .await?;
    Ok(results.hits.into_iter().map(|h| h.article).collect())
}
