//! Reading a subcommand's input: a file, or standard input for `-` or no argument.

use std::io::{self, Read, Write};
use std::path::Path;

use ebpf_loader::FileContents;

/// The whole input and the name diagnostics use for it.
pub struct Input {
    /// The path as given, or `<stdin>`.
    pub name: String,
    /// Every byte of it: a file of 1 MiB or more is mapped rather than read when that is
    /// safe (see [`FileContents`]).
    pub bytes: FileContents,
}

/// Reads `path` (`None` or `-`: standard input). On failure prints
/// `NAME: error: cannot read: REASON` on `err` and returns `None`.
pub fn read(path: Option<&Path>, err: &mut dyn Write) -> Option<Input> {
    let (name, result) = match path {
        None => read_stdin(),
        Some(p) if p.as_os_str() == "-" => read_stdin(),
        Some(p) => (p.to_string_lossy().into_owned(), FileContents::open(p)),
    };
    match result {
        Ok(bytes) => Some(Input { name, bytes }),
        Err(e) => {
            let _ = writeln!(err, "{name}: error: cannot read: {e}");
            None
        }
    }
}

/// Standard input is always read, never leased: it may be a pipe, be positioned past its
/// start, or be a file that our parent has open for writing too.
fn read_stdin() -> (String, io::Result<FileContents>) {
    let mut bytes = Vec::new();
    let result = io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map(|_| FileContents::from(bytes));
    ("<stdin>".to_owned(), result)
}

/// 1-based line and column (in characters) of byte `at` of `text`.
pub fn line_col(text: &[u8], at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xc0 != 0x80)
        .count();
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let t = "ab\ncé d\n".as_bytes();
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 2), (1, 3));
        assert_eq!(line_col(t, 3), (2, 1));
        // 'd' is byte 7 (é is two bytes) but character 4 of its line.
        assert_eq!(line_col(t, 7), (2, 4));
        assert_eq!(line_col(t, 100), (3, 1));
    }
}
