//! Which report leads a story, and so whose headline the story shows: its newest original
//! report (copies only when no original is left to choose from), so that a developing story
//! reads as of its latest reporting ("toll climbs to 71", not the first report's "killing at
//! least 41").
//!
//! Not every newest report makes a headline for the story. A report is passed over when
//! - it is not in the story's language (a story has one language; a report whose language
//!   is not known may lead it), or
//! - its headline is labelled as commentary, analysis or a format ("Analysis: …",
//!   "Kommentar: …", "… | Opinion", "Live: …", "En images : …"), or is written as an
//!   explainer: it asks a question, or a part of it opens with a question word ("Halvarsund
//!   deal: What the new fund means for fishing towns", "Pourquoi …", "Was … bedeutet"). Such
//!   pieces follow the news rather than report it, and a story titled by one no longer says
//!   what happened; or
//! - its headline shares no word with the headline of another of the story's reports that
//!   is not passed over for the reasons above: a feature's "The night the sea came in" does
//!   not say what the story is about, and a reader scanning the front page would not
//!   recognise the event in it. Words are compared stemmed, stop words, numbers and words
//!   of fewer than four letters left out, and a word ending another of at least five
//!   letters is shared with it ("quake" in "earthquake", "Beben" in "Erdbeben").
//!
//! A headline opening with a quotation is not passed over for it: news reports open with
//! one as features do ("‘The whole street folded’: Vessa counts the cost of deadly quake"),
//! and passing it over would keep an older report's headline, and its older figures, above
//! a summary that gives the newer ones.
//!
//! The newest report that passes leads; when none does, the story's opening report does, as
//! it did before any update. Only the newest [`NEWEST`] reports and the opening one are read,
//! each an index range scan of `articles_by_story_time`, so choosing costs the same for a
//! story of ten reports as for one of ten thousand.

use crate::insights::primary_subtag;
use tidings_text::stop::is_stop;
use tidings_text::{Analyzer, TokenKind, tokenize};

/// How many of a story's newest reports are read to choose its lead.
pub(crate) const NEWEST: i64 = 8;

/// One report, as the choice reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Report {
    /// The article.
    pub id: i64,
    /// Its headline.
    pub title: String,
    /// Its language, when known.
    pub language: Option<String>,
    /// Its shown time.
    pub sort_at: i64,
    /// Whether it carries another report's text.
    pub copy: bool,
}

/// Labels that mark a headline as something other than a news report, lowercase: the first
/// word of a headline's first or last part of at most [`LABEL_WORDS`] words ("Analysis: …",
/// "… | Opinion"), the parts split at `:`, `|` and a spaced dash.
const LABELS: &[&str] = &[
    // English
    "analysis",
    "opinion",
    "comment",
    "commentary",
    "editorial",
    "explainer",
    "explained",
    "interview",
    "review",
    "podcast",
    "video",
    "watch",
    "live",
    "pictures",
    "photos",
    "gallery",
    "letters",
    "column",
    "essay",
    "profile",
    "obituary",
    "quiz",
    "factcheck",
    // German
    "analyse",
    "kommentar",
    "meinung",
    "leitartikel",
    "gastbeitrag",
    "kolumne",
    "liveblog",
    "ticker",
    "fotos",
    "bilder",
    "porträt",
    "hintergrund",
    // French
    "tribune",
    "éditorial",
    "chronique",
    "entretien",
    "décryptage",
    "vidéo",
    "portrait",
    "billet",
    "reportage",
];

/// Labels of several words, lowercase, each a whole part of a headline ("… – in pictures").
const LABEL_PHRASES: &[&str] = &[
    "in pictures",
    "fact check",
    "en images",
    "en direct",
    "point de vue",
];

/// The most words a label part of a headline has ("In pictures", "Point de vue").
const LABEL_WORDS: usize = 3;

/// Whether `title` is labelled as commentary, analysis or a format, not a news report.
fn labelled(title: &str) -> bool {
    let parts = parts(title);
    if parts.len() < 2 {
        return false;
    }
    let is_label = |part: &str| {
        let words: Vec<String> = part
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect();
        words.len() <= LABEL_WORDS
            && (words.first().is_some_and(|w| LABELS.contains(&w.as_str()))
                || LABEL_PHRASES.contains(&words.join(" ").as_str()))
    };
    parts.first().is_some_and(|p| is_label(p)) || parts.last().is_some_and(|p| is_label(p))
}

/// Words that open a question or an explainer, lowercase, when they open a headline or a
/// part of it ("What the fund means for …", "Warum …", "Pourquoi …").
const QUESTION_WORDS: &[&str] = &[
    "what", "why", "how", "who", "where", "when", "which", "was", "warum", "wieso", "weshalb",
    "wie", "wer", "wo", "pourquoi", "comment", "qui", "quel", "quelle", "quels", "quelles",
];

