//! Reading a subcommand's input: a file, or standard input for `-` or no argument.

use std::io::{self, Read, Write};
use std::path::Path;

/// The whole input and the name diagnostics use for it.
pub struct Input {
    /// The path as given, or `<stdin>`.
    pub name: String,
    /// Every byte of it.
    pub bytes: Vec<u8>,
}

/// Reads `path` (`None` or `-`: standard input). On failure prints
/// `NAME: error: cannot read: REASON` on `err` and returns `None`.
pub fn read(path: Option<&Path>, err: &mut dyn Write) -> Option<Input> {
    let (name, result) = match path {
        None => read_stdin(),
        Some(p) if p.as_os_str() == "-" => read_stdin(),
        Some(p) => (p.to_string_lossy().into_owned(), read_file(p)),
    };
    match result {
        Ok(bytes) => Some(Input { name, bytes }),
        Err(e) => {
            let _ = writeln!(err, "{name}: error: cannot read: {e}");
            None
        }
    }
}

/// Files at least this large are read by two threads at once.
const PARALLEL_READ: u64 = 4 << 20;

/// Reads a whole file. A large one is read in two halves on two threads: on a VM nearly all
/// the cost of reading a page-cached file is faulting in the fresh buffer (about 2 us per
/// 4 KiB page), and two threads fault their halves at once. `vec![0; n]` takes untouched
/// zero pages from the system, so nothing is written twice.
fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;

    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let len = meta.len();
    if len < PARALLEL_READ || !meta.is_file() {
        drop(file);
        return std::fs::read(path);
    }
    let len = usize::try_from(len).map_err(io::Error::other)?;
    let mut bytes = vec![0u8; len];
    let (first, second) = bytes.split_at_mut(len / 2);
    let (file, half) = (&file, len / 2);
    let read = std::thread::scope(|s| {
        let other = s.spawn(move || file.read_exact_at(second, half as u64));
        let mine = file.read_exact_at(first, 0);
        mine.and(
            other
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("reader thread"))),
        )
    });
    // A file that changed size while being read: read it again the ordinary way.
    let mut probe = [0u8; 1];
    match read {
        Ok(()) if file.read_at(&mut probe, len as u64)? == 0 => Ok(bytes),
        _ => std::fs::read(path),
    }
}

fn read_stdin() -> (String, io::Result<Vec<u8>>) {
    let mut bytes = Vec::new();
    let result = io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes);
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
    fn large_files_read_in_two_halves_are_whole() {
        let dir = std::env::temp_dir().join(format!("bpfasm-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("big.s");
        let data: Vec<u8> = (0..PARALLEL_READ as usize + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &data).expect("write");
        let read = read_file(&path);
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert!(read.expect("read") == data);
        assert!(read_file(Path::new("/nonexistent/x.s")).is_err());
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
}
