//! Text analysis: tokenise, drop stop words, stem (Snowball via `frostem`).
//! Unknown languages are tokenised and lowercased but not stemmed.

use std::collections::HashSet;

use frostem::Stemmer;

use crate::hash::U64Map;
use crate::hash::{hash_str, mix64};
use crate::stop::stop_words;
use crate::token::{TokenKind, for_each_word, tokenize};

/// Memoised stems: a hash of a lowercased word (not [`hash_str`], see
/// `word_key`) to the hash of its stem, or `None` for a stop word.
pub type StemCache = U64Map<Option<u64>>;

/// The [`StemCache`] key of a lowercased word: eight bytes at a time, so
/// cheaper than the versioned [`hash_str`] that term hashes use. The
/// cache lives in memory only, so this hash may change freely.
#[inline]
fn word_key(bytes: &[u8]) -> u64 {
    let mut h = (bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut x = [0u8; 8];
        x.copy_from_slice(chunk);
        h = mix64(h ^ u64::from_le_bytes(x));
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        // The tail zero-padded, as little-endian bytes, without a call to
        // memcpy for a variable length.
        let x = tail
            .iter()
            .enumerate()
            .fold(0u64, |x, (k, &b)| x | u64::from(b) << (8 * k));
        h = mix64(h ^ x);
    }
    h
}

/// One analysed term: the stem, its hash and the token kind it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Stemmed, lowercased text.
    pub text: String,
    /// [`hash_str`] of `text`.
    pub hash: u64,
    /// Kind of the source token (a name/number proxy).
    pub kind: TokenKind,
}

/// A reusable analyser for one language.
#[derive(Clone)]
pub struct Analyzer {
    stemmer: Option<Stemmer>,
    stops: HashSet<&'static str>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("stems", &self.stemmer.is_some())
            .field("stop_words", &self.stops.len())
            .finish()
    }
}

impl Analyzer {
    /// An analyser for an ISO 639-1 code or Snowball name (`"en"`,
    /// `"english"`, `"de"`, …). `None` or an unknown language means no
    /// stemming and no stop words.
    pub fn new(lang: Option<&str>) -> Self {
        let lang = lang.map(|l| l.trim().to_ascii_lowercase());
        let code = lang
            .as_deref()
            .map(|l| l.get(..2).unwrap_or(l))
            .unwrap_or("");
        let stemmer = lang.as_deref().and_then(|l| {
            Stemmer::try_from_name(l)
                .ok()
                .or_else(|| Stemmer::try_from_name(code).ok())
        });
        Self {
            stemmer,
            stops: stop_words(code).iter().copied().collect(),
        }
    }

    /// Whether this analyser stems.
    pub fn stems(&self) -> bool {
        self.stemmer.is_some()
    }

    /// Like [`Analyzer::analyze`] but returns only `(hash, kind)` pairs and
    /// memoises stems in `cache`, keyed by the hash of the lowercased word
    /// (cleared when it exceeds `cache_cap` entries), stopping after
    /// `max_terms` terms. Latin, Greek and Cyrillic text takes an
    /// allocation-free path; this is what makes a stream cheap.
    pub fn analyze_hashes(
        &self,
        text: &str,
        cache: &mut StemCache,
        cache_cap: usize,
        max_terms: usize,
    ) -> Vec<(u64, TokenKind)> {
        // A word takes at least two bytes with its separator: sized once
        // instead of grown a dozen times on a long page.
        let mut out = Vec::with_capacity(max_terms.min(text.len() / 2 + 1));
        let mut one = |word: &str, kind: TokenKind| {
            let key = word_key(word.as_bytes());
            let h = match cache.get(&key) {
                Some(h) => *h,
                None => {
                    let keep = !self.stops.contains(word)
                        && (kind == TokenKind::Number || word.chars().nth(1).is_some());
                    let h = keep.then(|| match &self.stemmer {
                        Some(s) => hash_str(&s.stem(word)),
                        None => hash_str(word),
                    });
                    if cache.len() >= cache_cap {
                        cache.clear();
                    }
                    cache.insert(key, h);
                    h
                }
            };
            if let Some(h) = h {
                out.push((h, kind));
            }
            out.len() < max_terms
        };
        if max_terms == 0 {
            return Vec::new();
        }
        if !for_each_word(text, &mut one) {
            for tok in tokenize(text) {
                if !one(&tok.text, tok.kind) {
                    break;
                }
            }
        }
        out
    }

    /// Analyses `text` into terms, in order, without stop words and
    /// single-letter words (numbers are kept).
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let mut out = Vec::new();
        for tok in tokenize(text) {
            if self.stops.contains(tok.text.as_str()) {
                continue;
            }
            if tok.kind != TokenKind::Number && tok.text.chars().nth(1).is_none() {
                continue;
            }
            let text = match &self.stemmer {
                Some(s) => s.stem(&tok.text).into_owned(),
                None => tok.text,
            };
            out.push(Term {
                hash: hash_str(&text),
                text,
                kind: tok.kind,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_english_and_drops_stop_words() {
        let a = Analyzer::new(Some("en"));
        let t: Vec<String> = a
            .analyze("Governments are raising the rates")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(t, ["govern", "rais", "rate"]);
    }

    #[test]
    fn cached_hashes_match_uncached() {
        let a = Analyzer::new(Some("en"));
        let text = "Governments are raising the rates, and Governments say so.";
        let plain: Vec<(u64, TokenKind)> =
            a.analyze(text).iter().map(|t| (t.hash, t.kind)).collect();
        let mut cache = StemCache::default();
        assert_eq!(a.analyze_hashes(text, &mut cache, 3, usize::MAX), plain);
        assert_eq!(a.analyze_hashes(text, &mut cache, 100, usize::MAX), plain);
        assert_eq!(a.analyze_hashes(text, &mut cache, 100, 2), plain[..2]);
    }

    #[test]
    fn unknown_language_is_not_stemmed() {
        let a = Analyzer::new(Some("xx"));
        assert!(!a.stems());
        let t: Vec<String> = a
            .analyze("Running dogs")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(t, ["running", "dogs"]);
        assert!(Analyzer::new(Some("en-GB")).stems());
        assert!(!Analyzer::new(None).stems());
    }
}
