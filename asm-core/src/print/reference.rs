//! The instruction reference: every form of the model with its text, encoding and meaning,
//! generated from the code (docs/instructions.md is this output, checked by a test).

use std::fmt::Write;

use crate::model::insn::*;
use crate::model::reg::{Reg, Width};
use crate::model::target::*;

fn width_name(w: Width) -> &'static str {
    match w {
        Width::W32 => "32-bit (upper half of dst zeroed)",
        Width::W64 => "64-bit",
    }
}

fn alu_meaning(op: AluOp) -> &'static str {
    match op {
        AluOp::Add => "dst = dst + src",
        AluOp::Sub => "dst = dst - src",
        AluOp::Mul => "dst = dst * src",
        AluOp::Div => "dst = dst / src, unsigned (division by 0 gives 0)",
        AluOp::SDiv => "dst = dst / src, signed (cpu v4; division by 0 gives 0)",
        AluOp::Or => "dst = dst | src",
        AluOp::And => "dst = dst & src",
        AluOp::Lsh => "dst = dst << src",
        AluOp::Rsh => "dst = dst >> src, logical",
        AluOp::Mod => "dst = dst % src, unsigned (modulo 0 leaves dst)",
        AluOp::SMod => "dst = dst % src, signed (cpu v4)",
        AluOp::Xor => "dst = dst ^ src",
        AluOp::Mov => "dst = src",
        AluOp::Arsh => "dst = dst >> src, arithmetic (sign-filling)",
    }
}

fn cond_meaning(c: JmpCond) -> &'static str {
    match c {
        JmpCond::Eq => "equal",
        JmpCond::Ne => "not equal",
        JmpCond::Gt => "greater, unsigned",
        JmpCond::Ge => "greater or equal, unsigned",
        JmpCond::Lt => "less, unsigned",
        JmpCond::Le => "less or equal, unsigned",
        JmpCond::SGt => "greater, signed",
        JmpCond::SGe => "greater or equal, signed",
        JmpCond::SLt => "less, signed",
        JmpCond::SLe => "less or equal, signed",
        JmpCond::Set => "dst & src is not zero",
    }
}

fn atomic_meaning(op: AtomicOp) -> &'static str {
    match op {
        AtomicOp::Add => "atomically *(addr) += src",
        AtomicOp::Or => "atomically *(addr) |= src",
        AtomicOp::And => "atomically *(addr) &= src",
        AtomicOp::Xor => "atomically *(addr) ^= src",
        AtomicOp::FetchAdd => "atomically *(addr) += src; src = the old value",
        AtomicOp::FetchOr => "atomically *(addr) |= src; src = the old value",
        AtomicOp::FetchAnd => "atomically *(addr) &= src; src = the old value",
        AtomicOp::FetchXor => "atomically *(addr) ^= src; src = the old value",
        AtomicOp::Xchg => "atomically swap *(addr) and src",
        AtomicOp::CmpXchg => "atomically: if *(addr) == r0 then *(addr) = src; r0 = the old value",
    }
}

