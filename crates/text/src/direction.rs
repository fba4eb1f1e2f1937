//! Text-direction controls that reach past their text: an embedding, override or isolate
//! (U+202A–U+202E, U+2066–U+2069) left open in a headline or a name reorders what a page
//! prints after it on the same line ("T1 \u{202E}gnp.exe" shows as "T1 exe.png"), so a name
//! or a title from outside keeps none of them. Right-to-left text needs none: its direction
//! comes from its letters (and the marks U+200E/U+200F, which reorder nothing, stay).

use std::borrow::Cow;

/// Whether `c` opens or closes a direction embedding, override or isolate.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` without its direction embeddings, overrides and isolates (borrowed when it has
/// none, as nearly every text has).
pub fn without_direction_controls(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_direction_control) {
        Cow::Owned(text.chars().filter(|&c| !is_direction_control(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_isolates_go_and_letters_and_marks_stay() {
        assert_eq!(
            without_direction_controls("T1 \u{202E}gnp.exe \u{2067}x\u{2069} \u{202A}y\u{202C}"),
            "T1 gnp.exe x y"
        );
        let hebrew = "\u{5E9}\u{5DC}\u{5D5}\u{5DD} \u{200F}(2026)";
        assert!(matches!(without_direction_controls(hebrew), Cow::Borrowed(t) if t == hebrew));
        assert!(!is_direction_control('\u{200E}'));
        assert!(is_direction_control('\u{202E}'));
    }
}
