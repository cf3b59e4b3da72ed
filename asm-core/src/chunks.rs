//! Large inputs assembled in parts, one thread per part.
//!
//! Statements never span lines except inside a block comment or a string continued by a
//! backslash, so an input splits at any line break into parts that parse independently,
//! unless the break is inside one. Then the part before the cut ends in an unterminated comment or string,
//! which is an error, so the input is parsed in one piece: no need to look for `/*` first. Each part gets its own
//! [`Builder`], told how many lines precede it so positions stay those of the whole input;
//! the builders are then joined in order and finished as one. Whenever a part has an error,
//! or two parts define the same label, the caller assembles the input again in one piece,
//! so diagnostics are always exactly those of a sequential run.

use std::sync::Arc;
use std::thread;

use crate::asm::parse_part;
use crate::builder::Builder;
use crate::swar::count_line_breaks;

/// What a part of the input parses into, and how consecutive parts join.
pub(crate) trait Part<'a>: Sized + Send {
    /// Whether [`Part::parse`] needs the number of lines before its part.
    const NEEDS_LINES: bool = true;
    /// Parses `source`, which follows `lines` lines of the input; `None` on any error.
    fn parse(file: &Arc<str>, source: &'a str, lines: u32) -> Option<Self>;
    /// Moves `next`, the part right after this one, to its end; `None` when the two
    /// cannot be joined (both define a label).
    fn append(&mut self, next: Self) -> Option<()>;
}

impl<'a> Part<'a> for Builder<'a> {
    fn parse(file: &Arc<str>, source: &'a str, lines: u32) -> Option<Self> {
        let (builder, errors) = parse_part(file, source, lines);
        errors.is_empty().then_some(builder)
    }

    fn append(&mut self, next: Self) -> Option<()> {
        Builder::append(self, next).ok()
    }
}

/// Inputs smaller than this are assembled on the calling thread only.
pub(crate) const MIN_PARALLEL_BYTES: usize = 1 << 20;
/// Each part is at least this large.
const MIN_PART_BYTES: usize = 512 << 10;
/// At most this many parts.
const MAX_PARTS: usize = 8;

/// Where to cut `source` into `parts` pieces: the byte offsets where parts 2.. start, each
/// just after a line break. Fewer cuts when lines are long.
pub(crate) fn cut_points(source: &str, parts: usize) -> Vec<usize> {
    let b = source.as_bytes();
    let mut cuts = Vec::with_capacity(parts.saturating_sub(1));
    for k in 1..parts {
        let from = (b.len() * k / parts).max(cuts.last().copied().unwrap_or(0));
        match b[from..].iter().position(|&c| c == b'\n') {
            Some(n) if from + n + 1 < b.len() => cuts.push(from + n + 1),
            _ => break,
        }
    }
    cuts.dedup();
    cuts
}

