//! A Snowball stemmer with a memo: news text repeats a small vocabulary, so most words are
//! stemmed once per thread and then looked up. Same tokens as tantivy's `Stemmer` (it stems
//! the misses), cheaper per token.
//!
//! The memo belongs to the thread, one per language, not to the analyser: tantivy clones an
//! analyser for every field of every new segment, and a query makes fresh analysers for its
//! snippets, so a memo in the analyser would start empty again and again (and be copied with
//! each clone). It is hashed with FxHash, which is much cheaper than the default SipHash on
//! short words and needs no protection against crafted keys here (stems of indexed text, and
//! the memo is capped).

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The most words remembered per language and thread before the memo starts over.
const MAX_WORDS: usize = 200_000;

thread_local! {
    /// This thread's memo: per language, word → stem.
    static MEMO: RefCell<FxHashMap<Language, FxHashMap<String, String>>> =
        RefCell::new(FxHashMap::default());
}

/// The token filter: stems each token in its language, remembering the stems.
#[derive(Clone)]
pub struct CachedStemmer {
    language: Language,
}

impl CachedStemmer {
    /// A stemmer for `language`.
    pub fn new(language: Language) -> CachedStemmer {
        CachedStemmer { language }
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            language: self.language,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(self.language))
                .build(),
        }
    }
}

/// [`CachedStemmer`] applied to a tokenizer.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    language: Language,
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            language: self.language,
            stemmer: &mut self.stemmer,
        }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<'a, T> {
    tail: T,
    language: Language,
    stemmer: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let stemmer = &mut *self.stemmer;
        MEMO.with_borrow_mut(|memos| {
            let memo = memos.entry(self.language).or_default();
            if let Some(stem) = memo.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            let stem = {
                let mut stream = stemmer.token_stream(&token.text);
                if stream.advance() {
                    stream.token().text.clone()
                } else {
                    token.text.clone()
                }
            };
            if memo.len() >= MAX_WORDS {
                memo.clear();
            }
            memo.insert(std::mem::replace(&mut token.text, stem.clone()), stem);
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

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    #[test]
    fn same_stems_as_the_plain_stemmer() {
        let text = "Elections elections ELECTED running runs ran Häuser häuser flooded floods \
                    the the the";
        for language in [Language::English, Language::German, Language::Russian] {
            let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(Stemmer::new(language))
                .build();
            let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(CachedStemmer::new(language))
                .build();
            for _ in 0..2 {
                let a = crate::schema::tokens(&mut plain, text);
                let b = crate::schema::tokens(&mut cached, text);
                assert_eq!(a, b);
            }
        }
    }
}
