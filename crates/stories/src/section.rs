//! Which section of the site an article belongs to: World, Business, Technology, Science,
//! Health, Sport or Culture.
//!
//! Three signals, strongest first: the categories the feed gave the entry, or the category the
//! operator gave the source ("Sport", "Wirtschaft", "Économie", …); then the words of the
//! headline and the opening of the text, scored against short lexicons in English, German,
//! French and Spanish; then a general category ("World", "International", "News") on the entry
//! or the source. An article none of them speaks for gets no section and appears only on the
//! front page.
//!
//! Written by hand: no crate classifies news sections offline in these four languages, and a
//! lexicon keeps the decision explainable and deterministic.

use serde::{Deserialize, Serialize};
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

/// Word beginnings that point at a section. A word counts when it starts with one of these
/// (entries of four letters or fewer must match the whole word).
const CUES: &[(&str, Section)] = &[
    // World: diplomacy, war, government, elections.
    ("president", Section::World),
    ("minister", Section::World),
    ("parliament", Section::World),
    ("government", Section::World),
    ("election", Section::World),
    ("diplomat", Section::World),
    ("embassy", Section::World),
    ("ceasefire", Section::World),
    ("troops", Section::World),
    ("military", Section::World),
    ("sanction", Section::World),
    ("refugee", Section::World),
    ("summit", Section::World),
    ("earthquake", Section::World),
    ("quake", Section::World),
    ("flood", Section::World),
    ("wildfire", Section::World),
    ("evacuat", Section::World),
    ("disaster", Section::World),
    ("erdbeben", Section::World),
    ("séisme", Section::World),
    ("terremoto", Section::World),
    ("regierung", Section::World),
    ("präsident", Section::World),
    ("bundestag", Section::World),
    ("wahl", Section::World),
    ("außenminist", Section::World),
    ("gouvernement", Section::World),
    ("élection", Section::World),
    ("ministre", Section::World),
    ("gobierno", Section::World),
    ("elecciones", Section::World),
    ("ministro", Section::World),
    // Business.
    ("econom", Section::Business),
    ("inflation", Section::Business),
    ("interest rate", Section::Business),
    ("shares", Section::Business),
    ("stock", Section::Business),
    ("investor", Section::Business),
    ("revenue", Section::Business),
    ("profit", Section::Business),
    ("earnings", Section::Business),
    ("merger", Section::Business),
    ("central bank", Section::Business),
    ("tariff", Section::Business),
    ("gdp", Section::Business),
    ("monetary", Section::Business),
    ("markets", Section::Business),
    ("bank", Section::Business),
    ("banks", Section::Business),
    ("wirtschaft", Section::Business),
    ("unternehmen", Section::Business),
    ("aktie", Section::Business),
    ("börse", Section::Business),
    ("umsatz", Section::Business),
    ("zinsen", Section::Business),
    ("entreprise", Section::Business),
    ("bourse", Section::Business),
    ("croissance", Section::Business),
    ("empresa", Section::Business),
    ("bolsa", Section::Business),
    ("inflación", Section::Business),
    // Technology.
    ("software", Section::Technology),
    ("smartphone", Section::Technology),
    ("artificial intelligence", Section::Technology),
    ("chatbot", Section::Technology),
    ("semiconductor", Section::Technology),
    ("chipmaker", Section::Technology),
    ("cyber", Section::Technology),
    ("hacker", Section::Technology),
    ("internet", Section::Technology),
    ("startup", Section::Technology),
    ("app", Section::Technology),
    ("apps", Section::Technology),
    ("computer", Section::Technology),
    ("algorithm", Section::Technology),
    ("künstliche intelligenz", Section::Technology),
    ("intelligence artificielle", Section::Technology),
    ("inteligencia artificial", Section::Technology),
    ("ordinateur", Section::Technology),
    // Science.
    ("scientist", Section::Science),
    ("researchers", Section::Science),
    ("study", Section::Science),
    ("astronom", Section::Science),
    ("telescope", Section::Science),
    ("spacecraft", Section::Science),
    ("nasa", Section::Science),
    ("physicist", Section::Science),
    ("species", Section::Science),
    ("fossil", Section::Science),
    ("genome", Section::Science),
    ("climate", Section::Science),
    ("forscher", Section::Science),
    ("wissenschaftler", Section::Science),
    ("studie", Section::Science),
    ("chercheur", Section::Science),
    ("scientifique", Section::Science),
    ("científico", Section::Science),
    ("investigadores", Section::Science),
    // Health.
    ("hospital", Section::Health),
    ("patient", Section::Health),
    ("vaccin", Section::Health),
    ("virus", Section::Health),
    ("disease", Section::Health),
    ("cancer", Section::Health),
    ("doctors", Section::Health),
    ("outbreak", Section::Health),
    ("krankenhaus", Section::Health),
    ("impf", Section::Health),
    ("krankheit", Section::Health),
    ("hôpital", Section::Health),
    ("maladie", Section::Health),
    ("enfermedad", Section::Health),
    // Sport.
    ("football", Section::Sport),
    ("soccer", Section::Sport),
    ("tennis", Section::Sport),
    ("olympic", Section::Sport),
    ("championship", Section::Sport),
    ("tournament", Section::Sport),
    ("league", Section::Sport),
    ("goal", Section::Sport),
    ("goals", Section::Sport),
    ("coach", Section::Sport),
    ("striker", Section::Sport),
    ("match", Section::Sport),
    ("cup", Section::Sport),
    ("fußball", Section::Sport),
    ("bundesliga", Section::Sport),
    ("trainer", Section::Sport),
    ("meisterschaft", Section::Sport),
    ("tor", Section::Sport),
    ("championnat", Section::Sport),
    ("joueur", Section::Sport),
    ("fútbol", Section::Sport),
    ("liga", Section::Sport),
    ("partido", Section::Sport),
    ("jugador", Section::Sport),
    // Culture.
    ("film", Section::Culture),
    ("films", Section::Culture),
    ("movie", Section::Culture),
    ("novel", Section::Culture),
    ("album", Section::Culture),
    ("museum", Section::Culture),
    ("exhibition", Section::Culture),
    ("festival", Section::Culture),
    ("actor", Section::Culture),
    ("actress", Section::Culture),
    ("singer", Section::Culture),
    ("theatre", Section::Culture),
    ("author", Section::Culture),
    ("ausstellung", Section::Culture),
    ("sänger", Section::Culture),
    ("musée", Section::Culture),
    ("exposition", Section::Culture),
    ("película", Section::Culture),
    ("museo", Section::Culture),
];

