//! Which parts of a sentence are quoted speech: the spans inside quotation marks, in the
//! styles of English (“…”, "…", ‘…’), German („…“, »…«) and French («…», ‹…›), and whether
//! a quotation is still open at the sentence's end, so the next sentence of the paragraph
//! goes on inside it. What a speaker says is theirs, not the story's narration: a
//! relative time inside it ("Five years ago, people asked …") dates no event.

use std::ops::Range;

/// The quoted spans of one sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quotations {
    /// Byte ranges inside quotation marks (the marks left out), in order.
    pub spans: Vec<Range<usize>>,
    /// A quotation is still open at the end of the sentence.
    pub open_after: bool,
}

impl Quotations {
    /// Whether the byte at `at` is inside a quotation.
    pub fn contains(&self, at: usize) -> bool {
        self.spans.iter().any(|span| span.contains(&at))
    }
}

/// The closing marks of a quotation opened in an earlier sentence, whatever its style.
const ANY_CLOSER: &[char] = &['”', '“', '"', '»', '«', '›'];

/// Finds the quotations of `text`. `open_at_start`: the sentence goes on inside a
/// quotation an earlier sentence opened, up to its first closing mark.
pub fn quotations(text: &str, open_at_start: bool) -> Quotations {
    let mut out = Quotations::default();
    // The open quotation: where it starts and the marks that close it.
    let mut open: Option<(usize, &[char])> = open_at_start.then_some((0, ANY_CLOSER));
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match open {
            Some((start, closers)) => {
                // ’ closes a ‘ quotation only where no letter follows: "Vessa’s" is a
                // possessive, "runners’ " may end the quotation.
                let closes =
                    closers.contains(&c) && (c != '’' || !next.is_some_and(char::is_alphanumeric));
                if closes {
                    out.spans.push(start..i);
                    open = None;
                }
            }
            None => {
                let closers: Option<&[char]> = match c {
                    '“' => Some(&['”']),
                    '„' => Some(&['“', '”']),
                    '«' => Some(&['»']),
                    '»' => Some(&['«']),
                    '‹' => Some(&['›']),
                    '"' => Some(&['"']),
                    // ‘ opens only at the start of a word.
                    '‘' if !prev.is_some_and(char::is_alphanumeric) => Some(&['’']),
                    _ => None,
                };
                if let Some(closers) = closers {
                    open = Some((i + c.len_utf8(), closers));
                }
            }
        }
        prev = Some(c);
    }
    if let Some((start, _)) = open {
        out.spans.push(start..text.len());
        out.open_after = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quoted texts of `text`.
    fn quoted(text: &str, open_at_start: bool) -> (Vec<&str>, bool) {
        let q = quotations(text, open_at_start);
        let spans = q.spans.iter().map(|s| &text[s.clone()]).collect();
        (spans, q.open_after)
    }

    #[test]
    fn finds_quotations_in_english_german_and_french_styles() {
        assert_eq!(
            quoted("“Five years ago, people asked why,” said Dr Ong.", false),
            (vec!["Five years ago, people asked why,"], false)
        );
        assert_eq!(
            quoted("„Wir arbeiten rund um die Uhr“, sagte Marek.", false),
            (vec!["Wir arbeiten rund um die Uhr"], false)
        );
        assert_eq!(
            quoted("« On a tout perdu », raconte une habitante.", false),
            (vec![" On a tout perdu "], false)
        );
        assert_eq!(
            quoted("He called it \"a disaster\" and left.", false),
            (vec!["a disaster"], false)
        );
        assert_eq!(
            quoted(
                "‘The whole street folded’: Vessa’s old town counts the cost",
                false
            ),
            (vec!["The whole street folded"], false)
        );
    }

    #[test]
    fn a_quotation_goes_on_into_the_next_sentence_until_it_closes() {
        assert_eq!(
            quoted("“We came back to nothing.", false),
            (vec!["We came back to nothing."], true)
        );
        assert_eq!(
            quoted("Two days ago this was a street,” she said.", true),
            (vec!["Two days ago this was a street,"], false)
        );
    }

    #[test]
    fn apostrophes_are_not_quotations() {
        assert_eq!(
            quoted("Vessa’s hospital and the runners’ club reopened.", false),
            (vec![], false)
        );
        assert_eq!(quoted("It’s the mayor’s town.", false), (vec![], false));
        assert_eq!(
            quoted("‘Vessa’s old town is gone,’ she said.", false),
            (vec!["Vessa’s old town is gone,"], false)
        );
    }
}
