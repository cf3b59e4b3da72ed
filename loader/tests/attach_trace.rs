//! Tracing hooks attached for real: the getpid tracepoint, raw tracepoint and tp_btf on
//! sys_enter, cpu-clock sampling, uprobes on libc and on this binary; and the clear errors
//! for what this kernel lacks (kprobes, trampolines).

mod attach_common;
mod common;

use std::time::{Duration, Instant};

use attach_common::*;
use ebpf_loader::link::{check_trampolines, PerfEventConfig, ProbeLocation};
use ebpf_loader::perf_reader::online_cpus;
use ebpf_loader::{Error, ProgramSpec, ProgramType};

/// Assembly prefix that exits with 0 unless the current process is this test process.
fn only_this_process() -> String {
    format!(
        "call 14
         r0 >>= 32
         if r0 == {} goto mine
         r0 = 0
         exit
         mine:",
        std::process::id()
    )
}

fn getpids(n: usize) {
    for _ in 0..n {
        std::hint::black_box(std::process::id());
    }
}

#[test]
fn tracepoint_syscalls_sys_enter_getpid_counts_calls() {
    require_root!();
    let map = counter_map();
    let src = format!("{}\n{}", only_this_process(), count_source(0, 0));
    let prog = ProgramSpec::new(
        "tp_getpid",
        ProgramType::Tracepoint,
        insns_with_map(&src, "counts", &map),
    )
    .load()
    .unwrap();
    let link = prog
        .attach_tracepoint("syscalls", "sys_enter_getpid")
        .unwrap();
    assert!(link.link().is_some(), "6.18 has perf links");
    getpids(100);
    let n = count(&map, 0);
    assert!(
        n >= 100,
        "tracepoint counted {n} getpid calls, expected at least 100"
    );
    drop(link);
    getpids(10);
    assert_eq!(count(&map, 0), n, "detached on drop");
}

#[test]
fn tracepoint_reading_past_the_event_gets_the_hint() {
    require_root!();
    // sys_enter_getpid's record is 16 bytes: reading at offset 64 is refused at attach.
    let prog = ProgramSpec::new(
        "tp_toofar",
        ProgramType::Tracepoint,
        ebpf_asm::assemble("r0 = *(u64 *)(r1 + 64)\nr0 = 0\nexit")
            .unwrap()
            .to_raw(),
    )
    .load()
    .unwrap();
    let err = prog
        .attach_tracepoint("syscalls", "sys_enter_getpid")
        .unwrap_err();
    assert_eq!(err.errno(), Some(libc::EACCES), "{err}");
    assert!(err.to_string().contains("format"), "{err}");
    let err = prog
        .attach_tracepoint("syscalls", "no_such_tracepoint")
        .unwrap_err();
    assert!(err.to_string().contains("no tracepoint"), "{err}");
}

#[test]
fn raw_tracepoint_sys_enter_counts_syscalls() {
    require_root!();
    let map = counter_map();
    let src = format!("{}\n{}", only_this_process(), count_source(0, 0));
    let prog = ProgramSpec::new(
        "raw_enter",
        ProgramType::RawTracepoint,
        insns_with_map(&src, "counts", &map),
    )
    .load()
    .unwrap();
    let link = prog.attach_raw_tracepoint("sys_enter").unwrap();
    getpids(50);
    let n = count(&map, 0);
    assert!(n >= 50, "raw tracepoint counted {n} syscalls");
    drop(link);
    getpids(10);
    let m = count(&map, 0);
    // Other threads of this process may still be inside a syscall entry; allow a few.
    assert!(m - n < 10, "detached on drop ({n} -> {m})");
}

#[test]
fn tp_btf_sys_enter_counts_syscalls_and_pins() {
    require_root!();
    let Some(fs) = common::BpffsMount::new("tp-btf") else {
        return;
    };
    let map = counter_map();
    let src = format!("{}\n{}", only_this_process(), count_source(0, 0));
    let prog = ProgramSpec::tp_btf(
        "btf_enter",
        "sys_enter",
        insns_with_map(&src, "counts", &map),
    )
    .unwrap()
    .load()
    .unwrap();
    let link = prog.attach_btf().unwrap();
    getpids(50);
    let n = count(&map, 0);
    assert!(n >= 50, "tp_btf counted {n} syscalls");
    let pin = fs.path().join("tp_btf_link");
    link.pin(&pin).unwrap();
    drop(link);
    getpids(20);
    assert!(
        count(&map, 0) >= n + 20,
        "pinned tp_btf link stays attached"
    );
    ebpf_loader::unpin(&pin).unwrap();
    assert!(ProgramSpec::tp_btf("x", "no_such_tp_anywhere", vec![]).is_err());
}

