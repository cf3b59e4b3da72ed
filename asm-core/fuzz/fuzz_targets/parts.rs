//! Structure-aware fuzz target for the parallel assembler: the fuzzer's bytes choose a
//! sequence of statements (valid and invalid instructions, labels defined once, twice or
//! never, references to them before and after, multi-line comments, `;`-joined
//! statements, directives) and a number of parts. Assembled in that many parts on their own
//! threads (the hook `Assembler::split_in` cuts any input, so small inputs reach the path
//! big ones take) it must give exactly what one piece gives: the same program, or the
//! same diagnostics; and the same bytes through `bytecode`.
#![no_main]

use ebpf_asm_core::Assembler;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const REGS: [&str; 6] = ["r0", "r1", "r2", "r6", "r10", "w3"];
const BAD: [&str; 8] = [
    "r11 = 1",
    "@",
    "goto",
    "+ + +",
    "r1 = 0x1ffffffff",
    "call bpf_no_such_helper",
    "*(u8 *)(r1 + 70000) = r2",
    "\"unterminated",
];

/// One statement, chosen by `u`.
fn statement(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    let label = |u: &mut Unstructured<'_>| -> Result<String> { Ok(format!("L{}", u.int_in_range(0..=40u8)?)) };
    let reg = |u: &mut Unstructured<'_>| -> Result<&str> { Ok(*u.choose(&REGS)?) };
    let imm: i64 = match u.int_in_range(0..=3u8)? {
        0 => u.int_in_range(-8..=8)?,
        1 => i64::from(u.arbitrary::<i32>()?),
        _ => u.arbitrary()?,
    };
    match u.int_in_range(0..=15u8)? {
        0 | 1 => out.push_str(&format!("{}:", label(u)?)),
        2 => out.push_str(&format!("goto {}", label(u)?)),
        3 => out.push_str(&format!("if {} > {imm} goto {}", reg(u)?, label(u)?)),
        4 => out.push_str(&format!("call {}", label(u)?)),
        5 => out.push_str("call bpf_map_lookup_elem"),
        6 => out.push_str(&format!("{} = {imm}", reg(u)?)),
        7 => out.push_str(&format!("{} += {}", reg(u)?, reg(u)?)),
        8 => out.push_str(&format!("r1 = {imm} ll")),
        9 => out.push_str(&format!("r2 = {} ll", label(u)?)),
        10 => out.push_str(&format!("r0 = *(u32 *)({} + {})", reg(u)?, imm as i16)),
        11 => out.push_str(u.choose(&BAD)?),
        12 => out.push_str("/* a comment\nover lines */"),
        13 => out.push_str(&format!(".extern {}", label(u)?)),
        14 => out.push_str("exit"),
        _ => out.push_str("// a comment"),
    }
    out.push_str(if u.ratio(1, 8)? { "; " } else { "\n" });
    Ok(())
}

fn input(u: &mut Unstructured<'_>) -> Result<(String, usize)> {
    let parts = u.int_in_range(2..=8)?;
    let mut src = String::new();
    while !u.is_empty() && src.len() < 64 << 10 {
        statement(u, &mut src)?;
    }
    Ok((src, parts))
}

fuzz_target!(|data: &[u8]| {
    let Ok((src, parts)) = input(&mut Unstructured::new(data)) else {
        return;
    };
    let whole = Assembler::new("f.s").threads(1);
    let split = Assembler::new("f.s").split_in(parts);
    let (a, b) = (whole.program(&src), split.program(&src));
    assert_eq!(a, b, "{parts} parts differ from one piece:\n{src}");
    let (c, d) = (whole.bytecode(&src), split.bytecode(&src));
    match (&c, &d) {
        (Ok(c), Ok(d)) => assert_eq!(c.to_raw(), d.to_raw(), "bytecode in parts:\n{src}"),
        (Err(c), Err(d)) => assert_eq!(c, d, "bytecode diagnostics in parts:\n{src}"),
        _ => panic!("bytecode: one piece {c:?}, in parts {d:?}:\n{src}"),
    }
    match (&a, &c) {
        (Ok(p), Ok(code)) => assert_eq!(p.to_raw(), code.to_raw()),
        (Err(e), Err(f)) => assert_eq!(e, f),
        _ => panic!("program and bytecode disagree:\n{src}"),
    }
});
