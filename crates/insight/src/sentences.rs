//! Splitting article bodies into sentences, and the facts about each sentence that
//! the extractive steps need: does it depend on what came before it (a pronoun subject,
//! "But …", the middle of a quotation), is it page furniture (see [`crate::furniture`]).

use tidings_text::calendar;

use crate::furniture;
use crate::quotes::quotations;

/// One sentence of an article body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Index of the article in the story's slice.
    pub article: usize,
    /// Index of the paragraph in the article's body.
    pub paragraph: usize,
    /// Index of the sentence in the article (counting every sentence).
    pub index: usize,
    /// Index among the article's content (non-furniture) sentences, or `usize::MAX` for furniture.
    pub content_index: usize,
    /// The sentence, trimmed, with a leading dateline ("PARIS (Reuters) —") removed.
    pub text: String,
    /// Whitespace-separated words.
    pub words: usize,
    /// Page furniture: share lines, captions, headings, crawl notices.
    pub furniture: bool,
    /// Reads badly without its predecessor: a pronoun or connective opening, or the
    /// continuation of a quotation opened in an earlier sentence.
    pub dangling: bool,
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "etc", "no", "jan", "feb",
    "apr", "aug", "sep", "sept", "oct", "nov", "dec", "rev", "hon", "pres", "approx", "dept",
    "est", "fig", "mt", "ft", "ave", "blvd", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m",
    "d.c", "ph.d", "messrs", "mme", "mlle", "gens", "reps", "sens", "govs",
];

/// Opening words that need an antecedent in an earlier sentence.
const DANGLING_OPENERS: &[&str] = &[
    "he",
    "she",
    "it",
    "they",
    "his",
    "her",
    "its",
    "their",
    "them",
    "him",
    "this",
    "that",
    "these",
    "those",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "however",
    "also",
    "still",
    "meanwhile",
    "instead",
    "then",
    "moreover",
    "furthermore",
    "nevertheless",
    "nonetheless",
    "thus",
    "therefore",
    "hence",
    "besides",
    "otherwise",
    "such",
    "both",
    "another",
    "later",
    "afterward",
    "afterwards",
    "there",
    "here",
    "nor",
    "plus",
    "likewise",
    "similarly",
    "additionally",
    "indeed",
    "again",
    "too",
    "we",
    "i",
    "you",
    "our",
    "my",
    "your",
];

/// Splits every paragraph of `body` into sentences (article index `article`).
pub fn split_article(article: usize, body: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut content = 0;
    for (paragraph, para) in body
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let paragraph_furniture = furniture::is_furniture_paragraph(para);
        let mut quote_open = false;
        for raw in split_sentences(para) {
            let opened_before = quote_open;
            quote_open = quotations(raw, quote_open).open_after;
            let text = strip_ui_prefix(strip_dateline(raw).trim_start_matches(is_lead_mark))
                .trim()
                .to_string();
            if text.is_empty() {
                continue;
            }
            let furniture = paragraph_furniture || furniture::is_furniture_sentence(&text);
            let dangling = opened_before || starts_dangling(&text) || is_bare_quote(&text);
            let index = out.len();
            let content_index = if furniture {
                usize::MAX
            } else {
                content += 1;
                content - 1
            };
            out.push(Sentence {
                article,
                paragraph,
                index,
                content_index,
                words: text.split_whitespace().count(),
                text,
                furniture,
                dangling,
            });
        }
    }
    out
}

/// Splits one paragraph into sentence slices at `.`, `!`, `?` or `…` (with any closing
/// quotes and brackets) followed by whitespace and a capital, digit or opening quote,
/// unless the full stop ends a known abbreviation or an initial.
pub fn split_sentences(para: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
            j += 1;
        }
        while j < chars.len() && is_closer(chars[j].1) {
            j += 1;
        }
        // French spaces its closing guillemet ("brûlé. » Puis"); German's opening one
        // touches its word ("»Es").
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        if k > j
            && chars.get(k).is_some_and(|&(_, c)| matches!(c, '»' | '›'))
            && chars.get(k + 1).is_none_or(|&(_, c)| !c.is_alphanumeric())
        {
            j = k + 1;
            while j < chars.len() && is_closer(chars[j].1) {
                j += 1;
            }
        }
        if j >= chars.len() {
            break;
        }
        if !chars[j].1.is_whitespace() {
            i = j;
            continue;
        }
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        let Some(&(_, next)) = chars.get(k) else {
            break;
        };
        let starts_new = next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(
                next,
                '"' | '“' | '‘' | '\'' | '(' | '[' | '„' | '«' | '»' | '‹'
            );
        if starts_new && !(c == '.' && j == i + 1 && ends_abbreviation(para, chars[i].0, next)) {
            let end = chars[j - 1].0 + chars[j - 1].1.len_utf8();
            let s = para[start..end].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = chars[k].0;
        }
        i = k;
    }
    let rest = para[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Closing punctuation that stays with the sentence before it (“ and « close German
/// quotations: „…“, »…«).
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '”' | '’' | '\'' | ')' | ']' | '»' | '“' | '«' | '›'
    )
}

