//! Reading a subcommand's input: a file, or standard input for `-` or no argument; and
//! checking that it is assembly text.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Regular files at least this large are read by two threads at once (see [`read_file`]).
const PARALLEL_READ: u64 = 4 << 20;

/// The first bytes of every ELF file.
const ELF_MAGIC: &[u8] = b"\x7fELF";

/// The whole input and the name diagnostics use for it.
pub struct Input {
    /// The path as given, or `<stdin>`.
    pub name: String,
    /// Every byte of it, read into memory.
    pub bytes: Vec<u8>,
}

impl Input {
    /// Whether the input is an ELF object (starts with the ELF magic).
    pub fn is_elf(&self) -> bool {
        self.bytes.starts_with(ELF_MAGIC)
    }

    /// The input as assembly text. An ELF object or bytes that are not UTF-8 are reported
    /// on `err` as `NAME[:LINE:COL]: error: ...`, and give `None`.
    pub fn text(&self, err: &mut dyn Write) -> Option<&str> {
        if self.is_elf() {
            let _ = writeln!(
                err,
                "{}: error: this is an ELF object file, which is not supported yet: \
                 give LLVM-syntax assembly text",
                self.name
            );
            return None;
        }
        match std::str::from_utf8(&self.bytes) {
            Ok(t) => Some(t),
            Err(e) => {
                let (line, col) = line_col(&self.bytes, e.valid_up_to());
                let _ = writeln!(
                    err,
                    "{}:{line}:{col}: error: the input is not valid UTF-8",
                    self.name
                );
                None
            }
        }
    }
}

/// Reads `path` (`None` or `-`: standard input). On failure prints
/// `NAME: error: cannot read: REASON` on `err` and returns `None`.
pub fn read(path: Option<&Path>, err: &mut dyn Write) -> Option<Input> {
    match path {
        None => read_stdin(err),
        Some(p) if p.as_os_str() == "-" => read_stdin(err),
        Some(p) => read_path(p, err),
    }
}

/// Reads the file at `path` (`-` is a file name here). On failure prints
/// `NAME: error: cannot read: REASON` on `err` and returns `None`.
pub fn read_path(path: &Path, err: &mut dyn Write) -> Option<Input> {
    let name = path.to_string_lossy().into_owned();
    reported(name, read_file(path), err)
}

fn read_stdin(err: &mut dyn Write) -> Option<Input> {
    let mut bytes = Vec::new();
    let result = io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes);
    reported("<stdin>".to_owned(), result, err)
}

/// The one spelling of an unreadable input.
fn reported(name: String, result: io::Result<Vec<u8>>, err: &mut dyn Write) -> Option<Input> {
    match result {
        Ok(bytes) => Some(Input { name, bytes }),
        Err(e) => {
            let _ = writeln!(err, "{name}: error: cannot read: {e}");
            None
        }
    }
}

/// Reads all of the file at `path` into a buffer allocated once, at the file's size.
///
/// Nearly all the cost of reading a page-cached file is faulting in the fresh buffer (about
/// 2 us per 4 KiB page on a VM), so a large regular file is read in two halves by two
/// threads, which fault their halves at once. `vec![0; n]` takes untouched zero pages from
/// the system, so nothing is written twice. A file that changes size meanwhile is read
/// again the ordinary way: the result is always bytes the file held, never a mapping that
/// could change under the caller.
pub fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() < PARALLEL_READ {
        // Sized from the metadata once; grows only if the file does.
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let len = usize::try_from(meta.len()).map_err(io::Error::other)?;
    let mut bytes = vec![0u8; len];
    let half = len / 2;
    let (first, second) = bytes.split_at_mut(half);
    let read = std::thread::scope(|s| {
        let f = &file;
        let other = s.spawn(move || f.read_exact_at(second, half as u64));
        let mine = file.read_exact_at(first, 0);
        let theirs = other
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("reader thread panicked")));
        mine.and(theirs)
    });
    // Positioned reads leave the file offset at 0, so a fallback reads from the start.
    let mut probe = [0u8; 1];
    match read {
        Ok(()) if file.read_at(&mut probe, len as u64)? == 0 => Ok(bytes),
        _ => {
            drop(bytes);
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)?;
            Ok(bytes)
        }
    }
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

