//! Translating a parsed [`Query`] into a tantivy query: each word or phrase is analysed per
//! language and looked up in that language's title (boosted) and body fields, and in the
//! outlet's name (weighing little: an article that says the word ranks above one that is
//! only from an outlet of that name); filters become
//! constant-score clauses that do not move the ranking. Outlets left out
//! ([`crate::SearchRequest::exclude_sources`]) are one more exclusion, on the indexed source id.

use crate::elision;
use crate::lang::{LANGS, Lang, searched_languages};
use crate::query::{Clause, Query, normalize_name};
use crate::schema::{self, Fields};
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery,
    Query as TQuery, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tidings_model::SourceId;

/// How much more a match in the headline weighs than one in the body.
pub const TITLE_BOOST: f32 = 2.5;

/// What a match in the outlet's name scores: a reader typing `Horizon` wants the articles of
/// the outlet "l'Horizon" found, after those about a horizon. A fixed score, whatever the
/// name: ranked by BM25, a rare name in a field of two words would outweigh the body.
pub const OUTLET_SCORE: f32 = 0.2;

/// Builds queries against one schema; keeps one analyser per language.
pub struct QueryBuilder<'a> {
    fields: &'a Fields,
    analysers: Vec<(&'static Lang, TextAnalyzer)>,
    names: TextAnalyzer,
    outlet_words: TextAnalyzer,
}

impl<'a> QueryBuilder<'a> {
    /// A builder for the fields of one index.
    pub fn new(fields: &'a Fields) -> Self {
        QueryBuilder {
            fields,
            analysers: LANGS.iter().map(|l| (l, schema::analyser(l))).collect(),
            names: schema::names_analyser(),
            outlet_words: schema::outlet_words_analyser(),
        }
    }

    /// The tantivy query for `query`; every document when it says nothing.
    pub fn build(&mut self, query: &Query) -> Box<dyn TQuery> {
        self.build_excluding(query, &[])
    }

