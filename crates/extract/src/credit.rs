//! The source credit: which news agencies a page's text comes from.
//!
//! Agency credits appear in bylines ("By AFP", "DW staff (AFP, Reuters)"), in datelines
//! ("PARIS (AFP) —"), in trailers ("— AFP", "-DW", "(Reuters)", "Copyright: Project
//! Syndicate, 2025", "(With inputs from PTI)", "ng/sms (AP, dpa)") and in metadata authors.
//! They are recorded as metadata; a trailer that is only a credit is removed from the body,
//! and so is a credit appended to the last paragraph. A dateline stays: it is part of the
//! first sentence.

use crate::body::{Block, BlockKind};

/// Agency names as written, and the name they are recorded under. Names are matched as
/// whole words and with their case, so "AP" does not match "ap" or "APP".
const AGENCIES: &[(&str, &str)] = &[
    ("Agence France-Presse", "AFP"),
    ("Agence France Presse", "AFP"),
    ("AFP", "AFP"),
    ("Thomson Reuters", "Reuters"),
    ("Reuters", "Reuters"),
    ("REUTERS", "Reuters"),
    ("The Associated Press", "AP"),
    ("Associated Press", "AP"),
    ("AP", "AP"),
    ("Deutsche Welle", "DW"),
    ("DW", "DW"),
    ("dpa", "dpa"),
    ("DPA", "dpa"),
    ("Agencies", "Agencies"),
    ("agencies", "Agencies"),
    ("AGENCIES", "Agencies"),
    ("Wire services", "Agencies"),
    ("Agencias", "Agencies"),
    ("agencias", "Agencies"),
    ("Agências", "Agencies"),
    ("agências", "Agencies"),
    ("Agenturen", "Agencies"),
    ("agences", "Agencies"),
    ("共同", "Kyodo"),
    ("時事", "Jiji"),
    ("PTI", "PTI"),
    ("IANS", "IANS"),
    ("ANI", "ANI"),
    ("Xinhua", "Xinhua"),
    ("EFE", "EFE"),
    ("ANSA", "ANSA"),
    ("Kyodo", "Kyodo"),
    ("Yonhap", "Yonhap"),
    ("TASS", "TASS"),
    ("Interfax", "Interfax"),
    ("RIA Novosti", "RIA Novosti"),
    ("Bloomberg", "Bloomberg"),
    ("UPI", "UPI"),
    ("AAP", "AAP"),
    ("PA Media", "PA Media"),
    ("Press Association", "PA Media"),
    ("The Canadian Press", "The Canadian Press"),
    ("Canadian Press", "The Canadian Press"),
    ("Europa Press", "Europa Press"),
    ("Anadolu Agency", "Anadolu"),
    ("Anadolu", "Anadolu"),
    ("Bernama", "Bernama"),
    ("Antara", "Antara"),
    ("Project Syndicate", "Project Syndicate"),
    ("KNA", "KNA"),
    ("epd", "epd"),
    ("APA", "APA"),
    ("Keystone-SDA", "Keystone-SDA"),
    ("Belga", "Belga"),
    ("Lusa", "Lusa"),
    ("Jiji Press", "Jiji"),
    ("Jiji", "Jiji"),
    ("IRNA", "IRNA"),
    ("KUNA", "KUNA"),
    ("WAM", "WAM"),
    ("Tribune News Service", "Tribune News Service"),
    ("CNN Wire", "CNN Wire"),
];

/// Words that may surround an agency name in a line that is only a credit.
const CREDIT_WORDS: &[&str] = &[
    "copyright",
    "source",
    "sources",
    "with",
    "inputs",
    "input",
    "from",
    "and",
    "by",
    "via",
    "wire",
    "wires",
    "staff",
    "the",
    "additional",
    "reporting",
    "contributed",
    "to",
    "this",
    "report",
    "agency",
    "agencies",
    "news",
    "service",
    "services",
    "c",
    "all",
    "rights",
    "reserved",
    "quelle",
    "fonte",
    "fuente",
    "mit",
    "und",
    "e",
    "y",
    "et",
    "avec",
    "con",
    "com",
];

/// Finds the agencies named in `text`, in order, normalised and deduplicated into `out`.
/// Returns `text` with the names blanked out.
pub(crate) fn find_agencies(text: &str, out: &mut Vec<String>) -> String {
    let mut rest = text.to_string();
    let mut found: Vec<(usize, &str)> = Vec::new();
    for (alias, name) in AGENCIES {
        let mut from = 0;
        while let Some(at) = rest[from..].find(alias) {
            let start = from + at;
            let end = start + alias.len();
            let before = rest[..start].chars().next_back();
            let after = rest[end..].chars().next();
            let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if bounded(before) && bounded(after) {
                found.push((start, name));
                rest.replace_range(start..end, &" ".repeat(alias.len()));
            }
            from = end;
        }
    }
    found.sort_by_key(|&(at, _)| at);
    for (_, name) in found {
        if !out.iter().any(|a| a == name) {
            out.push(name.to_string());
        }
    }
    rest
}

/// If `line` is only a credit, returns the agencies it names.
pub(crate) fn credit_only(line: &str) -> Option<Vec<String>> {
    if line.chars().count() > 140 {
        return None;
    }
    let mut agencies = Vec::new();
    let rest = find_agencies(line, &mut agencies);
    if agencies.is_empty() {
        return None;
    }
    let has_parens = line.contains('(');
    let mut leftover = 0;
    for word in rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_lowercase();
        if CREDIT_WORDS.contains(&lower.as_str()) || word.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        // Editors' initials before a parenthesised credit: "ng/sms (AP, dpa)".
        if has_parens && word.len() <= 4 && word.chars().all(|c| c.is_ascii_lowercase()) {
            leftover += 1;
            if leftover <= 4 {
                continue;
            }
        }
        return None;
    }
    Some(agencies)
}