#[test]
fn perf_event_cpu_clock_samples_busy_work() {
    require_root!();
    let map = counter_map();
    let prog = counting_spec("cpu_clock", ProgramType::PerfEvent, &map, 0)
        .load()
        .unwrap();
    let links: Vec<_> = online_cpus()
        .unwrap()
        .into_iter()
        .map(|cpu| {
            prog.attach_perf_event(PerfEventConfig::cpu_clock_hz(1000), cpu, None)
                .unwrap()
        })
        .collect();
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < Duration::from_millis(200) {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
    }
    let n = count(&map, 0);
    assert!(n > 0, "no cpu-clock samples after 200 ms of busy work");
    drop(links);
    std::thread::sleep(Duration::from_millis(20));
    let m = count(&map, 0);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        count(&map, 0),
        m,
        "sampling stopped after the links were dropped"
    );
}

fn libc_path() -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .find(|p| p.contains("/libc.so"))
        .map(str::to_owned)
}

#[test]
fn uprobe_on_libc_getpid_counts_calls() {
    require_root!();
    let Some(libc_so) = libc_path() else {
        common::skip("libc is not mapped (static binary?)");
        return;
    };
    let map = counter_map();
    let src = format!("{}\n{}", only_this_process(), count_source(0, 0));
    let prog = ProgramSpec::new(
        "up_getpid",
        ProgramType::Kprobe,
        insns_with_map(&src, "counts", &map),
    )
    .load()
    .unwrap();
    let link = prog
        .attach_uprobe(&libc_so, ProbeLocation::Symbol("getpid"), false, None)
        .unwrap();
    getpids(30);
    let n = count(&map, 0);
    assert!(n >= 30, "uprobe counted {n} getpid calls");
    drop(link);
    getpids(5);
    assert_eq!(count(&map, 0), n);
}

#[no_mangle]
#[inline(never)]
pub extern "C" fn ebpf_asm_uprobe_target(x: u64) -> u64 {
    std::hint::black_box(x.wrapping_mul(3) + 1)
}

#[test]
fn uprobe_and_uretprobe_on_a_function_of_this_binary() {
    require_root!();
    let exe = std::fs::read_link("/proc/self/exe").unwrap();
    let map = counter_map();
    let entry = ProgramSpec::new("up_entry", ProgramType::Kprobe, count_insns(&map, 0, 0))
        .load()
        .unwrap();
    let ret = ProgramSpec::new("up_ret", ProgramType::Kprobe, count_insns(&map, 1, 0))
        .load()
        .unwrap();
    let pid = Some(std::process::id() as i32);
    let _l1 = entry
        .attach_uprobe(
            &exe,
            ProbeLocation::Symbol("ebpf_asm_uprobe_target"),
            false,
            pid,
        )
        .unwrap();
    let _l2 = ret
        .attach_uprobe(
            &exe,
            ProbeLocation::Symbol("ebpf_asm_uprobe_target"),
            true,
            pid,
        )
        .unwrap();
    for i in 0..7 {
        ebpf_asm_uprobe_target(i);
    }
    assert_eq!((count(&map, 0), count(&map, 1)), (7, 7));
    let err = entry
        .attach_uprobe(
            &exe,
            ProbeLocation::Symbol("no_such_symbol_here"),
            false,
            pid,
        )
        .unwrap_err();
    assert!(err.to_string().contains("no symbol"), "{err}");
}

#[test]
fn kprobes_report_the_missing_kernel_config() {
    require_root!();
    let map = counter_map();
    let prog = counting_spec("kp", ProgramType::Kprobe, &map, 0)
        .load()
        .unwrap();
    match prog.attach_kprobe("do_sys_openat2", false) {
        Err(Error::Unsupported { what, hint }) => {
            assert_eq!(what, "kprobes");
            assert!(hint.contains("CONFIG_KPROBES"), "{hint}");
        }
        Err(e) => panic!("expected Unsupported, got {e}"),
        Ok(_) => eprintln!("this kernel has kprobes; the attach worked"),
    }
}

#[test]
fn trampolines_are_detected_with_a_hint() {
    require_root!();
    match check_trampolines() {
        Err(Error::Unsupported { what, hint }) => {
            assert!(what.contains("fentry"), "{what}");
            assert!(hint.contains("EPERM"), "{hint}");
        }
        Err(e) => panic!("unexpected error: {e}"),
        Ok(()) => eprintln!("this kernel loads fentry programs"),
    }
}