/// Every form of the instruction model, with what it means.
pub fn instruction_forms() -> Vec<(Insn, String)> {
    use Reg::*;
    let mut v: Vec<(Insn, String)> = Vec::new();
    for width in [Width::W64, Width::W32] {
        for op in AluOp::ALL {
            for src in [Src::Imm(-5), Src::Reg(R2)] {
                let operand = match src {
                    Src::Imm(_) => "immediate",
                    Src::Reg(_) => "register",
                };
                v.push((
                    Insn::Alu {
                        width,
                        op,
                        dst: R1,
                        src,
                    },
                    format!(
                        "{}; {}, {operand} operand",
                        alu_meaning(op),
                        width_name(width)
                    ),
                ));
            }
        }
        v.push((
            Insn::Neg { width, dst: R1 },
            format!("dst = -dst; {}", width_name(width)),
        ));
        for from in SxSize::ALL {
            if width == Width::W32 && from == SxSize::S32 {
                continue;
            }
            v.push((
                Insn::MovSx {
                    width,
                    dst: R1,
                    src: R2,
                    from,
                },
                format!(
                    "dst = src sign-extended from {} bits; {} (cpu v4)",
                    from.bits(),
                    width_name(width)
                ),
            ));
        }
    }
    for order in ByteOrder::ALL {
        for bits in SwapBits::ALL {
            let what = match order {
                ByteOrder::Le => "convert the low bits to little endian (a no-op on x86)",
                ByteOrder::Be => "convert the low bits to big endian",
                ByteOrder::Swap => "swap the bytes of the low bits unconditionally (cpu v4)",
            };
            v.push((
                Insn::Endian {
                    order,
                    bits,
                    dst: R1,
                },
                format!("{what}: {} bits, the rest zeroed", bits.bits()),
            ));
        }
    }
    v.push((
        Insn::AddrSpaceCast {
            dst: R1,
            src: R2,
            dst_as: 1,
            src_as: 0,
        },
        "dst = src converted from address space 0 to 1 (arena pointers)".into(),
    ));
    for width in [Width::W64, Width::W32] {
        for cond in JmpCond::ALL {
            for src in [Src::Imm(7), Src::Reg(R2)] {
                v.push((
                    Insn::Jump {
                        width,
                        cond,
                        dst: R1,
                        src,
                        target: Target::Offset(3),
                    },
                    format!(
                        "jump by 3 slots (after this one) if {} ({} compare)",
                        cond_meaning(cond),
                        match width {
                            Width::W32 => "32-bit",
                            Width::W64 => "64-bit",
                        }
                    ),
                ));
            }
        }
    }
    v.push((
        Insn::Ja {
            target: Target::Offset(-2),
        },
        "jump by a 16-bit offset in slots".into(),
    ));
    v.push((
        Insn::JaLong {
            target: Target::Offset(100_000),
        },
        "jump by a 32-bit offset in slots (cpu v4)".into(),
    ));
    v.push((
        Insn::MayGoto {
            target: Target::Offset(5),
        },
        "jump unless the verifier's loop budget allows another iteration".into(),
    ));
    v.push((
        Insn::Call(Call::Helper(1)),
        "call kernel helper 1 (bpf_map_lookup_elem); args r1-r5, result r0".into(),
    ));
    v.push((
        Insn::Call(Call::Local(Target::Offset(4))),
        "call the subprogram 4 slots after this one (BPF_PSEUDO_CALL)".into(),
    ));
    v.push((
        Insn::Call(Call::Kfunc {
            btf_id: 1234,
            module: 0,
        }),
        "call the kernel function with BTF id 1234 (BPF_PSEUDO_KFUNC_CALL)".into(),
    ));
    v.push((
        Insn::CallX { dst: R2 },
        "call the subprogram whose address is in the register".into(),
    ));
    v.push((Insn::Exit, "return r0 to the caller".into()));
    let ld = |imm: Imm64, what: &str| (Insn::LdImm64 { dst: R1, imm }, what.to_string());
    v.push(ld(
        Imm64::Const(0x1_2345_6789),
        "dst = a 64-bit constant (two slots)",
    ));
    v.push(ld(
        Imm64::MapFd(3),
        "dst = the map with fd 3 (BPF_PSEUDO_MAP_FD)",
    ));
    v.push(ld(
        Imm64::MapValue { fd: 3, offset: 8 },
        "dst = address of byte 8 of map fd 3's value (BPF_PSEUDO_MAP_VALUE)",
    ));
    v.push(ld(
        Imm64::BtfId { id: 77, module: 0 },
        "dst = address of the kernel variable with BTF id 77 (BPF_PSEUDO_BTF_ID)",
    ));
    v.push(ld(
        Imm64::Func(Target::Offset(5)),
        "dst = address of the subprogram at this slot + 5 + 1 (BPF_PSEUDO_FUNC)",
    ));
    v.push(ld(
        Imm64::MapIdx(0),
        "dst = the map at fd_array index 0 (BPF_PSEUDO_MAP_IDX)",
    ));
    v.push(ld(
        Imm64::MapIdxValue {
            index: 0,
            offset: 8,
        },
        "dst = address of byte 8 of that map's value (BPF_PSEUDO_MAP_IDX_VALUE)",
    ));
    v.push(ld(
        Imm64::Symbol(Label::new("counters")),
        "dst = the map or constant named `counters`: encodes as 0 until an Editor rewrites it",
    ));
    for size in Size::ALL {
        v.push((
            Insn::Load {
                size,
                dst: R1,
                src: R2,
                off: -8,
            },
            format!(
                "dst = the {}-bit value at src - 8, zero-extended",
                size.bits()
            ),
        ));
    }
    for size in SxSize::ALL {
        v.push((
            Insn::LoadSx {
                size,
                dst: R1,
                src: R2,
                off: 4,
            },
            format!(
                "dst = the {}-bit value at src + 4, sign-extended (cpu v4)",
                size.bits()
            ),
        ));
    }
    for size in Size::ALL {
        v.push((
            Insn::Store {
                size,
                dst: R10,
                off: -8,
                src: Src::Imm(42),
            },
            format!("store 42 as {} bits at r10 - 8", size.bits()),
        ));
        v.push((
            Insn::Store {
                size,
                dst: R10,
                off: -8,
                src: Src::Reg(R1),
            },
            format!(
                "store the low {} bits of the register at r10 - 8",
                size.bits()
            ),
        ));
    }
    for width in [Width::W64, Width::W32] {
        for op in AtomicOp::ALL {
            v.push((
                Insn::Atomic {
                    width,
                    op,
                    dst: R1,
                    off: 0,
                    src: R2,
                },
                format!(
                    "{} ({} bits)",
                    atomic_meaning(op),
                    match width {
                        Width::W32 => 32,
                        Width::W64 => 64,
                    }
                ),
            ));
        }
    }
    for size in Size::ALL {
        v.push((
            Insn::LoadAcquire {
                size,
                dst: R0,
                src: R1,
                off: 0,
            },
            format!(
                "dst = the {}-bit value at src, with acquire ordering",
                size.bits()
            ),
        ));
        v.push((
            Insn::StoreRelease {
                size,
                dst: R1,
                off: 0,
                src: R2,
            },
            format!(
                "store the low {} bits of src at dst, with release ordering",
                size.bits()
            ),
        ));
    }
    for size in [Size::U8, Size::U16, Size::U32] {
        v.push((
            Insn::LdAbs { size, imm: 12 },
            format!(
                "r0 = {} bits of the packet at offset 12, network order (legacy, socket filters)",
                size.bits()
            ),
        ));
        v.push((
            Insn::LdInd {
                size,
                src: R1,
                imm: 0,
            },
            format!(
                "r0 = {} bits of the packet at offset src (legacy)",
                size.bits()
            ),
        ));
    }
    v.push((
        Insn::Raw(0x0000_0000_0000_0095),
        "one raw slot, kept verbatim (here: exit)".into(),
    ));
    v
}

/// The reference as Markdown: one table row per form, text, bytes and meaning.
pub fn instruction_reference() -> String {
    let mut out = String::new();
    out.push_str(
        "# Instruction reference\n\n\
         Every form of the instruction model: the text `Display` prints and the assembler \
         reads, its bytes in object-file order (`struct bpf_insn`: opcode, dst and src \
         register nibbles, 16-bit offset, 32-bit immediate, little endian), and what it \
         does. Generated from the code by `ebpf_asm::instruction_reference()`; a test \
         checks that this file is its output (`UPDATE_REFERENCE=1 cargo test -p \
         ebpf-asm-core --test reference` rewrites it).\n\n\
         | Text | Bytes | Meaning |\n| --- | --- | --- |\n",
    );
    for (insn, meaning) in instruction_forms() {
        let bytes = match insn.encode() {
            Ok(e) => e
                .slots()
                .iter()
                .flat_map(|s| s.to_bytes())
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
            Err(e) => format!("({e})"),
        };
        let text = insn.to_string().replace('|', "\\|");
        let meaning = meaning.replace('|', "\\|");
        let _ = writeln!(out, "| `{text}` | `{bytes}` | {meaning} |");
    }
    out
}
