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