/// Whether the full stop at byte `dot` ends an abbreviation or a single-letter initial.
fn ends_abbreviation(para: &str, dot: usize, next: char) -> bool {
    let before = &para[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '['))
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        // "U.S. officials" continues, but "in the U.S. The" is ambiguous: keep together
        // only when the abbreviation is a title or the next word is not a pronoun.
        return !(matches!(
            lower.as_str(),
            "u.s" | "u.k" | "a.m" | "p.m" | "etc" | "inc"
        ) && next.is_uppercase()
            && next_word_is_opener(para, dot));
    }
    // A German ordinal before a month or century ("am 1. Februar", "im 19. Jahrhundert").
    if (1..=3).contains(&word.len()) && word.chars().all(|c| c.is_ascii_digit()) && {
        let next = first_word_after(para, dot);
        calendar::GERMAN.is_month_name(&next) || GERMAN_ORDINAL_NOUNS.contains(&next.as_str())
    } {
        return true;
    }
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    // An initial ("J. K. Rowling") or a dotted acronym ("N.Y.").
    matches!((letters.next(), letters.next()), (Some(l), None) if l.is_uppercase())
        || (word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.'))
}

/// Nouns besides the months a German ordinal number ("1.", "19.") stands before without
/// ending a sentence.
const GERMAN_ORDINAL_NOUNS: &[&str] = &["jahrhundert", "jahrhunderts"];

/// The word after the full stop at `dot`, lowercase.
fn first_word_after(para: &str, dot: usize) -> String {
    para[dot + 1..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase()
}

/// Whether the word after the full stop at `dot` is a typical sentence opener.
fn next_word_is_opener(para: &str, dot: usize) -> bool {
    let word = first_word_after(para, dot);
    matches!(
        word.as_str(),
        "the" | "he" | "she" | "it" | "they" | "we" | "i" | "but" | "a" | "in" | "this" | "that"
    )
}

/// Dashes, bullets and spaces a paragraph may open with.
fn is_lead_mark(c: char) -> bool {
    matches!(c, '—' | '–' | '-' | '•' | '·' | '*' | '>' | '|') || c.is_whitespace()
}

/// Words of video players and share bars that get glued to the first sentence.
const UI_WORDS: &[&str] = &[
    "close",
    "skip",
    "in",
    "x",
    "embed",
    "share",
    "play",
    "replay",
    "autoplay",
    "watch",
    "video",
    "next",
    "up",
    "menu",
    "advertisement",
    "ad",
    "loading",
    "mute",
    "unmute",
    "fullscreen",
];

/// Removes a leading run of player and share-bar words ("CLOSE Skip in Skip x Embed x
/// Share …"): at least two such words, or one written in capitals.
pub fn strip_ui_prefix(s: &str) -> &str {
    let mut end = 0;
    let mut count = 0;
    let mut caps = false;
    for (i, w) in s.split_whitespace().enumerate() {
        if !UI_WORDS.contains(&w.to_lowercase().as_str()) {
            break;
        }
        if i == 0 {
            caps = w.len() > 1 && w.chars().all(|c| c.is_uppercase());
        }
        count += 1;
        end = s.find(w).map_or(end, |p| p.max(end)) + w.len();
    }
    if count >= 2 || (count == 1 && caps) {
        let rest = s[end..].trim_start();
        if rest.chars().next().is_some_and(char::is_uppercase) {
            return rest;
        }
    }
    s
}

/// A sentence that is only a quotation, with no one saying it: `"We will win."`,
/// „Wir kommen wieder.“, « On a tout perdu. ».
fn is_bare_quote(text: &str) -> bool {
    let t = text.trim();
    if !t.starts_with(['"', '“', '‘', '„', '«', '»', '‹']) {
        return false;
    }
    let quoted = quotations(t, false);
    !t.char_indices()
        .any(|(at, c)| c.is_alphanumeric() && !quoted.contains(at))
}

/// Whether `text` opens with a word that needs an antecedent.
pub fn starts_dangling(text: &str) -> bool {
    let first: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '\'' || *c == '’')
        .collect();
    let lower = first.to_lowercase();
    let lower = lower
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim_end_matches('\'');
    DANGLING_OPENERS.contains(&lower)
}

