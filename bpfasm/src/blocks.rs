//! Large outputs formatted on one thread and written on another.
//!
//! Writing 17 MB of hex to a file takes the `write` system calls about 7 ms (the kernel
//! copies it into the page cache) and formatting it about 5 ms; done one after the other
//! they add up, so for large outputs a second thread fills the next block while the
//! calling thread writes the last one. The blocks are reused, so no fresh memory is
//! faulted in after the first few.

use std::io::{self, Write};
use std::sync::mpsc;
use std::thread;

/// Bytes per block: large enough that each `write` call moves a lot at once.
pub const BLOCK: usize = 256 << 10;
/// Blocks filled and waiting to be written, at most.
const IN_FLIGHT: usize = 2;

/// Calls `fill` with one block after another until it returns 0, and writes what it put at
/// the start of each block to `out`. With `parallel`, `fill` runs on a second thread.
/// A write error stops the filling and is returned.
pub fn write_blocks(
    out: &mut dyn Write,
    parallel: bool,
    mut fill: impl FnMut(&mut [u8]) -> usize + Send,
) -> io::Result<()> {
    if !parallel {
        let mut block = vec![0u8; BLOCK];
        loop {
            match fill(&mut block) {
                0 => return Ok(()),
                n => out.write_all(&block[..n])?,
            }
        }
    }
    let (full_tx, full_rx) = mpsc::sync_channel::<(Box<[u8]>, usize)>(IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::channel::<Box<[u8]>>();
    thread::scope(|s| {
        s.spawn(move || {
            // Blocks come back once written; new ones only until the first comes back.
            let mut made = 0;
            loop {
                let mut block = match empty_rx.try_recv() {
                    Ok(b) => b,
                    Err(_) if made <= IN_FLIGHT => {
                        made += 1;
                        vec![0u8; BLOCK].into_boxed_slice()
                    }
                    // The writer has stopped when the channel is closed.
                    Err(_) => match empty_rx.recv() {
                        Ok(b) => b,
                        Err(_) => return,
                    },
                };
                let n = fill(&mut block);
                if n == 0 || full_tx.send((block, n)).is_err() {
                    return;
                }
            }
        });
        let mut result = Ok(());
        for (block, n) in full_rx.iter() {
            result = out.write_all(&block[..n]);
            if result.is_err() {
                break;
            }
            // The filler may have finished already: then nobody needs the block.
            let _ = empty_tx.send(block);
        }
        // Closing both channels ends a filler still waiting on either.
        drop((full_rx, empty_tx));
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines `0\n`, `1\n`, ... up to `n`, a block at a time, never splitting a line.
    fn numbers(n: usize) -> impl FnMut(&mut [u8]) -> usize + Send {
        let mut next = 0;
        move |block: &mut [u8]| {
            let mut at = 0;
            while next < n {
                let line = format!("{next}\n");
                if at + line.len() > block.len() {
                    break;
                }
                block[at..at + line.len()].copy_from_slice(line.as_bytes());
                at += line.len();
                next += 1;
            }
            at
        }
    }

    #[test]
    fn both_ways_write_everything_in_order() {
        let n = 200_000; // about 1.3 MB: several blocks
        let want: String = (0..n).map(|i| format!("{i}\n")).collect();
        for parallel in [false, true] {
            let mut out = Vec::new();
            write_blocks(&mut out, parallel, numbers(n)).expect("writes");
            assert!(out == want.as_bytes(), "parallel: {parallel}");
        }
        let mut out = Vec::new();
        write_blocks(&mut out, true, numbers(0)).expect("writes");
        assert!(out.is_empty());
    }

    /// Accepts `left` bytes, then fails.
    struct Failing {
        left: usize,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.left == 0 {
                return Err(io::Error::other("disk full"));
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_stops_the_filler_and_is_returned() {
        for parallel in [false, true] {
            let mut out = Failing { left: BLOCK + 10 };
            let e = write_blocks(&mut out, parallel, numbers(10_000_000)).expect_err("fails");
            assert_eq!(e.to_string(), "disk full");
        }
    }
}
