//! What a reader's question asks for, in English, German or French: the kind of answer
//! its interrogative wants ("how many" a quantity, "wann" a time, "qui" a name), the
//! words that carry its content, and the news concepts those words stand for, so that
//! "How many people died?" also looks for "killed", "toll" and "dead".
//!
//! Written by hand: question classification for three languages is a few phrase lists,
//! and no crate offers it without a model.

use crate::answer_cues::speaks_of_future;

/// The kind of answer a question wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// A number: "how many", "wie viele", "combien", "how much", "wie hoch".
    Quantity,
    /// A length of time: "how long", "wie lange", "combien de temps".
    Duration,
    /// A moment: "when", "wann", "bis wann", "quand", "à quelle heure".
    Time,
    /// Someone or some organisation: "who", "wer", "wem", "qui", "à qui".
    Name,
    /// A place: "where", "wo", "où".
    Place,
    /// A cause: "why", "warum", "pourquoi", "what caused".
    Reason,
    /// Anything ("what", "which", a yes/no question).
    Any,
}

/// A question, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// What its interrogative asks for.
    pub wanted: Wanted,
    /// Its words without the interrogative and the question's own verbs ("did", "said").
    pub content: Vec<String>,
    /// It asks about money ("How much is the fund?", "Wie hoch ist der Schaden?"): an
    /// amount in a currency answers it better than any number.
    pub money: bool,
    /// The years it names ("How many died in 1979?").
    pub years: Vec<u32>,
    /// It asks about what is still to come ("When will the lander reach the Moon?",
    /// "Wann wird die Brücke freigegeben?", "Quand le tram ira-t-il à l'aéroport ?").
    pub future: bool,
}

/// Words of a question about money, in the three languages.
const MONEY_WORDS: &str = "\
     cost costs price spend spent worth budget fund funds money aid pay paid salary earn \
     earns fee fine damage damages kosten kostet kostete preis summe fonds geld hilfe \
     gehalt verdienen schaden sachschaden coût coûte coûté prix montant fonds argent aide \
     salaire dégâts";

/// Interrogative phrases, lowercase, in the three languages. A question is classified by
/// the phrase that starts earliest in it (as whole words), the longest of those that start
/// there: "what time" over "what", and "what" in "What did the man who …" over "who".
const INTERROGATIVES: &[(&str, Wanted)] = &[
    ("combien de temps", Wanted::Duration),
    ("depuis combien", Wanted::Duration),
    ("how long", Wanted::Duration),
    ("wie lange", Wanted::Duration),
    ("seit wann", Wanted::Time),
    ("bis wann", Wanted::Time),
    ("um wie viel uhr", Wanted::Time),
    ("à quelle heure", Wanted::Time),
    ("a quelle heure", Wanted::Time),
    ("quel jour", Wanted::Time),
    ("what time", Wanted::Time),
    ("what day", Wanted::Time),
    ("what date", Wanted::Time),
    ("which day", Wanted::Time),
    ("what year", Wanted::Time),
    ("what caused", Wanted::Reason),
    ("how many", Wanted::Quantity),
    ("how much", Wanted::Quantity),
    ("how high", Wanted::Quantity),
    ("how far", Wanted::Quantity),
    ("how big", Wanted::Quantity),
    ("how large", Wanted::Quantity),
    ("how old", Wanted::Quantity),
    ("how tall", Wanted::Quantity),
    ("how deep", Wanted::Quantity),
    ("how fast", Wanted::Quantity),
    ("wie viele", Wanted::Quantity),
    ("wie viel", Wanted::Quantity),
    ("wieviele", Wanted::Quantity),
    ("wieviel", Wanted::Quantity),
    ("wie hoch", Wanted::Quantity),
    ("wie weit", Wanted::Quantity),
    ("wie groß", Wanted::Quantity),
    ("wie alt", Wanted::Quantity),
    ("wie stark", Wanted::Quantity),
    ("wie schnell", Wanted::Quantity),
    ("combien", Wanted::Quantity),
    ("quel est le montant", Wanted::Quantity),
    ("quel est le nombre", Wanted::Quantity),
    ("quelle était la hauteur", Wanted::Quantity),
    ("quelle est la hauteur", Wanted::Quantity),
    ("when", Wanted::Time),
    ("wann", Wanted::Time),
    ("quand", Wanted::Time),
    ("who", Wanted::Name),
    ("whom", Wanted::Name),
    ("whose", Wanted::Name),
    ("wer", Wanted::Name),
    ("wen", Wanted::Name),
    ("wem", Wanted::Name),
    ("wessen", Wanted::Name),
    ("qui", Wanted::Name),
    ("where", Wanted::Place),
    ("wo", Wanted::Place),
    ("woher", Wanted::Place),
    ("wohin", Wanted::Place),
    ("où", Wanted::Place),
    ("why", Wanted::Reason),
    ("warum", Wanted::Reason),
    ("weshalb", Wanted::Reason),
    ("wieso", Wanted::Reason),
    ("pourquoi", Wanted::Reason),
    ("what", Wanted::Any),
    ("which", Wanted::Any),
    ("was", Wanted::Any),
    ("welche", Wanted::Any),
    ("welcher", Wanted::Any),
    ("welches", Wanted::Any),
    ("que", Wanted::Any),
    ("quoi", Wanted::Any),
    ("quel", Wanted::Any),
    ("quelle", Wanted::Any),
    ("quels", Wanted::Any),
    ("quelles", Wanted::Any),
];

