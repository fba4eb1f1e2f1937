//! Hostile and odd input never panics: random mixes of multi-byte letters, quotes,
//! dashes, abbreviations, dates and line breaks go through every analysis.

use tidings_insight::{
    AskOptions, StoryArticle, SummaryOptions, ask, extract_entities, key_points, summarize,
    timeline,
};

/// Pieces the generator strings together.
const PIECES: &[&str] = &[
    "The",
    "Mr.",
    "U.S.",
    "N. Korea",
    "Zelenskyy",
    "said",
    "on Monday",
    "3 March",
    "May",
    "2019",
    "“",
    "”",
    "\"",
    "'s",
    "’",
    "—",
    " - ",
    "...",
    "…",
    "?",
    "!",
    ".",
    ",",
    "\n",
    "\n\n",
    "Ünïcødé",
    "東京",
    "🙂",
    "(AP)",
    "KYIV",
    "CLOSE",
    "Share",
    "x",
    "of",
    "de",
    "in",
    "[1]",
    "<<<",
    ">>>",
    " ",
    "  ",
    "é",
    "St.",
    "J.",
    "9",
    "last week",
    "yesterday",
    "Inc",
    "Ministry",
];

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_text_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..300 {
        let articles: Vec<StoryArticle> = (0..(rng.next() % 4))
            .map(|i| {
                let n = (rng.next() % 80) as usize;
                let mut body = String::new();
                for _ in 0..n {
                    body.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
                    if rng.next().is_multiple_of(3) {
                        body.push(' ');
                    }
                }
                StoryArticle {
                    id: format!("{round}-{i}"),
                    body,
                    published: rng
                        .next()
                        .is_multiple_of(2)
                        .then_some((rng.next() % 2_000_000_000) as i64 - 100_000_000),
                    ..Default::default()
                }
            })
            .collect();
        let s = summarize(&articles, &SummaryOptions::default());
        for sent in s.long.iter().chain(&s.short) {
            assert!(sent.citation.article < articles.len());
        }
        let _ = key_points(&articles);
        let _ = extract_entities(&articles);
        let _ = timeline(&articles);
        let _ = ask(
            &articles,
            "What happened in Kyiv on Monday?",
            &AskOptions::default(),
        );
    }
}