    /// The tantivy query for `query` without the articles of `sources`: one more exclusion
    /// clause, none when `sources` is empty (the query is then [`QueryBuilder::build`]'s).
    pub fn build_excluding(&mut self, query: &Query, sources: &[SourceId]) -> Box<dyn TQuery> {
        let langs = searched_languages(query);
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for group in &query.must {
            // A union of unions is one union: flattened, one scorer fewer per level.
            let mut alternatives: Vec<Box<dyn TQuery>> = Vec::new();
            for clause in group {
                alternatives.extend(self.clause(clause, &langs));
            }
            match alternatives.len() {
                // Nothing to look for ([`crate::query::parse`] keeps no such clause): what
                // cannot be looked up is in no article, so the group matches nothing rather
                // than being dropped, which would widen the query.
                0 => clauses.push((Occur::Must, Box::new(EmptyQuery))),
                1 => clauses.push((Occur::Must, alternatives.remove(0))),
                _ => clauses.push((Occur::Must, Box::new(BooleanQuery::union(alternatives)))),
            }
        }
        if query.after.is_some() || query.before.is_some() {
            let bound = |v: Option<i64>, inclusive: bool| match v {
                Some(v) if inclusive => Bound::Included(Term::from_field_i64(self.fields.date, v)),
                Some(v) => Bound::Excluded(Term::from_field_i64(self.fields.date, v)),
                None => Bound::Unbounded,
            };
            let range = RangeQuery::new(bound(query.after, true), bound(query.before, false));
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
            ));
        }
        let all: Vec<&'static Lang> = LANGS.iter().collect();
        for clause in &query.must_not {
            for q in self.clause(clause, &all) {
                clauses.push((Occur::MustNot, q));
            }
        }
        if !sources.is_empty() {
            clauses.push((Occur::MustNot, self.sources(sources)));
        }
        if clauses.is_empty() {
            return Box::new(AllQuery);
        }
        if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The tantivy query for the matches of `query` from `sources` only: how many a search
    /// that leaves them out ([`QueryBuilder::build_excluding`]) left out.
    pub fn build_only(&mut self, query: &Query, sources: &[SourceId]) -> Box<dyn TQuery> {
        let matches = self.build(query);
        let from = Box::new(ConstScoreQuery::new(self.sources(sources), 0.0));
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, matches),
            (Occur::Must, from),
        ]))
    }

    /// The articles of any of `sources`.
    fn sources(&self, sources: &[SourceId]) -> Box<dyn TQuery> {
        Box::new(TermSetQuery::new(
            sources
                .iter()
                .map(|s| Term::from_field_i64(self.fields.source_id, s.0)),
        ))
    }

    /// One clause as alternatives (any may match; a word gives one per field), none when it
    /// has no words to look for.
    fn clause(&mut self, clause: &Clause, langs: &[&'static Lang]) -> Vec<Box<dyn TQuery>> {
        match clause {
            Clause::Word(text) => self.text(text, langs, true),
            Clause::Phrase(text) => self.text(text, langs, false),
            Clause::Source(name) => self
                .names(self.fields.source_terms, name)
                .into_iter()
                .collect(),
            Clause::Entity(name) => self.names(self.fields.entities, name).into_iter().collect(),
            Clause::Lang(code) => {
                let term = Term::from_field_text(self.fields.lang, code);
                vec![Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    0.0,
                ))]
            }
        }
    }

    /// Words or a phrase, in the title and body fields of each language searched and in the
    /// outlet's name: one alternative per field. A typed word loses its elided prefix in the
    /// languages that elide ([`elision::strip`]); a phrase is looked up as typed, and so is
    /// the outlet's name (`l'Horizon` is the name's two words).
    fn text(&mut self, text: &str, langs: &[&'static Lang], word: bool) -> Vec<Box<dyn TQuery>> {
        let mut parts: Vec<Box<dyn TQuery>> = Vec::new();
        let outlet = schema::tokens(&mut self.outlet_words, text);
        if let Some(q) = terms_query(self.fields.source_words, &outlet) {
            parts.push(Box::new(ConstScoreQuery::new(q, OUTLET_SCORE)));
        }
        for (lang, analyser) in &mut self.analysers {
            if !langs.contains(lang) {
                continue;
            }
            let text = if word {
                elision::strip(lang, text)
            } else {
                text
            };
            let tokens = schema::tokens(analyser, text);
            let fields = self.fields.for_lang(lang.code);
            if let Some(q) = terms_query(fields.title, &tokens) {
                parts.push(Box::new(BoostQuery::new(q, TITLE_BOOST)));
            }
            if let Some(q) = terms_query(fields.body, &tokens) {
                parts.push(q);
            }
        }
        parts
    }

    /// A name (outlet or entity) as a filter: its words in sequence.
    fn names(&mut self, field: Field, name: &str) -> Option<Box<dyn TQuery>> {
        let tokens = schema::tokens(&mut self.names, &normalize_name(name));
        let q = terms_query(field, &tokens)?;
        Some(Box::new(ConstScoreQuery::new(q, 0.0)))
    }
}

/// A term query for one token, a phrase query for several, nothing for none.
fn terms_query(field: Field, tokens: &[String]) -> Option<Box<dyn TQuery>> {
    match tokens {
        [] => None,
        [one] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        many => {
            let terms: Vec<(usize, Term)> = many
                .iter()
                .enumerate()
                .map(|(i, t)| (i, Term::from_field_text(field, t)))
                .collect();
            // A phrase of one repeated word ("bye bye") is still a phrase; tantivy needs at
            // least two terms, which holds here.
            Some(Box::new(PhraseQuery::new_with_offset(terms)))
        }
    }
}

/// The analysed words of the query's text clauses in one language, for highlighting.
pub fn highlight_words(query: &Query, lang: &Lang) -> Vec<String> {
    let mut analyser = schema::analyser(lang);
    let mut words: Vec<String> = Vec::new();
    for clause in query.text_clauses() {
        let text = match clause {
            Clause::Word(t) => elision::strip(lang, t),
            Clause::Phrase(t) => t.as_str(),
            _ => continue,
        };
        for w in schema::tokens(&mut analyser, text) {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    words
}
