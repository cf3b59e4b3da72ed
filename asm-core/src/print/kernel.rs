//! Printing a kernel-translated program as `bpftool prog dump xlated` does: the kernel's
//! own spelling (`kernel/bpf/disasm.c`: `(r1 +4)`, `if r1 == 0x0 goto pc+2`,
//! `atomic64_fetch_add`, `call name#imm`) with bpftool's names for calls and maps.
//!
//! Deliberate differences from bpftool 7.1, whose copy of the kernel's printer predates
//! some instructions: a per-CPU address move prints as Linux 6.18 prints it,
//! `r0 = &(void __percpu *)(r0)` (bpftool 7.1: `r0 = r0`), and so do the cpu v4 forms
//! (signed division `s/=` and `s%=`, which bpftool 7.1 prints `/=` and `%=`;
//! sign-extending moves and loads, `gotol`, `may_goto`, load-acquire); `callx r2` and
//! an unresolved label print as LLVM does, since the kernel never writes them.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::model::insn::*;
use crate::model::kernel::helpers::HELPER_NAMES;
use crate::model::reg::{Reg, Width};
use crate::model::target::Target;
use crate::model::xlated::XlatedInsn;

/// What bpftool looks up to name the calls of a translated program: `/proc/kallsyms` and
/// the program's `jited_ksyms`. Empty (the default), calls print as bpftool prints them
/// when it can read neither: addresses in hex, bpf-to-bpf calls as `pc+N` alone.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct KernelSymbols {
    /// The address of `__bpf_call_base`, to which a kernel call's `imm` is relative.
    pub call_base: Option<u64>,
    /// The address of each subprogram's JIT image, by subprogram index (the program's
    /// `jited_ksyms`); empty for a program that is not JIT-ed.
    pub jited_ksyms: Vec<u64>,
    /// Kernel symbol names by address (at least those of the calls).
    pub names: HashMap<u64, String>,
}

impl KernelSymbols {
    /// The address a kernel call with this `imm` reaches, as bpftool computes it.
    pub fn call_address(&self, imm: i32) -> u64 {
        self.call_base.unwrap_or(0).wrapping_add(imm as i64 as u64)
    }

    /// bpftool's name for a kernel address: the symbol, or the address in hex.
    fn name(&self, address: u64) -> String {
        match self.names.get(&address) {
            Some(n) => n.clone(),
            None => format!("{address:#x}"),
        }
    }
}

impl XlatedInsn {
    /// The instruction as `bpftool prog dump xlated` prints it, after the `(code) `
    /// prefix: `r1 = map[id:7]`, `call __htab_map_lookup_elem#343280`,
    /// `call pc+5#bpf_prog_0fd1e0bd09915235_sub`.
    ///
    /// ```
    /// use ebpf_asm_core::{decode_xlated, KernelSymbols};
    /// let bytes = [0x15, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00];
    /// let insn = &decode_xlated(&bytes).unwrap()[0];
    /// assert_eq!(insn.kernel_text(&KernelSymbols::default()), "if r1 == 0x0 goto pc+2");
    /// ```
    pub fn kernel_text(&self, syms: &KernelSymbols) -> String {
        let mut p = Printer {
            out: String::new(),
            ax: None,
        };
        p.xlated(self, syms);
        p.out
    }
}

/// Builds one instruction's kernel text; `ax` is the register that stands for r11.
struct Printer {
    out: String,
    ax: Option<Reg>,
}

/// `+3`, `-3`, `+0`: C's `%+d`.
fn signed(v: i64) -> String {
    format!("{v:+}")
}

