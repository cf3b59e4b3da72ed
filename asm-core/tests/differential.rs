//! Differential test against LLVM 19 (runs in CI; skips with a reason without LLVM unless
//! `EBPF_ASM_NO_SKIP=1`).
//!
//! Thousands of random valid instructions of every class are printed with our `Display`,
//! assembled by `llvm-mc-19 -triple bpf -mcpu=v4 -filetype=obj` and by our `assemble`: the
//! bytes must be equal. LLVM's bytes are then decoded by ours and printed: the text must equal
//! `llvm-objdump-19 -d --mcpu=v4 --no-print-imm-hex -z`, line by line.
//!
//! Forms LLVM 19 cannot express or prints lossily (display.rs's module doc: `call pc+N`,
//! kfunc calls, `ld_pseudo` with a second immediate, `skb[rN + imm]`, load-acquire /
//! store-release, `gotol` beyond 16 bits, `.8byte`) are generated separately and checked by our
//! own round trip instead.
//!
//! `EBPF_ASM_SEED` overrides the seed, `EBPF_ASM_DIFF_COUNT` the number of instructions.

mod support;

use ebpf_asm_core::{
    assemble, decode, AluOp, AtomicOp, ByteOrder, Call, Imm64, Insn, JmpCond, Label, Reg, Size,
    Src, SwapBits, SxSize, Target, Width,
};
use support::Rng;

fn reg(rng: &mut Rng) -> Reg {
    rng.pick(&Reg::ALL)
}

fn width(rng: &mut Rng) -> Width {
    rng.pick(&[Width::W32, Width::W64])
}

fn src(rng: &mut Rng) -> Src {
    if rng.one_in(2) {
        Src::Reg(reg(rng))
    } else {
        Src::Imm(rng.i32_edge())
    }
}

/// A random instruction that LLVM 19 can assemble and llvm-objdump-19 prints losslessly.
fn llvm_insn(rng: &mut Rng, n: usize) -> Insn {
    match rng.below(17) {
        0 | 1 => Insn::Alu {
            width: width(rng),
            op: rng.pick(&AluOp::ALL),
            dst: reg(rng),
            src: src(rng),
        },
        2 => Insn::Neg {
            width: width(rng),
            dst: reg(rng),
        },
        3 => {
            let width = width(rng);
            let from = match width {
                Width::W64 => rng.pick(&SxSize::ALL),
                Width::W32 => rng.pick(&[SxSize::S8, SxSize::S16]),
            };
            Insn::MovSx {
                width,
                dst: reg(rng),
                src: reg(rng),
                from,
            }
        }
        4 => Insn::Endian {
            order: rng.pick(&ByteOrder::ALL),
            bits: rng.pick(&SwapBits::ALL),
            dst: reg(rng),
        },
        5 => {
            let (a, b) = (rng.next_u64() as u16, rng.next_u64() as u16);
            Insn::AddrSpaceCast {
                dst: reg(rng),
                src: reg(rng),
                dst_as: rng.pick(&[0, 1, 65535, a]),
                src_as: rng.pick(&[0, 1, 65535, b]),
            }
        }
        6 | 7 => Insn::Jump {
            width: width(rng),
            cond: rng.pick(&JmpCond::ALL),
            dst: reg(rng),
            src: src(rng),
            target: Target::Offset(rng.i16_edge()),
        },
        8 => match rng.below(3) {
            0 => Insn::Ja {
                target: Target::Offset(rng.i16_edge()),
            },
            // llvm-mc-19 reads only 16-bit literal gotol offsets.
            1 => Insn::JaLong {
                target: Target::Offset(rng.i16_edge() as i32),
            },
            _ => Insn::MayGoto {
                target: Target::Offset(rng.i16_edge()),
            },
        },
        9 => match rng.below(3) {
            0 => Insn::Call(Call::Helper(rng.i32_edge())),
            1 => Insn::CallX { dst: reg(rng) },
            _ => Insn::Exit,
        },
        10 | 11 => {
            let dst = reg(rng);
            let i = rng.i32_edge();
            let imm = match rng.below(8) {
                0 => Imm64::MapFd(i),
                1 => Imm64::MapValue { fd: i, offset: 0 },
                2 => Imm64::BtfId { id: i, module: 0 },
                3 => Imm64::Func(Target::Offset(i)),
                4 => Imm64::MapIdx(i),
                5 => Imm64::MapIdxValue {
                    index: i,
                    offset: 0,
                },
                // Encodes as 0 (an object file before relocation); objdump prints `r1 = 0 ll`.
                6 => Imm64::Symbol(Label::from(format!("map_{n}"))),
                _ => Imm64::Const(rng.i64_edge()),
            };
            Insn::LdImm64 { dst, imm }
        }
        12 => Insn::Load {
            size: rng.pick(&Size::ALL),
            dst: reg(rng),
            src: reg(rng),
            off: rng.i16_edge(),
        },
        13 => Insn::LoadSx {
            size: rng.pick(&SxSize::ALL),
            dst: reg(rng),
            src: reg(rng),
            off: rng.i16_edge(),
        },
        14 => Insn::Store {
            size: rng.pick(&Size::ALL),
            dst: reg(rng),
            off: rng.i16_edge(),
            src: src(rng),
        },
        15 => Insn::Atomic {
            width: width(rng),
            op: rng.pick(&AtomicOp::ALL),
            dst: reg(rng),
            off: rng.i16_edge(),
            src: reg(rng),
        },
        _ => {
            let size = rng.pick(&[Size::U8, Size::U16, Size::U32]);
            if rng.one_in(2) {
                Insn::LdAbs {
                    size,
                    imm: rng.i32_edge(),
                }
            } else {
                Insn::LdInd {
                    size,
                    src: reg(rng),
                    imm: 0,
                }
            }
        }
    }
}

