//! Inputs of a megabyte or more are parsed in parts on several threads, and
//! `assemble_bytecode` encodes without forming a `Program`. Both must give exactly what
//! the one-piece `Program` path (`Assembler::threads(1)`) gives: the same instructions,
//! labels, source locations, bytes and diagnostics.

#[path = "../benches/common/workload.rs"]
mod workload;

use ebpf_asm_core::{assemble_bytecode, assemble_named, AsmError, Assembler, Program};

/// The benchmark workload plus references that cross parts: calls and function
/// addresses to a subprogram defined at the end, a far `gotol`, a map symbol and an
/// external call declared near the end.
fn large_input() -> String {
    let body = workload::assembly(80_000);
    assert!(body.len() > 1 << 20, "must take the parallel path");
    let mut s = String::new();
    s.push_str("call far_sub\nr1 = far_sub ll\nr2 = my_map ll\ngotol far_label\ncall ext\n");
    s.push_str(&body);
    s.push_str("far_label:\nr0 = 0\nexit\n.extern ext\nfar_sub:\nr0 = 1\nexit");
    s
}

fn one_piece() -> Assembler<'static> {
    Assembler::new("big.s").threads(1)
}

fn same_program(a: &Program, b: &Program) {
    assert_eq!(a.insns(), b.insns());
    assert_eq!(a.labels(), b.labels());
    assert_eq!(a.source_map(), b.source_map());
    assert_eq!(a.to_bytes(), b.to_bytes());
}

#[test]
fn parts_give_the_program_of_one_piece() {
    let src = large_input();
    let parts = assemble_named("big.s", &src).unwrap_or_else(|e| panic!("{e}"));
    let whole = one_piece().program(&src).unwrap_or_else(|e| panic!("{e}"));
    same_program(&parts, &whole);
    // Locations of the last instructions name their real lines.
    let last = parts.location(parts.len() - 1).expect("a location");
    assert_eq!(last.line as usize, src.lines().count());
    assert_eq!(parts.label("far_sub"), Some(parts.len() - 2));
}

#[test]
fn bytecode_gives_the_bytes_of_the_program() {
    let src = large_input();
    let program = assemble_named("big.s", &src).unwrap_or_else(|e| panic!("{e}"));
    let whole = one_piece().bytecode(&src).unwrap_or_else(|e| panic!("{e}"));
    let parts = assemble_bytecode("big.s", &src).unwrap_or_else(|e| panic!("{e}"));
    for code in [parts, whole] {
        assert_eq!(code.to_raw(), program.to_raw());
        assert!(code.slots().eq(program.to_raw().iter()));
        assert_eq!(code.to_bytes(), program.to_bytes());
        assert_eq!(code.len(), program.len());
        let sizes: Vec<usize> = code.instructions().map(<[_]>::len).collect();
        let want: Vec<usize> = program.insns().iter().map(|i| i.slots()).collect();
        assert_eq!(sizes, want);
    }
}

fn same_errors(src: &str) -> AsmError {
    let parts = assemble_named("big.s", src).expect_err("has errors");
    let whole = one_piece().program(src).expect_err("has errors");
    assert_eq!(parts.to_string(), whole.to_string());
    let code = assemble_bytecode("big.s", src).expect_err("has errors");
    assert_eq!(code.to_string(), parts.to_string());
    parts
}

#[test]
fn errors_in_late_parts_name_their_lines() {
    let src = large_input();
    let lines: Vec<&str> = src.lines().collect();
    let n = lines.len();
    // A bad line near the end, a label defined in the first and the last part, an
    // undefined label and a jump that does not fit.
    let mut bad: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    bad[n - 10] = "r1 = r11".into();
    bad[3] = "dup: r0 = 0".into();
    bad[n - 20] = "dup: r0 = 0".into();
    bad[n - 30] = "goto nowhere".into();
    bad[2] = "goto far_label".into();
    let e = same_errors(&bad.join("\n"));
    let at: Vec<(u32, String)> = e
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.clone()))
        .collect();
    assert!(
        at.iter()
            .any(|(l, m)| *l as usize == n - 9 && m.contains("r11")),
        "{e}"
    );
    assert!(
        at.iter()
            .any(|(l, m)| *l as usize == n - 19 && m.contains("already defined at line 4")),
        "{e}"
    );
    assert!(
        at.iter()
            .any(|(l, m)| *l as usize == n - 29 && m.contains("nowhere")),
        "{e}"
    );
    assert!(at.iter().any(|(l, _)| *l == 3), "the far jump: {e}");
}

#[test]
fn a_label_defined_in_two_parts_only() {
    let src = large_input();
    let mut bad = String::from("twice: r0 = 0\n");
    bad.push_str(&src);
    bad.push_str("\ntwice: exit");
    let e = same_errors(&bad);
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    assert!(
        e.diagnostics[0]
            .message
            .contains("already defined at line 1"),
        "{e}"
    );
}