impl Printer {
    fn s(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// `r1`/`w1`, or `r11`/`w11` for the stand-in of the auxiliary register.
    fn reg(&mut self, r: Reg, width: Width) {
        let c = if width == Width::W32 { 'w' } else { 'r' };
        let n = if Some(r) == self.ax { 11 } else { r.index() };
        let _ = write!(self.out, "{c}{n}");
    }

    fn r(&mut self, r: Reg) {
        self.reg(r, Width::W64);
    }

    /// `(r1 +4)`, `(r10 -8)`.
    fn mem(&mut self, size: &str, base: Reg, off: i16) {
        let _ = write!(self.out, "({size} *)(");
        self.r(base);
        let _ = write!(self.out, " {})", signed(off.into()));
    }

    fn xlated(&mut self, insn: &XlatedInsn, syms: &KernelSymbols) {
        match insn {
            XlatedInsn::Insn(i) => self.insn(i, syms),
            XlatedInsn::WithAx { insn, ax } => {
                self.ax = Some(*ax);
                self.insn(insn, syms);
            }
            XlatedInsn::SubprogCall { offset, imm } => {
                let _ = write!(self.out, "call pc{}", signed((*offset).into()));
                if !syms.jited_ksyms.is_empty() {
                    let address = usize::try_from(*imm)
                        .ok()
                        .and_then(|i| syms.jited_ksyms.get(i).copied())
                        .unwrap_or_else(|| syms.call_address(*imm));
                    let _ = write!(self.out, "#{}", syms.name(address));
                }
            }
            XlatedInsn::KernelCall { imm } | XlatedInsn::KfuncCall { imm, .. } => {
                self.kernel_call(*imm, syms)
            }
            XlatedInsn::Map { dst, id } => {
                self.r(*dst);
                let _ = write!(self.out, " = map[id:{id}]");
            }
            XlatedInsn::MapValue { dst, id, offset } => {
                self.r(*dst);
                let _ = write!(self.out, " = map[id:{id}][0]+{offset}");
            }
            XlatedInsn::FuncAddr { dst, offset, .. } => {
                self.r(*dst);
                let _ = write!(self.out, " = subprog[{}]", signed((*offset).into()));
            }
            XlatedInsn::PercpuAddr { dst, src } => {
                self.r(*dst);
                self.s(" = &(void __percpu *)(");
                self.r(*src);
                self.s(")");
            }
            XlatedInsn::Nospec => self.s("nospec"),
        }
    }

    /// `call name#imm`: a helper number by the kernel's table, else the symbol at
    /// `__bpf_call_base + imm`, else that address in hex.
    fn kernel_call(&mut self, imm: i32, syms: &KernelSymbols) {
        let name = match usize::try_from(imm).ok().and_then(|i| HELPER_NAMES.get(i)) {
            Some(n) => (*n).to_string(),
            None => syms.name(syms.call_address(imm)),
        };
        let _ = write!(self.out, "call {name}#{imm}");
    }

    fn insn(&mut self, insn: &Insn, syms: &KernelSymbols) {
        match insn {
            Insn::Alu { .. }
            | Insn::Neg { .. }
            | Insn::MovSx { .. }
            | Insn::Endian { .. }
            | Insn::AddrSpaceCast { .. } => self.alu(insn),
            Insn::Load { .. }
            | Insn::LoadSx { .. }
            | Insn::Store { .. }
            | Insn::Atomic { .. }
            | Insn::LoadAcquire { .. }
            | Insn::StoreRelease { .. }
            | Insn::LdAbs { .. }
            | Insn::LdInd { .. } => self.memory(insn),
            Insn::LdImm64 { dst, imm } => self.ld_imm64(*dst, imm),
            Insn::Raw(w) => {
                let _ = write!(self.out, ".8byte {w:#018x}");
            }
            _ => self.flow(insn, syms),
        }
    }

    fn alu(&mut self, insn: &Insn) {
        match insn {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => {
                self.reg(*dst, *width);
                let _ = write!(self.out, " {} ", op.operator());
                match src {
                    Src::Reg(r) => self.reg(*r, *width),
                    Src::Imm(i) => {
                        let _ = write!(self.out, "{i}");
                    }
                }
            }
            Insn::Neg { width, dst } => {
                self.reg(*dst, *width);
                self.s(" = -");
                self.reg(*dst, *width);
            }
            Insn::MovSx {
                width,
                dst,
                src,
                from,
            } => {
                self.reg(*dst, *width);
                let _ = write!(self.out, " = (s{})", from.bits());
                self.reg(*src, *width);
            }
            Insn::Endian { order, bits, dst } => {
                self.r(*dst);
                let _ = write!(self.out, " = {}{} ", order.mnemonic(), bits.bits());
                self.r(*dst);
            }
            Insn::AddrSpaceCast {
                dst,
                src,
                dst_as,
                src_as,
            } => {
                self.r(*dst);
                self.s(" = addr_space_cast(");
                self.r(*src);
                let _ = write!(self.out, ", {dst_as}, {src_as})");
            }
            _ => {}
        }
    }

    fn memory(&mut self, insn: &Insn) {
        match insn {
            Insn::Load {
                size,
                dst,
                src,
                off,
            } => {
                self.r(*dst);
                self.s(" = *");
                self.mem(&size.to_string(), *src, *off);
            }
            Insn::LoadSx {
                size,
                dst,
                src,
                off,
            } => {
                self.r(*dst);
                self.s(" = *");
                self.mem(&size.to_string(), *src, *off);
            }
            Insn::Store {
                size,
                dst,
                off,
                src,
            } => {
                self.s("*");
                self.mem(&size.to_string(), *dst, *off);
                self.s(" = ");
                match src {
                    Src::Reg(r) => self.r(*r),
                    Src::Imm(i) => {
                        let _ = write!(self.out, "{i}");
                    }
                }
            }
            Insn::Atomic {
                width,
                op,
                dst,
                off,
                src,
            } => self.atomic(*width, *op, *dst, *off, *src),
            Insn::LoadAcquire {
                size,
                dst,
                src,
                off,
            } => {
                self.r(*dst);
                self.s(" = load_acquire(");
                self.mem(&size.to_string(), *src, *off);
                self.s(")");
            }
            Insn::StoreRelease {
                size,
                dst,
                off,
                src,
            } => {
                self.s("store_release(");
                self.mem(&size.to_string(), *dst, *off);
                self.s(", ");
                self.r(*src);
                self.s(")");
            }
            Insn::LdAbs { size, imm } => {
                let _ = write!(self.out, "r0 = *({size} *)skb[{imm}]");
            }
            Insn::LdInd { size, src, imm } => {
                let _ = write!(self.out, "r0 = *({size} *)skb[");
                self.r(*src);
                let _ = write!(self.out, " + {imm}]");
            }
            _ => {}
        }
    }

    /// `lock *(u64 *)(r1 +0) += r2`, `r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)`, ...
    fn atomic(&mut self, width: Width, op: AtomicOp, dst: Reg, off: i16, src: Reg) {
        let (size, bits) = match width {
            Width::W32 => ("u32", ""),
            Width::W64 => ("u64", "64"),
        };
        let (name, lock) = match op {
            AtomicOp::Add => ("+=", true),
            AtomicOp::Or => ("|=", true),
            AtomicOp::And => ("&=", true),
            AtomicOp::Xor => ("^=", true),
            AtomicOp::FetchAdd => ("fetch_add", false),
            AtomicOp::FetchOr => ("fetch_or", false),
            AtomicOp::FetchAnd => ("fetch_and", false),
            AtomicOp::FetchXor => ("fetch_xor", false),
            AtomicOp::Xchg => ("xchg", false),
            AtomicOp::CmpXchg => ("cmpxchg", false),
        };
        if lock {
            self.s("lock *");
            self.mem(size, dst, off);
            let _ = write!(self.out, " {name} ");
            self.r(src);
            return;
        }
        let result = if op == AtomicOp::CmpXchg {
            Reg::R0
        } else {
            src
        };
        self.r(result);
        let _ = write!(self.out, " = atomic{bits}_{name}(");
        self.mem(size, dst, off);
        self.s(", ");
        if op == AtomicOp::CmpXchg {
            self.s("r0, ");
        }
        self.r(src);
        self.s(")");
    }

    /// `r1 = 0x2a`, and bpftool's names for the pseudo loads a program may still hold.
    fn ld_imm64(&mut self, dst: Reg, imm: &Imm64) {
        self.r(dst);
        self.s(" = ");
        let full = |lo: i32, hi: i32| (hi as u32 as u64) << 32 | lo as u32 as u64;
        let _ = match imm {
            Imm64::Const(v) => write!(self.out, "{:#x}", *v as u64),
            Imm64::MapFd(id) => write!(self.out, "map[id:{}]", *id as u32),
            Imm64::MapValue { fd, offset } => {
                write!(self.out, "map[id:{}][0]+{}", *fd as u32, *offset as u32)
            }
            Imm64::Func(Target::Offset(o)) => write!(self.out, "subprog[{}]", signed((*o).into())),
            Imm64::Func(Target::Label(l)) | Imm64::Symbol(l) => write!(self.out, "{l}"),
            Imm64::BtfId { id, module } => write!(self.out, "{:#x}", full(*id, *module)),
            Imm64::MapIdx(i) => write!(self.out, "{:#x}", full(*i, 0)),
            Imm64::MapIdxValue { index, offset } => {
                write!(self.out, "{:#x}", full(*index, *offset))
            }
        };
    }

    fn flow(&mut self, insn: &Insn, syms: &KernelSymbols) {
        match insn {
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                target,
            } => {
                self.s("if ");
                self.reg(*dst, *width);
                let _ = write!(self.out, " {} ", cond.operator());
                match src {
                    Src::Reg(r) => self.reg(*r, *width),
                    Src::Imm(i) => {
                        let _ = write!(self.out, "{:#x}", *i as u32);
                    }
                }
                self.s(" goto ");
                self.target(target);
            }
            Insn::Ja { target } => {
                self.s("goto ");
                self.target(target);
            }
            Insn::JaLong { target } => {
                self.s("gotol ");
                self.target(target);
            }
            Insn::MayGoto { target } => {
                self.s("may_goto ");
                self.target(target);
            }
            Insn::Call(Call::Helper(id)) => self.kernel_call(*id, syms),
            Insn::Call(Call::Local(t)) => {
                self.s("call ");
                self.target(t);
            }
            Insn::Call(Call::Kfunc { btf_id, .. }) => self.kernel_call(*btf_id, syms),
            Insn::CallX { dst } => {
                self.s("callx ");
                self.r(*dst);
            }
            Insn::Exit => self.s("exit"),
            _ => {}
        }
    }

    /// `pc+3`, or a label's name.
    fn target<O: Into<i64> + Copy>(&mut self, t: &Target<O>) {
        let _ = match t {
            Target::Offset(o) => write!(self.out, "pc{}", signed((*o).into())),
            Target::Label(l) => write!(self.out, "{l}"),
        };
    }
}
