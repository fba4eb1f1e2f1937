//! Names a reader could take for one another: the key under which an account's display name
//! is compared with every other account's login and display names, so that nobody shows up in
//! a thread as somebody else (a reader shown as "alice", the admin's login name).
//!
//! The key is deliberately simple, and errs towards calling two names alike (a second "Jose"
//! picks another name; a fake admin is worse):
//!
//! 1. Unicode NFKC, which folds compatibility forms: full-width `ａｌｉｃｅ`, ligatures,
//!    mathematical letters `𝐚𝐥𝐢𝐜𝐞`, superscripts.
//! 2. Everything is lower-cased.
//! 3. Only letters and digits count: spaces, punctuation, symbols, invisible format
//!    characters (zero-width joiners) and combining marks NFKC could not join to a letter
//!    (an overlaid stroke) are dropped, so `A.l-i c_e` is `alice`. Accented letters stay
//!    themselves: `José` and `Jose` may be two people.
//! 4. A short table of look-alikes that NFKC keeps apart becomes the Latin letter it passes
//!    for: the Cyrillic and Greek letters drawn like Latin ones (`а е о р с у х і ј ѕ һ ԁ
//!    ԛ ԝ ӏ`, `α ο ι κ ν ρ τ υ χ`), the digit `0` (`o`), and the pairs `rn` and `vv`
//!    (`m`, `w`). `i`, `l` and `1` count as one letter: a capital `I` is one stroke like
//!    `l` in most sans-serif faces, and since case does not count, `ALICE`, `AIice` and
//!    `alice` must all meet (so `Ali` and `All` do too). This is a small part of Unicode's confusables list
//!    (UTS #39), the part that makes a Latin name pass for another; it does not try to
//!    compare names across other scripts.
//!
//! A name with no letter or digit at all (`★★★`) keys as its NFKC lower case without
//! whitespace, so it is still unique to one account.

use unicode_normalization::UnicodeNormalization;

/// The key two names a reader could take for one another share; see the module's notes.
pub fn lookalike_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.nfkc() {
        for lower in c.to_lowercase() {
            if let Some(latin) = latin_lookalike(lower) {
                key.push(latin);
            } else if lower.is_alphanumeric() {
                key.push(lower);
            }
        }
    }
    if key.is_empty() {
        return name
            .nfkc()
            .flat_map(char::to_lowercase)
            .filter(|c| !c.is_whitespace())
            .collect();
    }
    key.replace("rn", "m").replace("vv", "w")
}

/// The Latin letter a lower-case character is drawn like, for the few NFKC leaves alone.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | 'i' => 'l',
        // Cyrillic.
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'l',
        'ј' => 'j',
        'ѕ' => 's',
        'һ' => 'h',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ӏ' => 'l',
        // Greek.
        'α' => 'a',
        'ο' => 'o',
        'ι' => 'l',
        'κ' => 'k',
        'ν' => 'v',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::lookalike_key;

    #[test]
    fn dressed_up_names_key_as_the_name() {
        for dressed in [
            "alice",
            "Alice",
            "ALICE",
            " A.l-i c_e ",
            "ａｌｉｃｅ",
            "𝐚𝐥𝐢𝐜𝐞",
            "\u{430}lice",
            "\u{3b1}lice",
            "AIice",
            "a1ice",
            "al\u{200d}ice",
            "alice\u{336}",
        ] {
            assert_eq!(
                lookalike_key(dressed),
                lookalike_key("alice"),
                "{dressed:?}"
            );
        }
        assert_eq!(lookalike_key("B0B-BAKER"), lookalike_key("Bob Baker"));
        assert_eq!(lookalike_key("rnartin"), lookalike_key("martin"));
    }

    #[test]
    fn different_names_stay_different() {
        for (a, b) in [
            ("alice", "alicia"),
            ("alice", "alike"),
            ("alice", "Alice Cooper"),
            ("alice", "alicé"),
            ("Ana", "Anna"),
            ("李雷", "韩梅梅"),
        ] {
            assert_ne!(lookalike_key(a), lookalike_key(b), "{a:?} {b:?}");
        }
        assert_eq!(lookalike_key("★ ★"), "★★");
        assert_ne!(lookalike_key("★"), lookalike_key("☆"));
    }
}
