//! Hex text: writing slots as lowercase hex, and reading hex dumps of instructions (what
//! `bpfasm disasm` and `bpfasm run` accept), with the byte offset of every error found in
//! one pass.
//!
//! Accepted input: hex digit pairs in object-file byte order. Groups of digits are separated
//! by ASCII whitespace or commas and may be of any size (`b7 00 ...`, `b700000000000000`,
//! `b7000000 00000000`, C arrays like `0xb7, 0x00,`). A group may start with `0x` or `0X`,
//! which is skipped: the digits after it are still bytes in stream order, never a number
//! (`0x95000000` is the bytes 95 00 00 00). Digits pair up across groups; an odd total is an
//! error that points at the first group with an odd number of digits.

/// Two lowercase hex digits for every byte value.
static PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 0xf]];
        i += 1;
    }
    t
};

/// The 16 lowercase hex digits of one 8-byte slot, in byte order.
#[inline]
pub fn slot_hex(bytes: [u8; 8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&PAIRS[b as usize]);
    }
    out
}

/// Not a digit value: a separator.
const SEP: u8 = 0xfe;
/// Not a digit value: anything else.
const BAD: u8 = 0xff;

/// Each input byte's digit value, or [`SEP`] or [`BAD`].
static CLASS: [u8; 256] = {
    let mut t = [BAD; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t[b' ' as usize] = SEP;
    t[b'\t' as usize] = SEP;
    t[b'\n' as usize] = SEP;
    t[b'\r' as usize] = SEP;
    t[0x0c] = SEP; // form feed
    t[b',' as usize] = SEP;
    t
};

/// An error in hex input at a byte offset of the text.
#[derive(Debug, PartialEq, Eq)]
pub struct HexError {
    /// Byte offset in the input text.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

/// How many errors [`parse`] keeps in full; the rest are counted in one last error.
const MAX_KEPT: usize = 1000;

/// What a pass over the text found, besides the digits it reported.
struct Scan {
    errors: Vec<HexError>,
    /// Errors past [`MAX_KEPT`]: how many, and where the first was.
    omitted: Option<(usize, usize)>,
    digits: usize,
    /// Byte offset and digit count of the first group with an odd number of digits.
    first_odd_group: Option<(usize, usize)>,
}

/// Walks the text, calling `on_digit(offset, value)` for every hex digit.
fn scan(text: &[u8], mut on_digit: impl FnMut(usize, u8)) -> Scan {
    let mut scan = Scan {
        errors: Vec::new(),
        omitted: None,
        digits: 0,
        first_odd_group: None,
    };
    let mut i = 0;
    while i < text.len() {
        if CLASS[text[i] as usize] == SEP {
            i += 1;
            continue;
        }
        // A group starts at `i`.
        let start = i;
        if text[i] == b'0' && matches!(text.get(i + 1), Some(b'x' | b'X')) {
            i += 2;
            if text.get(i).is_none_or(|&b| CLASS[b as usize] == SEP) {
                scan.error(start, || "`0x` without hex digits after it".into());
                continue;
            }
        }
        let mut count = 0;
        while i < text.len() {
            let c = CLASS[text[i] as usize];
            if c == SEP {
                break;
            }
            if c == BAD {
                scan.error(i, || {
                    format!(
                        "`{}` is not a hex digit (hex input is digits 0-9, a-f, A-F in pairs, \
                         separated by whitespace or commas, each group optionally after `0x`)",
                        char_at(text, i).escape_debug()
                    )
                });
                // One error per group: skip to its end.
                while i < text.len() && CLASS[text[i] as usize] != SEP {
                    i += 1;
                }
                break;
            }
            on_digit(i, c);
            count += 1;
            i += 1;
        }
        scan.digits += count;
        if count % 2 == 1 && scan.first_odd_group.is_none() {
            scan.first_odd_group = Some((start, count));
        }
    }
    if let Some((n, at)) = scan.omitted {
        scan.errors.push(HexError {
            at,
            message: format!(
                "{n} more errors from here on, not shown (only the first {MAX_KEPT} are kept)"
            ),
        });
    }
    scan
}

impl Scan {
    /// An error at `at`: kept in full while fewer than [`MAX_KEPT`] are, else counted (a
    /// megabyte of bad groups would otherwise hold a message each).
    fn error(&mut self, at: usize, message: impl FnOnce() -> String) {
        if self.errors.len() < MAX_KEPT {
            self.errors.push(HexError {
                at,
                message: message(),
            });
        } else {
            let (n, _) = self.omitted.get_or_insert((0, at));
            *n += 1;
        }
    }
}

/// The character that starts at byte `at` (the replacement character if it is not UTF-8).
fn char_at(text: &[u8], at: usize) -> char {
    let end = (at + 4).min(text.len());
    String::from_utf8_lossy(&text[at..end])
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Parses hex input into bytes; on errors returns them in order: the first 1,000 in full,
/// then (if there were more) one that counts the rest.
pub fn parse(text: &[u8]) -> Result<Vec<u8>, Vec<HexError>> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut high: Option<u8> = None;
    let mut scan = scan(text, |_, v| match high.take() {
        None => high = Some(v),
        Some(h) => out.push(h << 4 | v),
    });
    // After a bad character the digit count means little: report the characters only.
    if scan.digits % 2 == 1 && scan.errors.is_empty() {
        // An odd total means some group has an odd count.
        let (at, count) = scan.first_odd_group.unwrap_or((text.len(), 1));
        scan.errors.push(HexError {
            at,
            message: format!(
                "odd number of hex digits ({} in all): this group has {count}; \
                 every byte needs two digits",
                scan.digits
            ),
        });
    }
    if scan.errors.is_empty() {
        Ok(out)
    } else {
        Err(scan.errors)
    }
}

/// The text offset of the first digit of every 8-byte slot of hex input that [`parse`]
/// accepted, in one pass.
pub fn slot_offsets(text: &[u8]) -> Vec<usize> {
    let mut seen = 0usize;
    let mut starts = Vec::new();
    scan(text, |at, _| {
        if seen.is_multiple_of(16) {
            starts.push(at);
        }
        seen += 1;
    });
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_hex_is_lowercase_in_byte_order() {
        let h = slot_hex([0xb7, 0x01, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(&h, b"b7010000ffffffff");
    }

    #[test]
    fn accepts_any_grouping() {
        let want = vec![0xb7, 0x01, 0, 0, 0x2a, 0, 0, 0];
        for text in [
            "b7010000 2a000000",
            "b7 01 00 00 2a 00 00 00\n",
            "  b701\n00002a\t000000  ",
            "0xb7, 0x01, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00",
            "0XB7010000,0x2A000000",
            "b 7010000 2a00000 0",
        ] {
            assert_eq!(parse(text.as_bytes()), Ok(want.clone()), "{text:?}");
        }
        assert_eq!(parse(b""), Ok(vec![]));
        assert_eq!(parse(b" \n, "), Ok(vec![]));
    }

    #[test]
    fn odd_count_points_at_the_first_odd_group() {
        let e = parse(b"b7 010 00").unwrap_err();
        assert_eq!(
            e,
            vec![HexError {
                at: 3,
                message: "odd number of hex digits (7 in all): this group has 3; \
                          every byte needs two digits"
                    .into()
            }]
        );
    }

    #[test]
    fn bad_characters_are_all_reported_once_per_group() {
        let e = parse("b7 zz 0x q é".as_bytes()).unwrap_err();
        let at: Vec<usize> = e.iter().map(|e| e.at).collect();
        assert_eq!(at, vec![3, 6, 9, 11]);
        assert!(e[0].message.starts_with("`z` is not a hex digit"));
        assert_eq!(e[1].message, "`0x` without hex digits after it");
        assert!(e[3].message.starts_with("`é` is not a hex digit"));
    }

    #[test]
    fn errors_past_the_limit_are_counted() {
        let text = "zz ".repeat(MAX_KEPT + 500);
        let e = parse(text.as_bytes()).unwrap_err();
        assert_eq!(e.len(), MAX_KEPT + 1);
        assert_eq!(e[MAX_KEPT - 1].at, 3 * (MAX_KEPT - 1));
        let last = &e[MAX_KEPT];
        assert_eq!(last.at, 3 * MAX_KEPT);
        assert_eq!(
            last.message,
            "500 more errors from here on, not shown (only the first 1000 are kept)"
        );
    }

    #[test]
    fn slot_offsets_find_the_first_digit_of_each_slot() {
        let t = b"b7 0x0100 00\n2a 00 00 00 ,0x95000000 00000000\n00";
        assert_eq!(slot_offsets(t), [0, 28, 46]);
        assert_eq!(slot_offsets(b""), Vec::<usize>::new());
    }
}