/// Removes a credit appended to the end of `text` ("… he said. — AFP", "…(Reuters)").
/// Returns the shortened text and the agencies.
fn strip_trailing_credit(text: &str) -> Option<(String, Vec<String>)> {
    let tail_start = text.len().saturating_sub(80);
    for (at, c) in text.char_indices() {
        if at < tail_start || !matches!(c, '—' | '–' | '-' | '(' | '©') {
            continue;
        }
        let before = text[..at].chars().next_back();
        if !before.is_some_and(|b| b.is_whitespace() || crate::body::score::is_sentence_end(b)) {
            continue;
        }
        let tail = &text[at..];
        if let Some(agencies) = credit_only(tail) {
            let head = text[..at].trim_end().to_string();
            if head.is_empty() {
                return None;
            }
            return Some((head, agencies));
        }
    }
    None
}

/// Records agencies credited in the body's dateline and trailers, and removes the trailers.
pub(crate) fn from_body(blocks: &mut Vec<Block>, agencies: &mut Vec<String>) {
    // Trailers: the last few text blocks.
    let mut checked = 0;
    let mut i = blocks.len();
    while i > 0 && checked < 3 {
        i -= 1;
        if blocks[i].kind == BlockKind::Figure {
            continue;
        }
        checked += 1;
        if let Some(found) = credit_only(&blocks[i].text) {
            merge(agencies, found);
            blocks.remove(i);
            continue;
        }
        if let Some((head, found)) = strip_trailing_credit(&blocks[i].text) {
            merge(agencies, found);
            let mut html = String::new();
            crate::body::collect::escape_into(&mut html, &head);
            blocks[i].text = head;
            blocks[i].html = html;
        }
        break;
    }
    // Datelines: "PARIS (AFP) —" at the start of the first paragraphs.
    for b in blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Figure)
        .take(2)
    {
        let head: String = b.text.chars().take(100).collect();
        if let (Some(open), Some(close)) = (head.find('('), head.find(')'))
            && open < close
        {
            let inner = &head[open..=close];
            if let Some(found) = credit_only(inner) {
                merge(agencies, found);
            }
        }
    }
}

/// Records agencies named in bylines and author names; returns the authors that are people.
pub(crate) fn from_bylines(
    bylines: &[String],
    authors: Vec<String>,
    agencies: &mut Vec<String>,
) -> Vec<String> {
    for b in bylines {
        let mut found = Vec::new();
        find_agencies(b, &mut found);
        merge(agencies, found);
    }
    let mut people = Vec::with_capacity(authors.len());
    for a in authors {
        let mut found = Vec::new();
        let rest = find_agencies(&a, &mut found);
        let rest = rest.trim().trim_matches(|c: char| !c.is_alphanumeric());
        merge(agencies, found);
        let lower = rest.to_lowercase();
        if !rest.is_empty() && lower != "staff" && !lower.ends_with(" staff") {
            people.push(rest.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    people
}

fn merge(into: &mut Vec<String>, from: Vec<String>) {
    for a in from {
        if !into.contains(&a) {
            into.push(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agencies_of(line: &str) -> Option<Vec<String>> {
        credit_only(line)
    }

    #[test]
    fn trailers_are_credits() {
        assert_eq!(agencies_of("— AFP").expect("fixture"), ["AFP"]);
        assert_eq!(agencies_of("-DW").expect("fixture"), ["DW"]);
        assert_eq!(agencies_of("(Reuters)").expect("fixture"), ["Reuters"]);
        assert_eq!(
            agencies_of("Copyright: Project Syndicate, 2025.").expect("fixture"),
            ["Project Syndicate"]
        );
        assert_eq!(agencies_of("— Agencies").expect("fixture"), ["Agencies"]);
        assert_eq!(
            agencies_of("ng/sms (AP, Reuters, dpa)").expect("fixture"),
            ["AP", "Reuters", "dpa"]
        );
        assert_eq!(
            agencies_of("(With inputs from PTI)").expect("fixture"),
            ["PTI"]
        );
    }

    #[test]
    fn sentences_are_not_credits() {
        assert!(agencies_of("The AFP reported that talks failed on Monday.").is_none());
        assert!(agencies_of("A map of the area").is_none());
        assert!(agencies_of("Snapshot of the API").is_none());
    }

    #[test]
    fn appended_credits_are_stripped() {
        let (head, a) =
            strip_trailing_credit("The talks will resume on Monday. — AFP").expect("fixture");
        assert_eq!(head, "The talks will resume on Monday.");
        assert_eq!(a, ["AFP"]);
        let (head, _) = strip_trailing_credit("It was not clear why.-DW").expect("fixture");
        assert_eq!(head, "It was not clear why.");
        assert!(strip_trailing_credit("Prices rose 3 per cent - a record.").is_none());
    }

    #[test]
    fn agency_authors_become_credits() {
        let mut agencies = Vec::new();
        let people = from_bylines(
            &["By Jane Doe, Reuters".to_string()],
            vec![
                "Jane Doe".to_string(),
                "AFP".to_string(),
                "Reuters Staff".to_string(),
            ],
            &mut agencies,
        );
        assert_eq!(people, ["Jane Doe"]);
        assert_eq!(agencies, ["Reuters", "AFP"]);
    }
}
