//! Verifier log fuzz target: whatever bytes the kernel's log buffer holds, the loader's
//! readers of it (`VerifierError`, its instruction index and message, the statistics line,
//! the summary lines) never panic, and what they report comes from the log.
#![no_main]

use ebpf_asm_core::SourceMap;
use ebpf_loader::verifier_log::{last_insn_index, log_text, parse_stats, summary_lines};
use ebpf_loader::VerifierError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|buf: &[u8]| {
    let log = log_text(buf);
    assert!(!log.contains('\0'), "the text ends at the first NUL");
    if let Some(i) = last_insn_index(&log) {
        assert!(log.contains(&i.to_string()), "index {i} is not in the log");
    }
    if let Some(stats) = parse_stats(&log) {
        assert!(log.lines().any(|l| l.trim() == stats.line));
    }
    for n in [0, 1, 5] {
        let lines = summary_lines(&log, n);
        assert!(lines.len() <= n);
        for l in lines {
            assert!(log.contains(l));
        }
    }
    let error = VerifierError::new(
        "fuzz",
        std::io::Error::from_raw_os_error(13),
        buf,
        &SourceMap::new(),
        false,
    );
    let _ = error.to_string();
    let _ = format!("{error:#}");
});
