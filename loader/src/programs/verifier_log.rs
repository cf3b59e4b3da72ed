//! Verifier log capture: the retry POLICY as pure functions (unit-tested without a
//! kernel), log parsing, [`VerifierError`] and [`BtfLoadError`] (the same for BTF).
//!
//! The mechanism that follows the policy is `ProgramSpec::load` ([`crate::ProgramSpec`]).

use std::fmt;
use std::io;

use ebpf_asm_core::SourceMap;

use crate::errno::{errno_name, hint};
use crate::names::text_until_nul;
use crate::sys::Cmd;

/// The kernel's largest accepted log buffer (`UINT32_MAX >> 2`).
pub const KERNEL_MAX_LOG_SIZE: u32 = u32::MAX >> 2;

/// How many meaningful log lines the short [`VerifierError`] summary shows.
const SUMMARY_LINES: usize = 3;

/// One load attempt's log settings: `size == 0` means no log buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogAttempt {
    /// `log_level` (0 = off, 1 = errors, 2 = every instruction, 4 = statistics).
    pub level: u32,
    /// Buffer size in bytes.
    pub size: u32,
}

/// When and how to (re)try a program load to capture the verifier log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogPolicy {
    /// Buffer size of the first attempt that has a log.
    pub first_size: u32,
    /// Largest buffer we grow to by doubling; `log_true_size` may exceed it, up to
    /// [`KERNEL_MAX_LOG_SIZE`].
    pub max_size: u32,
    /// Total attempts allowed, including the first.
    pub max_attempts: u32,
}

impl Default for LogPolicy {
    fn default() -> Self {
        LogPolicy {
            first_size: 64 * 1024,
            max_size: 16 * 1024 * 1024,
            max_attempts: 6,
        }
    }
}

impl LogPolicy {
    /// Settings of the first attempt. No log unless the user asked for one (`level > 0`),
    /// so a successful load pays nothing. `size` 0 means "the policy's first size".
    pub fn first(&self, level: u32, size: u32) -> LogAttempt {
        if level == 0 {
            LogAttempt { level: 0, size: 0 }
        } else {
            let size = if size == 0 { self.first_size } else { size };
            LogAttempt {
                level,
                size: size.min(KERNEL_MAX_LOG_SIZE),
            }
        }
    }

    /// Settings of the next attempt after `prev` failed with `errno`, or `None` to give
    /// up. `attempts` counts the attempts made so far; `true_size` is the kernel's
    /// `log_true_size` (0 when it did not report one).
    pub fn next(
        &self,
        prev: LogAttempt,
        attempts: u32,
        errno: i32,
        true_size: u32,
    ) -> Option<LogAttempt> {
        if attempts >= self.max_attempts {
            return None;
        }
        if prev.size == 0 {
            // Retry with a log unless the kernel refused before verifying anything.
            if errno == libc::EPERM {
                return None;
            }
            let level = if prev.level == 0 { 1 } else { prev.level };
            return Some(LogAttempt {
                level,
                size: self.first_size.min(KERNEL_MAX_LOG_SIZE),
            });
        }
        if errno != libc::ENOSPC {
            return None;
        }
        let cap = if true_size > self.max_size {
            true_size
        } else {
            self.max_size
        };
        let cap = cap.min(KERNEL_MAX_LOG_SIZE);
        let wanted = if true_size > prev.size {
            true_size
        } else {
            prev.size.saturating_mul(2)
        };
        let size = wanted.min(cap);
        (size > prev.size).then_some(LogAttempt {
            level: prev.level.max(1),
            size,
        })
    }
}

/// Converts a kernel log buffer to text: up to the first NUL, invalid UTF-8 replaced.
pub fn log_text(buf: &[u8]) -> String {
    text_until_nul(buf)
}

fn is_stats_line(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("processed ") && l.contains(" insns")
        || l.starts_with("verification time ")
        || l.starts_with("stack depth ")
}

