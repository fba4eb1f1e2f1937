//! The hand-written parser of the query language (see [`crate::query`]). It accepts any
//! string: what it cannot read as an operator it reads as words, so it never fails.

use super::date::parse_period;
use super::{Clause, IgnoreReason, Ignored, Query};
use crate::schema::{Indexable, indexable};

/// The longest query read, in bytes; the rest is ignored (a search box, not a document).
pub const MAX_QUERY_BYTES: usize = 1024;
/// The most clauses kept; more would only slow the search down.
pub const MAX_CLAUSES: usize = 32;

/// One lexical item: a clause, possibly negated, or the `OR` operator.
#[derive(Debug)]
enum Item {
    Or,
    Clause {
        negated: bool,
        clause: Clause,
    },
    After(String),
    Before(String),
    /// A filter key with no value (`source:`), as typed.
    EmptyFilter(String),
}

/// Parses what a reader typed. Never panics; any input gives a [`Query`].
///
/// Every clause of the query has something to look for: a word or phrase without a word in it
/// (`*`, `(((`) is dropped, and a word the index cannot hold (see [`IgnoreReason::TooLong`]) or
/// a filter naming nothing is dropped and listed in [`Query::ignored`]; the rest of the query
/// reads as if they were not there. Input of nothing else parses to an empty query
/// ([`Query::is_empty`]).
pub fn parse(input: &str) -> Query {
    let input = truncate(input, MAX_QUERY_BYTES);
    let items = lex(input);
    let mut query = Query::default();
    let mut join_next = false;
    let mut clauses = 0;
    for item in items {
        match item {
            Item::Or => {
                // Binds only between two positive clauses; elsewhere it is dropped.
                join_next = !query.must.is_empty();
            }
            Item::After(text) => {
                join_next = false;
                match parse_period(&text) {
                    Some((start, _)) => {
                        query.after = Some(query.after.map_or(start, |a| a.max(start)))
                    }
                    None => query.ignore(format!("after:{text}"), IgnoreReason::NotADate),
                }
            }
            Item::Before(text) => {
                join_next = false;
                match parse_period(&text) {
                    Some((start, _)) => {
                        query.before = Some(query.before.map_or(start, |b| b.min(start)))
                    }
                    None => query.ignore(format!("before:{text}"), IgnoreReason::NotADate),
                }
            }
            Item::EmptyFilter(text) => {
                join_next = false;
                query.ignore(text, IgnoreReason::EmptyFilter);
            }
            Item::Clause { negated, clause } => {
                if clauses >= MAX_CLAUSES {
                    continue;
                }
                match lookable(&clause) {
                    Ok(()) => {}
                    // As if it were not there: `a OR * b` is `a OR b`.
                    Err(None) => continue,
                    Err(Some(reason)) => {
                        query.ignore(as_typed(negated, &clause), reason);
                        continue;
                    }
                }
                // Repeating a clause adds nothing: it is kept once.
                if negated {
                    join_next = false;
                    if !query.must_not.contains(&clause) {
                        query.must_not.push(clause);
                        clauses += 1;
                    }
                } else if join_next {
                    join_next = false;
                    if let Some(group) = query.must.last_mut()
                        && !group.contains(&clause)
                    {
                        group.push(clause);
                        clauses += 1;
                    }
                } else {
                    let single = vec![clause];
                    if !query.must.contains(&single) {
                        query.must.push(single);
                        clauses += 1;
                    }
                }
            }
        }
    }
    query
}

impl Query {
    /// Records a part of the input left out, once.
    fn ignore(&mut self, text: String, reason: IgnoreReason) {
        let ignored = Ignored { text, reason };
        if !self.ignored.contains(&ignored) {
            self.ignored.push(ignored);
        }
    }
}

/// Whether a clause has something to look for: `Err(Some(why))` when it is to be left out and
/// said so, `Err(None)` when it is punctuation, left out quietly.
fn lookable(clause: &Clause) -> Result<(), Option<IgnoreReason>> {
    match clause {
        Clause::Word(text) | Clause::Phrase(text) => match indexable(text) {
            Indexable::Words => Ok(()),
            Indexable::NoWords => Err(None),
            Indexable::TooLong => Err(Some(IgnoreReason::TooLong)),
        },
        Clause::Source(name) | Clause::Entity(name) => match indexable(name) {
            Indexable::Words => Ok(()),
            Indexable::NoWords => Err(Some(IgnoreReason::EmptyFilter)),
            Indexable::TooLong => Err(Some(IgnoreReason::TooLong)),
        },
        Clause::Lang(_) => Ok(()),
    }
}

/// A clause written back in the query language, for [`Query::ignored`].
fn as_typed(negated: bool, clause: &Clause) -> String {
    let quoted = |text: &str| {
        if text.contains(char::is_whitespace) {
            format!("\"{text}\"")
        } else {
            text.to_string()
        }
    };
    let text = match clause {
        Clause::Word(text) => text.clone(),
        Clause::Phrase(text) => format!("\"{text}\""),
        Clause::Source(name) => format!("source:{}", quoted(name)),
        Clause::Entity(name) => format!("entity:{}", quoted(name)),
        Clause::Lang(code) => format!("lang:{code}"),
    };
    if negated { format!("-{text}") } else { text }
}

