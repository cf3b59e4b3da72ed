//! One grammar: `program!` (Rust tokens, at compile time) and `assemble` (text, at run
//! time) must produce the same program from the same source — same instructions, bytes,
//! labels, references and printed text. Also: every instruction the macro emits knows the
//! Rust line that wrote it.

use ebpf_asm::{assemble, assemble_named, include_asm, program, Label, Program, RefKind};

/// The references as plain data: (index, name, is a call), without source locations
/// (which name different files for the two front ends).
fn refs(p: &Program) -> Vec<(usize, String, bool)> {
    p.clone()
        .editor()
        .references()
        .into_iter()
        .map(|r| (r.index, r.name.to_string(), r.kind == RefKind::Call))
        .collect()
}

fn symbols(p: &Program) -> Vec<(usize, Label)> {
    p.references().map(|(i, l)| (i, l.clone())).collect()
}

#[track_caller]
fn assert_same(name: &str, from_macro: &Program, from_text: &Program) {
    assert!(!from_macro.is_empty(), "{name}: empty program");
    assert_eq!(
        from_macro.insns(),
        from_text.insns(),
        "{name}: instructions"
    );
    assert_eq!(from_macro.to_bytes(), from_text.to_bytes(), "{name}: bytes");
    assert_eq!(from_macro.labels(), from_text.labels(), "{name}: labels");
    assert_eq!(symbols(from_macro), symbols(from_text), "{name}: symbols");
    assert_eq!(refs(from_macro), refs(from_text), "{name}: references");
    assert_eq!(
        from_macro.to_string(),
        from_text.to_string(),
        "{name}: printed text"
    );
    // And the printout is itself a source of the same program.
    let again = assemble(&from_macro.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        again.to_bytes(),
        from_macro.to_bytes(),
        "{name}: reassembled"
    );
}

/// A `.s` file through `include_asm!` and through `assemble_named` on its text.
macro_rules! same_file {
    ($test:ident, $path:tt) => {
        #[test]
        fn $test() {
            let from_macro = include_asm!($path);
            let name = $path;
            let from_text =
                assemble_named(name, include_str!($path)).unwrap_or_else(|e| panic!("{e}"));
            assert_same(name, &from_macro, &from_text);
            // Both name the .s file and its lines.
            assert_eq!(from_macro.source_map(), from_text.source_map(), "{name}");
            assert_eq!(&*from_macro.location(0).unwrap().file, name);
        }
    };
}

same_file!(file_xdp_parser, "asm/xdp_parser.s");
same_file!(file_map_counter, "asm/map_counter.s");
same_file!(file_subprograms, "asm/subprograms.s");
same_file!(file_atomics, "asm/atomics.s");
same_file!(file_jumps, "asm/jumps.s");
same_file!(file_alu, "asm/alu.s");
same_file!(file_ld_pseudo, "asm/ld_pseudo.s");
same_file!(file_packet_loads, "asm/packet_loads.s");
same_file!(file_misc_forms, "asm/misc_forms.s");
same_file!(file_tc_classifier, "asm/tc_classifier.s");
same_file!(file_generated_mix, "asm/generated_mix.s");

