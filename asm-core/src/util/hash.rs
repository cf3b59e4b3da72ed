//! The hash map of the assembler's label tables.
//!
//! Label names come from the input, and an input can be hostile or just unlucky: the
//! labels `bpfasm disasm --labels` prints (`L0`, `L1`, ...) once piled into a few buckets
//! of a fast unkeyed hash, and 1.5M of them took 25 s to assemble. The standard library's
//! SipHash with a per-process random key keeps every lookup O(1) on any names, for a few
//! percent of assembling time.

/// A `HashMap` keyed by a random SipHash key ([`std::collections::hash_map::RandomState`]).
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V>;

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
    }

    /// The names `disasm --labels` prints spread over the low bits, which pick the bucket
    /// (an unkeyed multiply-rotate hash without a final mix piled them into a few).
    #[test]
    fn sequential_label_names_spread_over_the_buckets() {
        use std::hash::BuildHasher;
        let m: HashMap<String, usize> = HashMap::default();
        const BITS: u32 = 18;
        let mut load = vec![0u32; 1 << BITS];
        for i in 0..(1u32 << BITS) {
            let h = m.hasher().hash_one(format!("L{i}"));
            load[(h & ((1 << BITS) - 1)) as usize] += 1;
        }
        let worst = load.iter().max().copied().unwrap_or(0);
        // A random function puts at most ~10 of 2^18 names in one of 2^18 buckets.
        assert!(worst <= 16, "{worst} names share one bucket");
    }
}