/// Cuts `text` to at most `max` bytes on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Splits the input into items.
fn lex(input: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut rest = input;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let mut negated = false;
        if let Some(after) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('+')) {
            negated = rest.starts_with('-');
            rest = after;
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('"') {
            let (phrase, next) = read_quoted(after);
            rest = next;
            if !phrase.trim().is_empty() {
                items.push(Item::Clause {
                    negated,
                    clause: Clause::Phrase(phrase.trim().to_string()),
                });
            }
            continue;
        }
        let (word, next) = read_bare(rest);
        rest = next;
        if word == "OR" || word == "|" {
            items.push(Item::Or);
            continue;
        }
        if word == "AND" || word == "&" {
            continue;
        }
        if let Some((key, value_start)) = word.split_once(':')
            && let Some(kind) = Operator::from_key(key)
        {
            // The value is the rest of the bare word, or a quoted string right after the colon.
            let value = if value_start.is_empty() && rest.starts_with('"') {
                let (quoted, next) = read_quoted(&rest[1..]);
                rest = next;
                quoted.trim().to_string()
            } else {
                value_start.to_string()
            };
            if value.is_empty() {
                let sign = if negated { "-" } else { "" };
                items.push(Item::EmptyFilter(format!("{sign}{key}:")));
                continue;
            }
            items.push(kind.item(negated, value));
            continue;
        }
        items.push(Item::Clause {
            negated,
            clause: Clause::Word(word.to_string()),
        });
    }
    items
}

/// Reads up to the closing quote (or the end); returns the text and what follows.
fn read_quoted(text: &str) -> (&str, &str) {
    match text.find('"') {
        Some(end) => (&text[..end], &text[end + 1..]),
        None => (text, ""),
    }
}

/// Reads a bare word: up to whitespace or a quote (`key:"…"` continues with the quote).
fn read_bare(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| c.is_whitespace() || c == '"')
        .unwrap_or(text.len());
    if end == 0 {
        // Keep the lexer moving whatever the input: take one character.
        let len = text.chars().next().map_or(0, char::len_utf8);
        return (&text[..len], &text[len..]);
    }
    (&text[..end], &text[end..])
}

/// The `key:` operators.
#[derive(Debug, Clone, Copy)]
enum Operator {
    Source,
    Lang,
    Entity,
    After,
    Before,
}

impl Operator {
    fn from_key(key: &str) -> Option<Operator> {
        Some(match key.to_ascii_lowercase().as_str() {
            "source" | "site" | "from" => Operator::Source,
            "lang" | "language" => Operator::Lang,
            "entity" | "about" => Operator::Entity,
            "after" | "since" => Operator::After,
            "before" | "until" => Operator::Before,
            _ => return None,
        })
    }

