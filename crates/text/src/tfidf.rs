//! Sparse TF-IDF vectors over term hashes, an incremental document-frequency
//! table and cosine similarity.

use serde::{Deserialize, Serialize};

use crate::hash::U64Map;

/// Document frequencies, updated one document at a time.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DfTable {
    docs: u64,
    df: U64Map<u32>,
}

impl DfTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one document with the given distinct terms (duplicates in
    /// `terms` are counted once each, so pass distinct terms).
    pub fn add_document<'a>(&mut self, terms: impl IntoIterator<Item = &'a u64>) {
        self.docs += 1;
        for t in terms {
            *self.df.entry(*t).or_insert(0) += 1;
        }
    }

    /// Counts one document whose distinct terms come as the weighted
    /// counts of several parts (no term in two parts), and returns each
    /// part's TF-IDF vector as [`SparseVec::tfidf`] would compute it right
    /// after [`DfTable::add_document`], with one table lookup per term
    /// instead of two.
    pub fn add_document_tfidf(&mut self, parts: &[&[(u64, f32)]]) -> Vec<SparseVec> {
        self.docs += 1;
        let n = (1 + self.docs) as f64;
        // Most terms of a document share a few small document frequencies,
        // and `n` is fixed here: each of their IDFs is computed once (the
        // same expression, so the same value).
        let mut small_idf = [f32::NAN; 64];
        parts
            .iter()
            .map(|counts| {
                let mut pairs: Vec<(u64, f32)> = Vec::with_capacity(counts.len());
                for &(t, c) in counts.iter() {
                    let df = self.df.entry(t).or_insert(0);
                    *df += 1;
                    if c > 0.0 {
                        let idf_of = |df: u32| ((n / (1 + u64::from(df)) as f64).ln() + 1.0) as f32;
                        let idf = match small_idf.get_mut(*df as usize) {
                            Some(memo) if !memo.is_nan() => *memo,
                            Some(memo) => {
                                *memo = idf_of(*df);
                                *memo
                            }
                            None => idf_of(*df),
                        };
                        // ln 1 is exactly 0.
                        let tf = if c == 1.0 { 1.0 } else { 1.0 + c.ln() };
                        pairs.push((t, tf * idf));
                    }
                }
                SparseVec::from_pairs(pairs)
            })
            .collect()
    }

    /// Number of documents seen.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Number of distinct terms held.
    pub fn len(&self) -> usize {
        self.df.len()
    }

    /// Whether no term is held.
    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }

    /// Document frequency of a term.
    pub fn df(&self, term: u64) -> u32 {
        self.df.get(&term).copied().unwrap_or(0)
    }

    /// Smoothed IDF: `ln((1 + N) / (1 + df)) + 1`.
    pub fn idf(&self, term: u64) -> f32 {
        (((1 + self.docs) as f64 / (1 + u64::from(self.df(term))) as f64).ln() + 1.0) as f32
    }

    /// Halves every count (and the document count) and forgets terms that
    /// reach zero: keeps memory bounded on an endless stream while the IDF
    /// ratios stay roughly the same.
    pub fn halve(&mut self) {
        self.docs /= 2;
        self.df.retain(|_, c| {
            *c /= 2;
            *c > 0
        });
    }
}

/// A sparse vector: `(term, weight)` pairs sorted by term, no duplicates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SparseVec {
    entries: Vec<(u64, f32)>,
}

impl SparseVec {
    /// Builds from unsorted `(term, weight)` pairs, summing duplicates.
    pub fn from_pairs(mut pairs: Vec<(u64, f32)>) -> Self {
        // Already sorted and distinct (as from a sorted map): kept as is.
        if pairs.is_sorted_by(|a, b| a.0 < b.0) {
            return Self { entries: pairs };
        }
        pairs.sort_by_key(|p| p.0);
        let mut entries: Vec<(u64, f32)> = Vec::with_capacity(pairs.len());
        for (t, w) in pairs {
            match entries.last_mut() {
                Some(last) if last.0 == t => last.1 += w,
                _ => entries.push((t, w)),
            }
        }
        Self { entries }
    }

