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

/// Abbreviations after which a full stop does not end a sentence: titles before a name
/// ("Sgt.", "Brig. Gen.", "Det."), and words a number or another word always follows
/// ("approx. 5", "Nr. 5", "vgl.", "av. J.-C."), in English, German and French.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "cpl", "pvt", "spc", "brig", "det", "supt", "insp", "msgr", "atty",
    "jan", "feb", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "rev", "hon", "pres", "approx",
    "est", "fig", "figs", "mt", "e.g", "i.e", "ph.d", "messrs", "mme", "mlle", "gens", "reps",
    "sens", "govs", "cf", "pp", "vol", "pt", "ca", "nr", "bzw", "vgl", "ggf", "evtl", "jh", "mio",
    "mrd", "av", "env", "mgr", "vs",
];

/// Abbreviations that also end sentences ("… in the U.S. The …", "… at 8 p.m. He …",
/// "Martin Luther King Jr. He …"): the full stop ends one only before a capitalised
/// function word (see [`next_word_is_opener`]).
const FINAL_ABBREVIATIONS: &[&str] = &[
    "u.s", "u.k", "u.n", "d.c", "a.m", "p.m", "etc", "inc", "jr", "sr", "co", "corp", "ltd", "st",
    "ave", "blvd", "dept", "ft", "al", "usw",
];

/// US state abbreviations of AP style, which end a sentence as often as not ("in Selma,
/// Ala. Yet …") but never before a dateline's bracket ("ANAHEIM, Calif. (AP) — …").
const STATE_ABBREVIATIONS: &[&str] = &[
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa",
    "tenn", "vt", "va", "wash", "wis", "wyo", "n.h", "n.j", "n.m", "n.y", "n.c", "n.d", "r.i",
    "s.c", "s.d", "w.va",
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

/// Whether the full stop at byte `dot` ends an abbreviation or a single-letter initial,
/// so that the sentence goes on after it.
fn ends_abbreviation(para: &str, dot: usize, next: char) -> bool {
    let before = &para[..dot];
    let word_start = before.rfind(char::is_whitespace).map_or(0, |p| {
        p + before[p..].chars().next().map_or(1, char::len_utf8)
    });
    // "say, ‘Ms. Abrams": quotes and brackets before the word are not part of it.
    let word = before[word_start..].trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // "No. 5", but "He said no. The vote failed."
    if lower == "no" {
        return next.is_ascii_digit();
    }
    // "in the U.S. The", "at 8 p.m. He": a sentence ends only before a function word.
    let dotted_acronym = word.chars().any(|c| c.is_alphabetic())
        && word.contains('.')
        && word.chars().all(|c| c.is_alphabetic() || c == '.')
        && word.chars().next().is_some_and(char::is_uppercase);
    if FINAL_ABBREVIATIONS.contains(&lower.as_str()) || dotted_acronym {
        return !(next.is_uppercase() && next_word_is_opener(para, dot));
    }
    if STATE_ABBREVIATIONS.contains(&lower.as_str()) {
        return next == '(';
    }
    // A German ordinal before a month or century ("am 1. Februar", "im 19. Jahrhundert").
    if (1..=3).contains(&word.len()) && word.chars().all(|c| c.is_ascii_digit()) && {
        let next = first_word_after(para, dot);
        calendar::GERMAN.is_month_name(&next) || GERMAN_ORDINAL_NOUNS.contains(&next.as_str())
    } {
        return true;
    }
    // An initial ("J. K. Rowling"), or one lowercase letter, which no sentence ends with
    // ("z. B.", "d. h.", "p. 7").
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    (matches!((letters.next(), letters.next()), (Some(_), None)) && word.chars().count() == 1)
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

/// Whether the word after the full stop at `dot` is a function word that typically opens a
/// sentence (an article, a pronoun, a conjunction or a preposition), which no name is.
fn next_word_is_opener(para: &str, dot: usize) -> bool {
    let word = first_word_after(para, dot);
    matches!(
        word.as_str(),
        "the"
            | "a"
            | "an"
            | "he"
            | "she"
            | "it"
            | "they"
            | "we"
            | "i"
            | "you"
            | "his"
            | "her"
            | "its"
            | "their"
            | "our"
            | "this"
            | "that"
            | "these"
            | "those"
            | "there"
            | "but"
            | "and"
            | "yet"
            | "so"
            | "if"
            | "when"
            | "while"
            | "after"
            | "in"
            | "on"
            | "at"
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
    fn titles_and_other_abbreviations_do_not_end_sentences() {
        for p in [
            "Police said Sgt. John Miller was hurt and Cpl. Ann Lee was not.",
            "The order came from Brig. Gen. Bill Seekins, said LAPD Det. Chris Barling.",
            "It was signed by Lt. Gen. Mark Hale and Rep. Ann Cole of Ohio.",
            "She would say, ‘Ms. Abrams, am I an all-star?’",
            "It costs approx. 5 dollars, the bill No. 12 says.",
            "ANAHEIM, Calif. (AP) — The Latest on the stabbings.",
            "Dies gilt z. B. für Nr. 5 und Dr. Meyer.",
            "Die Stadt plant ca. 40 Mio. Euro ein, vgl. S. 4 des Berichts.",
            "M. Dupont est arrivé av. Mme Martin.",
        ] {
            assert_eq!(split_sentences(p), [p], "{p}");
        }
    }

    #[test]
    fn an_abbreviation_that_can_end_a_sentence_ends_one_before_a_function_word() {
        assert_eq!(
            split_sentences("The vote ended at 8 p.m. The results came later."),
            ["The vote ended at 8 p.m.", "The results came later."]
        );
        assert_eq!(
            split_sentences("The polls close at 8 p.m. Eastern time on Tuesday."),
            ["The polls close at 8 p.m. Eastern time on Tuesday."]
        );
        assert_eq!(
            split_sentences("He woke at 6 a.m. He was calm."),
            ["He woke at 6 a.m.", "He was calm."]
        );
        assert_eq!(
            split_sentences("He is Martin Luther King Jr. He spoke at the rally."),
            ["He is Martin Luther King Jr.", "He spoke at the rally."]
        );
        assert_eq!(
            split_sentences("Martin Luther King Jr. Day is a holiday."),
            ["Martin Luther King Jr. Day is a holiday."]
        );
        // "no" is an abbreviation only before its number.
        assert_eq!(
            split_sentences("He said no. The vote failed."),
            ["He said no.", "The vote failed."]
        );
        // A state's abbreviation ends a sentence unless a dateline's bracket follows.
        assert_eq!(
            split_sentences("It happened in Sun Lakes, Ariz. McCain defended the plan."),
            [
                "It happened in Sun Lakes, Ariz.",
                "McCain defended the plan."
            ]
        );
        // A French era ends the sentence; its abbreviation "av." does not.
        assert_eq!(
            split_sentences("La ville fut fondée en 52 av. J.-C. Elle est ancienne."),
            ["La ville fut fondée en 52 av. J.-C.", "Elle est ancienne."]
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
