//! Whether a language model's text says only what the evidence it cites says. A reply is
//! cut into claims, each the text before a group of `[n]` citations; each claim is checked
//! against the evidence sentences it cites:
//!
//! - every number in it (digits as [`crate::crosslang::numbers`] reads them in English,
//!   German and French, so "2,000", "2.000" and "2 000" are one value; and the number words
//!   two to twelve, so "eight" is 8) must be a number of the cited evidence;
//! - every capitalised word after the claim's first (a name; in German, any noun) must occur
//!   in the cited evidence, compared folded (case and diacritics) and stemmed;
//! - at least [`MIN_OVERLAP`] of its content words (stop words, number words and a few
//!   words of attribution left out) must occur in the cited evidence, stemmed in English,
//!   German and French ([`tidings_text::Analyzer`]), so a paraphrase that keeps the
//!   evidence's words in other forms or another order passes and a claim about something
//!   else fails;
//! - and text after the last citation is a claim that cites nothing.
//!
//! Before any of that, [`check_markup`] refuses a reply with a link, an address, an e-mail
//! address or markup (an HTML tag, a Markdown link, heading, emphasis or code): the panel
//! shows the model's text as text, so markup would show as literal characters, and no
//! address comes from the evidence.

use std::collections::HashSet;

use tidings_text::stop::is_stop;
use tidings_text::{Analyzer, TokenKind, tokenize};

use crate::crosslang::Lang;
use crate::crosslang::numbers::{Quantity, quantities};
use crate::dates::number_word;
use crate::entities::names::fold_word;

/// The least share of a claim's content words that must occur in the evidence it cites.
pub const MIN_OVERLAP: f32 = 0.5;

/// The languages whose stop words and stems the check reads.
const LANGUAGES: [&str; 3] = ["en", "de", "fr"];

/// Words of attribution and of a source's silence, which a summary or an answer may use
/// whatever the evidence says ("according to", "the sources do not say").
const NEUTRAL: &[&str] = &[
    "according",
    "report",
    "reported",
    "reports",
    "reportedly",
    "say",
    "says",
    "said",
    "source",
    "sources",
    "state",
    "stated",
    "states",
    "evidence",
    "mention",
    "mentioned",
    "unclear",
    "unknown",
    "laut",
    "bericht",
    "berichte",
    "berichtet",
    "berichten",
    "berichtete",
    "sagte",
    "sagten",
    "quelle",
    "quellen",
    "unklar",
    "selon",
    "rapporte",
    "rapportent",
    "indique",
    "indiquent",
    "inconnu",
];

/// Why a reply is not grounded in its evidence.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Ungrounded {
    /// A link, an address or markup.
    #[error("markup or an address in the reply: {0:?}")]
    Markup(String),
    /// Text that cites nothing (after the last citation).
    #[error("uncited text: {0:?}")]
    Uncited(String),
    /// A citation of evidence that does not exist.
    #[error("citation [{0}] is not in the evidence")]
    NoSuchEvidence(usize),
    /// A number the cited evidence does not give.
    #[error("a number of {claim:?} is not in the evidence it cites")]
    Number {
        /// The claim.
        claim: String,
    },
    /// A name the cited evidence does not give.
    #[error("{name:?} in {claim:?} is not in the evidence it cites")]
    Name {
        /// The claim.
        claim: String,
        /// The name, as written.
        name: String,
    },
    /// Too few of the claim's words are in the cited evidence.
    #[error("{claim:?} shares only {share:.2} of its words with the evidence it cites")]
    Overlap {
        /// The claim.
        claim: String,
        /// The share of its content words found.
        share: f32,
    },
}

/// The first link, address or piece of markup in `reply`, if any.
pub fn check_markup(reply: &str) -> Result<(), Ungrounded> {
    let found = |what: &str| Err(Ungrounded::Markup(what.to_string()));
    let lower = reply.to_lowercase();
    for needle in [
        "://", "www.", "](", "![", "```", "~~~", "`", "**", "__", "<!--",
    ] {
        if lower.contains(needle) {
            return found(needle);
        }
    }
    let chars: Vec<char> = reply.chars().collect();
    if let Some(w) = chars
        .windows(2)
        .find(|w| w[0] == '<' && (w[1].is_ascii_alphabetic() || matches!(w[1], '/' | '!' | '?')))
    {
        return found(&w.iter().collect::<String>());
    }
    if let Some(line) = reply.lines().map(str::trim_start).find(|l| {
        l.starts_with('#')
            || l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("• ")
            || l.starts_with('>')
    }) {
        return found(line);
    }
    for word in reply.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if is_email(word) || is_domain(word) {
            return found(word);
        }
    }
    Ok(())
}

