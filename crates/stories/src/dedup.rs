//! Exact and near-duplicate detection: an exact content hash plus SimHash
//! and MinHash over word shingles of the body. Headlines are left out on
//! purpose, so a wire story republished under a new headline with a trailer
//! ("Reporting by …") is still recognised as the same text.

use serde::{Deserialize, Serialize};
use tidings_text::hash::hash_str;
use tidings_text::{Analyzer, MinHasher, jaccard_estimate, shingles, simhash, simhash_distance};

/// Number of MinHash functions in a [`Fingerprint`].
pub const MINHASH_LEN: usize = 64;
/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;
/// Estimated Jaccard similarity at or above which two texts are near-duplicates.
pub const NEAR_JACCARD: f64 = 0.5;
/// SimHash distance at or below which two texts are near-duplicates.
pub const NEAR_SIMHASH_BITS: u32 = 3;

/// How two texts relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DupKind {
    /// Identical after normalisation.
    Exact,
    /// Near-duplicate (the same text, lightly edited).
    Near,
    /// Different texts.
    Different,
}

/// The signatures of one text, storable next to [`tidings_text::HASH_VERSION`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Hash of the normalised token sequence.
    pub content: u64,
    /// 64-bit SimHash of the shingles.
    pub simhash: u64,
    /// MinHash signature of the shingles.
    pub minhash: Vec<u64>,
    /// How many terms the text has after analysis (short texts are never called copies).
    #[serde(default)]
    pub terms: u32,
}

impl Fingerprint {
    /// Fingerprints `body` analysed for `lang` (stop words dropped, stemmed).
    pub fn of(body: &str, lang: Option<&str>) -> Self {
        let terms: Vec<u64> = Analyzer::new(lang)
            .analyze(body)
            .iter()
            .map(|t| t.hash)
            .collect();
        let content = terms
            .iter()
            .fold(hash_str(""), |h, &t| tidings_text::hash::combine(h, t));
        let sh = shingles(&terms, SHINGLE_WORDS);
        Self {
            content,
            simhash: simhash(&sh),
            minhash: MinHasher::new(MINHASH_LEN).signature(&sh),
            terms: u32::try_from(terms.len()).unwrap_or(u32::MAX),
        }
    }

    /// Compares two fingerprints.
    pub fn compare(&self, other: &Self) -> DupKind {
        if self.content == other.content {
            DupKind::Exact
        } else if jaccard_estimate(&self.minhash, &other.minhash) >= NEAR_JACCARD
            || simhash_distance(self.simhash, other.simhash) <= NEAR_SIMHASH_BITS
        {
            DupKind::Near
        } else {
            DupKind::Different
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "LYON, France (Reuters) - A fire broke out at a chemical plant on the \
        outskirts of Lyon on Tuesday, forcing the evacuation of around 200 workers, the \
        regional prefecture said. Firefighters brought the blaze under control after three \
        hours and no injuries were reported. The cause of the fire was not yet known, and \
        an investigation has been opened by local prosecutors, officials said. The plant, \
        operated by a subsidiary of a large French group, produces solvents for industry.";

    #[test]
    fn wire_copy_with_trailer_is_a_duplicate() {
        let copy = format!(
            "{WIRE}\n\nReporting by Jean Dupont; Editing by Mark Smith. Read more on our site."
        );
        let a = Fingerprint::of(WIRE, Some("en"));
        let b = Fingerprint::of(&copy, Some("en"));
        assert_eq!(a.compare(&b), DupKind::Near);
        assert_eq!(
            a.compare(&Fingerprint::of(WIRE, Some("en"))),
            DupKind::Exact
        );
    }

    #[test]
    fn different_events_in_one_city_are_not() {
        let other = "LYON, France (Reuters) - Lyon's city council voted on Tuesday to extend \
            the tram network to the eastern suburbs, a project costing 400 million euros that \
            officials said would be finished by 2030. Opposition councillors criticised the \
            cost and asked for a referendum, while residents welcomed faster links to the \
            centre. Construction is expected to start next year after a public consultation.";
        let a = Fingerprint::of(WIRE, Some("en"));
        let b = Fingerprint::of(other, Some("en"));
        assert_eq!(a.compare(&b), DupKind::Different);
    }
}
