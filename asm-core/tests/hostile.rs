//! Inputs written to hurt (issue 15): what the assembler says about them stays short and
//! cannot drive a terminal.

use ebpf_asm_core::assemble_named;

#[test]
fn escape_sequences_in_the_input_print_escaped() {
    let src = "\"\x1b]0;PWNED\x07\x1b[2J\"\n";
    let e = assemble_named("esc.s", src).unwrap_err();
    let shown = e.to_string();
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    assert!(shown.contains("\\u{1b}]0;PWNED\\u{7}"), "{shown:?}");
}

#[test]
fn a_huge_token_is_not_echoed_whole() {
    for src in [
        format!("r0 = {}\nexit\n", "a".repeat(1 << 20)),
        format!("{} r1\n", "x".repeat(1 << 20)),
        format!(".section {}\n", "s".repeat(1 << 20)),
    ] {
        let e = assemble_named("big.s", &src).unwrap_err();
        for d in &e.diagnostics {
            assert!(
                d.message.len() < 600,
                "{} bytes: {:.120}",
                d.message.len(),
                d.message
            );
        }
        assert!(e.to_string().len() < 2000);
    }
}