/// `name@host.tld`.
fn is_email(word: &str) -> bool {
    word.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.')
    })
}

/// A host name written without a scheme: lowercase ASCII labels joined by dots, the first at
/// least two characters, the last two or more letters ("evil.example", "news.example.org/x");
/// not "e.g." nor "U.S." nor "7.1".
fn is_domain(word: &str) -> bool {
    let host = word.split('/').next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        && labels[0].len() >= 2
        && labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_lowercase()))
}

/// One claim: the text before a group of citations, and the (1-based) numbers cited.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Claim {
    text: String,
    cites: Vec<usize>,
}

/// The next `[n]` or `[n, m]` citation of `s`: its byte range and numbers.
fn next_citation(s: &str) -> Option<(usize, usize, Vec<usize>)> {
    let mut from = 0;
    while let Some(open) = s[from..].find('[').map(|o| from + o) {
        let after = &s[open + 1..];
        let close = after.find(']')?;
        let inner = &after[..close];
        if inner.chars().any(|c| c.is_ascii_digit())
            && inner
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == ' ')
        {
            let numbers = inner
                .split(',')
                .filter_map(|n| n.trim().parse::<usize>().ok())
                .collect();
            return Some((open, open + 1 + close + 1, numbers));
        }
        from = open + 1;
    }
    None
}

/// `reply` cut into claims, and what follows the last citation.
fn claims(reply: &str) -> (Vec<Claim>, &str) {
    let mut out: Vec<Claim> = Vec::new();
    let mut rest = reply;
    while let Some((start, end, numbers)) = next_citation(rest) {
        let before = &rest[..start];
        match out.last_mut() {
            // "[1][2]" and "[1] [2]": one group.
            Some(last) if before.trim().is_empty() => last.cites.extend(numbers),
            _ => out.push(Claim {
                text: before.to_string(),
                cites: numbers,
            }),
        }
        rest = &rest[end..];
    }
    (out, rest)
}

/// What a piece of evidence says, as the check compares it.
#[derive(Debug, Default)]
struct Facts {
    /// Folded words and their folded stems in each language.
    words: HashSet<String>,
    /// Its numbers ([`number_key`]), read in each language, and its number words.
    numbers: HashSet<String>,
}

/// A number as compared: its value whatever way it is written ("44%" and "44 per cent"
/// are 44 as much as "44" is; the year 2000 is the number "2,000").
fn number_key(q: &Quantity) -> String {
    match q {
        Quantity::Number { digits, exp, .. } => format!("{digits}e{exp}"),
        Quantity::Year(y) => whole_key(i64::from(*y)),
        Quantity::Time(h, m) => format!("{h}:{m:02}"),
        Quantity::Code(c) => c.clone(),
    }
}

/// The key of a whole number.
fn whole_key(n: i64) -> String {
    // `value` gives a `Number`, never a year.
    number_key(&crate::crosslang::numbers::value(&n.to_string()))
}

/// The numbers of `text` read as `lang` writes them.
fn numbers_in(text: &str, lang: Lang) -> HashSet<String> {
    quantities(text, lang).iter().map(number_key).collect()
}

/// The three analysers.
fn analyzers() -> Vec<Analyzer> {
    LANGUAGES.iter().map(|l| Analyzer::new(Some(l))).collect()
}

/// The forms a word is compared in: folded, and each language's stem of it, folded.
fn forms(word: &str, analyzers: &[Analyzer]) -> Vec<String> {
    let mut out = vec![fold_word(word)];
    for a in analyzers {
        out.extend(a.analyze(word).into_iter().map(|t| fold_word(&t.text)));
    }
    out
}

impl Facts {
    fn add(&mut self, text: &str, analyzers: &[Analyzer]) {
        for lang in [Lang::English, Lang::German, Lang::French] {
            self.numbers.extend(numbers_in(text, lang));
        }
        for token in tokenize(text) {
            if let Some(n) = number_word(&token.text) {
                self.numbers.insert(whole_key(n));
            }
            self.words.insert(fold_word(&token.text));
        }
        for a in analyzers {
            self.words
                .extend(a.analyze(text).into_iter().map(|t| fold_word(&t.text)));
        }
    }
}

/// Whether lowercase `word` says nothing the evidence must support: a stop word of any of
/// the languages, a single letter, a word of attribution.
fn is_function_word(word: &str) -> bool {
    word.chars().nth(1).is_none()
        || NEUTRAL.contains(&word)
        || LANGUAGES.iter().any(|l| is_stop(l, word))
}

