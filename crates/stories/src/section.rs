//! Which section of the site an article belongs to: World, Business, Technology, Science,
//! Health, Sport or Culture.
//!
//! Three signals, strongest first: the categories the feed gave the entry, or the category the
//! operator gave the source ("Sport", "Wirtschaft", "Économie", …); then the words of the
//! headline and the opening of the text; then a general category ("World", "International",
//! "News") on the entry or the source. An article none of them speaks for gets no section and
//! appears only on the front page.
//!
//! The words are scored against each section's cue lexicon in English, German, French and
//! Spanish (the `cues` module: whole words, or stems marked `*`; a French elided article is
//! dropped, so `l'économie` is `économie`). A headline cue counts three times one in the first
//! 3,000 characters of the text. A section is chosen only with a score of at least 5 (a headline
//! cue and one in the text are not enough) and half as much again as the runner-up: filing an
//! article under a wrong section is worse than leaving it to the front page. A shopping headline
//! ("Black Friday deals", "gift guide") gets no section from its words, whatever products it
//! names.
//!
//! Accuracy is measured on 161 hand-labelled English pages of the extraction benchmark, run
//! through `tidings-extract` as the product's pages are (the page's description read as the
//! standfirst, counted once when the text repeats it); the labels and labelling guide are in
//! `tests/fixtures/section_labels.tsv`, and the report (accuracy, per-section precision and
//! recall, wrong filings, on the tuning half and the held-out half) is printed by
//! `cargo test -p tidings-stories --test section_accuracy -- --nocapture`.
//!
//! Written by hand: no crate classifies news sections offline in these four languages, and a
//! lexicon keeps the decision explainable and deterministic.

mod cues;

use cues::{CUES, SHOPPING};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::LazyLock;
use tidings_text::token::tokenize;

/// A section of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// International news and politics.
    World,
    /// Economy, markets, companies.
    Business,
    /// Computing, the internet, gadgets, telecoms.
    Technology,
    /// Research, space, climate science.
    Science,
    /// Medicine and public health.
    Health,
    /// Sport.
    Sport,
    /// Arts, books, film, music.
    Culture,
}

impl Section {
    /// Every section, in the order the site lists them.
    pub const ALL: [Section; 7] = [
        Section::World,
        Section::Business,
        Section::Technology,
        Section::Science,
        Section::Health,
        Section::Sport,
        Section::Culture,
    ];

    /// The section's name in URLs and the database (`world`, `business`, …).
    pub fn slug(self) -> &'static str {
        match self {
            Section::World => "world",
            Section::Business => "business",
            Section::Technology => "technology",
            Section::Science => "science",
            Section::Health => "health",
            Section::Sport => "sport",
            Section::Culture => "culture",
        }
    }

    /// The section's name as the site shows it.
    pub fn name(self) -> &'static str {
        match self {
            Section::World => "World",
            Section::Business => "Business",
            Section::Technology => "Technology",
            Section::Science => "Science",
            Section::Health => "Health",
            Section::Sport => "Sport",
            Section::Culture => "Culture",
        }
    }

    /// The section named by `slug`, if any.
    pub fn from_slug(slug: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// What is known about an article when its section is chosen.
#[derive(Debug, Clone, Copy, Default)]
pub struct SectionInput<'a> {
    /// The categories the feed gave the entry.
    pub entry_categories: &'a [String],
    /// The category the operator gave the source.
    pub source_category: Option<&'a str>,
    /// The headline.
    pub title: &'a str,
    /// The standfirst, read before the text unless the text already holds it (many pages'
    /// descriptions are their first paragraph, which would count twice).
    pub standfirst: Option<&'a str>,
    /// The text (only its opening is read).
    pub text: &'a str,
}