/// The last `n` meaningful lines of a log: blank lines and statistics lines skipped.
pub fn summary_lines(log: &str, n: usize) -> Vec<&str> {
    let mut lines: Vec<&str> = log
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty() && !is_stats_line(l))
        .take(n)
        .collect();
    lines.reverse();
    lines
}

/// The index (in 8-byte slots) of the last instruction the log mentions: lines look like
/// `12: (85) call bpf_map_lookup_elem#1` or `12: R0=...`; structural errors say
/// `unreachable insn 10` or `jump out of range from insn 4 to 11`.
pub fn last_insn_index(log: &str) -> Option<usize> {
    log.lines()
        .rev()
        .filter(|l| !is_stats_line(l))
        .find_map(|line| {
            if let Some((head, _)) = line.trim_start().split_once(':') {
                if !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit()) {
                    return head.parse().ok();
                }
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let at = words.iter().position(|w| *w == "insn")?;
            words
                .get(at + 1)?
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()
        })
}

/// The verifier's statistics from a successful load with a log.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VerifierStats {
    /// Instructions processed.
    pub insns_processed: u64,
    /// The kernel's processing limit.
    pub insn_limit: u64,
    /// `max_states_per_insn`.
    pub max_states_per_insn: u64,
    /// `total_states`.
    pub total_states: u64,
    /// `peak_states`.
    pub peak_states: u64,
    /// `mark_read`.
    pub mark_read: u64,
    /// The statistics line as the kernel printed it.
    pub line: String,
}

/// Parses the `processed N insns (limit L) max_states_per_insn ...` line.
pub fn parse_stats(log: &str) -> Option<VerifierStats> {
    let line = log
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("processed "))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let after = |key: &str| -> u64 {
        words
            .iter()
            .position(|w| *w == key)
            .and_then(|i| words.get(i + 1))
            .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
            .and_then(|w| w.parse().ok())
            .unwrap_or(0)
    };
    Some(VerifierStats {
        insns_processed: after("processed"),
        insn_limit: after("(limit"),
        max_states_per_insn: after("max_states_per_insn"),
        total_states: after("total_states"),
        peak_states: after("peak_states"),
        mark_read: after("mark_read"),
        line: line.trim().to_string(),
    })
}

/// A failed `BPF_PROG_LOAD` with the verifier's log.
///
/// `Display` gives the operation, errno name and number, a hint, the last meaningful log
/// lines and the source location of the failing instruction when a source map was
/// given; `{:#}` appends the whole log; `source()` is the `io::Error`.
#[derive(Debug)]
pub struct VerifierError {
    program: String,
    source: io::Error,
    log: String,
    insn: Option<usize>,
    location: Option<String>,
    truncated: bool,
}

impl VerifierError {
    /// Builds the error from the kernel's answer. `source_map.get(i)` is the source
    /// location of instruction slot `i`. `truncated` says the log buffer hit its size limit.
    pub fn new(
        program: impl Into<String>,
        source: io::Error,
        log: &[u8],
        source_map: &SourceMap,
        truncated: bool,
    ) -> Self {
        let log = log_text(log);
        let insn = last_insn_index(&log);
        let location = insn.and_then(|i| source_map.get(i)).map(|l| l.to_string());
        VerifierError {
            program: program.into(),
            source,
            log,
            insn,
            location,
            truncated,
        }
    }

    /// The program's name.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The whole verifier log (possibly empty).
    pub fn log(&self) -> &str {
        &self.log
    }

    /// The raw errno.
    pub fn errno(&self) -> Option<i32> {
        self.source.raw_os_error()
    }

    /// The slot index of the instruction the verifier stopped at, parsed from the log.
    pub fn insn_index(&self) -> Option<usize> {
        self.insn
    }

