//! Tokenising on Unicode word boundaries (UAX #29) with lowercasing and a
//! little normalisation (curly apostrophes, possessive `'s`).

use unicode_segmentation::UnicodeSegmentation;

/// What kind of word a token is; a cheap proxy for named entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An ordinary word (lowercase in the source, or sentence-initial).
    Word,
    /// A capitalised word that does not start a sentence: likely a name.
    Capitalised,
    /// A word containing a digit.
    Number,
}

/// A normalised token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The lowercased, normalised text.
    pub text: String,
    /// Its kind.
    pub kind: TokenKind,
}

/// Lowercases and normalises one word: curly apostrophes become `'`, a
/// trailing possessive `'s` and surrounding apostrophes are dropped.
pub fn normalize(word: &str) -> String {
    let mut s: String = word
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if s.ends_with("'s") {
        s.truncate(s.len() - 2);
    }
    s.trim_matches('\'').to_string()
}

/// Splits `text` into normalised tokens. Punctuation and whitespace are
/// dropped; a token is [`TokenKind::Capitalised`] when it starts with an
/// uppercase letter and does not follow sentence-ending punctuation.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut sentence_start = true;
    for w in text.split_word_bounds() {
        let first = match w.chars().next() {
            Some(c) => c,
            None => continue,
        };
        if !w.chars().any(char::is_alphanumeric) {
            if w.contains(['.', '!', '?', '\n', ':', '"', '\u{201C}', '\u{201D}']) {
                sentence_start = true;
            }
            continue;
        }
        let kind = if w.chars().any(|c| c.is_ascii_digit()) {
            TokenKind::Number
        } else if first.is_uppercase() && !sentence_start {
            TokenKind::Capitalised
        } else {
            TokenKind::Word
        };
        sentence_start = false;
        let text = normalize(w);
        if !text.is_empty() {
            out.push(Token { text, kind });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lowercases_and_marks_kinds() {
        let t = tokenize("The Mayor of Paris met 3 ministers. Talks ended.");
        let words: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            words,
            [
                "the",
                "mayor",
                "of",
                "paris",
                "met",
                "3",
                "ministers",
                "talks",
                "ended"
            ]
        );
        assert_eq!(t[0].kind, TokenKind::Word);
        assert_eq!(t[1].kind, TokenKind::Capitalised);
        assert_eq!(t[3].kind, TokenKind::Capitalised);
        assert_eq!(t[5].kind, TokenKind::Number);
        assert_eq!(t[7].kind, TokenKind::Word, "sentence-initial is not a name");
    }

    #[test]
    fn normalises_apostrophes_and_possessives() {
        assert_eq!(normalize("Obama\u{2019}s"), "obama");
        assert_eq!(normalize("don't"), "don't");
        assert_eq!(normalize("ÉCOLE"), "école");
    }

    #[test]
    fn empty_and_punctuation_only() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" ... !!! ").is_empty());
    }
}
