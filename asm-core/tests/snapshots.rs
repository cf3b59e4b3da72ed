//! insta snapshots: printed programs, and the exact error message of malformed lines.
//!
//! Update after a deliberate change with `INSTA_UPDATE=always cargo test -p ebpf-asm-core
//! --test snapshots` (or `cargo insta review`), and review the diff.

mod support;

use ebpf_asm_core::{assemble, assemble_named, PrintOptions, Program};

const XDP: &str = "\
// Count IPv4 packets per protocol; let everything pass.
xdp_count:
\tr6 = r1
\tr2 = *(u32 *)(r6 + 0)        // data
\tr3 = *(u32 *)(r6 + 4)        // data_end
\tr4 = r2
\tr4 += 34                     # eth + ip header
\tif r4 > r3 goto pass
\tr5 = *(u16 *)(r2 + 12)
\tif r5 != 8 goto pass         /* htons(ETH_P_IP) */
\tr5 = *(u8 *)(r2 + 23)
\t*(u32 *)(r10 - 4) = r5
\tr1 = counters ll
\tr2 = r10; r2 += -4
\tcall bpf_map_lookup_elem
\tif r0 == 0 goto pass
\tr1 = 1
\tlock *(u64 *)(r0 + 0) += r1
\tcall pc+2
pass:
\tr0 = 2                       // XDP_PASS
\texit
sub:
\tr0 = 0
\texit
";

#[test]
fn xdp_program_prints() {
    let p = assemble_named("xdp.s", XDP).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("xdp_listing", p.listing());
    insta::assert_snapshot!("xdp_display", p.to_string());
    // Printed text assembles back to the same bytes.
    assert_eq!(assemble(&p.to_string()).unwrap().to_bytes(), p.to_bytes());
    // Disassembled with synthesised labels: what `bpfasm disasm --labels` shows.
    let back = Program::from_bytes(&p.to_bytes())
        .unwrap()
        .with_synthesized_labels();
    insta::assert_snapshot!("xdp_disassembled_with_labels", back.to_string());
    assert_eq!(
        assemble(&back.to_string()).unwrap().to_bytes(),
        p.to_bytes()
    );
}

const LOOP: &str = "\
main:
\tr6 = 0
loop:
\tmay_goto done
\tr6 += 1
\tif w6 s< 100 goto loop
done:
\tr1 = 4
\tr2 = callback ll
\tr3 = 0
\tr4 = 0
\tcall bpf_loop
\tcall helper_sub
\tgotol out
\tcall kfunc(54321)
\tcall kfunc(54321, 2)
\tld_pseudo r1, 2, 7, 16
\tr0 = *(u16 *)skb[r6 + 14]
out:
\texit
callback:
\tr0 = 0
\texit
helper_sub:
\tcallx r1
\texit
";

#[test]
fn subprograms_and_loops_print() {
    let p = assemble_named("loop.s", LOOP).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("loop_listing", p.listing());
    let back = Program::from_bytes(&p.to_bytes())
        .unwrap()
        .with_synthesized_labels();
    insta::assert_snapshot!("loop_disassembled_with_labels", back.to_string());
    assert_eq!(
        assemble(&back.to_string()).unwrap().to_bytes(),
        p.to_bytes()
    );
}

#[test]
fn every_atomic_prints() {
    let mut src = String::new();
    for (ty, r, suffix) in [("u64", "r", "_64"), ("u32", "w", "32_32")] {
        for op in ["+=", "|=", "&=", "^="] {
            src.push_str(&format!("lock *({ty} *)(r1 - 8) {op} {r}2\n"));
        }
        for op in ["add", "or", "and", "xor"] {
            src.push_str(&format!(
                "{r}3 = atomic_fetch_{op}(({ty} *)(r10 - 16), {r}3)\n"
            ));
        }
        src.push_str(&format!("{r}4 = xchg{suffix}(r5 + 32767, {r}4)\n"));
        src.push_str(&format!("{r}0 = cmpxchg{suffix}(r6 - 32768, {r}0, {r}7)\n"));
    }
    for (ty, r) in [("u8", "w"), ("u16", "w"), ("u32", "w"), ("u64", "r")] {
        src.push_str(&format!("{r}1 = load_acquire(({ty} *)(r2 + 8))\n"));
        src.push_str(&format!("store_release(({ty} *)(r3 + 8), {r}4)\n"));
    }
    let p = assemble(&src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.len(), 28);
    insta::assert_snapshot!("atomics_listing", p.listing());
}

