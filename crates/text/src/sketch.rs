//! Word shingles, 64-bit SimHash and MinHash signatures for near-duplicate
//! detection. All hashing goes through [`crate::hash`], so signatures are
//! stable for a given [`crate::HASH_VERSION`].

use crate::hash::{SplitMix64, combine, mix64};

/// Hashes of the `k`-word shingles of `terms` (term hashes, in text order).
/// Fewer than `k` terms give one shingle of all of them; none give none.
pub fn shingles(terms: &[u64], k: usize) -> Vec<u64> {
    let k = k.max(1);
    if terms.is_empty() {
        return Vec::new();
    }
    if terms.len() < k {
        return vec![terms.iter().fold(0, |h, &t| combine(h, t))];
    }
    terms
        .windows(k)
        .map(|w| w.iter().fold(0, |h, &t| combine(h, t)))
        .collect()
}

/// The 64-bit SimHash (Charikar) of a bag of feature hashes, each with
/// weight 1.
pub fn simhash(features: &[u64]) -> u64 {
    let mut acc = [0i32; 64];
    for &f in features {
        let h = mix64(f);
        for (i, a) in acc.iter_mut().enumerate() {
            if (h >> i) & 1 == 1 {
                *a += 1;
            } else {
                *a -= 1;
            }
        }
    }
    acc.iter()
        .enumerate()
        .fold(0u64, |s, (i, &a)| if a > 0 { s | (1 << i) } else { s })
}

/// Hamming distance between two SimHashes.
pub fn simhash_distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Seed of the MinHash permutation stream (part of the format).
pub const MINHASH_SEED: u64 = 0x7469_6469_6e67_7331; // "tidings1"

/// A MinHash signer with `n` fixed hash functions `h_i(x) = mix64(x ^ s_i)`.
#[derive(Debug, Clone)]
pub struct MinHasher {
    seeds: Vec<u64>,
}

impl MinHasher {
    /// A signer with `n` hash functions seeded from [`MINHASH_SEED`].
    pub fn new(n: usize) -> Self {
        let mut g = SplitMix64::new(MINHASH_SEED);
        Self {
            seeds: (0..n).map(|_| g.next()).collect(),
        }
    }

    /// Number of hash functions.
    pub fn len(&self) -> usize {
        self.seeds.len()
    }

    /// Whether there are no hash functions.
    pub fn is_empty(&self) -> bool {
        self.seeds.is_empty()
    }

    /// The signature of a set of feature hashes (all `u64::MAX` if empty).
    pub fn signature(&self, features: &[u64]) -> Vec<u64> {
        let mut sig = vec![u64::MAX; self.seeds.len()];
        for &f in features {
            for (m, &s) in sig.iter_mut().zip(&self.seeds) {
                let h = mix64(f ^ s);
                if h < *m {
                    *m = h;
                }
            }
        }
        sig
    }
}

/// Estimated Jaccard similarity: the share of equal signature slots.
pub fn jaccard_estimate(a: &[u64], b: &[u64]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_str;

    fn terms(s: &str) -> Vec<u64> {
        s.split_whitespace().map(hash_str).collect()
    }

    #[test]
    fn shingles_counts() {
        assert_eq!(shingles(&terms("a b c d"), 2).len(), 3);
        assert_eq!(shingles(&terms("a"), 3).len(), 1);
        assert!(shingles(&[], 3).is_empty());
    }

    #[test]
    fn simhash_is_stable_and_close_for_near_copies() {
        let a = shingles(
            &terms("the quick brown fox jumps over the lazy dog near the river bank today"),
            2,
        );
        let b = shingles(
            &terms("the quick brown fox jumps over the lazy dog near the river bank"),
            2,
        );
        let c = shingles(
            &terms("parliament passed the budget after a long night of debate on taxes"),
            2,
        );
        assert!(
            simhash_distance(simhash(&a), simhash(&b)) < simhash_distance(simhash(&a), simhash(&c))
        );
        assert_eq!(simhash(&[]), 0);
        assert_eq!(simhash(&terms("tidings")), FIXED_SIMHASH);
    }

    const FIXED_SIMHASH: u64 = 3_540_506_672_273_129_336;

    #[test]
    fn minhash_is_stable() {
        let m = MinHasher::new(4);
        assert_eq!(m.len(), 4);
        let sig = m.signature(&terms("alpha beta gamma"));
        assert_eq!(sig, FIXED_MINHASH);
        let same = m.signature(&terms("gamma beta alpha"));
        assert_eq!(jaccard_estimate(&sig, &same), 1.0);
    }

    const FIXED_MINHASH: [u64; 4] = [
        5_780_863_253_169_162_197,
        4_738_117_882_301_209_502,
        6_517_793_824_491_792_929,
        84_340_931_340_117_470,
    ];
}