/// Removes a leading news-agency dateline: `KATHMANDU, Nepal (AP) — `,
/// `PARIS (Reuters) - `, `WASHINGTON — `. Returns the input when there is none.
pub fn strip_dateline(s: &str) -> &str {
    for dash in [" — ", " – ", " - ", " -- ", "—", " —"] {
        let Some(pos) = s.find(dash) else { continue };
        if pos == 0 || pos > 60 {
            continue;
        }
        let head = &s[..pos];
        let place = head.split(['(', ',']).next().unwrap_or(head).trim();
        let letters: Vec<char> = place.chars().filter(|c| c.is_alphabetic()).collect();
        let upper = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
        let agency = head.contains('(') && head.trim_end().ends_with(')');
        if upper || (agency && head.split_whitespace().count() <= 6) {
            return s[pos + dash.len()..].trim_start();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_terminal_punctuation_but_not_abbreviations() {
        let p = "Mr. Smith met Dr. J. K. Jones in the U.S. capital. \"It went well,\" he said. Was it? Yes! 3 people agreed.";
        assert_eq!(
            split_sentences(p),
            [
                "Mr. Smith met Dr. J. K. Jones in the U.S. capital.",
                "\"It went well,\" he said.",
                "Was it?",
                "Yes!",
                "3 people agreed."
            ]
        );
    }

    #[test]
    fn german_and_french_quotations_open_and_close_sentences() {
        assert_eq!(
            split_sentences("Marek kam spät. „Wir arbeiten rund um die Uhr.“ Dann ging er."),
            [
                "Marek kam spät.",
                "„Wir arbeiten rund um die Uhr.“",
                "Dann ging er."
            ]
        );
        assert_eq!(
            split_sentences("Sie nickte. »Es ist vorbei.« Die Halle blieb leer."),
            ["Sie nickte.", "»Es ist vorbei.«", "Die Halle blieb leer."]
        );
        assert_eq!(
            split_sentences("Elle est partie. « Tout a brûlé. » Puis le silence."),
            ["Elle est partie.", "« Tout a brûlé. »", "Puis le silence."]
        );
    }

    #[test]
    fn german_ordinal_dates_stay_together() {
        assert_eq!(
            split_sentences("Roth tritt ihr Amt am 1. Februar an. Sie ist die erste Frau."),
            [
                "Roth tritt ihr Amt am 1. Februar an.",
                "Sie ist die erste Frau."
            ]
        );
        assert_eq!(
            split_sentences("Das Spiel endete 2:1. Danach feierten die Fans."),
            ["Das Spiel endete 2:1.", "Danach feierten die Fans."]
        );
    }

    #[test]
    fn decimals_and_lowercase_continuations_stay_together() {
        assert_eq!(
            split_sentences("Growth was 3.5 per cent. e.g. in March it rose."),
            ["Growth was 3.5 per cent. e.g. in March it rose."]
        );
    }

    #[test]
    fn strips_datelines() {
        assert_eq!(
            strip_dateline("KATHMANDU, Nepal (AP) — A Swiss climber said."),
            "A Swiss climber said."
        );
        assert_eq!(
            strip_dateline("KATHMANDU (Reuters) - The bodies were found."),
            "The bodies were found."
        );
        assert_eq!(
            strip_dateline("The plan — long delayed — passed."),
            "The plan — long delayed — passed."
        );
    }

    #[test]
    fn marks_dangling_openers_and_quote_continuations() {
        let s = split_article(
            0,
            "The minister resigned on Monday. He said he was tired.\n\n\"Nobody expected this. We will come back,\" she said.",
        );
        let flags: Vec<bool> = s.iter().map(|s| s.dangling).collect();
        // The quotation's first sentence has no speaker of its own either.
        assert_eq!(flags, [false, true, true, true]);
        assert!(starts_dangling("But the vote failed."));
        assert!(!starts_dangling("Butler won the vote."));
        assert!(starts_dangling("It's over."));
        assert!(is_bare_quote("\"We will win.\""));
        assert!(!is_bare_quote("\"We will win,\" the coach said."));
        assert!(is_bare_quote("„Wir kommen wieder.“"));
        assert!(is_bare_quote("« On a tout perdu. »"));
        assert!(!is_bare_quote("»Es ist vorbei«, sagte sie."));
    }

    #[test]
    fn a_german_quotation_closes_at_its_closing_mark() {
        // „ opens and “ closes: the sentence after the quotation has its own subject.
        let s = split_article(
            0,
            "„Wir arbeiten rund um die Uhr“, sagte Marek. Die Feuerwehr kam am Abend.",
        );
        let flags: Vec<bool> = s.iter().map(|s| s.dangling).collect();
        assert_eq!(flags, [false, false]);
        // A French quotation left open goes on into the next sentence; its first sentence
        // has no speaker of its own either.
        let s = split_article(0, "« Nous avons tout perdu. Tout », dit-elle.");
        let flags: Vec<bool> = s.iter().map(|s| s.dangling).collect();
        assert_eq!(flags, [true, true]);
    }

    #[test]
    fn strips_player_words_and_lead_dashes() {
        assert_eq!(
            strip_ui_prefix("CLOSE Skip in Skip x Embed x Share Late on Wednesday, talks ended."),
            "Late on Wednesday, talks ended."
        );
        assert_eq!(strip_ui_prefix("Share prices fell."), "Share prices fell.");
        let s = split_article(0, "— A judge served the time with him.");
        assert_eq!(s[0].text, "A judge served the time with him.");
    }
}