/// A random instruction of a form LLVM 19 lacks or prints lossily.
fn non_llvm_insn(rng: &mut Rng) -> Insn {
    let nonzero = |rng: &mut Rng| match rng.i32_edge() {
        0 => 1,
        v => v,
    };
    match rng.below(10) {
        0 => Insn::Call(Call::Local(Target::Offset(rng.i32_edge()))),
        1 => Insn::Call(Call::Kfunc {
            btf_id: rng.i32_edge(),
            module: rng.i16_edge(),
        }),
        2 => Insn::LdImm64 {
            dst: reg(rng),
            imm: match rng.below(3) {
                0 => Imm64::MapValue {
                    fd: rng.i32_edge(),
                    offset: nonzero(rng),
                },
                1 => Imm64::BtfId {
                    id: rng.i32_edge(),
                    module: nonzero(rng),
                },
                _ => Imm64::MapIdxValue {
                    index: rng.i32_edge(),
                    offset: nonzero(rng),
                },
            },
        },
        3 => Insn::LdInd {
            size: rng.pick(&[Size::U8, Size::U16, Size::U32]),
            src: reg(rng),
            imm: nonzero(rng),
        },
        4 | 5 => Insn::LoadAcquire {
            size: rng.pick(&Size::ALL),
            dst: reg(rng),
            src: reg(rng),
            off: rng.i16_edge(),
        },
        6 | 7 => Insn::StoreRelease {
            size: rng.pick(&Size::ALL),
            dst: reg(rng),
            off: rng.i16_edge(),
            src: reg(rng),
        },
        8 => Insn::JaLong {
            target: Target::Offset(rng.i32_edge()),
        },
        _ => Insn::Raw(rng.next_u64()),
    }
}

/// The variant name and, for ld_imm64, what it loads: how failures are grouped.
fn variant(insn: Option<&Insn>) -> String {
    let d = format!("{insn:?}");
    let d = d.trim_start_matches("Some(");
    let end = d.find([' ', '(', '{', ')']).unwrap_or(d.len());
    match insn {
        Some(Insn::LdImm64 { imm, .. }) => {
            let i = format!("{imm:?}");
            let e = i.find([' ', '(', '{']).unwrap_or(i.len());
            format!("LdImm64 {}", &i[..e])
        }
        _ => d[..end].to_string(),
    }
}