    /// TF-IDF with sublinear TF, `(1 + ln tf) · idf`, from term counts.
    pub fn tfidf(counts: &[(u64, f32)], df: &DfTable) -> Self {
        let pairs = counts
            .iter()
            .filter(|(_, c)| *c > 0.0)
            .map(|&(t, c)| (t, (1.0 + c.ln()) * df.idf(t)))
            .collect();
        Self::from_pairs(pairs)
    }

    /// The entries, sorted by term.
    pub fn entries(&self) -> &[(u64, f32)] {
        &self.entries
    }

    /// The weight of `term`, if present (binary search).
    pub fn get(&self, term: u64) -> Option<f32> {
        self.entries
            .binary_search_by_key(&term, |e| e.0)
            .ok()
            .map(|i| self.entries[i].1)
    }

    /// Number of non-zero entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the vector is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Euclidean norm.
    pub fn norm(&self) -> f32 {
        self.entries.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt()
    }

    /// Scales to unit length (no-op for the zero vector).
    pub fn normalize(&mut self) {
        let n = self.norm();
        if n > 0.0 {
            for e in &mut self.entries {
                e.1 /= n;
            }
        }
    }

    /// Dot product (sorted merge).
    pub fn dot(&self, other: &Self) -> f32 {
        let (a, b) = (&self.entries, &other.entries);
        let (mut i, mut j, mut s) = (0, 0, 0.0f32);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            if x.0 == y.0 {
                s += x.1 * y.1;
            }
            // Both advance on a match: no unpredictable three-way branch.
            i += usize::from(x.0 <= y.0);
            j += usize::from(y.0 <= x.0);
        }
        s
    }

    /// Cosine similarity (0 if either vector is zero).
    pub fn cosine(&self, other: &Self) -> f32 {
        let d = self.norm() * other.norm();
        if d > 0.0 { self.dot(other) / d } else { 0.0 }
    }

    /// `self += scale · other`.
    pub fn add_scaled(&mut self, other: &Self, scale: f32) {
        let (a, b) = (&self.entries, &other.entries);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if j >= b.len() || (i < a.len() && a[i].0 < b[j].0) {
                out.push(a[i]);
                i += 1;
            } else if i >= a.len() || b[j].0 < a[i].0 {
                out.push((b[j].0, b[j].1 * scale));
                j += 1;
            } else {
                out.push((a[i].0, a[i].1 + b[j].1 * scale));
                i += 1;
                j += 1;
            }
        }
        self.entries = out;
    }

    /// Keeps only the `k` largest-weight entries (ties by term), so a
    /// centroid's memory stays bounded.
    pub fn truncate_top(&mut self, k: usize) {
        if self.entries.len() <= k {
            return;
        }
        if k == 0 {
            self.entries.clear();
            return;
        }
        // Terms are unique, so this order is total and the kept set is
        // the same whatever the selection algorithm. The k-th entry is
        // selected in a copy; keeping the entries up to it in place keeps
        // them sorted by term, with no sort afterwards.
        let mut ranks: Vec<u128> = self.entries.iter().map(rank).collect();
        let (_, &mut kth, _) = ranks.select_nth_unstable(k - 1);
        self.entries.retain(|e| rank(e) <= kth);
    }
}

/// The `k` heaviest of `entries` (ties by smaller term), heaviest first:
/// the first `k` in the order "weight descending ([`f32::total_cmp`]), then
/// term ascending".
pub fn heaviest(entries: impl IntoIterator<Item = (u64, f32)>, k: usize) -> Vec<(u64, f32)> {
    if k == 0 {
        return Vec::new();
    }
    let mut ranks: Vec<u128> = entries.into_iter().map(|e| rank(&e)).collect();
    if ranks.len() > k {
        ranks.select_nth_unstable(k - 1);
        ranks.truncate(k);
    }
    ranks.sort_unstable();
    ranks.into_iter().map(unrank).collect()
}

/// One integer whose order is "weight descending ([`f32::total_cmp`]),
/// then term ascending": selecting and sorting by it compares two words
/// instead of calling a comparator.
#[inline]
fn rank(e: &(u64, f32)) -> u128 {
    (u128::from(!total_order_bits(e.1)) << 64) | u128::from(e.0)
}

