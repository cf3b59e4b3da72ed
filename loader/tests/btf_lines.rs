//! Programs carry BTF: the kernel's own verifier log and `bpftool` show our source lines
//! and function names, and the program reports a BTF id.

mod common;

use ebpf_loader::{Error, ProgramSpec, ProgramType};

/// Line 4 reads r2, which nothing set.
const BAD: &str = "r1 = 1\nr3 = 2\nr4 = 3\nr0 = r2\nexit\n";

fn rejection(spec: &ProgramSpec) -> String {
    match spec.load() {
        Err(Error::Verifier(v)) => v.log().to_owned(),
        other => panic!("expected a verifier rejection, got {other:?}"),
    }
}

#[test]
fn text_program_rejection_names_the_source_line() {
    require_root!();
    let prog = ebpf_asm::assemble_named("bad.s", BAD).expect("assembles");
    let spec = ProgramSpec::from_program("bad", ProgramType::SocketFilter, &prog).expect("spec");
    let log = rejection(&spec);
    println!("{log}");
    assert!(log.contains("; r0 = r2 @ bad.s:4"), "{log}");
}

#[test]
fn macro_program_rejection_names_the_rust_line() {
    require_root!();
    let line = line!() + 4;
    let prog = ebpf_asm::program! {
        r1 = 1
        r3 = 2
        r0 = r2 // r2 was never set
        exit
    };
    let spec =
        ProgramSpec::from_program("bad_macro", ProgramType::SocketFilter, &prog).expect("spec");
    let log = rejection(&spec);
    println!("{log}");
    // The line as written in this file (the comment is not a token: the macro read the
    // line); the kernel prints the file's base name.
    let want = format!("; r0 = r2 // r2 was never set @ btf_lines.rs:{line}");
    assert!(log.contains(&want), "want {want:?} in:\n{log}");
}

#[test]
fn bpftool_shows_lines_and_a_btf_id() {
    require_root!();
    let src = "main:\n  r1 = 7\n  call twice\n  exit\ntwice:\n  r0 = r1\n  r0 += r1\n  exit\n";
    let prog = ebpf_asm::assemble_named("twice.s", src).expect("assembles");
    let loaded = ProgramSpec::from_program("twice", ProgramType::SocketFilter, &prog)
        .expect("spec")
        .load()
        .expect("loads");
    assert!(loaded.btf().is_some(), "{loaded:?}");
    assert_eq!(loaded.btf_fallback(), None);
    let info = loaded.info().expect("info");
    assert_ne!(info.btf_id, 0, "no btf_id: {info:?}");
    let Some(dump) = bpftool(&[
        "prog",
        "dump",
        "xlated",
        "id",
        &info.id.to_string(),
        "linum",
    ]) else {
        return;
    };
    println!("{dump}");
    // bpftool 7.1 spells `[file:line:col]` out.
    assert!(
        dump.contains("; r0 += r1 [file:twice.s line_num:7 line_col:3]"),
        "{dump}"
    );
    assert!(dump.contains("long twice()"), "{dump}");
    let show = bpftool(&["prog", "show", "id", &info.id.to_string()]).expect("bpftool ran");
    assert!(show.contains(&format!("btf_id {}", info.btf_id)), "{show}");
}

/// `bpftool ARGS` output, or `None` (after `skip`) when bpftool is missing.
fn bpftool(args: &[&str]) -> Option<String> {
    match std::process::Command::new("bpftool").args(args).output() {
        Ok(out) => {
            assert!(out.status.success(), "bpftool {args:?}: {out:?}");
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) => {
            common::skip(&format!("bpftool not runnable: {e}"));
            None
        }
    }
}

#[test]
fn refused_btf_carries_the_kernels_log() {
    require_root!();
    use ebpf_btf::{Builder, Func, Linkage, Type, TypeKind};
    // A FUNC whose prototype (type 5) does not exist.
    let mut b = Builder::new();
    b.add(&Type {
        name: "f",
        kind: TypeKind::Func(Func {
            proto: 5,
            linkage: Linkage::Static,
        }),
    })
    .expect("adds");
    let err = ebpf_loader::BtfObject::load(&b.encode()).expect_err("refused");
    let Error::BtfLoad(e) = &err else {
        panic!("{err:?}")
    };
    println!("{err:#}");
    assert_eq!(e.errno(), Some(libc::EINVAL));
    assert!(!e.log().is_empty(), "the retry captured the kernel's log");
    assert!(
        err.to_string().starts_with("BPF_BTF_LOAD failed: EINVAL"),
        "{err}"
    );
    assert!(format!("{err:#}").contains("BTF log:"), "{err:#}");
}

#[test]
fn a_program_whose_btf_the_kernel_refuses_loads_without_it() {
    require_root!();
    // BTF describing two functions, given to a program that has one: the kernel says
    // "number of funcs in func_info doesn't match number of subprogs", as an older kernel
    // would refuse BTF it does not know. The program still loads, and says why.
    let two = ebpf_asm::assemble("main:\ncall f\nexit\nf:\nr0 = 0\nexit").expect("assembles");
    let one = ebpf_asm::assemble("r0 = 0\nexit").expect("assembles");
    let mut spec =
        ProgramSpec::from_program("fallback", ProgramType::SocketFilter, &one).expect("spec");
    spec.btf = ProgramSpec::from_program("two", ProgramType::SocketFilter, &two)
        .expect("spec")
        .btf;
    let loaded = spec.load().expect("loads without BTF");
    assert!(loaded.btf().is_none());
    let why = loaded.btf_fallback().expect("says why");
    assert!(why.contains("func_info"), "{why}");
    assert!(
        format!("{loaded:?}").contains("btf_fallback: Some"),
        "{loaded:?}"
    );
    assert_eq!(loaded.info().expect("info").btf_id, 0);
}
