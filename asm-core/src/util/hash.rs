//! A fast hasher for the assembler's label tables.
//!
//! Label names are short and come from the user's own file, so the DoS resistance of the
//! standard library's SipHash buys nothing here, while hashing every label definition and
//! use with it costs a few percent of assembling. This is the multiply-rotate scheme of
//! rustc's FxHasher (the constant is from there).

use std::hash::{BuildHasherDefault, Hasher};

use crate::util::swar::short_word;

/// A `HashMap` with [`FxHasher`].
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Hashes a word at a time: rotate, xor, multiply.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(short_word(rest));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_names_hash_apart_and_maps_work() {
        let mut m: HashMap<&str, usize> = HashMap::default();
        let names: Vec<String> = (0..10_000).map(|i| format!("L{i}")).collect();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(m.insert(n, i), None);
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(m.get(n.as_str()), Some(&i));
        }
        assert_eq!(m.get("L10000"), None);
        let h = |s: &str| {
            let mut h = FxHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_ne!(h("abcdefgh1"), h("abcdefgh2"));
        assert_ne!(h("a"), h("b"));
    }
}