/// The entry [`rank`] was computed from.
#[inline]
fn unrank(r: u128) -> (u64, f32) {
    // Truncations keep the low half (the term) and the high half (the
    // weight's bits).
    let ordered = !((r >> 64) as u32);
    (
        r as u64,
        f32::from_bits(flip_negative(ordered ^ 0x8000_0000)),
    )
}

/// The bits of `x` as an unsigned integer ordered as [`f32::total_cmp`]
/// orders floats (the same transform).
#[inline]
fn total_order_bits(x: f32) -> u32 {
    flip_negative(x.to_bits()) ^ 0x8000_0000
}

/// `bits` with every bit but the sign flipped when the sign is set: the
/// step of [`f32::total_cmp`] that orders negative floats, its own inverse.
#[inline]
fn flip_negative(bits: u32) -> u32 {
    bits ^ ((((bits as i32) >> 31) as u32) >> 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_and_cosine() {
        let mut df = DfTable::new();
        df.add_document(&[1, 2]);
        df.add_document(&[1, 3]);
        assert!(df.idf(1) < df.idf(2));
        let a = SparseVec::tfidf(&[(1, 1.0), (2, 2.0)], &df);
        let b = SparseVec::tfidf(&[(2, 1.0), (1, 1.0)], &df);
        let c = SparseVec::tfidf(&[(3, 1.0)], &df);
        assert!(a.cosine(&b) > 0.9);
        assert_eq!(a.cosine(&c), 0.0);
        assert!((a.cosine(&a) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn add_scaled_merges_and_truncate_keeps_top() {
        let mut a = SparseVec::from_pairs(vec![(3, 1.0), (1, 1.0)]);
        a.add_scaled(&SparseVec::from_pairs(vec![(2, 4.0), (3, 1.0)]), 0.5);
        assert_eq!(a.entries(), &[(1, 1.0), (2, 2.0), (3, 1.5)]);
        a.truncate_top(2);
        assert_eq!(a.entries(), &[(2, 2.0), (3, 1.5)]);
    }

    #[test]
    fn add_document_tfidf_matches_two_steps() {
        let mut a = DfTable::new();
        let mut b = DfTable::new();
        type Counts<'a> = &'a [(u64, f32)];
        let docs: [(Counts, Counts); 3] = [
            (&[(1, 1.0), (2, 3.0)], &[(9, 1.0)]),
            (&[(1, 2.0), (3, 1.0)], &[(9, 2.0), (8, 0.5)]),
            (&[(2, 1.0), (3, 0.0)], &[]),
        ];
        for (x, y) in docs {
            let got = a.add_document_tfidf(&[x, y]);
            b.add_document(x.iter().chain(y).map(|e| &e.0));
            assert_eq!(got, [SparseVec::tfidf(x, &b), SparseVec::tfidf(y, &b)]);
        }
        assert_eq!(a.docs(), b.docs());
        assert_eq!(a.df(3), 2);
    }

    #[test]
    fn heaviest_is_a_selection_in_weight_then_term_order() {
        let weights = [
            0.5,
            -0.0,
            0.0,
            2.0,
            0.5,
            -3.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e-40,
            f32::MIN_POSITIVE,
            0.5,
        ];
        let entries: Vec<(u64, f32)> = weights
            .iter()
            .enumerate()
            .map(|(i, &w)| ((i as u64 * 7) % 11, w))
            .collect();
        let mut sorted = entries.clone();
        sorted.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        for k in 0..=entries.len() + 1 {
            let got = heaviest(entries.iter().copied(), k);
            let want = &sorted[..k.min(sorted.len())];
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(want) {
                assert_eq!((g.0, g.1.to_bits()), (w.0, w.1.to_bits()), "k {k}");
            }
        }
        let mut v = SparseVec::from_pairs(entries.clone());
        v.truncate_top(4);
        let mut top4: Vec<(u64, f32)> = sorted[..4].to_vec();
        top4.sort_by_key(|e| e.0);
        assert_eq!(v.entries(), &top4[..]);
    }

    #[test]
    fn halve_forgets_rare_terms() {
        let mut df = DfTable::new();
        df.add_document(&[1, 2]);
        df.add_document(&[1]);
        df.halve();
        assert_eq!(df.docs(), 1);
        assert_eq!(df.df(1), 1);
        assert_eq!(df.df(2), 0);
        assert_eq!(df.len(), 1);
    }
}
