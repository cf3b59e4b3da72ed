//! What a program names in the running kernel, resolved at load time from its BTF and run
//! for real (issue 12): CO-RE expressions in an ALU immediate and in a load offset, a
//! kfunc called by name, and the errors for names the kernel lacks.

mod common;

use ebpf_asm::{assemble_named, program};
use ebpf_loader::{CollectionSpec, ProgramSpec, ProgramType, TestRun};

fn asm_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/asm")
        .join(name)
}

fn raw_tp_args(args: &[u64]) -> Vec<u8> {
    args.iter().flat_map(|a| a.to_ne_bytes()).collect()
}

/// The example: `r3 += offsetof(task_struct, tgid)`, then bpf_probe_read_kernel
/// reads the tgid there, which must equal bpf_get_current_pid_tgid() >> 32.
#[test]
fn offsetof_in_an_alu_immediate_reads_the_tgid() {
    require_root!();
    let spec = CollectionSpec::from_asm_file(asm_path("core_tgid.s")).expect("assembles");
    let coll = spec
        .load()
        .expect("CO-RE resolved and the verifier accepts it");
    let prog = coll.program("core_tgid").expect("loaded");
    let r = prog
        .test_run(&TestRun {
            ctx_in: &raw_tp_args(&[0]),
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(
        r.retval, 1,
        "the tgid read at offsetof(task_struct, tgid) is the pid_tgid's"
    );
}

/// A load offset: the second raw tracepoint argument, at
/// `offsetof(bpf_raw_tracepoint_args, args[1])` (8).
#[test]
fn offsetof_in_a_load_offset_reads_the_context() {
    require_root!();
    let p = program! {
        r0 = *(u64 *)(r1 + offsetof(bpf_raw_tracepoint_args, args[1]))
        exit
    };
    let spec =
        ProgramSpec::from_program("core_arg1", ProgramType::RawTracepoint, &p).expect("resolved");
    assert_eq!(spec.insns[0].off, 8);
    let r = spec
        .load()
        .expect("loads")
        .test_run(&TestRun {
            ctx_in: &raw_tp_args(&[5, 7]),
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(r.retval, 7);
}

/// A context the verifier rewrites: `__sk_buff.protocol` (offset 16) of a socket filter,
/// the packet's EtherType in network order.
#[test]
fn offsetof_reads_a_rewritten_sk_buff_field() {
    require_root!();
    let p = assemble_named(
        "proto.s",
        "r0 = *(u32 *)(r1 + offsetof(__sk_buff, protocol))\nexit",
    )
    .expect("assembles");
    let spec =
        ProgramSpec::from_program("core_proto", ProgramType::SocketFilter, &p).expect("resolved");
    assert_eq!(spec.insns[0].off, 16);
    let mut packet = vec![0u8; 64];
    packet[12..14].copy_from_slice(&[0x08, 0x00]); // ETH_P_IP
    packet[14] = 0x45;
    let r = spec
        .load()
        .expect("loads")
        .test_run(&TestRun {
            data_in: &packet,
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(r.retval, u32::from(u16::from_ne_bytes([0x08, 0x00])));
}

/// `call bpf_iter_num_new` / `_next` / `_destroy` by name: an open-coded iterator over
/// 0..5 that counts its steps.
#[test]
fn kfuncs_called_by_name_run() {
    require_root!();
    let p = assemble_named(
        "iter.s",
        "\
r1 = r10
r1 += -8
r2 = 0
r3 = 5
call bpf_iter_num_new
r6 = 0
next:
r1 = r10
r1 += -8
call bpf_iter_num_next
if r0 == 0 goto done
r6 += 1
goto next
done:
r1 = r10
r1 += -8
call bpf_iter_num_destroy
r0 = r6
exit
",
    )
    .expect("assembles");
    assert_eq!(p.kfunc_calls().count(), 3);
    let spec =
        ProgramSpec::from_program("kfunc_iter", ProgramType::RawTracepoint, &p).expect("resolved");
    let btf = ebpf_btf::vmlinux().expect("kernel BTF");
    let new_id = btf
        .id_by_name_kind("bpf_iter_num_new", ebpf_btf::Kind::Func)
        .unwrap()
        .expect("this kernel has bpf_iter_num_new");
    // `call kfunc(ID)`: src_reg 2 (BPF_PSEUDO_KFUNC_CALL), module index 0 (vmlinux).
    assert_eq!(
        (spec.insns[4].src, spec.insns[4].off, spec.insns[4].imm),
        (2, 0, new_id as i32)
    );
    let r = spec
        .load()
        .expect("the verifier accepts the kfunc calls")
        .test_run(&TestRun {
            ctx_in: &raw_tp_args(&[0]),
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(r.retval, 5);
}

/// Names the kernel lacks are errors naming them and where they were written, before
/// anything is loaded.
#[test]
fn missing_fields_types_and_kfuncs_are_clear_errors() {
    if let Err(e) = ebpf_btf::vmlinux() {
        return ebpf_asm_test_support::skip(&format!("no kernel BTF: {e}"));
    }
    let p = assemble_named(
        "missing.s",
        "r0 = 0\nr0 += offsetof(task_struct, no_such_field)\n\
         r1 = sizeof(no_such_type)\ncall no_such_kfunc\nexit",
    )
    .unwrap();
    let e = ProgramSpec::from_program("missing", ProgramType::RawTracepoint, &p).unwrap_err();
    assert_eq!(
        e.to_string(),
        "missing.s:2:1: `offsetof(task_struct, no_such_field)`: `task_struct` has no field \
         `no_such_field` in this kernel\n\
         missing.s:3:1: `sizeof(no_such_type)`: the kernel's BTF has no type named \
         `no_such_type`\n\
         missing.s:4:1: `no_such_kfunc` is neither a helper, nor a label of this program, nor \
         a kernel function (kfunc) in the kernel's BTF: check the spelling, or declare a \
         subprogram of another fragment with `.extern no_such_kfunc`"
    );
}

/// Module kfuncs name their module's BTF by fd_array index. This kernel has no module
/// BTF, so the plumbing shows through the kernel's own checks: without an fd_array it
/// refuses index 1 outright; with one whose entry 1 is vmlinux's BTF fd (found by walking
/// the BTF ids, as for a module), it reads that fd and says it is not a module's.
#[test]
fn module_btf_fds_reach_the_kernel_through_the_fd_array() {
    require_root!();
    let vmlinux = ebpf_loader::kernel_btf_fd("vmlinux").expect("vmlinux BTF by id");
    let e = ebpf_loader::kernel_btf_fd("no_such_module").unwrap_err();
    assert!(
        e.to_string().contains("no BTF named `no_such_module`"),
        "{e}"
    );
    let btf = ebpf_btf::vmlinux().expect("kernel BTF");
    let id = btf
        .id_by_name_kind("bpf_rcu_read_lock", ebpf_btf::Kind::Func)
        .unwrap()
        .expect("this kernel has bpf_rcu_read_lock");
    let p = assemble_named("mod.s", &format!("call kfunc({id}, 1)\nr0 = 0\nexit")).unwrap();
    let spec = ProgramSpec::from_program("kfunc_mod", ProgramType::RawTracepoint, &p).unwrap();
    let e = spec.load().expect_err("index 1 without an fd_array");
    assert!(
        format!("{e:#}").contains("without fd_array is invalid"),
        "{e:#}"
    );
    let mut with = spec.clone();
    assert_eq!(with.fd_array.push(std::sync::Arc::new(vmlinux)), 1);
    let e = with.load().expect_err("vmlinux is not a module");
    assert!(
        format!("{e:#}").contains("BTF fd for kfunc is not a module BTF"),
        "{e:#}"
    );
}

/// The program's own types for `type_matches`, built as C would name them (libbpf
/// compares int names too, so `int`, not Rust's `i32`): `struct task_struct___m { int
/// pid; int tgid; }`, which matches the kernel's task_struct, and `struct
/// task_struct___u { unsigned int pid; }`, which does not (pid is signed).
fn local_task_types() -> Vec<u8> {
    use ebpf_btf::{add_struct, Builder, Int, IntEncoding, Type, TypeKind};
    let mut b = Builder::new();
    let mut int = |name: &str, signed: bool| {
        let encoding = IntEncoding {
            signed,
            ..Default::default()
        };
        let kind = TypeKind::Int(Int {
            size: 4,
            encoding,
            offset: 0,
            bits: 32,
        });
        b.add(&Type { name, kind }).expect("adds")
    };
    let (signed, unsigned) = (int("int", true), int("unsigned int", false));
    add_struct(
        &mut b,
        "task_struct___m",
        8,
        &[("pid", signed, 0), ("tgid", signed, 4)],
    )
    .expect("adds");
    add_struct(&mut b, "task_struct___u", 4, &[("pid", unsigned, 0)]).expect("adds");
    b.encode()
}

/// `type_matches(T)` in assembly compares the program's own `T` (given as BTF) with the
/// kernel's: 1 for `task_struct___m`, 0 for `task_struct___u`, so r0 is 1 (it would be
/// 3 if the second matched, 0 or 2 if the first did not).
#[test]
fn type_matches_in_assembly_compares_the_programs_own_types() {
    require_root!();
    let p = program! {
        r0 = type_matches(task_struct___m)
        r1 = type_matches(task_struct___u)
        r1 <<= 1
        r0 |= r1
        exit
    }
    .with_local_btf(local_task_types());
    let spec = ProgramSpec::from_program("core_matches", ProgramType::RawTracepoint, &p)
        .expect("resolved");
    assert_eq!((spec.insns[0].imm, spec.insns[1].imm), (1, 0));
    let r = spec
        .load()
        .expect("loads")
        .test_run(&TestRun {
            ctx_in: &raw_tp_args(&[0]),
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(r.retval, 1);
}

/// Without the program's own types, or without the type in them, `type_matches` is an
/// error naming the line and what to give.
#[test]
fn type_matches_without_the_programs_types_is_a_clear_error() {
    if let Err(e) = ebpf_btf::vmlinux() {
        return ebpf_asm_test_support::skip(&format!("no kernel BTF: {e}"));
    }
    let p = assemble_named(
        "matches.s",
        "r0 = 1\nr0 = type_matches(task_struct___m)\nexit",
    )
    .unwrap();
    let e = ProgramSpec::from_program("m", ProgramType::RawTracepoint, &p).unwrap_err();
    assert_eq!(
        e.to_string(),
        "matches.s:2:1: `type_matches(task_struct___m)` needs the program's own definition \
         of `task_struct___m`: give the program its types as BTF (`Program::with_local_btf`; \
         C objects carry theirs in `.BTF`)"
    );
    let other = p.clone().with_local_btf(ebpf_btf::Builder::new().encode());
    let e = ProgramSpec::from_program("m", ProgramType::RawTracepoint, &other).unwrap_err();
    assert_eq!(
        e.to_string(),
        "matches.s:2:1: `type_matches(task_struct___m)`: the program's BTF has no type named \
         `task_struct___m` to compare with the kernel's"
    );
    let garbage = p.with_local_btf(vec![1u8, 2, 3]);
    let e = ProgramSpec::from_program("m", ProgramType::RawTracepoint, &garbage).unwrap_err();
    assert!(
        e.to_string()
            .contains("the program's own BTF does not parse"),
        "{e}"
    );
}
