//! The examples' once-a-second report loop.

use std::time::{Duration, Instant};

/// Calls `tick(n)` at n = 1, 2, ... seconds after the start, for `seconds` seconds (0: until
/// interrupted). Ticks keep to the start time, so slow ticks do not make them drift.
pub fn every_second<E>(seconds: u64, mut tick: impl FnMut(u64) -> Result<(), E>) -> Result<(), E> {
    let start = Instant::now();
    let mut n = 0u64;
    while seconds == 0 || n < seconds {
        n += 1;
        let due = Duration::from_secs(n);
        std::thread::sleep(due.saturating_sub(start.elapsed()));
        tick(n)?;
    }
    Ok(())
}