/// Lines and columns of increasing byte offsets of one text, in one pass over it: each
/// query walks only from the previous offset ([`line_col`] walks from the start, which
/// made a million errors quadratic).
pub struct Positions<'a> {
    text: &'a [u8],
    /// The byte the walk has reached, and its line and column.
    at: usize,
    line: usize,
    column: usize,
    /// Bytes walked in all (to check that the walk is one pass).
    walked: usize,
}

impl<'a> Positions<'a> {
    /// A walk from the start of `text`.
    pub fn new(text: &'a [u8]) -> Positions<'a> {
        Positions {
            text,
            at: 0,
            line: 1,
            column: 1,
            walked: 0,
        }
    }

    /// 1-based line and column (in characters) of byte `at`, as [`line_col`] gives them.
    /// An offset before the previous one starts the walk again.
    pub fn of(&mut self, at: usize) -> (usize, usize) {
        let at = at.min(self.text.len());
        if at < self.at {
            let walked = self.walked;
            *self = Positions::new(self.text);
            self.walked = walked;
        }
        for &b in &self.text[self.at..at] {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xc0 != 0x80 {
                self.column += 1;
            }
        }
        self.walked += at - self.at;
        self.at = at;
        (self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn positions_agree_with_line_col_in_one_pass() {
        let text = "ab\ncé d\n\nzz zz zz\né\n".repeat(50);
        let t = text.as_bytes();
        let mut p = Positions::new(t);
        for at in (0..=t.len() + 3).step_by(1) {
            assert_eq!(p.of(at), line_col(t, at), "byte {at}");
        }
        assert_eq!(p.walked, t.len());
        assert_eq!(p.of(2), (1, 3));
    }

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

    /// A file of `len` patterned bytes (no period that divides a page) in the temp dir.
    fn patterned(tag: &str, len: usize) -> (PathBuf, Vec<u8>) {
        let path = std::env::temp_dir().join(format!("bpfasm-input-{tag}-{}", std::process::id()));
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).expect("test file written");
        (path, data)
    }

    #[test]
    fn small_and_large_files_read_whole() {
        let large = PARALLEL_READ as usize + 4097;
        for (tag, len) in [("empty", 0), ("small", 5000), ("large", large)] {
            let (path, data) = patterned(tag, len);
            let read = read_file(&path);
            let _ = std::fs::remove_file(&path);
            assert!(read.expect("read") == data, "{tag}");
        }
    }

    #[test]
    fn non_regular_files_are_read_and_missing_ones_are_errors() {
        assert!(read_file(Path::new("/dev/null"))
            .expect("/dev/null")
            .is_empty());
        let status = read_file(Path::new("/proc/self/status")).expect("status");
        assert!(status.starts_with(b"Name:"));
        let e = read_file(Path::new("/nonexistent/x.s")).expect_err("missing");
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn elf_objects_and_bad_utf8_are_not_text() {
        let input = |bytes: &[u8]| Input {
            name: "x".to_owned(),
            bytes: bytes.to_vec(),
        };
        let mut err = Vec::new();
        assert_eq!(input(b"exit\n").text(&mut err), Some("exit\n"));
        assert!(input(b"\x7fELF\x02\x01\x01\0").text(&mut err).is_none());
        assert!(input(b"r0 = 0\n\xff").text(&mut err).is_none());
        assert_eq!(
            String::from_utf8(err).expect("UTF-8"),
            "x: error: this is an ELF object file, which is not supported yet: give \
             LLVM-syntax assembly text\nx:2:1: error: the input is not valid UTF-8\n"
        );
    }
}