/// Category names that mean a section, lowercased, in the four languages.
const CATEGORY_NAMES: &[(&str, Section)] = &[
    ("world", Section::World),
    ("world news", Section::World),
    ("international", Section::World),
    ("internacional", Section::World),
    ("politics", Section::World),
    ("welt", Section::World),
    ("ausland", Section::World),
    ("politik", Section::World),
    ("monde", Section::World),
    ("politique", Section::World),
    ("mundo", Section::World),
    ("política", Section::World),
    ("business", Section::Business),
    ("economy", Section::Business),
    ("markets", Section::Business),
    ("finance", Section::Business),
    ("money", Section::Business),
    ("wirtschaft", Section::Business),
    ("finanzen", Section::Business),
    ("économie", Section::Business),
    ("economie", Section::Business),
    ("economía", Section::Business),
    ("economia", Section::Business),
    ("negocios", Section::Business),
    ("technology", Section::Technology),
    ("tech", Section::Technology),
    ("technik", Section::Technology),
    ("digital", Section::Technology),
    ("technologie", Section::Technology),
    ("high-tech", Section::Technology),
    ("tecnología", Section::Technology),
    ("tecnologia", Section::Technology),
    ("science", Section::Science),
    ("sciences", Section::Science),
    ("wissenschaft", Section::Science),
    ("wissen", Section::Science),
    ("ciencia", Section::Science),
    ("environment", Section::Science),
    ("climate", Section::Science),
    ("health", Section::Health),
    ("gesundheit", Section::Health),
    ("santé", Section::Health),
    ("sante", Section::Health),
    ("salud", Section::Health),
    ("sport", Section::Sport),
    ("sports", Section::Sport),
    ("football", Section::Sport),
    ("fußball", Section::Sport),
    ("deportes", Section::Sport),
    ("deporte", Section::Sport),
    ("culture", Section::Culture),
    ("arts", Section::Culture),
    ("entertainment", Section::Culture),
    ("books", Section::Culture),
    ("film", Section::Culture),
    ("music", Section::Culture),
    ("kultur", Section::Culture),
    ("feuilleton", Section::Culture),
    ("cultura", Section::Culture),
];

/// Categories that say "general news": they count only when nothing more specific does.
const GENERAL: &[&str] = &[
    "news",
    "top stories",
    "nachrichten",
    "actualités",
    "noticias",
];

/// Characters of the text read for cues, after the headline.
const TEXT_WINDOW: usize = 3_000;
/// A cue in the headline counts this many times one in the text.
const HEADLINE_WEIGHT: u32 = 3;
/// The least score a section needs from the words alone.
const MIN_SCORE: u32 = 5;

/// The section an article belongs to, if any signal speaks for one.
pub fn classify(input: &SectionInput<'_>) -> Option<Section> {
    let categories = input
        .entry_categories
        .iter()
        .map(String::as_str)
        .chain(input.source_category);
    let mut general = false;
    let mut world_category = false;
    // A category may be a path or a list ("/World,/Europe", "News > Sport"): each part counts.
    let parts = categories.flat_map(|c| c.split([',', '/', '>', '|', ':', ';']));
    for part in parts {
        let key = part.trim().to_lowercase();
        match named_section(&key) {
            Some(Section::World) => world_category = true,
            Some(section) => return Some(section),
            None => general |= GENERAL.contains(&key.as_str()),
        }
    }
    let standfirst = input
        .standfirst
        .map(str::trim)
        .filter(|s| !s.is_empty() && !input.text.contains(s));
    // Only the window the words are read from is copied, not a whole long article.
    let opening = match standfirst {
        Some(standfirst) => {
            std::borrow::Cow::Owned(format!("{standfirst}\n\n{}", opening_of(input.text)))
        }
        None => std::borrow::Cow::Borrowed(input.text),
    };
    if let Some(section) = from_words(input.title, &opening) {
        return Some(section);
    }
    (world_category || general).then_some(Section::World)
}

/// The section a category names in any of the four languages ("Welt", "Économie"), if any;
/// case is ignored.
pub fn section_named(category: &str) -> Option<Section> {
    named_section(&category.trim().to_lowercase())
}

/// The section a lowercased category names, if any.
fn named_section(category: &str) -> Option<Section> {
    CATEGORY_NAMES
        .iter()
        .find(|(name, _)| *name == category)
        .map(|&(_, s)| s)
}

