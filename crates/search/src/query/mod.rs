//! The query language a reader types into the search box, parsed into a [`Query`] that every
//! backend translates the same way.
//!
//! ```text
//! flood relief              both words (stemmed per language)
//! "climate summit"          the phrase
//! -football                 not this word (or -"a phrase", -source:x, -lang:x)
//! tariffs OR sanctions      either; OR binds adjacent terms
//! source:dw                 outlet name or host (dw, "Deutsche Welle", bbc.co.uk)
//! lang:de                   article language
//! after:2025-07-01          on or after that day (UTC); also YYYY-MM and YYYY
//! before:2025-08            before that month
//! entity:"Kim Jong Un"      a person, place or organisation the article names
//! ```

mod date;
mod parse;

pub use date::{civil_to_days, days_to_civil};
pub use parse::parse;

/// One thing a document must (or must not) match.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Clause {
    /// A word as typed; backends analyse it per language. A word that splits into several
    /// tokens (`covid-19`) matches as a phrase.
    Word(String),
    /// A quoted phrase as typed.
    Phrase(String),
    /// An outlet, by name or host, as typed (`dw`, `bbc.co.uk`, `"Deutsche Welle"`).
    Source(String),
    /// A language code, lower-cased (`de`).
    Lang(String),
    /// An entity name, as typed (`Kim Jong Un`).
    Entity(String),
}

impl Clause {
    /// Whether the clause is about the text (words and phrases) rather than a filter.
    pub fn is_text(&self) -> bool {
        matches!(self, Clause::Word(_) | Clause::Phrase(_))
    }
}

/// A parsed query: every group must match (a group matches when any clause of it does), no
/// `must_not` clause may match, and the date lies in `[after, before)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Groups of alternatives (`a OR b`), all required.
    pub must: Vec<Vec<Clause>>,
    /// Clauses a result must not match.
    pub must_not: Vec<Clause>,
    /// Earliest time, seconds since the epoch, inclusive.
    pub after: Option<i64>,
    /// Latest time, seconds since the epoch, exclusive.
    pub before: Option<i64>,
    /// Parts of the input that could not be used (a bad date, a filter naming nothing, a word
    /// too long for any article to hold), left out of the search for the page to point out.
    pub ignored: Vec<Ignored>,
}

/// A part of the input the search left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The part as typed (`after:someday`, `source:`, the long word).
    pub text: String,
    /// Why it was left out.
    pub reason: IgnoreReason,
}

/// Why a part of the input was left out of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreReason {
    /// `after:` or `before:` with a value that is not a date.
    NotADate,
    /// A filter (`source:`, `entity:`, `lang:`, `after:`, …) with no value, or one without a
    /// word in it.
    EmptyFilter,
    /// A word longer than the index keeps ([`crate::schema::MAX_TOKEN_BYTES`] bytes or more):
    /// no article can hold it, so it is left out rather than matched against nothing.
    TooLong,
}

impl IgnoreReason {
    /// Why, in a few words for a reader.
    pub fn explain(self) -> &'static str {
        match self {
            IgnoreReason::NotADate => "not a date: dates are YYYY-MM-DD, YYYY-MM or YYYY",
            IgnoreReason::EmptyFilter => "names nothing to filter by",
            IgnoreReason::TooLong => "a word too long to be in any article",
        }
    }
}

impl Query {
    /// Whether the query says nothing at all: it then matches every document. Input with
    /// nothing to look for (punctuation, `OR`, `-`, empty filters, only ignored parts) parses
    /// to an empty query, so a caller that should not list everything checks this, not the
    /// input.
    pub fn is_empty(&self) -> bool {
        self.must.is_empty()
            && self.must_not.is_empty()
            && self.after.is_none()
            && self.before.is_none()
    }

    /// Whether [`Query::relaxed`] would differ: two or more groups of words or phrases.
    pub fn can_relax(&self) -> bool {
        self.must
            .iter()
            .filter(|g| g.iter().all(Clause::is_text))
            .count()
            >= 2
    }

    /// The query with its word and phrase groups joined into one group of alternatives, so
    /// that articles matching some of the words match (those matching more rank higher);
    /// filters, dates and exclusions still hold. What a page shows when the strict query finds
    /// too little.
    pub fn relaxed(&self) -> Query {
        let mut relaxed = self.clone();
        let mut text: Vec<Clause> = Vec::new();
        relaxed.must.retain(|group| {
            if group.iter().all(Clause::is_text) {
                text.extend(group.iter().cloned());
                false
            } else {
                true
            }
        });
        if !text.is_empty() {
            relaxed.must.push(text);
        }
        relaxed
    }

    /// Every text clause (words and phrases) the query requires, for highlighting.
    pub fn text_clauses(&self) -> impl Iterator<Item = &Clause> {
        self.must.iter().flatten().filter(|c| c.is_text())
    }
}

/// Lower-cases and splits a name or host into plain words, the form in which outlet names,
/// hosts and entities are indexed and queried by both backends: `"BBC.co.uk"` → `"bbc co uk"`.
pub fn normalize_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Clause, normalize_name, parse};

    #[test]
    fn relaxing_joins_words_keeps_filters() {
        let q = parse("rhine flood lang:en -cologne");
        assert!(q.can_relax());
        let r = q.relaxed();
        assert_eq!(r.must.len(), 2);
        assert_eq!(r.must[0], vec![Clause::Lang("en".into())]);
        assert_eq!(r.must[1].len(), 2);
        assert_eq!(r.must_not, q.must_not);
        assert!(!parse("flood lang:en").can_relax());
    }

    #[test]
    fn names_become_plain_words() {
        assert_eq!(normalize_name("BBC.co.uk"), "bbc co uk");
        assert_eq!(normalize_name("  Deutsche   Welle "), "deutsche welle");
        assert_eq!(normalize_name("Süddeutsche Zeitung"), "süddeutsche zeitung");
        assert_eq!(normalize_name("--"), "");
    }
}
