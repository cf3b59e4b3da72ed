//! The kernel's spellings (its `disasm.c`, which the verifier log and bpftool print) in
//! the assembler's: each rewrite keeps every token that stays where it was written, so
//! that a diagnostic's column is the pasted line's.

use crate::model::kernel::helpers::{helper_id, helper_name, HELPER_NAMES};

/// A problem at a byte offset into the instruction's text.
pub(crate) type TextError = (usize, String);

/// The assembler's text for the kernel's instruction `text` with opcode byte `opcode`.
pub(crate) fn rewrite(opcode: u8, text: &str) -> Result<String, TextError> {
    match opcode {
        0x85 => call(text, true).map(|()| text.to_string()),
        0x18 => Ok(ld_imm64(text)),
        // BPF_STX | BPF_ATOMIC, 32 and 64 bits.
        0xc3 | 0xdb => Ok(atomic(text, opcode == 0xdb).unwrap_or_else(|| text.to_string())),
        _ => Ok(text.to_string()),
    }
}

/// Checks `call NAME#ID`: a helper's name must agree with a helper number; in a kernel
/// line (`kernel`), the name must be a helper's. `call pc+N#bpf_prog_TAG_NAME` and
/// `call N` are left to the assembler (`#` starts a comment).
pub(crate) fn call(text: &str, kernel: bool) -> Result<(), TextError> {
    let Some(rest) = text.strip_prefix("call ") else {
        return Ok(());
    };
    let at = text.len() - rest.trim_start().len();
    let rest = rest.trim_start();
    let (name, id) = match rest.split_once('#') {
        Some((n, id)) => (n.trim_end(), Some(id.trim())),
        None => (rest.trim_end(), None),
    };
    if name.starts_with("pc")
        || name.starts_with("kfunc")
        || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    {
        return Ok(());
    }
    let Some(helper) = helper_id(name) else {
        if !kernel {
            return Ok(());
        }
        return Err((
            at,
            format!(
                "`{name}` is not a helper: bpftool and the verifier name the kernel function \
                 a call goes to after loading, and the kernel rewrites some helper calls into \
                 calls of its own functions (`__htab_map_lookup_elem` for \
                 bpf_map_lookup_elem on a hash map), which a program cannot call: write the \
                 helper the program called (`call bpf_map_lookup_elem`)"
            ),
        ));
    };
    let Some(id_text) = id else { return Ok(()) };
    // A number past the helper table is an address offset (bpftool's translated calls).
    match id_text.parse::<i64>() {
        Ok(n) if (0..HELPER_NAMES.len() as i64).contains(&n) && n != i64::from(helper) => {
            let id_at = at + rest.find('#').map_or(0, |n| n + 1);
            let other = helper_name(n as i32)
                .map_or(String::from("no helper"), |o| format!("helper {n} is {o}"));
            Err((
                id_at,
                format!(
                    "`call {name}#{n}` names two helpers: {name} is helper {helper}, and \
                     {other}: write `call {name}` or `call {n}`"
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// `r1 = 0x123456789` (the kernel prints every ld_imm64 without `ll`), `r1 = map[id:5]`
/// and `r1 = map[id:5][0]+8` (bpftool: a map and a map value by map id, as symbols
/// `map_id_5` and `map_id_5_value_8`).
fn ld_imm64(text: &str) -> String {
    let t = text.trim_end();
    let Some(eq) = t.find("= ") else {
        return text.to_string();
    };
    let (head, value) = t.split_at(eq + 2);
    if value.ends_with(" ll") {
        return text.to_string();
    }
    if let Some(m) = value.strip_prefix("map[id:") {
        if let Some((id, rest)) = m.split_once(']') {
            let symbol = match rest.strip_prefix("[0]+") {
                Some(off) => format!("map_id_{id}_value_{off}"),
                None => format!("map_id_{id}"),
            };
            return format!("{head}{symbol} ll");
        }
    }
    format!("{t} ll")
}

/// The kernel's atomics: `rA = atomic64_fetch_add((u64 *)(rB +0), rA)`,
/// `atomic64_xchg`, `atomic64_cmpxchg`, and their 32-bit forms without `64`, which
/// name 32-bit registers rN. `None`: not one of these (left as written).
fn atomic(text: &str, wide: bool) -> Option<String> {
    let mut out = text.to_string();
    if text.starts_with("lock ") {
        if !wide {
            widen_regs_after(&mut out, text.rfind(')')? + 1);
        }
        return Some(out);
    }
    let name_at = text.find("= ")? + 2;
    let paren = name_at + text[name_at..].find('(')?;
    let name = &text[name_at..paren];
    let base = name.strip_prefix(if wide { "atomic64_" } else { "atomic_" })?;
    let new_name = match (base, wide) {
        ("xchg", true) => "xchg_64",
        ("xchg", false) => "xchg32_32",
        ("cmpxchg", true) => "cmpxchg_64",
        ("cmpxchg", false) => "cmpxchg32_32",
        (op, _) if op.starts_with("fetch_") => "",
        _ => return None,
    };
    let close = paren + text[paren..].find(')')? + 1;
    let mem_close = close + text[close..].find(')')? + 1;
    if new_name.is_empty() {
        // `atomic_fetch_add` is the assembler's name for both widths.
        let fetch = format!("atomic_{base}");
        out.replace_range(
            name_at..paren,
            &format!("{fetch:<width$}", width = name.len()),
        );
    } else {
        // `xchg_64(rB +0, rA)`: the cast `((u64 *)` and the memory operand's parentheses
        // become spaces, so the registers stay where they were.
        out.replace_range(
            name_at..paren,
            &format!("{new_name:<width$}", width = name.len()),
        );
        out.replace_range(paren + 1..close + 1, &" ".repeat(close - paren));
        out.replace_range(mem_close - 1..mem_close, " ");
    }
    if !wide {
        widen_regs_after(&mut out, mem_close);
        widen_regs_after_to(&mut out, 0, name_at);
    }
    Some(out)
}

/// Writes every register `rN` from byte `from` on as `wN`.
fn widen_regs_after(text: &mut String, from: usize) {
    let to = text.len();
    widen_regs_after_to(text, from, to);
}

/// Writes every register `rN` in `from..to` as `wN`.
fn widen_regs_after_to(text: &mut String, from: usize, to: usize) {
    let b = text.as_bytes();
    let at: Vec<usize> = (from..to)
        .filter(|&i| {
            b[i] == b'r'
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'_')
        })
        .collect();
    for i in at {
        text.replace_range(i..i + 1, "w");
    }
}
