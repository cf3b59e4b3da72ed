//! BPF_PROG_TEST_RUN against the real kernel: socket filter, XDP (data modified), tc with
//! a context, sleepable syscall programs, raw tracepoints, and unsupported types.

mod common;

use ebpf_asm::RawInsn;
use ebpf_loader::flags::{BPF_F_SLEEPABLE, BPF_F_TEST_RUN_ON_CPU};
use ebpf_loader::{LoadedProgram, ProgramSpec, ProgramType, TestRun, ENOTSUPP};

/// r0 = *(u32 *)(r1 + 0)     ; skb->len
/// exit
const SKB_LEN: [RawInsn; 2] = [
    RawInsn::from_bytes([0x61, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// r2 = *(u32 *)(r1 + 0)     ; data
/// r3 = *(u32 *)(r1 + 4)     ; data_end
/// r4 = r2
/// r4 += 1
/// if r4 > r3 goto +5
/// r5 = *(u8 *)(r2 + 0)
/// r5 += 1
/// *(u8 *)(r2 + 0) = r5      ; increment the first byte
/// r0 = 2                    ; XDP_PASS
/// exit
/// r0 = 1                    ; XDP_DROP
/// exit
const XDP_INC_FIRST_BYTE: [RawInsn; 12] = [
    RawInsn::from_bytes([0x61, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x61, 0x13, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0xbf, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x07, 0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x2d, 0x34, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x71, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x07, 0x05, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x73, 0x52, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0xb7, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0xb7, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// r2 = *(u32 *)(r1 + 8)     ; skb->mark
/// r2 += 1
/// *(u32 *)(r1 + 8) = r2
/// r0 = r2
/// exit
const TC_MARK_PLUS_1: [RawInsn; 5] = [
    RawInsn::from_bytes([0x61, 0x12, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x07, 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x63, 0x21, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0xbf, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// r2 = *(u32 *)(r1 + 0)
/// r2 += 10
/// *(u32 *)(r1 + 0) = r2
/// r0 = r2
/// exit
const SYSCALL_ADD_10: [RawInsn; 5] = [
    RawInsn::from_bytes([0x61, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x07, 0x02, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x63, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0xbf, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// r0 = *(u64 *)(r1 + 8)     ; args[1]
/// exit
const RAW_TP_ARG1: [RawInsn; 2] = [
    RawInsn::from_bytes([0x79, 0x10, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// r0 = 0
/// exit
const RETURN_0: [RawInsn; 2] = [
    RawInsn::from_bytes([0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// Size of `struct __sk_buff` on this kernel.
const SK_BUFF_SIZE: usize = 192;

fn load(name: &str, t: ProgramType, insns: &[RawInsn]) -> LoadedProgram {
    ProgramSpec::new(name, t, insns)
        .load()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn socket_filter() {
    require_root!();
    let p = load("sf", ProgramType::SocketFilter, &SKB_LEN);
    let data = [0u8; 64];
    let r = p
        .test_run(&TestRun {
            data_in: &data,
            ..Default::default()
        })
        .expect("run");
    // The program sees the packet from the IP header: 14 bytes of Ethernet are pulled.
    assert_eq!(r.retval, 64 - 14);
    let e = p
        .test_run(&TestRun {
            data_in: &[0; 10],
            ..Default::default()
        })
        .expect_err("<14");
    assert_eq!(e.errno(), Some(libc::EINVAL));
}

#[test]
fn xdp_modifies_data() {
    require_root!();
    let p = load("xdp_inc", ProgramType::Xdp, &XDP_INC_FIRST_BYTE);
    let mut data = vec![0x10u8; 64];
    data[1] = 0x77;
    let r = p
        .test_run(&TestRun {
            data_in: &data,
            ..Default::default()
        })
        .expect("run");
    assert_eq!(r.retval, 2, "XDP_PASS");
    let out = r.data_out.expect("data out");
    assert_eq!(out.len(), 64);
    assert_eq!(out[0], 0x11, "first byte incremented");
    assert_eq!(&out[1..], &data[1..]);
    // Measured on 6.18: repeated XDP runs share one buffer, so the increments add up.
    let r = p
        .test_run(&TestRun {
            data_in: &data,
            repeat: 100,
            ..Default::default()
        })
        .expect("run");
    assert_eq!(r.data_out.expect("data out")[0], 0x10 + 100);
    // A deliberately small output buffer: ENOSPC, with the test-run hint.
    let e = p
        .test_run(&TestRun {
            data_in: &data,
            data_out_size: Some(8),
            ..Default::default()
        })
        .expect_err("too small");
    assert_eq!(e.errno(), Some(libc::ENOSPC));
    assert!(e.to_string().contains("output buffer is too small"), "{e}");
}

#[test]
fn tc_with_context() {
    require_root!();
    let p = load("tc_mark", ProgramType::SchedCls, &TC_MARK_PLUS_1);
    let mut ctx = vec![0u8; SK_BUFF_SIZE];
    ctx[8..12].copy_from_slice(&41u32.to_ne_bytes());
    let data = [0u8; 64];
    let r = p
        .test_run(&TestRun {
            data_in: &data,
            ctx_in: &ctx,
            ctx_out_size: Some(SK_BUFF_SIZE),
            ..Default::default()
        })
        .expect("run");
    assert_eq!(r.retval, 42);
    let ctx_out = r.ctx_out.expect("ctx out");
    assert_eq!(ctx_out.len(), SK_BUFF_SIZE);
    assert_eq!(
        u32::from_ne_bytes(ctx_out[8..12].try_into().expect("4")),
        42
    );
    // Only the writable fields (mark, priority, cb, ...) are copied out; len stays 0.
    assert_eq!(
        u32::from_ne_bytes(ctx_out[0..4].try_into().expect("4")),
        0,
        "skb->len"
    );
}

#[test]
fn syscall_program_writes_ctx_back() {
    require_root!();
    let p = ProgramSpec::new("sys_add", ProgramType::Syscall, SYSCALL_ADD_10.to_vec())
        .flags(BPF_F_SLEEPABLE)
        .load()
        .expect("load");
    let ctx = 5u64.to_ne_bytes();
    let r = p
        .test_run(&TestRun {
            ctx_in: &ctx,
            ..Default::default()
        })
        .expect("run");
    assert_eq!(r.retval, 15);
    let back = r.ctx_out.expect("ctx written back");
    assert_eq!(u32::from_ne_bytes(back[0..4].try_into().expect("4")), 15);
}

#[test]
fn raw_tracepoint_on_cpu() {
    require_root!();
    let p = load("raw_tp", ProgramType::RawTracepoint, &RAW_TP_ARG1);
    let args: Vec<u8> = [7u64, 0x1_0000_0009]
        .iter()
        .flat_map(|a| a.to_ne_bytes())
        .collect();
    let r = p
        .test_run(&TestRun {
            ctx_in: &args,
            ..Default::default()
        })
        .expect("run");
    assert_eq!(r.retval, 9, "retval is the kernel's u32");
    let r = p
        .test_run(&TestRun {
            ctx_in: &args,
            flags: BPF_F_TEST_RUN_ON_CPU,
            cpu: 0,
            ..Default::default()
        })
        .expect("run on cpu 0");
    assert_eq!(r.retval, 9);
}

#[test]
fn unsupported_program_types_say_so() {
    require_root!();
    let p = load("tp", ProgramType::Tracepoint, &RETURN_0);
    let e = p
        .test_run(&TestRun::default())
        .expect_err("tracepoint test run");
    assert_eq!(e.errno(), Some(ENOTSUPP));
    let s = e.to_string();
    assert!(
        s.contains("ENOTSUPP (errno 524)") && s.contains("not supported for this program type"),
        "{s}"
    );
}

#[test]
fn raw_tracepoint_runs_once_on_its_arguments_alone() {
    require_root!();
    let p = load("raw_tp_once", ProgramType::RawTracepoint, &RAW_TP_ARG1);
    let args: Vec<u8> = [1u64, 44].iter().flat_map(|a| a.to_ne_bytes()).collect();
    // "Once" spelled 1, which the kernel itself refuses for raw tracepoints (EINVAL).
    let r = p
        .test_run(&TestRun {
            ctx_in: &args,
            repeat: 1,
            ..Default::default()
        })
        .expect("repeat 1 is once");
    assert_eq!(r.retval, 44);
    assert_eq!((r.data_out, r.ctx_out), (None, None));
    let e = p
        .test_run(&TestRun {
            ctx_in: &args,
            data_in: &[0; 14],
            ..Default::default()
        })
        .expect_err("packet data for a raw tracepoint");
    assert!(
        matches!(e, ebpf_loader::Error::InvalidArgument(_)) && e.to_string().contains("ctx_in"),
        "{e}"
    );
    let e = p
        .test_run(&TestRun {
            ctx_in: &args,
            repeat: 3,
            ..Default::default()
        })
        .expect_err("repeat 3 for a raw tracepoint");
    assert!(e.to_string().contains("repeat must be 0 or 1"), "{e}");
}
