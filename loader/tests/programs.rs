//! Program loading against the real kernel: success, verifier rejections with source
//! locations, log growth on ENOSPC, name and length validation, introspection.

mod common;

use ebpf_asm::{RawInsn, SourceMap};
use ebpf_loader::flags::{BPF_LOG_LEVEL2, BPF_LOG_STATS};
use ebpf_loader::{
    ids, Error, LoadedProgram, LogPolicy, ObjKind, ProgramSpec, ProgramType, VerifierError,
};

/// r0 = 0
/// exit
const RETURN_0: [RawInsn; 2] = [
    RawInsn::from_bytes([0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// r1 = 1
/// r2 = 2
/// exit          ; R0 was never set: "R0 !read_ok" at instruction 2
const EXIT_WITHOUT_R0: [RawInsn; 3] = [
    RawInsn::from_bytes([0xb7, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0xb7, 0x02, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// r1 = 0 ll     ; two slots
/// exit          ; slot 2: "R0 !read_ok"
const LDDW_THEN_EXIT: [RawInsn; 3] = [
    RawInsn::from_bytes([0x18, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// A source map of `file` with one `(line, column)` or unknown location per slot.
fn locations(file: &str, slots: &[Option<(u32, u32)>]) -> SourceMap {
    let mut map = SourceMap::new();
    let id = map.file_id(&file.into());
    for slot in slots {
        let (line, column) = slot.unwrap_or((0, 0));
        map.push_at(id, line, column);
    }
    map
}

/// Slot `i` written at `prog.rs:{10 + i}:9`.
fn source_map(n: u32) -> SourceMap {
    let slots: Vec<_> = (0..n).map(|i| Some((10 + i, 9))).collect();
    locations("prog.rs", &slots)
}

fn verifier_error(e: Error) -> Box<VerifierError> {
    match e {
        Error::Verifier(v) => v,
        other => panic!("expected a verifier error, got {other}"),
    }
}

#[test]
fn loads_and_introspects() {
    require_root!();
    let p = ProgramSpec::new("ok_prog", ProgramType::SocketFilter, RETURN_0)
        .load()
        .expect("load");
    assert_eq!(
        p.load_attempts(),
        1,
        "the success path has no log and no retry"
    );
    assert!(p.verifier_log().is_none());
    let info = p.info().expect("info");
    assert_eq!(info.name, "ok_prog");
    assert_eq!(info.prog_type, Some(ProgramType::SocketFilter));
    assert_eq!(info.tag_hex().len(), 16);
    assert!(info.gpl_compatible);
    let xlated = p.xlated_insns().expect("xlated");
    assert_eq!(xlated.len() % 8, 0);
    assert!(!xlated.is_empty());
    assert_eq!(xlated[xlated.len() - 8], 0x95, "ends with exit");
    let all: Vec<u32> = ids(ObjKind::Program)
        .collect::<Result<_, _>>()
        .expect("ids");
    assert!(all.contains(&info.id));
    let again = LoadedProgram::from_id(info.id).expect("from id");
    assert_eq!(again.name(), "ok_prog");
    assert_eq!(again.prog_type(), ProgramType::SocketFilter);
}

#[test]
fn rejection_names_the_source_line() {
    require_root!();
    let e = ProgramSpec::new("bad_r0", ProgramType::SocketFilter, EXIT_WITHOUT_R0)
        .source_map(source_map(3))
        .load()
        .expect_err("R0 not set");
    assert_eq!(e.errno(), Some(libc::EACCES));
    let short = e.to_string();
    assert!(
        short.contains("BPF_PROG_LOAD of program `bad_r0` failed: EACCES (errno 13)"),
        "{short}"
    );
    assert!(short.contains("R0 !read_ok"), "{short}");
    assert!(
        short.contains("--> prog.rs:12:9 (instruction 2)"),
        "{short}"
    );
    assert!(
        !short.contains("prog.rs:10:9") && !short.contains("processed"),
        "{short}"
    );
    let long = format!("{e:#}");
    assert!(
        long.contains("processed") && long.contains("R0 !read_ok"),
        "{long}"
    );
    let src = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<std::io::Error>());
    assert_eq!(src.and_then(|s| s.raw_os_error()), Some(libc::EACCES));
    let v = verifier_error(e);
    assert_eq!(v.insn_index(), Some(2));
    assert_eq!(v.location(), Some("prog.rs:12:9"));
    assert!(!v.truncated());
}

#[test]
fn insn_index_counts_slots() {
    require_root!();
    let map = locations("a.rs", &[Some((1, 1)), None, Some((2, 1))]);
    let e = ProgramSpec::new("lddw", ProgramType::SocketFilter, LDDW_THEN_EXIT)
        .source_map(map)
        .load()
        .expect_err("R0 not set");
    let v = verifier_error(e);
    assert_eq!(v.insn_index(), Some(2));
    assert!(v.to_string().contains("--> a.rs:2:1"), "{v}");
}

#[test]
fn minimal_rejection_from_the_brief() {
    require_root!();
    let exit = [RawInsn::new(0x95, 0, 0, 0, 0)];
    let e = ProgramSpec::new("", ProgramType::SocketFilter, exit)
        .source_map(locations("t.rs", &[Some((1, 1))]))
        .load()
        .expect_err("exit alone");
    assert!(
        e.to_string().contains("R0 !read_ok") && e.to_string().contains("t.rs:1:1"),
        "{e}"
    );
}

#[test]
fn log_grows_from_a_tiny_buffer_on_enospc() {
    require_root!();
    // A 16-byte buffer gives ENOSPC even though the program verifies; the loader retries
    // with the kernel's log_true_size.
    let p = ProgramSpec::new("tiny_log", ProgramType::SocketFilter, RETURN_0)
        .log(BPF_LOG_LEVEL2, 16)
        .load()
        .expect("load");
    assert!(p.load_attempts() >= 2, "attempts {}", p.load_attempts());
    let log = p.verifier_log().expect("log");
    assert!(log.len() > 16 && log.contains("(95) exit"), "{log}");
    let stats = p.verifier_stats().expect("stats");
    assert_eq!(stats.insns_processed, 2);
    assert!(stats.insn_limit >= 1_000_000);

    // A failing load whose retry log starts tiny ends up with the whole log.
    let policy = LogPolicy {
        first_size: 16,
        ..LogPolicy::default()
    };
    let e = ProgramSpec::new("tiny_fail", ProgramType::SocketFilter, EXIT_WITHOUT_R0)
        .log_policy(policy)
        .load()
        .expect_err("rejected");
    let v = verifier_error(e);
    assert_eq!(v.errno(), Some(libc::EACCES), "{v}");
    assert!(
        v.log().contains("R0 !read_ok") && v.log().contains("processed"),
        "{}",
        v.log()
    );

    // Without growth allowed, the ENOSPC surfaces with the log-size hint.
    let stuck = LogPolicy {
        first_size: 16,
        max_size: 16,
        max_attempts: 2,
    };
    let e = ProgramSpec::new("stuck", ProgramType::SocketFilter, EXIT_WITHOUT_R0)
        .log_policy(stuck)
        .load()
        .expect_err("log too small");
    assert_eq!(e.errno(), Some(libc::ENOSPC));
    assert!(e.to_string().contains("log buffer is too small"), "{e}");
}

#[test]
fn stats_only_log_level() {
    require_root!();
    let p = ProgramSpec::new("stats", ProgramType::Xdp, RETURN_0)
        .log(BPF_LOG_STATS, 0)
        .load()
        .expect("load");
    assert_eq!(p.load_attempts(), 1);
    assert_eq!(p.verifier_stats().map(|s| s.insns_processed), Some(2));
}

#[test]
fn validation_before_the_kernel() {
    let e = ProgramSpec::new("has-dash", ProgramType::Xdp, RETURN_0)
        .load()
        .expect_err("dash");
    assert!(matches!(e, Error::InvalidName { .. }), "{e}");
    assert!(e.to_string().contains("letters, digits"), "{e}");
    let e = ProgramSpec::new("sixteen_chars_xx", ProgramType::Xdp, RETURN_0)
        .load()
        .expect_err("len");
    assert!(e.to_string().contains("15"), "{e}");
    let e = ProgramSpec::from_bytes("odd", ProgramType::Xdp, &[0u8; 12]).expect_err("12 bytes");
    assert!(
        matches!(e, Error::InstructionsNotMultipleOf8 { len: 12 }),
        "{e}"
    );
    let bytes: Vec<u8> = RETURN_0.iter().flat_map(|i| i.to_bytes()).collect();
    let spec = ProgramSpec::from_bytes("bytes", ProgramType::Xdp, &bytes).expect("16 bytes");
    assert_eq!(spec.insns, RETURN_0);
}

#[test]
fn gpl_only_helper_needs_gpl() {
    require_root!();
    // call bpf_ktime_get_ns (5) is fine under MIT; bpf_trace_printk (6) is GPL-only.
    // call 6
    // r0 = 0
    // exit
    let printk = [
        RawInsn::new(0x85, 0, 0, 0, 6),
        RawInsn::new(0xb7, 0, 0, 0, 0),
        RawInsn::new(0x95, 0, 0, 0, 0),
    ];
    let e = ProgramSpec::new("mit", ProgramType::Kprobe, printk)
        .license("MIT")
        .load()
        .expect_err("GPL-only helper under MIT");
    assert!(format!("{e:#}").contains("GPL"), "{e:#}");
}

#[test]
fn sleepable_flag_is_required_for_syscall_programs() {
    require_root!();
    let e = ProgramSpec::new("sys", ProgramType::Syscall, RETURN_0)
        .load()
        .expect_err("no flag");
    assert!(e.errno().is_some(), "{e}");
    ProgramSpec::new("sys", ProgramType::Syscall, RETURN_0)
        .flags(ebpf_loader::flags::BPF_F_SLEEPABLE)
        .load()
        .expect("sleepable syscall program");
}

#[test]
fn an_unresolved_reference_is_refused_at_its_line() {
    // No kernel needed: from_program checks before anything is loaded.
    let call = ebpf_asm::assemble_named("call.s", ".extern sub\nr0 = 0\ncall sub\nexit")
        .expect("assembles");
    let e = ProgramSpec::from_program("call", ProgramType::Xdp, &call).expect_err("unlinked");
    assert!(matches!(e, Error::Unresolved(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("call.s:3:1: unresolved call to `sub`"),
        "{e}"
    );
    let map = ebpf_asm::assemble_named("map.s", "r0 = 0\nr1 = counts ll\nexit").expect("assembles");
    let e = ProgramSpec::from_program("map", ProgramType::Xdp, &map).expect_err("no map");
    assert!(
        e.to_string()
            .starts_with("map.s:2:1: unresolved reference to `counts`"),
        "{e}"
    );
}

/// Issue 15, row 11: no instructions is said to be that, before any syscall (the kernel
/// answers E2BIG, "program too large").
#[test]
fn an_empty_program_is_refused_as_empty() {
    let e = ProgramSpec::new("empty", ProgramType::SocketFilter, Vec::<RawInsn>::new())
        .load()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
    let shown = e.to_string();
    assert!(shown.contains("`empty` has no instructions"), "{shown}");
    assert!(!shown.contains("E2BIG"), "{shown}");
}
