//! What a search asks for ([`SearchRequest`]) and what it gives back ([`SearchResults`]):
//! the same types for every backend.

use crate::facets::Facets;
use crate::query::{Ignored, Query};
use tidings_model::{ArticleId, SourceId, StoryId};

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (BM25 in tantivy, `ts_rank` in PostgreSQL; titles weigh more).
    #[default]
    Relevance,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

impl Sort {
    /// Reads `relevance`, `date`/`newest` or `oldest`.
    pub fn parse(text: &str) -> Option<Sort> {
        match text.to_ascii_lowercase().as_str() {
            "relevance" | "rank" | "best" => Some(Sort::Relevance),
            "date" | "newest" | "new" | "latest" => Some(Sort::Newest),
            "oldest" | "old" => Some(Sort::Oldest),
            _ => None,
        }
    }
}

/// One search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The parsed query (see [`crate::query::parse`]).
    pub query: Query,
    /// The order of results.
    pub sort: Sort,
    /// How many story hits to skip (paging).
    pub offset: usize,
    /// How many story hits to return.
    pub limit: usize,
    /// Whether to count outlets, days, months and languages over every match.
    pub facets: bool,
    /// Whether to group the articles of one story into one hit.
    pub group_stories: bool,
    /// When the query matches fewer articles than this, search again for articles matching
    /// any of its words ([`Query::relaxed`]). 0 keeps every word required (saved searches).
    pub relax_below: usize,
    /// Outlets whose articles are left out (a reader's hidden outlets): they are not found,
    /// counted, grouped under a story or counted in the facets, and
    /// [`SearchResults::excluded_articles`] says how many matched. Empty (the default) adds
    /// nothing to the query.
    pub exclude_sources: Vec<SourceId>,
}

impl SearchRequest {
    /// A request for the first `limit` story hits of what a reader typed, by relevance,
    /// grouped by story, without facets, relaxed when fewer than `limit` articles match.
    pub fn new(text: &str, limit: usize) -> SearchRequest {
        SearchRequest {
            query: crate::query::parse(text),
            sort: Sort::Relevance,
            offset: 0,
            limit,
            facets: false,
            group_stories: true,
            relax_below: limit,
            exclude_sources: Vec::new(),
        }
    }

    /// A request for every matching article, not grouped by story, in `sort` order, with
    /// every word required (never relaxed): a feed of a saved search, or a test's list.
    pub fn flat(text: &str, sort: Sort, limit: usize) -> SearchRequest {
        SearchRequest {
            sort,
            group_stories: false,
            relax_below: 0,
            ..SearchRequest::new(text, limit)
        }
    }

    /// How many article hits to fetch so that grouping still fills `offset + limit` stories.
    pub(crate) fn fetch_window(&self) -> usize {
        let wanted = self.offset.saturating_add(self.limit);
        if self.group_stories {
            wanted.saturating_mul(4).saturating_add(16).min(2_000)
        } else {
            wanted.min(10_000)
        }
    }
}

/// One matching article.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleHit {
    /// The article.
    pub id: ArticleId,
    /// Its story, if clustered.
    pub story_id: Option<StoryId>,
    /// The backend's score (0 when sorted by date).
    pub score: f32,
    /// The outlet.
    pub source_id: SourceId,
    /// The outlet's name.
    pub source_name: String,
    /// The article's URL.
    pub url: String,
    /// The normalised language code, empty when unknown.
    pub language: String,
    /// Sort time, seconds since the epoch.
    pub date: i64,
    /// The headline, plain text.
    pub title: String,
    /// The headline as HTML with matches in `<b>…</b>`; everything else escaped.
    pub title_html: String,
    /// A passage of the body around the matches, as HTML with matches in `<b>…</b>`;
    /// everything else escaped.
    pub snippet_html: String,
}

/// A story in the results: its best-placed article, and the others that matched too.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryHit {
    /// The story, `None` for an article not yet clustered.
    pub story_id: Option<StoryId>,
    /// The article that placed the story where it is.
    pub article: ArticleHit,
    /// Other matching articles of the story, in result order (titles only: their
    /// `snippet_html` is empty).
    pub others: Vec<ArticleHit>,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// How many articles matched (an estimate when [`SearchResults::total_estimated`]).
    pub total_articles: u64,
    /// Whether `total_articles` is an estimate: PostgreSQL estimates the total of large
    /// result sets (about a thousand matches and more) rather than count them (show "about").
    pub total_estimated: bool,
    /// The requested page of story hits.
    pub hits: Vec<StoryHit>,
    /// Counts over every match, when asked for.
    pub facets: Option<Facets>,
    /// Parts of the query that were left out, and why (see [`Query::ignored`]).
    pub ignored: Vec<Ignored>,
    /// Whether these are the results of the relaxed query (too few articles had every word).
    pub relaxed: bool,
    /// How many articles had every word: `total_articles` unless relaxed, and then those
    /// come first.
    pub with_every_word: u64,
    /// How many matching articles [`SearchRequest::exclude_sources`] left out (not in
    /// `total_articles`); 0 when it is empty. An estimate when
    /// [`SearchResults::excluded_estimated`].
    pub excluded_articles: u64,
    /// Whether `excluded_articles` is an estimate (PostgreSQL, many matches: see
    /// [`SearchResults::total_estimated`]).
    pub excluded_estimated: bool,
}

impl SearchResults {
    /// The articles of the page in result order, each story's best article first.
    pub fn article_ids(&self) -> Vec<ArticleId> {
        self.hits
            .iter()
            .flat_map(|h| std::iter::once(h.article.id).chain(h.others.iter().map(|o| o.id)))
            .collect()
    }
}
