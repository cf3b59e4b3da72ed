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

use crate::util::swar::count_line_breaks;

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

/// At most this many instructions (or slots) are reserved for before parsing a part
/// (about 170 MB of instructions).
pub(crate) const MAX_RESERVED_INSNS: usize = 1 << 22;

/// Inputs smaller than this are assembled on the calling thread only.
pub(crate) const MIN_PARALLEL_BYTES: usize = 1 << 20;
/// Each part is at least this large.
pub(crate) const MIN_PART_BYTES: usize = 512 << 10;
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
pub(crate) fn parts_for(source: &str, threads: usize) -> Option<usize> {
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

/// Parses `source` cut into up to `parts` parts, each on its own thread but the first.
pub(crate) fn parse_split<'a, P: Part<'a>>(
    file: &Arc<str>,
    source: &'a str,
    parts: usize,
) -> Option<P> {
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