/// Words of a question that carry no content in any of the three languages: the
/// interrogatives and the verbs and pronouns questions are built from (English, German,
/// French, then French elisions split at the apostrophe: "l'aide"). The analyser drops
/// each language's stop words as well.
const QUESTION_WORDS: &str = "\
     what who whom whose when where why how which did does do say said tell told happen \
     happened many much long story article know report reported there were was is are will \
     would have has had been \
     wer wen wem wessen was wann wo woher wohin warum weshalb wieso wie viel viele welche \
     welcher welches gab gibt es sind ist war waren wurde wurden hat haben hatte sagte sagt \
     gesagt lange seit bis \
     qui que quoi quand où pourquoi comment combien quel quelle quels quelles est ce ont été \
     sont il elle y a t dit déclaré temps \
     l d qu s n";

/// News concepts a question word stands for: when a question uses one of a concept's
/// words, a sentence with any of them matches it. One list per concept, the three
/// languages together; the analyser stems each word as the story's text is stemmed.
const CONCEPTS: &[&str] = &[
    // dying
    "die died dies dead death deaths killed killing kill toll fatalities fatality drowned \
     lives bodies sterben gestorben starben stirbt tot tote toten getötet todesopfer \
     leben leichen mort morts morte mortes mourir décès décédé tué tués victimes péri \
     bilan",
    // injury
    "injured injuries injury injure wounded hurt hospital hospitalised hospitalized \
     verletzt verletzte verletzten krankenhaus klinik blessé blessés blessée blessées \
     blessures hôpital hospitalisés",
    // missing
    "missing disappeared unaccounted vermisst vermisste vermissten verschollen disparu \
     disparus disparues introuvables",
    // rescue
    "rescued rescue saved evacuated gerettet geborgen evakuiert secouru secourus \
     secourues sauvé sauvés évacués",
    // cost
    "cost costs price spend spent worth budget kosten kostet kostete preis summe coût \
     coûte coûté prix montant",
    // damage
    "damage damages schaden sachschaden dégâts dommages",
    // launch
    "launch launched lift lifted liftoff blasted gestartet start abgehoben lancement \
     lancé décollé décollage",
    // leading
    "lead leads leader led head heads chief chairs leitet leiter leiterin chef chefin \
     führt vorsitzende dirige dirigeant dirigeante",
    // winning
    "win won wins winner victory elected gewonnen gewinnt gewann sieger siegerin gewählt \
     gagné remporté vainqueur élu élue",
    // arriving
    "arrive arrives arrived arrival reach reaches reached land lands landed landing touch \
     ankommen ankunft erreichen erreicht erreichte landen landet landete landung arrivée \
     arrivera atteindre atteint atteindra atterrir atterrissage",
    // arrest
    "arrested detained custody charged festgenommen verhaftet arrêté arrêtés interpellé \
     interpellés",
    // cause
    "cause caused causes because blamed ursache grund verursacht raison origine provoqué",
];