/// The first [`TEXT_WINDOW`] characters of `text`: what is read for cues.
fn opening_of(text: &str) -> &str {
    let end = text
        .char_indices()
        .nth(TEXT_WINDOW)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// The section the headline and opening words point at, when one clearly leads.
fn from_words(title: &str, text: &str) -> Option<Section> {
    if is_shopping(title) {
        return None;
    }
    let mut scores = [0u32; Section::ALL.len()];
    add_cues(title, HEADLINE_WEIGHT, &mut scores);
    add_cues(opening_of(text), 1, &mut scores);
    let (best, &top) = scores
        .iter()
        .enumerate()
        .max_by_key(|&(i, s)| (*s, usize::MAX - i))?;
    let runner_up = scores
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != best)
        .map(|(_, s)| *s)
        .max()
        .unwrap_or(0);
    // A clear lead: the minimum score, and half as much again as the next section.
    (top >= MIN_SCORE && top * 2 >= runner_up * 3).then_some(Section::ALL[best])
}

/// [`CUES`] arranged for lookup: one word is looked up once, and each of its beginnings once,
/// instead of being compared with all six hundred cues (which cost 1.7 ms an article).
struct CueIndex {
    /// Whole-word cues, each with its section (once per listing).
    words: HashMap<&'static str, Vec<Section>>,
    /// Stems (`"diplomat*"` without its `*`), each with its section.
    stems: HashMap<&'static str, Vec<Section>>,
    /// The longest stem, in bytes: no longer beginning of a word is looked up.
    longest_stem: usize,
    /// Two-word cues, with their sections, matched as [`cue_at`] does.
    pairs: Vec<(&'static str, Section)>,
}

static CUE_INDEX: LazyLock<CueIndex> = LazyLock::new(|| {
    let mut index = CueIndex {
        words: HashMap::new(),
        stems: HashMap::new(),
        longest_stem: 0,
        pairs: Vec::new(),
    };
    for &(section, cues) in CUES {
        for &cue in cues {
            if cue.contains(' ') {
                index.pairs.push((cue, section));
            } else if let Some(stem) = cue.strip_suffix('*') {
                index.stems.entry(stem).or_default().push(section);
                index.longest_stem = index.longest_stem.max(stem.len());
            } else {
                index.words.entry(cue).or_default().push(section);
            }
        }
    }
    index
});

/// Adds `weight` to a section's score for each of its cues among the words of `text`.
fn add_cues(text: &str, weight: u32, scores: &mut [u32; Section::ALL.len()]) {
    let index = &*CUE_INDEX;
    let words = cue_words(text);
    for (i, word) in words.iter().enumerate() {
        let mut hits: Vec<Section> = Vec::new();
        hits.extend(index.words.get(word.as_str()).into_iter().flatten());
        // Every beginning of the word, up to the word itself, at character boundaries.
        for (end, _) in word.char_indices().skip(1).chain([(word.len(), ' ')]) {
            if end > index.longest_stem {
                break;
            }
            hits.extend(index.stems.get(&word[..end]).into_iter().flatten());
        }
        hits.extend(
            index
                .pairs
                .iter()
                .filter(|(cue, _)| cue_at(cue, &words, i))
                .map(|&(_, section)| section),
        );
        for section in hits {
            scores[section as usize] += weight;
        }
    }
}

/// The words of `text` as cues are matched against them.
fn cue_words(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .map(|t| without_elision(&t.text).to_string())
        .collect()
}

/// Whether `cue` matches at word `i`: that word, or (for a two-word cue) that word and the next.
fn cue_at(cue: &str, words: &[String], i: usize) -> bool {
    match cue.split_once(' ') {
        Some((first, second)) => {
            matches(first, &words[i]) && words.get(i + 1).is_some_and(|n| matches(second, n))
        }
        None => matches(cue, &words[i]),
    }
}

/// Whether the headline says the page is about shopping ("Black Friday deals", "gift guide").
fn is_shopping(title: &str) -> bool {
    let words = cue_words(title);
    (0..words.len()).any(|i| SHOPPING.iter().any(|cue| cue_at(cue, &words, i)))
}

/// Whether `word` is the cue, or begins with it when the cue is a stem (`"diplomat*"`).
fn matches(cue: &str, word: &str) -> bool {
    match cue.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == cue,
    }
}