/// Whether `title` is written as an explainer rather than a news report: it asks a
/// question, or a part of it opens with a question word (or with French "ce que", "ce qu'").
fn explainer(title: &str) -> bool {
    let title = title.trim();
    if title.ends_with('?') {
        return true;
    }
    parts(title).iter().any(|part| {
        let lower = part.to_lowercase();
        let mut words = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        match words.next() {
            Some("ce") => words.next().is_some_and(|w| w == "que" || w == "qu"),
            Some(w) => QUESTION_WORDS.contains(&w),
            None => false,
        }
    })
}

/// The parts of a headline, split at `:`, `|` and a spaced dash, trimmed.
fn parts(title: &str) -> Vec<&str> {
    title
        .split([':', '|'])
        .flat_map(|p| p.split(" – "))
        .flat_map(|p| p.split(" — "))
        .flat_map(|p| p.split(" - "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The shortest word that is shared with a longer one it ends ("quake", "beben").
const MIN_SHARED_ENDING: usize = 5;

/// A word of a headline that says what it is about: its stem and the word as written,
/// lowercase.
struct Word {
    stem: String,
    word: String,
}

/// The words of a headline that say what it is about: at least four letters, not stop
/// words, not numbers.
fn words(analyzer: &Analyzer, language: Option<&str>, title: &str) -> Vec<Word> {
    tokenize(title)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Number && t.text.chars().count() >= 4)
        .filter(|t| !is_stop(language.unwrap_or(""), &t.text))
        .filter_map(|t| {
            let stem = analyzer.analyze(&t.text).into_iter().next()?.text;
            Some(Word { stem, word: t.text })
        })
        .collect()
}

/// Whether two headlines' words share one: the same stem, or the one word ending the other
/// ("quake", "earthquake").
fn share_a_word(a: &[Word], b: &[Word]) -> bool {
    let ends = |long: &str, short: &str| {
        short.chars().count() >= MIN_SHARED_ENDING && long.ends_with(short)
    };
    a.iter().any(|x| {
        b.iter()
            .any(|y| x.stem == y.stem || ends(&x.word, &y.word) || ends(&y.word, &x.word))
    })
}

/// The report that leads a story in `story_language`, of `reports` (its newest and its
/// opening report, in any order, each once or twice); `None` when there are none.
pub(crate) fn choose<'a>(
    reports: &'a [Report],
    story_language: Option<&str>,
) -> Option<&'a Report> {
    let mut pool: Vec<&Report> = Vec::with_capacity(reports.len());
    for r in reports {
        if !pool.iter().any(|p| p.id == r.id) {
            pool.push(r);
        }
    }
    if pool.iter().any(|r| !r.copy) {
        pool.retain(|r| !r.copy);
    }
    let language = story_language.map(primary_subtag).filter(|l| !l.is_empty());
    if let Some(language) = &language {
        let speaks = |r: &&Report| {
            r.language
                .as_deref()
                .is_none_or(|l| primary_subtag(l) == *language)
        };
        if pool.iter().any(speaks) {
            pool.retain(speaks);
        }
    }
    // Newest first.
    pool.sort_by_key(|r| std::cmp::Reverse((r.sort_at, r.id)));
    let opening = pool.last().copied();
    let analyzer = Analyzer::new(language.as_deref());
    let news: Vec<bool> = pool
        .iter()
        .map(|r| !labelled(&r.title) && !explainer(&r.title))
        .collect();
    let words: Vec<Vec<Word>> = pool
        .iter()
        .map(|r| words(&analyzer, language.as_deref(), &r.title))
        .collect();
    let others = news.iter().filter(|n| **n).count() > 1;
    let says_what_it_is_about = |i: usize| {
        !others || (0..pool.len()).any(|j| j != i && news[j] && share_a_word(&words[i], &words[j]))
    };
    (0..pool.len())
        .find(|&i| news[i] && says_what_it_is_about(i))
        .map(|i| pool[i])
        .or(opening)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: i64, sort_at: i64, title: &str) -> Report {
        Report {
            id,
            title: title.into(),
            language: Some("en".into()),
            sort_at,
            copy: false,
        }
    }

    fn chosen(reports: &[Report], language: Option<&str>) -> Option<i64> {
        choose(reports, language).map(|r| r.id)
    }

    const FIRST: &str = "Strong earthquake strikes Marovia's coast, killing at least 41";
    const UPDATE: &str = "Marovia quake toll climbs to 58 as rescue team flies out";
    const LATEST: &str = "Death toll in Marovia earthquake rises to 71";

    #[test]
    fn the_newest_report_leads_in_any_order_given() {
        let reports = [
            report(1, 100, FIRST),
            report(3, 300, LATEST),
            report(2, 200, UPDATE),
        ];
        assert_eq!(chosen(&reports, Some("en")), Some(3));
        assert_eq!(
            chosen(&reports[..1], Some("en")),
            Some(1),
            "a story of one report"
        );
        assert_eq!(chosen(&[], Some("en")), None);
        // The same time: the later id, as the story lists them.
        let tie = [report(4, 300, UPDATE), report(3, 300, LATEST)];
        assert_eq!(chosen(&tie, Some("en")), Some(4));
    }

    #[test]
    fn a_copy_leads_only_when_no_original_is_left() {
        let mut copy = report(3, 300, LATEST);
        copy.copy = true;
        assert_eq!(
            chosen(&[report(1, 100, FIRST), copy.clone()], Some("en")),
            Some(1)
        );
        assert_eq!(chosen(&[copy], Some("en")), Some(3));
    }

    #[test]
    fn commentary_and_formats_do_not_lead() {
        // Each shares a word with the others: only its label keeps it from leading.
        for title in [
            "Analysis: Why Marovia's old town crumbled in the quake",
            "Marovia earthquake: what the toll tells us | Opinion",
            "Live: Marovia earthquake latest",
            "Marovia quake – in pictures",
        ] {
            let reports = [
                report(1, 100, FIRST),
                report(2, 200, UPDATE),
                report(3, 300, title),
            ];
            assert_eq!(chosen(&reports, Some("en")), Some(2), "{title}");
        }
        for title in [
            "Kommentar: Marovien braucht jetzt Hilfe",
            "Erdbeben in Marovien – Liveblog",
            "En images : le séisme en Marovie",
            "EN DIRECT - Séisme en Marovie",
            "Tribune | Reconstruire Vessa",
        ] {
            assert!(labelled(title), "{title}");
        }
        // A colon alone is no label, nor a label word inside a part.
        for title in [
            "Marovia: quake toll rises to 71",
            "Marovia quake: images show Vessa's old town in ruins",
            "Video shows the moment the earthquake struck Marovia",
        ] {
            assert!(!labelled(title), "{title}");
            let reports = [report(1, 100, FIRST), report(2, 200, title)];
            assert_eq!(chosen(&reports, Some("en")), Some(2), "{title}");
        }
    }

    #[test]
    fn explainers_do_not_lead() {
        for title in [
            "Marovia quake: what the toll means for the old town",
            "Why did the Marovia quake kill so many?",
            "How Marovia’s earthquake unfolded",
        ] {
            assert!(explainer(title), "{title}");
            let reports = [
                report(1, 100, FIRST),
                report(2, 200, UPDATE),
                report(3, 300, title),
            ];
            assert_eq!(chosen(&reports, Some("en")), Some(2), "{title}");
        }
        for title in [
            "Erdbeben in Marovien: Was die Opferzahl bedeutet",
            "Séisme en Marovie : ce que l’on sait",
            "Pourquoi Vessa s’est effondrée",
        ] {
            assert!(explainer(title), "{title}");
        }
        for title in [FIRST, UPDATE, LATEST, "Marovia: quake toll rises to 71"] {
            assert!(!explainer(title), "{title}");
        }
    }

    #[test]
    fn a_headline_opening_with_a_quotation_leads_when_it_names_the_event() {
        // "quake" ends "earthquake": the two headlines share it.
        let quoted = "‘The whole street folded’: Vessa’s old town counts the cost of deadly quake";
        let reports = [report(1, 100, FIRST), report(2, 200, quoted)];
        assert_eq!(chosen(&reports, Some("en")), Some(2));
        let mut first = report(1, 100, "Schweres Erdbeben erschüttert Marovien");
        let mut update = report(2, 200, "Beben in Vessa: Zahl der Toten steigt auf 63");
        first.language = Some("de".into());
        update.language = Some("de".into());
        assert_eq!(chosen(&[first, update], Some("de")), Some(2));
    }

    #[test]
    fn a_headline_that_does_not_say_what_the_story_is_about_does_not_lead() {
        let feature = "The night the sea came in";
        let reports = [
            report(1, 100, FIRST),
            report(2, 200, UPDATE),
            report(3, 300, feature),
        ];
        assert_eq!(chosen(&reports, Some("en")), Some(2));
        // Nothing after the opening report says what the story is about: it leads still.
        let reports = [report(1, 100, FIRST), report(3, 300, feature)];
        assert_eq!(chosen(&reports, Some("en")), Some(1));
        // Sharing a word with an analysis only is not enough: the analysis is no news.
        let analysis = "Analysis: the night Marovia's sea came in";
        let reports = [
            report(1, 100, FIRST),
            report(2, 200, analysis),
            report(3, 300, feature),
        ];
        assert_eq!(chosen(&reports, Some("en")), Some(1));
    }

    #[test]
    fn a_report_in_another_language_does_not_lead() {
        // It names Vessa as the English reports do: only its language keeps it from leading.
        let mut french = report(3, 300, "Séisme à Vessa : au moins 71 morts");
        french.language = Some("fr".into());
        let mut unknown = report(4, 250, "Marovia earthquake toll rises to 63 in Vessa");
        unknown.language = None;
        let update = "Quake toll in Vessa climbs to 58";
        let reports = [
            report(1, 100, FIRST),
            report(2, 200, update),
            french.clone(),
        ];
        assert_eq!(chosen(&reports, Some("en-GB")), Some(2));
        let reports = [report(1, 100, FIRST), unknown, french];
        assert_eq!(
            chosen(&reports, Some("en")),
            Some(4),
            "a report of unknown language may"
        );
    }
}
