//! Text fit to store: what every crate that takes text from outside applies before keeping it.

use std::borrow::Cow;

/// Whether `c` is a control character that no stored text may hold: C0 controls other than
/// tab, line feed and carriage return. XML 1.0 forbids them, PostgreSQL refuses NUL in text
/// outright (one would fail a whole batch), and the search backend marks its highlights
/// with `\u{1}` and `\u{2}`.
pub fn is_stray_control(c: char) -> bool {
    (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether XML 1.0 forbids `c` anywhere in a document, raw or as a character reference: a
/// [stray control character](is_stray_control), U+FFFE or U+FFFF (Rust's `char` has no
/// surrogates). No escaping can carry one; an XML writer leaves it out.
pub fn is_xml_forbidden(c: char) -> bool {
    is_stray_control(c) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// `text` with each run of [stray control characters](is_stray_control) replaced by one
/// space; borrowed when there is none (the usual case).
pub fn without_stray_controls(text: &str) -> Cow<'_, str> {
    runs_to_spaces(text, is_stray_control)
}

/// `text` with each run of control characters of any kind (tabs and line breaks, DEL and C1
/// controls too) replaced by one space: what a one-line name keeps.
pub fn without_controls(text: &str) -> Cow<'_, str> {
    runs_to_spaces(text, char::is_control)
}

/// `text` with each run of characters `matches` picks replaced by one space; borrowed when
/// it has none.
fn runs_to_spaces(text: &str, matches: fn(char) -> bool) -> Cow<'_, str> {
    if !text.contains(matches) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if matches(c) {
            if !in_run {
                out.push(' ');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_controls_become_spaces_and_whitespace_stays() {
        assert_eq!(without_stray_controls("a\u{0}b\u{1}c\u{1f}d"), "a b c d");
        assert_eq!(
            without_stray_controls("a\u{0}\u{1b}b"),
            "a b",
            "a run is one space"
        );
        assert_eq!(without_stray_controls("l\nm\tn\r"), "l\nm\tn\r");
        assert!(matches!(without_stray_controls("plain"), Cow::Borrowed(_)));
        // DEL and C1 controls are left alone: XML allows them and PostgreSQL stores them.
        assert_eq!(without_stray_controls("\u{7f}\u{85}"), "\u{7f}\u{85}");
    }
}