    /// The source location of that instruction, when a source map was given.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// Whether the log was cut short by the size cap.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Display for VerifierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errno = self.errno().unwrap_or(0);
        write!(
            f,
            "{} of program `{}` failed: {} (errno {errno}): {}",
            Cmd::ProgLoad,
            self.program,
            errno_name(errno),
            hint(Cmd::ProgLoad, errno)
        )?;
        if f.alternate() {
            if !self.log.is_empty() {
                write!(f, "\nverifier log:\n{}", self.log.trim_end())?;
            }
        } else {
            for line in summary_lines(&self.log, SUMMARY_LINES) {
                write!(f, "\n  | {line}")?;
            }
        }
        match (&self.location, self.insn) {
            (Some(loc), Some(i)) => write!(f, "\n  --> {loc} (instruction {i})")?,
            (None, Some(i)) => write!(f, "\n  at instruction {i}")?,
            _ => {}
        }
        if self.truncated {
            write!(f, "\n  (the log was truncated at its size limit)")?;
        }
        Ok(())
    }
}

impl std::error::Error for VerifierError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A failed `BPF_BTF_LOAD` with the kernel's BTF log: `Display` shows its last lines,
/// `{:#}` the whole log, `source()` the `io::Error`.
#[derive(Debug)]
pub struct BtfLoadError {
    source: io::Error,
    log: String,
}

impl BtfLoadError {
    /// Builds the error from the kernel's answer and its log buffer.
    pub(crate) fn new(source: io::Error, log: &[u8]) -> Self {
        BtfLoadError {
            source,
            log: log_text(log),
        }
    }
}

impl BtfLoadError {
    /// The kernel's BTF log (possibly empty).
    pub fn log(&self) -> &str {
        &self.log
    }

    /// The raw errno.
    pub fn errno(&self) -> Option<i32> {
        self.source.raw_os_error()
    }
}