/// The word without a French elided article or pronoun (`l'économie` is `économie`, `d'un` is
/// `un`): the tokenizer keeps them as one word.
fn without_elision(word: &str) -> &str {
    match word.split_once('\'') {
        Some((head, rest)) if (1..=2).contains(&head.chars().count()) && !rest.is_empty() => rest,
        _ => word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_text(title: &str, text: &str) -> Option<Section> {
        classify(&SectionInput {
            title,
            text,
            ..SectionInput::default()
        })
    }

    #[test]
    fn a_specific_category_wins() {
        let categories = vec!["News".to_string(), "Sport".to_string()];
        let input = SectionInput {
            entry_categories: &categories,
            source_category: Some("World"),
            title: "Minister resigns",
            standfirst: None,
            text: "The minister of the government resigned after the election.",
        };
        assert_eq!(classify(&input), Some(Section::Sport));
        let input = SectionInput {
            source_category: Some("Wirtschaft"),
            ..SectionInput::default()
        };
        assert_eq!(classify(&input), Some(Section::Business));
        let categories = vec!["Nachrichten > Kultur".to_string()];
        let input = SectionInput {
            entry_categories: &categories,
            ..SectionInput::default()
        };
        assert_eq!(classify(&input), Some(Section::Culture));
        let input = SectionInput {
            source_category: Some("/World,/Europe"),
            ..SectionInput::default()
        };
        assert_eq!(classify(&input), Some(Section::World));
    }

    #[test]
    fn words_decide_when_categories_are_general() {
        let input = SectionInput {
            source_category: Some("World"),
            title: "Striker scores twice as league leaders win the cup match",
            text: "The coach praised the striker after two goals in the cup match.",
            ..SectionInput::default()
        };
        assert_eq!(classify(&input), Some(Section::Sport));
        let input = SectionInput {
            source_category: Some("World"),
            title: "Talks resume in Geneva",
            text: "Delegations met again on Tuesday.",
            ..SectionInput::default()
        };
        assert_eq!(classify(&input), Some(Section::World));
    }

    #[test]
    fn words_in_each_language() {
        assert_eq!(
            classify_text(
                "Inflation falls as the central bank holds interest rates",
                "Investors welcomed the figures; shares rose and the economy grew."
            ),
            Some(Section::Business)
        );
        assert_eq!(
            classify_text(
                "Bundesliga: Trainer lobt Stürmer nach zwei Toren",
                "Im Fußball-Spiel der Bundesliga fiel das entscheidende Tor spät."
            ),
            Some(Section::Sport)
        );
        assert_eq!(
            classify_text(
                "Des chercheurs découvrent une nouvelle espèce",
                "Selon les chercheurs, l'étude publiée par des scientifiques montre…"
            ),
            Some(Section::Science)
        );
        assert_eq!(
            classify_text(
                "El gobierno convoca elecciones",
                "El ministro anunció que el gobierno celebrará elecciones en marzo."
            ),
            Some(Section::World)
        );
    }

    #[test]
    fn no_signal_means_no_section() {
        assert_eq!(classify_text("A quiet day", "Nothing much happened."), None);
        // A tie between two sections is no clear lead.
        assert_eq!(
            classify_text("Football club shares", "football football shares shares"),
            None
        );
    }

    #[test]
    fn spaceflight_is_science() {
        // The demo's Kite-3 story as the outlet's business desk wrote it (company, contract,
        // shares): without the feed's category, its words file it under Science.
        let title = "Orchid Bay-made thrusters steer Kite-3 on its way to the Moon";
        let text = "When the Kite-3 lunar lander fired its small steering thrusters for the \
            first time shortly after separating from its rocket, engineers at a light-industrial \
            estate in Orchid Bay broke into applause. The 16 thrusters, which will keep the \
            lander pointed in the right direction during its five-week journey, were designed \
            and built by Banyan Aerospace, a company that employed nine people when it was \
            founded a decade ago. Banyan's contract, worth about $38 million, is the largest \
            ever awarded to an Orchid Bay company for a deep-space mission. The firm is building \
            a second factory to supply thrusters for commercial satellites. Banyan's shares rose \
            7.4% in morning trading after the successful launch.";
        assert_eq!(classify_text(title, text), Some(Section::Science));
        assert_eq!(
            classify_text(
                "Rocket puts weather satellite into orbit",
                "The spacecraft separated from the rocket and reached its orbit an hour later."
            ),
            Some(Section::Science)
        );
    }

    #[test]
    fn a_cue_is_a_whole_word_unless_it_is_a_stem() {
        // "author" is a Culture cue, "authorities" is not; "diplomat*" counts "diplomatic".
        assert_eq!(
            classify_text(
                "Authorities say the authorities will decide",
                "The authorities, local authorities and port authorities met."
            ),
            None
        );
        assert_eq!(
            classify_text(
                "Diplomatic row deepens",
                "Diplomatic channels closed as the diplomats left."
            ),
            Some(Section::World)
        );
    }

    #[test]
    fn french_elision_is_dropped() {
        // Every cue here follows l' or d'.
        assert_eq!(
            classify_text(
                "L'économie ralentit",
                "L'inflation pèse sur l'économie, selon l'économiste d'entreprise."
            ),
            Some(Section::Business)
        );
    }

    #[test]
    fn shopping_pages_get_no_section_from_their_words() {
        let text = "Apple's MacBook laptops, iPhone smartphones and Microsoft software are \
            cheaper today; the Xbox console and Nintendo gadgets too.";
        assert_eq!(
            classify_text("The best Black Friday deals on Apple laptops", text),
            None
        );
        assert_eq!(
            classify_text("Gift guide: what to buy a techie", text),
            None
        );
        // The same words under a news headline are Technology.
        assert_eq!(
            classify_text("Apple updates its laptops", text),
            Some(Section::Technology)
        );
    }

    #[test]
    fn words_common_outside_a_section_are_not_its_cues() {
        // A recipe's cups and a diet's goals are not Sport; German "war" (was) is not World.
        assert_eq!(
            classify_text(
                "Meal prep: a cup of oats for your goals",
                "Mix 1 cup oats with 2 cups milk. Set your goals: two cups of fruit a day."
            ),
            None
        );
        assert_eq!(
            classify_text(
                "Stürmer trifft doppelt",
                "Es war kalt, der Platz war nass, das Spiel war zäh, doch der Stürmer war da \
                 und die Mannschaft war besser."
            ),
            Some(Section::Sport)
        );
    }

    #[test]
    fn a_study_is_not_science_by_itself() {
        // Medical news cites studies; "study" alone does not pull it into Science.
        assert_eq!(
            classify_text(
                "Study links sleep to diabetes",
                "The study of 2,000 patients found that a new study and earlier studies agree: \
                 short sleep raises the risk of diabetes, the study says."
            ),
            Some(Section::Health)
        );
    }

    #[test]
    fn a_standfirst_counts_once_whether_or_not_the_text_repeats_it() {
        let with = |standfirst: &str| {
            classify(&SectionInput {
                title: "Rovers win the league",
                standfirst: Some(standfirst),
                text: "The match ended 2-1 after a late header.",
                ..SectionInput::default()
            })
        };
        // The headline's cue and the text's make 4: a standfirst the text repeats adds
        // nothing, one of its own adds its cue.
        assert_eq!(with("The match ended 2-1 after a late header."), None);
        assert_eq!(
            with("A football night at Ferry Lane."),
            Some(Section::Sport)
        );
    }

    #[test]
    fn one_headline_cue_and_one_text_cue_are_not_enough() {
        assert_eq!(
            classify_text("Minister visits town", "The minister opened a bakery."),
            None
        );
        assert_eq!(
            classify_text(
                "Minister visits town",
                "The minister opened a bakery with the president."
            ),
            Some(Section::World)
        );
    }

    #[test]
    fn cues_are_read_in_the_first_3000_characters() {
        let filler = "Nothing much happened that day in the town. ".repeat(40);
        assert!(filler.chars().count() > 1_500 && filler.chars().count() < 2_500);
        let text = format!("{filler} The striker scored twice in the league match at the stadium.");
        assert_eq!(
            classify_text("A day in the town", &text),
            Some(Section::Sport)
        );
    }

    #[test]
    fn slugs_round_trip() {
        for s in Section::ALL {
            assert_eq!(Section::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Section::from_slug("weather"), None);
    }
}