/// Checks `claim` against the facts of the evidence it cites.
fn check_claim(claim: &str, facts: &Facts, analyzers: &[Analyzer]) -> Result<(), Ungrounded> {
    let shown = || claim.trim().to_string();
    // Numbers: all of them read in one of the languages, each a number of the evidence.
    let digits_ok = [Lang::English, Lang::German, Lang::French]
        .into_iter()
        .any(|lang| numbers_in(claim, lang).is_subset(&facts.numbers));
    if !digits_ok {
        return Err(Ungrounded::Number { claim: shown() });
    }
    let mut content = 0usize;
    let mut found = 0usize;
    for token in tokenize(claim) {
        if token.kind == TokenKind::Number {
            continue;
        }
        if let Some(n) = number_word(&token.text) {
            if !facts.numbers.contains(&whole_key(n)) {
                return Err(Ungrounded::Number { claim: shown() });
            }
            continue;
        }
        if is_function_word(&token.text) {
            continue;
        }
        let known = forms(&token.text, analyzers)
            .iter()
            .any(|f| facts.words.contains(f));
        if token.kind == TokenKind::Capitalised && !known {
            return Err(Ungrounded::Name {
                claim: shown(),
                name: token.text,
            });
        }
        content += 1;
        found += usize::from(known);
    }
    if content > 0 {
        let share = found as f32 / content as f32;
        if share < MIN_OVERLAP {
            return Err(Ungrounded::Overlap {
                claim: shown(),
                share,
            });
        }
    }
    Ok(())
}

/// Checks that every claim of `reply` is grounded in the evidence it cites: `evidence[i]`
/// is the text cited as `[i + 1]` (with its outlet's name, which a reply may name). Run
/// [`check_markup`] first.
pub fn check_grounding(reply: &str, evidence: &[&str]) -> Result<(), Ungrounded> {
    let (claims, rest) = claims(reply);
    if rest.chars().any(char::is_alphanumeric) {
        return Err(Ungrounded::Uncited(rest.trim().to_string()));
    }
    let analyzers = analyzers();
    for claim in claims {
        let mut facts = Facts::default();
        for &n in &claim.cites {
            let text = n
                .checked_sub(1)
                .and_then(|i| evidence.get(i))
                .ok_or(Ungrounded::NoSuchEvidence(n))?;
            facts.add(text, &analyzers);
        }
        check_claim(&claim.text, &facts, &analyzers)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_cut_into_claims_at_its_citation_groups() {
        let (c, rest) = claims("In Dresden [1], the river rose [2][3]. Crew fled [1, 2] then.");
        let cites: Vec<&[usize]> = c.iter().map(|c| c.cites.as_slice()).collect();
        assert_eq!(cites, [&[1][..], &[2, 3], &[1, 2]]);
        assert_eq!(c[1].text, ", the river rose ");
        assert_eq!(rest, " then.");
        let (c, _) = claims("A [note] stays [1].");
        assert_eq!(c[0].text, "A [note] stays ");
    }

    #[test]
    fn addresses_and_markup_are_found_and_plain_prose_is_not() {
        for bad in [
            "Donate at http://evil.example/donate [1].",
            "Donate at evil.example/donate [1].",
            "Write to help@evil.example [1].",
            "See [this](x) [1].",
            "## Summary\nFloods [1].",
            "- Floods [1].",
            "Floods <b>hit</b> [1].",
            "Run `rm` [1].",
            "**Floods** hit [1].",
        ] {
            assert!(check_markup(bad).is_err(), "{bad}");
        }
        for good in [
            "The U.S. and e.g. Dresden saw a 7.1 quake at 3 p.m. [1].",
            "Rates rose 2 < 3 [1].",
            "Floods hit Dresden [1]. Residents left [2].",
        ] {
            assert_eq!(check_markup(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn numbers_match_across_separators_and_words() {
        let ev = ["Officials evacuated 2,000 residents; the Elbe rose to eight metres."];
        assert_eq!(
            check_grounding("Officials evacuated 2000 residents [1].", &ev),
            Ok(())
        );
        assert_eq!(
            check_grounding("The Elbe rose to 8 metres [1].", &ev),
            Ok(())
        );
        assert!(matches!(
            check_grounding("The Elbe rose to nine metres [1].", &ev),
            Err(Ungrounded::Number { .. })
        ));
        assert!(matches!(
            check_grounding("Officials evacuated 3,000 residents [1].", &ev),
            Err(Ungrounded::Number { .. })
        ));
        let de = ["Die Behörden brachten 2.000 Anwohner in Sicherheit."];
        assert_eq!(
            check_grounding(
                "Die Behörden brachten 2000 Anwohner in Sicherheit [1].",
                &de
            ),
            Ok(())
        );
    }
}