fn count() -> usize {
    std::env::var("EBPF_ASM_DIFF_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5000)
}

/// Index of the instruction containing byte `at`, given each instruction's slot count.
fn insn_at(insns: &[Insn], byte: usize) -> usize {
    let mut slot = 0;
    for (i, insn) in insns.iter().enumerate() {
        slot += insn.slots();
        if slot * 8 > byte {
            return i;
        }
    }
    insns.len()
}

#[test]
fn random_instructions_agree_with_llvm() {
    let Some(llvm) = support::llvm("random_instructions_agree_with_llvm") else {
        return;
    };
    let mut rng = Rng::new(support::seed("differential", 0x5eed_0001));
    let n = count();
    let insns: Vec<Insn> = (0..n).map(|i| llvm_insn(&mut rng, i)).collect();
    let lines: Vec<String> = insns.iter().map(|i| i.to_string()).collect();
    let source: String = lines.iter().map(|l| format!("\t{l}\n")).collect();

    let dir = support::scratch_dir("differential");
    let theirs = llvm
        .assemble(&dir, &source)
        .unwrap_or_else(|e| panic!("llvm-mc-19 rejected our printout: {e}"));
    let ours = assemble(&source).unwrap_or_else(|e| panic!("we rejected our printout:\n{e}"));
    let ours = ours.to_bytes();

    let mut failures = Vec::new();
    if ours != theirs.text {
        // Name each instruction whose bytes differ.
        let len = ours.len().max(theirs.text.len());
        let mut last = usize::MAX;
        for b in 0..len {
            if ours.get(b) != theirs.text.get(b) {
                let i = insn_at(&insns, b);
                if i != last {
                    last = i;
                    let at = insns[..i.min(n)].iter().map(Insn::slots).sum::<usize>() * 8;
                    let slots = insns.get(i).map_or(1, Insn::slots) * 8;
                    let cut =
                        |v: &[u8]| support::hex(&v[at.min(v.len())..(at + slots).min(v.len())]);
                    failures.push((
                        variant(insns.get(i)),
                        format!(
                            "bytes of `{}`: ours {}, llvm-mc-19 {}",
                            lines.get(i).map_or("<end>", String::as_str),
                            cut(&ours),
                            cut(&theirs.text)
                        ),
                    ));
                }
            }
        }
    }

    match decode(&theirs.text) {
        Ok(decoded) => {
            assert_eq!(
                decoded.len(),
                theirs.disasm.len(),
                "instruction count differs"
            );
            for (((d, want), input), insn) in
                decoded.iter().zip(&theirs.disasm).zip(&lines).zip(&insns)
            {
                let got = d.to_string();
                if &got != want {
                    failures.push((
                        variant(Some(insn)),
                        format!("text of `{input}`: ours `{got}`, llvm-objdump-19 `{want}`"),
                    ));
                }
            }
        }
        Err(e) => failures.push((
            "decode".into(),
            format!("we cannot decode llvm-mc-19's bytes: {e}"),
        )),
    }
    // Report by kind of instruction: how many, and the first three of each.
    let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (kind, msg) in failures {
        groups.entry(kind).or_default().push(msg);
    }
    let report: Vec<String> = groups
        .iter()
        .map(|(kind, msgs)| {
            format!(
                "{kind}: {} disagreements\n  {}",
                msgs.len(),
                msgs[..msgs.len().min(3)].join("\n  ")
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "disagreements with LLVM 19 over {n} instructions:\n{}",
        report.join("\n")
    );
}

/// The forms excluded from the LLVM comparison: print → assemble → same bytes, and
/// bytes → decode → same instruction (except `.8byte`, kept verbatim by the assembler only).
#[test]
fn forms_llvm_lacks_round_trip_through_our_text() {
    let mut rng = Rng::new(support::seed("differential-non-llvm", 0x5eed_0002));
    let n = count();
    let insns: Vec<Insn> = (0..n).map(|_| non_llvm_insn(&mut rng)).collect();
    let source: String = insns.iter().map(|i| format!("{i}\n")).collect();
    let program = assemble(&source).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program.insns(), &insns[..]);
    let bytes = program.to_bytes();
    let mut want = Vec::new();
    for i in &insns {
        i.encode().unwrap().write_to(&mut want);
    }
    assert_eq!(bytes, want);
    for insn in &insns {
        if matches!(insn, Insn::Raw(_)) {
            continue;
        }
        let mut b = Vec::new();
        insn.encode().unwrap().write_to(&mut b);
        assert_eq!(
            decode(&b).as_deref(),
            Ok(std::slice::from_ref(insn)),
            "{insn}"
        );
    }
}