/// An inline program (statements ended by `;`) through `program!` and through
/// `assemble(stringify!(...))`: exactly the same tokens, one as Rust, one as text.
macro_rules! same_inline {
    ($test:ident: $($t:tt)*) => {
        #[test]
        fn $test() {
            let from_macro = program! { $($t)* };
            // stringify! wraps long output; every statement ends with `;` anyway.
            let text = stringify!($($t)*).replace('\n', " ");
            let from_text = assemble(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_same(stringify!($test), &from_macro, &from_text);
        }
    };
}

same_inline!(inline_xdp_pass:
    r0 = 2; exit;
);

same_inline!(inline_map_counter:
    r1 = 0; *(u32 *)(r10 - 4) = r1;
    r2 = r10; r2 += -4;
    r1 = counters ll;
    call bpf_map_lookup_elem;
    if r0 == 0 goto out;
    r1 = 1;
    lock *(u64 *)(r0 + 0) += r1;
    out: r0 = 0; exit;
);

same_inline!(inline_subprograms:
    r1 = 5; call double; call triple; exit;
    double: r0 = r1; r0 <<= 1; exit;
    triple: r0 = r1; r0 *= 3; r2 = double ll; callx r2; exit;
);

// LLVM's literal and label forms (issue 14), as Rust tokenizes them: numeric labels and
// their `1b`/`1f` references, C suffixes (Rust suffixes to the tokenizer), character
// literals, constant expressions, 64-bit spellings of 32-bit values, capitalised first
// words, and a u32 atomic add with an rN value.
same_inline!(inline_llvm_literal_forms:
    R1 = 1; W2 = 'a'; r3 = 1 << 4; r4 = (5 + 3) * 2 - ~0; r5 = 0xffffffffffffff00;
    r6 = 5ULL ll; r7 = 0x10UL; w8 = '\n'; r9 = 4 - 1 & 2;
    1: r0 = *(u32 *)(r1 + 2 * 4); if r0 == 'x' goto 1f; r0 += -1; goto 1b;
    1: lock *(u32 *)(r1 + 0) += r2; CALL 1; Exit;
);

same_inline!(inline_every_atomic:
    lock *(u64 *)(r1 + 0) += r2; lock *(u64 *)(r1 + 0) |= r2;
    lock *(u64 *)(r1 + 0) &= r2; lock *(u64 *)(r1 + 0) ^= r2;
    lock *(u32 *)(r1 + 4) += w2; lock *(u32 *)(r1 + 4) |= w2;
    lock *(u32 *)(r1 + 4) &= w2; lock *(u32 *)(r1 + 4) ^= w2;
    r2 = atomic_fetch_add((u64 *)(r1 + 0), r2); r2 = atomic_fetch_or((u64 *)(r1 + 0), r2);
    r2 = atomic_fetch_and((u64 *)(r1 + 0), r2); r2 = atomic_fetch_xor((u64 *)(r1 + 0), r2);
    w2 = atomic_fetch_add((u32 *)(r1 - 4), w2); w2 = atomic_fetch_or((u32 *)(r1 - 4), w2);
    w2 = atomic_fetch_and((u32 *)(r1 - 4), w2); w2 = atomic_fetch_xor((u32 *)(r1 - 4), w2);
    r3 = xchg_64(r1 + 8, r3); w3 = xchg32_32(r1 + 8, w3);
    r0 = cmpxchg_64(r1 + 16, r0, r4); w0 = cmpxchg32_32(r1 + 16, w0, w4);
    r5 = load_acquire((u64 *)(r1 + 0)); store_release((u64 *)(r1 + 0), r5);
    w5 = load_acquire((u8 *)(r1 + 0)); store_release((u16 *)(r1 + 0), w5);
    exit;
);

same_inline!(inline_every_jump:
    back:
    if r1 == r2 goto back; if r1 != r2 goto back; if r1 > r2 goto back;
    if r1 >= r2 goto back; if r1 < r2 goto back; if r1 <= r2 goto back;
    if r1 s> r2 goto back; if r1 s>= r2 goto back; if r1 s< r2 goto back;
    if r1 s<= r2 goto back; if r1 & r2 goto back;
    if w1 == 1 goto fwd; if w1 != 1 goto fwd; if w1 > 1 goto fwd;
    if w1 >= 1 goto fwd; if w1 < 1 goto fwd; if w1 <= 1 goto fwd;
    if w1 s> -1 goto fwd; if w1 s>= -1 goto fwd; if w1 s< -1 goto fwd;
    if w1 s<= -1 goto fwd; if w1 & 0x80 goto fwd;
    if r1 == 0xffffffff goto +2; if w1 != w2 goto -3;
    goto fwd; gotol back; may_goto fwd; goto +0;
    fwd: exit;
);

same_inline!(inline_every_alu_64:
    r1 = r2; r1 += r2; r1 -= r2; r1 *= r2; r1 /= r2; r1 s/= r2; r1 %= r2; r1 s%= r2;
    r1 |= r2; r1 &= r2; r1 ^= r2; r1 <<= r2; r1 >>= r2; r1 s>>= r2;
    r1 = 7; r1 += 7; r1 -= 7; r1 *= 7; r1 /= 7; r1 s/= -7; r1 %= 7; r1 s%= -7;
    r1 |= 7; r1 &= 7; r1 ^= 7; r1 <<= 7; r1 >>= 7; r1 s>>= 7;
    r1 = -r1; r1 = (s8)r2; r1 = (s16)r2; r1 = (s32)r2;
    r1 = le16 r1; r1 = le32 r1; r1 = le64 r1; r1 = be16 r1; r1 = be32 r1; r1 = be64 r1;
    r1 = bswap16 r1; r1 = bswap32 r1; r1 = bswap64 r1;
    r1 = addr_space_cast(r1, 1, 0);
    exit;
);

same_inline!(inline_every_alu_32:
    w1 = w2; w1 += w2; w1 -= w2; w1 *= w2; w1 /= w2; w1 s/= w2; w1 %= w2; w1 s%= w2;
    w1 |= w2; w1 &= w2; w1 ^= w2; w1 <<= w2; w1 >>= w2; w1 s>>= w2;
    w1 = 7; w1 += 7; w1 -= 7; w1 *= 7; w1 /= 7; w1 s/= -7; w1 %= 7; w1 s%= -7;
    w1 |= 7; w1 &= 7; w1 ^= 7; w1 <<= 7; w1 >>= 7; w1 s>>= 7;
    w1 = -w1; w1 = (s8)w2; w1 = (s16)w2; w1 = 0xffffffff; w1 = -2147483648;
    exit;
);

same_inline!(inline_ld_imm64_forms:
    r1 = 0x1122334455667788 ll; r1 = -1 ll; r1 = 18446744073709551615 ll;
    r2 = my_map ll; r3 = sub ll;
    ld_pseudo r1, 0, 5, 6; ld_pseudo r1, 1, 3; ld_pseudo r1, 2, 3, 8;
    ld_pseudo r1, 3, 100, 1; ld_pseudo r1, 4, 1; ld_pseudo r1, 5, 2; ld_pseudo r1, 6, 2, 24;
    exit;
    sub: r0 = 0; exit;
);

// Global data and names that are not one word (`.rodata.str1.1`) are quoted symbols.
same_inline!(inline_quoted_symbols:
    r1 = ".rodata.str1.1_value_0" ll; r2 = ".bss" ll; r3 = "le16" ll; r4 = "r1" ll;
    exit;
);

same_inline!(inline_memory_and_packets:
    r1 = *(u8 *)(r2 + 0); r1 = *(u16 *)(r2 - 2); r1 = *(u32 *)(r2 + 4); r1 = *(u64 *)(r2 - 32768);
    r1 = *(s8 *)(r2 + 0); r1 = *(s16 *)(r2 + 0); r1 = *(s32 *)(r2 + 32767);
    *(u8 *)(r10 - 1) = w1; *(u16 *)(r10 - 2) = 0xffff; *(u32 *)(r10 - 4) = -1;
    *(u64 *)(r10 - 8) = r1;
    r0 = *(u8 *)skb[12]; r0 = *(u16 *)skb[r6]; r0 = *(u32 *)skb[r6 + 2];
    exit;
);

same_inline!(inline_calls_and_raw:
    call 1; call bpf_map_lookup_elem; call bpf_trace_printk; call kfunc(77);
    call kfunc(77, 3); call pc+1; callx r5;
    .8byte 0x95; .8byte 0xdeadbeefcafef00d;
    exit;
);

// The same programs with line breaks ending statements (and comments), against the same
// text written as a string: both front ends read line breaks as statement ends.

#[test]
fn line_breaks_end_statements() {
    let from_macro = program! {
        r6 = r1                        // keep the context
        r2 = *(u32 *)(r6 + 4)          # a hash comment, also to the end of the line
        r1 = *(u32 *)(r6 + 0)
        r1 += 14
        if r1 > r2 goto drop
        r0 = 2; exit
    drop:
        r0 = 1
        exit
    };
    let from_text = assemble(
        "r6 = r1 // keep the context
         r2 = *(u32 *)(r6 + 4)  # comments
         r1 = *(u32 *)(r6 + 0)
         r1 += 14
         if r1 > r2 goto drop
         r0 = 2; exit
         drop:
         r0 = 1
         exit",
    )
    .unwrap();
    assert_same("line breaks", &from_macro, &from_text);
    assert_eq!(from_macro.len(), 9);
}

#[test]
fn statements_may_follow_a_label_on_its_line() {
    let from_macro = program! {
        start: r0 = 0
        goto start
    };
    let from_text = assemble("start: r0 = 0\ngoto start").unwrap();
    assert_same("label line", &from_macro, &from_text);
    assert_eq!(from_macro.label("start"), Some(0));
}

#[test]
fn a_label_at_the_end_and_two_labels_at_one_place() {
    let from_macro = program! {
        goto end
        a:
        b:
        r0 = 0
        goto a
        end:
    };
    let from_text = assemble("goto end\na:\nb:\nr0 = 0\ngoto a\nend:").unwrap();
    assert_same("labels", &from_macro, &from_text);
    assert_eq!(from_macro.label("end"), Some(3));
    assert_eq!(from_macro.label("b"), Some(1));
}

#[test]
fn an_external_call_is_a_reference_in_both() {
    let from_macro = program! {
        .extern elsewhere
        call elsewhere
        exit
    };
    let from_text = assemble(".extern elsewhere\ncall elsewhere\nexit").unwrap();
    assert_same("external", &from_macro, &from_text);
    assert_eq!(refs(&from_macro), vec![(0, "elsewhere".to_owned(), true)]);
}

#[test]
fn locations_name_the_rust_lines() {
    let first = line!() + 2;
    let prog = program! {
        r1 = 0
        *(u32 *)(r10 - 4) = r1

        r2 = r10; r2 += -4
        r1 = counters ll
        call bpf_map_lookup_elem
    out:
        exit
    };
    let lines: Vec<u32> = (0..prog.len())
        .map(|i| prog.location(i).unwrap().line)
        .collect();
    let expected = [0, 1, 3, 3, 4, 5, 7].map(|d| first + d);
    assert_eq!(lines, expected);
    // Columns point at the first token of each statement (1-based).
    assert_eq!(prog.location(0).unwrap().column, 9);
    assert_eq!(prog.location(2).unwrap().column, 9);
    assert_eq!(prog.location(3).unwrap().column, 19);
    // The file is the one `file!()` names.
    assert_eq!(&*prog.location(0).unwrap().file, file!());
    assert_eq!(prog.label("out"), Some(6));
}

#[test]
fn locations_of_include_asm_name_the_s_file_lines() {
    let prog = include_asm!("asm/xdp_parser.s");
    let text = include_str!("asm/xdp_parser.s");
    // Line of each instruction: skip comment-only and label lines.
    let insn_lines: Vec<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#') && !l.ends_with(':')
        })
        .map(|(i, _)| i as u32 + 1)
        .collect();
    let got: Vec<u32> = (0..prog.len())
        .map(|i| prog.location(i).unwrap().line)
        .collect();
    assert_eq!(got, insn_lines);
    assert_eq!(prog.location(0).unwrap().column, 2, "after the tab");
}