/// Characters of the text read for cues, after the headline.
const TEXT_WINDOW: usize = 1_500;
/// A cue in the headline counts this many times one in the text.
const HEADLINE_WEIGHT: u32 = 3;
/// The least score a section needs from the words alone.
const MIN_SCORE: u32 = 4;

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
    if let Some(section) = from_words(input.title, input.text) {
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

/// The section the headline and opening words point at, when one clearly leads.
fn from_words(title: &str, text: &str) -> Option<Section> {
    let mut scores = [0u32; Section::ALL.len()];
    add_cues(title, HEADLINE_WEIGHT, &mut scores);
    let end = text
        .char_indices()
        .nth(TEXT_WINDOW)
        .map_or(text.len(), |(i, _)| i);
    add_cues(&text[..end], 1, &mut scores);
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

fn add_cues(text: &str, weight: u32, scores: &mut [u32; Section::ALL.len()]) {
    let words: Vec<String> = tokenize(text).into_iter().map(|t| t.text).collect();
    for (i, word) in words.iter().enumerate() {
        for &(cue, section) in CUES {
            let hit = match cue.split_once(' ') {
                // Two-word cues match this word and the next.
                Some((first, second)) => {
                    word == first && words.get(i + 1).is_some_and(|n| n.starts_with(second))
                }
                None if cue.chars().count() <= 4 => word == cue,
                None => word.starts_with(cue),
            };
            if hit {
                scores[section as usize] += weight;
            }
        }
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
    fn slugs_round_trip() {
        for s in Section::ALL {
            assert_eq!(Section::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Section::from_slug("weather"), None);
    }
}
