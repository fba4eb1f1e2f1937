//! The indexed form of a word (lower-cased, folded to ASCII, stemmed in its language), with a
//! memo: news text repeats a small vocabulary, so most words are normalised once per thread
//! and then looked up. Same tokens as tantivy's `LowerCaser`, `AsciiFoldingFilter` and
//! `Stemmer` in a row (it runs those three on the misses), one hash lookup per token on a hit.
//!
//! Folding comes before stemming so that a word typed without its accents stems as the
//! written one does: the French stemmer reads `ï` as a vowel mark, so stemming first made
//! `Anaïs` `anai` and `anais` `anais`, and a reader typing `anais` found nothing. It is also
//! the order of the PostgreSQL backend, which stems words already folded
//! ([`crate::schema::plain_words`]).
//!
//! Written by hand because no tantivy filter remembers its output: the three filters cost a
//! pass each over every token, and the Snowball stemmer is the dearest part of indexing a word.
//!
//! The memo is keyed by the word as written (`Police` and `police` are two entries), so a hit
//! skips lower-casing and folding as well as stemming. It belongs to the thread, one per
//! analyser, not to the analyser: tantivy clones an analyser for every field of every new
//! segment, and a query makes fresh analysers for its snippets, so a memo in the analyser would
//! start empty again and again (and be copied with each clone). It is hashed with FxHash,
//! which is much cheaper than the default SipHash on short words and needs no protection
//! against crafted keys here (words of indexed text, and the memo is capped).

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// The most words remembered per analyser and thread before the memo starts over.
const MAX_WORDS: usize = 200_000;

/// The longest word (and form) the memo keeps, bytes; longer ones are rare and normalised
/// each time.
const INLINE_BYTES: usize = 23;

/// A short word held in place: the memo's keys and values are compared and copied without
/// following a pointer (a lookup in a memo of many words is a cache miss, and a boxed key was
/// a second one).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct InlineWord {
    len: u8,
    bytes: [u8; INLINE_BYTES],
}

impl InlineWord {
    /// The word, if it is short enough.
    fn new(word: &str) -> Option<InlineWord> {
        let len = word.len();
        if len > INLINE_BYTES {
            return None;
        }
        let mut bytes = [0; INLINE_BYTES];
        bytes[..len].copy_from_slice(word.as_bytes());
        Some(InlineWord {
            len: len as u8,
            bytes,
        })
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

type Memo = FxHashMap<InlineWord, InlineWord>;

thread_local! {
    /// This thread's memos, by [`WordForm::slot`]: word as written → indexed form.
    static MEMOS: RefCell<Vec<Memo>> = const { RefCell::new(Vec::new()) };
}

/// The token filter: replaces each token by its indexed form, remembering the forms.
#[derive(Clone)]
pub struct WordForm {
    slot: usize,
    stemming: Option<Language>,
}

impl WordForm {
    /// The filter of one analyser: `slot` names its memo (one per distinct `stemming`; the
    /// language's place in [`crate::lang::LANGS`]), `stemming` its stemmer, if any.
    pub fn new(slot: usize, stemming: Option<Language>) -> WordForm {
        WordForm { slot, stemming }
    }
}

impl TokenFilter for WordForm {
    type Tokenizer<T: Tokenizer> = WordFormFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordFormFilter<T> {
        let plain = TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter);
        let plain = match self.stemming {
            Some(language) => plain.filter(Stemmer::new(language)).build(),
            None => plain.build(),
        };
        WordFormFilter {
            inner: tokenizer,
            slot: self.slot,
            plain,
        }
    }
}

/// [`WordForm`] applied to a tokenizer.
#[derive(Clone)]
pub struct WordFormFilter<T> {
    inner: T,
    slot: usize,
    /// The three filters the memo stands for, run on a miss.
    plain: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for WordFormFilter<T> {
    type TokenStream<'a> = WordFormStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordFormStream {
            tail: self.inner.token_stream(text),
            slot: self.slot,
            plain: &mut self.plain,
        }
    }
}

/// The token stream of [`WordFormFilter`].
pub struct WordFormStream<'a, T> {
    tail: T,
    slot: usize,
    plain: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for WordFormStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let Some(word) = InlineWord::new(&token.text) else {
            token.text = normalise(self.plain, &token.text);
            return true;
        };
        let plain = &mut *self.plain;
        let slot = self.slot;
        MEMOS.with_borrow_mut(|memos| {
            if memos.len() <= slot {
                memos.resize_with(slot + 1, Memo::default);
            }
            let memo = &mut memos[slot];
            if let Some(form) = memo.get(&word) {
                token.text.clear();
                // The memo holds whole UTF-8 strings only.
                token
                    .text
                    .push_str(std::str::from_utf8(form.as_bytes()).unwrap_or_default());
                return;
            }
            let form = normalise(plain, &token.text);
            if let Some(inline) = InlineWord::new(&form) {
                if memo.len() >= MAX_WORDS {
                    memo.clear();
                }
                memo.insert(word, inline);
            }
            token.text = form;
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// What the three plain filters make of one word.
fn normalise(plain: &mut TextAnalyzer, word: &str) -> String {
    let mut stream = plain.token_stream(word);
    if stream.advance() {
        std::mem::take(&mut stream.token_mut().text)
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::LANGS;
    use tantivy::tokenizer::SimpleTokenizer;

    #[test]
    fn same_tokens_as_the_plain_filters() {
        let text = "Elections elections ELECTED running runs ran Häuser häuser HÄUSER flooded \
                    floods the the the Zürich ZÜRICH ΟΔΟΣ Σοφία İstanbul straße Выборы выборы \
                    Ærø Ångström crème brûlée Donaudampfschifffahrtsgesellschaften \
                    Donaudampfschifffahrtsgesellschaften ßßßßßßßßßßßß";
        for (slot, lang) in LANGS.iter().enumerate() {
            let plain = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter);
            let mut plain = match lang.stemmer {
                Some(language) => plain.filter(Stemmer::new(language)).build(),
                None => plain.build(),
            };
            let mut memoised = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(WordForm::new(slot, lang.stemmer))
                .build();
            // The second round is answered from the memo.
            for _ in 0..2 {
                let a = crate::schema::tokens(&mut plain, text);
                let b = crate::schema::tokens(&mut memoised, text);
                assert_eq!(a, b, "{}", lang.code);
            }
        }
    }

    #[test]
    fn positions_and_offsets_are_kept() {
        let mut memoised = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(WordForm::new(0, Some(Language::English)))
            .build();
        let mut stream = memoised.token_stream("Floods, floods");
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        assert_eq!(
            seen,
            vec![("flood".into(), 0, 0, 6), ("flood".into(), 1, 8, 14)]
        );
    }
}