    fn item(self, negated: bool, value: String) -> Item {
        let clause = match self {
            Operator::Source => Clause::Source(value),
            Operator::Lang => Clause::Lang(value.to_lowercase()),
            Operator::Entity => Clause::Entity(value),
            Operator::After => return Item::After(value),
            Operator::Before => return Item::Before(value),
        };
        Item::Clause { negated, clause }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn word(w: &str) -> Clause {
        Clause::Word(w.to_string())
    }

    #[test]
    fn words_are_all_required() {
        let q = parse("flood relief");
        assert_eq!(q.must, vec![vec![word("flood")], vec![word("relief")]]);
        assert!(q.must_not.is_empty());
    }

    #[test]
    fn phrases_and_exclusions() {
        let q = parse(r#""climate summit" -football -"world cup""#);
        assert_eq!(q.must, vec![vec![Clause::Phrase("climate summit".into())]]);
        assert_eq!(
            q.must_not,
            vec![word("football"), Clause::Phrase("world cup".into())]
        );
    }

    #[test]
    fn or_binds_neighbours() {
        let q = parse("tariffs OR sanctions OR embargo china");
        assert_eq!(
            q.must,
            vec![
                vec![word("tariffs"), word("sanctions"), word("embargo")],
                vec![word("china")]
            ]
        );
        // Lower-case "or" is a word; a dangling OR is dropped.
        assert_eq!(parse("this or that").must.len(), 3);
        assert_eq!(parse("OR rain OR").must, vec![vec![word("rain")]]);
    }

    #[test]
    fn filters() {
        let q = parse(r#"source:dw lang:DE entity:"Kim Jong Un" after:2025-07-01 before:2025-08"#);
        assert_eq!(
            q.must,
            vec![
                vec![Clause::Source("dw".into())],
                vec![Clause::Lang("de".into())],
                vec![Clause::Entity("Kim Jong Un".into())],
            ]
        );
        assert_eq!(q.after, Some(20_270 * 86_400));
        assert_eq!(q.before, Some((20_270 + 31) * 86_400));
        let q = parse(r#"source:"Deutsche Welle" -source:bbc.co.uk"#);
        assert_eq!(q.must, vec![vec![Clause::Source("Deutsche Welle".into())]]);
        assert_eq!(q.must_not, vec![Clause::Source("bbc.co.uk".into())]);
    }

    #[test]
    fn bad_filters_are_reported_not_fatal() {
        let q = parse("after:yesterday rain");
        assert_eq!(q.after, None);
        assert_eq!(
            q.ignored,
            vec![Ignored {
                text: "after:yesterday".into(),
                reason: IgnoreReason::NotADate
            }]
        );
        assert_eq!(q.must, vec![vec![word("rain")]]);
        // Unknown keys are words.
        assert_eq!(parse("http://x").must, vec![vec![word("http://x")]]);
    }

    #[test]
    fn odd_input() {
        assert!(parse("").is_empty());
        assert!(parse("   - + \" \" OR AND").is_empty());
        assert_eq!(parse("\"unterminated phrase").must.len(), 1);
        assert_eq!(parse("a\"b\"").must.len(), 2);
        assert_eq!(parse("source:").must.len(), 0);
        let long = "word ".repeat(1000);
        assert_eq!(parse(&long).must.len(), 1, "a repeated word counts once");
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(parse(&many).must.len(), MAX_CLAUSES);
        // Cut on a character boundary: one word of 1,024 bytes, too long to be indexed.
        let q = parse(&"é".repeat(2000));
        assert!(q.must.is_empty());
        assert_eq!(q.ignored.len(), 1);
        assert_eq!(q.ignored[0].text.len(), MAX_QUERY_BYTES);
    }

    #[test]
    fn words_the_index_cannot_hold_are_left_out_and_said() {
        let long = "x".repeat(60);
        let q = parse(&format!("quake {long}"));
        assert_eq!(q.must, vec![vec![word("quake")]]);
        assert!(!q.can_relax(), "one word is left: nothing to relax");
        assert_eq!(
            q.ignored,
            vec![Ignored {
                text: long.clone(),
                reason: IgnoreReason::TooLong
            }]
        );
        // The limit is the analysers': 39 bytes is a word, 40 is not.
        assert_eq!(parse(&"q".repeat(39)).must.len(), 1);
        let alone = parse(&"q".repeat(40));
        assert!(alone.is_empty(), "nothing left to search for");
        assert_eq!(alone.ignored.len(), 1);
        // In a word that splits, an exclusion, a phrase, an OR group or a filter.
        let q = parse(&format!(
            "covid-{long} -{long} \"heat {long}\" rain OR {long} source:{long}"
        ));
        assert_eq!(q.must, vec![vec![word("rain")]]);
        assert!(q.must_not.is_empty());
        let texts: Vec<&str> = q.ignored.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                format!("covid-{long}"),
                format!("-{long}"),
                format!("\"heat {long}\""),
                long.clone(),
                format!("source:{long}"),
            ]
        );
        assert!(q.ignored.iter().all(|i| i.reason == IgnoreReason::TooLong));
    }

    #[test]
    fn input_with_nothing_to_look_for_is_empty() {
        for input in [
            "OR",
            "-",
            "*",
            "(((",
            "source:",
            "quake:",
            "- * OR ((( \"!\" -?",
        ] {
            let q = parse(input);
            if input == "quake:" {
                // An unknown key is a word.
                assert_eq!(q.must, vec![vec![word("quake:")]]);
                continue;
            }
            assert!(q.is_empty(), "{input:?}: {q:?}");
        }
        // Punctuation is dropped quietly; filters naming nothing are said.
        assert!(parse("* (((").ignored.is_empty());
        let q = parse("source: entity:((( -lang: after:");
        let texts: Vec<&str> = q.ignored.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, vec!["source:", "entity:(((", "-lang:", "after:"]);
        assert!(
            q.ignored
                .iter()
                .all(|i| i.reason == IgnoreReason::EmptyFilter)
        );
        assert!(q.is_empty());
        // A dropped clause is as if it were not there: its neighbours still join.
        assert_eq!(
            parse("tariffs OR * sanctions").must,
            vec![vec![word("tariffs"), word("sanctions")]]
        );
        assert_eq!(parse("quake (((").must, vec![vec![word("quake")]]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics(input in "\\PC{0,80}") {
            let _ = parse(&input);
        }

        #[test]
        fn never_panics_on_operator_soup(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("\"".to_string()), Just("-".to_string()), Just("OR".to_string()),
                    Just("source:".to_string()), Just("after:".to_string()),
                    Just("lang:".to_string()), Just("entity:\"".to_string()),
                    Just(" ".to_string()), Just(":".to_string()), "[a-zé0-9-]{0,6}",
                ],
                0..20,
            )
        ) {
            let input = parts.concat();
            let q = parse(&input);
            prop_assert!(q.must.iter().all(|g| !g.is_empty()));
            prop_assert!(q.must.iter().map(Vec::len).sum::<usize>() + q.must_not.len() <= MAX_CLAUSES);
        }
    }
}
