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
/// trailing possessive `'s` and surrounding apostrophes are dropped, and so
/// are the invisible characters of [`ignorable`] (`Bundes\u{AD}regierung`
/// is `bundesregierung`).
pub fn normalize(word: &str) -> String {
    let mut s: String = word
        .chars()
        .filter(|&c| !ignorable(c))
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

/// Whether the fast path handles `c` like [`tokenize`] does: everything
/// below Hebrew (Latin, Greek, Cyrillic, Armenian) except combining marks.
fn fast_char(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    if c.is_alphanumeric() && !c.is_alphabetic() && !c.is_ascii_digit() {
        // ½, ²: separate words in UAX #29.
        return lone_number(c);
    }
    if ignorable(c) {
        return true;
    }
    (c as u32) < 0x0590
        && !('\u{0300}'..='\u{036F}').contains(&c)
        && !('\u{0483}'..='\u{0489}').contains(&c)
        || matches!(c, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}')
        || (!c.is_alphanumeric()
            && !matches!(
                c,
                '\u{2024}' | '\u{FE52}' | '\u{FF07}' | '\u{FF0E}' | '\u{200D}' | '\u{00AD}'
            )
            && !c.is_whitespace()
            && (c as u32) >= 0x2000
            && (c as u32) < 0x2070)
        || c == '\u{00A0}'
        || symbol(c)
}

/// Invisible format characters that UAX #29 ignores between the characters
/// around them (its rule WB4): the soft hyphen of hyphenated German and
/// Dutch pages, direction marks, the word joiner, a stray byte-order mark.
/// A word keeps going across them, and they are left out of its text.
fn ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// Numbers that are not digits nor letters (`½`, `²`, `①`): each is a word
/// of its own in UAX #29 (one that [`tokenize`] keeps). The character loop
/// of [`for_each_word`] handles them rather than a fall-back for the whole
/// text.
fn lone_number(c: char) -> bool {
    let u = c as u32;
    let block = u < 0x0590 || matches!(u, 0x2070..=0x209F | 0x2150..=0x218F | 0x2460..=0x24FF);
    block && !c.is_ascii() && c.is_alphanumeric() && !c.is_alphabetic()
}

/// Symbols that are words of their own in UAX #29 and never join their
/// neighbours (currency signs, arrows, mathematical and technical signs,
/// shapes, dingbats, emoji without modifiers, U+FFFD): separators on both
/// fast paths, as in [`tokenize`]. Common in web text (`™`, `€`, `►`, `↑`),
/// where one of them used to send a whole page down the slow path.
fn symbol(c: char) -> bool {
    let u = c as u32;
    let block = matches!(u, 0x20A0..=0x20CF | 0x2100..=0x2BFF | 0xFFFD | 0x1F000..=0x1FAFF)
        // Regional indicators pair up; skin tones extend the emoji before.
        && !matches!(u, 0x1F1E6..=0x1F1FF | 0x1F3FB..=0x1F3FF);
    block && !c.is_alphanumeric() && !c.is_whitespace()
}

/// Calls `f(word, kind)` for every word of `text`, with the same
/// boundaries, lowercasing and kinds as [`tokenize`] but without allocating
/// per token (the word is lowercased into a reused buffer). `f` returns
/// whether to go on; returning `false` stops early. Covers Latin,
/// Greek and Cyrillic text; returns `false` without calling `f` for text in
/// other scripts, where [`tokenize`] (full UAX #29) must be used.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str, TokenKind) -> bool) -> bool {
    if ascii_or_punct(text) {
        ascii_words(text, &mut f);
        return true;
    }
    if !text.chars().all(fast_char) {
        return false;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let is_word = |c: char| c.is_alphabetic() || c.is_ascii_digit() || c == '_';
    let is_letter = |c: char| c.is_alphabetic();
    let mut buf = String::new();
    let mut sentence_start = true;
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if lone_number(c) {
            let kind = if c.is_uppercase() && !sentence_start {
                TokenKind::Capitalised
            } else {
                TokenKind::Word
            };
            sentence_start = false;
            buf.clear();
            buf.extend(c.to_lowercase());
            if !f(&buf, kind) {
                break;
            }
            i += 1;
            continue;
        }
        if !is_word(c) {
            if matches!(
                c,
                '.' | '!' | '?' | '\n' | ':' | '"' | '\u{201C}' | '\u{201D}'
            ) {
                sentence_start = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        let mut has_digit = false;
        while i < n {
            let c = chars[i].1;
            if is_word(c) || ignorable(c) {
                has_digit |= c.is_ascii_digit();
                i += 1;
                continue;
            }
            // The characters either side, looking past ignorable ones.
            let before = chars[start..i]
                .iter()
                .rev()
                .map(|x| x.1)
                .find(|&x| !ignorable(x));
            let after = chars[i + 1..].iter().map(|x| x.1).find(|&x| !ignorable(x));
            if let (Some(p), Some(q)) = (before, after) {
                let letters = is_letter(p) && is_letter(q);
                let digits = p.is_ascii_digit() && q.is_ascii_digit();
                let join = match c {
                    '\'' | '.' | '\u{2018}' | '\u{2019}' => letters || digits,
                    ':' | '\u{00B7}' => letters,
                    ',' | ';' => digits,
                    _ => false,
                };
                if join {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        // Trailing ignorable characters are not part of the word.
        while i > start && ignorable(chars[i - 1].1) {
            i -= 1;
        }
        let end = if i < n { chars[i].0 } else { text.len() };
        let word = &text[chars[start].0..end];
        let kind = if has_digit {
            TokenKind::Number
        } else if chars[start].1.is_uppercase() && !sentence_start {
            TokenKind::Capitalised
        } else {
            TokenKind::Word
        };
        sentence_start = false;
        buf.clear();
        for c in word.chars() {
            match c {
                c if ignorable(c) => {}
                '\u{2019}' | '\u{2018}' => buf.push('\''),
                c if c.is_ascii() => buf.push(c.to_ascii_lowercase()),
                c => buf.extend(c.to_lowercase()),
            }
        }
        if buf.ends_with("'s") {
            buf.truncate(buf.len() - 2);
        }
        let w = buf.trim_matches('\'');
        if !w.is_empty() && !f(w, kind) {
            break;
        }
    }
    true
}

/// Non-ASCII punctuation the byte loop handles: curly single quotes act as
/// apostrophes; the rest separate words, as do the characters of
/// [`symbol`].
const PUNCT: [char; 9] = [
    '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2014}', '\u{2013}', '\u{2026}', '\u{00A0}',
    '\u{2022}',
];

/// Whether every character of `text` is ASCII or one of [`PUNCT`]: a scan
/// of the bytes that decodes only the (rare) non-ASCII characters.
fn ascii_or_punct(text: &str) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Eight ASCII bytes at a time.
        if let Some(chunk) = b.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok())
            && u64::from_le_bytes(chunk) & HIGH == 0
        {
            i += 8;
            continue;
        }
        if b[i].is_ascii() {
            i += 1;
            continue;
        }
        // `i` starts a character: only whole characters are skipped.
        match text.get(i..).and_then(|rest| rest.chars().next()) {
            Some(c) if PUNCT.contains(&c) || symbol(c) => i += c.len_utf8(),
            _ => return false,
        }
    }
    true
}

/// [`BYTE_CLASS`] bit of ASCII letters, digits and `_`: the word bytes of
/// [`ascii_words`].
const WORD: u8 = 1;
/// [`BYTE_CLASS`] bit of ASCII digits.
const DIGIT: u8 = 2;
/// [`BYTE_CLASS`] bit of ASCII uppercase letters.
const UPPER: u8 = 4;
/// Set in a word's flags by a curly apostrophe (not a byte class).
const CURLY: u8 = 8;

/// The class bits of every byte, for [`ascii_words`].
const BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() || b == b'_' {
            t[i] |= WORD;
        }
        if b.is_ascii_digit() {
            t[i] |= DIGIT;
        }
        if b.is_ascii_uppercase() {
            t[i] |= UPPER;
        }
        i += 1;
    }
    t
};

