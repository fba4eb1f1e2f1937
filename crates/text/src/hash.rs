//! Fixed, versioned hash functions. They are hand-rolled (FNV-1a followed by
//! the SplitMix64 finaliser) so that stored signatures never change when a
//! dependency is upgraded. Bump [`HASH_VERSION`] if any of them changes.

/// Version of every hash in this crate; store it next to signatures.
pub const HASH_VERSION: u32 = 1;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The SplitMix64 finaliser: a bijective 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over `bytes`, then [`mix64`].
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    mix64(h)
}

/// [`hash_bytes`] of a string's UTF-8 bytes.
#[inline]
pub fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

/// Combines two hashes order-dependently.
#[inline]
pub fn combine(a: u64, b: u64) -> u64 {
    mix64(a.rotate_left(17) ^ b.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

/// A pass-through [`std::hash::Hasher`] for keys that are already
/// well-mixed 64-bit hashes (term hashes): fast and deterministic.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A hash map keyed by term hashes, using [`IdHasher`].
pub type U64Map<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// A SplitMix64 generator: a fixed, documented stream for seeds.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next value.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_values() {
        // These values are part of the storage format (HASH_VERSION 1).
        assert_eq!(hash_str(""), mix64(FNV_OFFSET));
        assert_eq!(hash_str("tidings"), FIXED_TIDINGS);
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next(), 0xe220_a839_7b1d_cdaf);
    }

    const FIXED_TIDINGS: u64 = 8_990_889_919_722_903_537;
}