impl fmt::Display for BtfLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errno = self.errno().unwrap_or(0);
        write!(
            f,
            "{} failed: {} (errno {errno}): {}",
            Cmd::BtfLoad,
            errno_name(errno),
            hint(Cmd::BtfLoad, errno)
        )?;
        if f.alternate() {
            if !self.log.is_empty() {
                write!(f, "\nBTF log:\n{}", self.log.trim_end())?;
            }
        } else {
            for line in summary_lines(&self.log, SUMMARY_LINES) {
                write!(f, "\n  | {line}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for BtfLoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: LogPolicy = LogPolicy {
        first_size: 4096,
        max_size: 65536,
        max_attempts: 5,
    };
    const NONE: LogAttempt = LogAttempt { level: 0, size: 0 };

    #[test]
    fn first_attempt_has_no_log_unless_asked() {
        assert_eq!(P.first(0, 0), NONE);
        assert_eq!(P.first(0, 999), NONE);
        assert_eq!(
            P.first(2, 0),
            LogAttempt {
                level: 2,
                size: 4096
            }
        );
        assert_eq!(P.first(1, 16), LogAttempt { level: 1, size: 16 });
    }

    #[test]
    fn failure_without_log_retries_with_level_1() {
        let n = P.next(NONE, 1, libc::EACCES, 0);
        assert_eq!(
            n,
            Some(LogAttempt {
                level: 1,
                size: 4096
            })
        );
        assert_eq!(
            P.next(NONE, 1, libc::EINVAL, 0),
            Some(LogAttempt {
                level: 1,
                size: 4096
            })
        );
        assert_eq!(P.next(NONE, 1, libc::EPERM, 0), None);
    }

    #[test]
    fn enospc_grows_to_true_size_else_doubles() {
        let a = LogAttempt {
            level: 1,
            size: 4096,
        };
        assert_eq!(
            P.next(a, 2, libc::ENOSPC, 10_000),
            Some(LogAttempt {
                level: 1,
                size: 10_000
            })
        );
        assert_eq!(
            P.next(a, 2, libc::ENOSPC, 0),
            Some(LogAttempt {
                level: 1,
                size: 8192
            })
        );
        // A true size not bigger than what we had (old kernels): double.
        assert_eq!(
            P.next(a, 2, libc::ENOSPC, 4096),
            Some(LogAttempt {
                level: 1,
                size: 8192
            })
        );
    }

    #[test]
    fn growth_is_capped() {
        let a = LogAttempt {
            level: 2,
            size: 40_000,
        };
        assert_eq!(
            P.next(a, 2, libc::ENOSPC, 0),
            Some(LogAttempt {
                level: 2,
                size: 65536
            })
        );
        let at_cap = LogAttempt {
            level: 2,
            size: 65536,
        };
        assert_eq!(P.next(at_cap, 3, libc::ENOSPC, 0), None);
        // The kernel's true size may exceed our cap, but never the kernel's maximum.
        assert_eq!(
            P.next(at_cap, 3, libc::ENOSPC, 1 << 20),
            Some(LogAttempt {
                level: 2,
                size: 1 << 20
            })
        );
        let huge = LogAttempt {
            level: 1,
            size: KERNEL_MAX_LOG_SIZE,
        };
        assert_eq!(P.next(huge, 3, libc::ENOSPC, u32::MAX), None);
    }

    #[test]
    fn attempts_are_bounded_and_other_errors_stop() {
        let a = LogAttempt {
            level: 1,
            size: 4096,
        };
        assert_eq!(P.next(a, 5, libc::ENOSPC, 10_000), None);
        assert_eq!(P.next(a, 2, libc::EACCES, 0), None);
        assert_eq!(P.next(NONE, 5, libc::EACCES, 0), None);
    }

    const LOG: &str = "func#0 @0\n0: R1=ctx() R10=fp0\n0: (b7) r1 = 1                        ; R1_w=1\n1: (b7) r2 = 2                        ; R2_w=2\n2: (95) exit\nR0 !read_ok\n\nprocessed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

    #[test]
    fn parses_the_last_instruction_and_summary() {
        assert_eq!(last_insn_index(LOG), Some(2));
        assert_eq!(last_insn_index("from 3 to 5: R0=1\nfoo"), None);
        assert_eq!(
            last_insn_index("12: R0=scalar()\nR1 invalid mem access"),
            Some(12)
        );
        assert_eq!(
            last_insn_index("unreachable insn 10\nprocessed 0 insns (limit 1)"),
            Some(10)
        );
        assert_eq!(
            last_insn_index("jump out of range from insn 4 to 11"),
            Some(4)
        );
        assert_eq!(summary_lines(LOG, 2), vec!["2: (95) exit", "R0 !read_ok"]);
    }

    #[test]
    fn parses_stats() {
        let s = parse_stats(LOG).unwrap_or_default();
        assert_eq!(s.insns_processed, 3);
        assert_eq!(s.insn_limit, 1_000_000);
        assert!(s.line.starts_with("processed 3 insns"));
        assert_eq!(parse_stats("nothing"), None);
    }

    #[test]
    fn display_short_long_and_location() {
        let mut map = SourceMap::new();
        let file = map.file_id(&"a.rs".into());
        for (line, column) in [(1, 1), (2, 1), (3, 5)] {
            map.push_at(file, line, column);
        }
        let e = VerifierError::new(
            "t",
            io::Error::from_raw_os_error(libc::EACCES),
            LOG.as_bytes(),
            &map,
            false,
        );
        let short = e.to_string();
        assert!(short.contains("EACCES (errno 13)"), "{short}");
        assert!(short.contains("R0 !read_ok"), "{short}");
        assert!(short.contains("--> a.rs:3:5 (instruction 2)"), "{short}");
        assert!(!short.contains("processed"), "{short}");
        assert!(!short.contains("func#0"), "{short}");
        let long = format!("{e:#}");
        assert!(
            long.contains("func#0") && long.contains("processed 3 insns"),
            "{long}"
        );
        let src = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<io::Error>());
        assert_eq!(src.and_then(|s| s.raw_os_error()), Some(libc::EACCES));
    }

    #[test]
    fn log_bytes_are_lossy_and_stop_at_nul() {
        assert_eq!(log_text(b"ab\xffc\0garbage"), "ab\u{fffd}c");
        assert_eq!(log_text(b""), "");
    }
}