/// The ASCII case of [`for_each_word`], on bytes; text may also hold the
/// characters of [`PUNCT`].
fn ascii_words(text: &str, f: &mut impl FnMut(&str, TokenKind) -> bool) {
    let b = text.as_bytes();
    let n = b.len();
    // U+2018 and U+2019 are E2 80 98 and E2 80 99 in UTF-8.
    let curly = |i: usize| {
        i + 2 < n && b[i] == 0xE2 && b[i + 1] == 0x80 && (b[i + 2] == 0x98 || b[i + 2] == 0x99)
    };
    let is_word = |c: u8| BYTE_CLASS[usize::from(c)] & WORD != 0;
    let mut buf = String::new();
    let mut sentence_start = true;
    let mut i = 0;
    while i < n {
        if !is_word(b[i]) {
            // “ and ” are E2 80 9C and E2 80 9D.
            let quote = i + 2 < n
                && b[i] == 0xE2
                && b[i + 1] == 0x80
                && (b[i + 2] == 0x9C || b[i + 2] == 0x9D);
            if quote || matches!(b[i], b'.' | b'!' | b'?' | b'\n' | b':' | b'"') {
                sentence_start = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        // The classes of the word's bytes, and CURLY.
        let mut flags = 0u8;
        while i < n {
            let c = b[i];
            let class = BYTE_CLASS[usize::from(c)];
            if class & WORD != 0 {
                flags |= class;
                i += 1;
                continue;
            }
            let width = if curly(i) { 3 } else { 1 };
            if i + width < n && i > start {
                let (p, q) = (b[i - 1], b[i + width]);
                let letters = p.is_ascii_alphabetic() && q.is_ascii_alphabetic();
                let digits = p.is_ascii_digit() && q.is_ascii_digit();
                let join = match c {
                    _ if width == 3 => letters || digits,
                    b'\'' | b'.' => letters || digits,
                    b':' => letters,
                    b',' | b';' => digits,
                    _ => false,
                };
                if join {
                    if width == 3 {
                        flags |= CURLY;
                    }
                    i += width;
                    continue;
                }
            }
            break;
        }
        let kind = if flags & DIGIT != 0 {
            TokenKind::Number
        } else if b[start].is_ascii_uppercase() && !sentence_start {
            TokenKind::Capitalised
        } else {
            TokenKind::Word
        };
        sentence_start = false;
        // Most words are lowercase already and used as they stand; others
        // are ASCII bytes and curly apostrophes (three bytes each, which
        // become `'`), lowercased into the buffer.
        let mut w = if flags & (UPPER | CURLY) == 0 {
            &text[start..i]
        } else {
            buf.clear();
            let mut j = start;
            while j < i {
                if b[j] == 0xE2 {
                    buf.push('\'');
                    j += 3;
                } else {
                    buf.push(char::from(b[j].to_ascii_lowercase()));
                    j += 1;
                }
            }
            buf.as_str()
        };
        if let Some(stem) = w.strip_suffix("'s") {
            w = stem;
        }
        let (from, to) = trim_apostrophes(w.as_bytes());
        let w = &w[from..to];
        if !w.is_empty() && !f(w, kind) {
            break;
        }
    }
}

/// The range of `w` without its leading and trailing `'`.
fn trim_apostrophes(w: &[u8]) -> (usize, usize) {
    let mut from = 0;
    let mut to = w.len();
    while from < to && w[from] == b'\'' {
        from += 1;
    }
    while to > from && w[to - 1] == b'\'' {
        to -= 1;
    }
    (from, to)
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
    fn ascii_fast_path_matches_tokenize() {
        let texts = [
            "The Mayor of Paris met 3 ministers. Talks ended.",
            "U.S. officials said Obama's plan costs $3,500.75 (e.g. for 2,000 people); don't panic!",
            "Klitschko (52-3, 46 KOs) stopped Rahman at 10:30 p.m. in round 7 \"today\"",
            "a_b snake_case 'quoted' rock'n'roll A.B.C 1.2.3 x: y",
            "Obama’s “big” day — it’s 3’4 ‘x’ … done’ •\u{a0}Next – ok’s ’’ a’’b",
            "Obama’s “big” day — Café Größe ÉCOLE naïve; Москва Путин… ok",
            "The U.S. and ‘Mr. Smith’ said: “Go.” Then Paris Match 3",
        ];
        for t in texts {
            let mut fast = Vec::new();
            assert!(for_each_word(t, |w, k| {
                fast.push(Token {
                    text: w.to_string(),
                    kind: k,
                });
                true
            }));
            assert_eq!(fast, tokenize(t), "{t}");
        }
        assert!(!for_each_word("東京で地震", |_, _| true));
        assert!(!for_each_word("3\u{0300}", |_, _| true));
        let mut n = 0;
        for_each_word("one two three four", |_, _| {
            n += 1;
            n < 2
        });
        assert_eq!(n, 2);
    }

    /// Every character [`symbol`] accepts, between ASCII words (the byte
    /// loop) and between accented words (the character loop), in every
    /// position that could join or split: both fast paths agree with
    /// [`tokenize`].
    #[test]
    fn symbols_split_words_as_uax29_does() {
        let symbols = (0x2000..0x2C00)
            .chain(0xFFF0..0x10000)
            .chain(0x1F000..0x1FB00)
            .filter_map(char::from_u32)
            .filter(|&c| symbol(c));
        let checked = fast_paths_agree(symbols, |c| {
            [
                format!("ab{c}cd"),
                format!("Ab {c} Cd{c}"),
                format!("{c}3{c}4{c}"),
                format!("x.{c}Y z{c}. W"),
                format!("don{c}t 1{c}2"),
                format!("caf\u{e9}{c}na\u{ef}ve \u{c9}t\u{e9}{c}3 a{c}{c}b"),
            ]
        });
        assert!(checked > 2000, "{checked}");
    }

    /// Every character [`lone_number`] accepts, in the same positions:
    /// the character loop agrees with [`tokenize`].
    #[test]
    fn lone_numbers_are_words_as_in_uax29() {
        let numbers = (0x80..0x590)
            .chain(0x2000..0x2600)
            .filter_map(char::from_u32)
            .filter(|&c| lone_number(c));
        let checked = fast_paths_agree(numbers, |c| {
            [
                format!("ab{c}cd"),
                format!("Ab {c} Cd{c}"),
                format!("{c}3{c}4{c}"),
                format!("x.{c}Y z{c}. W. {c} q"),
                format!("don{c}t 1{c}2 3{c}"),
                format!("caf\u{e9}{c}na\u{ef}ve \u{c9}t\u{e9}{c}3 a{c}{c}b"),
            ]
        });
        assert!(checked > 100, "{checked}");
    }

    /// Soft hyphens, direction marks and the like neither split a word nor
    /// stay in it, on both fast paths as in [`tokenize`].
    #[test]
    fn invisible_format_characters_are_ignored_inside_words() {
        let words = |t: &str| {
            let mut out = Vec::new();
            assert!(for_each_word(t, |w, _| {
                out.push(w.to_string());
                true
            }));
            out
        };
        assert_eq!(
            words("Die Bundes\u{AD}regierung co\u{AD}operates."),
            ["die", "bundesregierung", "cooperates"]
        );
        assert_eq!(
            tokenize("Die Bundes\u{AD}regierung")
                .into_iter()
                .map(|t| t.text)
                .collect::<Vec<_>>(),
            ["die", "bundesregierung"]
        );
        let format = ('\u{00AD}'..='\u{FEFF}').filter(|&c| ignorable(c));
        let checked = fast_paths_agree(format, |c| {
            [
                format!("co{c}operate an{c}d Na{c}me"),
                format!("{c}Ab {c} Cd{c}. {c}Ef"),
                format!("3{c}4 1{c},5{c}0 a{c}.{c}b"),
                format!("don{c}'{c}t it{c}'s {c}x{c}"),
                format!("caf\u{e9}{c}na\u{ef}ve \u{c9}t\u{e9}{c} Zo\u{eb}{c}."),
                format!("\u{414}\u{43e}{c}\u{43c} \u{3b1}{c}\u{3b2} x{c}"),
            ]
        });
        assert!(checked >= 20, "{checked}");
    }

    /// Asserts that [`for_each_word`] gives [`tokenize`]'s tokens for every
    /// text `texts` makes around each of `chars`; returns how many
    /// characters were checked.
    fn fast_paths_agree(
        chars: impl Iterator<Item = char>,
        texts: impl Fn(char) -> [String; 6],
    ) -> usize {
        let mut checked = 0;
        for c in chars {
            for t in texts(c) {
                let mut fast = Vec::new();
                assert!(for_each_word(&t, |w, k| {
                    fast.push(Token {
                        text: w.to_string(),
                        kind: k,
                    });
                    true
                }));
                assert_eq!(fast, tokenize(&t), "U+{:04X} in {t:?}", c as u32);
            }
            checked += 1;
        }
        checked
    }

    #[test]
    fn empty_and_punctuation_only() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" ... !!! ").is_empty());
    }
}