/// How many parts to parse `source` in on at most `threads` threads (0: one per CPU), or
/// `None` when one piece is the right choice (a small input, or one thread).
fn parts_for(source: &str, threads: usize) -> Option<usize> {
    if source.len() < MIN_PARALLEL_BYTES || threads == 1 {
        return None;
    }
    let threads = match threads {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let parts = threads.min(MAX_PARTS).min(source.len() / MIN_PART_BYTES);
    (parts >= 2).then_some(parts)
}

/// Parses a large `source` on up to `threads` threads (0: one per CPU) into one part.
/// `None` when the input is better parsed in one piece, or when any part had an error
/// (the caller then reparses it in one piece, which reports every error in order).
pub(crate) fn parse_in_parts<'a, P: Part<'a>>(
    file: &Arc<str>,
    source: &'a str,
    threads: usize,
) -> Option<P> {
    parse_split(file, source, parts_for(source, threads)?)
}

/// Parses `source` cut into up to `parts` parts, each on its own thread but the first.
fn parse_split<'a, P: Part<'a>>(file: &Arc<str>, source: &'a str, parts: usize) -> Option<P> {
    let cuts = cut_points(source, parts);
    if cuts.is_empty() {
        return None;
    }
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push(0);
    bounds.extend_from_slice(&cuts);
    bounds.push(source.len());
    let mut results = thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .skip(1)
            .map(|w| {
                let (from, to) = (w[0], w[1]);
                s.spawn(move || {
                    let lines = match P::NEEDS_LINES {
                        true => count_line_breaks(&source.as_bytes()[..from]),
                        false => 0,
                    };
                    let lines = u32::try_from(lines).ok()?;
                    P::parse(file, &source[from..to], lines)
                })
            })
            .collect();
        let first = P::parse(file, &source[..bounds[1]], 0);
        let mut results = vec![first];
        // A part's thread never panics (the parser returns errors); if one did, assembling
        // in one piece reports the input's problem properly.
        results.extend(handles.into_iter().map(|h| h.join().ok().flatten()));
        results
    })
    .into_iter();
    let mut whole = results.next()??;
    for part in results {
        whole.append(part?)?;
    }
    Some(whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::SlotPart;

    /// Labels and references in every part, jumps across cuts in both directions.
    fn sample() -> String {
        let mut s = String::from("call sub\nr1 = sub ll\nr2 = map ll\n");
        for i in 0..3000 {
            s.push_str(&format!("l{i}: r0 = {i}\nif r0 > 7 goto l{}\n", 2999 - i));
            s.push_str("r3 = *(u32 *)(r10 - 4) // note\n*(u64 *)(r10 - 8) = 5\n");
        }
        s.push_str("exit\nsub:\nr0 = 1\nexit\n");
        s
    }

    #[test]
    fn parts_join_into_the_one_piece_result() {
        let file: Arc<str> = Arc::from("s.s");
        let src = sample();
        let (one, errors) = parse_part(&file, &src, 0);
        assert!(errors.is_empty());
        let (one, _) = one.finish().expect("assembles");
        for parts in [2, 3, 7] {
            assert!(cut_points(&src, parts).len() == parts - 1);
            let joined: Builder<'_> = parse_split(&file, &src, parts).expect("no errors");
            let (joined, _) = joined.finish().expect("assembles");
            assert_eq!(joined.insns(), one.insns(), "{parts} parts");
            assert_eq!(joined.labels(), one.labels());
            assert_eq!(joined.source_map(), one.source_map());
            let code = parse_split::<SlotPart<'_>>(&file, &src, parts)
                .and_then(SlotPart::finish)
                .expect("no errors");
            assert_eq!(code.to_raw(), one.to_raw());
            assert_eq!(code.pieces().count(), parts);
        }
    }

    #[test]
    fn a_part_with_an_error_or_a_label_of_another_part_gives_none() {
        let file: Arc<str> = Arc::from("s.s");
        let bad = format!("{}r1 = r11\n", sample());
        assert!(parse_split::<Builder<'_>>(&file, &bad, 3).is_none());
        let twice = format!("{}l5: exit\n", sample());
        assert!(parse_split::<Builder<'_>>(&file, &twice, 3).is_none());
        assert!(parse_split::<SlotPart<'_>>(&file, &twice, 3).is_none());
    }

    #[test]
    fn small_inputs_and_one_thread_stay_in_one_piece() {
        assert_eq!(parts_for(&sample(), 0), None);
        let big = "r0 = 1\n".repeat(MIN_PARALLEL_BYTES / 7 + 1);
        let cpus = thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(parts_for(&big, 0).is_some(), cpus > 1);
        assert_eq!(parts_for(&big, 1), None);
        assert_eq!(parts_for(&big, 2), Some(2));
        assert_eq!(parts_for(&big, 100), Some(big.len() / MIN_PART_BYTES));
    }

    #[test]
    fn a_cut_inside_a_block_comment_or_string_gives_none() {
        let file: Arc<str> = Arc::from("s.s");
        // Half the input is one comment, so the first cut falls inside it; the text in
        // it would parse, so only the unterminated comment can tell.
        let body = "r0 = 1\n".repeat(2000);
        let commented = format!("{body}/*\n{body}*/\n{body}");
        assert!(parse_split::<Builder<'_>>(&file, &commented, 3).is_none());
        assert!(parse_split::<SlotPart<'_>>(&file, &commented, 3).is_none());
        assert!(SlotPart::parse(&file, &commented, 0).is_some());
        // A string continued on the next line by a backslash, cut at that line break.
        let quoted = format!("{body}.file \"{}\\\nb\"\n{body}", "a".repeat(30_000));
        let cut = cut_points(&quoted, 2);
        assert_eq!(quoted.as_bytes()[cut[0] - 2], b'\\');
        assert!(SlotPart::parse(&file, &quoted, 0).is_some());
        assert!(parse_split::<SlotPart<'_>>(&file, &quoted, 2).is_none());
    }

    #[test]
    fn cuts_fall_just_after_line_breaks() {
        let text = "r0 = 1\n".repeat(1000);
        let cuts = cut_points(&text, 4);
        assert_eq!(cuts.len(), 3);
        for &c in &cuts {
            assert_eq!(text.as_bytes()[c - 1], b'\n');
        }
        assert!(cuts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn no_cut_without_a_later_line_break() {
        assert!(cut_points("r0 = 1", 2).is_empty());
        assert!(cut_points("r0 = 1\n", 2).is_empty());
        // One long line followed by short ones: every cut lands after the long line.
        let text = format!("{}\nexit\n", "r0 = 1;".repeat(100));
        assert_eq!(cut_points(&text, 4), vec![text.len() - 5]);
    }
}
