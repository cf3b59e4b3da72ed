//! What BTF changes in how the kernel verifies functions: a `.globl` function is
//! verified on its own (not in its caller's context), and `ld_abs` works in subprograms.

mod common;

use ebpf_loader::{Error, LoadedProgram, ProgramSpec, ProgramType, TestRun};

/// `check` is called with r1 = 10 only, so its `bad` path is dead in context; verified on
/// its own (r1 any u64), the path is taken and reads r9, which nothing set.
fn callee_checked(globl: bool) -> String {
    format!(
        "main:\n  r1 = 10\n  call check\n  exit\n{}check:\n  if r1 > 20 goto bad\n  r0 = 0\n  \
         exit\nbad:\n  r0 = r9\n  exit\n",
        if globl { ".globl check\n" } else { "" }
    )
}

fn load(name: &str, src: &str) -> ebpf_loader::Result<LoadedProgram> {
    let prog = ebpf_asm::assemble_named(&format!("{name}.s"), src).expect("assembles");
    ProgramSpec::from_program(name, ProgramType::SocketFilter, &prog)
        .expect("spec")
        .log(2, 0)
        .load()
}

#[test]
fn a_global_function_is_verified_on_its_own() {
    require_root!();
    // Static: verified in the context of its one call, where r1 = 10.
    let fine = load("static_check", &callee_checked(false)).expect("static callee loads");
    let log = fine.verifier_log().expect("log asked for");
    assert!(!log.contains("Validating"), "{log}");

    let src = callee_checked(true);
    let prog = ebpf_asm::assemble_named("global_check.s", &src).expect("assembles");
    assert!(prog.is_global("check"));
    // The text round-trips with its `.globl`.
    let printed = prog.to_string();
    assert!(printed.contains(".globl check\ncheck:"), "{printed}");
    assert!(ebpf_asm::assemble(&printed)
        .expect("reassembles")
        .is_global("check"));

    let err = load("global_check", &src).expect_err("verified alone, `bad` is live");
    let Error::Verifier(v) = &err else {
        panic!("{err:?}")
    };
    println!("{:#}", v);
    assert!(
        v.log()
            .contains("Func#1 ('check') is global and assumed valid."),
        "{}",
        v.log()
    );
    assert!(v.log().contains("Validating check() func#1"), "{}", v.log());
    assert!(v.log().contains("R9 !read_ok"), "{}", v.log());
    assert!(
        v.log().contains("; r0 = r9 @ global_check.s:11"),
        "{}",
        v.log()
    );
}

#[test]
fn a_global_function_in_program_macro() {
    require_root!();
    let prog = ebpf_asm::program! {
        main:
            r1 = 10
            call check
            exit
        .globl check
        check:
            if r1 > 20 goto bad
            r0 = 0
            exit
        bad:
            r0 = r9
            exit
    };
    assert!(prog.is_global("check"));
    let err = ProgramSpec::from_program("macro_global", ProgramType::SocketFilter, &prog)
        .expect("spec")
        .load()
        .expect_err("verified alone");
    assert!(err.to_string().contains("R9 !read_ok"), "{err}");
}

/// `load` reads the first byte after the Ethernet header with `ld_abs`; `main` calls it.
fn ld_abs_in_subprogram(globl: bool) -> String {
    format!(
        "main:\n  call load\n  exit\n{}load:\n  r6 = r1\n  r0 = *(u8 *)skb[0]\n  exit\n",
        if globl { ".globl load\n" } else { "" }
    )
}

#[test]
fn ld_abs_in_subprograms_loads_with_btf() {
    require_root!();
    let mut packet = [0u8; 64];
    packet[14] = 0x2a;
    for globl in [false, true] {
        let src = ld_abs_in_subprogram(globl);
        let prog = ebpf_asm::assemble_named("ld_abs.s", &src).expect("assembles");
        let spec =
            ProgramSpec::from_program("ld_abs", ProgramType::SocketFilter, &prog).expect("spec");
        let btf = spec.btf.as_ref().expect("has BTF");
        // A global `load` takes the context in r1 (it is copied to r6 for ld_abs).
        let params: Vec<_> = btf.funcs().iter().map(|f| f.params.clone()).collect();
        assert_eq!(params, [vec![], if globl { vec![true] } else { vec![] }]);
        let loaded = spec
            .load()
            .unwrap_or_else(|e| panic!("globl {globl}: {e:#}"));
        assert!(loaded.btf().is_some());
        let out = loaded
            .test_run(&TestRun {
                data_in: &packet,
                ..Default::default()
            })
            .expect("runs");
        assert_eq!(out.retval, 0x2a, "globl {globl}");
        // Without BTF the kernel refuses ld_abs in a subprogram.
        let err = spec.clone().btf(None).load().expect_err("no BTF");
        assert!(
            format!("{err:#}").contains("LD_ABS is not allowed in subprogs without BTF"),
            "{err:#}"
        );
    }
}