/// Malformed lines, each assembled alone as `bad.s`: the exact message for each.
const MALFORMED: &[&str] = &[
    // Offsets and immediates out of range.
    "r1 = *(u64 *)(r2 + 32768)",
    "r1 = *(u64 *)(r2 - 32769)",
    "*(u32 *)(r10 + 40000) = 1",
    "r1 = *(u64 *)(r2 + -8)",
    "r1 = 4294967296",
    "r1 = -2147483649",
    "w1 += 4294967296",
    "r1 = 1ll",
    "r1 = 0x1ffffffffffffffff ll",
    ".8byte 0x10000000000000000",
    "r10 = 017",
    "call 4294967296",
    "gotol +2147483648",
    "if r1 > 5 goto +32768",
    "goto -32769",
    "r1 = addr_space_cast(r2, 65536, 0)",
    "r1 = addr_space_cast(r2, 0, -1)",
    // Register widths.
    "r1 += w2",
    "w1 = r2",
    "if r1 == w2 goto +1",
    "if w1 > r2 goto +1",
    "w1 = 1 ll",
    "lock *(u64 *)(r1 + 0) += w2",
    "w2 = atomic_fetch_add((u64 *)(r1 + 0), w2)",
    "*(u64 *)(r1 + 0) = w2",
    "store_release((u64 *)(r1 + 0), w2)",
    "callx w1",
    "ld_pseudo w1, 1, 3",
    "w1 = be16 w1",
    // Operand rules.
    "r1 = cmpxchg_64(r2 + 0, r1, r3)",
    "w1 = cmpxchg32_32(r2 + 0, w0, w3)",
    "r0 = cmpxchg_64(r2 + 0, r1, r3)",
    "r1 = xchg_64(r1 + 0, r2)",
    "r2 = atomic_fetch_add((u64 *)(r1 + 0), r3)",
    "lock *(u16 *)(r1 + 0) += w2",
    "w1 = (s32)w2",
    "r1 = le16 r2",
    "r1 = -w1",
    "r1 = -r2",
    "r0 = *(u64 *)skb[0]",
    "r1 = *(s64 *)(r2 + 0)",
    "ld_pseudo r1, 7, 3",
    // Unknown words.
    "frob r1",
    "r11 = 1",
    "r1 = r12",
    "r1 = *(u128 *)(r2 + 0)",
    "r1 = bswap8 r1",
    // Syntax.
    "r1 +=",
    "r1 = *(u64 *)(r2 + )",
    "r1 = *(u32 *)(r2 + 0",
    "exit r0",
    "r1 = (s8)r2 + 1",
    "r1 <<= 1 2",
    "r0 = *(u32 *)skb[r1 + r2]",
    "may_goto r1",
    "/* unterminated",
    // Labels.
    "goto nowhere",
    "a: a: exit",
];

#[test]
fn malformed_lines_have_exact_messages() {
    assert!(MALFORMED.len() >= 40);
    let mut out = String::new();
    for line in MALFORMED {
        match assemble_named("bad.s", line) {
            Ok(p) => panic!("`{line}` assembled to {:?}", p.insns()),
            Err(e) => {
                let same = ebpf_asm_core::assemble_bytecode("bad.s", line).map(|_| ());
                assert_eq!(same.map_err(|e| e.to_string()), Err(e.to_string()));
                assert!(!e.diagnostics.is_empty());
                for d in &e.diagnostics {
                    assert_eq!(&*d.file, "bad.s");
                    assert_eq!(d.line, 1, "`{line}`: {d}");
                    assert!(
                        d.column >= 1 && d.column as usize <= line.len() + 1,
                        "`{line}`: {d}"
                    );
                }
                out.push_str(&format!(
                    "{line}\n    {}\n",
                    e.to_string().replace('\n', "\n    ")
                ));
            }
        }
    }
    insta::assert_snapshot!("malformed_lines", out);
}

#[test]
fn every_error_of_a_file_is_reported() {
    let src = "\
r1 = 1
foo bar
r2 = r11          // bad register
a:
exit
a:
if r1 == w2 goto a
goto missing
r3 = *(u64 *)(r1 + 99999)
";
    let e = assemble_named("many.s", src).unwrap_err();
    insta::assert_snapshot!("many_errors", e.to_string());
    // One `FILE:LINE:COL: error: MESSAGE` line per error, in source order.
    let lines: Vec<u32> = e.diagnostics.iter().map(|d| d.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    assert!(e.diagnostics.len() >= 5, "{e}");
    for l in e.to_string().lines() {
        assert!(l.starts_with("many.s:") && l.contains(": error: "), "{l}");
    }
}

#[test]
fn jump_too_far_is_reported_at_the_jump() {
    let mut src = String::from("r0 = 0\ngoto far\n");
    for _ in 0..40000 {
        src.push_str("r0 = 0\n");
    }
    src.push_str("far:\nexit\n");
    let e = assemble_named("far.s", &src).unwrap_err();
    insta::assert_snapshot!("jump_too_far", e.to_string());
    // The same distance is fine for gotol.
    let ok = src.replace("goto far", "gotol far");
    let p = assemble(&ok).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.resolved(1).to_string(), "gotol +40000");
}

/// Issue 14: helper calls printed by name read back to the same bytes, and the default
/// text (llvm-objdump's) keeps the numbers.
#[test]
fn named_helpers_assemble_back_and_display_keeps_numbers() {
    let p = assemble(XDP).unwrap();
    let named = p
        .display_with(PrintOptions::LLVM.helper_names(true))
        .to_string();
    assert!(named.contains("\tcall bpf_map_lookup_elem\n"), "{named}");
    assert_eq!(assemble(&named).unwrap().to_bytes(), p.to_bytes());
    let plain = p.to_string();
    assert!(plain.contains("\tcall 1\n"), "{plain}");
    assert_eq!(plain, p.display_with(PrintOptions::LLVM).to_string());
    // A number the kernel's table does not name stays a number.
    let unknown = assemble("call 999").unwrap();
    assert_eq!(
        unknown.listing(),
        "   0: 85000000e7030000                 call 999\n"
    );
    // listing_with(LLVM) keeps llvm-objdump's numbers.
    let lookup = assemble("call 1").unwrap();
    assert_eq!(
        lookup.listing_with(PrintOptions::LLVM),
        "   0: 8500000001000000                 call 1\n"
    );
    assert_eq!(
        lookup.listing(),
        "   0: 8500000001000000                 call bpf_map_lookup_elem\n"
    );
}