impl Question {
    /// Reads `text`.
    pub fn parse(text: &str) -> Question {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .flat_map(|w| w.split('-'))
            .filter(|w| !w.is_empty())
            .collect();
        let joined = format!(" {} ", words.join(" "));
        let wanted = INTERROGATIVES
            .iter()
            .filter_map(|&(phrase, w)| {
                let at = joined.find(&format!(" {phrase} "))?;
                Some((at, std::cmp::Reverse(phrase.len()), w))
            })
            .min_by_key(|&(at, longest, _)| (at, longest))
            .map_or(Wanted::Any, |(_, _, w)| w);
        let content = words
            .iter()
            .filter(|w| !QUESTION_WORDS.split_whitespace().any(|q| q == **w))
            .map(|w| (*w).to_string())
            .collect();
        let money = words
            .iter()
            .any(|w| MONEY_WORDS.split_whitespace().any(|m| m == *w));
        let years = words
            .iter()
            .filter(|w| w.len() == 4)
            .filter_map(|w| w.parse::<u32>().ok())
            .filter(|y| (1800..=2100).contains(y))
            .collect();
        Question {
            wanted,
            content,
            money,
            years,
            future: speaks_of_future(&words),
        }
    }
}

/// News concepts, each a list of words in the three languages that stand for it: a
/// question using one of them matches a sentence using any.
pub fn concepts() -> impl Iterator<Item = impl Iterator<Item = &'static str>> {
    CONCEPTS.iter().map(|c| c.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrogatives_in_three_languages() {
        let cases = [
            ("How many people died?", Wanted::Quantity),
            ("How long is the strike?", Wanted::Duration),
            ("When will the probe reach Jupiter?", Wanted::Time),
            ("Who leads the union?", Wanted::Name),
            ("Where was the radar built?", Wanted::Place),
            ("Why did it collapse?", Wanted::Reason),
            ("What did the minister say?", Wanted::Any),
            ("What did the man who found it say?", Wanted::Any),
            ("What time did it start?", Wanted::Time),
            ("Quel est le montant de l'aide ?", Wanted::Quantity),
            ("Was war die Ursache?", Wanted::Any),
            ("Wie viele Menschen sind gestorben?", Wanted::Quantity),
            ("Bis wann ist die Strecke gesperrt?", Wanted::Time),
            ("Wem gehörte die Halle?", Wanted::Name),
            ("Combien de marins sont morts ?", Wanted::Quantity),
            ("Combien de temps dure la grève ?", Wanted::Duration),
            ("Quand aura lieu la cérémonie ?", Wanted::Time),
            ("À qui appartenait le navire ?", Wanted::Name),
            ("Où le feu a-t-il commencé ?", Wanted::Place),
        ];
        for (q, wanted) in cases {
            assert_eq!(Question::parse(q).wanted, wanted, "{q}");
        }
    }

    #[test]
    fn content_words_lose_the_question_around_them() {
        assert_eq!(
            Question::parse("How many people died?").content,
            ["people", "died"]
        );
        assert_eq!(
            Question::parse("Quel est le montant de l'aide ?").content,
            ["le", "montant", "de", "aide"]
        );
        assert_eq!(
            Question::parse("Wer hat die Wahl gewonnen?").content,
            ["die", "wahl", "gewonnen"]
        );
    }

    #[test]
    fn money_and_years() {
        assert!(Question::parse("How much is the fund?").money);
        assert!(Question::parse("Wie hoch ist der Schaden?").money);
        assert!(!Question::parse("How much rain fell?").money);
        assert_eq!(Question::parse("How many died in 1979?").years, [1979]);
    }

    #[test]
    fn questions_about_what_is_to_come() {
        for q in [
            "When will the lander reach the Moon?",
            "Wann wird die Brücke freigegeben?",
            "Wann sollen die Bauarbeiten beginnen?",
            "Quand le tramway ira-t-il jusqu'à l'aéroport ?",
            "Quand les travaux vont-ils commencer ?",
        ] {
            assert!(Question::parse(q).future, "{q}");
        }
        for q in [
            "When did the probe leave orbit?",
            "Wann wurde der Neubau beschlossen?",
            "Quand la ligne a-t-elle été inaugurée ?",
        ] {
            assert!(!Question::parse(q).future, "{q}");
        }
    }

    #[test]
    fn concepts_hold_each_word_once() {
        for concept in concepts() {
            let words: Vec<&str> = concept.collect();
            for (i, w) in words.iter().enumerate() {
                assert!(!words[i + 1..].contains(w), "{w} twice");
                assert_eq!(w.to_lowercase(), *w, "{w} is lowercase");
            }
        }
    }
}
