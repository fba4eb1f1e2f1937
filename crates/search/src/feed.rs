//! Saved searches as feeds: the ranked articles of a query string, flat (one entry per
//! article, as a feed lists them), which the web crate renders as RSS, Atom or JSON Feed.

use crate::SearchError;
use crate::engine::SearchEngine;
use crate::results::{ArticleHit, SearchRequest, Sort};

/// The newest (or best, with [`Sort::Relevance`]) `limit` articles matching `query`, each
/// with its highlighted title and snippet. Articles are not grouped by story: a feed reader
/// wants every article. A query that says nothing ([`crate::query::Query::is_empty`]: empty,
/// punctuation, operators, ignored parts only) lists nothing: a feed of the whole site is not
/// a search.
pub async fn saved_search(
    engine: &SearchEngine,
    query: &str,
    sort: Sort,
    limit: usize,
) -> Result<Vec<ArticleHit>, SearchError> {
    let request = SearchRequest::flat(query, sort, limit);
    if request.query.is_empty() {
        return Ok(Vec::new());
    }
    let results = engine.search(&request).await?;
    Ok(results.hits.into_iter().map(|h| h.article).collect())
}
